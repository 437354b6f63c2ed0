//! The web pages: sign-in with a personal token, the session cookie, CSRF on every
//! form, security headers. (Browser walks are in `tests/browser`.)

use actix_web::http::StatusCode;

use crate::helpers::{read, spawn_app, TestApp, TestResponse};

/// The `name=value` of a `Set-Cookie` header named `name`, and the whole header.
pub(crate) fn set_cookie(response: &TestResponse, name: &str) -> Option<(String, String)> {
    response
        .headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap().to_string(), v.to_string()))
}

/// Asserts that `page` contains `text`, showing the page when it does not.
pub(crate) fn shows(page: &TestResponse, text: &str) {
    assert!(page.text.contains(text), "{text:?} not in:\n{}", page.text);
}

/// The value of the hidden `csrf` field of a page.
pub(crate) fn csrf_of(page: &TestResponse) -> String {
    csrf_in(&page.text)
}

/// The CSRF value of the forms in a page's text.
pub(crate) fn csrf_in(text: &str) -> String {
    let at = text.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    text[at..at + 64].to_string()
}

/// A browser-like client that shows redirects instead of following them.
fn client() -> awc::Client {
    awc::Client::builder().disable_redirects().finish()
}

pub(crate) async fn get(app: &TestApp, path: &str, cookies: &[&str]) -> TestResponse {
    let mut request = client().get(app.url(path));
    if !cookies.is_empty() {
        request = request.insert_header(("cookie", cookies.join("; ")));
    }
    read(request.send().await.unwrap()).await
}

pub(crate) async fn post(app: &TestApp, path: &str, cookies: &[&str], form: &[(&str, &str)]) -> TestResponse {
    let mut request = client().post(app.url(path));
    if !cookies.is_empty() {
        request = request.insert_header(("cookie", cookies.join("; ")));
    }
    read(request.send_form(&form).await.unwrap()).await
}

/// Signs in with `token`; returns the session cookie (`name=value`).
pub(crate) async fn sign_in(app: &TestApp, token: &str) -> String {
    let form = get(app, "/login", &[]).await;
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").expect("login cookie");
    let csrf = csrf_of(&form);
    let signed = post(
        app,
        "/login",
        &[&login_cookie],
        &[("token", token), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    set_cookie(&signed, "avg_loket_session")
        .expect("session cookie")
        .0
}

#[actix_web::test]
async fn signing_in_with_a_token_opens_a_session_with_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    let anonymous = get(&app, "/", &[]).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.header("location").as_deref(), Some("/login"));

    let form = get(&app, "/login", &[]).await;
    assert_eq!(form.status, 200);
    shows(&form, "<label for=\"token\">");
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
    let csrf = csrf_of(&form);
    let signed = post(
        &app,
        "/login",
        &[&login_cookie],
        &[("token", &app.admin.token), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.header("location").as_deref(), Some("/"));
    let (session, header) = set_cookie(&signed, "avg_loket_session").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=36000"] {
        assert!(header.contains(attribute), "{attribute}: {header}");
    }
    assert!(!header.contains("Secure"), "plain HTTP here: {header}");
    assert!(!session.contains(&app.admin.token), "the cookie is not the token");

    let home = get(&app, "/", &[&session]).await;
    assert_eq!(home.status, 200);
    shows(
        &home,
        "ingelogd als <strong>functionaris gegevensbescherming</strong>",
    );
    assert!(!home.text.contains("privacy officer"), "the role in Dutch");
    let login = get(&app, "/login", &[]).await;
    assert!(
        !login.text.contains("privacy officer"),
        "the sign-in page in Dutch"
    );
    assert!(home.text.contains("Uitloggen"));
}

#[actix_web::test]
async fn a_wrong_token_is_refused_beside_the_field_and_not_echoed() {
    let app = spawn_app().await;
    let form = get(&app, "/login", &[]).await;
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
    let wrong = "avgl_0000000000000000000000000000000000000000000000000000000000000000";
    let refused = post(
        &app,
        "/login",
        &[&login_cookie],
        &[("token", wrong), ("csrf", &csrf_of(&form))],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    shows(&refused, "aria-invalid=\"true\"");
    assert!(refused.text.contains("id=\"token-fout\""));
    assert!(!refused.text.contains(wrong), "the token is not shown back");
    assert!(set_cookie(&refused, "avg_loket_session").is_none());
}

#[actix_web::test]
async fn forms_without_a_valid_csrf_token_change_nothing_and_answer_403() {
    let app = spawn_app().await;
    // Sign-in without the double-submit cookie, or with another value.
    let form = get(&app, "/login", &[]).await;
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
    let no_cookie = post(
        &app,
        "/login",
        &[],
        &[("token", &app.admin.token), ("csrf", &csrf_of(&form))],
    )
    .await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
    assert!(set_cookie(&no_cookie, "avg_loket_session").is_none());
    let other = post(
        &app,
        "/login",
        &[&login_cookie],
        &[("token", &app.admin.token), ("csrf", &"0".repeat(64))],
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(set_cookie(&other, "avg_loket_session").is_none());

    // Sign-out without the session's token keeps the session.
    let session = sign_in(&app, &app.admin.token).await;
    let home = get(&app, "/", &[&session]).await;
    let csrf = csrf_of(&home);
    for bad in ["", "nonsense", &"0".repeat(64)] {
        let refused = post(&app, "/logout", &[&session], &[("csrf", bad)]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{bad}");
        assert_eq!(get(&app, "/", &[&session]).await.status, 200, "still signed in");
    }
    // Without a session at all: nothing to end, on to the sign-in page.
    let anonymous = post(&app, "/logout", &[], &[("csrf", &csrf)]).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.header("location").as_deref(), Some("/login"));
    assert_eq!(get(&app, "/", &[&session]).await.status, 200, "still signed in");

    // With it, the session ends, on the server too.
    let out = post(&app, "/logout", &[&session], &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let (_, removal) = set_cookie(&out, "avg_loket_session").unwrap();
    assert!(removal.contains("Max-Age=0"), "{removal}");
    let after = get(&app, "/", &[&session]).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie opens nothing"
    );
}

#[actix_web::test]
async fn deactivating_a_user_or_revoking_a_token_ends_their_sessions() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &worker.token).await;
    assert_eq!(get(&app, "/", &[&session]).await.status, 200);
    let revoked = app.request("GET", &format!("/api/v1/users/{}", worker.id)).await;
    let token_id = revoked.body["tokens"][0]["id"].as_str().unwrap().to_string();
    let gone = app.request("DELETE", &format!("/api/v1/tokens/{token_id}")).await;
    assert_eq!(gone.status, 204);
    assert_eq!(get(&app, "/", &[&session]).await.status, StatusCode::SEE_OTHER);

    let other = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &other.token).await;
    let deactivated = app
        .post_json(
            &format!("/api/v1/users/{}/deactivate", other.id),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    assert_eq!(get(&app, "/", &[&session]).await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn pages_carry_security_headers_and_no_inline_script() {
    let app = spawn_app().await;
    let session = sign_in(&app, &app.admin.token).await;
    for (path, cookies) in [("/login", vec![]), ("/", vec![session.as_str()])] {
        let page = get(&app, path, &cookies).await;
        let page = if page.status == StatusCode::SEE_OTHER {
            get(&app, "/", &cookies).await
        } else {
            page
        };
        assert_eq!(page.status, 200, "{path}");
        let csp = page.header("content-security-policy").expect("CSP");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(page.header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(page.header("referrer-policy").as_deref(), Some("same-origin"));
        assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
        assert!(!page.text.contains("<script>"), "no inline script on {path}");
        assert!(!page.text.contains(" style=\""), "no inline style on {path}");
        assert!(page.text.contains("<html lang=\"nl\">"));
    }
    let css = get(&app, "/assets/app.css", &[]).await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    // The tab icon answers where the pages link it and where browsers ask unasked.
    for path in ["/favicon.ico", "/assets/favicon.svg"] {
        let icon = get(&app, path, &[]).await;
        assert_eq!(icon.status, 200, "{path}");
        assert_eq!(icon.header("content-type").as_deref(), Some("image/svg+xml"));
        assert!(icon.text.starts_with("<svg"), "{path}");
    }
    let home = get(&app, "/login", &[]).await;
    assert!(home
        .text
        .contains("<link rel=\"icon\" href=\"/assets/favicon.svg\""));
}

fn field_of(page: &TestResponse, id: &str) -> String {
    let start = page
        .text
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let end = page.text[start..].find('>').unwrap() + start;
    page.text[start..end].to_string()
}

async fn request_count(app: &TestApp) -> i64 {
    use diesel::{QueryDsl, RunQueryDsl};
    let mut conn = app.db.get().unwrap();
    avg_loket::storage::schema::requests::table
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

#[actix_web::test]
async fn the_front_desk_registers_a_phone_request_and_gets_the_reference_and_deadlines() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let home = get(&app, "/", &[&session]).await;
    assert!(home.text.contains("href=\"/requests/new\""));
    let form = get(&app, "/requests/new", &[&session]).await;
    assert_eq!(form.status, 200);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive()
        .format("%d-%m-%Y")
        .to_string();
    assert!(
        field_of(&form, "received_on").contains(&format!("value=\"{today}\"")),
        "today by default, as a date is written here"
    );
    let csrf = csrf_of(&form);
    let sent = post(
        &app,
        "/requests/new",
        &[&session],
        &[
            ("csrf", &csrf),
            ("kind", "access"),
            ("channel", "phone"),
            ("received_on", "2026-11-02"),
            ("team", "AMW"),
            ("requester_name", "J. de Vries"),
            ("requester_phone", "06-12345678"),
            ("relation", "self"),
            ("age_band", "adult"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let location = sent.header("location").unwrap();
    assert!(location.ends_with("/bevestiging"), "{location}");
    let confirmation = get(&app, &location, &[&session]).await;
    assert_eq!(confirmation.status, 200);
    shows(&confirmation, "AVG-2026-00001");
    // 2 November + two weeks: Monday 16 November.
    shows(&confirmation, "maandag 16 november 2026");
    assert!(
        !confirmation.text.contains("J. de Vries"),
        "the front desk's view has no personal data"
    );
    assert_eq!(request_count(&app).await, 1);
}

#[actix_web::test]
async fn a_refused_form_shows_each_error_beside_its_field_keeps_what_was_typed_and_registers_nothing() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let csrf = csrf_of(&get(&app, "/requests/new", &[&session]).await);
    let refused = post(
        &app,
        "/requests/new",
        &[&session],
        &[
            ("csrf", &csrf),
            ("kind", "access"),
            ("channel", "letter"),
            ("received_on", "2026-11-02"),
            ("team", "AMW"),
            ("requester_name", ""),
            ("requester_email", "niet-een-adres"),
            ("relation", "self"),
            ("age_band", "adult"),
            ("description", "Brief over het dossier van 2024"),
        ],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    for field in ["requester_name", "requester_email"] {
        assert!(
            field_of(&refused, field).contains("aria-invalid=\"true\""),
            "{field}"
        );
        assert!(refused.text.contains(&format!("id=\"{field}-fout\"")), "{field}");
    }
    assert!(!field_of(&refused, "received_on").contains("aria-invalid"));
    assert!(field_of(&refused, "requester_email").contains("value=\"niet-een-adres\""));
    assert!(refused
        .text
        .contains("Brief over het dossier van 2024</textarea>"));
    assert!(refused.text.contains("<option value=\"letter\" selected>"));
    assert_eq!(request_count(&app).await, 0);

    // Without the session's CSRF token: nothing registered; the form comes back to be
    // sent again (a post from another site carries no session cookie at all).
    let stale = post(
        &app,
        "/requests/new",
        &[&session],
        &[("kind", "access"), ("team", "AMW"), ("requester_name", "X")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert_eq!(stale.header("location").as_deref(), Some("/requests/new"));
    assert_eq!(request_count(&app).await, 0);
    let forged = post(
        &app,
        "/requests/new",
        &[],
        &[("kind", "access"), ("team", "AMW"), ("requester_name", "X")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no session: nothing kept");
    assert!(set_cookie(&forged, "avg_loket_kept").is_none());
    assert_eq!(request_count(&app).await, 0);
}

/// A daughter registers a request for her mother at the front desk: the form asks
/// for the client's name (also without JavaScript), refuses its absence and a name no
/// letter can print beside the field, keeps what was typed, and registers once it is
/// there; the request page names both.
#[actix_web::test]
async fn a_representatives_request_names_the_client_on_the_form_and_the_request_page() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let form = get(&app, "/requests/new", &[&session]).await;
    assert!(field_of(&form, "subject_name").contains("name=\"subject_name\""));
    shows(&form, "<label for=\"subject_name\">Naam van de cliënt</label>");
    let fields = |csrf: &str, client: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.to_string()),
            ("kind", "access".into()),
            ("channel", "in_person".into()),
            ("received_on", "2026-11-02".into()),
            ("team", "AMW".into()),
            ("requester_name", "E. Bosman-Ruiter".into()),
            ("relation", "authorised".into()),
            ("subject_name", client.into()),
            ("age_band", "adult".into()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let session = session.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, "/requests/new", &[&session], &borrowed).await
        }
    };
    let refused = send(fields(&csrf_of(&form), "")).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert!(field_of(&refused, "subject_name").contains("aria-invalid=\"true\""));
    shows(&refused, "id=\"subject_name-fout\"");
    shows(&refused, "vul de naam van de cliënt in");
    assert!(field_of(&refused, "requester_name").contains("value=\"E. Bosman-Ruiter\""));
    shows(&refused, "<option value=\"authorised\" selected>");
    assert_eq!(request_count(&app).await, 0);

    let refused = send(fields(&csrf_of(&refused), "G. Ruiter 😀")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    shows(
        &refused,
        "‘😀’ (U+1F600), dat niet in een brief kan worden afgedrukt",
    );
    assert!(field_of(&refused, "subject_name").contains("value=\"G. Ruiter 😀\""));
    assert_eq!(request_count(&app).await, 0);

    let registered = send(fields(&csrf_of(&refused), "G. Ruiter")).await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.text);
    assert_eq!(request_count(&app).await, 1);

    let worker = app.worker("AMW");
    let session = sign_in(&app, &worker.token).await;
    let found = get(&app, "/requests?wie=alle&q=ruiter", &[&session]).await;
    shows(&found, "AVG-2026-00001");
    let link = registered.header("location").unwrap().replace("/bevestiging", "");
    let page = get(&app, &link, &[&session]).await;
    shows(&page, "E. Bosman-Ruiter (Gemachtigde)");
    shows(&page, "<dt>Cliënt</dt><dd>G. Ruiter, 18 jaar of ouder");
    assert!(field_of(&page, "correct-subject_name").contains("value=\"G. Ruiter\""));
}

/// Dates as people type them (27-11-2026, 2-11-2026), in a form and in the list's
/// filter; what is no date is said beside its field, in Dutch, and kept; a reference
/// is found whatever its case and leading zeros; a team not chosen is "kies een team".
#[actix_web::test]
async fn dutch_dates_and_references_are_read_as_people_type_them() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let form = get(&app, "/requests/new", &[&session]).await;
    let fields = |csrf: &str, received: &'static str, team: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.to_string()),
            ("kind", "access".into()),
            ("channel", "phone".into()),
            ("received_on", received.into()),
            ("team", team.into()),
            ("requester_name", "J. de Vries".into()),
            ("relation", "self".into()),
            ("age_band", "adult".into()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let session = session.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, "/requests/new", &[&session], &borrowed).await
        }
    };
    let refused = send(fields(&csrf_of(&form), "31-11-2026", "")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    shows(
        &refused,
        "‘31-11-2026’ is geen datum; schrijf de datum zo: 27-11-2026",
    );
    assert!(
        field_of(&refused, "received_on").contains("value=\"31-11-2026\""),
        "kept as typed"
    );
    assert!(field_of(&refused, "team").contains("aria-invalid=\"true\""));
    shows(&refused, "kies een team");
    assert_eq!(request_count(&app).await, 0);
    let registered = send(fields(&csrf_of(&refused), "2-11-2026", "AMW")).await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.text);
    let confirmation = get(&app, &registered.header("location").unwrap(), &[&session]).await;
    shows(&confirmation, "maandag 2 november 2026");

    for typed in ["avg-2026-1", "AVG-2026-00001", "avg 2026 001"] {
        let found = get(
            &app,
            &format!("/requests?reference={}", typed.replace(' ', "+")),
            &[&session],
        )
        .await;
        assert_eq!(found.status, StatusCode::SEE_OTHER, "{typed}: {}", found.text);
    }
    let api = app
        .get_as(&app.admin.token, "/api/v1/requests/by-reference/avg-2026-1")
        .await;
    assert_eq!(api.body["reference"], "AVG-2026-00001");
    let listed = app
        .get_as(&app.admin.token, "/api/v1/requests?reference=Avg-2026-01")
        .await;
    assert_eq!(listed.body["total"], 1);

    let po = sign_in(&app, &app.admin.token).await;
    let by_dutch_dates = get(&app, "/requests?wie=alle&van=1-11-2026&tot=3-11-2026", &[&po]).await;
    shows(&by_dutch_dates, "1 verzoek,");
    shows(&by_dutch_dates, "value=\"1-11-2026\"");
    let none = get(&app, "/requests?wie=alle&van=3-11-2026", &[&po]).await;
    shows(&none, "0 verzoeken");
    let wrong = get(&app, "/requests?wie=alle&van=3-13-2026", &[&po]).await;
    shows(&wrong, "id=\"van-fout\"");
    shows(&wrong, "‘3-13-2026’ is geen datum");
    shows(&wrong, "value=\"3-13-2026\"");
    shows(&wrong, "De zoekopdracht is niet uitgevoerd");
    let by_q = get(&app, "/requests?q=avg-2026-1", &[&po]).await;
    assert_eq!(
        by_q.status,
        StatusCode::SEE_OTHER,
        "a reference in the search box opens it"
    );
}

#[actix_web::test]
async fn the_form_follows_the_permission_rules() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let auditor = app.create_user("auditor", &[]).await;
    let session = sign_in(&app, &auditor.token).await;
    let refused = get(&app, "/requests/new", &[&session]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!get(&app, "/", &[&session]).await.text.contains("/requests/new"));

    let worker = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &worker.token).await;
    let form = get(&app, "/requests/new", &[&session]).await;
    assert!(form.text.contains("value=\"AMW\""));
    assert!(!form.text.contains("value=\"JGD\""), "only own teams offered");
    let other_team = post(
        &app,
        "/requests/new",
        &[&session],
        &[
            ("csrf", &csrf_of(&form)),
            ("kind", "access"),
            ("channel", "phone"),
            ("received_on", "2026-11-02"),
            ("team", "JGD"),
            ("requester_name", "A. Bakker"),
            ("relation", "self"),
            ("age_band", "adult"),
        ],
    )
    .await;
    assert_eq!(other_team.status, StatusCode::FORBIDDEN);
    assert!(field_of(&other_team, "team").contains("aria-invalid=\"true\""));
    assert_eq!(request_count(&app).await, 0);

    // A request outside the caller's sight: 404, like the API.
    let jgd = app
        .register(&{
            let mut body = crate::helpers::registration("access", "2026-11-02");
            body["team"] = "JGD".into();
            body
        })
        .await;
    let hidden = get(
        &app,
        &format!("/requests/{}/bevestiging", jgd["id"].as_str().unwrap()),
        &[&session],
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_caseworker_follows_the_mail_link_assesses_and_refuses_with_a_ground() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    // Received 20 days ago: the response deadline has passed, the legal limit not yet
    // (the page reads the real clock, so the dates move with it).
    let received = crate::helpers::today() - chrono::Duration::days(20);
    let today = crate::helpers::today().to_string();
    let registered = app
        .register(&crate::helpers::registration("access", &received.to_string()))
        .await;
    let id = registered["id"].as_str().unwrap();
    let response_deadline: chrono::NaiveDate = registered["deadlines"]["response"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let worker = app.create_user("caseworker", &["AMW"]).await;
    app.act_ok(id, "assign", &serde_json::json!({"assignee": worker.id}))
        .await;
    let session = sign_in(&app, &worker.token).await;
    let link = format!("/requests/{id}");

    let page = get(&app, &link, &[&session]).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains(registered["reference"].as_str().unwrap()));
    assert!(
        page.text
            .contains(&avg_loket::pages::labels::long_date(response_deadline)),
        "response deadline in words"
    );
    assert!(page.text.contains("Termijn verstreken"), "overdue, said in words");
    assert!(page.text.contains("id=\"actie-start_assessment\""));
    assert!(
        !page.text.contains("id=\"actie-decide\""),
        "not before the assessment"
    );
    let version = |page: &TestResponse| {
        let at = page.text.find("name=\"version\" value=\"").unwrap() + 22;
        page.text[at..].split('"').next().unwrap().to_string()
    };

    let assessed = post(
        &app,
        &format!("{link}/actions/start_assessment"),
        &[&session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version(&page)),
            ("identity_verified_by", "known_client"),
        ],
    )
    .await;
    assert_eq!(assessed.status, StatusCode::SEE_OTHER, "{}", assessed.text);
    let page = get(&app, &link, &[&session]).await;
    assert!(page.text.contains("In beoordeling"));
    // The decision form offers the grounds for this kind only, with their references.
    assert!(page.text.contains("value=\"manifestly_unfounded\""));
    assert!(
        !page.text.contains("value=\"erasure_no_ground\""),
        "an erasure ground"
    );
    assert!(!page.text.contains("value=\"portability_not_automated\""));
    assert!(page
        .text
        .contains("Kennelijk ongegrond <span class=\"reference\">(artikel 12, lid 5, onder b, AVG)"));

    // Refusing without a ground is refused beside the field, with the text kept.
    let csrf = csrf_of(&page);
    let current = version(&page);
    let refused = post(
        &app,
        &format!("{link}/actions/decide"),
        &[&session],
        &[
            ("csrf", &csrf),
            ("version", &current),
            ("outcome", "refused"),
            ("explanation", "Verzoek is de derde deze maand"),
            ("communicated_on", &today),
        ],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert!(refused.text.contains("Verzoek is de derde deze maand</textarea>"));
    assert!(refused
        .text
        .contains("id=\"decide-refused\" name=\"outcome\" value=\"refused\" checked"));
    shows(&refused, "class=\"field invalid\"><legend>Gronden");

    // An old version: someone else changed it meanwhile.
    let stale = post(
        &app,
        &format!("{link}/actions/decide"),
        &[&session],
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("outcome", "refused"),
            ("grounds", "excessive"),
            ("explanation", "x"),
            ("communicated_on", &today),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert!(stale.text.contains("intussen gewijzigd"));

    let decided = post(
        &app,
        &format!("{link}/actions/decide"),
        &[&session],
        &[
            ("csrf", &csrf),
            ("version", &current),
            ("outcome", "refused"),
            ("grounds", "manifestly_unfounded"),
            ("grounds", "excessive"),
            ("explanation", "Verzoek is de derde deze maand"),
            ("communicated_on", &today),
        ],
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text);
    let api = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(api.body["status"], "refused");
    assert_eq!(
        api.body["decision"]["grounds"],
        serde_json::json!(["manifestly_unfounded", "excessive"])
    );
    let page = get(&app, &link, &[&session]).await;
    assert!(page.text.contains("Afgewezen"));
    assert!(
        page.text.contains("gronden: Kennelijk ongegrond; Buitensporig"),
        "{}",
        page.text
    );
    shows(&page, "Besluiten (In beoordeling → Afgewezen)");
    let forms: Vec<&str> = page
        .text
        .match_indices("id=\"actie-")
        .map(|(at, _)| &page.text[at + 10..at + 17])
        .collect();
    assert_eq!(
        forms,
        ["correct"],
        "on a closed request only the contact details can be corrected"
    );
    shows(&page, "Contactgegevens van de verzoeker corrigeren");
}

#[actix_web::test]
async fn the_request_page_follows_the_permission_rules() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let mut body = crate::helpers::registration("access", "2026-11-02");
    body["requester"]["name"] = "Geheime Naam".into();
    let amw = app.register(&body).await;
    let id = amw["id"].as_str().unwrap();
    // The front desk sees where it stands, not who asked, and only the withdrawal.
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let page = get(&app, &format!("/requests/{id}"), &[&session]).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("AVG-2026-00001"));
    assert!(!page.text.contains("Geheime Naam"));
    assert_eq!(page.text.matches("id=\"actie-").count(), 1);
    assert!(page.text.contains("id=\"actie-withdraw\""));
    // Another team's caseworker: 404, for the page and for an action.
    let jgd = app.create_user("caseworker", &["JGD"]).await;
    let session = sign_in(&app, &jgd.token).await;
    assert_eq!(
        get(&app, &format!("/requests/{id}"), &[&session]).await.status,
        404
    );
    let home = get(&app, "/", &[&session]).await;
    let csrf = csrf_of(&home);
    let action = post(
        &app,
        &format!("/requests/{id}/actions/withdraw"),
        &[&session],
        &[("csrf", &csrf), ("on", "2026-11-03")],
    )
    .await;
    assert_eq!(action.status, 404);
    // An auditor reads but may not act: 403, nothing changes.
    let auditor = app.create_user("auditor", &[]).await;
    let session = sign_in(&app, &auditor.token).await;
    let csrf = csrf_of(&get(&app, "/", &[&session]).await);
    let forbidden = post(
        &app,
        &format!("/requests/{id}/actions/withdraw"),
        &[&session],
        &[("csrf", &csrf), ("on", "2026-11-03")],
    )
    .await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.text);
    assert_eq!(
        app.get(&format!("/api/v1/requests/{id}")).await.body["status"],
        "received"
    );
}

#[actix_web::test]
async fn my_requests_nearest_deadline_first_with_the_teams_unassigned_and_overdue_said_in_words() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.create_user("caseworker", &["AMW"]).await;
    let colleague = app.worker("AMW");
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    let days_ago = |n: u64| (today - chrono::Days::new(n)).to_string();
    let mut ids = Vec::new();
    for received in [days_ago(3), days_ago(30), days_ago(10), days_ago(5)] {
        let r = app
            .register(&crate::helpers::registration("access", &received))
            .await;
        ids.push(r["id"].as_str().unwrap().to_string());
    }
    for id in &ids[..2] {
        app.act_ok(id, "assign", &serde_json::json!({"assignee": worker.id}))
            .await;
    }
    app.act_ok(&ids[3], "assign", &serde_json::json!({"assignee": colleague.id}))
        .await;
    let session = sign_in(&app, &worker.token).await;
    let mine = get(&app, "/requests", &[&session]).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    shows(&mine, "Mijn verzoeken");
    let position = |page: &TestResponse, id: &str| page.text.find(&format!("/requests/{id}\""));
    let (old, new) = (position(&mine, &ids[1]), position(&mine, &ids[0]));
    assert!(
        old.is_some() && new.is_some() && old < new,
        "nearest deadline first"
    );
    assert!(
        position(&mine, &ids[2]).is_some(),
        "the team's unassigned request, to take on"
    );
    assert!(position(&mine, &ids[3]).is_none(), "a colleague's");
    shows(&mine, "Nog niet toegewezen</span>");
    shows(&mine, ">Verstreken</span>");
    shows(&mine, "3 verzoeken,");
    // The date of receipt in the table's short form, and who asks.
    shows(
        &mine,
        &format!("<td>{}</td>", (today - chrono::Days::new(30)).format("%d-%m-%Y")),
    );
    shows(&mine, "<td>De cliënt zelf</td>");

    let team = get(&app, "/requests?wie=alle", &[&session]).await;
    assert!(position(&team, &ids[3]).is_some(), "the team's list");
    shows(&team, "4 verzoeken,");
    let overdue = get(&app, "/requests?wie=alle&stand=verstreken", &[&session]).await;
    shows(&overdue, "1 verzoek,");
    let older = get(&app, "/requests?wie=alle&verstreken=ja", &[&session]).await;
    shows(&older, "1 verzoek,");
    let by_date = get(
        &app,
        &format!("/requests?wie=alle&van={}&tot={}", days_ago(10), days_ago(4)),
        &[&session],
    )
    .await;
    shows(&by_date, "2 verzoeken,");
}

#[actix_web::test]
async fn the_front_desk_looks_a_request_up_by_reference_name_or_client_number() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let r = app
        .register(&crate::helpers::registration("access", "2026-11-02"))
        .await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let form = get(&app, "/requests", &[&session]).await;
    assert_eq!(form.status, 200);
    shows(&form, "<label for=\"reference\">Kenmerk</label>");
    assert!(!form.text.contains("<table"), "no list for the front desk");
    let found = get(&app, "/requests?reference=AVG-2026-00001", &[&session]).await;
    assert_eq!(found.status, StatusCode::SEE_OTHER);
    assert_eq!(
        found.header("location").unwrap(),
        format!("/requests/{}", r["id"].as_str().unwrap())
    );
    let missing = get(&app, "/requests?reference=AVG-2026-00099", &[&session]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Without the reference: by the name, and the status only.
    shows(
        &form,
        "<label for=\"q\">Naam van de verzoeker of cliëntnummer</label>",
    );
    for q in ["vries", "D-10442"] {
        let list = get(&app, &format!("/requests?q={q}"), &[&session]).await;
        assert_eq!(list.status, 200, "{}", list.text);
        shows(&list, "1 verzoek,");
        shows(&list, "AVG-2026-00001</a>");
        assert!(!list.text.contains("J. de Vries"), "no personal data");
        assert!(!list.text.contains("id=\"wie\""), "no filters beyond the search");
    }
    // Another team's caseworker learns nothing from the look-up either.
    app.create_team("JGD").await;
    let other = app.create_user("caseworker", &["JGD"]).await;
    let session = sign_in(&app, &other.token).await;
    let hidden = get(&app, "/requests?reference=AVG-2026-00001", &[&session]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_privacy_officer_sees_the_dashboard_with_charts_and_the_annual_report() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let late = app
        .register(&crate::helpers::registration("erasure", "2026-10-01"))
        .await;
    app.register(&crate::helpers::registration("access", "2026-11-20"))
        .await;
    let session = sign_in(&app, &app.admin.token).await;
    let home = get(&app, "/", &[&session]).await;
    shows(&home, "href=\"/dashboard\"");
    shows(&home, "href=\"/reports/annual\"");

    let dashboard = get(&app, "/dashboard", &[&session]).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text);
    shows(
        &dashboard,
        "<span class=\"number\">2</span> <span class=\"label\">open</span>",
    );
    shows(
        &dashboard,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"open-titel\"",
    );
    shows(&dashboard, "<title id=\"optijd-titel\">");
    shows(
        &dashboard,
        &format!("/requests/{}\">AVG-2026-00001</a>", late["id"].as_str().unwrap()),
    );
    shows(&dashboard, "Mislukte herinneringsmails");

    let report = get(&app, "/reports/annual?jaar=2026", &[&session]).await;
    assert_eq!(report.status, 200, "{}", report.text);
    shows(&report, "Jaarverslag 2026");
    shows(&report, "<td>&#60;5</td>");
    shows(
        &report,
        "href=\"/reports/annual.csv?jaar=2026\" download>Exporteren</a>",
    );
    // The export opens in Dutch Excel: a byte order mark, `;`, Dutch words.
    let csv = get(&app, "/reports/annual.csv?jaar=2026", &[&session]).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type").unwrap(), "text/csv; charset=utf-8");
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains("filename*=UTF-8''AVG%2Djaarverslag%202026%2Ecsv"));
    assert!(
        csv.text
            .starts_with("\u{feff}Indeling;Groep;Verzoeken;Besluit op tijd;Op tijd uitgevoerd;Mediaan dagen tot besluit\r\n"),
        "{}",
        csv.text
    );
    assert!(csv.text.contains("\r\nSoort verzoek;Inzage;<5;"), "{}", csv.text);
    assert!(
        csv.text.contains("\r\nUitkomst;Dubbel geregistreerd;"),
        "{}",
        csv.text
    );
}

/// "Exporteren" on the list gives what the list shows, with the same filters, as a file
/// Dutch Excel opens as it should: UTF-8 with a byte order mark, `;`, Dutch headers and
/// labels, the assignee's name, dates as dd-mm-jjjj. A filter that cannot be read goes
/// back to the list, where it is said; the front desk exports nothing.
#[actix_web::test]
async fn the_list_is_exported_for_dutch_excel_with_the_same_filters() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.create_user("caseworker", &["AMW"]).await;
    let access = app
        .register(&crate::helpers::registration("access", "2026-11-20"))
        .await;
    app.act_ok(
        access["id"].as_str().unwrap(),
        "assign",
        &serde_json::json!({"assignee": worker.id}),
    )
    .await;
    app.register(&crate::helpers::registration("erasure", "2026-10-01"))
        .await;
    let session = sign_in(&app, &app.admin.token).await;
    let list = get(&app, "/requests?wie=alle&kind=access", &[&session]).await;
    shows(
        &list,
        "<a href=\"/requests/export?wie=alle&#38;kind=access\" download>Exporteren</a>",
    );

    let csv = get(&app, "/requests/export?wie=alle&kind=access", &[&session]).await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert_eq!(csv.header("content-type").unwrap(), "text/csv; charset=utf-8");
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"AVG-verzoeken "));
    let lines: Vec<&str> = csv.text.split("\r\n").collect();
    assert_eq!(lines.len(), 3, "a header, one request, the end: {:?}", lines);
    assert_eq!(
        lines[0],
        "\u{feff}Kenmerk;Soort verzoek;Nader;Kanaal;Wie vraagt;Status;Dubbel geregistreerd;Team;Behandelaar;\
         Ontvangen op;Antwoord uiterlijk;Uitgevoerd uiterlijk;Wettelijke termijn;Eerstvolgende termijn;\
         Stand;Dagen stilgezet;Verlenging gemeld op;Verlengd tot;Besluit;Besluit meegedeeld op;\
         Besluit op tijd;Afgerond op;Op tijd uitgevoerd;Gesloten op"
    );
    let cells: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(cells[0], access["reference"].as_str().unwrap());
    assert_eq!(cells[1], "Inzage");
    assert_eq!(cells[5], "Ontvangen");
    assert_eq!(cells[7], "AMW");
    assert_eq!(cells[8], "Test caseworker");
    assert_eq!(cells[9], "20-11-2026");
    assert_eq!(cells[10], "04-12-2026", "14 days after 20 November");
    assert_eq!(lines[2], "");

    // Everything, all pages: both requests.
    let all = get(&app, "/requests/export?wie=alle", &[&session]).await;
    assert_eq!(all.text.split("\r\n").count(), 4, "{}", all.text);

    // A date that cannot be read is said on the list, not exported as if absent.
    let unread = get(&app, "/requests/export?wie=alle&van=31-02-2026", &[&session]).await;
    assert_eq!(unread.status, StatusCode::SEE_OTHER);
    let back = unread.header("location").unwrap();
    assert!(back.starts_with("/requests?"), "{back}");
    let list = get(&app, &back, &[&session]).await;
    shows(&list, "‘31-02-2026’ is geen datum");

    let desk = app.create_user("front_desk", &[]).await;
    let desk_session = sign_in(&app, &desk.token).await;
    let refused = get(&app, "/requests/export", &[&desk_session]).await;
    assert_eq!(refused.status, 403);
    shows(&refused, "Exporteren is voor het overzicht van de organisatie");
}

#[actix_web::test]
async fn oversight_pages_follow_the_permission_rules() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    assert_eq!(get(&app, "/dashboard", &[&session]).await.status, 403);
    assert_eq!(get(&app, "/reports/annual", &[&session]).await.status, 403);
    assert_eq!(get(&app, "/reports/annual.csv", &[&session]).await.status, 403);
    let worker = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &worker.token).await;
    let dashboard = get(&app, "/dashboard", &[&session]).await;
    assert_eq!(dashboard.status, 200);
    assert!(
        !dashboard.text.contains("Mislukte herinneringsmails</h2>"),
        "mails are the privacy officer's"
    );
    assert_eq!(get(&app, "/reports/annual", &[&session]).await.status, 403);
    assert_eq!(get(&app, "/dashboard", &[]).await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_unknown_address_is_a_page_for_a_browser_and_a_problem_for_the_api() {
    let app = spawn_app().await;
    let browser = read(
        client()
            .get(app.url("/verzoeken/oud"))
            .insert_header(("accept", "text/html,application/xhtml+xml"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(browser.status, 404);
    assert!(browser.header("content-type").unwrap().starts_with("text/html"));
    shows(&browser, "Deze pagina bestaat niet");
    assert!(browser.header("content-security-policy").is_some());
    let api = read(
        client()
            .get(app.url("/api/nothing"))
            .insert_header(("accept", "text/html"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    api.assert_problem(404);
    let script = get(&app, "/verzoeken/oud", &[]).await;
    script.assert_problem(404);
}

/// The texts of the errors on a page: beside each field and in the summary.
fn error_texts(page: &TestResponse) -> Vec<String> {
    let mut texts = Vec::new();
    for marker in ["<p class=\"error\"", "<div class=\"summary\" role=\"alert\""] {
        for (at, _) in page.text.match_indices(marker) {
            let rest = &page.text[at..];
            let end = rest.find("</p>").unwrap_or(rest.len());
            let mut text = String::new();
            let mut in_tag = false;
            for c in rest[..end].chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            texts.push(text.trim().to_string());
        }
    }
    texts
}

/// Fails when `text` reads as English or names a field by its code.
fn assert_dutch(text: &str) {
    const ENGLISH: &[&str] = &[
        "the", "required", "must", "expected", "unknown", "future", "invalid", "before", "after", "not",
        "and", "lies", "should", "cannot", "date", "field", "at", "most", "least", "or", "a", "an", "one",
        "name",
    ];
    assert!(!text.is_empty(), "an error without words");
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
        assert!(
            !ENGLISH.contains(&word.to_lowercase().as_str()),
            "English ({word}) on a page: {text}"
        );
        assert!(!word.contains('_'), "a field code ({word}) on a page: {text}");
    }
}

#[actix_web::test]
async fn every_refusal_on_a_form_speaks_dutch_and_names_no_field_codes() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.create_user("caseworker", &["AMW"]).await;
    let session = sign_in(&app, &worker.token).await;
    let tomorrow = (crate::helpers::today() + chrono::Days::new(1)).to_string();

    // The registration form, wrong in every way a form can be.
    let csrf = csrf_of(&get(&app, "/requests/new", &[&session]).await);
    let refused = post(
        &app,
        "/requests/new",
        &[&session],
        &[
            ("csrf", &csrf),
            ("kind", "erasure"),
            ("scope", ""),
            ("channel", "carrier-pigeon"),
            ("received_on", &tomorrow),
            ("team", "AMW"),
            ("requester_name", ""),
            ("requester_email", "niet-een-adres"),
            ("relation", ""),
            ("age_band", "adult"),
        ],
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    let texts = error_texts(&refused);
    assert!(texts.len() >= 7, "a summary and six fields: {texts:?}");
    for text in &texts {
        assert_dutch(text);
    }
    shows(&refused, "6 velden moeten worden aangepast");
    shows(&refused, "is geen geldige keuze; kies uit: Telefoon");

    // The actions on the request page, each refused.
    let registered = app
        .register(&serde_json::json!({
            "kind": "erasure", "scope": "data", "channel": "letter", "received_on": crate::helpers::today(),
            "team": "AMW", "assignee": worker.id,
            "requester": {"name": "P. Jansen", "relation": "self"}, "subject": {"age_band": "adult"},
        }))
        .await;
    let id = registered["id"].as_str().unwrap();
    let link = format!("/requests/{id}");
    let act = |action: &'static str, fields: Vec<(&'static str, String)>| {
        let (app, session, link) = (&app, &session, &link);
        async move {
            let page = get(app, link, &[session]).await;
            let at = page.text.find("name=\"version\" value=\"").unwrap() + 22;
            let version = page.text[at..].split('"').next().unwrap().to_string();
            let mut form = vec![("csrf", csrf_of(&page)), ("version", version)];
            form.extend(fields);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, &format!("{link}/actions/{action}"), &[session], &form).await
        }
    };
    // Each step: an action, its fields, and whether it is accepted.
    let today = crate::helpers::today().to_string();
    let steps = [
        ("start_assessment", vec![("identity_verified_by", "")], false),
        ("suspend", vec![("reason", "x"), ("asked_on", &tomorrow)], false),
        ("withdraw", vec![("reason", ""), ("on", &tomorrow)], false),
        (
            "start_assessment",
            vec![("identity_verified_by", "known_client")],
            true,
        ),
        (
            "decide",
            vec![("outcome", "refused"), ("communicated_on", &tomorrow)],
            false,
        ),
        ("extend", vec![("reason", ""), ("informed_on", "gisteren")], false),
        (
            "decide",
            vec![("outcome", "granted"), ("communicated_on", &today)],
            true,
        ),
        (
            "complete",
            vec![("summary", ""), ("completed_on", &tomorrow)],
            false,
        ),
    ];
    let mut texts = Vec::new();
    for (action, fields, accepted) in steps {
        let fields = fields.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        let answer = act(action, fields).await;
        if accepted {
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{action}: {}", answer.text);
            continue;
        }
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{action}: {}",
            answer.text
        );
        texts.extend(error_texts(&answer));
    }
    assert!(
        texts.iter().any(|t| t.contains("artikel 19 AVG")),
        "the recipients: {texts:?}"
    );
    for text in &texts {
        assert_dutch(text);
    }
    let seen = texts.len();
    assert!(seen >= 15, "errors seen: {seen}");
}

/// The `version` of the request a page shows.
fn version_on(page: &TestResponse) -> String {
    let at = page.text.find("name=\"version\" value=\"").expect("a form") + 22;
    page.text[at..].split('"').next().unwrap().to_string()
}

#[actix_web::test]
async fn a_registration_is_corrected_and_the_request_moved_on_its_page() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    app.create_team("JGD").await;
    let desk = app.create_user("front_desk", &[]).await;
    let registered = app
        .post_json_as(
            &desk.token,
            "/api/v1/requests",
            &crate::helpers::registration("access", "2026-11-16"),
        )
        .await;
    let id = registered.body["id"].as_str().unwrap().to_string();
    let link = format!("/requests/{id}");
    let session = sign_in(&app, &desk.token).await;
    let page = get(&app, &link, &[&session]).await;
    assert_eq!(page.status, 200, "{}", page.text);
    for (form, offered) in [
        ("correct", true),
        ("withdraw", true),
        ("transfer", false),
        ("assign", false),
    ] {
        assert_eq!(
            page.text.contains(&format!("id=\"actie-{form}\"")),
            offered,
            "{form}"
        );
    }
    assert!(
        field_of(&page, "correct-name").contains("value=\"J. de Vries\""),
        "filled in"
    );

    let unchanged = post(
        &app,
        &format!("{link}/actions/correct"),
        &[&session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version_on(&page)),
            ("name", "J. de Vries"),
            ("email", "j@example.nl"),
            ("phone", "06-12345678"),
            ("client_reference", "D-10442"),
            ("received_on", "2026-11-16"),
            ("relation", "self"),
            ("age_band", "adult"),
            ("description", "Wil dat het verslag van 3 maart wordt verwijderd"),
            ("reason", "per ongeluk"),
        ],
    )
    .await;
    assert_eq!(
        unchanged.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unchanged.text
    );
    shows(&unchanged, "er is niets gewijzigd");
    let corrected = post(
        &app,
        &format!("{link}/actions/correct"),
        &[&session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version_on(&page)),
            ("name", "J. de Fries"),
            ("email", "j@example.nl"),
            ("phone", ""),
            ("client_reference", "D-10442"),
            ("received_on", "2026-11-16"),
            ("relation", "self"),
            ("age_band", "adult"),
            ("description", "Wil dat het verslag van 3 maart wordt verwijderd"),
            ("reason", "Naam verkeerd verstaan aan de telefoon"),
        ],
    )
    .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER, "{}", corrected.text);
    let page = get(&app, &link, &[&session]).await;
    shows(&page, "J. de Fries");
    shows(
        &page,
        "gewijzigd: naam van de verzoeker, telefoonnummer van de verzoeker; reden: Naam verkeerd verstaan aan de telefoon",
    );

    // Another front desk sees the status, and can withdraw on the caller's behalf.
    let other = app.create_user("front_desk", &[]).await;
    let other_session = sign_in(&app, &other.token).await;
    let status_page = get(&app, &link, &[&other_session]).await;
    assert!(!status_page.text.contains("J. de Fries"));
    assert!(status_page.text.contains("id=\"actie-withdraw\""));
    assert!(!status_page.text.contains("id=\"actie-correct\""));

    // The manager moves it to JGD, and no longer sees it.
    let manager = app.create_user("manager", &["AMW"]).await;
    let manager_session = sign_in(&app, &manager.token).await;
    let page = get(&app, &link, &[&manager_session]).await;
    assert!(page.text.contains("id=\"actie-transfer\""));
    assert!(page.text.contains("<option value=\"JGD\""));
    assert!(
        !page.text.contains("<option value=\"AMW\">Team AMW"),
        "not to its own team"
    );
    let moved = post(
        &app,
        &format!("{link}/actions/transfer"),
        &[&manager_session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version_on(&page)),
            ("team", "JGD"),
            ("reason", "Cliënt is jonger dan 18"),
        ],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text);
    let location = moved.header("location").unwrap();
    let list = get(&app, &location, &[&manager_session]).await;
    shows(&list, "is verplaatst naar team JGD");
    assert_eq!(get(&app, &link, &[&manager_session]).await.status, 404);
}

#[actix_web::test]
async fn every_dashboard_tile_links_to_a_list_of_exactly_its_requests() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let worker = app.worker("AMW");
    let leaving = app.create_user("caseworker", &["AMW"]).await;
    let today = crate::helpers::today();
    let mut ids = Vec::new();
    for age in [0, 5, 9, 11, 12, 13, 20, 40, 60, 90] {
        let received = (today - chrono::Days::new(age)).to_string();
        let r = app
            .register(&crate::helpers::registration("access", &received))
            .await;
        ids.push(r["id"].as_str().unwrap().to_string());
    }
    for (i, id) in ids.iter().enumerate() {
        let assignee = match i % 3 {
            0 => continue,
            1 => &worker.id,
            _ => &leaving.id,
        };
        app.act_ok(id, "assign", &serde_json::json!({"assignee": assignee}))
            .await;
    }
    app.act_ok(
        &ids[1],
        "suspend",
        &serde_json::json!({"reason": "identity", "asked_on": today}),
    )
    .await;
    let deactivated = app
        .post_json(
            &format!("/api/v1/users/{}/deactivate", leaving.id),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);

    let session = sign_in(&app, &app.admin.token).await;
    let dashboard = get(&app, "/dashboard", &[&session]).await;
    let tile =
        regex::Regex::new(r#"<a href="(/requests\?[^"]+)"><span class="number">(\d+)</span>"#).unwrap();
    let count = regex::Regex::new(r"<p>(\d+) verzoek(en)?,").unwrap();
    let mut tiles = 0;
    for found in tile.captures_iter(&dashboard.text) {
        let (link, shown) = (found[1].replace("&amp;", "&"), found[2].parse::<i64>().unwrap());
        let list = get(&app, &link, &[&session]).await;
        assert_eq!(list.status, 200, "{link}");
        let listed: i64 = count.captures(&list.text).expect("a count")[1].parse().unwrap();
        assert_eq!(
            listed, shown,
            "{link}: the tile says {shown}, the list holds {listed}"
        );
        assert!(shown > 0, "{link}: a tile with requests behind it");
        tiles += 1;
    }
    assert_eq!(tiles, 6, "open, legal limit, overdue, soon, paused, unassigned");
}

/// Idle and absolute limits, with the clock as an input (in-process: the clock of a
/// running service cannot be moved from outside).
#[actix_web::test]
async fn a_session_ends_when_idle_and_after_its_maximum_whatever_the_activity() {
    use avg_loket::service::sessions::{sign_in, user_of, SessionPolicy};
    use chrono::Duration;
    let app = spawn_app().await;
    let policy = SessionPolicy {
        idle: Duration::minutes(30),
        max: Duration::hours(10),
    };
    let t0 = chrono::Utc::now();
    let session = sign_in(&app.db, &app.admin.token, None, policy, t0)
        .await
        .unwrap();
    let at = |minutes: i64| t0 + Duration::minutes(minutes);
    let live = |minutes: i64| {
        let (db, secret) = (app.db.clone(), session.secret.clone());
        async move {
            user_of(&db, &secret, policy, at(minutes))
                .await
                .unwrap()
                .is_some()
        }
    };
    assert!(live(29).await, "29 minutes after sign-in");
    assert!(live(58).await, "29 minutes after the last use");
    assert!(!live(89).await, "31 minutes after the last use: idle too long");

    // Used every 20 minutes for a working day: still ended at the maximum.
    let busy = sign_in(&app.db, &app.admin.token, None, policy, t0)
        .await
        .unwrap();
    let mut minutes = 0;
    while minutes < 600 {
        let user = user_of(&app.db, &busy.secret, policy, at(minutes)).await.unwrap();
        assert!(user.is_some(), "in use at minute {minutes}");
        minutes += 20;
    }
    assert!(
        user_of(&app.db, &busy.secret, policy, at(600))
            .await
            .unwrap()
            .is_none(),
        "after 10 hours"
    );
}

#[actix_web::test]
async fn the_sign_in_page_states_the_limits_of_the_settings() {
    let app =
        crate::helpers::spawn_app_with(&[("AVG_LOKET_SESSION_IDLE", "15m"), ("AVG_LOKET_SESSION_MAX", "8h")])
            .await;
    let form = get(&app, "/login", &[]).await;
    shows(&form, "na 15 minuten zonder gebruik, en in elk geval na 8 uur");
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
    let signed = post(
        &app,
        "/login",
        &[&login_cookie],
        &[("token", &app.admin.token), ("csrf", &csrf_of(&form))],
    )
    .await;
    let (_, header) = set_cookie(&signed, "avg_loket_session").unwrap();
    assert!(header.contains("Max-Age=28800"), "{header}");
}

#[actix_web::test]
async fn token_sign_in_on_the_pages_can_be_switched_off_and_tokens_still_serve_the_api() {
    let app = crate::helpers::spawn_app_with(&[("AVG_LOKET_PAGE_TOKEN_SIGNIN", "false")]).await;
    let form = get(&app, "/login", &[]).await;
    assert_eq!(form.status, 200);
    shows(&form, "Inloggen met een sleutel staat uit");
    assert!(!form.text.contains("name=\"token\""), "no token field");
    let refused = post(&app, "/login", &[], &[("token", &app.admin.token), ("csrf", "x")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(set_cookie(&refused, "avg_loket_session").is_none());
    assert_eq!(app.get("/api/v1/me").await.status, 200, "the API takes the token");
}

#[actix_web::test]
async fn a_forwarded_scheme_counts_only_from_the_trusted_proxy() {
    let secure_login_cookie = |app: &TestApp, forwarded: bool| {
        let mut request = client().get(app.url("/login"));
        if forwarded {
            request = request.insert_header(("x-forwarded-proto", "https"));
        }
        async move {
            let response = read(request.send().await.unwrap()).await;
            set_cookie(&response, "avg_loket_login")
                .unwrap()
                .1
                .contains("Secure")
        }
    };
    let app = spawn_app().await;
    assert!(
        !secure_login_cookie(&app, true).await,
        "anyone may send X-Forwarded-Proto"
    );
    let behind = crate::helpers::spawn_app_with(&[("AVG_LOKET_TRUSTED_PROXY", "127.0.0.1")]).await;
    assert!(
        secure_login_cookie(&behind, true).await,
        "the proxy says the browser used HTTPS"
    );
    assert!(
        !secure_login_cookie(&behind, false).await,
        "the proxy says nothing"
    );
    let elsewhere = crate::helpers::spawn_app_with(&[("AVG_LOKET_TRUSTED_PROXY", "10.0.0.1")]).await;
    assert!(
        !secure_login_cookie(&elsewhere, true).await,
        "not from the trusted proxy"
    );
}

#[actix_web::test]
async fn wrong_tokens_on_the_sign_in_page_are_refused_after_the_limit_in_dutch() {
    let app = crate::helpers::spawn_app_with(&[("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "3")]).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let form = get(&app, "/login", &[]).await;
        let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
        let tried = post(
            &app,
            "/login",
            &[&login_cookie],
            &[("token", "avgl_wrong"), ("csrf", &csrf_of(&form))],
        )
        .await;
        statuses.push(tried.status.as_u16());
        if tried.status == StatusCode::TOO_MANY_REQUESTS {
            shows(&tried, "Te veel mislukte pogingen");
            assert!(tried.header("retry-after").is_some());
            assert!(set_cookie(&tried, "avg_loket_session").is_none());
        }
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
    // Even the right token waits at this address: guessing gets no answer.
    let form = get(&app, "/login", &[]).await;
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
    let right = post(
        &app,
        "/login",
        &[&login_cookie],
        &[("token", &app.admin.token), ("csrf", &csrf_of(&form))],
    )
    .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Ends a session as if it had not been used for two hours (idle, past the default 30
/// minutes): its last use is set back with diesel, as the clock cannot be moved from
/// outside.
async fn idle_for_two_hours(app: &TestApp) {
    use avg_loket::storage::schema::web_sessions::dsl as s;
    use diesel::{ExpressionMethods, RunQueryDsl};
    let mut conn = app.db.get().unwrap();
    let long_ago = (chrono::Utc::now() - chrono::Duration::hours(2)).naive_utc();
    diesel::update(s::web_sessions)
        .set((s::last_seen_at.eq(Some(long_ago)), s::created_at.eq(long_ago)))
        .execute(&mut *conn)
        .unwrap();
}

/// Signs in through the sign-in page as a browser does, with the cookies it already
/// has and the page it was sent to go to next; the answer to the sign-in.
async fn sign_in_to(app: &TestApp, token: &str, cookies: &[&str], next: &str) -> TestResponse {
    let form = get(app, &format!("/login?naar={}", next.replace('/', "%2F")), cookies).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let (login_cookie, _) = set_cookie(&form, "avg_loket_login").unwrap();
    let mut all = cookies.to_vec();
    all.push(&login_cookie);
    post(
        app,
        "/login",
        &all,
        &[("token", token), ("csrf", &csrf_of(&form)), ("naar", next)],
    )
    .await
}

/// The front desk fills in "Nieuw verzoek" during a long phone call and the session
/// ends: the form is kept (server-side, an hour at most), the sign-in page says so,
/// and after signing in the form is back as it was typed — nothing registered until
/// it is sent again. Nobody else who signs in on that browser sees it.
#[actix_web::test]
async fn a_form_sent_after_the_session_ended_comes_back_filled_in_after_signing_in() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let desk = app.create_user("front_desk", &[]).await;
    let session = sign_in(&app, &desk.token).await;
    let form = get(&app, "/requests/new", &[&session]).await;
    let typed = [
        ("kind", "erasure"),
        ("scope", "data"),
        ("channel", "phone"),
        ("received_on", "2-11-2026"),
        ("team", "AMW"),
        ("requester_name", "E. Bosman-Ruiter"),
        ("requester_phone", "06-12345678"),
        ("relation", "authorised"),
        ("subject_name", "G. Ruiter"),
        ("age_band", "adult"),
        (
            "description",
            "Wil dat het verslag van het gesprek van 3 maart wordt verwijderd.",
        ),
    ];
    let mut fields = vec![("csrf", csrf_of(&form))];
    fields.extend(typed.iter().map(|(k, v)| (*k, v.to_string())));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    idle_for_two_hours(&app).await;

    let sent = post(&app, "/requests/new", &[&session], &borrowed).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(
        sent.header("location").as_deref(),
        Some("/login?naar=%2Frequests%2Fnew")
    );
    let (kept, kept_header) = set_cookie(&sent, "avg_loket_kept").expect("the kept form's cookie");
    assert!(
        kept_header.contains("HttpOnly") && kept_header.contains("SameSite=Strict"),
        "{kept_header}"
    );
    assert_eq!(request_count(&app).await, 0, "nothing is registered");

    let login = get(&app, "/login?naar=%2Frequests%2Fnew", &[&kept]).await;
    shows(&login, "Uw sessie was verlopen.");
    shows(&login, "name=\"naar\" value=\"/requests/new\"");
    let signed = sign_in_to(&app, &desk.token, &[&kept], "/requests/new").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    assert_eq!(signed.header("location").as_deref(), Some("/requests/new"));
    let new_session = set_cookie(&signed, "avg_loket_session").unwrap().0;

    let back = get(&app, "/requests/new", &[&new_session, &kept]).await;
    shows(
        &back,
        "Wat u had ingevuld staat weer klaar. Het is nog niet opgeslagen",
    );
    for (field, value) in [
        ("requester_name", "E. Bosman-Ruiter"),
        ("requester_phone", "06-12345678"),
        ("subject_name", "G. Ruiter"),
        ("received_on", "2-11-2026"),
    ] {
        assert!(
            field_of(&back, field).contains(&format!("value=\"{value}\"")),
            "{field}"
        );
    }
    shows(
        &back,
        "Wil dat het verslag van het gesprek van 3 maart wordt verwijderd.</textarea>",
    );
    shows(&back, "<option value=\"erasure\" selected>");
    shows(&back, "<option value=\"authorised\" selected>");
    assert_eq!(request_count(&app).await, 0, "not until it is sent again");
    let again = get(&app, "/requests/new", &[&new_session, &kept]).await;
    assert!(!again.text.contains("E. Bosman-Ruiter"), "shown once");

    let mut fields = vec![("csrf", csrf_of(&back))];
    fields.extend(typed.iter().map(|(k, v)| (*k, v.to_string())));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let registered = post(&app, "/requests/new", &[&new_session], &borrowed).await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.text);
    assert_eq!(request_count(&app).await, 1);

    // Kept from the front desk's ended session, a colleague who signs in on the same
    // browser gets an empty form, and the kept one is gone.
    idle_for_two_hours(&app).await;
    let sent = post(&app, "/requests/new", &[&new_session], &borrowed).await;
    let (kept, _) = set_cookie(&sent, "avg_loket_kept").unwrap();
    let worker = app.worker("AMW");
    let signed = sign_in_to(&app, &worker.token, &[&kept], "/requests/new").await;
    let theirs = set_cookie(&signed, "avg_loket_session").unwrap().0;
    let other = get(&app, "/requests/new", &[&theirs, &kept]).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(
        !other.text.contains("E. Bosman-Ruiter"),
        "never another user's typing"
    );
    let desk_again = sign_in(&app, &desk.token).await;
    let gone = get(&app, "/requests/new", &[&desk_again, &kept]).await;
    assert!(!gone.text.contains("E. Bosman-Ruiter"), "and it is gone");
    assert_eq!(request_count(&app).await, 1);
}

/// An action's form sent with the CSRF value of an earlier session (the caseworker
/// signed in again in another tab) comes back on the request page as typed; and a
/// link opened while signed out (from a reminder mail) lands on its page after
/// signing in — a local page only.
#[actix_web::test]
async fn a_stale_form_comes_back_and_a_link_opened_while_signed_out_lands_after_sign_in() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let id = app
        .register(&crate::helpers::registration("access", "2026-11-02"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let worker = app.worker("AMW");
    let link = format!("/requests/{id}");

    let signed_out = get(&app, &link, &[]).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    let to = signed_out.header("location").unwrap();
    assert_eq!(to, format!("/login?naar=%2Frequests%2F{id}"));
    let signed = sign_in_to(&app, &worker.token, &[], &link).await;
    assert_eq!(
        signed.header("location"),
        Some(link.clone()),
        "back to the mail's link"
    );
    let first = set_cookie(&signed, "avg_loket_session").unwrap().0;

    let page = get(&app, &link, &[&first]).await;
    let stale_csrf = csrf_of(&page);
    let second = sign_in(&app, &worker.token).await;
    let page = get(&app, &link, &[&second]).await;
    let version = {
        let at = page.text.find("name=\"version\" value=\"").unwrap() + 22;
        page.text[at..].split('"').next().unwrap().to_string()
    };
    let sent = post(
        &app,
        &format!("{link}/actions/withdraw"),
        &[&second],
        &[
            ("csrf", &stale_csrf),
            ("version", &version),
            ("reason", "De verzoeker belde: het is niet meer nodig"),
            ("on", "3-11-2026"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(
        sent.header("location"),
        Some(link.clone()),
        "straight back: the session is live"
    );
    let (kept, _) = set_cookie(&sent, "avg_loket_kept").unwrap();
    let back = get(&app, &link, &[&second, &kept]).await;
    shows(&back, "Wat u had ingevuld staat weer klaar");
    shows(&back, "De verzoeker belde: het is niet meer nodig</textarea>");
    assert!(field_of(&back, "withdraw-on").contains("value=\"3-11-2026\""));
    let r = app.get(&format!("/api/v1/requests/{id}")).await;
    assert_eq!(r.body["status"], "received", "nothing changed");

    for elsewhere in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "/login",
    ] {
        let signed = sign_in_to(&app, &worker.token, &[], elsewhere).await;
        assert_eq!(signed.header("location").as_deref(), Some("/"), "{elsewhere}");
    }
}

/// A kept form lives an hour at most: older, it is not shown, and the background
/// loop's clean-up removes it.
#[actix_web::test]
async fn a_kept_form_is_forgotten_after_an_hour() {
    use avg_loket::service::sessions::{forget_kept_forms, keep_form, take_kept_form};
    let app = spawn_app().await;
    let session = avg_loket::service::sessions::sign_in(
        &app.db,
        &app.admin.token,
        None,
        avg_loket::service::sessions::SessionPolicy {
            idle: chrono::Duration::minutes(30),
            max: chrono::Duration::hours(10),
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let fields = vec![("requester_name".to_string(), "G. Ruiter".to_string())];
    let then = chrono::Utc::now() - chrono::Duration::minutes(61);
    let old = keep_form(
        &app.db,
        Some(session.secret.clone()),
        "/requests/new",
        fields.clone(),
        then,
    )
    .await
    .unwrap()
    .unwrap();
    let now = chrono::Utc::now();
    let caller = avg_loket::service::auth::authenticate(&app.db, &app.admin.token, now)
        .await
        .unwrap();
    assert_eq!(
        take_kept_form(&app.db, &old, &caller, "/requests/new", now)
            .await
            .unwrap(),
        None
    );
    assert_eq!(forget_kept_forms(&app.db, now).await.unwrap(), 1, "the old one");
    let recent = keep_form(
        &app.db,
        Some(session.secret),
        "/requests/new",
        fields.clone(),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        take_kept_form(&app.db, &recent, &caller, "/letters/x", now)
            .await
            .unwrap(),
        None,
        "not on another page"
    );
    let recent = keep_form(
        &app.db,
        Some(
            avg_loket::service::sessions::sign_in(
                &app.db,
                &app.admin.token,
                None,
                avg_loket::service::sessions::SessionPolicy {
                    idle: chrono::Duration::minutes(30),
                    max: chrono::Duration::hours(10),
                },
                now,
            )
            .await
            .unwrap()
            .secret,
        ),
        "/requests/new",
        fields.clone(),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        take_kept_form(&app.db, &recent, &caller, "/requests/new", now)
            .await
            .unwrap(),
        Some(fields)
    );
    assert_eq!(
        keep_form(
            &app.db,
            Some("no-such-session".into()),
            "/requests/new",
            vec![],
            now
        )
        .await
        .unwrap(),
        None,
        "nothing is kept for a browser without a session of ours"
    );
}

/// The request page tells the truth about the clock: a paused request says since when
/// and why it stands still, counts the days so far, and lists the deadlines it gets if
/// the answer arrives today; after an extension the response row says the notice
/// answered it; a decision can be recorded without a date and then reads as not yet
/// communicated — the form offers no date of its own.
#[actix_web::test]
async fn the_request_page_tells_the_truth_about_the_clock() {
    use avg_loket::domain::calendar::Calendar;
    use avg_loket::domain::deadlines::{deadline, Period};
    use avg_loket::pages::labels::long_date;
    use serde_json::json;

    let app = spawn_app().await;
    app.create_team("AMW").await;
    let today = crate::helpers::today();
    let received = today - chrono::Duration::days(10);
    let asked = today - chrono::Duration::days(4);
    let registered = app
        .register(&crate::helpers::registration("access", &received.to_string()))
        .await;
    let id = registered["id"].as_str().unwrap().to_string();
    let worker = app.create_user("caseworker", &["AMW"]).await;
    app.act_ok(&id, "assign", &json!({"assignee": worker.id})).await;
    app.act_ok(
        &id,
        "suspend",
        &json!({"reason": "identity", "asked_on": asked.to_string()}),
    )
    .await;
    let session = sign_in(&app, &worker.token).await;
    let link = format!("/requests/{id}");

    let page = get(&app, &link, &[&session]).await;
    assert_eq!(page.status, 200, "{}", page.text);
    shows(
        &page,
        &format!("Het verzoek staat stil sinds {}</strong>", long_date(asked)),
    );
    shows(&page, "(Identiteit nog niet vastgesteld): 4 dagen tot nu");
    shows(&page, "<dt>Dagen stilgezet</dt><dd>4 (loopt nog)</dd>");
    let if_today = deadline(received, Period::Days(14), 4, Calendar::GdprNl);
    shows(
        &page,
        &format!(
            "<dt>Antwoord of het verzoek wordt uitgevoerd</dt><dd>{} <span class=\"note\">(als het gevraagde vandaag binnenkomt)</span>",
            long_date(if_today)
        ),
    );

    // Resumed today and extended in time: the notice answered within the month.
    app.act_ok(&id, "resume", &json!({"received_on": today.to_string()}))
        .await;
    app.act_ok(
        &id,
        "start_assessment",
        &json!({"identity_verified_by": "known_client"}),
    )
    .await;
    let extended = app
        .act_ok(
            &id,
            "extend",
            &json!({"reason": "omvangrijk dossier", "informed_on": today.to_string()}),
        )
        .await;
    let page = get(&app, &link, &[&session]).await;
    shows(&page, "<dt>Dagen stilgezet</dt><dd>4</dd>");
    let until: chrono::NaiveDate = extended["deadlines"]["execution"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    shows(
        &page,
        &format!(
            "(beantwoord met de verlenging, gemeld op {}; het besluit moet de verzoeker uiterlijk {} bereiken)",
            long_date(today),
            long_date(until)
        ),
    );
    shows(
        &page,
        &format!(
            "<dt>Eerstvolgende termijn</dt><dd><strong>{}</strong>",
            long_date(until)
        ),
    );
    // The decision form proposes no date on which nothing was sent.
    shows(
        &page,
        "id=\"decide-communicated\" name=\"communicated_on\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" aria-describedby=\"decide-communicated-hint\" value=\"\"",
    );
    let version = extended["version"].to_string();
    let decided = post(
        &app,
        &format!("{link}/actions/decide"),
        &[&session],
        &[
            ("csrf", &csrf_of(&page)),
            ("version", &version),
            ("outcome", "granted"),
            ("communicated_on", ""),
        ],
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text);
    let page = get(&app, &link, &[&session]).await;
    shows(&page, "<dt>Besluit</dt><dd>Toegewezen, nog niet meegedeeld");
    assert!(
        !page.text.contains("id=\"actie-complete\""),
        "carried out once told"
    );
    let api = app.get(&format!("/api/v1/requests/{id}")).await.body;
    assert_eq!(api["decision"]["communicated_on"], serde_json::Value::Null);
}
