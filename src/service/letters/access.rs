//! Who may read and write which letters, and the answers for a letter or request
//! that is not there (or not to be seen).

use std::fmt::Display;

use crate::domain::access::{Caller, Denied, View};
use crate::domain::ids::LetterId;
use crate::domain::letters::LetterKind;
use crate::service::ServiceError;
use crate::storage::requests::StoredRequest;

/// The letter ID in a path or a form, parsed where it enters: anything that is not an
/// ID names a letter that does not exist.
pub fn letter_id(text: &str) -> Result<LetterId, ServiceError> {
    LetterId::parse(text).map_err(|_| not_found(text))
}

pub(super) fn not_found(id: impl Display) -> ServiceError {
    ServiceError::NotFound(format!("no letter with id {id}"))
}

pub(super) fn request_not_found(id: impl Display) -> ServiceError {
    ServiceError::NotFound(format!("no request with id {id}"))
}

/// May the caller read this request's letters? Letters carry the requester's name and
/// address, so only who sees the request in full: the front desk while the request it
/// registered is still `received` (and then only the acknowledgement, see
/// [`may_write`] and [`super::list`]).
pub(super) fn may_read(
    caller: &Caller,
    stored: &StoredRequest,
    kind: Option<LetterKind>,
) -> Result<(), Denied> {
    use crate::domain::access::Role;
    match caller.view_of_request(&stored.on()) {
        Some(View::Full) if caller.role != Role::FrontDesk => Ok(()),
        Some(View::Full) if kind.is_none_or(|k| k == LetterKind::Acknowledgement) => Ok(()),
        _ => Err(Denied::NotFound),
    }
}

/// May the caller draft, change or send a letter of this kind on this request?
pub(super) fn may_write(caller: &Caller, stored: &StoredRequest, kind: LetterKind) -> Result<(), Denied> {
    use crate::domain::access::Role;
    if caller.view_of_request(&stored.on()).is_none() {
        return Err(Denied::NotFound);
    }
    let allowed = match caller.role {
        Role::Auditor => Err(Denied::forbidden(
            "the auditor reads; letters are written by the team",
            "de auditor leest mee; brieven schrijft het team",
        )),
        Role::FrontDesk if kind != LetterKind::Acknowledgement => Err(Denied::forbidden(
            "the front desk writes and sends the acknowledgement only",
            "de balie schrijft en verstuurt alleen de ontvangstbevestiging",
        )),
        _ => Ok(()),
    };
    allowed.and_then(|()| may_read(caller, stored, Some(kind)))
}

pub(super) fn denied(id: LetterId) -> impl Fn(Denied) -> ServiceError {
    move |denied| match denied {
        Denied::NotFound => not_found(id),
        other => other.into(),
    }
}
