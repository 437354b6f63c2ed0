//! The privacy officer's pages: the dashboard with small SVG charts, the overdue list
//! and failed mails, and the annual report with its CSV download.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::Value;

use super::labels::{label, long_date, KINDS, OUTCOMES, STATUSES};
use super::{forbidden_page, page, see_other, signed_in, unavailable};
use crate::clock;
use crate::domain::access::ListScope;
use crate::http::AppState;
use crate::service::sessions::WebUser;
use crate::storage::notifications;

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
    kind: String,
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
    kind: String,
    team: String,
    deadline: &'static str,
    due: String,
    days: i64,
}

struct FailedMail {
    request_id: Option<String>,
    stage: String,
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
    due_soon: i64,
    suspended: i64,
    unassigned: i64,
    failed_mails: i64,
    open_chart: Vec<Bar>,
    on_time_chart: Vec<Bar>,
    kinds: Vec<KindRow>,
    oldest: Vec<Overdue>,
    failed: Vec<FailedMail>,
    sees_mails: bool,
    sees_report: bool,
}

fn percent(value: &Value) -> String {
    value
        .as_f64()
        .map(|v| format!("{:.0} %", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn days(value: &Value) -> String {
    value
        .as_f64()
        .map(|v| format!("{v} dagen"))
        .unwrap_or_else(|| "—".into())
}

pub async fn dashboard(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return see_other("/login");
    };
    let figures = match crate::http::dashboard::figures(&state, &user.caller).await {
        Ok(figures) => figures,
        Err(crate::http::problem::ApiError::Forbidden(_)) => {
            return forbidden_page(
                "Het overzicht is er voor behandelaars, teamleiders en de privacy officer.",
            )
        }
        Err(error) => {
            tracing::error!(%error, "dashboard page");
            return unavailable();
        }
    };
    let sees_mails = user.caller.may_administer().is_ok();
    let failed = if sees_mails {
        let statuses = vec!["failed".to_string()];
        match state
            .db
            .read(move |conn| notifications::list(conn, &statuses, 1, 20))
            .await
        {
            Ok((rows, _)) => rows
                .into_iter()
                .map(|n| FailedMail {
                    request_id: n.request_id,
                    stage: n.stage,
                    attempts: n.attempts,
                    error: n.last_error.unwrap_or_default(),
                })
                .collect(),
            Err(error) => {
                tracing::error!(%error, "failed mails");
                return unavailable();
            }
        }
    } else {
        Vec::new()
    };
    let count = |v: &Value| v.as_i64().unwrap_or(0);
    let by_status: Vec<(String, f64, String)> = STATUSES
        .iter()
        .take(4)
        .map(|(code, name)| {
            let n = count(&figures["open"]["by_status"][code]);
            (name.to_string(), n as f64, n.to_string())
        })
        .collect();
    let max_open = by_status.iter().map(|(_, n, _)| *n).fold(0.0, f64::max);
    let per_kind = &figures["last_90_days"]["per_kind"];
    let on_time: Vec<(String, f64, String)> = KINDS
        .iter()
        .map(|(code, name)| {
            let share = &per_kind[code]["decided_on_time_share"];
            (name.to_string(), share.as_f64().unwrap_or(0.0), percent(share))
        })
        .collect();
    let kinds = KINDS
        .iter()
        .map(|(code, name)| {
            let k = &per_kind[code];
            KindRow {
                kind: name.to_string(),
                decided: count(&k["decided"]),
                decided_on_time: percent(&k["decided_on_time_share"]),
                completed: count(&k["completed"]),
                completed_on_time: percent(&k["completed_on_time_share"]),
                median_decision: days(&k["median_days_to_decision"]),
                median_completion: days(&k["median_days_to_completion"]),
                extensions: count(&k["extensions"]),
            }
        })
        .collect();
    let oldest = figures["overdue"]["oldest"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| Overdue {
                    id: r["id"].as_str().unwrap_or_default().to_string(),
                    reference: r["reference"].as_str().unwrap_or_default().to_string(),
                    kind: label(&KINDS, r["kind"].as_str().unwrap_or_default()),
                    team: r["team"].as_str().unwrap_or_default().to_string(),
                    deadline: if r["deadline"] == "execution" {
                        "uitvoering"
                    } else {
                        "antwoord"
                    },
                    due: r["due"]
                        .as_str()
                        .and_then(|d| d.parse().ok())
                        .map(long_date)
                        .unwrap_or_default(),
                    days: count(&r["days_overdue"]),
                })
                .collect()
        })
        .unwrap_or_default();
    page(
        StatusCode::OK,
        &Dashboard {
            user: &user,
            today: figures["today"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .map(long_date)
                .unwrap_or_default(),
            open_total: count(&figures["open"]["total"]),
            overdue_total: count(&figures["overdue"]["total"]),
            overdue_response: count(&figures["overdue"]["response"]),
            overdue_execution: count(&figures["overdue"]["execution"]),
            due_soon: count(&figures["due_within_7_days"]),
            suspended: count(&figures["suspended"]),
            unassigned: count(&figures["unassigned"]),
            failed_mails: count(&figures["failed_mails"]),
            open_chart: bars(by_status, max_open),
            on_time_chart: bars(on_time, 1.0),
            kinds,
            oldest,
            failed,
            sees_mails,
            sees_report: user.caller.list_scope() == ListScope::All,
        },
    )
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
    note: String,
    requests: String,
    /// "Per soort verzoek" and "Per team".
    dimensions: Vec<(&'static str, Vec<ReportRow>)>,
    by_outcome: Vec<(String, String)>,
}

fn cell(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => "—".into(),
    }
}

fn report_rows(dimension: &Value, name_of: impl Fn(&str) -> String) -> Vec<ReportRow> {
    dimension
        .as_object()
        .map(|groups| {
            groups
                .iter()
                .map(|(key, g)| ReportRow {
                    name: name_of(key),
                    requests: cell(&g["requests"]),
                    decided_on_time: percent(&g["decided_on_time_share"]),
                    completed_on_time: percent(&g["completed_on_time_share"]),
                    median_decision: days(&g["median_days_to_decision"]),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The year asked for, or this year; `None` when it is not a year the report covers.
fn year_of(state: &AppState, query: &YearQuery) -> Option<i32> {
    if query.jaar.is_empty() {
        return Some(state.rules.today(clock::now()).year());
    }
    query
        .jaar
        .parse::<i32>()
        .ok()
        .filter(|y| (2018..=2198).contains(y))
}

async fn report_for(
    state: &AppState,
    req: &HttpRequest,
    query: &YearQuery,
) -> Result<(WebUser, i32, Value), HttpResponse> {
    let Some(user) = signed_in(state, req).await else {
        return Err(see_other("/login"));
    };
    if user.caller.list_scope() != ListScope::All {
        return Err(forbidden_page(
            "Het jaarverslag is er voor de privacy officer en de auditor.",
        ));
    }
    let Some(year) = year_of(state, query) else {
        return Err(forbidden_page("Kies een jaar vanaf 2018."));
    };
    match crate::http::reports::report_of(state, year).await {
        Ok(report) => Ok((user, year, report)),
        Err(error) => {
            tracing::error!(%error, "annual report page");
            Err(unavailable())
        }
    }
}

pub async fn annual(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<YearQuery>,
) -> HttpResponse {
    let (user, year, report) = match report_for(&state, &req, &query).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    page(
        StatusCode::OK,
        &Report {
            user: &user,
            year,
            note: report["note"].as_str().unwrap_or_default().to_string(),
            requests: cell(&report["requests"]),
            dimensions: vec![
                (
                    "Per soort verzoek",
                    report_rows(&report["by_kind"], |k| label(&KINDS, k)),
                ),
                ("Per team", report_rows(&report["by_team"], |t| t.to_string())),
            ],
            by_outcome: report["by_outcome"]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| {
                            let name = match k.as_str() {
                                "open" => "Nog open".to_string(),
                                "withdrawn" => "Ingetrokken".to_string(),
                                other => label(&OUTCOMES, other),
                            };
                            (name, cell(v))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
    )
}

pub async fn annual_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<YearQuery>,
) -> HttpResponse {
    let (_, year, report) = match report_for(&state, &req, &query).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match crate::http::reports::csv_attachment(year, &report) {
        Ok(download) => download,
        Err(error) => {
            tracing::error!(%error, "annual report CSV");
            unavailable()
        }
    }
}
