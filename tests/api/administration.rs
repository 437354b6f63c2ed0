//! Administration in the browser: the privacy officer's users, teams and tokens, and
//! every user's "Mijn instellingen" — through the pages, as a browser without
//! JavaScript sends them.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};
use crate::pages::{csrf_of, get, post, shows, sign_in};
use crate::sign_in::events;

fn user_count(app: &TestApp) -> i64 {
    use avg_loket::storage::schema::users;
    use diesel::{QueryDsl, RunQueryDsl};
    let mut conn = app.db.get().unwrap();
    users::table.count().get_result(&mut *conn).unwrap()
}

/// The first `avgl_…` token on a page.
pub(crate) fn token_on(text: &str) -> String {
    let at = text.find("avgl_").expect("a token on the page");
    text[at..at + 69].to_string()
}

#[actix_web::test]
async fn the_privacy_officer_adds_a_team_and_a_colleague_who_gets_in_without_a_token_from_her() {
    let app = spawn_app().await;
    let session = sign_in(&app, &app.admin.token).await;
    let home = get(&app, "/", &[&session]).await;
    shows(&home, "href=\"/admin/users\"");
    shows(&home, "href=\"/settings\"");

    let teams = get(&app, "/admin/teams", &[&session]).await;
    assert_eq!(teams.status, StatusCode::OK);
    let csrf = csrf_of(&teams);
    let added = post(
        &app,
        "/admin/teams",
        &[&session],
        &[("csrf", &csrf), ("code", "jgz"), ("name", "Jeugd en gezin")],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(added.header("location").as_deref(), Some("/admin/teams/JGZ"));
    let team = get(&app, "/admin/teams/JGZ", &[&session]).await;
    shows(&team, "Team JGZ: Jeugd en gezin");
    // A team without a manager: the page says where the managers' mails go.
    shows(
        &team,
        "gaan daarom naar de functionaris gegevensbescherming, met de reden erbij",
    );

    let users = get(&app, "/admin/users", &[&session]).await;
    let created = post(
        &app,
        "/admin/users",
        &[&session],
        &[
            ("csrf", &csrf_of(&users)),
            ("name", "Hanna Kok"),
            ("email", "hanna@zorg.example"),
            ("role", "caseworker"),
            ("teams", "JGZ"),
        ],
    )
    .await;
    // To the new user's page, which says how she gets in: no token is made for her
    // by the privacy officer (without a provider, the operator gives a first one).
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let location = created.header("location").unwrap();
    assert!(location.ends_with("?toegevoegd=1"), "{location}");
    let page = get(&app, &location, &[&session]).await;
    shows(&page, "Gebruiker toegevoegd.");
    shows(&page, "avg-loket token create --email hanna@zorg.example");
    assert!(!page.text.contains("avgl_"), "no token on the page");
    let id = location
        .trim_start_matches("/admin/users/")
        .trim_end_matches("?toegevoegd=1");
    let token = crate::helpers::issue_token_directly(&app.db, id);
    let me = app.get_as(&token, "/api/v1/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "hanna@zorg.example");
    assert_eq!(me.body["teams"], json!(["JGZ"]));

    let list = get(&app, "/admin/users", &[&session]).await;
    shows(&list, "Hanna Kok");
    assert_eq!(events(&app, "team_created").len(), 1);
    assert_eq!(events(&app, "user_created").len(), 2);
}

#[actix_web::test]
async fn a_refused_form_shows_why_keeps_what_was_typed_and_changes_nothing() {
    let app = spawn_app().await;
    let session = sign_in(&app, &app.admin.token).await;
    let users = get(&app, "/admin/users", &[&session]).await;
    let before = user_count(&app);
    let refused = post(
        &app,
        "/admin/users",
        &[&session],
        &[
            ("csrf", &csrf_of(&users)),
            ("name", "Ivo Dekker"),
            ("email", "ivo@zorg.example"),
            ("role", "caseworker"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    shows(&refused, "hoort bij minstens één team");
    shows(&refused, "value=\"Ivo Dekker\"");
    shows(&refused, "value=\"ivo@zorg.example\"");
    assert_eq!(user_count(&app), before);

    let no_csrf = post(
        &app,
        "/admin/users",
        &[&session],
        &[
            ("name", "Ivo Dekker"),
            ("email", "ivo@zorg.example"),
            ("role", "auditor"),
        ],
    )
    .await;
    // Without the session's CSRF value: nothing added; the page comes back to send
    // the form again.
    assert_eq!(no_csrf.status, StatusCode::SEE_OTHER);
    assert_eq!(no_csrf.header("location").as_deref(), Some("/admin/users"));
    assert_eq!(user_count(&app), before);
}

#[actix_web::test]
async fn the_last_active_privacy_officer_can_be_neither_deactivated_nor_demoted() {
    let app = spawn_app().await;
    let session = sign_in(&app, &app.admin.token).await;
    let page = get(&app, &format!("/admin/users/{}", app.admin.id), &[&session]).await;
    let csrf = csrf_of(&page);

    let deactivate = post(
        &app,
        &format!("/admin/users/{}/deactivate", app.admin.id),
        &[&session],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(deactivate.status, StatusCode::CONFLICT);
    shows(&deactivate, "laatste actieve functionaris gegevensbescherming");
    let demote = post(
        &app,
        &format!("/admin/users/{}", app.admin.id),
        &[&session],
        &[("csrf", &csrf), ("role", "auditor")],
    )
    .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    let api = app
        .post_json(&format!("/api/v1/users/{}/deactivate", app.admin.id), &json!({}))
        .await;
    api.assert_problem(409);
    let me = app.get("/api/v1/me").await;
    assert_eq!(me.body["role"], "privacy_officer");
    assert!(events(&app, "user_deactivated").is_empty());
    assert!(events(&app, "user_changed").is_empty());

    // With a second privacy officer, the first may step down.
    let second = app.create_user("privacy_officer", &[]).await;
    let demote = post(
        &app,
        &format!("/admin/users/{}", app.admin.id),
        &[&session],
        &[("csrf", &csrf), ("role", "auditor")],
    )
    .await;
    assert_eq!(demote.status, StatusCode::SEE_OTHER, "{}", demote.text);
    assert_eq!(
        app.get_as(&second.token, "/api/v1/me").await.body["role"],
        "privacy_officer"
    );
    assert_eq!(app.get("/api/v1/me").await.body["role"], "auditor");
}

#[actix_web::test]
async fn role_teams_deactivation_reactivation_and_tokens_are_managed_on_the_user_page() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGZ").await;
    let jan = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &app.admin.token).await;
    let page = get(&app, &format!("/admin/users/{}", jan.id), &[&session]).await;
    shows(&page, "Laatst ingelogd");
    let csrf = csrf_of(&page);

    let changed = post(
        &app,
        &format!("/admin/users/{}", jan.id),
        &[&session],
        &[
            ("csrf", &csrf),
            ("role", "manager"),
            ("teams", "AMW"),
            ("teams", "JGZ"),
        ],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    let me = app.get_as(&jan.token, "/api/v1/me").await;
    assert_eq!(me.body["role"], "manager");
    assert_eq!(me.body["teams"], json!(["AMW", "JGZ"]));
    assert_eq!(events(&app, "user_changed")[0]["teams"], json!(["AMW", "JGZ"]));

    let off = post(
        &app,
        &format!("/admin/users/{}/deactivate", jan.id),
        &[&session],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&jan.token, "/api/v1/me").await.status, 401);
    shows(
        &get(&app, &format!("/admin/users/{}", jan.id), &[&session]).await,
        "gedeactiveerd",
    );

    let on = post(
        &app,
        &format!("/admin/users/{}/reactivate", jan.id),
        &[&session],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&jan.token, "/api/v1/me").await.status,
        401,
        "a token from before the deactivation stays unusable"
    );
    // The privacy officer no longer issues tokens on someone's behalf: the page has
    // no such button, and the old address does nothing.
    let page = get(&app, &format!("/admin/users/{}", jan.id), &[&session]).await;
    assert!(!page.text.contains("Nieuwe sleutel uitgeven"), "{}", page.text);
    let on_behalf = post(
        &app,
        &format!("/admin/users/{}/tokens", jan.id),
        &[&session],
        &[("csrf", &csrf)],
    )
    .await;
    assert_ne!(on_behalf.status, StatusCode::CREATED);
    assert!(!on_behalf.text.contains("avgl_"));
    // The operator gives a fresh one (`avg-loket token create`).
    let fresh = crate::helpers::issue_token_directly(&app.db, &jan.id);
    assert_eq!(app.get_as(&fresh, "/api/v1/me").await.status, 200);

    // Revoke it from the list on the user's page.
    let page = get(&app, &format!("/admin/users/{}", jan.id), &[&session]).await;
    let at = page.text.find("/tokens/").unwrap() + 8;
    let token_id = page.text[at..].split('/').next().unwrap().to_string();
    let revoked = post(
        &app,
        &format!("/admin/users/{}/tokens/{token_id}/revoke", jan.id),
        &[&session],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&fresh, "/api/v1/me").await.status, 401);
    for action in ["user_deactivated", "user_reactivated", "token_revoked"] {
        assert_eq!(events(&app, action).len(), 1, "{action}");
    }
}

#[actix_web::test]
async fn a_team_gets_a_new_name_and_its_managers_in_the_browser() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let manager = app.create_user("manager", &["AMW"]).await;
    app.create_team("JGZ").await;
    let session = sign_in(&app, &app.admin.token).await;
    let page = get(&app, "/admin/teams/JGZ", &[&session]).await;
    shows(&page, "heeft geen actieve teammanager");
    let csrf = csrf_of(&page);

    let renamed = post(
        &app,
        "/admin/teams/JGZ",
        &[&session],
        &[("csrf", &csrf), ("name", "Jeugd")],
    )
    .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let empty = post(
        &app,
        "/admin/teams/JGZ",
        &[&session],
        &[("csrf", &csrf), ("name", "  ")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/teams/JGZ").await.body["name"], "Jeugd");

    let added = post(
        &app,
        "/admin/teams/JGZ/managers",
        &[&session],
        &[("csrf", &csrf), ("user_id", &manager.id)],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(
        app.get_as(&manager.token, "/api/v1/me").await.body["teams"],
        json!(["AMW", "JGZ"])
    );
    let teams = get(&app, "/admin/teams", &[&session]).await;
    assert!(
        teams
            .text
            .matches(manager_name(&app, &manager.token).await.as_str())
            .count()
            >= 2
    );

    let removed = post(
        &app,
        "/admin/teams/JGZ/managers/remove",
        &[&session],
        &[("csrf", &csrf), ("user_id", &manager.id)],
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&manager.token, "/api/v1/me").await.body["teams"],
        json!(["AMW"])
    );
    // Their only team cannot be taken: a manager belongs to at least one.
    let refused = post(
        &app,
        "/admin/teams/AMW/managers/remove",
        &[&session],
        &[("csrf", &csrf), ("user_id", &manager.id)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(events(&app, "team_renamed").len(), 1);
}

async fn manager_name(app: &TestApp, token: &str) -> String {
    app.get_as(token, "/api/v1/me").await.body["name"]
        .as_str()
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn every_user_keeps_their_own_settings_and_tokens_and_only_the_privacy_officer_administers() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &worker.token).await;

    assert_eq!(
        get(&app, "/admin/users", &[&session]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, "/admin/teams", &[&session]).await.status,
        StatusCode::FORBIDDEN
    );

    let settings = get(&app, "/settings", &[&session]).await;
    assert_eq!(settings.status, StatusCode::OK);
    shows(&settings, "Mijn instellingen");
    let csrf = csrf_of(&settings);
    let forged = post(
        &app,
        "/admin/users",
        &[&session],
        &[
            ("csrf", &csrf),
            ("name", "X"),
            ("email", "x@zorg.example"),
            ("role", "privacy_officer"),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let saved = post(
        &app,
        "/settings/reminders",
        &[&session],
        &[("csrf", &csrf), ("reminders", "daily_digest")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as(&worker.token, "/api/v1/me").await.body["reminders"],
        "daily_digest"
    );
    let wrong = post(
        &app,
        "/settings/reminders",
        &[&session],
        &[("csrf", &csrf), ("reminders", "hourly")],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);

    let issued = post(&app, "/settings/tokens", &[&session], &[("csrf", &csrf)]).await;
    assert_eq!(issued.status, StatusCode::CREATED);
    let own = token_on(&issued.text);
    assert_eq!(app.get_as(&own, "/api/v1/me").await.status, 200);

    // Someone else's token reads as not found.
    let admin_page = get(&app, "/settings", &[&sign_in(&app, &app.admin.token).await]).await;
    let at = admin_page.text.find("/settings/tokens/").unwrap() + 17;
    let admins_token = admin_page.text[at..].split('/').next().unwrap().to_string();
    let not_mine = post(
        &app,
        &format!("/settings/tokens/{admins_token}/revoke"),
        &[&session],
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(not_mine.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/me").await.status, 200);
}
