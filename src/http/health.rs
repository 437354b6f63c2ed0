//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).

use actix_web::HttpResponse;
use serde::Serialize;

use super::{Answer, State};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` (`/healthz`) or `ready` (`/readyz`).
    pub status: &'static str,
    /// `sqlite` or `postgres` (`/readyz` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
    })
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "The database answers", body = Health)))]
pub async fn readyz(state: State) -> Answer {
    crate::service::ready(&state.db).await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        database: Some(state.db.backend()),
    }))
}
