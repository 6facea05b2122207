//! Where a PostgreSQL-only test finds its server. Written once and included with `#[path]` by each test crate
//! that has such tests (the migrations' up/down/up, the entities' round trip); a crate of its own would be more
//! machinery than these few lines.
//!
//! The server comes from `ONRAMP_TEST_POSTGRES_URL`, else from `ONRAMP_TEST_DATABASE_URL` when that names a
//! PostgreSQL server (the whole suite's switch). With neither, a developer's run says so and skips the test,
//! but a CI run fails it: a PostgreSQL-only test that passes without PostgreSQL would hide a broken pipeline.

pub const POSTGRES_ENV: &str = "ONRAMP_TEST_POSTGRES_URL";
pub const DATABASE_ENV: &str = "ONRAMP_TEST_DATABASE_URL";

/// What a PostgreSQL-only test should do.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Run against the server at this URL.
    Run(String),
    /// No server and not CI: say this and pass.
    Skip(String),
    /// No server in CI: fail with this.
    Fail(String),
}

/// The decision from the three variables' values (None when unset).
pub fn decide(postgres: Option<&str>, database: Option<&str>, ci: Option<&str>) -> Decision {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let is_postgres = |v: &&str| v.starts_with("postgres://") || v.starts_with("postgresql://");
    if let Some(url) = given(postgres).or(given(database).filter(is_postgres)) {
        return Decision::Run(url.to_string());
    }
    let why = format!("neither {POSTGRES_ENV} nor {DATABASE_ENV} names a PostgreSQL server");
    match given(ci) {
        Some(ci) if !ci.eq_ignore_ascii_case("false") => Decision::Fail(format!(
            "CI is set but {why}: this PostgreSQL-only test cannot run"
        )),
        _ => Decision::Skip(format!("{why}: PostgreSQL-only test not run")),
    }
}

/// The server for the PostgreSQL-only test `test`, or None after saying why it is skipped; panics in CI.
pub fn server_url(test: &str) -> Option<String> {
    let var = |name: &str| std::env::var(name).ok();
    match decide(
        var(POSTGRES_ENV).as_deref(),
        var(DATABASE_ENV).as_deref(),
        var("CI").as_deref(),
    ) {
        Decision::Run(url) => Some(url),
        Decision::Skip(why) => {
            eprintln!("{test}: {why}");
            None
        }
        Decision::Fail(why) => panic!("{test}: {why}"),
    }
}

#[test]
fn postgres_only_tests_run_skip_or_fail_as_their_variables_say() {
    use Decision::{Fail, Run, Skip};
    let pg = "postgres://postgres@127.0.0.1:55432/postgres";
    let other = "postgresql://other@127.0.0.1/postgres";
    assert_eq!(decide(Some(pg), None, None), Run(pg.into()));
    assert_eq!(decide(Some(pg), Some(other), Some("true")), Run(pg.into()));
    assert_eq!(decide(None, Some(other), Some("true")), Run(other.into()));
    assert_eq!(decide(Some(" "), Some(other), None), Run(other.into()));
    // The suite's variable can name SQLite too; that is no server for a PostgreSQL-only test.
    assert!(matches!(decide(None, Some("sqlite://x.db"), None), Skip(_)));
    assert!(matches!(decide(None, None, None), Skip(_)));
    assert!(matches!(decide(Some(""), Some(""), Some("")), Skip(_)));
    assert!(matches!(decide(None, None, Some("false")), Skip(_)));
    assert!(matches!(decide(None, None, Some("FALSE")), Skip(_)));
    for ci in ["true", "1", "yes"] {
        let Fail(why) = decide(None, None, Some(ci)) else {
            panic!("CI={ci} without a server must fail");
        };
        assert!(
            why.contains(POSTGRES_ENV) && why.contains(DATABASE_ENV),
            "{why}"
        );
    }
}
