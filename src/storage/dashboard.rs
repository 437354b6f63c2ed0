//! The figures of the privacy officer's dashboard, counted in the database.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::requests::RequestRecord;
use super::schema::{notifications, requests};
use super::{DbConnection, StorageError};

type Boxed<'a> = requests::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>;

/// Open requests in the caller's sight. `open_due` is set exactly while a request is
/// open, and filtering on it lets both databases use the partial indexes over open
/// requests (a few ten thousand rows, not the whole register).
fn open(teams: &Option<Vec<String>>) -> Boxed<'_> {
    let mut query = requests::table
        .filter(requests::open_due.is_not_null())
        .into_boxed();
    if let Some(teams) = teams {
        query = query.filter(requests::team.eq_any(teams.clone()));
    }
    query
}

/// Open requests whose deadline still to meet has passed (frozen while paused).
fn overdue(teams: &Option<Vec<String>>, today: NaiveDate) -> Boxed<'_> {
    open(teams).filter(
        requests::suspended_since
            .is_null()
            .and(requests::open_due.lt(today))
            .or(requests::open_due.lt(requests::suspended_since)),
    )
}

/// How many open requests there are of one team, status and kind.
#[derive(Debug, Clone, Queryable)]
pub struct OpenCount {
    pub team: String,
    pub status: String,
    pub kind: String,
    pub count: i64,
}

/// How many requests of a kind were decided (or completed) in the window after a given
/// number of days, on time or late: a histogram to take shares and medians from.
#[derive(Debug, Clone, Queryable)]
pub struct OutcomeCount {
    pub kind: String,
    pub days: Option<i32>,
    pub on_time: Option<bool>,
    pub count: i64,
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub open: Vec<OpenCount>,
    pub overdue_response: i64,
    pub overdue_execution: i64,
    pub oldest_overdue: Vec<RequestRecord>,
    pub due_within_7_days: i64,
    pub unassigned: i64,
    pub failed_mails: i64,
    /// Decisions communicated since the start of the window.
    pub decisions: Vec<OutcomeCount>,
    /// Completions since the start of the window.
    pub completions: Vec<OutcomeCount>,
    /// Extensions announced since the start of the window, per kind.
    pub extensions: Vec<(String, i64)>,
}

impl Figures {
    /// The open counts summed by one of their keys (status, kind or team).
    pub fn open_by(&self, key: impl Fn(&OpenCount) -> &str) -> BTreeMap<String, i64> {
        let mut sums = BTreeMap::new();
        for row in &self.open {
            *sums.entry(key(row).to_string()).or_default() += row.count;
        }
        sums
    }
}

/// Every figure in a handful of indexed, counting queries; nothing is loaded row by
/// row except the 20 oldest overdue requests. `teams`: the caller's sight.
pub fn figures(
    conn: &mut DbConnection,
    teams: &Option<Vec<String>>,
    today: NaiveDate,
    since: NaiveDate,
) -> Result<Figures, StorageError> {
    // Grouped queries cannot be boxed in diesel, so the sight is a team list here
    // (every team when the caller sees all).
    let sight: Vec<String> = match teams {
        Some(teams) => teams.clone(),
        None => super::schema::teams::table
            .select(super::schema::teams::code)
            .load(conn)?,
    };
    let open_counts = requests::table
        .filter(requests::open_due.is_not_null())
        .filter(requests::team.eq_any(sight.clone()))
        .group_by((requests::team, requests::status, requests::kind))
        .select((requests::team, requests::status, requests::kind, count_star()))
        .load(conn)?;
    let overdue_response = overdue(teams, today)
        .filter(requests::decided_on.is_null())
        .count()
        .get_result(conn)?;
    let overdue_execution = overdue(teams, today)
        .filter(requests::decided_on.is_not_null())
        .count()
        .get_result(conn)?;
    let oldest_overdue = overdue(teams, today)
        .order_by(requests::open_due.asc())
        .then_order_by(requests::reference.asc())
        .limit(20)
        .select(RequestRecord::as_select())
        .load(conn)?;
    let week = today + chrono::Days::new(7);
    let due_within_7_days = open(teams)
        .filter(requests::suspended_since.is_null())
        .filter(requests::open_due.ge(today).and(requests::open_due.le(week)))
        .count()
        .get_result(conn)?;
    let unassigned = open(teams)
        .filter(requests::assignee.is_null())
        .count()
        .get_result(conn)?;
    let failed_mails = match teams {
        None => notifications::table
            .filter(notifications::status.eq("failed"))
            .count()
            .get_result(conn)?,
        Some(teams) => notifications::table
            .inner_join(requests::table.on(notifications::request_id.eq(requests::id.nullable())))
            .filter(notifications::status.eq("failed"))
            .filter(requests::team.eq_any(teams.clone()))
            .count()
            .get_result(conn)?,
    };
    let decisions = requests::table
        .filter(requests::decided_on.ge(since))
        .filter(requests::team.eq_any(sight.clone()))
        .group_by((requests::kind, requests::decision_days, requests::decided_on_time))
        .select((
            requests::kind,
            requests::decision_days,
            requests::decided_on_time,
            count_star(),
        ))
        .load(conn)?;
    let completions = requests::table
        .filter(requests::completed_on.ge(since))
        .filter(requests::team.eq_any(sight.clone()))
        .group_by((
            requests::kind,
            requests::completion_days,
            requests::completed_on_time,
        ))
        .select((
            requests::kind,
            requests::completion_days,
            requests::completed_on_time,
            count_star(),
        ))
        .load(conn)?;
    let extensions = requests::table
        .filter(requests::extension_informed_on.ge(since))
        .filter(requests::team.eq_any(sight))
        .group_by(requests::kind)
        .select((requests::kind, count_star()))
        .load(conn)?;
    Ok(Figures {
        open: open_counts,
        overdue_response,
        overdue_execution,
        oldest_overdue,
        due_within_7_days,
        unassigned,
        failed_mails,
        decisions,
        completions,
        extensions,
    })
}

/// The facts of every request received in `year` that the report counts.
#[derive(Debug, Clone, Queryable)]
pub struct ReportRow {
    pub kind: String,
    pub team: String,
    pub status: String,
    pub outcome: Option<String>,
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
