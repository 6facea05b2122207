//! What the browser journeys need on the machine: Chromium and its driver (Debian's `chromium` and
//! `chromium-driver`), Java for the Nu HTML Checker, and the checkers themselves from `tests/browser-tools`
//! (`npm ci --prefix tests/browser-tools`).
//!
//! In CI (`CI=true`) a missing piece fails the journey. Elsewhere, so that `cargo test` keeps working on a fresh
//! machine, the journey says loudly what to install and passes without running.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

use crate::support::repo_root;

pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub java: PathBuf,
    pub vnu_jar: PathBuf,
    /// The text of `axe.min.js`, injected into each page.
    pub axe_source: String,
}

const INSTALL: &str = "apt-get install -y chromium chromium-driver default-jre-headless && \
                       npm ci --ignore-scripts --prefix tests/browser-tools";

impl Tools {
    /// The tools, or `None` after telling the person what is missing (outside CI only).
    pub fn find() -> Option<Tools> {
        let npm = repo_root().join("tests/browser-tools/node_modules");
        let chromium = named_or_on_path("ONRAMP_CHROMIUM", "chromium");
        let chromedriver = named_or_on_path("ONRAMP_CHROMEDRIVER", "chromedriver");
        let java = on_path("java");
        let vnu_jar = Some(npm.join("vnu-jar/build/dist/vnu.jar")).filter(|p| p.is_file());
        let axe = npm.join("axe-core/axe.min.js");
        let axe_source = std::fs::read_to_string(&axe).ok();

        let mut missing = Vec::new();
        for (what, found) in [
            ("chromium", chromium.is_some()),
            ("chromedriver", chromedriver.is_some()),
            ("java", java.is_some()),
            ("tests/browser-tools: vnu-jar", vnu_jar.is_some()),
            ("tests/browser-tools: axe-core", axe_source.is_some()),
        ] {
            if !found {
                missing.push(what);
            }
        }
        if missing.is_empty() {
            return Some(Tools {
                chromium: chromium?,
                chromedriver: chromedriver?,
                java: java?,
                vnu_jar: vnu_jar?,
                axe_source: axe_source?,
            });
        }
        let message = format!(
            "the browser journeys need {} (install: {INSTALL})",
            missing.join(", ")
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and {message}");
        }
        warn_once(&message);
        None
    }
}

/// Printed straight to the terminal, past the test harness's capture, once per run: a passing test's output is
/// otherwise hidden, and this one must be seen.
fn warn_once(message: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let line = "!".repeat(100);
        let _ = writeln!(
            std::io::stderr(),
            "\n{line}\n!! BROWSER JOURNEYS NOT RUN: {message}.\n!! They pass here without running; in CI \
             (CI=true) they fail instead.\n{line}\n"
        );
    });
}

/// The program an environment variable names, else the one on PATH.
fn named_or_on_path(variable: &str, name: &str) -> Option<PathBuf> {
    match std::env::var_os(variable) {
        Some(path) => Some(PathBuf::from(path)).filter(|p| is_executable(p)),
        None => on_path(name),
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
