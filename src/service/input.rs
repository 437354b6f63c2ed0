//! What every input shares: the field problems of one input, collected so that a
//! person hears about all of them at once, and the strict date format.

use chrono::NaiveDate;
use uuid::Uuid;

use super::ServiceError;
use crate::domain::vocabulary::Code;
use crate::domain::{one_of, FieldIssue};

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
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldIssue::new(field, message));
    }

    /// The value of `result`, or `None` with its error recorded against `field`.
    pub fn parse<T, E: std::fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|e| self.push(field, e.to_string())).ok()
    }

    /// A code of `T`; an empty value is missing, not unknown.
    pub fn code<T: Code>(&mut self, field: &str, value: &str) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            self.push(field, "is required");
            return None;
        }
        let found = T::ALL.iter().copied().find(|c| c.code() == value);
        if found.is_none() {
            let known: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
            self.push(
                field,
                format!("unknown {} '{value}' (expected {})", T::WHAT, one_of(&known)),
            );
        }
        found
    }

    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        if value.trim().is_empty() {
            self.push(field, "is required (YYYY-MM-DD)");
            return None;
        }
        let parsed = parse_date(value.trim());
        if parsed.is_none() {
            self.push(field, format!("'{value}' is not a date (YYYY-MM-DD)"));
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
            self.push(field, "is required");
            return None;
        }
        let parsed = Uuid::parse_str(value.trim()).ok();
        if parsed.is_none() {
            self.push(field, format!("'{value}' is not an id (UUID)"));
        }
        parsed
    }

    /// Records that `value` was given for a kind it does not belong to.
    pub fn forbid<T>(&mut self, field: &str, value: &Option<T>, only_for: &str) {
        if value.is_some() {
            self.push(field, format!("only for a request of kind {only_for}"));
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
