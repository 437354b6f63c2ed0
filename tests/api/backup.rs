//! `avg-loket backup --to PATH`: a consistent copy of a SQLite register while it is
//! written to, checked the way an operator restores it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::cli::avg_loket;
use crate::helpers::{registration, spawn_app};

#[actix_web::test]
async fn a_backup_under_write_load_holds_every_request_acknowledged_before_it_began() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("register-copy.db");
    if app.database.is_postgres() {
        let refused = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &app.database.url())])
            .args(["backup", "--to", copy.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(!refused.status.success());
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("pg_dump") && said.lines().count() == 1, "{said}");
        assert!(!copy.exists());
        return;
    }
    app.create_team("AMW").await;
    let today = crate::helpers::today().to_string();
    // Eight writers register continuously; every 201 is noted with the moment it came.
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let app = std::rc::Rc::new(app);
    let mut writers = Vec::new();
    for _ in 0..8 {
        let (app, acknowledged, stop, today) =
            (app.clone(), acknowledged.clone(), stop.clone(), today.clone());
        writers.push(actix_web::rt::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let answer = app
                    .post_json("/api/v1/requests", &registration("access", &today))
                    .await;
                assert_eq!(answer.status, 201, "{}", answer.text);
                acknowledged
                    .lock()
                    .unwrap()
                    .push(answer.body["id"].as_str().unwrap().to_string());
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 200 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let url = app.database.url();
    let target = copy.clone();
    let work = dir.path().to_path_buf();
    let made = actix_web::rt::task::spawn_blocking(move || {
        avg_loket(&work, &[("AVG_LOKET_DATABASE_URL", &url)])
            .args(["backup", "--to", target.to_str().unwrap()])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let during = acknowledged.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(said.contains("backup written to"), "{said}");

    // Restore as docs/operations.md says: the copy opens, migrates, and its chain holds.
    let copy_url = format!("sqlite://{}", copy.display());
    for args in [&["migrate"][..], &["audit", "verify"][..]] {
        let run = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &copy_url)])
            .args(args)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let found: HashSet<String> = {
        use avg_loket::storage::schema::requests;
        use diesel::{QueryDsl, RunQueryDsl};
        let db = avg_loket::storage::Db::connect(
            &avg_loket::configuration::DatabaseUrl::parse(&copy_url).unwrap(),
            1,
        )
        .unwrap();
        let mut conn = db.get().unwrap();
        requests::table
            .select(requests::id)
            .load::<String>(&mut *conn)
            .unwrap()
            .into_iter()
            .collect()
    };
    let lost: Vec<&String> = before.iter().filter(|id| !found.contains(*id)).collect();
    println!(
        "backup under load: {} acknowledged before it began, {} found in the copy ({} in all), {} written during it, {} lost",
        before.len(),
        before.len() - lost.len(),
        found.len(),
        during,
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged but not in the backup: {lost:?}");

    // A second backup to the same file is refused: nothing is overwritten.
    let again = avg_loket(dir.path(), &[("AVG_LOKET_DATABASE_URL", &app.database.url())])
        .args(["backup", "--to", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}
