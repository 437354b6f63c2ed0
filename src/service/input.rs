//! What every input shares: the field problems of one input, collected so that a
//! person hears about all of them at once, and the strict date format.

use chrono::NaiveDate;
use uuid::Uuid;

use super::ServiceError;
use crate::domain::vocabulary::Code;
use crate::domain::{FieldIssue, Invalid, Message};

/// A strict `YYYY-MM-DD`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    if value.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

/// Collects the field problems of one input, by the field's API name.
#[derive(Debug, Default)]
pub struct Issues(pub Vec<FieldIssue>);

impl Issues {
    pub fn push(&mut self, field: impl Into<String>, en: impl Into<String>, nl: impl Into<String>) {
        self.0.push(FieldIssue::new(field, en, nl));
    }

    /// The value of `result`, or `None` with its error recorded against `field`.
    pub fn parse<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        result.map_err(|e| self.0.push(FieldIssue::of(field, e.0))).ok()
    }

    /// A code of `T`; an empty value is missing, not unknown.
    pub fn code<T: Code>(&mut self, field: &str, value: &str) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            self.0.push(FieldIssue::of(field, Message::required()));
            return None;
        }
        let found = T::ALL.iter().copied().find(|c| c.code() == value);
        if found.is_none() {
            self.0.push(FieldIssue::of(field, T::unknown(value).0));
        }
        found
    }

    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        if value.trim().is_empty() {
            self.push(
                field,
                "is required (YYYY-MM-DD)",
                "vul een datum in, bijvoorbeeld 27-11-2026",
            );
            return None;
        }
        let parsed = parse_date(value.trim());
        if parsed.is_none() {
            self.push(
                field,
                format!("'{value}' is not a date (YYYY-MM-DD)"),
                format!("‘{value}’ is geen datum; schrijf de datum zo: 27-11-2026"),
            );
        }
        parsed
    }

    /// An optional date: `Some(None)` when absent, `None` when present and invalid.
    pub fn optional_date(&mut self, field: &str, value: Option<&str>) -> Option<Option<NaiveDate>> {
        match value {
            Some(value) => self.date(field, value).map(Some),
            None => Some(None),
        }
    }

    pub fn uuid(&mut self, field: &str, value: &str) -> Option<Uuid> {
        if value.trim().is_empty() {
            self.0.push(FieldIssue::of(field, Message::required()));
            return None;
        }
        let parsed = Uuid::parse_str(value.trim()).ok();
        if parsed.is_none() {
            self.push(
                field,
                format!("'{value}' is not an id (UUID)"),
                format!("'{value}' is geen geldige keuze"),
            );
        }
        parsed
    }

    /// Records that `value` was given for a kind it does not belong to.
    pub fn forbid<T>(&mut self, field: &str, value: &Option<T>, only_for: &str) {
        if value.is_some() {
            self.push(
                field,
                format!("only for a request of kind {only_for}"),
                "hoort niet bij deze soort verzoek",
            );
        }
    }

    /// `value` when nothing was wrong; otherwise every problem.
    pub fn into_result<T>(self, value: Option<T>) -> Result<T, ServiceError> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(ServiceError::Invalid(self.0)),
        }
    }
}
