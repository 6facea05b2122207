//! The real service in a process of its own, to kill with SIGKILL or to run twice side by side. The suite's own
//! binary is the service: a test that needs one re-runs itself (`current_exe()`, filtered to that one test) with
//! `ONRAMP_SERVICE_CHILD` set and the service's configuration in the environment, and the test, seeing the
//! variable, runs `onramp serve` exactly as `main` does instead of its own body. No second binary is built, and
//! `cargo run` keeps one binary to run.

use std::process::{Child, Command, Stdio};

use onramp::config::Cli;

const CHILD: &str = "ONRAMP_SERVICE_CHILD";

/// Call first in a test that starts service processes: in such a process, serve until killed.
pub async fn serve_if_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    use clap::Parser;
    let cli = Cli::parse_from(["onramp", "serve"]);
    if let Err(err) = onramp::cli::run(cli).await {
        eprintln!("the service process stopped: {err:#}");
        std::process::exit(1);
    }
    std::process::exit(0);
}

/// The configuration of a service process over `app`'s database sending to the SMTP server at `smtp_url`: small
/// batches over two connections, polled often, so a test sees a batch in hand; then `extra` on top.
pub fn mail_env(
    app: &super::TestApp,
    smtp_url: String,
    extra: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("DATABASE_URL", app.database_url().to_string()),
        ("ONRAMP_SMTP_URL", smtp_url),
        ("ONRAMP_MAIL_BATCH", "25".to_string()),
        ("ONRAMP_MAIL_CONNECTIONS", "2".into()),
        ("ONRAMP_MAIL_POLL_MS", "50".into()),
        ("ONRAMP_IMPORT_ON_START", "false".into()),
        (
            "ONRAMP_CATALOG_DIR",
            super::repo_root().join("seed-data").display().to_string(),
        ),
    ];
    env.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    env
}

/// A service process; killed (SIGKILL) when dropped.
pub struct ServiceProcess {
    child: Child,
}

impl ServiceProcess {
    /// Start the service as the test `test` (its full path, e.g. `mail_processes::killed_mid_batch`), configured
    /// by `env` on top of a loopback bind.
    pub fn start(test: &str, env: &[(&str, String)]) -> ServiceProcess {
        let exe = std::env::current_exe().expect("the test binary's path");
        let mut cmd = Command::new(exe);
        cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env("ONRAMP_BIND", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        // Nothing from the test's own environment configures the child by accident.
        for (key, _) in std::env::vars() {
            if key.starts_with("ONRAMP_") || key == "DATABASE_URL" {
                cmd.env_remove(key);
            }
        }
        cmd.env(CHILD, "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        ServiceProcess {
            child: cmd.spawn().expect("start a service process"),
        }
    }

    /// SIGTERM, as an orchestrator stops a service, then wait up to `within` for the process to exit; its exit
    /// status, or None if it had not exited by then.
    pub fn terminate(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM");
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("poll the process") {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        None
    }

    /// SIGKILL: no shutdown, no chance to record anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
