//! Why a page cannot be shown, and the page that says so — in one place.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use super::{page, Message};
use crate::service::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No live session: a page to read sends the browser to sign in, and back to
    /// `next` (the page asked for) afterwards; a form sent without one that could not
    /// be kept changes nothing.
    #[error("not signed in")]
    NotSignedIn { reading: bool, next: Option<String> },
    /// A form that could not be taken now (its session ended, or its CSRF value is
    /// stale) was kept: the browser goes to `location` (sign-in, then the form's page,
    /// or that page at once) with the cookie that finds it again.
    #[error("form kept for later")]
    FormKept {
        location: String,
        cookie: Box<actix_web::cookie::Cookie<'static>>,
    },
    /// The same form was sent before (a double-click): not carried out again; the
    /// browser goes where the first went.
    #[error("form sent before")]
    AlreadySent { location: String },
    /// A form without this session's CSRF token, or one that cannot be read.
    #[error("form not accepted")]
    BadForm,
    /// The caller's role may not see or do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such request, or not one the caller may see.
    #[error("not found")]
    NotFound,
    /// The action clashes with what is there now.
    #[error("{0}")]
    Refused(String),
    /// The database is not available (or a bug, which is logged).
    #[error("unavailable")]
    Unavailable,
}

impl PageError {
    /// The same error, with a page's own words for a refusal of its role.
    pub fn forbidden_says(self, message: &str) -> Self {
        match self {
            PageError::Forbidden(_) => PageError::Forbidden(message.to_string()),
            other => other,
        }
    }
}

impl From<ServiceError> for PageError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(_) => PageError::NotFound,
            ServiceError::Forbidden(message) | ServiceError::Unsigned(message) => {
                PageError::Forbidden(message.nl)
            }
            ServiceError::Conflict(message) => PageError::Refused(message.nl),
            ServiceError::NotAllowed { detail, .. } => PageError::Refused(detail.nl),
            ServiceError::Stale { .. } => PageError::Refused(
                "Iemand anders heeft het intussen gewijzigd. Laad de pagina opnieuw.".into(),
            ),
            ServiceError::Invalid(issues) => PageError::Refused(
                issues
                    .iter()
                    .map(|i| format!("{}: {}", super::labels::field(&i.field), i.message.nl))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            error @ ServiceError::Storage(_) => {
                if error.is_unavailable() {
                    tracing::warn!(%error, "database unavailable");
                } else {
                    tracing::error!(%error, "page failed");
                }
                PageError::Unavailable
            }
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotSignedIn { reading: true, .. }
            | PageError::FormKept { .. }
            | PageError::AlreadySent { .. } => StatusCode::SEE_OTHER,
            PageError::NotSignedIn { reading: false, .. } | PageError::BadForm | PageError::Forbidden(_) => {
                StatusCode::FORBIDDEN
            }
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Refused(_) => StatusCode::CONFLICT,
            PageError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let home = ("/", "Naar de startpagina");
        let (heading, message, (link, link_text)) = match self {
            PageError::NotSignedIn { reading: true, next } => {
                let location = match next {
                    Some(next) => format!("/login?naar={}", super::session::encoded(next)),
                    None => "/login".to_string(),
                };
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .finish();
            }
            PageError::AlreadySent { location } => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location.as_str()))
                    .finish();
            }
            PageError::FormKept { location, cookie } => {
                let mut response = HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location.as_str()))
                    .finish();
                let _ = response.add_cookie(cookie);
                return response;
            }
            PageError::NotSignedIn { reading: false, .. } | PageError::BadForm => (
                "Formulier niet geaccepteerd",
                "Dit formulier is verlopen of kwam niet van deze pagina. Er is niets gewijzigd.",
                home,
            ),
            PageError::Forbidden(message) => ("Geen toegang", message.as_str(), home),
            PageError::NotFound => (
                "Niet gevonden",
                "Dit verzoek bestaat niet, of u kunt het niet inzien.",
                home,
            ),
            PageError::Refused(message) => ("Dat kan nu niet", message.as_str(), home),
            PageError::Unavailable => (
                "Dat lukt nu niet",
                "De database is niet bereikbaar. Er is niets gewijzigd; probeer het over enkele minuten opnieuw.",
                home,
            ),
        };
        page(
            self.status_code(),
            &Message {
                heading,
                message,
                link,
                link_text,
            },
        )
    }
}
