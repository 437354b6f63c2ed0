//! The Prometheus registry of the service: HTTP requests by route and status and
//! their latency (counted by the request log), and the gauges of the register (open
//! requests by status, overdue requests, the mail outbox), set when `/metrics` is read.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::domain::reminders::OutboxStatus;
use crate::service::dashboard::Gauges;

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

impl Metrics {
    /// The text format of every metric, with the gauges set to `gauges`.
    pub fn render(&self, gauges: &Gauges) -> Result<Vec<u8>, prometheus::Error> {
        self.open.reset();
        for (status, n) in &gauges.open_by_status {
            self.open.with_label_values(&[status.code()]).set(*n);
        }
        self.overdue
            .with_label_values(&["response"])
            .set(gauges.overdue_response);
        self.overdue
            .with_label_values(&["execution"])
            .set(gauges.overdue_execution);
        self.overdue
            .with_label_values(&["legal"])
            .set(gauges.past_legal_limit);
        for status in [OutboxStatus::Queued, OutboxStatus::Failed] {
            let n = gauges.outbox.get(&status).copied().unwrap_or(0);
            self.outbox.with_label_values(&[status.code()]).set(n);
        }
        let mut body = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut body)?;
        Ok(body)
    }
}
