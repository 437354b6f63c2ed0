//! `idempotency_keys` and `form_keys`: a call or a form sent twice is carried out once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{form_keys, idempotency_keys};
use super::{DbConnection, StorageError};
use crate::domain::ids::UserId;

/// A call made with an `Idempotency-Key`, and once it is answered, its answer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct KeyedCall {
    pub user_id: UserId,
    pub key: String,
    /// SHA-256 of the method, the path and the body.
    pub fingerprint: String,
    /// `None` while the first call is under way.
    pub status: Option<i32>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub body: Option<Vec<u8>>,
    pub created_at: NaiveDateTime,
}

/// The call kept under `user_id` and `key`, if any.
pub fn find_call(
    conn: &mut DbConnection,
    user_id: UserId,
    key: &str,
) -> Result<Option<KeyedCall>, StorageError> {
    Ok(idempotency_keys::table
        .find((user_id, key))
        .select(KeyedCall::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn insert_call(conn: &mut DbConnection, call: &KeyedCall) -> Result<(), StorageError> {
    diesel::insert_into(idempotency_keys::table)
        .values(call)
        .execute(conn)?;
    Ok(())
}

/// Keeps the answer of a call.
pub fn answer_call(conn: &mut DbConnection, call: &KeyedCall) -> Result<(), StorageError> {
    diesel::update(idempotency_keys::table.find((&call.user_id, &call.key)))
        .set((
            idempotency_keys::status.eq(call.status),
            idempotency_keys::location.eq(&call.location),
            idempotency_keys::etag.eq(&call.etag),
            idempotency_keys::content_type.eq(&call.content_type),
            idempotency_keys::body.eq(&call.body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a call (it failed on our side: a retry with its key may try again).
pub fn forget_call(conn: &mut DbConnection, user_id: UserId, key: &str) -> Result<(), StorageError> {
    diesel::delete(idempotency_keys::table.find((user_id, key))).execute(conn)?;
    Ok(())
}

/// The form key of this hash, if it was used: its user, and where its form led.
pub fn find_form_key(
    conn: &mut DbConnection,
    key_hash: &str,
) -> Result<Option<(UserId, Option<String>)>, StorageError> {
    Ok(form_keys::table
        .find(key_hash)
        .select((form_keys::user_id, form_keys::outcome))
        .get_result(conn)
        .optional()?)
}

pub fn insert_form_key(
    conn: &mut DbConnection,
    key_hash: &str,
    user_id: UserId,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::insert_into(form_keys::table)
        .values((
            form_keys::key_hash.eq(key_hash),
            form_keys::user_id.eq(user_id),
            form_keys::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Where the form of this key led (the page its answer sent the browser to).
pub fn set_form_outcome(conn: &mut DbConnection, key_hash: &str, outcome: &str) -> Result<(), StorageError> {
    diesel::update(form_keys::table.find(key_hash))
        .set(form_keys::outcome.eq(Some(outcome)))
        .execute(conn)?;
    Ok(())
}

/// Removes the calls and form keys older than `before`; how many of each.
pub fn forget_older_than(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<(usize, usize), StorageError> {
    let calls = diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)?;
    let forms = diesel::delete(form_keys::table.filter(form_keys::created_at.lt(before))).execute(conn)?;
    Ok((calls, forms))
}
