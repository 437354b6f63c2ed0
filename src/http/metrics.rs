//! `GET /metrics` in the Prometheus text format: HTTP requests by route and status,
//! latency, open requests by status, overdue requests, and the mail outbox.
//! No token: bind it or proxy it privately.

use actix_web::HttpResponse;

use super::problem::ApiError;
use super::{Answer, State};
use crate::clock;
use crate::service::dashboard;

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format: HTTP requests by route and status, latency histogram, open requests by status, overdue, outbox queued/failed", body = String, content_type = "text/plain; version=0.0.4")))]
pub async fn metrics(state: State) -> Answer {
    let gauges = dashboard::gauges(&state.db, &state.rules, clock::now()).await?;
    let body = state
        .metrics
        .render(&gauges)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body))
}
