//! The `avg-loket` binary as an operator runs it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use crate::helpers::{read, TestDatabase};

pub const BIN: &str = env!("CARGO_BIN_EXE_avg-loket");

/// The binary with a clean environment (no stray AVG_LOKET_* from the caller),
/// run in `dir`.
pub fn avg_loket(dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

fn assert_one_line_failure(output: &Output, must_contain: &[&str]) {
    assert!(!output.status.success(), "expected failure");
    let stderr = stderr_of(output);
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {stderr}");
    for needle in must_contain {
        assert!(lines[0].contains(needle), "'{}' lacks '{needle}'", lines[0]);
    }
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn an_unsupported_database_url_stops_start_up_without_creating_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["serve", "migrate"] {
        let output = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", "mysql://x")])
            .arg(command)
            .output()
            .unwrap();
        assert_one_line_failure(&output, &["AVG_LOKET_DATABASE_URL", "mysql"]);
    }
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn an_unreachable_postgres_stops_start_up_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = avg_loket(
        dir.path(),
        &[(
            "AVG_LOKET_DATABASE_URL",
            "postgres://postgres@127.0.0.1:1/avg_loket",
        )],
    )
    .arg("serve")
    .output()
    .unwrap();
    assert_one_line_failure(&output, &["cannot connect", "127.0.0.1"]);
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn a_missing_sqlite_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", "sqlite://nope/avg.db")])
        .arg("migrate")
        .output()
        .unwrap();
    assert_one_line_failure(&output, &["directory nope does not exist"]);
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn invalid_settings_name_their_variable_also_from_a_dot_env_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "AVG_LOKET_LISTEN=everywhere\n").unwrap();
    let output = avg_loket(dir.path(), &[]).arg("serve").output().unwrap();
    assert_one_line_failure(&output, &["AVG_LOKET_LISTEN", "everywhere"]);
    assert_eq!(entries(dir.path()), [".env"]);
}

#[test]
fn bad_arguments_get_one_line_and_help_explains_each_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = avg_loket(dir.path(), &[]).arg("--frobnicate").output().unwrap();
    assert_one_line_failure(&output, &["--frobnicate"]);
    let output = avg_loket(dir.path(), &[]).arg("launch").output().unwrap();
    assert_one_line_failure(&output, &["launch"]);

    let help = avg_loket(dir.path(), &[]).arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    for command in ["serve", "migrate"] {
        assert!(help.contains(command), "--help lacks {command}: {help}");
    }
    let serve_help = avg_loket(dir.path(), &[])
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&serve_help.stdout).contains("SIGTERM"));
}

#[test]
fn migrate_applies_once_then_reports_up_to_date() {
    let database = TestDatabase::create();
    let dir = tempfile::tempdir().unwrap();
    let env = [("AVG_LOKET_DATABASE_URL", database.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = avg_loket(dir.path(), &env).arg("migrate").output().unwrap();
    assert!(first.status.success(), "{}", stderr_of(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
    let second = avg_loket(dir.path(), &env).arg("migrate").output().unwrap();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
}

/// A running `avg-loket serve`, stopped with SIGTERM when dropped.
pub struct Served {
    pub child: Child,
    pub address: String,
    pub log: std::sync::mpsc::Receiver<String>,
}

impl Served {
    /// Starts `serve` in `dir` on a free port and waits for its "listening" line.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Served {
        let mut all_env = vec![
            ("AVG_LOKET_LISTEN", "127.0.0.1:0"),
            ("AVG_LOKET_LOG_FORMAT", "json"),
        ];
        all_env.extend_from_slice(env);
        let mut child = avg_loket(dir, &all_env)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let address = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("serve printed no 'listening' line");
            let event: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
            if event["message"] == "listening" {
                break format!("http://{}", event["address"].as_str().unwrap());
            }
        };
        Served {
            child,
            address,
            log: rx,
        }
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.child.wait().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Adds a privacy officer with the command line in `dir`; returns their token.
fn add_privacy_officer(dir: &Path) -> String {
    let added = avg_loket(dir, &[])
        .args([
            "user",
            "add",
            "--name",
            "FG",
            "--email",
            "fg@zorg.example",
            "--role",
            "privacy_officer",
        ])
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", stderr_of(&added));
    String::from_utf8_lossy(&added.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn serve_with_no_configuration_creates_the_sqlite_file_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_privacy_officer(dir.path());
    let mut served = Served::start(dir.path(), &[]);
    let client = awc::Client::default();
    let teams = client
        .get(format!("{}/api/v1/teams", served.address))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(teams.status(), 200);
    let health = read(
        client
            .get(format!("{}/healthz", served.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(health.status, 200);
    let ready = read(
        client
            .get(format!("{}/readyz", served.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["database"], "sqlite");
    assert!(dir.path().join("avg-loket.db").is_file());

    let status = served.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    // The request log has ids, routes and statuses, as JSON lines.
    let lines: Vec<String> = served.log.try_iter().collect();
    let handled: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["message"] == "request handled")
        .collect();
    assert_eq!(handled.len(), 3, "{lines:?}");
    assert_eq!(handled[0]["status"], 200);
    assert_eq!(handled[0]["span"]["route"], "/api/v1/teams");
    assert!(
        handled[0]["span"]["user_id"].is_string(),
        "the caller's id is logged"
    );
    assert_eq!(handled[1]["span"]["route"], "/healthz");
    assert!(
        !lines.iter().any(|l| l.contains(&token[5..])),
        "the token never reaches the log"
    );
    assert!(handled[0]["span"]["request_id"].is_string());
    assert!(handled[0]["latency_ms"].is_number());
}

#[actix_web::test]
async fn a_use_case_logs_inside_the_span_of_the_request_that_called_it() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_privacy_officer(dir.path());
    let team = avg_loket(dir.path(), &[])
        .args(["team", "add", "--code", "AMW", "--name", "Maatschappelijk werk"])
        .output()
        .unwrap();
    assert!(team.status.success(), "{}", stderr_of(&team));
    let mut served = Served::start(dir.path(), &[]);
    let registered = awc::Client::default()
        .post(format!("{}/api/v1/requests", served.address))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("x-request-id", "trace-me-1"))
        .send_json(&crate::helpers::registration("access", "2026-11-02"))
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    served.terminate();
    let lines: Vec<String> = served.log.try_iter().collect();
    let line = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["message"] == "request registered")
        .unwrap_or_else(|| panic!("no registration logged: {lines:?}"));
    let spans = line["spans"].as_array().expect("the spans of the line");
    assert!(
        spans
            .iter()
            .any(|s| s["name"] == "http" && s["request_id"] == "trace-me-1"),
        "the request id reaches the use case: {line}"
    );
    assert!(
        spans
            .iter()
            .any(|s| s["name"] == "register" && s["kind"] == "access"),
        "the use case names itself and the kind: {line}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("de Vries") || l.contains("j@example.nl")),
        "no personal data in the log"
    );
}

/// A letter that cannot be rendered (here the organisation's logo is no image) is a
/// problem answer, and the log says which letter failed and why, never its text or a
/// name in it.
#[actix_web::test]
async fn a_letter_that_fails_to_render_leaves_no_name_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let example = crate::helpers::repository_file("organisation.example.toml");
    let with_logo = example.replace("# logo = \"logo.svg\"", "logo = \"logo.png\"");
    assert_ne!(with_logo, example);
    std::fs::write(dir.path().join("organisation.toml"), with_logo).unwrap();
    std::fs::write(dir.path().join("logo.png"), b"this is no image").unwrap();
    let token = add_privacy_officer(dir.path());
    let team = avg_loket(dir.path(), &[])
        .args(["team", "add", "--code", "AMW", "--name", "Maatschappelijk werk"])
        .output()
        .unwrap();
    assert!(team.status.success(), "{}", stderr_of(&team));
    let mut served = Served::start(dir.path(), &[]);
    let client = awc::Client::default();
    let mut body = crate::helpers::registration("access", "2026-11-02");
    body["channel"] = "letter".into();
    body["requester"]["name"] = "E. Bosman-Ruiter".into();
    body["requester"]["relation"] = "authorised".into();
    body["requester"]["address"] =
        serde_json::json!({"line": "Kerkstraat 7", "postcode": "5678 CD", "city": "Andersdorp"});
    body["subject"]["name"] = "G. Ruiter".into();
    let registered = read(
        client
            .post(format!("{}/api/v1/requests", served.address))
            .insert_header(("authorization", format!("Bearer {token}")))
            .send_json(&body)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.text);
    let request = registered.body["id"].as_str().unwrap().to_string();
    let letter = read(
        client
            .post(format!("{}/api/v1/requests/{request}/letters", served.address))
            .insert_header(("authorization", format!("Bearer {token}")))
            .send_json(&serde_json::json!({"kind": "acknowledgement"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(letter.status, 201, "{}", letter.text);
    let letter = letter.body["id"].as_str().unwrap().to_string();
    let pdf = read(
        client
            .get(format!("{}/api/v1/letters/{letter}/pdf", served.address))
            .insert_header(("authorization", format!("Bearer {token}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(pdf.status, 409, "{}", pdf.text);
    assert_eq!(
        pdf.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    served.terminate();
    let lines: Vec<String> = served.log.try_iter().collect();
    assert!(
        lines.iter().any(|l| l.contains("letter rendering failed")),
        "the failure is logged: {lines:?}"
    );
    for personal in [
        "Ruiter",
        "Bosman",
        "Kerkstraat",
        "Andersdorp",
        "j@example.nl",
        "06-12345678",
    ] {
        assert!(
            !lines.iter().any(|l| l.contains(personal)),
            "'{personal}' in the log: {lines:?}"
        );
    }
}

#[actix_web::test]
async fn serve_runs_on_the_configured_database() {
    // SQLite in the default run, PostgreSQL when the suite runs with the variable set.
    let database = TestDatabase::create();
    let dir = tempfile::tempdir().unwrap();
    let url = database.url();
    let mut served = Served::start(dir.path(), &[("AVG_LOKET_DATABASE_URL", &url)]);
    let client = awc::Client::default();
    let ready = read(
        client
            .get(format!("{}/readyz", served.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ready.status, 200);
    let backend = if database.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(ready.body["database"], backend);
    assert_eq!(
        entries(dir.path()),
        ["mail-outbox"],
        "only the default mail folder in the working directory"
    );
    assert!(served.terminate().success());
}

fn run_cli(database_url: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", database_url)])
        .args(args)
        .output()
        .unwrap()
}

fn last_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

#[actix_web::test]
async fn administration_from_the_command_line() {
    let app = crate::helpers::spawn_app().await;
    let url = app.database.url();

    let team = run_cli(
        &url,
        &[
            "team",
            "add",
            "--code",
            "AMW",
            "--name",
            "Algemeen maatschappelijk werk",
        ],
    );
    assert!(team.status.success(), "{}", stderr_of(&team));
    let again = run_cli(&url, &["team", "add", "--code", "AMW", "--name", "Nog eens"]);
    assert_one_line_failure(&again, &["AMW", "already exists"]);
    let teams = run_cli(&url, &["team", "list"]);
    assert!(String::from_utf8_lossy(&teams.stdout).contains("AMW\tAlgemeen maatschappelijk werk"));

    let added = run_cli(
        &url,
        &[
            "user",
            "add",
            "--name",
            "Mira Jansen",
            "--email",
            "Mira@Zorg.example",
            "--role",
            "caseworker",
            "--team",
            "AMW",
        ],
    );
    assert!(added.status.success(), "{}", stderr_of(&added));
    let first = last_line(&added);
    assert!(first.starts_with("avgl_") && first.len() == 69, "{first}");
    assert_eq!(
        app.get_as(&first, "/api/v1/teams").await.status,
        200,
        "the printed token works"
    );

    let list = run_cli(&url, &["user", "list"]);
    let listed = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(
        listed.contains("mira@zorg.example") && listed.contains("caseworker") && listed.contains("active")
    );
    assert!(!listed.contains(&first[5..]), "tokens are never listed");

    let created = run_cli(&url, &["token", "create", "--email", "mira@zorg.example"]);
    assert!(created.status.success(), "{}", stderr_of(&created));
    let second = last_line(&created);
    assert_ne!(second, first);
    assert_eq!(app.get_as(&second, "/api/v1/teams").await.status, 200);

    let revoked = run_cli(&url, &["token", "revoke", "--email", "mira@zorg.example"]);
    assert!(String::from_utf8_lossy(&revoked.stdout).contains("2 token(s)"));
    assert_eq!(app.get_as(&first, "/api/v1/teams").await.status, 401);
    assert_eq!(app.get_as(&second, "/api/v1/teams").await.status, 401);

    let third = last_line(&run_cli(
        &url,
        &["token", "create", "--email", "mira@zorg.example"],
    ));
    assert_eq!(app.get_as(&third, "/api/v1/teams").await.status, 200);
    let deactivated = run_cli(&url, &["user", "deactivate", "--email", "mira@zorg.example"]);
    assert!(deactivated.status.success());
    assert_eq!(app.get_as(&third, "/api/v1/teams").await.status, 401);
    let refused = run_cli(&url, &["token", "create", "--email", "mira@zorg.example"]);
    assert_one_line_failure(&refused, &["deactivated"]);

    let bad_role = run_cli(
        &url,
        &[
            "user",
            "add",
            "--name",
            "X",
            "--email",
            "x@zorg.example",
            "--role",
            "boss",
        ],
    );
    assert_one_line_failure(&bad_role, &["role", "boss"]);
    let unknown = run_cli(&url, &["token", "create", "--email", "nobody@zorg.example"]);
    assert_one_line_failure(&unknown, &["nobody@zorg.example"]);
}

#[test]
fn user_add_works_on_a_fresh_database_before_the_first_serve() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let added = run_cli(
        &url,
        &[
            "user",
            "add",
            "--name",
            "FG",
            "--email",
            "fg@zorg.example",
            "--role",
            "privacy_officer",
        ],
    );
    assert!(added.status.success(), "{}", stderr_of(&added));
    assert!(last_line(&added).starts_with("avgl_"));
}

#[test]
fn organisation_check_accepts_the_example_and_names_every_field_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let check = |env: &[(&str, &str)], args: &[&str]| {
        avg_loket(dir.path(), env)
            .args(["organisation", "check"])
            .args(args)
            .output()
            .unwrap()
    };
    // Without the file: how to make one.
    assert_one_line_failure(
        &check(&[], &[]),
        &["organisation.toml", "no such file", "organisation.example.toml"],
    );

    let example = crate::helpers::repository_file("organisation.example.toml");
    std::fs::write(dir.path().join("organisation.toml"), &example).unwrap();
    let output = check(&[], &[]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary = String::from_utf8_lossy(&output.stdout);
    for line in [
        "organisation.toml: ok",
        "Stichting Welzijn Voorbeeldstad, Dorpsstraat 12, 1234 AB Voorbeeldstad",
        "privacy officer:  F. Gerritsen",
        "district court within six weeks (UAVG art. 35)",
        "access (6; for a representative 6), portability (1; for a representative 1)",
        "warning:          this is still the example of a fictitious foundation",
    ] {
        assert!(summary.contains(line), "'{line}' in {summary}");
    }
    // One's own organisation: no warning.
    let own = example
        .replace("welzijnvoorbeeldstad.example", "welzijn-hoorn.nl")
        .replace("Stichting Welzijn Voorbeeldstad", "Stichting Welzijn Hoorn");
    std::fs::write(dir.path().join("eigen.toml"), own).unwrap();
    let output = check(&[], &["--file", "eigen.toml"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(!String::from_utf8_lossy(&output.stdout).contains("warning"));

    // Another file, named by the setting: every broken field, by its path.
    let broken = example
        .replace("fg@welzijnvoorbeeldstad.example", "geen-adres")
        .replace("controller_type = \"private\"", "controller_type = \"stichting\"")
        .replace("automated_decisions = ", "automated_decision = ")
        .replace("name = \"F. Gerritsen\"", "name = \"F. Gerritsen\u{202E}\"");
    std::fs::write(dir.path().join("elders.toml"), broken).unwrap();
    let env = [("AVG_LOKET_ORGANISATION_FILE", "elders.toml")];
    assert_one_line_failure(
        &check(&env, &[]),
        &[
            "elders.toml",
            "privacy_officer.email: is not an e-mail address",
            "controller_type: unknown controller_type 'stichting' (expected private or public_body)",
            "texts.access.automated_decision: is no text of this kind",
            "texts.access.automated_decisions: is required",
            "privacy_officer.name: contains an invisible control that reverses the direction of the text (U+202E)",
        ],
    );
    // --file wins over the setting; a syntax error says where.
    std::fs::write(dir.path().join("kapot.toml"), "name = \"x\"\npostcode = \n").unwrap();
    assert_one_line_failure(&check(&env, &["--file", "kapot.toml"]), &["kapot.toml", "line 2"]);
    // An unknown key is named, not ignored.
    std::fs::write(
        dir.path().join("typo.toml"),
        example.replace("\ncity =", "\nstad ="),
    )
    .unwrap();
    assert_one_line_failure(&check(&[], &["--file", "typo.toml"]), &["typo.toml", "stad"]);
}

/// Issue 14: a burst of wrong tokens from one address is refused after the limit,
/// a good token from another address is served throughout, and the log gets a line
/// per window, not per attempt.
#[actix_web::test]
async fn a_burst_of_wrong_tokens_is_refused_after_the_limit_and_logged_once() {
    let dir = tempfile::tempdir().unwrap();
    let token = add_privacy_officer(dir.path());
    let mut served = Served::start(dir.path(), &[]);
    let attacker = awc::Client::default();
    let colleague = awc::Client::builder()
        .connector(awc::Connector::new().local_address("127.0.0.2".parse().unwrap()))
        .finish();
    let (mut unauthorized, mut limited) = (0, 0);
    for n in 0..1000 {
        let response = attacker
            .get(format!("{}/api/v1/me", served.address))
            .insert_header(("authorization", format!("Bearer avgl_wrong{n}")))
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            401 => unauthorized += 1,
            429 => {
                limited += 1;
                let headers = response.headers();
                let retry_after: u64 = headers
                    .get("retry-after")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&retry_after), "{retry_after}");
                assert!(
                    headers.contains_key("x-request-id"),
                    "a 429 carries the request id"
                );
                assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
                assert_eq!(headers.get("content-type").unwrap(), "application/problem+json");
            }
            other => panic!("answer {other} to a wrong token"),
        }
        if n % 100 == 0 {
            let good = colleague
                .get(format!("{}/api/v1/me", served.address))
                .insert_header(("authorization", format!("Bearer {token}")))
                .send()
                .await
                .unwrap();
            assert_eq!(
                good.status(),
                200,
                "a good token from another address, at attempt {n}"
            );
        }
    }
    assert!(
        (10..=12).contains(&unauthorized),
        "401 until the limit of 10 a minute: {unauthorized}"
    );
    assert_eq!(unauthorized + limited, 1000);
    // A 401 carries the same headers.
    let refused = attacker
        .get(format!("{}/api/v1/me", served.address))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().contains_key("x-request-id"));
    assert_eq!(
        refused.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );

    assert!(served.terminate().success());
    let lines: Vec<String> = served.log.try_iter().collect();
    let about_the_burst: Vec<&String> = lines
        .iter()
        .filter(|l| {
            let event: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
            matches!(event["status"].as_u64(), Some(401 | 429))
                || event["message"].as_str().is_some_and(|m| m.contains("rate"))
        })
        .collect();
    assert_eq!(
        about_the_burst.len(),
        1,
        "one line for the whole burst: {about_the_burst:?}"
    );
    assert!(
        lines.len() < 40,
        "{} log lines for 1,000 wrong tokens: {lines:?}",
        lines.len()
    );
    assert!(
        !lines.iter().any(|l| l.contains("avgl_wrong")),
        "no token in the log"
    );
}

/// The database, a backup, the mail outbox and a mail in it are the service user's
/// alone (no access for group or others), and a database an earlier version left
/// readable by others is closed at start.
#[actix_web::test]
async fn the_files_the_service_writes_are_readable_by_its_own_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let token = add_privacy_officer(dir.path());
    let run = |args: &[&str]| {
        let output = avg_loket(dir.path(), &[]).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
        output
    };
    run(&["team", "add", "--code", "AMW", "--name", "Maatschappelijk werk"]);
    run(&[
        "user",
        "add",
        "--name",
        "Mira Jansen",
        "--email",
        "mira@zorg.example",
        "--role",
        "caseworker",
        "--team",
        "AMW",
    ]);
    let database = dir.path().join("avg-loket.db");
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).unwrap();

    let mut served = Served::start(dir.path(), &[]);
    let client = awc::Client::default();
    let registered = read(
        client
            .post(format!("{}/api/v1/requests", served.address))
            .insert_header(("authorization", format!("Bearer {token}")))
            .send_json(&crate::helpers::registration("access", "2026-11-02"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.text);
    served.terminate();
    // A morning's reminders: the request has nobody yet, its team manager or the
    // privacy officer hears; the mail lands in the file outbox.
    // (A fortnight on: the request is unassigned and overdue by then, whatever today is.)
    let later = (chrono::Utc::now() + chrono::Duration::days(14)).to_rfc3339();
    run(&["remind", "--once", "--now", &later]);
    run(&["backup", "--to", "kopie.db"]);

    let outbox = dir.path().join("mail-outbox");
    let mails: Vec<std::path::PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!mails.is_empty(), "a mail was written");
    let mut checked = vec![database.clone(), dir.path().join("kopie.db"), outbox.clone()];
    checked.extend(mails);
    for path in checked {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} is {:o}", path.display(), mode & 0o777);
    }
}
