//! The browser process: a chromedriver of the journey's own on a free loopback port, and the headless Chromium
//! session it starts, both gone when the journey ends, whatever happened to it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::tools::Tools;

/// The flags Debian's Chromium needs to run headless in a container and to stay off the network: without the
/// background-networking ones it tries to reach update, sync and discovery services.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=MediaRouter,DialMediaRouteProvider,OptimizationHints,Translate",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--lang=en-US",
];

/// A chromedriver process of the journey's own, in its own process group so that it and the browser it starts
/// go away together.
pub struct Driver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
}

impl Driver {
    pub async fn start(tools: &Tools, dir: &Path) -> Driver {
        use std::os::unix::process::CommandExt;
        // A free port can be taken by another journey between our look and chromedriver's bind: try again.
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let mut child = Command::new(&tools.chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!(
                    "--log-path={}",
                    dir.join("chromedriver.log").display()
                ))
                .arg("--log-level=WARNING")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("start chromedriver");
            let url = format!("http://127.0.0.1:{port}");
            if ready(&mut child, &url).await {
                return Driver {
                    child,
                    url,
                    profile: tempfile::tempdir().expect("a browser profile folder"),
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "chromedriver did not start (see {})",
            dir.join("chromedriver.log").display()
        );
    }

    pub async fn session(&self, tools: &Tools) -> Client {
        // On a loaded machine Chromium can miss chromedriver's start-up deadline; another try, with a profile
        // of its own (the first browser may still hold its lock), passes.
        let mut tries = 0;
        loop {
            tries += 1;
            let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
            let profile = self.profile.path().join(format!("try-{tries}"));
            args.push(format!("--user-data-dir={}", profile.display()));
            args.push("--window-size=1280,900".into());
            let capabilities = json!({
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": tools.chromium, "args": args },
            });
            let serde_json::Value::Object(capabilities) = capabilities else {
                unreachable!()
            };
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities)
                .connect(&self.url)
                .await
            {
                Ok(client) => return client,
                Err(e) if tries < 3 => eprintln!("Chromium did not start ({e}); trying again"),
                Err(e) => panic!("start a Chromium session through chromedriver: {e}"),
            }
        }
    }
}

async fn ready(child: &mut Child, url: &str) -> bool {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        if http
            .get(format!("{url}/status"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser process a failed session left behind.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}
