//! The web pages: server-rendered HTML in Dutch for the front desk, caseworkers and the
//! privacy officer. Every page works without JavaScript; forms carry the session's
//! CSRF token; the permission rules are those of the API (`domain::access`), applied
//! by the same service functions.
//!
//! A sibling of `http/`: both sit on `service/`, neither imports the other. A handler
//! takes the signed-in user ([`SignedIn`]) or a CSRF-checked form ([`CheckedForm`]),
//! calls one service function and renders its typed result; every refusal is a
//! [`PageError`], turned into its page in one place.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

mod admin;
pub mod dates;
mod error;
mod export;
pub mod labels;
mod letters;
mod lists;
mod oversight;
mod request_page;
mod requests;
mod session;
mod systems;
mod tasks;
pub use session::remember_where_forms_led;

pub use error::PageError;
pub use session::{CheckedForm, SignedIn};

use crate::domain::access::ListScope;
use crate::domain::vocabulary::in_sentence;
use crate::service::sessions::WebUser;

/// What a page handler is given to reach the service: the state both adapters share.
pub type State = actix_web::web::Data<crate::web::state::AppState>;

/// What a page handler answers: a page, or the page of what went wrong.
pub type Answer = Result<actix_web::HttpResponse, error::PageError>;

/// What a page says over a form that was kept while its sender signed in again.
pub(crate) const KEPT: &str = "Wat u had ingevuld staat weer klaar. Het is nog niet opgeslagen: controleer het en verstuur het opnieuw.";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/requests", web::get().to(lists::list))
        .route("/dashboard", web::get().to(oversight::dashboard))
        .route("/reports/annual", web::get().to(oversight::annual))
        .route("/reports/annual.csv", web::get().to(oversight::annual_csv))
        .route("/requests/export", web::get().to(export::requests))
        .route("/requests/new", web::get().to(requests::new_form))
        .route("/requests/new", web::post().to(requests::register))
        .route("/requests/{id}/bevestiging", web::get().to(requests::registered))
        .route("/requests/{id}", web::get().to(request_page::show))
        .route(
            "/requests/{id}/actions/{action}",
            web::post().to(request_page::act),
        )
        .route("/requests/{id}/letters", web::post().to(letters::create))
        .route("/letters/{id}", web::get().to(letters::show))
        .route("/letters/{id}", web::post().to(letters::save))
        .route("/letters/{id}/pdf", web::get().to(letters::pdf))
        .route("/letters/{id}/send", web::post().to(letters::send))
        .route("/letters/{id}/definitief", web::post().to(letters::finalise))
        .route("/letters/{id}/discard", web::post().to(letters::discard))
        .route("/tasks", web::get().to(tasks::mine))
        .route("/tasks/{id}", web::post().to(tasks::act))
        .route("/admin/systems", web::get().to(systems::list))
        .route("/admin/systems", web::post().to(systems::add))
        .route("/admin/systems/{code}", web::get().to(systems::show))
        .route("/admin/systems/{code}", web::post().to(systems::change))
        .route(
            "/admin/systems/{code}/secret",
            web::post().to(systems::rotate_secret),
        )
        .route("/login", web::get().to(session::login_form))
        .route("/login", web::post().to(session::login))
        .route("/logout", web::post().to(session::logout))
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::add_user))
        .route("/admin/users/{id}", web::get().to(admin::user))
        .route("/admin/users/{id}", web::post().to(admin::change_user))
        .route("/admin/users/{id}/deactivate", web::post().to(admin::deactivate))
        .route("/admin/users/{id}/reactivate", web::post().to(admin::reactivate))
        .route("/admin/users/{id}/unbind", web::post().to(admin::unbind))
        .route(
            "/admin/users/{id}/tokens/{token}/revoke",
            web::post().to(admin::revoke_token),
        )
        .route("/admin/teams", web::get().to(admin::teams))
        .route("/admin/teams", web::post().to(admin::add_team))
        .route("/admin/teams/{code}", web::get().to(admin::team))
        .route("/admin/teams/{code}", web::post().to(admin::rename_team))
        .route("/admin/teams/{code}/managers", web::post().to(admin::add_manager))
        .route(
            "/admin/teams/{code}/managers/remove",
            web::post().to(admin::remove_manager),
        )
        .route("/settings", web::get().to(admin::settings))
        .route("/settings/reminders", web::post().to(admin::set_reminders))
        .route("/settings/tokens", web::post().to(admin::issue_own_token))
        .route(
            "/settings/tokens/{id}/revoke",
            web::post().to(admin::revoke_own_token),
        )
        .route("/login/oidc", web::get().to(session::oidc_begin))
        .route("/login/oidc/callback", web::get().to(session::oidc_callback))
        .route("/assets/app.css", web::get().to(stylesheet))
        .route("/assets/favicon.svg", web::get().to(icon))
        .route("/favicon.ico", web::get().to(icon));
}

/// A rendered page; a template that fails is logged and answered with a short text.
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

/// A form field as typed, `None` when it is empty.
fn filled(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
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

#[derive(Template)]
#[template(path = "pages/home.html")]
struct Home<'a> {
    user: &'a WebUser,
    role: String,
    teams: String,
    may_register: bool,
    lookup_only: bool,
    sees_dashboard: bool,
    sees_report: bool,
    administers: bool,
}

/// The navigation bar of every page a signed-in user sees: the places their role may
/// go, as (address, words).
pub fn navigation(user: &WebUser) -> Vec<(&'static str, &'static str)> {
    let caller = &user.caller;
    let mut places = vec![(
        "/requests",
        if caller.list_scope() == ListScope::ByReferenceOnly {
            "Opzoeken"
        } else {
            "Verzoeken"
        },
    )];
    if caller.may_register_somewhere().is_ok() {
        places.push(("/requests/new", "Nieuw verzoek"));
    }
    if caller.dashboard_scope().is_ok() {
        places.push(("/dashboard", "Overzicht"));
    }
    if caller.may_read_reports().is_ok() {
        places.push(("/reports/annual", "Jaarverslag"));
    }
    if caller.role != crate::domain::access::Role::Auditor {
        places.push(("/tasks", "Mijn taken"));
    }
    if caller.may_administer().is_ok() {
        places.push(("/admin/users", "Gebruikers"));
        places.push(("/admin/teams", "Teams"));
        places.push(("/admin/systems", "Systemen"));
    }
    places
}

async fn home(user: SignedIn) -> HttpResponse {
    let user = user.0;
    let caller = &user.caller;
    let teams: Vec<&str> = caller.teams.iter().map(|t| t.as_str()).collect();
    page(
        StatusCode::OK,
        &Home {
            user: &user,
            role: in_sentence(caller.role.label_nl()),
            teams: teams.join(", "),
            may_register: caller.may_register_somewhere().is_ok(),
            lookup_only: caller.list_scope() == ListScope::ByReferenceOnly,
            sees_dashboard: caller.dashboard_scope().is_ok(),
            sees_report: caller.may_read_reports().is_ok(),
            administers: caller.may_administer().is_ok(),
        },
    )
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../assets/app.css"))
}

/// The tab icon, also at `/favicon.ico`, where browsers and tools ask for it unasked
/// (an SVG, which every current browser shows).
async fn icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(include_str!("../../assets/favicon.svg"))
}
