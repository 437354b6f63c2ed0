//! Signing in with the organisation's account, against a real OpenID Connect provider
//! (the npm package `oidc-provider`, `tests/oidc-provider/provider.mjs`) on 127.0.0.1.
//! A browser is played by an HTTP client with a cookie jar that follows redirects,
//! through the provider's own login form; nothing of the protocol is mocked. Faults in
//! the ID token come from the provider side (its test control re-signs or alters the
//! token it hands out), so avg-loket's checks meet them as they would in real life.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use serde_json::{json, Value};

use crate::helpers::{repository_file, spawn_app_with, TestApp};

/// `npm ci` in `tests/oidc-provider` once per test run, when its packages are missing.
fn install_provider() -> std::path::PathBuf {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider");
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if !*installed && !dir.join("node_modules/oidc-provider").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (Node.js 20 or later is a prerequisite of the tests)");
        assert!(status.success(), "npm ci in tests/oidc-provider failed");
    }
    *installed = true;
    dir
}

/// The provider process; stopped when the test ends.
pub struct Provider {
    child: Child,
    pub issuer: String,
    http: reqwest::Client,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    /// Starts the provider for an avg-loket listening on `app_port`.
    pub fn start(app_port: u16) -> Provider {
        let dir = install_provider();
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .args([
                "--redirect-uri",
                &format!("http://127.0.0.1:{app_port}/login/oidc/callback"),
            ])
            .args([
                "--post-logout-redirect-uri",
                &format!("http://127.0.0.1:{app_port}/login"),
            ])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts the provider");
        let mut first = String::new();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        output
            .read_line(&mut first)
            .expect("the provider says where it listens");
        // Keep reading what it prints: a closed pipe would stop it at its next line.
        std::thread::spawn(move || std::io::copy(&mut output, &mut std::io::sink()));
        let issuer = first
            .trim()
            .strip_prefix("issuer ")
            .unwrap_or_else(|| panic!("unexpected first line from the provider: {first:?}"))
            .to_string();
        Provider {
            child,
            issuer,
            http: reqwest::Client::new(),
        }
    }

    /// From now on the provider hands out ID tokens with this fault (`none` to stop).
    pub async fn fault(&self, fault: &str) {
        let response = self
            .http
            .post(format!("{}/_test/fault", self.issuer))
            .json(&json!({"fault": fault}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }

    /// The claims of one account (by default `SUB@zorg.example`, verified, no groups).
    pub async fn account(&self, claims: Value) {
        let response = self
            .http
            .post(format!("{}/_test/account", self.issuer))
            .json(&claims)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }
}

/// A port nobody listens on now (for the service, so the provider knows its redirect
/// URI).
pub use crate::smtp_sink::free_port;

/// The service with a provider, signing in through it.
pub async fn app_with_provider(extra: &[(&str, &str)]) -> (TestApp, Provider) {
    let port = free_port();
    let provider = Provider::start(port);
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://127.0.0.1:{port}");
    let mut settings: Vec<(&str, &str)> = vec![
        ("AVG_LOKET_LISTEN", &listen),
        ("AVG_LOKET_BASE_URL", &base),
        ("AVG_LOKET_OIDC_ISSUER", &provider.issuer),
        ("AVG_LOKET_OIDC_CLIENT_ID", "avg-loket"),
        ("AVG_LOKET_OIDC_CLIENT_SECRET", "avg-loket-test-secret"),
        ("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "1000"),
    ];
    settings.extend_from_slice(extra);
    let app = spawn_app_with(&settings).await;
    (app, provider)
}

/// A browser: cookies kept, redirects followed — up to the way back to avg-loket, so
/// that a test can look at (or tamper with) what the provider sends back.
pub struct Browser {
    client: reqwest::Client,
    app: String,
}

pub struct Page {
    pub status: u16,
    pub url: String,
    pub location: Option<String>,
    pub text: String,
}

async fn page_of(response: reqwest::Response) -> Page {
    Page {
        status: response.status().as_u16(),
        url: response.url().to_string(),
        location: response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        text: response.text().await.unwrap(),
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.url().path() == "/login/oidc/callback" || attempt.url().path() == "/session/end" {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .unwrap();
        Browser {
            client,
            app: app.address.clone(),
        }
    }

    pub async fn get(&self, url: &str) -> Page {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{url}", self.app)
        };
        page_of(self.client.get(url).send().await.unwrap()).await
    }

    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Page {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{url}", self.app)
        };
        page_of(self.client.post(url).form(form).send().await.unwrap()).await
    }

    /// Starts at avg-loket's sign-in, fills in the provider's login form, and returns
    /// the address the provider sends the browser back to (not yet visited).
    pub async fn through_provider(&self, login: &str, second_factor: bool) -> String {
        self.through_provider_from("/login/oidc", login, second_factor)
            .await
    }

    /// As [`Browser::through_provider`], starting at `start` (the sign-in link).
    pub async fn through_provider_from(&self, start: &str, login: &str, second_factor: bool) -> String {
        let form = self.get(start).await;
        assert_eq!(form.status, 200, "the provider's login form: {}", form.text);
        assert!(form.text.contains("Gebruikersnaam"), "{}", form.text);
        let mut fields = vec![("login", login), ("password", "elk-wachtwoord-is-goed")];
        if second_factor {
            fields.push(("mfa", "on"));
        }
        let back = self.post(&form.url, &fields).await;
        assert_eq!(back.status, 303, "{}", back.text);
        let location = back.location.expect("back to avg-loket");
        assert!(
            location.starts_with(&format!("{}/login/oidc/callback?", self.app)),
            "{location}"
        );
        location
    }

    /// Signs in all the way.
    pub async fn sign_in(&self, login: &str) -> Page {
        let back = self.through_provider(login, false).await;
        self.get(&back).await
    }

    /// Is this browser signed in to avg-loket?
    pub async fn signed_in(&self) -> bool {
        let home = self.get("/").await;
        !home.url.ends_with("/login") && home.status == 200
    }
}

/// The `data` of every audit event with this action, oldest first.
pub fn events(app: &TestApp, action: &str) -> Vec<Value> {
    use avg_loket::storage::schema::audit_events;
    let mut conn = app.db.get().unwrap();
    audit_events::table
        .filter(audit_events::action.eq(action))
        .order(audit_events::seq.asc())
        .select(audit_events::data)
        .load::<String>(&mut *conn)
        .unwrap()
        .iter()
        .map(|data| serde_json::from_str(data).unwrap())
        .collect()
}

fn reasons(app: &TestApp) -> Vec<String> {
    events(app, "sign_in_refused")
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect()
}

pub fn sessions(app: &TestApp) -> i64 {
    use avg_loket::storage::schema::web_sessions;
    let mut conn = app.db.get().unwrap();
    web_sessions::table.count().get_result(&mut *conn).unwrap()
}

/// One query parameter of a URL replaced.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            (
                k.to_string(),
                if k == name {
                    value.to_string()
                } else {
                    v.to_string()
                },
            )
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// The link of a reminder mail, opened while signed out, leads through the
/// organisation's sign-in back to the request it names.
#[actix_web::test]
async fn a_link_opened_while_signed_out_lands_on_its_page_after_the_organisation_sign_in() {
    let (app, _provider) = app_with_provider(&[]).await;
    app.create_team("AMW").await;
    crate::helpers::create_user_directly(
        &app.db,
        "Anne de Vries",
        "anne@zorg.example",
        "caseworker",
        &["AMW"],
    );
    let id = app
        .register(&crate::helpers::registration("access", "2026-11-02"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let browser = Browser::new(&app);
    let login = browser.get(&format!("/requests/{id}")).await;
    assert!(
        login.url.ends_with(&format!("/login?naar=%2Frequests%2F{id}")),
        "{}",
        login.url
    );
    let link = format!("/login/oidc?naar=%2Frequests%2F{id}");
    assert!(login.text.contains(&link), "{}", login.text);
    let back = browser.through_provider_from(&link, "anne", false).await;
    let landed = browser.get(&back).await;
    assert_eq!(landed.status, 200, "{}", landed.text);
    assert!(
        landed.text.contains(&format!("content=\"0;url=/requests/{id}\"")),
        "on to the request: {}",
        landed.text
    );
    let page = browser.get(&format!("/requests/{id}")).await;
    assert!(page.text.contains("AVG-2026-00001"), "{}", page.text);
}

#[actix_web::test]
async fn a_colleague_signs_in_with_the_organisation_account_and_the_binding_decides_afterwards() {
    let (app, provider) = app_with_provider(&[("AVG_LOKET_PAGE_TOKEN_SIGNIN", "true")]).await;
    app.create_team("AMW").await;
    let anne = crate::helpers::create_user_directly(
        &app.db,
        "Anne de Vries",
        "anne@zorg.example",
        "caseworker",
        &["AMW"],
    );

    let browser = Browser::new(&app);
    assert!(!browser.signed_in().await);
    let login = browser.get("/login").await;
    assert!(
        login.text.contains("Inloggen met uw organisatie-account"),
        "{}",
        login.text
    );
    assert!(
        login.text.contains("Persoonlijke sleutel"),
        "turned on beside the provider (AVG_LOKET_PAGE_TOKEN_SIGNIN=true)"
    );

    let landed = browser.sign_in("anne").await;
    assert_eq!(landed.status, 200, "{}", landed.text);
    assert!(landed.text.contains("U bent ingelogd"));
    assert!(browser.signed_in().await);
    assert!(browser.get("/").await.text.contains("Anne de Vries"));

    let bound = events(&app, "identity_bound");
    assert_eq!(bound.len(), 1);
    assert_eq!(bound[0]["user_id"], anne.id.as_str());
    assert_eq!(bound[0]["provider"], provider.issuer.as_str());
    let signed = events(&app, "signed_in");
    assert_eq!(signed.last().unwrap()["method"], "oidc");
    assert_eq!(signed.last().unwrap()["user_id"], anne.id.as_str());
    let all: Vec<String> = {
        use avg_loket::storage::schema::audit_events;
        let mut conn = app.db.get().unwrap();
        audit_events::table
            .select(audit_events::data)
            .load(&mut *conn)
            .unwrap()
    };
    assert!(
        !all.iter().any(|e| e.contains("anne@")),
        "no e-mail address in the audit trail"
    );

    // The provider's e-mail changes: the binding, not the address, decides.
    provider
        .account(json!({"sub": "anne", "email": "a.devries@elders.example", "email_verified": true}))
        .await;
    let again = Browser::new(&app);
    assert_eq!(again.sign_in("anne").await.status, 200);
    assert!(again.get("/").await.text.contains("Anne de Vries"));

    // Another account claiming Anne's address does not get her user.
    provider
        .account(json!({"sub": "mallory", "email": "anne@zorg.example", "email_verified": true}))
        .await;
    let other = Browser::new(&app);
    let refused = other.sign_in("mallory").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused
        .text
        .contains("al gekoppeld aan een ander organisatie-account"));
    assert!(!other.signed_in().await);
    assert_eq!(reasons(&app), vec!["bound_elsewhere"]);
    assert_eq!(events(&app, "sign_in_refused")[0]["user_id"], anne.id.as_str());

    // The privacy officer lifts the binding (Anne has a new account): the next
    // sign-in with her verified address binds anew, and the old account's sessions end.
    let officer = crate::pages::sign_in(&app, &app.admin.token).await;
    let page = crate::pages::get(&app, &format!("/admin/users/{}", anne.id), &[&officer]).await;
    crate::pages::shows(&page, "Koppeling opheffen");
    let unbound = crate::pages::post(
        &app,
        &format!("/admin/users/{}/unbind", anne.id),
        &[&officer],
        &[("csrf", &crate::pages::csrf_of(&page))],
    )
    .await;
    assert_eq!(
        unbound.status,
        actix_web::http::StatusCode::SEE_OTHER,
        "{}",
        unbound.text
    );
    assert!(!again.signed_in().await, "the old account's session ended");
    let lifted = events(&app, "identity_unbound");
    assert_eq!(lifted.len(), 1);
    assert_eq!(lifted[0]["user_id"], anne.id.as_str());
    assert_eq!(lifted[0]["sessions_ended"], 2);
    let rebound = Browser::new(&app);
    assert_eq!(rebound.sign_in("mallory").await.status, 200);
    assert!(rebound.get("/").await.text.contains("Anne de Vries"));
    assert_eq!(events(&app, "identity_bound").len(), 2);
    let page = crate::pages::get(&app, &format!("/admin/users/{}", anne.id), &[&officer]).await;
    crate::pages::shows(&page, "gekoppeld");

    // The user's page shows the last sign-in (administration).
    let shown = app.get(&format!("/api/v1/users/{}", anne.id)).await;
    assert_eq!(shown.status, 200);
    let audit = std::process::Command::new(env!("CARGO_BIN_EXE_avg-loket"))
        .args(["audit", "verify"])
        .env("AVG_LOKET_DATABASE_URL", app.database.url())
        .output()
        .unwrap();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
}

#[actix_web::test]
async fn tampered_id_tokens_are_refused_with_no_session_and_an_audit_event_each() {
    let (app, provider) = app_with_provider(&[]).await;
    crate::helpers::create_user_directly(&app.db, "Bram Jansen", "bram@zorg.example", "auditor", &[]);
    let faults = [
        "expired",
        "wrong_issuer",
        "wrong_audience",
        "wrong_nonce",
        "bad_signature",
    ];
    for fault in faults {
        provider.fault(fault).await;
        let browser = Browser::new(&app);
        let answer = browser.sign_in("bram").await;
        assert_eq!(answer.status, 400, "{fault}: {}", answer.text);
        assert!(answer.text.contains("Inloggen niet gelukt"), "{fault}");
        assert!(!browser.signed_in().await, "{fault}: no session");
    }
    assert_eq!(sessions(&app), 0);
    assert_eq!(reasons(&app), faults.to_vec());
    assert!(
        events(&app, "identity_bound").is_empty(),
        "nobody was bound on a bad token"
    );

    provider.fault("none").await;
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("bram").await.status, 200);
    assert!(
        browser.signed_in().await,
        "the same account gets in with a good token"
    );
}

#[actix_web::test]
async fn a_wrong_state_a_replayed_answer_and_a_forged_code_are_refused() {
    let (app, _provider) = app_with_provider(&[]).await;
    crate::helpers::create_user_directly(&app.db, "Carla Smit", "carla@zorg.example", "auditor", &[]);

    // Wrong state: the answer does not belong to this browser's attempt.
    let browser = Browser::new(&app);
    let back = browser.through_provider("carla", false).await;
    let forged = browser
        .get(&with_param(&back, "state", "chosen-by-someone-else"))
        .await;
    assert_eq!(forged.status, 400);
    // The attempt is spent: the true answer after it is refused too.
    assert_eq!(browser.get(&back).await.status, 400);
    assert!(!browser.signed_in().await);

    // A code the provider never issued: the provider refuses it.
    let browser = Browser::new(&app);
    let back = browser.through_provider("carla", false).await;
    assert_eq!(
        browser
            .get(&with_param(&back, "code", "forged-code"))
            .await
            .status,
        400
    );
    assert!(!browser.signed_in().await);

    // Replayed: the answer works once; a second time, in this browser or another, not.
    let browser = Browser::new(&app);
    let back = browser.through_provider("carla", false).await;
    assert_eq!(browser.get(&back).await.status, 200);
    assert_eq!(sessions(&app), 1);
    assert_eq!(browser.get(&back).await.status, 400);
    let thief = Browser::new(&app);
    assert_eq!(thief.get(&back).await.status, 400);
    assert!(!thief.signed_in().await);
    assert_eq!(sessions(&app), 1, "no session came from a replay");

    assert_eq!(
        reasons(&app),
        vec![
            "wrong_state",
            "no_attempt",
            "code_refused",
            "no_attempt",
            "no_attempt"
        ]
    );
}

#[actix_web::test]
async fn unknown_deactivated_and_unverified_users_are_refused_with_a_dutch_page() {
    let (app, provider) = app_with_provider(&[]).await;
    let dirk =
        crate::helpers::create_user_directly(&app.db, "Dirk Bakker", "dirk@zorg.example", "auditor", &[]);
    crate::helpers::create_user_directly(&app.db, "Eva Mulder", "eva@zorg.example", "auditor", &[]);

    let browser = Browser::new(&app);
    let unknown = browser.sign_in("nobody").await;
    assert_eq!(unknown.status, 403);
    assert!(
        unknown.text.contains("kent u niet als gebruiker"),
        "{}",
        unknown.text
    );
    assert!(!browser.signed_in().await);

    let deactivated = app
        .post_json(&format!("/api/v1/users/{}/deactivate", dirk.id), &json!({}))
        .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    let browser = Browser::new(&app);
    let refused = browser.sign_in("dirk").await;
    assert_eq!(refused.status, 403);
    assert!(refused.text.contains("gedeactiveerd"));
    assert!(!browser.signed_in().await);

    provider
        .account(json!({"sub": "eva", "email": "eva@zorg.example", "email_verified": false}))
        .await;
    let browser = Browser::new(&app);
    let unverified = browser.sign_in("eva").await;
    assert_eq!(unverified.status, 403);
    assert!(unverified.text.contains("niet als bevestigd"));
    assert!(!browser.signed_in().await);

    assert_eq!(sessions(&app), 0);
    assert_eq!(
        reasons(&app),
        vec!["unknown_user", "deactivated", "unverified_email"]
    );
    let refused = events(&app, "sign_in_refused");
    assert!(refused[0]["user_id"].is_null());
    assert_eq!(refused[1]["user_id"], dirk.id.as_str());
}

#[actix_web::test]
async fn a_second_factor_is_required_when_the_organisation_asks_for_it() {
    let (app, _provider) = app_with_provider(&[("AVG_LOKET_OIDC_REQUIRE_MFA", "true")]).await;
    crate::helpers::create_user_directly(&app.db, "Fleur de Boer", "fleur@zorg.example", "auditor", &[]);

    let browser = Browser::new(&app);
    let back = browser.through_provider("fleur", false).await;
    let refused = browser.get(&back).await;
    assert_eq!(refused.status, 403, "{:?}", reasons(&app));
    assert!(refused.text.contains("tweede stap"));
    assert!(!browser.signed_in().await);
    assert_eq!(reasons(&app), vec!["no_second_factor"]);

    let browser = Browser::new(&app);
    let back = browser.through_provider("fleur", true).await;
    assert_eq!(browser.get(&back).await.status, 200);
    assert!(browser.signed_in().await);
}

#[actix_web::test]
async fn roles_and_teams_follow_the_provider_groups_at_each_sign_in() {
    let (app, provider) = app_with_provider(&[
        (
            "AVG_LOKET_OIDC_ROLE_GROUPS",
            "privacy_officer=g-fg,manager=g-managers,caseworker=g-behandelaars",
        ),
        ("AVG_LOKET_OIDC_TEAM_GROUPS", "AMW=g-amw,JGZ=g-jgz"),
    ])
    .await;
    app.create_team("AMW").await;
    app.create_team("JGZ").await;
    let gijs = crate::helpers::create_user_directly(
        &app.db,
        "Gijs Visser",
        "gijs@zorg.example",
        "caseworker",
        &["AMW"],
    );

    provider
        .account(
            json!({"sub": "gijs", "email": "gijs@zorg.example", "email_verified": true,
                        "groups": ["g-managers", "g-behandelaars", "g-jgz"]}),
        )
        .await;
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("gijs").await.status, 200);
    let shown = app.get(&format!("/api/v1/users/{}", gijs.id)).await;
    assert_eq!(shown.body["role"], "manager", "{}", shown.text);
    assert_eq!(shown.body["teams"], json!(["JGZ"]));
    let changed = events(&app, "user_changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["role"], "manager");

    // Out of every group that gives access: refused; the stored role waits for a group.
    provider
        .account(json!({"sub": "gijs", "email": "gijs@zorg.example", "email_verified": true, "groups": ["g-other"]}))
        .await;
    let browser = Browser::new(&app);
    let refused = browser.sign_in("gijs").await;
    assert_eq!(refused.status, 403);
    assert!(refused.text.contains("niet in de groepen"));
    assert!(!browser.signed_in().await);
    assert_eq!(reasons(&app), vec!["no_role"]);

    // A worker role without a team group: refused as well.
    provider
        .account(json!({"sub": "gijs", "email": "gijs@zorg.example", "email_verified": true, "groups": ["g-behandelaars"]}))
        .await;
    assert_eq!(Browser::new(&app).sign_in("gijs").await.status, 403);
    assert_eq!(reasons(&app), vec!["no_role", "no_team"]);
}

#[actix_web::test]
async fn the_last_privacy_officer_keeps_the_role_whatever_the_groups_say() {
    let (app, provider) = app_with_provider(&[(
        "AVG_LOKET_OIDC_ROLE_GROUPS",
        "privacy_officer=g-fg,auditor=g-audit",
    )])
    .await;
    provider
        .account(
            json!({"sub": "fg", "email": "fg@zorg.example", "email_verified": true, "groups": ["g-audit"]}),
        )
        .await;
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("fg").await.status, 200);
    let me = app.get(&format!("/api/v1/users/{}", app.admin.id)).await;
    assert_eq!(
        me.body["role"], "privacy_officer",
        "someone must be able to administer"
    );
    assert!(events(&app, "user_changed").is_empty());
}

#[actix_web::test]
async fn signing_out_ends_the_session_here_and_at_the_provider() {
    let (app, provider) = app_with_provider(&[("AVG_LOKET_PAGE_TOKEN_SIGNIN", "true")]).await;
    let browser = Browser::new(&app);
    assert_eq!(browser.sign_in("fg").await.status, 200);
    let home = browser.get("/").await;
    let csrf = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#)
        .unwrap()
        .captures(&home.text)
        .expect("a form with the session's CSRF token")[1]
        .to_string();
    // A page of our own leads on to the provider (a redirect after the form would
    // cross the page's `form-action 'self'`).
    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 200, "{}", out.text);
    let location = regex::Regex::new(r#"content="0;url=([^"]+)""#)
        .unwrap()
        .captures(&out.text)
        .expect("the page leads on to the provider")[1]
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(
        location.starts_with(&format!("{}/session/end?", provider.issuer)),
        "{location}"
    );
    assert!(
        location.contains("id_token_hint=ey"),
        "the session is named: {location}"
    );
    assert!(location.contains("client_id=avg-loket"));
    assert!(location.contains(&format!(
        "post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A{}%2Flogin",
        app.address.rsplit(':').next().unwrap()
    )));
    assert!(!browser.signed_in().await);
    assert_eq!(sessions(&app), 0);
    // The provider asks to confirm, then sends the browser back to /login.
    let prompt = browser.get(&location).await;
    assert_eq!(prompt.status, 200, "{}", prompt.text);
    let xsrf = regex::Regex::new(r#"name="xsrf" value="([^"]+)""#)
        .unwrap()
        .captures(&prompt.text)
        .expect("the provider's confirmation form")[1]
        .to_string();
    let back = browser
        .post(
            &format!("{}/session/end/confirm", provider.issuer),
            &[("xsrf", &xsrf), ("logout", "yes")],
        )
        .await;
    assert!(back.url.ends_with("/login"), "back at avg-loket: {}", back.url);
    assert_eq!(back.status, 200);

    // A session begun with a token signs out here only.
    let token_browser = Browser::new(&app);
    let login = token_browser.get("/login").await;
    let csrf = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#)
        .unwrap()
        .captures(&login.text)
        .unwrap()[1]
        .to_string();
    let signed = token_browser
        .post("/login", &[("csrf", &csrf), ("token", &app.admin.token)])
        .await;
    assert_eq!(signed.status, 200, "followed to the home page");
    assert!(token_browser.signed_in().await);
    let home = token_browser.get("/").await;
    let csrf = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#)
        .unwrap()
        .captures(&home.text)
        .unwrap()[1]
        .to_string();
    let out = token_browser.post("/logout", &[("csrf", &csrf)]).await;
    assert!(out.url.ends_with("/login"), "{}", out.url);
    let methods = |action: &str| {
        events(&app, action)
            .iter()
            .map(|e| e["method"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(methods("signed_in"), vec!["oidc", "token"]);
    assert_eq!(
        methods("signed_out"),
        vec!["oidc", "token"],
        "sign-out is audited"
    );
}

#[actix_web::test]
async fn a_provider_out_of_reach_at_start_up_does_not_stop_the_service() {
    let closed = free_port();
    let issuer = format!("http://127.0.0.1:{closed}");
    let app = spawn_app_with(&[
        ("AVG_LOKET_OIDC_ISSUER", &issuer),
        ("AVG_LOKET_OIDC_CLIENT_ID", "avg-loket"),
        ("AVG_LOKET_OIDC_CLIENT_SECRET", "geheim"),
        ("AVG_LOKET_PAGE_TOKEN_SIGNIN", "true"),
    ])
    .await;
    // The API works.
    assert_eq!(app.get("/api/v1/teams").await.status, 200);
    let browser = Browser::new(&app);
    let first = browser.get("/login/oidc").await;
    assert_eq!(first.status, 503, "{}", first.text);
    assert!(first.text.contains("niet bereikbaar"));
    let login = browser.get("/login").await;
    assert_eq!(login.status, 200);
    assert!(
        login.text.contains("nu niet bereikbaar"),
        "the sign-in page says why: {}",
        login.text
    );
    assert!(
        login.text.contains("Persoonlijke sleutel"),
        "token sign-in keeps working"
    );
    assert_eq!(reasons(&app), vec!["provider_unreachable"]);
}

#[test]
fn the_provider_harness_is_pinned_and_documented() {
    let manifest = repository_file("tests/oidc-provider/package.json");
    assert!(manifest.contains("\"oidc-provider\": \"9.13."), "{manifest}");
    assert!(repository_file("tests/oidc-provider/package-lock.json").contains("oidc-provider"));
    assert!(repository_file("docs/sign-in.md").contains("AVG_LOKET_OIDC_ISSUER"));
}
