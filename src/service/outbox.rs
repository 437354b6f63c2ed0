//! The mail outbox as the privacy officer reads it: reminders and digests, newest
//! first, and how many are in each state; and the failed mails the dashboard shows.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use super::ServiceError;
use crate::domain::access::Caller;
use crate::domain::reminders::{DeadlineKind, MailStage, OutboxStatus};
use crate::storage::notifications::{self as store, NotificationRow};
use crate::storage::{Db, DbConnection};

/// A reminder or digest in the outbox.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxMail {
    pub id: String,
    /// The request it is about (none for a digest).
    pub request_id: Option<String>,
    pub recipient_id: String,
    pub recipient_email: String,
    pub stage: MailStage,
    pub deadline: Option<DeadlineKind>,
    pub deadline_date: Option<NaiveDate>,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// What the mail server said last (addresses removed).
    pub last_error: Option<String>,
    /// The Message-ID of the sent mail.
    pub message_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

impl From<NotificationRow> for OutboxMail {
    fn from(row: NotificationRow) -> Self {
        OutboxMail {
            id: row.id.to_string(),
            request_id: row.request_id.map(|id| id.to_string()),
            // A reminder or digest has a recipient; a system's webhook call none.
            recipient_id: row.recipient_id.map(|id| id.to_string()).unwrap_or_default(),
            recipient_email: row.recipient_email,
            stage: row.stage,
            deadline: row.deadline,
            deadline_date: row.deadline_date,
            subject: row.subject,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: utc(row.next_attempt_at),
            last_error: row.last_error,
            message_id: row.message_id,
            created_at: utc(row.created_at),
            sent_at: row.sent_at.map(utc),
        }
    }
}

/// One page of the outbox, and how many mails are in each state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outbox {
    pub items: Vec<OutboxMail>,
    pub page: i64,
    pub per_page: i64,
    /// Mails with the statuses asked for.
    pub total: i64,
    /// Every mail in the outbox by status.
    pub counts: BTreeMap<OutboxStatus, i64>,
}

/// A page of the outbox: the mails with one of `statuses` (all when empty).
pub async fn outbox(
    db: &Db,
    caller: &Caller,
    statuses: Vec<OutboxStatus>,
    page: i64,
    per_page: i64,
) -> Result<Outbox, ServiceError> {
    caller.may_read_outbox()?;
    db.read(move |conn| outbox_in(conn, &statuses, page, per_page))
        .await
}

fn outbox_in(
    conn: &mut DbConnection,
    statuses: &[OutboxStatus],
    page: i64,
    per_page: i64,
) -> Result<Outbox, ServiceError> {
    let (rows, total) = store::list(conn, statuses, page, per_page)?;
    let mut counts: BTreeMap<OutboxStatus, i64> = OutboxStatus::ALL.iter().map(|&s| (s, 0)).collect();
    counts.extend(store::counts(conn, false)?);
    Ok(Outbox {
        items: rows.into_iter().map(OutboxMail::from).collect(),
        page,
        per_page,
        total,
        counts,
    })
}

/// The newest mails that failed for good, for a caller who may read the outbox;
/// nothing for anyone else.
pub async fn failed(db: &Db, caller: &Caller, limit: i64) -> Result<Vec<OutboxMail>, ServiceError> {
    if caller.may_read_outbox().is_err() {
        return Ok(Vec::new());
    }
    Ok(outbox(db, caller, vec![OutboxStatus::Failed], 1, limit)
        .await?
        .items)
}
