//! The OpenAPI document (`GET /api/openapi.json`) and the API browser (`/api/docs`).
//!
//! Operations come from the `#[utoipa::path]` attribute on each handler, request bodies
//! from the types the handlers parse, errors from [`Problem`]. Most answers are built
//! with `json!` in the handlers, so their shapes are described by the types in
//! [`schemas`]; the API tests check every answer they receive against these
//! descriptions, and `docs/openapi.json` against the generated document.

use std::sync::OnceLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::problem::PROBLEM_JSON;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "avg-loket",
        description = "Registers and tracks AVG (GDPR) data-subject requests for Dutch care and welfare organisations: intake, lifecycle with legal deadlines, decisions with grounds, a tamper-evident audit trail, reminders, the privacy officer's dashboard and the annual report.\n\nEvery endpoint under `/api/v1` needs `Authorization: Bearer <token>` (a personal token from `avg-loket user add` or `POST /api/v1/users`). Errors are `application/problem+json` (RFC 9457) with the offending fields in `errors`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    paths(
        super::health::healthz,
        super::health::readyz,
        super::metrics::metrics,
        super::requests::list,
        super::requests::register,
        super::requests::get,
        super::requests::by_reference,
        super::requests::act,
        super::requests::events,
        super::teams::list,
        super::teams::create,
        super::teams::get,
        super::users::list,
        super::users::create,
        super::users::me,
        super::users::get,
        super::users::deactivate,
        super::users::issue_token,
        super::users::set_reminders,
        super::users::revoke_token,
        super::reference::refusal_grounds,
        super::reference::deadline_calculator,
        super::reference::holidays,
        super::notifications::list,
        super::dashboard::dashboard,
        super::reports::annual_report,
    ),
    components(schemas(
        super::problem::Problem,
        super::problem::FieldError,
        super::requests::ActionBody,
    )),
    modifiers(&CommonResponses),
    tags(
        (name = "requests", description = "Register requests and take them through their lifecycle"),
        (name = "reference", description = "Refusal grounds and the legal calendar"),
        (name = "oversight", description = "The privacy officer's dashboard, the annual report, mail delivery"),
        (name = "administration", description = "Teams, users and tokens"),
        (name = "operations", description = "Health checks and metrics, no token"),
    ),
)]
pub struct ApiDoc;

/// The bearer scheme, and the errors every operation of a kind can answer, added to
/// every operation instead of being repeated in each attribute.
struct CommonResponses;

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| problem(description));
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token (`avgl_` and 64 hex digits)"))
                    .build(),
            ),
        );
        for (path, item) in openapi.paths.paths.iter_mut() {
            let protected = path.starts_with("/api/v1/");
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                if protected {
                    operation.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
                    add(
                        operation,
                        "401",
                        "No valid token: missing, unknown, revoked or of a deactivated user",
                    );
                    add(operation, "403", "The caller's role may not do this");
                }
                if operation.request_body.is_some() {
                    add(
                        operation,
                        "400",
                        "The body is not JSON, or a field has the wrong type",
                    );
                    add(operation, "413", "The body is larger than 64 KiB");
                    add(operation, "415", "The body is not `application/json`");
                }
                if operation.parameters.as_ref().is_some_and(|p| !p.is_empty())
                    && !operation.responses.responses.contains_key("422")
                {
                    add(
                        operation,
                        "400",
                        "An unknown or repeated query parameter, or a malformed path",
                    );
                }
                add(operation, "500", "A bug: the cause is logged, never shown");
                add(operation, "503", "The database is not available");
            }
        }
    }
}

/// The document, generated once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(ApiDoc::openapi)
}

/// The document as committed in `docs/openapi.json` (pretty, with a final newline).
pub fn document_json() -> String {
    let mut text = document().to_pretty_json().expect("the document serialises");
    text.push('\n');
    text
}

/// `/api/docs` → `/api/docs/`, where the browser's relative links work.
pub async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/api/docs/"))
        .finish()
}

/// Swagger UI, vendored in the binary (no script from elsewhere), at `/api/docs/`;
/// it also serves the document at `/api/openapi.json`.
pub fn swagger_ui() -> SwaggerUi {
    SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", document().clone())
}

/// The shapes of the answers, as the handlers build them.
#[allow(dead_code, clippy::large_enum_variant)]
pub mod schemas {
    use serde_json::Value;
    use utoipa::ToSchema;

    /// Dates are local (Europe/Amsterdam), `YYYY-MM-DD`.
    type Date = String;
    /// Instants are UTC, RFC 3339 (`2026-11-25T09:30:00Z`).
    type Instant = String;

    #[derive(ToSchema)]
    pub struct Health {
        /// `ok` (`/healthz`) or `ready` (`/readyz`).
        pub status: String,
        /// `sqlite` or `postgres` (`/readyz` only).
        pub database: Option<String>,
    }

    /// The deadlines of a request, with paused days and any extension applied.
    #[derive(ToSchema)]
    pub struct Deadlines {
        /// Answer whether the request will be carried out.
        pub response: Date,
        /// Carry it out.
        pub execution: Date,
        /// The legal limit: one month after receipt, or three with an extension.
        pub legal: Date,
    }

    #[derive(ToSchema)]
    pub struct Requester {
        pub name: Option<String>,
        pub email: Option<String>,
        pub phone: Option<String>,
        /// `self`, `parent`, `guardian`, `legal_representative` or `authorised`.
        pub relation: String,
    }

    #[derive(ToSchema)]
    pub struct Subject {
        /// `under_12`, `12_15`, `16_17` or `adult`.
        pub age_band: String,
        pub client_reference: Option<String>,
        pub parents_informed: Option<bool>,
    }

    #[derive(ToSchema)]
    pub struct Pause {
        /// `identity` or `clarification`.
        pub reason: String,
        pub asked_on: Date,
        pub resumed_on: Option<Date>,
    }

    #[derive(ToSchema)]
    pub struct ActivePause {
        pub reason: String,
        pub asked_on: Date,
    }

    #[derive(ToSchema)]
    pub struct Extension {
        pub reason: Option<String>,
        pub informed_on: Date,
        pub until: Option<Date>,
    }

    #[derive(ToSchema)]
    pub struct Decision {
        /// `granted`, `partially_granted` or `refused`.
        pub outcome: String,
        /// Codes from `GET /api/v1/refusal-grounds`.
        pub grounds: Vec<String>,
        pub explanation: Option<String>,
        pub communicated_on: Date,
    }

    #[derive(ToSchema)]
    pub struct Completion {
        pub summary: Option<String>,
        pub completed_on: Date,
        pub recipients_informed: Vec<String>,
        pub recipients_note: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct Withdrawal {
        pub reason: Option<String>,
        pub on: Date,
    }

    /// A request with everything recorded about it. The `ETag` header carries `version`.
    #[derive(ToSchema)]
    pub struct Request {
        pub id: String,
        /// `AVG-YYYY-NNNNN`, gap-free per year of receipt.
        pub reference: String,
        /// `access`, `rectification`, `erasure`, `restriction`, `portability` or `objection`.
        pub kind: String,
        /// Rectification: `correct` or `supplement`.
        pub mode: Option<String>,
        /// Erasure: `data` or `whole_file`.
        pub scope: Option<String>,
        /// Objection: against direct marketing (absolute right).
        pub direct_marketing: Option<bool>,
        /// Restriction: the request it relates to.
        pub related_request: Option<String>,
        pub channel: String,
        /// `received`, `in_assessment`, `awaiting_requester`, `in_execution`, `completed`, `refused` or `withdrawn`.
        pub status: String,
        pub team: String,
        pub assignee: Option<String>,
        pub received_on: Date,
        pub requester: Requester,
        pub subject: Subject,
        pub description: Option<String>,
        pub deadlines: Deadlines,
        pub overdue: bool,
        pub suspended_days: i64,
        pub suspension: Option<ActivePause>,
        pub suspensions: Vec<Pause>,
        pub identity_verified_by: Option<String>,
        pub assessment_note: Option<String>,
        pub extension: Option<Extension>,
        pub decision: Option<Decision>,
        pub completion: Option<Completion>,
        pub withdrawal: Option<Withdrawal>,
        pub version: i64,
        /// What the caller may do next: `POST /api/v1/requests/{id}/actions/{action}`.
        pub allowed_actions: Vec<String>,
        pub created_at: Instant,
        pub updated_at: Instant,
        /// Set once retention removed the personal data and free text.
        pub anonymised_at: Option<Instant>,
    }

    /// What the front desk sees: where a request stands, no personal data.
    #[derive(ToSchema)]
    pub struct RequestStatus {
        pub id: String,
        pub reference: String,
        pub kind: String,
        pub team: String,
        pub status: String,
        pub received_on: Date,
        pub deadlines: Deadlines,
    }

    /// The full request, or for the front desk its status only.
    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum RequestItem {
        Full(Request),
        Status(RequestStatus),
    }

    /// A list item: the workflow facts, or for the front desk the status only.
    #[derive(ToSchema)]
    #[serde(untagged)]
    pub enum RequestListItem {
        Full(RequestSummary),
        Status(RequestStatus),
    }

    #[derive(ToSchema)]
    pub struct ExtensionSummary {
        pub informed_on: Date,
        pub until: Option<Date>,
    }

    #[derive(ToSchema)]
    pub struct DecisionSummary {
        pub outcome: String,
        pub communicated_on: Date,
    }

    /// A list item: the workflow facts, no personal data or free text. The front desk
    /// gets [`RequestStatus`] items instead.
    #[derive(ToSchema)]
    pub struct RequestSummary {
        pub id: String,
        pub reference: String,
        pub kind: String,
        pub mode: Option<String>,
        pub scope: Option<String>,
        pub direct_marketing: Option<bool>,
        pub related_request: Option<String>,
        pub channel: String,
        pub status: String,
        pub team: String,
        pub assignee: Option<String>,
        pub received_on: Date,
        pub deadlines: Deadlines,
        pub overdue: bool,
        /// The deadline still to meet; none once closed.
        pub open_deadline: Option<Date>,
        pub suspended_days: i64,
        pub extension: Option<ExtensionSummary>,
        pub decision: Option<DecisionSummary>,
        pub completed_on: Option<Date>,
        pub closed_on: Option<Date>,
        pub version: i64,
        pub allowed_actions: Vec<String>,
        pub created_at: Instant,
        pub updated_at: Instant,
    }

    #[derive(ToSchema)]
    pub struct RequestPage {
        pub items: Vec<RequestListItem>,
        pub page: i64,
        pub per_page: i64,
        /// All matches of the filter, over all pages, counted up to 10,000.
        pub total: i64,
        /// `false` when there are more than 10,000 matches (`total` is then 10,000).
        pub total_exact: bool,
    }

    /// One entry of the audit trail; `hash` chains it to the one before.
    #[derive(ToSchema)]
    pub struct Event {
        pub seq: i64,
        pub id: String,
        pub request_id: Option<String>,
        /// The user id, or `cli`, `system`, `seed`.
        pub actor: String,
        pub occurred_at: Instant,
        pub action: String,
        pub from_status: Option<String>,
        pub to_status: Option<String>,
        /// Codes, dates and counts of the change: never names or free text.
        pub data: Value,
        pub prev_hash: String,
        pub hash: String,
    }

    #[derive(ToSchema)]
    pub struct EventList {
        pub items: Vec<Event>,
    }

    #[derive(ToSchema)]
    pub struct TeamList {
        pub items: Vec<crate::http::teams::TeamDto>,
    }

    #[derive(ToSchema)]
    pub struct Token {
        pub id: String,
        pub created_at: Instant,
        pub last_used_at: Option<Instant>,
        pub revoked_at: Option<Instant>,
    }

    #[derive(ToSchema)]
    pub struct User {
        pub id: String,
        pub name: String,
        pub email: String,
        /// `front_desk`, `caseworker`, `manager`, `privacy_officer` or `administrator`.
        pub role: String,
        pub teams: Vec<String>,
        pub active: bool,
        /// `each` or `daily_digest`.
        pub reminders: String,
        pub created_at: Instant,
        pub deactivated_at: Option<Instant>,
        /// `GET /api/v1/users/{id}` only.
        pub tokens: Option<Vec<Token>>,
    }

    #[derive(ToSchema)]
    pub struct UserList {
        pub items: Vec<User>,
    }

    /// A new token: the secret is shown only in this answer.
    #[derive(ToSchema)]
    pub struct IssuedToken {
        pub id: String,
        pub user_id: String,
        pub token: String,
        pub created_at: Instant,
        pub note: String,
    }

    #[derive(ToSchema)]
    pub struct CreatedUser {
        pub user: User,
        pub token: IssuedToken,
    }

    #[derive(ToSchema)]
    pub struct Ground {
        pub code: String,
        pub label_nl: String,
        pub label_en: String,
        /// The legal reference (article of the AVG or the UAVG).
        pub reference: String,
        /// The kinds it may be used for.
        pub kinds: Vec<String>,
        /// Valid for every kind.
        pub all_kinds: bool,
        pub note: Option<String>,
    }

    #[derive(ToSchema)]
    pub struct GroundList {
        pub items: Vec<Ground>,
    }

    #[derive(ToSchema)]
    pub struct DeadlineCalculation {
        pub deadline: Date,
        pub received: Date,
        /// The period counted, e.g. `2w`, `4w`, `1m`.
        pub period: String,
        pub paused_days: i64,
        /// `gdpr-nl` or `atw`.
        pub calendar: String,
    }

    #[derive(ToSchema)]
    pub struct Holiday {
        pub date: Date,
        pub weekday: String,
        pub name_nl: String,
        pub name_en: String,
    }

    #[derive(ToSchema)]
    pub struct Holidays {
        pub year: i32,
        pub calendar: String,
        pub note: String,
        pub items: Vec<Holiday>,
    }

    /// A reminder or digest in the outbox.
    #[derive(ToSchema)]
    pub struct Notification {
        pub id: String,
        pub request_id: Option<String>,
        pub recipient_id: String,
        pub recipient_email: String,
        /// `due_soon`, `due_today`, `overdue`, `escalation`, `unassigned` or `digest`.
        pub stage: String,
        pub deadline: Option<String>,
        pub deadline_date: Option<Date>,
        pub subject: String,
        /// `queued`, `sent`, `failed` or `cancelled`.
        pub status: String,
        pub attempts: i32,
        pub next_attempt_at: Instant,
        pub last_error: Option<String>,
        /// The Message-ID of the sent mail.
        pub message_id: Option<String>,
        pub created_at: Instant,
        pub sent_at: Option<Instant>,
    }

    #[derive(ToSchema)]
    pub struct NotificationPage {
        pub items: Vec<Notification>,
        pub page: i64,
        pub per_page: i64,
        pub total: i64,
        /// Rows in the outbox by status.
        pub counts: Value,
    }

    #[derive(ToSchema)]
    pub struct OpenCounts {
        pub total: i64,
        /// Status code → count.
        pub by_status: Value,
        /// Kind code → count.
        pub by_kind: Value,
        /// Team code → count.
        pub by_team: Value,
    }

    #[derive(ToSchema)]
    pub struct OverdueRequest {
        pub id: String,
        pub reference: String,
        pub kind: String,
        pub team: String,
        pub status: String,
        pub assignee: Option<String>,
        /// `response` or `execution`.
        pub deadline: String,
        pub due: Date,
        pub days_overdue: i64,
    }

    #[derive(ToSchema)]
    pub struct Overdue {
        pub total: i64,
        pub response: i64,
        pub execution: i64,
        /// The 20 longest overdue, oldest first.
        pub oldest: Vec<OverdueRequest>,
    }

    #[derive(ToSchema)]
    pub struct KindFigures {
        pub decided: i64,
        pub decided_on_time_share: Option<f64>,
        pub completed: i64,
        pub completed_on_time_share: Option<f64>,
        pub median_days_to_decision: Option<f64>,
        pub median_days_to_completion: Option<f64>,
        pub extensions: i64,
    }

    #[derive(ToSchema)]
    pub struct Window {
        pub since: Date,
        /// Kind code → [`KindFigures`].
        pub per_kind: std::collections::BTreeMap<String, KindFigures>,
    }

    /// The privacy officer's overview, scoped to the teams the caller sees.
    #[derive(ToSchema)]
    pub struct Dashboard {
        pub today: Date,
        /// `all`, or the team codes the caller sees.
        pub scope: Value,
        pub open: OpenCounts,
        pub overdue: Overdue,
        pub due_within_7_days: i64,
        pub suspended: i64,
        pub unassigned: i64,
        pub failed_mails: i64,
        pub last_90_days: Window,
    }

    /// Aggregate figures for funders: counts 1-4 (and any count that would reveal
    /// one) are `"<5"`; shares and medians over fewer than 5 requests are null.
    #[derive(ToSchema)]
    pub struct AnnualReport {
        pub year: i32,
        pub note: String,
        /// All requests received in the year: a number, or `"<5"`.
        pub requests: Value,
        /// Kind code → counts, on-time shares and median handling times.
        pub by_kind: Value,
        /// Team code → the same figures.
        pub by_team: Value,
        /// Outcome → count.
        pub by_outcome: Value,
    }
}
