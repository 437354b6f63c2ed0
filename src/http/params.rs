//! Query-string parameters, parsed one by one so that every error names its parameter
//! and a misspelt parameter is an error instead of a silently ignored filter.

use actix_web::HttpRequest;
use chrono::NaiveDate;

use super::problem::{ApiError, FieldError};
use crate::domain::vocabulary::Code;
use crate::service::input::parse_date;

pub struct Params {
    pairs: Vec<(String, String)>,
    known: Vec<&'static str>,
    pub errors: Vec<FieldError>,
}

impl Params {
    pub fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
            .map_err(|e| ApiError::validation("query", format!("the query string cannot be read: {e}")))?;
        Ok(Params {
            pairs,
            known: Vec::new(),
            errors: Vec::new(),
        })
    }

    /// Every value of `name` (repeated or comma-separated), trimmed, without empties.
    pub fn all(&mut self, name: &'static str) -> Vec<String> {
        self.known.push(name);
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The last non-empty value of `name`.
    pub fn text(&mut self, name: &'static str) -> Option<String> {
        self.known.push(name);
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    }

    pub fn date(&mut self, name: &'static str) -> Option<NaiveDate> {
        let value = self.text(name)?;
        match parse_date(&value) {
            Some(date) => Some(date),
            None => {
                self.errors.push(FieldError::new(
                    name,
                    format!("'{value}' is not a date (YYYY-MM-DD)"),
                ));
                None
            }
        }
    }

    pub fn integer(&mut self, name: &'static str, min: i64, max: i64) -> Option<i64> {
        let value = self.text(name)?;
        match value.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.errors.push(FieldError::new(
                    name,
                    format!("'{value}' is not a whole number from {min} to {max}"),
                ));
                None
            }
        }
    }

    pub fn boolean(&mut self, name: &'static str) -> Option<bool> {
        let value = self.text(name)?;
        match value.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.errors
                    .push(FieldError::new(name, format!("'{value}' is not true or false")));
                None
            }
        }
    }

    /// Every value of `name`, each a code of `T`; a value that is not is an error.
    pub fn codes<T: Code>(&mut self, name: &'static str) -> Vec<T> {
        let mut parsed = Vec::new();
        for value in self.all(name) {
            match T::ALL.iter().find(|c| c.code() == value) {
                Some(code) => parsed.push(*code),
                None => {
                    let known: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
                    self.errors.push(FieldError::new(
                        name,
                        format!(
                            "unknown {} '{value}' (expected {})",
                            T::WHAT,
                            crate::domain::one_of(&known)
                        ),
                    ));
                }
            }
        }
        parsed
    }

    /// Fails with every parameter error, including parameters nobody asked for.
    pub fn finish(mut self) -> Result<(), ApiError> {
        for (name, _) in &self.pairs {
            if !self.known.contains(&name.as_str()) && !self.errors.iter().any(|e| &e.field == name) {
                let known = self.known.join(", ");
                self.errors.push(FieldError::new(
                    name.clone(),
                    format!("unknown parameter (known here: {known})"),
                ));
            }
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

/// The action a path names (`/actions/{action}`), one of the closed set `T`; another
/// word is "not found", naming the actions there are.
pub fn path_action<T: Code>(word: &str) -> Result<T, ApiError> {
    T::ALL.iter().copied().find(|a| a.code() == word).ok_or_else(|| {
        let known: Vec<&str> = T::ALL.iter().map(|a| a.code()).collect();
        ApiError::NotFound(format!(
            "there is no action '{word}'; actions are {}",
            known.join(", ")
        ))
    })
}
