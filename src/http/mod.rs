//! The HTTP layer: extract, call the storage or service layer, map to a DTO.

pub mod auth;
pub mod dashboard;
pub mod health;
pub mod json;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod params;
pub mod problem;
pub mod reference;
pub mod reports;
pub mod request_log;
pub mod requests;
pub mod teams;
pub mod users;

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

use crate::configuration::Settings;
use crate::service::Rules;
use crate::storage::Db;
use problem::{ApiError, FieldError};

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub rules: Rules,
    pub metrics: metrics::Metrics,
}

/// All routes of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/api/docs", web::get().to(openapi::docs_redirect))
        .service(openapi::swagger_ui())
        .service(
            web::scope("/api/v1")
                .wrap(actix_web::middleware::from_fn(auth::authenticate))
                .service(
                    web::resource("/teams")
                        .route(web::get().to(teams::list))
                        .route(web::post().to(teams::create)),
                )
                .service(web::resource("/teams/{code}").route(web::get().to(teams::get)))
                .service(
                    web::resource("/requests")
                        .route(web::get().to(requests::list))
                        .route(web::post().to(requests::register)),
                )
                .service(
                    web::resource("/requests/by-reference/{reference}")
                        .route(web::get().to(requests::by_reference)),
                )
                .service(web::resource("/requests/{id}").route(web::get().to(requests::get)))
                .service(web::resource("/requests/{id}/events").route(web::get().to(requests::events)))
                .service(
                    web::resource("/requests/{id}/actions/{action}").route(web::post().to(requests::act)),
                )
                .service(web::resource("/refusal-grounds").route(web::get().to(reference::refusal_grounds)))
                .service(
                    web::resource("/calendar/deadline").route(web::get().to(reference::deadline_calculator)),
                )
                .service(web::resource("/calendar/holidays").route(web::get().to(reference::holidays)))
                .service(
                    web::resource("/users")
                        .route(web::get().to(users::list))
                        .route(web::post().to(users::create)),
                )
                .service(web::resource("/me").route(web::get().to(users::me)))
                .service(web::resource("/users/{id}").route(web::get().to(users::get)))
                .service(web::resource("/users/{id}/deactivate").route(web::post().to(users::deactivate)))
                .service(web::resource("/users/{id}/tokens").route(web::post().to(users::issue_token)))
                .service(web::resource("/users/{id}/reminders").route(web::put().to(users::set_reminders)))
                .service(web::resource("/tokens/{id}").route(web::delete().to(users::revoke_token)))
                .service(web::resource("/notifications").route(web::get().to(notifications::list)))
                .service(web::resource("/dashboard").route(web::get().to(dashboard::dashboard)))
                .service(web::resource("/reports/annual").route(web::get().to(reports::annual_report))),
        );
}

/// Any URL that matches no route: a page for a browser outside the API, otherwise
/// problem+json.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let browser = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if browser && !req.path().starts_with("/api/") && !req.path().starts_with("/metrics") {
        return crate::pages::unknown_page();
    }
    ApiError::NotFound(format!("no resource at {}", req.path()))
        .problem()
        .response()
}

fn path_error(error: PathError, req: &HttpRequest) -> actix_web::Error {
    let _ = error;
    ApiError::NotFound(format!("no resource at {}", req.path())).into()
}

fn query_error(error: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = error.to_string();
    let message = message
        .strip_prefix("Query deserialize error: ")
        .unwrap_or(&message)
        .to_string();
    ApiError::Validation(vec![FieldError::new("query", message)]).into()
}

/// An instant as RFC 3339 UTC (`2026-11-25T14:03:07.123456Z`).
pub fn instant(utc: NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(utc, Utc).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
