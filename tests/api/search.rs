//! Finding a request without its reference: `GET /api/v1/requests?q=…` by the start of
//! the requester's name (or of a word in it), case and accents ignored, or by the
//! client reference exactly — scoped like every list.

use serde_json::json;

use crate::helpers::{registration, spawn_app, TestApp};

/// Registers a request of `team` for `name` with client reference `client`.
async fn request_for(app: &TestApp, team: &str, name: &str, client: &str) -> String {
    request_received(app, "access", "2026-11-16", team, name, client).await
}

/// Registers a request of `kind`, received on `received`, of `team` for `name` with
/// client reference `client`; returns its id.
async fn request_received(
    app: &TestApp,
    kind: &str,
    received: &str,
    team: &str,
    name: &str,
    client: &str,
) -> String {
    let mut body = registration(kind, received);
    body["team"] = team.into();
    body["requester"]["name"] = name.into();
    body["subject"]["client_reference"] = client.into();
    app.register(&body).await["id"].as_str().unwrap().to_string()
}

/// The references of what `token` finds with `query`, sorted.
async fn found(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let list = app.get_as(token, &format!("/api/v1/requests?{query}")).await;
    assert_eq!(list.status, 200, "{query}: {}", list.text);
    let mut refs: Vec<String> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["reference"].as_str().unwrap().to_string())
        .collect();
    refs.sort();
    refs
}

async fn reference_of(app: &TestApp, id: &str) -> String {
    app.get(&format!("/api/v1/requests/{id}")).await.body["reference"]
        .as_str()
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn a_request_is_found_by_the_start_of_a_name_or_word_or_by_the_client_number() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let po = app.admin.token.clone();
    let ids = [
        request_for(&app, "AMW", "J. de Vries", "D-10001").await,
        request_for(&app, "AMW", "Fenna van den Berg-Çelik", "D-10002").await,
        request_for(&app, "AMW", "Jan Müller", "D-10003").await,
        request_for(&app, "JGD", "Anna Jansen", "D-10004").await,
    ];
    let mut refs = Vec::new();
    for id in &ids {
        refs.push(reference_of(&app, id).await);
    }
    let [vries, celik, muller, jansen] = [&refs[0], &refs[1], &refs[2], &refs[3]].map(|r| vec![r.clone()]);

    for (q, expected) in [
        ("vries", &vries),
        ("de%20vr", &vries),
        ("J.%20de%20Vries", &vries),
        ("MULLER", &muller),
        ("m%C3%BCll", &muller),
        ("celik", &celik),
        ("berg%20c", &celik),
        ("D-10002", &celik),
        ("d-10002", &celik),
        ("D-1000", &vec![]),
        ("enna", &vec![]),
        ("...", &vec![]),
    ] {
        assert_eq!(&found(&app, &po, &format!("q={q}")).await, expected, "q={q}");
    }
    let mut both = vec![refs[2].clone(), refs[3].clone()];
    both.sort();
    assert_eq!(found(&app, &po, "q=ja").await, both, "Jan and Jansen");
    // Combined with the other filters, and scoped like every list.
    assert_eq!(found(&app, &po, "q=ja&team=JGD").await, jansen);
    assert!(found(&app, &po, "q=ja&received_from=2026-11-17").await.is_empty());
    let amw = app.worker("AMW");
    assert_eq!(found(&app, &amw.token, "q=ja").await, muller, "not JGD's Jansen");

    // The front desk finds it too, and sees the status only.
    let desk = app.create_user("front_desk", &[]).await;
    let list = app.get_as(&desk.token, "/api/v1/requests?q=vries").await;
    assert_eq!(list.status, 200, "{}", list.text);
    let item = &list.body["items"][0];
    assert_eq!(item["reference"], refs[0].as_str());
    assert_eq!(item.get("requester"), None, "{item}");
    assert!(!list.text.contains("Vries"));
    app.get_as(&desk.token, "/api/v1/requests")
        .await
        .assert_problem(403);

    let long = "a".repeat(201);
    let refused = app.get(&format!("/api/v1/requests?q={long}")).await;
    assert_eq!(refused.assert_problem(422)["errors"][0]["field"], "q");

    // A corrected name is found under the new name only.
    app.act_ok(
        &ids[0],
        "correct",
        &json!({"reason": "verkeerd verstaan", "requester": {"name": "J. de Fries"}}),
    )
    .await;
    assert!(found(&app, &po, "q=vries").await.is_empty());
    assert_eq!(found(&app, &po, "q=fries").await, vries);
}

#[actix_web::test]
async fn requests_from_before_the_name_keys_are_found_once_migrate_fills_them() {
    use avg_loket::storage::requests::fill_missing_requester_keys;
    use avg_loket::storage::schema::requester_keys;
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let id = request_for(&app, "AMW", "Çelik", "D-1").await;
    let reference = reference_of(&app, &id).await;
    let po = app.admin.token.clone();
    {
        let mut conn = app.db.get().unwrap();
        diesel::delete(requester_keys::table).execute(&mut *conn).unwrap();
    }
    assert!(found(&app, &po, "q=celik").await.is_empty(), "no keys: not found");
    let filled = {
        let mut conn = app.db.get().unwrap();
        fill_missing_requester_keys(&mut conn, 2).unwrap()
    };
    assert_eq!(filled, 1);
    assert_eq!(found(&app, &po, "q=celik").await, [reference]);
    let again = {
        let mut conn = app.db.get().unwrap();
        fill_missing_requester_keys(&mut conn, 2).unwrap()
    };
    assert_eq!(again, 0, "filled once");
}

/// The references on the first page of `query`, in the list's order, and the total.
async fn page(app: &TestApp, token: &str, query: &str) -> (Vec<String>, i64) {
    let list = app.get_as(token, &format!("/api/v1/requests?{query}")).await;
    assert_eq!(list.status, 200, "{query}: {}", list.text);
    let refs = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["reference"].as_str().unwrap().to_string())
        .collect();
    (refs, list.body["total"].as_i64().unwrap())
}

/// Adds name keys to request `id` (of team AMW, received `received`, an access
/// request in status received), as if its name held those words.
fn add_keys(app: &TestApp, id: &str, keys: impl IntoIterator<Item = String>, received: &str) {
    use avg_loket::storage::schema::requester_keys;
    use diesel::{Connection, ExpressionMethods, RunQueryDsl};
    let received: chrono::NaiveDate = received.parse().unwrap();
    let mut conn = app.db.get().unwrap();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for key in keys {
            // Each key carries the list columns of its request (migration 000015).
            diesel::insert_into(requester_keys::table)
                .values((
                    requester_keys::key.eq(key),
                    requester_keys::request_id.eq(id),
                    requester_keys::status.eq("received"),
                    requester_keys::kind.eq("access"),
                    requester_keys::team.eq("AMW"),
                    requester_keys::received_on.eq(received),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
    .unwrap();
}

#[actix_web::test]
async fn a_name_many_share_is_read_in_list_order_with_the_same_answer() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let mut shared = None;
    for (team, name, received) in [
        ("AMW", "Anna Jansen", "2026-11-10"),
        ("JGD", "Piet Jansen", "2026-11-12"),
        ("AMW", "Jan de Boer", "2026-11-11"),
        ("AMW", "Karel Jansen", "2026-11-12"),
        ("AMW", "Mira Smit", "2026-11-13"),
        ("AMW", "Els Jansen-Smit", "2026-11-12"),
    ] {
        // The client reference of `registration`, as before.
        let id = request_received(&app, "access", received, team, name, "D-10442").await;
        if name.ends_with("-Smit") {
            shared = Some(id);
        }
    }
    let po = app.admin.token.clone();
    let amw = app.worker("AMW");
    let queries = [
        (&po, "q=jansen"),
        (&po, "q=jansen&sort=received_on"),
        (&po, "q=jansen&sort=open_due"),
        (&po, "q=jansen&sort=-open_due&per_page=2&page=2"),
        (&po, "q=jansen&sort=-reference"),
        (&po, "q=ja&team=AMW"),
        (&po, "q=jansen&status=received"),
        (&amw.token, "q=jansen"),
        (&amw.token, "q=smit&sort=open_due"),
    ];
    let mut before = Vec::new();
    for (token, query) in queries {
        before.push(page(&app, token, query).await);
    }
    assert_eq!(before[0].0.len(), 4, "{:?}", before[0]);
    assert_eq!(before[7].1, 3, "the worker of AMW does not see JGD's Piet Jansen");

    // Make "jansen" and "smit" common: more name keys than the threshold above which a
    // page by reference or a deadline is read in list order (2,000), all of a request
    // that matches both already. (A page by date of receipt is read in list order only
    // above 20,000 keys; below, the keys bound it by date: the next test.)
    add_keys(
        &app,
        &shared.unwrap(),
        (0..2_100).flat_map(|i| [format!("jansen{i:04}"), format!("smit{i:04}")]),
        "2026-11-12",
    );
    for ((token, query), expected) in queries.iter().zip(&before) {
        assert_eq!(&page(&app, token, query).await, expected, "{query}");
    }
}

/// A search by name with a status, kind, team or date of receipt is answered from the
/// name keys, which carry those columns: they must follow every change of the request.
#[actix_web::test]
async fn a_search_with_list_filters_follows_the_request_through_its_changes() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let manager = app.create_user("manager", &["AMW"]).await;
    let id = request_for(&app, "AMW", "Anna Jansen", "D-20001").await;
    let other = request_for(&app, "AMW", "Piet Jansen", "D-20002").await;
    let reference = reference_of(&app, &id).await;
    let other_reference = reference_of(&app, &other).await;
    let po = app.admin.token.clone();
    let both = {
        let mut both = vec![reference.clone(), other_reference.clone()];
        both.sort();
        both
    };
    for query in [
        "q=jansen&status=received",
        "q=jansen&kind=access",
        "q=jansen&team=AMW",
        "q=jansen&received_from=2026-11-16&received_to=2026-11-16",
    ] {
        assert_eq!(found(&app, &po, query).await, both, "{query}");
    }
    assert_eq!(
        found(&app, &po, "q=jansen&received_from=2026-11-17").await,
        Vec::<String>::new()
    );
    // The count comes from the keys; a client number is found beside them.
    let counted = app
        .get_as(&po, "/api/v1/requests?q=jansen&status=received&kind=access")
        .await;
    assert_eq!(counted.body["total"], 2, "{}", counted.text);
    assert_eq!(
        found(&app, &po, "q=D-20001&status=received").await,
        vec![reference.clone()]
    );
    assert_eq!(
        found(&app, &po, "q=D-20001&status=refused").await,
        Vec::<String>::new()
    );

    // A new status.
    app.act_ok(&id, "assign", &json!({"assignee": app.worker("AMW").id}))
        .await;
    app.act_ok(
        &id,
        "start_assessment",
        &json!({"identity_verified_by": "id_document"}),
    )
    .await;
    assert_eq!(
        found(&app, &po, "q=jansen&status=received").await,
        vec![other_reference.clone()]
    );
    assert_eq!(
        found(&app, &po, "q=jansen&status=in_assessment").await,
        vec![reference.clone()]
    );
    // Another team: the manager of AMW no longer finds it, the filter on JGD does.
    let moved = app
        .post_json_as(
            &manager.token,
            &format!("/api/v1/requests/{other}/actions/transfer"),
            &json!({"team": "JGD", "reason": "Cliënt wordt door jeugd begeleid"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(
        found(&app, &po, "q=jansen&team=JGD").await,
        vec![other_reference.clone()]
    );
    assert_eq!(
        found(&app, &po, "q=jansen&team=AMW").await,
        vec![reference.clone()]
    );
    assert_eq!(
        found(&app, &manager.token, "q=jansen").await,
        vec![reference.clone()]
    );
    let by_manager = app
        .get_as(&manager.token, "/api/v1/requests?q=jansen&kind=access")
        .await;
    assert_eq!(by_manager.body["total"], 1, "{}", by_manager.text);
}

/// A search by name in the order of receipt reads the date of the page's last request
/// from the name keys and looks up only the requests from that date on
/// (`lists::plans::bounded_by_keys`): every page, in both directions, with a filter, by a
/// caller who sees one team, holds what the same list read whole holds — ties on the
/// date, a request with many keys that match, and the request found by its client
/// number included.
#[actix_web::test]
async fn a_page_of_a_search_in_order_of_receipt_is_the_page_of_the_whole_list() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let mut many_keys = None;
    for (team, name, client, received, kind) in [
        ("AMW", "Anna Jansen", "C-1", "2026-11-02", "access"),
        ("AMW", "Bram Jansen", "C-2", "2026-11-05", "erasure"),
        ("JGD", "Cor Jansen", "C-3", "2026-11-05", "access"),
        ("AMW", "Dirk Jansen", "C-4", "2026-11-05", "access"),
        ("AMW", "Eva Jansen", "C-5", "2026-11-09", "access"),
        ("AMW", "Fleur de Jansen", "C-6", "2026-11-01", "erasure"),
        ("JGD", "Gijs Jansen", "C-7", "2026-11-12", "access"),
        ("AMW", "Hans Jansen", "C-8", "2026-11-12", "access"),
        ("AMW", "Piet Bakker", "jansen", "2026-11-13", "access"),
        ("AMW", "Ilse Bakker", "C-9", "2026-11-14", "access"),
    ] {
        let id = request_received(&app, kind, received, team, name, client).await;
        if name == "Anna Jansen" {
            many_keys = Some(id);
        }
    }
    // The oldest request gets a hundred keys more that match: one request, counted once.
    add_keys(
        &app,
        &many_keys.unwrap(),
        (0..100).map(|i| format!("jansen{i:03}")),
        "2026-11-02",
    );
    let po = app.admin.token.clone();
    let amw = app.worker("AMW").token;
    let lists = [
        (&po, "q=jansen", 9),
        (&po, "q=jansen&sort=received_on", 9),
        (&po, "q=jansen&kind=access", 7),
        (&po, "q=jansen&received_from=2026-11-05", 7),
        (&amw, "q=jansen", 7),
        (&amw, "q=jansen&sort=received_on&received_to=2026-11-12", 6),
    ];
    for (token, query, total) in lists {
        let (whole, counted) = page(&app, token, &format!("{query}&per_page=100")).await;
        assert_eq!(
            (whole.len(), counted),
            (total, total as i64),
            "{query}: {whole:?}"
        );
        for per_page in [1, 2, 3, 4] {
            let mut read = Vec::new();
            for number in 1..=whole.len().div_ceil(per_page) {
                let (refs, counted) =
                    page(&app, token, &format!("{query}&per_page={per_page}&page={number}")).await;
                assert_eq!(counted, total as i64, "{query}");
                read.extend(refs);
            }
            assert_eq!(read, whole, "{query} by pages of {per_page}");
        }
    }
}
