//! Administration for the privacy officer: users and their tokens.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Auth;
use super::json::Json;
use super::problem::ApiError;
use super::{instant, AppState};
use crate::clock;
use crate::service::admin::{self, IssuedToken, NewUser, UserView};
use crate::storage::users::TokenRow;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub name: String,
    pub email: String,
    pub role: String,
    #[serde(default)]
    pub teams: Vec<String>,
    /// `each` (default) or `daily_digest`.
    pub reminders: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindersBody {
    pub reminders: String,
}

pub fn user_json(view: &UserView) -> Value {
    json!({
        "id": view.user.id,
        "name": view.user.name,
        "email": view.user.email,
        "role": view.user.role,
        "teams": view.teams,
        "active": view.user.active,
        "reminders": view.user.reminders,
        "created_at": instant(view.user.created_at),
        "deactivated_at": view.user.deactivated_at.map(instant),
    })
}

fn token_json(token: &TokenRow) -> Value {
    json!({
        "id": token.id,
        "created_at": instant(token.created_at),
        "last_used_at": token.last_used_at.map(instant),
        "revoked_at": token.revoked_at.map(instant),
    })
}

fn issued_json(token: &IssuedToken) -> Value {
    json!({
        "id": token.id,
        "user_id": token.user_id,
        "token": token.token,
        "created_at": token.created_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        "note": "the token is shown only now; it is stored as a hash and cannot be shown again",
    })
}

#[utoipa::path(get, path = "/api/v1/users", tag = "administration",
    responses((status = 200, description = "All users", body = crate::http::openapi::schemas::UserList)))]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let users = admin::list_users(&state.db).await?;
    let items: Vec<Value> = users.iter().map(user_json).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "administration",
    request_body = NewUserBody,
    responses(
        (status = 201, description = "The user and their first token (shown only now)", body = crate::http::openapi::schemas::CreatedUser),
        (status = 409, description = "A user with this e-mail address exists", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Creates a user and answers with the user and their first token.
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewUserBody>,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let body = body.0;
    let new = NewUser::parse(&body.name, &body.email, &body.role, &body.teams)?
        .with_reminders(body.reminders.as_deref())?;
    let (view, token) = admin::create_user(&state.db, auth.actor(), new, clock::now()).await?;
    tracing::info!(user_id = %view.user.id, role = %view.user.role, "user created");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", view.user.id)))
        .json(json!({"user": user_json(&view), "token": issued_json(&token)})))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID)")),
    responses(
        (status = 200, description = "The user and their tokens (never the secrets)", body = crate::http::openapi::schemas::User),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let (view, tokens) = admin::get_user(&state.db, id.into_inner()).await?;
    let mut body = user_json(&view);
    body["tokens"] = tokens.iter().map(token_json).collect();
    Ok(HttpResponse::Ok().json(body))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID)")),
    responses(
        (status = 200, description = "Deactivated: their tokens stop working", body = crate::http::openapi::schemas::User),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Deactivating would leave no active privacy officer, or the user is inactive already", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let view = admin::deactivate_user(&state.db, auth.actor(), id.into_inner(), clock::now()).await?;
    tracing::info!(user_id = %view.user.id, "user deactivated");
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID)")),
    responses(
        (status = 201, description = "A new token, shown only now", body = crate::http::openapi::schemas::IssuedToken),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The user is deactivated", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn issue_token(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let token = admin::issue_token(&state.db, auth.actor(), id.into_inner(), clock::now()).await?;
    Ok(HttpResponse::Created().json(issued_json(&token)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "administration",
    params(("id" = String, Path, description = "The token's id (UUID)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    admin::revoke_token(&state.db, auth.actor(), id.into_inner(), clock::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(put, path = "/api/v1/users/{id}/reminders", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID); users may set their own")),
    request_body = RemindersBody,
    responses(
        (status = 200, description = "The user with the new setting", body = crate::http::openapi::schemas::User),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// How a user receives reminders: the privacy officer for anyone, a user for themself.
pub async fn set_reminders(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: Json<RemindersBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if auth.0.user_id.to_string() != id {
        auth.0.may_administer()?;
    }
    let view = admin::set_reminders(&state.db, auth.actor(), id, body.0.reminders, clock::now()).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "administration",
    responses((status = 200, description = "The caller", body = crate::http::openapi::schemas::User)))]
/// `GET /api/v1/me`: who the token belongs to (every role).
pub async fn me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let (view, _) = admin::get_user(&state.db, auth.0.user_id.to_string()).await?;
    Ok(HttpResponse::Ok().json(user_json(&view)))
}
