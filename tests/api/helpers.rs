use std::path::PathBuf;

use actix_web::http::StatusCode;
use avg_loket::configuration::Settings;
use avg_loket::startup::Application;
use avg_loket::storage::Db;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::Value;

pub const POSTGRES_ENV: &str = "AVG_LOKET_TEST_POSTGRES_URL";

/// A database that belongs to one test.
pub enum TestDatabase {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDatabase {
    /// SQLite by default; PostgreSQL when `AVG_LOKET_TEST_POSTGRES_URL` is set.
    pub fn create() -> Self {
        match std::env::var(POSTGRES_ENV) {
            Ok(admin_url) if !admin_url.trim().is_empty() => Self::postgres(admin_url.trim()),
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("avg-loket.db");
        TestDatabase::Sqlite { _dir: dir, path }
    }

    pub fn postgres(admin_url: &str) -> Self {
        // The test server is on loopback: no TLS, unless the URL asks for it. (libpq's
        // OpenSSL, cleaned up at process exit while pooled connections still live in
        // other threads, once crashed the test binary after every test had passed.)
        let with_sslmode;
        let admin_url = if admin_url.contains("sslmode=") {
            admin_url
        } else {
            let separator = if admin_url.contains('?') { '&' } else { '?' };
            with_sslmode = format!("{admin_url}{separator}sslmode=disable");
            &with_sslmode
        };
        let name = format!("avg_loket_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_ENV}: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create test database");
        let url = replace_database(admin_url, &name);
        TestDatabase::Postgres {
            admin_url: admin_url.to_string(),
            name,
            url,
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            TestDatabase::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name, .. } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    pub db: Db,
    pub database: TestDatabase,
    /// The privacy officer every helper request is made as, unless said otherwise.
    pub admin: TestUser,
    /// One caseworker per team made by [`TestApp::create_team`].
    workers: std::sync::Mutex<std::collections::HashMap<String, TestUser>>,
}

/// A user created for a test, with their token.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub token: String,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
    pub text: String,
    /// The body as it came (a PDF, say).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Asserts an RFC 9457 problem with this status and returns its body.
    pub fn assert_problem(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        assert_eq!(self.body["status"], status);
        for member in ["type", "title", "detail"] {
            assert!(
                self.body[member].is_string(),
                "problem without {member}: {}",
                self.text
            );
        }
        assert!(
            self.body["errors"].is_array(),
            "problem without errors: {}",
            self.text
        );
        &self.body
    }

    /// The field names of a validation problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Settings for a test: everything default but the database and a free port.
pub fn test_settings(database_url: &str, extra: &[(&str, &str)]) -> Settings {
    Settings::from_lookup(|name| match name {
        "AVG_LOKET_DATABASE_URL" => Some(database_url.to_string()),
        "AVG_LOKET_LISTEN" => Some(
            extra
                .iter()
                .find(|(k, _)| *k == "AVG_LOKET_LISTEN")
                .map_or("127.0.0.1:0".to_string(), |(_, v)| v.to_string()),
        ),
        "AVG_LOKET_DATABASE_POOL_SIZE" => Some("4".to_string()),
        other => extra
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| v.to_string()),
    })
    .expect("test settings")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The service with some settings of the test's own.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::create();
    let settings = test_settings(&database.url(), extra);
    let application = Application::build(settings).expect("application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let db = application.db();
    actix_web::rt::spawn(application.run_until_stopped());
    let admin = create_user_directly(&db, "Privacy Officer", "fg@zorg.example", "privacy_officer", &[]);
    TestApp {
        address,
        client: awc::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .finish(),
        db,
        database,
        admin,
        workers: Default::default(),
    }
}

/// Creates a user through the service layer, as `avg-loket user add` does.
pub fn create_user_directly(db: &Db, name: &str, email: &str, role: &str, teams: &[&str]) -> TestUser {
    use avg_loket::service::admin::{create_user_in, issue_token_in, NewUser, TokenTerm};
    let teams: Vec<String> = teams.iter().map(|t| t.to_string()).collect();
    let new = NewUser::parse(name, email, role, &teams).expect("valid user");
    let mut conn = db.get().unwrap();
    let now = avg_loket::clock::now();
    let (view, token) = avg_loket::storage::write_transaction(&mut conn, |c| {
        let view = create_user_in(c, "test", new, now)?;
        let token = issue_token_in(c, "test", view.user.id, TokenTerm::personal(), now)?;
        Ok::<_, avg_loket::service::ServiceError>((view, token))
    })
    .expect("user created");
    TestUser {
        id: view.user.id.to_string(),
        token: token.token,
    }
}

/// A first token for a user, as the operator gives it (`avg-loket token create`).
pub fn issue_token_directly(db: &Db, user_id: &str) -> String {
    use avg_loket::service::admin::{issue_token_in, TokenTerm};
    let mut conn = db.get().unwrap();
    avg_loket::storage::write_transaction(&mut conn, |c| {
        let user_id = avg_loket::domain::ids::UserId::parse(user_id).expect("a user's id");
        issue_token_in(c, "cli", user_id, TokenTerm::personal(), avg_loket::clock::now())
    })
    .expect("token issued")
    .token
}

fn bearer(token: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {token}"))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_as(&self.admin.token, path).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> TestResponse {
        let request = self.client.get(self.url(path)).insert_header(bearer(token));
        checked("GET", path, read(request.send().await.expect("GET")).await)
    }

    /// A GET as the privacy officer that asks for `accept` (`text/csv`, say).
    pub async fn get_accepting(&self, path: &str, accept: &str) -> TestResponse {
        let request = self
            .client
            .get(self.url(path))
            .insert_header(bearer(&self.admin.token))
            .insert_header(("accept", accept));
        checked("GET", path, read(request.send().await.expect("GET")).await)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> TestResponse {
        self.post_json_as(&self.admin.token, path, body).await
    }

    pub async fn post_json_as(&self, token: &str, path: &str, body: &Value) -> TestResponse {
        let request = self.client.post(self.url(path)).insert_header(bearer(token));
        checked(
            "POST",
            path,
            read(request.send_json(body).await.expect("POST")).await,
        )
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> TestResponse {
        let request = self
            .client
            .post(self.url(path))
            .insert_header(bearer(&self.admin.token))
            .insert_header(("content-type", content_type));
        checked(
            "POST",
            path,
            read(request.send_body(body.to_string()).await.expect("POST")).await,
        )
    }

    pub async fn request(&self, method: &str, path: &str) -> TestResponse {
        self.request_as(&self.admin.token, method, path).await
    }

    pub async fn request_as(&self, token: &str, method: &str, path: &str) -> TestResponse {
        let verb = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
        let request = self
            .client
            .request(verb, self.url(path))
            .insert_header(bearer(token));
        checked(method, path, read(request.send().await.expect("request")).await)
    }

    pub async fn post_json_with(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = self
            .client
            .post(self.url(path))
            .insert_header(bearer(&self.admin.token));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        checked(
            "POST",
            path,
            read(request.send_json(body).await.expect("POST")).await,
        )
    }

    pub async fn post_json_with_method(
        &self,
        method: &str,
        token: &str,
        path: &str,
        body: &Value,
    ) -> TestResponse {
        let verb = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
        let request = self
            .client
            .request(verb, self.url(path))
            .insert_header(bearer(token));
        checked(
            method,
            path,
            read(request.send_json(body).await.expect("request")).await,
        )
    }

    /// Creates a user over the API (as the privacy officer); returns id and token.
    pub async fn create_user(&self, role: &str, teams: &[&str]) -> TestUser {
        let email = format!("{role}-{}@zorg.example", uuid::Uuid::new_v4().simple());
        let body =
            serde_json::json!({"name": format!("Test {role}"), "email": email, "role": role, "teams": teams});
        let response = self.post_json("/api/v1/users", &body).await;
        assert_eq!(response.status, 201, "{}", response.text);
        assert!(response.body.get("token").is_none(), "{}", response.text);
        let id = response.body["user"]["id"].as_str().unwrap().to_string();
        TestUser {
            token: issue_token_directly(&self.db, &id),
            id,
        }
    }

    /// Creates a team for requests to belong to, with one caseworker in it.
    pub async fn create_team(&self, code: &str) {
        let body = serde_json::json!({"code": code, "name": format!("Team {code}")});
        let response = self.post_json("/api/v1/teams", &body).await;
        assert_eq!(response.status, 201, "{}", response.text);
        let email = format!("worker-{}@zorg.example", code.to_lowercase());
        let worker = create_user_directly(&self.db, &format!("Worker {code}"), &email, "caseworker", &[code]);
        self.workers.lock().unwrap().insert(code.to_string(), worker);
    }

    /// The caseworker [`TestApp::create_team`] made for `team`.
    pub fn worker(&self, team: &str) -> TestUser {
        self.workers
            .lock()
            .unwrap()
            .get(team)
            .cloned()
            .expect("team made by create_team")
    }

    /// Registers a request from `body` and returns the created request.
    pub async fn register(&self, body: &Value) -> Value {
        let response = self.post_json("/api/v1/requests", body).await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.body
    }

    pub async fn act(&self, id: &str, action: &str, body: &Value) -> TestResponse {
        self.post_json(&format!("/api/v1/requests/{id}/actions/{action}"), body)
            .await
    }

    /// Takes an action that must succeed; returns the updated request.
    pub async fn act_ok(&self, id: &str, action: &str, body: &Value) -> Value {
        let response = self.act(id, action, body).await;
        assert_eq!(response.status, 200, "{action}: {}", response.text);
        response.body
    }

    /// Registers `body`, assigns it to its team's caseworker and starts its
    /// assessment (the identity checked by `check`); returns the request's id.
    pub async fn assessed(&self, body: &Value, check: &str) -> String {
        let request = self.register(body).await;
        let id = request["id"].as_str().unwrap().to_string();
        let worker = self.worker(body["team"].as_str().unwrap());
        self.act_ok(&id, "assign", &serde_json::json!({"assignee": worker.id}))
            .await;
        self.act_ok(
            &id,
            "start_assessment",
            &serde_json::json!({"identity_verified_by": check}),
        )
        .await;
        id
    }

    /// The action names of a request's audit events, oldest first.
    pub async fn event_actions(&self, id: &str) -> Vec<String> {
        let events = self.get(&format!("/api/v1/requests/{id}/events")).await;
        assert_eq!(events.status, 200, "{}", events.text);
        events.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect()
    }
}

/// `response`, after checking it against the OpenAPI document.
fn checked(method: &str, path: &str, response: TestResponse) -> TestResponse {
    crate::openapi::conforms(method, path, &response);
    response
}

pub async fn read<S>(mut response: awc::ClientResponse<S>) -> TestResponse
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    let bytes = response.body().limit(64 * 1024 * 1024).await.expect("body");
    let text = String::from_utf8_lossy(&bytes).to_string();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    TestResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body,
        text,
        bytes: bytes.to_vec(),
    }
}

/// Today where the service counts days (Europe/Amsterdam): between 23:00 and
/// midnight UTC the UTC date is yesterday's.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive()
}

/// A valid registration of `kind` received on `received_on`, for team AMW.
pub fn registration(kind: &str, received_on: &str) -> Value {
    let mut body = serde_json::json!({
        "kind": kind,
        "channel": "phone",
        "received_on": received_on,
        "team": "AMW",
        "requester": {"name": "J. de Vries", "email": "j@example.nl", "phone": "06-12345678", "relation": "self"},
        "subject": {"age_band": "adult", "client_reference": "D-10442"},
        "description": "Wil dat het verslag van 3 maart wordt verwijderd",
    });
    match kind {
        "rectification" => body["mode"] = "correct".into(),
        "erasure" => body["scope"] = "whole_file".into(),
        "objection" => body["direct_marketing"] = false.into(),
        _ => {}
    }
    body
}

/// A file of the repository (README, docs, examples), as committed.
pub fn repository_file(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Delivers the outbox (reminders, digests and letters) with `now` as the clock, as
/// one sender of the background loop does.
pub async fn deliver_outbox(
    db: &Db,
    settings: &Settings,
    mailer: &avg_loket::mail::Mailer,
    now: impl Fn() -> chrono::DateTime<chrono::Utc>,
) -> avg_loket::service::delivery::DeliveryReport {
    use avg_loket::service::delivery::{deliver, MailSettings, Outbox};
    let letters = avg_loket::service::letters::LetterSetup::load(settings).expect("the letter set-up");
    let rules = avg_loket::service::Rules::from_settings(settings);
    let mail = MailSettings::from_settings(settings);
    let outbox = Outbox {
        db,
        rules: &rules,
        letters: &letters,
        mailer,
        settings: &mail,
    };
    deliver(&outbox, now).await.expect("deliver")
}

/// Puts `count` reminders due at `now` for `recipient` straight into the outbox, as a
/// sweep would: keys `{key}|0`, `{key}|1`, …, subjects `{key} 0`, `{key} 1`, ….
pub fn queue_reminders(
    db: &Db,
    recipient: &str,
    count: usize,
    now: chrono::DateTime<chrono::Utc>,
    key: &str,
) {
    use avg_loket::domain::ids::UserId;
    use avg_loket::domain::reminders::{MailStage, OutboxStatus, Stage};
    use avg_loket::storage::notifications::{insert_if_new, NotificationRow};
    let mut conn = db.get().unwrap();
    for i in 0..count {
        let row = NotificationRow {
            id: uuid::Uuid::now_v7().into(),
            key: format!("{key}|{i}"),
            request_id: None,
            recipient_id: Some(UserId::parse(recipient).expect("a user's id")),
            recipient_email: "staff@zorg.example".into(),
            stage: MailStage::Reminder(Stage::DueSoon),
            deadline: None,
            deadline_date: None,
            subject: format!("{key} {i}"),
            body_text: "x".into(),
            body_html: "<p>x</p>".into(),
            status: OutboxStatus::Queued,
            attempts: 0,
            next_attempt_at: now.naive_utc(),
            claimed_until: None,
            last_error: None,
            message_id: None,
            digest_id: None,
            created_at: now.naive_utc(),
            sent_at: None,
            letter_id: None,
            task_id: None,
        };
        assert!(insert_if_new(&mut conn, &row).unwrap());
    }
}

/// Makes a final letter by e-mail (an acknowledgement; its PDF a stand-in) for each of
/// `requests` and queues its mail, as sending a letter does; the requester of the
/// `i`-th request gets the address `verzoeker{i}@example.nl`, and the requests send no
/// reminders of their own (so that the outbox holds what the test put there). Returns
/// the letters' ids.
pub fn queue_letters(
    db: &Db,
    requests: &[String],
    author: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    use avg_loket::domain::ids::{LetterId, RequestId, UserId};
    use avg_loket::domain::letters::{LetterChannel, LetterKind, LetterStatus};
    use avg_loket::domain::vocabulary::Language;
    use avg_loket::storage::letters::{insert, LetterInfo, LetterRow};
    use avg_loket::storage::schema::{request_details, requests as requests_table};
    use diesel::prelude::*;
    let mut conn = db.get().unwrap();
    let mut ids = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        let request = RequestId::parse(request).expect("a request's id");
        let changed = diesel::update(request_details::table.find(request))
            .set(request_details::requester_email.eq(Some(format!("verzoeker{i}@example.nl"))))
            .execute(&mut *conn)
            .unwrap();
        assert_eq!(changed, 1, "the request {request} has its details");
        diesel::update(requests_table::table.find(request))
            .set(requests_table::next_reminder_at.eq(None::<chrono::NaiveDateTime>))
            .execute(&mut *conn)
            .unwrap();
        let id = LetterId::from(uuid::Uuid::now_v7());
        let pdf = format!("%PDF-1.7 stand-in for letter {i}").into_bytes();
        insert(
            &mut conn,
            &LetterRow {
                info: LetterInfo {
                    id,
                    request_id: request,
                    kind: LetterKind::Acknowledgement,
                    status: LetterStatus::Queued,
                    channel: LetterChannel::Email,
                    language: Language::Dutch,
                    paragraphs: None,
                    body: Some("Ontvangstbevestiging".into()),
                    sha256: Some(avg_loket::service::letters::sha256_hex(&pdf)),
                    sent_on: None,
                    attempts: 0,
                    last_error: None,
                    created_by: UserId::parse(author).expect("a user's id"),
                    created_at: now.naive_utc(),
                    updated_at: now.naive_utc(),
                    purged_at: None,
                    dated_on: Some(now.date_naive()),
                },
                pdf: Some(pdf),
                message_id: None,
            },
        )
        .unwrap();
        avg_loket::storage::notifications::queue_letter(&mut conn, id, request, now.naive_utc()).unwrap();
        ids.push(id.to_string());
    }
    ids
}
