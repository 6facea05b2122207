//! Email delivered for real: the service sends over SMTP to aiosmtpd on loopback, and each test reads what the
//! server received (headers, both parts, the unsubscribe link, which then works). Faults: the mail server down
//! and back, a refusal that runs out of tries, two senders at once, a recipient who changed their mind.

use chrono::{Duration, Utc};
use onramp::db::email_outbox::{self, EmailKind, OutboxState};
use onramp::db::notification_settings;
use onramp::mail::{DeliverySettings, NewEmail};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use mail_parser::MimeHeaders;

use crate::support::smtp::{self, SmtpServer};
use crate::support::{TestApp, factory};

async fn app_sending_to(smtp: &SmtpServer, tweak: impl FnOnce(&mut DeliverySettings)) -> TestApp {
    let url = smtp.url();
    let app = TestApp::builder()
        .config(|c| {
            c.smtp_url = Some(url.as_str().into());
            c.mail_from = "Onramp Mentors <mentors@onramp.test>".into();
        })
        .start()
        .await;
    // The delivery settings are the mailer's own; tests that need few tries or small batches rebuild it.
    let mut settings = app.state.mailer.settings;
    tweak(&mut settings);
    let mut app = app;
    let mut mailer = onramp::app::mailer(&app.state.config, app.state.templates.clone());
    mailer.settings = settings;
    app.state.mailer = std::sync::Arc::new(mailer);
    app
}

async fn rows(app: &TestApp) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find().all(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_nudge_arrives_whole_and_its_one_click_unsubscribe_works() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let app = app_sending_to(&smtp, |_| {}).await;
    let nina = factory::newcomer(&app, "nina").create().await;
    let mentor = factory::mentor(&app, "kenji").create().await;
    // The mentor takes her on: she hears she has a mentor, in her daytime (a day later is surely past it).
    factory::claimed_from_queue(&app, mentor.id, nina.id).await;
    let done = app.deliver_mail_at(Utc::now() + Duration::days(1)).await;
    assert_eq!(done.sent, 1, "{done:?}");
    smtp.wait_for(1).await;
    let raw = smtp.raw().remove(0);
    let msg = smtp::parse(&raw);

    assert_eq!(msg.subject(), Some("kenji (test) is your mentor"));
    let from = msg.from().and_then(|f| f.first()).expect("a From");
    assert_eq!(from.address(), Some("mentors@onramp.test"));
    assert_eq!(from.name(), Some("Onramp Mentors"));
    assert_eq!(
        msg.to().and_then(|t| t.first()).and_then(|a| a.address()),
        Some("nina@example.org")
    );
    assert!(msg.date().is_some(), "a Date header");
    let row = rows(&app).await.remove(0);
    assert_eq!(row.state, OutboxState::Sent);
    assert_eq!(
        Some(format!("<{}>", msg.message_id().unwrap())),
        row.message_id,
        "the Message-ID is the row's"
    );
    let content_type = msg.content_type().expect("a Content-Type");
    assert_eq!(
        (content_type.ctype(), content_type.subtype()),
        ("multipart", Some("alternative"))
    );
    let text = msg.body_text(0).expect("a plain part");
    let html = msg.body_html(0).expect("an HTML part");
    assert!(text.contains("kenji (test) is now your mentor"), "{text}");
    assert!(
        html.contains("<strong>kenji (test)</strong> is now your mentor"),
        "{html}"
    );

    // RFC 8058: a List-Unsubscribe with an https (here http, the test site's) link, and the one-click POST.
    let header = |name: &str| {
        msg.header_raw(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .trim()
            .to_string()
    };
    assert_eq!(
        header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    let list = header("List-Unsubscribe");
    let link = list
        .strip_prefix('<')
        .and_then(|l| l.strip_suffix('>'))
        .expect("<link>");
    assert!(
        link.starts_with(&format!("{}/unsubscribe/", app.base)),
        "{link}"
    );
    assert!(text.contains(link), "the body has the same link");

    // A mail provider's one-click POST: no session, no Origin, no Sec-Fetch-Site.
    let path = link.strip_prefix(&app.base).unwrap();
    let page = app
        .anonymous()
        .post_form_with(path, &[("List-Unsubscribe", "One-Click")], &[])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("gets no more email"), "{}", page.body);
    let setting = notification_settings::Entity::find_by_id((nina.id, EmailKind::Matched))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the kind is turned off");
    assert!(!setting.enabled);
    // Tampered with, the link is no link.
    let forged = format!("{}x", &path[..path.len() - 1]);
    assert_eq!(
        app.anonymous()
            .post_form_with(&forged, &[], &[])
            .await
            .status,
        404
    );

    // The next email of that kind is not even queued.
    let done = onramp::mail::enqueue(
        &app.db,
        vec![NewEmail::new(
            EmailKind::Matched,
            nina.id,
            "again",
            serde_json::json!({}),
        )],
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!((done.queued, done.withheld), (0, 1));
}

#[tokio::test]
async fn mail_queued_while_the_server_is_down_is_delivered_once_it_is_back() {
    let Some(mut smtp) = SmtpServer::start() else {
        return;
    };
    let app = app_sending_to(&smtp, |_| {}).await;
    factory::welcomes(&app, 20).await;
    smtp.stop();
    let now = Utc::now();
    let done = app.deliver_mail_at(now).await;
    assert_eq!((done.sent, done.retried), (0, 20), "{done:?}");
    for row in rows(&app).await {
        assert_eq!((row.state, row.attempts), (OutboxState::Pending, 1));
        assert!(
            row.last_error.is_some() && row.next_attempt_at > now,
            "{row:?}"
        );
    }
    // Back up: nothing goes before its back-off has passed, then everything goes, once.
    smtp.resume();
    assert_eq!(app.deliver_mail_at(now).await.total(), 0);
    let done = app.deliver_mail_at(now + Duration::minutes(1)).await;
    assert_eq!(done.sent, 20, "{done:?}");
    assert_eq!(
        app.deliver_mail_at(now + Duration::hours(1)).await.total(),
        0
    );
    smtp.wait_for(20).await;
    let ids = smtp.arrivals();
    assert_eq!((smtp.count(), ids.len()), (20, 20), "no email twice");
}

#[tokio::test]
async fn an_email_that_keeps_failing_is_marked_failed_and_an_organizer_retries_it() {
    let Some(mut smtp) = SmtpServer::start() else {
        return;
    };
    let app = app_sending_to(&smtp, |s| s.max_attempts = 2).await;
    factory::welcomes(&app, 1).await;
    smtp.stop();
    let now = Utc::now();
    app.deliver_mail_at(now).await;
    let done = app.deliver_mail_at(now + Duration::minutes(5)).await;
    assert_eq!(done.failed, 1, "{done:?}");
    let row = rows(&app).await.remove(0);
    assert_eq!((row.state, row.attempts), (OutboxState::Failed, 2));
    let error = row.last_error.clone().unwrap();
    assert!(error.starts_with("after 2 tries:"), "{error}");

    // The organizer sees it, with its error, and retries it once the server is back.
    let organizer = app.organizer("olga").await;
    let page = organizer.get("/organizer/outbox?state=failed").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("after 2 tries:"), "{}", page.body);
    smtp.resume();
    let page = organizer
        .post_form(&format!("/organizer/outbox/{}/retry", row.id), &[])
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        organizer
            .post_form(&format!("/organizer/outbox/{}/retry", row.id), &[])
            .await
            .status,
        409,
        "pending again: nothing to retry"
    );
    assert_eq!(app.deliver_mail_at(Utc::now()).await.sent, 1);
    smtp.wait_for(1).await;
}

#[tokio::test]
async fn two_senders_at_once_send_no_email_twice() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let app = app_sending_to(&smtp, |s| s.batch = 25).await;
    factory::welcomes(&app, 200).await;
    let other = onramp::app::mailer(&app.state.config, app.state.templates.clone());
    let now = Utc::now();
    let (a, b) = tokio::join!(
        app.state.mailer.deliver_due(&app.db, "instance-a", now),
        other.deliver_due(&app.db, "instance-b", now),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 200, "{a:?} {b:?}");
    smtp.wait_for(200).await;
    let ids = smtp.arrivals();
    assert_eq!((smtp.count(), ids.len()), (200, 200));
}

#[tokio::test]
async fn mail_turned_off_or_snoozed_after_it_was_queued_is_cancelled() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let app = app_sending_to(&smtp, |_| {}).await;
    let nina = app.newcomer("nina").await;
    let nina_id = nina.user_id.unwrap();
    let queue = |about: &'static str, kind| {
        NewEmail::new(kind, nina_id, about, serde_json::json!({ "login": "nina" }))
    };
    onramp::mail::enqueue(&app.db, vec![queue("a", EmailKind::Welcome)], Utc::now())
        .await
        .unwrap();
    // A nudge's context as the quiet rule writes it.
    onramp::mail::enqueue(
        &app.db,
        vec![NewEmail::new(
            EmailKind::Stalled,
            nina_id,
            "quiet:1:step:0",
            serde_json::json!({ "newcomer_name": "nina", "newcomer_id": nina_id, "quiet_for": "8 days",
                                "progress_path": "/progress" }),
        )],
        Utc::now(),
    )
    .await
    .unwrap();
    // She snoozes everything before the nudge's daytime comes.
    let snooze = (Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let page = nina
        .post_form(
            "/settings/notifications",
            &[
                ("on", "stalled"),
                ("snooze_until", &snooze),
                ("digest", "weekly"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let done = app.deliver_mail_at(Utc::now() + Duration::days(1)).await;
    assert_eq!(
        (done.sent, done.cancelled),
        (1, 1),
        "account email still goes: {done:?}"
    );
    let stalled = email_outbox::Entity::find()
        .filter(email_outbox::Column::Kind.eq(EmailKind::Stalled))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stalled.state, OutboxState::Cancelled);
    assert!(stalled.last_error.unwrap().contains("snoozed"));
    smtp.wait_for(1).await;
    assert_eq!(
        smtp::parse(&smtp.raw()[0]).subject(),
        Some("Welcome to Onramp, nina (test)")
    );
    // Account email has no unsubscribe.
    assert!(
        smtp::parse(&smtp.raw()[0])
            .header_raw("List-Unsubscribe")
            .is_none()
    );
}

#[tokio::test]
async fn the_demo_mail_page_exists_only_in_demo_mode() {
    let app = TestApp::start().await;
    let nina = app.newcomer("nina").await;
    let id = factory::welcome_email(&app, nina.user_id.unwrap()).await;
    // Demo mode keeps mail local: the delivery "sends" it by keeping it, and the page shows it.
    assert!(app.state.mailer.transport.is_local());
    assert_eq!(app.deliver_mail_at(Utc::now()).await.sent, 1);
    let page = app.anonymous().get("/dev/mail").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Welcome to Onramp, nina (test)"),
        "{}",
        page.body
    );
    let page = app.anonymous().get(&format!("/dev/mail/{id}")).await;
    assert!(
        page.body.contains("You signed in with GitHub as someone."),
        "{}",
        page.body
    );

    let production = TestApp::builder()
        .config(|c| {
            c.github_client_id = Some("id".into());
            c.github_client_secret = Some("secret".into());
        })
        .start()
        .await;
    assert_eq!(production.anonymous().get("/dev/mail").await.status, 404);
    assert_eq!(production.anonymous().get("/dev/mail/1").await.status, 404);
    assert_eq!(
        email_outbox::Entity::find()
            .count(&production.db)
            .await
            .unwrap(),
        0
    );
}
