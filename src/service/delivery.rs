//! What the two mail queues (reminders in `notifications`, letters in `letters`) share
//! when they deliver: how long one mail may take, how long a claim on it lasts, and
//! when the next round is due.
//!
//! A worker claims a batch with a short lease and, after each mail, renews the lease on
//! the rest of the batch it still holds. So a lease always covers at most one mail's
//! sending ([`SEND_LIMIT`]) plus the write that records it, and the mails of a worker
//! that dies are free again [`LEASE`] after its last sign of life — not after the time
//! a whole batch could take.

use std::future::Future;

use chrono::{DateTime, NaiveDateTime, Utc};

/// The longest one mail may take, from connecting to the server's "250 OK"; a slower
/// one is cut off and counts as a failed attempt (tried again later, same Message-ID).
pub const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(40);

/// How long a claim lasts: one mail's [`SEND_LIMIT`] and the write that records it.
pub const LEASE: chrono::Duration = chrono::Duration::seconds(50);

/// Sends within [`SEND_LIMIT`].
pub async fn within_limit(send: impl Future<Output = Result<String, String>>) -> Result<String, String> {
    match tokio::time::timeout(SEND_LIMIT, send).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!(
            "no answer from the mail server within {} seconds",
            SEND_LIMIT.as_secs()
        )),
    }
}

/// The lease that starts at `at`.
pub fn lease_from(at: DateTime<Utc>) -> NaiveDateTime {
    (at + LEASE).naive_utc()
}
