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
    assert_eq!(
        r["by_team"]["AMW"]["requests"], "×",
        "withheld (else 11 - 8 reveals JGD), and not called small: it is 8"
    );
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
        .get_accepting("/api/v1/reports/annual?year=2025", "text/csv")
        .await;
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

/// Is the published `cell` true of `count`? A number must be it, `<5` must be right;
/// `×` claims nothing.
fn true_of(cell: &Value, count: i64) -> bool {
    match cell {
        Value::Number(n) => n.as_i64() == Some(count),
        Value::String(s) if s == "<5" => (1..5).contains(&count),
        Value::String(s) if s == "×" => true,
        _ => false,
    }
}

#[actix_web::test]
async fn a_withheld_cell_is_marked_and_never_called_small_in_json_csv_or_on_the_page() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    // Six requests: five open ones of AMW, one of JGD that is refused.
    for _ in 0..5 {
        register(&app, "access", "AMW", "2025-04-01").await;
    }
    let refused = register(&app, "access", "JGD", "2025-04-01").await;
    assess(&app, &refused, "JGD").await;
    app.act_ok(
        &refused,
        "decide",
        &json!({"outcome": "refused", "grounds": ["manifestly_unfounded"], "explanation": "x", "communicated_on": "2025-04-03"}),
    )
    .await;
    let truth: [(&str, &str, i64); 5] = [
        ("by_team", "AMW", 5),
        ("by_team", "JGD", 1),
        ("by_outcome", "refused", 1),
        ("by_outcome", "open", 5),
        ("by_kind", "access", 6),
    ];

    let json = app.get("/api/v1/reports/annual?year=2025").await.body;
    assert_eq!(json["requests"], 6);
    for (dimension, group, count) in truth {
        let cell = match dimension {
            "by_outcome" => json[dimension][group].clone(),
            _ => json[dimension][group]["requests"].clone(),
        };
        assert!(
            true_of(&cell, count),
            "JSON {dimension} {group}: {cell} for {count}"
        );
    }
    assert_eq!(json["by_team"]["AMW"]["requests"], "×");
    assert_eq!(json["by_outcome"]["open"], "×");
    assert!(
        json["note"].as_str().unwrap().contains("×"),
        "the note explains the mark"
    );

    let csv = crate::helpers::read(
        app.client
            .get(app.url("/api/v1/reports/annual?year=2025"))
            .insert_header(("authorization", format!("Bearer {}", app.admin.token)))
            .insert_header(("accept", "text/csv"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    for (dimension, group, count) in truth {
        let kind = dimension.trim_start_matches("by_");
        let line = csv
            .text
            .lines()
            .find(|l| l.starts_with(&format!("{kind},{group},")))
            .unwrap_or_else(|| panic!("{kind},{group} in {}", csv.text));
        let cell = line.split(',').nth(2).unwrap();
        let cell = cell.parse::<i64>().map(Value::from).unwrap_or(Value::from(cell));
        assert!(true_of(&cell, count), "CSV {line} for {count}");
    }

    let session = crate::pages::sign_in(&app, &app.admin.token).await;
    let page = crate::pages::get(&app, "/reports/annual?jaar=2025", &[&session]).await;
    for (name, count) in [("AMW", 5), ("JGD", 1), ("Afgewezen", 1), ("Nog open", 5)] {
        let row = format!("<th scope=\"row\">{name}</th><td>");
        let at = page
            .text
            .find(&row)
            .unwrap_or_else(|| panic!("{row} on {}", page.text))
            + row.len();
        let shown = page.text[at..]
            .split("</td>")
            .next()
            .unwrap()
            .replace("&#60;", "<");
        let cell = shown
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::from(shown.clone()));
        assert!(true_of(&cell, count), "page {name}: {shown} for {count}");
    }
    crate::pages::shows(&page, "×");
    crate::pages::shows(&page, "niet klein");
}
