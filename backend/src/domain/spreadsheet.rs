//! What a spreadsheet must not do with a cell of an export: run it. A cell that starts with `=`, `+`, `-` or `@`
//! is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)` leaks data, DDE formulas run
//! programs), and a leading tab or carriage return lets one hide behind blanks (OWASP, "CSV Injection"). Such a
//! cell gets a single quote in front, which spreadsheets show as text and which a person reading the file
//! understands.

use std::borrow::Cow;

/// The first characters that make a cell a formula, or hide one.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as it is, or with a `'` in front when a spreadsheet would read it as a formula.
pub fn defuse_formula(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for (cell, expected) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("=", "'="),
        ] {
            assert_eq!(defuse_formula(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn anything_else_stays_as_it_is() {
        for cell in [
            "",
            "Zoë Ångström",
            "a=b",
            "1-2",
            "mail@example.org",
            " =1",
            "'quoted",
            "2026-12-02T10:00:00Z",
            "42",
            "\n=1",
        ] {
            assert!(
                matches!(defuse_formula(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }
}
