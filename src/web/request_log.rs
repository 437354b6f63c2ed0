//! One log line per request: request id, method, route, status, latency. Never a
//! body, a query string or a raw path (a mistyped URL could carry a name).

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;
use uuid::Uuid;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_safe_request_id(v))
        .map(str::to_string)
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    let route = req.match_pattern().unwrap_or_else(|| "<unmatched>".to_string());
    let method = req.method().to_string();
    let span = tracing::info_span!(
        "http",
        request_id = %request_id,
        method = %method,
        route = %route,
        user_id = tracing::field::Empty
    );
    let started = Instant::now();
    let state = req
        .app_data::<actix_web::web::Data<super::state::AppState>>()
        .cloned();
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            if let Some(state) = &state {
                state
                    .metrics
                    .observe(&route, &method, status, latency_ms / 1000.0);
            }
            if res.status().is_server_error() {
                tracing::error!(status, latency_ms, "request failed");
            } else if matches!(status, 401 | 429) {
                // Wrong tokens are counted per address and logged per window
                // (`web::sign_in_limit`), not once per attempt.
                tracing::debug!(status, latency_ms, "request refused");
            } else {
                tracing::info!(status, latency_ms, "request handled");
            }
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                res.headers_mut().insert(REQUEST_ID, value);
            }
            Ok(res)
        }
        Err(error) => {
            let status = error.as_response_error().status_code().as_u16();
            tracing::error!(status, latency_ms, "request failed");
            Err(error)
        }
    }
}

/// A caller-supplied id is kept only when it is short and plain.
fn is_safe_request_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}
