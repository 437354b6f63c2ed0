//! Who is calling: tokens (made, hashed, checked) and the caller they stand for.
//!
//! A token is `avgl_` + 256 random bits, shown once and stored only as its SHA-256;
//! [`authenticate`] turns one into a [`Caller`] with what its user has now. Sessions
//! and sign-in use the same randomness and hashing.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::domain::access::Caller;
use crate::domain::team::TeamCode;
use crate::storage::users::{self, TokenRow, UserRow};
use crate::storage::{Db, DbConnection, StorageError};

/// A token says who you are; it is shown once and stored only as its SHA-256.
/// 32 random bytes = 256 bits, as hex behind a recognisable prefix.
pub fn new_token() -> (String, String) {
    let token = format!("avgl_{}", random_hex());
    let hash = hash_token(&token);
    (token, hash)
}

/// 32 random bytes (256 bits) as hex: tokens, session secrets, CSRF tokens.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("this token is not known")]
    Unknown,
    #[error("this token was revoked")]
    Revoked,
    #[error(
        "this token has expired; make a new one (Mijn instellingen, or POST /api/v1/users/{{id}}/tokens)"
    )]
    Expired,
    #[error("this user was deactivated")]
    Deactivated,
    #[error("this user has no role now: the organisation's groups give none")]
    NoRole,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for AuthError {
    fn from(error: diesel::result::Error) -> Self {
        AuthError::Storage(error.into())
    }
}

/// How stale `last_used_at` may get before a request records its use (one write a
/// minute per token at most, not one per request).
const TOUCH_AFTER: Duration = Duration::seconds(60);

/// The caller of a user row, if the user is active.
pub fn caller_of(user: &UserRow, teams: Vec<TeamCode>) -> Caller {
    Caller {
        user_id: user.id.uuid(),
        role: user.role,
        teams,
    }
}

fn token_in(conn: &mut DbConnection, hash: &str) -> Result<(TokenRow, UserRow, Vec<TeamCode>), AuthError> {
    let (token, user) = users::token_by_hash(conn, hash)?.ok_or(AuthError::Unknown)?;
    let teams = users::teams_of(conn, user.id)?;
    Ok((token, user, teams))
}

/// The caller behind a bearer token.
pub async fn authenticate(db: &Db, token: &str, now: DateTime<Utc>) -> Result<Caller, AuthError> {
    let hash = hash_token(token.trim());
    let (token, user, teams) = db.read(move |conn| token_in(conn, &hash)).await?;
    if token.revoked_at.is_some() {
        return Err(AuthError::Revoked);
    }
    if token.expires_at.is_none_or(|end| now.naive_utc() >= end) {
        return Err(AuthError::Expired);
    }
    if !user.active {
        return Err(AuthError::Deactivated);
    }
    if user.role_withdrawn_at.is_some() {
        return Err(AuthError::NoRole);
    }
    let stale = token
        .last_used_at
        .is_none_or(|used| now.naive_utc() - used > TOUCH_AFTER);
    if stale {
        let id = token.id;
        let at = now.naive_utc();
        db.write(move |conn| users::touch_token(conn, id, at)).await?;
    }
    Ok(caller_of(&user, teams))
}
