//! Organizers keep the catalog in the site: adding a task (with notes beside wrong answers), editing its
//! prerequisites (a cycle is refused, and named), retiring and reopening it; a later import reports the site's
//! edits as conflicts instead of overwriting them. Every change is in the audit log.

use chrono::Utc;
use onramp::db::audit_log;
use onramp::db::tasks::{self, TaskState};
use onramp::services::catalog_import;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::support::{TestApp, copy_catalog, factory};

async fn task(app: &TestApp, slug: &str) -> tasks::Model {
    tasks::Entity::find()
        .filter(tasks::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.starts_with("task."))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| format!("{} {}", a.action, a.subject))
        .collect()
}

#[tokio::test]
async fn an_organizer_adds_a_task_after_fixing_the_form_and_it_joins_the_catalog() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let free = factory::claimable_tasks(&app).await;
    let (required, existing) = (free[0].clone(), free[1].clone());
    let form = |slug: &str, source: &str| {
        vec![
            ("slug", slug.to_string()),
            ("title", "Document the PCI MSI helpers".to_string()),
            ("kind", "docs".to_string()),
            ("area", "pci".to_string()),
            ("difficulty", "starter".to_string()),
            (
                "description",
                "Write the rustdoc for the MSI helpers.".to_string(),
            ),
            ("skills", "rustdoc, pci".to_string()),
            ("source_url", source.to_string()),
            ("prerequisites", required.slug.clone()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let org = &org;
        async move {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            org.post_form("/organizer/tasks", &borrowed).await
        }
    };

    let page = post(form("Bad Slug", "not a link")).await;
    assert_eq!(page.status, 422);
    assert!(
        page.field_error("slug")
            .unwrap()
            .starts_with("Use lowercase letters")
    );
    assert!(page.field_error("source_url").is_some());
    assert_eq!(
        page.input_value("title").as_deref(),
        Some("Document the PCI MSI helpers")
    );
    // A slug that exists already is refused too.
    let page = post(form(&existing.slug, "https://docs.kernel.org/PCI/")).await;
    assert_eq!(
        page.field_error("slug").unwrap(),
        "A task with this slug exists already; choose another."
    );

    let page = post(form("pci-msi-docs", "https://docs.kernel.org/PCI/")).await;
    assert_eq!(page.location(), Some("/tasks/pci-msi-docs?saved=1"));
    let page = org.get("/tasks/pci-msi-docs?saved=1").await;
    assert_eq!(page.notices()[0], "Task saved.");
    assert_eq!(
        page.select_text(".organizer-actions .badge"),
        "edited in the site"
    );
    assert!(
        page.links(".graph")
            .contains(&format!("/tasks/{}", required.slug))
    );
    let created = task(&app, "pci-msi-docs").await;
    assert_eq!(created.state, TaskState::Open);
    assert!(created.site_edited_at.is_some());
    let listed = app.anonymous().get("/catalog?q=pci-msi-docs").await;
    assert_eq!(
        listed.select_all("li.task h2 a"),
        ["Document the PCI MSI helpers"]
    );
    assert_eq!(audit_actions(&app).await, ["task.create task:pci-msi-docs"]);
}

#[tokio::test]
async fn a_prerequisite_that_would_close_a_cycle_is_refused_with_the_cycle_named() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let (required, waiting) = factory::prerequisite_pair(&app).await;

    // Making the required task wait for the one that waits for it closes a cycle.
    let page = org
        .get(&format!("/organizer/tasks/{}/edit", required.slug))
        .await;
    assert_eq!(
        page.input_value("title").as_deref(),
        Some(required.title.as_str())
    );
    let mut fields: Vec<(String, String)> = ["title", "skills", "source_url", "prerequisites"]
        .iter()
        .map(|f| (f.to_string(), page.input_value(f).unwrap_or_default()))
        .collect();
    for (name, value) in [
        ("kind", required.kind.to_string()),
        ("difficulty", required.difficulty.to_string()),
        ("description", required.description.clone()),
    ] {
        fields.push((name.into(), value));
    }
    let area = page.attrs("#area option[selected]", "value");
    fields.push(("area".into(), area[0].clone()));
    let with_prereq = |extra: &str| {
        let mut f = fields.clone();
        let p = f.iter_mut().find(|(k, _)| k == "prerequisites").unwrap();
        p.1 = format!("{} {extra}", p.1).trim().to_string();
        f
    };
    let send = |f: Vec<(String, String)>| {
        let org = &org;
        let path = format!("/organizer/tasks/{}", required.slug);
        async move {
            let borrowed: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            org.post_form(&path, &borrowed).await
        }
    };
    let page = send(with_prereq(&waiting.slug)).await;
    assert_eq!(page.status, 422, "{}", page.body);
    let note = page.field_error("prerequisites").unwrap();
    assert!(
        note.contains(&format!(
            "{} → {} → {}",
            required.title, waiting.title, required.title
        )),
        "{note}"
    );
    assert!(
        task(&app, &required.slug).await.site_edited_at.is_none(),
        "nothing was saved"
    );

    // The same form without the cycle saves, and is marked as edited in the site.
    let page = send(with_prereq("")).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(task(&app, &required.slug).await.site_edited_at.is_some());
}

#[tokio::test]
async fn retiring_and_reopening_a_task_and_a_held_task_cannot_be_retired() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let free = factory::claimable_tasks(&app).await;
    let (open, held) = (&free[0], &free[1]);
    let nina = app.newcomer("nina").await;
    factory::claim(&app, &held.slug, nina.user_id.unwrap()).await;

    let page = org
        .post_form(&format!("/organizer/tasks/{}/retire", held.slug), &[])
        .await;
    assert_eq!(page.status, 409);
    page.assert_error_page("That changed meanwhile", "Someone holds this task");

    let page = org
        .post_form(&format!("/organizer/tasks/{}/retire", open.slug), &[])
        .await;
    assert_eq!(
        page.location(),
        Some(format!("/tasks/{}?saved=retired", open.slug).as_str())
    );
    assert_eq!(task(&app, &open.slug).await.state, TaskState::Retired);
    let page = org.get(&format!("/tasks/{}", open.slug)).await;
    assert_eq!(
        page.attrs(".organizer-actions form", "action"),
        [format!("/organizer/tasks/{}/reopen", open.slug)]
    );
    // A retired task cannot be claimed.
    let refused = nina
        .post_form(&format!("/tasks/{}/claim", open.slug), &[])
        .await;
    assert_eq!(refused.status, 409);
    org.post_form(&format!("/organizer/tasks/{}/reopen", open.slug), &[])
        .await;
    assert_eq!(task(&app, &open.slug).await.state, TaskState::Open);
    assert_eq!(
        audit_actions(&app).await,
        [
            format!("task.retire task:{}", open.slug),
            format!("task.reopen task:{}", open.slug)
        ]
    );
}

#[tokio::test]
async fn an_import_reports_site_edits_as_conflicts_and_keeps_them() {
    let app = TestApp::start().await;
    let dir = copy_catalog();
    let leaf = factory::claimable_tasks(&app).await.remove(0);
    let edited = factory::edit_task(&app, &leaf.slug, |f| {
        f.title = "A title from the site".into()
    })
    .await;

    // The file still has the old title: the import keeps the site's, and says so.
    let report = catalog_import::import_dir(&app.db, dir.path(), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        report.conflicts,
        [format!(
            "{}: edited in the site; the file's version was not applied",
            leaf.slug
        )]
    );
    assert!(report.to_string().contains("conflicts 1"), "{report}");
    assert_eq!(task(&app, &leaf.slug).await.title, "A title from the site");

    // Once the file says the same, the task is the file's again: no conflict, and no longer marked.
    let file = std::fs::read_dir(dir.path().join("tasks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains(&format!("slug = \"{}\"", leaf.slug))
        })
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen(
            &format!("title = {:?}", leaf.title),
            "title = \"A title from the site\"",
            1,
        ),
    )
    .unwrap();
    let report = catalog_import::import_dir(&app.db, dir.path(), Utc::now())
        .await
        .unwrap();
    assert!(report.conflicts.is_empty(), "{report}");
    assert_eq!(task(&app, &leaf.slug).await.site_edited_at, None);
    assert_eq!(edited.title, "A title from the site");
}
