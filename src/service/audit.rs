//! Checking the audit trail's hash chain (`avg-loket audit verify`).

use super::ServiceError;
use crate::storage::{audit, Db};

pub use crate::storage::audit::Verification;

/// Walks the whole chain; says whether it is intact or where it first breaks.
pub async fn verify(db: &Db) -> Result<Verification, ServiceError> {
    db.read(|conn| Ok::<_, ServiceError>(audit::verify(conn)?)).await
}
