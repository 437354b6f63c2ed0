//! Reminders over a request's life: which mails exist after each sweep, delivery
//! through a real SMTP conversation, and several delivery workers at once.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde_json::{json, Value};

use avg_loket::configuration::{MailUrl, Settings};
use avg_loket::domain::calendar::Calendar;
use avg_loket::mail::Mailer;
use avg_loket::service::delivery::{DeliveryReport, MailSettings};
use avg_loket::service::reminders::{sweep, SweepReport};
use avg_loket::service::Rules;

use crate::helpers::{registration, spawn_app, test_settings, TestApp};
use crate::smtp_sink::{free_port, SmtpSink};

fn settings(app: &TestApp) -> Settings {
    test_settings(
        &app.database.url(),
        &[("AVG_LOKET_BASE_URL", "https://avg.zorg.example")],
    )
}

async fn sweep_at(app: &TestApp, now: DateTime<Utc>) -> SweepReport {
    let s = settings(app);
    sweep(
        &app.db,
        &Rules::from_settings(&s),
        &MailSettings::from_settings(&s),
        now,
    )
    .await
    .expect("sweep")
}

async fn deliver_at(app: &TestApp, mailer: &Mailer, now: DateTime<Utc>) -> DeliveryReport {
    crate::helpers::deliver_outbox(&app.db, &settings(app), mailer, move || now).await
}

/// (stage, recipient, status, deadline date) of every mail in the outbox, oldest first.
async fn outbox(app: &TestApp) -> Vec<(String, String, String, String)> {
    let response = app.get("/api/v1/notifications?per_page=500").await;
    assert_eq!(response.status, 200, "{}", response.text);
    let mut rows: Vec<(String, String, String, String)> = response.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|n| {
            (
                n["stage"].as_str().unwrap().to_string(),
                n["recipient_id"].as_str().unwrap().to_string(),
                n["status"].as_str().unwrap().to_string(),
                n["deadline_date"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    rows.sort_by_key(|r| (r.0.clone(), r.1.clone()));
    rows
}

fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

/// 08:00 Amsterdam on `day`, plus `minutes`.
fn at(app: &TestApp, day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    Rules::from_settings(&settings(app)).planner().moment(day) + chrono::Duration::minutes(minutes)
}

const CAL: Calendar = Calendar::GdprNl;

struct People {
    worker: String,
    manager: String,
    officer: String,
}

async fn team(app: &TestApp) -> People {
    app.create_team("AMW").await;
    let manager = app.create_user("manager", &["AMW"]).await;
    People {
        worker: app.worker("AMW").id,
        manager: manager.id,
        officer: app.admin.id.clone(),
    }
}

/// Registered today and assigned, so that every reminder lies ahead.
async fn assigned_request(app: &TestApp, people: &People) -> Value {
    let today = crate::helpers::today().to_string();
    let r = app.register(&registration("access", &today)).await;
    let id = r["id"].as_str().unwrap();
    app.act_ok(id, "assign", &json!({"assignee": people.worker}))
        .await
}

#[actix_web::test]
async fn a_requests_reminders_from_due_soon_to_escalation_each_exactly_once() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let response = date(&r["deadlines"]["response"]);
    let soon = CAL.sub_working_days(response, 3);
    let first_overdue = CAL.add_working_days(response, 1);
    let escalation = CAL.add_working_days(response, 5);
    let week = CAL.next_working_day_from(first_overdue + Days::new(7));
    let d = response.to_string();
    let row = |stage: &str, who: &str| {
        (
            stage.to_string(),
            who.to_string(),
            "queued".to_string(),
            d.clone(),
        )
    };

    assert_eq!(sweep_at(&app, at(&app, soon, -1)).await.queued, 0);
    assert_eq!(outbox(&app).await, []);

    assert_eq!(sweep_at(&app, at(&app, soon, 0)).await.queued, 1);
    let mut expected = vec![row("due_soon", &people.worker)];
    assert_eq!(outbox(&app).await, expected);
    // Again, and later the same day: nothing new.
    assert_eq!(sweep_at(&app, at(&app, soon, 0)).await.queued, 0);
    assert_eq!(sweep_at(&app, at(&app, soon, 300)).await.queued, 0);
    assert_eq!(outbox(&app).await, expected);

    sweep_at(&app, at(&app, response, 0)).await;
    expected.push(row("due_today", &people.worker));
    expected.sort();
    assert_eq!(outbox(&app).await, expected);

    sweep_at(&app, at(&app, first_overdue, 0)).await;
    expected.push(row("overdue", &people.worker));
    expected.push(row("overdue", &people.manager));
    expected.sort();
    assert_eq!(outbox(&app).await, expected);

    // Around Christmas the fifth working day after the deadline can be the first
    // working day a week after the first overdue day: both are due at once then.
    let week_rows = [
        row("overdue_week_1", &people.worker),
        row("overdue_week_1", &people.manager),
    ];
    sweep_at(&app, at(&app, escalation, 0)).await;
    expected.push(row("escalation", &people.officer));
    if week <= escalation {
        expected.extend(week_rows.clone());
    }
    expected.sort();
    assert_eq!(outbox(&app).await, expected);

    sweep_at(&app, at(&app, week, 0)).await;
    sweep_at(&app, at(&app, week, 60)).await;
    if week > escalation {
        expected.extend(week_rows);
    }
    expected.sort();
    assert_eq!(outbox(&app).await, expected);
}

#[actix_web::test]
async fn an_extension_cancels_what_was_queued_and_re_arms_for_the_new_date() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let id = r["id"].as_str().unwrap().to_string();
    let today = crate::helpers::today().to_string();
    app.act_ok(
        &id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    let r = app
        .act_ok(
            &id,
            "decide",
            &json!({"outcome": "granted", "communicated_on": today}),
        )
        .await;
    let execution = date(&r["deadlines"]["execution"]);
    let soon = CAL.sub_working_days(execution, 3);
    sweep_at(&app, at(&app, soon, 0)).await;
    let old = (
        "due_soon".to_string(),
        people.worker.clone(),
        "queued".to_string(),
        execution.to_string(),
    );
    assert_eq!(outbox(&app).await, [old]);

    let r = app
        .act_ok(
            &id,
            "extend",
            &json!({"reason": "omvangrijk", "informed_on": today}),
        )
        .await;
    let extended = date(&r["deadlines"]["execution"]);
    assert!(extended > execution);
    let cancelled = (
        "due_soon".to_string(),
        people.worker.clone(),
        "cancelled".to_string(),
        execution.to_string(),
    );
    assert_eq!(
        outbox(&app).await,
        std::slice::from_ref(&cancelled),
        "the stale reminder is not sent"
    );
    assert_eq!(sweep_at(&app, at(&app, soon, 5)).await.queued, 0);

    let new_soon = CAL.sub_working_days(extended, 3);
    sweep_at(&app, at(&app, new_soon, 0)).await;
    let rearmed = (
        "due_soon".to_string(),
        people.worker.clone(),
        "queued".to_string(),
        extended.to_string(),
    );
    assert_eq!(outbox(&app).await, [cancelled, rearmed]);
}

#[actix_web::test]
async fn a_paused_request_gets_no_reminders_until_it_resumes() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let id = r["id"].as_str().unwrap().to_string();
    let today = crate::helpers::today().to_string();
    let soon = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    app.act_ok(&id, "suspend", &json!({"reason": "identity", "asked_on": today}))
        .await;
    assert_eq!(sweep_at(&app, at(&app, soon, 0)).await.queued, 0);
    assert_eq!(outbox(&app).await, []);
    let r = app.act_ok(&id, "resume", &json!({"received_on": today})).await;
    let soon = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    assert_eq!(sweep_at(&app, at(&app, soon, 0)).await.queued, 1);
}

#[actix_web::test]
async fn an_unassigned_request_goes_to_the_managers() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let today = crate::helpers::today();
    app.register(&registration("access", &today.to_string())).await;
    let day = CAL.add_working_days(today, 1);
    sweep_at(&app, at(&app, day, 0)).await;
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("unassigned", people.manager.as_str())
    );
}

#[actix_web::test]
async fn a_transfer_cancels_the_old_teams_mails_and_the_new_team_is_reminded() {
    let app = spawn_app().await;
    let people = team(&app).await;
    app.create_team("JGD").await;
    let jgd_manager = app.create_user("manager", &["JGD"]).await;
    let r = assigned_request(&app, &people).await;
    let id = r["id"].as_str().unwrap();
    let response = date(&r["deadlines"]["response"]);
    let soon = CAL.sub_working_days(response, 3);
    sweep_at(&app, at(&app, soon, 0)).await;
    let mine = |status: &str| {
        (
            "due_soon".to_string(),
            people.worker.clone(),
            status.to_string(),
            response.to_string(),
        )
    };
    assert_eq!(outbox(&app).await, [mine("queued")]);

    app.act_ok(
        id,
        "transfer",
        &json!({"team": "JGD", "reason": "hoort bij jeugd"}),
    )
    .await;
    assert_eq!(
        outbox(&app).await,
        [mine("cancelled")],
        "the AMW worker is not reminded of a JGD request"
    );
    sweep_at(&app, at(&app, soon, 5)).await;
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1.as_str(), rows[1].2.as_str()),
        ("unassigned", jgd_manager.id.as_str(), "queued"),
        "JGD's manager is asked to assign it; AMW's manager hears nothing"
    );
}

#[actix_web::test]
async fn a_digest_user_gets_one_morning_mail() {
    let app = spawn_app().await;
    let people = team(&app).await;
    // The worker chooses a daily digest, over the API.
    let worker = app.worker("AMW");
    let path = format!("/api/v1/users/{}/reminders", worker.id);
    let chosen = app
        .post_json_with_method("PUT", &worker.token, &path, &json!({"reminders": "daily_digest"}))
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    assert_eq!(chosen.body["reminders"], "daily_digest");
    let manager_path = format!("/api/v1/users/{}/reminders", people.manager);
    let other = app
        .post_json_with_method("PUT", &worker.token, &manager_path, &json!({"reminders": "each"}))
        .await;
    other.assert_problem(403);
    let bad = app
        .post_json_with_method("PUT", &worker.token, &path, &json!({"reminders": "weekly"}))
        .await;
    bad.assert_problem(422);
    let a = assigned_request(&app, &people).await;
    assigned_request(&app, &people).await;
    let soon = CAL.sub_working_days(date(&a["deadlines"]["response"]), 3);
    let report = sweep_at(&app, at(&app, soon, 0)).await;
    assert_eq!((report.queued, report.digests), (2, 1));
    let rows = outbox(&app).await;
    let statuses: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.2.as_str())).collect();
    assert_eq!(
        statuses,
        [
            ("digest", "queued"),
            ("due_soon", "digested"),
            ("due_soon", "digested")
        ]
    );
    let (mailer, sent) = Mailer::memory();
    assert_eq!(deliver_at(&app, &mailer, at(&app, soon, 1)).await.sent, 1);
    let mail = sent.lock().unwrap()[0].clone();
    assert!(mail.subject.starts_with("Termijnoverzicht"), "{}", mail.subject);
    assert_eq!(mail.text.matches("AVG-").count(), 2);
}

#[actix_web::test]
async fn mails_say_nothing_about_the_person() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let today = crate::helpers::today();
    let mut body = registration("erasure", &today.to_string());
    body["requester"]["name"] = "Johanna Vermeulen-de Groot".into();
    body["requester"]["email"] = "johanna.vermeulen@example.nl".into();
    body["requester"]["phone"] = "+31 6 9876 5432".into();
    body["subject"]["client_reference"] = "DOSSIER-77123".into();
    body["description"] = "Verslag over huiselijk geweld verwijderen".into();
    body["assignee"] = people.worker.clone().into();
    let r = app.register(&body).await;
    let response = date(&r["deadlines"]["response"]);
    let (mailer, sent) = Mailer::memory();
    // Walk every stage, including the unassigned one of a second request.
    let mut unassigned = body.clone();
    unassigned.as_object_mut().unwrap().remove("assignee");
    app.register(&unassigned).await;
    for day in [
        CAL.add_working_days(today, 1),
        CAL.sub_working_days(response, 3),
        response,
        CAL.add_working_days(response, 1),
        CAL.add_working_days(response, 5),
    ] {
        sweep_at(&app, at(&app, day, 0)).await;
        deliver_at(&app, &mailer, at(&app, day, 1)).await;
    }
    let sent = sent.lock().unwrap().clone();
    let stages: std::collections::BTreeSet<String> = outbox(&app).await.into_iter().map(|r| r.0).collect();
    for stage in ["unassigned", "due_soon", "due_today", "overdue", "escalation"] {
        assert!(stages.contains(stage), "{stage} missing: {stages:?}");
    }
    assert!(sent.len() >= 6, "{}", sent.len());
    for mail in &sent {
        for personal in [
            "Johanna",
            "Vermeulen",
            "johanna.vermeulen@example.nl",
            "9876",
            "DOSSIER-77123",
            "huiselijk",
        ] {
            for part in [&mail.subject, &mail.text, &mail.html] {
                assert!(!part.contains(personal), "'{personal}' in a mail: {part}");
            }
        }
        assert!(
            mail.text.contains("https://avg.zorg.example/requests/"),
            "{}",
            mail.text
        );
        assert!(mail.subject.contains(r["reference"].as_str().unwrap()) || mail.subject.contains("AVG-"));
    }
}

#[actix_web::test]
async fn delivery_through_smtp_survives_a_server_that_is_down_and_sends_each_mail_once() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let soon = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    let now = at(&app, soon, 0);
    sweep_at(&app, now).await;

    let port = free_port();
    let url = MailUrl::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap();
    let mailer = Mailer::from_url(&url).unwrap();
    let down = deliver_at(&app, &mailer, now).await;
    assert_eq!((down.sent, down.retried), (0, 1));
    let failed_once = app.get("/api/v1/notifications?status=queued").await;
    assert_eq!(failed_once.body["items"][0]["attempts"], 1);
    assert!(failed_once.body["items"][0]["last_error"].is_string());
    // Before the backoff has passed nothing is tried.
    assert_eq!(
        deliver_at(&app, &mailer, now + chrono::Duration::seconds(5)).await,
        DeliveryReport::default()
    );

    let sink = SmtpSink::start(port);
    let later = now + chrono::Duration::minutes(10);
    assert_eq!(deliver_at(&app, &mailer, later).await.sent, 1);
    assert_eq!(
        deliver_at(&app, &mailer, later + chrono::Duration::minutes(10)).await,
        DeliveryReport::default()
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].to[0].starts_with("worker-amw@"),
        "{:?}",
        messages[0].to
    );
    assert!(
        messages[0]
            .data
            .contains("Subject: Termijn verloopt over 3 werkdagen"),
        "{}",
        messages[0].data
    );
    assert!(messages[0].data.contains("Content-Type: text/html"));
    let sent = app.get("/api/v1/notifications?status=sent").await;
    assert_eq!(sent.body["total"], 1);
    assert!(sent.body["items"][0]["message_id"]
        .as_str()
        .unwrap()
        .ends_with("@avg-loket>"));
    assert_eq!(sent.body["counts"]["sent"], 1);
}

#[actix_web::test]
async fn a_mail_that_keeps_failing_is_marked_failed_and_stays_visible() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let soon = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    let mut now = at(&app, soon, 0);
    sweep_at(&app, now).await;
    let url = MailUrl::parse(&format!("smtp://127.0.0.1:{}?tls=none", free_port())).unwrap();
    let mailer = Mailer::from_url(&url).unwrap();
    for _ in 0..8 {
        deliver_at(&app, &mailer, now).await;
        now += chrono::Duration::hours(7);
    }
    let failed = app.get("/api/v1/notifications?status=failed").await;
    assert_eq!(failed.body["total"], 1, "{}", failed.text);
    assert_eq!(failed.body["items"][0]["attempts"], 8);
    assert_eq!(failed.body["counts"]["failed"], 1);
    let worker = app.worker("AMW");
    app.get_as(&worker.token, "/api/v1/notifications")
        .await
        .assert_problem(403);
}

/// Puts `count` mails due at `now` for `recipient` straight into the outbox, as a
/// sweep would ("mail 0", "mail 1", …).
fn queue_mails(app: &TestApp, recipient: &str, count: usize, now: DateTime<Utc>) {
    crate::helpers::queue_reminders(&app.db, recipient, count, now, "mail");
}

#[actix_web::test]
async fn a_dead_workers_mails_go_out_once_its_short_lease_ends_each_stamped_when_sent() {
    use avg_loket::service::delivery::{lease_from, LEASE};
    use avg_loket::storage::notifications;
    use avg_loket::storage::schema::notifications as table;
    use diesel::prelude::*;
    let app = spawn_app().await;
    let people = team(&app).await;
    let t0 = avg_loket::clock::now();
    queue_mails(&app, &people.worker, 10, t0);
    // A worker claims all ten and dies before sending any.
    {
        let mut conn = app.db.get().unwrap();
        let claimed = notifications::claim(&mut conn, t0.naive_utc(), lease_from(t0), 50, true).unwrap();
        assert_eq!(claimed.len(), 10);
    }
    assert!(
        LEASE <= chrono::Duration::seconds(60),
        "free again within a minute"
    );
    let letters = avg_loket::service::letters::LetterSetup::load(&settings(&app)).unwrap();
    let due = avg_loket::service::delivery::next_due(&app.db, &letters)
        .await
        .unwrap();
    assert_eq!(due, Some(t0 + LEASE), "the loop looks again when the lease ends");

    let (mailer, sent) = Mailer::memory();
    let held = deliver_at(&app, &mailer, t0 + LEASE - chrono::Duration::seconds(1)).await;
    assert_eq!(held.sent, 0, "a lease still running is respected");

    // Another worker, once the lease has ended, with a clock that moves a second per look.
    let ticks = std::sync::atomic::AtomicI64::new(0);
    let start = t0 + LEASE + chrono::Duration::seconds(1);
    let clock = || start + chrono::Duration::seconds(ticks.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    let report = crate::helpers::deliver_outbox(&app.db, &settings(&app), &mailer, clock).await;
    assert_eq!(report.sent, 10);
    assert_eq!(sent.lock().unwrap().len(), 10, "each once");
    let stamps: Vec<chrono::NaiveDateTime> = {
        let mut conn = app.db.get().unwrap();
        table::table
            .order(table::sent_at.asc())
            .select(table::sent_at.assume_not_null())
            .load(&mut *conn)
            .unwrap()
    };
    let mut distinct = stamps.clone();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        10,
        "sent_at is each mail's own moment: {stamps:?}"
    );
    assert!(
        stamps[0] > start.naive_utc(),
        "read after sending, not at the claim"
    );
}

#[actix_web::test]
async fn a_lease_is_renewed_only_by_the_worker_that_still_holds_it() {
    use avg_loket::service::delivery::lease_from;
    use avg_loket::storage::notifications;
    let app = spawn_app().await;
    let people = team(&app).await;
    let t0 = avg_loket::clock::now();
    queue_mails(&app, &people.worker, 3, t0);
    let mut conn = app.db.get().unwrap();
    let first = notifications::claim(&mut conn, t0.naive_utc(), lease_from(t0), 50, true).unwrap();
    let ids: Vec<_> = first.iter().map(|r| r.id).collect();
    let t1 = t0 + chrono::Duration::seconds(30);
    let renewed = notifications::renew(&mut conn, &ids, lease_from(t0), lease_from(t1)).unwrap();
    assert_eq!(renewed.len(), 3, "the holder keeps its batch");
    // The holder goes quiet; its lease ends; a second worker takes the mails.
    let t2 = t1 + chrono::Duration::seconds(60);
    let second = notifications::claim(&mut conn, t2.naive_utc(), lease_from(t2), 50, true).unwrap();
    assert_eq!(second.len(), 3);
    let late = notifications::renew(&mut conn, &ids, lease_from(t1), lease_from(t2)).unwrap();
    assert!(
        late.is_empty(),
        "the first worker holds nothing any more: {late:?}"
    );
}

#[actix_web::test]
async fn two_delivery_workers_deliver_500_mails_without_duplicates() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let now = chrono::Utc::now();
    queue_mails(&app, &people.worker, 500, now);
    // Two instances: each its own connection pool on the same database.
    let s = settings(&app);
    let second = avg_loket::storage::Db::connect(&s.database.url, 4).unwrap();
    let (mailer, sent) = Mailer::memory();
    let (a, b) = futures_util::future::join(
        crate::helpers::deliver_outbox(&app.db, &s, &mailer, move || now),
        crate::helpers::deliver_outbox(&second, &s, &mailer, move || now),
    )
    .await;
    assert_eq!(a.sent + b.sent, 500);
    let sent = sent.lock().unwrap();
    let mut subjects: Vec<&str> = sent.iter().map(|m| m.subject.as_str()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 500, "no duplicates, none missed");
    assert_eq!(sent.len(), 500);
}

#[actix_web::test]
async fn remind_once_from_the_command_line_writes_eml_files_once() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let soon = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    let moment = at(&app, soon, 0).to_rfc3339();
    let outbox_dir = tempfile::tempdir().unwrap();
    let run = || {
        let dir = tempfile::tempdir().unwrap();
        crate::cli::avg_loket(
            dir.path(),
            &[
                ("AVG_LOKET_DATABASE_URL", &app.database.url()),
                (
                    "AVG_LOKET_MAIL_URL",
                    &format!("file://{}", outbox_dir.path().display()),
                ),
            ],
        )
        .args(["remind", "--once", "--now", &moment])
        .output()
        .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let said = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        said.contains("1 reminder(s) queued") && said.contains("1 sent"),
        "{said}"
    );
    let files: Vec<_> = std::fs::read_dir(outbox_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Termijn verloopt over 3 werkdagen"), "{eml}");
    let second = run();
    let said = String::from_utf8_lossy(&second.stdout).to_string();
    assert!(
        said.contains("0 reminder(s) queued") && said.contains("0 sent"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_dir(outbox_dir.path()).unwrap().count(),
        1,
        "nothing twice"
    );
    let without_once = crate::cli::avg_loket(outbox_dir.path(), &[])
        .arg("remind")
        .output()
        .unwrap();
    assert!(!without_once.status.success());
}

/// The mails the memory transport got, after delivering everything queued at `now`.
async fn delivered_at(app: &TestApp, now: DateTime<Utc>) -> Vec<avg_loket::mail::OutgoingMail> {
    let (mailer, sent) = Mailer::memory();
    deliver_at(app, &mailer, now).await;
    let mails = sent.lock().unwrap().clone();
    mails
}

#[actix_web::test]
async fn requests_of_a_deactivated_user_count_as_unassigned_and_their_managers_are_told() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let id = r["id"].as_str().unwrap();

    let deactivated = app
        .post_json(&format!("/api/v1/users/{}/deactivate", people.worker), &json!({}))
        .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    assert_eq!(
        deactivated.body["open_requests_held"], 1,
        "the answer says what they held"
    );
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(
        d["unassigned"], 1,
        "held by a deactivated user: nobody can act on it"
    );
    assert_eq!(d["held_by_deactivated_users"], 1);

    // At the next reminder moment (and once the request has been a working day
    // without a worker) the managers hear that nobody handles it.
    let next = Rules::from_settings(&settings(&app))
        .planner()
        .first_moment_from(Utc::now())
        .max(at(&app, CAL.add_working_days(crate::helpers::today(), 1), 0));
    sweep_at(&app, next).await;
    let rows = outbox(&app).await;
    assert!(
        rows.iter()
            .any(|(stage, to, _, _)| stage == "unassigned" && *to == people.manager),
        "{rows:?}"
    );
    assert!(
        rows.iter().all(|(_, to, _, _)| *to != people.worker),
        "nothing for the deactivated user: {rows:?}"
    );
    // Reassigned, the request has a worker again.
    let colleague = app.create_user("caseworker", &["AMW"]).await;
    app.act_ok(id, "assign", &json!({"assignee": colleague.id})).await;
    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(d["unassigned"], 0);
}

#[actix_web::test]
async fn a_team_without_a_manager_escalates_to_the_privacy_officer_and_no_mail_claims_otherwise() {
    let app = spawn_app().await;
    app.create_team("AMW").await; // a caseworker, no manager
    let worker = app.worker("AMW");
    let received = (crate::helpers::today() - Days::new(40)).to_string();
    let mut body = registration("access", &received);
    body["assignee"] = worker.id.clone().into();
    let r = app.register(&body).await;
    let overdue_from = CAL.add_working_days(date(&r["deadlines"]["response"]), 1);
    let first = Rules::from_settings(&settings(&app))
        .planner()
        .first_moment_from(Utc::now());
    let moment = first.max(at(&app, overdue_from, 0));
    sweep_at(&app, moment).await;
    let mails = delivered_at(&app, moment).await;
    let to_worker: Vec<_> = mails.iter().filter(|m| m.to.starts_with("worker-amw")).collect();
    let to_officer: Vec<_> = mails.iter().filter(|m| m.to == "fg@zorg.example").collect();
    assert!(!to_worker.is_empty() && !to_officer.is_empty(), "{mails:?}");
    for mail in &to_worker {
        assert!(!mail.text.contains("teammanager ontvangt"), "{}", mail.text);
    }
    assert!(
        to_officer
            .iter()
            .any(|m| m.text.contains("geen actieve teammanager")),
        "the privacy officer stands in for the missing manager"
    );
    // The request is past its legal limit: the mails say so, and what to do.
    assert!(
        to_worker[0]
            .subject
            .starts_with("Wettelijke termijn overschreden"),
        "{}",
        to_worker[0].subject
    );
    assert!(
        to_worker[0].text.contains("Wettelijke termijn:"),
        "{}",
        to_worker[0].text
    );
    assert!(to_worker[0].text.contains("Wat nu:"), "{}", to_worker[0].text);
}

#[actix_web::test]
async fn a_request_registered_late_in_the_day_waits_for_the_reminder_hour() {
    let app = spawn_app().await;
    let people = team(&app).await;
    // Received long ago, registered now, already overdue.
    let received = (crate::helpers::today() - Days::new(30)).to_string();
    let mut body = registration("access", &received);
    body["assignee"] = people.worker.clone().into();
    app.register(&body).await;
    let registered = Utc::now();
    assert_eq!(
        sweep_at(&app, registered + chrono::Duration::seconds(10))
            .await
            .queued,
        0,
        "no mail at once, whatever the hour"
    );
    let first = Rules::from_settings(&settings(&app))
        .planner()
        .first_moment_from(registered);
    assert_eq!(
        sweep_at(&app, first - chrono::Duration::minutes(1)).await.queued,
        0
    );
    let morning = sweep_at(&app, first).await;
    assert!(morning.queued >= 1, "{morning:?}");
    let rows = outbox(&app).await;
    assert!(
        rows.iter()
            .any(|(stage, to, _, _)| stage.starts_with("overdue") && *to == people.worker),
        "{rows:?}"
    );
}

#[actix_web::test]
async fn a_dry_run_shows_what_a_moment_would_send_and_changes_nothing() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let r = assigned_request(&app, &people).await;
    let soon = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    let moment = at(&app, soon, 0).to_rfc3339();
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["remind", "--once", "--now", &moment];
        args.extend_from_slice(extra);
        crate::cli::avg_loket(
            dir.path(),
            &[
                ("AVG_LOKET_DATABASE_URL", &app.database.url()),
                ("AVG_LOKET_MAIL_URL", &format!("file://{}", dir.path().display())),
            ],
        )
        .args(&args)
        .output()
        .unwrap()
    };
    let dry = run(&["--dry-run"]);
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let said = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(said.contains(r["reference"].as_str().unwrap()), "{said}");
    assert!(
        said.contains("due_soon") && said.contains("worker-amw@zorg.example"),
        "{said}"
    );
    assert!(
        said.contains("1 reminder(s) would be queued; nothing was written"),
        "{said}"
    );
    assert!(outbox(&app).await.is_empty(), "the dry run wrote nothing");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| e
            .unwrap()
            .path()
            .extension()
            .is_none_or(|x| x != "eml")),
        "and sent nothing"
    );
    let real = run(&[]);
    assert!(String::from_utf8_lossy(&real.stdout).contains("1 reminder(s) queued"));
    let again = run(&["--dry-run"]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 reminder(s) would be queued"),
        "what is queued already is not planned again"
    );
}

/// An extension announced within the month is the answer AVG 12(3) asks for: a dry
/// run past the original response deadline plans no overdue or escalation mail about
/// that request, while one that was not extended is overdue and escalated; the
/// extended request is reminded before its new date.
#[actix_web::test]
async fn after_an_extension_told_in_time_the_reminders_follow_the_extended_deadline() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let extended = assigned_request(&app, &people).await;
    let plain = assigned_request(&app, &people).await;
    let today = crate::helpers::today().to_string();
    let r = app
        .act_ok(
            extended["id"].as_str().unwrap(),
            "extend",
            &json!({"reason": "omvangrijk dossier", "informed_on": today}),
        )
        .await;
    let new_date = date(&r["deadlines"]["execution"]);
    let response = date(&plain["deadlines"]["response"]);
    assert!(new_date > response);
    assert_eq!(date(&r["open_deadline"]), new_date, "{}", r);
    assert_eq!(r["overdue"], false);

    let dir = tempfile::tempdir().unwrap();
    let dry_run_at = |moment: DateTime<Utc>| {
        let moment = moment.to_rfc3339();
        let out = crate::cli::avg_loket(
            dir.path(),
            &[
                ("AVG_LOKET_DATABASE_URL", &app.database.url()),
                ("AVG_LOKET_MAIL_URL", &format!("file://{}", dir.path().display())),
            ],
        )
        .args(["remind", "--once", "--now", &moment, "--dry-run"])
        .output()
        .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let lines_about = |said: &str, request: &Value| -> Vec<String> {
        let reference = request["reference"].as_str().unwrap();
        said.lines()
            .filter(|line| line.starts_with(reference))
            .map(str::to_string)
            .collect()
    };

    let escalation = CAL.add_working_days(response, 5);
    let said = dry_run_at(at(&app, escalation, 0));
    let about_plain = lines_about(&said, &plain);
    assert!(
        about_plain.iter().any(|l| l.contains("\toverdue"))
            && about_plain.iter().any(|l| l.contains("\tescalation")),
        "{said}"
    );
    assert_eq!(lines_about(&said, &extended), Vec::<String>::new(), "{said}");

    let said = dry_run_at(at(&app, CAL.sub_working_days(new_date, 3), 0));
    assert_eq!(
        lines_about(&said, &extended),
        [format!(
            "{}\tdue_soon\tresponse {new_date}\tworker-amw@zorg.example",
            extended["reference"].as_str().unwrap()
        )],
        "{said}"
    );
}

/// An organisation's submission server: STARTTLS with a certificate of its own
/// authority (`AVG_LOKET_MAIL_CA_FILE`), then a password. Reminders go out over one
/// connection that is kept between mails; a wrong password or a server that cannot
/// encrypt is a failed attempt that says why, and the mail stays queued.
#[actix_web::test]
async fn reminders_reach_a_submission_server_over_starttls_with_a_password() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let first = assigned_request(&app, &people).await;
    let second = assigned_request(&app, &people).await;
    let soon = CAL.sub_working_days(date(&first["deadlines"]["response"]), 3);
    assert_eq!(first["deadlines"]["response"], second["deadlines"]["response"]);
    let now = at(&app, soon, 0);
    sweep_at(&app, now).await;

    let port = free_port();
    let (sink, ca_pem) = SmtpSink::start_submission(port, "avg-loket@zorg.example", "geheim:123");
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), &ca_pem).unwrap();
    let mailer_for = |url: String| {
        let settings = test_settings(
            &app.database.url(),
            &[
                ("AVG_LOKET_MAIL_URL", url.as_str()),
                ("AVG_LOKET_MAIL_CA_FILE", ca_file.path().to_str().unwrap()),
            ],
        );
        Mailer::from_settings(&settings).unwrap()
    };

    let wrong = mailer_for(format!(
        "smtp://avg-loket%40zorg.example:fout@127.0.0.1:{port}?tls=required"
    ));
    assert_eq!(deliver_at(&app, &wrong, now).await.retried, 2);
    let queued = app.get("/api/v1/notifications?status=queued").await;
    let error = queued.body["items"][0]["last_error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("535"), "the server's refusal: {error}");
    assert!(sink.messages().is_empty());

    let right = mailer_for(format!(
        "smtp://avg-loket%40zorg.example:geheim%3A123@127.0.0.1:{port}?tls=required"
    ));
    let later = now + chrono::Duration::hours(1);
    assert_eq!(deliver_at(&app, &right, later).await.sent, 2);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert!(messages
        .iter()
        .all(|m| m.data.contains("Subject: Termijn verloopt")));

    // A plain server (no STARTTLS) is refused when TLS is required.
    let plain_port = free_port();
    let plain = SmtpSink::start(plain_port);
    let required = mailer_for(format!("smtp://127.0.0.1:{plain_port}?tls=required"));
    let r = assigned_request(&app, &people).await;
    let due = CAL.sub_working_days(date(&r["deadlines"]["response"]), 3);
    let then = at(&app, due, 0);
    sweep_at(&app, then).await;
    assert_eq!(deliver_at(&app, &required, then).await.retried, 1);
    assert!(plain.messages().is_empty(), "nothing sent in plain text");
    let queued = app.get("/api/v1/notifications?status=queued").await;
    let error = queued.body["items"][0]["last_error"].as_str().unwrap();
    assert!(error.contains("STARTTLS"), "{error}");
}

/// (stage, recipient, status) of the outbox's reminders about tasks, sorted.
async fn task_mails(app: &TestApp) -> Vec<(String, String, String)> {
    let response = app.get("/api/v1/notifications?per_page=500").await;
    assert_eq!(response.status, 200, "{}", response.text);
    let mut rows: Vec<(String, String, String)> = response.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["deadline"] == "task")
        .map(|n| {
            (
                n["stage"].as_str().unwrap().to_string(),
                n["recipient_id"].as_str().unwrap().to_string(),
                n["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[actix_web::test]
async fn a_task_owner_is_reminded_on_the_schedule_and_the_deputy_and_the_privacy_officer_when_late() {
    let app = spawn_app().await;
    let people = team(&app).await;
    let owner = app.create_user("caseworker", &["AMW"]).await;
    app.create_team("JGD").await;
    let deputy = app.create_user("caseworker", &["JGD"]).await;
    // The deputy reads their mail once a morning.
    let path = format!("/api/v1/users/{}/reminders", deputy.id);
    let chosen = app
        .post_json_with_method("PUT", &deputy.token, &path, &json!({"reminders": "daily_digest"}))
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.text);
    let system = json!({"code": "ECD", "name": "Cliëntdossier", "owner": owner.id, "deputy": deputy.id, "kinds": ["erasure"]});
    assert_eq!(app.post_json("/api/v1/systems", &system).await.status, 201);
    let request = app
        .assessed(
            &registration("erasure", &crate::helpers::today().to_string()),
            "known_client",
        )
        .await;
    app.act_ok(
        &request,
        "decide",
        &json!({"outcome": "granted", "grounds": [], "explanation": "Wij verwijderen de gegevens.", "communicated_on": crate::helpers::today().to_string()}),
    )
    .await;
    let tasks = app.get(&format!("/api/v1/requests/{request}/tasks")).await;
    let task = tasks.body["items"][0].clone();
    let due = date(&task["due"]);
    let (o, d, po) = (owner.id.clone(), deputy.id.clone(), people.officer.clone());
    let row = |stage: &str, who: &str, status: &str| (stage.to_string(), who.to_string(), status.to_string());

    // Nothing before the due-soon moment; then the owner, once.
    sweep_at(&app, at(&app, CAL.sub_working_days(due, 3), -1)).await;
    assert_eq!(task_mails(&app).await, []);
    let soon = at(&app, CAL.sub_working_days(due, 3), 0);
    // A dry run shows the task's reminder and writes nothing.
    let s = settings(&app);
    let planned = avg_loket::service::reminders::plan(
        &app.db,
        &Rules::from_settings(&s),
        &MailSettings::from_settings(&s),
        soon,
    )
    .await
    .unwrap();
    let to_owner: Vec<_> = planned
        .iter()
        .filter(|p| {
            p.deadline
                .is_some_and(|(kind, date)| kind.code() == "task" && date == due)
        })
        .collect();
    assert_eq!(to_owner.len(), 1, "{planned:?}");
    assert_eq!(to_owner[0].stage.code(), "due_soon");
    assert!(to_owner[0].reference.starts_with("AVG-"), "{planned:?}");
    assert_eq!(task_mails(&app).await, []);
    let report = sweep_at(&app, soon).await;
    assert!(report.tasks >= 1, "{report:?}");
    sweep_at(&app, soon + chrono::Duration::hours(2)).await;
    assert_eq!(task_mails(&app).await, [row("due_soon", &o, "queued")]);

    // Through a real SMTP server: the system, the reference, the due date, and
    // nothing about the person.
    let port = free_port();
    let sink = SmtpSink::start(port);
    let url = MailUrl::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap();
    let mailer = Mailer::from_url(&url).unwrap();
    deliver_at(&app, &mailer, soon).await;
    let messages = sink.messages();
    let email_of = |user: serde_json::Value| user["email"].as_str().unwrap().to_string();
    let owner_email = email_of(app.get(&format!("/api/v1/users/{}", owner.id)).await.body);
    let deputy_email = email_of(app.get(&format!("/api/v1/users/{}", deputy.id)).await.body);
    let reference = app.get(&format!("/api/v1/requests/{request}")).await.body["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let to_owner: Vec<_> = messages
        .iter()
        .filter(|m| m.to.iter().any(|to| to == &owner_email))
        .collect();
    assert_eq!(to_owner.len(), 1, "{messages:?}");
    let data = &to_owner[0].data;
    assert!(data.contains(&reference), "{data}");
    assert!(data.contains("Mijn taken"), "{data}");
    for private in ["Vries", "j@example.nl", "06-12345678", "D-10442", "verslag"] {
        assert!(!data.contains(private), "{private} in {data}");
    }

    // The day itself; then overdue to the owner and the deputy (held for the deputy's
    // digest); after five working days the privacy officer too.
    sweep_at(&app, at(&app, due, 0)).await;
    let late = at(&app, CAL.add_working_days(due, 1), 0);
    let report = sweep_at(&app, late).await;
    assert_eq!(report.digests, 1, "{report:?}");
    let mails = task_mails(&app).await;
    for expected in [
        row("due_today", &o, "queued"),
        row("overdue", &o, "queued"),
        row("overdue", &d, "digested"),
    ] {
        assert!(mails.contains(&expected), "{expected:?} in {mails:?}");
    }
    let (memory, sent) = Mailer::memory();
    deliver_at(&app, &memory, late).await;
    let digest = sent
        .lock()
        .unwrap()
        .iter()
        .find(|m| m.to == deputy_email)
        .cloned()
        .expect("the deputy's digest");
    assert!(digest.text.contains("Taak in Cliëntdossier"), "{}", digest.text);
    let owners = sent
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to == owner_email)
        .map(|m| m.subject.clone())
        .collect::<Vec<_>>();
    assert!(
        owners.contains(&format!(
            "Taak in Cliëntdossier: Termijn verlopen — {reference} (verwijdering)"
        )),
        "{owners:?}"
    );
    let escalated = at(&app, CAL.add_working_days(due, 5), 0);
    sweep_at(&app, escalated).await;
    assert!(task_mails(&app).await.contains(&row("escalation", &po, "queued")));

    // The owner closes the task: what was queued for it is cancelled and nothing
    // more comes.
    let closed = app
        .post_json_as(
            &owner.token,
            &format!("/api/v1/tasks/{}/actions/done", task["id"].as_str().unwrap()),
            &json!({"note": "Dossier verwijderd"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let before = task_mails(&app).await;
    assert!(
        before.iter().all(|(_, _, status)| status != "queued"),
        "{before:?}"
    );
    let next_week = at(&app, CAL.add_working_days(due, 12), 0);
    sweep_at(&app, next_week).await;
    assert_eq!(
        task_mails(&app).await.len(),
        before.len(),
        "no reminder after the task closed"
    );
}
