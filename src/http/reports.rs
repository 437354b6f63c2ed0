//! `GET /api/v1/reports/annual?year=Y`: anonymous aggregate figures for funders
//! (municipalities), with small cells suppressed; JSON or `Accept: text/csv`.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::auth::Auth;
use super::params::Params;
use super::problem::{ApiError, FieldError};
use super::requests::wants_csv;
use super::AppState;
use crate::domain::access::ListScope;
use crate::domain::kind::KindCode;
use crate::domain::report::{cell, measure, suppress};
use crate::domain::statistics::{median, share};
use crate::storage::dashboard::{self, ReportRow};

const OUTCOMES: [&str; 5] = ["granted", "partially_granted", "refused", "withdrawn", "open"];

fn outcome_of(row: &ReportRow) -> &str {
    match (row.status.as_str(), row.outcome.as_deref()) {
        ("withdrawn", _) => "withdrawn",
        (_, Some(outcome)) => match outcome {
            "granted" => "granted",
            "partially_granted" => "partially_granted",
            _ => "refused",
        },
        _ => "open",
    }
}

/// Measures of one group (shown only over at least 5 requests).
fn measures(rows: &[&ReportRow]) -> Map<String, Value> {
    let decided: Vec<&&ReportRow> = rows.iter().filter(|r| r.decided_on.is_some()).collect();
    let completed: Vec<&&ReportRow> = rows.iter().filter(|r| r.completed_on.is_some()).collect();
    let on_time_decisions = decided
        .iter()
        .filter(|r| r.decided_on <= Some(r.response_due))
        .count();
    let on_time_completions = completed
        .iter()
        .filter(|r| r.completed_on <= Some(r.execution_due))
        .count();
    let mut days: Vec<i64> = decided
        .iter()
        .filter_map(|r| r.decided_on.map(|d| (d - r.received_on).num_days()))
        .collect();
    let mut map = Map::new();
    map.insert(
        "decided_on_time_share".into(),
        measure(share(on_time_decisions, decided.len()), decided.len()),
    );
    map.insert(
        "completed_on_time_share".into(),
        measure(share(on_time_completions, completed.len()), completed.len()),
    );
    map.insert(
        "median_days_to_decision".into(),
        measure(median(&mut days), decided.len()),
    );
    map
}

/// One dimension: the published count and the measures of each group.
fn dimension(rows: &[ReportRow], keys: &[String], key_of: impl Fn(&ReportRow) -> String) -> Value {
    let mut groups: BTreeMap<String, Vec<&ReportRow>> =
        keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        groups.entry(key_of(row)).or_default().push(row);
    }
    let counts: Vec<(String, i64)> = groups.iter().map(|(k, v)| (k.clone(), v.len() as i64)).collect();
    let published = suppress(&counts);
    let mut result = Map::new();
    for (key, count) in published {
        let mut entry = measures(&groups[&key]);
        entry.insert("requests".into(), count);
        result.insert(key, Value::Object(entry));
    }
    Value::Object(result)
}

pub fn annual(rows: &[ReportRow], year: i32, teams: &[String]) -> Value {
    let kinds: Vec<String> = KindCode::ALL.iter().map(|k| k.code().to_string()).collect();
    let outcomes: Vec<(String, i64)> = OUTCOMES
        .iter()
        .map(|o| {
            (
                o.to_string(),
                rows.iter().filter(|r| outcome_of(r) == *o).count() as i64,
            )
        })
        .collect();
    json!({
        "year": year,
        "note": "Aggregate figures without personal data. Counts from 1 to 4 are shown as \"<5\", and so is one more count where a single hidden count could otherwise be worked out; shares and medians over fewer than 5 requests are left out.",
        "requests": cell(rows.len() as i64),
        "by_kind": dimension(rows, &kinds, |r| r.kind.clone()),
        "by_team": dimension(rows, teams, |r| r.team.clone()),
        "by_outcome": suppress(&outcomes).into_iter().collect::<Map<String, Value>>(),
    })
}

fn csv_of(report: &Value) -> Result<String, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let fail = |e: csv::Error| ApiError::Internal(e.to_string());
    writer
        .write_record([
            "dimension",
            "group",
            "requests",
            "decided_on_time_share",
            "completed_on_time_share",
            "median_days_to_decision",
        ])
        .map_err(fail)?;
    writer
        .write_record(["all", "all", &text(&report["requests"]), "", "", ""])
        .map_err(fail)?;
    for dimension in ["by_kind", "by_team"] {
        for (group, entry) in report[dimension].as_object().into_iter().flatten() {
            writer
                .write_record([
                    dimension.trim_start_matches("by_"),
                    group,
                    &text(&entry["requests"]),
                    &text(&entry["decided_on_time_share"]),
                    &text(&entry["completed_on_time_share"]),
                    &text(&entry["median_days_to_decision"]),
                ])
                .map_err(fail)?;
        }
    }
    for (group, count) in report["by_outcome"].as_object().into_iter().flatten() {
        writer
            .write_record(["outcome", group, &text(count), "", "", ""])
            .map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
}

#[utoipa::path(get, path = "/api/v1/reports/annual", tag = "oversight",
    params(("year" = i32, Query, description = "The year of receipt")),
    responses(
        (status = 200, description = "Aggregate figures for funders, small cells suppressed; with `Accept: text/csv` as CSV", content(
            (crate::http::openapi::schemas::AnnualReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn annual_report(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if auth.0.list_scope() != ListScope::All {
        return Err(ApiError::Forbidden(
            "the annual report is for the privacy officer and the auditor".into(),
        ));
    }
    let mut params = Params::of(&req)?;
    let year = params.integer("year", 2018, 2198);
    if year.is_none() && !params.errors.iter().any(|e| e.field == "year") {
        params
            .errors
            .push(FieldError::new("year", "is required, e.g. year=2026"));
    }
    params.finish()?;
    let year = year.unwrap_or_default() as i32;
    let report = report_of(&state, year).await?;
    if wants_csv(&req) {
        return csv_attachment(year, &report);
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The report as a CSV download (`avg-jaarverslag-YEAR.csv`).
pub fn csv_attachment(year: i32, report: &Value) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"avg-jaarverslag-{year}.csv\""),
        ))
        .body(csv_of(report)?))
}

/// The annual report of `year` (the caller's right to see it is checked before).
pub async fn report_of(state: &AppState, year: i32) -> Result<Value, ApiError> {
    let (rows, teams) = state
        .db
        .read(move |conn| {
            let rows = dashboard::year_rows(conn, year)?;
            let teams = crate::storage::teams::list(conn)?
                .into_iter()
                .map(|t| t.code)
                .collect::<Vec<_>>();
            Ok::<_, ApiError>((rows, teams))
        })
        .await?;
    Ok(annual(&rows, year, &teams))
}
