//! The register of systems: `GET/POST /api/v1/systems`, `GET/PATCH
//! /api/v1/systems/{code}`, `POST /api/v1/systems/{code}/secret`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::auth::Auth;
use super::json::Json;
use super::{Answer, State};
use crate::clock;
use crate::service::admin::Admin;
use crate::service::systems::{self, NewSystemInput, SystemChangeInput, SystemList, SystemView};

#[utoipa::path(get, path = "/api/v1/systems", tag = "systems",
    responses((status = 200, description = "Every system in the register, by code (never a key)", body = SystemList)))]
/// Every member of staff: a task names its system.
pub async fn list(state: State, _auth: Auth) -> Answer {
    Ok(HttpResponse::Ok().json(systems::list(&state.db).await?))
}

#[utoipa::path(post, path = "/api/v1/systems", tag = "systems",
    request_body = NewSystemInput,
    responses(
        (status = 201, description = "Added; with a `webhook_url`, `callback_secret` is shown this once", body = SystemView),
        (status = 403, description = "Not the privacy officer", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A system with this code exists", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Privacy officer only.
pub async fn create(state: State, auth: Auth, body: Json<NewSystemInput>) -> Answer {
    let view = Admin::of(&auth.0)?
        .create_system(&state.db, body.0, clock::now())
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/systems/{}", view.code)))
        .json(view))
}

#[utoipa::path(get, path = "/api/v1/systems/{code}", tag = "systems",
    params(("code" = String, Path, description = "The system's code")),
    responses(
        (status = 200, description = "The system", body = SystemView),
        (status = 404, description = "No such system", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: State, _auth: Auth, code: web::Path<String>) -> Answer {
    Ok(HttpResponse::Ok().json(systems::get(&state.db, &code).await?))
}

#[utoipa::path(patch, path = "/api/v1/systems/{code}", tag = "systems",
    params(("code" = String, Path, description = "The system's code")),
    request_body = SystemChangeInput,
    responses(
        (status = 200, description = "The system as it is now; a webhook set where there was none brings its `callback_secret`, shown this once. A new owner takes over the open tasks", body = SystemView),
        (status = 403, description = "Not the privacy officer", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such system", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Privacy officer only.
pub async fn change(
    state: State,
    auth: Auth,
    code: web::Path<String>,
    body: Json<SystemChangeInput>,
) -> Answer {
    let view = Admin::of(&auth.0)?
        .change_system(&state.db, code.into_inner(), body.0, clock::now())
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(post, path = "/api/v1/systems/{code}/secret", tag = "systems",
    params(("code" = String, Path, description = "The system's code")),
    responses(
        (status = 200, description = "A new `callback_secret`, shown this once; the old key stops working", body = SystemView),
        (status = 403, description = "Not the privacy officer", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such system", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The system has no webhook", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Privacy officer only.
pub async fn rotate_secret(state: State, auth: Auth, code: web::Path<String>) -> Answer {
    let view = Admin::of(&auth.0)?
        .rotate_system_secret(&state.db, code.into_inner(), clock::now())
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
