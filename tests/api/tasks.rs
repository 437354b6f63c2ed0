//! Carrying a request out in every system: the register of systems, a task per
//! system, completion held until every task is closed, and the signed report of a
//! system's own automation — over HTTP.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{read, registration, spawn_app, spawn_app_with, today, TestApp, TestResponse, TestUser};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

async fn add_system(app: &TestApp, code: &str, owner: &TestUser, kinds: &[&str], extra: Value) -> Value {
    let mut body =
        json!({"code": code, "name": format!("Systeem {code}"), "owner": owner.id, "kinds": kinds});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let response = app.post_json("/api/v1/systems", &body).await;
    assert_eq!(response.status, 201, "{}", response.text);
    response.body
}

async fn tasks_of(app: &TestApp, token: &str, request: &str) -> TestResponse {
    app.get_as(token, &format!("/api/v1/requests/{request}/tasks"))
        .await
}

async fn task_action(app: &TestApp, token: &str, task: &str, action: &str, body: &Value) -> TestResponse {
    app.post_json_as(token, &format!("/api/v1/tasks/{task}/actions/{action}"), body)
        .await
}

fn task_for<'a>(list: &'a Value, system: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["system"] == system)
        .unwrap_or_else(|| panic!("a task for {system} in {list}"))
}

fn systems_of(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["system"].as_str().unwrap().to_string())
        .collect()
}

/// An erasure request of team AMW, assessed and assigned to its caseworker.
async fn assessed_erasure(app: &TestApp) -> String {
    app.assessed(&registration("erasure", &today().to_string()), "known_client")
        .await
}

/// An erasure received on `received`, assessed and granted on `decided`.
async fn granted_erasure_of(app: &TestApp, received: &str, decided: &str) -> String {
    let request = app
        .assessed(&registration("erasure", received), "known_client")
        .await;
    app.act_ok(
        &request,
        "decide",
        &json!({"outcome": "granted", "communicated_on": decided}),
    )
    .await;
    request
}

async fn grant(app: &TestApp, request: &str) -> Value {
    app.act_ok(
        request,
        "decide",
        &json!({"outcome": "granted", "grounds": [], "explanation": "Wij verwijderen de gegevens.", "communicated_on": today().to_string()}),
    )
    .await
}

fn completion() -> Value {
    json!({"summary": "Verwijderd uit alle systemen", "recipients_informed": ["Huisarts"]})
}

#[actix_web::test]
async fn a_granted_erasure_is_completed_only_when_every_erasing_system_has_closed_its_task() {
    let organisation = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("organisation.example.toml");
    let app = spawn_app_with(&[("AVG_LOKET_ORGANISATION_FILE", organisation.to_str().unwrap())]).await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    // The owner of the client file works in another team: a task makes them see the
    // request's status, not its free text.
    let ecd_owner = app.worker("JGD");
    let stranger = app.create_user("caseworker", &["JGD"]).await;
    let mail_owner = app.create_user("manager", &["AMW"]).await;
    add_system(&app, "ECD", &ecd_owner, &["access", "erasure"], json!({})).await;
    add_system(
        &app,
        "MAIL",
        &mail_owner,
        &["erasure"],
        json!({"processor": true}),
    )
    .await;
    add_system(&app, "FIN", &mail_owner, &["access"], json!({})).await;
    add_system(&app, "OUD", &mail_owner, &["erasure"], json!({"active": false})).await;

    let request = assessed_erasure(&app).await;
    let none = tasks_of(&app, &app.admin.token, &request).await;
    assert_eq!(none.status, 200, "{}", none.text);
    assert_eq!(
        none.body["items"],
        json!([]),
        "an erasure collects nothing before its decision"
    );

    let granted = grant(&app, &request).await;
    let list = tasks_of(&app, &app.admin.token, &request).await.body;
    assert_eq!(
        systems_of(&list),
        ["ECD", "MAIL"],
        "active erasing systems only: {list}"
    );
    let execution: chrono::NaiveDate = granted["deadlines"]["execution"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    for task in list["items"].as_array().unwrap() {
        assert_eq!(task["status"], "open");
        let due: chrono::NaiveDate = task["due"].as_str().unwrap().parse().unwrap();
        assert!(
            due <= execution && due >= today(),
            "due {due}, execution {execution}"
        );
    }
    assert_eq!(task_for(&list, "ECD")["owner"], ecd_owner.id.as_str());

    // Completion waits, and says for which systems.
    let refused = app.act(&request, "complete", &completion()).await;
    let problem = refused.assert_problem(409);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("ECD") && detail.contains("MAIL"), "{detail}");

    // Another team's caseworker sees and changes nothing.
    let ecd_task = id(task_for(&list, "ECD"));
    let mail_task = id(task_for(&list, "MAIL"));
    tasks_of(&app, &stranger.token, &request)
        .await
        .assert_problem(404);
    task_action(&app, &stranger.token, &ecd_task, "done", &json!({}))
        .await
        .assert_problem(404);
    app.get_as(&stranger.token, &format!("/api/v1/requests/{request}"))
        .await
        .assert_problem(404);

    // The client file's owner closes their task; they see the request's status only.
    let seen = app
        .get_as(&ecd_owner.token, &format!("/api/v1/requests/{request}"))
        .await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert!(
        !seen.text.contains("J. de Vries"),
        "a task owner sees no personal data: {}",
        seen.text
    );
    let done = task_action(
        &app,
        &ecd_owner.token,
        &ecd_task,
        "done",
        &json!({"note": "dossier D-10442 gewist"}),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["status"], "done");
    assert_eq!(done.body["done_by"], ecd_owner.id.as_str());
    assert!(done.body["done_at"].is_string());
    task_action(&app, &ecd_owner.token, &ecd_task, "done", &json!({}))
        .await
        .assert_problem(409);
    // Not theirs to see: the other system's note.
    let theirs = tasks_of(&app, &ecd_owner.token, &request).await;
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    task_action(
        &app,
        &app.worker("AMW").token,
        &mail_task,
        "exception",
        &json!({"note": "bewaarplicht"}),
    )
    .await;
    let theirs = tasks_of(&app, &ecd_owner.token, &request).await.body;
    assert_eq!(task_for(&theirs, "ECD")["note"], "dossier D-10442 gewist");
    assert_eq!(task_for(&theirs, "MAIL")["note"], Value::Null);

    // An exception needs its reason; skipping and reopening are the privacy officer's.
    let worker = app.worker("AMW");
    let reopened = task_action(&app, &worker.token, &mail_task, "reopen", &json!({})).await;
    reopened.assert_problem(403);
    let reopened = task_action(&app, &app.admin.token, &mail_task, "reopen", &json!({})).await;
    assert_eq!(reopened.body["status"], "open", "{}", reopened.text);
    let missing = task_action(
        &app,
        &worker.token,
        &mail_task,
        "exception",
        &json!({"note": " "}),
    )
    .await;
    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["note"]);
    task_action(
        &app,
        &worker.token,
        &mail_task,
        "skip",
        &json!({"note": "niet in gebruik"}),
    )
    .await
    .assert_problem(403);
    let skipped = task_action(
        &app,
        &app.admin.token,
        &mail_task,
        "skip",
        &json!({"note": "niet in gebruik"}),
    )
    .await;
    assert_eq!(skipped.body["status"], "skipped", "{}", skipped.text);

    let completed = app.act_ok(&request, "complete", &completion()).await;
    assert_eq!(completed["status"], "completed");
    // The chain with the tasks' events in it holds.
    let dir = tempfile::tempdir().unwrap();
    let verified = crate::cli::avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &app.database.url())])
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    task_action(&app, &app.admin.token, &ecd_task, "reopen", &json!({}))
        .await
        .assert_problem(409);

    // The completion letter names where the data were erased: the systems whose task
    // was done (not the skipped one), without a note.
    let letter = app
        .post_json(
            &format!("/api/v1/requests/{request}/letters"),
            &json!({"kind": "completion"}),
        )
        .await;
    assert_eq!(letter.status, 201, "{}", letter.text);
    let text = letter.body["text"].as_str().unwrap();
    assert!(text.contains("Verwijderd uit: Systeem ECD."), "{text}");
    assert!(!text.contains("Systeem MAIL"), "{text}");
    assert!(
        !text.contains("gewist") && !text.contains("niet in gebruik"),
        "{text}"
    );

    // Every change is an event of the request's chain, and no note is in it.
    let actions = app.event_actions(&request).await;
    for expected in [
        "task_opened",
        "task_done",
        "task_exception",
        "task_reopened",
        "task_skipped",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    let events = app.get(&format!("/api/v1/requests/{request}/events")).await;
    for note in ["gewist", "bewaarplicht", "niet in gebruik"] {
        assert!(!events.text.contains(note), "a note in the audit trail: {note}");
    }
}

#[actix_web::test]
async fn an_access_request_collects_from_its_systems_and_a_refusal_skips_what_is_open() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let owner = app.create_user("caseworker", &["AMW"]).await;
    add_system(&app, "ECD", &owner, &["access"], json!({})).await;
    add_system(&app, "FIN", &owner, &["access", "portability"], json!({})).await;
    let request = app
        .assessed(&registration("access", &today().to_string()), "id_document")
        .await;
    let list = tasks_of(&app, &app.admin.token, &request).await.body;
    assert_eq!(systems_of(&list), ["ECD", "FIN"], "{list}");
    // The owner's own list, soonest due first.
    let mine = app.get_as(&owner.token, "/api/v1/tasks").await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(systems_of(&mine.body), ["ECD", "FIN"]);
    let fin = id(task_for(&list, "FIN"));
    task_action(&app, &owner.token, &fin, "not_found", &json!({})).await;
    app.act_ok(
        &request,
        "decide",
        &json!({"outcome": "refused", "grounds": ["manifestly_unfounded"], "explanation": "Het verzoek is kennelijk ongegrond.", "communicated_on": today().to_string()}),
    )
    .await;
    let list = tasks_of(&app, &app.admin.token, &request).await.body;
    assert_eq!(task_for(&list, "ECD")["status"], "skipped");
    assert_eq!(
        task_for(&list, "FIN")["status"],
        "not_found",
        "a closed task stays as it was"
    );
    let mine = app.get_as(&owner.token, "/api/v1/tasks").await;
    assert_eq!(mine.body["items"], json!([]));
}

#[actix_web::test]
async fn the_register_of_systems_is_the_privacy_officers_and_a_new_owner_takes_the_open_tasks() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    let auditor = app.create_user("auditor", &[]).await;
    let body = json!({"code": "ECD", "name": "Cliëntdossier", "owner": worker.id, "kinds": ["erasure"]});
    app.post_json_as(&worker.token, "/api/v1/systems", &body)
        .await
        .assert_problem(403);
    let wrong = app
        .post_json(
            "/api/v1/systems",
            &json!({"code": "ecd", "name": "", "owner": auditor.id, "kinds": ["forget"], "webhook_url": "ftp://x"}),
        )
        .await;
    wrong.assert_problem(422);
    let mut fields = wrong.error_fields();
    fields.sort();
    assert_eq!(fields, ["code", "kinds[0]", "name", "owner", "webhook_url"]);
    let listed = app.get("/api/v1/systems").await;
    assert_eq!(listed.body["items"], json!([]), "a refused system is not stored");

    let created = add_system(&app, "ECD", &worker, &["erasure"], json!({})).await;
    assert_eq!(created["owner_name"], "Worker AMW");
    assert!(created.get("callback_secret").is_none(), "no webhook, no key");
    let again = app.post_json("/api/v1/systems", &body).await;
    again.assert_problem(409);

    let request = assessed_erasure(&app).await;
    grant(&app, &request).await;
    let successor = app.create_user("caseworker", &["AMW"]).await;
    let changed = app
        .post_json_with_method(
            "PATCH",
            &app.admin.token,
            "/api/v1/systems/ECD",
            &json!({"owner": successor.id, "deputy": worker.id}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["deputy"], worker.id.as_str());
    let list = tasks_of(&app, &app.admin.token, &request).await.body;
    assert_eq!(task_for(&list, "ECD")["owner"], successor.id.as_str());
    // The deputy still sees it among their tasks.
    let mine = app.get_as(&worker.token, "/api/v1/tasks").await;
    assert_eq!(systems_of(&mine.body), ["ECD"]);
    // Every member of staff reads the register.
    let read = app.get_as(&auditor.token, "/api/v1/systems/ECD").await;
    assert_eq!(read.body["name"], "Systeem ECD");
    let actions = app.get("/api/v1/requests").await;
    assert_eq!(actions.status, 200);
}

fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn report(app: &TestApp, task: &str, signature: Option<String>, body: &str) -> TestResponse {
    let path = format!("/api/v1/tasks/{task}/report");
    let mut request = app
        .client
        .post(app.url(&path))
        .insert_header(("content-type", "application/json"));
    if let Some(signature) = signature {
        request = request.insert_header(("X-Avg-Signature", signature));
    }
    let response = read(request.send_body(body.to_string()).await.expect("POST")).await;
    crate::openapi::conforms("POST", &path, &response);
    response
}

#[actix_web::test]
async fn a_systems_signed_report_closes_its_task_once_and_nothing_else_does() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    let system = add_system(
        &app,
        "ECD",
        &worker,
        &["erasure"],
        json!({"webhook_url": "http://127.0.0.1:9/avg"}),
    )
    .await;
    let secret = system["callback_secret"]
        .as_str()
        .expect("the key, shown once")
        .to_string();
    assert_eq!(secret.len(), 64);
    let read_again = app.get("/api/v1/systems/ECD").await;
    assert!(
        read_again.body.get("callback_secret").is_none(),
        "{}",
        read_again.text
    );
    let request = assessed_erasure(&app).await;
    grant(&app, &request).await;
    let task = id(task_for(
        &tasks_of(&app, &app.admin.token, &request).await.body,
        "ECD",
    ));
    let body = r#"{"status": "done", "note": "verwijderd door de koppeling"}"#;
    let now = chrono::Utc::now().timestamp();

    report(&app, &task, None, body).await.assert_problem(401);
    report(&app, &task, Some(sign("another key", now, body)), body)
        .await
        .assert_problem(401);
    report(&app, &task, Some(sign(&secret, now - 600, body)), body)
        .await
        .assert_problem(401);
    let tampered = body.replace("done", "not_found");
    report(&app, &task, Some(sign(&secret, now, body)), &tampered)
        .await
        .assert_problem(401);
    report(&app, "not-a-task", Some(sign(&secret, now, body)), body)
        .await
        .assert_problem(401);
    let bad = r#"{"status": "finished"}"#;
    report(&app, &task, Some(sign(&secret, now, bad)), bad)
        .await
        .assert_problem(422);

    let signature = sign(&secret, now, body);
    let accepted = report(&app, &task, Some(signature.clone()), body).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    assert_eq!(accepted.body["status"], "done");
    assert_eq!(accepted.body["done_by"], "system:ECD");
    report(&app, &task, Some(signature), body)
        .await
        .assert_problem(401);
    let later = sign(&secret, now + 1, body);
    report(&app, &task, Some(later), body).await.assert_problem(409);

    // A replaced key: the old one stops working at once.
    let rotated = app.post_json("/api/v1/systems/ECD/secret", &json!({})).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new_secret = rotated.body["callback_secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let actions = app.event_actions(&request).await;
    assert!(actions.iter().any(|a| a == "task_done"), "{actions:?}");
    let completed = app.act_ok(&request, "complete", &completion()).await;
    assert_eq!(completed["status"], "completed");
}

#[actix_web::test]
async fn on_the_pages_the_privacy_officer_keeps_the_systems_and_a_caseworker_closes_a_task_and_completes() {
    use crate::pages::{csrf_of, get, post, shows, sign_in};
    use actix_web::http::StatusCode;

    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    let officer = sign_in(&app, &app.admin.token).await;
    let register = get(&app, "/admin/systems", &[&officer]).await;
    assert_eq!(register.status, StatusCode::OK);
    shows(&register, "Er zijn nog geen systemen.");
    shows(&register, "href=\"/admin/systems\"");
    let csrf = csrf_of(&register);

    // A refused form: the reasons beside the fields, what was typed kept, nothing stored.
    let refused = post(
        &app,
        "/admin/systems",
        &[&officer],
        &[
            ("csrf", &csrf),
            ("code", "1ECD"),
            ("name", "Cliëntdossier"),
            ("owner", &worker.id),
            ("webhook_url", "ftp://x"),
        ],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    shows(&refused, "een systeemcode heeft 1 tot 16 tekens");
    shows(&refused, "kies ten minste één soort verzoek");
    shows(&refused, "een http- of https-adres");
    shows(&refused, "value=\"Cliëntdossier\"");
    shows(&refused, "value=\"ftp://x\"");
    assert_eq!(app.get("/api/v1/systems").await.body["items"], json!([]));

    // Added with a webhook: its key once, on a page of its own.
    let added = post(
        &app,
        "/admin/systems",
        &[&officer],
        &[
            ("csrf", &csrf),
            ("code", "ecd"),
            ("name", "Cliëntdossier"),
            ("owner", &worker.id),
            ("kinds", "erasure"),
            ("kinds", "access"),
            ("active", "ja"),
            ("webhook_url", "https://ecd.zorg.example/avg"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    shows(&added, "Sleutel van systeem ECD");
    shows(&added, "alleen nu");
    let system = get(&app, "/admin/systems/ECD", &[&officer]).await;
    shows(&system, "Sleutel vervangen");
    shows(&system, "value=\"Cliëntdossier\"");
    assert!(!system
        .text
        .contains(&added.text[added.text.find("readonly value=\"").unwrap() + 16..][..64]));

    // The caseworker sees the task on the request page and in "Mijn taken".
    let request = assessed_erasure(&app).await;
    grant(&app, &request).await;
    let desk = sign_in(&app, &worker.token).await;
    let page = get(&app, &format!("/requests/{request}"), &[&desk]).await;
    shows(&page, "Uitvoering per systeem");
    shows(&page, "Cliëntdossier (ECD)");
    let mine = get(&app, "/tasks", &[&desk]).await;
    shows(&mine, "Mijn taken");
    shows(&mine, &format!("href=\"/requests/{request}#taken\""));
    let task = id(task_for(
        &tasks_of(&app, &app.admin.token, &request).await.body,
        "ECD",
    ));

    // An exception without its reason: said beside the note, nothing changed.
    let csrf = csrf_of(&page);
    let missing = post(
        &app,
        &format!("/tasks/{task}"),
        &[&desk],
        &[
            ("csrf", &csrf),
            ("request", &request),
            ("action", "exception"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.text
    );
    shows(&missing, "vul de reden in");
    // Completing while it is open: said on the page.
    let early = post(
        &app,
        &format!("/requests/{request}/actions/complete"),
        &[&desk],
        &[
            ("csrf", &csrf),
            ("summary", "Verwijderd"),
            ("recipients_informed", "Huisarts"),
        ],
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    shows(&early, "nog open in: ECD (Cliëntdossier)");

    let done = post(
        &app,
        &format!("/tasks/{task}"),
        &[&desk],
        &[
            ("csrf", &csrf),
            ("request", &request),
            ("action", "done"),
            ("note", "gewist in het ECD"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(
        done.header("location"),
        Some(format!("/requests/{request}#taken"))
    );
    let page = get(&app, &format!("/requests/{request}"), &[&desk]).await;
    shows(&page, "gewist in het ECD");
    let completed = post(
        &app,
        &format!("/requests/{request}/actions/complete"),
        &[&desk],
        &[
            ("csrf", &csrf),
            ("summary", "Verwijderd"),
            ("recipients_informed", "Huisarts"),
        ],
    )
    .await;
    assert_eq!(completed.status, StatusCode::SEE_OTHER, "{}", completed.text);
    let after = app.get(&format!("/api/v1/requests/{request}")).await;
    assert_eq!(after.body["status"], "completed");
    let mine = get(&app, "/tasks", &[&desk]).await;
    shows(&mine, "U heeft geen open taken.");
}

/// A system's receiver on 127.0.0.1: answers each call with the next status of
/// `answers` (then 200) and keeps what it was sent (headers and body).
fn receiver(answers: Vec<u16>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/avg", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        let mut answers = answers.into_iter();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            kept.lock()
                .unwrap()
                .push(format!("{head}\r\n{}", String::from_utf8_lossy(&body)));
            let status = answers.next().unwrap_or(200);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (url, seen)
}

#[actix_web::test]
async fn a_system_with_a_webhook_is_called_signed_when_its_task_opens_and_again_after_a_failure() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    let (url, seen) = receiver(vec![503]);
    let system = add_system(&app, "ECD", &worker, &["erasure"], json!({"webhook_url": url})).await;
    let secret = system["callback_secret"].as_str().unwrap().to_string();
    let request = assessed_erasure(&app).await;
    grant(&app, &request).await;
    let task = id(task_for(
        &tasks_of(&app, &app.admin.token, &request).await.body,
        "ECD",
    ));

    let settings = crate::helpers::test_settings(&app.database.url(), &[]);
    let mailer = avg_loket::mail::Mailer::from_settings(&settings).unwrap();
    let now = chrono::Utc::now();
    let first = crate::helpers::deliver_outbox(&app.db, &settings, &mailer, move || now).await;
    assert_eq!(
        (first.sent, first.retried),
        (0, 1),
        "the system answered 503: tried again later"
    );
    // The back-off passed: the call is made again, and answered.
    let later = now + chrono::Duration::minutes(30);
    let second = crate::helpers::deliver_outbox(&app.db, &settings, &mailer, move || later).await;
    assert_eq!(second.sent, 1, "{second:?}");
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 2, "{calls:?}");
    let call = &calls[1];
    let (head, body) = call.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("POST /avg HTTP/1.1"), "{head}");
    let sent: Value = serde_json::from_str(body).unwrap();
    assert_eq!(sent["task"], task.as_str());
    assert_eq!(sent["kind"], "erasure");
    assert!(sent["request_reference"].as_str().unwrap().starts_with("AVG-"));
    assert!(sent["due"].is_string());
    assert!(
        !body.contains("Vries") && !body.contains("D-10442"),
        "nothing about the client: {body}"
    );
    let header = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-avg-signature: ")
                .map(str::to_string)
        })
        .expect("a signature");
    let timestamp: i64 = header
        .trim_start_matches("t=")
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(timestamp, later.timestamp(), "signed when it was sent");
    assert_eq!(header, sign(&secret, timestamp, body));
    // Nothing more to call.
    let third = crate::helpers::deliver_outbox(&app.db, &settings, &mailer, move || later).await;
    assert_eq!(third.sent + third.retried + third.failed, 0);
}

#[actix_web::test]
async fn the_dashboard_counts_open_and_overdue_tasks_per_system_and_owner_within_sight() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let worker = app.worker("AMW");
    add_system(&app, "ECD", &worker, &["erasure"], json!({})).await;
    add_system(&app, "MAIL", &app.admin, &["erasure"], json!({})).await;
    let request = assessed_erasure(&app).await;
    grant(&app, &request).await;
    let dashboard = app.get("/api/v1/dashboard").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text);
    let tasks = &dashboard.body["tasks"];
    assert_eq!(tasks["open"], 2, "{tasks}");
    assert_eq!(tasks["overdue"], 0);
    let systems: Vec<_> = tasks["by_system"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].clone())
        .collect();
    assert_eq!(systems, [json!("ECD"), json!("MAIL")]);
    assert_eq!(tasks["by_system"][0]["name"], "Systeem ECD");
    let owners: Vec<_> = tasks["by_owner"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert!(
        owners.contains(&json!("Worker AMW")) && owners.contains(&json!("Privacy Officer")),
        "{owners:?}"
    );
    // Another team's manager sees none of them.
    let other = app.create_user("manager", &["JGD"]).await;
    let theirs = app.get_as(&other.token, "/api/v1/dashboard").await;
    assert_eq!(theirs.body["tasks"]["open"], 0, "{}", theirs.text);
    // Done: no longer open.
    let task = id(task_for(
        &tasks_of(&app, &app.admin.token, &request).await.body,
        "ECD",
    ));
    task_action(&app, &worker.token, &task, "done", &json!({})).await;
    let after = app.get("/api/v1/dashboard").await;
    assert_eq!(after.body["tasks"]["open"], 1);
    // The request moves to JGD: its open task is counted there now.
    app.act_ok(
        &request,
        "transfer",
        &json!({"team": "JGD", "reason": "andere cliënt"}),
    )
    .await;
    let theirs = app.get_as(&other.token, "/api/v1/dashboard").await;
    assert_eq!(theirs.body["tasks"]["open"], 1, "{}", theirs.text);
    let amw = app.create_user("manager", &["AMW"]).await;
    let ours = app.get_as(&amw.token, "/api/v1/dashboard").await;
    assert_eq!(ours.body["tasks"]["open"], 0, "{}", ours.text);
    // A new owner of the system takes its open task on the dashboard too.
    let changed = app
        .post_json_with_method(
            "PATCH",
            &app.admin.token,
            "/api/v1/systems/MAIL",
            &json!({"owner": worker.id}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let after = app.get("/api/v1/dashboard").await;
    assert_eq!(
        after.body["tasks"]["by_owner"],
        json!([{"key": worker.id.as_str(), "name": "Worker AMW", "open": 1, "overdue": 0}]),
        "{}",
        after.text
    );
    // Another request's two tasks, opened today and so due no earlier; moved back in
    // time in the database, as if opened weeks ago, they are overdue.
    let old = granted_erasure_of(&app, "2023-03-06", "2023-03-09").await;
    let after = app.get("/api/v1/dashboard").await;
    assert_eq!(after.body["tasks"]["open"], 3, "{}", after.text);
    assert_eq!(after.body["tasks"]["overdue"], 0, "{}", after.text);
    let mut conn = app.db.get().unwrap();
    {
        use diesel::connection::SimpleConnection;
        conn.batch_execute(&format!(
            "UPDATE tasks SET due = '2023-03-30' WHERE request_id = '{old}'"
        ))
        .unwrap();
    }
    let after = app.get("/api/v1/dashboard").await;
    assert_eq!(after.body["tasks"]["open"], 3, "{}", after.text);
    assert_eq!(after.body["tasks"]["overdue"], 2, "{}", after.text);
    // The counters the dashboard reads (migration 000032) agree with the tasks.
    assert_eq!(crate::seed::open_figures_out_of_step(&mut conn), 0);
}

#[actix_web::test]
async fn retention_removes_a_purged_requests_task_notes_and_keeps_who_did_what() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    add_system(&app, "ECD", &worker, &["erasure"], json!({})).await;
    let request = granted_erasure_of(&app, "2023-03-06", "2023-03-09").await;
    let task = id(task_for(
        &tasks_of(&app, &app.admin.token, &request).await.body,
        "ECD",
    ));
    task_action(
        &app,
        &worker.token,
        &task,
        "done",
        &json!({"note": "dossier van J. de Vries gewist"}),
    )
    .await;
    app.act_ok(
        &request,
        "complete",
        &json!({"summary": "klaar", "recipients_informed": ["Huisarts"], "completed_on": "2023-03-16"}),
    )
    .await;
    let purged = crate::retention::run_purge(&app);
    assert!(purged.contains("1 closed request(s) anonymised"), "{purged}");
    let list = tasks_of(&app, &app.admin.token, &request).await.body;
    let kept = task_for(&list, "ECD");
    assert_eq!(kept["note"], Value::Null, "{kept}");
    assert_eq!(kept["status"], "done");
    assert_eq!(kept["done_by"], worker.id.as_str());
}

#[actix_web::test]
async fn the_annual_report_counts_the_requests_carried_out_per_system_with_small_cells_hidden() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    add_system(&app, "ECD", &worker, &["erasure"], json!({})).await;
    add_system(&app, "MAIL", &worker, &["erasure"], json!({})).await;
    add_system(&app, "FIN", &worker, &["access"], json!({})).await;
    for n in 0..5 {
        let request = granted_erasure_of(&app, "2025-03-03", "2025-03-06").await;
        let list = tasks_of(&app, &app.admin.token, &request).await.body;
        let ecd = id(task_for(&list, "ECD"));
        let mail = id(task_for(&list, "MAIL"));
        let in_mail = if n < 2 { "done" } else { "not_found" };
        for (task, action) in [(ecd, "done"), (mail, in_mail)] {
            let closed = task_action(&app, &worker.token, &task, action, &json!({})).await;
            assert_eq!(closed.status, 200, "{}", closed.text);
        }
    }
    let report = app.get("/api/v1/reports/annual?year=2025").await;
    assert_eq!(report.status, 200, "{}", report.text);
    // MAIL's 2 is small; ECD's 5 is withheld so that 2 cannot be worked out.
    assert_eq!(
        report.body["by_system"],
        json!({
            "ECD": {"name": "Systeem ECD", "carried_out": "×"},
            "FIN": {"name": "Systeem FIN", "carried_out": 0},
            "MAIL": {"name": "Systeem MAIL", "carried_out": "<5"},
        })
    );
    let other_year = app.get("/api/v1/reports/annual?year=2024").await;
    assert_eq!(other_year.body["by_system"]["ECD"]["carried_out"], 0);
    let csv = app
        .get_accepting("/api/v1/reports/annual?year=2025", "text/csv")
        .await;
    assert!(
        csv.text.lines().any(|l| l == "system_carried_out,MAIL,<5,,,"),
        "{}",
        csv.text
    );
    let officer = crate::pages::sign_in(&app, &app.admin.token).await;
    let page = crate::pages::get(&app, "/reports/annual?jaar=2025", &[&officer]).await;
    crate::pages::shows(&page, "<caption>Uitgevoerd per systeem</caption>");
    crate::pages::shows(&page, "<th scope=\"row\">Systeem MAIL (MAIL)</th><td>&#60;5</td>");
}
