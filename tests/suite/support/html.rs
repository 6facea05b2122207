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
}
