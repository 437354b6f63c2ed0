//! Each kind driven through its lifecycle to each terminal state, over HTTP.

use std::process::Command;

use serde_json::{json, Value};

use crate::cli::BIN;
use crate::helpers::{registration, spawn_app, TestApp};

fn id(request: &Value) -> String {
    request["id"].as_str().unwrap().to_string()
}

/// Received 2 November 2026; paused 4-9 November (5 days); extended on 10 November.
async fn assess_with_pause_and_extension(app: &TestApp, kind: &str) -> Value {
    let r = app.register(&registration(kind, "2026-11-02")).await;
    let id = id(&r);
    assert_eq!(
        r["deadlines"],
        json!({"response": "2026-11-16", "execution": "2026-11-30", "legal": "2026-12-02"})
    );
    app.act_ok(&id, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    let r = app
        .act_ok(
            &id,
            "start_assessment",
            &json!({"identity_verified_by": "id_document", "note": "paspoort gezien"}),
        )
        .await;
    assert_eq!(r["status"], "in_assessment");
    let r = app
        .act_ok(
            &id,
            "suspend",
            &json!({"reason": "clarification", "asked_on": "2026-11-04"}),
        )
        .await;
    assert_eq!(r["status"], "awaiting_requester");
    assert_eq!(
        r["suspension"],
        json!({"reason": "clarification", "asked_on": "2026-11-04"})
    );
    assert_eq!(
        r["allowed_actions"],
        json!(["assign", "resume", "withdraw", "correct", "transfer"])
    );
    let r = app
        .act_ok(&id, "resume", &json!({"received_on": "2026-11-09"}))
        .await;
    assert_eq!(r["status"], "in_assessment");
    assert_eq!(r["suspended_days"], 5);
    // 16 Nov + 5 = Saturday 21 Nov → Monday 23; 30 Nov + 5 = Sat 5 Dec → Mon 7; 2 Dec + 5 = 7 Dec.
    assert_eq!(
        r["deadlines"],
        json!({"response": "2026-11-23", "execution": "2026-12-07", "legal": "2026-12-07"})
    );
    let r = app
        .act_ok(
            &id,
            "extend",
            &json!({"reason": "omvangrijk dossier", "informed_on": "2026-11-10"}),
        )
        .await;
    // Three months from receipt (2 Feb 2027) + 5 paused days = Sunday 7 Feb → Monday 8 Feb.
    assert_eq!(
        r["deadlines"],
        json!({"response": "2026-11-23", "execution": "2027-02-08", "legal": "2027-02-08"})
    );
    assert_eq!(r["extension"]["informed_on"], "2026-11-10");
    assert!(!r["allowed_actions"]
        .as_array()
        .unwrap()
        .contains(&json!("extend")));
    r
}

const STEPS: [&str; 6] = [
    "register",
    "assign",
    "start_assessment",
    "suspend",
    "resume",
    "extend",
];

fn expected_events(rest: &[&str]) -> Vec<String> {
    STEPS.iter().chain(rest).map(|s| s.to_string()).collect()
}

fn complete_body(kind: &str) -> Value {
    match kind {
        "rectification" | "erasure" | "restriction" => {
            json!({"summary": "uitgevoerd", "recipients_informed": ["Gemeente Utrecht"], "completed_on": "2026-11-20"})
        }
        _ => json!({"summary": "afschrift verstuurd", "completed_on": "2026-11-20"}),
    }
}

fn refusal_ground(kind: &str) -> &'static str {
    match kind {
        "access" => "rights_of_others",
        "rectification" => "data_accurate",
        "erasure" => "legal_retention_obligation",
        "restriction" => "restriction_no_ground",
        "portability" => "portability_legal_basis",
        _ => "compelling_legitimate_grounds",
    }
}

const KINDS: [&str; 6] = [
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
];

#[actix_web::test]
async fn every_kind_can_be_completed() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    for kind in KINDS {
        let r = assess_with_pause_and_extension(&app, kind).await;
        let id = id(&r);
        let r = app
            .act_ok(
                &id,
                "decide",
                &json!({"outcome": "granted", "communicated_on": "2026-11-12"}),
            )
            .await;
        assert_eq!(r["status"], "in_execution", "{kind}");
        assert_eq!(r["decision"]["outcome"], "granted");
        let r = app.act_ok(&id, "complete", &complete_body(kind)).await;
        assert_eq!(r["status"], "completed", "{kind}");
        assert_eq!(r["completion"]["completed_on"], "2026-11-20");
        assert_eq!(
            r["allowed_actions"],
            json!(["correct"]),
            "a closed request: only the requester's contact details"
        );
        assert_eq!(r["overdue"], false);
        assert_eq!(r["version"], 8);
        assert_eq!(
            app.event_actions(&id).await,
            expected_events(&["decide", "complete"]),
            "{kind}"
        );
    }
}

#[actix_web::test]
async fn every_kind_can_be_refused_with_a_ground() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    for kind in KINDS {
        let r = assess_with_pause_and_extension(&app, kind).await;
        let id = id(&r);
        let ground = refusal_ground(kind);
        let r = app
            .act_ok(
                &id,
                "decide",
                &json!({"outcome": "refused", "grounds": [ground], "explanation": "zie brief", "communicated_on": "2026-11-12"}),
            )
            .await;
        assert_eq!(r["status"], "refused", "{kind}");
        assert_eq!(r["decision"]["grounds"], json!([ground]));
        assert_eq!(r["decision"]["explanation"], "zie brief");
        let events = app.get(&format!("/api/v1/requests/{id}/events")).await;
        let decide = events.body["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(decide["action"], "decide");
        assert_eq!(decide["from_status"], "in_assessment");
        assert_eq!(decide["to_status"], "refused");
        assert_eq!(decide["data"]["grounds"], json!([ground]));
        assert!(
            !decide.to_string().contains("zie brief"),
            "no free text in events"
        );
        assert_eq!(app.event_actions(&id).await, expected_events(&["decide"]));
    }
}

#[actix_web::test]
async fn every_kind_can_be_withdrawn_also_while_paused() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    for kind in KINDS {
        let r = app.register(&registration(kind, "2026-11-02")).await;
        let id = id(&r);
        app.act_ok(
            &id,
            "suspend",
            &json!({"reason": "identity", "asked_on": "2026-11-03"}),
        )
        .await;
        let r = app
            .act_ok(
                &id,
                "withdraw",
                &json!({"reason": "geen reactie op verzoek om identificatie", "on": "2026-11-24"}),
            )
            .await;
        assert_eq!(r["status"], "withdrawn", "{kind}");
        assert_eq!(r["withdrawal"]["on"], "2026-11-24");
        assert_eq!(r["suspended_days"], 21, "the pause ends with the withdrawal");
        assert_eq!(app.event_actions(&id).await, ["register", "suspend", "withdraw"]);
    }
}

#[actix_web::test]
async fn a_direct_marketing_objection_cannot_be_refused() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let mut body = registration("objection", "2026-11-02");
    body["direct_marketing"] = true.into();
    let r = app.register(&body).await;
    let id = id(&r);
    app.act_ok(&id, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    app.act_ok(
        &id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    let refused = app
        .act(
            &id,
            "decide",
            &json!({"outcome": "refused", "grounds": ["compelling_legitimate_grounds"], "explanation": "x", "communicated_on": "2026-11-05"}),
        )
        .await;
    refused.assert_problem(422);
    assert_eq!(refused.error_fields(), ["outcome"]);
    let r = app
        .act_ok(
            &id,
            "decide",
            &json!({"outcome": "granted", "communicated_on": "2026-11-05"}),
        )
        .await;
    assert_eq!(r["status"], "in_execution");
}

#[actix_web::test]
async fn an_action_not_allowed_now_is_409_with_the_allowed_actions() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let r = app.register(&registration("access", "2026-11-02")).await;
    let id = id(&r);
    let response = app
        .act(
            &id,
            "decide",
            &json!({"outcome": "granted", "communicated_on": "2026-11-05"}),
        )
        .await;
    response.assert_problem(409);
    assert_eq!(
        response.body["allowed_actions"],
        json!(["assign", "suspend", "extend", "withdraw", "correct", "transfer"])
    );
    assert_eq!(response.body["request_status"], "received");
    let response = app
        .act(&id, "start_assessment", &json!({"identity_verified_by": "digid"}))
        .await;
    response.assert_problem(409);
    assert!(response.body["detail"].as_str().unwrap().contains("assign"));
    app.act(&id, "reopen", &json!({})).await.assert_problem(404);
    assert_eq!(app.event_actions(&id).await, ["register"], "nothing changed");
}

#[actix_web::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let r = app.register(&registration("access", "2026-11-02")).await;
    let id = id(&r);
    let path = format!("/api/v1/requests/{id}/actions/assign");
    let ok = app
        .post_json_with(
            &path,
            &json!({"assignee": app.worker("AMW").id}),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.header("etag").as_deref(), Some("\"2\""));
    let stale = app
        .post_json_with(
            &path,
            &json!({"assignee": app.create_user("caseworker", &["AMW"]).await.id}),
            &[("if-match", "\"1\"")],
        )
        .await;
    stale.assert_problem(412);
    assert_eq!(stale.body["current_version"], 2);
    let now = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(now.body["assignee"], app.worker("AMW").id);
    assert_eq!(now.body["version"], 2);
    assert_eq!(app.event_actions(&id).await, ["register", "assign"]);
    let bad = app
        .post_json_with(
            &path,
            &json!({"assignee": app.worker("AMW").id}),
            &[("if-match", "yesterday")],
        )
        .await;
    bad.assert_problem(400);
}

#[actix_web::test]
async fn invalid_action_input_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let r = app.register(&registration("erasure", "2026-11-02")).await;
    let id = id(&r);
    app.act_ok(&id, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    app.act_ok(
        &id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    let cases = [
        (
            "decide",
            json!({"outcome": "refused", "grounds": ["data_accurate"], "explanation": "x", "communicated_on": "2026-11-05"}),
            vec!["grounds[0]"],
        ),
        (
            "decide",
            json!({"outcome": "refused", "grounds": [], "communicated_on": "2026-11-05"}),
            vec!["explanation", "grounds"],
        ),
        (
            "decide",
            json!({"outcome": "maybe", "communicated_on": "2026-11-05"}),
            vec!["outcome"],
        ),
        (
            "decide",
            json!({"outcome": "granted", "communicated_on": "2026-11-01"}),
            vec!["communicated_on"],
        ),
        (
            "suspend",
            json!({"reason": "holiday", "asked_on": "2026-11-05"}),
            vec!["reason"],
        ),
        (
            "extend",
            json!({"reason": "x", "informed_on": "2026-11-05", "until": "2027-06-01"}),
            vec!["until"],
        ),
        ("withdraw", json!({"on": "2026-11-05"}), vec!["reason"]),
        ("assign", json!({"assignee": "bob"}), vec!["assignee"]),
        (
            "assign",
            json!({"assignee": app.worker("AMW").id, "team": "AMW"}),
            vec!["team"],
        ),
    ];
    for (action, body, fields) in cases {
        let response = app.act(&id, action, &body).await;
        response.assert_problem(422);
        let mut got = response.error_fields();
        got.sort();
        assert_eq!(got, fields, "{action} {body}");
    }
    let now = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(now.body["version"], 3);
    assert_eq!(now.body["status"], "in_assessment");
    // Completing an erasure requires the recipients (AVG 19).
    app.act_ok(
        &id,
        "decide",
        &json!({"outcome": "granted", "communicated_on": "2026-11-05"}),
    )
    .await;
    let response = app.act(&id, "complete", &json!({"summary": "gewist"})).await;
    response.assert_problem(422);
    assert_eq!(response.error_fields(), ["recipients_informed"]);
    let r = app
        .act_ok(
            &id,
            "complete",
            &json!({"summary": "gewist", "recipients_note": "geen ontvangers"}),
        )
        .await;
    assert_eq!(r["status"], "completed");
}

/// Runs `avg-loket audit verify` against the test's database.
fn audit_verify(app: &TestApp) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .env("AVG_LOKET_DATABASE_URL", app.database.url())
        .args(["audit", "verify"])
        .output()
        .unwrap()
}

fn tamper(app: &TestApp, sql: &str) {
    use diesel::connection::SimpleConnection;
    let mut conn = app.db.get().unwrap();
    let unlock = match &*conn {
        avg_loket::storage::DbConnection::Sqlite(_) => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
        }
        avg_loket::storage::DbConnection::Postgresql(_) => {
            "DROP TRIGGER audit_events_no_update ON audit_events;"
        }
    };
    conn.batch_execute(unlock).unwrap();
    conn.batch_execute(sql).unwrap();
}

async fn app_with_history() -> TestApp {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    for kind in ["access", "erasure"] {
        assess_with_pause_and_extension(&app, kind).await;
    }
    app
}

#[actix_web::test]
async fn audit_verify_passes_on_an_intact_trail() {
    let app = app_with_history().await;
    let output = audit_verify(&app);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("17 events verified"));
}

#[actix_web::test]
async fn the_audit_trail_refuses_updates_and_deletes() {
    let app = app_with_history().await;
    use diesel::connection::SimpleConnection;
    let mut conn = app.db.get().unwrap();
    assert!(conn
        .batch_execute("UPDATE audit_events SET actor = 'x' WHERE seq = 1")
        .is_err());
    assert!(conn
        .batch_execute("DELETE FROM audit_events WHERE seq = 1")
        .is_err());
}

#[actix_web::test]
async fn tampering_with_any_audit_row_is_detected() {
    let cases = [
        (
            "UPDATE audit_events SET actor = 'iemand anders' WHERE seq = 4",
            "event 4",
        ),
        ("UPDATE audit_events SET data = '{}' WHERE seq = 7", "event 7"),
        (
            "UPDATE audit_events SET occurred_at = '2020-01-01 00:00:00' WHERE seq = 2",
            "event 2",
        ),
        (
            "UPDATE audit_events SET to_status = 'completed' WHERE seq = 12",
            "event 12",
        ),
        ("DELETE FROM audit_events WHERE seq = 5", "event 6"),
        ("DELETE FROM audit_events WHERE seq = 17", "event 17"),
        (
            "UPDATE audit_events SET hash = prev_hash WHERE seq = 3",
            "event 3",
        ),
    ];
    for (sql, named) in cases {
        let app = app_with_history().await;
        tamper(&app, sql);
        let output = audit_verify(&app);
        assert!(!output.status.success(), "{sql}: verify passed");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(named), "{sql}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
}
