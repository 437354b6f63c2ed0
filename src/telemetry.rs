//! Structured logs on stderr (stdout stays free for command output such as tokens):
//! human-readable text, or JSON lines with `AVG_LOKET_LOG_FORMAT=json`.
//!
//! What may be logged: ids, references, kinds, states, routes, statuses, timings.
//! What may never be logged: names, e-mail addresses, phone numbers, request bodies
//! or any free text a person typed.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::configuration::{LogFormat, Settings};

pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.server.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    let _ = match settings.server.log_format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            // `span`: the innermost span (for the request log, the request's own);
            // `spans`: all of them, outermost first, so that a line logged inside a
            // use case (`register`, `act`) still carries the request id.
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}
