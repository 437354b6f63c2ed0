//! Faults, on the real binary: `serve` killed with SIGKILL under concurrent writers,
//! and one of two instances killed in the middle of a morning's reminders. Each test
//! prints its figures (`cargo test --test api faults -- --nocapture`); the numbers of
//! the last run are in docs/reliability.md.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::helpers::{registration, TestDatabase};
use crate::smtp_sink::{free_port, SmtpSink, Tls};

const BIN: &str = env!("CARGO_BIN_EXE_avg-loket");

/// The binary with a clean environment on `database`, run to its end.
pub fn run(database: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .env("AVG_LOKET_DATABASE_URL", database)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `avg-loket serve` as an operator runs it, until it is killed.
pub struct Serve {
    child: Child,
    pub base: String,
    dir: tempfile::TempDir,
}

impl Serve {
    pub async fn start(database: &str, extra: &[(&str, &str)]) -> Serve {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut command = Command::new(BIN);
        command
            .current_dir(dir.path())
            .env_clear()
            .env("AVG_LOKET_DATABASE_URL", database)
            .env("AVG_LOKET_LISTEN", format!("127.0.0.1:{port}"))
            .env("AVG_LOKET_LOG", "warn")
            .env("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "10000")
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap());
        for (name, value) in extra {
            command.env(name, value);
        }
        let child = command.spawn().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for attempt in 0.. {
            if let Ok(ready) = http.get(format!("{base}/readyz")).send().await {
                if ready.status() == 200 {
                    break;
                }
            }
            assert!(
                attempt < 300,
                "serve did not start: {}",
                std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        Serve { child, base, dir }
    }

    /// What `serve` logged so far (level warn and up).
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flushing, no goodbye.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A team and a privacy officer on a fresh database; the officer's token.
fn prepared(database: &str) -> String {
    run(database, &["migrate"]);
    run(
        database,
        &[
            "team",
            "add",
            "--code",
            "AMW",
            "--name",
            "Algemeen maatschappelijk werk",
        ],
    );
    run(
        database,
        &[
            "user",
            "add",
            "--name",
            "F. Gerritsen",
            "--email",
            "fg@zorg.example",
            "--role",
            "privacy_officer",
        ],
    )
    .lines()
    .last()
    .unwrap()
    .to_string()
}

#[actix_web::test]
async fn kill_9_under_eight_writers_loses_no_acknowledged_request_three_times_over() {
    let database = TestDatabase::create();
    let url = database.url();
    let token = prepared(&url);
    let today = crate::helpers::today().to_string();
    let acknowledged: Rc<Mutex<Vec<String>>> = Rc::default();
    let mut refused_or_cut = 0;
    for round in 1..=3 {
        let mut serve = Serve::start(&url, &[]).await;
        let stop = Rc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for _ in 0..8 {
            let (base, token, today, acknowledged, stop) = (
                serve.base.clone(),
                token.clone(),
                today.clone(),
                acknowledged.clone(),
                stop.clone(),
            );
            writers.push(actix_web::rt::spawn(async move {
                let http = reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let mut failed = 0;
                while !stop.load(Ordering::SeqCst) {
                    let answer = http
                        .post(format!("{base}/api/v1/requests"))
                        .bearer_auth(&token)
                        .json(&registration("access", &today))
                        .send()
                        .await;
                    match answer {
                        Ok(answer) if answer.status() == 201 => {
                            let body: serde_json::Value = answer.json().await.unwrap();
                            acknowledged
                                .lock()
                                .unwrap()
                                .push(body["id"].as_str().unwrap().to_string());
                        }
                        // The process is gone: what did not get its 201 may or may not
                        // be there; it was never acknowledged.
                        _ => {
                            failed += 1;
                            break;
                        }
                    }
                }
                failed
            }));
        }
        let enough = acknowledged.lock().unwrap().len() + 150;
        while acknowledged.lock().unwrap().len() < enough {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        serve.kill();
        stop.store(true, Ordering::SeqCst);
        for writer in writers {
            refused_or_cut += writer.await.unwrap();
        }
        println!(
            "round {round}: killed with {} acknowledged so far",
            acknowledged.lock().unwrap().len()
        );
    }

    let said = run(&url, &["audit", "verify"]);
    assert!(said.contains("intact"), "{said}");
    let (requests, details, registered): (HashSet<String>, i64, HashSet<String>) = {
        use avg_loket::storage::schema::{audit_events, request_details, requests};
        use diesel::prelude::*;
        let db =
            avg_loket::storage::Db::connect(&avg_loket::configuration::DatabaseUrl::parse(&url).unwrap(), 1)
                .unwrap();
        let mut conn = db.get().unwrap();
        (
            requests::table
                .select(requests::id)
                .load::<String>(&mut *conn)
                .unwrap()
                .into_iter()
                .collect(),
            request_details::table.count().get_result(&mut *conn).unwrap(),
            audit_events::table
                .filter(audit_events::action.eq("register"))
                .select(audit_events::request_id.assume_not_null())
                .load::<String>(&mut *conn)
                .unwrap()
                .into_iter()
                .collect(),
        )
    };
    let acknowledged = acknowledged.lock().unwrap().clone();
    let lost = acknowledged.iter().filter(|id| !requests.contains(*id)).count();
    println!(
        "kill -9 on {}: {} acknowledged, {} found, {} lost; {} stored in all ({} cut off unanswered), {} with details, {} with their audit event; audit verify: intact",
        if database.is_postgres() { "PostgreSQL" } else { "SQLite" },
        acknowledged.len(),
        acknowledged.len() - lost,
        lost,
        requests.len(),
        refused_or_cut,
        details,
        registered.len(),
    );
    assert_eq!(lost, 0, "a request that got its 201 is there afterwards");
    assert_eq!(
        details as usize,
        requests.len(),
        "nothing half-written: every request has its details"
    );
    assert_eq!(
        registered, requests,
        "and its registration event, and no event without its request"
    );
}

#[actix_web::test]
#[ignore = "needs PostgreSQL (two instances on one database): .ci/run runs it with AVG_LOKET_TEST_POSTGRES_URL"]
async fn two_instances_deliver_a_mornings_reminders_once_when_one_is_killed_mid_delivery() {
    const MAILS: usize = 300;
    const LETTERS: usize = 40;
    let database = TestDatabase::create();
    assert!(database.is_postgres(), "set AVG_LOKET_TEST_POSTGRES_URL");
    let url = database.url();
    prepared(&url);
    // The morning's reminders, decided by the sweep, and letters to requesters, sent
    // by their caseworkers: all waiting in the one outbox.
    run(&url, &["seed", "--requests", "2000"]);
    let db = avg_loket::storage::Db::connect(&avg_loket::configuration::DatabaseUrl::parse(&url).unwrap(), 1)
        .unwrap();
    let letter_ids = {
        use avg_loket::storage::schema::{requests, users};
        use diesel::prelude::*;
        let mut conn = db.get().unwrap();
        let recipient: String = users::table
            .filter(users::email.eq("fg@zorg.example"))
            .select(users::id)
            .first(&mut *conn)
            .unwrap();
        // Open requests: retention, which runs when `serve` starts, leaves them be.
        let request_ids: Vec<String> = requests::table
            .filter(requests::closed_on.is_null())
            .select(requests::id)
            .limit(LETTERS as i64)
            .load(&mut *conn)
            .unwrap();
        // The seeded register sends no reminders of its own: the outbox holds what the
        // test puts there.
        diesel::update(requests::table)
            .set(requests::next_reminder_at.eq(None::<chrono::NaiveDateTime>))
            .execute(&mut *conn)
            .unwrap();
        drop(conn);
        let now = avg_loket::clock::now();
        crate::helpers::queue_reminders(&db, &recipient, MAILS, now, "herinnering");
        crate::helpers::queue_letters(&db, &request_ids, &recipient, now)
    };
    assert_eq!(letter_ids.len(), LETTERS);
    // A mail server over TLS (letters leave only encrypted) that takes 40 ms a message:
    // 340 mails are 14 s of work.
    let smtp_port = free_port();
    let tls = Tls::new();
    let sink = SmtpSink::start_tls_with(smtp_port, &tls, Duration::from_millis(40));
    let trust = tempfile::tempdir().unwrap();
    let ca_file = trust.path().join("ca.pem");
    std::fs::write(&ca_file, &tls.ca_pem).unwrap();
    let mail_url = format!("smtps://127.0.0.1:{smtp_port}");
    let organisation = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("organisation.example.toml");
    let settings = [
        ("AVG_LOKET_MAIL_URL", mail_url.as_str()),
        ("AVG_LOKET_MAIL_CA_FILE", ca_file.to_str().unwrap()),
        ("AVG_LOKET_ORGANISATION_FILE", organisation.to_str().unwrap()),
        ("AVG_LOKET_SWEEP_INTERVAL_SECONDS", "2"),
    ];
    let mut first = Serve::start(&url, &settings).await;
    let second = Serve::start(&url, &settings).await;
    while sink.messages().len() < MAILS / 5 {
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill();
    let killed = Instant::now();
    let deadline = killed + Duration::from_secs(90);
    while sink.messages().len() < MAILS + LETTERS && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    // Let anything that would come twice come.
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;

    let messages = sink.messages();
    let header = |data: &str, name: &str| {
        data.lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .map(|l| l[name.len() + 1..].trim().to_string())
            .unwrap_or_default()
    };
    let mut ids_by_subject: HashMap<String, HashSet<String>> = HashMap::new();
    for m in &messages {
        ids_by_subject
            .entry(header(&m.data, "Subject"))
            .or_default()
            .insert(header(&m.data, "Message-ID"));
    }
    let under_two_ids = ids_by_subject.values().filter(|ids| ids.len() > 1).count();
    let repeated = messages.len() - ids_by_subject.len();
    let last_after_kill = messages
        .iter()
        .map(|m| m.at.saturating_duration_since(killed))
        .max()
        .unwrap_or_default();
    println!(
        "two instances, one killed: {MAILS} reminders and {LETTERS} letters expected, {} delivered, {} received twice with the same Message-ID, {} under different Message-IDs; the last {:.1} s after the kill",
        ids_by_subject.len(),
        repeated,
        under_two_ids,
        last_after_kill.as_secs_f64()
    );
    assert_eq!(
        ids_by_subject.len(),
        MAILS + LETTERS,
        "every reminder and every letter reaches the mail server; the other instance logged:\n{}",
        second.log()
    );
    let letters_received = ids_by_subject
        .keys()
        .filter(|s| s.starts_with("Uw verzoek"))
        .count();
    assert_eq!(letters_received, LETTERS, "each letter under its own subject");
    // Each letter is recorded as sent once: its state, and one `letter_sent` event.
    assert_eq!(letters_sent(&db), (LETTERS as i64, LETTERS as i64));
    assert_eq!(under_two_ids, 0, "none twice under different Message-IDs");
    // The killed instance's mails are free again a lease (50 s) after its last sign of
    // life; what is left then goes out at the survivor's pace, which on a machine busy
    // with the rest of the suite takes longer than alone (about 55 s in all then).
    let taken_over_by = Duration::from_secs(avg_loket::service::delivery::LEASE.num_seconds() as u64 + 30);
    assert!(
        last_after_kill <= taken_over_by,
        "all within the lease and the time to send what was left: {last_after_kill:?}"
    );
}

#[actix_web::test]
async fn a_mail_server_down_for_many_rounds_gets_each_mail_once_when_back_and_the_hopeless_ones_on_the_dashboard(
) {
    use crate::helpers::{deliver_outbox, queue_letters, queue_reminders};
    use avg_loket::mail::Mailer;
    use avg_loket::storage::schema::notifications;
    use diesel::prelude::*;
    let organisation = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("organisation.example.toml");
    let app =
        crate::helpers::spawn_app_with(&[("AVG_LOKET_ORGANISATION_FILE", organisation.to_str().unwrap())])
            .await;
    let t0 = avg_loket::clock::now();
    let recipient = app.admin.id.clone();
    app.create_team("AMW").await;
    let mut requests = Vec::new();
    for i in 0..7 {
        let mut body = registration("access", &crate::helpers::today().to_string());
        body["requester"]["name"] = format!("Verzoeker {i}").into();
        body["subject"]["client_reference"] = format!("D-{i}").into();
        let registered = app.post_json("/api/v1/requests", &body).await;
        assert_eq!(registered.status, 201, "{}", registered.text);
        requests.push(registered.body["id"].as_str().unwrap().to_string());
    }
    // Twenty reminders and five letters: the mail server is over TLS, for the letters
    // leave only encrypted, and down at first.
    queue_reminders(&app.db, &recipient, 20, t0, "outage");
    queue_letters(&app.db, &requests[..5], &recipient, t0);
    let port = free_port();
    let tls = Tls::new();
    let trust = tempfile::tempdir().unwrap();
    let ca_file = trust.path().join("ca.pem");
    std::fs::write(&ca_file, &tls.ca_pem).unwrap();
    let with = |port: u16| {
        crate::helpers::test_settings(
            &app.database.url(),
            &[
                ("AVG_LOKET_MAIL_MAX_ATTEMPTS", "8"),
                ("AVG_LOKET_MAIL_URL", &format!("smtps://127.0.0.1:{port}")),
                ("AVG_LOKET_MAIL_CA_FILE", ca_file.to_str().unwrap()),
                ("AVG_LOKET_ORGANISATION_FILE", organisation.to_str().unwrap()),
            ],
        )
    };
    let settings = with(port);
    let mailer = Mailer::from_settings(&settings).unwrap();

    // Down: a round every minute for ten minutes. Each mail is tried when its back-off
    // allows, not every round.
    let mut attempts_made = 0;
    for minute in 0..10 {
        let now = t0 + chrono::Duration::minutes(minute);
        let report = deliver_outbox(&app.db, &settings, &mailer, move || now).await;
        assert_eq!(report.sent, 0);
        attempts_made += report.retried + report.failed;
    }
    let attempts: Vec<i32> = {
        let mut conn = app.db.get().unwrap();
        notifications::table
            .select(notifications::attempts)
            .load(&mut *conn)
            .unwrap()
    };
    assert_eq!(attempts.len(), 25);
    assert!(
        attempts.iter().all(|a| (2..=7).contains(a)),
        "backed off, none given up, letters as reminders: {attempts:?}"
    );
    assert!(
        attempts_made < 25 * 10,
        "fewer attempts than rounds × mails: {attempts_made}"
    );
    let letter = app
        .get(&format!("/api/v1/requests/{}/letters", requests[0]))
        .await;
    assert_eq!(letter.body["items"][0]["status"], "queued", "{}", letter.text);
    assert!(
        letter.body["items"][0]["attempts"].as_i64().unwrap() >= 2,
        "{}",
        letter.text
    );

    // Back: every mail once, each letter recorded as sent once.
    let sink = SmtpSink::start_tls_with(port, &tls, Duration::ZERO);
    let back = t0 + chrono::Duration::minutes(20);
    let report = deliver_outbox(&app.db, &settings, &mailer, move || back).await;
    let again = deliver_outbox(&app.db, &settings, &mailer, move || {
        back + chrono::Duration::hours(1)
    })
    .await;
    let received = sink.messages().len();
    println!(
        "mail server down for 10 rounds: 20 reminders and 5 letters queued, {attempts_made} attempts while down (back-off), {} delivered when back, {} more afterwards",
        report.sent, again.sent
    );
    assert_eq!((report.sent, received, again.sent), (25, 25, 0));
    assert_eq!(letters_sent(&app.db), (5, 5));

    // A server that stays away: past the attempt limit a mail is failed, and the
    // privacy officer sees it on the dashboard: the reminders among the failed mails,
    // the letters among the letters.
    let t1 = t0 + chrono::Duration::days(1);
    queue_reminders(&app.db, &recipient, 3, t1, "hopeless");
    queue_letters(&app.db, &requests[5..], &recipient, t1);
    let away = with(free_port());
    let away_mailer = Mailer::from_settings(&away).unwrap();
    for hour in 0..48 {
        let now = t1 + chrono::Duration::hours(hour);
        deliver_outbox(&app.db, &away, &away_mailer, move || now).await;
    }
    let failed = app.get("/api/v1/notifications?status=failed").await;
    assert_eq!(failed.body["total"], 3, "{}", failed.text);
    let dashboard = app.get("/api/v1/dashboard").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text);
    assert_eq!(dashboard.body["failed_mails"], 3, "{}", dashboard.text);
    assert_eq!(dashboard.body["letters"]["failed"], 2, "{}", dashboard.text);
    assert_eq!(letters_sent(&app.db), (5, 5));
}

/// The letters recorded as sent: (letters `sent`, `letter_sent` events).
fn letters_sent(db: &avg_loket::storage::Db) -> (i64, i64) {
    use avg_loket::storage::schema::{audit_events, letters};
    use diesel::prelude::*;
    let mut conn = db.get().unwrap();
    let sent: i64 = letters::table
        .filter(letters::status.eq("sent"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let events: i64 = audit_events::table
        .filter(audit_events::action.eq("letter_sent"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    (sent, events)
}

/// Stops or starts the local PostgreSQL server (as root, as `.ci/run` runs).
fn postgres_cluster(action: &str) {
    let version = std::fs::read_dir("/etc/postgresql")
        .expect("a local PostgreSQL cluster")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .max_by_key(|v| v.parse::<u32>().unwrap_or(0))
        .unwrap();
    let mut command = Command::new("pg_ctlcluster");
    command.args(["--skip-systemctl-redirect", &version, "main", action]);
    if action == "stop" {
        command.args(["-m", "fast"]);
    }
    let done = command.output().unwrap();
    assert!(
        done.status.success(),
        "pg_ctlcluster {action}: {}",
        String::from_utf8_lossy(&done.stderr)
    );
}

/// When a request was sent, its status, how long it took, and whether it was a
/// problem+json.
type Answer = (Instant, u16, Duration, bool);

#[actix_web::test]
#[ignore = "stops and starts the local PostgreSQL server: .ci/run runs it alone, after the other tests"]
async fn postgres_restarted_under_load_answers_503_quickly_and_recovers_without_a_restart() {
    let database = TestDatabase::create();
    assert!(database.is_postgres(), "set AVG_LOKET_TEST_POSTGRES_URL");
    let url = database.url();
    let token = prepared(&url);
    let serve = Serve::start(&url, &[]).await;
    let today = crate::helpers::today().to_string();
    let answers: Rc<Mutex<Vec<Answer>>> = Rc::default();
    let stop = Rc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (base, token, today, answers, stop) = (
            serve.base.clone(),
            token.clone(),
            today.clone(),
            answers.clone(),
            stop.clone(),
        );
        writers.push(actix_web::rt::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            while !stop.load(Ordering::SeqCst) {
                let started = Instant::now();
                let answer = http
                    .post(format!("{base}/api/v1/requests"))
                    .bearer_auth(&token)
                    .json(&registration("access", &today))
                    .send()
                    .await
                    .expect("the service answers, whatever the database does");
                let problem = answer
                    .headers()
                    .get("content-type")
                    .is_some_and(|t| t == "application/problem+json");
                answers
                    .lock()
                    .unwrap()
                    .push((started, answer.status().as_u16(), started.elapsed(), problem));
                if answer.status() != 201 {
                    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }));
    }
    let http = reqwest::Client::new();
    actix_web::rt::time::sleep(Duration::from_secs(1)).await;

    // Off the test's own thread: the writers run on it and must go on meanwhile.
    actix_web::rt::task::spawn_blocking(|| postgres_cluster("stop"))
        .await
        .unwrap();
    let stopped = Instant::now();
    let mut readyz_down = Vec::new();
    while stopped.elapsed() < Duration::from_secs(4) {
        let asked = Instant::now();
        let ready = http.get(format!("{}/readyz", serve.base)).send().await.unwrap();
        readyz_down.push((ready.status().as_u16(), asked.elapsed()));
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
    let start_began = Instant::now();
    actix_web::rt::task::spawn_blocking(|| postgres_cluster("start"))
        .await
        .unwrap();
    let started = Instant::now();
    let mut recovered = None;
    while started.elapsed() < Duration::from_secs(60) {
        let ready = http.get(format!("{}/readyz", serve.base)).send().await.unwrap();
        if ready.status() == 200 {
            let fresh = answers
                .lock()
                .unwrap()
                .iter()
                .any(|(at, status, _, _)| *at > started && *status == 201);
            if fresh {
                recovered = Some(started.elapsed());
                break;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }

    let answers = answers.lock().unwrap().clone();
    // Answers to requests sent while the server was away (from a moment after the stop
    // command returned until the start command).
    let during: Vec<_> = answers
        .iter()
        .filter(|(at, ..)| *at > stopped && *at < start_began)
        .collect();
    // … and while it started again.
    let starting_slowest = answers
        .iter()
        .filter(|(at, ..)| *at >= start_began && *at < started)
        .map(|(_, _, took, _)| *took)
        .max()
        .unwrap_or_default();
    let slowest = during
        .iter()
        .map(|(_, _, took, _)| *took)
        .max()
        .unwrap_or_default();
    let statuses: std::collections::BTreeMap<u16, usize> =
        answers.iter().fold(Default::default(), |mut m, a| {
            *m.entry(a.1).or_default() += 1;
            m
        });
    println!(
        "PostgreSQL stopped for 4 s under 4 writers: answers by status {statuses:?}; while down {} answers, all 503 problem+json: {}, the slowest {:.2} s; while it started again the slowest {:.2} s (start took {:.1} s); /readyz while down {:?}; recovered {:.1} s after the start, without restarting serve",
        during.len(),
        during.iter().all(|(_, status, _, problem)| *status == 503 && *problem),
        slowest.as_secs_f64(),
        starting_slowest.as_secs_f64(),
        started.duration_since(start_began).as_secs_f64(),
        readyz_down.iter().map(|(s, _)| *s).collect::<std::collections::BTreeSet<_>>(),
        recovered.map(|d| d.as_secs_f64()).unwrap_or(f64::NAN),
    );
    assert!(!during.is_empty());
    assert!(
        !statuses.contains_key(&500),
        "no 500: {statuses:?}; serve logged:\n{}",
        serve.log()
    );
    for (_, status, took, problem) in &during {
        assert_eq!(*status, 503);
        assert!(*problem, "problem+json");
        assert!(
            *took <= Duration::from_millis(1000),
            "within a second, not a hang: {took:?}"
        );
    }
    assert!(
        readyz_down
            .iter()
            .skip(1)
            .all(|(s, took)| *s == 503 && *took <= Duration::from_secs(1)),
        "{readyz_down:?}"
    );
    assert!(recovered.is_some(), "the service recovers without a restart");
    let said = run(&url, &["audit", "verify"]);
    assert!(said.contains("intact"), "{said}");
}

/// Another connection holds what a write needs — an operator's `psql` session left in
/// a transaction, a stuck second instance — and the service's one writer thread must
/// not wait for it without end (D44). On PostgreSQL the lock is one request's row: the
/// action on that request is answered 503 once `lock_timeout` passes, with nothing
/// stored, while a registration sent meanwhile is stored. On SQLite the lock is the
/// whole database (`BEGIN IMMEDIATE` elsewhere): the write is answered 503 once
/// `busy_timeout` passes. Reads go on throughout; once the lock is released, the same
/// write succeeds and the audit trail has no trace of the refused one.
#[actix_web::test]
async fn a_lock_held_elsewhere_answers_the_waiting_write_503_and_writes_resume_when_it_is_released() {
    use diesel::connection::SimpleConnection;
    let app = Rc::new(crate::helpers::spawn_app().await);
    app.create_team("AMW").await;
    let today = crate::helpers::today().to_string();
    let request = app.register(&registration("access", &today)).await;
    let id = request["id"].as_str().unwrap().to_string();
    let worker = app.worker("AMW");
    let events_before = app.event_actions(&id).await;

    // The lock, taken on a thread of its own and held until told.
    let url = app.database.url();
    let postgres = app.database.is_postgres();
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let locked_id = id.clone();
    let holder = std::thread::spawn(move || {
        // A connection as the product makes them (SQLite's waits for the lock itself).
        let url = avg_loket::configuration::DatabaseUrl::parse(&url).unwrap();
        let db = avg_loket::storage::Db::connect(&url, 1).unwrap();
        let mut conn = db.get().unwrap();
        let lock = if postgres {
            format!("BEGIN; SELECT id FROM requests WHERE id = '{locked_id}' FOR UPDATE")
        } else {
            String::from("BEGIN IMMEDIATE")
        };
        conn.batch_execute(&lock).unwrap();
        held_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        conn.batch_execute("ROLLBACK").unwrap();
    });
    held_rx.recv().unwrap();

    let assign = serde_json::json!({"assignee": worker.id});
    let waiting = {
        let (app, id, assign) = (app.clone(), id.clone(), assign.clone());
        actix_web::rt::spawn(async move { app.act(&id, "assign", &assign).await })
    };
    // Let the action reach the writer; a registration then queues behind it.
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let registered = app
        .post_json("/api/v1/requests", &registration("access", &today))
        .await;
    let read = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(read.status, 200, "a read while the lock is held: {}", read.text);
    let refused = waiting.await.unwrap();
    let problem = refused.assert_problem(503);
    println!(
        "lock held elsewhere ({}): the waiting action answered {} ({}); a registration meanwhile {}",
        if postgres {
            "one request's row"
        } else {
            "the database"
        },
        refused.status.as_u16(),
        problem["detail"],
        registered.status.as_u16()
    );
    if postgres {
        assert_eq!(registered.status, 201, "{}", registered.text);
    } else {
        registered.assert_problem(503);
    }
    // Nothing of the refused action is stored.
    let after = app.get(&format!("/api/v1/requests/{id}")).await;
    assert!(after.body["assignee"].is_null(), "{}", after.text);
    assert_eq!(app.event_actions(&id).await, events_before);

    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let assigned = app.act_ok(&id, "assign", &assign).await;
    assert_eq!(assigned["assignee"], worker.id.as_str(), "{assigned}");
    app.register(&registration("access", &today)).await;
}
