use crate::helpers::spawn_app;

#[actix_web::test]
async fn healthz_answers_without_a_database_call() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body["status"], "ok");
}

#[actix_web::test]
async fn readyz_reports_the_backend_in_use() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.body["status"], "ready");
    let expected = if app.database.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(response.body["database"], expected);
}

#[actix_web::test]
async fn readyz_is_503_when_no_database_connection_can_be_had() {
    let app = spawn_app().await;
    // Hold every connection of the server's pool: the database cannot serve it.
    let held: Vec<_> = (0..4).map(|_| app.db.get().expect("connection")).collect();
    let response = app.get("/readyz").await;
    let problem = response.assert_problem(503);
    assert!(problem["detail"].as_str().unwrap().contains("database"));
    drop(held);
    assert_eq!(app.get("/readyz").await.status, 200);
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let generated = app
        .get("/healthz")
        .await
        .header("x-request-id")
        .expect("generated id");
    assert_eq!(generated.len(), 36);
    let response = app
        .client
        .get(app.url("/healthz"))
        .insert_header(("x-request-id", "trace-123"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("x-request-id").unwrap(), "trace-123");
    // An id that could smuggle anything else into the logs is replaced.
    let response = app
        .client
        .get(app.url("/healthz"))
        .insert_header(("x-request-id", "Jan de Vries"))
        .send()
        .await
        .unwrap();
    assert_ne!(response.headers().get("x-request-id").unwrap(), "Jan de Vries");
}

#[actix_web::test]
async fn metrics_in_prometheus_format_without_a_token() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.register(&crate::helpers::registration("access", "2025-01-06"))
        .await;
    app.get("/api/v1/teams").await;
    let response = crate::helpers::read(app.client.get(app.url("/metrics")).send().await.unwrap()).await;
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").unwrap().starts_with("text/plain"));
    let text = response.text;
    assert!(
        text.contains(r#"avg_loket_http_requests_total{method="GET",route="/api/v1/teams",status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("avg_loket_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        text.contains(r#"avg_loket_open_requests{status="received"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"avg_loket_overdue_requests{deadline="response"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"avg_loket_outbox_mails{status="failed"} 0"#),
        "{text}"
    );
    assert!(!text.contains("de Vries"));
}
