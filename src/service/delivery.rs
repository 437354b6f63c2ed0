//! The one outbox's delivery: every mail — reminders and digests to staff, the
//! e-mails that carry letters to requesters — is a row of `notifications`, claimed,
//! sent, retried with back-off and reported by the same loop. Kinds of mail differ
//! only in how a row becomes a mail ([`compose`]): a reminder or digest was rendered
//! when it was queued, a letter's cover is rendered from its template when it leaves.
//!
//! A worker claims a batch with a short lease and, after each mail, renews the lease on
//! the rest of the batch it still holds. So a lease always covers at most one mail's
//! sending ([`SEND_LIMIT`]) plus the write that records it, and the mails of a worker
//! that dies are free again [`LEASE`] after its last sign of life — not after the time
//! a whole batch could take.

use std::future::Future;

use chrono::{DateTime, NaiveDateTime, Utc};
use lettre::message::Mailbox;

use super::letters::{self, LetterSetup};
use super::{Rules, ServiceError};
use crate::domain::ids::{MailId, TaskId};
use crate::domain::Language;
use crate::mail::{Mailer, OutgoingMail};
use crate::storage::notifications::{self, NotificationRow};
use crate::storage::Db;

/// How the mails are written and sent.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub language: Language,
    pub base_url: String,
    pub from: Mailbox,
    pub max_attempts: u32,
}

impl MailSettings {
    pub fn from_settings(settings: &crate::configuration::Settings) -> Self {
        MailSettings {
            language: settings.organisation.language,
            base_url: settings.server.base_url.clone(),
            from: settings
                .mail
                .from
                .parse()
                .expect("AVG_LOKET_MAIL_FROM was checked at start-up"),
            max_attempts: settings.mail.max_attempts,
        }
    }
}

/// What delivering the outbox needs: where the rows are, how to send, and — for the
/// letters — the organisation that sends them and the rules that date them.
#[derive(Clone, Copy)]
pub struct Outbox<'a> {
    pub db: &'a Db,
    pub rules: &'a Rules,
    pub letters: &'a LetterSetup,
    pub mailer: &'a Mailer,
    pub settings: &'a MailSettings,
}

impl<'a> Outbox<'a> {
    pub fn new(
        db: &'a Db,
        rules: &'a Rules,
        letters: &'a LetterSetup,
        mailer: &'a Mailer,
        settings: &'a MailSettings,
    ) -> Self {
        Outbox {
            db,
            rules,
            letters,
            mailer,
            settings,
        }
    }
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The longest one mail may take, from connecting to the server's "250 OK"; a slower
/// one is cut off and counts as a failed attempt (tried again later, same Message-ID).
pub const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(40);

/// How long a claim lasts: one mail's [`SEND_LIMIT`] and the write that records it.
pub const LEASE: chrono::Duration = chrono::Duration::seconds(50);

/// Mails taken per claim. The lease is renewed after each mail, so the batch size
/// does not bound how long a claim lasts.
const BATCH: i64 = 50;

/// Mails sent at once: each sender claims its own batch (claims never overlap, as
/// between instances), the SMTP pool gives each a connection, and on SQLite their
/// outcomes share commits. One sender waited for each server's answer and each commit
/// in turn (docs/performance.md).
pub const SENDERS: usize = 4;

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

/// Exponential backoff with jitter: 30 s, 1 min, 2 min, … capped at 6 hours, each
/// ±20 %.
pub fn backoff(attempt: u32) -> chrono::Duration {
    let base = 30_i64.saturating_mul(1_i64 << attempt.saturating_sub(1).min(20));
    let capped = base.min(6 * 3600);
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    let jitter = (i64::from(byte[0]) - 128) * capped / 640; // ±20 %
    chrono::Duration::seconds((capped + jitter).max(1))
}

/// Error texts from mail servers can quote addresses; logs and the outbox keep none.
pub fn redact_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| if word.contains('@') { "<address>" } else { word })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether letters can leave now: only with an organisation profile and a mail
/// transport fit for them. Until then their mails wait in the outbox, unclaimed and
/// without an attempt counted.
fn letters_can_leave(setup: &LetterSetup) -> bool {
    setup.organisation().is_ok() && setup.email.is_ok()
}

/// The mail a row stands for, with its sender; `Err` when it cannot be sent (a
/// letter whose requester has no address any more), which counts as a failed attempt.
async fn compose(
    outbox: &Outbox<'_>,
    row: &NotificationRow,
) -> Result<Result<(Mailbox, OutgoingMail), String>, ServiceError> {
    match &row.letter_id {
        None => Ok(Ok((
            outbox.settings.from.clone(),
            OutgoingMail {
                id: row.id.to_string(),
                to: row.recipient_email.clone(),
                reply_to: None,
                subject: row.subject.clone(),
                text: row.body_text.clone(),
                html: row.body_html.clone(),
                attachment: None,
            },
        ))),
        Some(letter_id) => {
            letters::cover_mail(outbox.db, outbox.letters, &outbox.settings.from, *letter_id).await
        }
    }
}

/// Calls a system's webhook about task `task`, signed at `at`: what it answered, or
/// why not.
async fn call_webhook(outbox: &Outbox<'_>, task: TaskId, at: DateTime<Utc>) -> Result<String, String> {
    match super::tasks::webhook_call(outbox.db, task, at).await {
        Ok(Ok((url, body, signature))) => crate::mail::webhook::post(&url, body, &signature).await,
        Ok(Err(reason)) => Err(reason),
        Err(error) => Err(format!("the call could not be composed: {error}")),
    }
}

/// Delivers the mails that are due, until none are left. `now` is the clock, read for
/// each claim and each mail: a mail's `sent_at` is the moment it went out, and the
/// lease on the rest of the batch is renewed after every mail.
pub async fn deliver(
    outbox: &Outbox<'_>,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<DeliveryReport, ServiceError> {
    let Outbox {
        db, rules, settings, ..
    } = *outbox;
    let with_letters = letters_can_leave(outbox.letters);
    let mut report = DeliveryReport::default();
    loop {
        let claimed_at = now();
        let mut held = lease_from(claimed_at);
        let batch = db
            .write(move |conn| {
                Ok::<_, ServiceError>(notifications::claim(
                    conn,
                    claimed_at.naive_utc(),
                    held,
                    BATCH,
                    with_letters,
                )?)
            })
            .await?;
        if batch.is_empty() {
            break;
        }
        let mut rest: Vec<MailId> = batch.iter().map(|row| row.id).collect();
        for row in batch {
            if !rest.contains(&row.id) {
                continue; // its lease ran out and another worker has it
            }
            rest.retain(|id| *id != row.id);
            // A mail that cannot be composed (its letter unreadable for now) counts as a
            // failed attempt of its own, not as the end of the round for the others.
            let result = match row.task_id {
                Some(task) => call_webhook(outbox, task, now()).await,
                None => match compose(outbox, &row).await {
                    Ok(Ok((from, mail))) => within_limit(outbox.mailer.send(&from, &mail))
                        .await
                        .map_err(|e| redact_addresses(&e)),
                    Ok(Err(reason)) => Err(reason),
                    Err(error) => Err(format!("the mail could not be composed: {error}")),
                },
            };
            let done_at = now();
            let attempts = row.attempts as u32 + 1;
            // Sent, or failed with the moment of the next attempt (none: failed for good).
            let outcome = result.map_err(|error| {
                let retry_at =
                    (attempts < settings.max_attempts).then(|| (done_at + backoff(attempts)).naive_utc());
                tracing::warn!(notification = %row.id, stage = %row.stage.code(), attempts, retry = retry_at.is_some(), error = %error, "mail delivery failed");
                (error, retry_at)
            });
            match &outcome {
                Ok(_) => report.sent += 1,
                Err((_, Some(_))) => report.retried += 1,
                Err((_, None)) => report.failed += 1,
            }
            let renewed_until = lease_from(done_at);
            let waiting = std::mem::take(&mut rest);
            let id = row.id;
            let rules = rules.clone();
            let recorded = db
                .write(move |conn| {
                    match &outcome {
                        Ok(message_id) => {
                            notifications::mark_sent(conn, row.id, message_id, done_at.naive_utc())?
                        }
                        Err((error, retry_at)) => {
                            notifications::mark_attempt_failed(conn, row.id, error, *retry_at)?
                        }
                    }
                    if let Some(letter_id) = &row.letter_id {
                        let outcome = outcome
                            .as_ref()
                            .map(String::as_str)
                            .map_err(|(error, retry_at)| (error.as_str(), retry_at.is_none()));
                        letters::delivered_in(conn, &rules, *letter_id, outcome, done_at)?;
                    }
                    Ok::<_, ServiceError>(notifications::renew(conn, &waiting, held, renewed_until)?)
                })
                .await;
            match recorded {
                Ok(still_held) => rest = still_held,
                Err(error) => {
                    // Nothing of this mail's outcome is stored: it and the rest of the
                    // batch are taken again when their leases end. The next claim goes on.
                    tracing::error!(notification = %id, %error, "recording a delivery failed");
                    break;
                }
            }
            held = renewed_until;
        }
    }
    if report != DeliveryReport::default() {
        let (sent, retried, failed) = (report.sent, report.retried, report.failed);
        tracing::info!(sent, retried, failed, "mail delivery");
    }
    Ok(report)
}

/// [`deliver`] with [`SENDERS`] senders at once.
pub async fn deliver_concurrently(
    outbox: &Outbox<'_>,
    now: impl Fn() -> DateTime<Utc> + Copy,
) -> Result<DeliveryReport, ServiceError> {
    let senders = (0..SENDERS).map(|_| deliver(outbox, now));
    let mut total = DeliveryReport::default();
    for report in futures_util::future::join_all(senders).await {
        let report = report?;
        total.sent += report.sent;
        total.retried += report.retried;
        total.failed += report.failed;
    }
    Ok(total)
}

/// When the outbox next has a mail due (a retry, or a lease that may run out), so that
/// the background loop can look again then rather than a whole interval later.
pub async fn next_due(db: &Db, letters: &LetterSetup) -> Result<Option<DateTime<Utc>>, ServiceError> {
    let with_letters = letters_can_leave(letters);
    let at = db
        .read(move |conn| Ok::<_, ServiceError>(notifications::next_due(conn, with_letters)?))
        .await?;
    Ok(at.map(|at| DateTime::from_naive_utc_and_offset(at, Utc)))
}
