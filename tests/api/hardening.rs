//! Sign-in, tokens and transport hardened (issue 30): each weakness a live probe showed,
//! shown again from outside and refused.

use serde_json::{json, Value};

use crate::helpers::{read, spawn_app_with, TestApp};
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
