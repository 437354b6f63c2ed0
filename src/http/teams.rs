//! `GET/POST /api/v1/teams`, `GET /api/v1/teams/{code}`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::json::Json;
use super::problem::{ApiError, FieldError};
use super::{instant, AppState};
use crate::clock;
use crate::domain::team::{TeamCode, TeamName};
use crate::storage::teams::{self, NewTeam, TeamRow};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTeamBody {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
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

pub async fn create(state: web::Data<AppState>, body: Json<NewTeamBody>) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = Vec::new();
    let code = TeamCode::parse(&body.code)
        .map_err(|e| errors.push(FieldError::new("code", e.0)))
        .ok();
    let name = TeamName::parse(&body.name)
        .map_err(|e| errors.push(FieldError::new("name", e.0)))
        .ok();
    let (Some(code), Some(name)) = (code, name) else {
        return Err(ApiError::Validation(errors));
    };
    let created_at: NaiveDateTime = clock::now().naive_utc();
    let row = state
        .db
        .write(move |conn| {
            let new = NewTeam {
                code: code.as_str(),
                name: name.as_str(),
                created_at,
            };
            if !teams::insert(conn, &new)? {
                return Err(ApiError::conflict(format!(
                    "team {} already exists",
                    code.as_str()
                )));
            }
            Ok(TeamRow {
                code: code.as_str().to_string(),
                name: name.as_str().to_string(),
                created_at,
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/teams/{}", row.code)))
        .json(TeamDto::from(row)))
}

pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .read(|conn| teams::list(conn).map_err(ApiError::from))
        .await?;
    let items: Vec<TeamDto> = rows.into_iter().map(TeamDto::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

pub async fn get(state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let lookup = code.clone();
    let row = state
        .db
        .read(move |conn| teams::find(conn, &lookup).map_err(ApiError::from))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no team with code {code}")))?;
    Ok(HttpResponse::Ok().json(TeamDto::from(row)))
}
