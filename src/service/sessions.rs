//! Signing in to the web pages with a personal token, and the sessions that follow.
//!
//! The user pastes their token once; the server checks it like an API call and opens a
//! session: a random secret in an `HttpOnly` cookie (only its SHA-256 is stored) and a
//! CSRF token that every form of the session carries. A session ends at sign-out,
//! when it was not used for [`SessionPolicy::idle`], after [`SessionPolicy::max`]
//! whatever happens, or when the user is deactivated or a token of theirs is revoked.

use chrono::{DateTime, Duration, Utc};

use super::auth::{authenticate, caller_of, hash_token, random_hex, AuthError};
use crate::domain::access::Caller;
use crate::domain::audit::RecordAction;
use crate::domain::ids::UserId;
use crate::domain::team::TeamCode;
use crate::storage::kept_forms::{self, KeptFormRow};
use crate::storage::sessions::{self, SessionRow};
use crate::storage::users::UserRow;
use crate::storage::{users, Db, DbConnection, StorageError};

/// How long a session may rest and how long it may last at most
/// (`AVG_LOKET_SESSION_IDLE`, default 30 minutes; `AVG_LOKET_SESSION_MAX`, default 10 hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub max: Duration,
}

impl SessionPolicy {
    pub fn from_settings(settings: &crate::configuration::Settings) -> SessionPolicy {
        SessionPolicy {
            idle: settings.sessions.idle,
            max: settings.sessions.max,
        }
    }
}

/// A session's last use is written at most this often (not on every page).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A new session: the secret for the cookie (never stored) and when it ends.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// The signed-in user of a page.
#[derive(Debug, Clone)]
pub struct WebUser {
    pub caller: Caller,
    pub name: String,
    pub csrf_token: String,
    /// The session began with the organisation's account (sign out there too).
    pub with_provider: bool,
}

impl WebUser {
    /// A fresh key for one form of a page: the form is carried out once, however often
    /// it is sent (`service::written_once::use_form_key`).
    pub fn form_key(&self) -> String {
        random_hex()
    }
}

/// How a session begins: with a token, or with the organisation's account (its ID
/// token kept to name the session when signing out there).
#[derive(Debug, Clone)]
pub enum Via {
    Token,
    Provider { id_token: String },
}

impl Via {
    fn code(&self) -> &'static str {
        match self {
            Via::Token => "token",
            Via::Provider { .. } => "oidc",
        }
    }
}

/// Checks `token` and opens a session for its user. `replaces`: the secret of the
/// session this browser had, which ends (one session per browser).
pub async fn sign_in(
    db: &Db,
    token: &str,
    replaces: Option<String>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<SignedIn, AuthError> {
    let caller = authenticate(db, token, now).await?;
    let user_id = UserId::from(caller.user_id);
    Ok(db
        .write(move |conn| open_session_in(conn, user_id, Via::Token, replaces.as_deref(), policy, now))
        .await?)
}

/// Opens a session for a user who proved who they are, notes the sign-in on the user
/// and in the audit trail. The browser's earlier session (`replaces`, its secret) ends.
pub(crate) fn open_session_in(
    conn: &mut DbConnection,
    user_id: UserId,
    via: Via,
    replaces: Option<&str>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<SignedIn, StorageError> {
    if let Some(old) = replaces {
        sessions::delete(conn, &hash_token(old))?;
    }
    let method = via.code();
    let secret = random_hex();
    let expires_at = now + policy.max;
    let row = SessionRow {
        id_hash: hash_token(&secret),
        user_id,
        csrf_token: random_hex(),
        created_at: now.naive_utc(),
        expires_at: expires_at.naive_utc(),
        last_seen_at: Some(now.naive_utc()),
        signed_in_with: method.to_string(),
        id_token: match via {
            Via::Token => None,
            Via::Provider { id_token } => Some(id_token),
        },
    };
    // An ended session's row stays an hour past its end, so that a form sent just
    // after it ended is still known to be its user's (`keep_form`).
    sessions::delete_expired(conn, (now - KEEP_FORM).naive_utc())?;
    sessions::insert(conn, &row)?;
    users::signed_in(conn, user_id, now.naive_utc())?;
    super::record_in(
        conn,
        user_id.as_str(),
        RecordAction::SignedIn,
        now,
        &serde_json::json!({"user_id": user_id, "method": method}),
    )?;
    Ok(SignedIn { secret, expires_at })
}

type LiveSession = (SessionRow, UserRow, Vec<TeamCode>);

fn live_session_in(
    conn: &mut DbConnection,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> Result<Option<LiveSession>, StorageError> {
    let Some((session, user)) = sessions::find_live(conn, hash, now)? else {
        return Ok(None);
    };
    let teams = users::teams_of(conn, user.id)?;
    Ok(Some((session, user, teams)))
}

/// The user of a live session, or `None`: unknown, past its absolute end, idle for
/// longer than the policy allows, or the user deactivated. Using it keeps it alive.
pub async fn user_of(
    db: &Db,
    secret: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<WebUser>, StorageError> {
    let hash = hash_token(secret);
    let lookup = hash.clone();
    let found = db
        .read(move |conn| live_session_in(conn, &lookup, now.naive_utc()))
        .await?;
    let Some((session, user, teams)) = found else {
        return Ok(None);
    };
    let last_seen = session.last_seen_at.unwrap_or(session.created_at);
    if !user.active || user.role_withdrawn_at.is_some() || now.naive_utc() >= last_seen + policy.idle {
        return Ok(None);
    }
    if now.naive_utc() - last_seen >= TOUCH_EVERY {
        db.write(move |conn| sessions::touch(conn, &hash, now.naive_utc()))
            .await?;
    }
    Ok(Some(WebUser {
        caller: caller_of(&user, teams),
        name: user.name,
        csrf_token: session.csrf_token,
        with_provider: session.signed_in_with == "oidc",
    }))
}

/// Ends the session of `secret`, if any, without more (a new sign-in in its browser).
pub async fn end(db: &Db, secret: &str) -> Result<(), StorageError> {
    let hash = hash_token(secret);
    db.write(move |conn| sessions::delete(conn, &hash).map(|_| ()))
        .await
}

/// A session ended at sign-out.
#[derive(Debug, Clone)]
pub struct SignedOut {
    /// Begun with the organisation's account: its ID token, to sign out there too.
    pub id_token: Option<String>,
    pub with_provider: bool,
}

/// What sign-out found.
#[derive(Debug, Clone)]
pub enum SignOut {
    /// The session ended.
    Ended(SignedOut),
    /// No session of ours under this secret (ended already, or never).
    NoSession,
    /// The form's CSRF value is not the session's: nothing changed.
    WrongForm,
}

/// Ends the session of `secret` when `csrf` is its form value — also after it went
/// idle or passed its end, while its row is kept: signing out always works. An audit
/// event records the sign-out.
pub async fn sign_out(
    db: &Db,
    secret: &str,
    csrf: &str,
    now: DateTime<Utc>,
) -> Result<SignOut, StorageError> {
    let hash = hash_token(secret);
    let csrf = csrf.to_string();
    db.write(move |conn| {
        let Some(session) = sessions::find(conn, &hash)? else {
            return Ok(SignOut::NoSession);
        };
        if !same_token(&session.csrf_token, &csrf) {
            return Ok(SignOut::WrongForm);
        }
        sessions::delete(conn, &hash)?;
        super::record_in(
            conn,
            session.user_id.as_str(),
            RecordAction::SignedOut,
            now,
            &serde_json::json!({"user_id": session.user_id, "method": session.signed_in_with}),
        )?;
        Ok(SignOut::Ended(SignedOut {
            with_provider: session.signed_in_with == "oidc",
            id_token: session.id_token,
        }))
    })
    .await
}

/// How long a form sent after its session ended is kept for its user.
pub const KEEP_FORM: Duration = Duration::hours(1);

/// Keeps a form that could not be taken (its session ended, or its CSRF value is
/// stale) for the user of `session_secret` — the session may have ended — to show
/// again, filled in, on `page` once they have signed in. Returns the secret for the
/// browser's cookie (only its hash is stored), or `None` when the session is not
/// known (nothing is kept). What was typed is never logged.
pub async fn keep_form(
    db: &Db,
    session_secret: Option<String>,
    page: &str,
    fields: Vec<(String, String)>,
    now: DateTime<Utc>,
) -> Result<Option<String>, StorageError> {
    let secret = random_hex();
    let row = KeptFormRow {
        key_hash: hash_token(&secret),
        user_id: None,
        path: page.to_string(),
        fields: serde_json::to_string(&fields).expect("pairs serialise"),
        created_at: now.naive_utc(),
    };
    let kept = db
        .write(move |conn| {
            let user_id = match &session_secret {
                Some(secret) => sessions::owner(conn, &hash_token(secret))?,
                None => None,
            };
            // Only for someone known: a post from a browser without a session of
            // ours stores nothing.
            if user_id.is_none() {
                return Ok(false);
            }
            kept_forms::delete_older_than(conn, (now - KEEP_FORM).naive_utc())?;
            kept_forms::insert(conn, &KeptFormRow { user_id, ..row })?;
            Ok::<_, StorageError>(true)
        })
        .await?;
    Ok(kept.then_some(secret))
}

/// The form kept under `secret` for `user` to show again on `page`, taken: it is
/// shown once. `None` when there is none, it is older than an hour, it belongs to
/// another page, or to someone else (or nobody known: a form from a browser whose
/// session was unknown is never shown to whoever signs in next).
pub async fn take_kept_form(
    db: &Db,
    secret: &str,
    user: &Caller,
    page: &str,
    now: DateTime<Utc>,
) -> Result<Option<Vec<(String, String)>>, StorageError> {
    let hash = hash_token(secret);
    let (user_id, page) = (user.user_id.to_string(), page.to_string());
    db.write(move |conn| {
        let Some(kept) = kept_forms::find(conn, &hash, (now - KEEP_FORM).naive_utc())? else {
            return Ok(None);
        };
        if kept.path != page {
            return Ok(None);
        }
        kept_forms::delete(conn, &hash)?;
        if kept.user_id.as_deref() != Some(user_id.as_str()) {
            return Ok(None);
        }
        Ok(serde_json::from_str(&kept.fields).ok())
    })
    .await
}

/// Is a form kept under `secret` (to say so on the sign-in page)?
pub async fn form_is_kept(db: &Db, secret: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
    let hash = hash_token(secret);
    db.read(move |conn| Ok(kept_forms::find(conn, &hash, (now - KEEP_FORM).naive_utc())?.is_some()))
        .await
}

/// Removes the forms kept longer than an hour (the background loop, each round).
pub async fn forget_kept_forms(db: &Db, now: DateTime<Utc>) -> Result<usize, StorageError> {
    db.write(move |conn| kept_forms::delete_older_than(conn, (now - KEEP_FORM).naive_utc()))
        .await
}

/// Are two tokens equal? In time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_policy_reads_its_settings() {
        let settings = crate::configuration::Settings::from_lookup(|name| match name {
            "AVG_LOKET_SESSION_IDLE" => Some("15m".into()),
            "AVG_LOKET_SESSION_MAX" => Some("8h".into()),
            _ => None,
        })
        .unwrap();
        let policy = super::SessionPolicy::from_settings(&settings);
        assert_eq!(policy.idle, super::Duration::minutes(15));
        assert_eq!(policy.max, super::Duration::hours(8));
    }

    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("", "a"));
    }
}
