//! `Authorization: Bearer TOKEN` → the [`Caller`] of a request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use super::problem::ApiError;
use super::AppState;
use crate::clock;
use crate::domain::access::{Caller, Denied};
use crate::service::admin::{self, AuthError};
use crate::service::ServiceError;

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
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("").to_string());
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let header = header.ok_or_else(|| {
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
            match admin::authenticate(&state.db, token, clock::now()).await {
                Ok(caller) => Ok(Auth(caller)),
                Err(AuthError::Storage(e)) => Err(e.into()),
                Err(other) => Err(ApiError::Unauthorized(other.to_string())),
            }
        })
    }
}

impl From<Denied> for ServiceError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotFound => ServiceError::NotFound("not found".into()),
            Denied::Forbidden(why) => ServiceError::Forbidden(why),
        }
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        ServiceError::from(denied).into()
    }
}
