//! The web wiring: what the two adapters share and how they are put together.
//!
//! ```text
//!            web/ (this module: state, routes, headers, request log, fallback)
//!           /                          \
//!      http/ (JSON API)            pages/ (HTML)
//!           \                          /
//!            service/ (use cases, typed inputs and results)
//! ```
//!
//! `http/` and `pages/` never import each other; from here they take only
//! [`AppState`] (and pages the shared [`download`] answer). This module imports both to
//! mount their routes and to answer an address neither knows.

pub mod headers;
pub mod metrics;
pub mod request_log;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::configuration::Settings;
use crate::service::Rules;
use crate::storage::Db;

/// What every handler of either adapter can reach.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub rules: Rules,
    pub metrics: metrics::Metrics,
}

/// Every route of the service: the JSON API, the pages, and the answer to an address
/// neither knows.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::http::configure)
        .configure(crate::pages::configure)
        .default_service(web::to(unknown_address));
}

/// Any address that matches no route: a Dutch page for a browser outside the API,
/// problem+json for the API and every other client.
pub async fn unknown_address(req: HttpRequest) -> HttpResponse {
    let browser = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if browser && !req.path().starts_with("/api/") && !req.path().starts_with("/metrics") {
        crate::pages::unknown_page()
    } else {
        crate::http::problem::not_found(req.path())
    }
}

/// A file to download (`Content-Disposition: attachment`), e.g. a CSV export.
pub fn download(filename: &str, content_type: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// Did the client ask for CSV (`Accept: text/csv`)?
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}
