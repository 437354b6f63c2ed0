//! Administration in the browser: the privacy officer's users, teams and tokens, and
//! every user's own settings ("Mijn instellingen"). The same service functions as the
//! API and the command line (`service::admin`), so the same rules hold: the last active
//! privacy officer cannot be deactivated or demoted, a token is shown once, and every
//! change is an audit event.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Europe::Amsterdam;
use serde::Deserialize;

use super::labels::{choices, Choice};
use super::{filled, page, see_other, CheckedForm, PageError, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::access::Role;
use crate::domain::reminders::ReminderPreference;
use crate::service::admin::{
    self, Admin, IssuedToken, NewTeamInput, NewUser, RemindersInput, Team, Token, TokenTerm, UserChange,
    UserRef, UserView,
};
use crate::service::sessions::WebUser;
use crate::service::ServiceError;
use crate::web::state::AppState;

/// "2 december 2026 14:05", local time; "—" for never.
fn moment(at: Option<NaiveDateTime>) -> String {
    at.map(|at| {
        at.and_utc()
            .with_timezone(&Amsterdam)
            .format("%d-%m-%Y %H:%M")
            .to_string()
    })
    .unwrap_or_else(|| "—".into())
}

struct UserLine {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    role_code: &'static str,
    teams: Vec<String>,
    active: bool,
    last_sign_in: String,
    bound: bool,
}

fn line(view: &UserView) -> UserLine {
    UserLine {
        id: view.user.id.to_string(),
        name: view.user.name.clone(),
        email: view.user.email.clone(),
        role: view.user.role.label_nl(),
        role_code: view.user.role.code(),
        teams: view.teams.iter().map(|t| t.to_string()).collect(),
        active: view.user.active,
        last_sign_in: moment(view.user.last_signed_in_at),
        bound: false,
    }
}

struct TokenLine {
    id: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
    /// "werkt tot 06-03-2027 10:00" or "verlopen 06-03-2027 10:00".
    term: String,
    /// Still works: may be revoked.
    live: bool,
    /// A service token: the script's name.
    service: Option<String>,
}

fn token_lines(tokens: &[Token], now: chrono::DateTime<chrono::Utc>) -> Vec<TokenLine> {
    let mut lines: Vec<TokenLine> = tokens
        .iter()
        .map(|t| {
            let expired = t.expires_at.is_none_or(|end| end <= now.naive_utc());
            TokenLine {
                id: t.id.to_string(),
                created: moment(Some(t.created_at)),
                last_used: moment(t.last_used_at),
                revoked: t.revoked_at.map(|at| moment(Some(at))),
                term: match (t.expires_at, expired) {
                    (Some(end), false) => format!("werkt tot {}", moment(Some(end))),
                    (Some(end), true) => format!("verlopen {}", moment(Some(end))),
                    (None, _) => "verlopen".into(),
                },
                live: t.revoked_at.is_none() && !expired,
                service: t.service_name.clone(),
            }
        })
        .collect();
    // Newest first: the one just issued on top.
    lines.reverse();
    lines
}

/// What the add-user form held, to show it again with what must change.
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

fn teams_of(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(name, _)| name == "teams")
        .map(|(_, value)| value.clone())
        .collect()
}

fn administrator(user: &WebUser) -> Result<Admin, PageError> {
    Admin::of(&user.caller).map_err(PageError::from)
}

#[derive(Template)]
#[template(path = "pages/admin_users.html")]
struct UsersPage<'a> {
    user: &'a WebUser,
    users: Vec<UserLine>,
    teams: Vec<Team>,
    roles: Vec<Choice>,
    form: UserForm,
    chosen_teams: Vec<String>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    form: UserForm,
    chosen_teams: Vec<String>,
    error: Option<String>,
) -> Answer {
    let admin = administrator(user)?;
    let users = admin.list_users(&state.db).await?;
    let teams = admin::teams(&state.db).await?;
    Ok(page(
        status,
        &UsersPage {
            user,
            users: users.iter().map(line).collect(),
            teams,
            roles: choices::<Role>(),
            form,
            chosen_teams,
            error,
        },
    ))
}

/// `GET /admin/users`: every user, and the form to add one.
pub async fn users(state: State, user: SignedIn) -> Answer {
    users_page(
        &state,
        &user.0,
        StatusCode::OK,
        UserForm::default(),
        Vec::new(),
        None,
    )
    .await
}

#[derive(Template)]
#[template(path = "pages/token_issued.html")]
struct TokenIssued<'a> {
    user: &'a WebUser,
    heading: &'a str,
    who: String,
    token: IssuedToken,
    back: String,
    /// "06-03-2027 10:00": when it stops working.
    expires: String,
}

/// The one moment a token is shown.
fn token_page(user: &WebUser, heading: &str, who: String, token: IssuedToken, back: String) -> HttpResponse {
    page(
        StatusCode::CREATED,
        &TokenIssued {
            user,
            heading,
            who,
            expires: moment(Some(token.expires_at.naive_utc())),
            token,
            back,
        },
    )
}

/// The message of a refused form, for the page that shows it again.
fn refusal(error: ServiceError) -> Result<String, PageError> {
    match PageError::from(error) {
        PageError::Refused(message) => Ok(message),
        other => Err(other),
    }
}

/// `POST /admin/users`: adds a user, then their page. No token: the user signs in with
/// the organisation's account, or the operator gives a first one on the command line.
pub async fn add_user(state: State, form: CheckedForm<UserForm>) -> Answer {
    let admin = administrator(&form.user)?;
    let teams = teams_of(&form.pairs);
    let created = match NewUser::parse(&form.form.name, &form.form.email, &form.form.role, &teams) {
        Ok(new) => admin.create_user(&state.db, new, clock::now()).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(view) => Ok(see_other(&format!("/admin/users/{}?toegevoegd=1", view.user.id))),
        Err(error) => {
            let message = refusal(error)?;
            users_page(
                &state,
                &form.user,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.form,
                teams,
                Some(message),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin_user.html")]
struct UserPage<'a> {
    user: &'a WebUser,
    shown: UserLine,
    tokens: Vec<TokenLine>,
    teams: Vec<Team>,
    roles: Vec<Choice>,
    open_requests_held: i64,
    error: Option<String>,
    /// Just added: how the user gets in.
    added: bool,
    /// Sign-in with the organisation's account is configured.
    oidc: bool,
}

async fn user_page(
    state: &AppState,
    user: &WebUser,
    id: String,
    status: StatusCode,
    error: Option<String>,
    added: bool,
) -> Answer {
    let admin = administrator(user)?;
    let id = admin::user_id(&id)?;
    let (view, tokens) = admin.user(&state.db, UserRef::Id(id)).await?;
    let held = admin.requests_held(&state.db, id).await?;
    let teams = admin::teams(&state.db).await?;
    let mut shown = line(&view);
    shown.bound = admin::is_bound(&state.db, view.user.id).await?;
    Ok(page(
        status,
        &UserPage {
            user,
            shown,
            tokens: token_lines(&tokens, clock::now()),
            teams,
            roles: choices::<Role>(),
            open_requests_held: held,
            error,
            added,
            oidc: state.oidc.is_some(),
        },
    ))
}

/// `GET /admin/users/{id}`.
#[derive(Debug, Default, Deserialize)]
pub struct UserQuery {
    #[serde(default)]
    toegevoegd: Option<String>,
}

pub async fn user(
    state: State,
    user: SignedIn,
    path: web::Path<String>,
    query: web::Query<UserQuery>,
) -> Answer {
    let added = query.toegevoegd.is_some();
    user_page(&state, &user.0, path.into_inner(), StatusCode::OK, None, added).await
}

/// After a change: back to the user's page, or that page again with why not.
async fn back_to_user(
    state: &AppState,
    user: &WebUser,
    id: String,
    outcome: Result<(), ServiceError>,
) -> Answer {
    match outcome {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(error) => {
            let message = refusal(error)?;
            user_page(state, user, id, StatusCode::CONFLICT, Some(message), false).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /admin/users/{id}`: another role and teams.
pub async fn change_user(state: State, path: web::Path<String>, form: CheckedForm<RoleForm>) -> Answer {
    let admin = administrator(&form.user)?;
    let id = path.into_inner();
    let outcome = match UserChange::parse(&form.form.role, &teams_of(&form.pairs)) {
        Ok(change) => admin
            .change_user(&state.db, UserRef::Id(admin::user_id(&id)?), change, clock::now())
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    back_to_user(&state, &form.user, id, outcome).await
}

/// `POST /admin/users/{id}/deactivate`.
pub async fn deactivate(state: State, path: web::Path<String>, form: CheckedForm) -> Answer {
    user_step(&state, path.into_inner(), form, UserStep::Deactivate).await
}

/// `POST /admin/users/{id}/reactivate`.
pub async fn reactivate(state: State, path: web::Path<String>, form: CheckedForm) -> Answer {
    user_step(&state, path.into_inner(), form, UserStep::Reactivate).await
}

/// `POST /admin/users/{id}/unbind`: the next sign-in binds the account anew.
pub async fn unbind(state: State, path: web::Path<String>, form: CheckedForm) -> Answer {
    user_step(&state, path.into_inner(), form, UserStep::Unbind).await
}

/// The buttons on a user's page that change their access.
enum UserStep {
    Deactivate,
    Reactivate,
    Unbind,
}

/// One step on a user's access, then back to their page (with the refusal, if any).
async fn user_step(state: &AppState, id: String, form: CheckedForm, step: UserStep) -> Answer {
    let admin = administrator(&form.user)?;
    let who = UserRef::Id(admin::user_id(&id)?);
    let now = clock::now();
    let outcome = match step {
        UserStep::Deactivate => admin
            .deactivate_user(&state.db, &state.rules, who, now)
            .await
            .map(|_| ()),
        UserStep::Reactivate => admin.reactivate_user(&state.db, who, now).await.map(|_| ()),
        UserStep::Unbind => admin.unbind_identity(&state.db, who, now).await.map(|_| ()),
    };
    back_to_user(state, &form.user, id, outcome).await
}

/// `POST /admin/users/{id}/tokens/{token}/revoke`.
pub async fn revoke_token(state: State, path: web::Path<(String, String)>, form: CheckedForm) -> Answer {
    let admin = administrator(&form.user)?;
    let (id, token) = path.into_inner();
    let outcome = admin
        .revoke_token(&state.db, admin::token_id(&token)?, clock::now())
        .await;
    back_to_user(&state, &form.user, id, outcome).await
}

struct TeamLine {
    code: String,
    name: String,
    managers: Vec<String>,
    caseworkers: usize,
}

#[derive(Template)]
#[template(path = "pages/admin_teams.html")]
struct TeamsPage<'a> {
    user: &'a WebUser,
    teams: Vec<TeamLine>,
    code: String,
    name: String,
    error: Option<String>,
}

async fn teams_page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    code: String,
    name: String,
    error: Option<String>,
) -> Answer {
    let admin = administrator(user)?;
    let users = admin.list_users(&state.db).await?;
    let teams = admin::teams(&state.db)
        .await?
        .into_iter()
        .map(|team| {
            let members: Vec<&UserView> = users
                .iter()
                .filter(|u| u.user.active && u.teams.contains(&team.code))
                .collect();
            TeamLine {
                code: team.code.to_string(),
                name: team.name,
                managers: members
                    .iter()
                    .filter(|u| u.user.role == Role::Manager)
                    .map(|u| u.user.name.clone())
                    .collect(),
                caseworkers: members.iter().filter(|u| u.user.role == Role::Caseworker).count(),
            }
        })
        .collect();
    Ok(page(
        status,
        &TeamsPage {
            user,
            teams,
            code,
            name,
            error,
        },
    ))
}

/// `GET /admin/teams`.
pub async fn teams(state: State, user: SignedIn) -> Answer {
    teams_page(
        &state,
        &user.0,
        StatusCode::OK,
        String::new(),
        String::new(),
        None,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

/// `POST /admin/teams`.
pub async fn add_team(state: State, form: CheckedForm<TeamForm>) -> Answer {
    let admin = administrator(&form.user)?;
    let input = NewTeamInput {
        code: form.form.code.trim().to_uppercase(),
        name: form.form.name.clone(),
    };
    match admin.create_team(&state.db, input, clock::now()).await {
        Ok(team) => Ok(see_other(&format!("/admin/teams/{}", team.code))),
        Err(error) => {
            let message = refusal(error)?;
            teams_page(
                &state,
                &form.user,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.form.code,
                form.form.name,
                Some(message),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "pages/admin_team.html")]
struct TeamPage<'a> {
    user: &'a WebUser,
    team: Team,
    managers: Vec<UserLine>,
    caseworkers: Vec<UserLine>,
    candidates: Vec<UserLine>,
    error: Option<String>,
}

async fn team_page(
    state: &AppState,
    user: &WebUser,
    code: String,
    status: StatusCode,
    error: Option<String>,
) -> Answer {
    let admin = administrator(user)?;
    let team = admin::team(&state.db, &code).await?;
    let users = admin.list_users(&state.db).await?;
    let of_role = |role: Role, member: bool| -> Vec<UserLine> {
        users
            .iter()
            .filter(|u| u.user.active && u.user.role == role && u.teams.contains(&team.code) == member)
            .map(line)
            .collect()
    };
    Ok(page(
        status,
        &TeamPage {
            user,
            managers: of_role(Role::Manager, true),
            caseworkers: of_role(Role::Caseworker, true),
            candidates: of_role(Role::Manager, false),
            team,
            error,
        },
    ))
}

/// `GET /admin/teams/{code}`.
pub async fn team(state: State, user: SignedIn, path: web::Path<String>) -> Answer {
    team_page(&state, &user.0, path.into_inner(), StatusCode::OK, None).await
}

async fn back_to_team(
    state: &AppState,
    user: &WebUser,
    code: String,
    outcome: Result<(), ServiceError>,
) -> Answer {
    match outcome {
        Ok(()) => Ok(see_other(&format!("/admin/teams/{code}"))),
        Err(error) => {
            let message = refusal(error)?;
            team_page(state, user, code, StatusCode::UNPROCESSABLE_ENTITY, Some(message)).await
        }
    }
}

/// `POST /admin/teams/{code}`: a new name.
pub async fn rename_team(state: State, path: web::Path<String>, form: CheckedForm<TeamForm>) -> Answer {
    let admin = administrator(&form.user)?;
    let code = path.into_inner();
    let renamed = NewTeamInput {
        code: code.clone(),
        name: form.form.name.clone(),
    };
    let outcome = admin
        .rename_team(&state.db, renamed, clock::now())
        .await
        .map(|_| ());
    back_to_team(&state, &form.user, code, outcome).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ManagerForm {
    #[serde(default)]
    user_id: String,
}

/// A manager joins or leaves the team (their other teams stay).
async fn move_manager(state: &AppState, form: CheckedForm<ManagerForm>, code: String, join: bool) -> Answer {
    let admin = administrator(&form.user)?;
    let Some(user_id) = filled(&form.form.user_id) else {
        let outcome = Err(ServiceError::Invalid(vec![crate::domain::FieldIssue::new(
            "user_id",
            "choose a manager",
            "kies een teammanager",
        )]));
        return back_to_team(state, &form.user, code, outcome).await;
    };
    let team = admin::team(&state.db, &code).await?;
    let user_id = admin::user_id(&user_id)?;
    let (view, _) = admin.user(&state.db, UserRef::Id(user_id)).await?;
    let mut teams: Vec<String> = view
        .teams
        .iter()
        .filter(|t| **t != team.code)
        .map(|t| t.to_string())
        .collect();
    if join {
        teams.push(team.code.to_string());
    }
    let outcome = match UserChange::parse(view.user.role.code(), &teams) {
        Ok(change) => admin
            .change_user(&state.db, UserRef::Id(user_id), change, clock::now())
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    back_to_team(state, &form.user, code, outcome).await
}

/// `POST /admin/teams/{code}/managers`.
pub async fn add_manager(state: State, path: web::Path<String>, form: CheckedForm<ManagerForm>) -> Answer {
    move_manager(&state, form, path.into_inner(), true).await
}

/// `POST /admin/teams/{code}/managers/remove`.
pub async fn remove_manager(state: State, path: web::Path<String>, form: CheckedForm<ManagerForm>) -> Answer {
    move_manager(&state, form, path.into_inner(), false).await
}

#[derive(Template)]
#[template(path = "pages/settings.html")]
struct SettingsPage<'a> {
    user: &'a WebUser,
    me: UserLine,
    reminders: &'static str,
    preferences: Vec<Choice>,
    tokens: Vec<TokenLine>,
    saved: bool,
    error: Option<String>,
    /// The new-token form as typed, and what must change (field, Dutch message).
    token_form: TokenForm,
    token_errors: Vec<(String, String)>,
}

impl SettingsPage<'_> {
    fn token_error(&self, field: &str) -> Option<&str> {
        self.token_errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

async fn settings_page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    saved: bool,
    error: Option<String>,
) -> Answer {
    settings_page_with(
        state,
        user,
        status,
        saved,
        error,
        TokenForm::default(),
        Vec::new(),
    )
    .await
}

async fn settings_page_with(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    saved: bool,
    error: Option<String>,
    token_form: TokenForm,
    token_errors: Vec<(String, String)>,
) -> Answer {
    let (view, tokens) = admin::my_account(&state.db, &user.caller).await?;
    Ok(page(
        status,
        &SettingsPage {
            user,
            me: line(&view),
            reminders: view.user.reminders.code(),
            preferences: choices::<ReminderPreference>(),
            tokens: token_lines(&tokens, clock::now()),
            saved,
            error,
            token_form,
            token_errors,
        },
    ))
}

/// The new-token form of "Mijn instellingen": how long it works (days), and a name
/// that makes it a service token for a script.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    days: String,
    #[serde(default)]
    service: String,
}

impl TokenForm {
    fn days_or_default(&self) -> &str {
        if self.days.trim().is_empty() {
            "90"
        } else {
            self.days.trim()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    opgeslagen: Option<String>,
}

/// `GET /settings`: "Mijn instellingen".
pub async fn settings(state: State, user: SignedIn, query: web::Query<SettingsQuery>) -> Answer {
    settings_page(&state, &user.0, StatusCode::OK, query.opgeslagen.is_some(), None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct RemindersForm {
    #[serde(default)]
    reminders: String,
}

/// `POST /settings/reminders`.
pub async fn set_reminders(state: State, form: CheckedForm<RemindersForm>) -> Answer {
    let me = form.user.caller.user_id.to_string();
    let input = RemindersInput {
        reminders: form.form.reminders.clone(),
    };
    match admin::set_reminders(
        &state.db,
        &form.user.caller,
        admin::user_id(&me)?,
        input,
        clock::now(),
    )
    .await
    {
        Ok(_) => Ok(see_other("/settings?opgeslagen=1")),
        Err(error) => {
            let message = refusal(error)?;
            settings_page(
                &state,
                &form.user,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                Some(message),
            )
            .await
        }
    }
}

/// `POST /settings/tokens`: a token of one's own, shown once.
pub async fn issue_own_token(state: State, form: CheckedForm<TokenForm>) -> Answer {
    let days = match form.form.days.trim() {
        "" => Ok(None),
        typed => typed.parse::<i64>().map(Some).map_err(|_| {
            ServiceError::invalid(
                "days",
                "not a number of days",
                "vul een aantal dagen in, bijvoorbeeld 90",
            )
        }),
    };
    let issued = match days.and_then(|days| TokenTerm::parse(days, Some(form.form.service.as_str()))) {
        Ok(term) => {
            let me = form.user.caller.user_id.to_string();
            admin::issue_own_token(
                &state.db,
                &form.user.caller,
                admin::user_id(&me)?,
                term,
                clock::now(),
            )
            .await
        }
        Err(error) => Err(error),
    };
    match issued {
        Ok(token) => {
            let name = form.user.name.clone();
            Ok(token_page(
                &form.user,
                "Nieuwe sleutel",
                name,
                token,
                "/settings".into(),
            ))
        }
        Err(ServiceError::Invalid(issues)) => {
            let errors = issues.into_iter().map(|i| (i.field, i.message.nl)).collect();
            let CheckedForm { user, form, .. } = form;
            settings_page_with(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                None,
                form,
                errors,
            )
            .await
        }
        Err(error) => {
            let message = refusal(error)?;
            let CheckedForm { user, form, .. } = form;
            settings_page_with(
                &state,
                &user,
                StatusCode::CONFLICT,
                false,
                Some(message),
                form,
                Vec::new(),
            )
            .await
        }
    }
}

/// `POST /settings/tokens/{id}/revoke`.
pub async fn revoke_own_token(state: State, path: web::Path<String>, form: CheckedForm) -> Answer {
    admin::revoke_own_token(
        &state.db,
        &form.user.caller,
        admin::token_id(&path)?,
        clock::now(),
    )
    .await?;
    Ok(see_other("/settings"))
}
