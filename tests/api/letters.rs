//! Letters to the requester, over HTTP: drafted from the request, checked for what the
//! law requires, rendered to PDF/A-2b, sent by post or by e-mail (the file outbox
//! here), kept as proof, and removed by retention with the hash kept.
//!
//! The PDF's text is read with `pdftotext` and its structure checked with `qpdf`
//! (poppler-utils and qpdf, installed by `.ci/run`).

use std::process::Command;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use avg_loket::domain::calendar::Calendar;

use crate::helpers::{registration, repository_file, spawn_app_with, today, TestApp};

/// A service with the example organisation file and mail into `outbox`.
async fn letters_app(outbox: &std::path::Path, extra: &[(&str, &str)]) -> TestApp {
    let organisation = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("organisation.example.toml");
    let mail_url = format!("file://{}", outbox.display());
    // The test's own settings first: the first of a name counts.
    let mut settings: Vec<(&str, String)> = extra.iter().map(|(k, v)| (*k, v.to_string())).collect();
    settings.push((
        "AVG_LOKET_ORGANISATION_FILE",
        organisation.to_str().unwrap().to_string(),
    ));
    settings.push(("AVG_LOKET_MAIL_URL", mail_url));
    let borrowed: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(&borrowed).await;
    app.create_team("AMW").await;
    app
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

/// A registration with a postal address, received `received_on`.
fn with_address(kind: &str, received_on: &str) -> Value {
    let mut body = registration(kind, received_on);
    body["requester"]["address"] =
        json!({"line": "Kerkstraat 7", "postcode": "5678cd", "city": "Andersdorp"});
    body
}

async fn assessed(app: &TestApp, body: &Value) -> String {
    app.assessed(body, "id_document").await
}

async fn draft(app: &TestApp, request: &str, body: &Value) -> Value {
    let r = app
        .post_json(&format!("/api/v1/requests/{request}/letters"), body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

/// Fills every free paragraph a draft left empty (the note and the withheld list aside).
async fn complete_paragraphs(app: &TestApp, letter: &Value) -> Value {
    let mut given = serde_json::Map::new();
    for (name, text) in letter["paragraphs"].as_object().unwrap() {
        if text == "" && name != "note" && name != "withheld" {
            given.insert(name.clone(), json!(format!("Tekst voor {name}.")));
        }
    }
    let r = app
        .post_json_with_method(
            "PUT",
            &app.admin.token,
            &format!("/api/v1/letters/{}", id(letter)),
            &json!({"paragraphs": given}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

async fn pdf_bytes(app: &TestApp, letter: &str) -> Vec<u8> {
    let mut response = app
        .client
        .get(app.url(&format!("/api/v1/letters/{letter}/pdf")))
        .insert_header(("authorization", format!("Bearer {}", app.admin.token)))
        .send()
        .await
        .expect("GET pdf");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap().to_str().unwrap(),
        "application/pdf"
    );
    response.body().limit(10_000_000).await.unwrap().to_vec()
}

/// The PDF's text as `pdftotext` reads it, every run of white space one space.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What each letter must say (docs/letters.md), as words its PDF must contain, beyond the
/// common part every letter carries.
const COMMON: [&str; 8] = [
    "Stichting Welzijn Voorbeeldstad",
    "Dorpsstraat 12",
    "Ons kenmerk",
    "AVG-",
    "Onderwerp",
    "030 123 45 67",
    "Functionaris gegevensbescherming",
    "fg@welzijnvoorbeeldstad.example",
];

async fn send_by_post(app: &TestApp, letter: &Value, sent_on: &str) -> Value {
    assert_eq!(letter["missing"], json!([]), "{}", letter["text"]);
    let r = app
        .post_json(
            &format!("/api/v1/letters/{}/send", id(letter)),
            &json!({"sent_on": sent_on}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "sent");
    r.body
}

/// Drafts, completes and posts `kind` on `request`, and checks its PDF for `needles`.
async fn letter_says(app: &TestApp, request: &str, kind: &str, sent_on: &str, needles: &[&str]) -> Value {
    let letter = draft(app, request, &json!({"kind": kind, "channel": "post"})).await;
    assert_eq!(letter["status"], "draft");
    let letter = complete_paragraphs(app, &letter).await;
    let sent = send_by_post(app, &letter, sent_on).await;
    let bytes = pdf_bytes(app, &id(&sent)).await;
    assert_eq!(
        sent["sha256"],
        sha256(&bytes),
        "GET …/pdf gives back what was sent"
    );
    let text = pdf_text(&bytes);
    for needle in COMMON.iter().chain(needles) {
        assert!(text.contains(needle), "{kind}: '{needle}' not in\n{text}");
    }
    assert!(
        !text.contains("CONCEPT"),
        "a sent letter is not marked as a draft"
    );
    sent
}

#[actix_web::test]
async fn every_letter_says_in_its_pdf_what_the_law_requires() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;

    let r = app.register(&with_address("access", "2026-11-02")).await;
    letter_says(
        &app,
        &id(&r),
        "acknowledgement",
        "2026-11-03",
        &[
            "Kerkstraat 7",
            "5678 CD Andersdorp",
            "inzage",
            "2 november 2026",
            "artikel 15",
            "16 november 2026",
            "2 december 2026",
            "identiteit",
        ],
    )
    .await;

    for (reason, needles) in [
        ("identity", ["twijfel", "BSN", "pasfoto"]),
        ("representation", ["vertegenwoordig", "ouder", "staat stil"]),
        ("clarification", ["Tekst voor needed.", "staat stil", "veilig"]),
    ] {
        let request = assessed(&app, &with_address("access", "2026-11-02")).await;
        app.act_ok(
            &request,
            "suspend",
            &json!({"reason": reason, "asked_on": "2026-11-04"}),
        )
        .await;
        letter_says(&app, &request, "information_request", "2026-11-04", &needles).await;
    }

    let request = assessed(&app, &with_address("erasure", "2026-11-02")).await;
    app.act_ok(
        &request,
        "extend",
        &json!({"reason": "Het dossier is groot.", "informed_on": "2026-11-10"}),
    )
    .await;
    letter_says(
        &app,
        &request,
        "extension_notice",
        "2026-11-10",
        &["twee maanden", "Het dossier is groot.", "2 februari 2027"],
    )
    .await;

    for (outcome, needles) in [
        ("granted", vec!["Wij voeren uw verzoek uit"]),
        (
            "partially_granted",
            vec![
                "voor een deel",
                "artikel 17, lid 3, onder b, AVG",
                "De wet verplicht ons",
                "autoriteitpersoonsgegevens.nl",
                "verzoekschrift",
                "zes weken",
                "klacht indienen bij ons",
                "vijftien jaar",
            ],
        ),
        (
            "refused",
            vec![
                "niet uit",
                "artikel 17, lid 3, onder b, AVG",
                "autoriteitpersoonsgegevens.nl",
                "verzoekschrift",
                "rechtbank",
                "zes weken",
                "vijftien jaar",
            ],
        ),
    ] {
        let request = assessed(&app, &with_address("erasure", "2026-11-02")).await;
        let grounds: Vec<&str> = if outcome == "granted" {
            vec![]
        } else {
            vec!["legal_retention_obligation"]
        };
        app.act_ok(&request, "decide", &json!({"outcome": outcome, "grounds": grounds, "explanation": "De Jeugdwet vraagt ons het dossier vijftien jaar te bewaren.", "communicated_on": "2026-11-12"})).await;
        let sent = letter_says(&app, &request, "decision", "2026-11-13", &needles).await;
        let r = app.get(&format!("/api/v1/requests/{request}")).await;
        assert_eq!(
            r.body["version"], 5,
            "register, assign, assess, decide, then the letter's date"
        );
        assert_eq!(
            r.body["decision"]["communicated_on"], "2026-11-13",
            "the letter's date is when the decision was communicated"
        );
        let events = app.get(&format!("/api/v1/requests/{request}/events")).await;
        let sent_event = events.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "letter_sent")
            .expect("a letter_sent event");
        assert_eq!(sent_event["data"]["sha256"], sent["sha256"]);
        assert_eq!(sent_event["data"]["kind"], "decision");
        assert_eq!(sent_event["data"]["channel"], "post");
        assert_eq!(sent_event["data"]["communicated_on"], "2026-11-13");
        assert!(
            !sent_event["data"].to_string().contains("Jeugdwet"),
            "no content in the audit trail"
        );
    }

    for (kind, extra, needles) in [
        (
            "access",
            json!({}),
            vec![
                "Waarvoor gebruiken wij",
                "Hoe lang bewaren wij",
                "bezwaar",
                "autoriteitpersoonsgegevens.nl",
            ],
        ),
        (
            "rectification",
            json!({"mode": "correct"}),
            vec!["wie dat zijn", "uw gegevens te verbeteren"],
        ),
        (
            "rectification",
            json!({"mode": "supplement"}),
            vec!["verklaring", "dossier"],
        ),
        (
            "erasure",
            json!({"scope": "data"}),
            vec!["wie dat zijn", "verwijderd"],
        ),
        ("restriction", json!({}), vec!["wie dat zijn", "beperkt"]),
        (
            "portability",
            json!({}),
            vec!["Welke bestanden", "Tekst voor delivery."],
        ),
        (
            "objection",
            json!({"direct_marketing": true}),
            vec!["direct marketing"],
        ),
    ] {
        let mut body = with_address(kind, "2026-11-02");
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let request = assessed(&app, &body).await;
        app.act_ok(
            &request,
            "decide",
            &json!({"outcome": "granted", "communicated_on": "2026-11-12"}),
        )
        .await;
        let completion = if matches!(kind, "rectification" | "erasure" | "restriction") {
            json!({"summary": "Wij hebben het gedaan.", "recipients_informed": ["Huisarts"], "completed_on": "2026-11-20"})
        } else {
            json!({"summary": "Wij hebben het gedaan.", "completed_on": "2026-11-20"})
        };
        app.act_ok(&request, "complete", &completion).await;
        letter_says(&app, &request, "completion", "2026-11-20", &needles).await;
        if kind == "restriction" {
            letter_says(
                &app,
                &request,
                "restriction_lifting",
                "2026-11-25",
                &["Tekst voor lifted_from.", "Tekst voor reason.", "artikel 18"],
            )
            .await;
        }
    }

    let r = app.register(&with_address("portability", "2026-11-02")).await;
    app.act_ok(
        &id(&r),
        "withdraw",
        &json!({"reason": "niet meer nodig", "on": "2026-11-05"}),
    )
    .await;
    letter_says(
        &app,
        &id(&r),
        "withdrawal_confirmation",
        "2026-11-05",
        &["5 november 2026", "ingetrokken", "nieuw verzoek"],
    )
    .await;
}

#[actix_web::test]
async fn a_draft_names_what_is_missing_and_cannot_be_sent_until_it_is_there() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    // No postal address, and the decision's explanation is emptied in the draft.
    let request = assessed(&app, &registration("erasure", "2026-11-02")).await;
    app.act_ok(&request, "decide", &json!({"outcome": "refused", "grounds": ["legal_retention_obligation"], "explanation": "Bewaarplicht.", "communicated_on": "2026-11-12"})).await;
    let letter = draft(
        &app,
        &request,
        &json!({"kind": "decision", "channel": "post", "paragraphs": {"explanation": ""}}),
    )
    .await;
    let missing: Vec<&str> = letter["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["element"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["address", "explanation"]);
    assert!(letter["text"].as_str().unwrap().starts_with("CONCEPT"));
    let r = app
        .post_json(&format!("/api/v1/letters/{}/send", id(&letter)), &json!({}))
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["missing.address", "missing.explanation"]);
    let after = app.get(&format!("/api/v1/letters/{}", id(&letter))).await;
    assert_eq!(after.body["status"], "draft", "a refused send changes nothing");
    assert!(!app
        .event_actions(&request)
        .await
        .iter()
        .any(|a| a.starts_with("letter")));
    // A draft's PDF is a preview, marked as such.
    assert!(pdf_text(&pdf_bytes(&app, &id(&letter)).await).contains("CONCEPT"));

    // Unknown paragraphs are refused; a sent letter cannot change.
    let r = app
        .post_json_with_method(
            "PUT",
            &app.admin.token,
            &format!("/api/v1/letters/{}", id(&letter)),
            &json!({"paragraphs": {"body": "x"}}),
        )
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["paragraphs.body"]);
    let r = app
        .post_json_with_method("PUT", &app.admin.token, &format!("/api/v1/letters/{}", id(&letter)), &json!({"channel": "email", "paragraphs": {"explanation": "De wet verplicht ons het dossier te bewaren."}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["missing"],
        json!([]),
        "by e-mail no postal address is needed"
    );
    let r = app
        .post_json_with_method(
            "PUT",
            &app.admin.token,
            &format!("/api/v1/letters/{}", id(&letter)),
            &json!({"channel": "post"}),
        )
        .await;
    assert_eq!(r.body["missing"][0]["element"], "address");
    // The request is closed (refused); the requester's address can still be added.
    let r = app
        .act(
            &request,
            "correct",
            &json!({"reason": "adres voor de brief", "subject": {"client_reference": "X-1"}}),
        )
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["subject.client_reference"]);
    app.act_ok(&request, "correct", &json!({"reason": "adres voor de brief", "requester": {"address": {"line": "Kerkstraat 7", "postcode": "5678 CD", "city": "Andersdorp"}}}))
        .await;
    let r = app.get(&format!("/api/v1/letters/{}", id(&letter))).await;
    assert_eq!(r.body["missing"], json!([]), "the letter now has its address");

    // A letter that does not fit the request is refused with the reason.
    let fresh = app.register(&registration("access", "2026-11-02")).await;
    let r = app
        .post_json(
            &format!("/api/v1/requests/{}/letters", id(&fresh)),
            &json!({"kind": "decision"}),
        )
        .await;
    r.assert_problem(409);
    assert!(
        r.body["detail"].as_str().unwrap().contains("decide first"),
        "{}",
        r.text
    );
    let r = app
        .post_json(
            &format!("/api/v1/requests/{}/letters", id(&fresh)),
            &json!({"kind": "memo"}),
        )
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["kind"]);
}

#[actix_web::test]
async fn an_override_that_drops_a_mandatory_element_makes_sending_fail_naming_it() {
    let outbox = tempfile::tempdir().unwrap();
    let overrides = tempfile::tempdir().unwrap();
    std::fs::create_dir(overrides.path().join("nl")).unwrap();
    let original = repository_file("templates/letters/nl/decision.txt");
    let dropped = original.replace(
        "- U kunt een klacht indienen bij de Autoriteit Persoonsgegevens. Kijk op autoriteitpersoonsgegevens.nl.\n",
        "",
    );
    assert_ne!(original, dropped);
    std::fs::write(overrides.path().join("nl/decision.txt"), dropped).unwrap();
    let app = letters_app(
        outbox.path(),
        &[("AVG_LOKET_LETTER_TEMPLATES", overrides.path().to_str().unwrap())],
    )
    .await;
    let request = assessed(&app, &with_address("erasure", "2026-11-02")).await;
    app.act_ok(&request, "decide", &json!({"outcome": "refused", "grounds": ["legal_retention_obligation"], "explanation": "Bewaarplicht.", "communicated_on": "2026-11-12"})).await;
    let letter = draft(&app, &request, &json!({"kind": "decision", "channel": "post"})).await;
    assert_eq!(letter["missing"][0]["element"], "complaint_authority");
    let r = app
        .post_json(&format!("/api/v1/letters/{}/send", id(&letter)), &json!({}))
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["missing.complaint_authority"]);
    assert!(r.text.contains("Autoriteit Persoonsgegevens"), "{}", r.text);
}

#[actix_web::test]
async fn a_refusal_by_email_reaches_an_smtp_server_over_tls_with_the_pdf_whose_hash_the_audit_trail_keeps() {
    let outbox = tempfile::tempdir().unwrap();
    let port = crate::smtp_sink::free_port();
    let (sink, ca_pem) = crate::smtp_sink::SmtpSink::start_tls(port);
    let ca_file = outbox.path().join("ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let mail_url = format!("smtps://127.0.0.1:{port}");
    let mail_settings = [
        ("AVG_LOKET_MAIL_URL", mail_url.as_str()),
        ("AVG_LOKET_MAIL_CA_FILE", ca_file.to_str().unwrap()),
    ];
    let app = letters_app(outbox.path(), &mail_settings).await;
    let mut body = registration("erasure", &today().to_string());
    body["channel"] = json!("email");
    let request = assessed(&app, &body).await;
    app.act_ok(&request, "decide", &json!({"outcome": "refused", "grounds": ["legal_retention_obligation"], "explanation": "De wet verplicht ons het dossier te bewaren.", "communicated_on": today().to_string()})).await;
    assert_eq!(
        app.get("/api/v1/dashboard").await.body["letters"],
        json!({"queued": 0, "failed": 0, "decisions_without_letter": 1})
    );
    let letter = draft(&app, &request, &json!({"kind": "decision"})).await;
    assert_eq!(
        letter["channel"], "email",
        "a request by e-mail is answered by e-mail (AVG 12(3))"
    );
    assert_eq!(letter["missing"], json!([]), "{}", letter["text"]);
    let r = app
        .post_json(&format!("/api/v1/letters/{}/send", id(&letter)), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "queued");
    let sha = r.body["sha256"].as_str().unwrap().to_string();
    assert_eq!(
        app.get("/api/v1/dashboard").await.body["letters"],
        json!({"queued": 1, "failed": 0, "decisions_without_letter": 0})
    );
    {
        let mut conn = app.db.get().unwrap();
        assert_eq!(crate::seed::open_figures_out_of_step(&mut conn), 0);
    }

    let organisation = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("organisation.example.toml");
    let mut with_organisation = mail_settings.to_vec();
    with_organisation.push(("AVG_LOKET_ORGANISATION_FILE", organisation.to_str().unwrap()));
    let settings = crate::helpers::test_settings(&app.database.url(), &with_organisation);
    let mailer = avg_loket::mail::Mailer::from_settings(&settings).unwrap();
    let report = crate::helpers::deliver_outbox(&app.db, &settings, &mailer, chrono::Utc::now).await;
    assert_eq!(report.sent, 1);
    assert_eq!(app.get("/api/v1/dashboard").await.body["letters"]["queued"], 0);

    let letter = app.get(&format!("/api/v1/letters/{}", id(&letter))).await;
    assert_eq!(letter.body["status"], "sent");
    assert_eq!(letter.body["sent_on"], today().to_string());
    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "one mail at the SMTP server");
    assert_eq!(mails[0].to, ["j@example.nl"]);
    let eml = &mails[0].data;
    assert!(eml.contains("To: j@example.nl"), "{eml}");
    assert!(eml.contains("Reply-To: fg@welzijnvoorbeeldstad.example"), "{eml}");
    assert!(eml.contains("Content-Type: application/pdf"), "{eml}");
    // The attachment's name is Dutch; the subject names the request, not the letter's
    // own subject line.
    assert!(eml.contains(" besluit.pdf"), "{eml}");
    assert!(eml.contains("Subject: Uw verzoek AVG-2026-"), "{eml}");
    let attachment = attachment_of(eml);
    assert_eq!(sha256(&attachment), sha);
    assert_eq!(sha256(&pdf_bytes(&app, &id(&letter.body)).await), sha);
    let events = app.get(&format!("/api/v1/requests/{request}/events")).await;
    let sent_event = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "letter_sent")
        .expect("letter_sent");
    assert_eq!(sent_event["data"]["sha256"], sha);
    assert_eq!(sent_event["data"]["channel"], "email");
    let r = app.get(&format!("/api/v1/requests/{request}")).await;
    assert_eq!(r.body["decision"]["communicated_on"], today().to_string());

    // PDF/A-2b, declared in its XMP metadata, and sound for qpdf.
    let text = String::from_utf8_lossy(&attachment);
    assert!(
        text.contains("<pdfaid:part>2</pdfaid:part>"),
        "PDF/A part 2 in the XMP metadata"
    );
    assert!(text.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("l.pdf"), &attachment).unwrap();
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(dir.path().join("l.pdf"))
        .output()
        .expect("qpdf runs (apt-get install qpdf)");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // A sent letter never changes.
    let r = app
        .post_json_with_method(
            "PUT",
            &app.admin.token,
            &format!("/api/v1/letters/{}", id(&letter.body)),
            &json!({"channel": "post"}),
        )
        .await;
    r.assert_problem(409);
    let r = app
        .request("DELETE", &format!("/api/v1/letters/{}", id(&letter.body)))
        .await;
    r.assert_problem(409);
}

/// The base64 body of the mail's application/pdf part.
fn attachment_of(eml: &str) -> Vec<u8> {
    let start = eml.find("Content-Type: application/pdf").unwrap();
    let part = &eml[start..];
    let body_start = part
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| part.find("\n\n").map(|i| i + 2))
        .unwrap();
    let body: String = part[body_start..]
        .lines()
        .take_while(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .concat();
    base64_decode(body.trim())
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let value = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

#[actix_web::test]
async fn the_front_desk_sends_the_acknowledgement_only_and_letters_wait_for_the_organisation_file() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let desk = app.create_user("front_desk", &[]).await;
    let r = app
        .post_json_as(
            &desk.token,
            "/api/v1/requests",
            &with_address("access", &today().to_string()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let request = id(&r.body);
    let r = app
        .post_json_as(
            &desk.token,
            &format!("/api/v1/requests/{request}/letters"),
            &json!({"kind": "acknowledgement"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["channel"], "post",
        "a request by phone is answered by post"
    );
    let r = app
        .post_json_as(
            &desk.token,
            &format!("/api/v1/letters/{}/send", id(&r.body)),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["sent_on"], today().to_string());
    let ack_id = id(&r.body);
    app.act_ok(
        &request,
        "withdraw",
        &json!({"reason": "niet meer nodig", "on": today().to_string()}),
    )
    .await;
    let r = app
        .post_json_as(
            &desk.token,
            &format!("/api/v1/requests/{request}/letters"),
            &json!({"kind": "withdrawal_confirmation"}),
        )
        .await;
    r.assert_problem(403);
    // Once the request moved on, the front desk sees its status only: its letters,
    // which carry the requester's name and address, read as not there.
    let ack = ack_id.clone();
    app.get_as(&desk.token, &format!("/api/v1/requests/{request}/letters"))
        .await
        .assert_problem(404);
    app.get_as(&desk.token, &format!("/api/v1/letters/{ack}"))
        .await
        .assert_problem(404);
    app.get_as(&desk.token, &format!("/api/v1/letters/{ack}/pdf"))
        .await
        .assert_problem(404);

    // An extension is announced within the first month, or not by this letter.
    let late = assessed(&app, &with_address("access", "2026-10-01")).await;
    app.act_ok(
        &late,
        "extend",
        &json!({"reason": "Veel verzoeken tegelijk.", "informed_on": "2026-10-20"}),
    )
    .await;
    let letter = draft(
        &app,
        &late,
        &json!({"kind": "extension_notice", "channel": "post"}),
    )
    .await;
    let r = app
        .post_json(
            &format!("/api/v1/letters/{}/send", id(&letter)),
            &json!({"sent_on": "2026-11-20"}),
        )
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["sent_on"]);

    // Without the organisation file, letters say how to make one; the rest works.
    let bare =
        crate::helpers::spawn_app_with(&[("AVG_LOKET_ORGANISATION_FILE", "/nonexistent/organisation.toml")])
            .await;
    bare.create_team("AMW").await;
    let r = bare.register(&registration("access", &today().to_string())).await;
    let r = bare
        .post_json(
            &format!("/api/v1/requests/{}/letters", id(&r)),
            &json!({"kind": "acknowledgement"}),
        )
        .await;
    r.assert_problem(409);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("organisation.example.toml"),
        "{}",
        r.text
    );
}

#[actix_web::test]
async fn retention_removes_the_letters_and_keeps_their_hash() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let r = app.register(&with_address("access", "2020-01-06")).await;
    let request = id(&r);
    let letter = draft(
        &app,
        &request,
        &json!({"kind": "acknowledgement", "channel": "post"}),
    )
    .await;
    let sent = send_by_post(&app, &letter, "2020-01-07").await;
    app.act_ok(
        &request,
        "withdraw",
        &json!({"reason": "niet meer nodig", "on": "2020-01-10"}),
    )
    .await;
    let spare = draft(
        &app,
        &request,
        &json!({"kind": "withdrawal_confirmation", "channel": "post"}),
    )
    .await;
    // A letter by e-mail still waiting in the outbox, its last attempt refused with
    // the server's words.
    let waiting =
        crate::helpers::queue_letters(&app.db, &[request.to_string()], &app.admin.id, chrono::Utc::now())
            .remove(0);
    let outbox_row = || {
        use avg_loket::storage::schema::notifications as n;
        use diesel::prelude::*;
        n::table
            .find(&waiting)
            .select((n::status, n::last_error))
            .first::<(String, Option<String>)>(&mut *app.db.get().unwrap())
            .unwrap()
    };
    {
        use avg_loket::storage::schema::notifications as n;
        use diesel::prelude::*;
        diesel::update(n::table.find(&waiting))
            .set(n::last_error.eq(Some("550 mailbox of jan.jansen unknown")))
            .execute(&mut *app.db.get().unwrap())
            .unwrap();
    }
    assert_eq!(outbox_row().0, "queued");

    let out = Command::new(crate::cli::BIN)
        .args(["purge"])
        .env("AVG_LOKET_DATABASE_URL", app.database.url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = app.get(&format!("/api/v1/letters/{}", id(&sent))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["text"], Value::Null);
    assert_eq!(r.body["sha256"], sent["sha256"], "the hash stays");
    assert!(r.body["purged_at"].is_string());
    app.get(&format!("/api/v1/letters/{}/pdf", id(&sent)))
        .await
        .assert_problem(404);
    app.get(&format!("/api/v1/letters/{}", id(&spare)))
        .await
        .assert_problem(404);
    // The waiting letter will not go (its content is gone), and the server's words
    // are gone with the rest.
    let r = app.get(&format!("/api/v1/letters/{waiting}")).await;
    assert_eq!(r.body["status"], "failed", "{}", r.text);
    assert_eq!(outbox_row(), ("cancelled".to_string(), None));
    let r = app
        .act(&request, "correct", &json!({"reason": "adres", "requester": {"address": {"line": "Kerkstraat 7", "postcode": "5678 CD", "city": "Andersdorp"}}}))
        .await;
    r.assert_problem(409);
    assert!(r.text.contains("retention"), "{}", r.text);
    let out = Command::new(crate::cli::BIN)
        .args(["audit", "verify"])
        .env("AVG_LOKET_DATABASE_URL", app.database.url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[actix_web::test]
async fn on_the_pages_a_caseworker_decides_drafts_completes_and_sends_the_letter_in_one_sitting() {
    use crate::pages::{csrf_of, get, post, shows, sign_in};
    use avg_loket::domain::vocabulary::date_in_words;
    use avg_loket::pages::labels::long_date;
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let request = assessed(&app, &with_address("erasure", "2026-11-02")).await;
    let worker = app.worker("AMW");
    let session = sign_in(&app, &worker.token).await;
    let link = format!("/requests/{request}");
    let page = get(&app, &link, &[&session]).await;
    shows(&page, "Correspondentie");
    shows(&page, "Er zijn nog geen brieven");
    let version = {
        let at = page.text.find("name=\"version\" value=\"").unwrap() + 22;
        page.text[at..].split('"').next().unwrap().to_string()
    };
    let decided = post(
        &app,
        &format!("{link}/actions/decide"),
        &[&session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version),
            ("outcome", "refused"),
            ("grounds", "legal_retention_obligation"),
            ("explanation", "De wet verplicht ons het dossier te bewaren."),
            ("communicated_on", "2026-11-12"),
        ],
    )
    .await;
    assert_eq!(decided.status, 303, "{}", decided.text);
    assert_eq!(
        decided.header("location").unwrap(),
        format!("{link}#correspondentie"),
        "the decision leads on to its letter"
    );
    let page = get(&app, &link, &[&session]).await;
    shows(&page, "<option value=\"decision\" selected>Besluit</option>");

    let drafted = post(
        &app,
        &format!("{link}/letters"),
        &[&session],
        &[("csrf", &csrf_of(&page)), ("kind", "decision")],
    )
    .await;
    assert_eq!(drafted.status, 303, "{}", drafted.text);
    let letter_link = drafted.header("location").unwrap();
    let letter_id = letter_link.trim_start_matches("/letters/").to_string();
    // Empty the explanation: the page names what is missing, and sending is refused.
    let letter = get(&app, &letter_link, &[&session]).await;
    shows(&letter, "Besluit (concept)");
    shows(&letter, "De brief noemt alles wat de wet vraagt");
    let saved = post(
        &app,
        &letter_link,
        &[&session],
        &[
            ("csrf", &csrf_of(&letter)),
            ("p_explanation", ""),
            ("p_note", ""),
            ("channel", "post"),
            ("language", "nl"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let letter = get(&app, &letter_link, &[&session]).await;
    shows(
        &letter,
        "Deze brief kan pas worden verstuurd als hij ook dit noemt:",
    );
    shows(&letter, "de uitleg voor deze situatie");
    let refused = post(
        &app,
        &format!("{letter_link}/definitief"),
        &[&session],
        &[("csrf", &csrf_of(&letter))],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    shows(&refused, "De brief is nog niet definitief.");
    shows(&refused, "de brief noemt nog niet: de uitleg voor deze situatie");

    // Complete it, preview the PDF (marked as a draft), make it final and print it,
    // then record the day it was posted: the letter itself does not change.
    let saved = post(
        &app,
        &letter_link,
        &[&session],
        &[
            ("csrf", &csrf_of(&letter)),
            (
                "p_explanation",
                "De Jeugdwet vraagt ons het dossier vijftien jaar te bewaren.",
            ),
            ("p_note", ""),
            ("channel", "post"),
            ("language", "nl"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303);
    let preview = get(&app, &format!("{letter_link}/pdf"), &[&session]).await;
    assert_eq!(preview.status, 200);
    assert_eq!(preview.header("content-type").as_deref(), Some("application/pdf"));
    assert!(pdf_text(&preview.bytes).contains("CONCEPT"));
    let letter = get(&app, &letter_link, &[&session]).await;
    shows(&letter, "Definitief maken om af te drukken");
    assert!(
        !letter.text.contains("Verzending vastleggen"),
        "not before it is final"
    );
    let finalised = post(
        &app,
        &format!("{letter_link}/definitief"),
        &[&session],
        &[("csrf", &csrf_of(&letter))],
    )
    .await;
    assert_eq!(finalised.status, 303, "{}", finalised.text);
    let letter = get(&app, &letter_link, &[&session]).await;
    shows(&letter, "Klaar voor verzending");
    shows(&letter, "Definitieve PDF downloaden om af te drukken");
    shows(
        &letter,
        &format!("<dt>Datum op de brief</dt><dd>{}</dd>", long_date(today())),
    );
    assert!(
        !letter.text.contains("Opslaan"),
        "a final letter has no edit form"
    );
    let printed = get(&app, &format!("{letter_link}/pdf"), &[&session]).await;
    let printed_text = pdf_text(&printed.bytes);
    assert!(!printed_text.contains("CONCEPT"), "{printed_text}");
    assert!(
        printed_text.contains(&date_in_words(today())),
        "dated today: {printed_text}"
    );
    assert!(
        printed
            .header("content-disposition")
            .unwrap()
            .contains("besluit.pdf"),
        "a Dutch file name"
    );
    // Posted before the date printed on it: refused, beside the field.
    let early = post(
        &app,
        &format!("{letter_link}/send"),
        &[&session],
        &[("csrf", &csrf_of(&letter)), ("sent_on", "2026-11-13")],
    )
    .await;
    assert_eq!(early.status, 422, "{}", early.text);
    shows(&early, "de datum die op de brief staat");
    let sent = post(
        &app,
        &format!("{letter_link}/send"),
        &[&session],
        &[("csrf", &csrf_of(&letter)), ("sent_on", &today().to_string())],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.text);
    assert_eq!(
        sent.header("location").unwrap(),
        format!("{link}#correspondentie")
    );
    let page = get(&app, &link, &[&session]).await;
    shows(
        &page,
        &format!(
            "<a href=\"/letters/{letter_id}\">Besluit</a></td><td>Verzonden</td><td>Per post</td><td>{}</td>",
            long_date(today())
        ),
    );
    shows(&page, &format!("<a href=\"/letters/{letter_id}/pdf\">downloaden"));
    let letter = get(&app, &letter_link, &[&session]).await;
    shows(&letter, "PDF downloaden (precies zoals verstuurd)");
    let posted = get(&app, &format!("{letter_link}/pdf"), &[&session]).await;
    assert_eq!(
        posted.bytes, printed.bytes,
        "recording the posting never rewrites the letter"
    );
}

#[actix_web::test]
async fn a_letter_by_email_is_refused_while_mail_would_leave_unencrypted() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(
        outbox.path(),
        &[("AVG_LOKET_MAIL_URL", "smtp://127.0.0.1:2525?tls=none")],
    )
    .await;
    let mut body = registration("access", &today().to_string());
    body["channel"] = json!("web_form");
    let request = app.register(&body).await;
    let letter = draft(&app, &id(&request), &json!({"kind": "acknowledgement"})).await;
    assert_eq!(letter["channel"], "email");
    let r = app
        .post_json(&format!("/api/v1/letters/{}/send", id(&letter)), &json!({}))
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["channel"]);
    assert!(r.text.contains("encrypted"), "{}", r.text);
    let after = app.get(&format!("/api/v1/letters/{}", id(&letter))).await;
    assert_eq!(after.body["status"], "draft", "nothing was queued");
}

#[actix_web::test]
async fn an_address_added_by_correcting_the_registration_completes_a_letter_by_post() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let request = id(&app.register(&registration("access", &today().to_string())).await);
    let letter = draft(&app, &request, &json!({"kind": "acknowledgement"})).await;
    assert_eq!(letter["channel"], "post");
    assert_eq!(letter["missing"][0]["element"], "address");
    let r = app
        .act(&request, "correct", &json!({"reason": "adres opgegeven", "requester": {"address": {"line": "Kerkstraat 7", "postcode": "", "city": "Andersdorp"}}}))
        .await;
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["requester.address.postcode"]);
    let r = app
        .act_ok(&request, "correct", &json!({"reason": "adres opgegeven", "requester": {"address": {"line": "Kerkstraat 7", "postcode": "5678cd", "city": "Andersdorp"}, "language": "en"}}))
        .await;
    assert_eq!(
        r["requester"]["address"],
        json!({"line": "Kerkstraat 7", "postcode": "5678 CD", "city": "Andersdorp"})
    );
    assert_eq!(r["requester"]["language"], "en");
    let events = app.get(&format!("/api/v1/requests/{request}/events")).await;
    let correction = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "correct")
        .unwrap();
    assert!(
        !correction["data"].to_string().contains("Kerkstraat"),
        "the trail names the field, not the address"
    );
    let letter = app.get(&format!("/api/v1/letters/{}", id(&letter))).await;
    assert_eq!(letter.body["missing"], json!([]));
    assert!(letter.body["text"]
        .as_str()
        .unwrap()
        .contains("5678 CD Andersdorp"));
    // A new draft follows the requester's language.
    let english = draft(&app, &request, &json!({"kind": "acknowledgement"})).await;
    assert_eq!(english["language"], "en");
    assert!(english["text"]
        .as_str()
        .unwrap()
        .contains("We have received your request"));
}

#[test]
fn organisation_check_refuses_an_override_that_leaves_out_a_mandatory_element() {
    let overrides = tempfile::tempdir().unwrap();
    std::fs::create_dir(overrides.path().join("en")).unwrap();
    let original = repository_file("templates/letters/en/extension_notice.txt");
    std::fs::write(overrides.path().join("en/extension_notice.txt"), &original).unwrap();
    let organisation = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("organisation.example.toml");
    let check = || {
        Command::new(crate::cli::BIN)
            .args(["organisation", "check", "--file", organisation.to_str().unwrap()])
            .env("AVG_LOKET_LETTER_TEMPLATES", overrides.path())
            .output()
            .unwrap()
    };
    let out = check();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("letter templates replaced: en/extension_notice.txt")
    );
    let dropped = original.replace("at most two months more", "a while");
    assert_ne!(dropped, original);
    std::fs::write(overrides.path().join("en/extension_notice.txt"), dropped).unwrap();
    let out = check();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("en/extension_notice.txt: that the period is extended, and by how long"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

/// Drafts `kind` by post with its paragraphs as pre-filled (the empty ones filled in),
/// makes it final, records it as posted today, and returns its PDF's text and the name
/// it is saved under.
async fn printed_and_posted(app: &TestApp, request: &str, kind: &str) -> (String, String) {
    let letter = draft(app, request, &json!({"kind": kind, "channel": "post"})).await;
    let letter = complete_paragraphs(app, &letter).await;
    assert_eq!(letter["missing"], json!([]), "{kind}: {}", letter["text"]);
    let letter_id = id(&letter);
    let finalised = app
        .post_json(&format!("/api/v1/letters/{letter_id}/finalise"), &json!({}))
        .await;
    assert_eq!(finalised.status, 200, "{}", finalised.text);
    assert_eq!(finalised.body["status"], "queued");
    assert_eq!(finalised.body["dated_on"], today().to_string());
    let printed = pdf_bytes(app, &letter_id).await;
    let posted = app
        .post_json(
            &format!("/api/v1/letters/{letter_id}/send"),
            &json!({"sent_on": today().to_string()}),
        )
        .await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    assert_eq!(posted.body["status"], "sent");
    assert_eq!(posted.body["sha256"], finalised.body["sha256"]);
    let response = app.get(&format!("/api/v1/letters/{letter_id}/pdf")).await;
    assert_eq!(
        response.bytes, printed,
        "recording the posting never rewrites the letter"
    );
    let name = response.header("content-disposition").unwrap_or_default();
    (pdf_text(&printed), name)
}

/// A daughter with a power of attorney asks for her mother's file. The register keeps
/// the mother's name and finds the request by it; the acknowledgement, the request
/// for proof of representation, the decision and the completion letter all go to the
/// daughter, name the mother, and speak of the mother's data as hers.
#[actix_web::test]
async fn a_daughters_request_for_her_mothers_file_names_the_mother_in_every_letter() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let mut body = with_address("access", "2026-11-02");
    body["channel"] = json!("letter");
    body["requester"]["name"] = json!("E. Bosman-Ruiter");
    body["requester"]["relation"] = json!("authorised");
    body["subject"] = json!({"age_band": "adult", "client_reference": "D-20001"});
    // Without the mother's name the registration is refused, naming the field.
    let refused = app.post_json("/api/v1/requests", &body).await;
    refused.assert_problem(422);
    assert_eq!(refused.error_fields(), ["subject.name"]);
    body["subject"]["name"] = json!("G. Ruiter");
    let registered = app.register(&body).await;
    assert_eq!(registered["subject"]["name"], "G. Ruiter");
    let request = id(&registered);
    for q in ["Ruiter", "g.%20ruiter", "bosman", "d-20001"] {
        let found = app.get(&format!("/api/v1/requests?q={q}")).await;
        assert_eq!(found.body["total"], 1, "q={q}: {}", found.text);
    }

    let is_about_the_mother = |kind: &str, text: &str, needles: &[&str]| {
        for needle in ["Beste E. Bosman-Ruiter", "G. Ruiter"].iter().chain(needles) {
            assert!(text.contains(needle), "{kind}: '{needle}' not in\n{text}");
        }
        let lower = text.to_lowercase();
        for own in [
            "uw gegevens",
            "uw dossier",
            "over u ",
            "over u.",
            "over u,",
            "uw recht uit",
        ] {
            assert!(!lower.contains(own), "{kind}: '{own}' in\n{text}");
        }
        assert!(
            !text.contains("AVG 1"),
            "{kind}: the catalogue's notation in\n{text}"
        );
    };

    let (text, _) = printed_and_posted(&app, &request, "acknowledgement").await;
    is_about_the_mother(
        "acknowledgement",
        &text,
        &[
            "uw verzoek om inzage in de gegevens van G. Ruiter",
            "U doet dit verzoek als gemachtigde van G. Ruiter",
            "het recht van G. Ruiter volgens artikel 15",
        ],
    );

    app.act_ok(&request, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    app.act_ok(
        &request,
        "suspend",
        &json!({"reason": "representation", "asked_on": "2026-11-03"}),
    )
    .await;
    let (text, _) = printed_and_posted(&app, &request, "information_request").await;
    is_about_the_mother(
        "information_request",
        &text,
        &[
            "U schrijft dat u dit verzoek doet als gemachtigde van G. Ruiter",
            "Een machtiging met de handtekening van G. Ruiter",
            "identiteitsbewijs van G. Ruiter en van uw eigen identiteitsbewijs",
            "veilige kopie",
            "De termijn staat stil",
        ],
    );

    app.act_ok(&request, "resume", &json!({"received_on": "2026-11-05"}))
        .await;
    app.act_ok(
        &request,
        "start_assessment",
        &json!({"identity_verified_by": "representative_documents"}),
    )
    .await;
    app.act_ok(
        &request,
        "decide",
        &json!({
            "outcome": "partially_granted",
            "grounds": ["rights_of_others"],
            "explanation": "In het dossier staan ook gegevens over de buren; die laten wij weg.",
            "communicated_on": today().to_string(),
        }),
    )
    .await;
    let (text, name) = printed_and_posted(&app, &request, "decision").await;
    is_about_the_mother(
        "decision",
        &text,
        &[
            "U deed dit verzoek als gemachtigde van G. Ruiter",
            "Ook hun privacy moeten wij beschermen (artikel 15, lid 4, AVG; artikel 41, lid 1, onder i, UAVG).",
            "Dan kunt u het volgende doen:",
            "de buren",
        ],
    );
    assert!(name.contains("besluit.pdf"), "{name}");

    let summary =
        "Kopie van het dossier gegeven: de verslagen van 2025 en 2026, zonder de gegevens van de buren.";
    app.act_ok(
        &request,
        "complete",
        &json!({"summary": summary, "recipients_informed": []}),
    )
    .await;
    let (text, name) = printed_and_posted(&app, &request, "completion").await;
    is_about_the_mother(
        "completion",
        &text,
        &[
            "Inzage in de gegevens van G. Ruiter",
            "De rechten van G. Ruiter",
            summary,
        ],
    );
    assert!(name.contains("uitvoeringsbericht.pdf"), "{name}");
    assert!(
        name.contains(&registered["reference"].as_str().unwrap().to_string()),
        "{name}"
    );
}

/// What no letter can print is refused at the door, named, in Dutch on the pages.
#[actix_web::test]
async fn a_name_that_no_letter_can_print_is_refused_naming_the_character() {
    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    for (field, value, named) in [
        ("name", "Anna 😀", "U+1F600"),
        ("name", "Anna \u{202E}nosnaJ", "U+202E"),
        ("name", "An\u{200B}na", "U+200B"),
    ] {
        let mut body = registration("access", "2026-11-02");
        body["requester"]["relation"] = json!("authorised");
        body["subject"]["name"] = json!(value);
        let refused = app.post_json("/api/v1/requests", &body).await;
        refused.assert_problem(422);
        assert_eq!(refused.error_fields(), [format!("subject.{field}")], "{value:?}");
        assert!(refused.text.contains(named), "{}", refused.text);
        let mut body = registration("access", "2026-11-02");
        body["requester"]["name"] = json!(value);
        let refused = app.post_json("/api/v1/requests", &body).await;
        assert_eq!(refused.error_fields(), ["requester.name"], "{value:?}");
    }
    let listed = app.get("/api/v1/requests").await;
    assert_eq!(listed.body["total"], 0, "nothing was registered");
}

/// The organisation file put in place, or changed, while the service runs is used by
/// the next draft, without a restart; until then the Correspondentie panel says why
/// no letter can be drafted.
#[actix_web::test]
async fn the_organisation_file_is_read_again_when_it_changes() {
    use crate::pages::{get, shows, sign_in};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("organisation.toml");
    let app = spawn_app_with(&[("AVG_LOKET_ORGANISATION_FILE", file.to_str().unwrap())]).await;
    app.create_team("AMW").await;
    let request = id(&app.register(&with_address("access", "2026-11-02")).await);
    let refused = app
        .post_json(
            &format!("/api/v1/requests/{request}/letters"),
            &json!({"kind": "acknowledgement"}),
        )
        .await;
    refused.assert_problem(409);
    assert!(refused.text.contains("organisation.toml"), "{}", refused.text);
    let session = sign_in(&app, &app.admin.token).await;
    let page = get(&app, &format!("/requests/{request}"), &[&session]).await;
    shows(
        &page,
        "Er kan nu geen brief worden opgesteld: brieven hebben het organisatiebestand nodig:",
    );
    shows(&page, "bestaat niet; kopieer organisation.example.toml");

    let example = repository_file("organisation.example.toml");
    std::fs::write(&file, &example).unwrap();
    let drafted = draft(&app, &request, &json!({"kind": "acknowledgement"})).await;
    assert!(drafted["text"]
        .as_str()
        .unwrap()
        .contains("Stichting Welzijn Voorbeeldstad"));
    let page = get(&app, &format!("/requests/{request}"), &[&session]).await;
    shows(
        &page,
        "het organisatiebestand is nog het voorbeeld van een verzonnen stichting",
    );

    std::fs::write(
        &file,
        example
            .replace("Stichting Welzijn Voorbeeldstad", "Stichting Welzijn Hoorn")
            .replace("welzijnvoorbeeldstad.example", "welzijn-hoorn.nl"),
    )
    .unwrap();
    let drafted = draft(&app, &request, &json!({"kind": "acknowledgement"})).await;
    let text = drafted["text"].as_str().unwrap();
    assert!(text.contains("Stichting Welzijn Hoorn"), "{text}");
    let page = get(&app, &format!("/requests/{request}"), &[&session]).await;
    assert!(!page.text.contains("verzonnen stichting"));
}

/// The reminders of `request` in the outbox: (stage, deadline, deadline date, status).
async fn reminders_of(app: &TestApp, request: &str) -> Vec<(String, String, String, String)> {
    let r = app.get("/api/v1/notifications?per_page=500").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut rows: Vec<_> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["request_id"] == request)
        .map(|n| {
            let text = |name: &str| n[name].as_str().unwrap_or("").to_string();
            (
                text("stage"),
                text("deadline"),
                text("deadline_date"),
                text("status"),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// A decision recorded before it is told has no date: the response reminders keep
/// running and the request cannot be completed. Posting its letter sets the date,
/// cancels what was still queued about the response, and the execution deadline
/// takes over.
#[actix_web::test]
async fn a_decision_is_communicated_by_its_letter_and_the_response_reminders_run_until_then() {
    use avg_loket::service::delivery::MailSettings;
    use avg_loket::service::reminders::sweep;
    use avg_loket::service::Rules;

    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let today = today().to_string();
    let request = assessed(&app, &with_address("access", &today)).await;
    let decided = app
        .act_ok(&request, "decide", &json!({"outcome": "granted"}))
        .await;
    assert_eq!(decided["status"], "in_execution");
    assert_eq!(decided["decision"]["communicated_on"], Value::Null);
    let response = decided["deadlines"]["response"].as_str().unwrap().to_string();
    assert_eq!(
        decided["open_deadline"], response,
        "the answer is still to be given"
    );
    assert!(
        !decided["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("complete")),
        "carried out only once the requester is told: {}",
        decided["allowed_actions"]
    );
    let refused = app
        .act(&request, "complete", &json!({"summary": "kopie verstuurd"}))
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert!(
        refused.text.contains("has not been communicated yet"),
        "{}",
        refused.text
    );

    // On the response deadline the caseworker hears about it.
    let settings = crate::helpers::test_settings(&app.database.url(), &[]);
    let rules = Rules::from_settings(&settings);
    let mail = MailSettings::from_settings(&settings);
    let deadline: chrono::NaiveDate = response.parse().unwrap();
    sweep(&app.db, &rules, &mail, rules.planner().moment(deadline))
        .await
        .unwrap();
    assert_eq!(
        reminders_of(&app, &request).await,
        [(
            "due_today".to_string(),
            "response".to_string(),
            response.clone(),
            "queued".to_string()
        )]
    );

    // The decision letter is posted today: that is the day the decision was told.
    let letter = draft(&app, &request, &json!({"kind": "decision", "channel": "post"})).await;
    let letter = complete_paragraphs(&app, &letter).await;
    send_by_post(&app, &letter, &today).await;
    let told = app.get(&format!("/api/v1/requests/{request}")).await.body;
    assert_eq!(told["decision"]["communicated_on"], today);
    assert_eq!(told["open_deadline"], told["deadlines"]["execution"]);
    assert!(told["allowed_actions"]
        .as_array()
        .unwrap()
        .contains(&json!("complete")));
    assert_eq!(
        reminders_of(&app, &request).await,
        [(
            "due_today".to_string(),
            "response".to_string(),
            response.clone(),
            "cancelled".to_string()
        )],
        "what was queued about the response is not sent"
    );
    let after = rules
        .planner()
        .moment(Calendar::GdprNl.add_working_days(deadline, 1));
    sweep(&app.db, &rules, &mail, after).await.unwrap();
    assert!(
        reminders_of(&app, &request)
            .await
            .iter()
            .all(|(stage, deadline, ..)| deadline != "response" || stage == "due_today"),
        "no overdue mail about an answer that was given"
    );
}

/// The timeline says to whom the request was assigned, which outcome was decided and
/// which letter went out, and how; the confirmation after registering advises what
/// fits the way the request came in; every page has the navigation bar.
#[actix_web::test]
async fn the_timeline_names_the_assignee_the_outcome_and_the_letter() {
    use crate::pages::{get, shows, sign_in};

    let outbox = tempfile::tempdir().unwrap();
    let app = letters_app(outbox.path(), &[]).await;
    let today = today().to_string();
    let request = assessed(&app, &with_address("access", &today)).await;
    app.act_ok(
        &request,
        "decide",
        &json!({"outcome": "granted", "communicated_on": today}),
    )
    .await;
    let letter = draft(&app, &request, &json!({"kind": "decision", "channel": "post"})).await;
    let letter = complete_paragraphs(&app, &letter).await;
    send_by_post(&app, &letter, &today).await;

    let session = sign_in(&app, &app.admin.token).await;
    let page = get(&app, &format!("/requests/{request}"), &[&session]).await;
    assert_eq!(page.status, 200, "{}", page.text);
    shows(&page, "<br><span class=\"detail\">aan Worker AMW</span>");
    shows(&page, "<br><span class=\"detail\">Toegewezen</span>");
    shows(&page, "<br><span class=\"detail\">Besluit (per post)</span>");
    shows(&page, "<nav class=\"places\" aria-label=\"Menu\">");
    shows(&page, "<li><a href=\"/reports/annual\">Jaarverslag</a></li>");

    // A letter that came in: the reference goes out in the acknowledgement by post.
    let mut by_letter = with_address("access", &today);
    by_letter["channel"] = json!("letter");
    let registered = app.register(&by_letter).await;
    let confirmation = get(
        &app,
        &format!("/requests/{}/bevestiging", id(&registered)),
        &[&session],
    )
    .await;
    shows(&confirmation, "De verzoeker schreef een brief: het kenmerk");
    shows(&confirmation, "per post stuurt vanuit het verzoek");
    assert!(!confirmation.text.contains("Noem de beller"));
    let mut by_phone = with_address("access", &today);
    by_phone["channel"] = json!("phone");
    let registered = app.register(&by_phone).await;
    let confirmation = get(
        &app,
        &format!("/requests/{}/bevestiging", id(&registered)),
        &[&session],
    )
    .await;
    shows(&confirmation, "Noem de beller het kenmerk");
}
