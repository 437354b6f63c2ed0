//! The annual report for funders (municipalities): anonymous aggregate figures of the
//! requests received in a year, small cells suppressed; as JSON (the API), a page,
//! and a CSV download (both).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::ServiceError;
use crate::domain::access::Caller;
use crate::domain::kind::KindCode;
use crate::domain::report::{cell, measure, suppress, Published, ReportOutcome, ReportYear};
use crate::domain::request::{Outcome, Status};
use crate::domain::statistics::{median, share};
use crate::domain::tasks::SystemCode;
use crate::domain::team::TeamCode;
use crate::storage::dashboard::{self as store, ReportRow};
use crate::storage::{systems, tasks, teams, Db, DbConnection};

/// What the report says about how it was made.
pub const NOTE: &str = "Aggregate figures without personal data. Counts from 1 to 4 are shown as \"<5\". Where a single such count could be worked out from a total, one more count is withheld and shown as \"×\": it is not small, and its size is not given. Shares and medians over fewer than 5 requests are left out.";

/// The figures of one group (a kind or a team).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupFigures {
    pub requests: Published,
    pub decided_on_time_share: Option<f64>,
    pub completed_on_time_share: Option<f64>,
    pub median_days_to_decision: Option<f64>,
}

/// Aggregate figures for funders: counts 1-4 are `"<5"`, a count withheld so that such
/// a count cannot be worked out is `"×"`; shares and medians over fewer than 5
/// requests are null.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub year: i32,
    pub note: String,
    /// All requests received in the year.
    pub requests: Published,
    pub by_kind: BTreeMap<KindCode, GroupFigures>,
    pub by_team: BTreeMap<TeamCode, GroupFigures>,
    pub by_outcome: BTreeMap<ReportOutcome, Published>,
    /// Per system of the register, by code: the requests received in the year that
    /// were carried out in it (its task done).
    pub by_system: BTreeMap<SystemCode, SystemFigures>,
}

/// What the annual report says of one system.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SystemFigures {
    pub name: String,
    /// Requests carried out in the system (its task done).
    pub carried_out: Published,
}

fn outcome_of(row: &ReportRow) -> ReportOutcome {
    match (row.status, row.outcome) {
        (Status::Withdrawn, _) if row.duplicate_of.is_some() => ReportOutcome::Duplicate,
        (Status::Withdrawn, _) => ReportOutcome::Withdrawn,
        (_, Some(Outcome::Granted)) => ReportOutcome::Granted,
        (_, Some(Outcome::PartiallyGranted)) => ReportOutcome::PartiallyGranted,
        (_, Some(Outcome::Refused)) => ReportOutcome::Refused,
        (_, None) => ReportOutcome::Open,
    }
}

/// The measures of one group, and its published count.
fn figures(rows: &[&ReportRow], requests: Published) -> GroupFigures {
    let decided: Vec<&&ReportRow> = rows.iter().filter(|r| r.decided_on.is_some()).collect();
    let completed: Vec<&&ReportRow> = rows.iter().filter(|r| r.completed_on.is_some()).collect();
    let on_time_decisions = decided.iter().filter(|r| r.decided_on_time == Some(true)).count();
    let on_time_completions = completed
        .iter()
        .filter(|r| r.completed_on_time == Some(true))
        .count();
    let mut days: Vec<i64> = decided
        .iter()
        .filter_map(|r| r.decided_on.map(|d| (d - r.received_on).num_days()))
        .collect();
    GroupFigures {
        requests,
        decided_on_time_share: measure(share(on_time_decisions, decided.len()), decided.len()),
        completed_on_time_share: measure(share(on_time_completions, completed.len()), completed.len()),
        median_days_to_decision: measure(median(&mut days), decided.len()),
    }
}

/// One dimension: every key (with zero where nothing matched), its figures.
fn dimension<K: Ord + Clone>(
    rows: &[ReportRow],
    keys: &[K],
    key_of: impl Fn(&ReportRow) -> K,
) -> BTreeMap<K, GroupFigures> {
    let mut groups: BTreeMap<K, Vec<&ReportRow>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        groups.entry(key_of(row)).or_default().push(row);
    }
    let counts: Vec<(K, i64)> = groups.iter().map(|(k, v)| (k.clone(), v.len() as i64)).collect();
    suppress(&counts)
        .into_iter()
        .map(|(key, published)| {
            let figures = figures(&groups[&key], published);
            (key, figures)
        })
        .collect()
}

/// Every system of the register (code, name, requests carried out in it).
fn systems_dimension(systems: &[(SystemCode, String, i64)]) -> BTreeMap<SystemCode, SystemFigures> {
    let counts: Vec<(SystemCode, i64)> = systems.iter().map(|(code, _, n)| (code.clone(), *n)).collect();
    suppress(&counts)
        .into_iter()
        .zip(systems)
        .map(|((code, carried_out), (_, name, _))| {
            (
                code,
                SystemFigures {
                    name: name.clone(),
                    carried_out,
                },
            )
        })
        .collect()
}

/// The report of `year` from the facts of the requests received in it, and of the
/// systems of the register (code, name, how many of them were carried out in it).
pub fn annual(
    rows: &[ReportRow],
    year: i32,
    teams: &[TeamCode],
    systems: &[(SystemCode, String, i64)],
) -> AnnualReport {
    let outcomes: Vec<(ReportOutcome, i64)> = ReportOutcome::ALL
        .iter()
        .map(|&o| (o, rows.iter().filter(|r| outcome_of(r) == o).count() as i64))
        .collect();
    AnnualReport {
        year,
        note: NOTE.to_string(),
        requests: cell(rows.len() as i64),
        by_kind: dimension(rows, KindCode::ALL, |r| r.kind),
        by_team: dimension(rows, teams, |r| r.team.clone()),
        by_outcome: suppress(&outcomes).into_iter().collect(),
        by_system: systems_dimension(systems),
    }
}

/// The annual report of `year`, for a caller who may read it.
pub async fn annual_report(db: &Db, caller: &Caller, year: ReportYear) -> Result<AnnualReport, ServiceError> {
    caller.may_read_reports()?;
    let year = year.value();
    db.read(move |conn| annual_in(conn, year)).await
}

fn annual_in(conn: &mut DbConnection, year: i32) -> Result<AnnualReport, ServiceError> {
    let rows = store::year_rows(conn, year)?;
    let teams: Vec<TeamCode> = teams::list(conn)?.into_iter().map(|t| t.code).collect();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a report year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("a report year");
    let carried_out = tasks::carried_out_between(conn, first, last)?;
    let systems: Vec<(SystemCode, String, i64)> = systems::list(conn)?
        .into_iter()
        .map(|s| {
            let n = carried_out
                .iter()
                .find(|(code, _)| *code == s.code)
                .map_or(0, |(_, n)| *n);
            (s.code, s.name, n)
        })
        .collect();
    Ok(annual(&rows, year, &teams, &systems))
}

/// The report as CSV: one row per group, codes for groups, numbers as in the JSON.
pub fn csv(report: &AnnualReport) -> Result<String, ServiceError> {
    let number = |value: Option<f64>| {
        value
            .and_then(serde_json::Number::from_f64)
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut row = |fields: [&str; 6]| {
        writer
            .write_record(fields)
            .map_err(|e| crate::storage::StorageError::Corrupt(format!("CSV: {e}")))
    };
    row([
        "dimension",
        "group",
        "requests",
        "decided_on_time_share",
        "completed_on_time_share",
        "median_days_to_decision",
    ])?;
    row(["all", "all", &report.requests.to_string(), "", "", ""])?;
    let groups = report
        .by_kind
        .iter()
        .map(|(kind, f)| ("kind", kind.code().to_string(), f))
        .chain(
            report
                .by_team
                .iter()
                .map(|(team, f)| ("team", team.to_string(), f)),
        );
    for (dimension, group, f) in groups {
        row([
            dimension,
            &group,
            &f.requests.to_string(),
            &number(f.decided_on_time_share),
            &number(f.completed_on_time_share),
            &number(f.median_days_to_decision),
        ])?;
    }
    for (outcome, count) in &report.by_outcome {
        row(["outcome", outcome.code(), &count.to_string(), "", "", ""])?;
    }
    for (system, figures) in &report.by_system {
        row([
            "system_carried_out",
            system.as_str(),
            &figures.carried_out.to_string(),
            "",
            "",
            "",
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| crate::storage::StorageError::Corrupt(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::storage::StorageError::Corrupt(format!("CSV: {e}")).into())
}
