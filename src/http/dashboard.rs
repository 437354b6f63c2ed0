//! `GET /api/v1/dashboard`: the privacy officer's overview in one call, scoped to what
//! the caller may see.

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use chrono::{Days, NaiveDate};
use serde_json::{json, Map, Value};

use super::auth::Auth;
use super::problem::ApiError;
use super::AppState;
use crate::clock;
use crate::domain::access::ListScope;
use crate::domain::kind::KindCode;
use crate::storage::dashboard::{self, Outcome};

/// The window of the on-time figures.
const WINDOW_DAYS: u64 = 90;

/// The median of `values` (sorted in place); `None` when empty.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    } else {
        values[mid] as f64
    })
}

/// `part / whole` rounded to three decimals; `None` when there is no whole.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 1000.0).round() / 1000.0)
}

/// Per kind: decisions and completions in the window, on-time shares, medians, extensions.
pub fn per_kind(recent: &[Outcome], since: NaiveDate) -> Value {
    let mut result = Map::new();
    for kind in KindCode::ALL {
        let rows: Vec<&Outcome> = recent.iter().filter(|o| o.kind == kind.code()).collect();
        let decided: Vec<&&Outcome> = rows
            .iter()
            .filter(|o| o.decided_on.is_some_and(|d| d >= since))
            .collect();
        let completed: Vec<&&Outcome> = rows
            .iter()
            .filter(|o| o.completed_on.is_some_and(|d| d >= since))
            .collect();
        let decided_on_time = decided
            .iter()
            .filter(|o| o.decided_on.is_some_and(|d| d <= o.response_due))
            .count();
        let completed_on_time = completed
            .iter()
            .filter(|o| o.completed_on.is_some_and(|d| d <= o.execution_due))
            .count();
        let mut to_decision: Vec<i64> = decided
            .iter()
            .filter_map(|o| o.decided_on.map(|d| (d - o.received_on).num_days()))
            .collect();
        let mut to_completion: Vec<i64> = completed
            .iter()
            .filter_map(|o| o.completed_on.map(|d| (d - o.received_on).num_days()))
            .collect();
        let extensions = rows
            .iter()
            .filter(|o| o.extension_informed_on.is_some_and(|d| d >= since))
            .count();
        result.insert(
            kind.code().to_string(),
            json!({
                "decided": decided.len(),
                "decided_on_time_share": share(decided_on_time, decided.len()),
                "completed": completed.len(),
                "completed_on_time_share": share(completed_on_time, completed.len()),
                "median_days_to_decision": median(&mut to_decision),
                "median_days_to_completion": median(&mut to_completion),
                "extensions": extensions,
            }),
        );
    }
    Value::Object(result)
}

fn counts(rows: Vec<(String, i64)>) -> Value {
    let map: BTreeMap<String, i64> = rows.into_iter().collect();
    json!(map)
}

pub async fn dashboard(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let teams = match auth.0.list_scope() {
        ListScope::All => None,
        ListScope::Teams(teams) => Some(teams),
        ListScope::ByReferenceOnly => {
            return Err(ApiError::Forbidden(
                "the dashboard is not part of the front desk's work".into(),
            ))
        }
    };
    let today = state.rules.today(clock::now());
    let since = today - Days::new(WINDOW_DAYS);
    let scope = teams.clone();
    let figures = state
        .db
        .read(move |conn| dashboard::figures(conn, &scope, today, since).map_err(ApiError::from))
        .await?;
    let open_total: i64 = figures.open_by_status.iter().map(|(_, n)| n).sum();
    let oldest: Vec<Value> = figures
        .oldest_overdue
        .iter()
        .map(|r| {
            let due = r.open_due.unwrap_or(r.response_due);
            json!({
                "id": r.id,
                "reference": r.reference,
                "kind": r.kind,
                "team": r.team,
                "status": r.status,
                "assignee": r.assignee,
                "deadline": if r.decided_on.is_some() { "execution" } else { "response" },
                "due": due,
                "days_overdue": (today - due).num_days(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "today": today,
        "scope": teams.map(Value::from).unwrap_or(Value::from("all")),
        "open": {
            "total": open_total,
            "by_status": counts(figures.open_by_status),
            "by_kind": counts(figures.open_by_kind),
            "by_team": counts(figures.open_by_team),
        },
        "overdue": {
            "total": figures.overdue_response + figures.overdue_execution,
            "response": figures.overdue_response,
            "execution": figures.overdue_execution,
            "oldest": oldest,
        },
        "due_within_7_days": figures.due_within_7_days,
        "suspended": figures.suspended,
        "unassigned": figures.unassigned,
        "failed_mails": figures.failed_mails,
        "last_90_days": {
            "since": since,
            "per_kind": per_kind(&figures.recent, since),
        },
    })))
}
