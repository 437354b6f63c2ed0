//! `GET /metrics` in the Prometheus text format: HTTP requests by route and status,
//! latency, open requests by status, overdue requests, and the mail outbox.
//! No token: bind it or proxy it privately.

use actix_web::{web, HttpResponse};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use super::problem::ApiError;
use super::AppState;
use crate::clock;
use crate::storage::{dashboard, notifications};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    open: IntGaugeVec,
    overdue: IntGaugeVec,
    outbox: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new_custom(Some("avg_loket".into()), None).expect("valid prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route"],
        )
        .expect("valid metric");
        let open = IntGaugeVec::new(Opts::new("open_requests", "Open requests by status"), &["status"])
            .expect("valid metric");
        let overdue = IntGaugeVec::new(
            Opts::new(
                "overdue_requests",
                "Open requests past the deadline they still have to meet",
            ),
            &["deadline"],
        )
        .expect("valid metric");
        let outbox = IntGaugeVec::new(
            Opts::new("outbox_mails", "Mails in the outbox by status"),
            &["status"],
        )
        .expect("valid metric");
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(open.clone()),
            Box::new(overdue.clone()),
            Box::new(outbox.clone()),
        ] {
            registry.register(metric).expect("unique metric");
        }
        Metrics {
            registry,
            requests,
            latency,
            open,
            overdue,
            outbox,
        }
    }

    /// Counts one handled request (called by the request log).
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency.with_label_values(&[route]).observe(seconds);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format: HTTP requests by route and status, latency histogram, open requests by status, overdue, outbox queued/failed", body = String, content_type = "text/plain; version=0.0.4")))]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let today = state.rules.today(clock::now());
    let (figures, outbox) = state
        .db
        .read(move |conn| {
            let sight = dashboard::sight(conn, &None)?;
            let figures = dashboard::open_figures(conn, &None, &sight, today)?;
            let outbox = notifications::counts(conn)?;
            Ok::<_, ApiError>((figures, outbox))
        })
        .await?;
    let m = &state.metrics;
    m.open.reset();
    for (status, n) in figures.open_by(|r| &r.status) {
        m.open.with_label_values(&[status.as_str()]).set(n);
    }
    m.overdue
        .with_label_values(&["response"])
        .set(figures.overdue_response);
    m.overdue
        .with_label_values(&["execution"])
        .set(figures.overdue_execution);
    for status in ["queued", "failed"] {
        let n = outbox
            .iter()
            .find(|(s, _)| s == status)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        m.outbox.with_label_values(&[status]).set(n);
    }
    let mut body = Vec::new();
    TextEncoder::new()
        .encode(&m.registry.gather(), &mut body)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body))
}
