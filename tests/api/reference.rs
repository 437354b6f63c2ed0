//! Refusal grounds, the deadline calculator and the holidays, over HTTP and the CLI.

use std::process::Command;

use serde_json::json;

use crate::cli::BIN;
use crate::helpers::spawn_app;

/// The worked examples of docs/deadlines.md, with the answer on each calendar.
const EXAMPLES: &[(&str, &str, &str, &str, &str)] = &[
    // received, period, paused days, gdpr-nl, atw
    ("2026-03-05", "months=1", "0", "2026-04-07", "2026-04-07"),
    ("2026-08-31", "months=1", "0", "2026-09-30", "2026-09-30"),
    ("2024-01-31", "months=1", "0", "2024-02-29", "2024-02-29"),
    ("2026-05-11", "days=14", "0", "2026-05-26", "2026-05-26"),
    ("2026-12-04", "days=28", "0", "2027-01-04", "2027-01-04"),
    ("2026-03-05", "months=1", "4", "2026-04-09", "2026-04-09"),
    // Where the calendars differ: Good Friday 2026 and the decree day of 15 May 2026.
    ("2026-03-06", "days=28", "0", "2026-04-03", "2026-04-07"),
    ("2026-05-01", "days=14", "0", "2026-05-15", "2026-05-18"),
];

#[actix_web::test]
async fn the_specification_examples_through_the_http_calculator() {
    let app = spawn_app().await;
    for (received, period, paused, gdpr_nl, atw) in EXAMPLES {
        for (calendar, expected) in [("gdpr-nl", gdpr_nl), ("atw", atw)] {
            let response = app
                .get(&format!(
                    "/api/v1/calendar/deadline?received={received}&{period}&paused_days={paused}&calendar={calendar}"
                ))
                .await;
            assert_eq!(response.status, 200, "{}", response.text);
            assert_eq!(
                response.body["deadline"], *expected,
                "{received} {period} {paused} {calendar}"
            );
            assert_eq!(response.body["calendar"], calendar);
        }
    }
    // The configured calendar (gdpr-nl by default) applies when none is named.
    let response = app
        .get("/api/v1/calendar/deadline?received=2026-03-06&days=28")
        .await;
    assert_eq!(response.body["deadline"], "2026-04-03");
}

#[test]
fn the_specification_examples_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    for (received, period, paused, gdpr_nl, atw) in EXAMPLES {
        let (unit, n) = period.split_once('=').unwrap();
        for (calendar, expected) in [("gdpr-nl", gdpr_nl), ("atw", atw)] {
            let output = Command::new(BIN)
                .current_dir(dir.path())
                .env_clear()
                .args([
                    "deadline",
                    "--received",
                    received,
                    &format!("--{unit}"),
                    n,
                    "--paused-days",
                    paused,
                ])
                .args(["--calendar", calendar])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&output.stdout).trim(),
                *expected,
                "{received} {period} {calendar}"
            );
        }
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "deadline touches no database"
    );
}

#[test]
fn the_cli_calculator_rejects_bad_input_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["deadline", "--received", "2026-13-01", "--days", "14"],
        vec!["deadline", "--received", "2026-11-01"],
        vec![
            "deadline",
            "--received",
            "2026-11-01",
            "--days",
            "14",
            "--months",
            "1",
        ],
        vec![
            "deadline",
            "--received",
            "2026-11-01",
            "--days",
            "14",
            "--calendar",
            "us",
        ],
    ] {
        let output = Command::new(BIN)
            .current_dir(dir.path())
            .env_clear()
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[actix_web::test]
async fn the_calculator_names_each_bad_parameter() {
    let app = spawn_app().await;
    let cases = [
        ("received=2026-02-30&days=14", "received"),
        ("days=14", "received"),
        ("received=2026-11-01", "days"),
        ("received=2026-11-01&days=14&months=1", "months"),
        ("received=2026-11-01&days=0", "days"),
        ("received=2026-11-01&days=14&calendar=us", "calendar"),
        ("received=2026-11-01&days=14&paused=3", "paused"),
    ];
    for (query, field) in cases {
        let response = app.get(&format!("/api/v1/calendar/deadline?{query}")).await;
        response.assert_problem(422);
        assert!(
            response.error_fields().contains(&field.to_string()),
            "{query}: {}",
            response.text
        );
    }
}

#[actix_web::test]
async fn holidays_have_dutch_names() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/calendar/holidays?year=2026").await;
    assert_eq!(response.status, 200);
    let items = response.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    assert_eq!(
        items[0],
        json!({"date": "2026-01-01", "weekday": "thursday", "name_nl": "Nieuwjaarsdag", "name_en": "New Year's Day"})
    );
    assert!(items
        .iter()
        .any(|h| h["date"] == "2026-04-27" && h["name_nl"] == "Koningsdag"));
    let atw = app.get("/api/v1/calendar/holidays?year=2026&calendar=atw").await;
    let dates: Vec<_> = atw.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].clone())
        .collect();
    for day in ["2026-01-02", "2026-04-03", "2026-05-15"] {
        assert!(dates.contains(&json!(day)), "{day} missing from atw");
    }
    app.get("/api/v1/calendar/holidays").await.assert_problem(422);
    app.get("/api/v1/calendar/holidays?year=1999")
        .await
        .assert_problem(422);
}

#[actix_web::test]
async fn the_refusal_ground_catalogue() {
    let app = spawn_app().await;
    let all = app.get("/api/v1/refusal-grounds").await;
    assert_eq!(all.status, 200);
    let items = all.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    let claims = items.iter().find(|g| g["code"] == "legal_claims").unwrap();
    assert_eq!(
        claims["label_nl"],
        "Instelling, uitoefening of onderbouwing van een rechtsvordering"
    );
    assert_eq!(
        claims["label_en"],
        "Establishment, exercise or defence of legal claims"
    );
    assert_eq!(claims["reference"], "AVG 17(3)(e), 18(2), 21(1)");
    assert_eq!(claims["kinds"], json!(["erasure", "restriction", "objection"]));

    let portability = app.get("/api/v1/refusal-grounds?kind=portability").await;
    let codes: Vec<_> = portability.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].clone())
        .collect();
    assert_eq!(codes.len(), 10, "7 for all kinds + 3 for portability");
    assert!(codes.contains(&json!("portability_not_automated")));
    assert!(!codes.contains(&json!("data_accurate")));
    app.get("/api/v1/refusal-grounds?kind=complaint")
        .await
        .assert_problem(422);
}
