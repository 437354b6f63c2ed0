//! The figures of the privacy officer's dashboard, counted in the database.

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Text};
use diesel::sqlite::Sqlite;

use super::requests::RequestRecord;
use super::schema::{notifications, requests};
use super::sql::{RawSql, OVERDUE};
use super::{DbConnection, StorageError};
use crate::domain::ids::{RequestId, UserId};
use crate::domain::kind::KindCode;
use crate::domain::reminders::OutboxStatus;
use crate::domain::request::{Outcome, Status};
use crate::domain::team::TeamCode;

/// How many open requests there are of one team, status, kind and assignee.
#[derive(Debug, Clone, QueryableByName)]
pub struct OpenCount {
    #[diesel(sql_type = Text)]
    pub team: TeamCode,
    #[diesel(sql_type = Text)]
    pub status: Status,
    #[diesel(sql_type = Text)]
    pub kind: KindCode,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee: Option<UserId>,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// How many requests of a kind were decided (or completed) in the window after a given
/// number of days, on time or late: a histogram to take shares and medians from.
#[derive(Debug, Clone, QueryableByName)]
pub struct OutcomeCount {
    #[diesel(sql_type = Text)]
    pub kind: KindCode,
    #[diesel(sql_type = Nullable<Integer>)]
    pub days: Option<i32>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub on_time: Option<bool>,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

#[derive(Debug, Clone, QueryableByName)]
struct Overdue {
    #[diesel(sql_type = BigInt)]
    response: i64,
    #[diesel(sql_type = BigInt)]
    execution: i64,
}

#[derive(Debug, Clone, QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(Debug, Clone, QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: RequestId,
}

/// The figures about open requests, as of `today`.
#[derive(Debug, Clone)]
pub struct OpenFigures {
    pub open: Vec<OpenCount>,
    pub overdue_response: i64,
    pub overdue_execution: i64,
    /// Open requests past their legal limit (AVG 12(3)).
    pub past_legal_limit: i64,
    pub oldest_overdue: Vec<RequestRecord>,
    /// Open, unpaused requests whose deadline falls from today to the last "soon" day.
    pub due_soon: i64,
    pub failed_mails: i64,
}

/// The figures over a window of days: decisions, completions, extensions.
#[derive(Debug, Clone, Default)]
pub struct WindowFigures {
    /// Decisions communicated since the start of the window.
    pub decisions: Vec<OutcomeCount>,
    /// Completions since the start of the window.
    pub completions: Vec<OutcomeCount>,
    /// Extensions announced since the start of the window, per kind.
    pub extensions: Vec<(KindCode, i64)>,
}

/// One dashboard query, written once: `{index}` names the index SQLite must use
/// (`INDEXED BY`; PostgreSQL's planner, with its statistics, needs no hint), `{teams}`
/// the caller's sight, `?` the date parameters in order.
pub(super) struct Figure {
    pub(super) sql: &'static str,
    pub(super) index: &'static str,
    /// PostgreSQL's text where it differs ("" for the same).
    pub(super) postgres: &'static str,
}

impl Figure {
    fn text(&self, postgres: bool, teams: usize) -> String {
        let sql = if postgres && !self.postgres.is_empty() {
            self.postgres
        } else {
            self.sql
        };
        sql.replace("{overdue}", OVERDUE)
            .replace(
                "{index}",
                &if postgres || self.index.is_empty() {
                    String::new()
                } else {
                    format!("INDEXED BY {}", self.index)
                },
            )
            .replace("{teams}", &vec!["?"; teams.max(1)].join(", "))
    }

    /// Runs the query with the teams bound first, then `dates`.
    pub(super) fn load<T>(
        &self,
        conn: &mut DbConnection,
        teams: &[TeamCode],
        dates: &[NaiveDate],
    ) -> Result<Vec<T>, StorageError>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        let postgres = matches!(conn, DbConnection::Postgresql(_));
        let mut query = RawSql::new(self.text(postgres, teams.len()));
        if teams.is_empty() {
            // An empty sight matches nothing: bind a team code that cannot exist.
            query = query.text("");
        }
        for team in teams {
            query = query.text(team.as_str());
        }
        for date in dates {
            query = query.date(*date);
        }
        query.load(conn)
    }
}

/// The open figures are read from counters (migration 000019, kept by triggers on
/// `requests`): `open_counts` per team, status, kind and assignee, `open_deadlines`
/// per team, deadline and day. A few hundred rows, whatever the size of the register.
const OPEN: Figure = Figure {
    sql: "SELECT team, status, kind, NULLIF(assignee, '') AS assignee, CAST(n AS BIGINT) AS count \
          FROM open_counts WHERE team IN ({teams}) AND n > 0",
    index: "",
    postgres: "",
};
/// Overdue: deadlines before today (a paused request is counted only when its
/// deadline lay before its pause, see the migration).
const OVERDUE_COUNTS: Figure = Figure {
    sql: "SELECT COALESCE(SUM(CASE WHEN deadline = 'response' THEN n ELSE 0 END), 0) AS response, \
          COALESCE(SUM(CASE WHEN deadline = 'execution' THEN n ELSE 0 END), 0) AS execution \
          FROM open_deadlines WHERE team IN ({teams}) \
          AND deadline IN ('response', 'execution') AND day < ?",
    index: "",
    postgres: "",
};
/// Read for one team at a time: with the team fixed the index is in deadline order and
/// the read stops after 20 (for several teams at once every overdue request was sorted).
const OLDEST_OVERDUE: Figure = Figure {
    sql: "SELECT id FROM requests {index} \
          WHERE team IN ({teams}) AND open_due IS NOT NULL AND {overdue} \
          ORDER BY open_due, reference LIMIT 20",
    index: "requests_open_due_by_team_idx",
    postgres: "",
};
/// Due soon: running (not paused) deadlines from today to the last "soon" day.
const DUE_SOON: Figure = Figure {
    sql: "SELECT COALESCE(SUM(n), 0) AS count FROM open_deadlines \
          WHERE team IN ({teams}) AND deadline IN ('response', 'execution') AND running = 1 \
          AND day >= ? AND day <= ?",
    index: "",
    postgres: "",
};
const PAST_LEGAL_LIMIT: Figure = Figure {
    sql: "SELECT COALESCE(SUM(n), 0) AS count FROM open_deadlines \
          WHERE team IN ({teams}) AND deadline = 'legal' AND day < ?",
    index: "",
    postgres: "",
};
/// A histogram of one measure over the window from `?` on: per group of
/// `outcome_groups` (team, kind, days, on time; migration 000018, kept by triggers),
/// its total of all days minus its running total on the last day before the window
/// (`outcome_totals`): one look-up per group instead of summing every day of the
/// window in `daily_outcomes`. `-1` stands for "does not apply". The teams come first
/// in the text, as [`Figure::load`] binds them first.
///
/// PostgreSQL sums the window's day rows instead (`window_days!`): its hash aggregate
/// over an index that holds `n` (`daily_outcomes_window_idx`, migration 000019) reads
/// some 27,000 rows in about 11 ms, where a correlated look-up per group costs it
/// about 20 µs (3,593 groups: 67-90 ms).
macro_rules! window_histogram {
    ($measure:literal) => {
        concat!(
            "WITH g AS (SELECT measure, team, kind, days, on_time, total FROM outcome_groups \
             WHERE measure = '",
            $measure,
            "' AND team IN ({teams})) \
             SELECT kind, CASE WHEN days < 0 THEN NULL ELSE days END AS days, \
             CASE WHEN on_time < 0 THEN NULL ELSE on_time = 1 END AS on_time, SUM(n) AS count \
             FROM (SELECT g.kind, g.days, g.on_time, g.total - COALESCE((SELECT t.total \
                   FROM outcome_totals AS t WHERE t.measure = g.measure AND t.team = g.team \
                   AND t.kind = g.kind AND t.days = g.days AND t.on_time = g.on_time \
                   AND t.day < ? ORDER BY t.day DESC LIMIT 1), 0) AS n FROM g) AS w \
             GROUP BY kind, days, on_time HAVING SUM(n) > 0"
        )
    };
}
/// PostgreSQL's text of a window histogram: the window's day rows, summed.
macro_rules! window_days {
    ($measure:literal) => {
        concat!(
            "SELECT kind, CASE WHEN days < 0 THEN NULL ELSE days END AS days, \
             CASE WHEN on_time < 0 THEN NULL ELSE on_time = 1 END AS on_time, SUM(n) AS count \
             FROM daily_outcomes WHERE measure = '",
            $measure,
            "' AND team IN ({teams}) AND day >= ? \
             GROUP BY kind, days, on_time HAVING SUM(n) > 0"
        )
    };
}
/// A histogram of one measure from the window's counters (migration 000033), with the
/// first day they count from, in one statement (one snapshot): at least one row while
/// a start is recorded, the histogram's columns empty when the window holds nothing.
macro_rules! window_counted {
    ($measure:literal) => {
        concat!(
            "SELECT s.since AS since, w.kind, w.days, w.on_time, w.count \
             FROM outcome_window_start AS s LEFT JOIN ( \
             SELECT kind, CASE WHEN days < 0 THEN NULL ELSE days END AS days, \
             CASE WHEN on_time < 0 THEN NULL ELSE on_time = 1 END AS on_time, SUM(n) AS count \
             FROM outcome_window WHERE measure = '",
            $measure,
            "' AND team IN ({teams}) \
             GROUP BY kind, days, on_time HAVING SUM(n) > 0) AS w ON 1 = 1 \
             WHERE s.id = 1"
        )
    };
}
/// One row of [`window_counted!`].
#[derive(Debug, Clone, QueryableByName)]
struct CountedRow {
    #[diesel(sql_type = Date)]
    since: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<KindCode>,
    #[diesel(sql_type = Nullable<Integer>)]
    days: Option<i32>,
    #[diesel(sql_type = Nullable<Bool>)]
    on_time: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    count: Option<i64>,
}

/// A measure's window: its counted form, and the form that reads every group (or day)
/// when the counters do not hold the window asked for.
struct WindowFigure {
    counted: Figure,
    read: Figure,
}

impl WindowFigure {
    fn load(
        &self,
        conn: &mut DbConnection,
        sight: &[TeamCode],
        since: NaiveDate,
    ) -> Result<Vec<OutcomeCount>, StorageError> {
        let counted = self.counted.load::<CountedRow>(conn, sight, &[])?;
        if counted.first().is_some_and(|row| row.since == since) {
            return Ok(counted
                .into_iter()
                .filter_map(|row| {
                    Some(OutcomeCount {
                        kind: row.kind?,
                        days: row.days,
                        on_time: row.on_time,
                        count: row.count?,
                    })
                })
                .collect());
        }
        self.read.load(conn, sight, &[since])
    }
}

macro_rules! window_figure {
    ($measure:literal) => {
        WindowFigure {
            counted: Figure {
                sql: window_counted!($measure),
                index: "",
                postgres: "",
            },
            read: Figure {
                sql: window_histogram!($measure),
                index: "",
                postgres: window_days!($measure),
            },
        }
    };
}
const DECISIONS: WindowFigure = window_figure!("decision");
const COMPLETIONS: WindowFigure = window_figure!("completion");
const EXTENSIONS: WindowFigure = window_figure!("extension");
/// Decisions without a decision letter (migration 000019): one group per team and kind.
const UNLETTERED: WindowFigure = window_figure!("unlettered");

/// The first day the window's counters count from, if they are kept.
pub fn window_start(conn: &mut DbConnection) -> Result<Option<NaiveDate>, StorageError> {
    #[derive(QueryableByName)]
    struct Start {
        #[diesel(sql_type = Date)]
        since: NaiveDate,
    }
    Ok(RawSql::new("SELECT since FROM outcome_window_start WHERE id = 1")
        .load::<Start>(conn)?
        .pop()
        .map(|start| start.since))
}

/// Counts the window afresh from `since` on (its counters are then kept by the
/// triggers of migration 000033 until the next start). One transaction; on PostgreSQL
/// it takes the audit chain's head first, as every writer of `daily_outcomes` does, so
/// no outcome is written between the count and the start.
pub fn start_window(conn: &mut DbConnection, since: NaiveDate) -> Result<(), StorageError> {
    use diesel::connection::SimpleConnection;
    conn.transaction(|conn| {
        super::audit::lock_head_first(conn)?;
        conn.batch_execute("DELETE FROM outcome_window")?;
        RawSql::new(
            "INSERT INTO outcome_window_start (id, since) VALUES (1, ?) \
             ON CONFLICT (id) DO UPDATE SET since = excluded.since",
        )
        .date(since)
        .execute(conn)?;
        RawSql::new(
            "INSERT INTO outcome_window (measure, team, kind, days, on_time, n) \
             SELECT measure, team, kind, days, on_time, SUM(n) FROM daily_outcomes \
             WHERE day >= ? GROUP BY measure, team, kind, days, on_time",
        )
        .date(since)
        .execute(conn)?;
        Ok(())
    })
}

/// The team codes in the caller's sight (`None`: every team).
pub fn sight(conn: &mut DbConnection, teams: &Option<Vec<TeamCode>>) -> Result<Vec<TeamCode>, StorageError> {
    Ok(match teams {
        Some(teams) => teams.clone(),
        None => super::schema::teams::table
            .select(super::schema::teams::code)
            .load(conn)?,
    })
}

/// Open, overdue, past the legal limit, due soon (until `soon_until`) and failed mails
/// for a caller who sees `teams` (`None`: all; `sight` the same as team codes), each
/// from the counters of migration 000019; nothing is loaded row by row but the 20
/// oldest overdue requests (over the index of migration 000006).
pub fn open_figures(
    conn: &mut DbConnection,
    teams: &Option<Vec<TeamCode>>,
    sight: &[TeamCode],
    today: NaiveDate,
    soon_until: NaiveDate,
) -> Result<OpenFigures, StorageError> {
    let open = OPEN.load::<OpenCount>(conn, sight, &[])?;
    let overdue = OVERDUE_COUNTS
        .load::<Overdue>(conn, sight, &[today])?
        .pop()
        .unwrap_or(Overdue {
            response: 0,
            execution: 0,
        });
    let mut ids: Vec<RequestId> = Vec::new();
    for team in sight {
        let oldest = OLDEST_OVERDUE.load::<Id>(conn, std::slice::from_ref(team), &[today])?;
        ids.extend(oldest.into_iter().map(|row| row.id));
    }
    let mut oldest_overdue: Vec<RequestRecord> = requests::table
        .filter(requests::id.eq_any(&ids))
        .select(RequestRecord::as_select())
        .load(conn)?;
    oldest_overdue.sort_by(|a, b| (a.open_due, &a.reference).cmp(&(b.open_due, &b.reference)));
    oldest_overdue.truncate(20);
    let due_soon = DUE_SOON
        .load::<Count>(conn, sight, &[today, soon_until])?
        .first()
        .map_or(0, |c| c.count);
    let past_legal_limit = PAST_LEGAL_LIMIT
        .load::<Count>(conn, sight, &[today])?
        .first()
        .map_or(0, |c| c.count);
    let failed_mails = match teams {
        // Digests belong to no request: only a caller who sees everything counts them.
        None => notifications::table
            .filter(notifications::status.eq(OutboxStatus::Failed))
            .filter(notifications::letter_id.is_null())
            .count()
            .get_result(conn)?,
        Some(teams) => notifications::table
            .inner_join(requests::table.on(notifications::request_id.eq(requests::id.nullable())))
            .filter(notifications::status.eq(OutboxStatus::Failed))
            .filter(notifications::letter_id.is_null())
            .filter(requests::team.eq_any(teams))
            .count()
            .get_result(conn)?,
    };
    Ok(OpenFigures {
        open,
        overdue_response: overdue.response,
        overdue_execution: overdue.execution,
        past_legal_limit,
        oldest_overdue,
        due_soon,
        failed_mails,
    })
}

/// Decisions communicated since `since`, by kind, days and on time (a histogram).
pub fn decisions(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<Vec<OutcomeCount>, StorageError> {
    DECISIONS.load(conn, sight, since)
}

/// Completions since `since`, by kind, days and on time (a histogram).
pub fn completions(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<Vec<OutcomeCount>, StorageError> {
    COMPLETIONS.load(conn, sight, since)
}

/// Extensions announced since `since`, per kind.
pub fn extensions(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<Vec<(KindCode, i64)>, StorageError> {
    // Extensions have no days and no on-time (-1): one row per kind.
    Ok(EXTENSIONS
        .load(conn, sight, since)?
        .into_iter()
        .map(|k| (k.kind, k.count))
        .collect())
}

/// Decisions communicated since `since` without a decision letter (queued, sent or
/// failed) on record.
pub fn decisions_without_letter(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<i64, StorageError> {
    Ok(UNLETTERED.load(conn, sight, since)?.iter().map(|k| k.count).sum())
}

/// Pauses the triggers that keep `outcome_totals` and `outcome_groups` (migration
/// 000018) for a bulk load: seeding writes years of decisions in random order, and
/// each would add to every later day of its group. [`rebuild_totals`] ends the pause.
pub fn pause_totals(conn: &mut DbConnection) -> Result<(), StorageError> {
    use diesel::connection::SimpleConnection;
    // The window's counters are not kept during the load either: without a start the
    // dashboard reads the running totals until `serve` starts the window again.
    conn.batch_execute(
        "INSERT INTO outcome_totals_paused (id) VALUES (1) ON CONFLICT DO NOTHING; \
         DELETE FROM outcome_window_start;",
    )?;
    Ok(())
}

/// Whether the running totals are paused (a bulk load is under way, or stopped).
pub fn totals_paused(conn: &mut DbConnection) -> Result<bool, StorageError> {
    let paused: i64 = RawSql::new("SELECT COUNT(*) AS count FROM outcome_totals_paused")
        .load::<Count>(conn)?
        .first()
        .map_or(0, |c| c.count);
    Ok(paused > 0)
}

/// Computes the running totals afresh from `daily_outcomes`, as migration 000018
/// filled them, and ends a pause: one transaction.
pub fn rebuild_totals(conn: &mut DbConnection) -> Result<(), StorageError> {
    use diesel::connection::SimpleConnection;
    conn.transaction(|conn| {
        conn.batch_execute(
            "DELETE FROM outcome_totals; \
             DELETE FROM outcome_groups; \
             INSERT INTO outcome_totals (measure, team, kind, days, on_time, day, total) \
             SELECT measure, team, kind, days, on_time, day, \
             SUM(n) OVER (PARTITION BY measure, team, kind, days, on_time ORDER BY day) \
             FROM daily_outcomes; \
             INSERT INTO outcome_groups (measure, team, kind, days, on_time, total) \
             SELECT measure, team, kind, days, on_time, SUM(n) FROM daily_outcomes \
             GROUP BY measure, team, kind, days, on_time; \
             DELETE FROM outcome_totals_paused;",
        )?;
        Ok(())
    })
}

/// The facts of every request received in `year` that the report counts.
#[derive(Debug, Clone, Queryable)]
pub struct ReportRow {
    pub kind: KindCode,
    pub team: TeamCode,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub received_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    /// Whether the decision reached the requester in time (after an extension
    /// announced first, by the extended date) and the completion met its deadline.
    pub decided_on_time: Option<bool>,
    pub completed_on_time: Option<bool>,
    /// Closed as a duplicate of this request.
    pub duplicate_of: Option<String>,
}

pub fn year_rows(conn: &mut DbConnection, year: i32) -> Result<Vec<ReportRow>, StorageError> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    Ok(requests::table
        .filter(requests::received_on.between(first, last))
        .select((
            requests::kind,
            requests::team,
            requests::status,
            requests::outcome,
            requests::received_on,
            requests::decided_on,
            requests::completed_on,
            requests::decided_on_time,
            requests::completed_on_time,
            requests::duplicate_of,
        ))
        .load(conn)?)
}

/// How many requests of the teams in `sight` were closed as duplicates since `since`
/// (from the partial index `requests_duplicates_idx`).
pub fn duplicates_closed(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<i64, StorageError> {
    Ok(requests::table
        .filter(requests::duplicate_of.is_not_null())
        .filter(requests::closed_on.ge(since))
        .filter(requests::team.eq_any(sight))
        .count()
        .get_result(conn)?)
}
