//! The OpenAPI document (`GET /api/openapi.json`) and the API browser (`/api/docs`).
//!
//! Operations come from the `#[utoipa::path]` attribute on each handler; request bodies
//! and answers from the types the handlers read and write (they derive `ToSchema`);
//! errors from [`Problem`](super::problem::Problem). Every closed set of codes brings
//! its values from its own Rust enum (`domain::code_enum!`). Nothing here describes an
//! answer by hand: the API tests check every answer they receive against this
//! document (enum values included), and `docs/openapi.json` against the generated one.

use std::sync::OnceLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::json::MAX_BODY_BYTES;
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
        super::letters::list,
        super::letters::create,
        super::letters::get,
        super::letters::update,
        super::letters::discard,
        super::letters::pdf,
        super::letters::send,
        super::letters::finalise,
        super::systems::list,
        super::systems::create,
        super::systems::get,
        super::systems::change,
        super::systems::rotate_secret,
        super::tasks::of_request,
        super::tasks::mine,
        super::tasks::act,
        super::tasks::report,
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
    )),
    modifiers(&CommonResponses),
    tags(
        (name = "requests", description = "Register requests and take them through their lifecycle"),
                (name = "letters", description = "Letters to the requester: drafted from the request, checked for what the law requires, sent by post or e-mail as PDF/A, kept as proof"),
        (name = "systems", description = "The register of systems that hold clients' data, each with its owner (the privacy officer's)"),
        (name = "tasks", description = "Carrying a request out in every system: one task per system, closed by its owner or the system's signed report; a request is completed when none is open"),
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
            // A system's report is signed instead (`X-Avg-Signature`).
            let protected = path.starts_with("/api/v1/") && !path.ends_with("/report");
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
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
                    add(
                        operation,
                        "429",
                        "Too many wrong tokens from this client address: wait the seconds of `Retry-After`",
                    );
                }
                if operation.request_body.is_some() {
                    add(
                        operation,
                        "400",
                        "The body is not JSON, or a field has the wrong type",
                    );
                    add(
                        operation,
                        "413",
                        &format!("The body is larger than {} KiB", MAX_BODY_BYTES / 1024),
                    );
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
