//! Evidence for a milestone: a link, recognised by its form as one of the places kernel work shows up (a message
//! on lore.kernel.org, a patch on patchwork, a commit on git.kernel.org, a pull request or commit on GitHub) or
//! as any other web page. Each milestone says which kinds fit it (`seed-data/milestones.toml`); a link of the
//! wrong kind, or a link to one of those hosts that points at no message, patch or commit, gets a message that
//! says what would fit.

use url::Url;

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum EvidenceKind ("kind of evidence") {
        /// One message in a lore.kernel.org archive: https://lore.kernel.org/<list>/<message-id>/
        Lore = "lore",
        /// One patch on a patchwork instance: https://patchwork.kernel.org/project/<project>/patch/<id>/
        Patchwork = "patchwork",
        /// One commit on git.kernel.org: .../commit/?id=<sha>
        GitKernel = "git-kernel",
        /// A GitHub pull request: https://github.com/<owner>/<repo>/pull/<n>
        GithubPull = "github-pull",
        /// A GitHub commit: https://github.com/<owner>/<repo>/commit/<sha>
        GithubCommit = "github-commit",
        /// Any other https page (a gist, a Zulip message, a branch).
        Link = "link",
    }
}

impl EvidenceKind {
    /// How a message names the kind.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Lore => "a lore.kernel.org message",
            EvidenceKind::Patchwork => "a patchwork patch",
            EvidenceKind::GitKernel => "a git.kernel.org commit",
            EvidenceKind::GithubPull => "a GitHub pull request",
            EvidenceKind::GithubCommit => "a GitHub commit",
            EvidenceKind::Link => "a web page",
        }
    }
}

/// The longest evidence link accepted.
pub const MAX_URL: usize = 2000;

/// What a milestone accepts as evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceRule {
    /// The kinds that fit; empty means any link.
    pub kinds: Vec<EvidenceKind>,
    /// Whether a record without a link is refused.
    pub required: bool,
}

impl EvidenceRule {
    /// Reads the stored form: kinds comma-separated.
    pub fn from_stored(kinds: &str, required: bool) -> Self {
        EvidenceRule {
            kinds: kinds
                .split(',')
                .filter_map(|k| k.trim().parse().ok())
                .collect(),
            required,
        }
    }

    pub fn stored_kinds(&self) -> String {
        self.kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// "a lore.kernel.org message or a patchwork patch", for hints and messages; None when any link fits.
    pub fn describe(&self) -> Option<String> {
        if self.kinds.is_empty() || self.kinds.contains(&EvidenceKind::Link) {
            return None;
        }
        let labels: Vec<&str> = self.kinds.iter().map(|k| k.label()).collect();
        Some(match labels.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        })
    }

    /// Checks a typed link (trimmed; empty is no link) against the rule, and returns the link to store.
    pub fn check(&self, typed: &str) -> Result<Option<(String, EvidenceKind)>, String> {
        let typed = typed.trim();
        if typed.is_empty() {
            return if self.required {
                Err(match self.describe() {
                    Some(what) => format!("This milestone needs a link to {what}."),
                    None => "This milestone needs a link to your evidence.".into(),
                })
            } else {
                Ok(None)
            };
        }
        let kind = classify(typed)?;
        let fits = self.kinds.is_empty()
            || self.kinds.contains(&kind)
            || self.kinds.contains(&EvidenceKind::Link);
        if !fits {
            let wanted = self.describe().unwrap_or_default();
            return Err(format!(
                "This milestone needs {wanted}; that link is {}.",
                kind.label()
            ));
        }
        Ok(Some((typed.to_owned(), kind)))
    }
}

/// What kind of evidence a link is, or why it is none.
pub fn classify(typed: &str) -> Result<EvidenceKind, String> {
    if typed.len() > MAX_URL {
        return Err(format!(
            "That link is too long (at most {MAX_URL} characters)."
        ));
    }
    let url = Url::parse(typed)
        .map_err(|_| "That is not a web address: it should start with https://".to_owned())?;
    if url.scheme() != "https" {
        return Err("Links must start with https://".into());
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if host.is_empty() || !host.contains('.') {
        return Err("That link has no host name.".into());
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match host.as_str() {
        "lore.kernel.org" => lore(&segments),
        "git.kernel.org" => git_kernel(&url, &segments),
        "github.com" | "www.github.com" => github(&segments),
        _ if host.starts_with("patchwork.") => patchwork(&segments),
        _ => Ok(EvidenceKind::Link),
    }
}

/// `/<list>/<message-id>/` (or `/r/<message-id>`), with anything after it (a thread view, a raw message).
fn lore(segments: &[&str]) -> Result<EvidenceKind, String> {
    let is_message_id = |s: &str| s.contains('@') || s.to_ascii_lowercase().contains("%40");
    match segments {
        [_list, id, ..] if is_message_id(id) => Ok(EvidenceKind::Lore),
        _ => Err("A lore.kernel.org link must point at one message: https://lore.kernel.org/<list>/<message-id>/ (open the message and copy its address).".into()),
    }
}

/// `/project/<project>/patch/<id>/` (also the older `/patch/<id>/`).
fn patchwork(segments: &[&str]) -> Result<EvidenceKind, String> {
    match segments {
        ["project", _, "patch", id, ..] | ["patch", id, ..] if !id.is_empty() => {
            Ok(EvidenceKind::Patchwork)
        }
        _ => Err("A patchwork link must point at one patch: https://patchwork.kernel.org/project/<project>/patch/<id>/".into()),
    }
}

/// A cgit commit view (`.../commit/?id=<sha>`), or the short forms `/linus/<sha>` and `.../c/<sha>`.
fn git_kernel(url: &Url, segments: &[&str]) -> Result<EvidenceKind, String> {
    let id = url
        .query_pairs()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.into_owned());
    let commit_view = segments.last() == Some(&"commit") && id.as_deref().is_some_and(is_sha);
    let short = matches!(segments, [.., "linus" | "c", sha] if is_sha(sha));
    if commit_view || short {
        Ok(EvidenceKind::GitKernel)
    } else {
        Err("A git.kernel.org link must point at one commit: …/commit/?id=<commit id>".into())
    }
}

/// `/<owner>/<repo>/pull/<n>` or `/<owner>/<repo>/commit/<sha>`, with anything after it (files, a comment).
fn github(segments: &[&str]) -> Result<EvidenceKind, String> {
    match segments {
        [_, _, "pull", n, ..] if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(EvidenceKind::GithubPull)
        }
        [_, _, "commit", sha, ..] if is_sha(sha) => Ok(EvidenceKind::GithubCommit),
        [_, _, ..] => Ok(EvidenceKind::Link),
        _ => {
            Err("A GitHub link must point at a repository's pull request, commit or branch.".into())
        }
    }
}

fn is_sha(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn links_are_recognised_by_their_form() {
        let cases = [
            (
                "https://lore.kernel.org/rust-for-linux/20241201.1-1-nina@example.org/",
                EvidenceKind::Lore,
            ),
            (
                "https://lore.kernel.org/all/20241201.1-1-nina%40example.org/T/#u",
                EvidenceKind::Lore,
            ),
            (
                "https://lore.kernel.org/r/20241201.1-1-nina@example.org",
                EvidenceKind::Lore,
            ),
            (
                "https://patchwork.kernel.org/project/rust-for-linux/patch/20241201.1-1-nina@example.org/",
                EvidenceKind::Patchwork,
            ),
            (
                "https://patchwork.ozlabs.org/patch/1234/",
                EvidenceKind::Patchwork,
            ),
            (
                &format!(
                    "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id={SHA}"
                ),
                EvidenceKind::GitKernel,
            ),
            (
                "https://git.kernel.org/linus/0123456789ab",
                EvidenceKind::GitKernel,
            ),
            (
                "https://github.com/Rust-for-Linux/linux/pull/1050",
                EvidenceKind::GithubPull,
            ),
            (
                &format!("https://github.com/nina/linux/commit/{SHA}"),
                EvidenceKind::GithubCommit,
            ),
            (
                "https://github.com/nina/linux/tree/rust-pci",
                EvidenceKind::Link,
            ),
            ("https://gist.github.com/nina/abc", EvidenceKind::Link),
            (
                "https://rust-for-linux.zulipchat.com/#narrow/stream/x",
                EvidenceKind::Link,
            ),
        ];
        for (url, kind) in cases {
            assert_eq!(classify(url), Ok(kind), "{url}");
        }
    }

    #[test]
    fn links_to_known_hosts_must_point_at_one_thing() {
        for (url, says) in [
            ("https://lore.kernel.org/rust-for-linux/", "one message"),
            (
                "https://patchwork.kernel.org/project/rust-for-linux/list/",
                "one patch",
            ),
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/log/",
                "one commit",
            ),
            (
                "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=main",
                "one commit",
            ),
            ("https://github.com/nina", "pull request"),
            ("http://lore.kernel.org/rust-for-linux/a@b/", "https://"),
            ("lore.kernel.org/rust-for-linux/a@b/", "web address"),
            ("javascript:alert(1)", "https://"),
            ("https://localhost/x", "host"),
        ] {
            let err = classify(url).expect_err(url);
            assert!(err.contains(says), "{url}: {err}");
        }
        assert!(classify(&format!("https://example.org/{}", "a".repeat(MAX_URL))).is_err());
    }

    #[test]
    fn a_rule_says_which_kinds_fit() {
        let rule = EvidenceRule::from_stored("lore,patchwork", true);
        assert_eq!(rule.kinds, [EvidenceKind::Lore, EvidenceKind::Patchwork]);
        assert_eq!(rule.stored_kinds(), "lore,patchwork");
        assert_eq!(
            rule.describe().as_deref(),
            Some("a lore.kernel.org message or a patchwork patch")
        );
        assert_eq!(
            rule.check(" https://lore.kernel.org/rust-for-linux/x@y/ "),
            Ok(Some((
                "https://lore.kernel.org/rust-for-linux/x@y/".into(),
                EvidenceKind::Lore
            )))
        );
        let wrong = rule
            .check("https://github.com/Rust-for-Linux/linux/pull/1")
            .unwrap_err();
        assert_eq!(
            wrong,
            "This milestone needs a lore.kernel.org message or a patchwork patch; that link is a GitHub pull request."
        );
        assert!(
            rule.check("")
                .unwrap_err()
                .contains("needs a link to a lore.kernel.org message")
        );

        let any = EvidenceRule::from_stored("", false);
        assert_eq!(any.check(""), Ok(None));
        assert_eq!(any.describe(), None);
        assert!(any.check("https://example.org/gist").is_ok());
        assert!(
            any.check("https://lore.kernel.org/").is_err(),
            "a bad lore link is bad anywhere"
        );
        let three = EvidenceRule::from_stored("git-kernel,lore,github-commit", true);
        assert_eq!(
            three.describe().as_deref(),
            Some("a git.kernel.org commit, a lore.kernel.org message or a GitHub commit")
        );
    }
}
