//! The pure domain: no database, web framework or mail code, and no clock — time
//! comes in as a parameter.

pub mod team;

/// A value that failed to parse, with the reason in words a user understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);
