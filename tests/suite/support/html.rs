//! Reading a page as a browser does: the body is parsed as HTML and looked at through CSS selectors, so an
//! assertion names what a reader sees (a heading, a field's error, a link) and not how the markup is spelled.

use scraper::{ElementRef, Html, Selector};

use super::Page;

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("{css:?} is not a CSS selector: {e}"))
}

/// An element's text as a reader sees it: runs of white space are one space, and none at the ends.
fn text_of(el: ElementRef<'_>) -> String {
    el.text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Page {
    pub fn document(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The text of every element `css` matches, in document order.
    pub fn select_all(&self, css: &str) -> Vec<String> {
        self.document()
            .select(&selector(css))
            .map(text_of)
            .collect()
    }

    /// The text of the first element `css` matches; fails the test when nothing does.
    #[track_caller]
    pub fn select_text(&self, css: &str) -> String {
        self.select_all(css).into_iter().next().unwrap_or_else(|| {
            panic!(
                "nothing matches {css:?} (status {}):\n{}",
                self.status, self.body
            )
        })
    }

    pub fn count(&self, css: &str) -> usize {
        self.document().select(&selector(css)).count()
    }

    /// The values of attribute `attr` on the elements `css` matches (those that have it).
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.document()
            .select(&selector(css))
            .filter_map(|el| el.value().attr(attr).map(str::to_string))
            .collect()
    }

    /// Where the links inside `css` go.
    pub fn links(&self, css: &str) -> Vec<String> {
        self.attrs(&format!("{css} a[href]"), "href")
    }

    /// The whole body's text as a reader sees it.
    pub fn text(&self) -> String {
        self.select_all("body").join(" ")
    }

    #[track_caller]
    pub fn assert_selector(&self, css: &str) -> &Self {
        assert!(
            self.count(css) > 0,
            "expected an element matching {css:?} (status {}):\n{}",
            self.status,
            self.body
        );
        self
    }

    #[track_caller]
    pub fn assert_no_selector(&self, css: &str) -> &Self {
        assert_eq!(
            self.count(css),
            0,
            "did not expect {css:?} in the page:\n{}",
            self.body
        );
        self
    }

    /// The text shown as a reader sees it contains `needle` (entities decoded, tags and spacing ignored).
    /// Prefer the element that carries the meaning; no test needs "anywhere on the page" just now, but the
    /// other branches of this suite may, so it stays beside `assert_no_text`.
    #[allow(dead_code)]
    #[track_caller]
    pub fn assert_text(&self, needle: &str) -> &Self {
        let text = self.text();
        assert!(
            text.contains(needle),
            "expected the text {needle:?} on the page (status {}):\n{text}",
            self.status
        );
        self
    }

    #[track_caller]
    pub fn assert_no_text(&self, needle: &str) -> &Self {
        let text = self.text();
        assert!(
            !text.contains(needle),
            "did not expect the text {needle:?} on the page:\n{text}"
        );
        self
    }

    /// The message shown beside form field `name`, if any (`<p class="field-error" id="NAME-error">`).
    pub fn field_error(&self, name: &str) -> Option<String> {
        self.select_all(&format!("p.field-error[id=\"{name}-error\"]"))
            .into_iter()
            .next()
    }

    /// What the form would send for field `name`: an input's value (a checkbox or radio button only when
    /// checked), a text area's text, or a select's chosen option. None when no such field has a value.
    pub fn input_value(&self, name: &str) -> Option<String> {
        self.input_values(name).into_iter().next()
    }

    /// Every value the form would send for field `name` (several for a group of checkboxes).
    pub fn input_values(&self, name: &str) -> Vec<String> {
        let doc = self.document();
        let fields = selector(&format!("[name=\"{name}\"]"));
        let chosen = selector("option[selected]");
        let mut values = Vec::new();
        for el in doc.select(&fields) {
            let e = el.value();
            match e.name() {
                "input" => {
                    let checkable = matches!(e.attr("type"), Some("checkbox" | "radio"));
                    if !checkable || e.attr("checked").is_some() {
                        values.push(
                            e.attr("value")
                                .unwrap_or(if checkable { "on" } else { "" })
                                .to_string(),
                        );
                    }
                }
                "textarea" => values.push(el.text().collect()),
                "select" => values.extend(el.select(&chosen).map(|o| {
                    o.value()
                        .attr("value")
                        .map_or_else(|| text_of(o), str::to_string)
                })),
                _ => {}
            }
        }
        values
    }

    /// The page's main heading.
    #[track_caller]
    pub fn heading(&self) -> String {
        self.select_text("main h1")
    }

    /// The notices the page shows above its content ("Saved.", "Round sent: ...", a filter's error), in order.
    pub fn notices(&self) -> Vec<String> {
        self.select_all("main .notice")
    }

    /// An error page's title and explanation (`error.html`); fails the test when the page is not one.
    #[track_caller]
    pub fn error(&self) -> (String, String) {
        (
            self.select_text(".error-page h1"),
            self.select_text(".error-page h1 + p"),
        )
    }

    /// The page is an error page with this title whose explanation says `says`.
    #[track_caller]
    pub fn assert_error_page(&self, title: &str, says: &str) -> &Self {
        let (shown, message) = self.error();
        assert_eq!(
            shown, title,
            "the error page's title; its message: {message}"
        );
        assert!(
            message.contains(says),
            "expected the error page {title:?} to say {says:?}; it says: {message}"
        );
        self
    }

    /// The request id an error page quotes for a report, if it shows one.
    pub fn request_id(&self) -> Option<String> {
        self.select_all(".error-page .request-id code")
            .into_iter()
            .next()
    }

    /// The login the dashboard says you are signed in as.
    #[track_caller]
    pub fn signed_in_as(&self) -> String {
        self.select_text("main .meta strong")
    }

    /// The cells of each table row `css` matches (e.g. `"table.audit tbody tr"`), as a reader sees them.
    pub fn rows(&self, css: &str) -> Vec<Vec<String>> {
        let cell = selector("td, th");
        self.document()
            .select(&selector(css))
            .map(|row| row.select(&cell).map(text_of).collect())
            .collect()
    }

    /// `typed` comes back escaped in the markup, never as raw markup. Escaping is a property of the source
    /// (parsing undoes it, and inside a text area raw tags parse as text too), so this looks at the bytes sent.
    #[track_caller]
    pub fn assert_escaped(&self, typed: &str) -> &Self {
        assert!(
            self.body.contains(&super::html_escape(typed)) && !self.body.contains(typed),
            "expected {typed:?} escaped, and only escaped, in:\n{}",
            self.body
        );
        self
    }

    /// A secret (a token, a client secret, an upstream error code) appears nowhere in what was sent: not in the
    /// text, nor in an attribute or a comment. This looks at the raw bytes on purpose, as a leak would.
    #[track_caller]
    pub fn assert_not_leaked(&self, secret: &str) -> &Self {
        assert!(
            !self.body.contains(secret),
            "{secret:?} leaked into the page:\n{}",
            self.body
        );
        self
    }
}

/// Of many requests racing for one thing, exactly one went through (a redirect) and every other got the
/// "Already taken" page saying `says`.
#[track_caller]
pub fn assert_one_winner(pages: &[Page], says: &str) {
    let statuses: Vec<u16> = pages.iter().map(|p| p.status).collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 303).count(),
        1,
        "{statuses:?}"
    );
    for lost in pages.iter().filter(|p| p.status != 303) {
        assert_eq!(lost.status, 409);
        lost.assert_error_page("Already taken", says);
    }
}
