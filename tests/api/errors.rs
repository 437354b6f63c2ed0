//! Every failure is an RFC 9457 problem that names what was wrong.

use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .post_raw("/api/v1/teams", "application/json", "{\"code\": \"AMW\",")
        .await;
    let problem = response.assert_problem(400);
    assert!(
        problem["detail"].as_str().unwrap().contains("not valid JSON"),
        "{problem}"
    );
    let empty = app.post_raw("/api/v1/teams", "application/json", "").await;
    empty.assert_problem(400);
}

#[actix_web::test]
async fn missing_unknown_and_mistyped_fields_are_422_naming_the_field() {
    let app = spawn_app().await;
    let missing = app.post_json("/api/v1/teams", &json!({"code": "AMW"})).await;
    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["name"]);

    let unknown = app
        .post_json(
            "/api/v1/teams",
            &json!({"code": "AMW", "name": "x", "colour": "red"}),
        )
        .await;
    unknown.assert_problem(422);
    assert_eq!(unknown.error_fields(), ["colour"]);

    let mistyped = app
        .post_json("/api/v1/teams", &json!({"code": 7, "name": "x"}))
        .await;
    mistyped.assert_problem(422);
    assert_eq!(mistyped.error_fields(), ["code"]);
    assert!(mistyped.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expected a string"));

    // Nothing was written by any of them.
    assert_eq!(app.get("/api/v1/teams").await.body["items"], json!([]));
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app.post_raw("/api/v1/teams", "text/plain", "code=AMW").await;
    response.assert_problem(415);
}

#[actix_web::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/nothing-here").await;
    response.assert_problem(404);
    let response = app.get("/no/such/page").await;
    response.assert_problem(404);
    let response = app.request("DELETE", "/api/v1/teams").await;
    response.assert_problem(405);
}

#[actix_web::test]
async fn an_oversized_body_is_rejected_without_reading_it_all() {
    let app = spawn_app().await;
    let huge = format!("{{\"code\":\"AMW\",\"name\":\"{}\"}}", "x".repeat(300 * 1024));
    let response = app.post_raw("/api/v1/teams", "application/json", &huge).await;
    response.assert_problem(413);
    assert!(response.body["detail"].as_str().unwrap().contains("larger than"));
    // An action's body is limited the same way, with the same answer.
    let action = app
        .post_raw(
            &format!("/api/v1/requests/{}/actions/withdraw", uuid::Uuid::nil()),
            "application/json",
            &huge,
        )
        .await;
    action.assert_problem(413);
}
