//! The dashboard's figures against requests with known dates and outcomes.

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};

use crate::helpers::{registration, spawn_app, TestApp};

fn today() -> NaiveDate {
    crate::helpers::today()
}

fn ago(days: u64) -> String {
    (today() - Days::new(days)).to_string()
}

async fn register(app: &TestApp, kind: &str, team: &str, received: &str) -> String {
    let mut body = registration(kind, received);
    body["team"] = team.into();
    app.register(&body).await["id"].as_str().unwrap().to_string()
}

/// Assigns, assesses and decides (granted), communicated on `decided`.
async fn grant(app: &TestApp, id: &str, decided: &str) {
    app.act_ok(id, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    app.act_ok(
        id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    app.act_ok(
        id,
        "decide",
        &json!({"outcome": "granted", "communicated_on": decided}),
    )
    .await;
}

/// [`grant`]s on `decided`, completes on `completed`.
async fn handle(app: &TestApp, id: &str, decided: &str, completed: &str) {
    grant(app, id, decided).await;
    app.act_ok(
        id,
        "complete",
        &json!({"summary": "afschrift verstuurd", "completed_on": completed}),
    )
    .await;
}

#[actix_web::test]
async fn dashboard_figures_match_requests_with_known_outcomes() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    // A: handled well within both deadlines, and extended.
    let a = register(&app, "access", "AMW", &ago(40)).await;
    app.act_ok(
        &a,
        "extend",
        &json!({"reason": "omvangrijk", "informed_on": ago(39)}),
    )
    .await;
    handle(&app, &a, &ago(38), &ago(30)).await;
    // B: decided and completed late.
    let b = register(&app, "access", "AMW", &ago(80)).await;
    handle(&app, &b, &ago(50), &ago(20)).await;
    // C: open, unassigned, overdue since long.
    let c = register(&app, "erasure", "AMW", &ago(30)).await;
    // D: open, unassigned, just received.
    register(&app, "objection", "AMW", &today().to_string()).await;
    // E: paused.
    let e = register(&app, "access", "AMW", &ago(3)).await;
    app.act_ok(&e, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    app.act_ok(&e, "suspend", &json!({"reason": "identity", "asked_on": ago(2)}))
        .await;
    // G: due within a week.
    let g = register(&app, "access", "AMW", &ago(12)).await;
    app.act_ok(&g, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    // F: another team's overdue request.
    let f = register(&app, "erasure", "JGD", &ago(30)).await;

    let all = app.get("/api/v1/dashboard").await;
    assert_eq!(all.status, 200, "{}", all.text);
    let d = &all.body;
    assert_eq!(d["open"]["total"], 5);
    assert_eq!(
        d["open"]["by_status"],
        json!({"awaiting_requester": 1, "received": 4})
    );
    assert_eq!(
        d["open"]["by_kind"],
        json!({"access": 2, "erasure": 2, "objection": 1})
    );
    assert_eq!(d["open"]["by_team"], json!({"AMW": 4, "JGD": 1}));
    assert_eq!(d["overdue"]["total"], 2);
    assert_eq!(d["overdue"]["response"], 2);
    assert_eq!(d["overdue"]["execution"], 0);
    let oldest: Vec<Value> = d["overdue"]["oldest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(oldest, [json!(c), json!(f)], "same due date: by reference");
    assert!(d["overdue"]["oldest"][0]["days_overdue"].as_i64().unwrap() >= 12);
    assert_eq!(d["due_soon"], 1, "G");
    assert_eq!(d["suspended"], 1);
    assert_eq!(d["unassigned"], 3, "C, D and F");
    assert_eq!(d["failed_mails"], 0);
    let access = &d["last_90_days"]["per_kind"]["access"];
    assert_eq!(access["decided"], 2);
    assert_eq!(access["decided_on_time_share"], 0.5);
    assert_eq!(access["completed"], 2);
    assert_eq!(access["completed_on_time_share"], 0.5);
    assert_eq!(access["median_days_to_decision"], 16.0, "(2 + 30) / 2");
    assert_eq!(access["median_days_to_completion"], 35.0, "(10 + 60) / 2");
    assert_eq!(access["extensions"], 1);
    assert_eq!(d["last_90_days"]["per_kind"]["erasure"]["decided"], 0);
    assert_eq!(
        d["last_90_days"]["per_kind"]["erasure"]["decided_on_time_share"],
        Value::Null
    );

    // A caseworker of AMW sees AMW only.
    let worker = app.worker("AMW");
    let scoped = app.get_as(&worker.token, "/api/v1/dashboard").await;
    assert_eq!(scoped.status, 200);
    assert_eq!(scoped.body["open"]["total"], 4);
    assert_eq!(scoped.body["open"]["by_team"], json!({"AMW": 4}));
    assert_eq!(scoped.body["overdue"]["total"], 1);
    assert_eq!(scoped.body["unassigned"], 2);
    let front_desk = app.create_user("front_desk", &[]).await;
    app.get_as(&front_desk.token, "/api/v1/dashboard")
        .await
        .assert_problem(403);
}

#[actix_web::test]
async fn overdue_counts_freeze_during_a_pause_and_follow_the_deadline_still_to_meet() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = json!({"assignee": app.worker("AMW").id});
    // Paused 5 days ago, long after its response deadline (about 26 days ago): overdue.
    let late = register(&app, "access", "AMW", &ago(40)).await;
    app.act_ok(&late, "assign", &worker).await;
    app.act_ok(
        &late,
        "suspend",
        &json!({"reason": "identity", "asked_on": ago(5)}),
    )
    .await;
    // Paused 15 days ago, before its response deadline: frozen as not overdue, though
    // the calendar date of that deadline has passed.
    let early = register(&app, "access", "AMW", &ago(20)).await;
    app.act_ok(&early, "assign", &worker).await;
    app.act_ok(
        &early,
        "suspend",
        &json!({"reason": "identity", "asked_on": ago(15)}),
    )
    .await;
    // Decided in time, but its execution deadline (about 32 days ago) has passed.
    let executing = register(&app, "access", "AMW", &ago(60)).await;
    app.act_ok(&executing, "assign", &worker).await;
    app.act_ok(
        &executing,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    app.act_ok(
        &executing,
        "decide",
        &json!({"outcome": "granted", "communicated_on": ago(50)}),
    )
    .await;

    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(d["open"]["total"], 3);
    assert_eq!(d["suspended"], 2);
    assert_eq!(d["overdue"]["response"], 1, "{d}");
    assert_eq!(d["overdue"]["execution"], 1, "{d}");
    let oldest: Vec<(Value, Value)> = d["overdue"]["oldest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].clone(), r["deadline"].clone()))
        .collect();
    assert_eq!(
        oldest,
        [
            (json!(executing), json!("execution")),
            (json!(late), json!("response"))
        ]
    );
    // The list's overdue filter agrees with the dashboard.
    let listed = app.get("/api/v1/requests?overdue=true").await;
    assert_eq!(listed.body["total"], 2, "{}", listed.text);
}

/// The deadline `working_days` working days after today, and the date of receipt that
/// gives a request that response deadline (14 days before it).
fn due_in(working_days: u32) -> (NaiveDate, String) {
    let due = avg_loket::domain::calendar::Calendar::GdprNl.add_working_days(today(), working_days);
    (due, (due - Days::new(14)).to_string())
}

#[actix_web::test]
async fn the_legal_limit_is_shown_as_such_and_one_soon_holds_everywhere() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    let assign = |id: String| {
        let app = &app;
        let worker = worker.id.clone();
        async move {
            app.act_ok(&id, "assign", &json!({"assignee": worker})).await;
        }
    };
    // P: past the 14-day target, within the legal month.
    let p = register(&app, "access", "AMW", &ago(20)).await;
    assign(p.clone()).await;
    // Q: past the legal month.
    let q = register(&app, "access", "AMW", &ago(45)).await;
    assign(q.clone()).await;
    // R: as old as Q, but paused before its deadlines passed: frozen, neither.
    let r = register(&app, "access", "AMW", &ago(45)).await;
    assign(r.clone()).await;
    app.act_ok(&r, "suspend", &json!({"reason": "identity", "asked_on": ago(40)}))
        .await;
    // S: due in exactly the reminder days (3 working days); T: one working day later.
    let (s_due, s_received) = due_in(3);
    let s = register(&app, "access", "AMW", &s_received).await;
    assign(s.clone()).await;
    let (_, t_received) = due_in(4);
    let t = register(&app, "access", "AMW", &t_received).await;
    assign(t.clone()).await;

    let d = app.get("/api/v1/dashboard").await.body;
    assert_eq!(d["overdue"]["total"], 2, "P and Q miss their target");
    assert_eq!(d["overdue"]["past_legal_limit"], 1, "only Q breaks the law");
    assert_eq!(d["due_soon"], 1, "S, not T (due {s_due})");
    let oldest = d["overdue"]["oldest"].as_array().unwrap();
    let flag_of = |id: &str| {
        oldest
            .iter()
            .find(|o| o["id"] == id)
            .map(|o| o["past_legal_limit"].clone())
    };
    assert_eq!(flag_of(&q), Some(json!(true)));
    assert_eq!(flag_of(&p), Some(json!(false)));

    let mut answers = Vec::new();
    for id in [&q, &p, &s, &t, &r] {
        answers.push(app.get(&format!("/api/v1/requests/{id}")).await.body);
    }
    let [pq, pp, ps, pt, pr] = <[Value; 5]>::try_from(answers).unwrap();
    assert_eq!(
        (pq["overdue"].clone(), pq["past_legal_limit"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        (pp["overdue"].clone(), pp["past_legal_limit"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(
        (pr["overdue"].clone(), pr["past_legal_limit"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(
        (ps["due_soon"].clone(), pt["due_soon"].clone()),
        (json!(true), json!(false))
    );
    // Past the legal limit, only an extension announced within it can be recorded.
    let late = app
        .act(&q, "extend", &json!({"reason": "te laat", "informed_on": ago(1)}))
        .await;
    assert_eq!(late.assert_problem(422)["errors"][0]["field"], "informed_on");

    let session = crate::pages::sign_in(&app, &app.admin.token).await;
    let page = |id: String| {
        let (app, session) = (&app, session.clone());
        async move { crate::pages::get(app, &format!("/requests/{id}"), &[&session]).await }
    };
    let (hq, hp, hs, ht) = (
        page(q.clone()).await,
        page(p.clone()).await,
        page(s.clone()).await,
        page(t.clone()).await,
    );
    crate::pages::shows(&hq, "Wettelijke termijn overschreden");
    // The page offers only what can succeed: recording an extension announced in time.
    assert!(
        !hq.text.contains(">Termijn verlengen<"),
        "no plain extension past the limit"
    );
    crate::pages::shows(&hq, "Verlenging vastleggen die op tijd is gemeld");
    crate::pages::shows(&hp, "Termijn verstreken");
    assert!(!hp.text.contains("Wettelijke termijn overschreden"));
    crate::pages::shows(&hp, ">Termijn verlengen<");
    crate::pages::shows(&hs, "Termijn loopt bijna af");
    assert!(
        !ht.text.contains("Termijn loopt bijna af"),
        "one working day too far"
    );
    let list = crate::pages::get(&app, "/requests?wie=alle", &[&session]).await;
    crate::pages::shows(&list, "Wettelijke termijn overschreden");
    assert_eq!(list.text.matches(">Binnenkort<").count(), 1, "S only");
    let dashboard = crate::pages::get(&app, "/dashboard", &[&session]).await;
    crate::pages::shows(&dashboard, "wettelijke termijn overschreden");
    crate::pages::shows(&dashboard, "termijn binnen 3 werkdagen");
}

/// The figures of the last 90 days are kept per team and day by the database
/// (migration 000016): they follow a request to another team, and a request that
/// is changed in other ways is counted once.
#[actix_web::test]
async fn window_figures_follow_a_transferred_request_to_its_new_team() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let manager = app.create_user("manager", &["AMW"]).await;
    let id = register(&app, "access", "AMW", &ago(20)).await;
    app.act_ok(
        &id,
        "extend",
        &json!({"reason": "omvangrijk", "informed_on": ago(19)}),
    )
    .await;
    grant(&app, &id, &ago(5)).await;
    let figures = |token: String| {
        let app = &app;
        async move {
            let d = app.get_as(&token, "/api/v1/dashboard").await;
            assert_eq!(d.status, 200, "{}", d.text);
            let access = &d.body["last_90_days"]["per_kind"]["access"];
            (
                access["decided"].as_i64().unwrap(),
                access["extensions"].as_i64().unwrap(),
                access["median_days_to_decision"].as_f64(),
            )
        }
    };
    let amw = app.worker("AMW").token;
    let jgd = app.worker("JGD").token;
    assert_eq!(figures(amw.clone()).await, (1, 1, Some(15.0)));
    assert_eq!(figures(jgd.clone()).await, (0, 0, None));

    let moved = app
        .post_json_as(
            &manager.token,
            &format!("/api/v1/requests/{id}/actions/transfer"),
            &json!({"team": "JGD", "reason": "Cliënt wordt door jeugd begeleid"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(figures(amw).await, (0, 0, None));
    assert_eq!(figures(jgd).await, (1, 1, Some(15.0)));
    let all = figures(app.admin.token.clone()).await;
    assert_eq!(all, (1, 1, Some(15.0)), "counted once over every team");
    let mut conn = app.db.get().unwrap();
    assert_eq!(crate::seed::totals_out_of_step(&mut conn), (0, false));
    assert_eq!(crate::seed::open_figures_out_of_step(&mut conn), 0);
}

/// The window's figures are a group's total minus its running total before the window
/// (migration 000018): a decision entered after the fact, on a day before days already
/// counted, raises those days' running totals too, so it is not counted in the window.
#[actix_web::test]
async fn a_decision_entered_after_the_fact_before_the_window_stays_outside_it() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    // The same kind, team, days to decision (7) and on time: one group.
    let decide_after_a_week = |received: u64| {
        let app = &app;
        async move {
            let id = register(app, "access", "AMW", &ago(received)).await;
            grant(app, &id, &ago(received - 7)).await;
        }
    };
    let decided = || {
        let app = &app;
        async move {
            let d = app.get("/api/v1/dashboard").await;
            assert_eq!(d.status, 200, "{}", d.text);
            d.body["last_90_days"]["per_kind"]["access"]["decided"]
                .as_i64()
                .unwrap()
        }
    };
    decide_after_a_week(37).await; // decided 30 days ago: in the window
    decide_after_a_week(102).await; // 95 days ago: before it
    assert_eq!(decided().await, 1);
    decide_after_a_week(107).await; // 100 days ago, entered last
    assert_eq!(decided().await, 1, "a day before the window stays outside it");
    decide_after_a_week(12).await; // 5 days ago
    assert_eq!(decided().await, 2);
    let mut conn = app.db.get().unwrap();
    assert_eq!(crate::seed::totals_out_of_step(&mut conn), (0, false));
    assert_eq!(crate::seed::open_figures_out_of_step(&mut conn), 0);
}

/// The open figures are counters kept by triggers on `requests` (migration 000019):
/// every change of a counted column moves a request from one counter to another, and
/// the dashboard agrees with the list after each step.
#[actix_web::test]
async fn the_open_figures_follow_every_change_of_a_request() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let worker = json!({"assignee": app.worker("AMW").id});
    let a = register(&app, "access", "AMW", &ago(30)).await;
    let b = register(&app, "access", "AMW", &ago(10)).await;
    let c = register(&app, "objection", "JGD", &ago(3)).await;
    let check = |step: &'static str| {
        let app = &app;
        async move {
            let d = app.get("/api/v1/dashboard").await;
            assert_eq!(d.status, 200, "{}", d.text);
            let open = app
                .get("/api/v1/requests?status=received,in_assessment,awaiting_requester,in_execution")
                .await;
            assert_eq!(d.body["open"]["total"], open.body["total"], "{step}: {}", d.text);
            let overdue = app.get("/api/v1/requests?overdue=true").await;
            assert_eq!(
                d.body["overdue"]["total"], overdue.body["total"],
                "{step}: {}",
                d.text
            );
            let mut conn = app.db.get().unwrap();
            assert_eq!(crate::seed::open_figures_out_of_step(&mut conn), 0, "{step}");
            d.body
        }
    };
    let d = check("registered").await;
    assert_eq!(d["open"]["total"], 3);
    assert_eq!(d["overdue"]["response"], 1, "{d}");
    assert_eq!(d["unassigned"], 3);
    app.act_ok(&a, "assign", &worker).await;
    app.act_ok(&b, "assign", &worker).await;
    assert_eq!(check("assigned").await["unassigned"], 1);
    app.act_ok(&a, "suspend", &json!({"reason": "identity", "asked_on": ago(20)}))
        .await;
    let d = check("paused before its deadline").await;
    assert_eq!(
        (d["suspended"].clone(), d["overdue"]["response"].clone()),
        (json!(1), json!(0))
    );
    app.act_ok(&a, "resume", &json!({"received_on": ago(2)})).await;
    assert_eq!(check("resumed").await["suspended"], 0);
    app.act_ok(
        &b,
        "correct",
        &json!({"reason": "brief lag eerder binnen", "received_on": ago(40)}),
    )
    .await;
    assert_eq!(check("corrected into the past").await["overdue"]["response"], 1);
    app.act_ok(
        &b,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    app.act_ok(
        &b,
        "decide",
        &json!({"outcome": "granted", "communicated_on": ago(1)}),
    )
    .await;
    let d = check("decided").await;
    assert_eq!(d["open"]["by_status"]["in_execution"], 1, "{d}");
    app.act_ok(&c, "transfer", &json!({"team": "AMW", "reason": "andere cliënt"}))
        .await;
    assert_eq!(check("transferred").await["open"]["by_team"]["AMW"], 3);
    app.act_ok(&c, "withdraw", &json!({"reason": "ingetrokken", "on": ago(0)}))
        .await;
    app.act_ok(
        &b,
        "complete",
        &json!({"summary": "afschrift verstuurd", "completed_on": ago(0)}),
    )
    .await;
    let d = check("closed").await;
    assert_eq!(d["open"]["total"], 1, "{d}");
}

/// The 90-day window's counters (migration 000033, D63): once `serve`'s loop has
/// started the window, the dashboard reads them; every outcome after that — a
/// decision, a completion, an extension, a transfer, a decision entered after the fact
/// before the window — moves them as it moves the day rows, and the figures are the
/// same as when the window is read the slower way.
#[actix_web::test]
async fn the_windows_counters_follow_every_outcome_and_give_the_same_figures() {
    use avg_loket::service::{dashboard::keep_window, Rules};
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let rules = Rules::from_settings(&crate::helpers::test_settings(&app.database.url(), &[]));
    let first = register(&app, "access", "AMW", &ago(40)).await;
    handle(&app, &first, &ago(30), &ago(20)).await;
    let before = app.get("/api/v1/dashboard").await.body["last_90_days"].clone();
    assert_eq!(before["per_kind"]["access"]["completed"], 1, "{before}");

    let now = avg_loket::clock::now();
    assert!(
        keep_window(&app.db, &rules, now).await.unwrap(),
        "a new register keeps no window yet"
    );
    assert!(
        !keep_window(&app.db, &rules, now).await.unwrap(),
        "the same day: nothing to do"
    );
    let counted = app.get("/api/v1/dashboard").await.body["last_90_days"].clone();
    assert_eq!(counted, before, "the counters give the figures the day rows give");

    // Outcomes after the start: in the window, before it, moved to another team.
    let second = register(&app, "portability", "AMW", &ago(12)).await;
    app.act_ok(
        &second,
        "extend",
        &json!({"reason": "omvangrijk", "informed_on": ago(11)}),
    )
    .await;
    handle(&app, &second, &ago(6), &ago(2)).await;
    let old = register(&app, "access", "AMW", &ago(120)).await;
    handle(&app, &old, &ago(110), &ago(100)).await;
    let moved = register(&app, "objection", "AMW", &ago(9)).await;
    grant(&app, &moved, &ago(3)).await;
    app.act_ok(
        &moved,
        "transfer",
        &json!({"team": "JGD", "reason": "Cliënt wordt door jeugd begeleid"}),
    )
    .await;
    let counted = app.get("/api/v1/dashboard").await.body["last_90_days"].clone();
    let portability = &counted["per_kind"]["portability"];
    assert_eq!(
        (
            &portability["decided"],
            &portability["completed"],
            &portability["extensions"]
        ),
        (&json!(1), &json!(1), &json!(1)),
        "{counted}"
    );
    assert_eq!(
        counted["per_kind"]["access"]["completed"], 1,
        "the old one stays outside"
    );
    assert_eq!(counted["per_kind"]["objection"]["decided"], 1, "{counted}");
    let jgd = app.create_user("manager", &["JGD"]).await;
    let theirs = app.get_as(&jgd.token, "/api/v1/dashboard").await;
    assert_eq!(
        theirs.body["last_90_days"]["per_kind"]["objection"]["decided"], 1,
        "the transferred decision is counted in its new team: {}",
        theirs.text
    );
    let mut conn = app.db.get().unwrap();
    assert_eq!(crate::seed::window_out_of_step(&mut conn), 0);

    // Without a start the same figures come from the day rows.
    {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("DELETE FROM outcome_window_start").unwrap();
    }
    let read = app.get("/api/v1/dashboard").await.body["last_90_days"].clone();
    assert_eq!(read, counted);
    // A window kept for another day is not used either: a day later it is counted afresh.
    let tomorrow = now + chrono::Duration::days(1);
    assert!(keep_window(&app.db, &rules, tomorrow).await.unwrap());
    let stale = app.get("/api/v1/dashboard").await.body["last_90_days"].clone();
    assert_eq!(stale, counted, "a window for tomorrow is not today's");
    assert!(keep_window(&app.db, &rules, now).await.unwrap());
    assert_eq!(app.get("/api/v1/dashboard").await.body["last_90_days"], counted);
    assert_eq!(crate::seed::window_out_of_step(&mut conn), 0);
}
