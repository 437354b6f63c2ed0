//! `/api/v1/requests`: register, list, read, act, and the audit events of one request.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::auth::Auth;
use super::json::{self, Json};
use super::params::{parse_date, Params};
use super::problem::{ApiError, FieldError};
use super::{instant, AppState};
use crate::clock;
use crate::domain::access::View;
use crate::domain::audit::AuditEvent;
use crate::domain::intake::{
    check_email, check_past_date, check_phone, check_representation, gdpr_start, optional_text,
    required_text, AgeBand, Channel, Intake, Relation, Requester, Subject,
};
use crate::domain::kind::{ErasureScope, Kind, KindCode, RectificationMode};
use crate::domain::request::{ActionName, Command, IdentityCheck, Outcome, Request, Status, SuspendReason};
use crate::domain::team::TeamCode;
use crate::domain::FieldIssue;
use crate::service::requests::{self as service, Registration, RequestView};
use crate::storage::requests::{ListFilter, RequestRecord, Sort};

const MAX_NAME: usize = 200;
const MAX_CLIENT_REFERENCE: usize = 64;
const MAX_DESCRIPTION: usize = 10_000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    pub kind: String,
    pub channel: String,
    pub received_on: Option<String>,
    pub team: String,
    pub requester: RequesterBody,
    pub subject: SubjectBody,
    pub description: Option<String>,
    pub mode: Option<String>,
    pub scope: Option<String>,
    pub direct_marketing: Option<bool>,
    pub related_request: Option<String>,
    pub assignee: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterBody {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub relation: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectBody {
    pub age_band: String,
    pub client_reference: Option<String>,
    pub parents_informed: Option<bool>,
}

/// Collects the field errors of one input.
#[derive(Default)]
struct Issues(Vec<FieldIssue>);

impl Issues {
    fn parse<T, E: std::fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result
            .map_err(|e| self.0.push(FieldIssue::new(field, e.to_string())))
            .ok()
    }

    fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let parsed = parse_date(value.trim());
        if parsed.is_none() {
            self.0.push(FieldIssue::new(
                field,
                format!("'{value}' is not a date (YYYY-MM-DD)"),
            ));
        }
        parsed
    }

    fn uuid(&mut self, field: &str, value: &str) -> Option<Uuid> {
        let parsed = Uuid::parse_str(value.trim()).ok();
        if parsed.is_none() {
            self.0
                .push(FieldIssue::new(field, format!("'{value}' is not an id (UUID)")));
        }
        parsed
    }

    fn forbid<T>(&mut self, field: &str, value: &Option<T>, only_for: &str) {
        if value.is_some() {
            self.0.push(FieldIssue::new(
                field,
                format!("only for a request of kind {only_for}"),
            ));
        }
    }

    fn into_result<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(ApiError::Validation(
                self.0
                    .into_iter()
                    .map(|i| FieldError::new(i.field, i.message))
                    .collect(),
            )),
        }
    }
}

impl RegisterBody {
    /// Parses the body into a registration, listing every field that is wrong.
    pub fn parse(self, today: NaiveDate) -> Result<Registration, ApiError> {
        let mut issues = Issues::default();
        let kind_code = issues.parse("kind", KindCode::parse(self.kind.trim()));
        let kind = kind_code.and_then(|code| {
            if code != KindCode::Rectification {
                issues.forbid("mode", &self.mode, "rectification");
            }
            if code != KindCode::Erasure {
                issues.forbid("scope", &self.scope, "erasure");
            }
            if code != KindCode::Objection {
                issues.forbid("direct_marketing", &self.direct_marketing, "objection");
            }
            if code != KindCode::Restriction {
                issues.forbid("related_request", &self.related_request, "restriction");
            }
            match code {
                KindCode::Access => Some(Kind::Access),
                KindCode::Portability => Some(Kind::Portability),
                KindCode::Rectification => match &self.mode {
                    None => {
                        issues.0.push(FieldIssue::new(
                            "mode",
                            "is required for rectification (correct or supplement)",
                        ));
                        None
                    }
                    Some(mode) => issues
                        .parse("mode", RectificationMode::parse(mode.trim()))
                        .map(|mode| Kind::Rectification { mode }),
                },
                KindCode::Erasure => match &self.scope {
                    None => {
                        issues.0.push(FieldIssue::new(
                            "scope",
                            "is required for erasure (data or whole_file)",
                        ));
                        None
                    }
                    Some(scope) => issues
                        .parse("scope", ErasureScope::parse(scope.trim()))
                        .map(|scope| Kind::Erasure { scope }),
                },
                KindCode::Objection => Some(Kind::Objection {
                    direct_marketing: self.direct_marketing.unwrap_or(false),
                }),
                KindCode::Restriction => match &self.related_request {
                    None => Some(Kind::Restriction {
                        related_request: None,
                    }),
                    Some(id) => issues.uuid("related_request", id).map(|id| Kind::Restriction {
                        related_request: Some(id),
                    }),
                },
            }
        });
        let channel = issues.parse("channel", Channel::parse(self.channel.trim()));
        let received_on = match &self.received_on {
            Some(value) => issues.date("received_on", value),
            None => Some(today),
        };
        if let Some(date) = received_on {
            check_past_date(
                "received_on",
                date,
                gdpr_start(),
                "the day the GDPR took effect",
                today,
                &mut issues.0,
            );
        }
        let team = issues.parse("team", TeamCode::parse(&self.team));
        let name = required_text(
            "requester.name",
            Some(&self.requester.name),
            MAX_NAME,
            &mut issues.0,
        );
        let email = optional_text(
            "requester.email",
            self.requester.email.as_deref(),
            254,
            &mut issues.0,
        );
        if let Some(email) = &email {
            check_email("requester.email", email, &mut issues.0);
        }
        let phone = optional_text(
            "requester.phone",
            self.requester.phone.as_deref(),
            40,
            &mut issues.0,
        );
        if let Some(phone) = &phone {
            check_phone("requester.phone", phone, &mut issues.0);
        }
        let relation = issues.parse(
            "requester.relation",
            Relation::parse(self.requester.relation.trim()),
        );
        let age_band = issues.parse("subject.age_band", AgeBand::parse(self.subject.age_band.trim()));
        let client_reference = optional_text(
            "subject.client_reference",
            self.subject.client_reference.as_deref(),
            MAX_CLIENT_REFERENCE,
            &mut issues.0,
        );
        let description = optional_text(
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION,
            &mut issues.0,
        );
        let assignee = match &self.assignee {
            Some(id) => issues.uuid("assignee", id).map(Some),
            None => Some(None),
        };
        let registration = (|| {
            let requester = Requester {
                name: name?,
                email,
                phone,
                relation: relation?,
            };
            let subject = Subject {
                age_band: age_band?,
                client_reference,
                parents_informed: self.subject.parents_informed,
            };
            Some(Registration {
                kind: kind?,
                received_on: received_on?,
                team: team?.as_str().to_string(),
                assignee: assignee?,
                intake: Intake {
                    channel: channel?,
                    requester,
                    subject,
                    description,
                },
            })
        })();
        if let Some(registration) = &registration {
            issues.0.extend(check_representation(
                &registration.intake.requester,
                &registration.intake.subject,
            ));
        }
        issues.into_result(registration)
    }
}

fn etag(version: i64) -> String {
    format!("\"{version}\"")
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

fn kind_json(kind: &Kind) -> Value {
    match kind {
        Kind::Rectification { mode } => json!({"mode": mode.code()}),
        Kind::Erasure { scope } => json!({"scope": scope.code()}),
        Kind::Objection { direct_marketing } => json!({"direct_marketing": direct_marketing}),
        Kind::Restriction { related_request } => json!({"related_request": related_request}),
        Kind::Access | Kind::Portability => json!({}),
    }
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(base_map), Value::Object(extra_map)) = (base.as_object_mut(), extra) {
        base_map.extend(extra_map);
    }
    base
}

/// The full request, as `GET /api/v1/requests/{id}` and every action answer it.
pub fn request_json(view: &RequestView) -> Value {
    let stored = &view.stored;
    let r: &Request = &stored.request;
    let intake = &stored.intake;
    let suspension = r
        .active_suspension()
        .map(|s| json!({"reason": s.reason, "asked_on": s.asked_on}));
    let base = json!({
        "id": r.id,
        "reference": r.reference,
        "kind": r.kind.code(),
        "mode": null,
        "scope": null,
        "direct_marketing": null,
        "related_request": null,
        "channel": intake.channel,
        "status": r.status,
        "team": r.team,
        "assignee": r.assignee,
        "received_on": r.received_on,
        "requester": {
            "name": (!intake.requester.name.is_empty()).then_some(&intake.requester.name),
            "email": intake.requester.email,
            "phone": intake.requester.phone,
            "relation": intake.requester.relation,
        },
        "subject": {
            "age_band": intake.subject.age_band,
            "client_reference": intake.subject.client_reference,
            "parents_informed": intake.subject.parents_informed,
        },
        "description": intake.description,
        "deadlines": view.deadlines,
        "overdue": view.overdue,
        "suspended_days": r.paused_days(),
        "suspension": suspension,
        "suspensions": r.suspensions.iter().map(|s| json!({
            "reason": s.reason, "asked_on": s.asked_on, "resumed_on": s.resumed_on,
        })).collect::<Vec<_>>(),
        "identity_verified_by": r.identity_verified_by,
        "assessment_note": r.assessment_note,
        "extension": r.extension.as_ref().map(|e| json!({
            "reason": e.reason, "informed_on": e.informed_on, "until": e.until,
        })),
        "decision": r.decision.as_ref().map(|d| json!({
            "outcome": d.outcome, "grounds": d.grounds, "explanation": d.explanation,
            "communicated_on": d.communicated_on,
        })),
        "completion": r.completion.as_ref().map(|c| json!({
            "summary": c.summary, "completed_on": c.completed_on,
            "recipients_informed": c.recipients_informed, "recipients_note": c.recipients_note,
        })),
        "withdrawal": r.withdrawal.as_ref().map(|w| json!({"reason": w.reason, "on": w.on})),
        "version": r.version,
        "allowed_actions": view.allowed_actions,
        "created_at": instant(stored.created_at.naive_utc()),
        "updated_at": instant(stored.updated_at.naive_utc()),
        "anonymised_at": stored.anonymised_at.map(|at| instant(at.naive_utc())),
    });
    merge(base, kind_json(&r.kind))
}

/// A list item: the workflow facts, no personal data or free text.
fn summary_json(record: &RequestRecord, today: NaiveDate) -> Value {
    let allowed: Vec<&str> = Status::parse(&record.status)
        .ok()
        .map(|status| {
            let stub = Request {
                status,
                extension: record.extension_informed_on.map(|informed_on| {
                    crate::domain::request::Extension {
                        reason: String::new(),
                        informed_on,
                        until: None,
                    }
                }),
                ..Request::received(
                    Uuid::nil(),
                    String::new(),
                    Kind::Access,
                    String::new(),
                    record.assignee.as_ref().map(|_| Uuid::nil()),
                    record.received_on,
                )
            };
            stub.allowed_actions().into_iter().map(ActionName::code).collect()
        })
        .unwrap_or_default();
    json!({
        "id": record.id,
        "reference": record.reference,
        "kind": record.kind,
        "mode": record.mode,
        "scope": record.scope,
        "direct_marketing": record.direct_marketing,
        "related_request": record.related_request,
        "channel": record.channel,
        "status": record.status,
        "team": record.team,
        "assignee": record.assignee,
        "received_on": record.received_on,
        "deadlines": record.deadlines(),
        "overdue": record.is_overdue(today),
        "open_deadline": record.open_due,
        "suspended_days": record.paused_days,
        "extension": record.extension_informed_on.map(|informed_on| json!({
            "informed_on": informed_on, "until": record.extension_until,
        })),
        "decision": record.outcome.as_ref().map(|outcome| json!({
            "outcome": outcome, "communicated_on": record.decided_on,
        })),
        "completed_on": record.completed_on,
        "closed_on": record.closed_on,
        "version": record.version,
        "allowed_actions": allowed,
        "created_at": instant(record.created_at),
        "updated_at": instant(record.updated_at),
    })
}

/// What the front desk sees: enough to tell a caller where their request stands.
pub fn status_json(view: &RequestView) -> Value {
    let r = &view.stored.request;
    json!({
        "id": r.id,
        "reference": r.reference,
        "kind": r.kind.code(),
        "team": r.team,
        "status": r.status,
        "received_on": r.received_on,
        "deadlines": view.deadlines,
    })
}

fn status_summary_json(record: &RequestRecord) -> Value {
    json!({
        "id": record.id,
        "reference": record.reference,
        "kind": record.kind,
        "team": record.team,
        "status": record.status,
        "received_on": record.received_on,
        "deadlines": record.deadlines(),
    })
}

fn respond(mut response: actix_web::HttpResponseBuilder, view: &RequestView, sight: View) -> HttpResponse {
    match sight {
        View::Full => {
            if let Ok(value) = HeaderValue::from_str(&etag(view.stored.request.version)) {
                response.insert_header((header::ETAG, value));
            }
            response.json(request_json(view))
        }
        View::Status => response.json(status_json(view)),
    }
}

#[utoipa::path(post, path = "/api/v1/requests", tag = "requests",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "Registered; `Location` names the new request. The front desk gets its status and deadlines only", body = crate::http::openapi::schemas::RequestItem),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
    let now = clock::now();
    let registration = body.0.parse(state.rules.today(now))?;
    let (view, sight) = service::register(&state.db, &state.rules, &auth.0, registration, now).await?;
    tracing::info!(
        request_id = %view.stored.request.id,
        reference = %view.stored.request.reference,
        kind = view.stored.request.kind.code().code(),
        "request registered"
    );
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/requests/{}", view.stored.request.id),
    ));
    Ok(respond(response, &view, sight))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = String, Path, description = "The request's id (UUID)")),
    responses(
        (status = 200, description = "The request (the front desk gets its status only); `ETag` carries its version", body = crate::http::openapi::schemas::RequestItem),
        (status = 404, description = "No such request, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (view, sight) = service::get(&state.db, &state.rules, &auth.0, &id, clock::now()).await?;
    Ok(respond(HttpResponse::Ok(), &view, sight))
}

#[utoipa::path(get, path = "/api/v1/requests/by-reference/{reference}", tag = "requests",
    params(("reference" = String, Path, description = "`AVG-YYYY-NNNNN`")),
    responses(
        (status = 200, description = "The request (the front desk gets its status only)", body = crate::http::openapi::schemas::RequestItem),
        (status = 404, description = "No such request, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
/// `GET /api/v1/requests/by-reference/{reference}`: the front desk's look-up.
pub async fn by_reference(
    state: web::Data<AppState>,
    auth: Auth,
    reference: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (view, sight) =
        service::by_reference(&state.db, &state.rules, &auth.0, &reference, clock::now()).await?;
    Ok(respond(HttpResponse::Ok(), &view, sight))
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests",
    params(
        ("status" = Option<Vec<String>>, Query, description = "Status code; repeat for several"),
        ("kind" = Option<Vec<String>>, Query, description = "Kind code; repeat for several"),
        ("team" = Option<Vec<String>>, Query, description = "Team code; repeat for several"),
        ("assignee" = Option<String>, Query, description = "User id (UUID)"),
        ("overdue" = Option<bool>, Query, description = "`true`: only requests past the deadline they still have to meet"),
        ("due_before" = Option<String>, Query, description = "Open deadline before this date (YYYY-MM-DD)"),
        ("received_from" = Option<String>, Query, description = "Received on or after (YYYY-MM-DD)"),
        ("received_to" = Option<String>, Query, description = "Received on or before (YYYY-MM-DD)"),
        ("reference" = Option<String>, Query, description = "Exact reference"),
        ("sort" = Option<String>, Query, description = "`received_on` (default `-received_on`), `reference`, `response_due`, `execution_due`, `legal_due` or `open_due`; `-` for descending"),
        ("page" = Option<i64>, Query, description = "From 1 (default 1)"),
        ("per_page" = Option<i64>, Query, description = "1-500 (default 50)"),
    ),
    responses(
        (status = 200, description = "One page of matching requests the caller may see. With `Accept: text/csv`: all matches as CSV (codes and dates, no free text)", content(
            (crate::http::openapi::schemas::RequestPage = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let today = state.rules.today(clock::now());
    let mut params = Params::of(&req)?;
    let statuses = params.all("status");
    let kinds = params.all("kind");
    let teams = params.all("team");
    for status in &statuses {
        if let Err(e) = Status::parse(status) {
            params.errors.push(FieldError::new("status", e.0));
        }
    }
    for kind in &kinds {
        if let Err(e) = KindCode::parse(kind) {
            params.errors.push(FieldError::new("kind", e.0));
        }
    }
    let assignee = params.text("assignee");
    if let Some(a) = &assignee {
        if Uuid::parse_str(a).is_err() {
            params
                .errors
                .push(FieldError::new("assignee", format!("'{a}' is not an id (UUID)")));
        }
    }
    let overdue = params.boolean("overdue");
    let filter = ListFilter {
        statuses,
        kinds,
        teams,
        assignee: assignee
            .and_then(|a| Uuid::parse_str(&a).ok())
            .map(|u| u.to_string()),
        overdue_on: (overdue == Some(true)).then_some(today),
        due_before: params.date("due_before"),
        received_from: params.date("received_from"),
        received_to: params.date("received_to"),
        reference: params.text("reference"),
        visible_teams: None,
        sort: Sort::default(),
    };
    let mut filter = filter;
    if let Some(sort) = params.text("sort") {
        match Sort::parse(&sort) {
            Some(parsed) => filter.sort = parsed,
            None => params.errors.push(FieldError::new(
                "sort",
                format!(
                    "cannot sort by '{sort}' (expected one of {}, with - for descending)",
                    Sort::KEYS.join(", ")
                ),
            )),
        }
    }
    if overdue == Some(false) {
        params.errors.push(FieldError::new(
            "overdue",
            "only overdue=true filters; leave it out for all requests",
        ));
    }
    let page = params.integer("page", 1, 1_000_000).unwrap_or(1);
    let per_page = params.integer("per_page", 1, 500).unwrap_or(50);
    params.finish()?;
    if wants_csv(&req) {
        return csv_export(state, auth, filter, today).await;
    }
    let (records, total, sight) = service::list(&state.db, &auth.0, filter, page, per_page).await?;
    let items: Vec<Value> = records
        .iter()
        .map(|r| match sight {
            View::Full => summary_json(r, today),
            View::Status => status_summary_json(r),
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total.count,
        "total_exact": total.exact,
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssignBody {
    assignee: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartAssessmentBody {
    identity_verified_by: String,
    note: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SuspendBody {
    reason: String,
    asked_on: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResumeBody {
    received_on: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtendBody {
    reason: Option<String>,
    informed_on: String,
    until: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecideBody {
    outcome: String,
    #[serde(default)]
    grounds: Vec<String>,
    explanation: Option<String>,
    communicated_on: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompleteBody {
    summary: Option<String>,
    #[serde(default)]
    recipients_informed: Vec<String>,
    recipients_note: Option<String>,
    completed_on: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawBody {
    reason: Option<String>,
    on: String,
}

/// The body of an action, one shape per action (for the OpenAPI document; the
/// handler parses the shape the action in the path names).
#[derive(utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum ActionBody {
    Assign(AssignBody),
    StartAssessment(StartAssessmentBody),
    Suspend(SuspendBody),
    Resume(ResumeBody),
    Extend(ExtendBody),
    Decide(DecideBody),
    Complete(CompleteBody),
    Withdraw(WithdrawBody),
}

/// Parses the body of `action` into a command.
pub(crate) fn command(action: ActionName, body: &Bytes) -> Result<Command, ApiError> {
    let mut issues = Issues::default();
    let command = match action {
        ActionName::Assign => {
            let b: AssignBody = json::parse(body)?;
            issues
                .uuid("assignee", &b.assignee)
                .map(|assignee| Command::Assign { assignee })
        }
        ActionName::StartAssessment => {
            let b: StartAssessmentBody = json::parse(body)?;
            issues
                .parse(
                    "identity_verified_by",
                    IdentityCheck::parse(b.identity_verified_by.trim()),
                )
                .map(|identity_verified_by| Command::StartAssessment {
                    identity_verified_by,
                    note: b.note,
                })
        }
        ActionName::Suspend => {
            let b: SuspendBody = json::parse(body)?;
            let reason = issues.parse("reason", SuspendReason::parse(b.reason.trim()));
            let asked_on = issues.date("asked_on", &b.asked_on);
            reason
                .zip(asked_on)
                .map(|(reason, asked_on)| Command::Suspend { reason, asked_on })
        }
        ActionName::Resume => {
            let b: ResumeBody = json::parse(body)?;
            issues
                .date("received_on", &b.received_on)
                .map(|received_on| Command::Resume { received_on })
        }
        ActionName::Extend => {
            let b: ExtendBody = json::parse(body)?;
            let informed_on = issues.date("informed_on", &b.informed_on);
            let until = match &b.until {
                Some(value) => issues.date("until", value).map(Some),
                None => Some(None),
            };
            informed_on
                .zip(until)
                .map(|(informed_on, until)| Command::Extend {
                    reason: b.reason,
                    informed_on,
                    until,
                })
        }
        ActionName::Decide => {
            let b: DecideBody = json::parse(body)?;
            let outcome = issues.parse("outcome", Outcome::parse(b.outcome.trim()));
            let communicated_on = issues.date("communicated_on", &b.communicated_on);
            outcome
                .zip(communicated_on)
                .map(|(outcome, communicated_on)| Command::Decide {
                    outcome,
                    grounds: b.grounds.iter().map(|g| g.trim().to_string()).collect(),
                    explanation: b.explanation,
                    communicated_on,
                })
        }
        ActionName::Complete => {
            let b: CompleteBody = json::parse(body)?;
            let completed_on = match &b.completed_on {
                Some(value) => issues.date("completed_on", value).map(Some),
                None => Some(None),
            };
            completed_on.map(|completed_on| Command::Complete {
                summary: b.summary,
                recipients_informed: b.recipients_informed,
                recipients_note: b.recipients_note,
                completed_on,
            })
        }
        ActionName::Withdraw => {
            let b: WithdrawBody = json::parse(body)?;
            issues
                .date("on", &b.on)
                .map(|on| Command::Withdraw { reason: b.reason, on })
        }
    };
    issues.into_result(command)
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/actions/{action}", tag = "requests",
    params(
        ("id" = String, Path, description = "The request's id (UUID)"),
        ("action" = String, Path, description = "`assign`, `start_assessment`, `suspend`, `resume`, `extend`, `decide`, `complete` or `withdraw`; `allowed_actions` of the request lists those possible now"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last seen: the action is refused if the request changed since"),
    ),
    request_body(content = ActionBody, description = "The fields of the action"),
    responses(
        (status = 200, description = "The request after the action", body = crate::http::openapi::schemas::RequestItem),
        (status = 404, description = "No such request or action, or not a request the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The action is not possible in the request's state; `allowed_actions` lists what is", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version; `current_version` gives the current one", body = crate::http::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in `errors`", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn act(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = path.into_inner();
    let action = ActionName::parse(&action).map_err(|_| {
        let known: Vec<&str> = ActionName::ALL.iter().map(|a| a.code()).collect();
        ApiError::NotFound(format!(
            "there is no action '{action}'; actions are {}",
            known.join(", ")
        ))
    })?;
    if !json::is_json(req.content_type()) {
        let shown = if req.content_type().is_empty() {
            "none"
        } else {
            req.content_type()
        };
        return Err(ApiError::UnsupportedMediaType(shown.to_string()));
    }
    let expected = if_match(&req)?;
    let command = command(action, &body)?;
    let view = service::act(
        &state.db,
        &state.rules,
        &auth.0,
        &id,
        command,
        expected,
        clock::now(),
    )
    .await?;
    tracing::info!(
        request_id = %view.stored.request.id,
        action = action.code(),
        status = view.stored.request.status.code(),
        "action taken"
    );
    Ok(respond(
        HttpResponse::Ok(),
        &view,
        auth.0.view_of(&view.stored.request.team).unwrap_or(View::Status),
    ))
}

fn event_json(event: &AuditEvent) -> Value {
    json!({
        "seq": event.seq,
        "id": event.id,
        "request_id": event.request_id,
        "actor": event.actor,
        "occurred_at": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "data": serde_json::from_str::<Value>(&event.data).unwrap_or(Value::Null),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    })
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/events", tag = "requests",
    params(("id" = String, Path, description = "The request's id (UUID)")),
    responses(
        (status = 200, description = "The request's audit trail, oldest first", body = crate::http::openapi::schemas::EventList),
        (status = 404, description = "No such request, or not one the caller may see", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let events = service::events(&state.db, &auth.0, &id).await?;
    let items: Vec<Value> = events.iter().map(event_json).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// Did the client ask for CSV (`Accept: text/csv`)?
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
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

fn csv_row(record: &RequestRecord, today: NaiveDate) -> Vec<String> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let on_time =
        |done: Option<NaiveDate>, due: NaiveDate| done.map(|d| (d <= due).to_string()).unwrap_or_default();
    vec![
        record.reference.clone(),
        record.kind.clone(),
        text(&record.mode),
        text(&record.scope),
        record.direct_marketing.map(|d| d.to_string()).unwrap_or_default(),
        record.channel.clone(),
        record.status.clone(),
        record.team.clone(),
        text(&record.assignee),
        record.received_on.to_string(),
        record.response_due.to_string(),
        record.execution_due.to_string(),
        record.legal_due.to_string(),
        record.is_overdue(today).to_string(),
        record.paused_days.to_string(),
        date(record.extension_informed_on),
        date(record.extension_until),
        text(&record.outcome),
        date(record.decided_on),
        on_time(record.decided_on, record.response_due),
        date(record.completed_on),
        on_time(record.completed_on, record.execution_due),
        date(record.closed_on),
        instant(record.created_at),
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
async fn csv_export(
    state: web::Data<AppState>,
    auth: Auth,
    filter: ListFilter,
    today: NaiveDate,
) -> Result<HttpResponse, ApiError> {
    const PAGE: i64 = 1000;
    if auth.0.list_scope() == crate::domain::access::ListScope::ByReferenceOnly {
        return Err(ApiError::Forbidden(
            "the CSV export is for the organisation's records, not the front desk".into(),
        ));
    }
    // The first page is read before answering, so an error is still a problem+json.
    let (first, _, _) = service::list(&state.db, &auth.0, filter.clone(), 1, PAGE).await?;
    let header = csv_bytes([CSV_COLUMNS.iter().map(|c| c.to_string()).collect()])?;
    let first_chunk = csv_bytes(first.iter().map(|r| csv_row(r, today)))?;
    let more = first.len() as i64 == PAGE;
    let caller = auth.0.clone();
    let rest = futures_util::stream::unfold((2_i64, more), move |(page, more)| {
        let (state, caller, filter) = (state.clone(), caller.clone(), filter.clone());
        async move {
            if !more {
                return None;
            }
            match service::list(&state.db, &caller, filter, page, PAGE).await {
                Ok((records, _, _)) => {
                    let more = records.len() as i64 == PAGE;
                    let chunk = csv_bytes(records.iter().map(|r| csv_row(r, today)));
                    Some((chunk.map_err(actix_web::Error::from), (page + 1, more)))
                }
                Err(error) => {
                    tracing::error!(%error, "CSV export stopped");
                    Some((Err(ApiError::from(error).into()), (page, false)))
                }
            }
        }
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
