//! The front desk's "Nieuw verzoek" form and its confirmation.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{forbidden_form, page, see_other, signed_in};
use crate::clock;
use crate::http::problem::ApiError;
use crate::http::requests::{RegisterBody, RequesterBody, SubjectBody};
use crate::http::AppState;
use crate::service::requests as service;
use crate::service::sessions::{same_token, WebUser};
use crate::service::ServiceError;
use crate::storage::teams;

use super::labels::{long_date, AGE_BANDS, CHANNELS, KINDS, MODES, RELATIONS, SCOPES};

/// What the form sends, as typed: shown again with the errors when it is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewRequestForm {
    pub csrf: String,
    pub kind: String,
    pub mode: String,
    pub scope: String,
    pub direct_marketing: String,
    pub channel: String,
    pub received_on: String,
    pub team: String,
    pub requester_name: String,
    pub requester_email: String,
    pub requester_phone: String,
    pub relation: String,
    pub age_band: String,
    pub client_reference: String,
    pub parents_informed: String,
    pub description: String,
}

fn filled(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

impl NewRequestForm {
    /// The API's registration body; options of other kinds are left out.
    fn body(&self) -> RegisterBody {
        let kind = self.kind.trim();
        RegisterBody {
            kind: kind.to_string(),
            channel: self.channel.clone(),
            received_on: filled(&self.received_on),
            team: self.team.clone(),
            requester: RequesterBody {
                name: self.requester_name.clone(),
                email: filled(&self.requester_email),
                phone: filled(&self.requester_phone),
                relation: self.relation.clone(),
            },
            subject: SubjectBody {
                age_band: self.age_band.clone(),
                client_reference: filled(&self.client_reference),
                parents_informed: match self.parents_informed.as_str() {
                    "ja" => Some(true),
                    "nee" => Some(false),
                    _ => None,
                },
            },
            description: filled(&self.description),
            mode: (kind == "rectification").then(|| self.mode.clone()),
            scope: (kind == "erasure").then(|| self.scope.clone()),
            direct_marketing: (kind == "objection").then_some(self.direct_marketing == "ja"),
            related_request: None,
            assignee: None,
        }
    }
}

/// `requester.email` → the form's `requester_email`.
fn form_field(api_field: &str) -> String {
    api_field.replace('.', "_")
}

#[derive(Template)]
#[template(path = "pages/new_request.html")]
struct NewRequest<'a> {
    user: &'a WebUser,
    form: &'a NewRequestForm,
    errors: HashMap<String, String>,
    teams: Vec<(String, String)>,
    kinds: &'a [(&'a str, &'a str)],
    channels: &'a [(&'a str, &'a str)],
    relations: &'a [(&'a str, &'a str)],
    age_bands: &'a [(&'a str, &'a str)],
    modes: &'a [(&'a str, &'a str)],
    scopes: &'a [(&'a str, &'a str)],
}

impl NewRequest<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

async fn teams_for(state: &AppState, user: &WebUser) -> Vec<(String, String)> {
    let all = match state.db.read(teams::list).await {
        Ok(all) => all,
        Err(error) => {
            tracing::error!(%error, "teams for the form");
            Vec::new()
        }
    };
    all.into_iter()
        .filter(|t| user.caller.may_register(&t.code).is_ok())
        .map(|t| (t.code, t.name))
        .collect()
}

async fn form_page(
    state: &AppState,
    user: &WebUser,
    form: &NewRequestForm,
    errors: HashMap<String, String>,
    status: StatusCode,
) -> HttpResponse {
    let teams = teams_for(state, user).await;
    page(
        status,
        &NewRequest {
            user,
            form,
            errors,
            teams,
            kinds: &KINDS,
            channels: &CHANNELS,
            relations: &RELATIONS,
            age_bands: &AGE_BANDS,
            modes: &MODES,
            scopes: &SCOPES,
        },
    )
}

pub async fn new_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return see_other("/login");
    };
    if user.caller.may_register_somewhere().is_err() {
        return super::forbidden_page("Een auditor registreert geen verzoeken.");
    }
    let today: NaiveDate = state.rules.today(clock::now());
    let form = NewRequestForm {
        received_on: today.to_string(),
        channel: "phone".into(),
        relation: "self".into(),
        age_band: "adult".into(),
        ..Default::default()
    };
    form_page(&state, &user, &form, HashMap::new(), StatusCode::OK).await
}

pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<NewRequestForm>,
) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return forbidden_form();
    };
    let form = form.into_inner();
    if !same_token(&user.csrf_token, &form.csrf) {
        return forbidden_form();
    }
    let now = clock::now();
    let errors = |fields: Vec<(String, String)>| -> HashMap<String, String> {
        let mut map = HashMap::new();
        for (field, message) in fields {
            map.entry(form_field(&field)).or_insert(message);
        }
        map
    };
    let registration = match form.body().parse(state.rules.today(now)) {
        Ok(registration) => registration,
        Err(ApiError::Validation(fields)) => {
            let fields = fields.into_iter().map(|f| (f.field, f.message)).collect();
            return form_page(
                &state,
                &user,
                &form,
                errors(fields),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(_) => return forbidden_form(),
    };
    match service::register(&state.db, &state.rules, &user.caller, registration, now).await {
        Ok((view, _)) => {
            tracing::info!(
                request_id = %view.stored.request.id,
                reference = %view.stored.request.reference,
                "request registered on the web"
            );
            see_other(&format!("/requests/{}/bevestiging", view.stored.request.id))
        }
        Err(ServiceError::Invalid(fields)) => {
            let fields = fields.into_iter().map(|f| (f.field, f.message)).collect();
            form_page(
                &state,
                &user,
                &form,
                errors(fields),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Forbidden(message)) => {
            let fields = vec![("team".to_string(), message)];
            form_page(&state, &user, &form, errors(fields), StatusCode::FORBIDDEN).await
        }
        Err(error) => {
            tracing::error!(%error, "web registration failed");
            super::unavailable()
        }
    }
}

#[derive(Template)]
#[template(path = "pages/registered.html")]
struct Registered<'a> {
    user: &'a WebUser,
    reference: &'a str,
    kind: &'a str,
    team: &'a str,
    received_on: String,
    response: String,
    execution: String,
    legal: String,
}

pub fn kind_label(code: &str) -> String {
    super::labels::label(&KINDS, code)
}

pub async fn registered(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return see_other("/login");
    };
    match service::get(&state.db, &state.rules, &user.caller, &id, clock::now()).await {
        Ok((view, _)) => {
            let r = &view.stored.request;
            page(
                StatusCode::OK,
                &Registered {
                    user: &user,
                    reference: &r.reference,
                    kind: &kind_label(r.kind.code().code()),
                    team: &r.team,
                    received_on: long_date(r.received_on),
                    response: long_date(view.deadlines.response),
                    execution: long_date(view.deadlines.execution),
                    legal: long_date(view.deadlines.legal),
                },
            )
        }
        Err(ServiceError::NotFound(_)) => super::not_found_page(),
        Err(ServiceError::Forbidden(message)) => super::forbidden_page(&message),
        Err(error) => {
            tracing::error!(%error, "confirmation page failed");
            super::unavailable()
        }
    }
}
