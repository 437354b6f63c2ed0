//! Users, teams and tokens: the privacy officer's administration, and turning a
//! bearer token into a caller.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::ServiceError;
use crate::domain::access::{Caller, Role};
use crate::domain::intake::{check_email, required_text};
use crate::domain::team::{TeamCode, TeamName};
use crate::domain::FieldIssue;
use crate::storage::teams::{self, NewTeam, TeamRow};
use crate::storage::users::{self, TokenRow, UserRow};
use crate::storage::{audit, Db, DbConnection, StorageError};

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

/// A new user as given; checked by [`NewUser::parse`].
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub teams: Vec<String>,
    /// `each` (default) or `daily_digest`.
    pub reminders: &'static str,
}

impl NewUser {
    /// `each` or `daily_digest`.
    pub fn with_reminders(mut self, preference: Option<&str>) -> Result<NewUser, ServiceError> {
        self.reminders = match preference.map(str::trim) {
            None | Some("each") => "each",
            Some("daily_digest") => "daily_digest",
            Some(other) => {
                return Err(ServiceError::invalid(
                    "reminders",
                    format!("unknown preference '{other}' (expected each or daily_digest)"),
                ))
            }
        };
        Ok(self)
    }

    pub fn parse(name: &str, email: &str, role: &str, teams: &[String]) -> Result<NewUser, ServiceError> {
        let mut issues = Vec::new();
        let name = required_text("name", Some(name), 200, &mut issues);
        let email = email.trim().to_lowercase();
        check_email("email", &email, &mut issues);
        let role = Role::parse(role.trim())
            .map_err(|e| issues.push(FieldIssue::new("role", e.0)))
            .ok();
        let mut codes = Vec::new();
        for (i, team) in teams.iter().enumerate() {
            match TeamCode::parse(team) {
                Ok(code) if !codes.contains(&code.as_str().to_string()) => {
                    codes.push(code.as_str().to_string())
                }
                Ok(_) => {}
                Err(e) => issues.push(FieldIssue::new(format!("teams[{i}]"), e.0)),
            }
        }
        if let Some(role) = role {
            if role.is_worker() && codes.is_empty() && teams.is_empty() {
                issues.push(FieldIssue::new(
                    "teams",
                    format!("a {role} belongs to at least one team"),
                ));
            }
            if !role.is_worker() && !teams.is_empty() {
                issues.push(FieldIssue::new(
                    "teams",
                    format!("a {role} sees requests of every team and belongs to none"),
                ));
            }
        }
        match (name, role) {
            (Some(name), Some(role)) if issues.is_empty() => Ok(NewUser {
                name,
                email,
                role,
                teams: codes,
                reminders: "each",
            }),
            _ => Err(ServiceError::Invalid(issues)),
        }
    }
}

/// A user with their teams.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: UserRow,
    pub teams: Vec<String>,
}

/// A token just issued: the only moment its text exists outside the caller's hands.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: String,
    pub user_id: String,
    pub token: String,
    pub created_at: DateTime<Utc>,
}

fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    now: DateTime<Utc>,
    data: serde_json::Value,
) -> Result<(), StorageError> {
    audit::append(
        conn,
        audit::NewEvent {
            request_id: None,
            actor,
            occurred_at: now,
            action,
            from_status: None,
            to_status: None,
            data: &data,
        },
    )?;
    Ok(())
}

fn issue_token_in(
    conn: &mut DbConnection,
    actor: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    let (token, hash) = new_token();
    let row = TokenRow {
        id: Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        token_hash: hash,
        created_at: now.naive_utc(),
        last_used_at: None,
        revoked_at: None,
    };
    users::insert_token(conn, &row)?;
    record(
        conn,
        actor,
        "token_issued",
        now,
        json!({"token_id": row.id, "user_id": user_id}),
    )?;
    Ok(IssuedToken {
        id: row.id,
        user_id: user_id.to_string(),
        token,
        created_at: now,
    })
}

/// Creates a user and their first token.
pub fn create_user_in(
    conn: &mut DbConnection,
    actor: &str,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<(UserView, IssuedToken), ServiceError> {
    let mut missing = Vec::new();
    for (i, team) in new.teams.iter().enumerate() {
        if teams::find(conn, team)?.is_none() {
            missing.push(FieldIssue::new(
                format!("teams[{i}]"),
                format!("there is no team with code {team}"),
            ));
        }
    }
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(missing));
    }
    let user = UserRow {
        id: Uuid::now_v7().to_string(),
        name: new.name,
        email: new.email,
        role: new.role.code().to_string(),
        active: true,
        created_at: now.naive_utc(),
        deactivated_at: None,
        reminders: new.reminders.to_string(),
    };
    if !users::insert(conn, &user, &new.teams)? {
        return Err(ServiceError::Conflict(format!(
            "a user with e-mail address {} exists already",
            user.email
        )));
    }
    record(
        conn,
        actor,
        "user_created",
        now,
        json!({"user_id": user.id, "role": user.role, "teams": new.teams}),
    )?;
    let token = issue_token_in(conn, actor, &user.id, now)?;
    Ok((
        UserView {
            user,
            teams: new.teams,
        },
        token,
    ))
}

pub async fn create_user(
    db: &Db,
    actor: String,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<(UserView, IssuedToken), ServiceError> {
    db.write(move |conn| create_user_in(conn, &actor, new, now)).await
}

pub fn find_user_in(conn: &mut DbConnection, id: &str) -> Result<UserView, ServiceError> {
    let user = Uuid::parse_str(id)
        .ok()
        .map(|_| users::find(conn, id))
        .transpose()?
        .flatten()
        .ok_or_else(|| ServiceError::NotFound(format!("no user with id {id}")))?;
    let teams = users::teams_of(conn, &user.id)?;
    Ok(UserView { user, teams })
}

pub fn user_by_email_in(conn: &mut DbConnection, email: &str) -> Result<UserView, ServiceError> {
    let email = email.trim().to_lowercase();
    let user = users::find_by_email(conn, &email)?
        .ok_or_else(|| ServiceError::NotFound(format!("no user with e-mail address {email}")))?;
    let teams = users::teams_of(conn, &user.id)?;
    Ok(UserView { user, teams })
}

pub async fn list_users(db: &Db) -> Result<Vec<UserView>, ServiceError> {
    db.read(|conn| {
        Ok(users::list(conn)?
            .into_iter()
            .map(|(user, teams)| UserView { user, teams })
            .collect())
    })
    .await
}

pub async fn get_user(db: &Db, id: String) -> Result<(UserView, Vec<TokenRow>), ServiceError> {
    db.read(move |conn| {
        let view = find_user_in(conn, &id)?;
        let tokens = users::tokens_of(conn, &view.user.id)?;
        Ok((view, tokens))
    })
    .await
}

/// Sets how a user receives reminders (`each` or `daily_digest`).
pub fn set_reminders_in(
    conn: &mut DbConnection,
    actor: &str,
    id: &str,
    preference: &str,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let mut view = find_user_in(conn, id)?;
    let preference = match preference.trim() {
        p @ ("each" | "daily_digest") => p,
        other => {
            return Err(ServiceError::invalid(
                "reminders",
                format!("unknown preference '{other}' (expected each or daily_digest)"),
            ))
        }
    };
    users::set_reminders(conn, &view.user.id, preference)?;
    record(
        conn,
        actor,
        "reminders_set",
        now,
        json!({"user_id": view.user.id, "reminders": preference}),
    )?;
    view.user.reminders = preference.to_string();
    Ok(view)
}

pub async fn set_reminders(
    db: &Db,
    actor: String,
    id: String,
    preference: String,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    db.write(move |conn| set_reminders_in(conn, &actor, &id, &preference, now))
        .await
}

/// Deactivates a user: every token of theirs stops working at once.
pub fn deactivate_user_in(
    conn: &mut DbConnection,
    actor: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let mut view = find_user_in(conn, id)?;
    if view.user.active {
        users::deactivate(conn, &view.user.id, now.naive_utc())?;
        crate::storage::sessions::delete_of_user(conn, &view.user.id)?;
        record(
            conn,
            actor,
            "user_deactivated",
            now,
            json!({"user_id": view.user.id}),
        )?;
        view.user.active = false;
        view.user.deactivated_at = Some(now.naive_utc());
    }
    Ok(view)
}

pub async fn deactivate_user(
    db: &Db,
    actor: String,
    id: String,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    db.write(move |conn| deactivate_user_in(conn, &actor, &id, now))
        .await
}

/// Issues another token for an active user.
pub fn issue_token_for_in(
    conn: &mut DbConnection,
    actor: &str,
    view: &UserView,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    if !view.user.active {
        return Err(ServiceError::Conflict(
            "the user is deactivated; a token would not work".into(),
        ));
    }
    issue_token_in(conn, actor, &view.user.id, now)
}

pub async fn issue_token(
    db: &Db,
    actor: String,
    user_id: String,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    db.write(move |conn| {
        let view = find_user_in(conn, &user_id)?;
        issue_token_for_in(conn, &actor, &view, now)
    })
    .await
}

pub async fn revoke_token(
    db: &Db,
    actor: String,
    token_id: String,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    db.write(move |conn| {
        let token = users::find_token(conn, &token_id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no token with id {token_id}")))?;
        if users::revoke_token(conn, &token.id, now.naive_utc())? {
            // A session began with a token; a revoked token may have been stolen.
            crate::storage::sessions::delete_of_user(conn, &token.user_id)?;
            record(
                conn,
                &actor,
                "token_revoked",
                now,
                json!({"token_id": token.id, "user_id": token.user_id}),
            )?;
        }
        Ok(())
    })
    .await
}

/// Revokes every live token of a user; returns how many.
pub fn revoke_tokens_of_in(
    conn: &mut DbConnection,
    actor: &str,
    view: &UserView,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let count = users::revoke_tokens_of(conn, &view.user.id, now.naive_utc())?;
    crate::storage::sessions::delete_of_user(conn, &view.user.id)?;
    if count > 0 {
        record(
            conn,
            actor,
            "tokens_revoked",
            now,
            json!({"user_id": view.user.id, "count": count}),
        )?;
    }
    Ok(count)
}

pub fn create_team_in(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<TeamRow, ServiceError> {
    let mut issues = Vec::new();
    let code = TeamCode::parse(code)
        .map_err(|e| issues.push(FieldIssue::new("code", e.0)))
        .ok();
    let name = TeamName::parse(name)
        .map_err(|e| issues.push(FieldIssue::new("name", e.0)))
        .ok();
    let (Some(code), Some(name)) = (code, name) else {
        return Err(ServiceError::Invalid(issues));
    };
    let created_at = now.naive_utc();
    let new = NewTeam {
        code: code.as_str(),
        name: name.as_str(),
        created_at,
    };
    if !teams::insert(conn, &new)? {
        return Err(ServiceError::Conflict(format!(
            "team {} already exists",
            code.as_str()
        )));
    }
    record(conn, actor, "team_created", now, json!({"team": code.as_str()}))?;
    Ok(TeamRow {
        code: code.as_str().to_string(),
        name: name.as_str().to_string(),
        created_at,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("this token is not known")]
    Unknown,
    #[error("this token was revoked")]
    Revoked,
    #[error("this user was deactivated")]
    Deactivated,
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

/// The caller behind a bearer token.
pub async fn authenticate(db: &Db, token: &str, now: DateTime<Utc>) -> Result<Caller, AuthError> {
    let hash = hash_token(token.trim());
    let (token, user, teams) = db
        .read(move |conn| {
            let (token, user) = users::token_by_hash(conn, &hash)?.ok_or(AuthError::Unknown)?;
            let teams = users::teams_of(conn, &user.id)?;
            Ok::<_, AuthError>((token, user, teams))
        })
        .await?;
    if token.revoked_at.is_some() {
        return Err(AuthError::Revoked);
    }
    if !user.active {
        return Err(AuthError::Deactivated);
    }
    let stale = token
        .last_used_at
        .is_none_or(|used| now.naive_utc() - used > TOUCH_AFTER);
    if stale {
        let id = token.id.clone();
        let at = now.naive_utc();
        db.write(move |conn| users::touch_token(conn, &id, at)).await?;
    }
    let role = Role::parse(&user.role).map_err(|e| StorageError::Corrupt(format!("users.role: {}", e.0)))?;
    let user_id =
        Uuid::parse_str(&user.id).map_err(|_| StorageError::Corrupt("users.id is not a UUID".into()))?;
    Ok(Caller { user_id, role, teams })
}

/// Is `assignee` an active caseworker or manager of `team`?
pub fn check_assignee(conn: &mut DbConnection, assignee: Uuid, team: &str) -> Result<(), ServiceError> {
    let invalid = |message: String| ServiceError::invalid("assignee", message);
    let Some(user) = users::find(conn, &assignee.to_string())? else {
        return Err(invalid(format!("there is no user with id {assignee}")));
    };
    if !user.active {
        return Err(invalid("this user is deactivated".into()));
    }
    if !Role::parse(&user.role).is_ok_and(Role::is_worker) {
        return Err(invalid(
            "only a caseworker or manager can handle a request".into(),
        ));
    }
    if !users::teams_of(conn, &user.id)?.iter().any(|t| t == team) {
        return Err(invalid(format!("this user does not work in team {team}")));
    }
    Ok(())
}
