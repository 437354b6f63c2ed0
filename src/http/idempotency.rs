//! `Idempotency-Key` on the API's POSTs: the same key with the same call from the same
//! user within 24 hours answers what the first call answered (status, `Location`,
//! `ETag`, body) and changes nothing; the same key with another call is refused (422);
//! a repeat while the first is under way is told to wait (409).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};

use super::problem::ApiError;
use crate::clock;
use crate::domain::access::Caller;
use crate::service::written_once::{self, Answer, Call};
use crate::web::state::AppState;

/// The header that names a call.
pub const HEADER: &str = "Idempotency-Key";

/// A key: 1 to 255 printable characters.
fn valid(key: &str) -> bool {
    (1..=255).contains(&key.chars().count()) && key.chars().all(|c| !c.is_control())
}

/// Middleware inside the authentication of `/api/v1`: a POST with an
/// `Idempotency-Key` is carried out once.
pub async fn once(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_string).unwrap_or_else(|_| "\u{0}".into()));
    let caller = req.extensions().get::<Caller>().cloned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(key), Some(caller), Some(state), true) = (key, caller, state, req.method() == Method::POST)
    else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if !valid(&key) {
        let error = ApiError::validation(HEADER, "must be 1 to 255 printable characters");
        return Ok(req.error_response(error));
    }
    let body = req.extract::<web::Bytes>().await?;
    let fingerprint = written_once::fingerprint(req.method().as_str(), req.path(), &body);
    req.set_payload(actix_web::dev::Payload::from(body));
    let user = crate::domain::ids::UserId::from(caller.user_id);
    let begun = written_once::begin_call(&state.db, user, &key, fingerprint, clock::now()).await;
    match begun {
        Ok(Call::First) => {}
        Ok(Call::Answered(answer)) => {
            let response = replay(answer);
            return Ok(req.into_response(response));
        }
        Ok(Call::UnderWay) => {
            let error = ApiError::conflict(format!(
                "the first call with this {HEADER} is still under way; try again in a moment"
            ));
            return Ok(req.error_response(error));
        }
        Ok(Call::OtherCall) => {
            let error = ApiError::validation(
                HEADER,
                "was used for another call (another path or body) in the last 24 hours; use a new key",
            );
            return Ok(req.error_response(error));
        }
        Err(error) => {
            return Ok(req.error_response(ApiError::from(crate::service::ServiceError::from(error))))
        }
    }
    let response = next.call(req).await?;
    let (req, response) = response.into_parts();
    let status = response.status();
    let header_of = |name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (location, etag, content_type) = (
        header_of(header::LOCATION),
        header_of(header::ETAG),
        header_of(header::CONTENT_TYPE),
    );
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| ApiError::Internal("the answer could not be read".into()))?;
    let answer = Answer {
        status: status.as_u16(),
        location,
        etag,
        content_type,
        body: bytes.to_vec(),
    };
    if let Err(error) = written_once::answered(&state.db, user, &key, answer).await {
        tracing::error!(%error, "the answer to a call with an idempotency key was not kept");
    }
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(bytes))))
}

/// The first call's answer, once more.
fn replay(answer: Answer) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK));
    for (name, value) in [
        (header::LOCATION, answer.location),
        (header::ETAG, answer.etag),
        (header::CONTENT_TYPE, answer.content_type),
    ] {
        if let Some(value) = value {
            response.insert_header((name, value));
        }
    }
    response.insert_header(("Idempotent-Replayed", "true"));
    response.body(answer.body)
}
