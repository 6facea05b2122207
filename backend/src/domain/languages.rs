//! The one table of spoken languages: what the profile forms offer and how matching names a shared language.

/// Spoken languages (ISO 639-1 code, English name), in name order as the forms list them: the languages of the
/// programme's mentors and newcomers so far; extend as people ask.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("ca", "Catalan"),
    ("zh", "Chinese"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("nl", "Dutch"),
    ("en", "English"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("de", "German"),
    ("el", "Greek"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ms", "Malay"),
    ("nb", "Norwegian"),
    ("fa", "Persian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("es", "Spanish"),
    ("sw", "Swahili"),
    ("sv", "Swedish"),
    ("ta", "Tamil"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("vi", "Vietnamese"),
];

/// The English name of a language on the list; None for any other code (the forms refuse those).
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The name to show for a stored code: its English name, or the code itself when it is not on the list (data
/// from before the list grew, or imported by hand).
pub fn display_name(code: &str) -> String {
    language_name(code).map_or_else(|| code.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_name_order_with_unique_codes() {
        let names: Vec<&str> = LANGUAGES.iter().map(|(_, n)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        let mut codes: Vec<&str> = LANGUAGES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), LANGUAGES.len());
    }

    #[test]
    fn names_fall_back_to_the_code() {
        assert_eq!(language_name("pt"), Some("Portuguese"));
        assert_eq!(language_name("xx"), None);
        assert_eq!(display_name("sw"), "Swahili");
        assert_eq!(display_name("xx"), "xx");
    }
}
