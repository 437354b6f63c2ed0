//! Users, teams and tokens: the privacy officer's administration, and a user's own
//! tokens (turning a token into a caller is [`super::auth`]).
//!
//! Administration is done by an [`Admin`]: the privacy officer signed in to the API
//! (or, later, the pages) — [`Admin::of`] checks that — or the operator at the command
//! line on the machine itself ([`Admin::operator`]). Every change is an audit event
//! with the administrator as actor.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{Rules, ServiceError};
use crate::domain::access::{Caller, Role};
use crate::domain::audit::RecordAction;
use crate::domain::ids::{TokenId, UserId};
use crate::domain::intake::{check_email, required_line};
use crate::domain::reminders::ReminderPreference;
use crate::domain::team::{TeamCode, TeamName};
use crate::domain::vocabulary::in_sentence;
use crate::domain::FieldIssue;
use crate::domain::Message;
use crate::storage::teams::{self, NewTeam, TeamRow};
use crate::storage::users::{self, TokenRow, UserRow};
use crate::storage::{requests, sessions, Db, DbConnection, StorageError};

/// A team and a token as stored: plain data the adapters show.
pub use crate::storage::teams::TeamRow as Team;
pub use crate::storage::users::TokenRow as Token;

/// The audit actor of command-line administration.
pub const OPERATOR: &str = "cli";

/// A new user as given (`POST /api/v1/users`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    pub name: String,
    pub email: String,
    #[schema(value_type = Role)]
    pub role: String,
    /// One or more for a caseworker or manager, none for other roles.
    #[serde(default)]
    #[schema(value_type = Vec<TeamCode>)]
    pub teams: Vec<String>,
    /// Default `each`.
    #[schema(value_type = Option<ReminderPreference>)]
    pub reminders: Option<String>,
}

/// How a user receives reminders, as given (`PUT /api/v1/users/{id}/reminders`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemindersInput {
    #[schema(value_type = ReminderPreference)]
    pub reminders: String,
}

/// A new token as asked for (`POST /api/v1/users/{id}/tokens`; the body may be left out).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenInput {
    /// How many days the token works: a personal token 90 by default and 365 at most;
    /// a service token 365 by default and 730 at most.
    pub days: Option<i64>,
    /// Makes it a service token, for a script, under this name (e.g. `maandrapport`).
    pub service: Option<String>,
}

/// How long a new token works, and whether it is a script's: checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenTerm {
    pub days: i64,
    pub service: Option<String>,
}

impl TokenTerm {
    pub const PERSONAL_DAYS: i64 = 90;
    pub const PERSONAL_MAX_DAYS: i64 = 365;
    pub const SERVICE_DAYS: i64 = 365;
    pub const SERVICE_MAX_DAYS: i64 = 730;

    /// A personal token of the default term.
    pub fn personal() -> TokenTerm {
        TokenTerm {
            days: Self::PERSONAL_DAYS,
            service: None,
        }
    }

    pub fn parse(days: Option<i64>, service: Option<&str>) -> Result<TokenTerm, ServiceError> {
        let mut issues = Vec::new();
        let service = match service.map(str::trim) {
            None | Some("") => None,
            Some(name) if name.chars().count() > 100 || name.chars().any(char::is_control) => {
                issues.push(FieldIssue::new(
                    "service",
                    "a service name is one line of at most 100 characters",
                    "de naam van een script is één regel van hoogstens 100 tekens",
                ));
                None
            }
            Some(name) => Some(name.to_string()),
        };
        let (default, max) = if service.is_some() {
            (Self::SERVICE_DAYS, Self::SERVICE_MAX_DAYS)
        } else {
            (Self::PERSONAL_DAYS, Self::PERSONAL_MAX_DAYS)
        };
        let days = days.unwrap_or(default);
        if !(1..=max).contains(&days) {
            let (en, nl) = if service.is_some() {
                ("a service token", "een sleutel voor een script")
            } else {
                (
                    "a personal token (a service token, named with `service`, may work up to 730)",
                    "een persoonlijke sleutel (een sleutel voor een script, met een naam, tot 730)",
                )
            };
            issues.push(FieldIssue::new(
                "days",
                format!("{en} works 1 to {max} days"),
                format!("{nl} werkt 1 tot en met {max} dagen"),
            ));
        }
        if issues.is_empty() {
            Ok(TokenTerm { days, service })
        } else {
            Err(ServiceError::Invalid(issues))
        }
    }
}

impl NewTokenInput {
    pub fn parse(&self) -> Result<TokenTerm, ServiceError> {
        TokenTerm::parse(self.days, self.service.as_deref())
    }
}

/// At most this many tokens of one user work at the same time.
pub const LIVE_TOKENS_PER_USER: i64 = 10;

/// A new team as given (`POST /api/v1/teams`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeamInput {
    /// 1-16 upper-case letters, digits and `-`, starting with a letter (e.g. `AMW`).
    #[schema(value_type = TeamCode)]
    pub code: String,
    pub name: String,
}

/// A checked new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub teams: Vec<TeamCode>,
    pub reminders: ReminderPreference,
}

fn preference(value: Option<&str>) -> Result<ReminderPreference, ServiceError> {
    match value.map(str::trim) {
        None => Ok(ReminderPreference::Each),
        Some(code) => ReminderPreference::parse(code)
            .map_err(|e| ServiceError::Invalid(vec![FieldIssue::of("reminders", e.0)])),
    }
}

impl NewUser {
    /// `each` (default) or `daily_digest`.
    pub fn with_reminders(mut self, given: Option<&str>) -> Result<NewUser, ServiceError> {
        self.reminders = preference(given)?;
        Ok(self)
    }

    pub fn parse(name: &str, email: &str, role: &str, teams: &[String]) -> Result<NewUser, ServiceError> {
        let mut issues = Vec::new();
        let name = required_line("name", Some(name), 200, &mut issues);
        let email = email.trim().to_lowercase();
        check_email("email", &email, &mut issues);
        let (role, codes) = role_and_teams(role, teams, &mut issues);
        match (name, role) {
            (Some(name), Some(role)) if issues.is_empty() => Ok(NewUser {
                name,
                email,
                role,
                teams: codes,
                reminders: ReminderPreference::Each,
            }),
            _ => Err(ServiceError::Invalid(issues)),
        }
    }
}

/// A role and its teams as given: one or more teams for a caseworker or manager, none
/// for the other roles.
fn role_and_teams(
    role: &str,
    teams: &[String],
    issues: &mut Vec<FieldIssue>,
) -> (Option<Role>, Vec<TeamCode>) {
    let role = Role::parse(role.trim())
        .map_err(|e| issues.push(FieldIssue::of("role", e.0)))
        .ok();
    let mut codes: Vec<TeamCode> = Vec::new();
    for (i, team) in teams.iter().enumerate() {
        match TeamCode::parse(team) {
            Ok(code) if !codes.contains(&code) => codes.push(code),
            Ok(_) => {}
            Err(e) => issues.push(FieldIssue::of(format!("teams[{i}]"), e.0)),
        }
    }
    if let Some(role) = role {
        if role.is_worker() && codes.is_empty() && teams.is_empty() {
            issues.push(FieldIssue::new(
                "teams",
                format!("a {role} belongs to at least one team"),
                format!("een {} hoort bij minstens één team", in_sentence(role.label_nl())),
            ));
        }
        if !role.is_worker() && !teams.is_empty() {
            issues.push(FieldIssue::new(
                "teams",
                format!("a {role} sees requests of every team and belongs to none"),
                format!(
                    "een {} ziet de verzoeken van alle teams en hoort bij geen enkel team",
                    in_sentence(role.label_nl())
                ),
            ));
        }
    }
    (role, codes)
}

impl NewUserInput {
    pub fn parse(&self) -> Result<NewUser, ServiceError> {
        NewUser::parse(&self.name, &self.email, &self.role, &self.teams)?
            .with_reminders(self.reminders.as_deref())
    }
}

/// What an administration step ends in.
type Done<T> = Result<T, ServiceError>;

/// A user with their teams.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: UserRow,
    pub teams: Vec<TeamCode>,
}

/// A token just issued: the only moment its text exists outside the caller's hands.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub service_name: Option<String>,
}

/// Which user: by id (the API) or by e-mail address (the command line).
#[derive(Debug, Clone)]
pub enum UserRef {
    Id(UserId),
    Email(String),
}

/// The user ID in a path or a form, parsed where it enters: anything that is not an ID
/// names a user who does not exist.
pub fn user_id(text: &str) -> Result<UserId, ServiceError> {
    UserId::parse(text).map_err(|_| user_not_found(text))
}

/// The token ID in a path or a form, likewise.
pub fn token_id(text: &str) -> Result<TokenId, ServiceError> {
    TokenId::parse(text).map_err(|_| token_not_found(text))
}

fn user_not_found(id: impl std::fmt::Display) -> ServiceError {
    ServiceError::NotFound(format!("no user with id {id}"))
}

fn token_not_found(id: impl std::fmt::Display) -> ServiceError {
    ServiceError::NotFound(format!("no token with id {id}"))
}

fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: RecordAction,
    now: DateTime<Utc>,
    data: serde_json::Value,
) -> Result<(), StorageError> {
    super::record_in(conn, actor, action, now, &data)
}

/// Issues a token for `user_id` (checked active by the caller) of `term`: at most
/// [`LIVE_TOKENS_PER_USER`] work at once.
pub fn issue_token_in(
    conn: &mut DbConnection,
    actor: &str,
    user_id: UserId,
    term: TokenTerm,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    if users::live_tokens_of(conn, user_id, now.naive_utc())? >= LIVE_TOKENS_PER_USER {
        return Err(ServiceError::conflict(
            format!("{LIVE_TOKENS_PER_USER} tokens of this user work already; revoke one first"),
            format!("er werken al {LIVE_TOKENS_PER_USER} sleutels van deze gebruiker; trek er eerst een in"),
        ));
    }
    let (token, hash) = super::auth::new_token();
    let expires_at = now + Duration::days(term.days);
    let row = TokenRow {
        id: TokenId::from(Uuid::now_v7()),
        user_id,
        token_hash: hash,
        created_at: now.naive_utc(),
        last_used_at: None,
        revoked_at: None,
        expires_at: Some(expires_at.naive_utc()),
        service_name: term.service.clone(),
    };
    users::insert_token(conn, &row)?;
    // The service name is the organisation's own label for a script, not personal data.
    record(
        conn,
        actor,
        RecordAction::TokenIssued,
        now,
        json!({"token_id": row.id, "user_id": user_id, "days": term.days, "service": term.service}),
    )?;
    Ok(IssuedToken {
        id: row.id,
        user_id,
        token,
        created_at: now,
        expires_at,
        service_name: term.service,
    })
}

/// Creates a user (no token: the user signs in with the organisation's account, or the
/// operator gives a first token on the command line).
pub fn create_user_in(
    conn: &mut DbConnection,
    actor: &str,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let missing = unknown_teams(conn, &new.teams)?;
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(missing));
    }
    let user = UserRow {
        id: UserId::from(Uuid::now_v7()),
        name: new.name,
        email: new.email,
        role: new.role,
        active: true,
        created_at: now.naive_utc(),
        deactivated_at: None,
        reminders: new.reminders,
        last_signed_in_at: None,
        role_withdrawn_at: None,
    };
    if !users::insert(conn, &user, &new.teams)? {
        return Err(ServiceError::conflict(
            format!("a user with e-mail address {} exists already", user.email),
            format!("er is al een gebruiker met e-mailadres {}", user.email),
        ));
    }
    record(
        conn,
        actor,
        RecordAction::UserCreated,
        now,
        json!({"user_id": user.id, "role": user.role, "teams": new.teams}),
    )?;
    Ok(UserView {
        user,
        teams: new.teams,
    })
}

fn find_user_in(conn: &mut DbConnection, who: &UserRef) -> Result<UserView, ServiceError> {
    let user = match who {
        UserRef::Id(id) => users::find(conn, *id)?.ok_or_else(|| user_not_found(id))?,
        UserRef::Email(email) => {
            let email = email.trim().to_lowercase();
            users::find_by_email(conn, &email)?
                .ok_or_else(|| ServiceError::NotFound(format!("no user with e-mail address {email}")))?
        }
    };
    let teams = users::teams_of(conn, user.id)?;
    Ok(UserView { user, teams })
}

fn set_reminders_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    preference: ReminderPreference,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let mut view = find_user_in(conn, who)?;
    users::set_reminders(conn, view.user.id, preference)?;
    record(
        conn,
        actor,
        RecordAction::RemindersSet,
        now,
        json!({"user_id": view.user.id, "reminders": preference}),
    )?;
    view.user.reminders = preference;
    Ok(view)
}

/// Deactivates a user. The open requests they still hold count as unassigned from
/// now on: the sweep looks at them again at the next reminder moment `reminders_at`
/// (their team's managers get the unassigned mail). Returns the user and how many.
fn deactivate_user_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    now: DateTime<Utc>,
    reminders_at: DateTime<Utc>,
) -> Result<(UserView, i64), ServiceError> {
    let mut view = find_user_in(conn, who)?;
    let held = requests::open_assigned_to(conn, view.user.id)?;
    keep_a_privacy_officer(conn, &view.user)?;
    if view.user.active {
        users::deactivate(conn, view.user.id, now.naive_utc())?;
        let (revoked, _) = cut_off_in(conn, view.user.id, now)?;
        requests::reschedule_reminders_of(conn, view.user.id, reminders_at.naive_utc())?;
        record(
            conn,
            actor,
            RecordAction::UserDeactivated,
            now,
            json!({"user_id": view.user.id, "open_requests_held": held, "tokens_revoked": revoked}),
        )?;
        view.user.active = false;
        view.user.deactivated_at = Some(now.naive_utc());
    }
    Ok((view, held))
}

/// Every token of a user revoked and every session ended, at once: deactivation,
/// a lifted binding, groups that give no role. How many of each.
pub(crate) fn cut_off_in(
    conn: &mut DbConnection,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<(usize, usize), StorageError> {
    let revoked = users::revoke_tokens_of(conn, user_id, now.naive_utc())?;
    let ended = sessions::delete_of_user(conn, user_id)?;
    Ok((revoked, ended))
}

/// The last active privacy officer stays one: someone must be able to administer.
fn keep_a_privacy_officer(conn: &mut DbConnection, user: &UserRow) -> Result<(), ServiceError> {
    if user.active
        && user.role == Role::PrivacyOfficer
        && users::count_active_with_role(conn, Role::PrivacyOfficer)? <= 1
    {
        return Err(ServiceError::conflict(
            "this is the last active privacy officer; make another user privacy officer first",
            "dit is de laatste actieve functionaris gegevensbescherming; maak eerst iemand anders functionaris gegevensbescherming",
        ));
    }
    Ok(())
}

/// A new role and teams for a user, checked.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub role: Role,
    pub teams: Vec<TeamCode>,
}

impl UserChange {
    pub fn parse(role: &str, teams: &[String]) -> Result<UserChange, ServiceError> {
        let mut issues = Vec::new();
        let (role, teams) = role_and_teams(role, teams, &mut issues);
        match role {
            Some(role) if issues.is_empty() => Ok(UserChange { role, teams }),
            _ => Err(ServiceError::Invalid(issues)),
        }
    }
}

fn unknown_teams(conn: &mut DbConnection, teams: &[TeamCode]) -> Result<Vec<FieldIssue>, ServiceError> {
    let mut missing = Vec::new();
    for (i, team) in teams.iter().enumerate() {
        if teams::find(conn, team)?.is_none() {
            missing.push(FieldIssue::new(
                format!("teams[{i}]"),
                format!("there is no team with code {team}"),
                format!("er is geen team {team}"),
            ));
        }
    }
    Ok(missing)
}

/// Gives a user another role and teams. The last active privacy officer keeps the role.
pub(crate) fn change_user_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    change: UserChange,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let mut view = find_user_in(conn, who)?;
    if view.user.role == change.role && view.teams == change.teams {
        return Ok(view);
    }
    if change.role != Role::PrivacyOfficer {
        keep_a_privacy_officer(conn, &view.user)?;
    }
    let missing = unknown_teams(conn, &change.teams)?;
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(missing));
    }
    users::set_role_and_teams(conn, view.user.id, change.role, &change.teams)?;
    record(
        conn,
        actor,
        RecordAction::UserChanged,
        now,
        json!({"user_id": view.user.id, "role": change.role, "teams": change.teams}),
    )?;
    view.user.role = change.role;
    view.teams = change.teams;
    Ok(view)
}

fn reactivate_user_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let mut view = find_user_in(conn, who)?;
    if !view.user.active {
        users::reactivate(conn, view.user.id)?;
        let revoked = users::revoke_tokens_of(conn, view.user.id, now.naive_utc())?;
        record(
            conn,
            actor,
            RecordAction::UserReactivated,
            now,
            json!({"user_id": view.user.id, "tokens_revoked": revoked}),
        )?;
        view.user.active = true;
        view.user.deactivated_at = None;
    }
    Ok(view)
}

/// Forgets the user's organisation account: the next sign-in binds anew by verified
/// e-mail. Sessions begun with the old account end.
fn unbind_identity_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let view = find_user_in(conn, who)?;
    if users::unbind_identity(conn, view.user.id)? {
        // Tokens made while signed in with the old account go with it: whoever held
        // that account may have made them.
        let (revoked, ended) = cut_off_in(conn, view.user.id, now)?;
        record(
            conn,
            actor,
            RecordAction::IdentityUnbound,
            now,
            json!({"user_id": view.user.id, "sessions_ended": ended, "tokens_revoked": revoked}),
        )?;
    }
    Ok(view)
}

fn rename_team_in(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<TeamRow, ServiceError> {
    let missing = || ServiceError::NotFound(format!("no team with code {code}"));
    let code = TeamCode::parse(code).map_err(|_| missing())?;
    let name = TeamName::parse(name).map_err(|e| ServiceError::Invalid(vec![FieldIssue::of("name", e.0)]))?;
    let mut team = teams::find(conn, &code)?.ok_or_else(missing)?;
    if team.name != name.as_str() {
        teams::rename(conn, &code, name.as_str())?;
        record(conn, actor, RecordAction::TeamRenamed, now, json!({"team": code}))?;
        team.name = name.as_str().to_string();
    }
    Ok(team)
}

fn issue_token_for_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    term: TokenTerm,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    let view = find_user_in(conn, who)?;
    if !view.user.active {
        return Err(ServiceError::conflict(
            "the user is deactivated; a token would not work",
            "de gebruiker is gedeactiveerd; een sleutel zou niet werken",
        ));
    }
    if view.user.role_withdrawn_at.is_some() {
        return Err(ServiceError::conflict(
            "the organisation's groups give this user no role; a token would not work",
            "de groepen van de organisatie geven deze gebruiker geen rol; een sleutel zou niet werken",
        ));
    }
    issue_token_in(conn, actor, view.user.id, term, now)
}

fn revoke_token_in(
    conn: &mut DbConnection,
    actor: &str,
    token_id: TokenId,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let token = users::find_token(conn, token_id)?.ok_or_else(|| token_not_found(token_id))?;
    if users::revoke_token(conn, token.id, now.naive_utc())? {
        // A session may have begun with this token, and it may have been stolen.
        sessions::delete_token_sessions_of_user(conn, token.user_id)?;
        record(
            conn,
            actor,
            RecordAction::TokenRevoked,
            now,
            json!({"token_id": token.id, "user_id": token.user_id}),
        )?;
    }
    Ok(())
}

fn revoke_tokens_of_in(
    conn: &mut DbConnection,
    actor: &str,
    who: &UserRef,
    now: DateTime<Utc>,
) -> Result<(UserView, usize), ServiceError> {
    let view = find_user_in(conn, who)?;
    let count = users::revoke_tokens_of(conn, view.user.id, now.naive_utc())?;
    sessions::delete_token_sessions_of_user(conn, view.user.id)?;
    if count > 0 {
        record(
            conn,
            actor,
            RecordAction::TokensRevoked,
            now,
            json!({"user_id": view.user.id, "count": count}),
        )?;
    }
    Ok((view, count))
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
        .map_err(|e| issues.push(FieldIssue::of("code", e.0)))
        .ok();
    let name = TeamName::parse(name)
        .map_err(|e| issues.push(FieldIssue::of("name", e.0)))
        .ok();
    let (Some(code), Some(name)) = (code, name) else {
        return Err(ServiceError::Invalid(issues));
    };
    let created_at = now.naive_utc();
    let new = NewTeam {
        code: &code,
        name: name.as_str(),
        created_at,
    };
    if !teams::insert(conn, &new)? {
        return Err(ServiceError::conflict(
            format!("team {code} already exists"),
            format!("team {code} bestaat al"),
        ));
    }
    record(conn, actor, RecordAction::TeamCreated, now, json!({"team": code}))?;
    Ok(TeamRow {
        code,
        name: name.as_str().to_string(),
        created_at,
    })
}

fn user_and_tokens_in(
    conn: &mut DbConnection,
    who: &UserRef,
) -> Result<(UserView, Vec<TokenRow>), ServiceError> {
    let view = find_user_in(conn, who)?;
    let tokens = users::tokens_of(conn, view.user.id)?;
    Ok((view, tokens))
}

fn list_users_in(conn: &mut DbConnection) -> Result<Vec<UserView>, ServiceError> {
    Ok(users::list(conn)?
        .into_iter()
        .map(|(user, teams)| UserView { user, teams })
        .collect())
}

/// Who administers: the privacy officer, or the operator at the command line.
#[derive(Debug, Clone)]
pub struct Admin {
    actor: String,
}

impl Admin {
    /// The caller, if they may administer (the privacy officer).
    pub fn of(caller: &Caller) -> Done<Admin> {
        caller.may_administer()?;
        Ok(Admin {
            actor: caller.user_id.to_string(),
        })
    }

    /// Whoever runs `avg-loket` on the machine itself (recorded as `cli`).
    pub fn operator() -> Admin {
        Admin {
            actor: OPERATOR.to_string(),
        }
    }

    /// Carries out `change` in one write transaction, as this administrator.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        db: &Db,
        change: impl FnOnce(&mut DbConnection, &str) -> Done<T> + Send + 'static,
    ) -> Done<T> {
        let actor = self.actor.clone();
        db.write(move |conn| change(conn, &actor)).await
    }

    pub async fn create_user(&self, db: &Db, new: NewUser, now: DateTime<Utc>) -> Done<UserView> {
        let actor = self.actor.clone();
        let created = db
            .write(move |conn| create_user_in(conn, &actor, new, now))
            .await?;
        tracing::info!(user_id = %created.user.id, role = %created.user.role, "user created");
        Ok(created)
    }

    /// Creates a user and their first token, shown once to the operator on the command
    /// line (`avg-loket user add`); for the operator only.
    pub async fn create_user_with_token(
        &self,
        db: &Db,
        new: NewUser,
        now: DateTime<Utc>,
    ) -> Done<(UserView, IssuedToken)> {
        self.operator_only()?;
        let actor = self.actor.clone();
        let created = db
            .write(move |conn| {
                let view = create_user_in(conn, &actor, new, now)?;
                let token = issue_token_in(conn, &actor, view.user.id, TokenTerm::personal(), now)?;
                Ok::<_, ServiceError>((view, token))
            })
            .await?;
        tracing::info!(user_id = %created.0.user.id, role = %created.0.user.role, "user created");
        Ok(created)
    }

    /// Only the operator on the machine itself issues a token for someone else: the
    /// privacy officer does not act as another user.
    fn operator_only(&self) -> Done<()> {
        if self.actor == OPERATOR {
            Ok(())
        } else {
            Err(not_on_behalf())
        }
    }

    pub async fn list_users(&self, db: &Db) -> Done<Vec<UserView>> {
        db.read(list_users_in).await
    }

    /// A user and their tokens (never the secrets).
    pub async fn user(&self, db: &Db, who: UserRef) -> Done<(UserView, Vec<TokenRow>)> {
        db.read(move |conn| user_and_tokens_in(conn, &who)).await
    }

    /// Deactivates a user: every token and session of theirs stops working at once,
    /// and the open requests they held count as unassigned. Returns the user and the
    /// number of open requests they still held.
    pub async fn deactivate_user(
        &self,
        db: &Db,
        rules: &Rules,
        who: UserRef,
        now: DateTime<Utc>,
    ) -> Done<(UserView, i64)> {
        let actor = self.actor.clone();
        let reminders_at = rules.planner().first_moment_from(now);
        let (view, held) = db
            .write(move |conn| deactivate_user_in(conn, &actor, &who, now, reminders_at))
            .await?;
        tracing::info!(user_id = %view.user.id, open_requests_held = held, "user deactivated");
        Ok((view, held))
    }

    /// How many open requests a user still holds (assigned to them).
    pub async fn requests_held(&self, db: &Db, user_id: UserId) -> Done<i64> {
        db.read(move |conn| Ok::<_, ServiceError>(requests::open_assigned_to(conn, user_id)?))
            .await
    }

    /// Issues another token for an active user: the operator only
    /// (`avg-loket token create`).
    pub async fn issue_token(
        &self,
        db: &Db,
        who: UserRef,
        term: TokenTerm,
        now: DateTime<Utc>,
    ) -> Done<IssuedToken> {
        self.operator_only()?;
        self.write(db, move |conn, actor| {
            issue_token_for_in(conn, actor, &who, term, now)
        })
        .await
    }

    pub async fn revoke_token(&self, db: &Db, token_id: TokenId, now: DateTime<Utc>) -> Done<()> {
        self.write(db, move |conn, actor| revoke_token_in(conn, actor, token_id, now))
            .await
    }

    /// Revokes every live token of a user; returns the user and how many.
    pub async fn revoke_tokens_of(
        &self,
        db: &Db,
        who: UserRef,
        now: DateTime<Utc>,
    ) -> Done<(UserView, usize)> {
        self.write(db, move |conn, actor| revoke_tokens_of_in(conn, actor, &who, now))
            .await
    }

    pub async fn set_reminders(
        &self,
        db: &Db,
        who: UserRef,
        given: &str,
        now: DateTime<Utc>,
    ) -> Done<UserView> {
        let preference = preference(Some(given))?;
        self.write(db, move |conn, actor| {
            set_reminders_in(conn, actor, &who, preference, now)
        })
        .await
    }

    /// Gives a user another role and teams (not the last privacy officer's role).
    pub async fn change_user(
        &self,
        db: &Db,
        who: UserRef,
        change: UserChange,
        now: DateTime<Utc>,
    ) -> Done<UserView> {
        self.write(db, move |conn, actor| {
            change_user_in(conn, actor, &who, change, now)
        })
        .await
    }

    /// Lets a deactivated user in again. Tokens from before stay unusable (they are
    /// revoked): a new one is issued when needed, or the user signs in with their
    /// organisation account.
    pub async fn reactivate_user(&self, db: &Db, who: UserRef, now: DateTime<Utc>) -> Done<UserView> {
        self.write(db, move |conn, actor| reactivate_user_in(conn, actor, &who, now))
            .await
    }

    /// Forgets the user's organisation account (a wrong or replaced binding).
    pub async fn unbind_identity(&self, db: &Db, who: UserRef, now: DateTime<Utc>) -> Done<UserView> {
        self.write(db, move |conn, actor| unbind_identity_in(conn, actor, &who, now))
            .await
    }

    /// Gives the team of `renamed.code` the name `renamed.name`.
    pub async fn rename_team(&self, db: &Db, renamed: NewTeamInput, now: DateTime<Utc>) -> Done<TeamRow> {
        self.write(db, move |conn, actor| {
            rename_team_in(conn, actor, &renamed.code, &renamed.name, now)
        })
        .await
    }

    pub async fn create_team(&self, db: &Db, input: NewTeamInput, now: DateTime<Utc>) -> Done<TeamRow> {
        self.write(db, move |conn, actor| {
            create_team_in(conn, actor, &input.code, &input.name, now)
        })
        .await
    }
}

/// How a user receives reminders: the privacy officer sets it for anyone, a user for
/// themself.
pub async fn set_reminders(
    db: &Db,
    caller: &Caller,
    user_id: UserId,
    input: RemindersInput,
    now: DateTime<Utc>,
) -> Result<UserView, ServiceError> {
    let by = if UserId::from(caller.user_id) == user_id {
        Admin {
            actor: user_id.to_string(),
        }
    } else {
        Admin::of(caller)?
    };
    by.set_reminders(db, UserRef::Id(user_id), &input.reminders, now)
        .await
}

/// Whether a user is bound to an organisation account (signed in with it once).
pub async fn is_bound(db: &Db, user_id: UserId) -> Result<bool, ServiceError> {
    db.read(move |conn| Ok::<_, ServiceError>(users::identity_of(conn, user_id)?.is_some()))
        .await
}

/// The caller's own account and tokens ("Mijn instellingen").
pub async fn my_account(db: &Db, caller: &Caller) -> Result<(UserView, Vec<TokenRow>), ServiceError> {
    let who = UserRef::Id(UserId::from(caller.user_id));
    db.read(move |conn| user_and_tokens_in(conn, &who)).await
}

/// Nobody makes a token on someone else's behalf (the operator at the command line
/// aside): it would be a key that acts as them.
fn not_on_behalf() -> ServiceError {
    ServiceError::Forbidden(Message::new(
        "a token is made by its own user (or by the operator on the command line), never on someone's behalf",
        "een sleutel maakt de gebruiker zelf (of de beheerder op de server), nooit iemand anders",
    ))
}

/// The user ID in a path where only the caller's own is allowed (a token is made by
/// its own user): anything else, another user's ID or no ID at all, is refused the
/// same way.
pub fn own_user_id(caller: &Caller, text: &str) -> Result<UserId, ServiceError> {
    let id = UserId::parse(text).map_err(|_| not_on_behalf())?;
    is_own(caller, id).map(|()| id)
}

/// Is `user_id` the caller? Only then may they make a token for it.
pub fn is_own(caller: &Caller, user_id: UserId) -> Result<(), ServiceError> {
    if UserId::from(caller.user_id) == user_id {
        Ok(())
    } else {
        Err(not_on_behalf())
    }
}

/// A new token for `user_id`, who must be the caller (shown once).
pub async fn issue_own_token(
    db: &Db,
    caller: &Caller,
    user_id: UserId,
    term: TokenTerm,
    now: DateTime<Utc>,
) -> Result<IssuedToken, ServiceError> {
    is_own(caller, user_id)?;
    let me = caller.user_id.to_string();
    db.write(move |conn| issue_token_for_in(conn, &me, &UserRef::Id(user_id), term, now))
        .await
}

/// Revokes one of the caller's own tokens; another's reads as not found.
pub async fn revoke_own_token(
    db: &Db,
    caller: &Caller,
    token_id: TokenId,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let me = UserId::from(caller.user_id);
    db.write(move |conn| match users::find_token(conn, token_id)? {
        Some(token) if token.user_id == me => revoke_token_in(conn, &me.to_string(), token_id, now),
        _ => Err(token_not_found(token_id)),
    })
    .await
}

/// The caller as a user (every role).
pub async fn me(db: &Db, caller: &Caller) -> Result<UserView, ServiceError> {
    let who = UserRef::Id(UserId::from(caller.user_id));
    db.read(move |conn| find_user_in(conn, &who)).await
}

/// Every team, by code (every role: the front desk picks one when registering).
pub async fn teams(db: &Db) -> Result<Vec<TeamRow>, ServiceError> {
    db.read(|conn| Ok::<_, ServiceError>(teams::list(conn)?)).await
}

/// The teams `caller` may register requests for.
pub async fn teams_to_register_for(db: &Db, caller: &Caller) -> Result<Vec<TeamRow>, ServiceError> {
    let all = teams(db).await?;
    Ok(all
        .into_iter()
        .filter(|t| caller.may_register(&t.code).is_ok())
        .collect())
}

/// One team.
pub async fn team(db: &Db, code: &str) -> Result<TeamRow, ServiceError> {
    let missing = || ServiceError::NotFound(format!("no team with code {code}"));
    let Ok(parsed) = TeamCode::parse(code) else {
        return Err(missing());
    };
    db.read(move |conn| Ok::<_, ServiceError>(teams::find(conn, &parsed)?))
        .await?
        .ok_or_else(missing)
}

/// Is `assignee` an active caseworker or manager of `team`? One answer for every way
/// it is not (no such user, deactivated, another role, another team): what the caller
/// learns is only that this id cannot handle a request of this team — never whether
/// someone outside their sight exists, nor their role or teams.
pub fn check_assignee(conn: &mut DbConnection, assignee: Uuid, team: &TeamCode) -> Result<(), ServiceError> {
    let fits = match users::find(conn, UserId::from(assignee))? {
        Some(user) if user.active && user.role.is_worker() => users::teams_of(conn, user.id)?.contains(team),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "assignee",
            format!("{assignee} is not an active caseworker or manager of team {team}"),
            format!("dit is geen actieve behandelaar of teammanager van team {team}"),
        ))
    }
}
