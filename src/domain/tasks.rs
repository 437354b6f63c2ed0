//! Carrying a request out in every system that holds the client's data.
//!
//! The organisation keeps a register of its systems (the client file, the online
//! dossier, the e-mail archive, a processor's systems …), each with the user who
//! answers for it. A request that is to be carried out gets one task per active
//! system that takes part in its kind, and it is completed only when every task is
//! closed: so the register shows where the data were erased, copied or restricted,
//! by whom and when (AVG 5(2)). Nothing here touches a database or a clock.

use chrono::NaiveDate;

use super::calendar::Calendar;
use super::intake::optional_text;
use super::kind::KindCode;
use super::request::{ActionName, Outcome};
use super::vocabulary::Language;
use super::{code_enum, FieldIssue, Message};

super::upper_code! {
    /// A system's code such as `ECD` or `MAIL-ARCHIEF`: 1-16 characters, upper-case
    /// letters, digits and `-`, starting with a letter.
    pub struct SystemCode ("system code", "systeemcode", "ECD");
}

/// A system's name as people know it, 1-100 characters ("Elektronisch cliëntdossier").
pub fn system_name(field: &str, value: &str, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let before = issues.len();
    let name = optional_text(field, Some(value), 100, issues);
    if name.as_deref().is_some_and(|n| n.contains(['\n', '\r', '\t'])) {
        issues.push(FieldIssue::new(
            field,
            "a name is one line",
            "een naam past op één regel",
        ));
        return None;
    }
    if name.is_none() && issues.len() == before {
        issues.push(FieldIssue::of(field, Message::required()));
    }
    name
}

/// The kinds of request a system takes part in: at least one, each once, in the
/// order of [`KindCode::ALL`].
pub fn parse_kinds(field: &str, values: &[String], issues: &mut Vec<FieldIssue>) -> Vec<KindCode> {
    let mut kinds = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match KindCode::parse(value.trim()) {
            Ok(kind) if !kinds.contains(&kind) => kinds.push(kind),
            Ok(kind) => issues.push(FieldIssue::new(
                format!("{field}[{i}]"),
                format!("{kind} is named twice"),
                format!("{} staat er twee keer in", kind.label_nl()),
            )),
            Err(e) => issues.push(FieldIssue::of(format!("{field}[{i}]"), e.0)),
        }
    }
    if values.is_empty() {
        issues.push(FieldIssue::new(
            field,
            "name at least one kind of request the system takes part in",
            "kies ten minste één soort verzoek waarvoor dit systeem meedoet",
        ));
    }
    kinds.sort();
    kinds
}

/// The kinds as stored: their codes separated by commas.
pub fn kinds_text(kinds: &[KindCode]) -> String {
    kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
}

/// The stored kinds read back (a code this version does not know is left out).
pub fn kinds_of_text(text: &str) -> Vec<KindCode> {
    text.split(',')
        .filter_map(|code| KindCode::parse(code).ok())
        .collect()
}

code_enum! {
    /// Where one system's part in a request stands. Every status but `open` closes it.
    pub enum TaskStatus ("task status") {
        Open = ("open", "Open", "Open"),
        Done = ("done", "Uitgevoerd", "Done"),
        NotFound = ("not_found", "Geen gegevens gevonden", "No data found"),
        Exception = ("exception", "Uitzondering", "Exception"),
        Skipped = ("skipped", "Overgeslagen", "Skipped"),
    }
}

impl TaskStatus {
    pub fn is_open(self) -> bool {
        self == TaskStatus::Open
    }
}

code_enum! {
    /// What can be done with a task (`/tasks/{id}/actions/{action}`).
    pub enum TaskAction ("task action") {
        Done = ("done", "Uitgevoerd", "Done"),
        NotFound = ("not_found", "Geen gegevens gevonden", "No data found"),
        Exception = ("exception", "Uitzondering melden", "Report an exception"),
        Skip = ("skip", "Overslaan", "Skip"),
        Reopen = ("reopen", "Heropenen", "Reopen"),
    }
}

impl TaskAction {
    /// The status the action leaves the task in.
    pub fn result(self) -> TaskStatus {
        match self {
            TaskAction::Done => TaskStatus::Done,
            TaskAction::NotFound => TaskStatus::NotFound,
            TaskAction::Exception => TaskStatus::Exception,
            TaskAction::Skip => TaskStatus::Skipped,
            TaskAction::Reopen => TaskStatus::Open,
        }
    }

    /// Skipping a system and reopening a closed task are the privacy officer's.
    pub fn is_privacy_officers(self) -> bool {
        matches!(self, TaskAction::Skip | TaskAction::Reopen)
    }

    /// An exception and a skip say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, TaskAction::Exception | TaskAction::Skip)
    }
}

/// Whether `action` (with the decision's `outcome`) opens a request's tasks: a
/// granted or partly granted request gets them when it is decided; an access or
/// portability request already when its assessment starts, to collect the data.
pub fn opens_tasks(kind: KindCode, action: ActionName, outcome: Option<Outcome>) -> bool {
    match action {
        ActionName::StartAssessment => matches!(kind, KindCode::Access | KindCode::Portability),
        ActionName::Decide => matches!(outcome, Some(Outcome::Granted | Outcome::PartiallyGranted)),
        _ => false,
    }
}

/// What was done in a system for a request of this kind, as the completion letter
/// says it before the systems' names ("verwijderd uit: …").
pub fn done_in_words(kind: KindCode, language: Language) -> &'static str {
    match (kind, language) {
        (KindCode::Access, Language::Dutch) => "afkomstig uit",
        (KindCode::Access, Language::English) => "taken from",
        (KindCode::Portability, Language::Dutch) => "overgedragen uit",
        (KindCode::Portability, Language::English) => "transferred from",
        (KindCode::Erasure, Language::Dutch) => "verwijderd uit",
        (KindCode::Erasure, Language::English) => "erased from",
        (KindCode::Rectification, Language::Dutch) => "aangepast in",
        (KindCode::Rectification, Language::English) => "corrected in",
        (KindCode::Restriction, Language::Dutch) => "beperkt in",
        (KindCode::Restriction, Language::English) => "restricted in",
        (KindCode::Objection, Language::Dutch) => "niet meer gebruikt in",
        (KindCode::Objection, Language::English) => "no longer used in",
    }
}

/// A task's due date: `margin` working days before the request's execution deadline,
/// so the caseworker has time to check and write the completion letter — but never
/// before the day the task opened, nor after the deadline itself.
pub fn due(execution: NaiveDate, opened_on: NaiveDate, margin: u32, calendar: Calendar) -> NaiveDate {
    calendar
        .sub_working_days(execution, margin)
        .max(opened_on)
        .min(execution.max(opened_on))
}

/// Who acts on a task, as far as its rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskActor {
    /// Everything, skipping and reopening included.
    PrivacyOfficer,
    /// A caseworker or manager of the request's team, the task's owner or the
    /// system's deputy: closes an open task.
    Worker,
    /// The system's own automation, by a signed report: closes an open task.
    Automation,
}

/// Why an action on a task cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskRefusal {
    /// Not now (the task or the request is in another state): 409.
    NotAllowed(Message),
    /// Not for this actor: 403.
    Forbidden(Message),
    /// The note is missing or wrong: 422.
    Invalid(Vec<FieldIssue>),
}

/// What an action makes of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStep {
    pub status: TaskStatus,
    /// The note after the action: the one given, else the one it had.
    pub note: Option<String>,
}

/// The most a note may hold.
pub const NOTE_MAX: usize = 2000;

/// One action on a task that is `current` (with `note`), of a request that is closed
/// or not.
pub fn step(
    current: TaskStatus,
    current_note: Option<&str>,
    request_closed: bool,
    action: TaskAction,
    note: Option<&str>,
    actor: TaskActor,
) -> Result<TaskStep, TaskRefusal> {
    if action.is_privacy_officers() && actor != TaskActor::PrivacyOfficer {
        return Err(TaskRefusal::Forbidden(Message::new(
            format!("only the privacy officer may {} a task", action.code()),
            format!(
                "alleen de functionaris gegevensbescherming kan een taak {}",
                action.label_nl().to_lowercase()
            ),
        )));
    }
    if request_closed {
        return Err(TaskRefusal::NotAllowed(Message::new(
            "the request is closed: its tasks stay as they are",
            "het verzoek is afgesloten: de taken blijven zoals ze zijn",
        )));
    }
    match (action, current.is_open()) {
        (TaskAction::Reopen, true) => {
            return Err(TaskRefusal::NotAllowed(Message::new(
                "the task is open already",
                "de taak staat al open",
            )))
        }
        (TaskAction::Reopen, false) => {}
        (_, false) => {
            return Err(TaskRefusal::NotAllowed(Message::new(
                format!(
                    "the task is closed already ({}); the privacy officer can reopen it",
                    current.code()
                ),
                format!(
                    "de taak is al afgesloten ({}); de functionaris gegevensbescherming kan haar heropenen",
                    current.label_nl().to_lowercase()
                ),
            )))
        }
        (_, true) => {}
    }
    let mut issues = Vec::new();
    let given = optional_text("note", note, NOTE_MAX, &mut issues);
    if given.is_none() && issues.is_empty() && action.needs_reason() {
        issues.push(FieldIssue::new(
            "note",
            format!("say why ({} needs a reason)", action.code()),
            "vul de reden in",
        ));
    }
    if !issues.is_empty() {
        return Err(TaskRefusal::Invalid(issues));
    }
    Ok(TaskStep {
        status: action.result(),
        note: given.or_else(|| current_note.map(str::to_string)),
    })
}

/// The actions `actor` can take on a task that is `current` now.
pub fn allowed_actions(current: TaskStatus, request_closed: bool, actor: TaskActor) -> Vec<TaskAction> {
    TaskAction::ALL
        .iter()
        .copied()
        .filter(|&action| {
            let not_theirs = action.is_privacy_officers() && actor != TaskActor::PrivacyOfficer;
            !not_theirs && !request_closed && (action == TaskAction::Reopen) != current.is_open()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_system_code_is_like_a_team_code() {
        for (typed, ok) in [
            ("ECD", true),
            ("MAIL-ARCHIEF", true),
            (" ecd", false),
            ("1ECD", false),
            ("", false),
            ("ABCDEFGHIJKLMNOPQ", false),
        ] {
            assert_eq!(SystemCode::parse(typed).is_ok(), ok, "{typed:?}");
        }
    }

    #[test]
    fn kinds_are_each_named_once_and_read_back_as_stored() {
        let mut issues = Vec::new();
        let kinds = parse_kinds("kinds", &["erasure".into(), "access".into()], &mut issues);
        assert!(issues.is_empty());
        assert_eq!(kinds_text(&kinds), "access,erasure");
        assert_eq!(kinds_of_text("access,erasure"), kinds);
        parse_kinds(
            "kinds",
            &["erasure".into(), "erasure".into(), "forget".into()],
            &mut issues,
        );
        let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["kinds[1]", "kinds[2]"]);
        let mut issues = Vec::new();
        parse_kinds("kinds", &[], &mut issues);
        assert_eq!(issues[0].field, "kinds");
    }

    #[test]
    fn tasks_open_when_the_data_are_collected_or_the_request_is_granted() {
        use ActionName::*;
        let cases = [
            (KindCode::Access, StartAssessment, None, true),
            (KindCode::Portability, StartAssessment, None, true),
            (KindCode::Erasure, StartAssessment, None, false),
            (KindCode::Erasure, Decide, Some(Outcome::Granted), true),
            (KindCode::Erasure, Decide, Some(Outcome::PartiallyGranted), true),
            (KindCode::Erasure, Decide, Some(Outcome::Refused), false),
            (KindCode::Access, Decide, Some(Outcome::Granted), true),
            (KindCode::Objection, Complete, None, false),
        ];
        for (kind, action, outcome, opens) in cases {
            assert_eq!(
                opens_tasks(kind, action, outcome),
                opens,
                "{kind} {action} {outcome:?}"
            );
        }
    }

    #[test]
    fn a_task_is_due_the_margin_before_the_execution_deadline_within_its_life() {
        let calendar = Calendar::GdprNl;
        // Friday 2026-12-18 minus 5 working days is Friday 2026-12-11.
        assert_eq!(
            due(d("2026-12-18"), d("2026-12-01"), 5, calendar),
            d("2026-12-11")
        );
        // Opened late: due the day it opened, not in the past.
        assert_eq!(
            due(d("2026-12-18"), d("2026-12-15"), 5, calendar),
            d("2026-12-15")
        );
        // Opened after the deadline passed: due the day it opened.
        assert_eq!(
            due(d("2026-12-18"), d("2026-12-21"), 5, calendar),
            d("2026-12-21")
        );
        assert_eq!(
            due(d("2026-12-18"), d("2026-12-01"), 0, calendar),
            d("2026-12-18")
        );
    }

    #[test]
    fn the_rules_of_a_task_action_by_action() {
        use TaskActor::*;
        use TaskStatus::*;
        type Case<'a> = (
            TaskStatus,
            bool,
            TaskAction,
            Option<&'a str>,
            TaskActor,
            Result<TaskStatus, &'a str>,
        );
        let cases: [Case; 11] = [
            (Open, false, TaskAction::Done, None, Worker, Ok(Done)),
            (Open, false, TaskAction::NotFound, None, Automation, Ok(NotFound)),
            (Open, false, TaskAction::Exception, None, Worker, Err("invalid")),
            (
                Open,
                false,
                TaskAction::Exception,
                Some("  "),
                Worker,
                Err("invalid"),
            ),
            (
                Open,
                false,
                TaskAction::Exception,
                Some("wettelijke bewaarplicht"),
                Worker,
                Ok(Exception),
            ),
            (
                Open,
                false,
                TaskAction::Skip,
                Some("niet in gebruik"),
                Worker,
                Err("forbidden"),
            ),
            (
                Open,
                false,
                TaskAction::Skip,
                Some("niet in gebruik"),
                PrivacyOfficer,
                Ok(Skipped),
            ),
            (Done, false, TaskAction::Done, None, Worker, Err("not allowed")),
            (Done, false, TaskAction::Reopen, None, Worker, Err("forbidden")),
            (Done, false, TaskAction::Reopen, None, PrivacyOfficer, Ok(Open)),
            (Open, true, TaskAction::Done, None, Worker, Err("not allowed")),
        ];
        for (current, closed, action, note, actor, expected) in cases {
            let got = step(current, Some("eerder"), closed, action, note, actor).map(|s| s.status);
            let got = got.map_err(|e| match e {
                TaskRefusal::NotAllowed(_) => "not allowed",
                TaskRefusal::Forbidden(_) => "forbidden",
                TaskRefusal::Invalid(_) => "invalid",
            });
            assert_eq!(got, expected, "{current} {action} {note:?} {actor:?}");
            let listed = allowed_actions(current, closed, actor).contains(&action);
            let refused_for_state_or_role = matches!(expected, Err("not allowed" | "forbidden"));
            assert_eq!(listed, !refused_for_state_or_role, "{current} {action} {actor:?}");
        }
    }

    #[test]
    fn a_note_given_replaces_the_old_one_and_none_keeps_it() {
        let step_with = |note| {
            step(
                TaskStatus::Open,
                Some("eerder"),
                false,
                TaskAction::Done,
                note,
                TaskActor::Worker,
            )
        };
        assert_eq!(step_with(None).unwrap().note.as_deref(), Some("eerder"));
        assert_eq!(step_with(Some("nu")).unwrap().note.as_deref(), Some("nu"));
        let long = "x".repeat(NOTE_MAX + 1);
        assert!(matches!(step_with(Some(&long)), Err(TaskRefusal::Invalid(_))));
    }
}
