//! The front desk's "Nieuw verzoek" form and its confirmation.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use super::labels::{choices, fields_to_fix, long_date, Choice};
use super::{filled, page, see_other, CheckedForm, PageError, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::intake::{AgeBand, Channel, Relation};
use crate::domain::kind::{ErasureScope, KindCode, RectificationMode};
use crate::service::admin;
use crate::service::registration::{AddressInput, RegistrationInput, RequesterInput, SubjectInput};
use crate::service::requests as service;
use crate::service::sessions::WebUser;
use crate::service::ServiceError;
use crate::web::state::AppState;

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
    pub address_line: String,
    pub address_postcode: String,
    pub address_city: String,
    pub language: String,
    pub relation: String,
    pub subject_name: String,
    pub age_band: String,
    pub client_reference: String,
    pub parents_informed: String,
    pub description: String,
}

impl NewRequestForm {
    /// The registration the form describes; options of other kinds are left out.
    fn input(&self) -> RegistrationInput {
        let kind = KindCode::parse(self.kind.trim()).ok();
        RegistrationInput {
            kind: self.kind.clone(),
            channel: self.channel.clone(),
            received_on: filled(&super::dates::iso(&self.received_on)),
            team: self.team.clone(),
            requester: RequesterInput {
                name: self.requester_name.clone(),
                email: filled(&self.requester_email),
                phone: filled(&self.requester_phone),
                relation: self.relation.clone(),
                address: [&self.address_line, &self.address_postcode, &self.address_city]
                    .iter()
                    .any(|part| !part.trim().is_empty())
                    .then(|| AddressInput {
                        line: self.address_line.clone(),
                        postcode: self.address_postcode.clone(),
                        city: self.address_city.clone(),
                    }),
                language: filled(&self.language),
            },
            subject: SubjectInput {
                name: filled(&self.subject_name),
                age_band: self.age_band.clone(),
                client_reference: filled(&self.client_reference),
                parents_informed: match self.parents_informed.as_str() {
                    "ja" => Some(true),
                    "nee" => Some(false),
                    _ => None,
                },
            },
            description: filled(&self.description),
            mode: (kind == Some(KindCode::Rectification)).then(|| self.mode.clone()),
            scope: (kind == Some(KindCode::Erasure)).then(|| self.scope.clone()),
            direct_marketing: (kind == Some(KindCode::Objection)).then_some(self.direct_marketing == "ja"),
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
    kinds: Vec<Choice>,
    channels: Vec<Choice>,
    relations: Vec<Choice>,
    age_bands: Vec<Choice>,
    modes: Vec<Choice>,
    scopes: Vec<Choice>,
    /// Said over the form (it was kept while its sender signed in again).
    notice: Option<&'a str>,
}

impl NewRequest<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn to_fix(&self) -> String {
        fields_to_fix(self.errors.len())
    }
}

async fn form_page(
    state: &AppState,
    user: &WebUser,
    form: &NewRequestForm,
    errors: HashMap<String, String>,
    status: StatusCode,
    notice: Option<&str>,
) -> Answer {
    let teams = admin::teams_to_register_for(&state.db, &user.caller)
        .await?
        .into_iter()
        .map(|t| (t.code.to_string(), t.name))
        .collect();
    Ok(page(
        status,
        &NewRequest {
            user,
            form,
            errors,
            teams,
            kinds: choices::<KindCode>(),
            channels: choices::<Channel>(),
            relations: choices::<Relation>(),
            age_bands: choices::<AgeBand>(),
            modes: choices::<RectificationMode>(),
            scopes: choices::<ErasureScope>(),
            notice,
        },
    ))
}

const MAY_NOT_REGISTER: &str = "Een auditor registreert geen verzoeken.";

pub async fn new_form(state: State, req: actix_web::HttpRequest, SignedIn(user): SignedIn) -> Answer {
    user.caller
        .may_register_somewhere()
        .map_err(|denied| PageError::from(ServiceError::from(denied)).forbidden_says(MAY_NOT_REGISTER))?;
    // Sent after the session ended: the form as it was typed, not yet registered.
    if let Some(pairs) = super::session::kept_form(&state, &req, &user).await {
        let form: NewRequestForm =
            serde_urlencoded::from_str(&serde_urlencoded::to_string(&pairs).unwrap_or_default())
                .unwrap_or_default();
        return form_page(
            &state,
            &user,
            &form,
            HashMap::new(),
            StatusCode::OK,
            Some(super::KEPT),
        )
        .await;
    }
    let today = state.rules.today(clock::now());
    let form = NewRequestForm {
        received_on: super::dates::shown(today),
        channel: Channel::Phone.code().into(),
        relation: Relation::SelfRequester.code().into(),
        age_band: AgeBand::Adult.code().into(),
        ..Default::default()
    };
    form_page(&state, &user, &form, HashMap::new(), StatusCode::OK, None).await
}

pub async fn register(state: State, sent: CheckedForm<NewRequestForm>) -> Answer {
    let (user, form) = (sent.user, sent.form);
    let errors = |fields: Vec<(String, String)>| -> HashMap<String, String> {
        let mut map = HashMap::new();
        for (field, message) in fields {
            map.entry(form_field(&field)).or_insert(message);
        }
        map
    };
    match service::register(&state.ctx(&user.caller), form.input()).await {
        Ok(view) => Ok(see_other(&format!(
            "/requests/{}/bevestiging",
            view.stored.request.id
        ))),
        Err(ServiceError::Invalid(fields)) => {
            let fields = fields.into_iter().map(|f| (f.field, f.message.nl)).collect();
            form_page(
                &state,
                &user,
                &form,
                errors(fields),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(ServiceError::Forbidden(message)) => {
            let fields = vec![("team".to_string(), message.nl)];
            form_page(&state, &user, &form, errors(fields), StatusCode::FORBIDDEN, None).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "pages/registered.html")]
struct Registered<'a> {
    user: &'a WebUser,
    id: String,
    version: i64,
    /// Open requests of the same kind for the same requester or client: perhaps
    /// this one twice (id, reference).
    duplicates: Vec<(String, String)>,
    /// Today as a form shows it.
    today: String,
    reference: &'a str,
    kind: &'a str,
    team: &'a str,
    received_on: String,
    response: String,
    execution: String,
    legal: String,
    /// What to do with the reference now, as fits the way the request came in: the
    /// words before and after it.
    advice: (&'static str, &'static str),
}

/// What the front desk does with the reference, as fits the channel: a caller or a
/// visitor hears it now; someone who wrote gets it in the acknowledgement.
fn advice_for(channel: Channel) -> (&'static str, &'static str) {
    match channel {
        Channel::Phone => (
            "Noem de beller het kenmerk",
            "en de dag waarop hij of zij uiterlijk hoort of het verzoek wordt uitgevoerd.",
        ),
        Channel::InPerson => (
            "Geef de verzoeker het kenmerk",
            "mee, met de dag waarop hij of zij uiterlijk hoort of het verzoek wordt uitgevoerd.",
        ),
        Channel::Letter => (
            "De verzoeker schreef een brief: het kenmerk",
            "gaat mee in de ontvangstbevestiging, die de behandelaar per post stuurt vanuit het verzoek (Correspondentie).",
        ),
        Channel::Email | Channel::OnlineDossier | Channel::WebForm => (
            "De verzoeker vroeg het digitaal: het kenmerk",
            "gaat mee in de ontvangstbevestiging, die de behandelaar per e-mail stuurt vanuit het verzoek (Correspondentie).",
        ),
    }
}

pub async fn registered(state: State, SignedIn(user): SignedIn, id: web::Path<String>) -> Answer {
    let now = clock::now();
    let view = service::get(&state.ctx(&user.caller), service::request_id(&id)?).await?;
    let duplicates = if view.stored.request.status.is_terminal() {
        Vec::new()
    } else {
        service::possible_duplicates(&state.ctx(&user.caller), service::request_id(&id)?)
            .await?
            .into_iter()
            .map(|d| (d.id.to_string(), d.reference))
            .collect()
    };
    let r = &view.stored.request;
    Ok(page(
        StatusCode::OK,
        &Registered {
            user: &user,
            id: r.id.to_string(),
            version: r.version,
            duplicates,
            today: super::dates::shown(state.rules.today(now)),
            reference: &r.reference,
            kind: r.kind.code().label_nl(),
            team: r.team.as_str(),
            received_on: long_date(r.received_on),
            response: long_date(view.deadlines.response),
            execution: long_date(view.deadlines.execution),
            legal: long_date(view.deadlines.legal),
            advice: advice_for(view.stored.intake.channel),
        },
    ))
}
