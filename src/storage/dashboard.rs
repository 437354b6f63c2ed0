//! The figures of the privacy officer's dashboard, counted in the database.

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use diesel::sqlite::Sqlite;

use super::requests::RequestRecord;
use super::schema::{notifications, requests};
use super::sql::RawSql;
use super::{DbConnection, StorageError};
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
    pub assignee: Option<String>,
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
struct KindCount {
    #[diesel(sql_type = Text)]
    kind: KindCode,
    #[diesel(sql_type = BigInt)]
    count: i64,
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
    id: String,
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

/// Open requests whose deadline still to meet has passed (frozen while paused). The
/// `?` is today. A pause begins on a day that is not in the future, so an overdue
/// request's deadline always lies before today: the leading range lets the index skip
/// every request that is not due yet.
const OVERDUE: &str = "open_due < ? AND (suspended_since IS NULL OR open_due < suspended_since)";

/// One dashboard query, written once: `{index}` names the index SQLite must use
/// (`INDEXED BY`; PostgreSQL's planner, with its statistics, needs no hint), `{teams}`
/// the caller's sight, `?` the date parameters in order.
struct Figure {
    sql: &'static str,
    index: &'static str,
}

impl Figure {
    fn text(&self, postgres: bool, teams: usize) -> String {
        self.sql
            .replace("{overdue}", OVERDUE)
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
    fn load<T>(
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

const OPEN: Figure = Figure {
    // Grouped in the order of the index, so no sort is needed: a few hundred rows.
    sql: "SELECT team, status, kind, assignee, COUNT(*) AS count \
          FROM requests {index} \
          WHERE team IN ({teams}) AND open_due IS NOT NULL \
          GROUP BY team, status, kind, assignee",
    index: "requests_open_idx",
};
const OVERDUE_COUNTS: Figure = Figure {
    // Two counts in one pass; a GROUP BY on an expression would sort every row.
    sql: "SELECT COUNT(*) FILTER (WHERE decided_on IS NULL) AS response, \
          COUNT(*) FILTER (WHERE decided_on IS NOT NULL) AS execution \
          FROM requests {index} \
          WHERE team IN ({teams}) AND open_due IS NOT NULL AND {overdue}",
    index: "requests_open_due_by_team_idx",
};
const OLDEST_OVERDUE: Figure = Figure {
    sql: "SELECT id FROM requests {index} \
          WHERE team IN ({teams}) AND open_due IS NOT NULL AND {overdue} \
          ORDER BY open_due, reference LIMIT 20",
    index: "requests_open_due_by_team_idx",
};
const DUE_SOON: Figure = Figure {
    sql: "SELECT COUNT(*) AS count FROM requests {index} \
          WHERE team IN ({teams}) AND open_due IS NOT NULL AND suspended_since IS NULL \
          AND open_due >= ? AND open_due <= ?",
    index: "requests_open_due_by_team_idx",
};
const PAST_LEGAL_LIMIT: Figure = Figure {
    sql: "SELECT COUNT(*) AS count FROM requests {index} \
          WHERE team IN ({teams}) AND open_due IS NOT NULL AND legal_due < ? \
          AND (suspended_since IS NULL OR legal_due < suspended_since)",
    index: "requests_open_legal_by_team_idx",
};
/// A histogram of one measure of `daily_outcomes` (migration 000016: per team, day,
/// kind, days and on time, kept up to date by triggers on `requests`): a few thousand
/// rows for the window instead of every decision or completion in it. `-1` stands
/// for "does not apply".
const fn outcomes(measure_sql: &'static str) -> Figure {
    Figure {
        sql: measure_sql,
        index: "",
    }
}
const DECISIONS: Figure = outcomes(
    "SELECT kind, CASE WHEN days < 0 THEN NULL ELSE days END AS days, \
     CASE WHEN on_time < 0 THEN NULL ELSE on_time = 1 END AS on_time, SUM(n) AS count \
     FROM daily_outcomes \
     WHERE measure = 'decision' AND team IN ({teams}) AND day >= ? \
     GROUP BY kind, days, on_time HAVING SUM(n) > 0",
);
const COMPLETIONS: Figure = outcomes(
    "SELECT kind, CASE WHEN days < 0 THEN NULL ELSE days END AS days, \
     CASE WHEN on_time < 0 THEN NULL ELSE on_time = 1 END AS on_time, SUM(n) AS count \
     FROM daily_outcomes \
     WHERE measure = 'completion' AND team IN ({teams}) AND day >= ? \
     GROUP BY kind, days, on_time HAVING SUM(n) > 0",
);
const EXTENSIONS: Figure = outcomes(
    "SELECT kind, SUM(n) AS count FROM daily_outcomes \
     WHERE measure = 'extension' AND team IN ({teams}) AND day >= ? \
     GROUP BY kind HAVING SUM(n) > 0",
);

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
/// over an index made for it (migrations 000006 and 000008); nothing is loaded row by
/// row but the 20 oldest overdue requests.
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
    let ids: Vec<String> = OLDEST_OVERDUE
        .load::<Id>(conn, sight, &[today])?
        .into_iter()
        .map(|row| row.id)
        .collect();
    let mut oldest_overdue: Vec<RequestRecord> = requests::table
        .filter(requests::id.eq_any(&ids))
        .select(RequestRecord::as_select())
        .load(conn)?;
    oldest_overdue.sort_by(|a, b| (a.open_due, &a.reference).cmp(&(b.open_due, &b.reference)));
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
            .count()
            .get_result(conn)?,
        Some(teams) => notifications::table
            .inner_join(requests::table.on(notifications::request_id.eq(requests::id.nullable())))
            .filter(notifications::status.eq(OutboxStatus::Failed))
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
    DECISIONS.load(conn, sight, &[since])
}

/// Completions since `since`, by kind, days and on time (a histogram).
pub fn completions(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<Vec<OutcomeCount>, StorageError> {
    COMPLETIONS.load(conn, sight, &[since])
}

/// Extensions announced since `since`, per kind.
pub fn extensions(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<Vec<(KindCode, i64)>, StorageError> {
    Ok(EXTENSIONS
        .load::<KindCount>(conn, sight, &[since])?
        .into_iter()
        .map(|k| (k.kind, k.count))
        .collect())
}

/// The facts of every request received in `year` that the report counts.
#[derive(Debug, Clone, Queryable)]
pub struct ReportRow {
    pub kind: KindCode,
    pub team: TeamCode,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub received_on: NaiveDate,
    pub response_due: NaiveDate,
    pub execution_due: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
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
            requests::response_due,
            requests::execution_due,
            requests::decided_on,
            requests::completed_on,
        ))
        .load(conn)?)
}
