//! An organizer opens the exports from the navigation, narrows them to a cohort, an area and a mentor, and finds
//! every download link carrying that filter (the files themselves are read in `exports.rs`).

use chrono::{TimeZone, Utc};
use onramp::db::users;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn an_organizer_filters_the_exports_and_the_links_keep_the_filter() {
    let app = TestApp::start_without_demo_people().await;
    factory::organizer(&app, "olga").create().await;
    let nina = factory::newcomer(&app, "nina")
        .areas(&["pci"])
        .create()
        .await;
    let mira = factory::mentor(&app, "mira").create().await;
    factory::claimed_from_queue(&app, mira.id, nina.id).await;
    let mut am = users::Entity::find_by_id(nina.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    am.created_at = Set(Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap());
    am.update(&app.db).await.expect("move the sign-up");
    let mentor = mira.id;

    journey("organizer-exports", app, |b| async move {
        b.step("sign-in");
        b.sign_in_as("olga (test)").await;

        b.step("exports");
        b.follow("//nav//a[normalize-space()='Exports']").await;
        assert_eq!(b.text("h1").await, "Exports");
        let plain = b
            .find("//a[normalize-space()='Newcomers (CSV)']")
            .await
            .attr("href")
            .await
            .expect("read the link")
            .expect("a link");
        assert!(
            plain.ends_with("/organizer/exports/newcomers.csv"),
            "{plain}"
        );

        b.step("filtered");
        b.choose("Cohort (sign-up month)", "2026-11").await;
        b.choose("Area of interest", "PCI").await;
        b.choose("Current mentor", "mira (test) (mira)").await;
        b.follow("//button[normalize-space()='Apply']").await;
        let query = format!("cohort=2026-11&area=pci&mentor={mentor}");
        assert_eq!(b.path().await, format!("/organizer/exports?{query}"));
        let links = b.find_all("//ul[@class='exports']//a").await;
        assert_eq!(links.len(), 6);
        for link in links {
            let href = link.attr("href").await.unwrap().unwrap();
            assert!(href.ends_with(&format!("?{query}")), "{href}");
        }
        assert!(
            b.text(".count")
                .await
                .contains("only the newcomers these filters keep")
        );

        b.step("cleared");
        b.follow("//a[normalize-space()='Clear']").await;
        assert_eq!(b.path().await, "/organizer/exports");
    })
    .await;
}
