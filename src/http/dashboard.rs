//! `GET /api/v1/dashboard`: the privacy officer's overview in one call, scoped to what
//! the caller may see.

use actix_web::HttpResponse;

use super::auth::Auth;
use super::{Answer, State};
use crate::clock;
use crate::service::dashboard::{self, Dashboard};

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "oversight",
    responses((status = 200, description = "Open, overdue, due soon, suspended, unassigned, failed mails, and per kind over the last 90 days: on-time shares, medians, extensions; scoped to the teams the caller sees", body = Dashboard)))]
pub async fn dashboard(state: State, auth: Auth) -> Answer {
    let figures = dashboard::dashboard(&state.db, &state.rules, &auth.0, clock::now()).await?;
    Ok(HttpResponse::Ok().json(figures))
}
