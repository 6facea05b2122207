//! Journeys in a real browser: headless Chromium driven over WebDriver (see `driver`), against the service on
//! loopback (see `site`). Every page the browser arrives at is checked (see `checks`); a failing journey leaves
//! a screenshot and the page under `target/journeys/<journey>/`.
//!
//! A journey is a plain async block given a [`Browser`]; assertions panic as anywhere else in the suite, and
//! [`journey`] turns a panic into evidence before it fails the test.

mod checks;
mod driver;
mod site;
mod tools;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::support::TestApp;
use driver::Driver;
use site::BrowserSite;
use tools::Tools;

/// Journeys run at most this many at a time; the semaphore is shared by the test runtimes.
static BROWSERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A journey taking longer than this is stuck; it fails with its evidence.
const JOURNEY_LIMIT: Duration = Duration::from_secs(120);
/// How long a click may take to bring the next page.
const NAVIGATION_LIMIT: Duration = Duration::from_secs(15);

/// Run one journey over `app` in a fresh browser. Outside CI, without the browser or the checkers, it only
/// says what to install (see `tools`).
pub async fn journey<F, Fut>(name: &'static str, app: TestApp, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(tools) = Tools::find() else { return };
    // One browser per core: more at once only slow each other down past their start-up deadlines.
    let _turn = BROWSERS
        .acquire()
        .await
        .expect("the browsers' semaphore is never closed");
    let started = Instant::now();
    let dir = journeys_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pages")).expect("a folder for the journey's pages");
    let site = BrowserSite::serve(&app).await;
    let driver = Driver::start(&tools, &dir).await;
    let client = driver.session(&tools).await;
    let browser_start = started.elapsed();
    let browser = Browser {
        client: client.clone(),
        inner: Arc::new(Inner {
            dir: dir.clone(),
            _app: app,
            site,
            tools,
            step: Mutex::new("start".into()),
            pages: Mutex::new(Vec::new()),
            checking: Mutex::new(Duration::ZERO),
        }),
    };

    let mut task = tokio::spawn(body(browser.clone()));
    let failure = match tokio::time::timeout(JOURNEY_LIMIT, &mut task).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) if e.is_panic() => Some(panic_text(e.into_panic())),
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => {
            task.abort();
            Some(format!("still running after {JOURNEY_LIMIT:?}"))
        }
    };
    if let Some(failure) = failure {
        let evidence = browser.save_evidence().await;
        let _ = client.close().await;
        drop(driver);
        panic!(
            "journey {name} failed at step {:?}: {failure}\n{evidence}",
            browser.current_step()
        );
    }

    let pages = browser.inner.pages.lock().unwrap().clone();
    let vnu_started = Instant::now();
    let invalid = checks::validate(&browser.inner.tools, &pages);
    let vnu = vnu_started.elapsed();
    let _ = client.close().await;
    drop(driver);
    assert!(
        invalid.is_empty(),
        "journey {name}: the Nu HTML Checker finds errors in the pages it visited:\n{}",
        invalid.join("\n")
    );
    eprintln!(
        "journey {name}: {} pages in {:.1} s (browser start {:.1} s, axe and widths {:.1} s, Nu checker {:.1} s)",
        pages.len(),
        started.elapsed().as_secs_f64(),
        browser_start.as_secs_f64(),
        browser.inner.checking.lock().unwrap().as_secs_f64(),
        vnu.as_secs_f64()
    );
}

/// Where journeys leave their pages and, when they fail, their evidence: `target/journeys/`.
fn journeys_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("journeys")
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

/// A file-name-safe form of a step's name.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The browser of one journey, and what it has seen.
#[derive(Clone)]
pub struct Browser {
    client: Client,
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    // Kept for the database and the servers the journey runs against.
    _app: TestApp,
    site: BrowserSite,
    tools: Tools,
    step: Mutex<String>,
    pages: Mutex<Vec<PathBuf>>,
    /// Time spent in the checks at both widths, for the journey's closing line.
    checking: Mutex<Duration>,
}

/// A CSS selector, or an XPath expression when it starts with `/` or `(`.
fn locator(s: &str) -> Locator<'_> {
    if s.starts_with('/') || s.starts_with('(') {
        Locator::XPath(s)
    } else {
        Locator::Css(s)
    }
}

/// The form control a person finds by its label: the label's own first words or its whole text.
fn by_label(label: &str) -> String {
    assert!(!label.contains('\''), "labels are looked up without quotes");
    let matches = format!("normalize-space(text()[1])='{label}' or normalize-space()='{label}'");
    format!(
        "(//*[@id = //label[{matches}]/@for] | //label[{matches}]//*[self::input or self::select or self::textarea])[1]"
    )
}

impl Browser {
    /// Name what the journey does next; evidence of a failure is filed under it.
    pub fn step(&self, name: &str) {
        *self.inner.step.lock().unwrap() = name.to_string();
    }

    fn current_step(&self) -> String {
        self.inner.step.lock().unwrap().clone()
    }

    /// Open a path of the site, as typed into the address bar.
    pub async fn visit(&self, path: &str) {
        let url = format!("{}{path}", self.inner.site.base);
        self.navigate(async {
            self.client.goto(&url).await.expect("navigate");
        })
        .await;
    }

    /// Click a link or button that leads to another page, and check that page.
    pub async fn follow(&self, target: &str) {
        let element = self.find(target).await;
        self.navigate(async {
            element
                .click()
                .await
                .unwrap_or_else(|e| panic!("click {target}: {e}"));
        })
        .await;
    }

    /// Sign in as the demo person shown as `name` on the sign-in page, as someone would by clicking it.
    pub async fn sign_in_as(&self, name: &str) {
        self.visit("/signin").await;
        self.follow(&format!("//button[strong[normalize-space()='{name}']]"))
            .await;
    }

    pub async fn sign_out(&self) {
        self.follow("//button[normalize-space()='Sign out']").await;
    }

    /// Click something that changes the page in place (opens a `<details>`), without leading to another page.
    pub async fn click(&self, target: &str) {
        self.find(target)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {target}: {e}"));
    }

    /// Type into the field with this label, replacing what it held.
    pub async fn fill(&self, label: &str, text: &str) {
        let field = self.find(&by_label(label)).await;
        field.clear().await.expect("clear the field");
        field.send_keys(text).await.expect("type into the field");
    }

    /// Pick an option, by its visible text, in the list with this label.
    pub async fn choose(&self, label: &str, option: &str) {
        self.find(&by_label(label))
            .await
            .select_by_label(option)
            .await
            .unwrap_or_else(|e| panic!("choose {option:?} for {label:?}: {e}"));
    }

    /// Tick the checkbox (or pick the radio button) with this label.
    pub async fn tick(&self, label: &str) {
        let field = self.find(&by_label(label)).await;
        if !field.is_selected().await.expect("read the checkbox") {
            field.click().await.expect("tick the checkbox");
        }
    }

    /// Untick the checkbox with this label.
    pub async fn untick(&self, label: &str) {
        let field = self.find(&by_label(label)).await;
        if field.is_selected().await.expect("read the checkbox") {
            field.click().await.expect("untick the checkbox");
        }
    }

    /// Whether the checkbox with this label is ticked.
    pub async fn ticked(&self, label: &str) -> bool {
        self.find(&by_label(label))
            .await
            .is_selected()
            .await
            .expect("read the checkbox")
    }

    /// The value a field with this label holds now.
    pub async fn value_of(&self, label: &str) -> String {
        self.find(&by_label(label))
            .await
            .prop("value")
            .await
            .expect("read the field")
            .unwrap_or_default()
    }

    pub async fn find(&self, target: &str) -> Element {
        self.client.find(locator(target)).await.unwrap_or_else(|e| {
            panic!(
                "{target} is on the page at {}: {e}",
                self.last_served_path()
            )
        })
    }

    pub async fn find_all(&self, target: &str) -> Vec<Element> {
        self.client
            .find_all(locator(target))
            .await
            .expect("look for elements")
    }

    /// The text a person reads in the first element matching `target`.
    pub async fn text(&self, target: &str) -> String {
        self.find(target).await.text().await.expect("read text")
    }

    /// The text of every element matching `target`, in page order.
    pub async fn texts(&self, target: &str) -> Vec<String> {
        let mut out = Vec::new();
        for element in self.find_all(target).await {
            out.push(element.text().await.expect("read text"));
        }
        out
    }

    /// The path and query the browser shows.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    fn last_served_path(&self) -> String {
        self.inner
            .site
            .recorder
            .latest()
            .map(|d| d.target)
            .unwrap_or_default()
    }

    /// Do something that loads a new document, wait until it has loaded, then check it. The old document
    /// carries a mark; the new one does not.
    async fn navigate(&self, action: impl Future<Output = ()>) {
        let before = self.inner.site.recorder.count();
        self.client
            .execute("window.onrampOldPage = true;", vec![])
            .await
            .expect("mark the page");
        action.await;
        let deadline = Instant::now() + NAVIGATION_LIMIT;
        loop {
            let loaded = self
                .client
                .execute(
                    "return document.readyState === 'complete' && !window.onrampOldPage;",
                    vec![],
                )
                .await
                .is_ok_and(|v| v == json!(true));
            if loaded && self.inner.site.recorder.count() > before {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no new page within {NAVIGATION_LIMIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.check_page().await;
    }

    /// Save the page as sent for the Nu HTML Checker, then check it at a phone's width and a desktop's.
    async fn check_page(&self) {
        let doc = self
            .inner
            .site
            .recorder
            .latest()
            .expect("a page was served");
        let here = self.path().await;
        assert_eq!(
            doc.target, here,
            "the page shown is the last one served ({} {}, status {})",
            doc.method, doc.target, doc.status
        );
        let file = {
            let mut pages = self.inner.pages.lock().unwrap();
            let file = self.inner.dir.join("pages").join(format!(
                "{:02}-{}.html",
                pages.len() + 1,
                slug(&self.current_step())
            ));
            pages.push(file.clone());
            file
        };
        std::fs::write(&file, &doc.html).expect("save the page");
        let started = Instant::now();
        for width in checks::WIDTHS {
            let problems = checks::at_width(&self.client, &self.inner.tools, width).await;
            assert!(
                problems.is_empty(),
                "{} {here} (status {}, saved as {}) at {width} px wide:\n{}",
                doc.method,
                doc.status,
                file.display(),
                problems.join("\n")
            );
        }
        *self.inner.checking.lock().unwrap() += started.elapsed();
    }

    /// Everything the page checks find in each of these pages, at both widths and by the Nu HTML Checker (whose
    /// lines start with `html:`, one run for them all): the harness's own test shows with it that the checks
    /// catch what they are for.
    pub async fn problems_with(&self, pages: &[&str]) -> Vec<Vec<String>> {
        use base64::Engine;
        let mut found = Vec::new();
        let mut files = Vec::new();
        for (n, html) in pages.iter().enumerate() {
            let file = self.inner.dir.join(format!("probe-{n}.html"));
            std::fs::write(&file, html).expect("save the probe page");
            let encoded = base64::engine::general_purpose::STANDARD.encode(html);
            self.client
                .goto(&format!("data:text/html;base64,{encoded}"))
                .await
                .expect("open the probe page");
            let mut problems = Vec::new();
            for width in checks::WIDTHS {
                problems.extend(checks::at_width(&self.client, &self.inner.tools, width).await);
            }
            found.push(problems);
            files.push(file);
        }
        for error in checks::validate(&self.inner.tools, &files) {
            let page = files
                .iter()
                .position(|f| error.starts_with(&f.display().to_string()));
            found[page.expect("an error names its page")].push(format!("html: {error}"));
        }
        found
    }

    /// A screenshot and the page's source, named after the current step; what to print about them.
    async fn save_evidence(&self) -> String {
        let base = self.inner.dir.join(slug(&self.current_step()));
        let png = base.with_extension("png");
        let html = base.with_extension("html");
        let shot = match self.client.screenshot().await {
            Ok(bytes) => std::fs::write(&png, bytes).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let source = match self.client.source().await {
            Ok(text) => std::fs::write(&html, text).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let said = |what: &str, path: &Path, r: Result<(), String>| match r {
            Ok(()) => format!("  {what}: {}", path.display()),
            Err(e) => format!("  {what}: not saved ({e})"),
        };
        format!(
            "{}\n{}",
            said("screenshot", &png, shot),
            said("page source", &html, source)
        )
    }
}
