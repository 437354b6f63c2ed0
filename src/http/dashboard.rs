//! `GET /api/v1/dashboard`: the privacy officer's overview in one call, scoped to what
//! the caller may see.

use actix_web::{web, HttpResponse};
use chrono::Days;
use serde_json::{json, Map, Value};

use super::auth::Auth;
use super::problem::ApiError;
use super::AppState;
use crate::clock;
use crate::domain::access::{Caller, ListScope};
use crate::domain::kind::KindCode;
use crate::domain::request::Status;
use crate::domain::statistics::{median_of_counts, share};
use crate::storage::dashboard::{self, OutcomeCount, WindowFigures};
use futures_util::future::try_join3;

/// The window of the on-time figures.
const WINDOW_DAYS: u64 = 90;

/// Per kind: decisions and completions in the window, on-time shares, medians, extensions.
fn per_kind(figures: &WindowFigures) -> Value {
    let mut result = Map::new();
    for kind in KindCode::ALL {
        let of_kind = |rows: &[OutcomeCount]| -> (usize, usize, Option<f64>) {
            let rows: Vec<&OutcomeCount> = rows.iter().filter(|r| r.kind == kind.code()).collect();
            let total: i64 = rows.iter().map(|r| r.count).sum();
            let on_time: i64 = rows
                .iter()
                .filter(|r| r.on_time == Some(true))
                .map(|r| r.count)
                .sum();
            let histogram: Vec<(i64, i64)> = rows
                .iter()
                .filter_map(|r| r.days.map(|days| (i64::from(days), r.count)))
                .collect();
            (total as usize, on_time as usize, median_of_counts(&histogram))
        };
        let (decided, decided_on_time, to_decision) = of_kind(&figures.decisions);
        let (completed, completed_on_time, to_completion) = of_kind(&figures.completions);
        let extensions: i64 = figures
            .extensions
            .iter()
            .filter(|(k, _)| k == kind.code())
            .map(|(_, n)| n)
            .sum();
        result.insert(
            kind.code().to_string(),
            json!({
                "decided": decided,
                "decided_on_time_share": share(decided_on_time, decided),
                "completed": completed,
                "completed_on_time_share": share(completed_on_time, completed),
                "median_days_to_decision": to_decision,
                "median_days_to_completion": to_completion,
                "extensions": extensions,
            }),
        );
    }
    Value::Object(result)
}

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "oversight",
    responses((status = 200, description = "Open, overdue, due soon, suspended, unassigned, failed mails, and per kind over the last 90 days: on-time shares, medians, extensions; scoped to the teams the caller sees", body = crate::http::openapi::schemas::Dashboard)))]
pub async fn dashboard(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(figures(&state, &auth.0).await?))
}

/// The dashboard of `caller` as the API answers it (the web page shows the same).
pub async fn figures(state: &AppState, caller: &Caller) -> Result<Value, ApiError> {
    let teams = match caller.list_scope() {
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
    let sight = state
        .db
        .read(move |conn| dashboard::sight(conn, &scope).map_err(ApiError::from))
        .await?;
    // Three independent reads on three pooled connections at once: the dashboard
    // takes as long as the slowest, not the sum (each is its own snapshot).
    let (scope, sight_1, sight_2, sight_3) = (teams.clone(), sight.clone(), sight.clone(), sight);
    let (figures, decisions, (completions, extensions)) = try_join3(
        state
            .db
            .read(move |conn| dashboard::open_figures(conn, &scope, &sight_1, today).map_err(ApiError::from)),
        state
            .db
            .read(move |conn| dashboard::decisions(conn, &sight_2, since).map_err(ApiError::from)),
        state.db.read(move |conn| {
            let completions = dashboard::completions(conn, &sight_3, since)?;
            let extensions = dashboard::extensions(conn, &sight_3, since)?;
            Ok::<_, ApiError>((completions, extensions))
        }),
    )
    .await?;
    let window = WindowFigures {
        decisions,
        completions,
        extensions,
    };
    let open_total: i64 = figures.open.iter().map(|r| r.count).sum();
    let suspended: i64 = figures
        .open
        .iter()
        .filter(|r| r.status == Status::AwaitingRequester.code())
        .map(|r| r.count)
        .sum();
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
    Ok(json!({
        "today": today,
        "scope": teams.map(Value::from).unwrap_or(Value::from("all")),
        "open": {
            "total": open_total,
            "by_status": figures.open_by(|r| &r.status),
            "by_kind": figures.open_by(|r| &r.kind),
            "by_team": figures.open_by(|r| &r.team),
        },
        "overdue": {
            "total": figures.overdue_response + figures.overdue_execution,
            "response": figures.overdue_response,
            "execution": figures.overdue_execution,
            "oldest": oldest,
        },
        "due_within_7_days": figures.due_within_7_days,
        "suspended": suspended,
        "unassigned": figures.unassigned(),
        "failed_mails": figures.failed_mails,
        "last_90_days": {
            "since": since,
            "per_kind": per_kind(&window),
        },
    }))
}
