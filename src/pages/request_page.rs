//! The request page at `/requests/{id}` (the link in every reminder mail): the
//! details, the deadline panel, the timeline, and a form for each action the request
//! allows now. Actions post to `/requests/{id}/actions/{action}`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono_tz::Europe::Amsterdam;
use serde_json::{Map, Value};

use super::labels::{
    event_label, label, long_date, Choice, ACTIONS, AGE_BANDS, CHANNELS, IDENTITY_CHECKS, KINDS, MODES,
    OUTCOMES, RELATIONS, SCOPES, STATUSES, SUSPEND_REASONS,
};
use super::{forbidden_form, forbidden_page, not_found_page, page, see_other, signed_in, unavailable};
use crate::clock;
use crate::domain::access::View;
use crate::domain::grounds::CATALOGUE;
use crate::domain::request::ActionName;
use crate::http::problem::ApiError;
use crate::http::AppState;
use crate::service::requests::{self as service, RequestView};
use crate::service::sessions::{same_token, WebUser};
use crate::service::ServiceError;
use crate::storage::users;

/// An action form that was sent and refused: shown again with its errors and values.
#[derive(Debug, Default)]
struct Posted {
    action: String,
    values: HashMap<String, Vec<String>>,
    errors: HashMap<String, String>,
    notice: Option<String>,
}

struct Ground {
    code: &'static str,
    label: &'static str,
    reference: &'static str,
}

struct Event {
    when: String,
    what: String,
    change: Option<String>,
    who: String,
}

#[derive(Template)]
#[template(path = "pages/request.html")]
struct RequestPage<'a> {
    user: &'a WebUser,
    view: &'a RequestView,
    full: bool,
    kind: String,
    option: Option<String>,
    status: String,
    channel: String,
    relation: String,
    age_band: String,
    assignee: Option<String>,
    deadlines: [(&'static str, String); 3],
    open_due: Option<String>,
    overdue: bool,
    due_soon: bool,
    today: String,
    actions: Vec<(&'static str, &'static str)>,
    workers: Vec<(String, String)>,
    grounds: Vec<Ground>,
    identity_checks: &'a [Choice],
    suspend_reasons: &'a [Choice],
    outcomes: &'a [Choice],
    events: Vec<Event>,
    posted: Posted,
    decision: Option<String>,
}

impl RequestPage<'_> {
    /// The value typed into `field` of `action` when it was refused, else `default`.
    fn value(&self, action: &str, field: &str, default: &str) -> String {
        if self.posted.action == action {
            if let Some(values) = self.posted.values.get(field) {
                return values.first().cloned().unwrap_or_default();
            }
            return String::new();
        }
        default.to_string()
    }

    fn chosen(&self, action: &str, field: &str, value: &str) -> bool {
        self.posted.action == action
            && self
                .posted
                .values
                .get(field)
                .is_some_and(|values| values.iter().any(|v| v == value))
    }

    fn error(&self, action: &str, field: &str) -> Option<&String> {
        (self.posted.action == action)
            .then(|| self.posted.errors.get(field))
            .flatten()
    }
}

async fn render(
    state: &AppState,
    user: &WebUser,
    view: &RequestView,
    sight: View,
    posted: Posted,
    status: StatusCode,
) -> HttpResponse {
    let r = &view.stored.request;
    let today = state.rules.today(clock::now());
    let id = r.id.to_string();
    let team = r.team.clone();
    let full = sight == View::Full;
    let (workers, names, events) = {
        let (id, team) = (id.clone(), team.clone());
        let events = if full {
            service::events(&state.db, &user.caller, &id)
                .await
                .unwrap_or_else(|error| {
                    tracing::error!(%error, "request page timeline");
                    Vec::new()
                })
        } else {
            Vec::new()
        };
        let mut actors: Vec<String> = events.iter().map(|e| e.actor.clone()).collect();
        actors.extend(r.assignee.map(|a| a.to_string()));
        let looked_up = state
            .db
            .read(move |conn| {
                let workers = users::workers_of(conn, &team)?;
                let names = users::names_of(conn, &actors)?;
                Ok::<_, crate::storage::StorageError>((workers, names))
            })
            .await;
        match looked_up {
            Ok((workers, names)) => (workers, names.into_iter().collect::<HashMap<_, _>>(), events),
            Err(error) => {
                tracing::error!(%error, "request page look-ups");
                return unavailable();
            }
        }
    };
    let open_due = r.open_deadline(&view.deadlines);
    let events = events
        .iter()
        .map(|e| Event {
            when: e
                .occurred_at
                .with_timezone(&Amsterdam)
                .format("%d-%m-%Y %H:%M")
                .to_string(),
            what: event_label(&e.action),
            change: match (&e.from_status, &e.to_status) {
                (Some(from), Some(to)) if from != to => {
                    Some(format!("{} → {}", label(&STATUSES, from), label(&STATUSES, to)))
                }
                (None, Some(to)) => Some(label(&STATUSES, to)),
                _ => None,
            },
            who: names.get(&e.actor).cloned().unwrap_or_else(|| e.actor.clone()),
        })
        .collect();
    let kind_code = r.kind.code();
    let template = RequestPage {
        user,
        view,
        full,
        kind: label(&KINDS, kind_code.code()),
        option: match &r.kind {
            crate::domain::kind::Kind::Rectification { mode } => Some(label(&MODES, mode.code())),
            crate::domain::kind::Kind::Erasure { scope } => Some(label(&SCOPES, scope.code())),
            crate::domain::kind::Kind::Objection {
                direct_marketing: true,
            } => Some("tegen direct marketing".into()),
            _ => None,
        },
        status: label(&STATUSES, r.status.code()),
        channel: label(&CHANNELS, view.stored.intake.channel.code()),
        relation: label(&RELATIONS, view.stored.intake.requester.relation.code()),
        age_band: label(&AGE_BANDS, view.stored.intake.subject.age_band.code()),
        assignee: r.assignee.map(|a| {
            names
                .get(&a.to_string())
                .cloned()
                .unwrap_or_else(|| a.to_string())
        }),
        deadlines: [
            (
                "Antwoord of het verzoek wordt uitgevoerd",
                long_date(view.deadlines.response),
            ),
            ("Uitgevoerd", long_date(view.deadlines.execution)),
            ("Wettelijke termijn", long_date(view.deadlines.legal)),
        ],
        open_due: open_due.map(long_date),
        overdue: view.overdue,
        due_soon: !view.overdue && open_due.is_some_and(|due| (due - today).num_days() <= 5),
        today: today.to_string(),
        actions: if full {
            view.allowed_actions
                .iter()
                .filter_map(|a| ACTIONS.iter().find(|(code, _)| *code == a.code()).copied())
                .collect()
        } else {
            Vec::new()
        },
        workers,
        grounds: CATALOGUE
            .iter()
            .filter(|g| g.applies_to(kind_code))
            .map(|g| Ground {
                code: g.code,
                label: g.label_nl,
                reference: g.reference,
            })
            .collect(),
        identity_checks: &IDENTITY_CHECKS,
        suspend_reasons: &SUSPEND_REASONS,
        outcomes: &OUTCOMES,
        events,
        posted,
        decision: r.decision.as_ref().map(|d| {
            let grounds: Vec<&str> = d
                .grounds
                .iter()
                .map(|code| {
                    CATALOGUE
                        .iter()
                        .find(|g| g.code == code)
                        .map_or(code.as_str(), |g| g.label_nl)
                })
                .collect();
            let mut text = format!(
                "{}, meegedeeld op {}",
                label(&OUTCOMES, d.outcome.code()),
                long_date(d.communicated_on)
            );
            if !grounds.is_empty() {
                text.push_str(&format!("; gronden: {}", grounds.join("; ")));
            }
            text
        }),
    };
    page(status, &template)
}

/// What a refused action leads to: the page again with the form's errors, or another page.
enum Failure {
    Again(Posted),
    Page(HttpResponse),
}

fn failure(error: ServiceError) -> Failure {
    match error {
        ServiceError::NotFound(_) => Failure::Page(not_found_page()),
        ServiceError::Forbidden(message) => Failure::Page(forbidden_page(&message)),
        ServiceError::Invalid(fields) => Failure::Again(Posted {
            errors: fields.into_iter().map(|f| (f.field, f.message)).collect(),
            ..Default::default()
        }),
        ServiceError::NotAllowed { detail, .. } => Failure::Again(Posted {
            notice: Some(format!("Dit kan nu niet: {detail}.")),
            ..Default::default()
        }),
        ServiceError::Stale { .. } => Failure::Again(Posted {
            notice: Some(
                "Iemand anders heeft het verzoek intussen gewijzigd. Bekijk de nieuwe stand en probeer het opnieuw."
                    .into(),
            ),
            ..Default::default()
        }),
        error => {
            tracing::error!(%error, "request page");
            Failure::Page(unavailable())
        }
    }
}

pub async fn show(state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return see_other("/login");
    };
    match service::get(&state.db, &state.rules, &user.caller, &id, clock::now()).await {
        Ok((view, sight)) => render(&state, &user, &view, sight, Posted::default(), StatusCode::OK).await,
        Err(error) => match failure(error) {
            Failure::Page(response) => response,
            Failure::Again(_) => not_found_page(),
        },
    }
}

/// The fields of a form as the API's JSON body: repeated fields (`grounds`,
/// `recipients_informed`) as lists, empty fields left out.
fn json_body(pairs: &[(String, String)]) -> Value {
    let mut body = Map::new();
    for (name, value) in pairs {
        if matches!(name.as_str(), "csrf" | "version") {
            continue;
        }
        let value = value.trim();
        if name == "recipients_informed" {
            let names: Vec<Value> = value
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(Value::from)
                .collect();
            body.insert(name.clone(), Value::Array(names));
        } else if name == "grounds" {
            if let Value::Array(list) = body.entry(name.clone()).or_insert_with(|| Value::Array(vec![])) {
                list.push(Value::from(value));
            }
        } else if !value.is_empty() {
            body.insert(name.clone(), Value::from(value));
        }
    }
    Value::Object(body)
}

pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return forbidden_form();
    };
    let pairs = form.into_inner();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if !same_token(&user.csrf_token, &field("csrf")) {
        return forbidden_form();
    }
    let (id, action_code) = path.into_inner();
    let Ok(action) = ActionName::parse(&action_code) else {
        return not_found_page();
    };
    let expected = field("version").parse::<i64>().ok();
    let mut values: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in &pairs {
        values.entry(name.clone()).or_default().push(value.clone());
    }
    let body = Bytes::from(json_body(&pairs).to_string());
    let outcome = match crate::http::requests::command(action, &body) {
        Ok(command) => service::act(
            &state.db,
            &state.rules,
            &user.caller,
            &id,
            command,
            expected,
            clock::now(),
        )
        .await
        .map_err(failure),
        Err(ApiError::Validation(fields)) => Err(Failure::Again(Posted {
            errors: fields.into_iter().map(|f| (f.field, f.message)).collect(),
            ..Default::default()
        })),
        Err(_) => Err(Failure::Again(Posted {
            notice: Some("Het formulier was niet volledig.".into()),
            ..Default::default()
        })),
    };
    match outcome {
        Ok(view) => {
            tracing::info!(request_id = %view.stored.request.id, action = action.code(), "action taken on the web");
            see_other(&format!("/requests/{id}"))
        }
        Err(Failure::Page(response)) => response,
        Err(Failure::Again(mut posted)) => {
            posted.action = action.code().to_string();
            posted.values = values;
            let status = if posted.notice.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            match service::get(&state.db, &state.rules, &user.caller, &id, clock::now()).await {
                Ok((view, sight)) => render(&state, &user, &view, sight, posted, status).await,
                Err(error) => match failure(error) {
                    Failure::Page(response) => response,
                    Failure::Again(_) => not_found_page(),
                },
            }
        }
    }
}
