//! Registration throughput on the default SQLite store, against the raw durable
//! SQLite transaction rate of the same machine, measured in the same run.
//!
//!     cargo bench --bench register
//!
//! Environment: `BENCH_REQUESTS` (default 4000), `BENCH_CLIENTS` (default 16),
//! `BENCH_RAW_TRANSACTIONS` (default 4000), `BENCH_DIR` (default target/bench).
//! Prints a Markdown table for docs/performance.md. This is a benchmark, never a test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

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

    let raw = raw_sqlite_rate(dir, raw_transactions);

    // The privacy officer whose token the clients use (registers for any team).
    let added = Command::new(env!("CARGO_BIN_EXE_avg-loket"))
        .args([
            "user",
            "add",
            "--name",
            "Bench",
            "--email",
            "bench@zorg.example",
            "--role",
            "privacy_officer",
        ])
        .current_dir(dir)
        .env_clear()
        .env("AVG_LOKET_LOG", "warn")
        .output()
        .expect("avg-loket user add");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let token = String::from_utf8_lossy(&added.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");

    let mut server = Command::new(env!("CARGO_BIN_EXE_avg-loket"))
        .arg("serve")
        .current_dir(dir)
        .env_clear()
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
    println!("| raw SQLite, 1 row + 1 event per transaction (WAL, synchronous=FULL) | {raw:.0} tx/s ({raw_transactions} transactions) |");
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
