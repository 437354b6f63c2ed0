//! The JSON API under `/api/v1` (and `/healthz`, `/readyz`, `/metrics`, the OpenAPI
//! document): extract, call one service function, answer with a typed struct.
//!
//! A sibling of `pages/`: both sit on `service/`, neither imports the other.

pub mod auth;
pub mod dashboard;
pub mod health;
pub mod idempotency;
pub mod json;
pub mod letters;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod params;
pub mod problem;
pub mod reference;
pub mod reports;
pub mod requests;
pub mod systems;
pub mod tasks;
pub mod teams;
pub mod users;

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use problem::{ApiError, FieldError};

/// What a handler is given to reach the service: the state both adapters share.
pub type State = web::Data<crate::web::state::AppState>;

/// What a handler answers: a response, or a problem (`application/problem+json`).
pub type Answer = Result<actix_web::HttpResponse, ApiError>;

/// The routes of the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/api/docs", web::get().to(openapi::docs_redirect))
        .service(openapi::swagger_ui())
        // A system's automation signs its report instead of carrying a token.
        .service(web::resource("/api/v1/tasks/{id}/report").route(web::post().to(tasks::report)))
        .service(
            web::scope("/api/v1")
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PayloadConfig::new(json::MAX_BODY_BYTES))
                .wrap(actix_web::middleware::from_fn(idempotency::once))
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
                    web::resource("/requests/{id}/letters")
                        .route(web::get().to(letters::list))
                        .route(web::post().to(letters::create)),
                )
                .service(
                    web::resource("/letters/{id}")
                        .route(web::get().to(letters::get))
                        .route(web::put().to(letters::update))
                        .route(web::delete().to(letters::discard)),
                )
                .service(web::resource("/letters/{id}/pdf").route(web::get().to(letters::pdf)))
                .service(web::resource("/letters/{id}/send").route(web::post().to(letters::send)))
                .service(web::resource("/letters/{id}/finalise").route(web::post().to(letters::finalise)))
                .service(
                    web::resource("/requests/{id}/actions/{action}").route(web::post().to(requests::act)),
                )
                .service(web::resource("/requests/{id}/tasks").route(web::get().to(tasks::of_request)))
                .service(web::resource("/tasks").route(web::get().to(tasks::mine)))
                .service(web::resource("/tasks/{id}/actions/{action}").route(web::post().to(tasks::act)))
                .service(
                    web::resource("/systems")
                        .route(web::get().to(systems::list))
                        .route(web::post().to(systems::create)),
                )
                .service(
                    web::resource("/systems/{code}")
                        .route(web::get().to(systems::get))
                        .route(web::patch().to(systems::change)),
                )
                .service(
                    web::resource("/systems/{code}/secret").route(web::post().to(systems::rotate_secret)),
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
