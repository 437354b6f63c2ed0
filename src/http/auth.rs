//! `Authorization: Bearer TOKEN` → the [`Caller`] of a request.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::problem::ApiError;
use crate::clock;
use crate::domain::access::Caller;
use crate::service::auth::{self, AuthError};
use crate::web::sign_in_limit::client_address;
use crate::web::state::AppState;

/// The authenticated caller; every `/api/v1` handler takes one.
pub struct Auth(pub Caller);

impl Auth {
    /// The audit actor: the user's id (pseudonymous; names stay out of the trail).
    pub fn actor(&self) -> String {
        self.0.user_id.to_string()
    }
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    /// The caller put there by [`authenticate`], which runs before any extractor.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .map(Auth)
                .ok_or_else(|| {
                    ApiError::Unauthorized("this endpoint needs Authorization: Bearer <your token>".into())
                }),
        )
    }
}

/// Middleware on `/api/v1`: turns the bearer token into a [`Caller`] before anything
/// else reads the request, so an unauthenticated call never gets further (not even to
/// a body or parameter error). A refusal is answered here, as a response, so that the
/// outer middleware add the request id and the security headers to a 401 and a 429 too.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match caller_of(&req).await {
        Ok(caller) => {
            tracing::Span::current().record("user_id", tracing::field::display(caller.user_id));
            req.extensions_mut().insert(caller);
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        Err(error) => Ok(req.error_response(error).map_into_right_body()),
    }
}

/// The caller of the bearer token, or why there is none (401, 429, 503).
async fn caller_of(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_string())
        .ok_or_else(|| {
            ApiError::Unauthorized("this endpoint needs Authorization: Bearer <your token>".into())
        })?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header must be: Bearer <your token>".into())
        })?;
    let client = client_address(
        req.peer_addr(),
        req.headers(),
        state.settings.server.trusted_proxy,
    );
    let limited = |retry_after: u64| ApiError::TooManyRequests {
        detail: format!("too many wrong tokens from this address; try again in {retry_after} seconds"),
        retry_after,
    };
    if let Some(wait) = client.and_then(|address| state.sign_in_limit.refused(address)) {
        return Err(limited(wait));
    }
    match auth::authenticate(&state.db, token, clock::now()).await {
        Ok(caller) => Ok(caller),
        Err(AuthError::Storage(e)) => Err(ApiError::from(crate::service::ServiceError::from(e))),
        Err(other) => match client.and_then(|address| state.sign_in_limit.failed(address)) {
            Some(wait) => Err(limited(wait)),
            None => Err(ApiError::Unauthorized(other.to_string())),
        },
    }
}
