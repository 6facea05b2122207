//! The curated catalog as people write it in `seed-data/`: parsing and validation, with no I/O. Every problem in
//! every file is collected and reported with its file, line and slug, so one run shows everything to fix; a
//! catalog that has any problem is never imported.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::evidence::{EvidenceKind, EvidenceRule};
use crate::domain::task::{Difficulty, TaskKind};

/// The milestones the code refers to by slug; the ladder must contain them.
pub const REQUIRED_MILESTONES: [&str; 3] =
    ["kernel-builds", PATCH_SENT_MILESTONE, MERGED_MILESTONE];
/// The milestone of a first patch on the list.
pub const PATCH_SENT_MILESTONE: &str = "patch-sent";
/// The milestone whose verification graduates a newcomer.
pub const MERGED_MILESTONE: &str = "patch-merged";

/// One catalog file's name (as shown in messages) and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaDef {
    pub slug: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneDef {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// What counts as evidence for it.
    pub evidence: EvidenceRule,
}

/// The state a catalog file may give a task; `claimed` and `retired` only ever come from the service itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CatalogState {
    #[default]
    Open,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDef {
    pub slug: String,
    pub kind: TaskKind,
    pub area: String,
    pub title: String,
    pub difficulty: Difficulty,
    pub skills: Vec<String>,
    pub prerequisites: Vec<String>,
    pub external_prerequisites: Vec<String>,
    pub source_url: String,
    pub upstream_issue: bool,
    pub state: CatalogState,
    pub description: String,
}

/// A validated catalog: slugs unique, every reference resolved, prerequisites acyclic. Tasks are in
/// prerequisite order (a task after everything it requires).
#[derive(Debug, Clone)]
pub struct Catalog {
    pub areas: Vec<AreaDef>,
    pub milestones: Vec<MilestoneDef>,
    pub tasks: Vec<TaskDef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// `file:line`, or just the file when the problem is the file as a whole.
    pub location: String,
    pub slug: Option<String>,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.slug {
            Some(slug) => write!(f, "{}: `{}`: {}", self.location, slug, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CatalogErrors(pub Vec<CatalogError>);

impl fmt::Display for CatalogErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the catalog has {} problem(s); nothing was imported:",
            self.0.len()
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogErrors {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreasFile {
    #[serde(default)]
    area: Vec<Spanned<RawArea>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MilestonesFile {
    #[serde(default)]
    milestone: Vec<Spanned<RawMilestone>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMilestone {
    slug: String,
    title: String,
    #[serde(default)]
    description: String,
    /// The kinds of link that fit (see `domain::evidence`); none listed: any link.
    #[serde(default)]
    evidence: Vec<EvidenceKind>,
    #[serde(default)]
    evidence_required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TasksFile {
    #[serde(default)]
    task: Vec<Spanned<RawTask>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    slug: String,
    kind: TaskKind,
    area: Spanned<String>,
    title: String,
    difficulty: Difficulty,
    #[serde(default)]
    skills: Vec<String>,
    #[serde(default)]
    prerequisites: Vec<Spanned<String>>,
    #[serde(default)]
    external_prerequisites: Vec<String>,
    source_url: Spanned<String>,
    #[serde(default = "default_true")]
    upstream_issue: bool,
    #[serde(default)]
    state: CatalogState,
    description: String,
}

fn default_true() -> bool {
    true
}

/// Collects problems with their locations while the files are read.
struct Problems<'a> {
    errors: Vec<CatalogError>,
    source: Option<&'a Source>,
}

impl<'a> Problems<'a> {
    fn at(&mut self, source: &'a Source) -> &mut Self {
        self.source = Some(source);
        self
    }

    fn push(&mut self, offset: Option<usize>, slug: Option<&str>, message: impl Into<String>) {
        let source = self
            .source
            .expect("a source is set before problems are reported");
        let location = match offset {
            Some(o) => format!("{}:{}", source.name, line_of(&source.text, o)),
            None => source.name.clone(),
        };
        self.errors.push(CatalogError {
            location,
            slug: slug.map(str::to_string),
            message: message.into(),
        });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, source: &'a Source) -> Option<T> {
        self.at(source);
        match toml::from_str::<T>(&source.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let offset = e.span().map(|s| s.start);
                self.push(offset, None, e.message().trim().to_string());
                None
            }
        }
    }
}

/// The 1-based line of a byte offset, for messages.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A slug is a permanent identifier in URLs and files: lowercase letters and digits in dash-separated words.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub fn check_url(url: &str) -> Result<(), String> {
    let parsed =
        url::Url::parse(url).map_err(|e| format!("source_url {url:?} is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "https" | "http")
        || parsed.host_str().is_none_or(|h| !h.contains('.'))
    {
        return Err(format!(
            "source_url {url:?} must be a web address (https://host/...)"
        ));
    }
    Ok(())
}

/// Parse and validate a whole catalog. Either everything is right, or every problem found is returned.
pub fn parse(
    areas: &Source,
    milestones: &Source,
    task_files: &[Source],
) -> Result<Catalog, CatalogErrors> {
    let mut p = Problems {
        errors: Vec::new(),
        source: None,
    };

    let mut area_defs = Vec::new();
    let mut area_seen: HashMap<String, String> = HashMap::new();
    if let Some(file) = p.parse::<AreasFile>(areas) {
        for a in file.area {
            let offset = a.span().start;
            let a = a.into_inner();
            if !is_valid_slug(&a.slug) {
                p.push(
                    Some(offset),
                    Some(&a.slug),
                    "an area slug is lowercase words joined by dashes",
                );
            }
            if let Some(prev) = area_seen.insert(
                a.slug.clone(),
                format!("line {}", line_of(&areas.text, offset)),
            ) {
                p.push(
                    Some(offset),
                    Some(&a.slug),
                    format!("duplicate area slug (also at {prev})"),
                );
            }
            area_defs.push(AreaDef {
                slug: a.slug,
                name: a.name.trim().to_string(),
                description: a.description.trim().to_string(),
            });
        }
    }

    let mut milestone_defs = Vec::new();
    if let Some(file) = p.parse::<MilestonesFile>(milestones) {
        let mut seen = HashMap::new();
        for m in file.milestone {
            let offset = m.span().start;
            let m = m.into_inner();
            if !is_valid_slug(&m.slug) {
                p.push(
                    Some(offset),
                    Some(&m.slug),
                    "a milestone slug is lowercase words joined by dashes",
                );
            }
            if seen.insert(m.slug.clone(), ()).is_some() {
                p.push(Some(offset), Some(&m.slug), "duplicate milestone slug");
            }
            milestone_defs.push(MilestoneDef {
                slug: m.slug,
                title: m.title.trim().to_string(),
                description: m.description.trim().to_string(),
                evidence: EvidenceRule {
                    kinds: m.evidence,
                    required: m.evidence_required,
                },
            });
        }
        for required in REQUIRED_MILESTONES {
            if !seen.contains_key(required) {
                p.push(
                    None,
                    Some(required),
                    "the milestone ladder must contain this milestone",
                );
            }
        }
    }

    // Tasks: first gather them all (prerequisites may point forwards or into another file), then resolve.
    struct Located {
        def: TaskDef,
        source: usize,
        offset: usize,
        prereq_offsets: Vec<usize>,
    }
    let mut located: Vec<Located> = Vec::new();
    for (index, source) in task_files.iter().enumerate() {
        let Some(file) = p.parse::<TasksFile>(source) else {
            continue;
        };
        for t in file.task {
            let offset = t.span().start;
            let t = t.into_inner();
            let slug = t.slug.clone();
            if !is_valid_slug(&slug) {
                p.push(
                    Some(offset),
                    Some(&slug),
                    "a task slug is lowercase words joined by dashes",
                );
            }
            if !area_seen.contains_key(t.area.get_ref()) {
                p.push(
                    Some(t.area.span().start),
                    Some(&slug),
                    format!("unknown area {:?}", t.area.get_ref()),
                );
            }
            if let Err(msg) = check_url(t.source_url.get_ref()) {
                p.push(Some(t.source_url.span().start), Some(&slug), msg);
            }
            if t.title.trim().is_empty() {
                p.push(Some(offset), Some(&slug), "the title is empty");
            }
            if t.description.trim().is_empty() {
                p.push(Some(offset), Some(&slug), "the description is empty");
            }
            let prereq_offsets = t.prerequisites.iter().map(|r| r.span().start).collect();
            let def = TaskDef {
                slug,
                kind: t.kind,
                area: t.area.into_inner(),
                title: t.title.trim().to_string(),
                difficulty: t.difficulty,
                skills: t
                    .skills
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                prerequisites: t
                    .prerequisites
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                external_prerequisites: t
                    .external_prerequisites
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                source_url: t.source_url.into_inner(),
                upstream_issue: t.upstream_issue,
                state: t.state,
                description: t.description.trim().to_string(),
            };
            located.push(Located {
                def,
                source: index,
                offset,
                prereq_offsets,
            });
        }
    }

    let mut by_slug: HashMap<&str, usize> = HashMap::new();
    for (i, t) in located.iter().enumerate() {
        if let Some(&first) = by_slug.get(t.def.slug.as_str()) {
            let f = &located[first];
            let msg = format!(
                "duplicate task slug (first defined at {}:{})",
                task_files[f.source].name,
                line_of(&task_files[f.source].text, f.offset)
            );
            p.at(&task_files[t.source])
                .push(Some(t.offset), Some(&t.def.slug), msg);
        } else {
            by_slug.insert(&t.def.slug, i);
        }
    }
    for t in &located {
        for (r, &offset) in t.def.prerequisites.iter().zip(&t.prereq_offsets) {
            let problem = if r == &t.def.slug {
                Some("a task cannot require itself".to_string())
            } else if !by_slug.contains_key(r.as_str()) {
                Some(format!("prerequisite {r:?} names no task in the catalog"))
            } else {
                None
            };
            if let Some(msg) = problem {
                p.at(&task_files[t.source])
                    .push(Some(offset), Some(&t.def.slug), msg);
            }
        }
    }

    let order = match topological_order(
        &located.iter().map(|t| &t.def).collect::<Vec<_>>(),
        &by_slug,
    ) {
        Ok(order) => order,
        Err(cycle) => {
            let first = &located[by_slug[cycle[0].as_str()]];
            let msg = format!("prerequisites form a cycle: {}", cycle.join(" -> "));
            p.at(&task_files[first.source])
                .push(Some(first.offset), Some(&first.def.slug), msg);
            Vec::new()
        }
    };

    if !p.errors.is_empty() {
        return Err(CatalogErrors(p.errors));
    }
    let mut defs: Vec<Option<TaskDef>> = located.into_iter().map(|t| Some(t.def)).collect();
    let tasks = order.into_iter().filter_map(|i| defs[i].take()).collect();
    Ok(Catalog {
        areas: area_defs,
        milestones: milestone_defs,
        tasks,
    })
}

/// Tasks ordered so that each comes after its prerequisites, or the slugs of one cycle (closed: first = last).
/// Unknown prerequisite slugs and duplicates are ignored here; they are reported elsewhere.
fn topological_order(
    tasks: &[&TaskDef],
    by_slug: &HashMap<&str, usize>,
) -> Result<Vec<usize>, Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark = vec![Mark::New; tasks.len()];
    let mut order = Vec::with_capacity(tasks.len());
    // Iterative depth-first search; `path` holds (task, next prerequisite index) so a cycle can be reported.
    for start in 0..tasks.len() {
        if mark[start] != Mark::New || by_slug.get(tasks[start].slug.as_str()) != Some(&start) {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let prereqs = &tasks[node].prerequisites;
            if *next < prereqs.len() {
                let r = &prereqs[*next];
                *next += 1;
                let Some(&child) = by_slug.get(r.as_str()) else {
                    continue;
                };
                match mark[child] {
                    Mark::New => {
                        mark[child] = Mark::Active;
                        path.push((child, 0));
                    }
                    Mark::Active => {
                        let from = path
                            .iter()
                            .position(|&(n, _)| n == child)
                            .expect("active nodes are on the path");
                        let mut cycle: Vec<String> = path[from..]
                            .iter()
                            .map(|&(n, _)| tasks[n].slug.clone())
                            .collect();
                        cycle.push(tasks[child].slug.clone());
                        return Err(cycle);
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                order.push(node);
                path.pop();
            }
        }
    }
    Ok(order)
}

/// The cycle that giving `task` the prerequisites `requires[task]` closes, if any, as slugs from `task` back to
/// it (`[a, b, a]`); `requires` maps each task to what it requires. The rest of the graph is taken to be acyclic,
/// as the catalog guarantees, so any new cycle passes through `task`.
pub fn cycle_through(task: &str, requires: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    // Depth-first from the task's prerequisites, remembering how each task was reached.
    let mut came_from: HashMap<&str, &str> = HashMap::new();
    let mut stack: Vec<&str> = vec![task];
    while let Some(node) = stack.pop() {
        for next in requires.get(node).into_iter().flatten() {
            if next == task {
                let mut path = vec![task.to_owned()];
                let mut at = node;
                let mut back = Vec::new();
                while at != task {
                    back.push(at.to_owned());
                    at = came_from[at];
                }
                path.extend(back.into_iter().rev());
                path.push(task.to_owned());
                return Some(path);
            }
            if !came_from.contains_key(next.as_str()) {
                came_from.insert(next, node);
                stack.push(next);
            }
        }
    }
    None
}

/// Counts of the catalog by kind, for the import report.
pub fn count_by_kind(tasks: &[TaskDef]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for t in tasks {
        *counts.entry(t.kind.as_str()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(name: &str, text: &str) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    const AREAS: &str = "[[area]]\nslug = \"gpu-nova\"\nname = \"Nova\"\n\n[[area]]\nslug = \"docs\"\nname = \"Docs\"\n";
    const MILESTONES: &str = "[[milestone]]\nslug = \"kernel-builds\"\ntitle = \"Build\"\n\n[[milestone]]\nslug = \"patch-sent\"\ntitle = \"Sent\"\n\n[[milestone]]\nslug = \"patch-merged\"\ntitle = \"Merged\"\n";

    fn task(slug: &str, area: &str, prereqs: &[&str], url: &str) -> String {
        let prereqs: Vec<String> = prereqs.iter().map(|p| format!("{p:?}")).collect();
        format!(
            "[[task]]\nslug = {slug:?}\nkind = \"driver\"\narea = {area:?}\ntitle = \"T {slug}\"\ndifficulty = \"starter\"\nprerequisites = [{}]\nsource_url = {url:?}\ndescription = \"d\"\n\n",
            prereqs.join(", ")
        )
    }

    fn parse_tasks(text: &str) -> Result<Catalog, CatalogErrors> {
        parse(
            &src("areas.toml", AREAS),
            &src("milestones.toml", MILESTONES),
            &[src("tasks/a.toml", text)],
        )
    }

    #[test]
    fn a_good_catalog_comes_back_in_prerequisite_order() {
        let text = task("b", "docs", &["a"], "https://example.org/b")
            + &task("a", "gpu-nova", &[], "https://example.org/a");
        let c = parse_tasks(&text).unwrap();
        let slugs: Vec<_> = c.tasks.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["a", "b"]);
        assert_eq!(c.areas.len(), 2);
        assert_eq!(c.milestones.len(), 3);
        assert!(c.tasks[0].upstream_issue);
        assert_eq!(c.tasks[0].state, CatalogState::Open);
    }

    #[test]
    fn every_problem_is_reported_with_file_line_and_slug() {
        let text = task("a", "nowhere", &["ghost"], "not a url")
            + &task("a", "docs", &[], "https://example.org");
        let errs = parse_tasks(&text).unwrap_err().0;
        let lines: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("tasks/a.toml:4: `a`: unknown area \"nowhere\"")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("tasks/a.toml:7: `a`: prerequisite \"ghost\" names no task")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("`a`: source_url \"not a url\" is not a valid URL")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with(
                "tasks/a.toml:11: `a`: duplicate task slug (first defined at tasks/a.toml:1)"
            )),
            "{lines:?}"
        );
    }

    #[test]
    fn a_new_prerequisite_that_closes_a_cycle_is_found_with_its_path() {
        let graph = |edges: &[(&str, &[&str])]| -> HashMap<String, Vec<String>> {
            edges
                .iter()
                .map(|(t, r)| (t.to_string(), r.iter().map(|s| s.to_string()).collect()))
                .collect()
        };
        // c requires b requires a; giving a the prerequisite c closes a -> c -> b -> a.
        let g = graph(&[("a", &["c"]), ("b", &["a"]), ("c", &["b"])]);
        assert_eq!(cycle_through("a", &g).unwrap(), ["a", "c", "b", "a"]);
        let g = graph(&[("a", &["a"])]);
        assert_eq!(cycle_through("a", &g).unwrap(), ["a", "a"]);
        let g = graph(&[("a", &["b", "c"]), ("b", &["c"]), ("c", &[])]);
        assert_eq!(cycle_through("a", &g), None);
    }

    #[test]
    fn cycles_are_named() {
        let text = task("a", "docs", &["b"], "https://e.org/a")
            + &task("b", "docs", &["c"], "https://e.org/b")
            + &task("c", "docs", &["a"], "https://e.org/c");
        let errs = parse_tasks(&text).unwrap_err().0;
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].message.contains("cycle: a -> b -> c -> a"),
            "{}",
            errs[0]
        );
        let self_loop = parse_tasks(&task("a", "docs", &["a"], "https://e.org/a"))
            .unwrap_err()
            .0;
        assert!(self_loop[0].message.contains("cannot require itself"));
    }

    #[test]
    fn syntax_errors_and_unknown_fields_name_the_line() {
        let errs = parse_tasks("[[task]]\nslug = \"a\"\nkind = \"driver\"\ncolour = \"red\"\n")
            .unwrap_err()
            .0;
        assert!(errs[0].location.starts_with("tasks/a.toml:"), "{errs:?}");
        assert!(errs[0].message.contains("colour"), "{errs:?}");
        let errs =
            parse_tasks(&task("a", "docs", &[], "https://e.org").replace("driver", "wizard"))
                .unwrap_err()
                .0;
        assert!(errs[0].message.contains("wizard"), "{errs:?}");
    }

    #[test]
    fn required_milestones_and_slug_shapes() {
        let errs = parse(
            &src(
                "areas.toml",
                "[[area]]\nslug = \"Bad Slug\"\nname = \"x\"\n",
            ),
            &src("m.toml", ""),
            &[],
        )
        .unwrap_err()
        .0;
        assert!(errs.iter().any(|e| e.message.contains("lowercase words")));
        assert_eq!(
            errs.iter()
                .filter(|e| e.message.contains("must contain"))
                .count(),
            3
        );
        assert!(is_valid_slug("nova-bar2"));
        assert!(!is_valid_slug("nova--bar") && !is_valid_slug("-a") && !is_valid_slug("A"));
    }
}
