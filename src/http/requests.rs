//! `/api/v1/requests`: register, list (JSON or CSV), read, act, and the audit events
//! of one request. Every answer is a typed struct; [`RequestAnswer`] is the request
//! as the caller may see it.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde::Serialize;
use uuid::Uuid;

use super::auth::Auth;
use super::json::{self, Json};
use super::params::Params;
use super::problem::{ApiError, FieldError};
use super::{Answer, State};
use crate::clock;
use crate::domain::access::View;
use crate::domain::audit::AuditEvent;
use crate::domain::deadlines::Deadlines;
use crate::domain::intake::{AgeBand, PostalAddress, Relation};
use crate::domain::kind::KindCode;
use crate::domain::request::{decision_due, ActionName, IdentityCheck, Outcome, Status, SuspendReason};
use crate::domain::team::TeamCode;
use crate::domain::Language;
use crate::service::commands::{
    ActionInput, AssignInput, CompleteInput, CorrectInput, DecideInput, ExtendInput, ResumeInput,
    StartAssessmentInput, SuspendInput, TransferInput, WithdrawInput,
};
use crate::service::registration::RegistrationInput;
use crate::service::requests::{
    self as service, ListFilter, PossibleDuplicate, RequestFacts, RequestSummary, RequestView, Sort,
};
use crate::web::download::wants_csv;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequesterAnswer {
    /// Null once retention removed it.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub relation: Relation,
    /// For letters by post; null when not given or removed by retention.
    pub address: Option<PostalAddress>,
    /// The language of the letters to the requester.
    pub language: Language,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubjectAnswer {
    /// The client's name, when someone else asked on their behalf (or given anyway);
    /// null when not given or removed by retention.
    pub name: Option<String>,
    pub age_band: AgeBand,
    pub client_reference: Option<String>,
    pub parents_informed: Option<bool>,
}

/// A pause of the clock.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PauseAnswer {
    pub reason: SuspendReason,
    pub asked_on: NaiveDate,
    pub resumed_on: Option<NaiveDate>,
}

/// The pause that runs now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivePauseAnswer {
    pub reason: SuspendReason,
    pub asked_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExtensionAnswer {
    pub reason: String,
    pub informed_on: NaiveDate,
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionAnswer {
    pub outcome: Outcome,
    /// Codes from `GET /api/v1/refusal-grounds`.
    pub grounds: Vec<String>,
    pub explanation: Option<String>,
    /// The day the requester was told; `null` while the decision is recorded but not
    /// yet communicated (sending its letter, or recording its posting, sets it).
    pub communicated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompletionAnswer {
    pub summary: String,
    pub completed_on: NaiveDate,
    pub recipients_informed: Vec<String>,
    pub recipients_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WithdrawalAnswer {
    /// Empty for a duplicate closed without one.
    pub reason: String,
    pub on: NaiveDate,
    /// Closed as a duplicate of this request (registered twice), not withdrawn by the
    /// requester.
    pub duplicate_of: Option<Uuid>,
}

/// A request with everything recorded about it. The `ETag` header carries `version`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestDetails {
    #[serde(flatten)]
    pub facts: RequestFacts,
    pub requester: RequesterAnswer,
    pub subject: SubjectAnswer,
    pub description: Option<String>,
    pub suspension: Option<ActivePauseAnswer>,
    pub suspensions: Vec<PauseAnswer>,
    pub identity_verified_by: Option<IdentityCheck>,
    pub assessment_note: Option<String>,
    pub extension: Option<ExtensionAnswer>,
    pub decision: Option<DecisionAnswer>,
    pub completion: Option<CompletionAnswer>,
    pub withdrawal: Option<WithdrawalAnswer>,
    /// Set once retention removed the personal data and free text.
    pub anonymised_at: Option<DateTime<Utc>>,
    /// Only in the answer to a registration: the open requests of the same kind for
    /// the same requester (name, and e-mail address or phone number) or the same client
    /// (name or client number) that the caller can see — perhaps this one registered
    /// twice; close it with `withdraw` and `duplicate_of`. Empty when there are none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<PossibleDuplicate>>,
}

impl From<&RequestView> for RequestDetails {
    fn from(view: &RequestView) -> Self {
        let stored = &view.stored;
        let r = &stored.request;
        let intake = &stored.intake;
        RequestDetails {
            facts: RequestFacts::of(view),
            requester: RequesterAnswer {
                name: (!intake.requester.name.is_empty()).then(|| intake.requester.name.clone()),
                email: intake.requester.email.clone(),
                phone: intake.requester.phone.clone(),
                relation: intake.requester.relation,
                address: intake.requester.address.clone(),
                language: intake.requester.language,
            },
            subject: SubjectAnswer {
                name: intake.subject.name.clone(),
                age_band: intake.subject.age_band,
                client_reference: intake.subject.client_reference.clone(),
                parents_informed: intake.subject.parents_informed,
            },
            description: intake.description.clone(),
            suspension: r.active_suspension().map(|s| ActivePauseAnswer {
                reason: s.reason,
                asked_on: s.asked_on,
            }),
            suspensions: r
                .suspensions
                .iter()
                .map(|s| PauseAnswer {
                    reason: s.reason,
                    asked_on: s.asked_on,
                    resumed_on: s.resumed_on,
                })
                .collect(),
            identity_verified_by: r.identity_verified_by,
            assessment_note: r.assessment_note.clone(),
            extension: r.extension.as_ref().map(|e| ExtensionAnswer {
                reason: e.reason.clone(),
                informed_on: e.informed_on,
                until: e.until,
            }),
            decision: r.decision.as_ref().map(|d| DecisionAnswer {
                outcome: d.outcome,
                grounds: d.grounds.clone(),
                explanation: d.explanation.clone(),
                communicated_on: d.communicated_on,
            }),
            completion: r.completion.as_ref().map(|c| CompletionAnswer {
                summary: c.summary.clone(),
                completed_on: c.completed_on,
                recipients_informed: c.recipients_informed.clone(),
                recipients_note: c.recipients_note.clone(),
            }),
            withdrawal: r.withdrawal.as_ref().map(|w| WithdrawalAnswer {
                reason: w.reason.clone(),
                on: w.on,
                duplicate_of: w.duplicate_of,
            }),
            anonymised_at: stored.anonymised_at,
            possible_duplicates: None,
        }
    }
}

/// What the front desk sees: where a request stands, no personal data.
// Closed to other members (`additionalProperties: false`), so that a full answer can
// never also read as this one: the `oneOf` of `RequestAnswer` and `ListItem` then
// matches exactly one (a fuzzer found both matching).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestStatus {
    pub id: Uuid,
    pub reference: String,
    pub kind: KindCode,
    pub team: TeamCode,
    pub status: Status,
    pub received_on: NaiveDate,
    pub deadlines: Deadlines,
    /// Only in the answer to a registration: see [`RequestDetails::possible_duplicates`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<PossibleDuplicate>>,
}

impl From<&RequestView> for RequestStatus {
    fn from(view: &RequestView) -> Self {
        let r = &view.stored.request;
        RequestStatus {
            id: r.id,
            reference: r.reference.clone(),
            kind: r.kind.code(),
            team: r.team.clone(),
            status: r.status,
            received_on: r.received_on,
            deadlines: view.deadlines,
            possible_duplicates: None,
        }
    }
}

impl From<&RequestSummary> for RequestStatus {
    fn from(item: &RequestSummary) -> Self {
        let facts = &item.facts;
        RequestStatus {
            id: facts.id,
            reference: facts.reference.clone(),
            kind: facts.kind,
            team: facts.team.clone(),
            status: facts.status,
            received_on: facts.received_on,
            deadlines: facts.deadlines,
            possible_duplicates: None,
        }
    }
}

/// The request, or for the front desk its status only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum RequestAnswer {
    Full(Box<RequestDetails>),
    Status(RequestStatus),
}

/// A list item: the workflow facts, or for the front desk the status only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ListItem {
    Full(Box<RequestSummary>),
    Status(RequestStatus),
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestPage {
    pub items: Vec<ListItem>,
    pub page: i64,
    pub per_page: i64,
    /// All matches of the filter, over all pages, counted up to 10,000.
    pub total: i64,
    /// `false` when there are more than 10,000 matches (`total` is then 10,000).
    pub total_exact: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventList {
    pub items: Vec<AuditEvent>,
}

/// `If-Match: "3"` (or `W/"3"`, `3`, `*`); `Ok(None)` when absent or `*`.
fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| {
        ApiError::MalformedBody(format!(
            "If-Match must be the ETag of the request, e.g. \"3\"; got {text}"
        ))
    })
}

/// The request as the caller may see it, with its version as `ETag` for those who
/// see all of it.
fn respond(response: actix_web::HttpResponseBuilder, view: &RequestView) -> HttpResponse {
    respond_with(response, view, None)
}

/// The request as the caller may see it, with the possible duplicates of a new one.
fn respond_with(
    mut response: actix_web::HttpResponseBuilder,
    view: &RequestView,
    possible_duplicates: Option<Vec<PossibleDuplicate>>,
) -> HttpResponse {
    match view.sight {
        View::Full => {
            if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", view.stored.request.version)) {
                response.insert_header((header::ETAG, value));
            }
            let mut details = RequestDetails::from(view);
            details.possible_duplicates = possible_duplicates;
            response.json(RequestAnswer::Full(Box::new(details)))
        }
        View::Status => {
            let mut status = RequestStatus::from(view);
            status.possible_duplicates = possible_duplicates;
            response.json(RequestAnswer::Status(status))
        }
    }
}

#[utoipa::path(post, path = "/api/v1/requests", tag = "requests",
    params(("Idempotency-Key" = Option<String>, Header, description = "Any printable text up to 255 characters: the same key with the same call from the same user within 24 hours answers what the first call answered (`Idempotent-Replayed: true`) and changes nothing; with another call it is 422")),
    request_body = RegistrationInput,
    responses(
        (status = 201, description = "Registered; `Location` names the new request. The front desk gets its status and deadlines only. `possible_duplicates` lists the open requests of the same kind for the same requester or client", body = RequestAnswer),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(state: State, auth: Auth, body: Json<RegistrationInput>) -> Answer {
    let view = service::register(&state.ctx(&auth.0), body.0).await?;
    let id = view.stored.request.id.to_string();
    let duplicates = service::possible_duplicates(&state.ctx(&auth.0), service::request_id(&id)?).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/v1/requests/{id}")));
    Ok(respond_with(response, &view, Some(duplicates)))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = String, Path, description = "The request's id (UUID)")),
    responses(
        (status = 200, description = "The request (the front desk gets its status only); `ETag` carries its version", body = RequestAnswer),
        (status = 404, description = "No such request, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let view = service::get(&state.ctx(&auth.0), service::request_id(&id)?).await?;
    Ok(respond(HttpResponse::Ok(), &view))
}

#[utoipa::path(get, path = "/api/v1/requests/by-reference/{reference}", tag = "requests",
    params(("reference" = String, Path, description = "`AVG-YYYY-NNNNN`")),
    responses(
        (status = 200, description = "The request (the front desk gets its status only)", body = RequestAnswer),
        (status = 404, description = "No such request, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// `GET /api/v1/requests/by-reference/{reference}`: the front desk's look-up.
pub async fn by_reference(state: State, auth: Auth, reference: web::Path<String>) -> Answer {
    let view = service::by_reference(&state.ctx(&auth.0), &reference).await?;
    Ok(respond(HttpResponse::Ok(), &view))
}

/// The list's filters from the query string; every problem is reported at once.
fn list_filter(params: &mut Params, today: NaiveDate) -> ListFilter {
    let statuses = params.codes::<Status>("status");
    let kinds = params.codes::<KindCode>("kind");
    let mut teams = Vec::new();
    for team in params.all("team") {
        match TeamCode::parse(&team) {
            Ok(code) => teams.push(code),
            Err(e) => params.errors.push(FieldError::new("team", e.0.en)),
        }
    }
    let assignee = params.text("assignee").and_then(|a| {
        let parsed = Uuid::parse_str(&a).ok();
        if parsed.is_none() {
            params
                .errors
                .push(FieldError::new("assignee", format!("'{a}' is not an id (UUID)")));
        }
        parsed
    });
    let overdue = params.boolean("overdue");
    if overdue == Some(false) {
        params.errors.push(FieldError::new(
            "overdue",
            "only overdue=true filters; leave it out for all requests",
        ));
    }
    let sort = match params.text("sort") {
        None => Sort::default(),
        Some(sort) => Sort::parse(&sort).unwrap_or_else(|| {
            params.errors.push(FieldError::new(
                "sort",
                format!(
                    "cannot sort by '{sort}' (expected one of {}, with - for descending)",
                    Sort::KEYS.join(", ")
                ),
            ));
            Sort::default()
        }),
    };
    ListFilter {
        statuses,
        kinds,
        teams,
        assignee,
        overdue_on: (overdue == Some(true)).then_some(today),
        due_before: params.date("due_before"),
        received_from: params.date("received_from"),
        received_to: params.date("received_to"),
        // As a person types it: any case, with or without the leading zeros.
        reference: params
            .text("reference")
            .map(|typed| crate::domain::request::read_reference(&typed).unwrap_or(typed)),
        q: search_text(params),
        visible_teams: None,
        standing: None,
        mine_or_unassigned: None,
        sort,
    }
}

/// The longest search text: a name is at most 200 characters.
const MAX_Q: usize = 200;

/// `q`: a name or client reference to look for.
fn search_text(params: &mut Params) -> Option<String> {
    let q = params.text("q")?;
    if q.chars().count() > MAX_Q {
        params.errors.push(FieldError::new(
            "q",
            format!("at most {MAX_Q} characters: the start of a name or a client reference"),
        ));
        return None;
    }
    Some(q)
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests",
    params(
        ("status" = Option<Vec<Status>>, Query, description = "Status code; repeat for several"),
        ("kind" = Option<Vec<KindCode>>, Query, description = "Kind code; repeat for several"),
        ("team" = Option<Vec<String>>, Query, description = "Team code; repeat for several"),
        ("assignee" = Option<String>, Query, description = "User id (UUID)"),
        ("overdue" = Option<bool>, Query, description = "`true`: only requests past the deadline they still have to meet"),
        ("due_before" = Option<String>, Query, description = "Open deadline before this date (YYYY-MM-DD)"),
        ("received_from" = Option<String>, Query, description = "Received on or after (YYYY-MM-DD)"),
        ("received_to" = Option<String>, Query, description = "Received on or before (YYYY-MM-DD)"),
        ("reference" = Option<String>, Query, description = "A reference, in any case and with or without its leading zeros (`avg-2026-12` finds AVG-2026-00012)"),
        ("q" = Option<String>, Query, description = "The start of the requester's or the client's name or of a word in it (case and accents ignored: `vries` and `de Vr` find J. de Vries), or the client reference (case ignored: `d-10442` finds D-10442). Combines with the other filters; the front desk may list with `q` (status view)"),
        ("sort" = Option<String>, Query, description = "`received_on` (default `-received_on`), `reference`, `response_due`, `execution_due`, `legal_due` or `open_due`; `-` for descending"),
        ("page" = Option<i64>, Query, description = "From 1 (default 1)"),
        ("per_page" = Option<i64>, Query, description = "1-500 (default 50)"),
    ),
    responses(
        (status = 200, description = "One page of matching requests the caller may see. With `Accept: text/csv`: all matches as CSV (codes and dates, no free text)", content(
            (RequestPage = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(state: State, auth: Auth, req: HttpRequest) -> Answer {
    let now = clock::now();
    let mut params = Params::of(&req)?;
    let filter = list_filter(&mut params, state.rules.today(now));
    let page = params.integer("page", 1, 1_000_000).unwrap_or(1);
    let per_page = params.integer("per_page", 1, 500).unwrap_or(50);
    params.finish()?;
    if wants_csv(&req) {
        return csv_export(state, auth, filter).await;
    }
    let list = service::list(&state.ctx(&auth.0), filter, page, per_page).await?;
    let sight = list.sight;
    let items = list
        .items
        .into_iter()
        .map(|item| match sight {
            View::Full => ListItem::Full(Box::new(item)),
            View::Status => ListItem::Status(RequestStatus::from(&item)),
        })
        .collect();
    Ok(HttpResponse::Ok().json(RequestPage {
        items,
        page,
        per_page,
        total: list.total.count,
        total_exact: list.total.exact,
    }))
}

/// The input of `action`, read from the body as that action's shape.
fn action_input(action: ActionName, body: &Bytes) -> Result<ActionInput, ApiError> {
    Ok(match action {
        ActionName::Assign => ActionInput::Assign(json::parse::<AssignInput>(body)?),
        ActionName::StartAssessment => {
            ActionInput::StartAssessment(json::parse::<StartAssessmentInput>(body)?)
        }
        ActionName::Suspend => ActionInput::Suspend(json::parse::<SuspendInput>(body)?),
        ActionName::Resume => ActionInput::Resume(json::parse::<ResumeInput>(body)?),
        ActionName::Extend => ActionInput::Extend(json::parse::<ExtendInput>(body)?),
        ActionName::Decide => ActionInput::Decide(json::parse::<DecideInput>(body)?),
        ActionName::Complete => ActionInput::Complete(json::parse::<CompleteInput>(body)?),
        ActionName::Withdraw => ActionInput::Withdraw(json::parse::<WithdrawInput>(body)?),
        ActionName::Correct => ActionInput::Correct(Box::new(json::parse::<CorrectInput>(body)?)),
        ActionName::Transfer => ActionInput::Transfer(json::parse::<TransferInput>(body)?),
    })
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/actions/{action}", tag = "requests",
    params(
        ("id" = String, Path, description = "The request's id (UUID)"),
        ("action" = ActionName, Path, description = "One of `allowed_actions` of the request"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any printable text up to 255 characters: the same key with the same call from the same user within 24 hours answers what the first call answered (`Idempotent-Replayed: true`) and changes nothing; with another call it is 422"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last seen: the action is refused if the request changed since"),
    ),
    request_body(content = ActionInput, description = "The fields of the action"),
    responses(
        (status = 200, description = "The request after the action", body = RequestAnswer),
        (status = 404, description = "No such request or action, or not a request the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The action is not possible in the request's state; `allowed_actions` lists what is", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version; `current_version` gives the current one", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn act(
    state: State,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let (id, action) = path.into_inner();
    let action: ActionName = super::params::path_action(&action)?;
    if !json::is_json(req.content_type()) {
        let shown = if req.content_type().is_empty() {
            "none"
        } else {
            req.content_type()
        };
        return Err(ApiError::UnsupportedMediaType(shown.to_string()));
    }
    let expected = if_match(&req)?;
    let input = action_input(action, &body)?;
    let view = service::act(&state.ctx(&auth.0), service::request_id(&id)?, input, expected).await?;
    Ok(respond(HttpResponse::Ok(), &view))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/events", tag = "requests",
    params(("id" = String, Path, description = "The request's id (UUID)")),
    responses(
        (status = 200, description = "The request's audit trail, oldest first", body = EventList),
        (status = 404, description = "No such request, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(state: State, auth: Auth, id: web::Path<String>) -> Answer {
    let items = service::events(&state.ctx(&auth.0), service::request_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(EventList { items }))
}

/// The columns of the CSV export: codes, dates and counts — no free text.
const CSV_COLUMNS: [&str; 24] = [
    "reference",
    "kind",
    "mode",
    "scope",
    "direct_marketing",
    "channel",
    "status",
    "team",
    "assignee",
    "received_on",
    "response_due",
    "execution_due",
    "legal_due",
    "overdue",
    "suspended_days",
    "extension_informed_on",
    "extension_until",
    "outcome",
    "decided_on",
    "decision_on_time",
    "completed_on",
    "completion_on_time",
    "closed_on",
    "created_at",
];

fn csv_row(item: &RequestSummary) -> Vec<String> {
    fn text<T: ToString>(value: Option<T>) -> String {
        value.map(|v| v.to_string()).unwrap_or_default()
    }
    let on_time = |done: Option<NaiveDate>, due: NaiveDate| text(done.map(|d| d <= due));
    let decided_on = item.decision.as_ref().and_then(|d| d.communicated_on);
    let facts = &item.facts;
    vec![
        facts.reference.clone(),
        facts.kind.to_string(),
        text(facts.mode),
        text(facts.scope),
        text(facts.direct_marketing),
        facts.channel.to_string(),
        facts.status.to_string(),
        facts.team.to_string(),
        text(facts.assignee),
        facts.received_on.to_string(),
        facts.deadlines.response.to_string(),
        facts.deadlines.execution.to_string(),
        facts.deadlines.legal.to_string(),
        facts.overdue.to_string(),
        facts.suspended_days.to_string(),
        text(item.extension.as_ref().map(|e| e.informed_on)),
        text(item.extension.as_ref().and_then(|e| e.until)),
        text(item.decision.as_ref().map(|d| d.outcome)),
        text(decided_on),
        on_time(
            decided_on,
            decision_due(
                &facts.deadlines,
                item.extension.as_ref().map(|e| e.informed_on),
                decided_on,
            ),
        ),
        text(item.completed_on),
        on_time(item.completed_on, facts.deadlines.execution),
        text(item.closed_on),
        facts
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    ]
}

fn csv_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Bytes, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(&row)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Bytes::from(bytes))
}

/// `Accept: text/csv`: every matching request (same filters and order), streamed in
/// pages, UTF-8 with a header row.
async fn csv_export(state: State, auth: Auth, filter: ListFilter) -> Answer {
    let (first, rest) = service::export(&state.ctx(&auth.0), filter).await?;
    let header = csv_bytes([CSV_COLUMNS.iter().map(|c| c.to_string()).collect()])?;
    let first_chunk = csv_bytes(first.items.iter().map(csv_row))?;
    let rest = rest.map(|page| match page {
        Ok(page) => csv_bytes(page.items.iter().map(csv_row)).map_err(actix_web::Error::from),
        Err(error) => Err(ApiError::from(error).into()),
    });
    let body = futures_util::stream::iter([Ok::<_, actix_web::Error>(header), Ok(first_chunk)]).chain(rest);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"avg-verzoeken.csv\"",
        ))
        .streaming(body))
}
