//! Registration throughput over HTTP against the raw durable transaction rate of the
//! same database on the same machine, measured in the same run: on the default SQLite
//! store, or on PostgreSQL when `BENCH_POSTGRES_URL` names a server.
//!
//!     cargo bench --bench register
//!     BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench register
//!
//! Environment: `BENCH_REQUESTS` (default 4000), `BENCH_CLIENTS` (default 16),
//! `BENCH_RAW_TRANSACTIONS` (default 4000), `BENCH_RAW_CLIENTS` (PostgreSQL's raw
//! rate: default 8), `BENCH_DIR` (default target/bench). On PostgreSQL the bench
//! creates (and first drops) the databases `avg_loket_bench` and `avg_loket_bench_raw`
//! on that server. Prints a Markdown table for docs/performance.md. This is a
//! benchmark, never a test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One row plus one event per transaction, WAL, synchronous=FULL, BEGIN IMMEDIATE.
fn raw_sqlite_rate(dir: &Path, transactions: usize) -> f64 {
    let path = dir.join("raw.db");
    let _ = std::fs::remove_file(&path);
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;
         CREATE TABLE rows (id TEXT PRIMARY KEY, payload TEXT NOT NULL);
         CREATE TABLE events (seq INTEGER PRIMARY KEY, row_id TEXT NOT NULL, data TEXT NOT NULL);",
    )
    .unwrap();
    let started = Instant::now();
    for i in 0..transactions {
        conn.batch_execute(&format!(
            "BEGIN IMMEDIATE;
             INSERT INTO rows (id, payload) VALUES ('row-{i}', '{{\"kind\":\"access\",\"team\":\"AMW\"}}');
             INSERT INTO events (row_id, data) VALUES ('row-{i}', '{{\"action\":\"register\"}}');
             COMMIT;"
        ))
        .unwrap();
    }
    transactions as f64 / started.elapsed().as_secs_f64()
}

/// The same transaction on PostgreSQL (default `synchronous_commit`, so each commit
/// waits for its WAL flush), from `clients` connections at once, the way pgbench runs
/// it: one request row plus one event per transaction.
fn raw_postgres_rate(url: &str, transactions: usize, clients: usize) -> f64 {
    let mut conn = PgConnection::establish(url).unwrap();
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, payload TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS events (seq BIGSERIAL PRIMARY KEY, row_id TEXT NOT NULL, data TEXT NOT NULL);
         TRUNCATE rows, events;",
    )
    .unwrap();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let connections: Vec<PgConnection> = (0..clients)
        .map(|_| PgConnection::establish(url).unwrap())
        .collect();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for mut conn in connections {
            let next = next.clone();
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= transactions {
                    break;
                }
                conn.batch_execute(&format!(
                    "BEGIN;
                     INSERT INTO rows (id, payload) VALUES ('row-{i}', '{{\"kind\":\"access\",\"team\":\"AMW\"}}');
                     INSERT INTO events (row_id, data) VALUES ('row-{i}', '{{\"action\":\"register\"}}');
                     COMMIT;"
                ))
                .unwrap();
            });
        }
    });
    transactions as f64 / started.elapsed().as_secs_f64()
}

/// A fresh, empty database `name` on the server of `url`; returns its URL.
fn fresh_postgres_database(url: &str, name: &str) -> String {
    let mut admin = PgConnection::establish(url).unwrap();
    // Two calls: several statements in one would run as one transaction, which
    // DROP DATABASE refuses.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    // The database's name is the last part of the path; `?…` parameters (sslmode, a
    // password file) stay with the new URL.
    let (path, parameters) = url.split_once('?').map_or((url, None), |(p, q)| (p, Some(q)));
    let (base, _) = path.rsplit_once('/').expect("a PostgreSQL URL ends in /database");
    match parameters {
        Some(parameters) => format!("{base}/{name}?{parameters}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs a command of `avg-loket` on `database_url`; returns what it printed.
fn avg_loket(dir: &Path, database_url: &str, args: &[&str]) -> String {
    let done = Command::new(env!("CARGO_BIN_EXE_avg-loket"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("AVG_LOKET_DATABASE_URL", database_url)
        .env("AVG_LOKET_LOG", "warn")
        .output()
        .expect("avg-loket runs");
    assert!(
        done.status.success(),
        "avg-loket {args:?}: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    String::from_utf8_lossy(&done.stdout).into_owned()
}

fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let requests = env_number("BENCH_REQUESTS", 4000);
    let clients = env_number("BENCH_CLIENTS", 16);
    let raw_transactions = env_number("BENCH_RAW_TRANSACTIONS", 4000);
    let dir = std::env::var("BENCH_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench").into());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    for file in ["avg-loket.db", "avg-loket.db-wal", "avg-loket.db-shm"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    let postgres = std::env::var("BENCH_POSTGRES_URL").ok().filter(|u| !u.is_empty());

    // The database `serve` uses: the default SQLite file, or a fresh PostgreSQL database.
    let (raw, database_url, raw_label) = match &postgres {
        None => (
            raw_sqlite_rate(dir, raw_transactions),
            "sqlite://avg-loket.db".to_string(),
            "raw SQLite, 1 row + 1 event per transaction (WAL, synchronous=FULL)".to_string(),
        ),
        Some(url) => {
            let raw_clients = env_number("BENCH_RAW_CLIENTS", 8);
            let raw_url = fresh_postgres_database(url, "avg_loket_bench_raw");
            let raw = raw_postgres_rate(&raw_url, raw_transactions, raw_clients);
            (
                raw,
                fresh_postgres_database(url, "avg_loket_bench"),
                format!("raw PostgreSQL, 1 row + 1 event per transaction, {raw_clients} clients"),
            )
        }
    };
    // `serve` would migrate too; done first so the privacy officer can be added.
    avg_loket(dir, &database_url, &["migrate"]);
    // The privacy officer whose token the clients use (registers for any team).
    let added = avg_loket(
        dir,
        &database_url,
        &[
            "user",
            "add",
            "--name",
            "Bench",
            "--email",
            "bench@zorg.example",
            "--role",
            "privacy_officer",
        ],
    );
    let token = added.lines().last().unwrap().to_string();
    let bearer = format!("Bearer {token}");

    let mut server = Command::new(env!("CARGO_BIN_EXE_avg-loket"))
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("AVG_LOKET_DATABASE_URL", &database_url)
        .env("AVG_LOKET_LISTEN", "127.0.0.1:0")
        .env("AVG_LOKET_LOG_FORMAT", "json")
        .env(
            "AVG_LOKET_LOG",
            std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn,avg_loket::cli=info".into()),
        )
        .stderr(Stdio::piped())
        .spawn()
        .expect("avg-loket serve starts");
    let pid = server.id();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if event["message"] == "listening" {
            break format!("http://{}", event["address"].as_str().unwrap());
        }
    };
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if std::env::var("BENCH_LOG").is_ok() {
                eprintln!("{line}");
            }
        }
    });
    let rss_idle = status_kb(pid, "VmRSS:");

    let (elapsed, failures, peak_sampled) = actix_web::rt::System::new().block_on(async move {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .add_default_header(("authorization", bearer))
            .finish();
        let team = client
            .post(format!("{address}/api/v1/teams"))
            .send_json(&serde_json::json!({"code": "AMW", "name": "Algemeen maatschappelijk werk"}))
            .await
            .unwrap();
        assert_eq!(team.status(), 201);
        let body = serde_json::json!({
            "kind": "erasure", "scope": "data", "channel": "phone", "received_on": "2026-11-20", "team": "AMW",
            "requester": {"name": "J. de Vries", "email": "j@example.nl", "phone": null, "relation": "self"},
            "subject": {"age_band": "adult", "client_reference": "D-10442"},
            "description": "Wil dat het verslag van 3 maart wordt verwijderd",
        });
        let next = std::rc::Rc::new(std::cell::Cell::new(0usize));
        let started = Instant::now();
        let workers = (0..clients).map(|_| {
            let client = client.clone();
            let address = address.clone();
            let body = body.to_string();
            let next = next.clone();
            async move {
                let mut failures = 0usize;
                loop {
                    let n = next.get();
                    if n >= requests {
                        break failures;
                    }
                    next.set(n + 1);
                    let request = client
                        .post(format!("{address}/api/v1/requests"))
                        .insert_header(("content-type", "application/json"));
                    match request.send_body(body.clone()).await {
                        Ok(mut response) if response.status() == 201 => {
                            let _ = response.body().await;
                        }
                        _ => failures += 1,
                    }
                }
            }
        });
        let sampler = async {
            let mut peak = 0;
            while next.get() < requests {
                peak = peak.max(status_kb(pid, "VmRSS:"));
                actix_web::rt::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        };
        let (failures, peak) = futures_util::future::join(futures_util::future::join_all(workers), sampler).await;
        (started.elapsed(), failures.into_iter().sum::<usize>(), peak)
    });
    let peak_rss = status_kb(pid, "VmHWM:").max(peak_sampled);
    let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    let _ = server.wait();

    let http = requests as f64 / elapsed.as_secs_f64();
    let ratio = http / raw;
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| {raw_label} | {raw:.0} tx/s ({raw_transactions} transactions) |");
    println!("| `POST /api/v1/requests`, {clients} concurrent clients | {http:.0} requests/s ({requests} requests in {:.2} s) |", elapsed.as_secs_f64());
    println!(
        "| HTTP rate / raw rate | {:.0} % (goal: at least 50 %) |",
        ratio * 100.0
    );
    println!("| failed requests | {failures} |");
    println!(
        "| server resident memory: idle / peak | {:.1} MB / {:.1} MB (goal: under 64 MB) |",
        rss_idle as f64 / 1024.0,
        peak_rss as f64 / 1024.0
    );
    if failures > 0 || ratio < 0.5 || peak_rss > 64 * 1024 {
        eprintln!("GOAL MISSED");
        std::process::exit(1);
    }
}
