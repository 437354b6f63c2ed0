//! The `notifications` table: the one outbox of every mail — reminders and digests to
//! staff, and the e-mails that carry letters to requesters — with one claim, one
//! lease and one record of each attempt.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{notifications, requests, team_members, users};
use super::{DbConnection, StorageError};
use crate::domain::access::Role;
use crate::domain::ids::{LetterId, MailId, RequestId, TaskId, UserId};
use crate::domain::reminders::{DeadlineKind, MailStage, OutboxStatus, ReminderPreference};
use crate::domain::team::TeamCode;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: MailId,
    pub key: String,
    pub request_id: Option<RequestId>,
    /// The staff member a reminder or digest is for; none for a letter.
    pub recipient_id: Option<UserId>,
    /// The staff member's address; empty for a letter, whose requester's address is
    /// read from the request when it is sent (the outbox keeps no copy).
    pub recipient_email: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub stage: MailStage,
    pub deadline: Option<DeadlineKind>,
    pub deadline_date: Option<NaiveDate>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
    pub digest_id: Option<MailId>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The letter this mail carries (rendered when it is sent).
    pub letter_id: Option<LetterId>,
    /// The task a system's webhook announces (its call made when it is sent).
    pub task_id: Option<TaskId>,
}

/// A row of the outbox that names what it carries and nothing else (a letter's cover
/// or a system's webhook call: rendered when it is sent), queued at `at`.
fn named_row(
    id: MailId,
    key: String,
    request_id: RequestId,
    stage: MailStage,
    at: NaiveDateTime,
) -> NotificationRow {
    NotificationRow {
        id,
        key,
        request_id: Some(request_id),
        recipient_id: None,
        recipient_email: String::new(),
        stage,
        deadline: None,
        deadline_date: None,
        subject: String::new(),
        body_text: String::new(),
        body_html: String::new(),
        status: OutboxStatus::Queued,
        attempts: 0,
        next_attempt_at: at,
        claimed_until: None,
        last_error: None,
        message_id: None,
        digest_id: None,
        created_at: at,
        sent_at: None,
        letter_id: None,
        task_id: None,
    }
}

/// Queues the mail that carries letter `letter_id` (its cover is rendered when it is
/// sent).
pub fn queue_letter(
    conn: &mut DbConnection,
    letter_id: LetterId,
    request_id: RequestId,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    let row = NotificationRow {
        letter_id: Some(letter_id),
        ..named_row(
            MailId::from(letter_id.uuid()),
            format!("letter|{letter_id}"),
            request_id,
            MailStage::Letter,
            at,
        )
    };
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Queues the call that tells a system's automation of task `task_id` (its address,
/// key and body are read when it is made).
pub fn queue_webhook(
    conn: &mut DbConnection,
    task_id: TaskId,
    request_id: RequestId,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    let row = NotificationRow {
        task_id: Some(task_id),
        ..named_row(
            MailId::from(task_id.uuid()),
            format!("webhook|{task_id}"),
            request_id,
            MailStage::Webhook,
            at,
        )
    };
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts a row unless its key exists; `Ok(true)` when it was new.
pub fn insert_if_new(conn: &mut DbConnection, row: &NotificationRow) -> Result<bool, StorageError> {
    let insert = diesel::insert_into(notifications::table)
        .values(row.clone())
        .on_conflict(notifications::key)
        .do_nothing();
    let inserted = match conn {
        DbConnection::Postgresql(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(lite) => insert.execute(lite)?,
    };
    Ok(inserted > 0)
}

/// Inserts the rows whose key is new; returns how many were new. PostgreSQL takes
/// 500 rows per statement (a statement is a round trip); SQLite, in the process and
/// without a multi-row insert for rows with NULLs in diesel, one at a time.
pub fn insert_many_if_new(conn: &mut DbConnection, rows: &[NotificationRow]) -> Result<usize, StorageError> {
    let mut inserted = 0;
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(500) {
                inserted += diesel::insert_into(notifications::table)
                    .values(chunk.to_vec())
                    .on_conflict(notifications::key)
                    .do_nothing()
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(_) => {
            for row in rows {
                inserted += usize::from(insert_if_new(conn, row)?);
            }
        }
    }
    Ok(inserted)
}

/// Sets `next_reminder_at` of many requests in one statement per 500.
pub fn set_next_reminders(
    conn: &mut DbConnection,
    moments: &[(RequestId, Option<NaiveDateTime>)],
) -> Result<(), StorageError> {
    super::sql::set_next_reminders(conn, "requests", moments)
}

/// Which of `keys` are in the outbox already.
pub fn existing_keys(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<std::collections::HashSet<String>, StorageError> {
    let mut found = std::collections::HashSet::new();
    for chunk in keys.chunks(500) {
        found.extend(
            notifications::table
                .filter(notifications::key.eq_any(chunk))
                .select(notifications::key)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}

/// Requests whose next reminder moment has come (oldest first).
pub fn requests_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<RequestId>, StorageError> {
    Ok(requests::table
        .filter(requests::next_reminder_at.le(now))
        .order(requests::next_reminder_at.asc())
        .limit(limit)
        .select(requests::id)
        .load(conn)?)
}

/// Cancels the queued or held reminders of a request that no longer apply: all of
/// them when `keep` is `None`, otherwise those about another deadline or date.
pub fn cancel_stale(
    conn: &mut DbConnection,
    request_id: RequestId,
    keep: Option<(DeadlineKind, NaiveDate)>,
) -> Result<usize, StorageError> {
    let pending = notifications::table
        .filter(notifications::request_id.eq(request_id))
        .filter(notifications::letter_id.is_null())
        .filter(notifications::task_id.is_null())
        .filter(notifications::status.eq_any([OutboxStatus::Queued, OutboxStatus::Held]));
    let cancelled = match keep {
        None => diesel::update(pending)
            .set(notifications::status.eq(OutboxStatus::Cancelled))
            .execute(conn)?,
        // A task's reminders follow the task's due date, not the request's deadline.
        Some((deadline, date)) => diesel::update(
            pending
                .filter(
                    notifications::deadline
                        .ne(DeadlineKind::Task)
                        .or(notifications::deadline.is_null()),
                )
                .filter(
                    notifications::deadline
                        .ne(deadline)
                        .or(notifications::deadline_date.ne(date))
                        .or(notifications::deadline.is_null()),
                ),
        )
        .set(notifications::status.eq(OutboxStatus::Cancelled))
        .execute(conn)?,
    };
    Ok(cancelled)
}

/// A recipient: user id, address and reminder preference.
pub type Recipient = (UserId, String, ReminderPreference);

/// Active users with `role` in `team` (id, e-mail, reminder preference).
pub fn team_members_with_role(
    conn: &mut DbConnection,
    team: &TeamCode,
    role: Role,
) -> Result<Vec<Recipient>, StorageError> {
    Ok(users::table
        .inner_join(team_members::table)
        .filter(team_members::team.eq(team))
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select((users::id, users::email, users::reminders))
        .load(conn)?)
}

/// Active users with `role` (id, e-mail, reminder preference).
pub fn users_with_role(conn: &mut DbConnection, role: Role) -> Result<Vec<Recipient>, StorageError> {
    Ok(users::table
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select((users::id, users::email, users::reminders))
        .load(conn)?)
}

pub fn active_user(conn: &mut DbConnection, id: UserId) -> Result<Option<Recipient>, StorageError> {
    Ok(users::table
        .filter(users::id.eq(id))
        .filter(users::active.eq(true))
        .select((users::id, users::email, users::reminders))
        .get_result(conn)
        .optional()?)
}

/// Held reminders waiting for a digest, per recipient.
pub fn held(conn: &mut DbConnection) -> Result<Vec<NotificationRow>, StorageError> {
    Ok(notifications::table
        .filter(notifications::status.eq(OutboxStatus::Held))
        .order((notifications::recipient_id.asc(), notifications::created_at.asc()))
        .select(NotificationRow::as_select())
        .load(conn)?)
}

pub fn mark_digested(conn: &mut DbConnection, ids: &[MailId], digest_id: MailId) -> Result<(), StorageError> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set((
            notifications::status.eq(OutboxStatus::Digested),
            notifications::digest_id.eq(digest_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The rows that are not letters' mails, and those too `with_letters`.
fn letters_if(
    with_letters: bool,
) -> diesel::dsl::Or<
    diesel::dsl::IsNull<notifications::letter_id>,
    diesel::dsl::AsExprOf<bool, diesel::sql_types::Bool>,
> {
    use diesel::IntoSql;
    notifications::letter_id
        .is_null()
        .or(with_letters.into_sql::<diesel::sql_types::Bool>())
}

/// Takes up to `limit` mails that are due for (another) attempt and marks them as
/// being sent until `lease_until`; a worker that dies leaves them to be taken again
/// after the lease. On PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`,
/// so several instances never take the same row. The mails of letters are taken only
/// `with_letters` (they wait while letters cannot leave).
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
    with_letters: bool,
) -> Result<Vec<NotificationRow>, StorageError> {
    let due = notifications::table
        .filter(letters_if(with_letters))
        .filter(
            notifications::status
                .eq(OutboxStatus::Queued)
                .and(notifications::next_attempt_at.le(now))
                .or(notifications::status
                    .eq(OutboxStatus::Sending)
                    .and(notifications::claimed_until.lt(now))),
        )
        .order(notifications::next_attempt_at.asc())
        .limit(limit)
        .select(notifications::id);
    let ids: Vec<MailId> = match conn {
        DbConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(lite) => due.load(lite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
        .set((
            notifications::status.eq(OutboxStatus::Sending),
            notifications::claimed_until.eq(Some(lease_until)),
        ))
        .execute(conn)?;
    Ok(notifications::table
        .filter(notifications::id.eq_any(&ids))
        .order(notifications::next_attempt_at.asc())
        .select(NotificationRow::as_select())
        .load(conn)?)
}

/// Extends the lease on those of `ids` this worker still holds (leased until `held`)
/// to `until`; returns the ids it still holds. A row whose lease ran out and that
/// another worker took is not among them.
pub fn renew(
    conn: &mut DbConnection,
    ids: &[MailId],
    held: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<MailId>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mine = notifications::table
        .filter(notifications::id.eq_any(ids))
        .filter(notifications::status.eq(OutboxStatus::Sending))
        .filter(notifications::claimed_until.eq(Some(held)))
        .select(notifications::id);
    // Locked on PostgreSQL, so that a claim elsewhere (SKIP LOCKED) passes them by;
    // SQLite's write transaction is exclusive anyway.
    let still: Vec<MailId> = match conn {
        DbConnection::Postgresql(pg) => mine.for_update().load(pg)?,
        DbConnection::Sqlite(lite) => mine.load(lite)?,
    };
    diesel::update(notifications::table.filter(notifications::id.eq_any(&still)))
        .set(notifications::claimed_until.eq(Some(until)))
        .execute(conn)?;
    Ok(still)
}

/// The next moment a mail becomes due: a queued one's next attempt, or the end of a
/// lease that another worker may let run out (letters' mails only `with_letters`).
pub fn next_due(conn: &mut DbConnection, with_letters: bool) -> Result<Option<NaiveDateTime>, StorageError> {
    let queued: Option<NaiveDateTime> = notifications::table
        .filter(notifications::status.eq(OutboxStatus::Queued))
        .filter(letters_if(with_letters))
        .select(diesel::dsl::min(notifications::next_attempt_at))
        .first(conn)?;
    let leased: Option<NaiveDateTime> = notifications::table
        .filter(notifications::status.eq(OutboxStatus::Sending))
        .filter(letters_if(with_letters))
        .select(diesel::dsl::min(notifications::claimed_until))
        .first(conn)?;
    Ok(queued.into_iter().chain(leased).min())
}

pub fn mark_sent(
    conn: &mut DbConnection,
    id: MailId,
    message_id: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(notifications::table.find(id))
        .set((
            notifications::status.eq(OutboxStatus::Sent),
            notifications::message_id.eq(Some(message_id)),
            notifications::sent_at.eq(Some(now)),
            notifications::claimed_until.eq(None::<NaiveDateTime>),
            notifications::attempts.eq(notifications::attempts + 1),
            notifications::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: MailId,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> Result<(), StorageError> {
    let row = notifications::table.find(id);
    let common = (
        notifications::attempts.eq(notifications::attempts + 1),
        notifications::last_error.eq(Some(error)),
        notifications::claimed_until.eq(None::<NaiveDateTime>),
    );
    match retry_at {
        Some(at) => diesel::update(row)
            .set((
                notifications::status.eq(OutboxStatus::Queued),
                notifications::next_attempt_at.eq(at),
                common,
            ))
            .execute(conn)?,
        None => diesel::update(row)
            .set((notifications::status.eq(OutboxStatus::Failed), common))
            .execute(conn)?,
    };
    Ok(())
}

/// The reminders, digests and systems' webhook calls in `statuses` (all when empty),
/// newest first: what the privacy officer reads as the outbox (letters are shown with
/// their request; a webhook call has no staff recipient).
pub fn list(
    conn: &mut DbConnection,
    statuses: &[OutboxStatus],
    page: i64,
    per_page: i64,
) -> Result<(Vec<NotificationRow>, i64), StorageError> {
    let filtered = || {
        let mut query = notifications::table
            .filter(notifications::letter_id.is_null())
            .into_boxed();
        if !statuses.is_empty() {
            query = query.filter(notifications::status.eq_any(statuses.to_vec()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(notifications::created_at.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(NotificationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// How many mails are in each state: the reminders and digests, and `with_letters`
/// the letters' mails too (the metrics count every mail; the privacy officer's outbox
/// shows staff mails, the letters being shown with their requests).
pub fn counts(conn: &mut DbConnection, with_letters: bool) -> Result<Vec<(OutboxStatus, i64)>, StorageError> {
    Ok(notifications::table
        .filter(letters_if(with_letters))
        .group_by(notifications::status)
        .select((notifications::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Retention removed a request's personal data: a letter's mail still waiting will not
/// go (its content is gone), and no error text of its mails outlives it.
pub fn forget_request(conn: &mut DbConnection, request_id: RequestId) -> Result<(), StorageError> {
    diesel::update(
        notifications::table
            .filter(notifications::request_id.eq(request_id))
            .filter(notifications::letter_id.is_not_null())
            .filter(notifications::status.eq(OutboxStatus::Queued)),
    )
    .set(notifications::status.eq(OutboxStatus::Cancelled))
    .execute(conn)?;
    diesel::update(notifications::table.filter(notifications::request_id.eq(request_id)))
        .set(notifications::last_error.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// A skipped task's webhook call that has not gone yet will not go.
pub fn cancel_webhook(conn: &mut DbConnection, task_id: TaskId) -> Result<(), StorageError> {
    diesel::update(
        notifications::table
            .filter(notifications::task_id.eq(task_id))
            .filter(notifications::status.eq(OutboxStatus::Queued)),
    )
    .set(notifications::status.eq(OutboxStatus::Cancelled))
    .execute(conn)?;
    Ok(())
}

/// Cancels a task's queued or held reminders that no longer apply: all of them when
/// `keep_due` is `None` (the task closed), otherwise those about another due date.
/// A task reminder's key starts with the task's ID.
pub fn cancel_task_reminders(
    conn: &mut DbConnection,
    request_id: RequestId,
    task_id: TaskId,
    keep_due: Option<NaiveDate>,
) -> Result<usize, StorageError> {
    let pending = notifications::table
        .filter(notifications::request_id.eq(request_id))
        .filter(notifications::deadline.eq(DeadlineKind::Task))
        .filter(notifications::key.like(format!("{task_id}|%")))
        .filter(notifications::status.eq_any([OutboxStatus::Queued, OutboxStatus::Held]));
    Ok(match keep_due {
        None => diesel::update(pending)
            .set(notifications::status.eq(OutboxStatus::Cancelled))
            .execute(conn)?,
        Some(due) => diesel::update(pending.filter(notifications::deadline_date.ne(due)))
            .set(notifications::status.eq(OutboxStatus::Cancelled))
            .execute(conn)?,
    })
}
