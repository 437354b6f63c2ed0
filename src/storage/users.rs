//! The `users`, `team_members` and `api_tokens` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, oidc_attempts, team_members, users};
use super::{DbConnection, StorageError};
use crate::domain::access::Role;
use crate::domain::ids::{TokenId, UserId};
use crate::domain::reminders::ReminderPreference;
use crate::domain::team::TeamCode;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub deactivated_at: Option<NaiveDateTime>,
    pub reminders: ReminderPreference,
    /// The last time they signed in to the pages (a token or their organisation account).
    pub last_signed_in_at: Option<NaiveDateTime>,
    /// The provider's groups gave them no role: they have none until they do.
    pub role_withdrawn_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: TokenId,
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    /// It stops working then (`None`: a token from before expiry, revoked).
    pub expires_at: Option<NaiveDateTime>,
    /// A token for a script, named as such (`None`: a person's own token).
    pub service_name: Option<String>,
}

/// Inserts a user with their teams; `Ok(false)` when the e-mail address is taken.
pub fn insert(conn: &mut DbConnection, user: &UserRow, teams: &[TeamCode]) -> Result<bool, StorageError> {
    let taken = users::table
        .filter(users::email.eq(&user.email))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Ok(false);
    }
    diesel::insert_into(users::table).values(user).execute(conn)?;
    for team in teams {
        diesel::insert_into(team_members::table)
            .values((team_members::team.eq(team), team_members::user_id.eq(&user.id)))
            .execute(conn)?;
    }
    Ok(true)
}

pub fn find(conn: &mut DbConnection, id: UserId) -> Result<Option<UserRow>, StorageError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, StorageError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn teams_of(conn: &mut DbConnection, user_id: UserId) -> Result<Vec<TeamCode>, StorageError> {
    Ok(team_members::table
        .filter(team_members::user_id.eq(user_id))
        .order(team_members::team.asc())
        .select(team_members::team)
        .load(conn)?)
}

/// Every user with their teams, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<(UserRow, Vec<TeamCode>)>, StorageError> {
    let rows: Vec<UserRow> = users::table
        .order((users::name.asc(), users::email.asc()))
        .select(UserRow::as_select())
        .load(conn)?;
    let memberships: Vec<(UserId, TeamCode)> = team_members::table
        .order(team_members::team.asc())
        .select((team_members::user_id, team_members::team))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|user| {
            let teams = memberships
                .iter()
                .filter(|(id, _)| *id == user.id)
                .map(|(_, team)| team.clone())
                .collect();
            (user, teams)
        })
        .collect())
}

/// Marks a user inactive; `Ok(false)` when there is no such user.
pub fn deactivate(conn: &mut DbConnection, id: UserId, now: NaiveDateTime) -> Result<bool, StorageError> {
    let changed = diesel::update(users::table.find(id))
        .set((users::active.eq(false), users::deactivated_at.eq(Some(now))))
        .execute(conn)?;
    Ok(changed > 0)
}

pub fn insert_token(conn: &mut DbConnection, token: &TokenRow) -> Result<(), StorageError> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)?;
    Ok(())
}

/// The token with this hash and its user, whatever their state.
pub fn token_by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<(TokenRow, UserRow)>, StorageError> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash))
        .select((TokenRow::as_select(), UserRow::as_select()))
        .get_result(conn)
        .optional()?)
}

pub fn touch_token(conn: &mut DbConnection, id: TokenId, now: NaiveDateTime) -> Result<(), StorageError> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

pub fn find_token(conn: &mut DbConnection, id: TokenId) -> Result<Option<TokenRow>, StorageError> {
    Ok(api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn tokens_of(conn: &mut DbConnection, user_id: UserId) -> Result<Vec<TokenRow>, StorageError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::created_at.asc())
        .select(TokenRow::as_select())
        .load(conn)?)
}

/// Revokes one token; `Ok(false)` when it was revoked already or does not exist.
pub fn revoke_token(conn: &mut DbConnection, id: TokenId, now: NaiveDateTime) -> Result<bool, StorageError> {
    let changed =
        diesel::update(api_tokens::table.filter(api_tokens::id.eq(id).and(api_tokens::revoked_at.is_null())))
            .set(api_tokens::revoked_at.eq(Some(now)))
            .execute(conn)?;
    Ok(changed > 0)
}

/// Revokes every live token of a user; returns how many.
pub fn revoke_tokens_of(
    conn: &mut DbConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> Result<usize, StorageError> {
    Ok(diesel::update(
        api_tokens::table.filter(
            api_tokens::user_id
                .eq(user_id)
                .and(api_tokens::revoked_at.is_null()),
        ),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?)
}

/// How many tokens of a user still work at `now` (not revoked, not expired).
pub fn live_tokens_of(
    conn: &mut DbConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> Result<i64, StorageError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .count()
        .get_result(conn)?)
}

/// The provider's groups gave the user no role (`Some`), or gave one again (`None`).
pub fn set_role_withdrawn(
    conn: &mut DbConnection,
    id: UserId,
    at: Option<NaiveDateTime>,
) -> Result<(), StorageError> {
    diesel::update(users::table.find(id))
        .set(users::role_withdrawn_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn set_reminders(
    conn: &mut DbConnection,
    id: UserId,
    preference: ReminderPreference,
) -> Result<(), StorageError> {
    diesel::update(users::table.find(id))
        .set(users::reminders.eq(preference))
        .execute(conn)?;
    Ok(())
}

/// Active caseworkers and managers of `team` (id, name), by name: who can be assigned.
pub fn workers_of(conn: &mut DbConnection, team: &TeamCode) -> Result<Vec<(UserId, String)>, StorageError> {
    Ok(users::table
        .inner_join(team_members::table)
        .filter(team_members::team.eq(team))
        .filter(users::role.eq_any([Role::Caseworker, Role::Manager]))
        .filter(users::active.eq(true))
        .order(users::name.asc())
        .select((users::id, users::name))
        .load(conn)?)
}

/// The names of users by id, and whether each is active (for the timeline of a request).
pub fn names_of(
    conn: &mut DbConnection,
    ids: &[UserId],
) -> Result<Vec<(UserId, String, bool)>, StorageError> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name, users::active))
        .load(conn)?)
}

/// The ids of every deactivated user (a handful: the dashboard counts the open requests
/// they still hold as unassigned).
pub fn inactive_ids(conn: &mut DbConnection) -> Result<Vec<UserId>, StorageError> {
    Ok(users::table
        .filter(users::active.eq(false))
        .select(users::id)
        .load(conn)?)
}

/// Marks a user active again.
pub fn reactivate(conn: &mut DbConnection, id: UserId) -> Result<bool, StorageError> {
    let changed = diesel::update(users::table.find(id))
        .set((
            users::active.eq(true),
            users::deactivated_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Gives a user another role and teams (the teams replace the old ones).
pub fn set_role_and_teams(
    conn: &mut DbConnection,
    id: UserId,
    role: Role,
    teams: &[TeamCode],
) -> Result<(), StorageError> {
    diesel::update(users::table.find(id))
        .set(users::role.eq(role))
        .execute(conn)?;
    diesel::delete(team_members::table.filter(team_members::user_id.eq(id))).execute(conn)?;
    for team in teams {
        diesel::insert_into(team_members::table)
            .values((team_members::team.eq(team), team_members::user_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}

/// How many active users have this role.
pub fn count_active_with_role(conn: &mut DbConnection, role: Role) -> Result<i64, StorageError> {
    Ok(users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq(role))
        .count()
        .get_result(conn)?)
}

/// The user bound to this subject of this provider.
pub fn find_by_identity(
    conn: &mut DbConnection,
    issuer: &str,
    subject: &str,
) -> Result<Option<UserRow>, StorageError> {
    Ok(users::table
        .filter(users::oidc_issuer.eq(issuer))
        .filter(users::oidc_subject.eq(subject))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The provider and subject a user is bound to, if any.
pub fn identity_of(conn: &mut DbConnection, id: UserId) -> Result<Option<(String, String)>, StorageError> {
    let found: Option<(Option<String>, Option<String>)> = users::table
        .find(id)
        .select((users::oidc_issuer, users::oidc_subject))
        .get_result(conn)
        .optional()?;
    Ok(found.and_then(|(issuer, subject)| issuer.zip(subject)))
}

/// Binds a user to a provider's subject.
pub fn bind_identity(
    conn: &mut DbConnection,
    id: UserId,
    issuer: &str,
    subject: &str,
) -> Result<(), StorageError> {
    diesel::update(users::table.find(id))
        .set((
            users::oidc_issuer.eq(Some(issuer)),
            users::oidc_subject.eq(Some(subject)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a user's binding to a provider's subject; whether there was one.
pub fn unbind_identity(conn: &mut DbConnection, id: UserId) -> Result<bool, StorageError> {
    let changed = diesel::update(users::table.find(id).filter(users::oidc_subject.is_not_null()))
        .set((
            users::oidc_issuer.eq(None::<String>),
            users::oidc_subject.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Records a sign-in to the pages.
pub fn signed_in(conn: &mut DbConnection, id: UserId, at: NaiveDateTime) -> Result<(), StorageError> {
    diesel::update(users::table.find(id))
        .set(users::last_signed_in_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// A sign-in on its way through the provider.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = oidc_attempts)]
pub struct AttemptRow {
    pub id_hash: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub created_at: NaiveDateTime,
}

/// Stores an attempt, first removing those begun before `stale_before`.
pub fn insert_attempt(
    conn: &mut DbConnection,
    row: &AttemptRow,
    stale_before: NaiveDateTime,
    at_most: i64,
) -> Result<(), StorageError> {
    diesel::delete(oidc_attempts::table.filter(oidc_attempts::created_at.lt(stale_before))).execute(conn)?;
    // Bounded in number too: past `at_most` attempts under way the oldest go (their
    // browsers start again), so a flood cannot grow the table.
    let oldest_kept: Option<NaiveDateTime> = oidc_attempts::table
        .select(oidc_attempts::created_at)
        .order(oidc_attempts::created_at.desc())
        .offset(at_most - 1)
        .limit(1)
        .get_result(conn)
        .optional()?;
    if let Some(oldest_kept) = oldest_kept {
        diesel::delete(oidc_attempts::table.filter(oidc_attempts::created_at.le(oldest_kept)))
            .execute(conn)?;
    }
    diesel::insert_into(oidc_attempts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// How many sign-ins with the organisation's account are under way.
pub fn attempts_under_way(conn: &mut DbConnection) -> Result<i64, StorageError> {
    Ok(oidc_attempts::table.count().get_result(conn)?)
}

/// Takes an attempt out: it can be used once.
pub fn take_attempt(conn: &mut DbConnection, id_hash: &str) -> Result<Option<AttemptRow>, StorageError> {
    let found = oidc_attempts::table
        .find(id_hash)
        .select(AttemptRow::as_select())
        .get_result(conn)
        .optional()?;
    // Only the transaction that deletes the row may use it (two callbacks at once).
    let deleted = diesel::delete(oidc_attempts::table.find(id_hash)).execute(conn)?;
    Ok(found.filter(|_| deleted == 1))
}
