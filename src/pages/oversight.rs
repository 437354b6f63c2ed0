//! The privacy officer's pages: the dashboard with small SVG charts, the overdue list
//! and failed mails, and the annual report with its CSV download. Both draw the typed
//! results the API answers with.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::labels::{count, long_date, short_date};
use super::{page, PageError, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::kind::KindCode;
use crate::domain::report::{Published, ReportYear};
use crate::domain::request::Status;
use crate::service::dashboard::{self, KindFigures};
use crate::service::outbox;
use crate::service::reports::{self, AnnualReport, GroupFigures};
use crate::service::sessions::WebUser;
use crate::service::ServiceError;
use crate::web::state::AppState;

/// One bar of a chart: its label, the number shown, and its length in pixels.
struct Bar {
    label: String,
    value: String,
    width: i64,
    y: i64,
}

const BAR_MAX: f64 = 260.0;

fn bars(items: Vec<(String, f64, String)>, max: f64) -> Vec<Bar> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (label, amount, value))| Bar {
            label,
            value,
            width: if max > 0.0 {
                (amount / max * BAR_MAX).round() as i64
            } else {
                0
            },
            y: 8 + 26 * i as i64,
        })
        .collect()
}

struct KindRow {
    kind: &'static str,
    decided: i64,
    decided_on_time: String,
    completed: i64,
    completed_on_time: String,
    median_decision: String,
    median_completion: String,
    extensions: i64,
}

struct Overdue {
    id: String,
    reference: String,
    kind: &'static str,
    team: String,
    deadline: String,
    due: String,
    days: i64,
    past_legal_limit: bool,
}

struct FailedMail {
    request_id: Option<String>,
    stage: &'static str,
    attempts: i32,
    error: String,
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct Dashboard<'a> {
    user: &'a WebUser,
    today: String,
    open_total: i64,
    overdue_total: i64,
    overdue_response: i64,
    overdue_execution: i64,
    past_legal_limit: i64,
    due_soon: i64,
    /// "3 werkdagen": how far "soon" reaches.
    soon_days: String,
    suspended: i64,
    unassigned: i64,
    held_by_deactivated_users: i64,
    failed_mails: i64,
    letters: crate::service::dashboard::LetterFigures,
    /// Open and overdue tasks per system and per owner.
    tasks: crate::service::dashboard::TaskFigures,
    /// Closed as a duplicate in the last 90 days.
    duplicates_closed: i64,
    open_chart: Vec<Bar>,
    on_time_chart: Vec<Bar>,
    kinds: Vec<KindRow>,
    oldest: Vec<Overdue>,
    failed: Vec<FailedMail>,
    sees_mails: bool,
    sees_report: bool,
}

fn percent(value: Option<f64>) -> String {
    value
        .map(|v| format!("{:.0} %", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn days(value: Option<f64>) -> String {
    value.map(|v| format!("{v} dagen")).unwrap_or_else(|| "—".into())
}

const NO_DASHBOARD: &str =
    "Het overzicht is er voor behandelaars, teammanagers en de functionaris gegevensbescherming.";

pub async fn dashboard(state: State, SignedIn(user): SignedIn) -> Answer {
    let caller = &user.caller;
    let figures = dashboard::dashboard(&state.db, &state.rules, caller, clock::now())
        .await
        .map_err(|e| PageError::from(e).forbidden_says(NO_DASHBOARD))?;
    let failed = outbox::failed(&state.db, caller, 20)
        .await?
        .into_iter()
        .map(|mail| FailedMail {
            request_id: mail.request_id,
            stage: mail.stage.family().label_nl(),
            attempts: mail.attempts,
            error: mail.last_error.unwrap_or_default(),
        })
        .collect();
    let by_status: Vec<(String, f64, String)> = Status::ALL
        .iter()
        .filter(|s| !s.is_terminal())
        .map(|status| {
            let n = figures.open.by_status.get(status).copied().unwrap_or(0);
            (status.label_nl().to_string(), n as f64, n.to_string())
        })
        .collect();
    let max_open = by_status.iter().map(|(_, n, _)| *n).fold(0.0, f64::max);
    let per_kind = |kind: &KindCode| {
        figures
            .last_90_days
            .per_kind
            .get(kind)
            .cloned()
            .unwrap_or_default()
    };
    let on_time = KindCode::ALL
        .iter()
        .map(|kind| {
            let share = per_kind(kind).decided_on_time_share;
            (kind.label_nl().to_string(), share.unwrap_or(0.0), percent(share))
        })
        .collect();
    let kinds = KindCode::ALL
        .iter()
        .map(|kind| {
            let k: KindFigures = per_kind(kind);
            KindRow {
                kind: kind.label_nl(),
                decided: k.decided,
                decided_on_time: percent(k.decided_on_time_share),
                completed: k.completed,
                completed_on_time: percent(k.completed_on_time_share),
                median_decision: days(k.median_days_to_decision),
                median_completion: days(k.median_days_to_completion),
                extensions: k.extensions,
            }
        })
        .collect();
    let oldest = figures
        .overdue
        .oldest
        .iter()
        .map(|r| Overdue {
            id: r.id.to_string(),
            reference: r.reference.clone(),
            kind: r.kind.label_nl(),
            team: r.team.to_string(),
            deadline: crate::domain::vocabulary::in_sentence(r.deadline.label_nl()),
            due: short_date(r.due),
            days: r.days_overdue,
            past_legal_limit: r.past_legal_limit,
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        &Dashboard {
            user: &user,
            today: long_date(figures.today),
            open_total: figures.open.total,
            overdue_total: figures.overdue.total,
            overdue_response: figures.overdue.response,
            overdue_execution: figures.overdue.execution,
            past_legal_limit: figures.overdue.past_legal_limit,
            due_soon: figures.due_soon,
            soon_days: count(
                i64::from(state.rules.reminders.due_soon_working_days),
                "werkdag",
                "werkdagen",
            ),
            suspended: figures.suspended,
            unassigned: figures.unassigned,
            held_by_deactivated_users: figures.held_by_deactivated_users,
            failed_mails: figures.failed_mails,
            letters: figures.letters.clone(),
            tasks: figures.tasks.clone(),
            duplicates_closed: figures.last_90_days.duplicates_closed,
            open_chart: bars(by_status, max_open),
            on_time_chart: bars(on_time, 1.0),
            kinds,
            oldest,
            failed,
            sees_mails: caller.may_read_outbox().is_ok(),
            sees_report: caller.may_read_reports().is_ok(),
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    jaar: String,
}

struct ReportRow {
    name: String,
    requests: String,
    decided_on_time: String,
    completed_on_time: String,
    median_decision: String,
}

#[derive(Template)]
#[template(path = "pages/report.html")]
struct Report<'a> {
    user: &'a WebUser,
    year: i32,
    requests: String,
    /// "Per soort verzoek" and "Per team".
    dimensions: Vec<(&'static str, Vec<ReportRow>)>,
    by_outcome: Vec<(&'static str, String)>,
    /// "Name (CODE)" and the requests carried out in it.
    by_system: Vec<(String, String)>,
}

fn report_row(name: String, figures: &GroupFigures) -> ReportRow {
    ReportRow {
        name,
        requests: figures.requests.to_string(),
        decided_on_time: percent(figures.decided_on_time_share),
        completed_on_time: percent(figures.completed_on_time_share),
        median_decision: days(figures.median_days_to_decision),
    }
}

const NO_REPORT: &str =
    "Het jaarverslag is er voor de functionaris gegevensbescherming en de kwaliteitsmedewerker.";

/// The report of the year asked for (this year when none is).
async fn report_for(state: &AppState, user: &WebUser, query: &YearQuery) -> Result<AnnualReport, PageError> {
    user.caller
        .may_read_reports()
        .map_err(|denied| PageError::from(ServiceError::from(denied)).forbidden_says(NO_REPORT))?;
    let year = if query.jaar.is_empty() {
        Ok(i64::from(state.rules.today(clock::now()).year()))
    } else {
        query.jaar.parse::<i64>()
    };
    let year = year
        .ok()
        .and_then(|y| ReportYear::new(y).ok())
        .ok_or_else(|| PageError::Forbidden(format!("Kies een jaar vanaf {}.", ReportYear::FIRST)))?;
    Ok(reports::annual_report(&state.db, &user.caller, year).await?)
}

pub async fn annual(state: State, SignedIn(user): SignedIn, query: web::Query<YearQuery>) -> Answer {
    let report = report_for(&state, &user, &query).await?;
    let cell = |published: &Published| published.to_string();
    Ok(page(
        StatusCode::OK,
        &Report {
            user: &user,
            year: report.year,
            requests: cell(&report.requests),
            dimensions: vec![
                (
                    "Per soort verzoek",
                    report
                        .by_kind
                        .iter()
                        .map(|(kind, f)| report_row(kind.label_nl().to_string(), f))
                        .collect(),
                ),
                (
                    "Per team",
                    report
                        .by_team
                        .iter()
                        .map(|(team, f)| report_row(team.to_string(), f))
                        .collect(),
                ),
            ],
            by_outcome: report
                .by_outcome
                .iter()
                .map(|(outcome, count)| (outcome.label_nl(), cell(count)))
                .collect(),
            by_system: report
                .by_system
                .iter()
                .map(|(code, f)| (format!("{} ({code})", f.name), cell(&f.carried_out)))
                .collect(),
        },
    ))
}

pub async fn annual_csv(state: State, user: SignedIn, query: web::Query<YearQuery>) -> Answer {
    let report = report_for(&state, &user.0, &query).await?;
    super::export::annual_report(&report)
}
