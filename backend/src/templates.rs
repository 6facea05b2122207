//! The minijinja environment for pages and emails. Debug builds load templates from `frontend/templates` on disk
//! and reload them when they change; release builds carry them inside the binary (see build.rs).

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::assets::Assets;

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new(assets: &Assets) -> Templates {
        let mut env = Environment::new();
        load(&mut env);
        // A misspelt variable fails loudly rather than rendering as an empty string; `{% if x %}` on a missing
        // key (an optional field error) is still allowed.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        let urls = assets.urls();
        // Asset URLs are ours, not user input: mark them safe so they are not entity-escaped.
        env.add_function(
            "asset",
            move |name: &str| -> Result<Value, minijinja::Error> {
                urls.get(name)
                    .map(|u| Value::from_safe_string(u.clone()))
                    .ok_or_else(|| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("no static asset {name:?}"),
                        )
                    })
            },
        );
        env.add_filter("datetime", datetime_filter);
        env.add_filter("date", date_filter);
        env.add_filter("date_input", date_input_filter);
        // Counts as pages write them: 12,001.
        env.add_filter("thousands", crate::domain::paging::thousands);
        Templates { env }
    }

    pub fn render(&self, name: &str, ctx: impl Into<Value>) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}

#[cfg(debug_assertions)]
fn load(env: &mut Environment<'static>) {
    env.set_loader(minijinja::path_loader(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../frontend/templates"
    )));
    env.set_auto_reload(true);
}

#[cfg(not(debug_assertions))]
fn load(env: &mut Environment<'static>) {
    minijinja_embed::load_templates!(*env);
}

/// Timestamps arrive as RFC 3339 strings (serde of chrono); pages show them in UTC, to the minute.
fn datetime_filter(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or(value)
}

fn date_filter(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%-d %B %Y")
                .to_string()
        })
        .unwrap_or(value)
}

/// The value of an `<input type="date">`: `YYYY-MM-DD`, in UTC.
fn date_input_filter(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%d").to_string())
        .unwrap_or(value)
}
