//! Retention of the register's own personal data: a closed request's requester and
//! subject details, description and explanations are removed after the retention
//! period (default 2 years after closing); kinds, dates, outcomes and grounds stay for
//! the statistics, and the audit trail (which never held personal data) stays intact.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde_json::json;

use super::{Rules, ServiceError};
use crate::domain::audit::RecordAction;
use crate::domain::deadlines::Period;
use crate::storage::{requests as store, Db, DbConnection};

/// Requests anonymised per transaction: a small batch (about 10 ms of writing on
/// SQLite), so that a registration queued behind it waits little; the purge of a large
/// backlog takes longer, and the front desk does not notice it (docs/performance.md).
const BATCH: i64 = 20;

/// Requests closed before this date are past retention.
pub fn closed_before(today: NaiveDate, retention: Period) -> NaiveDate {
    match retention {
        Period::Days(n) => today - Days::new(n.into()),
        Period::Months(n) => today - Months::new(n),
    }
}

/// Anonymises one batch of closed requests past retention; returns how many.
fn purge_batch_in(
    conn: &mut DbConnection,
    actor: &str,
    cutoff: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let ids = store::due_for_anonymisation(conn, cutoff, BATCH)?;
    for id in &ids {
        store::anonymise(conn, *id, now.naive_utc())?;
        crate::storage::letters::purge_request(conn, *id, now.naive_utc())?;
        crate::storage::tasks::purge_notes(conn, *id)?;
        crate::storage::notifications::forget_request(conn, *id)?;
    }
    if !ids.is_empty() {
        let data = json!({"anonymised": ids.len(), "closed_before": cutoff, "requests": ids});
        super::record_in(conn, actor, RecordAction::Purge, now, &data)?;
    }
    Ok(ids.len())
}

/// Anonymises every closed request past retention at `now`; returns how many.
pub async fn purge(
    db: &Db,
    rules: &Rules,
    retention: Period,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let cutoff = closed_before(rules.today(now), retention);
    let mut total = 0;
    loop {
        let actor = actor.to_string();
        let done = db
            .write(move |conn| purge_batch_in(conn, &actor, cutoff, now))
            .await?;
        total += done;
        if (done as i64) < BATCH {
            break;
        }
    }
    if total > 0 {
        tracing::info!(anonymised = total, closed_before = %cutoff, "retention purge");
    }
    Ok(total)
}
