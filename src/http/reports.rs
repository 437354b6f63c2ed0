//! `GET /api/v1/reports/annual?year=Y`: anonymous aggregate figures for funders
//! (municipalities), with small cells suppressed; JSON or `Accept: text/csv`.

use actix_web::{HttpRequest, HttpResponse};

use super::auth::Auth;
use super::params::Params;
use super::problem::{ApiError, FieldError};
use super::{Answer, State};
use crate::domain::report::ReportYear;
use crate::service::reports::{self, AnnualReport};
use crate::web::download::{download, wants_csv};

#[utoipa::path(get, path = "/api/v1/reports/annual", tag = "oversight",
    params(("year" = i32, Query, description = "The year of receipt")),
    responses(
        (status = 200, description = "Aggregate figures for funders, small cells suppressed; with `Accept: text/csv` as CSV", content(
            (AnnualReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn annual_report(state: State, auth: Auth, req: HttpRequest) -> Answer {
    // The question is checked before who asks it, as for every list: a bad year is
    // 422 for everyone, and only a good one meets the 403.
    let mut params = Params::of(&req)?;
    let year = params.integer("year", ReportYear::FIRST.into(), ReportYear::LAST.into());
    if year.is_none() && !params.errors.iter().any(|e| e.field == "year") {
        params
            .errors
            .push(FieldError::new("year", "is required, e.g. year=2026"));
    }
    params.finish()?;
    let year = ReportYear::new(year.unwrap_or_default()).map_err(|e| ApiError::validation("year", e.0.en))?;
    auth.0.may_read_reports()?;
    let report = reports::annual_report(&state.db, &auth.0, year).await?;
    if wants_csv(&req) {
        return Ok(download(
            &format!("avg-jaarverslag-{}.csv", report.year),
            "text/csv; charset=utf-8",
            reports::csv(&report)?,
        ));
    }
    Ok(HttpResponse::Ok().json(report))
}
