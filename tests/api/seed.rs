//! `avg-loket seed`: reproducible synthetic registers.

use std::process::Output;

use avg_loket::storage::schema::requests;
use diesel::{QueryDsl, RunQueryDsl};

use crate::cli::avg_loket;
use crate::helpers::TestDatabase;

/// Runs the binary with `args` against `database` (a clean environment).
pub fn run(database: &TestDatabase, args: &[&str]) -> Output {
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

/// Rows of the dashboard's running totals (migration 000018) that disagree with the
/// day rows they are kept from, and whether they are paused: `(0, false)` when all hold.
pub fn totals_out_of_step(conn: &mut avg_loket::storage::DbConnection) -> (i64, bool) {
    let wrong = count(
        conn,
        "SELECT COUNT(*) AS count FROM outcome_totals AS t WHERE t.total <> \
         (SELECT SUM(d.n) FROM daily_outcomes AS d WHERE d.measure = t.measure AND d.team = t.team \
          AND d.kind = t.kind AND d.days = t.days AND d.on_time = t.on_time AND d.day <= t.day)",
    ) + count(
        conn,
        "SELECT COUNT(*) AS count FROM outcome_groups AS g WHERE g.total <> \
         (SELECT SUM(d.n) FROM daily_outcomes AS d WHERE d.measure = g.measure AND d.team = g.team \
          AND d.kind = g.kind AND d.days = g.days AND d.on_time = g.on_time)",
    ) + (count(conn, "SELECT COUNT(*) AS count FROM outcome_totals")
        - count(conn, "SELECT COUNT(*) AS count FROM daily_outcomes"))
    .abs();
    let paused = count(conn, "SELECT COUNT(*) AS count FROM outcome_totals_paused") > 0;
    (wrong, paused)
}

/// How many rows of the counters of migrations 000019 (the open figures, decisions
/// without a letter) and 000032 (the open tasks) differ from counting the requests
/// and tasks themselves, in either direction (0: in step).
pub fn open_figures_out_of_step(conn: &mut avg_loket::storage::DbConnection) -> i64 {
    let counts = "SELECT team, status, kind, COALESCE(assignee, '') AS assignee, COUNT(*) AS n \
                  FROM requests WHERE open_due IS NOT NULL GROUP BY 1, 2, 3, 4";
    let stored_counts = "SELECT team, status, kind, assignee, n FROM open_counts";
    let deadlines = "SELECT team, deadline, day, running, COUNT(*) AS n FROM ( \
        SELECT team, CASE WHEN decided_on IS NULL THEN 'response' ELSE 'execution' END AS deadline, \
               open_due AS day, CASE WHEN suspended_since IS NULL THEN 1 ELSE 0 END AS running \
        FROM requests WHERE open_due IS NOT NULL \
          AND (suspended_since IS NULL OR open_due < suspended_since) \
        UNION ALL \
        SELECT team, 'legal', legal_due, CASE WHEN suspended_since IS NULL THEN 1 ELSE 0 END \
        FROM requests WHERE open_due IS NOT NULL \
          AND (suspended_since IS NULL OR legal_due < suspended_since)) AS o \
        GROUP BY 1, 2, 3, 4";
    let stored_deadlines = "SELECT team, deadline, day, running, n FROM open_deadlines";
    let unlettered = "SELECT team, decided_on AS day, kind, COUNT(*) AS n FROM requests AS r \
        WHERE decided_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM letters AS l \
        WHERE l.request_id = r.id AND l.kind = 'decision' AND l.status <> 'draft') GROUP BY 1, 2, 3";
    let stored_unlettered =
        "SELECT team, day, kind, n FROM daily_outcomes WHERE measure = 'unlettered' AND n <> 0";
    let tasks = "SELECT team, system_code, owner_id, due, COUNT(*) AS n FROM tasks \
        WHERE status = 'open' GROUP BY 1, 2, 3, 4";
    let stored_tasks = "SELECT team, system_code, owner_id, due, n FROM open_tasks";
    differing(conn, tasks, stored_tasks)
        + differing(conn, unlettered, stored_unlettered)
        + differing(conn, counts, stored_counts)
        + differing(conn, deadlines, stored_deadlines)
}

/// How many groups of the 90-day window's counters (migration 000033) differ from
/// summing the day rows from the window's start on, in either direction (0: in step;
/// no start recorded: nothing to compare).
pub fn window_out_of_step(conn: &mut avg_loket::storage::DbConnection) -> i64 {
    let summed = "SELECT measure, team, kind, days, on_time, SUM(n) AS n FROM daily_outcomes \
        WHERE day >= (SELECT since FROM outcome_window_start WHERE id = 1) \
        GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0";
    let stored = "SELECT measure, team, kind, days, on_time, n FROM outcome_window WHERE n <> 0";
    differing(conn, summed, stored)
}

/// How many rows one of two queries gives and the other does not, either way.
fn differing(conn: &mut avg_loket::storage::DbConnection, a: &str, b: &str) -> i64 {
    let one_way = |a: &str, b: &str| format!("SELECT COUNT(*) AS count FROM ({a} EXCEPT {b}) AS x");
    count(conn, &one_way(a, b)) + count(conn, &one_way(b, a))
}

/// The `count` of a query that selects one.
fn count(conn: &mut avg_loket::storage::DbConnection, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().count
}

/// Seeding writes decisions of three years in random order with the running totals
/// paused, and rebuilds them at its end; a seed that stopped halfway leaves them
/// paused, and the next start rebuilds them.
#[test]
fn a_seeded_register_has_running_totals_that_match_its_days() {
    let database = TestDatabase::create();
    let output = run(&database, &["seed", "--requests", "400", "--seed", "4"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let db = avg_loket::storage::Db::connect(
        &avg_loket::configuration::DatabaseUrl::parse(&database.url()).unwrap(),
        1,
    )
    .unwrap();
    {
        let mut conn = db.get().unwrap();
        let days = count(&mut conn, "SELECT COUNT(*) AS count FROM daily_outcomes");
        assert!(days > 100, "a register of three years: {days} day rows");
        assert_eq!(totals_out_of_step(&mut conn), (0, false));
        assert_eq!(open_figures_out_of_step(&mut conn), 0, "the open figures too");
        // Five systems, and the tasks the requests' states imply.
        assert_eq!(count(&mut conn, "SELECT COUNT(*) AS count FROM systems"), 5);
        let tasks = |status: &str, of: &str| {
            format!("SELECT COUNT(*) AS count FROM tasks t JOIN requests r ON r.id = t.request_id WHERE t.status = '{status}' AND r.status = '{of}'")
        };
        assert!(count(&mut conn, &tasks("done", "completed")) > 50);
        assert!(count(&mut conn, &tasks("open", "in_execution")) > 0);
        assert_eq!(count(&mut conn, &tasks("open", "completed")), 0);
        for closed in ["received", "refused", "withdrawn"] {
            assert_eq!(count(&mut conn, &tasks("open", closed)), 0, "{closed}");
        }
        // As a seed that stopped halfway leaves them: paused, and behind.
        diesel::sql_query("INSERT INTO outcome_totals_paused (id) VALUES (1)")
            .execute(&mut *conn)
            .unwrap();
        diesel::sql_query("UPDATE outcome_groups SET total = total + 7")
            .execute(&mut *conn)
            .unwrap();
        assert!(totals_out_of_step(&mut conn).0 > 0);
    }
    let migrated = run(&database, &["migrate"]);
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let mut conn = db.get().unwrap();
    assert_eq!(
        totals_out_of_step(&mut conn),
        (0, false),
        "rebuilt at the next start"
    );
}
