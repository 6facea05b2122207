//! The organizers' task form: what they type, checked field by field, into a task to save. Whether the
//! prerequisites close a cycle needs the whole graph; the catalog edit service checks that.

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{check_url, is_valid_slug};
use crate::domain::enums::Choice;
use crate::domain::profile::FieldErrors;
use crate::domain::task::{Difficulty, TaskKind};

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 10_000;

/// The form as submitted: strings (and typed choices), so anything can be shown back as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TaskForm {
    /// Only read when the task is new: a slug never changes.
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub kind: Choice<TaskKind>,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub difficulty: Choice<Difficulty>,
    #[serde(default)]
    pub description: String,
    /// Comma-separated.
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub source_url: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub upstream_issue: Option<String>,
    /// One per line.
    #[serde(default)]
    pub external_prerequisites: String,
    /// Slugs of catalog tasks, separated by commas or spaces.
    #[serde(default)]
    pub prerequisites: String,
}

/// A task as the form says it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskEdit {
    pub slug: String,
    pub title: String,
    pub kind: TaskKind,
    pub area: String,
    pub difficulty: Difficulty,
    pub description: String,
    pub skills: Vec<String>,
    pub source_url: String,
    pub upstream_issue: bool,
    pub external_prerequisites: Vec<String>,
    pub prerequisites: Vec<String>,
}

fn list(text: &str, sep: impl Fn(char) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split(sep).map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    out
}

impl TaskForm {
    /// Check every field; `areas` are the catalog's area slugs and `tasks` its task slugs.
    pub fn validate(&self, areas: &[String], tasks: &[String]) -> Result<TaskEdit, FieldErrors> {
        let mut errors = FieldErrors::default();
        let slug = self.slug.trim().to_owned();
        if !is_valid_slug(&slug) {
            errors.add(
                "slug",
                "Use lowercase letters and digits in words joined by dashes, such as pci-msi-binding.",
            );
        }
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            errors.add(
                "title",
                format!("Give a title of at most {MAX_TITLE} characters."),
            );
        }
        let kind = match &self.kind {
            Choice::Known(k) => Some(*k),
            _ => {
                errors.add("kind", "Choose what kind of task this is.");
                None
            }
        };
        let difficulty = match &self.difficulty {
            Choice::Known(d) => Some(*d),
            _ => {
                errors.add("difficulty", "Choose how hard it is.");
                None
            }
        };
        let area = self.area.trim().to_owned();
        if !areas.contains(&area) {
            errors.add("area", "Choose the area the task belongs to.");
        }
        let description = self.description.trim().to_owned();
        if description.is_empty() || description.chars().count() > MAX_TEXT {
            errors.add(
                "description",
                "Describe the work, so a newcomer knows where to start.",
            );
        }
        let source_url = self.source_url.trim().to_owned();
        if let Err(msg) = check_url(&source_url) {
            errors.add("source_url", msg.replacen("source_url ", "", 1));
        }
        let prerequisites = list(&self.prerequisites, |c| c == ',' || c.is_whitespace());
        let unknown: Vec<&str> = prerequisites
            .iter()
            .filter(|p| !tasks.contains(p))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            errors.add(
                "prerequisites",
                format!("No catalog task has the slug {}.", unknown.join(", ")),
            );
        } else if prerequisites.contains(&slug) {
            errors.add("prerequisites", "A task cannot wait for itself.");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TaskEdit {
            slug,
            title,
            kind: kind.expect("checked"),
            area,
            difficulty: difficulty.expect("checked"),
            description,
            skills: list(&self.skills, |c| c == ','),
            source_url,
            upstream_issue: self.upstream_issue.is_some(),
            external_prerequisites: list(&self.external_prerequisites, |c| c == '\n'),
            prerequisites,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> TaskForm {
        TaskForm {
            slug: "pci-msi".into(),
            title: "PCI MSI abstraction".into(),
            kind: Choice::Known(TaskKind::Binding),
            area: "pci".into(),
            difficulty: Choice::Known(Difficulty::Intermediate),
            description: "Wrap the MSI API.".into(),
            skills: "rust, pci, rust".into(),
            source_url: "https://github.com/Rust-for-Linux/linux/issues/1".into(),
            upstream_issue: Some("on".into()),
            external_prerequisites: "a board\n\n".into(),
            prerequisites: "pci-core, pci-core".into(),
        }
    }

    #[test]
    fn a_good_form_becomes_a_task() {
        let areas = vec!["pci".to_string()];
        let tasks = vec!["pci-core".to_string()];
        let edit = good().validate(&areas, &tasks).unwrap();
        assert_eq!(edit.skills, ["rust", "pci"]);
        assert_eq!(edit.prerequisites, ["pci-core"]);
        assert_eq!(edit.external_prerequisites, ["a board"]);
        assert!(edit.upstream_issue);
    }

    #[test]
    fn each_bad_field_gets_its_message() {
        let form = TaskForm {
            slug: "Bad Slug".into(),
            title: " ".into(),
            kind: Choice::Unknown("widget".into()),
            area: "nowhere".into(),
            difficulty: Choice::Empty,
            description: String::new(),
            source_url: "ftp://x".into(),
            prerequisites: "missing-task".into(),
            ..TaskForm::default()
        };
        let errors = form.validate(&["pci".into()], &[]).unwrap_err();
        let fields: Vec<&str> = errors.0.keys().copied().collect();
        assert_eq!(
            fields,
            [
                "area",
                "description",
                "difficulty",
                "kind",
                "prerequisites",
                "slug",
                "source_url",
                "title"
            ]
        );
        assert_eq!(
            errors.0["prerequisites"],
            "No catalog task has the slug missing-task."
        );
        let own = TaskForm {
            prerequisites: "pci-msi".into(),
            ..good()
        };
        let errors = own
            .validate(&["pci".into()], &["pci-msi".into()])
            .unwrap_err();
        assert_eq!(errors.0["prerequisites"], "A task cannot wait for itself.");
    }
}
