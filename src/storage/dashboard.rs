//! The figures of the privacy officer's dashboard, counted in the database.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::requests::RequestRecord;
use super::schema::{notifications, requests};
use super::{DbConnection, StorageError};

const OPEN: [&str; 4] = ["received", "in_assessment", "awaiting_requester", "in_execution"];

type Boxed<'a> = requests::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>;

fn scoped<'a>(teams: &'a Option<Vec<String>>) -> Boxed<'a> {
    let mut query = requests::table.into_boxed();
    if let Some(teams) = teams {
        query = query.filter(requests::team.eq_any(teams.clone()));
    }
    query
}

fn open(teams: &Option<Vec<String>>) -> Boxed<'_> {
    scoped(teams).filter(requests::status.eq_any(OPEN))
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

/// One facts row per recently decided or completed request (for shares and medians).
#[derive(Debug, Clone, Queryable)]
pub struct Outcome {
    pub kind: String,
    pub received_on: NaiveDate,
    pub response_due: NaiveDate,
    pub execution_due: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub extension_informed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub open_by_status: Vec<(String, i64)>,
    pub open_by_kind: Vec<(String, i64)>,
    pub open_by_team: Vec<(String, i64)>,
    pub overdue_response: i64,
    pub overdue_execution: i64,
    pub oldest_overdue: Vec<RequestRecord>,
    pub due_within_7_days: i64,
    pub suspended: i64,
    pub unassigned: i64,
    pub failed_mails: i64,
    pub recent: Vec<Outcome>,
}

/// Every figure in a handful of indexed queries. `teams`: the caller's sight.
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
    let grouped = || {
        requests::table
            .filter(requests::status.eq_any(OPEN))
            .filter(requests::team.eq_any(sight.clone()))
    };
    let open_by_status = grouped()
        .group_by(requests::status)
        .select((requests::status, count_star()))
        .load(conn)?;
    let open_by_kind = grouped()
        .group_by(requests::kind)
        .select((requests::kind, count_star()))
        .load(conn)?;
    let open_by_team = grouped()
        .group_by(requests::team)
        .select((requests::team, count_star()))
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
    let suspended = scoped(teams)
        .filter(requests::status.eq("awaiting_requester"))
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
    let recent = scoped(teams)
        .filter(
            requests::decided_on
                .ge(since)
                .or(requests::completed_on.ge(since))
                .or(requests::extension_informed_on.ge(since)),
        )
        .select((
            requests::kind,
            requests::received_on,
            requests::response_due,
            requests::execution_due,
            requests::decided_on,
            requests::completed_on,
            requests::extension_informed_on,
        ))
        .load(conn)?;
    Ok(Figures {
        open_by_status,
        open_by_kind,
        open_by_team,
        overdue_response,
        overdue_execution,
        oldest_overdue,
        due_within_7_days,
        suspended,
        unassigned,
        failed_mails,
        recent,
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
