//! `web_sessions`: who is signed in to the web pages.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{users, web_sessions};
use super::users::UserRow;
use super::{DbConnection, StorageError};
use crate::domain::ids::UserId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    /// The absolute end: `AVG_LOKET_SESSION_MAX` after sign-in.
    pub expires_at: NaiveDateTime,
    /// The last request made with it (`None`: from before this was kept).
    pub last_seen_at: Option<NaiveDateTime>,
    /// `token` or `oidc`: how the session began.
    pub signed_in_with: String,
    /// Begun with the organisation's account: its ID token, named when signing out there.
    pub id_token: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &SessionRow) -> Result<(), StorageError> {
    diesel::insert_into(web_sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The session with this hash and its user, unless it has expired.
pub fn find_live(
    conn: &mut DbConnection,
    id_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<(SessionRow, UserRow)>, StorageError> {
    Ok(web_sessions::table
        .inner_join(users::table)
        .filter(web_sessions::id_hash.eq(id_hash))
        .filter(web_sessions::expires_at.gt(now))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .get_result(conn)
        .optional()?)
}

/// The session with this hash, ended or not (while its row is kept).
pub fn find(conn: &mut DbConnection, id_hash: &str) -> Result<Option<SessionRow>, StorageError> {
    Ok(web_sessions::table
        .find(id_hash)
        .select(SessionRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The user a session belonged to, ended or not (while its row is kept).
pub fn owner(conn: &mut DbConnection, id_hash: &str) -> Result<Option<String>, StorageError> {
    Ok(web_sessions::table
        .find(id_hash)
        .select(web_sessions::user_id)
        .get_result(conn)
        .optional()?)
}

/// Ends a session; `Ok(false)` when there was none.
pub fn delete(conn: &mut DbConnection, id_hash: &str) -> Result<bool, StorageError> {
    Ok(diesel::delete(web_sessions::table.find(id_hash)).execute(conn)? > 0)
}

/// Removes expired sessions (at sign-in, so the table stays small).
pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, StorageError> {
    Ok(diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(now))).execute(conn)?)
}

/// Ends every session of a user (deactivation).
pub fn delete_of_user(conn: &mut DbConnection, user_id: UserId) -> Result<usize, StorageError> {
    Ok(diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(user_id))).execute(conn)?)
}

/// Ends the sessions of a user that began with a token (a token was revoked; a
/// session through the organisation's account does not rest on one).
pub fn delete_token_sessions_of_user(
    conn: &mut DbConnection,
    user_id: UserId,
) -> Result<usize, StorageError> {
    Ok(diesel::delete(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user_id))
            .filter(web_sessions::signed_in_with.eq("token")),
    )
    .execute(conn)?)
}

/// Ends a user's sessions begun with the organisation's account; how many.
pub fn delete_oidc_sessions_of_user(conn: &mut DbConnection, user_id: UserId) -> Result<usize, StorageError> {
    Ok(diesel::delete(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user_id))
            .filter(web_sessions::signed_in_with.eq("oidc")),
    )
    .execute(conn)?)
}

/// Records that the session was used at `at`.
pub fn touch(conn: &mut DbConnection, id_hash: &str, at: NaiveDateTime) -> Result<(), StorageError> {
    diesel::update(web_sessions::table.find(id_hash))
        .set(web_sessions::last_seen_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}
