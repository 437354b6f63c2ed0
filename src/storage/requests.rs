//! The `requests` table and the tables that hang off it: `request_details`,
//! `decision_grounds`, `suspensions`, `recipients`, `reference_counters`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{
    change_reasons, decision_grounds, recipients, request_details, requester_keys, requests, suspensions,
};
use super::sql::RawSql;
use super::{DbConnection, StorageError};
use crate::domain::access::OnRequest;
use crate::domain::audit::AuditEvent;
use crate::domain::deadlines::Deadlines;
use crate::domain::ids::{RequestId, UserId};
use crate::domain::intake::{
    client_key, fold, intake_keys, request_keys, AgeBand, Channel, Intake, PostalAddress, Relation,
    Requester, Subject,
};
use crate::domain::kind::{ErasureScope, Kind, KindCode, RectificationMode};
use crate::domain::request::{
    Completion, Decision, Extension, IdentityCheck, Outcome, Request, Status, SuspendReason, Suspension,
    Withdrawal,
};
use crate::domain::team::TeamCode;
use crate::domain::Language;

/// One row of `requests`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = requests, treat_none_as_null = true)]
pub struct RequestRecord {
    pub id: RequestId,
    pub reference: String,
    pub kind: KindCode,
    pub mode: Option<RectificationMode>,
    pub scope: Option<ErasureScope>,
    pub direct_marketing: Option<bool>,
    pub related_request: Option<RequestId>,
    pub channel: Channel,
    pub status: Status,
    pub team: TeamCode,
    pub assignee: Option<UserId>,
    pub received_on: NaiveDate,
    pub relation: Relation,
    pub age_band: AgeBand,
    pub identity_verified_by: Option<IdentityCheck>,
    pub extension_informed_on: Option<NaiveDate>,
    pub extension_until: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub decided_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub paused_days: i32,
    pub suspended_since: Option<NaiveDate>,
    pub response_due: NaiveDate,
    pub execution_due: NaiveDate,
    pub legal_due: NaiveDate,
    pub open_due: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub next_reminder_at: Option<NaiveDateTime>,
    /// Derived, for the dashboard and the report: calendar days from receipt to the
    /// decision and to completion, and whether each met its deadline.
    pub decision_days: Option<i32>,
    pub decided_on_time: Option<bool>,
    pub completion_days: Option<i32>,
    pub completed_on_time: Option<bool>,
    pub registered_by: Option<UserId>,
    /// Closed as a duplicate of this request.
    pub duplicate_of: Option<RequestId>,
}

/// One row of `request_details`: the personal data and free text.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = request_details, treat_none_as_null = true)]
struct DetailsRecord {
    request_id: RequestId,
    requester_name: Option<String>,
    requester_email: Option<String>,
    requester_phone: Option<String>,
    client_reference: Option<String>,
    parents_informed: Option<bool>,
    description: Option<String>,
    assessment_note: Option<String>,
    extension_reason: Option<String>,
    decision_explanation: Option<String>,
    completion_summary: Option<String>,
    recipients_note: Option<String>,
    withdrawal_reason: Option<String>,
    /// Kept as it is by updates: only retention sets it.
    #[diesel(skip_insertion, skip_update)]
    anonymised_at: Option<NaiveDateTime>,
    address_line: Option<String>,
    address_postcode: Option<String>,
    address_city: Option<String>,
    language: Option<String>,
    subject_name: Option<String>,
    /// The client number as compared (`client_key`), beside the number as typed.
    client_key: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = suspensions)]
struct SuspensionRecord {
    request_id: RequestId,
    number: i32,
    reason: SuspendReason,
    asked_on: NaiveDate,
    resumed_on: Option<NaiveDate>,
    resume_to: Status,
}

/// A request with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub request: Request,
    pub intake: Intake,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set once retention has removed the personal data and free text.
    pub anonymised_at: Option<DateTime<Utc>>,
    /// The user who registered it (`None` for the synthetic requests of `seed`).
    pub registered_by: Option<Uuid>,
}

impl StoredRequest {
    /// What decides what a caller may see of it and do with it.
    pub fn on(&self) -> OnRequest<'_> {
        OnRequest {
            team: &self.request.team,
            assignee: self.request.assignee,
            status: self.request.status,
            registered_by: self.registered_by,
        }
    }
}

fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

/// Hands out the next number for `year`: gap-free, because a transaction that rolls
/// back also rolls back its increment, and sequential, because the counter row is
/// locked until the registering transaction ends.
pub fn next_reference_number(conn: &mut DbConnection, year: i32) -> Result<i32, StorageError> {
    reserve_reference_numbers(conn, year, 1)
}

/// Hands out `count` consecutive numbers for `year` in one update (for `seed`, which
/// writes a thousand requests per transaction: PostgreSQL slows down on many updates
/// of one row in one transaction). Returns the first.
pub fn reserve_reference_numbers(
    conn: &mut DbConnection,
    year: i32,
    count: i32,
) -> Result<i32, StorageError> {
    use super::schema::reference_counters::dsl as counters;
    super::audit::lock_head_first(conn)?;
    // The same statement on both backends, written per backend because the
    // multi-connection cannot express ON CONFLICT; both cache the prepared statement.
    let next = diesel::insert_into(counters::reference_counters)
        .values((counters::year.eq(year), counters::last_number.eq(count)))
        .on_conflict(counters::year)
        .do_update()
        .set(counters::last_number.eq(counters::last_number + count));
    let number = match conn {
        DbConnection::Postgresql(pg) => next.returning(counters::last_number).get_result::<i32>(pg)?,
        DbConnection::Sqlite(lite) => next.returning(counters::last_number).get_result::<i32>(lite)?,
    };
    Ok(number - count + 1)
}

impl RequestRecord {
    /// The workflow columns of `stored`, with its (recomputed) deadlines.
    pub fn of(
        stored: &StoredRequest,
        deadlines: &Deadlines,
        next_reminder_at: Option<DateTime<Utc>>,
    ) -> RequestRecord {
        let r = &stored.request;
        let options = r.kind.options();
        let decided_on = r.communicated_on();
        let completed_on = r.completion.as_ref().map(|c| c.completed_on);
        let closed_on = match r.status {
            Status::Completed => completed_on,
            Status::Refused => decided_on,
            Status::Withdrawn => r.withdrawal.as_ref().map(|w| w.on),
            _ => None,
        };
        RequestRecord {
            id: r.id.into(),
            reference: r.reference.clone(),
            kind: r.kind.code(),
            mode: options.mode,
            scope: options.scope,
            direct_marketing: options.direct_marketing,
            related_request: options.related_request.map(RequestId::from),
            channel: stored.intake.channel,
            status: r.status,
            team: r.team.clone(),
            assignee: r.assignee.map(UserId::from),
            received_on: r.received_on,
            relation: stored.intake.requester.relation,
            age_band: stored.intake.subject.age_band,
            identity_verified_by: r.identity_verified_by,
            extension_informed_on: r.extension.as_ref().map(|e| e.informed_on),
            extension_until: r.extension.as_ref().and_then(|e| e.until),
            outcome: r.decision.as_ref().map(|d| d.outcome),
            decided_on,
            completed_on,
            closed_on,
            paused_days: r.paused_days() as i32,
            suspended_since: r.active_suspension().map(|s| s.asked_on),
            response_due: deadlines.response,
            execution_due: deadlines.execution,
            legal_due: deadlines.legal,
            open_due: r.open_deadline(deadlines),
            version: r.version,
            created_at: stored.created_at.naive_utc(),
            updated_at: stored.updated_at.naive_utc(),
            next_reminder_at: next_reminder_at.map(|at| at.naive_utc()),
            decision_days: decided_on.map(|d| (d - r.received_on).num_days() as i32),
            decided_on_time: decided_on.map(|d| d <= r.decision_due(deadlines)),
            completion_days: completed_on.map(|d| (d - r.received_on).num_days() as i32),
            completed_on_time: completed_on.map(|d| d <= deadlines.execution),
            registered_by: stored.registered_by.map(UserId::from),
            duplicate_of: r
                .withdrawal
                .as_ref()
                .and_then(|w| w.duplicate_of)
                .map(RequestId::from),
        }
    }

    pub fn kind(&self) -> Result<Kind, StorageError> {
        let missing = |column: &str| StorageError::Corrupt(format!("request {} has no {column}", self.id));
        Ok(match self.kind {
            KindCode::Access => Kind::Access,
            KindCode::Portability => Kind::Portability,
            KindCode::Rectification => Kind::Rectification {
                mode: self.mode.ok_or_else(|| missing("mode"))?,
            },
            KindCode::Erasure => Kind::Erasure {
                scope: self.scope.ok_or_else(|| missing("scope"))?,
            },
            KindCode::Objection => Kind::Objection {
                direct_marketing: self.direct_marketing.unwrap_or(false),
            },
            KindCode::Restriction => Kind::Restriction {
                related_request: self.related_request.map(RequestId::uuid),
            },
        })
    }

    pub fn assignee_id(&self) -> Option<Uuid> {
        self.assignee.map(UserId::uuid)
    }

    pub fn deadlines(&self) -> Deadlines {
        Deadlines {
            response: self.response_due,
            execution: self.execution_due,
            legal: self.legal_due,
        }
    }

    /// The overdue rule ([`crate::domain::request::overdue`]), from the stored columns.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        crate::domain::request::overdue(self.open_due, self.suspended_since, today)
    }

    pub fn created(&self) -> DateTime<Utc> {
        utc(self.created_at)
    }

    pub fn updated(&self) -> DateTime<Utc> {
        utc(self.updated_at)
    }
}

fn details_of(stored: &StoredRequest) -> DetailsRecord {
    let r = &stored.request;
    let intake = &stored.intake;
    DetailsRecord {
        request_id: r.id.into(),
        requester_name: Some(intake.requester.name.clone()),
        requester_email: intake.requester.email.clone(),
        requester_phone: intake.requester.phone.clone(),
        client_reference: intake.subject.client_reference.clone(),
        parents_informed: intake.subject.parents_informed,
        description: intake.description.clone(),
        assessment_note: r.assessment_note.clone(),
        extension_reason: r.extension.as_ref().map(|e| e.reason.clone()),
        decision_explanation: r.decision.as_ref().and_then(|d| d.explanation.clone()),
        completion_summary: r.completion.as_ref().map(|c| c.summary.clone()),
        recipients_note: r.completion.as_ref().and_then(|c| c.recipients_note.clone()),
        withdrawal_reason: r.withdrawal.as_ref().map(|w| w.reason.clone()),
        anonymised_at: None,
        address_line: intake.requester.address.as_ref().map(|a| a.line.clone()),
        address_postcode: intake.requester.address.as_ref().map(|a| a.postcode.clone()),
        address_city: intake.requester.address.as_ref().map(|a| a.city.clone()),
        language: Some(intake.requester.language.code().to_string()),
        subject_name: intake.subject.name.clone(),
        client_key: intake.subject.client_reference.as_deref().map(client_key),
    }
}

/// Removes the child rows (pauses, grounds, recipients) of a request.
fn delete_children(conn: &mut DbConnection, id: RequestId) -> Result<(), StorageError> {
    diesel::delete(suspensions::table.filter(suspensions::request_id.eq(id))).execute(conn)?;
    diesel::delete(decision_grounds::table.filter(decision_grounds::request_id.eq(id))).execute(conn)?;
    diesel::delete(recipients::table.filter(recipients::request_id.eq(id))).execute(conn)?;
    Ok(())
}

/// Writes the child rows (pauses, grounds, recipients) of `stored`.
fn write_children(conn: &mut DbConnection, stored: &StoredRequest) -> Result<(), StorageError> {
    let r = &stored.request;
    let id = RequestId::from(r.id);
    for (number, s) in r.suspensions.iter().enumerate() {
        let record = SuspensionRecord {
            request_id: id,
            number: number as i32 + 1,
            reason: s.reason,
            asked_on: s.asked_on,
            resumed_on: s.resumed_on,
            resume_to: s.resume_to,
        };
        diesel::insert_into(suspensions::table)
            .values(&record)
            .execute(conn)?;
    }
    if let Some(decision) = &r.decision {
        for (position, ground) in decision.grounds.iter().enumerate() {
            diesel::insert_into(decision_grounds::table)
                .values((
                    decision_grounds::request_id.eq(id),
                    decision_grounds::position.eq(position as i32 + 1),
                    decision_grounds::ground.eq(ground),
                ))
                .execute(conn)?;
        }
    }
    if let Some(completion) = &r.completion {
        for (position, name) in completion.recipients_informed.iter().enumerate() {
            diesel::insert_into(recipients::table)
                .values((
                    recipients::request_id.eq(id),
                    recipients::position.eq(position as i32 + 1),
                    recipients::name.eq(name),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn insert(
    conn: &mut DbConnection,
    stored: &StoredRequest,
    deadlines: &Deadlines,
    next_reminder_at: Option<DateTime<Utc>>,
) -> Result<(), StorageError> {
    let record = RequestRecord::of(stored, deadlines, next_reminder_at);
    diesel::insert_into(requests::table)
        .values(&record)
        .execute(conn)?;
    diesel::insert_into(request_details::table)
        .values(&details_of(stored))
        .execute(conn)?;
    write_children(conn, stored)?;
    // The keys carry the list columns of the record in hand: no look-up of the row
    // just written (as `replace_requester_keys` needs for a correction).
    let keys: Vec<NewKey> = intake_keys(&stored.intake)
        .into_iter()
        .map(|key| NewKey {
            key,
            request_id: record.id,
            columns: KeyColumns::of(&record),
        })
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    // All keys in one statement (one round trip on PostgreSQL, where the writer runs
    // every statement of a batch in turn); written per backend because the
    // connection that serves both has no multi-row insert.
    let insert = diesel::insert_into(requester_keys::table).values(&keys);
    match conn {
        DbConnection::Postgresql(pg) => insert.execute(pg)?,
        DbConnection::Sqlite(lite) => insert.execute(lite)?,
    };
    Ok(())
}

/// One name key of a request, as a registration writes it.
#[derive(Insertable)]
#[diesel(table_name = requester_keys)]
struct NewKey<'a> {
    key: String,
    request_id: RequestId,
    #[diesel(embed)]
    columns: KeyColumns<'a>,
}

/// The list columns of a request that its name keys carry.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = requester_keys)]
struct KeyColumns<'a> {
    status: Status,
    kind: KindCode,
    team: &'a TeamCode,
    received_on: NaiveDate,
}

impl<'a> KeyColumns<'a> {
    fn of(record: &'a RequestRecord) -> Self {
        KeyColumns {
            status: record.status,
            kind: record.kind,
            team: &record.team,
            received_on: record.received_on,
        }
    }
}

/// Writes the name keys of a stored request, each carrying the request's list columns
/// (status, kind, team, date of receipt) so that a search by name with those filters
/// reads the keys alone (migration 000015).
fn insert_requester_keys(
    conn: &mut DbConnection,
    id: RequestId,
    keys: Vec<String>,
) -> Result<(), StorageError> {
    // A row at a time: the connection that serves both databases has no multi-row
    // insert; two names have a handful of keys.
    for key in keys {
        RawSql::new(
            "INSERT INTO requester_keys (key, request_id, status, kind, team, received_on) \
             SELECT ?, id, status, kind, team, received_on FROM requests WHERE id = ?",
        )
        .text(key)
        .text(id.to_string())
        .execute(conn)?;
    }
    Ok(())
}

/// Brings the list columns that the name keys of a request carry up to date; writes
/// nothing when none changed.
fn follow_in_requester_keys(conn: &mut DbConnection, record: &RequestRecord) -> Result<(), StorageError> {
    use super::schema::requester_keys::dsl as k;
    diesel::update(
        k::requester_keys.filter(k::request_id.eq(&record.id)).filter(
            k::status
                .ne(record.status)
                .or(k::kind.ne(record.kind))
                .or(k::team.ne(&record.team))
                .or(k::received_on.ne(record.received_on)),
        ),
    )
    .set(KeyColumns::of(record))
    .execute(conn)?;
    Ok(())
}

/// Finds the request under its requester's and client's (corrected) names from now on.
pub fn replace_requester_keys(
    conn: &mut DbConnection,
    id: RequestId,
    intake: &Intake,
) -> Result<(), StorageError> {
    diesel::delete(requester_keys::table.filter(requester_keys::request_id.eq(id))).execute(conn)?;
    insert_requester_keys(conn, id, intake_keys(intake))
}

/// Fills the name keys of requests that have a name but no keys (those registered
/// before the keys were kept), `batch` at a time; returns how many it filled.
pub fn fill_missing_requester_keys(conn: &mut DbConnection, batch: i64) -> Result<usize, StorageError> {
    let mut filled = 0;
    let mut after = String::new();
    loop {
        let names: Vec<(RequestId, Option<String>, Option<String>)> = request_details::table
            .filter(request_details::request_id.gt(&after))
            .filter(request_details::requester_name.is_not_null())
            .order(request_details::request_id.asc())
            .limit(batch)
            .select((
                request_details::request_id,
                request_details::requester_name,
                request_details::subject_name,
            ))
            .load(conn)?;
        let Some((last, ..)) = names.last() else {
            return Ok(filled);
        };
        after = last.to_string();
        let ids: Vec<RequestId> = names.iter().map(|(id, ..)| *id).collect();
        let have: std::collections::HashSet<RequestId> = requester_keys::table
            .filter(requester_keys::request_id.eq_any(ids))
            .select(requester_keys::request_id)
            .distinct()
            .load(conn)?
            .into_iter()
            .collect();
        for (id, name, subject_name) in &names {
            if let (false, Some(name)) = (have.contains(id), name) {
                insert_requester_keys(conn, *id, request_keys(name, subject_name.as_deref()))?;
                filled += 1;
            }
        }
    }
}

/// Keeps the reason of a correction or transfer beside its audit event.
pub fn add_change_reason(
    conn: &mut DbConnection,
    event: &AuditEvent,
    request_id: RequestId,
    reason: &str,
) -> Result<(), StorageError> {
    diesel::insert_into(change_reasons::table)
        .values((
            change_reasons::event_id.eq(&event.id),
            change_reasons::request_id.eq(request_id),
            change_reasons::reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// The reasons given for the corrections and transfers of a request, by event ID.
pub fn change_reasons_of(
    conn: &mut DbConnection,
    request_id: RequestId,
) -> Result<std::collections::HashMap<String, String>, StorageError> {
    Ok(change_reasons::table
        .filter(change_reasons::request_id.eq(request_id))
        .select((change_reasons::event_id, change_reasons::reason))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Saves a changed request if nobody changed it since `expected_version` was read;
/// `Ok(false)` (and nothing written) otherwise.
pub fn update(
    conn: &mut DbConnection,
    stored: &StoredRequest,
    deadlines: &Deadlines,
    next_reminder_at: Option<DateTime<Utc>>,
    expected_version: i64,
) -> Result<bool, StorageError> {
    let id = RequestId::from(stored.request.id);
    let record = RequestRecord::of(stored, deadlines, next_reminder_at);
    let changed = diesel::update(
        requests::table.filter(requests::id.eq(id).and(requests::version.eq(expected_version))),
    )
    .set(&record)
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    follow_in_requester_keys(conn, &record)?;
    diesel::update(request_details::table.find(id))
        .set(&details_of(stored))
        .execute(conn)?;
    delete_children(conn, id)?;
    write_children(conn, stored)?;
    Ok(true)
}

pub fn find_record(conn: &mut DbConnection, id: RequestId) -> Result<Option<RequestRecord>, StorageError> {
    Ok(requests::table
        .find(id)
        .select(RequestRecord::as_select())
        .get_result(conn)
        .optional()?)
}

/// The full request, or `None` when there is no such id.
pub fn load(conn: &mut DbConnection, id: RequestId) -> Result<Option<StoredRequest>, StorageError> {
    Ok(load_many(conn, &[id])?.pop())
}

/// The full requests of `ids` that exist, in the order of `ids`: five queries for
/// the lot (the reminder sweep loads 1,000 at a time).
pub fn load_many(conn: &mut DbConnection, ids: &[RequestId]) -> Result<Vec<StoredRequest>, StorageError> {
    use std::collections::HashMap;
    let mut records: HashMap<RequestId, RequestRecord> = requests::table
        .filter(requests::id.eq_any(ids))
        .select(RequestRecord::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut details: HashMap<RequestId, DetailsRecord> = request_details::table
        .filter(request_details::request_id.eq_any(ids))
        .select(DetailsRecord::as_select())
        .load(conn)?
        .into_iter()
        .map(|d| (d.request_id, d))
        .collect();
    let mut pauses: HashMap<RequestId, Vec<SuspensionRecord>> = HashMap::new();
    for pause in suspensions::table
        .filter(suspensions::request_id.eq_any(ids))
        .order((suspensions::request_id, suspensions::number.asc()))
        .select(SuspensionRecord::as_select())
        .load::<SuspensionRecord>(conn)?
    {
        pauses.entry(pause.request_id).or_default().push(pause);
    }
    let mut grounds: HashMap<RequestId, Vec<String>> = HashMap::new();
    for (id, ground) in decision_grounds::table
        .filter(decision_grounds::request_id.eq_any(ids))
        .order((decision_grounds::request_id, decision_grounds::position.asc()))
        .select((decision_grounds::request_id, decision_grounds::ground))
        .load::<(RequestId, String)>(conn)?
    {
        grounds.entry(id).or_default().push(ground);
    }
    let mut informed: HashMap<RequestId, Vec<String>> = HashMap::new();
    for (id, name) in recipients::table
        .filter(recipients::request_id.eq_any(ids))
        .order((recipients::request_id, recipients::position.asc()))
        .select((recipients::request_id, recipients::name))
        .load::<(RequestId, String)>(conn)?
    {
        informed.entry(id).or_default().push(name);
    }
    let mut loaded = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(record) = records.remove(id) else {
            continue;
        };
        let details = details
            .remove(id)
            .ok_or_else(|| StorageError::Corrupt(format!("request {id} has no details row")))?;
        loaded.push(assemble(
            record,
            details,
            pauses.remove(id).unwrap_or_default(),
            grounds.remove(id).unwrap_or_default(),
            informed.remove(id).unwrap_or_default(),
        )?);
    }
    Ok(loaded)
}

/// A request from its rows.
fn assemble(
    record: RequestRecord,
    details: DetailsRecord,
    pauses: Vec<SuspensionRecord>,
    grounds: Vec<String>,
    recipients_informed: Vec<String>,
) -> Result<StoredRequest, StorageError> {
    let status = record.status;
    let suspensions = pauses
        .into_iter()
        .map(|s| Suspension {
            reason: s.reason,
            asked_on: s.asked_on,
            resumed_on: s.resumed_on,
            resume_to: s.resume_to,
        })
        .collect();
    let decision = record.outcome.map(|outcome| Decision {
        outcome,
        grounds,
        explanation: details.decision_explanation.clone(),
        communicated_on: record.decided_on,
    });
    let completion = record.completed_on.map(|completed_on| Completion {
        summary: details.completion_summary.clone().unwrap_or_default(),
        completed_on,
        recipients_informed,
        recipients_note: details.recipients_note.clone(),
    });
    let withdrawal = match status {
        Status::Withdrawn => record.closed_on.map(|on| Withdrawal {
            reason: details.withdrawal_reason.clone().unwrap_or_default(),
            on,
            duplicate_of: record.duplicate_of.map(RequestId::uuid),
        }),
        _ => None,
    };
    let request = Request {
        id: record.id.uuid(),
        reference: record.reference.clone(),
        kind: record.kind()?,
        status,
        team: record.team.clone(),
        assignee: record.assignee_id(),
        received_on: record.received_on,
        identity_verified_by: record.identity_verified_by,
        assessment_note: details.assessment_note.clone(),
        suspensions,
        extension: record.extension_informed_on.map(|informed_on| Extension {
            reason: details.extension_reason.clone().unwrap_or_default(),
            informed_on,
            until: record.extension_until,
        }),
        decision,
        completion,
        withdrawal,
        version: record.version,
    };
    let intake = Intake {
        channel: record.channel,
        requester: Requester {
            name: details.requester_name.clone().unwrap_or_default(),
            email: details.requester_email.clone(),
            phone: details.requester_phone.clone(),
            relation: record.relation,
            address: match (
                &details.address_line,
                &details.address_postcode,
                &details.address_city,
            ) {
                (Some(line), Some(postcode), Some(city)) => Some(PostalAddress {
                    line: line.clone(),
                    postcode: postcode.clone(),
                    city: city.clone(),
                }),
                _ => None,
            },
            language: details
                .language
                .as_deref()
                .and_then(|code| Language::parse(code).ok())
                .unwrap_or(Language::Dutch),
        },
        subject: Subject {
            name: details.subject_name.clone(),
            age_band: record.age_band,
            client_reference: details.client_reference.clone(),
            parents_informed: details.parents_informed,
        },
        description: details.description.clone(),
    };
    Ok(StoredRequest {
        request,
        intake,
        created_at: record.created(),
        updated_at: record.updated(),
        anonymised_at: details.anonymised_at.map(utc),
        registered_by: record.registered_by.map(UserId::uuid),
    })
}

/// The open requests of the same kind as `stored` that may be the same request
/// registered twice: the same requester (name, and e-mail address or phone number) or
/// the same client (name, or client number). Names are compared folded (case and
/// accents ignored), a phone number by its digits. At most 20, by reference.
pub fn possible_duplicates(
    conn: &mut DbConnection,
    stored: &StoredRequest,
) -> Result<Vec<StoredRequest>, StorageError> {
    let intake = &stored.intake;
    let client_name = |intake: &Intake| {
        fold(match (&intake.subject.name, intake.requester.on_behalf()) {
            (Some(name), true) => name,
            _ => &intake.requester.name,
        })
    };
    let (requester, client) = (fold(&intake.requester.name), client_name(intake));
    let id = RequestId::from(stored.request.id);
    let open = ["completed", "refused", "withdrawn"];
    let kind = stored.request.kind.code();
    let mut candidates: Vec<RequestId> = requester_keys::table
        .filter(requester_keys::key.eq_any([&requester, &client]))
        .filter(requester_keys::kind.eq(kind))
        .filter(requester_keys::status.ne_all(open))
        .filter(requester_keys::request_id.ne(id))
        .select(requester_keys::request_id)
        .distinct()
        .limit(50)
        .load(conn)?;
    if let Some(number) = intake.subject.client_reference.as_deref().map(client_key) {
        candidates.extend(
            request_details::table
                .inner_join(requests::table)
                .filter(request_details::client_key.eq(number))
                .filter(requests::kind.eq(kind))
                .filter(requests::status.ne_all(open))
                .filter(requests::id.ne(id))
                .select(requests::id)
                .limit(50)
                .load::<RequestId>(conn)?,
        );
    }
    candidates.sort();
    candidates.dedup();
    let digits = |phone: &Option<String>| {
        phone
            .as_deref()
            .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
            .filter(|d| !d.is_empty())
    };
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let mut found: Vec<StoredRequest> = load_many(conn, &candidates)?
        .into_iter()
        .filter(|other| {
            let o = &other.intake;
            let same_requester = fold(&o.requester.name) == requester
                && (same(
                    &o.requester.email.as_deref().map(str::to_lowercase),
                    &intake.requester.email.as_deref().map(str::to_lowercase),
                ) || same(&digits(&o.requester.phone), &digits(&intake.requester.phone)));
            let same_client = client_name(o) == client
                || same(
                    &o.subject.client_reference.as_deref().map(client_key),
                    &intake.subject.client_reference.as_deref().map(client_key),
                );
            same_requester || same_client
        })
        .collect();
    found.sort_by(|a, b| a.request.reference.cmp(&b.request.reference));
    found.truncate(20);
    Ok(found)
}

pub fn id_by_reference(conn: &mut DbConnection, reference: &str) -> Result<Option<RequestId>, StorageError> {
    Ok(requests::table
        .filter(requests::reference.eq(reference))
        .select(requests::id)
        .get_result(conn)
        .optional()?)
}

/// Closed requests past retention whose personal data is still there (ids).
pub fn due_for_anonymisation(
    conn: &mut DbConnection,
    closed_before: NaiveDate,
    limit: i64,
) -> Result<Vec<RequestId>, StorageError> {
    // The partial index `requests_retention_idx` holds exactly these, by closing day.
    Ok(requests::table
        .filter(requests::anonymised_at.is_null())
        .filter(requests::closed_on.lt(closed_before))
        .order(requests::closed_on.asc())
        .limit(limit)
        .select(requests::id)
        .load(conn)?)
}

/// Removes the personal data and free text of a request, keeping kinds, dates,
/// outcomes and grounds (in `requests` and `decision_grounds`) for the statistics.
pub fn anonymise(conn: &mut DbConnection, id: RequestId, at: NaiveDateTime) -> Result<(), StorageError> {
    use super::schema::request_details::dsl as d;
    diesel::update(d::request_details.find(id))
        .set((
            d::requester_name.eq(None::<String>),
            d::requester_email.eq(None::<String>),
            d::requester_phone.eq(None::<String>),
            d::client_reference.eq(None::<String>),
            d::client_key.eq(None::<String>),
            d::subject_name.eq(None::<String>),
            d::parents_informed.eq(None::<bool>),
            d::description.eq(None::<String>),
            d::assessment_note.eq(None::<String>),
            d::extension_reason.eq(None::<String>),
            d::decision_explanation.eq(None::<String>),
            d::completion_summary.eq(None::<String>),
            d::recipients_note.eq(None::<String>),
            d::withdrawal_reason.eq(None::<String>),
            d::address_line.eq(None::<String>),
            d::address_postcode.eq(None::<String>),
            d::address_city.eq(None::<String>),
            d::anonymised_at.eq(Some(at)),
        ))
        .execute(conn)?;
    diesel::update(requests::table.find(id))
        .set(requests::anonymised_at.eq(Some(at)))
        .execute(conn)?;
    diesel::delete(recipients::table.filter(recipients::request_id.eq(id))).execute(conn)?;
    diesel::delete(requester_keys::table.filter(requester_keys::request_id.eq(id))).execute(conn)?;
    diesel::delete(change_reasons::table.filter(change_reasons::request_id.eq(id))).execute(conn)?;
    Ok(())
}

/// How many requests the register holds.
pub fn count(conn: &mut DbConnection) -> Result<i64, StorageError> {
    Ok(requests::table.count().get_result(conn)?)
}

/// How many open requests are assigned to `user_id`.
pub fn open_assigned_to(conn: &mut DbConnection, user_id: UserId) -> Result<i64, StorageError> {
    Ok(requests::table
        .filter(requests::assignee.eq(user_id))
        .filter(requests::open_due.is_not_null())
        .count()
        .get_result(conn)?)
}

/// Has the sweep look at the open requests assigned to `user_id` again at `at` (their
/// assignee was deactivated: they are unassigned now).
pub fn reschedule_reminders_of(
    conn: &mut DbConnection,
    user_id: UserId,
    at: NaiveDateTime,
) -> Result<usize, StorageError> {
    Ok(diesel::update(
        requests::table
            .filter(requests::assignee.eq(user_id))
            .filter(requests::open_due.is_not_null()),
    )
    .set(requests::next_reminder_at.eq(Some(at)))
    .execute(conn)?)
}
