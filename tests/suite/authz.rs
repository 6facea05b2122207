//! The authorization matrix: for every route the router has and every kind of visitor, the expected outcome is
//! written down once here. A route added without an entry fails `every_route_has_an_entry`.

use std::collections::BTreeSet;

use onramp::db::tasks;
use onramp::db::user_roles::Role;
use sea_orm::EntityTrait;

use crate::support::{Actor, Page, TestApp, factory};

/// What a visitor gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// This exact status, e.g. 200 for a page, 303 for a form that redirects, 422 for an empty form.
    Status(u16),
    /// Sent to the sign-in page (303 to /signin?next=...).
    SignIn,
    /// Refused: 403.
    Denied,
}

use Outcome::{Denied, SignIn, Status};

/// What `{id}` and `{slug}` in an entry's path stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    /// `{id}` is the newcomer's user id, `{slug}` any task's.
    People,
    /// `{id}` is the newcomer's active claim (on a task nobody else holds).
    Claim,
    /// `{slug}` is an open task nobody holds and that waits for nothing.
    FreeTask,
    /// `{id}` is an approved mentor accepting mentees (not the matrix's mentor).
    AMentor,
    /// `{id}` is the newcomer's request to a mentor, waiting for an answer.
    Request,
    /// `{id}` is the newcomer's milestone record waiting for the mentor; `{slug}` a milestone nobody recorded.
    Record,
    /// `{id}` is the newcomer's check-in.
    CheckIn,
    /// `{id}` is a progress report on the newcomer, waiting for their mentor (not the matrix's mentor).
    Report,
    /// `{id}` is an email to the newcomer on the outbox (their welcome, not sent yet).
    Email,
    /// `{token}` is the newcomer's signed link to unsubscribe from "quiet" nudges.
    Unsubscribe,
}

struct Entry {
    subject: Subject,
    method: &'static str,
    path: &'static str,
    /// The form body for POSTs: the least that reaches the authorization decision.
    form: &'static [(&'static str, &'static str)],
    anonymous: Outcome,
    newcomer: Outcome,
    /// Another newcomer, whose data the first must never see or change (requests use the first's ids).
    other_newcomer: Outcome,
    mentor: Outcome,
    organizer: Outcome,
}

const fn all(o: Outcome) -> [Outcome; 5] {
    [o, o, o, o, o]
}

const fn entry(
    method: &'static str,
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    o: [Outcome; 5],
) -> Entry {
    Entry {
        subject: Subject::People,
        method,
        path,
        form,
        anonymous: o[0],
        newcomer: o[1],
        other_newcomer: o[2],
        mentor: o[3],
        organizer: o[4],
    }
}

/// The same entry, with `{id}` or `{slug}` standing for something else.
const fn on(subject: Subject, e: Entry) -> Entry {
    Entry { subject, ..e }
}

/// anonymous, newcomer, other newcomer, mentor, organizer.
const MATRIX: &[Entry] = &[
    entry("GET", "/", &[], all(Status(200))),
    entry("GET", "/catalog", &[], all(Status(200))),
    entry("GET", "/catalog/graph", &[], all(Status(200))),
    entry("GET", "/tasks/{slug}", &[], all(Status(200))),
    entry("GET", "/signin", &[], all(Status(200))),
    entry(
        "POST",
        "/signin/demo",
        &[("login", "{newcomer_login}")],
        all(Status(303)),
    ),
    // The matrix runs in demo mode, where GitHub sign-in does not exist; github_signin.rs covers it configured.
    entry("GET", "/auth/github", &[], all(Status(404))),
    entry("GET", "/auth/github/callback", &[], all(Status(404))),
    entry("POST", "/signout", &[], all(Status(303))),
    entry(
        "GET",
        "/dashboard",
        &[],
        [SignIn, Status(200), Status(200), Status(200), Status(200)],
    ),
    entry(
        "GET",
        "/profile",
        &[],
        [SignIn, Status(200), Status(200), Denied, Denied],
    ),
    entry(
        "POST",
        "/profile",
        &[],
        [SignIn, Status(422), Status(422), Denied, Denied],
    ),
    entry(
        "GET",
        "/mentor/profile",
        &[],
        [SignIn, Status(200), Status(200), Status(200), Status(200)],
    ),
    entry(
        "POST",
        "/mentor/profile",
        &[],
        [SignIn, Status(422), Status(422), Status(422), Status(422)],
    ),
    entry(
        "GET",
        "/organizer/people",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    // The newcomer has no mentor application, so even the organizer finds nothing to decide.
    entry(
        "POST",
        "/organizer/people/{id}/mentor",
        &[("decision", "approve")],
        [SignIn, Denied, Denied, Denied, Status(404)],
    ),
    entry(
        "POST",
        "/organizer/people/{id}/roles",
        &[("role", "organizer"), ("action", "grant")],
        [SignIn, Denied, Denied, Denied, Status(303)],
    ),
    // The lists' searches, filters and pages are the organizers' alone too; a bad filter is a 400 only for them.
    entry(
        "GET",
        "/organizer/people?q=new&role=newcomer&state=active&cohort=2026-01&page=2&size=10",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/people?role=wizard",
        &[],
        [SignIn, Denied, Denied, Denied, Status(400)],
    ),
    entry(
        "GET",
        "/organizer/audit",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/audit?q=user&action=role.grant&actor=someone&from=2026-01-01&to=2026-12-31&page=3",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/rounds",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "POST",
        "/organizer/rounds",
        &[("kind", "mentors")],
        [SignIn, Denied, Denied, Denied, Status(303)],
    ),
    // `{id}` is a newcomer's user id, never a round's: the organizer finds no such round.
    entry(
        "GET",
        "/organizer/rounds/{id}",
        &[],
        [SignIn, Denied, Denied, Denied, Status(404)],
    ),
    entry(
        "GET",
        "/organizer/rounds/{id}?q=new&show=unplaced&page=2",
        &[],
        [SignIn, Denied, Denied, Denied, Status(404)],
    ),
    entry(
        "POST",
        "/organizer/rounds/{id}/send",
        &[],
        [SignIn, Denied, Denied, Denied, Status(404)],
    ),
    entry(
        "GET",
        "/mentor/proposals",
        &[],
        [SignIn, Denied, Denied, Status(200), Denied],
    ),
    // No mentorship has the newcomer's id (no round is sent here): the mentor finds nothing to answer.
    entry(
        "POST",
        "/mentor/proposals/{id}",
        &[("response", "accept")],
        [SignIn, Denied, Denied, Status(404), Denied],
    ),
    // The newcomer claims a free task; the other newcomer is too late.
    on(
        Subject::FreeTask,
        entry(
            "POST",
            "/tasks/{slug}/claim",
            &[],
            [SignIn, Status(303), Status(409), Denied, Denied],
        ),
    ),
    // `{id}` is the newcomer's active claim. Nobody else's claim exists for the others (404), organizers see
    // them all; the mentor here is nobody's mentor.
    on(
        Subject::Claim,
        entry(
            "GET",
            "/claims/{id}",
            &[],
            [SignIn, Status(200), Status(404), Status(404), Status(200)],
        ),
    ),
    on(
        Subject::Claim,
        entry(
            "POST",
            "/claims/{id}/release",
            &[],
            [SignIn, Status(303), Status(404), Denied, Denied],
        ),
    ),
    on(
        Subject::Claim,
        entry(
            "POST",
            "/claims/{id}/done",
            &[("evidence_url", "https://lore.kernel.org/rust-for-linux/1")],
            [SignIn, Status(303), Status(404), Denied, Denied],
        ),
    ),
    on(
        Subject::Claim,
        entry(
            "POST",
            "/claims/{id}/extend",
            &[("reason", "travelling")],
            [SignIn, Denied, Denied, Status(404), Denied],
        ),
    ),
    // The work is not marked done: the organizer, who may confirm, is told so (409).
    on(
        Subject::Claim,
        entry(
            "POST",
            "/claims/{id}/confirm",
            &[],
            [SignIn, Status(404), Status(404), Status(404), Status(409)],
        ),
    ),
    on(
        Subject::Claim,
        entry(
            "POST",
            "/claims/{id}/end",
            &[("reason", "inactive")],
            [SignIn, Denied, Denied, Denied, Status(303)],
        ),
    ),
    entry(
        "GET",
        "/organizer/claims",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/mentor/queue",
        &[],
        [SignIn, Denied, Denied, Status(200), Denied],
    ),
    // `{id}` is the newcomer, who has no mentor: the mentor claims them, or passes.
    entry(
        "POST",
        "/mentor/queue/{id}/claim",
        &[],
        [SignIn, Denied, Denied, Status(303), Denied],
    ),
    entry(
        "POST",
        "/mentor/queue/{id}/pass",
        &[],
        [SignIn, Denied, Denied, Status(303), Denied],
    ),
    // Each newcomer may ask the same mentor.
    on(
        Subject::AMentor,
        entry(
            "POST",
            "/mentors/{id}/request",
            &[("message", "Hello")],
            [SignIn, Status(303), Status(303), Denied, Denied],
        ),
    ),
    // Only its newcomer, its mentor or an organizer may end a mentorship; the newcomer ends it first, so the
    // organizer finds it ended (409).
    on(
        Subject::Request,
        entry(
            "POST",
            "/mentorships/{id}/end",
            &[("reason", "changed my mind")],
            [SignIn, Status(303), Status(404), Status(404), Status(409)],
        ),
    ),
    // `{id}` names no offer (the newcomer's user id): only newcomers get as far as finding nothing.
    entry(
        "POST",
        "/offers/{id}",
        &[("answer", "accept")],
        [SignIn, Status(404), Status(404), Denied, Denied],
    ),
    entry(
        "GET",
        "/organizer/tasks/new",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    // An empty form: the organizer gets it back with its notes.
    entry(
        "POST",
        "/organizer/tasks",
        &[],
        [SignIn, Denied, Denied, Denied, Status(422)],
    ),
    entry(
        "GET",
        "/organizer/tasks/{slug}/edit",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "POST",
        "/organizer/tasks/{slug}",
        &[],
        [SignIn, Denied, Denied, Denied, Status(422)],
    ),
    // A free task: open, so the organizer may retire it; the reopen entry finds it open and says so (409).
    on(
        Subject::FreeTask,
        entry(
            "POST",
            "/organizer/tasks/{slug}/retire",
            &[],
            [SignIn, Denied, Denied, Denied, Status(303)],
        ),
    ),
    on(
        Subject::FreeTask,
        entry(
            "POST",
            "/organizer/tasks/{slug}/reopen",
            &[],
            [SignIn, Denied, Denied, Denied, Status(409)],
        ),
    ),
    entry(
        "GET",
        "/organizer/mentorships",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports/newcomers.csv",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports/newcomers.json",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports/mentorships.csv",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports/mentorships.json",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports/claims.csv",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/exports/claims.json",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/timeline",
        &[],
        [SignIn, Status(200), Status(200), Status(200), Status(200)],
    ),
    entry(
        "GET",
        "/organizer/people/{id}/timeline",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/progress",
        &[],
        [SignIn, Status(200), Status(200), Denied, Denied],
    ),
    // Each newcomer records the milestone for themselves.
    on(
        Subject::Record,
        entry(
            "POST",
            "/progress/{slug}",
            &[("note", "rustavailable says yes")],
            [SignIn, Status(303), Status(303), Denied, Denied],
        ),
    ),
    // Nothing was asked about the record, so its newcomer is told there is no question to answer (409).
    on(
        Subject::Record,
        entry(
            "POST",
            "/progress/records/{id}/answer",
            &[("answer", "the v2")],
            [SignIn, Status(409), Status(404), Denied, Denied],
        ),
    ),
    // Only the newcomer's mentor (the matrix's mentor is nobody's) or an organizer reviews a record.
    on(
        Subject::Record,
        entry(
            "POST",
            "/progress/records/{id}/verify",
            &[],
            [SignIn, Status(404), Status(404), Status(404), Status(303)],
        ),
    ),
    on(
        Subject::Record,
        entry(
            "POST",
            "/progress/records/{id}/question",
            &[("question", "Which tree?")],
            [SignIn, Status(404), Status(404), Status(404), Status(303)],
        ),
    ),
    entry(
        "POST",
        "/check-ins",
        &[("body", "Built the kernel")],
        [SignIn, Status(303), Status(303), Denied, Denied],
    ),
    on(
        Subject::CheckIn,
        entry(
            "POST",
            "/check-ins/{id}/reply",
            &[("reply", "Nice")],
            [SignIn, Status(303), Status(404), Status(404), Status(303)],
        ),
    ),
    // A newcomer's progress: theirs, their mentor's (the matrix's mentor is nobody's) and organizers'.
    entry(
        "GET",
        "/people/{id}/progress",
        &[],
        [SignIn, Status(200), Status(404), Status(404), Status(200)],
    ),
    entry(
        "GET",
        "/mentor/mentees",
        &[],
        [SignIn, Denied, Denied, Status(200), Denied],
    ),
    // A report on the newcomer, drafted for their mentor, who is not the matrix's mentor.
    on(
        Subject::Report,
        entry(
            "GET",
            "/reports/{id}",
            &[],
            [SignIn, Status(200), Status(404), Status(404), Status(200)],
        ),
    ),
    // Only the report's own mentor completes it.
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/submit",
            &[("assessment", "on_track"), ("comment", "Good")],
            [SignIn, Status(404), Status(404), Status(404), Status(404)],
        ),
    ),
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/view",
            &[("view", "A good month")],
            [SignIn, Status(303), Status(404), Denied, Denied],
        ),
    ),
    // The mentor has not submitted it: the organizer is told so (409).
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/review",
            &[("note", "Fine")],
            [SignIn, Denied, Denied, Denied, Status(409)],
        ),
    ),
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/pause",
            &[("reason", "Exams")],
            [SignIn, Denied, Denied, Denied, Status(303)],
        ),
    ),
    // The newcomer holds no task: there is no claim to extend or end (409).
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/extend-claim",
            &[("reason", "Exams")],
            [SignIn, Denied, Denied, Denied, Status(409)],
        ),
    ),
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/release-claim",
            &[("reason", "Quiet")],
            [SignIn, Denied, Denied, Denied, Status(409)],
        ),
    ),
    // Nobody has this login: the organizer gets the form back with the message.
    on(
        Subject::Report,
        entry(
            "POST",
            "/reports/{id}/reassign",
            &[("mentor", "nobody-at-all"), ("reason", "A better fit")],
            [SignIn, Denied, Denied, Denied, Status(422)],
        ),
    ),
    entry(
        "GET",
        "/organizer/reports",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "GET",
        "/organizer/dashboard",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry("GET", "/static/{*path}", &[], all(Status(200))),
    entry(
        "GET",
        "/settings/notifications",
        &[],
        [SignIn, Status(200), Status(200), Status(200), Status(200)],
    ),
    // An empty form is a valid choice: everything that can be turned off, off.
    entry(
        "POST",
        "/settings/notifications",
        &[],
        [SignIn, Status(303), Status(303), Status(303), Status(303)],
    ),
    // The signed token is the authorization: it works without signing in, for whoever holds the link.
    on(
        Subject::Unsubscribe,
        entry("GET", "/unsubscribe/{token}", &[], all(Status(200))),
    ),
    on(
        Subject::Unsubscribe,
        entry(
            "POST",
            "/unsubscribe/{token}",
            &[("List-Unsubscribe", "One-Click")],
            all(Status(200)),
        ),
    ),
    entry(
        "GET",
        "/organizer/outbox",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    on(
        Subject::Email,
        entry(
            "GET",
            "/organizer/outbox/{id}",
            &[],
            [SignIn, Denied, Denied, Denied, Status(200)],
        ),
    ),
    // The email is pending, not failed: an organizer reaches the decision and is told there is nothing to retry.
    on(
        Subject::Email,
        entry(
            "POST",
            "/organizer/outbox/{id}/retry",
            &[],
            [SignIn, Denied, Denied, Denied, Status(409)],
        ),
    ),
    entry(
        "GET",
        "/organizer/nudges",
        &[],
        [SignIn, Denied, Denied, Denied, Status(200)],
    ),
    entry(
        "POST",
        "/organizer/nudges/run",
        &[],
        [SignIn, Denied, Denied, Denied, Status(303)],
    ),
    // The matrix runs in demo mode, where the demo mail page is open to every visitor (mail.rs checks that it
    // does not exist otherwise).
    entry("GET", "/dev/mail", &[], all(Status(200))),
    on(
        Subject::Email,
        entry("GET", "/dev/mail/{id}", &[], all(Status(200))),
    ),
    entry("GET", "/healthz", &[], all(Status(200))),
    entry("GET", "/readyz", &[], all(Status(200))),
    // Open to the allowed addresses, loopback by default, whoever is signed in (operations.rs: others are refused).
    entry("GET", "/metrics", &[], all(Status(200))),
];

#[test]
fn every_route_has_an_entry() {
    let routes: BTreeSet<(&str, &str)> = onramp::web::route_list().into_iter().collect();
    // Entries with a query string are variants of their route's entry.
    let written: BTreeSet<(&str, &str)> = MATRIX
        .iter()
        .map(|e| (e.method, e.path.split('?').next().unwrap_or(e.path)))
        .collect();
    let missing: Vec<_> = routes.difference(&written).collect();
    let stale: Vec<_> = written.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without an authorization entry: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "entries for routes that do not exist: {stale:?}"
    );
}

struct Ids {
    slug: String,
    /// What `{id}` stands for.
    id: i32,
    newcomer_login: String,
}

fn fill(template: &str, ids: &Ids) -> String {
    template
        .replace("{slug}", &ids.slug)
        .replace("{token}", &ids.slug)
        .replace("{id}", &ids.id.to_string())
        .replace("{*path}", "app.css")
        .replace("{newcomer_login}", &ids.newcomer_login)
}

async fn request(actor: &Actor, e: &Entry, ids: &Ids) -> Page {
    let path = fill(e.path, ids);
    match e.method {
        "GET" => actor.get(&path).await,
        "POST" => {
            let form: Vec<(String, String)> = e
                .form
                .iter()
                .map(|(k, v)| (k.to_string(), fill(v, ids)))
                .collect();
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            actor.post_form(&path, &form).await
        }
        other => panic!("no request helper for {other}"),
    }
}

fn check(outcome: Outcome, page: &Page) -> bool {
    match outcome {
        Status(code) => page.status == code,
        SignIn => {
            page.status == 303
                && page
                    .location()
                    .is_some_and(|l| l.starts_with("/signin?next="))
        }
        Denied => page.status == 403,
    }
}

#[tokio::test]
async fn every_visitor_gets_what_the_matrix_says() {
    let app = TestApp::start().await;
    let slug = tasks::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .slug;
    // Open tasks that wait for nothing, one for each route that claims one.
    let mut free = factory::claimable_tasks(&app).await.into_iter();
    let mut failures = Vec::new();
    for (n, e) in MATRIX.iter().enumerate() {
        // Fresh people for each route, so one route's effect (a sign-out, a promotion) cannot colour another's.
        let newcomer = app.newcomer(&format!("newcomer-{n}")).await;
        let newcomer_id = newcomer.user_id.unwrap();
        let ids = match e.subject {
            Subject::People => Ids {
                slug: slug.clone(),
                id: newcomer_id,
                newcomer_login: format!("newcomer-{n}"),
            },
            Subject::FreeTask => Ids {
                slug: free.next().expect("enough claimable tasks").slug,
                id: newcomer_id,
                newcomer_login: format!("newcomer-{n}"),
            },
            Subject::AMentor => Ids {
                slug: slug.clone(),
                id: app
                    .create_user(&format!("wanted-{n}"), &[Role::Mentor])
                    .await
                    .id,
                newcomer_login: format!("newcomer-{n}"),
            },
            Subject::Request => {
                let mentor = app
                    .create_user(&format!("asked-{n}"), &[Role::Mentor])
                    .await
                    .id;
                Ids {
                    id: factory::requested_mentorship(&app, newcomer_id, mentor).await,
                    slug: slug.clone(),
                    newcomer_login: format!("newcomer-{n}"),
                }
            }
            Subject::Record => Ids {
                id: factory::milestone_record(
                    &app,
                    newcomer_id,
                    "join-community",
                    "",
                    "Said hello",
                )
                .await,
                slug: "toolchain-ready".into(),
                newcomer_login: format!("newcomer-{n}"),
            },
            Subject::Report => {
                let mentor = factory::mentor(&app, &format!("reporter-{n}"))
                    .create()
                    .await;
                Ids {
                    id: factory::report(&app, newcomer_id, mentor.id).await,
                    slug: slug.clone(),
                    newcomer_login: format!("newcomer-{n}"),
                }
            }
            Subject::Email => Ids {
                id: factory::welcome_email(&app, newcomer_id).await,
                slug: slug.clone(),
                newcomer_login: format!("newcomer-{n}"),
            },
            // The token goes where a slug would (no route of this subject has a slug).
            Subject::Unsubscribe => Ids {
                id: newcomer_id,
                slug: app
                    .state
                    .mailer
                    .composer
                    .signer()
                    .token(newcomer_id, onramp::domain::email::EmailKind::Stalled),
                newcomer_login: format!("newcomer-{n}"),
            },
            Subject::CheckIn => Ids {
                id: factory::check_in(&app, newcomer_id, "Read Documentation/rust", "").await,
                slug: slug.clone(),
                newcomer_login: format!("newcomer-{n}"),
            },
            Subject::Claim => {
                let task = free.next().expect("enough claimable tasks").slug;
                Ids {
                    id: factory::claim(&app, &task, newcomer_id).await.id,
                    slug: task,
                    newcomer_login: format!("newcomer-{n}"),
                }
            }
        };
        let actors: [(&str, Actor, Outcome); 5] = [
            ("anonymous", app.anonymous(), e.anonymous),
            ("newcomer", newcomer, e.newcomer),
            (
                "other newcomer",
                app.newcomer(&format!("other-{n}")).await,
                e.other_newcomer,
            ),
            (
                "mentor",
                app.person(&format!("mentor-{n}"), &[Role::Mentor]).await,
                e.mentor,
            ),
            (
                "organizer",
                app.organizer(&format!("organizer-{n}")).await,
                e.organizer,
            ),
        ];
        for (who, actor, expected) in &actors {
            let page = request(actor, e, &ids).await;
            if !check(*expected, &page) {
                failures.push(format!(
                    "{} {} as {who}: expected {expected:?}, got {} (location {:?})",
                    e.method,
                    e.path,
                    page.status,
                    page.location()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix mismatches:\n{}",
        failures.join("\n")
    );
}
