//! `avg-loket seed`: reproducible synthetic registers.

use std::process::Output;

use avg_loket::storage::schema::requests;
use diesel::{QueryDsl, RunQueryDsl};

use crate::cli::avg_loket;
use crate::helpers::TestDatabase;

fn run(database: &TestDatabase, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &database.url())])
        .args(args)
        .output()
        .unwrap()
}

type Row = (String, String, String, String, chrono::NaiveDate);

fn register_of(database: &TestDatabase) -> Vec<Row> {
    let db = avg_loket::storage::Db::connect(
        &avg_loket::configuration::DatabaseUrl::parse(&database.url()).unwrap(),
        1,
    )
    .unwrap();
    let mut conn = db.get().unwrap();
    requests::table
        .order(requests::reference)
        .select((
            requests::reference,
            requests::kind,
            requests::status,
            requests::team,
            requests::received_on,
        ))
        .load(&mut *conn)
        .unwrap()
}

#[test]
fn the_same_seed_gives_the_same_register_and_a_full_database_is_refused() {
    let (a, b) = (TestDatabase::create(), TestDatabase::create());
    for database in [&a, &b] {
        let output = run(database, &["seed", "--requests", "300", "--seed", "9"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("300 synthetic request(s)"));
    }
    let (first, second) = (register_of(&a), register_of(&b));
    assert_eq!(first.len(), 300);
    assert_eq!(first, second, "reproducible");
    let statuses: std::collections::BTreeSet<&str> = first.iter().map(|r| r.2.as_str()).collect();
    for status in [
        "received",
        "in_assessment",
        "in_execution",
        "completed",
        "refused",
        "withdrawn",
    ] {
        assert!(statuses.contains(status), "{status} missing: {statuses:?}");
    }
    let kinds: std::collections::BTreeSet<&str> = first.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    let other = TestDatabase::create();
    run(&other, &["seed", "--requests", "300", "--seed", "10"]);
    assert_ne!(register_of(&other), first, "another seed, another register");

    let refused = run(&a, &["seed", "--requests", "10"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let forced = run(&a, &["seed", "--requests", "10", "--force"]);
    assert!(forced.status.success());
    assert_eq!(register_of(&a).len(), 310);
    let verify = run(&a, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
