//! Upgrades: a register with the schema of the oldest migration set still supported
//! (the first version's: teams, requests with their audit trail, users and tokens,
//! the reminder outbox — migrations 000001-000004) is brought up to date by
//! `avg-loket migrate`, and every request, event and outbox row is intact and readable.
//!
//! The fixture is made by the migrations themselves: a register written by this
//! version is taken back to the first version's schema by the migrations' own down
//! steps (which drop what came later and keep the rest), then upgraded.

use serde_json::{json, Value};

use crate::faults::{run, Serve};
use crate::helpers::{spawn_app, TestApp};

/// The first version's migrations (teams, requests, users, notifications).
const OLDEST_SET: usize = 4;

fn ago(days: i64) -> String {
    (crate::helpers::today() - chrono::Duration::days(days)).to_string()
}

/// Requests in every state the first version knew, with reminders in the outbox.
async fn a_years_work(app: &TestApp) -> Vec<String> {
    let kinds = ["access", "rectification", "erasure", "portability", "objection"];
    let mut ids = Vec::new();
    for i in 0..30_i64 {
        let mut body = crate::helpers::registration(kinds[i as usize % kinds.len()], &ago(60 - i * 2));
        body["team"] = if i % 3 == 0 { "JGD" } else { "AMW" }.into();
        let id = app.register(&body).await["id"].as_str().unwrap().to_string();
        let team = body["team"].as_str().unwrap().to_string();
        let worker = app.worker(&team);
        match i % 6 {
            0 => {}
            1 => {
                app.act_ok(&id, "assign", &json!({"assignee": worker.id})).await;
                app.act_ok(
                    &id,
                    "start_assessment",
                    &json!({"identity_verified_by": "known_client"}),
                )
                .await;
            }
            2 => {
                app.act_ok(&id, "assign", &json!({"assignee": worker.id})).await;
                app.act_ok(
                    &id,
                    "start_assessment",
                    &json!({"identity_verified_by": "id_document"}),
                )
                .await;
                let body = json!({"outcome": "refused", "grounds": ["manifestly_unfounded"], "explanation": "derde keer", "communicated_on": ago(60 - i * 2 - 1)});
                app.act_ok(&id, "decide", &body).await;
            }
            3 if body["kind"] == "access" || body["kind"] == "portability" => {
                app.act_ok(&id, "assign", &json!({"assignee": worker.id})).await;
                app.act_ok(
                    &id,
                    "start_assessment",
                    &json!({"identity_verified_by": "known_client"}),
                )
                .await;
                let on = ago(60 - i * 2 - 1);
                app.act_ok(
                    &id,
                    "decide",
                    &json!({"outcome": "granted", "communicated_on": on}),
                )
                .await;
                app.act_ok(
                    &id,
                    "complete",
                    &json!({"summary": "afschrift verstuurd", "completed_on": on}),
                )
                .await;
            }
            4 => {
                app.act_ok(
                    &id,
                    "withdraw",
                    &json!({"reason": "belde af", "on": ago(60 - i * 2)}),
                )
                .await;
            }
            _ => {
                app.act_ok(&id, "assign", &json!({"assignee": worker.id})).await;
                app.act_ok(
                    &id,
                    "suspend",
                    &json!({"reason": "identity", "asked_on": ago(60 - i * 2)}),
                )
                .await;
            }
        }
        ids.push(id);
    }
    // The outbox: reminders sent (with their Message-ID and moment) and still queued.
    let now = avg_loket::clock::now();
    crate::helpers::queue_reminders(&app.db, &app.admin.id, 12, now, "sent");
    let settings = crate::helpers::test_settings(&app.database.url(), &[]);
    let (mailer, _) = avg_loket::mail::Mailer::memory();
    let sent = crate::helpers::deliver_outbox(&app.db, &settings, &mailer, move || now).await;
    assert_eq!(sent.sent, 12);
    crate::helpers::queue_reminders(
        &app.db,
        &app.admin.id,
        8,
        now + chrono::Duration::hours(20),
        "queued",
    );
    ids
}

/// What the API says of the register: each request, its events, the outbox, the
/// dashboard and this year's annual report.
async fn what_the_api_says(base: &str, token: &str, ids: &[String]) -> Vec<(String, Value)> {
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let answer = http.get(&url).bearer_auth(token).send().await.unwrap();
            assert_eq!(answer.status(), 200, "{url}");
            answer.json::<Value>().await.unwrap()
        }
    };
    let mut said = Vec::new();
    for id in ids {
        said.push((
            format!("request {id}"),
            get(format!("/api/v1/requests/{id}")).await,
        ));
        said.push((
            format!("events {id}"),
            get(format!("/api/v1/requests/{id}/events")).await,
        ));
    }
    let mut outbox = get("/api/v1/notifications?per_page=500".into()).await;
    if let Some(items) = outbox["items"].as_array_mut() {
        items.sort_by_key(|m| m["id"].as_str().unwrap_or_default().to_string());
    }
    said.push(("outbox".into(), outbox));
    let mut dashboard = get("/api/v1/dashboard".into()).await;
    dashboard.as_object_mut().unwrap().remove("generated_at");
    said.push(("dashboard".into(), dashboard));
    let year = crate::helpers::today().format("%Y").to_string();
    said.push((
        "annual report".into(),
        get(format!("/api/v1/reports/annual?year={year}")).await,
    ));
    said
}

#[actix_web::test]
async fn a_register_of_the_oldest_supported_schema_upgrades_with_every_request_event_and_mail_intact() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let ids = a_years_work(&app).await;
    let url = app.database.url();
    let token = app.admin.token.clone();

    let before = {
        let serve = Serve::start(&url, &[("AVG_LOKET_SWEEP_INTERVAL_SECONDS", "3600")]).await;
        what_the_api_says(&serve.base, &token, &ids).await
    };

    // Back to the first version's schema, by the down steps of every later migration.
    let reverted = {
        use diesel_migrations::MigrationHarness;
        let db =
            avg_loket::storage::Db::connect(&avg_loket::configuration::DatabaseUrl::parse(&url).unwrap(), 1)
                .unwrap();
        let mut conn = db.get().unwrap();
        use avg_loket::storage::{DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
        let mut reverted = Vec::new();
        loop {
            let (applied, undone) = match &mut *conn {
                DbConnection::Postgresql(pg) => (
                    pg.applied_migrations().unwrap().len(),
                    (pg.applied_migrations().unwrap().len() > OLDEST_SET)
                        .then(|| pg.revert_last_migration(POSTGRES_MIGRATIONS).unwrap().to_string()),
                ),
                DbConnection::Sqlite(lite) => (
                    lite.applied_migrations().unwrap().len(),
                    (lite.applied_migrations().unwrap().len() > OLDEST_SET)
                        .then(|| lite.revert_last_migration(SQLITE_MIGRATIONS).unwrap().to_string()),
                ),
            };
            match undone {
                Some(version) => reverted.push(version),
                None => {
                    assert_eq!(applied, OLDEST_SET);
                    break;
                }
            }
        }
        reverted
    };
    // Every migration after the oldest supported set was undone (counted from the
    // embedded set, so that a new migration needs no change here).
    let all = {
        use diesel::migration::MigrationSource;
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&avg_loket::storage::SQLITE_MIGRATIONS)
            .unwrap()
            .len()
    };
    assert_eq!(reverted.len(), all - OLDEST_SET, "{reverted:?}");
    {
        // The first version's register indeed: no letters, no sessions, no search keys.
        use diesel::RunQueryDsl;
        let db =
            avg_loket::storage::Db::connect(&avg_loket::configuration::DatabaseUrl::parse(&url).unwrap(), 1)
                .unwrap();
        let mut conn = db.get().unwrap();
        assert!(diesel::sql_query("SELECT 1 FROM letters")
            .execute(&mut *conn)
            .is_err());
        assert!(diesel::sql_query("SELECT decision_days FROM requests")
            .execute(&mut *conn)
            .is_err());
    }

    let migrated = run(&url, &["migrate"]);
    assert!(
        migrated.contains("applied") || migrated.contains("migration"),
        "{migrated}"
    );
    let verified = run(&url, &["audit", "verify"]);
    assert!(verified.contains("intact"), "{verified}");

    let after = {
        let serve = Serve::start(&url, &[("AVG_LOKET_SWEEP_INTERVAL_SECONDS", "3600")]).await;
        what_the_api_says(&serve.base, &token, &ids).await
    };
    assert_eq!(before.len(), after.len());
    let mut differences = Vec::new();
    for ((what, was), (_, is)) in before.iter().zip(&after) {
        if was != is {
            differences.push(format!("{what}:\n  before {was}\n  after  {is}"));
        }
    }
    let events: usize = before
        .iter()
        .filter(|(what, _)| what.starts_with("events"))
        .map(|(_, e)| e["items"].as_array().map_or(0, Vec::len))
        .sum();
    println!(
        "upgrade from the oldest supported schema ({} migrations undone and redone): {} requests, {} events, {} outbox rows; {} differences; audit verify intact",
        reverted.len(),
        ids.len(),
        events,
        before.iter().find(|(w, _)| w == "outbox").unwrap().1["total"],
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
