//! `GET /api/v1/notifications`: the mail outbox, for the privacy officer.

use actix_web::{HttpRequest, HttpResponse};

use super::auth::Auth;
use super::params::Params;
use super::{Answer, State};
use crate::domain::reminders::OutboxStatus;
use crate::service::outbox::{self, Outbox};

#[utoipa::path(get, path = "/api/v1/notifications", tag = "oversight",
    params(
        ("status" = Option<Vec<OutboxStatus>>, Query, description = "Only mails in this state; repeat for several"),
        ("page" = Option<i64>, Query, description = "From 1 (default 1)"),
        ("per_page" = Option<i64>, Query, description = "1-500 (default 50)"),
    ),
    responses(
        (status = 200, description = "The outbox: reminders and digests, newest first", body = Outbox),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: State, auth: Auth, req: HttpRequest) -> Answer {
    auth.0.may_read_outbox()?;
    let mut params = Params::of(&req)?;
    let statuses = params.codes::<OutboxStatus>("status");
    let page = params.integer("page", 1, 1_000_000).unwrap_or(1);
    let per_page = params.integer("per_page", 1, 500).unwrap_or(50);
    params.finish()?;
    let outbox = outbox::outbox(&state.db, &auth.0, statuses, page, per_page).await?;
    Ok(HttpResponse::Ok().json(outbox))
}
