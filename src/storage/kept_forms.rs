//! `kept_forms`: forms sent after their session ended, kept for their user until they
//! signed in again (at most an hour).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::kept_forms;
use super::{DbConnection, StorageError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = kept_forms)]
pub struct KeptFormRow {
    /// SHA-256 of the secret in the browser's cookie.
    pub key_hash: String,
    /// The user of the session the form came from, when it is known.
    pub user_id: Option<String>,
    /// Where the form was sent (`/requests/new`).
    pub path: String,
    /// The form's fields as JSON pairs, without the CSRF value and the form key.
    pub fields: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &KeptFormRow) -> Result<(), StorageError> {
    diesel::insert_into(kept_forms::table).values(row).execute(conn)?;
    Ok(())
}

/// The kept form of this hash, unless it was kept before `since`.
pub fn find(
    conn: &mut DbConnection,
    key_hash: &str,
    since: NaiveDateTime,
) -> Result<Option<KeptFormRow>, StorageError> {
    Ok(kept_forms::table
        .find(key_hash)
        .filter(kept_forms::created_at.ge(since))
        .select(KeptFormRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Removes one kept form (it was shown again); `Ok(false)` when it was gone.
pub fn delete(conn: &mut DbConnection, key_hash: &str) -> Result<bool, StorageError> {
    Ok(diesel::delete(kept_forms::table.find(key_hash)).execute(conn)? > 0)
}

/// Removes the forms kept before `before`; how many.
pub fn delete_older_than(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StorageError> {
    Ok(diesel::delete(kept_forms::table.filter(kept_forms::created_at.lt(before))).execute(conn)?)
}
