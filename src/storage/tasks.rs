//! The `tasks` table: one system's part in carrying out one request; and
//! `used_signatures`, the signed reports already accepted.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::dashboard::Figure;
use super::schema::{requests, systems, tasks, used_signatures};
use super::{DbConnection, StorageError};
use crate::domain::ids::{RequestId, TaskId, UserId};
use crate::domain::kind::KindCode;
use crate::domain::request::Status;
use crate::domain::tasks::{SystemCode, TaskStatus};
use crate::domain::team::TeamCode;

/// One row of `tasks`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tasks)]
pub struct TaskRow {
    pub id: TaskId,
    pub request_id: RequestId,
    pub system_code: SystemCode,
    pub owner_id: UserId,
    pub status: TaskStatus,
    pub opened_on: NaiveDate,
    pub due: NaiveDate,
    pub note: Option<String>,
    pub done_by: Option<String>,
    pub done_at: Option<NaiveDateTime>,
    pub next_reminder_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The request's team (its copy, for counting open tasks within a caller's
    /// teams without reading the requests).
    pub team: TeamCode,
}

/// A task with what its readers need beside it: the system's name and deputy, and the
/// request's reference, kind, status and team.
#[derive(Debug, Clone, Queryable, Selectable)]
pub struct TaskInfo {
    #[diesel(embed)]
    pub task: TaskRow,
    #[diesel(select_expression = systems::name)]
    pub system_name: String,
    #[diesel(select_expression = systems::deputy_id)]
    pub deputy_id: Option<UserId>,
    #[diesel(select_expression = requests::reference)]
    pub reference: String,
    #[diesel(select_expression = requests::kind)]
    pub kind: KindCode,
    #[diesel(select_expression = requests::status)]
    pub request_status: Status,
    #[diesel(select_expression = requests::team)]
    pub team: TeamCode,
    #[diesel(select_expression = requests::assignee)]
    pub assignee: Option<UserId>,
}

/// Inserts a task unless the request has one for that system already; true when it
/// was inserted.
pub fn insert(conn: &mut DbConnection, row: &TaskRow) -> Result<bool, StorageError> {
    let exists = tasks::table
        .filter(tasks::request_id.eq(row.request_id))
        .filter(tasks::system_code.eq(&row.system_code))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(tasks::table).values(row).execute(conn)?;
    Ok(true)
}

/// Writes many new tasks at once (seeding): on PostgreSQL 500 to a statement, on
/// SQLite (where a statement is cheap) one each.
pub fn insert_many(conn: &mut DbConnection, rows: &[TaskRow]) -> Result<(), StorageError> {
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(500) {
                diesel::insert_into(tasks::table)
                    .values(chunk.to_vec())
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(_) => {
            for row in rows {
                diesel::insert_into(tasks::table).values(row).execute(conn)?;
            }
        }
    }
    Ok(())
}

/// One task with its system and request.
pub fn find(conn: &mut DbConnection, id: TaskId) -> Result<Option<TaskInfo>, StorageError> {
    Ok(tasks::table
        .inner_join(systems::table)
        .inner_join(requests::table)
        .filter(tasks::id.eq(id))
        .select(TaskInfo::as_select())
        .first(conn)
        .optional()?)
}

/// A request's tasks, by system code.
pub fn of_request(conn: &mut DbConnection, request_id: RequestId) -> Result<Vec<TaskInfo>, StorageError> {
    Ok(tasks::table
        .inner_join(systems::table)
        .inner_join(requests::table)
        .filter(tasks::request_id.eq(request_id))
        .order(tasks::system_code.asc())
        .select(TaskInfo::as_select())
        .load(conn)?)
}

/// The open tasks a user owns or stands in for as a system's deputy, soonest due
/// first (at most `limit`).
pub fn open_for(conn: &mut DbConnection, user: UserId, limit: i64) -> Result<Vec<TaskInfo>, StorageError> {
    // Both sides of the OR on `tasks` itself, each with an index (the owner's, the
    // open tasks' by system), not a test of every task's system.
    let deputy_of: Vec<SystemCode> = systems::table
        .filter(systems::deputy_id.eq(user))
        .select(systems::code)
        .load(conn)?;
    Ok(tasks::table
        .inner_join(systems::table)
        .inner_join(requests::table)
        .filter(tasks::status.eq(TaskStatus::Open))
        .filter(tasks::owner_id.eq(user).or(tasks::system_code.eq_any(deputy_of)))
        .order((tasks::due.asc(), tasks::id.asc()))
        .limit(limit)
        .select(TaskInfo::as_select())
        .load(conn)?)
}

/// The codes and names of a request's open tasks' systems.
pub fn open_systems_of(
    conn: &mut DbConnection,
    request_id: RequestId,
) -> Result<Vec<(SystemCode, String)>, StorageError> {
    Ok(tasks::table
        .inner_join(systems::table)
        .filter(tasks::request_id.eq(request_id))
        .filter(tasks::status.eq(TaskStatus::Open))
        .order(tasks::system_code.asc())
        .select((tasks::system_code, systems::name))
        .load(conn)?)
}

/// Whether `user` owns a task of the request or stands in for its system's owner.
pub fn involves(conn: &mut DbConnection, request_id: RequestId, user: UserId) -> Result<bool, StorageError> {
    Ok(tasks::table
        .inner_join(systems::table)
        .filter(tasks::request_id.eq(request_id))
        .filter(tasks::owner_id.eq(user).or(systems::deputy_id.eq(user)))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// A task's new state after an action.
pub struct TaskChange<'a> {
    pub status: TaskStatus,
    pub note: Option<&'a str>,
    pub done_by: Option<&'a str>,
    pub done_at: Option<NaiveDateTime>,
    pub next_reminder_at: Option<NaiveDateTime>,
}

/// Writes an action's outcome, if the task is still `expected`; false when it
/// changed meanwhile.
pub fn change(
    conn: &mut DbConnection,
    id: TaskId,
    expected: TaskStatus,
    change: &TaskChange<'_>,
    at: NaiveDateTime,
) -> Result<bool, StorageError> {
    let changed = diesel::update(tasks::table.find(id).filter(tasks::status.eq(expected)))
        .set((
            tasks::status.eq(change.status),
            tasks::note.eq(change.note),
            tasks::done_by.eq(change.done_by),
            tasks::done_at.eq(change.done_at),
            tasks::next_reminder_at.eq(change.next_reminder_at),
            tasks::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Sets an open task's due date (the request's execution deadline moved, or its
/// clock runs again) and has the next reminder sweep look at it.
pub fn set_due(
    conn: &mut DbConnection,
    id: TaskId,
    due: NaiveDate,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(tasks::table.find(id).filter(tasks::status.eq(TaskStatus::Open)))
        .set((
            tasks::due.eq(due),
            tasks::next_reminder_at.eq(at),
            tasks::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The open tasks whose next reminder moment has come (at most `limit`), the
/// longest waiting first.
pub fn reminders_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<TaskInfo>, StorageError> {
    Ok(tasks::table
        .inner_join(systems::table)
        .inner_join(requests::table)
        .filter(tasks::next_reminder_at.le(now))
        .filter(tasks::status.eq(TaskStatus::Open))
        .order((tasks::next_reminder_at.asc(), tasks::id.asc()))
        .limit(limit)
        .select(TaskInfo::as_select())
        .load(conn)?)
}

/// Each task's next reminder moment after a sweep (none: nothing more to send).
pub fn set_next_reminders(
    conn: &mut DbConnection,
    moments: &[(TaskId, Option<NaiveDateTime>)],
) -> Result<(), StorageError> {
    super::sql::set_next_reminders(conn, "tasks", moments)
}

/// Hands a system's open tasks to its new owner, whose reminders the next sweep
/// plans; returns how many moved.
pub fn move_open_to(
    conn: &mut DbConnection,
    system: &SystemCode,
    owner: UserId,
    at: NaiveDateTime,
) -> Result<usize, StorageError> {
    Ok(diesel::update(
        tasks::table
            .filter(tasks::system_code.eq(system))
            .filter(tasks::status.eq(TaskStatus::Open)),
    )
    .set((
        tasks::owner_id.eq(owner),
        tasks::next_reminder_at.eq(at),
        tasks::updated_at.eq(at),
    ))
    .execute(conn)?)
}

/// Removes the notes of a request's tasks (retention).
pub fn purge_notes(conn: &mut DbConnection, request_id: RequestId) -> Result<(), StorageError> {
    diesel::update(tasks::table.filter(tasks::request_id.eq(request_id)))
        .set(tasks::note.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Records a report's signature; false when it was used before (a replay).
pub fn use_signature(
    conn: &mut DbConnection,
    signature: &str,
    at: NaiveDateTime,
) -> Result<bool, StorageError> {
    super::inserted(
        diesel::insert_into(used_signatures::table)
            .values((
                used_signatures::signature.eq(signature),
                used_signatures::used_at.eq(at),
            ))
            .execute(conn),
    )
}

/// Forgets the signatures used before `before` (their time no longer passes).
pub fn forget_signatures(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StorageError> {
    Ok(diesel::delete(used_signatures::table.filter(used_signatures::used_at.lt(before))).execute(conn)?)
}

/// The names of the systems a request was carried out in (their tasks done), by
/// code.
pub fn done_system_names(
    conn: &mut DbConnection,
    request_id: RequestId,
) -> Result<Vec<String>, StorageError> {
    Ok(tasks::table
        .inner_join(systems::table)
        .filter(tasks::request_id.eq(request_id))
        .filter(tasks::status.eq(TaskStatus::Done))
        .order(tasks::system_code.asc())
        .select(systems::name)
        .load(conn)?)
}

/// Open tasks of requests of the teams in `sight`, counted per system and owner:
/// (system, owner, open, of those overdue — due before `today`). Read from the
/// counters of migration 000032 (`open_tasks`, kept by triggers on `tasks`): a row per
/// team, system, owner and due date, however many tasks are open.
pub fn open_counts(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    today: NaiveDate,
) -> Result<Vec<(SystemCode, UserId, i64, i64)>, StorageError> {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        system_code: SystemCode,
        #[diesel(sql_type = Text)]
        owner_id: UserId,
        #[diesel(sql_type = BigInt)]
        open: i64,
        #[diesel(sql_type = BigInt)]
        overdue: i64,
    }
    // The teams come first in the text, as `Figure::load` binds them first.
    const OPEN_TASKS: Figure = Figure {
        sql: "WITH t AS (SELECT system_code, owner_id, due, n FROM open_tasks \
              WHERE team IN ({teams})) \
              SELECT system_code, owner_id, CAST(SUM(n) AS BIGINT) AS open, \
              CAST(SUM(CASE WHEN due < ? THEN n ELSE 0 END) AS BIGINT) AS overdue \
              FROM t GROUP BY system_code, owner_id",
        index: "",
        postgres: "",
    };
    Ok(OPEN_TASKS
        .load::<Row>(conn, sight, &[today])?
        .into_iter()
        .map(|r| (r.system_code, r.owner_id, r.open, r.overdue))
        .collect())
}

/// Keeps the request's team on its tasks (the request moved to another team).
pub fn follow_team(
    conn: &mut DbConnection,
    request_id: RequestId,
    team: &TeamCode,
) -> Result<(), StorageError> {
    diesel::update(
        tasks::table
            .filter(tasks::request_id.eq(request_id))
            .filter(tasks::team.ne(team)),
    )
    .set(tasks::team.eq(team))
    .execute(conn)?;
    Ok(())
}

/// How many requests received from `first` to `last` were carried out in each
/// system (their task for it done), by code; systems with none are left out.
pub fn carried_out_between(
    conn: &mut DbConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(SystemCode, i64)>, StorageError> {
    Ok(tasks::table
        .inner_join(requests::table)
        .filter(requests::received_on.between(first, last))
        .filter(tasks::status.eq(TaskStatus::Done))
        .group_by(tasks::system_code)
        .select((tasks::system_code, diesel::dsl::count_star()))
        .load(conn)?)
}
