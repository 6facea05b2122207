//! The checks every page a journey visits goes through: no horizontal scroll and no serious or critical axe-core
//! violation, at a phone's width and at a desktop's; and, once per journey over every saved page, no error from
//! the Nu HTML Checker.

use std::path::{Path, PathBuf};

use fantoccini::Client;
use serde_json::{Value, json};

use super::tools::Tools;

/// A phone (390 CSS pixels, as an iPhone 12 to 15) and a desktop.
pub const WIDTHS: [u32; 2] = [390, 1280];
const HEIGHT: u32 = 900;

/// Everything wrong with the page at this width, one line per problem (empty when all is well).
pub async fn at_width(client: &Client, tools: &Tools, width: u32) -> Vec<String> {
    client
        .set_window_size(width, HEIGHT)
        .await
        .expect("resize the window");
    let mut problems = overflow(client, width).await;
    problems.extend(axe(client, tools).await);
    problems
}

const OVERFLOW: &str = r#"
const w = window.innerWidth, sw = document.documentElement.scrollWidth;
const culprits = [];
if (sw > w) {
  const past = el => el.getBoundingClientRect().right > w + 0.5;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  for (const el of document.body.querySelectorAll('*')) {
    if (past(el) && ![...el.children].some(past)) culprits.push(name(el) + ' reaches x=' + Math.round(el.getBoundingClientRect().right));
    if (culprits.length >= 8) break;
  }
}
return { width: w, scrollWidth: sw, culprits };
"#;

async fn overflow(client: &Client, width: u32) -> Vec<String> {
    let seen = client
        .execute(OVERFLOW, vec![])
        .await
        .expect("measure the page");
    let inner = seen["width"].as_u64().unwrap_or_default();
    let scroll = seen["scrollWidth"].as_u64().unwrap_or_default();
    if inner != u64::from(width) {
        return vec![format!(
            "the window is {inner} CSS pixels wide, not {width}"
        )];
    }
    if scroll <= inner {
        return Vec::new();
    }
    let culprits: Vec<String> = seen["culprits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(|s| format!("    {s}")))
        .collect();
    vec![format!(
        "at {width} px the page scrolls sideways: it is {scroll} px wide; the widest pieces:\n{}",
        culprits.join("\n")
    )]
}

/// Runs axe-core in the page (WebDriver's scripts are not subject to the page's CSP) and keeps what hurts most.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(
  r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' '))
  }))),
  e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));
"#;

async fn axe(client: &Client, tools: &Tools) -> Vec<String> {
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("look for axe");
    if loaded != json!(true) {
        client
            .execute(&tools.axe_source, vec![])
            .await
            .expect("inject axe-core");
    }
    let violations = client
        .execute_async(AXE_RUN, vec![])
        .await
        .expect("run axe-core");
    violations
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(|s| format!("    {s}")))
                .collect();
            format!(
                "axe {} ({}): {}\n{}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                nodes.join("\n")
            )
        })
        .collect()
}

/// Every error the Nu HTML Checker finds in these saved pages, one JVM for the lot.
pub fn validate(tools: &Tools, pages: &[PathBuf]) -> Vec<String> {
    if pages.is_empty() {
        return Vec::new();
    }
    // A short run: the client compiler alone starts the checker in half the time; its schemas need a deep stack.
    let out = std::process::Command::new(&tools.java)
        .args(["-Xss2m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"])
        .arg("-jar")
        .arg(&tools.vnu_jar)
        .args(["--format", "json", "--errors-only"])
        .args(pages)
        .output()
        .expect("run the Nu HTML Checker");
    // The checker writes its report to standard error.
    let report: Value = match serde_json::from_slice(&out.stderr) {
        Ok(report) => report,
        Err(e) => {
            return vec![format!(
                "the Nu HTML Checker gave no report ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )];
        }
    };
    report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("?");
            let file = url.strip_prefix("file:").unwrap_or(url);
            format!(
                "{}:{}: {} [{}]",
                Path::new(file).display(),
                m["lastLine"].as_u64().unwrap_or_default(),
                m["message"].as_str().unwrap_or("?"),
                m["extract"].as_str().unwrap_or("").trim()
            )
        })
        .collect()
}
