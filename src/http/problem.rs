//! One error type for the HTTP layer, answered as `application/problem+json`
//! (RFC 9457): `{"type","title","status","detail","errors":[{"field","message"}]}`.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::{Map, Value};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input, by the JSON path of the field (`requester.email`, `grounds[0]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body of every error response (RFC 9457).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `/problems/{slug}`: `validation`, `not-found`, `conflict`, `forbidden`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Extension members (RFC 9457 §3.2), e.g. `allowed_actions`, `current_version`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: Map<String, Value>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            extensions: Map::new(),
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .json(self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON at all (syntax error, empty body).
    #[error("{0}")]
    MalformedBody(String),
    #[error("unsupported content type: {0}")]
    UnsupportedMediaType(String),
    /// The body is larger than the API accepts (413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Well-formed input that breaks a rule; every offending field is listed.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    /// No valid token (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Too many wrong tokens from one address (429, with `Retry-After`).
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    /// A valid caller whose role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with the current state (duplicate code, illegal action).
    #[error("{detail}")]
    Conflict {
        detail: String,
        extensions: Map<String, Value>,
    },
    /// `If-Match` names a version that is no longer current (412).
    #[error("{detail}")]
    PreconditionFailed { detail: String, current_version: i64 },
    #[error("the database is not available")]
    Unavailable(String),
    /// A bug or a broken dependency. The cause is logged, never shown.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            detail: detail.into(),
            extensions: Map::new(),
        }
    }

    pub fn problem(&self) -> Problem {
        match self {
            ApiError::MalformedBody(detail) => {
                Problem::new(StatusCode::BAD_REQUEST, "malformed-body", detail)
            }
            ApiError::PayloadTooLarge(detail) => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", detail)
            }
            ApiError::UnsupportedMediaType(detail) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!("expected Content-Type: application/json, got {detail}"),
            ),
            ApiError::Validation(errors) => {
                let detail = match errors.as_slice() {
                    [one] => format!("{}: {}", one.field, one.message),
                    _ => format!("{} fields are invalid", errors.len()),
                };
                let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail);
                problem.errors = errors.clone();
                problem
            }
            ApiError::NotFound(detail) => Problem::new(StatusCode::NOT_FOUND, "not-found", detail),
            ApiError::Unauthorized(detail) => Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail),
            ApiError::Forbidden(detail) => Problem::new(StatusCode::FORBIDDEN, "forbidden", detail),
            ApiError::TooManyRequests { detail, .. } => {
                Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", detail)
            }
            ApiError::Conflict { detail, extensions } => {
                let mut problem = Problem::new(StatusCode::CONFLICT, "conflict", detail);
                problem.extensions = extensions.clone();
                problem
            }
            ApiError::PreconditionFailed {
                detail,
                current_version,
            } => {
                let mut problem = Problem::new(StatusCode::PRECONDITION_FAILED, "stale-version", detail);
                problem
                    .extensions
                    .insert("current_version".into(), Value::from(*current_version));
                problem
            }
            ApiError::Unavailable(_) => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database is not available; try again shortly",
            ),
            ApiError::Internal(_) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "an unexpected error occurred; it has been logged",
            ),
        }
    }
}

impl From<crate::domain::access::Denied> for ApiError {
    fn from(denied: crate::domain::access::Denied) -> Self {
        crate::service::ServiceError::from(denied).into()
    }
}

impl From<crate::service::ServiceError> for ApiError {
    fn from(error: crate::service::ServiceError) -> Self {
        use crate::service::ServiceError;
        match error {
            ServiceError::NotFound(detail) => ApiError::NotFound(detail),
            ServiceError::Forbidden(detail) => ApiError::Forbidden(detail.en),
            ServiceError::Unsigned(detail) => ApiError::Unauthorized(detail.en),
            ServiceError::Conflict(detail) => ApiError::conflict(detail.en),
            ServiceError::Invalid(issues) => {
                ApiError::Validation(issues.into_iter().map(|i| FieldError::new(i.field, i.message.en)).collect())
            }
            ServiceError::NotAllowed { detail, status, allowed } => {
                let mut extensions = Map::new();
                extensions.insert("request_status".into(), Value::from(status.code()));
                extensions.insert(
                    "allowed_actions".into(),
                    Value::from(allowed.iter().map(|a| a.code()).collect::<Vec<_>>()),
                );
                ApiError::Conflict { detail: detail.en, extensions }
            }
            ServiceError::Stale { current } => ApiError::PreconditionFailed {
                detail: format!(
                    "the request was changed since you read it; it is now at version {current} — reload and try again"
                ),
                current_version: current,
            },
            error @ ServiceError::Storage(_) if error.is_unavailable() => {
                ApiError::Unavailable(error.to_string())
            }
            error @ ServiceError::Storage(_) => ApiError::Internal(error.to_string()),
        }
    }
}

/// The answer to an address the API does not know.
pub fn not_found(path: &str) -> HttpResponse {
    ApiError::NotFound(format!("no resource at {path}"))
        .problem()
        .response()
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            ApiError::Internal(cause) => tracing::error!(cause = %cause, "internal error"),
            ApiError::Unavailable(cause) => tracing::warn!(cause = %cause, "database unavailable"),
            _ => {}
        }
        let mut response = self.problem().response();
        if let ApiError::TooManyRequests { retry_after, .. } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"avg-loket\""),
            );
        }
        response
    }
}

/// Turns every error response that is not problem+json yet (404 from routing, 405,
/// 413 from a payload limit, a 500 from the framework) into one, keeping the status.
/// The web pages' own error pages (HTML) stay as they are.
pub fn problem_for_plain_errors<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let finished = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v == HeaderValue::from_static(PROBLEM_JSON) || v.to_str().is_ok_and(|v| v.starts_with("text/html"))
    });
    if finished {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (slug, detail) = match status {
        StatusCode::NOT_FOUND => ("not-found", format!("no resource at {}", res.request().path())),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            format!(
                "{} is not allowed on {}",
                res.request().method(),
                res.request().path()
            ),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload-too-large", "the request body is too large".to_string()),
        s if s.is_server_error() => (
            "internal",
            "an unexpected error occurred; it has been logged".to_string(),
        ),
        s => ("error", s.canonical_reason().unwrap_or("error").to_lowercase()),
    };
    let response = Problem::new(status, slug, detail).response();
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
