//! Retention: closed requests past the period lose their personal data; statistics,
//! grounds and the audit chain stay.

use serde_json::{json, Value};

use crate::cli::avg_loket;
use crate::helpers::{registration, spawn_app, TestApp};

const PERSONAL: [&str; 7] = [
    "J. de Vries",
    "G. Ruiter",
    "j@example.nl",
    "06-12345678",
    "D-10442",
    "verslag",
    "geheime toelichting",
];

/// A request made on a client's behalf (so that the client's name is kept too),
/// closed the way `how` says.
async fn closed(app: &TestApp, received: &str, how: &str) -> String {
    let mut body = registration("erasure", received);
    body["requester"]["relation"] = json!("authorised");
    body["subject"]["name"] = json!("G. Ruiter");
    let r = app.register(&body).await;
    let id = r["id"].as_str().unwrap().to_string();
    let day = |offset: i64| {
        (received.parse::<chrono::NaiveDate>().unwrap() + chrono::Duration::days(offset)).to_string()
    };
    match how {
        "withdrawn" => {
            let fix = json!({"reason": "geheime toelichting", "subject": {"client_reference": "D-1"}});
            app.act_ok(&id, "correct", &fix).await;
            app.act_ok(
                &id,
                "withdraw",
                &json!({"reason": "geheime toelichting", "on": day(1)}),
            )
            .await;
        }
        _ => {
            app.act_ok(&id, "assign", &json!({"assignee": app.worker("AMW").id}))
                .await;
            app.act_ok(
                &id,
                "start_assessment",
                &json!({"identity_verified_by": "known_client", "note": "geheime toelichting"}),
            )
            .await;
            if how == "refused" {
                let body = json!({"outcome": "refused", "grounds": ["legal_retention_obligation"], "explanation": "geheime toelichting", "communicated_on": day(3)});
                app.act_ok(&id, "decide", &body).await;
            } else {
                app.act_ok(
                    &id,
                    "decide",
                    &json!({"outcome": "granted", "communicated_on": day(3)}),
                )
                .await;
                let body = json!({"summary": "geheime toelichting", "recipients_informed": ["J. de Vries"], "completed_on": day(10)});
                app.act_ok(&id, "complete", &body).await;
            }
        }
    }
    id
}

pub(crate) fn run_purge(app: &TestApp) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &app.database.url())])
        .arg("purge")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[actix_web::test]
async fn a_purge_removes_personal_data_and_keeps_the_statistics_and_the_chain() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let old: Vec<String> = vec![
        closed(&app, "2023-01-09", "withdrawn").await,
        closed(&app, "2023-02-06", "refused").await,
        closed(&app, "2023-03-06", "completed").await,
    ];
    let recent_day = (crate::helpers::today() - chrono::Days::new(30)).to_string();
    let recent = closed(&app, &recent_day, "withdrawn").await;
    let open = app.register(&registration("access", "2023-04-03")).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let report_before = app.get("/api/v1/reports/annual?year=2023").await.body;
    let dashboard_before = app.get("/api/v1/dashboard").await.body;

    assert!(run_purge(&app).contains("3 closed request(s) anonymised"));
    for id in &old {
        let r = app.get(&format!("/api/v1/requests/{id}")).await;
        let text = r.text.clone();
        for personal in PERSONAL {
            assert!(!text.contains(personal), "{personal} survived in {text}");
        }
        assert!(r.body["anonymised_at"].is_string());
        assert_eq!(r.body["requester"]["name"], Value::Null);
        assert_eq!(r.body["kind"], "erasure");
        assert!(r.body["status"].is_string());
    }
    let refused = app.get(&format!("/api/v1/requests/{}", old[1])).await;
    assert_eq!(
        refused.body["decision"]["grounds"],
        json!(["legal_retention_obligation"]),
        "grounds stay"
    );
    assert_eq!(refused.body["decision"]["outcome"], "refused");
    // No table holds them any more.
    {
        use avg_loket::storage::schema::{
            audit_events, change_reasons, recipients, request_details, requester_keys,
        };
        use diesel::{QueryDsl, RunQueryDsl};
        let mut conn = app.db.get().unwrap();
        let names: Vec<String> = recipients::table
            .select(recipients::name)
            .load(&mut *conn)
            .unwrap();
        assert!(names.is_empty(), "{names:?}");
        let events: Vec<String> = audit_events::table
            .select(audit_events::data)
            .load(&mut *conn)
            .unwrap();
        for personal in PERSONAL {
            assert!(!events.iter().any(|e| e.contains(personal)));
        }
        let kept: Vec<Option<String>> = request_details::table
            .select(request_details::requester_name)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            kept.iter().filter(|n| n.is_some()).count(),
            2,
            "the recent and the open request keep theirs"
        );
        let clients: Vec<(Option<String>, Option<String>)> = request_details::table
            .select((request_details::subject_name, request_details::client_key))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            clients.iter().filter(|(name, _)| name.is_some()).count(),
            1,
            "only the recent request keeps the client's name: {clients:?}"
        );
        assert_eq!(
            clients.iter().filter(|(_, key)| key.is_some()).count(),
            2,
            "and only the recent and the open one a client number to be found by: {clients:?}"
        );
        let reasons: Vec<String> = change_reasons::table
            .select(change_reasons::request_id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            reasons,
            std::slice::from_ref(&recent),
            "only the recent correction's reason stays"
        );
        let mut found_by: Vec<String> = requester_keys::table
            .select(requester_keys::request_id)
            .distinct()
            .load(&mut *conn)
            .unwrap();
        found_by.sort();
        let mut expected = vec![recent.clone(), open.clone()];
        expected.sort();
        assert_eq!(found_by, expected, "only requests with a name can be found by it");
    }
    for id in [&recent, &open] {
        let r = app.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(r.body["requester"]["name"], "J. de Vries");
        assert_eq!(r.body["anonymised_at"], Value::Null);
    }
    assert_eq!(
        app.get("/api/v1/reports/annual?year=2023").await.body,
        report_before
    );
    let mut dashboard_after = app.get("/api/v1/dashboard").await.body;
    dashboard_after["today"] = dashboard_before["today"].clone();
    assert_eq!(dashboard_after, dashboard_before);

    let dir = tempfile::tempdir().unwrap();
    let verify = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &app.database.url())])
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(
        run_purge(&app).contains("0 closed request(s) anonymised"),
        "nothing twice"
    );
}
