//! `onramp import-catalog`: validation before writing, idempotence, updates by slug, retiring claimed tasks.

use std::path::Path;

use chrono::Utc;
use onramp::db::tasks::{TaskKind, TaskState};
use onramp::db::{areas, milestones, task_prerequisites, tasks};
use onramp::services::catalog_import::{self, ImportReport};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestApp, copy_catalog, factory, repo_root};

async fn import(app: &TestApp, dir: &Path) -> anyhow::Result<ImportReport> {
    catalog_import::import_dir(&app.db, dir, Utc::now()).await
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[tokio::test]
async fn the_seed_catalog_imports_and_covers_the_programme() {
    let app = TestApp::start().await;
    let n = tasks::Entity::find().count(&app.db).await.unwrap();
    assert!(n >= 45, "only {n} tasks");
    for area in [
        "gpu-nova",
        "gpu-tyr",
        "gpu-asahi",
        "nvme",
        "block",
        "filesystems-vfs",
        "networking-phy",
        "mm-uaccess",
        "virtualization",
        "driver-core",
        "pci",
        "tooling",
    ] {
        let a = areas::Entity::find()
            .filter(areas::Column::Slug.eq(area))
            .one(&app.db)
            .await
            .unwrap();
        let a = a.unwrap_or_else(|| panic!("area {area} missing"));
        let count = tasks::Entity::find()
            .filter(tasks::Column::AreaId.eq(a.id))
            .count(&app.db)
            .await
            .unwrap();
        if area != "driver-core" {
            assert!(count > 0, "no task in area {area}");
        }
    }
    for kind in [
        TaskKind::Binding,
        TaskKind::Driver,
        TaskKind::Docs,
        TaskKind::Tooling,
        TaskKind::Test,
    ] {
        assert!(
            tasks::Entity::find()
                .filter(tasks::Column::Kind.eq(kind))
                .count(&app.db)
                .await
                .unwrap()
                > 0,
            "{kind:?}"
        );
    }
    let gaps = tasks::Entity::find()
        .filter(tasks::Column::UpstreamIssue.eq(false))
        .count(&app.db)
        .await
        .unwrap();
    assert!(gaps > 0, "tasks without an upstream issue are marked");
    assert!(
        task_prerequisites::Entity::find()
            .count(&app.db)
            .await
            .unwrap()
            > 5
    );
    for m in ["kernel-builds", "patch-sent", "patch-merged"] {
        assert!(
            milestones::Entity::find()
                .filter(milestones::Column::Slug.eq(m))
                .one(&app.db)
                .await
                .unwrap()
                .is_some()
        );
    }
}

#[tokio::test]
async fn import_is_idempotent() {
    let app = TestApp::start().await;
    let n = tasks::Entity::find().count(&app.db).await.unwrap() as usize;
    let report = import(&app, &repo_root().join("seed-data")).await.unwrap();
    assert!(
        report.added.is_empty()
            && report.changed.is_empty()
            && report.retired.is_empty()
            && report.removed.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.unchanged, n);
    assert!(
        report.areas_added.is_empty() && report.milestones_changed.is_empty(),
        "{report:?}"
    );
}

#[tokio::test]
async fn import_updates_by_slug_and_retires_claimed_tasks() {
    let app = TestApp::start().await;
    let dir = copy_catalog();
    let file = dir.path().join("tasks/gpu.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    // Take two tasks with no dependants, so removing them leaves the graph valid.
    let all = tasks::Entity::find().all(&app.db).await.unwrap();
    let required: Vec<i32> = task_prerequisites::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|e| e.requires_id)
        .collect();
    let leaves: Vec<&tasks::Model> = all
        .iter()
        .filter(|t| !required.contains(&t.id) && text.contains(&format!("slug = \"{}\"", t.slug)))
        .collect();
    assert!(leaves.len() >= 3, "gpu.toml has leaf tasks");
    let (claimed, unclaimed, renamed) = (leaves[0], leaves[1], leaves[2]);

    // Someone claimed one of the tasks that will leave the catalog.
    let user = factory::newcomer(&app, "claimer").create().await;
    factory::released_claim(&app, &claimed.slug, user.id).await;

    let mut text = text;
    for gone in [claimed, unclaimed] {
        text = remove_task(&text, &gone.slug);
    }
    text = text.replacen(
        &format!("title = {:?}", renamed.title),
        "title = \"A clearer title\"",
        1,
    );
    text.push_str("\n[[task]]\nslug = \"brand-new-task\"\nkind = \"docs\"\narea = \"gpu-nova\"\ntitle = \"Document the nova-core boot flow\"\ndifficulty = \"starter\"\nsource_url = \"https://docs.kernel.org/gpu/nova/\"\ndescription = \"Write it down.\"\n");
    std::fs::write(&file, text).unwrap();

    let report = import(&app, dir.path()).await.unwrap();
    assert_eq!(report.added, ["brand-new-task"]);
    assert_eq!(report.changed, std::slice::from_ref(&renamed.slug));
    assert_eq!(report.retired, std::slice::from_ref(&claimed.slug));
    assert_eq!(report.removed, std::slice::from_ref(&unclaimed.slug));
    let kept = tasks::Entity::find_by_id(claimed.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("claimed task kept");
    assert_eq!(kept.state, TaskState::Retired);
    assert!(
        tasks::Entity::find_by_id(unclaimed.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let t = tasks::Entity::find_by_id(renamed.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.title, "A clearer title");

    // Back in the catalog, a retired task is open again; the second run changes nothing else.
    let report = import(&app, &repo_root().join("seed-data")).await.unwrap();
    assert!(report.added.contains(&unclaimed.slug), "{report:?}");
    assert!(
        report.changed.contains(&claimed.slug) && report.changed.contains(&renamed.slug),
        "{report:?}"
    );
    let back = tasks::Entity::find_by_id(claimed.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.state, TaskState::Open);
}

/// Remove one `[[task]]` table (from its header to the next) from a tasks file.
fn remove_task(text: &str, slug: &str) -> String {
    let marker = format!("slug = \"{slug}\"");
    let at = text.find(&marker).expect("slug present");
    let start = text[..at].rfind("[[task]]").expect("table header");
    let end = text[at..].find("[[task]]").map_or(text.len(), |e| at + e);
    format!("{}{}", &text[..start], &text[end..])
}

#[tokio::test]
async fn a_bad_catalog_is_refused_whole_with_every_problem_named() {
    let app = TestApp::builder()
        .config(|c| c.import_on_start = false)
        .start()
        .await;
    let dir = copy_catalog();
    let gpu = dir.path().join("tasks/gpu.toml");
    let gpu_text = std::fs::read_to_string(&gpu).unwrap();
    let first_slug = gpu_text
        .split("slug = \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // One good-looking change that must not land, and one of each kind of problem.
    edit(&gpu, "source_url = \"https://", "source_url = \"htps//");
    std::fs::write(
        dir.path().join("tasks/zz-bad.toml"),
        format!(
            "[[task]]\nslug = \"{first_slug}\"\nkind = \"driver\"\narea = \"gpu-nova\"\ntitle = \"dup\"\ndifficulty = \"starter\"\nsource_url = \"https://example.org/x\"\ndescription = \"d\"\n\n\
             [[task]]\nslug = \"lost-area\"\nkind = \"driver\"\narea = \"no-such-area\"\ntitle = \"x\"\ndifficulty = \"starter\"\nsource_url = \"https://example.org/x\"\ndescription = \"d\"\n\n\
             [[task]]\nslug = \"needs-ghost\"\nkind = \"driver\"\narea = \"gpu-nova\"\ntitle = \"x\"\ndifficulty = \"starter\"\nprerequisites = [\"ghost-task\"]\nsource_url = \"https://example.org/x\"\ndescription = \"d\"\n\n\
             [[task]]\nslug = \"loop-a\"\nkind = \"driver\"\narea = \"gpu-nova\"\ntitle = \"x\"\ndifficulty = \"starter\"\nprerequisites = [\"loop-b\"]\nsource_url = \"https://example.org/x\"\ndescription = \"d\"\n\n\
             [[task]]\nslug = \"loop-b\"\nkind = \"driver\"\narea = \"gpu-nova\"\ntitle = \"x\"\ndifficulty = \"starter\"\nprerequisites = [\"loop-a\"]\nsource_url = \"https://example.org/x\"\ndescription = \"d\"\n"
        ),
    )
    .unwrap();
    let err = import(&app, dir.path())
        .await
        .expect_err("refused")
        .to_string();
    let bad = dir.path().join("tasks/zz-bad.toml").display().to_string();
    // The import's error is plain text, one "file:line: problem" per problem; no page is involved.
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains(&format!("{bad}:1: `{first_slug}`: duplicate task slug")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{bad}:13: `lost-area`: unknown area \"no-such-area\""
        )),
        "{err}"
    );
    assert!(
        err.contains("`needs-ghost`: prerequisite \"ghost-task\" names no task"),
        "{err}"
    );
    assert!(
        err.contains("prerequisites form a cycle: loop-a -> loop-b -> loop-a"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}:", gpu.display())) && err.contains("is not a valid URL"),
        "{err}"
    );
    assert_eq!(
        tasks::Entity::find().count(&app.db).await.unwrap(),
        0,
        "nothing imported"
    );
    assert_eq!(
        areas::Entity::find().count(&app.db).await.unwrap(),
        0,
        "not even the areas"
    );
}

#[tokio::test]
async fn a_toml_syntax_error_names_its_line() {
    let app = TestApp::builder()
        .config(|c| c.import_on_start = false)
        .start()
        .await;
    let dir = copy_catalog();
    let areas_file = dir.path().join("areas.toml");
    let mut text = std::fs::read_to_string(&areas_file).unwrap();
    let lines = text.lines().count();
    text.push_str("\n[[area]]\nslug = \"broken\nname = \"x\"\n");
    std::fs::write(&areas_file, text).unwrap();
    let err = import(&app, dir.path())
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains(&format!("{}:{}", areas_file.display(), lines + 3)),
        "{err}"
    );
}

#[tokio::test]
async fn the_import_command_reports_what_it_did() {
    let app = TestApp::builder()
        .config(|c| c.import_on_start = false)
        .start()
        .await;
    let cli = <onramp::config::Cli as clap::Parser>::try_parse_from([
        "onramp",
        "--database-url",
        &app.state.config.database_url,
        "import-catalog",
        &repo_root().join("seed-data").display().to_string(),
    ])
    .unwrap();
    onramp::cli::run(cli).await.expect("import-catalog runs");
    assert!(tasks::Entity::find().count(&app.db).await.unwrap() >= 45);
}
