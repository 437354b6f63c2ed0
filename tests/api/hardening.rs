//! Sign-in, tokens and transport hardened (issue 30): each weakness a live probe showed,
//! shown again from outside and refused.

use serde_json::{json, Value};

use crate::administration::token_on;
use crate::helpers::{read, spawn_app_with, TestApp};
use crate::pages::csrf_in;
use crate::sign_in::{app_with_provider, events, free_port, Browser};

/// A GET of the API with a token and extra headers, as the client sent them.
async fn get_with(app: &TestApp, token: &str, path: &str, headers: &[(&str, &str)]) -> u16 {
    let mut request = app
        .client
        .get(app.url(path))
        .insert_header(("authorization", format!("Bearer {token}")));
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    read(request.send().await.expect("GET")).await.status.as_u16()
}

/// Behind the trusted proxy only the address it appended counts: rotating the
/// left-most `X-Forwarded-For` escapes nothing, writing another address locks nobody
/// else out, and `Forwarded` is not read unless configured.
#[actix_web::test]
async fn rotated_and_forged_forwarding_headers_neither_escape_the_limit_nor_lock_out_others() {
    let app = spawn_app_with(&[
        ("AVG_LOKET_TRUSTED_PROXY", "127.0.0.1"),
        ("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "5"),
    ])
    .await;
    let good = app.admin.token.clone();
    // The attacker (appended by the proxy as 203.0.113.7) rotates what it writes itself.
    let mut statuses = Vec::new();
    for n in 0..20 {
        let forged = format!("10.9.{n}.1, 203.0.113.7");
        statuses.push(
            get_with(
                &app,
                "avgl_wrong",
                "/api/v1/teams",
                &[("x-forwarded-for", &forged)],
            )
            .await,
        );
    }
    assert_eq!(&statuses[..5], [401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // Its `Forwarded` header is not believed either.
    let also = get_with(
        &app,
        "avgl_wrong",
        "/api/v1/teams",
        &[
            ("forwarded", "for=192.0.2.200"),
            ("x-forwarded-for", "203.0.113.7"),
        ],
    )
    .await;
    assert_eq!(also, 429);
    // The victim's address, written by the attacker on the left, is not locked out.
    let victim = get_with(
        &app,
        &good,
        "/api/v1/teams",
        &[("x-forwarded-for", "198.51.100.4")],
    )
    .await;
    assert_eq!(victim, 200, "another client with a good token is served");
    for _ in 0..20 {
        get_with(
            &app,
            "avgl_wrong",
            "/api/v1/teams",
            &[("x-forwarded-for", "198.51.100.4, 203.0.113.7")],
        )
        .await;
    }
    let victim = get_with(
        &app,
        &good,
        "/api/v1/teams",
        &[("x-forwarded-for", "198.51.100.4")],
    )
    .await;
    assert_eq!(
        victim, 200,
        "writing the victim's address locks out only the writer"
    );
}

/// Without a trusted proxy the forwarding headers are not read at all: the peer counts.
#[actix_web::test]
async fn without_a_trusted_proxy_the_forwarding_headers_count_for_nothing() {
    let app = spawn_app_with(&[("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "3")]).await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let forged = format!("10.8.{n}.1");
        statuses.push(
            get_with(
                &app,
                "avgl_wrong",
                "/api/v1/teams",
                &[("x-forwarded-for", &forged)],
            )
            .await,
        );
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429]);
}

/// Anonymous sign-in starts are limited per address like wrong tokens; with the
/// provider down, 300 of them leave one audit event for the outage, not one each.
#[actix_web::test]
async fn three_hundred_anonymous_sign_in_starts_are_limited_and_an_outage_is_one_event() {
    let closed = free_port();
    let issuer = format!("http://127.0.0.1:{closed}");
    let app = spawn_app_with(&[
        ("AVG_LOKET_OIDC_ISSUER", &issuer),
        ("AVG_LOKET_OIDC_CLIENT_ID", "avg-loket"),
        ("AVG_LOKET_OIDC_CLIENT_SECRET", "geheim"),
        ("AVG_LOKET_SIGNIN_STARTS_PER_MINUTE", "20"),
    ])
    .await;
    let browser = Browser::new(&app);
    let mut statuses = Vec::new();
    for _ in 0..300 {
        statuses.push(browser.get("/login/oidc").await.status);
    }
    assert!(statuses[..20].iter().all(|s| *s == 503), "{:?}", &statuses[..25]);
    assert!(
        statuses[20..].iter().all(|s| *s == 429),
        "{:?}",
        &statuses[18..30]
    );
    let refused: Vec<Value> = events(&app, "sign_in_refused");
    assert_eq!(refused.len(), 1, "one event for the outage: {refused:?}");
    // A callback counts as a start too.
    let back = browser.get("/login/oidc/callback?code=x&state=y").await;
    assert_eq!(back.status, 429);
    // Only starts wait: a colleague's token from the same address is served.
    assert_eq!(app.get("/api/v1/teams").await.status, 200);
}

/// The sign-ins under way are bounded in age and in number: past the bound the oldest
/// go.
#[actix_web::test]
async fn sign_ins_under_way_are_bounded_in_number_and_age() {
    use avg_loket::storage::users::{attempts_under_way, insert_attempt, AttemptRow};
    let app = spawn_app_with(&[]).await;
    let mut conn = app.db.get().unwrap();
    let start = chrono::Utc::now().naive_utc();
    let row = |n: i64| AttemptRow {
        id_hash: format!("hash-{n}"),
        state: "s".into(),
        nonce: "n".into(),
        pkce_verifier: "v".into(),
        created_at: start + chrono::Duration::seconds(n),
    };
    let long_ago = start - chrono::Duration::hours(1);
    for n in 0..12 {
        insert_attempt(&mut conn, &row(n), long_ago, 5).unwrap();
    }
    assert_eq!(attempts_under_way(&mut conn).unwrap(), 5);
    // An attempt older than its lifetime goes with the next one.
    insert_attempt(&mut conn, &row(100), start + chrono::Duration::seconds(50), 5).unwrap();
    assert_eq!(attempts_under_way(&mut conn).unwrap(), 1);
}

/// With a second factor required, one method is one factor whatever it is; `mfa`, two
/// methods of which one is not a password, or an `acr` the organisation configured
/// are two.
#[actix_web::test]
async fn one_method_is_not_a_second_factor_two_are_and_so_is_a_configured_level() {
    let (app, provider) = app_with_provider(&[
        ("AVG_LOKET_OIDC_REQUIRE_MFA", "true"),
        ("AVG_LOKET_OIDC_MFA_ACR", "urn:zorg:loa:substantial"),
    ])
    .await;
    crate::helpers::create_user_directly(&app.db, "Fleur de Boer", "fleur@zorg.example", "auditor", &[]);
    let cases = [
        (json!(["otp"]), None, 403),
        (json!(["hwk"]), None, 403),
        (json!(["pwd", "otp"]), None, 200),
        (json!(["pwd"]), Some("urn:zorg:loa:substantial"), 200),
        (json!(["pwd"]), Some("urn:zorg:loa:low"), 403),
    ];
    for (amr, acr, status) in cases {
        provider
            .account(json!({"sub": "fleur", "email": "fleur@zorg.example", "email_verified": true, "amr": amr, "acr": acr}))
            .await;
        let browser = Browser::new(&app);
        let back = browser.through_provider("fleur", false).await;
        assert_eq!(browser.get(&back).await.status, status, "amr {amr}, acr {acr:?}");
    }
}

/// Reached over https, the service says so to the browser: HSTS on every answer,
/// `Secure` cookies under `__Host-` names (path `/`, no domain) that the sign-in then
/// reads back, and `Cache-Control: no-store` on the API's answers and on downloads.
#[actix_web::test]
async fn an_https_base_url_brings_hsts_secure_host_cookies_and_no_store() {
    use crate::pages::{csrf_of, get, post, set_cookie};

    let app = spawn_app_with(&[("AVG_LOKET_BASE_URL", "https://avg.zorg.example")]).await;
    let form = get(&app, "/login", &[]).await;
    assert_eq!(
        form.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    assert!(
        set_cookie(&form, "avg_loket_login").is_none(),
        "no plain name over https"
    );
    let (login, whole) = set_cookie(&form, "__Host-avg_loket_login").expect("a __Host- cookie");
    assert!(
        whole.contains("Secure") && whole.contains("Path=/") && !whole.contains("Domain"),
        "{whole}"
    );
    let signed = post(
        &app,
        "/login",
        &[&login],
        &[("token", &app.admin.token), ("csrf", &csrf_of(&form))],
    )
    .await;
    assert_eq!(signed.status, 303, "{}", signed.text);
    let (session, whole) = set_cookie(&signed, "__Host-avg_loket_session").expect("the session cookie");
    assert!(whole.contains("Secure") && whole.contains("HttpOnly") && whole.contains("SameSite=Strict"));
    let home = get(&app, "/", &[&session]).await;
    assert_eq!(
        home.status, 200,
        "the session is read back under its __Host- name"
    );
    assert_eq!(home.header("cache-control").as_deref(), Some("no-store"));

    let me = app.get("/api/v1/me").await;
    assert_eq!(me.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(
        me.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    let report = app
        .client
        .get(app.url("/api/v1/reports/annual?year=2026"))
        .insert_header(("authorization", format!("Bearer {}", app.admin.token)))
        .insert_header(("accept", "text/csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    assert_eq!(
        report.headers().get("cache-control").unwrap().to_str().unwrap(),
        "no-store"
    );

    // Over plain http (this machine) there is no HSTS, and the names are plain.
    let plain = spawn_app_with(&[]).await;
    let form = get(&plain, "/login", &[]).await;
    assert!(form.header("strict-transport-security").is_none());
    assert!(set_cookie(&form, "avg_loket_login").is_some());
}

/// `serve` with an https base URL and no trusted proxy says at start-up that the limits
/// would see the proxy's address.
#[test]
fn serve_warns_when_https_comes_without_a_trusted_proxy() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("avg-loket.db").display());
    let port = free_port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let mut serve = crate::cli::avg_loket(
        dir.path(),
        &[
            ("AVG_LOKET_DATABASE_URL", &database),
            ("AVG_LOKET_LISTEN", &listen),
            ("AVG_LOKET_BASE_URL", "https://avg.zorg.example"),
        ],
    )
    .arg("serve")
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut said = String::new();
    let mut lines = BufReader::new(serve.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.contains("listening") {
            break;
        }
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert!(
        said.contains("AVG_LOKET_BASE_URL is https but no AVG_LOKET_TRUSTED_PROXY is set"),
        "{said}"
    );
}

/// Tokens expire (90 days by default, a year at most; a named service token two
/// years at most), at most ten work at once, and each is made by its own user only:
/// nobody — not the privacy officer — makes one on someone's behalf.
#[actix_web::test]
async fn tokens_expire_are_capped_and_are_made_by_their_own_user_only() {
    use avg_loket::service::auth::{authenticate, AuthError};
    let app = crate::helpers::spawn_app().await;
    let me = app.admin.id.clone();
    let mine = format!("/api/v1/users/{me}/tokens");

    let too_long = app.post_json(&mine, &json!({"days": 400})).await;
    too_long.assert_problem(422);
    assert_eq!(too_long.error_fields(), vec!["days"]);
    let nothing = app.post_json(&mine, &json!({"days": 0})).await;
    assert_eq!(nothing.error_fields(), vec!["days"]);
    let script = app
        .post_json(&mine, &json!({"days": 730, "service": "maandrapport"}))
        .await;
    assert_eq!(script.status, 201, "{}", script.text);
    assert_eq!(script.body["service"], "maandrapport");
    let created = chrono::DateTime::parse_from_rfc3339(script.body["created_at"].as_str().unwrap()).unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(script.body["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - created).num_days(), 730);
    let script_too_long = app
        .post_json(&mine, &json!({"days": 731, "service": "maandrapport"}))
        .await;
    assert_eq!(script_too_long.error_fields(), vec!["days"]);
    // No body at all: a personal token of 90 days.
    let plain = read(
        app.client
            .post(app.url(&mine))
            .insert_header(("authorization", format!("Bearer {}", app.admin.token)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(plain.status, 201, "{}", plain.text);
    assert!(plain.body["service"].is_null());
    let token = plain.body["token"].as_str().unwrap().to_string();
    let now = avg_loket::clock::now();

    // With the clock as an input: it works on day 89, not on day 91.
    assert!(authenticate(&app.db, &token, now + chrono::Duration::days(89))
        .await
        .is_ok());
    assert!(matches!(
        authenticate(&app.db, &token, now + chrono::Duration::days(91)).await,
        Err(AuthError::Expired)
    ));
    // Over HTTP, once its moment has passed.
    {
        use avg_loket::storage::schema::api_tokens;
        use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
        let mut conn = app.db.get().unwrap();
        diesel::update(api_tokens::table.filter(api_tokens::id.eq(plain.body["id"].as_str().unwrap())))
            .set(api_tokens::expires_at.eq(Some((now - chrono::Duration::seconds(1)).naive_utc())))
            .execute(&mut *conn)
            .unwrap();
    }
    let expired = app.get_as(&token, "/api/v1/me").await;
    expired.assert_problem(401);
    assert!(
        expired.body["detail"].as_str().unwrap().contains("expired"),
        "{}",
        expired.text
    );
    let listed = app.get(&format!("/api/v1/users/{me}")).await;
    let tokens = listed.body["tokens"].as_array().unwrap();
    assert!(
        tokens.iter().all(|t| t["expires_at"].is_string()),
        "{}",
        listed.text
    );
    assert!(tokens.iter().any(|t| t["service"] == "maandrapport"));

    // Ten at once: the first token, the script's, and eight more; the eleventh waits.
    for _ in 0..8 {
        assert_eq!(app.post_json(&mine, &json!({})).await.status, 201);
    }
    let eleventh = app.post_json(&mine, &json!({})).await;
    eleventh.assert_problem(409);
    assert!(eleventh.body["detail"].as_str().unwrap().contains("revoke one"));

    // Never on someone's behalf, not even by the privacy officer.
    let colleague = app.create_user("auditor", &[]).await;
    let on_behalf = app
        .post_json(&format!("/api/v1/users/{}/tokens", colleague.id), &json!({}))
        .await;
    on_behalf.assert_problem(403);
    let own = app
        .post_json_as(
            &colleague.token,
            &format!("/api/v1/users/{}/tokens", colleague.id),
            &json!({}),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.text);
    // Nor at creation: the new user comes without a token.
    let created = app
        .post_json(
            "/api/v1/users",
            &json!({"name": "Iris Bos", "email": "iris@zorg.example", "role": "auditor"}),
        )
        .await;
    assert_eq!(created.status, 201);
    assert!(created.body.get("token").is_none(), "{}", created.text);
    assert!(created.body["note"].as_str().unwrap().contains("token create"));
}

/// "Mijn instellingen" makes a token of the term asked for; a wrong term gets a Dutch
/// message beside the field with what was typed kept, and nothing is made.
#[actix_web::test]
async fn a_token_of_ones_own_on_the_settings_page_says_how_long_it_works() {
    use crate::pages::{get, post, sign_in};
    let app = crate::helpers::spawn_app().await;
    let session = sign_in(&app, &app.admin.token).await;
    let settings = get(&app, "/settings", &[&session]).await;
    let csrf = csrf_in(&settings.text);
    let refused = post(
        &app,
        "/settings/tokens",
        &[&session],
        &[("csrf", &csrf), ("days", "500"), ("service", "")],
    )
    .await;
    assert_eq!(refused.status.as_u16(), 422);
    assert!(
        refused.text.contains("werkt 1 tot en met 365 dagen"),
        "{}",
        refused.text
    );
    assert!(refused.text.contains(r#"value="500""#));
    assert!(refused
        .text
        .contains(r#"aria-invalid="true" aria-describedby="days-error""#));
    assert!(!refused.text.contains("avgl_"));
    let made = post(
        &app,
        "/settings/tokens",
        &[&session],
        &[("csrf", &csrf), ("days", "500"), ("service", "Maandrapport")],
    )
    .await;
    assert_eq!(made.status.as_u16(), 201, "{}", made.text);
    assert!(made.text.contains("Hij werkt tot "), "{}", made.text);
    assert!(made.text.contains("het script <strong>Maandrapport</strong>"));
    let token = token_on(&made.text);
    assert_eq!(app.get_as(&token, "/api/v1/me").await.status, 200);
    let page = get(&app, "/settings", &[&session]).await;
    assert!(page.text.contains("script: Maandrapport"), "{}", page.text);
    assert!(page.text.contains("werkt tot "));
}

/// A token made on "Mijn instellingen" in this browser's session.
async fn make_token(browser: &Browser) -> String {
    let settings = browser.get("/settings").await;
    let made = browser
        .post(
            "/settings/tokens",
            &[("csrf", &csrf_in(&settings.text)), ("days", "30")],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    token_on(&made.text)
}

/// A token made in a session through the provider goes when the binding is lifted,
/// and when the provider's groups no longer give a role; until a group gives one
/// again, that user has neither a session nor a token.
#[actix_web::test]
async fn a_token_made_in_a_provider_session_goes_with_the_binding_and_with_the_group() {
    use crate::pages::{get, post, sign_in};
    let (app, provider) = app_with_provider(&[
        (
            "AVG_LOKET_OIDC_ROLE_GROUPS",
            "privacy_officer=g-fg,auditor=g-audit",
        ),
        ("AVG_LOKET_PAGE_TOKEN_SIGNIN", "true"),
    ])
    .await;
    let fleur =
        crate::helpers::create_user_directly(&app.db, "Fleur de Boer", "fleur@zorg.example", "auditor", &[]);
    provider
        .account(json!({"sub": "fleur", "email": "fleur@zorg.example", "email_verified": true, "groups": ["g-audit"]}))
        .await;

    // Signed in through the provider, she makes a token on "Mijn instellingen".
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("fleur").await.status, 200);
    let token = make_token(&browser).await;
    assert_eq!(app.get_as(&token, "/api/v1/me").await.status, 200);

    // The privacy officer lifts the binding: her sessions end and her tokens go.
    let admin = sign_in(&app, &app.admin.token).await;
    let page = get(&app, &format!("/admin/users/{}", fleur.id), &[&admin]).await;
    let unbound = post(
        &app,
        &format!("/admin/users/{}/unbind", fleur.id),
        &[&admin],
        &[("csrf", &csrf_in(&page.text))],
    )
    .await;
    assert_eq!(unbound.status.as_u16(), 303, "{}", unbound.text);
    let refused = app.get_as(&token, "/api/v1/me").await;
    refused.assert_problem(401);
    assert!(!browser.signed_in().await);
    assert_eq!(events(&app, "identity_unbound")[0]["tokens_revoked"], 2);

    // She binds again and makes another; then the groups give her no role.
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("fleur").await.status, 200);
    let token = make_token(&browser).await;
    assert_eq!(app.get_as(&token, "/api/v1/me").await.status, 200);
    provider
        .account(json!({"sub": "fleur", "email": "fleur@zorg.example", "email_verified": true, "groups": []}))
        .await;
    let elsewhere = Browser::new(&app);
    assert_eq!(elsewhere.sign_in("fleur").await.status, 403);
    assert!(!browser.signed_in().await, "her other session ended too");
    app.get_as(&token, "/api/v1/me").await.assert_problem(401);
    let withdrawn = events(&app, "role_withdrawn");
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(withdrawn[0]["tokens_revoked"], 1);
    // The operator's fresh token does not get her in either, while no group gives a role.
    let operators = crate::helpers::issue_token_directly(&app.db, &fleur.id);
    let no_role = app.get_as(&operators, "/api/v1/me").await;
    no_role.assert_problem(401);
    assert!(
        no_role.body["detail"].as_str().unwrap().contains("no role"),
        "{}",
        no_role.text
    );

    // A group gives a role again: she is in, with that role; old tokens stay revoked.
    provider
        .account(json!({"sub": "fleur", "email": "fleur@zorg.example", "email_verified": true, "groups": ["g-audit"]}))
        .await;
    let back = Browser::new(&app);
    assert_eq!(back.sign_in("fleur").await.status, 200);
    assert!(back.signed_in().await);
    assert_eq!(app.get_as(&operators, "/api/v1/me").await.status, 200);
    app.get_as(&token, "/api/v1/me").await.assert_problem(401);
}

/// With a provider, pasting a token on the sign-in page is off unless the
/// organisation turns it on: a token would skip the provider's second factor.
#[actix_web::test]
async fn with_a_provider_the_token_form_is_off_unless_turned_on() {
    let (app, _provider) = app_with_provider(&[]).await;
    let login = Browser::new(&app).get("/login").await;
    assert!(!login.text.contains("Persoonlijke sleutel"), "{}", login.text);
    let browser = Browser::new(&app);
    let page = browser.get("/login").await;
    let csrf = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#)
        .unwrap()
        .captures(&page.text)
        .map(|c| c[1].to_string())
        .unwrap_or_default();
    let pasted = browser
        .post("/login", &[("csrf", &csrf), ("token", &app.admin.token)])
        .await;
    assert_eq!(pasted.status, 403);
    assert!(!browser.signed_in().await);
}

/// Only accounts of the allowed domains sign in: the verified e-mail address's
/// domain, or Google's `hd`.
#[actix_web::test]
async fn only_accounts_of_the_allowed_domains_sign_in() {
    let (app, provider) = app_with_provider(&[("AVG_LOKET_OIDC_ALLOWED_DOMAINS", "zorg.example")]).await;
    crate::helpers::create_user_directly(&app.db, "Gert Kramer", "gert@elders.example", "auditor", &[]);
    provider
        .account(json!({"sub": "gert", "email": "gert@elders.example", "email_verified": true}))
        .await;
    let refused = Browser::new(&app).sign_in("gert").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.text.contains("domein"), "{}", refused.text);
    let last = events(&app, "sign_in_refused");
    assert_eq!(last.last().unwrap()["reason"], "domain_not_allowed");
    assert!(events(&app, "identity_bound").is_empty(), "nothing bound");
    // The hosted domain decides when the provider names one.
    provider
        .account(json!({"sub": "gert", "email": "gert@elders.example", "email_verified": true, "hd": "zorg.example"}))
        .await;
    let hosted = Browser::new(&app).sign_in("gert").await;
    assert_eq!(
        hosted.status,
        200,
        "{} {:?}",
        hosted.text,
        events(&app, "sign_in_refused")
    );
}

/// Keycloak matches a group by its leaf name unless the full path is asked for: the
/// mapping must name full paths.
#[test]
fn keycloak_group_mappings_name_full_paths() {
    use avg_loket::configuration::Settings;
    let settings = |groups: &'static str| {
        Settings::from_lookup(move |name| match name {
            "AVG_LOKET_OIDC_ISSUER" => Some("https://sso.zorg.example/realms/zorg".into()),
            "AVG_LOKET_OIDC_CLIENT_ID" => Some("avg-loket".into()),
            "AVG_LOKET_OIDC_CLIENT_SECRET" => Some("geheim".into()),
            "AVG_LOKET_OIDC_ROLE_GROUPS" => Some(groups.into()),
            _ => None,
        })
    };
    let error = settings("privacy_officer=fg").unwrap_err().to_string();
    assert!(error.contains("AVG_LOKET_OIDC_ROLE_GROUPS"), "{error}");
    assert!(error.contains("Full group path"), "{error}");
    let fine = settings("privacy_officer=/zorg/fg").unwrap();
    assert!(!fine.sign_in.page_token, "off by default with a provider");
    let domains = Settings::from_lookup(|name| match name {
        "AVG_LOKET_OIDC_ISSUER" => Some("https://accounts.google.com".into()),
        "AVG_LOKET_OIDC_CLIENT_ID" => Some("avg-loket".into()),
        "AVG_LOKET_OIDC_CLIENT_SECRET" => Some("geheim".into()),
        "AVG_LOKET_OIDC_ALLOWED_DOMAINS" => Some("zorg.example, not a domain".into()),
        _ => None,
    })
    .unwrap_err()
    .to_string();
    assert!(domains.contains("AVG_LOKET_OIDC_ALLOWED_DOMAINS"), "{domains}");
}

/// Signing out works after the session went idle — here and at the provider, with
/// the ID token named — and signing in again in the same browser ends the session it
/// had.
#[actix_web::test]
async fn sign_out_after_the_idle_timeout_reaches_the_provider_and_a_new_sign_in_ends_the_old_session() {
    use crate::sign_in::sessions;
    let (app, provider) = app_with_provider(&[]).await;
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("fg").await.status, 200);
    assert_eq!(sessions(&app), 1);
    // Again in the same browser (the provider remembers her: no form this time): still
    // one session, the new one.
    let again = browser.get("/login/oidc").await;
    assert_eq!(again.status, 303, "{}", again.text);
    assert_eq!(browser.get(&again.location.unwrap()).await.status, 200);
    assert!(browser.signed_in().await);
    assert_eq!(sessions(&app), 1, "the earlier session of this browser ended");

    let home = browser.get("/").await;
    let csrf = csrf_in(&home.text);
    // The session rests longer than the idle timeout allows.
    {
        use avg_loket::storage::schema::web_sessions;
        use diesel::{ExpressionMethods, RunQueryDsl};
        let mut conn = app.db.get().unwrap();
        let long_ago = (avg_loket::clock::now() - chrono::Duration::hours(2)).naive_utc();
        diesel::update(web_sessions::table)
            .set(web_sessions::last_seen_at.eq(Some(long_ago)))
            .execute(&mut *conn)
            .unwrap();
    }
    assert!(!browser.signed_in().await, "idle: the pages need a new sign-in");
    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 200, "{}", out.text);
    assert!(
        out.text
            .contains(&format!("{}/session/end?id_token_hint=", provider.issuer)),
        "{}",
        out.text
    );
    assert_eq!(sessions(&app), 0);
    assert_eq!(events(&app, "signed_out").len(), 1);
}
