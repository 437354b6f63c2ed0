//! Administration for the privacy officer: users and their tokens; and `/me`.

use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use super::auth::Auth;
use super::json::Json;
use super::problem::ApiError;
use super::{Answer, State};
use crate::clock;
use crate::domain::access::Role;
use crate::domain::reminders::ReminderPreference;
use crate::domain::team::TeamCode;
use crate::service::admin::{
    self, Admin, IssuedToken, NewTokenInput, NewUserInput, RemindersInput, Token as TokenRow, UserRef,
    UserView,
};

fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

/// A token of a user (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenAnswer {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working (`null`: a token from before tokens expired, revoked).
    pub expires_at: Option<DateTime<Utc>>,
    /// A service token for a script: its name (`null`: a personal token).
    pub service: Option<String>,
}

impl From<&TokenRow> for TokenAnswer {
    fn from(token: &TokenRow) -> Self {
        TokenAnswer {
            id: token.id.to_string(),
            created_at: utc(token.created_at),
            last_used_at: token.last_used_at.map(utc),
            revoked_at: token.revoked_at.map(utc),
            expires_at: token.expires_at.map(utc),
            service: token.service_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserAnswer {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub teams: Vec<TeamCode>,
    pub active: bool,
    pub reminders: ReminderPreference,
    pub created_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
    /// `GET /api/v1/users/{id}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Vec<TokenAnswer>>,
    /// Open requests still assigned to the user (`GET /api/v1/users/{id}` and the answer
    /// to a deactivation): once the user is deactivated they count as unassigned until
    /// a manager reassigns them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_requests_held: Option<i64>,
}

impl From<&UserView> for UserAnswer {
    fn from(view: &UserView) -> Self {
        UserAnswer {
            id: view.user.id.to_string(),
            name: view.user.name.clone(),
            email: view.user.email.clone(),
            role: view.user.role,
            teams: view.teams.clone(),
            active: view.user.active,
            reminders: view.user.reminders,
            created_at: utc(view.user.created_at),
            deactivated_at: view.user.deactivated_at.map(utc),
            tokens: None,
            open_requests_held: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub items: Vec<UserAnswer>,
}

/// A new token: the secret is shown only in this answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedTokenAnswer {
    pub id: String,
    pub user_id: String,
    pub token: String,
    pub created_at: DateTime<Utc>,
    /// It stops working at this moment.
    pub expires_at: DateTime<Utc>,
    /// A service token for a script: its name (`null`: a personal token).
    pub service: Option<String>,
    pub note: String,
}

impl From<&IssuedToken> for IssuedTokenAnswer {
    fn from(token: &IssuedToken) -> Self {
        IssuedTokenAnswer {
            id: token.id.to_string(),
            user_id: token.user_id.to_string(),
            token: token.token.clone(),
            created_at: token.created_at,
            expires_at: token.expires_at,
            service: token.service_name.clone(),
            note: "the token is shown only now; it is stored as a hash and cannot be shown again".into(),
        }
    }
}

/// A user just added. No token: the user signs in with the organisation's account, or
/// the operator gives a first one on the command line (`avg-loket token create`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    pub user: UserAnswer,
    pub note: String,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "administration",
    responses((status = 200, description = "All users", body = UserList)))]
pub async fn list(state: State, auth: Auth) -> Answer {
    let users = Admin::of(&auth.0)?.list_users(&state.db).await?;
    Ok(HttpResponse::Ok().json(UserList {
        items: users.iter().map(UserAnswer::from).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "administration",
    request_body = NewUserInput,
    responses(
        (status = 201, description = "The user (no token: they sign in with the organisation's account, or the operator gives them a first one with `avg-loket token create`)", body = CreatedUser),
        (status = 409, description = "A user with this e-mail address exists", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// Creates a user and answers with the user.
pub async fn create(state: State, auth: Auth, body: Json<NewUserInput>) -> Answer {
    let admin = Admin::of(&auth.0)?;
    let new = body.0.parse()?;
    let view = admin.create_user(&state.db, new, clock::now()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", view.user.id)))
        .json(CreatedUser {
            user: UserAnswer::from(&view),
            note: "no token is made for the user: they sign in with the organisation's account, or the operator gives them a first one with `avg-loket token create --email ADDRESS`".into(),
        }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID)")),
    responses(
        (status = 200, description = "The user and their tokens (never the secrets)", body = UserAnswer),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let admin = Admin::of(&auth.0)?;
    let (view, tokens) = admin.user(&state.db, UserRef::Id(admin::user_id(&id)?)).await?;
    let mut answer = UserAnswer::from(&view);
    answer.tokens = Some(tokens.iter().map(TokenAnswer::from).collect());
    answer.open_requests_held = Some(admin.requests_held(&state.db, view.user.id).await?);
    Ok(HttpResponse::Ok().json(answer))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID)")),
    responses(
        (status = 200, description = "Deactivated: their tokens and sessions stop working; `open_requests_held` says how many open requests they still hold, which count as unassigned from now on (their team's managers are reminded)", body = UserAnswer),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Deactivating would leave no active privacy officer, or the user is inactive already", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deactivate(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let (view, held) = Admin::of(&auth.0)?
        .deactivate_user(
            &state.db,
            &state.rules,
            UserRef::Id(admin::user_id(&id)?),
            clock::now(),
        )
        .await?;
    let mut answer = UserAnswer::from(&view);
    answer.open_requests_held = Some(held);
    Ok(HttpResponse::Ok().json(answer))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "administration",
    params(("id" = String, Path, description = "The caller's own id (UUID): a token is made by its own user")),
    request_body(content = Option<NewTokenInput>, description = "Optional: how many days it works, and a name that makes it a service token for a script"),
    responses(
        (status = 201, description = "A new token, shown only now, with its `expires_at`", body = IssuedTokenAnswer),
        (status = 403, description = "Another user's id: nobody makes tokens on someone's behalf", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Ten tokens of the user work already", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `days` or `service`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// A new token for the caller (every role), shown once.
pub async fn issue_token(
    state: State,
    auth: Auth,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Answer {
    // Refused before the body is read: the answer is the same whatever it holds.
    let id = admin::own_user_id(&auth.0, &id)?;
    let input: NewTokenInput = if body.iter().all(u8::is_ascii_whitespace) {
        NewTokenInput::default()
    } else if !super::json::is_json(req.content_type()) {
        return Err(ApiError::UnsupportedMediaType(req.content_type().to_string()));
    } else {
        super::json::parse(&body)?
    };
    let term = input.parse()?;
    let token = admin::issue_own_token(&state.db, &auth.0, id, term, clock::now()).await?;
    Ok(HttpResponse::Created().json(IssuedTokenAnswer::from(&token)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "administration",
    params(("id" = String, Path, description = "The token's id (UUID)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_token(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    Admin::of(&auth.0)?
        .revoke_token(&state.db, admin::token_id(&id)?, clock::now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(put, path = "/api/v1/users/{id}/reminders", tag = "administration",
    params(("id" = String, Path, description = "The user's id (UUID); users may set their own")),
    request_body = RemindersInput,
    responses(
        (status = 200, description = "The user with the new setting", body = UserAnswer),
        (status = 404, description = "No such user", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// How a user receives reminders: the privacy officer for anyone, a user for themself.
pub async fn set_reminders(
    state: State,
    auth: Auth,
    id: web::Path<String>,
    body: Json<RemindersInput>,
) -> Answer {
    // Someone else's account is the privacy officer's to change, whatever the path holds.
    let id = admin::user_id(&id).or_else(|missing| Admin::of(&auth.0).and(Err(missing)))?;
    let view = admin::set_reminders(&state.db, &auth.0, id, body.0, clock::now()).await?;
    Ok(HttpResponse::Ok().json(UserAnswer::from(&view)))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "administration",
    responses((status = 200, description = "The caller", body = UserAnswer)))]
/// `GET /api/v1/me`: who the token belongs to (every role).
pub async fn me(state: State, auth: Auth) -> Answer {
    let view = admin::me(&state.db, &auth.0).await?;
    Ok(HttpResponse::Ok().json(UserAnswer::from(&view)))
}
