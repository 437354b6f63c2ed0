use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_team_is_created_listed_and_found() {
    let app = spawn_app().await;
    let created = app
        .post_json(
            "/api/v1/teams",
            &json!({"code": "AMW", "name": " Algemeen maatschappelijk werk "}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("location").as_deref(), Some("/api/v1/teams/AMW"));
    assert_eq!(created.body["code"], "AMW");
    assert_eq!(created.body["name"], "Algemeen maatschappelijk werk");
    assert!(created.body["created_at"].as_str().unwrap().ends_with('Z'));

    app.post_json("/api/v1/teams", &json!({"code": "JGD", "name": "Jeugd"}))
        .await;
    let list = app.get("/api/v1/teams").await;
    let codes: Vec<_> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].clone())
        .collect();
    assert_eq!(codes, [json!("AMW"), json!("JGD")]);

    let found = app.get("/api/v1/teams/AMW").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.body, created.body);
    app.get("/api/v1/teams/NOPE").await.assert_problem(404);
}

#[actix_web::test]
async fn a_duplicate_code_is_a_conflict_and_keeps_the_first() {
    let app = spawn_app().await;
    app.post_json("/api/v1/teams", &json!({"code": "AMW", "name": "Eerste"}))
        .await;
    let second = app
        .post_json("/api/v1/teams", &json!({"code": "AMW", "name": "Tweede"}))
        .await;
    second.assert_problem(409);
    assert_eq!(app.get("/api/v1/teams/AMW").await.body["name"], "Eerste");
}

#[actix_web::test]
async fn invalid_codes_and_names_are_listed_together() {
    let app = spawn_app().await;
    let response = app
        .post_json("/api/v1/teams", &json!({"code": "amw team", "name": ""}))
        .await;
    response.assert_problem(422);
    assert_eq!(response.error_fields(), ["code", "name"]);
}
