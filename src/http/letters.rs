//! Letters to the requester: `GET/POST /api/v1/requests/{id}/letters`,
//! `GET/PUT/DELETE /api/v1/letters/{id}`, `GET …/pdf`, `POST …/send`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Auth;
use super::json::Json;
use super::{Answer, State};
use crate::service::letters::{self, LetterChange, LetterView, NewLetterInput, SendInput};
use crate::service::requests::request_id;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterList {
    pub items: Vec<LetterView>,
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/letters", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request's letters, drafts and sent, newest first (the front desk: acknowledgements only)", body = LetterList),
        (status = 404, description = "No such request, or not visible to the caller", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let items = letters::list(&state.ctx(&auth.0), request_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(LetterList { items }))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/letters", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The request's id")),
    request_body = NewLetterInput,
    responses(
        (status = 201, description = "A draft pre-filled from the request; `missing` lists the mandatory elements it does not yet contain", body = LetterView),
        (status = 403, description = "The caller may not write this letter (the front desk: acknowledgement only)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The letter does not fit the request now (a decision letter before the decision), or letters are not set up (no organisation file)", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(state: State, auth: Auth, id: web::Path<String>, body: Json<NewLetterInput>) -> Answer {
    let view = letters::create(&state.ctx(&auth.0), request_id(&id)?, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/letters/{}", view.id)))
        .json(view))
}

#[utoipa::path(get, path = "/api/v1/letters/{id}", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    responses(
        (status = 200, description = "The letter: a draft as it would go out now, a final letter as it went out", body = LetterView),
        (status = 404, description = "No such letter, or not visible to the caller", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let view = letters::get(&state.ctx(&auth.0), letters::letter_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(put, path = "/api/v1/letters/{id}", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    request_body = LetterChange,
    responses(
        (status = 200, description = "The changed draft", body = LetterView),
        (status = 404, description = "No such letter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The letter is no longer a draft", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown paragraph), each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(state: State, auth: Auth, id: web::Path<String>, body: Json<LetterChange>) -> Answer {
    let view = letters::update(&state.ctx(&auth.0), letters::letter_id(&id)?, body.0).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(delete, path = "/api/v1/letters/{id}", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    responses(
        (status = 204, description = "The draft (or a letter by post made final but not posted) is discarded"),
        (status = 404, description = "No such letter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The letter is no longer a draft", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn discard(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    letters::discard(&state.ctx(&auth.0), letters::letter_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/letters/{id}/pdf", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    responses(
        (status = 200, description = "PDF/A-2b: a draft marked as a draft; a final letter byte for byte as it went out. Saved as `AVG-2026-00004 besluit.pdf` (`Content-Disposition`, the letter's language; a draft `… (concept).pdf`)", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such letter, or its PDF was removed by retention", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn pdf(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let (bytes, name) = letters::pdf(&state.ctx(&auth.0), letters::letter_id(&id)?).await?;
    Ok(crate::web::download::pdf(&name, bytes))
}

#[utoipa::path(post, path = "/api/v1/letters/{id}/finalise", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id")),
    responses(
        (status = 200, description = "A draft by post made final: dated today (`dated_on`), its PDF rendered without CONCEPT and kept (`sha256`), `status: queued` until its posting is recorded with `send`. Print it from `GET …/pdf`", body = LetterView),
        (status = 404, description = "No such letter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The letter is no longer a draft, goes by e-mail (made final when sent), or changed meanwhile", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A mandatory element is missing (`missing.CODE` in `errors`, one per element), or an extension notice is past the first month", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn finalise(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let view = letters::finalise(&state.ctx(&auth.0), letters::letter_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(post, path = "/api/v1/letters/{id}/send", tag = "letters",
    params(("id" = uuid::Uuid, Path, description = "The letter's id"), ("Idempotency-Key" = Option<String>, Header, description = "Any printable text up to 255 characters: the same key with the same call from the same user within 24 hours answers what the first call answered (`Idempotent-Replayed: true`) and changes nothing; with another call it is 422")),
    request_body = SendInput,
    responses(
        (status = 200, description = "By e-mail: made final and queued (`status: queued`), delivered by the worker. By post: a letter made final with `finalise` is recorded as posted on `sent_on` (default today, not before `dated_on`) and never changes; a draft is made final dated `sent_on` and recorded as posted that day in one step", body = LetterView),
        (status = 404, description = "No such letter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The letter went out already, or changed meanwhile", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A mandatory element is missing (`missing.CODE` in `errors`, one per element), or `sent_on` is wrong", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn send(state: State, auth: Auth, id: web::Path<String>, body: Json<SendInput>) -> Answer {
    let view = letters::send(&state.ctx(&auth.0), letters::letter_id(&id)?, body.0).await?;
    Ok(HttpResponse::Ok().json(view))
}
