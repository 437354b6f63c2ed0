//! `GET/POST /api/v1/teams`, `GET /api/v1/teams/{code}`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::auth::Auth;
use super::json::Json;
use super::problem::ApiError;
use super::{instant, AppState};
use crate::clock;
use crate::service::admin;
use crate::storage::teams::{self, TeamRow};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeamBody {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TeamDto {
    pub code: String,
    pub name: String,
    pub created_at: String,
}

impl From<TeamRow> for TeamDto {
    fn from(row: TeamRow) -> Self {
        TeamDto {
            code: row.code,
            name: row.name,
            created_at: instant(row.created_at),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/teams", tag = "administration",
    request_body = NewTeamBody,
    responses(
        (status = 201, description = "Created", body = TeamDto),
        (status = 409, description = "A team with this code exists", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Privacy officer only.
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewTeamBody>,
) -> Result<HttpResponse, ApiError> {
    auth.0.may_administer()?;
    let body = body.0;
    let actor = auth.actor();
    let now = clock::now();
    let row = state
        .db
        .write(move |conn| admin::create_team_in(conn, &actor, &body.code, &body.name, now))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/teams/{}", row.code)))
        .json(TeamDto::from(row)))
}

#[utoipa::path(get, path = "/api/v1/teams", tag = "administration",
    responses((status = 200, description = "All teams", body = crate::http::openapi::schemas::TeamList)))]
/// Every role: the front desk picks the team when registering.
pub async fn list(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .read(|conn| teams::list(conn).map_err(ApiError::from))
        .await?;
    let items: Vec<TeamDto> = rows.into_iter().map(TeamDto::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

#[utoipa::path(get, path = "/api/v1/teams/{code}", tag = "administration",
    params(("code" = String, Path, description = "The team's code")),
    responses(
        (status = 200, description = "The team", body = TeamDto),
        (status = 404, description = "No such team", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    _auth: Auth,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let lookup = code.clone();
    let row = state
        .db
        .read(move |conn| teams::find(conn, &lookup).map_err(ApiError::from))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no team with code {code}")))?;
    Ok(HttpResponse::Ok().json(TeamDto::from(row)))
}
