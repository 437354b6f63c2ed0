//! Nothing registered twice for good: a registration names the open requests of the
//! same kind for the same requester or client (`possible_duplicates`), and a double
//! registration is closed with `withdraw` and `duplicate_of`: counted as a duplicate in
//! the annual report and on the dashboard, never as withdrawn by the requester.

use actix_web::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{registration, spawn_app, today, TestApp};
use crate::pages::{csrf_of, get, post, shows, sign_in};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

async fn registered(app: &TestApp, body: &Value) -> Value {
    let r = app.post_json("/api/v1/requests", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

fn references(answer: &Value) -> Vec<String> {
    answer["possible_duplicates"]
        .as_array()
        .expect("possible_duplicates in the answer to a registration")
        .iter()
        .map(|d| d["reference"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn a_registration_names_its_possible_duplicates_and_a_duplicate_closes_apart_from_withdrawals() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let day = (today() - chrono::Days::new(3)).to_string();
    let first = registered(&app, &registration("access", &day)).await;
    assert_eq!(references(&first), Vec::<String>::new());

    // The same requester (name, e-mail address), the same kind: named.
    let mut twice = registration("access", &day);
    twice["requester"]["name"] = json!("j. DE vries");
    twice["requester"]["phone"] = Value::Null;
    twice["subject"]["client_reference"] = Value::Null;
    let second = registered(&app, &twice).await;
    assert_eq!(references(&second), ["AVG-2026-00001"]);
    // Another kind: not a duplicate.
    let other_kind = registered(&app, &registration("erasure", &day)).await;
    assert_eq!(references(&other_kind), Vec::<String>::new());
    // A daughter for the same client (the requester of the first asked for himself).
    let mut daughter = registration("access", &day);
    daughter["requester"] = json!({"name": "P. Bakker", "relation": "authorised"});
    daughter["subject"] = json!({"name": "J. de Vries", "age_band": "adult"});
    let third = registered(&app, &daughter).await;
    assert_eq!(references(&third), ["AVG-2026-00001", "AVG-2026-00002"]);
    // The same client number, another name: named too.
    let mut by_number = registration("access", &day);
    by_number["requester"] = json!({"name": "K. Smit", "relation": "self"});
    by_number["subject"]["client_reference"] = json!("d-10442");
    let fourth = registered(&app, &by_number).await;
    assert_eq!(references(&fourth), ["AVG-2026-00001"]);
    // The answer to a read does not carry it.
    assert!(app
        .get(&format!("/api/v1/requests/{}", id(&first)))
        .await
        .body
        .get("possible_duplicates")
        .is_none());

    // Closing the second as a duplicate of the first: no reason needed.
    let refused = app
        .act(
            &id(&second),
            "withdraw",
            &json!({"on": day, "duplicate_of": id(&second)}),
        )
        .await;
    refused.assert_problem(422);
    assert_eq!(refused.error_fields(), ["duplicate_of"]);
    let unknown = app
        .act(
            &id(&second),
            "withdraw",
            &json!({"on": day, "duplicate_of": "01a24e16-264e-7341-a699-27dbde6a9f3c"}),
        )
        .await;
    assert_eq!(unknown.error_fields(), ["duplicate_of"]);
    let closed = app
        .act_ok(
            &id(&second),
            "withdraw",
            &json!({"on": day, "duplicate_of": id(&first)}),
        )
        .await;
    assert_eq!(closed["status"], "withdrawn");
    assert_eq!(closed["withdrawal"]["duplicate_of"], first["id"]);
    let events = app.get(&format!("/api/v1/requests/{}/events", id(&second))).await;
    let withdraw = events.body["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(withdraw["data"]["duplicate_of"], first["id"]);
    // A request closed as a duplicate is not the one that stays.
    let chained = app
        .act(
            &id(&fourth),
            "withdraw",
            &json!({"on": day, "duplicate_of": id(&second)}),
        )
        .await;
    assert_eq!(chained.error_fields(), ["duplicate_of"]);
    // A plain withdrawal still needs its reason.
    let no_reason = app.act(&id(&third), "withdraw", &json!({"on": day})).await;
    assert_eq!(no_reason.error_fields(), ["reason"]);

    let report = app.get("/api/v1/reports/annual?year=2026").await;
    assert_eq!(report.body["by_outcome"]["duplicate"], "<5", "{}", report.text);
    assert_eq!(
        report.body["by_outcome"]["withdrawn"], 0,
        "not withdrawn by the requester"
    );
    let dashboard = app.get("/api/v1/dashboard").await;
    assert_eq!(dashboard.body["last_90_days"]["duplicates_closed"], 1);
}

/// The front desk sees the possible duplicate on the confirmation page and closes the
/// new request as its duplicate with one button; the withdraw form takes a reference.
#[actix_web::test]
async fn the_confirmation_page_offers_to_close_a_double_registration() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let first = registered(&app, &registration("access", "2026-11-02")).await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let form = get(&app, "/requests/new", &[&session]).await;
    let sent = post(
        &app,
        "/requests/new",
        &[&session],
        &[
            ("csrf", &csrf_of(&form)),
            ("kind", "access"),
            ("channel", "phone"),
            ("received_on", "2-11-2026"),
            ("team", "AMW"),
            ("requester_name", "J. de Vries"),
            ("requester_email", "j@example.nl"),
            ("relation", "self"),
            ("age_band", "adult"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let confirmation = get(&app, &sent.header("location").unwrap(), &[&session]).await;
    shows(&confirmation, "Misschien dubbel geregistreerd");
    shows(
        &confirmation,
        &format!("<a href=\"/requests/{}\">AVG-2026-00001</a>", id(&first)),
    );
    shows(
        &confirmation,
        "AVG-2026-00002 sluiten als dubbel van AVG-2026-00001",
    );
    let at = confirmation.text.find("action=\"/requests/").unwrap();
    let action = confirmation.text[at + 8..].split('"').next().unwrap().to_string();
    let version = {
        let at = confirmation.text.find("name=\"version\" value=\"").unwrap() + 22;
        confirmation.text[at..].split('"').next().unwrap().to_string()
    };
    let on = {
        let at = confirmation.text.find("name=\"on\" value=\"").unwrap() + 17;
        confirmation.text[at..].split('"').next().unwrap().to_string()
    };
    let closed = post(
        &app,
        &action,
        &[&session],
        &[
            ("csrf", &csrf_of(&confirmation)),
            ("version", &version),
            ("on", &on),
            ("duplicate_of", "AVG-2026-00001"),
        ],
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.text);
    let second = app.get("/api/v1/requests?reference=AVG-2026-00002").await;
    let second_id = second.body["items"][0]["id"].as_str().unwrap().to_string();
    let second = app.get(&format!("/api/v1/requests/{second_id}")).await;
    assert_eq!(second.body["status"], "withdrawn");
    assert_eq!(second.body["withdrawal"]["duplicate_of"], first["id"]);
    // No withdrawal confirmation for a duplicate: the requester did not withdraw.
    let letter = app
        .post_json(
            &format!("/api/v1/requests/{second_id}/letters"),
            &json!({"kind": "withdrawal_confirmation"}),
        )
        .await;
    assert_eq!(letter.status, 409, "{}", letter.text);

    // A reference that names nothing is said beside the field, the form kept.
    let third = registered(&app, &registration("erasure", "2026-11-02")).await;
    let worker = app.worker("AMW");
    let session = sign_in(&app, &worker.token).await;
    let link = format!("/requests/{}", id(&third));
    let page = get(&app, &link, &[&session]).await;
    let version = {
        let at = page.text.find("name=\"version\" value=\"").unwrap() + 22;
        page.text[at..].split('"').next().unwrap().to_string()
    };
    let wrong = post(
        &app,
        &format!("{link}/actions/withdraw"),
        &[&session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version),
            ("on", "3-11-2026"),
            ("duplicate_of", "AVG-2026-00099"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.text);
    shows(
        &wrong,
        "er is geen verzoek met kenmerk ‘AVG-2026-00099’ dat u kunt zien",
    );
    shows(&wrong, "value=\"AVG-2026-00099\"");
    assert_eq!(
        app.get(&format!("/api/v1/requests/{}", id(&third))).await.body["status"],
        "received"
    );
}

/// The same `Idempotency-Key` with the same call answers what the first answered and
/// registers nothing more; with another body it is refused; a key that is no key too.
#[actix_web::test]
async fn an_idempotency_key_makes_a_repeated_call_answer_the_first_answer() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let body = registration("access", "2026-11-02");
    let key = [("Idempotency-Key", "front-desk-call-0930")];
    let first = app.post_json_with("/api/v1/requests", &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = app.post_json_with("/api/v1/requests", &body, &key).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "the same answer");
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(
        app.get("/api/v1/requests").await.body["total"],
        1,
        "registered once"
    );

    let mut other = body.clone();
    other["requester"]["name"] = json!("K. Smit");
    let refused = app.post_json_with("/api/v1/requests", &other, &key).await;
    refused.assert_problem(422);
    assert_eq!(refused.error_fields(), ["Idempotency-Key"]);
    let long = "k".repeat(256);
    let too_long = app
        .post_json_with("/api/v1/requests", &body, &[("Idempotency-Key", long.as_str())])
        .await;
    too_long.assert_problem(422);
    assert_eq!(app.get("/api/v1/requests").await.body["total"], 1);

    // An action: the repeat is answered as the first, not refused as not allowed now.
    let id = id(&first.body);
    let assign = json!({"assignee": app.worker("AMW").id});
    let action_key = [("Idempotency-Key", "assign-1")];
    let path = format!("/api/v1/requests/{id}/actions/assign");
    let done = app.post_json_with(&path, &assign, &action_key).await;
    assert_eq!(done.status, 200, "{}", done.text);
    let repeat = app.post_json_with(&path, &assign, &action_key).await;
    assert_eq!(repeat.status, 200);
    assert_eq!(repeat.body["version"], done.body["version"], "not assigned twice");
    let events = app.event_actions(&id).await;
    assert_eq!(events.iter().filter(|a| *a == "assign").count(), 1, "{events:?}");
    // A refusal is kept too: the same invalid call answers the same.
    let invalid = json!({"kind": "access"});
    let bad_key = [("Idempotency-Key", "bad-1")];
    let first_bad = app.post_json_with("/api/v1/requests", &invalid, &bad_key).await;
    let second_bad = app.post_json_with("/api/v1/requests", &invalid, &bad_key).await;
    assert_eq!(
        (first_bad.status.as_u16(), second_bad.status.as_u16()),
        (422, 422)
    );
    assert_eq!(first_bad.body, second_bad.body);
}

/// A form sent twice — one after the other, or at once as a double-click does —
/// registers one request, and both answers lead to its confirmation.
#[actix_web::test]
async fn a_double_submitted_form_registers_once() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let form = get(&app, "/requests/new", &[&session]).await;
    let key_of = |page: &crate::helpers::TestResponse| {
        let at = page.text.find("name=\"form_key\" value=\"").expect("a form key") + 23;
        page.text[at..].split('"').next().unwrap().to_string()
    };
    let fields = |csrf: String, key: String| {
        vec![
            ("csrf", csrf),
            ("form_key", key),
            ("kind", "access".to_string()),
            ("channel", "phone".to_string()),
            ("received_on", "2-11-2026".to_string()),
            ("team", "AMW".to_string()),
            ("requester_name", "J. de Vries".to_string()),
            ("relation", "self".to_string()),
            ("age_band", "adult".to_string()),
        ]
    };
    let once = fields(csrf_of(&form), key_of(&form));
    let borrowed: Vec<(&str, &str)> = once.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = post(&app, "/requests/new", &[&session], &borrowed).await;
    let second = post(&app, "/requests/new", &[&session], &borrowed).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.text);
    assert_eq!(
        first.header("location"),
        second.header("location"),
        "to the same confirmation"
    );
    assert_eq!(app.get("/api/v1/requests").await.body["total"], 1);

    // Two at once.
    let form = get(&app, "/requests/new", &[&session]).await;
    let at_once = fields(csrf_of(&form), key_of(&form));
    let borrowed: Vec<(&str, &str)> = at_once.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cookies = [session.as_str()];
    let (a, b) = tokio::join!(
        post(&app, "/requests/new", &cookies, &borrowed),
        post(&app, "/requests/new", &cookies, &borrowed)
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    assert_eq!(a.header("location"), b.header("location"));
    assert!(a.header("location").unwrap().ends_with("/bevestiging"));
    assert_eq!(
        app.get("/api/v1/requests").await.body["total"],
        2,
        "one more, not two"
    );
}
