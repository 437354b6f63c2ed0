//! Who may see and do what: every endpoint walked for every role.

use serde_json::{json, Value};

use crate::helpers::{registration, spawn_app, TestApp, TestUser};

const ROLES: [&str; 5] = [
    "front_desk",
    "caseworker",
    "manager",
    "privacy_officer",
    "auditor",
];

struct World {
    users: Vec<(&'static str, TestUser)>,
    amw: Value,
    jgd: Value,
    colleague: TestUser,
}

impl World {
    fn token(&self, role: &str) -> &str {
        &self.users.iter().find(|(r, _)| *r == role).unwrap().1.token
    }
}

async fn world(app: &TestApp) -> World {
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let users = vec![
        ("front_desk", app.create_user("front_desk", &[]).await),
        ("caseworker", app.worker("AMW")),
        ("manager", app.create_user("manager", &["AMW"]).await),
        ("privacy_officer", app.admin.clone()),
        ("auditor", app.create_user("auditor", &[]).await),
    ];
    let colleague = app.create_user("caseworker", &["AMW"]).await;
    let amw = app.register(&registration("access", "2026-11-02")).await;
    let mut jgd = registration("erasure", "2026-11-02");
    jgd["team"] = "JGD".into();
    let jgd = app.register(&jgd).await;
    World {
        users,
        amw,
        jgd,
        colleague,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A fresh request of `team`, optionally assigned, registered by the privacy officer.
async fn fresh(app: &TestApp, team: &str, assignee: Option<&str>) -> String {
    let mut body = registration("access", "2026-11-02");
    body["team"] = team.into();
    if let Some(a) = assignee {
        body["assignee"] = a.into();
    }
    id(&app.register(&body).await)
}

/// Runs one probe as `role` and returns the status (plus checks on the body).
async fn probe(app: &TestApp, w: &World, name: &str, role: &str) -> u16 {
    let token = w.token(role);
    let status = |r: crate::helpers::TestResponse| r.status.as_u16();
    match name {
        "register AMW" => status(
            app.post_json_as(token, "/api/v1/requests", &registration("access", "2026-11-02"))
                .await,
        ),
        "register JGD" => {
            let mut body = registration("access", "2026-11-02");
            body["team"] = "JGD".into();
            status(app.post_json_as(token, "/api/v1/requests", &body).await)
        }
        "list" => status(app.get_as(token, "/api/v1/requests").await),
        "list by reference JGD" => {
            let r = app
                .get_as(
                    token,
                    &format!(
                        "/api/v1/requests?reference={}",
                        w.jgd["reference"].as_str().unwrap()
                    ),
                )
                .await;
            if r.status == 200 {
                let items = r.body["items"].as_array().unwrap();
                let expected = if matches!(role, "caseworker" | "manager") {
                    0
                } else {
                    1
                };
                assert_eq!(items.len(), expected, "{role}: {}", r.text);
                if role == "front_desk" {
                    assert_front_desk_view(&items[0]);
                }
            }
            status(r)
        }
        "get AMW" => {
            let r = app
                .get_as(token, &format!("/api/v1/requests/{}", id(&w.amw)))
                .await;
            if role == "front_desk" {
                assert_front_desk_view(&r.body);
            } else if r.status == 200 {
                assert_eq!(
                    r.body["requester"]["name"], "J. de Vries",
                    "{role} sees everything"
                );
            }
            status(r)
        }
        "get JGD" => status(
            app.get_as(token, &format!("/api/v1/requests/{}", id(&w.jgd)))
                .await,
        ),
        "by reference JGD" => {
            let reference = w.jgd["reference"].as_str().unwrap();
            status(
                app.get_as(token, &format!("/api/v1/requests/by-reference/{reference}"))
                    .await,
            )
        }
        "events AMW" => status(
            app.get_as(token, &format!("/api/v1/requests/{}/events", id(&w.amw)))
                .await,
        ),
        "events JGD" => status(
            app.get_as(token, &format!("/api/v1/requests/{}/events", id(&w.jgd)))
                .await,
        ),
        "withdraw AMW" | "withdraw JGD" => {
            let team = &name[9..];
            let request = fresh(app, team, None).await;
            let body = json!({"reason": "telefonisch ingetrokken", "on": "2026-11-03"});
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/requests/{request}/actions/withdraw"),
                    &body,
                )
                .await,
            )
        }
        "suspend AMW" => {
            let request = fresh(app, "AMW", None).await;
            let body = json!({"reason": "identity", "asked_on": "2026-11-03"});
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/requests/{request}/actions/suspend"),
                    &body,
                )
                .await,
            )
        }
        "correct AMW" => {
            let request = fresh(app, "AMW", None).await;
            let body = json!({"reason": "typefout", "subject": {"client_reference": "D-1"}});
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/requests/{request}/actions/correct"),
                    &body,
                )
                .await,
            )
        }
        "transfer AMW" => {
            let request = fresh(app, "AMW", None).await;
            let body = json!({"team": "JGD", "reason": "hoort bij jeugd"});
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/requests/{request}/actions/transfer"),
                    &body,
                )
                .await,
            )
        }
        "assign unassigned AMW" => {
            let request = fresh(app, "AMW", None).await;
            let body = json!({"assignee": app.worker("AMW").id});
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/requests/{request}/actions/assign"),
                    &body,
                )
                .await,
            )
        }
        "reassign AMW" => {
            let request = fresh(app, "AMW", Some(&w.colleague.id)).await;
            let body = json!({"assignee": app.worker("AMW").id});
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/requests/{request}/actions/assign"),
                    &body,
                )
                .await,
            )
        }
        "list teams" => status(app.get_as(token, "/api/v1/teams").await),
        "get team" => status(app.get_as(token, "/api/v1/teams/AMW").await),
        "create team" => {
            let code = format!(
                "T{}",
                &uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase()
            );
            let body = json!({"code": code, "name": "Nieuw team"});
            status(app.post_json_as(token, "/api/v1/teams", &body).await)
        }
        "list users" => status(app.get_as(token, "/api/v1/users").await),
        "get user" => status(
            app.get_as(token, &format!("/api/v1/users/{}", w.colleague.id))
                .await,
        ),
        "create user" => {
            let email = format!("{}@zorg.example", uuid::Uuid::new_v4().simple());
            let body = json!({"name": "Nieuw", "email": email, "role": "auditor"});
            status(app.post_json_as(token, "/api/v1/users", &body).await)
        }
        "deactivate user" => {
            let victim = app.create_user("auditor", &[]).await;
            status(
                app.post_json_as(
                    token,
                    &format!("/api/v1/users/{}/deactivate", victim.id),
                    &json!({}),
                )
                .await,
            )
        }
        "issue token" => status(
            app.post_json_as(
                token,
                &format!("/api/v1/users/{}/tokens", w.colleague.id),
                &json!({}),
            )
            .await,
        ),
        "issue own token" => {
            let me = app.get_as(token, "/api/v1/me").await;
            let id = me.body["id"].as_str().unwrap().to_string();
            status(
                app.post_json_as(token, &format!("/api/v1/users/{id}/tokens"), &json!({"days": 30}))
                    .await,
            )
        }
        "revoke token" => {
            let colleague = app.get_as(&w.colleague.token, "/api/v1/me").await;
            let issued = app
                .post_json_as(
                    &w.colleague.token,
                    &format!("/api/v1/users/{}/tokens", colleague.body["id"].as_str().unwrap()),
                    &json!({}),
                )
                .await;
            let token_id = issued.body["id"].as_str().unwrap().to_string();
            status(
                app.request_as(token, "DELETE", &format!("/api/v1/tokens/{token_id}"))
                    .await,
            )
        }
        "notifications" => status(app.get_as(token, "/api/v1/notifications").await),
        "me" => {
            let r = app.get_as(token, "/api/v1/me").await;
            assert_eq!(r.body["role"], role, "{}", r.text);
            status(r)
        }
        "annual report" => status(app.get_as(token, "/api/v1/reports/annual?year=2026").await),
        "dashboard" => {
            let r = app.get_as(token, "/api/v1/dashboard").await;
            if matches!(role, "caseworker" | "manager") {
                let teams: Vec<&String> = r.body["open"]["by_team"].as_object().unwrap().keys().collect();
                assert_eq!(teams, ["AMW"], "{role} sees only AMW");
            }
            status(r)
        }
        "own reminder preference" => {
            let me = &w.users.iter().find(|(r, _)| *r == role).unwrap().1.id;
            let body = json!({"reminders": "daily_digest"});
            status(
                app.post_json_with_method("PUT", token, &format!("/api/v1/users/{me}/reminders"), &body)
                    .await,
            )
        }
        "colleague's reminder preference" => {
            let body = json!({"reminders": "daily_digest"});
            let path = format!("/api/v1/users/{}/reminders", w.colleague.id);
            status(app.post_json_with_method("PUT", token, &path, &body).await)
        }
        "refusal grounds" => status(app.get_as(token, "/api/v1/refusal-grounds").await),
        "deadline calculator" => status(
            app.get_as(token, "/api/v1/calendar/deadline?received=2026-11-02&days=14")
                .await,
        ),
        "holidays" => status(app.get_as(token, "/api/v1/calendar/holidays?year=2026").await),
        other => panic!("unknown probe {other}"),
    }
}

/// The front desk sees reference, kind, team, status, receipt and deadlines — nothing more.
fn assert_front_desk_view(body: &Value) {
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "deadlines",
            "id",
            "kind",
            "received_on",
            "reference",
            "status",
            "team"
        ],
        "{body}"
    );
}

/// Expected status per role: front desk, caseworker (AMW), manager (AMW), privacy officer, auditor.
const MATRIX: &[(&str, [u16; 5])] = &[
    ("register AMW", [201, 201, 201, 201, 403]),
    ("register JGD", [201, 403, 403, 201, 403]),
    ("list", [403, 200, 200, 200, 200]),
    ("list by reference JGD", [200, 200, 200, 200, 200]),
    ("get AMW", [200, 200, 200, 200, 200]),
    ("get JGD", [200, 404, 404, 200, 200]),
    ("by reference JGD", [200, 404, 404, 200, 200]),
    ("events AMW", [403, 200, 200, 200, 200]),
    ("events JGD", [403, 404, 404, 200, 200]),
    ("withdraw AMW", [200, 200, 200, 200, 403]),
    ("withdraw JGD", [200, 404, 404, 200, 403]),
    ("suspend AMW", [403, 200, 200, 200, 403]),
    ("correct AMW", [403, 200, 200, 200, 403]),
    ("transfer AMW", [403, 403, 200, 200, 403]),
    ("assign unassigned AMW", [403, 200, 200, 200, 403]),
    ("reassign AMW", [403, 403, 200, 200, 403]),
    ("list teams", [200, 200, 200, 200, 200]),
    ("get team", [200, 200, 200, 200, 200]),
    ("create team", [403, 403, 403, 201, 403]),
    ("list users", [403, 403, 403, 200, 403]),
    ("get user", [403, 403, 403, 200, 403]),
    ("create user", [403, 403, 403, 201, 403]),
    ("deactivate user", [403, 403, 403, 200, 403]),
    ("issue token", [403, 403, 403, 403, 403]),
    ("issue own token", [201, 201, 201, 201, 201]),
    ("revoke token", [403, 403, 403, 204, 403]),
    ("notifications", [403, 403, 403, 200, 403]),
    ("me", [200, 200, 200, 200, 200]),
    ("annual report", [403, 403, 403, 200, 200]),
    ("dashboard", [403, 200, 200, 200, 200]),
    ("own reminder preference", [200, 200, 200, 200, 200]),
    ("colleague's reminder preference", [403, 403, 403, 200, 403]),
    ("refusal grounds", [200, 200, 200, 200, 200]),
    ("deadline calculator", [200, 200, 200, 200, 200]),
    ("holidays", [200, 200, 200, 200, 200]),
];

#[actix_web::test]
async fn every_endpoint_for_every_role() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut wrong = Vec::new();
    for (name, expected) in MATRIX {
        for (role, expected) in ROLES.iter().zip(expected) {
            let got = probe(&app, &w, name, role).await;
            if got != *expected {
                wrong.push(format!("{name} as {role}: expected {expected}, got {got}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[actix_web::test]
async fn a_caseworker_of_another_team_learns_nothing_from_the_list() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let jgd_worker = app.worker("JGD");
    let list = app.get_as(&jgd_worker.token, "/api/v1/requests").await;
    assert_eq!(list.status, 200);
    let ids: Vec<Value> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, [w.jgd["id"].clone()]);
    assert_eq!(list.body["total"], 1);
    let filtered = app.get_as(&jgd_worker.token, "/api/v1/requests?team=AMW").await;
    assert_eq!(filtered.body["total"], 0);
}

#[actix_web::test]
async fn without_a_valid_token_every_api_endpoint_is_401() {
    // Many wrong tokens from one address: above the rate limit, which has its own test.
    let app = crate::helpers::spawn_app_with(&[("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "10000")]).await;
    let w = world(&app).await;
    let paths = [
        ("GET", "/api/v1/requests".to_string()),
        ("POST", "/api/v1/requests".to_string()),
        ("GET", format!("/api/v1/requests/{}", id(&w.amw))),
        ("GET", format!("/api/v1/requests/{}/events", id(&w.amw))),
        (
            "POST",
            format!("/api/v1/requests/{}/actions/withdraw", id(&w.amw)),
        ),
        ("GET", "/api/v1/requests/by-reference/AVG-2026-00001".to_string()),
        ("GET", "/api/v1/teams".to_string()),
        ("POST", "/api/v1/teams".to_string()),
        ("GET", "/api/v1/users".to_string()),
        ("POST", "/api/v1/users".to_string()),
        ("GET", "/api/v1/refusal-grounds".to_string()),
        (
            "GET",
            "/api/v1/calendar/deadline?received=2026-11-02&days=14".to_string(),
        ),
        ("GET", "/api/v1/calendar/holidays?year=2026".to_string()),
    ];
    for (method, path) in &paths {
        for token in [None, Some("avgl_0000"), Some("")] {
            let method = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = app.client.request(method.clone(), app.url(path));
            if let Some(token) = token {
                request = request.insert_header(("authorization", format!("Bearer {token}")));
            }
            let response = crate::helpers::read(request.send().await.unwrap()).await;
            response.assert_problem(401);
            assert!(
                response.header("www-authenticate").unwrap().starts_with("Bearer"),
                "{method} {path}"
            );
        }
    }
    // Health, readiness stay open.
    let health = crate::helpers::read(app.client.get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!(health.status, 200);
}

#[actix_web::test]
async fn revoked_tokens_and_deactivated_users_are_401() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let user = app.create_user("caseworker", &["AMW"]).await;
    assert_eq!(app.get_as(&user.token, "/api/v1/teams").await.status, 200);

    let second = app
        .post_json_as(
            &user.token,
            &format!("/api/v1/users/{}/tokens", user.id),
            &json!({}),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let second_token = second.body["token"].as_str().unwrap().to_string();
    let second_id = second.body["id"].as_str().unwrap().to_string();
    assert_eq!(app.get_as(&second_token, "/api/v1/teams").await.status, 200);
    assert_eq!(
        app.request("DELETE", &format!("/api/v1/tokens/{second_id}"))
            .await
            .status,
        204
    );
    let revoked = app.get_as(&second_token, "/api/v1/teams").await;
    revoked.assert_problem(401);
    assert!(revoked.body["detail"].as_str().unwrap().contains("revoked"));
    assert_eq!(
        app.get_as(&user.token, "/api/v1/teams").await.status,
        200,
        "the other token still works"
    );

    let deactivated = app
        .post_json(&format!("/api/v1/users/{}/deactivate", user.id), &json!({}))
        .await;
    assert_eq!(deactivated.status, 200);
    assert_eq!(deactivated.body["active"], false);
    let refused = app.get_as(&user.token, "/api/v1/teams").await;
    refused.assert_problem(401);
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("revoked"),
        "deactivation revokes the tokens: {detail}"
    );
    let tokens = app.get(&format!("/api/v1/users/{}", user.id)).await;
    assert!(
        tokens.body["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["revoked_at"].is_string()),
        "deactivation revokes every token: {}",
        tokens.text
    );
}

#[actix_web::test]
async fn tokens_are_stored_only_as_hashes_and_shown_only_once() {
    use diesel::{QueryDsl, RunQueryDsl};
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let user = app.create_user("manager", &["AMW"]).await;
    assert_eq!(user.token.len(), 5 + 64, "avgl_ + 32 random bytes in hex");
    assert_eq!(app.get_as(&user.token, "/api/v1/teams").await.status, 200);

    let mut conn = app.db.get().unwrap();
    use avg_loket::storage::schema::{api_tokens, audit_events};
    let hashes: Vec<String> = api_tokens::table
        .select(api_tokens::token_hash)
        .load(&mut *conn)
        .unwrap();
    assert!(hashes.contains(&avg_loket::service::auth::hash_token(&user.token)));
    assert!(!hashes.iter().any(|h| h.contains(&user.token[5..])));
    let events: Vec<String> = audit_events::table
        .select(audit_events::data)
        .load(&mut *conn)
        .unwrap();
    assert!(!events.iter().any(|e| e.contains(&user.token[5..])));
    let used: Vec<Option<chrono::NaiveDateTime>> = api_tokens::table
        .select(api_tokens::last_used_at)
        .load(&mut *conn)
        .unwrap();
    assert!(used.iter().any(Option::is_some), "last use is recorded");

    let shown = app.get(&format!("/api/v1/users/{}", user.id)).await;
    assert_eq!(shown.status, 200);
    assert!(!shown.text.contains(&user.token[5..]));
    assert_eq!(shown.body["tokens"].as_array().unwrap().len(), 1);
    assert!(shown.body["tokens"][0]["last_used_at"].is_string());
    let listed = app.get("/api/v1/users").await;
    assert!(!listed.text.contains(&user.token[5..]));
}

#[actix_web::test]
async fn assignment_only_to_an_active_worker_of_the_requests_team() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let request = id(&app.register(&registration("access", "2026-11-02")).await);
    let auditor = app.create_user("auditor", &[]).await;
    let gone = app.create_user("caseworker", &["AMW"]).await;
    app.post_json(&format!("/api/v1/users/{}/deactivate", gone.id), &json!({}))
        .await;
    for (assignee, why) in [
        (app.worker("JGD").id, "another team"),
        (auditor.id.clone(), "not a worker"),
        (gone.id.clone(), "deactivated"),
        (uuid::Uuid::new_v4().to_string(), "unknown"),
    ] {
        let response = app.act(&request, "assign", &json!({"assignee": assignee})).await;
        response.assert_problem(422);
        assert_eq!(response.error_fields(), ["assignee"], "{why}");
    }
    let manager = app.create_user("manager", &["AMW"]).await;
    let ok = app
        .act_ok(&request, "assign", &json!({"assignee": manager.id}))
        .await;
    assert_eq!(ok["assignee"], manager.id.as_str());
    // At registration too.
    let mut body = registration("access", "2026-11-02");
    body["assignee"] = app.worker("JGD").id.into();
    let response = app.post_json("/api/v1/requests", &body).await;
    response.assert_problem(422);
    assert_eq!(response.error_fields(), ["assignee"]);
}

#[actix_web::test]
async fn the_actor_of_every_event_is_the_tokens_user() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let front_desk = app.create_user("front_desk", &[]).await;
    let worker = app.worker("AMW");
    let r = app
        .post_json_as(
            &front_desk.token,
            "/api/v1/requests",
            &registration("access", "2026-11-02"),
        )
        .await;
    assert_eq!(r.status, 201);
    let request = id(&r.body);
    let assign = json!({"assignee": worker.id});
    let r = app
        .post_json_as(
            &worker.token,
            &format!("/api/v1/requests/{request}/actions/assign"),
            &assign,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let events = app.get(&format!("/api/v1/requests/{request}/events")).await;
    let actors: Vec<Value> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].clone())
        .collect();
    assert_eq!(actors, [json!(front_desk.id), json!(worker.id)]);
}

#[actix_web::test]
async fn user_administration_validates_its_input() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let cases = [
        (
            json!({"name": "X", "email": "x@zorg.example", "role": "caseworker"}),
            vec!["teams"],
        ),
        (
            json!({"name": "X", "email": "x@zorg.example", "role": "auditor", "teams": ["AMW"]}),
            vec!["teams"],
        ),
        (
            json!({"name": "X", "email": "x@zorg.example", "role": "caseworker", "teams": ["NOPE"]}),
            vec!["teams[0]"],
        ),
        (
            json!({"name": "X", "email": "x", "role": "boss"}),
            vec!["email", "role"],
        ),
        (
            json!({"name": " ", "email": "x@zorg.example", "role": "auditor"}),
            vec!["name"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post_json("/api/v1/users", &body).await;
        response.assert_problem(422);
        let mut got = response.error_fields();
        got.sort();
        assert_eq!(got, fields, "{body}");
    }
    let body = json!({"name": "A", "email": "Same@Zorg.example", "role": "auditor"});
    assert_eq!(app.post_json("/api/v1/users", &body).await.status, 201);
    let duplicate = json!({"name": "B", "email": "same@zorg.example", "role": "auditor"});
    app.post_json("/api/v1/users", &duplicate)
        .await
        .assert_problem(409);
}
