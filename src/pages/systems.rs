//! "Systemen" under Beheer: the privacy officer's register of the systems that hold
//! clients' data (`/admin/systems`), each with its owner, deputy, kinds and webhook.
//! A webhook's key is shown once, on a page of its own.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::labels::{choices, Choice};
use super::{page, see_other, Answer, CheckedForm, PageError, SignedIn, State};
use crate::clock;
use crate::domain::access::Role;
use crate::domain::kind::KindCode;
use crate::service::admin::Admin;
use crate::service::sessions::WebUser;
use crate::service::systems::{self as service, NewSystemInput, SystemChangeInput, SystemView};
use crate::service::ServiceError;
use crate::web::state::AppState;

/// The system's fields as the form holds them (typed, not yet checked).
#[derive(Debug, Default, Clone)]
pub struct SystemForm {
    code: String,
    name: String,
    owner: String,
    deputy: String,
    kinds: Vec<String>,
    active: bool,
    processor: bool,
    webhook_url: String,
}

impl SystemForm {
    fn of_pairs(pairs: &[(String, String)]) -> SystemForm {
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        SystemForm {
            code: one("code").to_uppercase(),
            name: one("name"),
            owner: one("owner"),
            deputy: one("deputy"),
            kinds: pairs
                .iter()
                .filter(|(k, _)| k == "kinds")
                .map(|(_, v)| v.clone())
                .collect(),
            active: one("active") == "ja",
            processor: one("processor") == "ja",
            webhook_url: one("webhook_url"),
        }
    }

    fn of_view(view: &SystemView) -> SystemForm {
        SystemForm {
            code: view.code.to_string(),
            name: view.name.clone(),
            owner: view.owner.to_string(),
            deputy: view.deputy.map(|d| d.to_string()).unwrap_or_default(),
            kinds: view.kinds.iter().map(|k| k.code().to_string()).collect(),
            active: view.active,
            processor: view.processor,
            webhook_url: view.webhook_url.clone().unwrap_or_default(),
        }
    }
}

/// One line of the register.
struct SystemLine {
    code: String,
    name: String,
    owner: String,
    deputy: String,
    kinds: String,
    active: bool,
    processor: bool,
    webhook: bool,
}

#[derive(Template)]
#[template(path = "pages/admin_systems.html")]
struct SystemsPage<'a> {
    user: &'a WebUser,
    systems: Vec<SystemLine>,
    form: SystemForm,
    people: Vec<(String, String)>,
    kinds: Vec<Choice>,
    errors: HashMap<String, String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/admin_system.html")]
struct SystemPage<'a> {
    user: &'a WebUser,
    form: SystemForm,
    people: Vec<(String, String)>,
    kinds: Vec<Choice>,
    errors: HashMap<String, String>,
    notice: Option<String>,
    has_webhook: bool,
}

#[derive(Template)]
#[template(path = "pages/admin_system_secret.html")]
struct SecretPage<'a> {
    user: &'a WebUser,
    code: String,
    name: String,
    secret: String,
}

macro_rules! form_helpers {
    ($page:ident) => {
        impl $page<'_> {
            fn error(&self, field: &str) -> Option<&String> {
                self.errors.get(field)
            }

            fn to_fix(&self) -> String {
                super::labels::fields_to_fix(self.errors.len())
            }

            fn has_kind(&self, code: &str) -> bool {
                self.form.kinds.iter().any(|k| k == code)
            }
        }
    };
}
form_helpers!(SystemsPage);
form_helpers!(SystemPage);

fn administrator(user: &WebUser) -> Result<Admin, PageError> {
    Ok(Admin::of(&user.caller)?)
}

/// Who can own or stand in for a system: active users, not the auditor.
async fn people(state: &AppState, admin: &Admin) -> Result<Vec<(String, String)>, PageError> {
    Ok(admin
        .list_users(&state.db)
        .await?
        .into_iter()
        .filter(|u| u.user.active && u.user.role != Role::Auditor)
        .map(|u| (u.user.id.to_string(), u.user.name))
        .collect())
}

/// A refused form's errors beside their fields (`kinds[1]` beside the kinds), or the
/// message of a refusal that is no field's (a code that exists).
fn field_errors(error: ServiceError) -> Result<(HashMap<String, String>, Option<String>), PageError> {
    match error {
        ServiceError::Invalid(issues) => Ok((
            issues
                .into_iter()
                .map(|i| {
                    (
                        i.field.split('[').next().unwrap_or_default().to_string(),
                        i.message.nl,
                    )
                })
                .collect(),
            None,
        )),
        ServiceError::Conflict(message) => Ok((HashMap::new(), Some(message.nl))),
        other => Err(other.into()),
    }
}

async fn list_page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    form: SystemForm,
    errors: HashMap<String, String>,
    notice: Option<String>,
) -> Answer {
    let admin = administrator(user)?;
    let systems = service::list(&state.db)
        .await?
        .items
        .into_iter()
        .map(|s| SystemLine {
            kinds: s
                .kinds
                .iter()
                .map(|k| k.label_nl().to_lowercase())
                .collect::<Vec<_>>()
                .join(", "),
            code: s.code.to_string(),
            name: s.name,
            owner: s.owner_name,
            deputy: s.deputy_name.unwrap_or_else(|| "—".into()),
            active: s.active,
            processor: s.processor,
            webhook: s.webhook_url.is_some(),
        })
        .collect();
    let people = people(state, &admin).await?;
    Ok(page(
        status,
        &SystemsPage {
            user,
            systems,
            form,
            people,
            kinds: choices::<KindCode>(),
            errors,
            notice,
        },
    ))
}

/// `GET /admin/systems`.
pub async fn list(state: State, SignedIn(user): SignedIn) -> Answer {
    let form = SystemForm {
        active: true,
        ..Default::default()
    };
    list_page(&state, &user, StatusCode::OK, form, HashMap::new(), None).await
}

fn optional(value: &str) -> Option<String> {
    Some(value.to_string()).filter(|v| !v.is_empty())
}

/// `POST /admin/systems`: adds a system; its key, if it has a webhook, on a page of
/// its own (shown once).
pub async fn add(state: State, sent: CheckedForm) -> Answer {
    let user = sent.user;
    let admin = administrator(&user)?;
    let form = SystemForm::of_pairs(&sent.pairs);
    let input = NewSystemInput {
        code: form.code.clone(),
        name: form.name.clone(),
        owner: form.owner.clone(),
        deputy: optional(&form.deputy),
        kinds: form.kinds.clone(),
        active: Some(form.active),
        processor: Some(form.processor),
        webhook_url: optional(&form.webhook_url),
    };
    let outcome = admin.create_system(&state.db, input, clock::now()).await;
    answer(&state, &user, outcome, form, true).await
}

/// A saved system (its key once, or its page), or the form again with the reasons
/// beside the fields: the register's form (`new`) or the system's own.
async fn answer(
    state: &AppState,
    user: &WebUser,
    outcome: Result<SystemView, ServiceError>,
    form: SystemForm,
    new: bool,
) -> Answer {
    let error = match outcome {
        Ok(view) => return secret_or_back(user, view),
        Err(error) => error,
    };
    let (errors, notice) = field_errors(error)?;
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    if new {
        list_page(state, user, status, form, errors, notice).await
    } else {
        system_page(state, user, status, form, errors, notice).await
    }
}

/// The key of a webhook just set, shown once; otherwise the system's page.
fn secret_or_back(user: &WebUser, view: SystemView) -> Answer {
    match view.callback_secret {
        Some(secret) => Ok(page(
            StatusCode::OK,
            &SecretPage {
                user,
                code: view.code.to_string(),
                name: view.name,
                secret,
            },
        )),
        None => Ok(see_other(&format!("/admin/systems/{}?opgeslagen=1", view.code))),
    }
}

async fn system_page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    form: SystemForm,
    errors: HashMap<String, String>,
    notice: Option<String>,
) -> Answer {
    let admin = administrator(user)?;
    let current = service::get(&state.db, &form.code).await?;
    let people = people(state, &admin).await?;
    Ok(page(
        status,
        &SystemPage {
            user,
            form,
            people,
            kinds: choices::<KindCode>(),
            errors,
            notice,
            has_webhook: current.webhook_url.is_some(),
        },
    ))
}

/// `GET /admin/systems/{code}`.
pub async fn show(
    state: State,
    req: actix_web::HttpRequest,
    SignedIn(user): SignedIn,
    code: web::Path<String>,
) -> Answer {
    administrator(&user)?;
    let view = service::get(&state.db, &code).await?;
    let saved = req.query_string().contains("opgeslagen=1");
    let notice = saved.then(|| "Het systeem is opgeslagen.".to_string());
    system_page(
        &state,
        &user,
        StatusCode::OK,
        SystemForm::of_view(&view),
        HashMap::new(),
        notice,
    )
    .await
}

/// `POST /admin/systems/{code}`: every field of the form, as it stands.
pub async fn change(state: State, code: web::Path<String>, sent: CheckedForm) -> Answer {
    let user = sent.user;
    let admin = administrator(&user)?;
    let mut form = SystemForm::of_pairs(&sent.pairs);
    form.code = code.into_inner();
    let input = SystemChangeInput {
        name: Some(form.name.clone()),
        owner: Some(form.owner.clone()),
        deputy: Some(optional(&form.deputy)),
        kinds: Some(form.kinds.clone()),
        active: Some(form.active),
        processor: Some(form.processor),
        webhook_url: Some(optional(&form.webhook_url)),
    };
    let outcome = admin
        .change_system(&state.db, form.code.clone(), input, clock::now())
        .await;
    answer(&state, &user, outcome, form, false).await
}

/// `POST /admin/systems/{code}/secret`: a new key, shown once.
pub async fn rotate_secret(state: State, code: web::Path<String>, sent: CheckedForm) -> Answer {
    let user = sent.user;
    let view = administrator(&user)?
        .rotate_system_secret(&state.db, code.into_inner(), clock::now())
        .await?;
    secret_or_back(&user, view)
}
