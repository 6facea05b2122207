//! Demo people from `seed-data/people.toml`: parsing and validation, with no I/O. They let anyone try Onramp
//! without a GitHub app, as a newcomer, a mentor or an organizer.

use serde::Deserialize;

use crate::domain::catalog::{CatalogError, CatalogErrors, Source, line_of};
use crate::domain::roles::Role;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub login: String,
    pub name: String,
    pub email: String,
    pub timezone: String,
    #[serde(default)]
    pub languages: Vec<String>,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub areas: Vec<String>,
    pub newcomer: Option<NewcomerDef>,
    pub mentor: Option<MentorDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomerDef {
    pub rust: i16,
    pub c: i16,
    pub kernel: i16,
    pub hours_per_week: i16,
    #[serde(default)]
    pub goals: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentorDef {
    pub capacity: i16,
    pub accepting: bool,
    #[serde(default)]
    pub bio: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeopleFile {
    #[serde(default)]
    person: Vec<toml::Spanned<Person>>,
}

/// Parse and check people against the known area slugs.
pub fn parse(source: &Source, known_areas: &[String]) -> Result<Vec<Person>, CatalogErrors> {
    let file: PeopleFile = toml::from_str(&source.text).map_err(|e| {
        let line = e.span().map(|s| line_of(&source.text, s.start));
        CatalogErrors(vec![CatalogError {
            location: line.map_or(source.name.clone(), |l| format!("{}:{l}", source.name)),
            slug: None,
            message: e.message().trim().to_string(),
        }])
    })?;
    let mut errors = Vec::new();
    let mut people = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for spanned in file.person {
        let location = format!(
            "{}:{}",
            source.name,
            line_of(&source.text, spanned.span().start)
        );
        let p = spanned.into_inner();
        let mut problem = |message: String| {
            errors.push(CatalogError {
                location: location.clone(),
                slug: Some(p.login.clone()),
                message,
            })
        };
        if !seen.insert(p.login.clone()) {
            problem("duplicate login".into());
        }
        if p.timezone.parse::<chrono_tz::Tz>().is_err() {
            problem(format!(
                "unknown time zone {:?} (use an IANA name such as Europe/Berlin)",
                p.timezone
            ));
        }
        for a in p.areas.iter().filter(|a| !known_areas.contains(a)) {
            problem(format!("unknown area {a:?}"));
        }
        for l in p
            .languages
            .iter()
            .filter(|l| l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()))
        {
            problem(format!("language {l:?} is not a two-letter ISO 639-1 code"));
        }
        if p.roles.contains(&Role::Newcomer) != p.newcomer.is_some() {
            problem(
                "a [person.newcomer] table goes with the newcomer role, and only with it".into(),
            );
        }
        if p.roles.contains(&Role::Mentor) != p.mentor.is_some() {
            problem("a [person.mentor] table goes with the mentor role, and only with it".into());
        }
        if let Some(n) = &p.newcomer
            && ![n.rust, n.c, n.kernel].iter().all(|x| (0..=3).contains(x))
        {
            problem("experience is 0 (none) to 3 (expert)".into());
        }
        people.push(p);
    }
    if errors.is_empty() {
        Ok(people)
    } else {
        Err(CatalogErrors(errors))
    }
}
