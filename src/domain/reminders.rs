//! Which reminder e-mails are due, as a pure function of a request and `now`.
//!
//! For the deadline a request still has to meet (response until a decision is
//! communicated — after an extension announced in time, the extended date — then
//! execution until completion) the stages are:
//!
//! | stage | on | to |
//! |---|---|---|
//! | `due_soon` | N working days before the deadline (default 3) | assignee |
//! | `due_today` | the deadline | assignee |
//! | `overdue` | the working day after, then every week while overdue | assignee and the team's managers |
//! | `escalation` | M working days after the deadline (default 5) | privacy officers |
//! | `unassigned` | one working day after registration, while nobody is assigned | the team's managers |
//!
//! A system's open task follows the same schedule with its due date as the deadline
//! ([`DeadlineKind::Task`]) and the system's owner as the assignee.
//!
//! Each is sent on a working day at the configured hour. Only the *current* stage of a
//! deadline is due — after a night the service was down, nobody gets "due in 3 days"
//! for a deadline that is today. A paused request gets nothing while paused.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::calendar::Calendar;
use super::{code_enum, Invalid};

code_enum! {
    /// Which deadline a reminder is about.
    pub enum DeadlineKind ("deadline") {
        Response = ("response", "Reactietermijn", "Response deadline"),
        Execution = ("execution", "Uitvoeringstermijn", "Execution deadline"),
        /// A system's task: the execution deadline less the task margin.
        Task = ("task", "Taaktermijn", "Task deadline"),
    }
}

code_enum! {
    /// Who receives a reminder.
    pub enum Audience ("audience") {
        Assignee = ("assignee", "Behandelaar", "Assignee"),
        Managers = ("managers", "Teammanagers", "Team managers"),
        PrivacyOfficers = ("privacy_officers", "Functionaris gegevensbescherming", "Privacy officers"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    DueSoon,
    DueToday,
    /// The `week`-th repetition (0: the working day after the deadline).
    Overdue {
        week: u32,
    },
    Escalation,
    Unassigned,
}

impl Stage {
    /// The stage as it appears in the idempotency key and the outbox: the code of
    /// its family, or `overdue_week_N` for the N-th repetition of an overdue reminder.
    pub fn code(self) -> String {
        match self {
            Stage::Overdue { week } if week > 0 => format!("overdue_week_{week}"),
            other => other.family().code().to_string(),
        }
    }

    pub fn parse(code: &str) -> Result<Stage, Invalid> {
        if let Some(week) = code.strip_prefix("overdue_week_") {
            let plain =
                !week.is_empty() && !week.starts_with('0') && week.bytes().all(|b| b.is_ascii_digit());
            return match week.parse::<u32>() {
                Ok(week) if plain => Ok(Stage::Overdue { week }),
                _ => Err(Invalid::new(
                    format!("unknown reminder stage '{code}'"),
                    format!("onbekende herinnering '{code}'"),
                )),
            };
        }
        Ok(match StageFamily::parse(code)? {
            StageFamily::DueSoon => Stage::DueSoon,
            StageFamily::DueToday => Stage::DueToday,
            StageFamily::Overdue => Stage::Overdue { week: 0 },
            StageFamily::Escalation => Stage::Escalation,
            StageFamily::Unassigned => Stage::Unassigned,
            StageFamily::Digest => {
                return Err(Invalid::new(
                    "a digest is no reminder stage of a deadline",
                    "een dagoverzicht is geen herinnering aan een termijn",
                ))
            }
            StageFamily::Letter | StageFamily::Webhook => {
                return Err(Invalid::new(
                    format!("{code} is no reminder stage of a deadline"),
                    format!("{code} is geen herinnering aan een termijn"),
                ))
            }
        })
    }

    /// The family of the stage: its template and its label.
    pub fn family(self) -> StageFamily {
        match self {
            Stage::DueSoon => StageFamily::DueSoon,
            Stage::DueToday => StageFamily::DueToday,
            Stage::Overdue { .. } => StageFamily::Overdue,
            Stage::Escalation => StageFamily::Escalation,
            Stage::Unassigned => StageFamily::Unassigned,
        }
    }
}

code_enum! {
    /// The kinds of mail in the outbox: one per reminder stage (every repetition of
    /// an overdue reminder is of the family `overdue`), the morning digest, and a
    /// letter to the requester sent by e-mail.
    pub enum StageFamily ("reminder stage") {
        DueSoon = ("due_soon", "Termijn verloopt binnenkort", "Deadline soon"),
        DueToday = ("due_today", "Termijn verloopt vandaag", "Deadline today"),
        Overdue = ("overdue", "Termijn verlopen", "Deadline passed"),
        Escalation = ("escalation", "Escalatie: termijn verlopen", "Escalation: deadline passed"),
        Unassigned = ("unassigned", "Nog niet toegewezen", "Not yet assigned"),
        Digest = ("digest", "Dagoverzicht", "Daily digest"),
        Letter = ("letter", "Brief aan de verzoeker", "Letter to the requester"),
        Webhook = ("webhook", "Melding aan een systeem (webhook)", "A system's webhook"),
    }
}

/// What a mail in the outbox is: a reminder at a stage of a deadline, a digest, or
/// the e-mail that carries a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailStage {
    Reminder(Stage),
    Digest,
    Letter,
    /// The signed call that tells a system's automation of a new task.
    Webhook,
}

impl MailStage {
    /// `due_soon`, …, `overdue_week_2`, `digest`.
    pub fn code(self) -> String {
        match self {
            MailStage::Reminder(stage) => stage.code(),
            MailStage::Digest => StageFamily::Digest.code().to_string(),
            MailStage::Letter => StageFamily::Letter.code().to_string(),
            MailStage::Webhook => StageFamily::Webhook.code().to_string(),
        }
    }

    pub fn parse(code: &str) -> Result<MailStage, Invalid> {
        if code == StageFamily::Digest.code() {
            Ok(MailStage::Digest)
        } else if code == StageFamily::Letter.code() {
            Ok(MailStage::Letter)
        } else if code == StageFamily::Webhook.code() {
            Ok(MailStage::Webhook)
        } else {
            Stage::parse(code).map(MailStage::Reminder)
        }
    }

    pub fn family(self) -> StageFamily {
        match self {
            MailStage::Reminder(stage) => stage.family(),
            MailStage::Digest => StageFamily::Digest,
            MailStage::Letter => StageFamily::Letter,
            MailStage::Webhook => StageFamily::Webhook,
        }
    }
}

impl serde::Serialize for MailStage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

impl utoipa::PartialSchema for MailStage {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
        AnyOfBuilder::new()
            .item(<StageFamily as utoipa::PartialSchema>::schema())
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^overdue_week_[1-9][0-9]*$"))
                    .description(Some("The N-th weekly repetition of an overdue reminder")),
            )
            .description(Some(
                "The kind of mail: a reminder stage, a repeated overdue reminder (`overdue_week_N`), or `digest`",
            ))
            .into()
    }
}

impl utoipa::ToSchema for MailStage {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("MailStage")
    }
}

code_enum! {
    /// Where a mail in the outbox stands.
    pub enum OutboxStatus ("outbox status") {
        /// Waiting for (another) delivery attempt.
        Queued = ("queued", "In de wachtrij", "Queued"),
        /// Claimed by a delivery worker until its lease ends.
        Sending = ("sending", "Wordt verzonden", "Sending"),
        Sent = ("sent", "Verzonden", "Sent"),
        /// Gave up after the last attempt; shown on the dashboard.
        Failed = ("failed", "Mislukt", "Failed"),
        /// Kept for the recipient's morning digest.
        Held = ("held", "Bewaard voor het dagoverzicht", "Held for the daily digest"),
        /// Sent as part of a digest.
        Digested = ("digested", "Opgenomen in het dagoverzicht", "In a daily digest"),
        /// No longer applies (the deadline moved, the request closed or paused).
        Cancelled = ("cancelled", "Vervallen", "Cancelled"),
    }
}

code_enum! {
    /// How a user receives reminders.
    pub enum ReminderPreference ("reminder preference") {
        Each = ("each", "Elke herinnering apart", "Each reminder"),
        DailyDigest = ("daily_digest", "Eén dagoverzicht per ochtend", "One digest each morning"),
    }
}

/// Configuration of the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderRules {
    /// Local hour at which reminders go out.
    pub hour: u32,
    pub due_soon_working_days: u32,
    pub escalate_after_working_days: u32,
    pub repeat_every_days: u32,
    pub unassigned_after_working_days: u32,
}

impl ReminderRules {
    /// The last day on which a deadline counts as "soon", seen from `today`: as many
    /// working days ahead as the due-soon reminder is sent before it. Pages, lists and
    /// the dashboard use this one rule.
    pub fn soon_until(&self, calendar: Calendar, today: NaiveDate) -> NaiveDate {
        calendar.add_working_days(today, self.due_soon_working_days)
    }
}

impl Default for ReminderRules {
    fn default() -> Self {
        ReminderRules {
            hour: 8,
            due_soon_working_days: 3,
            escalate_after_working_days: 5,
            repeat_every_days: 7,
            unassigned_after_working_days: 1,
        }
    }
}

/// What the schedule needs to know about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSubject {
    pub request_id: Uuid,
    /// The clock stands still (`awaiting_requester`): nothing is due.
    pub paused: bool,
    /// The deadline it still has to meet
    /// ([`super::request::Request::deadline_to_meet`]); none when closed.
    pub to_meet: Option<(DeadlineKind, NaiveDate)>,
    pub assignee: Option<Uuid>,
    /// The later of the date of receipt and the date it was registered.
    pub registered_on: NaiveDate,
    /// The moment it was registered: no reminder about it goes out before the first
    /// reminder moment after it (a request logged at 20:37 waits for the morning).
    pub registered_at: DateTime<Utc>,
}

/// One reminder that is due, before recipients are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub deadline: DeadlineKind,
    pub deadline_date: NaiveDate,
    pub stage: Stage,
    pub audiences: Vec<Audience>,
    /// The moment it became due.
    pub at: DateTime<Utc>,
}

/// The schedule of one request, as computed for a given `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub due: Vec<DueReminder>,
    /// The first moment after `now` at which something becomes due (for the index
    /// that lets a sweep read only the requests with work).
    pub next_at: Option<DateTime<Utc>>,
}

pub struct Planner {
    pub rules: ReminderRules,
    pub calendar: Calendar,
    pub timezone: Tz,
}

impl Planner {
    /// The working-day moment `date` at the configured hour, as UTC.
    pub fn moment(&self, date: NaiveDate) -> DateTime<Utc> {
        let local =
            date.and_time(NaiveTime::from_hms_opt(self.rules.hour.min(23), 0, 0).expect("valid hour"));
        self.timezone
            .from_local_datetime(&local)
            .earliest()
            .unwrap_or_else(|| self.timezone.from_utc_datetime(&local))
            .with_timezone(&Utc)
    }

    /// The first reminder moment (a working day at the reminder hour) at or after `at`.
    pub fn first_moment_from(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let mut day = self
            .calendar
            .next_working_day_from(at.with_timezone(&self.timezone).date_naive());
        while self.moment(day) < at {
            day = self
                .calendar
                .next_working_day_from(day.succ_opt().expect("date in range"));
        }
        self.moment(day)
    }

    pub fn schedule(&self, subject: &ReminderSubject, now: DateTime<Utc>) -> Schedule {
        let Some((deadline, date)) = subject.to_meet.filter(|_| !subject.paused) else {
            return Schedule {
                due: vec![],
                next_at: None,
            };
        };
        // Nothing goes out before the first reminder moment after registration: what
        // is due then (the stage current at that moment) is sent then.
        let first = self.first_moment_from(subject.registered_at);
        if now < first {
            return Schedule {
                due: vec![],
                next_at: Some(first),
            };
        }
        let cal = self.calendar;
        let reminder = |stage, audiences, at| DueReminder {
            deadline,
            deadline_date: date,
            stage,
            audiences,
            at,
        };
        let mut due = Vec::new();
        let mut next_at: Option<DateTime<Utc>> = None;
        let mut consider_next = |at: DateTime<Utc>| {
            if at > now && next_at.is_none_or(|n| at < n) {
                next_at = Some(at);
            }
        };

        // The progression of the deadline: due soon, due today, overdue every week.
        let mut progression: Vec<(Stage, NaiveDate)> = Vec::new();
        if self.rules.due_soon_working_days > 0 {
            progression.push((
                Stage::DueSoon,
                cal.sub_working_days(date, self.rules.due_soon_working_days),
            ));
        }
        progression.push((Stage::DueToday, date));
        let first_overdue = cal.add_working_days(date, 1);
        let today = now.with_timezone(&self.timezone).date_naive();
        let weeks_past =
            (today - first_overdue).num_days().max(0) as u32 / self.rules.repeat_every_days.max(1);
        for week in 0..=weeks_past + 1 {
            let day = first_overdue + Days::new(u64::from(week * self.rules.repeat_every_days.max(1)));
            progression.push((Stage::Overdue { week }, cal.next_working_day_from(day)));
        }
        let current = progression
            .iter()
            .rev()
            .find(|(_, day)| self.moment(*day) <= now)
            .copied();
        for (_, day) in &progression {
            consider_next(self.moment(*day));
        }
        if let Some((stage, day)) = current {
            let audiences = match stage {
                Stage::Overdue { .. } => vec![Audience::Assignee, Audience::Managers],
                _ => vec![Audience::Assignee],
            };
            due.push(reminder(stage, audiences, self.moment(day)));
        }

        let escalation =
            self.moment(cal.add_working_days(date, self.rules.escalate_after_working_days.max(1)));
        if escalation <= now {
            due.push(reminder(
                Stage::Escalation,
                vec![Audience::PrivacyOfficers],
                escalation,
            ));
        } else {
            consider_next(escalation);
        }

        if subject.assignee.is_none() {
            let day = cal.add_working_days(
                subject.registered_on,
                self.rules.unassigned_after_working_days.max(1),
            );
            let at = self.moment(day);
            if at <= now {
                due.push(reminder(Stage::Unassigned, vec![Audience::Managers], at));
            } else {
                consider_next(at);
            }
        }
        Schedule { due, next_at }
    }
}

/// The task a task reminder's key names (its first part), if it is one.
pub fn task_of_key(key: &str) -> Option<Uuid> {
    let mut parts = key.split('|');
    let id = parts.next()?;
    (parts.next()? == DeadlineKind::Task.code())
        .then(|| id.parse().ok())
        .flatten()
}

/// The idempotency key of one reminder to one recipient. `request` is the task's
/// ID for a task reminder.
pub fn reminder_key(
    request: Uuid,
    deadline: DeadlineKind,
    stage: Stage,
    recipient: &str,
    deadline_date: NaiveDate,
) -> String {
    format!(
        "{request}|{deadline}|{}|{recipient}|{deadline_date}",
        stage.code()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_stages_read_back_what_they_write() {
        let stages = [
            MailStage::Reminder(Stage::DueSoon),
            MailStage::Reminder(Stage::DueToday),
            MailStage::Reminder(Stage::Overdue { week: 0 }),
            MailStage::Reminder(Stage::Overdue { week: 12 }),
            MailStage::Reminder(Stage::Escalation),
            MailStage::Reminder(Stage::Unassigned),
            MailStage::Digest,
        ];
        for stage in stages {
            assert_eq!(MailStage::parse(&stage.code()), Ok(stage), "{}", stage.code());
        }
        assert_eq!(MailStage::Reminder(Stage::Overdue { week: 0 }).code(), "overdue");
        assert_eq!(
            MailStage::Reminder(Stage::Overdue { week: 3 }).family(),
            StageFamily::Overdue
        );
        for bad in [
            "overdue_week_",
            "overdue_week_0",
            "overdue_week_01",
            "overdue_week_x",
            "soon",
            "",
        ] {
            assert!(MailStage::parse(bad).is_err(), "{bad}");
        }
        assert!(Stage::parse("digest").is_err());
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// 08:00 Amsterdam on `day` (CET in winter: 07:00 UTC), plus `minutes`.
    fn at(day: &str, hour: u32, minute: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Amsterdam
            .from_local_datetime(&date(day).and_hms_opt(hour, minute, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    }

    fn planner() -> Planner {
        Planner {
            rules: ReminderRules::default(),
            calendar: Calendar::GdprNl,
            timezone: chrono_tz::Europe::Amsterdam,
        }
    }

    /// Received Monday 2 November 2026: response due Monday 16 November.
    fn subject() -> ReminderSubject {
        ReminderSubject {
            request_id: Uuid::nil(),
            paused: false,
            to_meet: Some((DeadlineKind::Response, date("2026-11-16"))),
            assignee: Some(Uuid::from_u128(1)),
            registered_on: date("2026-11-02"),
            registered_at: at("2026-11-02", 9, 30),
        }
    }

    fn stages(schedule: &Schedule) -> Vec<String> {
        schedule.due.iter().map(|d| d.stage.code()).collect()
    }

    #[test]
    fn the_progression_of_one_deadline() {
        let p = planner();
        let s = subject();
        let cases = [
            (at("2026-11-10", 7, 59), vec![]),
            (at("2026-11-11", 8, 0), vec!["due_soon"]),
            (at("2026-11-13", 17, 0), vec!["due_soon"]),
            (at("2026-11-16", 8, 0), vec!["due_today"]),
            (at("2026-11-17", 8, 0), vec!["overdue"]),
            (at("2026-11-23", 9, 0), vec!["overdue", "escalation"]),
            (at("2026-11-24", 8, 0), vec!["overdue_week_1", "escalation"]),
            (at("2026-12-01", 8, 0), vec!["overdue_week_2", "escalation"]),
        ];
        for (now, expected) in cases {
            assert_eq!(stages(&p.schedule(&s, now)), expected, "{now}");
        }
        let overdue = p.schedule(&s, at("2026-11-17", 8, 0));
        assert_eq!(overdue.due[0].audiences, [Audience::Assignee, Audience::Managers]);
        assert_eq!(overdue.due[0].deadline, DeadlineKind::Response);
        assert_eq!(
            overdue.next_at,
            Some(at("2026-11-23", 8, 0)),
            "the escalation is next"
        );
        assert_eq!(
            p.schedule(&s, at("2026-11-10", 7, 59)).next_at,
            Some(at("2026-11-11", 8, 0))
        );
    }

    #[test]
    fn only_the_deadline_still_to_meet_counts() {
        let p = planner();
        let decided = ReminderSubject {
            to_meet: Some((DeadlineKind::Execution, date("2026-11-30"))),
            ..subject()
        };
        let due = p.schedule(&decided, at("2026-11-17", 8, 0));
        assert_eq!(due.due, vec![], "response deadline met; execution due 30 Nov");
        let due = p.schedule(&decided, at("2026-11-25", 8, 0));
        assert_eq!(stages(&due), ["due_soon"]);
        assert_eq!(due.due[0].deadline, DeadlineKind::Execution);
        assert_eq!(due.due[0].deadline_date, date("2026-11-30"));
        let closed = ReminderSubject {
            to_meet: None,
            ..subject()
        };
        let paused = ReminderSubject {
            paused: true,
            ..subject()
        };
        for (what, subject) in [("closed", closed), ("paused", paused)] {
            let schedule = p.schedule(&subject, at("2026-11-24", 8, 0));
            assert_eq!(
                schedule,
                Schedule {
                    due: vec![],
                    next_at: None
                },
                "{what}"
            );
        }
    }

    #[test]
    fn unassigned_requests_go_to_the_managers_after_a_working_day() {
        let p = planner();
        let unassigned = ReminderSubject {
            assignee: None,
            registered_on: date("2026-11-06"),
            registered_at: at("2026-11-06", 9, 30),
            ..subject()
        };
        assert_eq!(
            p.schedule(&unassigned, at("2026-11-06", 12, 0)).next_at,
            Some(at("2026-11-09", 8, 0))
        );
        let due = p.schedule(&unassigned, at("2026-11-09", 8, 0));
        assert_eq!(stages(&due), ["unassigned"]);
        assert_eq!(due.due[0].audiences, [Audience::Managers]);
    }

    #[test]
    fn reminders_go_out_at_the_local_hour_across_daylight_saving() {
        let p = planner();
        // Summer time: 08:00 in Amsterdam is 06:00 UTC.
        assert_eq!(
            p.moment(date("2026-07-01")).to_rfc3339(),
            "2026-07-01T06:00:00+00:00"
        );
        assert_eq!(
            p.moment(date("2026-12-01")).to_rfc3339(),
            "2026-12-01T07:00:00+00:00"
        );
    }

    #[test]
    fn keys_differ_by_every_part() {
        let k = |d, s, r, day| reminder_key(Uuid::nil(), d, s, r, date(day));
        let base = k(DeadlineKind::Response, Stage::DueSoon, "u1", "2026-11-16");
        let others = [
            k(DeadlineKind::Execution, Stage::DueSoon, "u1", "2026-11-16"),
            k(DeadlineKind::Response, Stage::DueToday, "u1", "2026-11-16"),
            k(DeadlineKind::Response, Stage::DueSoon, "u2", "2026-11-16"),
            k(DeadlineKind::Response, Stage::DueSoon, "u1", "2026-11-17"),
        ];
        for other in others {
            assert_ne!(base, other);
        }
        assert_eq!(
            base,
            k(DeadlineKind::Response, Stage::DueSoon, "u1", "2026-11-16")
        );
        assert_eq!(task_of_key(&base), None);
        let task = Uuid::from_u128(7);
        let key = reminder_key(
            task,
            DeadlineKind::Task,
            Stage::Escalation,
            "u1",
            date("2026-11-16"),
        );
        assert_eq!(task_of_key(&key), Some(task));
        assert_eq!(task_of_key("letter|x"), None);
    }
}
