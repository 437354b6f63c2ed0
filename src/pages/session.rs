//! Signing in to the pages with a personal token, the session cookie, and the two
//! extractors every page handler starts from: the signed-in user ([`SignedIn`]) and a
//! form checked against the session's CSRF token ([`CheckedForm`]).

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{page, see_other, Message, PageError};
use super::{Answer, State};
use crate::clock;
use crate::oidc::{Callback, Refusal};
use crate::service::auth::{random_hex, AuthError};
use crate::service::sessions::{self, same_token, SessionPolicy, SignOut, WebUser};
use crate::service::sign_in::{self, SignInError};
use crate::web::sign_in_limit::client_address;
use crate::web::state::AppState;

const SESSION_COOKIE: &str = "avg_loket_session";
/// The secret that finds a form kept while its sender signs in again.
const KEPT_COOKIE: &str = "avg_loket_kept";
/// Where to go after signing in through the organisation's account (the page asked
/// for while signed out); `Lax`, like the attempt, to survive the provider's redirect.
const NEXT_COOKIE: &str = "avg_loket_next";
/// Double-submit cookie of the sign-in form (there is no session yet to hold its token).
const LOGIN_COOKIE: &str = "avg_loket_login";
/// The largest form a page sends (a long description fits easily).
const MAX_FORM_BYTES: usize = 256 * 1024;

type Pending<T> = Pin<Box<dyn Future<Output = Result<T, PageError>>>>;

/// `Secure` when the page was asked for over TLS: the scheme a proxy forwards
/// (`X-Forwarded-Proto`, `Forwarded`) counts only when the request comes from the
/// proxy named in `AVG_LOKET_TRUSTED_PROXY`; anyone else could send that header.
fn over_tls(req: &HttpRequest) -> bool {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| state.settings.server.trusted_proxy)
        .is_some_and(|proxy| req.peer_addr().is_some_and(|peer| peer.ip() == proxy.address));
    if trusted {
        req.connection_info().scheme() == "https"
    } else {
        req.app_config().secure()
    }
}

fn policy(req: &HttpRequest) -> SessionPolicy {
    req.app_data::<web::Data<AppState>>()
        .map(|state| SessionPolicy::from_settings(&state.settings))
        .unwrap_or(SessionPolicy {
            idle: chrono::Duration::minutes(30),
            max: chrono::Duration::hours(10),
        })
}

/// The service is reached over https (`AVG_LOKET_BASE_URL`).
fn https_base(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.settings.server.base_url.starts_with("https://"))
}

/// Cookies are `Secure` whenever the service is reached over https, and when a page
/// was asked for over TLS.
fn secure(req: &HttpRequest) -> bool {
    https_base(req) || over_tls(req)
}

/// A cookie's name: with `__Host-` in front when the service is reached over https, so
/// that the browser takes it only from this host, over TLS, for path `/` — never one
/// set by a neighbouring subdomain or over plain http.
fn cookie_name(req: &HttpRequest, name: &str) -> String {
    if https_base(req) {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// The value of the cookie `name` (under its `__Host-` name over https).
fn cookie_value(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(&cookie_name(req, name)).map(|c| c.value().to_string())
}

fn cookie(req: &HttpRequest, name: &str, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build(cookie_name(req, name), value)
        .path("/")
        .http_only(true)
        .secure(secure(req))
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish()
}

fn removal(req: &HttpRequest, name: &str) -> Cookie<'static> {
    let mut spent = cookie(req, name, String::new(), time::Duration::ZERO);
    spent.make_removal();
    spent
}

/// The user of the request's session, if any.
async fn session_user(state: &AppState, secret: Option<String>) -> Result<Option<WebUser>, PageError> {
    let Some(secret) = secret else {
        return Ok(None);
    };
    sessions::user_of(
        &state.db,
        &secret,
        SessionPolicy::from_settings(&state.settings),
        clock::now(),
    )
    .await
    .map_err(|error| PageError::from(crate::service::ServiceError::from(error)))
}

/// A path of this service to go to after signing in: local only (no scheme, no host,
/// no `//` or `\\` that a browser would read as another site), and not the sign-in
/// pages themselves.
pub fn local_path(candidate: &str) -> Option<String> {
    let local = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(|c| c.is_control() || c.is_whitespace())
        && !candidate.starts_with("/login")
        && !candidate.starts_with("/logout")
        && candidate.len() <= 2000;
    local.then(|| candidate.to_string())
}

/// A value for a query string (`/login?naar=…`): all but the unreserved characters
/// of RFC 3986 escaped.
pub fn encoded(value: &str) -> String {
    const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The page whose form was sent to `path`, to show it again: the request page for an
/// action or a new letter, the letter page for its forms, the administration page
/// of the colleague or team, "Mijn instellingen"; the start page for anything else.
fn form_page(path: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["requests", "new"] => "/requests/new".into(),
        ["requests", id, ..] => format!("/requests/{id}"),
        ["letters", id, ..] => format!("/letters/{id}"),
        ["admin", "users", id, ..] => format!("/admin/users/{id}"),
        ["admin", "teams", code, ..] => format!("/admin/teams/{code}"),
        ["admin", what] => format!("/admin/{what}"),
        ["settings", ..] => "/settings".into(),
        _ => "/".into(),
    }
}

/// The signed-in user of a page. Without a live session, a page to read sends the
/// browser to sign in (and back to the page afterwards); a form is kept
/// ([`CheckedForm`]).
pub struct SignedIn(pub WebUser);

impl FromRequest for SignedIn {
    type Error = PageError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let secret = cookie_value(req, SESSION_COOKIE);
        let reading = matches!(*req.method(), Method::GET | Method::HEAD);
        let next = local_path(&req.uri().to_string()).filter(|_| reading && req.path() != "/");
        Box::pin(async move {
            let state = state.ok_or(PageError::Unavailable)?;
            session_user(&state, secret)
                .await?
                .map(SignedIn)
                .ok_or(PageError::NotSignedIn { reading, next })
        })
    }
}

/// What was typed in a form of this page before the session ended (or sent with a
/// stale CSRF value), for the signed-in user: the form's fields, to fill it in again.
/// Taken once; the field `_sent_to` says where the form was sent.
pub async fn kept_form(state: &AppState, req: &HttpRequest, user: &WebUser) -> Option<Vec<(String, String)>> {
    let secret = cookie_value(req, KEPT_COOKIE)?;
    sessions::take_kept_form(&state.db, &secret, &user.caller, req.path(), clock::now())
        .await
        .inspect_err(|error| tracing::error!(%error, "a kept form could not be read"))
        .ok()
        .flatten()
}

/// The one-use key of the form being carried out, for [`remember_where_forms_led`].
#[derive(Clone)]
struct FormKey(String);

/// Marks a form's key as used; where its first use led when it was used before (a
/// first use still under way is waited for a few seconds, then the form's page).
async fn first_use(state: &AppState, user: &WebUser, key: &str, path: &str) -> Option<String> {
    use crate::service::written_once;
    let user_id = crate::domain::ids::UserId::from(user.caller.user_id);
    match written_once::use_form_key(&state.db, user_id, key, clock::now()).await {
        Ok(None) => None,
        Ok(Some(Some(location))) => Some(location),
        Ok(Some(None)) => {
            for _ in 0..25 {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                if let Ok(Some(location)) = written_once::form_outcome(&state.db, key).await {
                    return Some(location);
                }
            }
            Some(form_page(path))
        }
        Err(error) => {
            tracing::error!(%error, "a form key could not be checked");
            None
        }
    }
}

/// Middleware around the pages: where a form led (the `Location` it was answered
/// with, or its own page when it was answered with a page), kept with its key, so that
/// the same form sent again goes there too.
pub async fn remember_where_forms_led(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let path = req.path().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(req).await?;
    let key = response.request().extensions().get::<FormKey>().cloned();
    if let (Some(FormKey(key)), Some(state)) = (key, state) {
        let location = response
            .headers()
            .get(actix_web::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .filter(|_| response.status().is_redirection())
            .unwrap_or_else(|| form_page(&path));
        if let Err(error) = crate::service::written_once::form_led_to(&state.db, &key, &location).await {
            tracing::error!(%error, "where a form led was not kept");
        }
    }
    Ok(response)
}

/// The field of a kept form that names where it was sent.
pub const SENT_TO: &str = "_sent_to";

/// Keeps a form that cannot be taken now, and says where the browser goes next: to
/// sign in and then to the form's page (`signed_in: false`), or to that page at once.
async fn keep(
    state: &AppState,
    req: &HttpRequest,
    session_secret: Option<String>,
    pairs: Vec<(String, String)>,
    signed_in: bool,
) -> PageError {
    let page = form_page(req.path());
    let mut fields: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(name, _)| name != "csrf" && name != "form_key")
        .collect();
    fields.push((SENT_TO.to_string(), req.path().to_string()));
    match sessions::keep_form(&state.db, session_secret, &page, fields, clock::now()).await {
        Ok(None) => PageError::NotSignedIn {
            reading: false,
            next: None,
        },
        Ok(Some(secret)) => PageError::FormKept {
            location: if signed_in {
                page
            } else {
                format!("/login?naar={}", encoded(&page))
            },
            cookie: Box::new(
                cookie(
                    req,
                    KEPT_COOKIE,
                    secret,
                    time::Duration::seconds(sessions::KEEP_FORM.num_seconds()),
                )
                .into_owned(),
            ),
        },
        Err(error) => {
            tracing::error!(%error, "a form could not be kept");
            PageError::NotSignedIn {
                reading: false,
                next: None,
            }
        }
    }
}

/// A form sent by the signed-in user with their session's CSRF token: its fields as
/// `T`, and as the pairs they came in (repeated fields stay apart).
pub struct CheckedForm<T = Vec<(String, String)>> {
    pub user: WebUser,
    pub form: T,
    pub pairs: Vec<(String, String)>,
}

impl<T: DeserializeOwned + 'static> FromRequest for CheckedForm<T> {
    type Error = PageError;
    type Future = Pending<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or(PageError::Unavailable)?;
            let bytes = body.await.map_err(|_| PageError::BadForm)?;
            if bytes.len() > MAX_FORM_BYTES {
                return Err(PageError::BadForm);
            }
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).map_err(|_| PageError::BadForm)?;
            let session_secret = cookie_value(&req, SESSION_COOKIE);
            // The session ended while the form was filled in: keep what was typed
            // through the sign-in. (Signing out is not a checked form: it keeps nothing.)
            let user = match signed_in.await {
                Ok(SignedIn(user)) => user,
                Err(PageError::NotSignedIn { .. }) if session_secret.is_some() => {
                    return Err(keep(&state, &req, session_secret, pairs, false).await);
                }
                Err(other) => return Err(other),
            };
            let csrf = pairs
                .iter()
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| value.as_str())
                .unwrap_or_default();
            if !same_token(&user.csrf_token, csrf) {
                // A form of an earlier session (the same person signed in again in
                // another tab): shown again, filled in, to be sent once more. A post
                // from another site carries no session cookie (`SameSite=Strict`).
                return Err(keep(&state, &req, session_secret, pairs, true).await);
            }
            // Sent before (a double-click, a resubmitted page): not carried out again;
            // the browser goes where the first went.
            if let Some((_, key)) = pairs.iter().find(|(name, v)| name == "form_key" && !v.is_empty()) {
                if let Some(location) = first_use(&state, &user, key, req.path()).await {
                    return Err(PageError::AlreadySent { location });
                }
                req.extensions_mut().insert(FormKey(key.clone()));
            }
            let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| PageError::BadForm)?;
            Ok(CheckedForm { user, form, pairs })
        })
    }
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct Login<'a> {
    csrf: &'a str,
    /// The token form (`AVG_LOKET_PAGE_TOKEN_SIGNIN`).
    token_form: bool,
    /// The organisation's account (`AVG_LOKET_OIDC_ISSUER`), and why it cannot be used now.
    oidc: bool,
    oidc_problem: Option<String>,
    /// "30 minuten", "10 uur": how long a session may rest, and last.
    idle: String,
    max: String,
    error: Option<&'a str>,
    /// The page to go to after signing in (a local path).
    next: Option<String>,
    /// A form sent after the session ended waits for this sign-in.
    kept: bool,
}

/// A duration in Dutch words: "30 minuten", "1 uur", "10 uur".
fn in_words(duration: chrono::Duration) -> String {
    let minutes = duration.num_minutes();
    match (minutes % 60, minutes / 60) {
        (0, 1) => "1 uur".into(),
        (0, hours) => format!("{hours} uur"),
        (1, 0) => "1 minuut".into(),
        (_, _) => format!("{minutes} minuten"),
    }
}

/// Where the sign-in page was asked to go next (`?naar=`), if it is a local path.
fn next_of(req: &HttpRequest) -> Option<String> {
    web::Query::<NextQuery>::from_query(req.query_string())
        .ok()
        .and_then(|query| local_path(&query.naar))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    naar: String,
}

/// The sign-in form, with a fresh double-submit token in a cookie and in the form.
fn login_page(
    req: &HttpRequest,
    status: StatusCode,
    error: Option<&str>,
    next: Option<String>,
    kept: bool,
) -> HttpResponse {
    let csrf = random_hex();
    let state = req.app_data::<web::Data<AppState>>();
    let provider = state.and_then(|state| state.oidc.clone());
    let mut response = page(
        status,
        &Login {
            csrf: &csrf,
            token_form: state.is_none_or(|state| state.settings.sign_in.page_token),
            oidc: provider.is_some(),
            oidc_problem: provider.and_then(|provider| provider.status()),
            idle: in_words(policy(req).idle),
            max: in_words(policy(req).max),
            error,
            next,
            kept,
        },
    );
    let _ = response.add_cookie(&cookie(req, LOGIN_COOKIE, csrf, time::Duration::hours(1)));
    response
}

/// Too many wrong tokens from this address: wait (429, `Retry-After`).
fn too_many(wait: u64) -> HttpResponse {
    let message = format!(
        "Vanaf dit adres is te vaak een verkeerde sleutel ingevuld. Probeer het over {wait} seconden opnieuw."
    );
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        &Message {
            heading: "Te veel mislukte pogingen",
            message: &message,
            link: "/login",
            link_text: "Terug naar inloggen",
        },
    );
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        actix_web::http::header::HeaderValue::from(wait),
    );
    response
}

/// The page instead of the token form when `AVG_LOKET_PAGE_TOKEN_SIGNIN=false`.
fn token_signin_off(status: StatusCode) -> HttpResponse {
    page(
        status,
        &Message {
            heading: "Inloggen met een sleutel staat uit",
            message: "Deze organisatie heeft inloggen met een persoonlijke sleutel op de pagina's uitgezet. Vraag de functionaris gegevensbescherming hoe u inlogt. Sleutels blijven werken voor de API en de opdrachtregel.",
            link: "/login",
            link_text: "Terug naar inloggen",
        },
    )
}

pub async fn login_form(state: State, req: HttpRequest) -> Answer {
    if !state.settings.sign_in.page_token && state.oidc.is_none() {
        return Ok(token_signin_off(StatusCode::OK));
    }
    let secret = cookie_value(&req, SESSION_COOKIE);
    let next = next_of(&req);
    if session_user(&state, secret).await?.is_some() {
        return Ok(see_other(next.as_deref().unwrap_or("/")));
    }
    let kept = is_kept(&state, &req).await;
    Ok(login_page(&req, StatusCode::OK, None, next, kept))
}

/// Does a form wait for this sign-in?
async fn is_kept(state: &AppState, req: &HttpRequest) -> bool {
    match cookie_value(req, KEPT_COOKIE) {
        Some(kept) => sessions::form_is_kept(&state.db, &kept, clock::now())
            .await
            .unwrap_or(false),
        None => false,
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
    /// Where to go after signing in (a local path).
    #[serde(default)]
    naar: String,
}

pub async fn login(state: State, req: HttpRequest, form: web::Form<LoginForm>) -> Answer {
    if !state.settings.sign_in.page_token {
        return Ok(token_signin_off(StatusCode::FORBIDDEN));
    }
    let expected = cookie_value(&req, LOGIN_COOKIE);
    if !expected.is_some_and(|expected| same_token(&expected, &form.csrf)) {
        return Err(PageError::BadForm);
    }
    let next = local_path(&form.naar);
    let kept = is_kept(&state, &req).await;
    if form.token.trim().is_empty() {
        return Ok(login_page(
            &req,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("vul uw persoonlijke sleutel in"),
            next,
            kept,
        ));
    }
    let client = client_address(
        req.peer_addr(),
        req.headers(),
        state.settings.server.trusted_proxy,
    );
    if let Some(wait) = client.and_then(|address| state.sign_in_limit.refused(address)) {
        return Ok(too_many(wait));
    }
    let policy = SessionPolicy::from_settings(&state.settings);
    let replaces = cookie_value(&req, SESSION_COOKIE);
    match sessions::sign_in(&state.db, &form.token, replaces, policy, clock::now()).await {
        Ok(signed) => {
            let mut response = see_other(next.as_deref().unwrap_or("/"));
            let _ = response.add_cookie(&cookie(
                &req,
                SESSION_COOKIE,
                signed.secret,
                time::Duration::seconds(policy.max.num_seconds()),
            ));
            let _ = response.add_cookie(&removal(&req, LOGIN_COOKIE));
            Ok(response)
        }
        Err(AuthError::Storage(error)) => {
            tracing::error!(%error, "sign-in failed");
            Ok(page(
                StatusCode::SERVICE_UNAVAILABLE,
                &Message {
                    heading: "Inloggen lukt nu niet",
                    message: "De database is niet bereikbaar. Probeer het over enkele minuten opnieuw.",
                    link: "/login",
                    link_text: "Opnieuw",
                },
            ))
        }
        Err(_) => match client.and_then(|address| state.sign_in_limit.failed(address)) {
            Some(wait) => Ok(too_many(wait)),
            None => Ok(login_page(
                &req,
                StatusCode::UNAUTHORIZED,
                Some("deze sleutel is onbekend, ingetrokken of hoort bij een gedeactiveerde gebruiker"),
                next,
                kept,
            )),
        },
    }
}

/// `POST /logout`: ends this browser's session — also after it went idle: signing
/// out always works. A session begun with the organisation's account signs out there
/// too (RP-initiated logout, naming the session with `id_token_hint`); the provider
/// sends the browser back to /login. A page of our own leads there rather than a
/// redirect, which the form's `form-action 'self'` would let the browser refuse.
pub async fn logout(state: State, req: HttpRequest, form: web::Form<LogoutForm>) -> Answer {
    let now = clock::now();
    let ended = match cookie_value(&req, SESSION_COOKIE) {
        Some(secret) => match sessions::sign_out(&state.db, &secret, &form.csrf, now).await {
            Ok(SignOut::Ended(ended)) => Some(ended),
            Ok(SignOut::NoSession) => None,
            // Not this session's form (another site's, or a stale page): it stays.
            Ok(SignOut::WrongForm) => return Err(PageError::BadForm),
            Err(error) => {
                tracing::error!(%error, "sign-out failed");
                return Err(PageError::Unavailable);
            }
        },
        None => None,
    };
    let at_provider = match (&state.oidc, &ended) {
        (Some(provider), Some(ended)) if ended.with_provider => {
            provider.end_session_url(now, ended.id_token.as_deref()).await
        }
        _ => None,
    };
    let mut response = match at_provider {
        Some(next) => page(StatusCode::OK, &SignedOutPage { next }),
        None => see_other("/login"),
    };
    let _ = response.add_cookie(&removal(&req, SESSION_COOKIE));
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// Signed out here; on to sign out at the organisation's provider.
#[derive(Template)]
#[template(path = "pages/signed_out.html")]
struct SignedOutPage {
    /// The provider's sign-out address.
    next: String,
}

/// The cookie that ties a sign-in through the provider to this browser. `Lax`, not
/// `Strict`: the browser comes back from the provider's site with a top-level GET.
const ATTEMPT_COOKIE: &str = "avg_loket_oidc";
const ATTEMPT_PATH: &str = "/login/oidc";

/// A cookie of the round trip through the provider: `Lax`, for path `/login/oidc` (or
/// `/`, which a `__Host-` name requires, over https).
fn round_trip_cookie(
    req: &HttpRequest,
    name: &str,
    value: String,
    max_age: time::Duration,
) -> Cookie<'static> {
    Cookie::build(cookie_name(req, name), value)
        .path(if https_base(req) { "/" } else { ATTEMPT_PATH })
        .http_only(true)
        .secure(secure(req))
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish()
}

fn next_cookie(req: &HttpRequest, value: String, max_age: time::Duration) -> Cookie<'static> {
    round_trip_cookie(req, NEXT_COOKIE, value, max_age)
}

fn attempt_cookie(req: &HttpRequest, value: String, max_age: time::Duration) -> Cookie<'static> {
    round_trip_cookie(req, ATTEMPT_COOKIE, value, max_age)
}

/// A refused sign-in through the provider: a Dutch page that says why.
fn refused_page(refusal: Refusal) -> HttpResponse {
    let status = match refusal {
        Refusal::ProviderUnreachable => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::UnknownUser
        | Refusal::Deactivated
        | Refusal::NoRole
        | Refusal::NoTeam
        | Refusal::BoundElsewhere
        | Refusal::UnverifiedEmail
        | Refusal::NoSecondFactor
        | Refusal::DomainNotAllowed => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    page(
        status,
        &Message {
            heading: "Inloggen niet gelukt",
            message: refusal.explanation(),
            link: "/login",
            link_text: "Terug naar inloggen",
        },
    )
}

fn provider_of(state: &AppState) -> Result<std::sync::Arc<crate::oidc::Provider>, PageError> {
    state.oidc.clone().ok_or(PageError::NotFound)
}

/// Too many sign-ins begun from this address (or through this proxy) lately: the page
/// that says when to try again.
fn too_many_starts(state: &AppState, req: &HttpRequest) -> Option<HttpResponse> {
    let client = client_address(
        req.peer_addr(),
        req.headers(),
        state.settings.server.trusted_proxy,
    );
    client
        .and_then(|address| state.sign_in_limit.started(address))
        .map(too_many)
}

/// `GET /login/oidc`: to the organisation's sign-in page, with a fresh attempt.
pub async fn oidc_begin(state: State, req: HttpRequest) -> Answer {
    let provider = provider_of(&state)?;
    if let Some(refused) = too_many_starts(&state, &req) {
        return Ok(refused);
    }
    // Signing in again in this browser ends the session it had. (The way back from the
    // provider's site does not carry the `Strict` session cookie; this page's does.)
    if let Some(old) = cookie_value(&req, SESSION_COOKIE) {
        if let Err(error) = sessions::end(&state.db, &old).await {
            tracing::error!(%error, "the earlier session could not be ended");
        }
    }
    match sign_in::begin(&state.db, &provider, clock::now()).await {
        Ok(begun) => {
            let mut response = see_other(&begun.provider_url);
            let lifetime = time::Duration::seconds(sign_in::ATTEMPT_LIFETIME.num_seconds());
            let _ = response.add_cookie(&attempt_cookie(&req, begun.browser_secret, lifetime));
            if let Some(next) = next_of(&req) {
                let _ = response.add_cookie(&next_cookie(&req, next, lifetime));
            }
            Ok(response)
        }
        Err(SignInError::Refused(refusal)) => Ok(refused_page(refusal)),
        Err(SignInError::Storage(error)) => Err(PageError::from(crate::service::ServiceError::from(error))),
    }
}

/// `GET /login/oidc/callback`: the redirect URI. A session for an admitted user,
/// otherwise a Dutch page that says why (and an audit event).
pub async fn oidc_callback(state: State, req: HttpRequest, query: web::Query<Callback>) -> Answer {
    let provider = provider_of(&state)?;
    if let Some(refused) = too_many_starts(&state, &req) {
        return Ok(refused);
    }
    let secret = cookie_value(&req, ATTEMPT_COOKIE);
    let policy = SessionPolicy::from_settings(&state.settings);
    let outcome = sign_in::finish(
        &state.db,
        &provider,
        secret,
        query.into_inner(),
        cookie_value(&req, SESSION_COOKIE),
        policy,
        clock::now(),
    )
    .await;
    let mut response = match outcome {
        Ok(signed) => {
            // A page of our own, not a redirect: the session cookie is `Strict`, and a
            // navigation that began at the provider's site would not carry it.
            let next = cookie_value(&req, NEXT_COOKIE)
                .and_then(|next| local_path(&next))
                .unwrap_or_else(|| "/".to_string());
            let mut response = page(StatusCode::OK, &SignedInPage { next });
            let _ = response.add_cookie(&cookie(
                &req,
                SESSION_COOKIE,
                signed.secret,
                time::Duration::seconds(policy.max.num_seconds()),
            ));
            response
        }
        Err(SignInError::Refused(refusal)) => {
            let limited = match refusal {
                Refusal::ProviderUnreachable => None,
                _ => client_address(
                    req.peer_addr(),
                    req.headers(),
                    state.settings.server.trusted_proxy,
                )
                .and_then(|address| state.sign_in_limit.failed(address)),
            };
            match limited {
                Some(wait) => too_many(wait),
                None => refused_page(refusal),
            }
        }
        Err(SignInError::Storage(error)) => {
            return Err(PageError::from(crate::service::ServiceError::from(error)));
        }
    };
    let mut spent = attempt_cookie(&req, String::new(), time::Duration::ZERO);
    spent.make_removal();
    let _ = response.add_cookie(&spent);
    let mut spent = next_cookie(&req, String::new(), time::Duration::ZERO);
    spent.make_removal();
    let _ = response.add_cookie(&spent);
    Ok(response)
}

#[derive(Template)]
#[template(path = "pages/signed_in.html")]
struct SignedInPage {
    /// The page asked for before signing in, or the start page.
    next: String,
}
