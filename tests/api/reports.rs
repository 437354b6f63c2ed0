//! The annual report: figures for funders, with no count from 1 to 4 anywhere.

use serde_json::{json, Value};

use crate::helpers::{registration, spawn_app, TestApp};

async fn register(app: &TestApp, kind: &str, team: &str, received: &str) -> String {
    let mut body = registration(kind, received);
    body["team"] = team.into();
    app.register(&body).await["id"].as_str().unwrap().to_string()
}

async fn assess(app: &TestApp, id: &str, team: &str) {
    app.act_ok(id, "assign", &json!({"assignee": app.worker(team).id}))
        .await;
    app.act_ok(
        id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
}

/// Every count in the report (not shares or medians).
fn counts(report: &Value) -> Vec<Value> {
    let mut found = vec![report["requests"].clone()];
    for dimension in ["by_kind", "by_team"] {
        for entry in report[dimension].as_object().unwrap().values() {
            found.push(entry["requests"].clone());
        }
    }
    found.extend(report["by_outcome"].as_object().unwrap().values().cloned());
    found
}

#[actix_web::test]
async fn the_annual_report_counts_and_suppresses_small_cells() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    for _ in 0..7 {
        let id = register(&app, "access", "AMW", "2025-03-03").await;
        assess(&app, &id, "AMW").await;
        app.act_ok(
            &id,
            "decide",
            &json!({"outcome": "granted", "communicated_on": "2025-03-10"}),
        )
        .await;
        app.act_ok(
            &id,
            "complete",
            &json!({"summary": "verstuurd", "completed_on": "2025-03-20"}),
        )
        .await;
    }
    for _ in 0..3 {
        let id = register(&app, "erasure", "JGD", "2025-06-02").await;
        assess(&app, &id, "JGD").await;
        let refusal = json!({"outcome": "refused", "grounds": ["legal_retention_obligation"], "explanation": "bewaarplicht", "communicated_on": "2025-06-05"});
        app.act_ok(&id, "decide", &refusal).await;
    }
    let id = register(&app, "objection", "AMW", "2025-09-01").await;
    app.act_ok(
        &id,
        "withdraw",
        &json!({"reason": "ingetrokken", "on": "2025-09-02"}),
    )
    .await;
    register(&app, "access", "AMW", "2026-01-05").await; // another year

    let report = app.get("/api/v1/reports/annual?year=2025").await;
    assert_eq!(report.status, 200, "{}", report.text);
    let r = &report.body;
    assert_eq!(r["requests"], 11);
    assert_eq!(r["by_kind"]["access"]["requests"], 7);
    assert_eq!(r["by_kind"]["access"]["decided_on_time_share"], 1.0);
    assert_eq!(r["by_kind"]["access"]["completed_on_time_share"], 1.0);
    assert_eq!(r["by_kind"]["access"]["median_days_to_decision"], 7.0);
    assert_eq!(r["by_kind"]["erasure"]["requests"], "<5");
    assert_eq!(
        r["by_kind"]["erasure"]["decided_on_time_share"],
        Value::Null,
        "fewer than 5"
    );
    assert_eq!(r["by_kind"]["objection"]["requests"], "<5");
    assert_eq!(r["by_kind"]["portability"]["requests"], 0);
    assert_eq!(r["by_team"]["JGD"]["requests"], "<5");
    assert_eq!(r["by_team"]["AMW"]["requests"], "<5", "else 11 - 8 reveals JGD");
    assert_eq!(r["by_outcome"]["granted"], 7);
    assert_eq!(r["by_outcome"]["refused"], "<5");
    assert_eq!(r["by_outcome"]["withdrawn"], "<5");
    for count in counts(r) {
        assert!(
            !(count.is_i64() && (1..=4).contains(&count.as_i64().unwrap())),
            "a small count in {r}"
        );
    }
    assert!(!report.text.contains("bewaarplicht") && !report.text.contains("de Vries"));

    let csv = app
        .client
        .get(app.url("/api/v1/reports/annual?year=2025"))
        .insert_header(("authorization", format!("Bearer {}", app.admin.token)))
        .insert_header(("accept", "text/csv"))
        .send()
        .await
        .unwrap();
    let csv = crate::helpers::read(csv).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "dimension,group,requests,decided_on_time_share,completed_on_time_share,median_days_to_decision"
    );
    assert!(lines.contains(&"kind,access,7,1.0,1.0,7.0"), "{}", csv.text);
    assert!(lines.contains(&"team,JGD,<5,,,"), "{}", csv.text);
    for line in &lines[1..] {
        let count = line.split(',').nth(2).unwrap();
        assert!(!["1", "2", "3", "4"].contains(&count), "{line}");
    }

    app.get("/api/v1/reports/annual").await.assert_problem(422);
    let worker = app.worker("AMW");
    app.get_as(&worker.token, "/api/v1/reports/annual?year=2025")
        .await
        .assert_problem(403);
}
