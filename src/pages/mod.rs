//! The web pages: server-rendered HTML in Dutch for the front desk, caseworkers and the
//! privacy officer. Every page works without JavaScript; forms carry the session's
//! CSRF token; the permission rules are those of the API (`domain::access`).

use actix_web::body::MessageBody;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::clock;
use crate::domain::access::Role;
use crate::http::AppState;
use crate::service::admin::{random_hex, AuthError};
use crate::service::sessions::{self, same_token, WebUser, SESSION_HOURS};

const SESSION_COOKIE: &str = "avg_loket_session";
/// Double-submit cookie of the sign-in form (there is no session yet to hold its token).
const LOGIN_COOKIE: &str = "avg_loket_login";
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub mod labels;
mod lists;
mod oversight;
mod request_page;
mod requests;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/requests", web::get().to(lists::list))
        .route("/dashboard", web::get().to(oversight::dashboard))
        .route("/reports/annual", web::get().to(oversight::annual))
        .route("/reports/annual.csv", web::get().to(oversight::annual_csv))
        .route("/requests/new", web::get().to(requests::new_form))
        .route("/requests/new", web::post().to(requests::register))
        .route("/requests/{id}/bevestiging", web::get().to(requests::registered))
        .route("/requests/{id}", web::get().to(request_page::show))
        .route(
            "/requests/{id}/actions/{action}",
            web::post().to(request_page::act),
        )
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/assets/app.css", web::get().to(stylesheet));
}

/// Headers on every answer; on HTML pages (but the vendored API browser, which
/// brings its own inline styles) a Content-Security-Policy without inline script.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let api_browser = req.path().starts_with("/api/docs");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !api_browser {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(response)
}

fn page(status: StatusCode, template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(error) => {
            tracing::error!(%error, "page template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Er ging iets mis. Probeer het opnieuw.")
        }
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

#[derive(Template)]
#[template(path = "pages/message.html")]
struct Message<'a> {
    heading: &'a str,
    message: &'a str,
    link: &'a str,
    link_text: &'a str,
}

/// 403 for a form without a valid CSRF token: nothing was changed.
fn forbidden_form() -> HttpResponse {
    page(
        StatusCode::FORBIDDEN,
        &Message {
            heading: "Formulier niet geaccepteerd",
            message: "Dit formulier is verlopen of kwam niet van deze pagina. Er is niets gewijzigd.",
            link: "/",
            link_text: "Naar de startpagina",
        },
    )
}

/// 403 for a page or action the caller's role does not allow.
fn forbidden_page(message: &str) -> HttpResponse {
    page(
        StatusCode::FORBIDDEN,
        &Message {
            heading: "Geen toegang",
            message,
            link: "/",
            link_text: "Naar de startpagina",
        },
    )
}

/// 404 for a request that does not exist or lies outside the caller's sight.
fn not_found_page() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        &Message {
            heading: "Niet gevonden",
            message: "Dit verzoek bestaat niet, of u kunt het niet inzien.",
            link: "/",
            link_text: "Naar de startpagina",
        },
    )
}

/// 404 for an address that is no page at all.
pub fn unknown_page() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        &Message {
            heading: "Deze pagina bestaat niet",
            message: "Controleer het adres, of ga naar de startpagina.",
            link: "/",
            link_text: "Naar de startpagina",
        },
    )
}

fn unavailable() -> HttpResponse {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        &Message {
            heading: "Dat lukt nu niet",
            message: "De database is niet bereikbaar. Er is niets gewijzigd; probeer het over enkele minuten opnieuw.",
            link: "/",
            link_text: "Naar de startpagina",
        },
    )
}

/// `Secure` when the page was asked for over TLS (directly or behind a proxy that says so).
fn over_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn cookie<'c>(req: &HttpRequest, name: &'c str, value: String, max_age: time::Duration) -> Cookie<'c> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(over_tls(req))
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish()
}

/// The signed-in user of this request, if any.
async fn signed_in(state: &AppState, req: &HttpRequest) -> Option<WebUser> {
    let secret = req.cookie(SESSION_COOKIE)?.value().to_string();
    match sessions::user_of(&state.db, &secret, clock::now()).await {
        Ok(user) => user,
        Err(error) => {
            tracing::error!(%error, "session lookup failed");
            None
        }
    }
}

/// The role as the pages name it.
pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::FrontDesk => "baliemedewerker",
        Role::Caseworker => "behandelaar",
        Role::Manager => "teamleider",
        Role::PrivacyOfficer => "privacy officer",
        Role::Auditor => "auditor",
    }
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home<'a> {
    user: &'a WebUser,
    role: &'a str,
    teams: String,
    may_register: bool,
    lookup_only: bool,
    sees_dashboard: bool,
    sees_report: bool,
}

async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return see_other("/login");
    };
    page(
        StatusCode::OK,
        &Home {
            user: &user,
            role: role_label(user.caller.role),
            teams: user.caller.teams.join(", "),
            may_register: user.caller.may_register_somewhere().is_ok(),
            lookup_only: user.caller.list_scope() == crate::domain::access::ListScope::ByReferenceOnly,
            sees_dashboard: user.caller.list_scope() != crate::domain::access::ListScope::ByReferenceOnly,
            sees_report: user.caller.list_scope() == crate::domain::access::ListScope::All,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct Login<'a> {
    csrf: &'a str,
    hours: i64,
    error: Option<&'a str>,
}

/// The sign-in form, with a fresh double-submit token in a cookie and in the form.
fn login_page(req: &HttpRequest, status: StatusCode, error: Option<&str>) -> HttpResponse {
    let csrf = random_hex();
    let mut response = page(
        status,
        &Login {
            csrf: &csrf,
            hours: SESSION_HOURS,
            error,
        },
    );
    let _ = response.add_cookie(&cookie(req, LOGIN_COOKIE, csrf, time::Duration::hours(1)));
    response
}

async fn login_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if signed_in(&state, &req).await.is_some() {
        return see_other("/");
    }
    login_page(&req, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
}

async fn login(state: web::Data<AppState>, req: HttpRequest, form: web::Form<LoginForm>) -> HttpResponse {
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string());
    if !expected.is_some_and(|expected| same_token(&expected, &form.csrf)) {
        return forbidden_form();
    }
    if form.token.trim().is_empty() {
        return login_page(
            &req,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("vul uw persoonlijke sleutel in"),
        );
    }
    match sessions::sign_in(&state.db, &form.token, clock::now()).await {
        Ok(signed) => {
            let mut response = see_other("/");
            let _ = response.add_cookie(&cookie(
                &req,
                SESSION_COOKIE,
                signed.secret,
                time::Duration::hours(SESSION_HOURS),
            ));
            let mut spent = cookie(&req, LOGIN_COOKIE, String::new(), time::Duration::ZERO);
            spent.make_removal();
            let _ = response.add_cookie(&spent);
            response
        }
        Err(AuthError::Storage(error)) => {
            tracing::error!(%error, "sign-in failed");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                &Message {
                    heading: "Inloggen lukt nu niet",
                    message: "De database is niet bereikbaar. Probeer het over enkele minuten opnieuw.",
                    link: "/login",
                    link_text: "Opnieuw",
                },
            )
        }
        Err(_) => login_page(
            &req,
            StatusCode::UNAUTHORIZED,
            Some("deze sleutel is onbekend, ingetrokken of hoort bij een gedeactiveerde gebruiker"),
        ),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(state: web::Data<AppState>, req: HttpRequest, form: web::Form<CsrfForm>) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return forbidden_form();
    };
    if !same_token(&user.csrf_token, &form.csrf) {
        return forbidden_form();
    }
    if let Some(secret) = req.cookie(SESSION_COOKIE) {
        if let Err(error) = sessions::sign_out(&state.db, secret.value()).await {
            tracing::error!(%error, "sign-out failed");
        }
    }
    let mut response = see_other("/login");
    let mut ended = cookie(&req, SESSION_COOKIE, String::new(), time::Duration::ZERO);
    ended.make_removal();
    let _ = response.add_cookie(&ended);
    response
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../assets/app.css"))
}
