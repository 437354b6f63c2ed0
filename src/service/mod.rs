//! Use cases: each loads what it needs, asks the domain, and stores the result with
//! its audit event in one transaction. Both web adapters (the JSON API in `http/`
//! and the pages in `pages/`), the command line and the background jobs call these
//! functions; they are the only callers of `Db::read` and `Db::write`. Inputs come
//! in transport-neutral ([`registration::RegistrationInput`],
//! [`commands::ActionInput`], …) and results go out typed.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod commands;
pub mod dashboard;
pub mod delivery;
pub mod input;
pub mod letters;
pub mod outbox;
pub mod registration;
pub mod reminders;
pub mod reports;
pub mod requests;
pub mod retention;
pub mod seed;
pub mod sessions;
pub mod sign_in;
pub mod systems;
pub mod tasks;
pub mod written_once;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::configuration::Settings;
use crate::domain::access::Denied;
use crate::domain::calendar::Calendar;
use crate::domain::deadlines::Deadlines;
use crate::domain::deadlines::Periods;
use crate::domain::kind::KindCode;
use crate::domain::reminders::{Planner, ReminderRules, ReminderSubject};
use crate::domain::request::{ActionName, Context, Status};
use crate::domain::{FieldIssue, Invalid, Message};
use crate::storage::requests::StoredRequest;
use crate::storage::StorageError;

/// What every use case on a request or letter is given, in place of a row of
/// positional arguments: the register, the rules that count its deadlines, the
/// letters' set-up, who asks, and the moment they ask (the domain reads no clock, so
/// the adapters pass it in).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a crate::storage::Db,
    pub rules: &'a Rules,
    pub letters: &'a letters::LetterSetup,
    pub caller: &'a crate::domain::access::Caller,
    pub now: DateTime<Utc>,
}

impl<'a> Ctx<'a> {
    /// All of it at once: register, rules, letters' set-up, caller, moment.
    #[allow(clippy::type_complexity)]
    pub fn parts(
        &self,
    ) -> (
        &'a crate::storage::Db,
        &'a Rules,
        &'a letters::LetterSetup,
        &'a crate::domain::access::Caller,
        DateTime<Utc>,
    ) {
        (self.db, self.rules, self.letters, self.caller, self.now)
    }
}

/// How deadlines are counted here: calendar, periods per kind, local time zone.
#[derive(Debug, Clone)]
pub struct Rules {
    pub calendar: Calendar,
    pub periods: Periods,
    pub timezone: Tz,
    pub reminders: ReminderRules,
    /// Working days between a task's due date and the execution deadline.
    pub task_margin_days: u32,
}

impl Rules {
    pub fn from_settings(settings: &Settings) -> Self {
        Rules {
            calendar: settings.rules.calendar,
            periods: settings.rules.periods.clone(),
            timezone: settings.rules.timezone,
            reminders: settings.rules.reminders,
            task_margin_days: settings.rules.task_margin_days,
        }
    }

    pub fn planner(&self) -> Planner {
        Planner {
            rules: self.reminders,
            calendar: self.calendar,
            timezone: self.timezone,
        }
    }

    /// When the sweep should next look at `request`: now, when a reminder is due
    /// already; otherwise the moment the next one becomes due.
    pub fn next_reminder_at(
        &self,
        stored: &StoredRequest,
        deadlines: &Deadlines,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let schedule = self
            .planner()
            .schedule(&reminder_subject(stored, deadlines, self.timezone, true), now);
        if schedule.due.is_empty() {
            schedule.next_at
        } else {
            Some(now)
        }
    }

    pub fn context(&self, kind: KindCode, now: DateTime<Utc>) -> Context {
        Context {
            now,
            timezone: self.timezone,
            calendar: self.calendar,
            periods: self.periods.for_kind(kind),
        }
    }

    pub fn today(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.timezone).date_naive()
    }

    /// The last day that counts as "soon" at `now` (see `ReminderRules::soon_until`).
    pub fn soon_until(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        self.reminders.soon_until(self.calendar, self.today(now))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    NotFound(String),
    #[error("invalid input")]
    Invalid(Vec<FieldIssue>),
    #[error("{detail}")]
    NotAllowed {
        detail: Message,
        status: Status,
        allowed: Vec<ActionName>,
    },
    /// The caller may see the thing but not do this (403).
    #[error("{0}")]
    Forbidden(Message),
    /// Clashes with what exists (a duplicate e-mail address or team code).
    #[error("{0}")]
    Conflict(Message),
    /// A system's signed report whose signature, time or freshness does not fit (401).
    #[error("{0}")]
    Unsigned(Message),
    /// `If-Match` named another version, or the request changed meanwhile.
    #[error("the request was changed meanwhile (now version {current})")]
    Stale { current: i64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for ServiceError {
    fn from(error: diesel::result::Error) -> Self {
        ServiceError::Storage(error.into())
    }
}

impl ServiceError {
    pub fn invalid(field: &str, en: impl Into<String>, nl: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldIssue::new(field, en, nl)])
    }

    /// A value of `field` that did not parse.
    pub fn invalid_value(field: &str, invalid: Invalid) -> Self {
        ServiceError::Invalid(vec![FieldIssue::of(field, invalid.0)])
    }

    pub fn conflict(en: impl Into<String>, nl: impl Into<String>) -> Self {
        ServiceError::Conflict(Message::new(en, nl))
    }

    /// Something that should not happen (a bug, a broken stream): a 500, logged.
    pub fn internal(detail: impl Into<String>) -> Self {
        ServiceError::Storage(StorageError::Corrupt(detail.into()))
    }

    /// The database could not be reached (try again later), as opposed to a bug.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, ServiceError::Storage(error) if error.is_unavailable())
    }
}

impl From<Denied> for ServiceError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotFound => ServiceError::NotFound("not found".into()),
            Denied::Forbidden(why) => ServiceError::Forbidden(why),
        }
    }
}

/// Appends an audit event that belongs to no request (administration, retention,
/// seeding), in the transaction of the change it records.
pub(crate) fn record_in(
    conn: &mut crate::storage::DbConnection,
    actor: &str,
    action: crate::domain::audit::RecordAction,
    now: DateTime<Utc>,
    data: &serde_json::Value,
) -> Result<(), StorageError> {
    crate::storage::audit::append(
        conn,
        crate::storage::audit::NewEvent {
            request_id: None,
            actor,
            occurred_at: now,
            action: action.code(),
            from_status: None,
            to_status: None,
            data,
        },
    )?;
    Ok(())
}

/// Is the database there (`/readyz`)?
pub async fn ready(db: &crate::storage::Db) -> Result<(), ServiceError> {
    Ok(db.ping().await?)
}

/// The facts the reminder schedule needs about a request. `assignee_active` says
/// whether its assignee can still act: a request held by a deactivated user counts
/// as unassigned.
pub fn reminder_subject(
    stored: &StoredRequest,
    deadlines: &Deadlines,
    timezone: Tz,
    assignee_active: bool,
) -> ReminderSubject {
    let r = &stored.request;
    let logged_on = stored.created_at.with_timezone(&timezone).date_naive();
    ReminderSubject {
        request_id: r.id,
        paused: r.status == Status::AwaitingRequester,
        to_meet: r.deadline_to_meet(deadlines),
        assignee: r.assignee.filter(|_| assignee_active),
        registered_on: logged_on.max(r.received_on),
        registered_at: stored.created_at,
    }
}
