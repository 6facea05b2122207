//! One `Config` from flags and environment variables. `onramp --help` lists every setting with its variable and
//! default; a bad value stops start-up with a message that names the variable it came from.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use url::Url;

use crate::domain::matching::score::MatchingConfig;

mod secret;

pub use secret::{DatabaseUrl, Secret};

#[derive(Debug, Parser)]
#[command(
    name = "onramp",
    version,
    about = "Onramp: mentorship for a first contribution to Rust in the Linux kernel"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    /// What to do; without a command the service starts.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web service (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Validate the catalog (areas, milestones, tasks) and import it; nothing is written if anything is wrong.
    ImportCatalog {
        /// Directory holding areas.toml, milestones.toml and tasks/*.toml; defaults to --catalog-dir.
        path: Option<PathBuf>,
    },
    /// Matching tools.
    #[command(subcommand)]
    Match(MatchCommand),
    /// Write a consistent copy of the SQLite database to FILE (a new file), while the service runs.
    Backup {
        /// Where to write the copy.
        file: PathBuf,
    },
    /// Run the nudge pass now: queue every reminder and digest that is due (the service runs it hourly).
    Nudge {
        /// Queue nothing: print every email the pass would send, written as it would go out, and what it would
        /// hold back and why.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fill the database with generated people, for benchmarks and trying out matching at scale.
    Seed {
        /// Generate synthetic newcomers and mentors (logins synthetic-n-00001, synthetic-m-00001, ...).
        #[arg(long, required = true)]
        synthetic: bool,
        /// How many newcomers to add.
        #[arg(long, default_value_t = 10_000)]
        newcomers: usize,
        /// How many mentors to add.
        #[arg(long, default_value_t = 2_000)]
        mentors: usize,
        /// Seed of the generator: the same seed gives the same people.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum MatchCommand {
    /// Solve a matching instance file (onramp-matching-instance v1) and print the JSON answer.
    Solve { file: PathBuf },
    /// Plan a round from the database exactly as the site does, without storing it: write its instance of every
    /// acceptable pair to FILE and print the round's answer in the same JSON form.
    Round {
        #[arg(long, value_enum)]
        kind: RoundKindArg,
        /// Where to write the instance (onramp-matching-instance v1).
        #[arg(long, value_name = "FILE")]
        instance: PathBuf,
    },
}

/// Which round `onramp match round` plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoundKindArg {
    Mentors,
    Tasks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: sqlite://PATH (created if missing) or postgres://USER:PASS@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/onramp.db", value_parser = parse_database_url, hide_env_values = true)]
    pub database_url: DatabaseUrl,

    /// Address and port to listen on.
    #[arg(long, env = "ONRAMP_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Public base URL of the site, used in links and emails; defaults to http://<bind>.
    #[arg(long, env = "ONRAMP_BASE_URL", value_parser = parse_http_url)]
    pub base_url: Option<Url>,

    /// Directory of the curated catalog, imported on first start.
    #[arg(long, env = "ONRAMP_CATALOG_DIR", default_value = "seed-data")]
    pub catalog_dir: PathBuf,

    /// GitHub OAuth app client id; without it (and the secret) the service runs in demo mode.
    #[arg(long, env = "GITHUB_CLIENT_ID")]
    pub github_client_id: Option<String>,

    /// GitHub OAuth app client secret.
    #[arg(long, env = "GITHUB_CLIENT_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub github_client_secret: Option<Secret>,

    /// GitHub's authorize endpoint (tests point it at a fake GitHub on loopback).
    #[arg(long, env = "GITHUB_AUTHORIZE_URL", default_value = "https://github.com/login/oauth/authorize", value_parser = parse_http_url)]
    pub github_authorize_url: Url,

    /// GitHub's token endpoint.
    #[arg(long, env = "GITHUB_TOKEN_URL", default_value = "https://github.com/login/oauth/access_token", value_parser = parse_http_url)]
    pub github_token_url: Url,

    /// GitHub's REST API base.
    #[arg(long, env = "GITHUB_API_URL", default_value = "https://api.github.com", value_parser = parse_http_url)]
    pub github_api_url: Url,

    /// Organizers from the start (comma-separated): GitHub logins, each good for the first GitHub account that
    /// signs in with it, or numeric GitHub ids written id:12345.
    #[arg(
        long,
        env = "ONRAMP_ORGANIZERS",
        value_delimiter = ',',
        default_value = "",
        value_parser = parse_organizer
    )]
    pub organizers: Vec<String>,

    /// Log format: text or json; by default json in production (GitHub sign-in configured), for a log collector,
    /// and text in demo mode, for a person at a terminal.
    #[arg(long, env = "ONRAMP_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,

    /// Seconds a request may take before it is answered with an error.
    #[arg(long, env = "ONRAMP_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub request_timeout_secs: u64,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "ONRAMP_MAX_BODY_BYTES", default_value_t = 64 * 1024, value_parser = clap::value_parser!(u64).range(1024..=16 * 1024 * 1024))]
    pub max_body_bytes: u64,

    /// Import the catalog at start-up when the database has no tasks yet.
    #[arg(long, env = "ONRAMP_IMPORT_ON_START", default_value_t = true, action = clap::ArgAction::Set)]
    pub import_on_start: bool,

    /// Seconds to wait for each call to GitHub during sign-in (code exchange, profile, emails).
    #[arg(long, env = "ONRAMP_GITHUB_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub github_timeout_secs: u64,

    /// Days a signed-in session lasts at most, however often it is used.
    #[arg(long, env = "ONRAMP_SESSION_MAX_AGE_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_max_age_days: u32,

    /// Proxies (a load balancer in front of several instances) whose X-Forwarded-For gives the client's address,
    /// as addresses or networks, comma-separated (e.g. 10.0.0.0/8). Empty: the header is ignored.
    #[arg(long, env = "ONRAMP_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::web::client_address::parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Who may read /metrics: addresses or networks, comma-separated (the client address as above).
    #[arg(long, env = "ONRAMP_METRICS_ALLOW", value_delimiter = ',', default_value = "127.0.0.1/32,::1/128", value_parser = crate::web::client_address::parse_network)]
    pub metrics_allow: Vec<ipnet::IpNet>,

    /// Sign-in attempts (GitHub redirects and callbacks, demo sign-ins) one IP address regains per minute.
    #[arg(long, env = "ONRAMP_SIGNIN_RATE_PER_MINUTE", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub signin_rate_per_minute: u32,

    /// Sign-in attempts one IP address may make in a quick burst before the per-minute rate applies.
    #[arg(long, env = "ONRAMP_SIGNIN_BURST", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub signin_burst: u32,

    /// Matching: a newcomer and a mentor whose time zones are further apart than this many hours never pair.
    #[arg(long, env = "ONRAMP_MATCH_MAX_TZ_HOURS", default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=12))]
    pub match_max_tz_hours: u32,

    /// Matching: points per shared interest area (up to three), or for a task in one of the newcomer's areas.
    #[arg(long, env = "ONRAMP_MATCH_WEIGHT_AREA", default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=1000))]
    pub match_weight_area: i64,

    /// Matching: points for a mentor in the same time zone, falling to 0 at the time-zone limit.
    #[arg(long, env = "ONRAMP_MATCH_WEIGHT_TZ", default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=1000))]
    pub match_weight_tz: i64,

    /// Matching: points for sharing a spoken language other than English.
    #[arg(long, env = "ONRAMP_MATCH_WEIGHT_LANGUAGE", default_value_t = 10, value_parser = clap::value_parser!(i64).range(0..=1000))]
    pub match_weight_language: i64,

    /// Matching: points for a mentor with every place free, in proportion to the places free.
    #[arg(long, env = "ONRAMP_MATCH_WEIGHT_LOAD", default_value_t = 20, value_parser = clap::value_parser!(i64).range(0..=1000))]
    pub match_weight_load: i64,

    /// Matching: points for a task whose difficulty is right for the newcomer's experience.
    #[arg(long, env = "ONRAMP_MATCH_WEIGHT_EXPERIENCE", default_value_t = 40, value_parser = clap::value_parser!(i64).range(0..=1000))]
    pub match_weight_experience: i64,

    /// Matching rounds keep each newcomer's best this-many candidates (a smaller instance solves faster).
    #[arg(long, env = "ONRAMP_MATCH_CANDIDATES", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub match_candidates: u64,

    /// How many mentors and how many tasks an instant suggestion lists.
    #[arg(long, env = "ONRAMP_MATCH_SUGGESTIONS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub match_suggestions: u64,

    /// How many active task claims a newcomer may hold at once.
    #[arg(long, env = "ONRAMP_CLAIM_LIMIT", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub claim_limit: u32,

    /// Days without progress after which a task claim expires and the task is open again.
    #[arg(long, env = "ONRAMP_CLAIM_DAYS", default_value_t = 21, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub claim_days: u32,

    /// Days before its expiry that a claim is marked as expiring.
    #[arg(long, env = "ONRAMP_CLAIM_WARNING_DAYS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=365))]
    pub claim_warning_days: u32,

    /// Days a mentor's one extension of a claim adds.
    #[arg(long, env = "ONRAMP_CLAIM_EXTENSION_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub claim_extension_days: u32,

    /// Days a newcomer a mentor passed on stays out of that mentor's queue.
    #[arg(long, env = "ONRAMP_QUEUE_PASS_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub queue_pass_days: u32,

    /// Seconds the service gives itself on SIGTERM to finish the requests in flight and the job and mail batch in
    /// hand, before it exits anyway.
    #[arg(long, env = "ONRAMP_SHUTDOWN_GRACE_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub shutdown_grace_secs: u64,

    /// How often each instance's job worker looks for due jobs, in seconds.
    #[arg(long, env = "ONRAMP_JOB_POLL_SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub job_poll_secs: u64,

    /// Days without activity of their own before a newcomer counts as stalled.
    #[arg(long, env = "ONRAMP_STALLED_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub stalled_days: u32,

    /// Days between a newcomer's check-ins.
    #[arg(long, env = "ONRAMP_CHECK_IN_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=90))]
    pub check_in_days: u32,

    /// Days in each mentorship's reporting period.
    #[arg(long, env = "ONRAMP_REPORT_PERIOD_DAYS", default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub report_period_days: u32,

    /// Days after a period's end by which the mentor's report is due.
    #[arg(long, env = "ONRAMP_REPORT_DUE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(0..=90))]
    pub report_due_days: u32,

    /// Mail server to send through, e.g. smtp://127.0.0.1:1025 or smtps://user:pass@mail.example.org; without
    /// it (demo mode) mail stays in the outbox and shows on the demo mail page. Required in production.
    #[arg(long, env = "ONRAMP_SMTP_URL", hide_env_values = true, value_parser = parse_smtp_url)]
    pub smtp_url: Option<Secret>,

    /// The From of every email.
    #[arg(long, env = "ONRAMP_MAIL_FROM", default_value = "Onramp <onramp@localhost>", value_parser = parse_mailbox)]
    pub mail_from: String,

    /// Secret that signs the unsubscribe links in email (any long random string). Required in production; demo
    /// mode uses a fixed development key.
    #[arg(long, env = "ONRAMP_EMAIL_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub email_secret: Option<Secret>,

    /// Emails each instance takes from the outbox at once; also the most that can go out twice if it dies
    /// mid-batch.
    #[arg(long, env = "ONRAMP_MAIL_BATCH", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub mail_batch: u64,

    /// Emails in flight at once from each instance (and SMTP connections it keeps open).
    #[arg(long, env = "ONRAMP_MAIL_CONNECTIONS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub mail_connections: u32,

    /// Tries of an email before it is marked failed.
    #[arg(long, env = "ONRAMP_MAIL_MAX_ATTEMPTS", default_value_t = 8, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub mail_max_attempts: i32,

    /// Seconds an instance holds the emails it took: a batch left unfinished by an instance that died is sent by
    /// another after this long (so it bounds how late such mail is, and must be longer than a batch takes).
    #[arg(long, env = "ONRAMP_MAIL_LEASE_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub mail_lease_secs: u64,

    /// How often each instance looks for due email, in milliseconds.
    #[arg(long, env = "ONRAMP_MAIL_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub mail_poll_ms: u64,

    /// Nudges: days after signing up before a newcomer is reminded to finish their profile.
    #[arg(long, env = "ONRAMP_NUDGE_PROFILE_DAYS", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_profile_days: u32,

    /// Nudges: days without activity before a newcomer is reminded.
    #[arg(long, env = "ONRAMP_NUDGE_QUIET_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_quiet_days: u32,

    /// Nudges: days without activity before the newcomer's mentor is told.
    #[arg(long, env = "ONRAMP_NUDGE_QUIET_MENTOR_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_quiet_mentor_days: u32,

    /// Nudges: days without activity before the organizers are told.
    #[arg(long, env = "ONRAMP_NUDGE_QUIET_ORGANIZERS_DAYS", default_value_t = 21, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_quiet_organizers_days: u32,

    /// Nudges: days a round's proposal or a newcomer's request waits before the mentor is reminded.
    #[arg(long, env = "ONRAMP_NUDGE_WAITING_DAYS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_waiting_days: u32,

    /// Nudges: days a check-in waits for the mentor's reply before they are reminded.
    #[arg(long, env = "ONRAMP_NUDGE_CHECK_IN_DAYS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_check_in_days: u32,

    /// Nudges: days a submitted progress report waits for review before the organizers are reminded.
    #[arg(long, env = "ONRAMP_NUDGE_REVIEW_DAYS", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub nudge_review_days: u32,

    /// Nudges: days before a progress report is due that the mentor is reminded.
    #[arg(long, env = "ONRAMP_NUDGE_REPORT_DAYS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=90))]
    pub nudge_report_days: u32,
}

impl Config {
    /// Parse the process's flags and environment; exits with a message naming the variable on a bad value.
    pub fn cli_from_env() -> Cli {
        match Cli::try_parse() {
            Ok(cli) => cli,
            Err(err) => {
                let hint = env_hint(&err);
                let _ = err.print();
                if let Some(hint) = hint {
                    eprintln!("{hint}");
                }
                std::process::exit(err.exit_code());
            }
        }
    }

    /// Defaults with no environment, for tests and tools that build a config in code.
    pub fn defaults() -> Config {
        Cli::try_parse_from(["onramp"])
            .expect("defaults parse")
            .config
    }

    pub fn base_url(&self) -> Url {
        self.base_url.clone().unwrap_or_else(|| {
            Url::parse(&format!("http://{}", self.bind)).expect("a socket address makes a URL")
        })
    }

    pub fn trusted_proxies(&self) -> crate::web::client_address::TrustedProxies {
        crate::web::client_address::TrustedProxies(self.trusted_proxies.clone())
    }

    /// The log format asked for, or the one that suits the mode.
    pub fn log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(if self.demo_mode() {
            LogFormat::Text
        } else {
            LogFormat::Json
        })
    }

    /// Demo mode: no GitHub app configured, so demo people sign in instead.
    pub fn demo_mode(&self) -> bool {
        self.github_client_id.is_none() || self.github_client_secret.is_none()
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// How long a session lasts at most (`ONRAMP_SESSION_MAX_AGE_DAYS`).
    pub fn session_max_age(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.session_max_age_days))
    }

    /// The matching weights and limits (`ONRAMP_MATCH_*`).
    /// The claim limits (`ONRAMP_CLAIM_*`).
    pub fn claims(&self) -> crate::domain::claims::ClaimPolicy {
        crate::domain::claims::ClaimPolicy {
            limit: self.claim_limit,
            days: self.claim_days,
            warning_days: self.claim_warning_days,
            extension_days: self.claim_extension_days,
        }
    }

    pub fn progress(&self) -> crate::domain::progress::ProgressPolicy {
        crate::domain::progress::ProgressPolicy {
            stalled_days: self.stalled_days,
            check_in_days: self.check_in_days,
        }
    }

    pub fn reports(&self) -> crate::domain::reports::ReportPolicy {
        crate::domain::reports::ReportPolicy {
            period_days: self.report_period_days,
            due_days: self.report_due_days,
        }
    }

    /// The nudge thresholds (`ONRAMP_NUDGE_*`).
    pub fn nudges(&self) -> crate::domain::nudges::NudgePolicy {
        let days = |d: u32| chrono::Duration::days(i64::from(d));
        crate::domain::nudges::NudgePolicy {
            profile_unfinished: days(self.nudge_profile_days),
            quiet: days(self.nudge_quiet_days),
            quiet_mentor: days(self.nudge_quiet_mentor_days),
            quiet_organizers: days(self.nudge_quiet_organizers_days),
            waiting_for_mentor: days(self.nudge_waiting_days),
            check_in_unanswered: days(self.nudge_check_in_days),
            report_due: days(self.nudge_report_days),
            report_review: days(self.nudge_review_days),
        }
    }

    /// What the nudge pass works with: its own thresholds and the progress policy it reads standing by.
    pub fn nudge_policies(&self) -> crate::services::nudges::Policies {
        crate::services::nudges::Policies {
            nudges: self.nudges(),
            progress: self.progress(),
        }
    }

    /// The mail worker's pace (`ONRAMP_MAIL_*`).
    pub fn delivery(&self) -> crate::mail::DeliverySettings {
        crate::mail::DeliverySettings {
            batch: self.mail_batch,
            concurrency: self.mail_connections as usize,
            max_attempts: self.mail_max_attempts,
            lease: chrono::Duration::seconds(self.mail_lease_secs as i64),
        }
    }

    /// The key that signs unsubscribe links: the configured secret, or in demo mode a fixed development key.
    pub fn email_signing_key(&self) -> Vec<u8> {
        match &self.email_secret {
            Some(s) => s.expose().as_bytes().to_vec(),
            None => DEMO_EMAIL_KEY.as_bytes().to_vec(),
        }
    }

    /// What production cannot run without: with GitHub sign-in configured, mail must really go out and its
    /// links must be signed with a secret of the deployment's own.
    pub fn production_problems(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if !self.demo_mode() {
            if self.smtp_url.is_none() {
                missing.push("ONRAMP_SMTP_URL (the mail server)");
            }
            if self.email_secret.is_none() {
                missing.push("ONRAMP_EMAIL_SECRET (signs unsubscribe links)");
            }
        }
        missing
    }

    pub fn matching(&self) -> MatchingConfig {
        MatchingConfig {
            max_tz_hours: self.match_max_tz_hours,
            weight_area: self.match_weight_area,
            weight_time_zone: self.match_weight_tz,
            weight_language: self.match_weight_language,
            weight_load: self.match_weight_load,
            weight_experience: self.match_weight_experience,
            candidates_per_newcomer: self.match_candidates as usize,
            suggestions: self.match_suggestions as usize,
        }
    }

    /// How ONRAMP_ORGANIZERS names the GitHub account `github_id` / `login`, if it does. An id entry wins over a
    /// login entry, since an id never moves to another person. GitHub logins are case-insensitive ASCII, and a
    /// stray comma or space in the variable must not make anyone an organizer.
    pub fn configured_organizer(&self, github_id: i64, login: &str) -> Option<ConfiguredOrganizer> {
        let entries = || {
            self.organizers
                .iter()
                .map(|o| o.trim())
                .filter(|o| !o.is_empty())
        };
        if entries().any(|o| o.strip_prefix(ID_PREFIX) == Some(&github_id.to_string())) {
            return Some(ConfiguredOrganizer::GithubId);
        }
        entries()
            .filter(|o| !o.starts_with(ID_PREFIX))
            .any(|o| o.eq_ignore_ascii_case(login))
            .then(|| ConfiguredOrganizer::login(login))
    }
}

/// Signs unsubscribe links in demo mode only (production refuses to start without ONRAMP_EMAIL_SECRET).
const DEMO_EMAIL_KEY: &str = "onramp-demo-mode-unsubscribe-key";

/// The prefix of a numeric GitHub id in ONRAMP_ORGANIZERS (`id:12345`); ':' never appears in a login.
const ID_PREFIX: &str = "id:";

/// Why the configuration makes someone an organizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfiguredOrganizer {
    /// Their numeric GitHub id is listed.
    GithubId,
    /// Their login is listed (held here in lowercase). A login moves when its owner renames, so it counts only
    /// for the first GitHub account that signs in with it (see `services::signin`).
    Login(String),
}

impl ConfiguredOrganizer {
    pub fn login(login: &str) -> ConfiguredOrganizer {
        ConfiguredOrganizer::Login(login.to_ascii_lowercase())
    }
}

/// clap names the flag that failed; when the value came from the environment, also name the variable.
fn env_hint(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    let ContextValue::String(arg) = err.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let long = arg.split_whitespace().next()?.trim_start_matches("--");
    let cmd = <Cli as clap::CommandFactory>::command();
    let env = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?
        .get_env()?;
    std::env::var_os(env)?;
    Some(format!(
        "(the value came from the environment variable {})",
        env.to_string_lossy()
    ))
}

fn parse_database_url(s: &str) -> Result<DatabaseUrl, String> {
    if s.starts_with("sqlite:") || s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(DatabaseUrl::from(s))
    } else {
        Err("expected sqlite://PATH or postgres://USER@HOST/DB".into())
    }
}

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret::from(s))
}

/// An organizer entry is a login or `id:` and digits; a mistyped id must stop start-up, not grant by login.
fn parse_organizer(s: &str) -> Result<String, String> {
    match s.trim().strip_prefix(ID_PREFIX) {
        Some(id) if !id.bytes().all(|b| b.is_ascii_digit()) || id.parse::<i64>().is_err() => Err(
            format!("{s:?}: a GitHub id is written id: and its digits, e.g. id:12345"),
        ),
        _ => Ok(s.to_string()),
    }
}

fn parse_smtp_url(s: &str) -> Result<Secret, String> {
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(s)
        .map(|_| Secret::from(s))
        .map_err(|e| format!("expected smtp://HOST:PORT or smtps://USER:PASS@HOST: {e}"))
}

fn parse_mailbox(s: &str) -> Result<String, String> {
    s.parse::<lettre::message::Mailbox>()
        .map(|_| s.to_string())
        .map_err(|e| format!("expected an address such as \"Onramp <onramp@example.org>\": {e}"))
}

fn parse_http_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(format!(
            "expected an http or https URL, got scheme {other:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_embedded_setup() {
        let c = Config::defaults();
        assert_eq!(c.database_url, "sqlite://data/onramp.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert!(c.demo_mode());
        assert_eq!(c.base_url().as_str(), "http://127.0.0.1:3000/");
        assert!(c.organizers.iter().all(|o| o.is_empty()));
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Cli::try_parse_from(["onramp", "--database-url", "mysql://x"]).is_err());
        assert!(Cli::try_parse_from(["onramp", "--bind", "nonsense"]).is_err());
        assert!(Cli::try_parse_from(["onramp", "--base-url", "ftp://x"]).is_err());
        assert!(Cli::try_parse_from(["onramp", "--request-timeout-secs", "0"]).is_err());
    }

    #[test]
    fn github_credentials_end_demo_mode() {
        let cli = Cli::try_parse_from([
            "onramp",
            "--github-client-id",
            "id",
            "--github-client-secret",
            "secret",
        ])
        .unwrap();
        assert!(!cli.config.demo_mode());
    }

    #[test]
    fn configured_organizers_match_case_insensitively_and_never_empty() {
        let cli = Cli::try_parse_from([
            "onramp",
            "--organizers",
            "Alice, bob,,id:4242",
            "--signin-burst",
            "3",
        ])
        .unwrap();
        let c = cli.config;
        assert_eq!(
            c.configured_organizer(1, "alice"),
            Some(ConfiguredOrganizer::login("alice"))
        );
        assert_eq!(
            c.configured_organizer(2, "BOB"),
            Some(ConfiguredOrganizer::login("bob"))
        );
        assert_eq!(c.configured_organizer(3, ""), None);
        assert_eq!(c.configured_organizer(4, "carol"), None);
        assert_eq!(c.signin_burst, 3);
        assert!(Cli::try_parse_from(["onramp", "--signin-rate-per-minute", "0"]).is_err());
    }

    #[test]
    fn numeric_ids_name_an_account_whatever_its_login() {
        let c = Cli::try_parse_from(["onramp", "--organizers", "alice, id:4242"])
            .unwrap()
            .config;
        assert_eq!(
            c.configured_organizer(4242, "anyone"),
            Some(ConfiguredOrganizer::GithubId)
        );
        assert_eq!(
            c.configured_organizer(4242, "alice"),
            Some(ConfiguredOrganizer::GithubId)
        );
        assert_eq!(c.configured_organizer(4243, "id:4242"), None);
        for bad in ["id:", "id:12a", "id:-5", "id: 7x"] {
            assert!(
                Cli::try_parse_from(["onramp", "--organizers", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_output_hides_secrets_and_the_database_password() {
        let c = Cli::try_parse_from([
            "onramp",
            "--github-client-id",
            "the-client-id",
            "--github-client-secret",
            "s3cr3t-value",
            "--database-url",
            "postgres://onramp:pa55word@db.example/onramp",
        ])
        .unwrap()
        .config;
        let debug = format!("{c:?}");
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
        assert!(!debug.contains("pa55word"), "{debug}");
        assert!(
            debug.contains("[redacted]") && debug.contains("db.example"),
            "{debug}"
        );
        assert_eq!(
            c.github_client_secret.as_ref().map(Secret::expose),
            Some("s3cr3t-value")
        );
        assert_eq!(
            &*c.database_url,
            "postgres://onramp:pa55word@db.example/onramp"
        );
    }

    #[test]
    fn production_needs_a_mail_server_and_a_signing_secret() {
        assert!(
            Config::defaults().production_problems().is_empty(),
            "demo mode"
        );
        let github = [
            "onramp",
            "--github-client-id",
            "id",
            "--github-client-secret",
            "s",
        ];
        let c = Cli::try_parse_from(github).unwrap().config;
        assert_eq!(c.production_problems().len(), 2);
        let mut args = github.to_vec();
        args.extend([
            "--smtp-url",
            "smtp://127.0.0.1:1025",
            "--email-secret",
            "long and random",
        ]);
        let c = Cli::try_parse_from(args).unwrap().config;
        assert!(c.production_problems().is_empty());
        assert_eq!(c.log_format(), LogFormat::Json, "production logs as JSON");
        assert_eq!(Config::defaults().log_format(), LogFormat::Text);
        assert_ne!(
            c.email_signing_key(),
            Config::defaults().email_signing_key()
        );
        assert!(Cli::try_parse_from(["onramp", "--smtp-url", "http://x"]).is_err());
        assert!(Cli::try_parse_from(["onramp", "--mail-from", "not an address"]).is_err());
    }

    #[test]
    fn sessions_last_thirty_days_at_most_unless_configured() {
        assert_eq!(
            Config::defaults().session_max_age(),
            chrono::Duration::days(30)
        );
        let c = Cli::try_parse_from(["onramp", "--session-max-age-days", "7"])
            .unwrap()
            .config;
        assert_eq!(c.session_max_age(), chrono::Duration::days(7));
        assert!(Cli::try_parse_from(["onramp", "--session-max-age-days", "0"]).is_err());
    }
}
