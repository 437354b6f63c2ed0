//! `Authorization: Bearer TOKEN` → the [`Caller`] of a request.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::problem::ApiError;
use crate::clock;
use crate::domain::access::Caller;
use crate::service::admin::{self, AuthError};
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
/// a body or parameter error).
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
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
    let caller = match admin::authenticate(&state.db, token, clock::now()).await {
        Ok(caller) => caller,
        Err(AuthError::Storage(e)) => {
            return Err(ApiError::from(crate::service::ServiceError::from(e)).into())
        }
        Err(other) => return Err(ApiError::Unauthorized(other.to_string()).into()),
    };
    tracing::Span::current().record("user_id", tracing::field::display(caller.user_id));
    req.extensions_mut().insert(caller);
    next.call(req).await
}
