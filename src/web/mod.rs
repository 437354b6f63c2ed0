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
//! [`state::AppState`] and the shared answers of [`download`]. This module imports
//! both to mount their routes and to answer an address neither knows.

pub mod download;
pub mod headers;
pub mod metrics;
pub mod request_log;
pub mod sign_in_limit;
pub mod state;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

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
