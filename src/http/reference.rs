//! Reference data and calculators: the refusal-ground catalogue, the deadline
//! calculator and the holidays of a year.

use actix_web::{HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::auth::Auth;
use super::params::Params;
use super::problem::{ApiError, FieldError};
use super::{Answer, State};
use crate::domain::calendar::{Calendar, FIRST_YEAR, LAST_YEAR};
use crate::domain::deadlines::{deadline, Period};
use crate::domain::grounds::{RefusalGround, CATALOGUE};
use crate::domain::kind::KindCode;

/// A refusal ground of the catalogue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroundAnswer {
    pub code: &'static str,
    pub label_nl: &'static str,
    pub label_en: &'static str,
    /// The legal reference (article of the AVG or the UAVG).
    pub reference: &'static str,
    /// The kinds it may be used for.
    pub kinds: Vec<KindCode>,
    /// Valid for every kind.
    pub all_kinds: bool,
    pub note: Option<&'static str>,
}

impl From<&RefusalGround> for GroundAnswer {
    fn from(g: &RefusalGround) -> Self {
        GroundAnswer {
            code: g.code,
            label_nl: g.label_nl,
            label_en: g.label_en,
            reference: g.reference,
            kinds: g.kinds(),
            all_kinds: g.only_for.is_none(),
            note: g.note,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroundList {
    pub items: Vec<GroundAnswer>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineCalculation {
    pub deadline: NaiveDate,
    pub received: NaiveDate,
    /// The period counted, e.g. `14d`, `1m`.
    pub period: String,
    pub paused_days: i64,
    pub calendar: Calendar,
}

/// A day that is not a working day, though not a Saturday or Sunday.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HolidayAnswer {
    pub date: NaiveDate,
    /// In English, lower case (`monday`).
    pub weekday: String,
    pub name_nl: &'static str,
    pub name_en: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Holidays {
    pub year: i32,
    pub calendar: Calendar,
    pub note: &'static str,
    pub items: Vec<HolidayAnswer>,
}

#[utoipa::path(get, path = "/api/v1/refusal-grounds", tag = "reference",
    params(("kind" = Option<String>, Query, description = "Only the grounds valid for this kind")),
    responses(
        (status = 200, description = "The refusal-ground catalogue", body = GroundList),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn refusal_grounds(_auth: Auth, req: HttpRequest) -> Answer {
    let mut params = Params::of(&req)?;
    let kind = params.text("kind");
    let kind = match kind.as_deref().map(KindCode::parse) {
        Some(Err(e)) => {
            params.errors.push(FieldError::new("kind", e.0.en));
            None
        }
        Some(Ok(kind)) => Some(kind),
        None => None,
    };
    params.finish()?;
    let items = CATALOGUE
        .iter()
        .filter(|g| kind.is_none_or(|k| g.applies_to(k)))
        .map(GroundAnswer::from)
        .collect();
    Ok(HttpResponse::Ok().json(GroundList { items }))
}

fn calendar_param(params: &mut Params, default: Calendar) -> Calendar {
    match params.text("calendar").map(|c| Calendar::parse(&c)) {
        Some(Ok(calendar)) => calendar,
        Some(Err(e)) => {
            params.errors.push(FieldError::new("calendar", e.0.en));
            default
        }
        None => default,
    }
}

fn year_in_range(params: &mut Params, field: &'static str, year: i32) -> bool {
    let ok = (FIRST_YEAR..LAST_YEAR).contains(&year);
    if !ok {
        params.errors.push(FieldError::new(
            field,
            format!("the calendar covers {FIRST_YEAR} to {}", LAST_YEAR - 1),
        ));
    }
    ok
}

#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "reference",
    params(
        ("received" = String, Query, description = "Date of receipt (YYYY-MM-DD)"),
        ("days" = Option<i64>, Query, description = "A period in days (give days or months)"),
        ("months" = Option<i64>, Query, description = "A period in months"),
        ("paused_days" = Option<i64>, Query, description = "Days the clock stood still (default 0)"),
        ("calendar" = Option<String>, Query, description = "`gdpr-nl` or `atw` (default: configured)"),
    ),
    responses(
        (status = 200, description = "The deadline, counted the way the law counts", body = DeadlineCalculation),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn deadline_calculator(state: State, _auth: Auth, req: HttpRequest) -> Answer {
    let mut params = Params::of(&req)?;
    let received = params.date("received");
    let days = params.integer("days", 1, 3650);
    let months = params.integer("months", 1, 120);
    let paused_days = params.integer("paused_days", 0, 3650).unwrap_or(0);
    let calendar = calendar_param(&mut params, state.settings.rules.calendar);
    let has = |name: &str| {
        req.query_string()
            .split('&')
            .any(|p| p.split('=').next() == Some(name))
    };
    let period = match (days, months) {
        (Some(n), None) => Some(Period::Days(n as u32)),
        (None, Some(n)) => Some(Period::Months(n as u32)),
        (Some(_), Some(_)) => {
            params
                .errors
                .push(FieldError::new("months", "give days or months, not both"));
            None
        }
        (None, None) => {
            if !has("days") && !has("months") {
                params
                    .errors
                    .push(FieldError::new("days", "give the period as days=N or months=N"));
            }
            None
        }
    };
    if received.is_none() && !has("received") {
        params
            .errors
            .push(FieldError::new("received", "is required (YYYY-MM-DD)"));
    }
    if let Some(date) = received {
        year_in_range(&mut params, "received", date.year());
    }
    params.finish()?;
    let (Some(received), Some(period)) = (received, period) else {
        return Err(ApiError::validation("received", "is required"));
    };
    let due = deadline(received, period, paused_days as u32, calendar);
    Ok(HttpResponse::Ok().json(DeadlineCalculation {
        deadline: due,
        received,
        period: period.to_string(),
        paused_days,
        calendar,
    }))
}

#[utoipa::path(get, path = "/api/v1/calendar/holidays", tag = "reference",
    params(
        ("year" = i32, Query, description = "The year"),
        ("calendar" = Option<String>, Query, description = "`gdpr-nl` or `atw` (default: configured)"),
    ),
    responses(
        (status = 200, description = "The public holidays that are not working days", body = Holidays),
        (status = 422, description = "An unknown, repeated or invalid query parameter", body = crate::http::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn holidays(state: State, _auth: Auth, req: HttpRequest) -> Answer {
    let mut params = Params::of(&req)?;
    let year = params.integer("year", i64::from(FIRST_YEAR), i64::from(LAST_YEAR) - 1);
    let calendar = calendar_param(&mut params, state.settings.rules.calendar);
    if year.is_none() && !params.errors.iter().any(|e| e.field == "year") {
        params
            .errors
            .push(FieldError::new("year", "is required, e.g. year=2026"));
    }
    params.finish()?;
    let year = year.unwrap_or_default() as i32;
    let items = calendar
        .holidays(year)
        .into_iter()
        .map(|h| HolidayAnswer {
            date: h.date,
            weekday: h.date.format("%A").to_string().to_lowercase(),
            name_nl: h.name_nl,
            name_en: h.name_en,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Holidays {
        year,
        calendar,
        note: "Saturdays and Sundays are not working days either; they are not listed.",
        items,
    }))
}
