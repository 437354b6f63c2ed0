//! Signing in with the organisation's account (OpenID Connect): who gets in.
//!
//! [`begin`] keeps the attempt (state, nonce and PKCE verifier, under the SHA-256 of a
//! random value the browser holds in a cookie) and gives the provider's address.
//! [`finish`] takes the attempt out — it can be used once —, compares `state`, lets the
//! provider adapter ([`crate::oidc`]) exchange the code and check the ID token, and
//! then decides: only active users of avg-loket get in. The first sign-in binds the
//! provider's subject to the user whose e-mail address matches a verified e-mail claim;
//! afterwards the binding decides, not the e-mail address. With group mappings set, the
//! role and teams follow the provider's groups at each sign-in. Every sign-in and every
//! refusal is an audit event (user id, provider, outcome; never an e-mail address).

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::admin::{change_user_in, cut_off_in, UserChange, UserRef};
use super::auth::{hash_token, random_hex};
use super::sessions::{open_session_in, SessionPolicy, SignedIn, Via};
use super::ServiceError;
use crate::configuration::OidcSettings;
use crate::domain::access::Role;
use crate::domain::audit::RecordAction;
use crate::domain::ids::UserId;
use crate::domain::team::TeamCode;
use crate::oidc::{Callback, Identity, Provider, Refusal};
use crate::storage::users::{self, AttemptRow, UserRow};
use crate::storage::{Db, DbConnection, StorageError};

/// An attempt must come back within this long.
pub const ATTEMPT_LIFETIME: Duration = Duration::minutes(10);

/// At most this many sign-ins are kept under way; past it the oldest go.
pub const ATTEMPTS_KEPT: i64 = 10_000;

/// The audit actor of a refused sign-in (nobody is known, or nobody got in).
pub const SIGN_IN_ACTOR: &str = "oidc";

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("sign-in refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for SignInError {
    fn from(error: diesel::result::Error) -> Self {
        SignInError::Storage(error.into())
    }
}

impl From<ServiceError> for SignInError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Storage(error) => SignInError::Storage(error),
            other => SignInError::Storage(StorageError::Corrupt(other.to_string())),
        }
    }
}

/// A sign-in begun: where to send the browser, and the value for its cookie.
#[derive(Debug, Clone)]
pub struct Begun {
    pub provider_url: String,
    pub browser_secret: String,
}

/// Starts a sign-in at the provider.
pub async fn begin(db: &Db, provider: &Provider, now: DateTime<Utc>) -> Result<Begun, SignInError> {
    let authorization = match provider.authorize(now).await {
        Ok(found) => found,
        Err(refusal) => {
            record_refusal(db, provider, refusal, None, now).await?;
            return Err(SignInError::Refused(refusal));
        }
    };
    let browser_secret = random_hex();
    let row = AttemptRow {
        id_hash: hash_token(&browser_secret),
        state: authorization.state,
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        created_at: now.naive_utc(),
    };
    let stale_before = (now - ATTEMPT_LIFETIME).naive_utc();
    db.write(move |conn| users::insert_attempt(conn, &row, stale_before, ATTEMPTS_KEPT))
        .await?;
    Ok(Begun {
        provider_url: authorization.url,
        browser_secret,
    })
}

/// Finishes a sign-in: the browser came back with `callback` and (maybe) the cookie
/// of [`begin`]. A session for an admitted user, or the refusal (recorded).
/// `replaces`: the secret of the session this browser had, which ends.
pub async fn finish(
    db: &Db,
    provider: &Provider,
    browser_secret: Option<String>,
    callback: Callback,
    replaces: Option<String>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<SignedIn, SignInError> {
    let identity = match identify(db, provider, browser_secret, &callback, now).await? {
        Ok(identity) => identity,
        Err(refusal) => {
            record_refusal(db, provider, refusal, None, now).await?;
            return Err(SignInError::Refused(refusal));
        }
    };
    let settings = provider.settings().clone();
    let admitted = db
        .write(move |conn| admit_in(conn, &settings, identity, replaces.as_deref(), policy, now))
        .await?;
    match admitted {
        Ok(signed) => Ok(signed),
        Err((refusal, user_id)) => {
            record_refusal(db, provider, refusal, user_id, now).await?;
            Err(SignInError::Refused(refusal))
        }
    }
}

/// The attempt of this browser, `state` compared, and the provider's checked identity.
async fn identify(
    db: &Db,
    provider: &Provider,
    browser_secret: Option<String>,
    callback: &Callback,
    now: DateTime<Utc>,
) -> Result<Result<Identity, Refusal>, SignInError> {
    let Some(secret) = browser_secret else {
        return Ok(Err(Refusal::NoAttempt));
    };
    let hash = hash_token(&secret);
    let Some(attempt) = db.write(move |conn| users::take_attempt(conn, &hash)).await? else {
        return Ok(Err(Refusal::NoAttempt));
    };
    if now.naive_utc() - attempt.created_at > ATTEMPT_LIFETIME {
        return Ok(Err(Refusal::NoAttempt));
    }
    let state_matches = callback
        .state
        .as_deref()
        .is_some_and(|state| super::sessions::same_token(state, &attempt.state));
    if !state_matches {
        return Ok(Err(Refusal::WrongState));
    }
    Ok(provider
        .finish(callback, &attempt.nonce, &attempt.pkce_verifier, now)
        .await)
}

type Admission = Result<SignedIn, (Refusal, Option<UserId>)>;

/// Who this identity is in avg-loket, and a session if they may come in.
fn admit_in(
    conn: &mut DbConnection,
    settings: &OidcSettings,
    identity: Identity,
    replaces: Option<&str>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Admission, SignInError> {
    if !domain_allowed(settings, &identity) {
        return Ok(Err((Refusal::DomainNotAllowed, None)));
    }
    let user = match users::find_by_identity(conn, &identity.issuer, &identity.subject)? {
        Some(bound) => bound,
        None => match bind_in(conn, &identity, now)? {
            Ok(user) => user,
            Err(refused) => return Ok(Err(refused)),
        },
    };
    if !user.active {
        return Ok(Err((Refusal::Deactivated, Some(user.id))));
    }
    if let Err(refusal) = follow_groups_in(conn, settings, &user, &identity.groups, now)? {
        return Ok(Err((refusal, Some(user.id))));
    }
    let via = Via::Provider {
        id_token: identity.id_token,
    };
    Ok(Ok(open_session_in(conn, user.id, via, replaces, policy, now)?))
}

/// With `AVG_LOKET_OIDC_ALLOWED_DOMAINS` set: the account's domain is one of them —
/// Google's `hd` claim when the provider sends one (always for Google), otherwise the
/// domain of a verified e-mail address.
pub fn domain_allowed(settings: &OidcSettings, identity: &Identity) -> bool {
    if settings.allowed_domains.is_empty() {
        return true;
    }
    let google = settings.issuer == "https://accounts.google.com";
    let domain = match (&identity.hosted_domain, google) {
        (Some(hd), _) => Some(hd.as_str()),
        (None, true) => None,
        (None, false) => identity
            .email
            .as_deref()
            .filter(|_| identity.email_verified)
            .and_then(|email| email.rsplit_once('@'))
            .map(|(_, domain)| domain),
    };
    domain.is_some_and(|domain| settings.allowed_domains.iter().any(|allowed| allowed == domain))
}

/// The first sign-in: the user with the verified e-mail address, bound to the subject.
fn bind_in(
    conn: &mut DbConnection,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Result<Result<UserRow, (Refusal, Option<UserId>)>, SignInError> {
    let Some(email) = identity.email.as_deref().filter(|e| !e.is_empty()) else {
        return Ok(Err((Refusal::UnknownUser, None)));
    };
    let Some(user) = users::find_by_email(conn, email)? else {
        return Ok(Err((Refusal::UnknownUser, None)));
    };
    if !identity.email_verified {
        return Ok(Err((Refusal::UnverifiedEmail, Some(user.id))));
    }
    if users::identity_of(conn, user.id)?.is_some() {
        return Ok(Err((Refusal::BoundElsewhere, Some(user.id))));
    }
    if !user.active {
        return Ok(Err((Refusal::Deactivated, Some(user.id))));
    }
    users::bind_identity(conn, user.id, &identity.issuer, &identity.subject)?;
    super::record_in(
        conn,
        user.id.as_str(),
        RecordAction::IdentityBound,
        now,
        &json!({"user_id": user.id, "provider": identity.issuer}),
    )?;
    Ok(Ok(user))
}

/// With `AVG_LOKET_OIDC_ROLE_GROUPS` / `_TEAM_GROUPS` set: the role and teams the
/// groups give. The last active privacy officer keeps the role (logged).
fn follow_groups_in(
    conn: &mut DbConnection,
    settings: &OidcSettings,
    user: &UserRow,
    groups: &[String],
    now: DateTime<Utc>,
) -> Result<Result<(), Refusal>, SignInError> {
    if settings.role_groups.is_empty() && settings.team_groups.is_empty() {
        return Ok(Ok(()));
    }
    let role = if settings.role_groups.is_empty() {
        user.role
    } else {
        match role_from_groups(&settings.role_groups, groups) {
            Some(role) => role,
            None => {
                withdraw_role_in(conn, user, now)?;
                return Ok(Err(Refusal::NoRole));
            }
        }
    };
    if user.role_withdrawn_at.is_some() {
        // The groups give a role again.
        users::set_role_withdrawn(conn, user.id, None)?;
    }
    let current_teams = users::teams_of(conn, user.id)?;
    let teams: Vec<TeamCode> = if !role.is_worker() {
        Vec::new()
    } else if settings.team_groups.is_empty() {
        current_teams.clone()
    } else {
        teams_from_groups(&settings.team_groups, groups)
    };
    if role.is_worker() && teams.is_empty() {
        return Ok(Err(Refusal::NoTeam));
    }
    if role == user.role && teams == current_teams {
        return Ok(Ok(()));
    }
    let change = UserChange { role, teams };
    match change_user_in(conn, SIGN_IN_ACTOR, &UserRef::Id(user.id), change, now) {
        Ok(_) => Ok(Ok(())),
        Err(ServiceError::Conflict(_)) => {
            tracing::warn!(user_id = %user.id, "the groups would demote the last active privacy officer; the role is kept");
            Ok(Ok(()))
        }
        Err(ServiceError::Invalid(_)) => {
            tracing::warn!(user_id = %user.id, "a team of AVG_LOKET_OIDC_TEAM_GROUPS does not exist in avg-loket");
            Ok(Err(Refusal::NoTeam))
        }
        Err(other) => Err(other.into()),
    }
}

/// The groups give the user no role: they have none until they do. Their tokens are
/// revoked and their sessions end; the stored role stays for when a group gives one
/// again (then the groups decide it). Not even the last privacy officer keeps access:
/// the operator on the command line remains.
fn withdraw_role_in(conn: &mut DbConnection, user: &UserRow, now: DateTime<Utc>) -> Result<(), SignInError> {
    if user.role_withdrawn_at.is_some() {
        return Ok(());
    }
    users::set_role_withdrawn(conn, user.id, Some(now.naive_utc()))?;
    let (revoked, ended) = cut_off_in(conn, user.id, now)?;
    super::record_in(
        conn,
        SIGN_IN_ACTOR,
        RecordAction::RoleWithdrawn,
        now,
        &json!({"user_id": user.id, "tokens_revoked": revoked, "sessions_ended": ended}),
    )?;
    tracing::info!(user_id = %user.id, "the groups give no role: access withdrawn");
    Ok(())
}

/// The first role of the mapping whose group the user is in.
pub fn role_from_groups(mapping: &[(Role, String)], groups: &[String]) -> Option<Role> {
    mapping
        .iter()
        .find(|(_, group)| groups.iter().any(|g| g == group))
        .map(|(role, _)| *role)
}

/// Every team of the mapping whose group the user is in, by code.
pub fn teams_from_groups(mapping: &[(TeamCode, String)], groups: &[String]) -> Vec<TeamCode> {
    let mut teams: Vec<TeamCode> = mapping
        .iter()
        .filter(|(_, group)| groups.iter().any(|g| g == group))
        .map(|(team, _)| team.clone())
        .collect();
    teams.sort();
    teams.dedup();
    teams
}

async fn record_refusal(
    db: &Db,
    provider: &Provider,
    refusal: Refusal,
    user_id: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    // A provider that cannot be reached is one event per outage, not one per visitor.
    if refusal == Refusal::ProviderUnreachable && !provider.outage_begins() {
        tracing::debug!("sign-in refused: the provider is still unreachable");
        return Ok(());
    }
    tracing::info!(
        reason = refusal.code(),
        user_id = user_id.as_ref().map_or("-", UserId::as_str),
        "sign-in refused"
    );
    let data = json!({"provider": provider.issuer(), "reason": refusal.code(), "user_id": user_id});
    db.write(move |conn| super::record_in(conn, SIGN_IN_ACTOR, RecordAction::SignInRefused, now, &data))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_listed_role_whose_group_matches_wins() {
        let mapping = vec![
            (Role::PrivacyOfficer, "fg".to_string()),
            (Role::Caseworker, "amw".to_string()),
        ];
        let groups = vec!["amw".to_string(), "fg".to_string()];
        assert_eq!(role_from_groups(&mapping, &groups), Some(Role::PrivacyOfficer));
        assert_eq!(
            role_from_groups(&mapping, &["amw".into()]),
            Some(Role::Caseworker)
        );
        assert_eq!(role_from_groups(&mapping, &["other".into()]), None);
    }

    #[test]
    fn teams_follow_every_matching_group() {
        let amw = TeamCode::parse("AMW").unwrap();
        let jgz = TeamCode::parse("JGZ").unwrap();
        let mapping = vec![
            (jgz.clone(), "g-jgz".to_string()),
            (amw.clone(), "g-amw".to_string()),
        ];
        assert_eq!(
            teams_from_groups(&mapping, &["g-amw".into(), "g-jgz".into()]),
            vec![amw.clone(), jgz]
        );
        assert_eq!(teams_from_groups(&mapping, &["g-amw".into()]), vec![amw]);
        assert!(teams_from_groups(&mapping, &[]).is_empty());
    }
}
