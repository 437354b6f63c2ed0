//! Writing twice is writing once: a call of the API repeated with its
//! `Idempotency-Key`, and a page's form sent twice (a double-click), are carried out
//! once; the repeat gets the first answer. Both are kept for 24 hours.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::auth::hash_token;
use crate::domain::ids::UserId;
use crate::storage::written_once::{self as store, KeyedCall};
use crate::storage::{Db, StorageError};

/// How long a key is remembered.
pub const REMEMBERED: Duration = Duration::hours(24);

/// What to do with a call that carries an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// The first with this key: carry it out, then [`answered`].
    First,
    /// Made before with this key and answered: answer the same.
    Answered(Answer),
    /// The first call with this key is still under way.
    UnderWay,
    /// This key was used for another call (another path or body).
    OtherCall,
}

/// A kept answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The fingerprint of a call: what must be the same for a repeat to be one.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b" ");
    hash.update(path.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Registers a call under `key` for `user_id`, or says how it was made before.
pub async fn begin_call(
    db: &Db,
    user_id: UserId,
    key: &str,
    fingerprint: String,
    now: DateTime<Utc>,
) -> Result<Call, StorageError> {
    let key = key.to_string();
    db.write(move |conn| {
        if let Some(earlier) = store::find_call(conn, user_id, &key)? {
            let fresh = earlier.created_at >= (now - REMEMBERED).naive_utc();
            if fresh {
                return Ok(if earlier.fingerprint != fingerprint {
                    Call::OtherCall
                } else {
                    match earlier.status {
                        None => Call::UnderWay,
                        Some(status) => Call::Answered(Answer {
                            status: status as u16,
                            location: earlier.location,
                            etag: earlier.etag,
                            content_type: earlier.content_type,
                            body: earlier.body.unwrap_or_default(),
                        }),
                    }
                });
            }
            store::forget_call(conn, user_id, &key)?;
        }
        store::insert_call(
            conn,
            &KeyedCall {
                user_id,
                key,
                fingerprint,
                status: None,
                location: None,
                etag: None,
                content_type: None,
                body: None,
                created_at: now.naive_utc(),
            },
        )?;
        Ok::<_, StorageError>(Call::First)
    })
    .await
}

/// Keeps the answer of the first call with `key`; an answer of a failure on our side
/// (5xx) is not kept, so that a retry with the key is carried out.
pub async fn answered(db: &Db, user_id: UserId, key: &str, answer: Answer) -> Result<(), StorageError> {
    let key = key.to_string();
    db.write(move |conn| {
        if answer.status >= 500 {
            return store::forget_call(conn, user_id, &key);
        }
        store::answer_call(
            conn,
            &KeyedCall {
                user_id,
                key,
                fingerprint: String::new(),
                status: Some(i32::from(answer.status)),
                location: answer.location,
                etag: answer.etag,
                content_type: answer.content_type,
                body: Some(answer.body),
                created_at: chrono::NaiveDateTime::default(),
            },
        )
    })
    .await
}

/// A page's form key, used: `Ok(None)` the first time (carry the form out), else
/// where the first use led (`Some(None)` while it is under way or led nowhere).
pub async fn use_form_key(
    db: &Db,
    user_id: UserId,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Option<String>>, StorageError> {
    let hash = hash_token(key);
    db.write(move |conn| {
        if let Some((owner, outcome)) = store::find_form_key(conn, &hash)? {
            // A key is 128 random bits: one of another user's is not guessed; should
            // it happen, the form is carried out as the first.
            return Ok((owner == user_id).then_some(outcome));
        }
        store::insert_form_key(conn, &hash, user_id, now.naive_utc())?;
        Ok::<_, StorageError>(None)
    })
    .await
}

/// Where the form of `key` led (its answer's `Location`).
pub async fn form_led_to(db: &Db, key: &str, location: &str) -> Result<(), StorageError> {
    let (hash, location) = (hash_token(key), location.to_string());
    db.write(move |conn| store::set_form_outcome(conn, &hash, &location))
        .await
}

/// Where the first use of a form key led, when it is known.
pub async fn form_outcome(db: &Db, key: &str) -> Result<Option<String>, StorageError> {
    let hash = hash_token(key);
    db.read(move |conn| Ok(store::find_form_key(conn, &hash)?.and_then(|(_, outcome)| outcome)))
        .await
}

/// Forgets the keys older than a day (the background loop).
pub async fn forget_old_keys(db: &Db, now: DateTime<Utc>) -> Result<(usize, usize), StorageError> {
    db.write(move |conn| store::forget_older_than(conn, (now - REMEMBERED).naive_utc()))
        .await
}
