//! The `audit_events` table and its chain head.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{audit_events, audit_head};
use super::{DbConnection, StorageError};
use crate::domain::audit::{AuditEvent, ChainBreak, ChainVerifier};
use crate::domain::ids::RequestId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
struct EventRow {
    seq: i64,
    id: String,
    request_id: Option<String>,
    actor: String,
    occurred_at: NaiveDateTime,
    action: String,
    from_status: Option<String>,
    to_status: Option<String>,
    data: String,
    prev_hash: String,
    hash: String,
}

impl From<EventRow> for AuditEvent {
    fn from(row: EventRow) -> Self {
        AuditEvent {
            seq: row.seq,
            id: row.id,
            request_id: row.request_id,
            actor: row.actor,
            occurred_at: DateTime::from_naive_utc_and_offset(row.occurred_at, Utc),
            action: row.action,
            from_status: row.from_status,
            to_status: row.to_status,
            data: row.data,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

/// What a caller records; the chain fields are filled in by [`append`].
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub request_id: Option<&'a str>,
    pub actor: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub data: &'a serde_json::Value,
}

struct Head {
    seq: i64,
    hash: String,
}

/// Reads the chain head; on PostgreSQL the row stays locked until the transaction
/// ends, so concurrent writers append one after the other (SQLite's `BEGIN
/// IMMEDIATE` already serialises them).
fn lock_head(conn: &mut DbConnection) -> Result<Head, StorageError> {
    let head = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash));
    let (seq, hash) = match conn {
        DbConnection::Postgresql(pg) => head.for_update().get_result::<(i64, String)>(pg)?,
        DbConnection::Sqlite(lite) => head.get_result::<(i64, String)>(lite)?,
    };
    Ok(Head { seq, hash })
}

/// Takes the chain's head before a hot row of another table (the year's reference
/// counter): on PostgreSQL every writer locks the head first (D42, D43), so a batch
/// that holds the head and waits for the counter never meets a writer elsewhere (a
/// second instance, `seed`) that holds the counter and waits for the head. SQLite's
/// `BEGIN IMMEDIATE` already took the whole database.
pub fn lock_head_first(conn: &mut DbConnection) -> Result<(), StorageError> {
    if matches!(conn, DbConnection::Postgresql(_)) {
        lock_head(conn)?;
    }
    Ok(())
}

/// Appends one event to the chain. Must run inside the write transaction of the
/// change it records.
pub fn append(conn: &mut DbConnection, event: NewEvent<'_>) -> Result<AuditEvent, StorageError> {
    let head = lock_head(conn)?;
    let mut stored = AuditEvent {
        seq: head.seq + 1,
        id: uuid::Uuid::now_v7().to_string(),
        request_id: event.request_id.map(str::to_string),
        actor: event.actor.to_string(),
        occurred_at: event.occurred_at,
        action: event.action.to_string(),
        from_status: event.from_status.map(str::to_string),
        to_status: event.to_status.map(str::to_string),
        data: event.data.to_string(),
        prev_hash: head.hash,
        hash: String::new(),
    };
    stored.hash = stored.compute_hash();
    let row = EventRow {
        seq: stored.seq,
        id: stored.id.clone(),
        request_id: stored.request_id.clone(),
        actor: stored.actor.clone(),
        occurred_at: stored.occurred_at.naive_utc(),
        action: stored.action.clone(),
        from_status: stored.from_status.clone(),
        to_status: stored.to_status.clone(),
        data: stored.data.clone(),
        prev_hash: stored.prev_hash.clone(),
        hash: stored.hash.clone(),
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(audit_head::table.find(1))
        .set((audit_head::seq.eq(stored.seq), audit_head::hash.eq(&stored.hash)))
        .execute(conn)?;
    Ok(stored)
}

/// The events of one request, oldest first.
pub fn for_request(conn: &mut DbConnection, request_id: RequestId) -> Result<Vec<AuditEvent>, StorageError> {
    let rows = audit_events::table
        .filter(audit_events::request_id.eq(request_id))
        .order(audit_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(AuditEvent::from).collect())
}

/// Outcome of checking the whole chain.
#[derive(Debug)]
pub enum Verification {
    Intact { events: i64 },
    Broken(ChainBreak),
}

/// Walks the whole chain in pages of 1,000 events.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, StorageError> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0_i64;
    loop {
        let page: Vec<EventRow> = audit_events::table
            .filter(audit_events::seq.gt(after))
            .order(audit_events::seq.asc())
            .limit(1000)
            .select(EventRow::as_select())
            .load(conn)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for row in page {
            if let Err(broken) = verifier.check(&AuditEvent::from(row)) {
                return Ok(Verification::Broken(broken));
            }
        }
    }
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .get_result(conn)?;
    Ok(match verifier.finish(head_seq, &head_hash) {
        Ok(events) => Verification::Intact { events },
        Err(broken) => Verification::Broken(broken),
    })
}
