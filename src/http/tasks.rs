//! Tasks: `GET /api/v1/requests/{id}/tasks`, `GET /api/v1/tasks` (the caller's open
//! tasks), `POST /api/v1/tasks/{id}/actions/{action}`, and the signed report of a
//! system's automation, `POST /api/v1/tasks/{id}/report` (no bearer token).

use actix_web::web::Bytes;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use super::auth::Auth;
use super::json;
use super::problem::ApiError;
use super::{Answer, State};
use crate::clock;
use crate::domain::tasks::TaskAction;
use crate::service::requests::request_id;
use crate::service::tasks::{self, task_id, TaskActionInput, TaskList, TaskReportInput, TaskView};

#[utoipa::path(get, path = "/api/v1/requests/{id}/tasks", tag = "tasks",
    params(("id" = uuid::Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request's tasks, one per system, by system code; notes only for who sees the request in full or carries the task", body = TaskList),
        (status = 403, description = "The front desk (it sees a request's status, not its tasks)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or not visible to the caller", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_request(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let list = tasks::of_request(&state.ctx(&auth.0), request_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    responses((status = 200, description = "The caller's open tasks (as owner or as a system's deputy), soonest due first", body = TaskList)))]
pub async fn mine(state: State, auth: Auth) -> Answer {
    Ok(HttpResponse::Ok().json(tasks::mine(&state.ctx(&auth.0)).await?))
}

/// `/tasks/{id}/actions/{action}`, as written.
#[derive(Debug, serde::Deserialize)]
pub struct TaskActionPath {
    id: String,
    action: String,
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/actions/{action}", tag = "tasks",
    params(
        ("id" = uuid::Uuid, Path, description = "The task's id"),
        ("action" = TaskAction, Path, description = "One of the task's `allowed_actions`"),
    ),
    request_body(content = TaskActionInput, description = "A note (required for `exception` and `skip`); the body may be left out otherwise"),
    responses(
        (status = 200, description = "The task after the action", body = TaskView),
        (status = 403, description = "Not for the caller: `skip` and `reopen` are the privacy officer's; an auditor changes nothing", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task or action, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in the task's state (closed already, open already) or the request is closed", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note is missing or too long", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn act(
    state: State,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<TaskActionPath>,
    body: Bytes,
) -> Answer {
    let TaskActionPath { id, action } = path.into_inner();
    let action: TaskAction = super::params::path_action(&action)?;
    let input = if body.iter().all(u8::is_ascii_whitespace) {
        TaskActionInput::default()
    } else if json::is_json(req.content_type()) {
        json::parse::<TaskActionInput>(&body)?
    } else {
        return Err(ApiError::UnsupportedMediaType(req.content_type().to_string()));
    };
    let view = tasks::act(&state.ctx(&auth.0), task_id(&id)?, action, input).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/report", tag = "tasks",
    params(
        ("id" = uuid::Uuid, Path, description = "The task's id, as the webhook named it"),
        ("X-Avg-Signature" = String, Header, description = "`t=UNIX,v1=HEX`: HMAC-SHA256 with the system's `callback_secret` over `t.` followed by the body as sent"),
    ),
    request_body = TaskReportInput,
    responses(
        (status = 200, description = "The task after the report", body = TaskView),
        (status = 401, description = "The signature is missing or wrong, its time more than five minutes off, or it was used before", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The task is closed already, or its request is", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not a report (`status` done, not_found or exception; a note for an exception)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// For a system's own automation: no bearer token, a signature instead.
pub async fn report(state: State, req: HttpRequest, id: web::Path<String>, body: Bytes) -> Answer {
    let signature = req
        .headers()
        .get("X-Avg-Signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // An ID that is none is as unknown as a wrong signature: nothing is revealed.
    let id = task_id(&id).map_err(|_| ApiError::Unauthorized("the signature does not fit".into()))?;
    let view = tasks::report(
        &state.db,
        &state.rules,
        id,
        signature,
        body.to_vec(),
        clock::now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
