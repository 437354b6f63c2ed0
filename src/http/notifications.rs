//! `GET /api/v1/notifications`: the mail outbox, for the privacy officer.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::auth::Auth;
use super::params::Params;
use super::problem::{ApiError, FieldError};
use super::{instant, AppState};
use crate::storage::notifications::{self, NotificationRow};

const STATUSES: [&str; 7] = [
    "queued",
    "sending",
    "sent",
    "failed",
    "held",
    "digested",
    "cancelled",
];

fn row_json(row: &NotificationRow) -> Value {
    json!({
        "id": row.id,
        "request_id": row.request_id,
        "recipient_id": row.recipient_id,
        "recipient_email": row.recipient_email,
        "stage": row.stage,
        "deadline": row.deadline,
        "deadline_date": row.deadline_date,
        "subject": row.subject,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": instant(row.next_attempt_at),
        "last_error": row.last_error,
        "message_id": row.message_id,
        "created_at": instant(row.created_at),
        "sent_at": row.sent_at.map(instant),
    })
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "oversight",
    params(
        ("status" = Option<Vec<String>>, Query, description = "`queued`, `sent`, `failed` or `cancelled`; repeat for several"),
        ("page" = Option<i64>, Query, description = "From 1 (default 1)"),
        ("per_page" = Option<i64>, Query, description = "1-500 (default 50)"),
    ),
    responses(
        (status = 200, description = "The outbox: reminders and digests, newest first", body = crate::http::openapi::schemas::NotificationPage),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let mut params = Params::of(&req)?;
    let statuses = params.all("status");
    for status in &statuses {
        if !STATUSES.contains(&status.as_str()) {
            params.errors.push(FieldError::new(
                "status",
                format!("unknown status '{status}' (expected {})", STATUSES.join(", ")),
            ));
        }
    }
    let page = params.integer("page", 1, 1_000_000).unwrap_or(1);
    let per_page = params.integer("per_page", 1, 500).unwrap_or(50);
    params.finish()?;
    let (rows, total, counts) = state
        .db
        .read(move |conn| {
            let (rows, total) = notifications::list(conn, &statuses, page, per_page)?;
            let counts = notifications::counts(conn)?;
            Ok::<_, ApiError>((rows, total, counts))
        })
        .await?;
    let counts: serde_json::Map<String, Value> = STATUSES
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(status, _)| status == s)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (s.to_string(), Value::from(n))
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "items": rows.iter().map(row_json).collect::<Vec<_>>(),
        "page": page,
        "per_page": per_page,
        "total": total,
        "counts": counts,
    })))
}
