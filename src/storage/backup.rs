//! A consistent copy of a SQLite register, made while it is in use.

use std::path::Path;

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::{DbConnection, StorageError};

/// Writes a consistent copy of the SQLite database to `to` with `VACUUM INTO`: one
/// read transaction, so the copy is the register as of one moment, and writers go on
/// meanwhile (WAL). `Ok(false)` on PostgreSQL, which has its own tools.
pub fn sqlite_copy(conn: &mut DbConnection, to: &Path) -> Result<bool, StorageError> {
    let DbConnection::Sqlite(lite) = conn else {
        return Ok(false);
    };
    let path = to
        .to_str()
        .ok_or_else(|| StorageError::Corrupt(format!("{} is not a UTF-8 path", to.display())))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(path)
        .execute(lite)?;
    Ok(true)
}
