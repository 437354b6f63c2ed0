//! Correcting a registration and moving a request to another team: the `correct` and
//! `transfer` actions through the API, with who may take them and what the audit
//! trail keeps (the fields that changed, never the values or the reason).

use serde_json::{json, Value};

use crate::helpers::{registration, spawn_app, TestApp};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// The newest audit event of a request.
async fn last_event(app: &TestApp, id: &str) -> Value {
    let events = app.get(&format!("/api/v1/requests/{id}/events")).await;
    assert_eq!(events.status, 200, "{}", events.text);
    events.body["items"].as_array().unwrap().last().unwrap().clone()
}

#[actix_web::test]
async fn a_correction_fixes_the_details_moves_the_deadlines_and_the_audit_names_only_the_fields() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let r = app.register(&registration("access", "2026-11-16")).await;
    let id = id(&r);
    let corrected = app
        .act_ok(
            &id,
            "correct",
            &json!({
                "reason": "Cliëntnummer verkeerd overgenomen; brief lag al een week eerder binnen",
                "requester": {"email": "jdv@voorbeeld.nl", "phone": null},
                "subject": {"client_reference": "D-20991"},
                "received_on": "2026-11-09",
            }),
        )
        .await;
    assert_eq!(corrected["received_on"], "2026-11-09");
    assert_eq!(corrected["requester"]["email"], "jdv@voorbeeld.nl");
    assert_eq!(corrected["requester"]["phone"], Value::Null, "null removes it");
    assert_eq!(corrected["subject"]["client_reference"], "D-20991");
    assert_eq!(corrected["requester"]["name"], "J. de Vries", "left out: kept");
    assert_eq!(corrected["reference"], r["reference"], "the reference stays");
    // 9 November + two weeks: 23 November, a week before the registered date's.
    assert_eq!(corrected["deadlines"]["response"], "2026-11-23");
    assert_eq!(r["deadlines"]["response"], "2026-11-30");
    assert_eq!(corrected["version"], 2);

    let event = last_event(&app, &id).await;
    assert_eq!(event["action"], "correct");
    assert_eq!(
        event["data"]["fields"],
        json!([
            "requester.email",
            "requester.phone",
            "subject.client_reference",
            "received_on"
        ])
    );
    assert_eq!(event["data"]["deadlines"]["response"], "2026-11-23");
    let text = event.to_string();
    for secret in [
        "jdv@voorbeeld.nl",
        "j@example.nl",
        "06-12345678",
        "D-20991",
        "D-10442",
        "week eerder",
    ] {
        assert!(!text.contains(secret), "{secret} in the audit event: {text}");
    }

    // A correction with the values that are there already changes nothing and says so.
    let same = app
        .act(
            &id,
            "correct",
            &json!({"reason": "nogmaals", "subject": {"client_reference": "D-20991"}}),
        )
        .await;
    assert_eq!(same.assert_problem(422)["errors"][0]["field"], "changes");
    // Every wrong field at once, and nothing changed.
    let wrong = app
        .act(
            &id,
            "correct",
            &json!({"requester": {"email": "geen-adres", "name": " "}, "received_on": "2026-13-01"}),
        )
        .await;
    wrong.assert_problem(422);
    let mut fields = wrong.error_fields();
    fields.sort();
    assert_eq!(fields, ["received_on", "requester.email", "requester.name"]);
    let unknown = app
        .act(
            &id,
            "correct",
            &json!({"reason": "x", "requester": {"bsn": "123456782"}}),
        )
        .await;
    unknown.assert_problem(422);
    // A child under 12 cannot have asked themselves: the rules hold for corrections.
    let child = app
        .act(
            &id,
            "correct",
            &json!({"reason": "leeftijd", "subject": {"age_band": "under_12"}}),
        )
        .await;
    assert_eq!(
        child.assert_problem(422)["errors"][0]["field"],
        "requester.relation"
    );
    let after = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(after.body["version"], 2, "refused corrections change nothing");
    assert_eq!(after.body["subject"]["age_band"], "adult");
}

#[actix_web::test]
async fn the_front_desk_corrects_what_it_registered_while_it_is_received() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let colleague = app.create_user("front_desk", &[]).await;
    let registered = app
        .post_json_as(
            &desk.token,
            "/api/v1/requests",
            &registration("access", "2026-11-16"),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text);
    assert_eq!(
        registered.body["requester"]["name"], "J. de Vries",
        "the answer to the registration shows it as a later read does"
    );
    let id = id(&registered.body);
    let path = format!("/api/v1/requests/{id}");
    let own = app.get_as(&desk.token, &path).await;
    assert_eq!(
        own.body["requester"]["name"], "J. de Vries",
        "the front desk sees what it registered, to correct it"
    );
    let other = app.get_as(&colleague.token, &path).await;
    assert_eq!(other.body.get("requester"), None, "a colleague sees the status");
    let fix = json!({"reason": "naam verkeerd verstaan", "requester": {"name": "J. de Fries"}});
    let refused = app
        .post_json_as(&colleague.token, &format!("{path}/actions/correct"), &fix)
        .await;
    refused.assert_problem(403);
    let fixed = app
        .post_json_as(&desk.token, &format!("{path}/actions/correct"), &fix)
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.text);
    assert_eq!(fixed.body["requester"]["name"], "J. de Fries");

    let worker = app.worker("AMW");
    app.act_ok(&id, "assign", &json!({"assignee": worker.id})).await;
    app.act_ok(
        &id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    let late = app
        .post_json_as(&desk.token, &format!("{path}/actions/correct"), &fix)
        .await;
    late.assert_problem(403);
    let status_only = app.get_as(&desk.token, &path).await;
    assert_eq!(
        status_only.body.get("requester"),
        None,
        "once assessed: the status only"
    );
    let transfer = app
        .post_json_as(
            &desk.token,
            &format!("{path}/actions/transfer"),
            &json!({"team": "AMW", "reason": "x"}),
        )
        .await;
    transfer.assert_problem(403);
}

#[actix_web::test]
async fn a_transfer_moves_the_request_keeps_only_an_assignee_of_the_new_team_and_the_old_team_loses_sight() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let manager = app.create_user("manager", &["AMW"]).await;
    let amw_worker = app.worker("AMW");
    let jgd_worker = app.worker("JGD");
    let r = app.register(&registration("access", "2026-11-16")).await;
    let id = id(&r);
    let path = format!("/api/v1/requests/{id}");
    app.act_ok(&id, "assign", &json!({"assignee": amw_worker.id}))
        .await;
    let move_to = |team: &str| json!({"team": team, "reason": "Cliënt wordt door jeugd begeleid"});

    let by_caseworker = app
        .post_json_as(
            &amw_worker.token,
            &format!("{path}/actions/transfer"),
            &move_to("JGD"),
        )
        .await;
    by_caseworker.assert_problem(403);
    for (body, field) in [
        (move_to("XYZ"), "team"),
        (move_to("AMW"), "team"),
        (move_to("amw!"), "team"),
        (json!({"team": "JGD"}), "reason"),
    ] {
        let refused = app
            .post_json_as(&manager.token, &format!("{path}/actions/transfer"), &body)
            .await;
        assert_eq!(refused.assert_problem(422)["errors"][0]["field"], field, "{body}");
    }

    let moved = app
        .post_json_as(
            &manager.token,
            &format!("{path}/actions/transfer"),
            &move_to("JGD"),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["team"], "JGD");
    assert_eq!(
        moved.body["assignee"],
        Value::Null,
        "the AMW worker is not in JGD"
    );
    assert_eq!(app.get_as(&amw_worker.token, &path).await.status, 404);
    assert_eq!(app.get_as(&manager.token, &path).await.status, 404);
    assert_eq!(app.get_as(&jgd_worker.token, &path).await.status, 200);
    let event = last_event(&app, &id).await;
    assert_eq!(
        event["data"],
        json!({"from_team": "AMW", "to_team": "JGD", "assignee_cleared": true})
    );
    assert!(
        !event.to_string().contains("jeugd"),
        "the reason stays out of the event"
    );

    // Someone who works in both teams stays the assignee.
    let both = app.create_user("caseworker", &["AMW", "JGD"]).await;
    app.act_ok(&id, "assign", &json!({"assignee": both.id})).await;
    let back = app.act_ok(&id, "transfer", &move_to("AMW")).await;
    assert_eq!(back["team"], "AMW");
    assert_eq!(back["assignee"], both.id.as_str());
}
