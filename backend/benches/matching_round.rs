//! Matching rounds and instant suggestions at programme scale, on a fresh SQLite file:
//! migrate, import the catalog, seed 10,000 newcomers and 2,000 mentors, then time
//!
//! - `create_round` for a mentor round and a task round (database to stored proposals),
//! - loading the suggestion pool, and suggestions for one newcomer from the loaded pool (median and p99 over
//!   200 newcomers), and the whole `suggestions_for` service call.
//!
//! Run: `cargo bench -p onramp --bench matching_round`. Sizes: ONRAMP_BENCH_NEWCOMERS, ONRAMP_BENCH_MENTORS.
//! Prints figures; asserts nothing about time (targets: a mentor round under 3 s, a suggestion under 5 ms).

#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;
use support::{env_usize, ms, organizer};

use chrono::Utc;
use onramp::database;
use onramp::db::matching_rounds::RoundKind;
use onramp::domain::matching::score::MatchingConfig;
use onramp::services::rounds::{self, RoundCreated};
use onramp::services::suggestions::{self, Which};
use onramp::services::{catalog_import, synthetic};

fn main() -> anyhow::Result<()> {
    let newcomers = env_usize("ONRAMP_BENCH_NEWCOMERS", 10_000);
    let mentors = env_usize("ONRAMP_BENCH_MENTORS", 2_000);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(newcomers, mentors))
}

async fn run(newcomers: usize, mentors: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = database::connect(&url).await?;
    let cfg = MatchingConfig::default();
    let now = Utc::now();
    let mut rows: Vec<(String, String)> = Vec::new();

    let t = Instant::now();
    database::migrate(&db).await?;
    let catalog = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seed-data");
    catalog_import::import_dir(&db, &catalog, now).await?;
    rows.push((
        "migrate + import catalog".into(),
        format!("{:.0} ms", ms(t.elapsed())),
    ));

    let report = synthetic::seed_synthetic(&db, newcomers, mentors, 1).await?;
    rows.push((
        format!("seed {newcomers} newcomers + {mentors} mentors"),
        format!("{:.0} ms", report.elapsed_ms),
    ));
    let organizer = organizer(&db).await?;

    for kind in [RoundKind::Mentors, RoundKind::Tasks] {
        // Each run makes a new draft round over the same pool, so runs are comparable.
        let mut runs: Vec<(f64, RoundCreated)> = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let created = rounds::create_round(&db, organizer, kind, &cfg, Utc::now()).await?;
            runs.push((ms(t.elapsed()), created));
        }
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (total, r) = &runs[runs.len() / 2];
        let name = match kind {
            RoundKind::Mentors => "mentor round",
            RoundKind::Tasks => "task round",
        };
        rows.push((
            format!("{name}: create_round, median of 3"),
            format!(
                "{total:.0} ms (load {:.0}, score {:.0}, solve {:.0}, store {:.0})",
                r.timings.load_ms, r.timings.score_ms, r.timings.solve_ms, r.timings.store_ms
            ),
        ));
        rows.push((
            format!("{name}: size and outcome"),
            format!(
                "{} newcomers, {} candidates, {} placed, {} unplaced",
                r.newcomers, r.candidates, r.placed, r.unplaced
            ),
        ));
        let review = rounds::review_round(&db, r.round_id).await?;
        let reasons: Vec<String> = review
            .unplaced_by_reason
            .iter()
            .map(|c| format!("{} {}", c.count, c.code))
            .collect();
        rows.push((format!("{name}: unplaced by reason"), reasons.join(", ")));
        rows.push((
            format!("{name}: instance"),
            format!(
                "{} acceptable pairs, {} kept, {} newcomers pruned, {} solves, {} pricing passes, {} pairs added",
                review.stats.acceptable_pairs,
                review.stats.instance_pairs,
                review.stats.newcomers_pruned,
                review.stats.passes,
                review.stats.pricing_passes,
                review.stats.pairs_added
            ),
        ));
        let t = Instant::now();
        let again = rounds::review_round(&db, r.round_id).await?;
        rows.push((
            format!("{name}: review_round"),
            format!(
                "{:.0} ms for {} proposals",
                ms(t.elapsed()),
                again.placed.len() + again.unplaced.len()
            ),
        ));
    }

    let mut loads = Vec::new();
    let mut pool = None;
    for _ in 0..5 {
        let t = Instant::now();
        pool = Some(suggestions::load_pool(&db, now).await?);
        loads.push(ms(t.elapsed()));
    }
    let pool = pool.expect("loaded");
    loads.sort_by(f64::total_cmp);
    rows.push((
        format!(
            "suggestion pool: load ({} mentors, {} open tasks), median of 5",
            pool.mentors.mentors.len(),
            pool.tasks.tasks.len()
        ),
        format!("{:.1} ms", loads[2]),
    ));

    let everyone = suggestions::load_newcomers(&db, Which::WithoutMentor, now).await?;
    let step = (everyone.len() / 200).max(1);
    let sample: Vec<_> = everyone.iter().step_by(step).take(200).collect();
    let mut times = Vec::with_capacity(sample.len());
    let mut shown = 0usize;
    for (n, _) in &sample {
        let t = Instant::now();
        let s = suggestions::suggest_from_pool(&pool, n, &cfg);
        times.push(ms(t.elapsed()) * 1000.0);
        shown += s.mentors.len() + s.tasks.len();
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: usize| times[((times.len() - 1) * p) / 100];
    rows.push((
        format!(
            "suggestions for one newcomer, pool loaded ({} newcomers)",
            times.len()
        ),
        format!(
            "median {:.0} µs, p99 {:.0} µs, max {:.0} µs ({:.1} suggestions each)",
            pct(50),
            pct(99),
            times[times.len() - 1],
            shown as f64 / times.len() as f64
        ),
    ));

    let mut one = Vec::new();
    for (n, _) in sample.iter().take(20) {
        let t = Instant::now();
        suggestions::load_newcomers(&db, Which::One(n.id), now).await?;
        one.push(ms(t.elapsed()));
    }
    one.sort_by(f64::total_cmp);
    rows.push((
        "load one newcomer (profile, areas, languages, declines), median of 20".into(),
        format!("{:.2} ms", one[one.len() / 2]),
    ));

    let mut full = Vec::new();
    for (n, _) in sample.iter().take(20) {
        let t = Instant::now();
        suggestions::suggestions_for(&db, n.id, &cfg, now).await?;
        full.push(ms(t.elapsed()));
    }
    full.sort_by(f64::total_cmp);
    rows.push((
        "suggestions_for (load + suggest), median of 20".into(),
        format!("{:.1} ms", full[full.len() / 2]),
    ));

    // A mentor opening their queue: every newcomer without a mentor scored against them, best 20 with profiles.
    let mut queue = Vec::new();
    let mut listed = 0usize;
    for m in pool
        .mentors
        .people
        .iter()
        .step_by((pool.mentors.people.len() / 10).max(1))
        .take(10)
    {
        let t = Instant::now();
        let q = onramp::services::mentorships::mentor_queue(&db, m.id, &cfg, now).await?;
        queue.push(ms(t.elapsed()));
        listed += q.cards.len();
    }
    queue.sort_by(f64::total_cmp);
    rows.push((
        format!(
            "a mentor's queue ({} newcomers waiting), median of 10",
            everyone.len()
        ),
        format!(
            "{:.1} ms (max {:.1} ms, {:.1} listed each)",
            queue[queue.len() / 2],
            queue[queue.len() - 1],
            listed as f64 / queue.len() as f64
        ),
    ));

    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    println!(
        "\nMatching rounds and suggestions (SQLite, {newcomers} newcomers, {mentors} mentors)\n"
    );
    println!("| {:width$} | figure |", "what");
    println!("|{}|--------|", "-".repeat(width + 2));
    for (k, v) in rows {
        println!("| {k:width$} | {v} |");
    }
    db.close().await?;
    Ok(())
}
