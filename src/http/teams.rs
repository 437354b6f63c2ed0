//! `GET/POST /api/v1/teams`, `GET /api/v1/teams/{code}`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::auth::Auth;
use super::json::Json;
use super::{Answer, State};
use crate::clock;
use crate::domain::team::TeamCode;
use crate::service::admin::{self, Admin, NewTeamInput, Team as TeamRow};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamAnswer {
    pub code: TeamCode,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<TeamRow> for TeamAnswer {
    fn from(row: TeamRow) -> Self {
        TeamAnswer {
            code: row.code,
            name: row.name,
            created_at: DateTime::from_naive_utc_and_offset(row.created_at, Utc),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamList {
    pub items: Vec<TeamAnswer>,
}

#[utoipa::path(post, path = "/api/v1/teams", tag = "administration",
    request_body = NewTeamInput,
    responses(
        (status = 201, description = "Created", body = TeamAnswer),
        (status = 409, description = "A team with this code exists", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Privacy officer only.
pub async fn create(state: State, auth: Auth, body: Json<NewTeamInput>) -> Answer {
    let row = Admin::of(&auth.0)?
        .create_team(&state.db, body.0, clock::now())
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/teams/{}", row.code)))
        .json(TeamAnswer::from(row)))
}

#[utoipa::path(get, path = "/api/v1/teams", tag = "administration",
    responses((status = 200, description = "All teams", body = TeamList)))]
/// Every role: the front desk picks the team when registering.
pub async fn list(state: State, _auth: Auth) -> Answer {
    let rows = admin::teams(&state.db).await?;
    Ok(HttpResponse::Ok().json(TeamList {
        items: rows.into_iter().map(TeamAnswer::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/teams/{code}", tag = "administration",
    params(("code" = String, Path, description = "The team's code")),
    responses(
        (status = 200, description = "The team", body = TeamAnswer),
        (status = 404, description = "No such team", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: State, _auth: Auth, code: web::Path<String>) -> Answer {
    let row = admin::team(&state.db, &code).await?;
    Ok(HttpResponse::Ok().json(TeamAnswer::from(row)))
}
