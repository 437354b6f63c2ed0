//! A request's lifecycle as one pure transition function.
//!
//! `transition(request, command, actor, context)` validates the command against the
//! rules of docs/lifecycle.md and returns the new request plus the audit event it causes, or an
//! error: either the action is not allowed now (with the actions that are), or the
//! input breaks a rule (with the fields). Nothing here touches a database or a clock.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};
use uuid::Uuid;

use super::calendar::Calendar;
use super::deadlines::{request_deadlines, DeadlineFacts, Deadlines, KindPeriods};
use super::grounds;
use super::intake::{check_past_date, optional_text, required_text};
use super::kind::Kind;
use super::reminders::DeadlineKind;
use super::team::TeamCode;
use super::vocabulary::date_in_words;
use super::{code_enum, FieldIssue, Message};

code_enum! {
    /// Where a request stands. `awaiting_requester` is a pause: the clock stops.
    pub enum Status ("status") {
        Received = ("received", "Ontvangen", "Received"),
        InAssessment = ("in_assessment", "In beoordeling", "In assessment"),
        AwaitingRequester = ("awaiting_requester", "Wacht op de verzoeker", "Awaiting the requester"),
        InExecution = ("in_execution", "In uitvoering", "In execution"),
        Completed = ("completed", "Afgerond", "Completed"),
        Refused = ("refused", "Afgewezen", "Refused"),
        Withdrawn = ("withdrawn", "Ingetrokken", "Withdrawn"),
    }
}

impl Status {
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Refused | Status::Withdrawn)
    }
}

code_enum! {
    /// The lifecycle actions of docs/lifecycle.md.
    pub enum ActionName ("action") {
        Assign = ("assign", "Toewijzen", "Assign"),
        StartAssessment = ("start_assessment", "Beoordeling starten", "Start the assessment"),
        Suspend = ("suspend", "Termijn stilzetten (wachten op de verzoeker)", "Suspend (wait for the requester)"),
        Resume = ("resume", "Hervatten", "Resume"),
        Extend = ("extend", "Termijn verlengen", "Extend the deadline"),
        Decide = ("decide", "Besluiten", "Decide"),
        Complete = ("complete", "Afronden", "Complete"),
        Withdraw = ("withdraw", "Intrekken", "Withdraw"),
        Correct = ("correct", "Registratie corrigeren", "Correct the registration"),
        Transfer = ("transfer", "Naar een ander team verplaatsen", "Transfer to another team"),
    }
}

code_enum! {
    /// How the requester's identity (and representation) was verified.
    pub enum IdentityCheck ("identity check") {
        KnownClient = ("known_client", "Bekende cliënt", "Known client"),
        IdDocument = ("id_document", "Identiteitsbewijs", "Identity document"),
        Digid = ("digid", "DigiD", "DigiD"),
        RepresentativeDocuments = ("representative_documents", "Documenten van de vertegenwoordiger", "Documents of the representative"),
        Other = ("other", "Anders", "Other"),
    }
}

code_enum! {
    /// Why the organisation waits for the requester.
    pub enum SuspendReason ("suspension reason") {
        Identity = ("identity", "Identiteit nog niet vastgesteld", "Identity not yet confirmed"),
        Representation = ("representation", "Vertegenwoordiging nog niet aangetoond", "Representation not yet shown"),
        Clarification = ("clarification", "Verduidelijking van het verzoek", "Clarification of the request"),
    }
}

code_enum! {
    pub enum Outcome ("outcome") {
        Granted = ("granted", "Toegewezen", "Granted"),
        PartiallyGranted = ("partially_granted", "Gedeeltelijk toegewezen", "Partially granted"),
        Refused = ("refused", "Afgewezen", "Refused"),
    }
}

/// One pause of the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    pub reason: SuspendReason,
    pub asked_on: NaiveDate,
    pub resumed_on: Option<NaiveDate>,
    /// The state to return to (`received` or `in_assessment`).
    pub resume_to: Status,
}

impl Suspension {
    /// Calendar days the clock stood still (0 while it still does).
    pub fn paused_days(&self) -> u32 {
        self.resumed_on
            .map(|resumed| (resumed - self.asked_on).num_days().max(0) as u32)
            .unwrap_or(0)
    }

    /// Calendar days the clock has stood still by `today`: a pause still running
    /// counts up to `today` (what resuming that day would add).
    pub fn paused_days_by(&self, today: NaiveDate) -> u32 {
        let until = self.resumed_on.unwrap_or(today);
        (until - self.asked_on).num_days().max(0) as u32
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub reason: String,
    pub informed_on: NaiveDate,
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub grounds: Vec<String>,
    pub explanation: Option<String>,
    /// The day the requester was told: `None` while the decision is recorded but not
    /// yet communicated (its letter not yet sent or posted).
    pub communicated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub summary: String,
    pub completed_on: NaiveDate,
    pub recipients_informed: Vec<String>,
    pub recipients_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub reason: String,
    pub on: NaiveDate,
    /// Closed as a duplicate of this request (registered twice), not withdrawn by the
    /// requester.
    pub duplicate_of: Option<Uuid>,
}

/// The workflow state of one request (the intake details live beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: Uuid,
    pub reference: String,
    pub kind: Kind,
    pub status: Status,
    pub team: TeamCode,
    pub assignee: Option<Uuid>,
    pub received_on: NaiveDate,
    pub identity_verified_by: Option<IdentityCheck>,
    pub assessment_note: Option<String>,
    pub suspensions: Vec<Suspension>,
    pub extension: Option<Extension>,
    pub decision: Option<Decision>,
    pub completion: Option<Completion>,
    pub withdrawal: Option<Withdrawal>,
    pub version: i64,
}

/// The input of one action, parsed but not yet checked against the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Assign {
        assignee: Uuid,
    },
    StartAssessment {
        identity_verified_by: IdentityCheck,
        note: Option<String>,
    },
    Suspend {
        reason: SuspendReason,
        asked_on: NaiveDate,
    },
    Resume {
        received_on: NaiveDate,
    },
    Extend {
        reason: Option<String>,
        informed_on: NaiveDate,
        until: Option<NaiveDate>,
    },
    /// Records the decision; `communicated_on` is the day the requester was told,
    /// absent when its letter is still to go (sending it sets the day).
    Decide {
        outcome: Outcome,
        grounds: Vec<String>,
        explanation: Option<String>,
        communicated_on: Option<NaiveDate>,
    },
    Complete {
        summary: Option<String>,
        recipients_informed: Vec<String>,
        recipients_note: Option<String>,
        completed_on: Option<NaiveDate>,
    },
    /// Ends the request without a decision: withdrawn (a reason), or closed as a
    /// duplicate of another request (`duplicate_of`, the reason optional).
    Withdraw {
        reason: Option<String>,
        on: NaiveDate,
        duplicate_of: Option<Uuid>,
    },
    /// Fixes what was registered. The intake fields that changed are named by the
    /// caller (who merged them, [`super::intake::Intake::corrected`]); the date of
    /// receipt is the request's own.
    Correct {
        reason: Option<String>,
        received_on: Option<NaiveDate>,
        intake_changed: Vec<&'static str>,
    },
    /// Moves the request to another team; the assignee stays only when they work in
    /// that team too (the caller knows).
    Transfer {
        team: TeamCode,
        reason: Option<String>,
        keep_assignee: bool,
    },
}

impl Command {
    pub fn name(&self) -> ActionName {
        match self {
            Command::Assign { .. } => ActionName::Assign,
            Command::StartAssessment { .. } => ActionName::StartAssessment,
            Command::Suspend { .. } => ActionName::Suspend,
            Command::Resume { .. } => ActionName::Resume,
            Command::Extend { .. } => ActionName::Extend,
            Command::Decide { .. } => ActionName::Decide,
            Command::Complete { .. } => ActionName::Complete,
            Command::Withdraw { .. } => ActionName::Withdraw,
            Command::Correct { .. } => ActionName::Correct,
            Command::Transfer { .. } => ActionName::Transfer,
        }
    }
}

/// What a transition needs besides the request: the moment, and how deadlines count.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub now: DateTime<Utc>,
    pub timezone: Tz,
    pub calendar: Calendar,
    pub periods: KindPeriods,
}

impl Context {
    /// Today in the organisation's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.timezone).date_naive()
    }
}

/// The audit event a transition causes (no personal details in `data`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub request: Request,
    pub event: EventDraft,
    /// The deadlines moved (suspension ended, extension): reminders re-arm.
    pub deadlines_moved: bool,
    /// The reason given for a correction or transfer: free text, kept beside the
    /// event rather than in it.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action cannot be taken in the current state (409).
    #[error("{detail}")]
    NotAllowed {
        action: ActionName,
        status: Status,
        detail: Message,
        allowed: Vec<ActionName>,
    },
    /// The input breaks a rule (422).
    #[error("invalid input")]
    Invalid(Vec<FieldIssue>),
}

const MAX_TEXT: usize = 10_000;
/// What a correction of a closed request may still change: where its letters go.
const CONTACT_DETAILS: [&str; 5] = [
    "requester.name",
    "requester.email",
    "requester.phone",
    "requester.address",
    "requester.language",
];
/// The date of receipt, as a date may not lie before it.
const RECEIPT: (&str, &str) = ("the date of receipt", "de datum van ontvangst");
const MAX_REASON: usize = 2_000;
const MAX_RECIPIENT: usize = 200;
const MAX_RECIPIENTS: usize = 100;

/// A request's reference as the register writes it: `AVG-2026-00012`.
pub fn reference_of(year: i32, number: i32) -> String {
    format!("AVG-{year}-{number:05}")
}

/// A reference as a person types it, read the register's way: any case, spaces around
/// the dashes, with or without the leading zeros ("avg-2026-12", "AVG 2026 00012" →
/// `AVG-2026-00012`). `None` when it is no reference.
pub fn read_reference(typed: &str) -> Option<String> {
    let upper = typed.trim().to_uppercase();
    let rest = upper.strip_prefix("AVG")?;
    let mut parts = rest
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|part| !part.is_empty());
    let (year, number) = (parts.next()?, parts.next()?);
    if parts.next().is_some()
        || year.len() != 4
        || !year.bytes().all(|b| b.is_ascii_digit())
        || number.is_empty()
        || number.len() > 9
        || !number.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(reference_of(year.parse().ok()?, number.parse().ok()?))
}

impl Request {
    /// A request as it is registered: received, version 1, nothing decided yet.
    pub fn received(
        id: Uuid,
        reference: String,
        kind: Kind,
        team: TeamCode,
        assignee: Option<Uuid>,
        received_on: NaiveDate,
    ) -> Request {
        Request {
            id,
            reference,
            kind,
            status: Status::Received,
            team,
            assignee,
            received_on,
            identity_verified_by: None,
            assessment_note: None,
            suspensions: vec![],
            extension: None,
            decision: None,
            completion: None,
            withdrawal: None,
            version: 1,
        }
    }

    /// Calendar days of finished pauses.
    pub fn paused_days(&self) -> u32 {
        self.suspensions.iter().map(Suspension::paused_days).sum()
    }

    /// Calendar days the clock has stood still by `today`, a running pause included.
    pub fn paused_days_by(&self, today: NaiveDate) -> u32 {
        self.suspensions.iter().map(|s| s.paused_days_by(today)).sum()
    }

    /// The day the decision was communicated, when it was.
    pub fn communicated_on(&self) -> Option<NaiveDate> {
        self.decision.as_ref().and_then(|d| d.communicated_on)
    }

    /// The day by which the requester must hear the decision: the response deadline;
    /// after an extension announced before the decision went out, the extended
    /// deadline — the extension notice is the answer AVG 12(3) asks for within the
    /// month.
    pub fn decision_due(&self, deadlines: &Deadlines) -> NaiveDate {
        decision_due(
            deadlines,
            self.extension.as_ref().map(|e| e.informed_on),
            self.communicated_on(),
        )
    }

    /// The deadline the request still has to meet, and which one it is: the decision
    /// until it is communicated ([`Self::decision_due`]), then the execution deadline
    /// until completion. A refusal not yet communicated still has to reach the
    /// requester.
    pub fn deadline_to_meet(&self, deadlines: &Deadlines) -> Option<(DeadlineKind, NaiveDate)> {
        match self.status {
            Status::Completed | Status::Withdrawn => None,
            _ if self.communicated_on().is_none() => {
                Some((DeadlineKind::Response, self.decision_due(deadlines)))
            }
            Status::Refused => None,
            _ => Some((DeadlineKind::Execution, deadlines.execution)),
        }
    }

    pub fn active_suspension(&self) -> Option<&Suspension> {
        self.suspensions.iter().find(|s| s.resumed_on.is_none())
    }

    /// The deadlines, recomputed from receipt, periods, paused days and extension.
    /// While a pause runs its days are not counted yet; they are added on resume.
    pub fn deadlines(&self, periods: KindPeriods, calendar: Calendar) -> Deadlines {
        request_deadlines(
            DeadlineFacts {
                received_on: self.received_on,
                paused_days: self.paused_days(),
                extended: self.extension.is_some(),
                extended_until: self.extension.as_ref().and_then(|e| e.until),
            },
            periods,
            calendar,
        )
    }

    /// While the clock stands still: the deadlines as they would be if what was asked
    /// arrived on `day` (the running pause counted up to then). `None` when not paused.
    pub fn deadlines_if_resumed_on(
        &self,
        day: NaiveDate,
        periods: KindPeriods,
        calendar: Calendar,
    ) -> Option<Deadlines> {
        self.active_suspension()?;
        let mut resumed = self.clone();
        for pause in resumed.suspensions.iter_mut().filter(|s| s.resumed_on.is_none()) {
            pause.resumed_on = Some(day.max(pause.asked_on));
        }
        Some(resumed.deadlines(periods, calendar))
    }

    /// The date of the deadline the request still has to meet
    /// ([`Self::deadline_to_meet`]).
    pub fn open_deadline(&self, deadlines: &Deadlines) -> Option<NaiveDate> {
        self.deadline_to_meet(deadlines).map(|(_, date)| date)
    }

    /// Overdue: a deadline it still has to meet has passed ([`overdue`]).
    pub fn is_overdue(&self, deadlines: &Deadlines, today: NaiveDate) -> bool {
        overdue(
            self.open_deadline(deadlines),
            self.active_suspension().map(|s| s.asked_on),
            today,
        )
    }

    /// Where the request stands against its deadlines on `today`; `soon_until` is the
    /// last day that counts as "soon" ([`super::reminders::ReminderRules::soon_until`]).
    pub fn standing(&self, deadlines: &Deadlines, today: NaiveDate, soon_until: NaiveDate) -> Standing {
        Standing::of(
            self.open_deadline(deadlines),
            deadlines.legal,
            self.active_suspension().map(|s| s.asked_on),
            today,
            soon_until,
        )
    }

    /// The actions that can be taken on `today`, in the order of the lifecycle.
    pub fn allowed_actions(&self, deadlines: &Deadlines, today: NaiveDate) -> Vec<ActionName> {
        self.facts(deadlines, today).allowed_actions()
    }

    /// What decides which actions are possible on `today`.
    pub fn facts(&self, deadlines: &Deadlines, today: NaiveDate) -> ActionFacts {
        let paused_since = self.active_suspension().map(|s| s.asked_on);
        let open = !self.status.is_terminal();
        ActionFacts {
            status: self.status,
            assigned: self.assignee.is_some(),
            extended: self.extension.is_some(),
            legal_limit_passed: (open && deadlines.legal < paused_since.unwrap_or(today))
                .then_some(deadlines.legal),
            decision_untold: self.decision.is_some() && self.communicated_on().is_none(),
        }
    }
}

/// The day by which the decision must reach the requester, from the facts a list has
/// in its columns ([`Request::decision_due`]).
pub fn decision_due(
    deadlines: &Deadlines,
    extension_informed_on: Option<NaiveDate>,
    communicated_on: Option<NaiveDate>,
) -> NaiveDate {
    let extended_first = extension_informed_on
        .is_some_and(|informed| communicated_on.is_none_or(|communicated| informed <= communicated));
    if extended_first {
        deadlines.execution.max(deadlines.response)
    } else {
        deadlines.response
    }
}

/// Where an open request stands against its deadlines on a day: what pages flag,
/// mails say and the dashboard counts. While the clock stands still (a pause), the
/// answer is frozen at the day the pause began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// The deadline it still has to meet has passed.
    pub overdue: bool,
    /// Still open after the legal limit of AVG 12(3) (one month, or three when
    /// extended).
    pub past_legal_limit: bool,
    /// Not overdue, not paused, and the deadline still to meet is at most the
    /// configured number of working days away.
    pub due_soon: bool,
}

impl Standing {
    pub fn of(
        open_due: Option<NaiveDate>,
        legal: NaiveDate,
        paused_since: Option<NaiveDate>,
        today: NaiveDate,
        soon_until: NaiveDate,
    ) -> Standing {
        let reference_day = paused_since.unwrap_or(today);
        let overdue = open_due.is_some_and(|due| due < reference_day);
        Standing {
            overdue,
            past_legal_limit: open_due.is_some() && legal < reference_day,
            due_soon: !overdue && paused_since.is_none() && open_due.is_some_and(|due| due <= soon_until),
        }
    }

    /// The words the pages put beside a request, the gravest first.
    pub fn flag_nl(self) -> Option<&'static str> {
        if self.past_legal_limit {
            Some("Wettelijke termijn overschreden")
        } else if self.overdue {
            Some("Termijn verstreken")
        } else if self.due_soon {
            Some("Termijn loopt bijna af")
        } else {
            None
        }
    }
}

/// What decides which actions a request allows: its status, whether it has an
/// assignee, whether it was extended. A list has these in its columns; a loaded
/// request derives them ([`Request::facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFacts {
    pub status: Status,
    pub assigned: bool,
    pub extended: bool,
    /// The legal limit, when it passed while the request was open: an extension can
    /// then only be recorded if it was announced before that day (the form says so).
    pub legal_limit_passed: Option<NaiveDate>,
    /// A decision is recorded but not yet communicated: it is carried out once the
    /// requester has been told.
    pub decision_untold: bool,
}

impl ActionFacts {
    /// The actions that can be taken now, in the order of the lifecycle.
    pub fn allowed_actions(self) -> Vec<ActionName> {
        ActionName::ALL
            .iter()
            .copied()
            .filter(|action| self.blocker(*action).is_none())
            .collect()
    }

    /// Why `action` cannot be taken in the current state, if it cannot.
    fn blocker(self, action: ActionName) -> Option<Message> {
        use ActionName::*;
        use Status::*;
        let status = self.status;
        let status_nl = super::vocabulary::in_sentence(status.label_nl());
        // A closed request keeps its facts; only the requester's contact details can
        // still be corrected, for the letters that report its closing.
        if status.is_terminal() && action != Correct {
            return Some(Message::new(
                format!("the request is {status}; no action is possible any more"),
                format!("het verzoek is {status_nl}; er is niets meer aan te doen"),
            ));
        }
        let in_state = match action {
            Assign | Withdraw | Correct | Transfer => true,
            StartAssessment => status == Received,
            Suspend => matches!(status, Received | InAssessment),
            Resume => status == AwaitingRequester,
            Extend => matches!(status, Received | InAssessment | InExecution),
            Decide => status == InAssessment,
            Complete => status == InExecution,
        };
        if !in_state {
            return Some(Message::new(
                format!("{action} is not possible while the request is {status}"),
                format!(
                    "'{}' kan niet zolang het verzoek de status '{status_nl}' heeft",
                    action.label_nl()
                ),
            ));
        }
        match action {
            StartAssessment if !self.assigned => Some(Message::new(
                "assign the request to a worker before starting the assessment",
                "wijs het verzoek eerst toe aan een behandelaar",
            )),
            Extend if self.extended => Some(Message::new(
                "the deadline was extended already; a request can be extended once",
                "de termijn is al verlengd; dat kan maar één keer",
            )),
            Complete if self.decision_untold => Some(Message::new(
                "the decision has not been communicated yet; send its letter (or record its posting) first",
                "het besluit is nog niet meegedeeld; verstuur eerst de besluitbrief (of leg vast dat die is gepost)",
            )),

            _ => None,
        }
    }
}

/// One transition under way: the request before and after, what is wrong with the
/// input, and what the step records besides the event. Each command is a method.
struct Step<'a> {
    request: &'a Request,
    context: &'a Context,
    today: NaiveDate,
    next: Request,
    issues: Vec<FieldIssue>,
    deadlines_moved: bool,
    kept_reason: Option<String>,
}

impl Step<'_> {
    /// `assign`: gives the request to a caseworker or manager.
    fn assign(&mut self, assignee: Uuid) -> Value {
        let request = self.request;
        let Step { next, .. } = self;
        next.assignee = Some(assignee);
        json!({"assignee": assignee, "previous_assignee": request.assignee})
    }

    /// `start_assessment`: starts the assessment, with how the requester's identity was checked.
    fn start_assessment(&mut self, identity_verified_by: IdentityCheck, note: Option<String>) -> Value {
        let Step { next, issues, .. } = self;
        next.status = Status::InAssessment;
        next.identity_verified_by = Some(identity_verified_by);
        next.assessment_note = optional_text("note", note.as_deref(), MAX_TEXT, issues);
        json!({"identity_verified_by": identity_verified_by})
    }

    /// `suspend`: pauses the clock while the requester is asked for something (AVG 12(6)).
    fn suspend(&mut self, reason: SuspendReason, asked_on: NaiveDate) -> Value {
        let request = self.request;
        let today = self.today;
        let received = self.request.received_on;
        let Step { next, issues, .. } = self;
        let last_resume = request.suspensions.iter().filter_map(|s| s.resumed_on).max();
        match last_resume {
            Some(resumed) => check_past_date(
                "asked_on",
                asked_on,
                resumed,
                ("the end of the previous pause", "het einde van de vorige pauze"),
                today,
                issues,
            ),
            None => check_past_date("asked_on", asked_on, received, RECEIPT, today, issues),
        }
        next.suspensions.push(Suspension {
            reason,
            asked_on,
            resumed_on: None,
            resume_to: request.status,
        });
        next.status = Status::AwaitingRequester;
        json!({"reason": reason, "asked_on": asked_on})
    }

    /// `resume`: resumes the clock: what was asked came in.
    fn resume(&mut self, received_on: NaiveDate) -> Value {
        let request = self.request;
        let context = self.context;
        let today = self.today;
        let Step {
            next,
            issues,
            deadlines_moved,
            ..
        } = self;
        let open = request
            .active_suspension()
            .expect("awaiting_requester has an open pause");
        check_past_date(
            "received_on",
            received_on,
            open.asked_on,
            (
                "the day the information was asked",
                "de dag waarop erom is gevraagd",
            ),
            today,
            issues,
        );
        let index = next
            .suspensions
            .iter()
            .position(|s| s.resumed_on.is_none())
            .expect("open pause");
        next.suspensions[index].resumed_on = Some(received_on);
        next.status = open.resume_to;
        *deadlines_moved = true;
        let paused = next.suspensions[index].paused_days();
        let deadlines = next.deadlines(context.periods, context.calendar);
        json!({"received_on": received_on, "paused_days": paused, "deadlines": deadlines})
    }

    /// `extend`: extends the legal limit (AVG 12(3)), told within the first month.
    fn extend(&mut self, reason: Option<String>, informed_on: NaiveDate, until: Option<NaiveDate>) -> Value {
        let request = self.request;
        let context = self.context;
        let today = self.today;
        let received = self.request.received_on;
        let Step {
            next,
            issues,
            deadlines_moved,
            ..
        } = self;
        let reason = required_text("reason", reason.as_deref(), MAX_REASON, issues);
        let current = request.deadlines(context.periods, context.calendar);
        check_past_date("informed_on", informed_on, received, RECEIPT, today, issues);
        if informed_on > current.legal {
            issues.push(FieldIssue::new(
                "informed_on",
                format!(
                    "the requester must be told of an extension within the first month (AVG 12(3)), which ended on {}",
                    current.legal
                ),
                format!(
                    "de verzoeker moet een verlenging binnen de eerste maand horen (artikel 12, lid 3, AVG); die liep af op {}",
                    date_in_words(current.legal)
                ),
            ));
        }
        next.extension = Some(Extension {
            reason: reason.unwrap_or_default(),
            informed_on,
            until: None,
        });
        let extended = next.deadlines(context.periods, context.calendar);
        if let Some(until) = until {
            if until < current.execution {
                issues.push(FieldIssue::new(
                    "until",
                    format!(
                        "{until} lies before the current execution deadline {}",
                        current.execution
                    ),
                    format!(
                        "{} ligt vóór de huidige uitvoeringstermijn ({})",
                        date_in_words(until),
                        date_in_words(current.execution)
                    ),
                ));
            } else if until > extended.legal {
                issues.push(FieldIssue::new(
                    "until",
                    format!("{until} lies after the extended legal limit {}", extended.legal),
                    format!(
                        "{} ligt na de verlengde wettelijke termijn ({})",
                        date_in_words(until),
                        date_in_words(extended.legal)
                    ),
                ));
            }
        }
        if let Some(extension) = next.extension.as_mut() {
            extension.until = until;
        }
        *deadlines_moved = true;
        let deadlines = next.deadlines(context.periods, context.calendar);
        json!({"informed_on": informed_on, "until": until, "deadlines": deadlines})
    }

    /// `decide`: records the decision, with grounds for a (partial) refusal.
    fn decide(
        &mut self,
        outcome: Outcome,
        grounds: Vec<String>,
        explanation: Option<String>,
        communicated_on: Option<NaiveDate>,
    ) -> Value {
        let request = self.request;
        let today = self.today;
        let received = self.request.received_on;
        let Step { next, issues, .. } = self;
        if let Some(communicated_on) = communicated_on {
            check_past_date(
                "communicated_on",
                communicated_on,
                received,
                RECEIPT,
                today,
                issues,
            );
        }
        let explanation = optional_text("explanation", explanation.as_deref(), MAX_TEXT, issues);
        let kind = request.kind.code();
        if outcome == Outcome::Granted {
            if !grounds.is_empty() {
                issues.push(FieldIssue::new(
                    "grounds",
                    "a granted request has no refusal grounds",
                    "een toegewezen verzoek heeft geen gronden voor afwijzing",
                ));
            }
        } else {
            if request.kind.is_absolute() {
                issues.push(FieldIssue::new(
                    "outcome",
                    "an objection to direct marketing cannot be refused, not even in part (AVG 21(3))",
                    "bezwaar tegen direct marketing kan niet worden afgewezen, ook niet gedeeltelijk (artikel 21, lid 3, AVG)",
                ));
            }
            if grounds.is_empty() {
                issues.push(FieldIssue::new(
                    "grounds",
                    "a (partial) refusal names at least one ground",
                    "kies bij een (gedeeltelijke) afwijzing minstens één grond",
                ));
            }
            if explanation.is_none() && !issues.iter().any(|i| i.field == "explanation") {
                issues.push(FieldIssue::new(
                    "explanation",
                    "a (partial) refusal is explained to the requester",
                    "licht een (gedeeltelijke) afwijzing toe voor de verzoeker",
                ));
            }
        }
        let mut seen = Vec::new();
        for (index, code) in grounds.iter().enumerate() {
            let field = format!("grounds[{index}]");
            match grounds::find(code) {
                None => issues.push(FieldIssue::new(
                    field,
                    format!("unknown refusal ground '{code}'"),
                    format!("'{code}' is geen grond uit de lijst"),
                )),
                Some(ground) if !ground.applies_to(kind) => issues.push(FieldIssue::new(
                    field,
                    format!("'{code}' is not a ground for a request of kind {}", kind.code()),
                    format!(
                        "'{}' is geen grond voor een verzoek om {}",
                        ground.label_nl,
                        super::vocabulary::in_sentence(kind.label_nl())
                    ),
                )),
                Some(ground) if seen.contains(code) => issues.push(FieldIssue::new(
                    field,
                    format!("'{code}' is named twice"),
                    format!("'{}' staat er twee keer", ground.label_nl),
                )),
                Some(_) => seen.push(code.clone()),
            }
        }
        next.status = if outcome == Outcome::Refused {
            Status::Refused
        } else {
            Status::InExecution
        };
        next.decision = Some(Decision {
            outcome,
            grounds: grounds.clone(),
            explanation,
            communicated_on,
        });
        json!({"outcome": outcome, "grounds": grounds, "communicated_on": communicated_on})
    }

    /// `complete`: records that the request was carried out.
    fn complete(
        &mut self,
        summary: Option<String>,
        recipients_informed: Vec<String>,
        recipients_note: Option<String>,
        completed_on: Option<NaiveDate>,
    ) -> Value {
        let request = self.request;
        let today = self.today;
        let received = self.request.received_on;
        let Step { next, issues, .. } = self;
        let summary = required_text("summary", summary.as_deref(), MAX_TEXT, issues);
        let recipients_note = optional_text("recipients_note", recipients_note.as_deref(), MAX_TEXT, issues);
        let completed_on = completed_on.unwrap_or(today);
        let decided_on = request.communicated_on().unwrap_or(received);
        check_past_date(
            "completed_on",
            completed_on,
            decided_on,
            (
                "the date the decision was communicated",
                "de datum waarop het besluit is meegedeeld",
            ),
            today,
            issues,
        );
        if recipients_informed.len() > MAX_RECIPIENTS {
            issues.push(FieldIssue::new(
                "recipients_informed",
                format!("at most {MAX_RECIPIENTS} recipients"),
                format!("hoogstens {MAX_RECIPIENTS} ontvangers"),
            ));
        }
        let recipients: Vec<String> = recipients_informed
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                super::intake::required_line(
                    &format!("recipients_informed[{i}]"),
                    Some(r),
                    MAX_RECIPIENT,
                    issues,
                )
            })
            .collect();
        if request.kind.code().informs_recipients() && recipients.is_empty() && recipients_note.is_none() {
            issues.push(FieldIssue::new(
                "recipients_informed",
                "name the recipients that were informed (AVG 19), or explain in recipients_note why that was impossible or disproportionate",
                "noem de ontvangers die zijn geïnformeerd (artikel 19 AVG), of leg uit waarom dat onmogelijk of onevenredig was",
            ));
        }
        next.status = Status::Completed;
        next.completion = Some(Completion {
            summary: summary.unwrap_or_default(),
            completed_on,
            recipients_informed: recipients.clone(),
            recipients_note: recipients_note.clone(),
        });
        json!({
            "completed_on": completed_on,
            "recipients_informed": recipients.len(),
            "recipients_note": recipients_note.is_some(),
        })
    }

    /// `withdraw`: ends the request without a decision: withdrawn, or a duplicate.
    fn withdraw(&mut self, reason: Option<String>, on: NaiveDate, duplicate_of: Option<Uuid>) -> Value {
        let request = self.request;
        let today = self.today;
        let received = self.request.received_on;
        let Step { next, issues, .. } = self;
        let reason = match duplicate_of {
            // A duplicate needs no reason: it is the other request.
            Some(_) => optional_text("reason", reason.as_deref(), MAX_REASON, issues),
            None => required_text("reason", reason.as_deref(), MAX_REASON, issues),
        };
        if duplicate_of == Some(request.id) {
            issues.push(FieldIssue::new(
                "duplicate_of",
                "a request cannot be a duplicate of itself",
                "een verzoek kan geen dubbel van zichzelf zijn",
            ));
        }
        check_past_date("on", on, received, RECEIPT, today, issues);
        next.status = Status::Withdrawn;
        if let Some(open) = next.suspensions.iter_mut().find(|s| s.resumed_on.is_none()) {
            open.resumed_on = Some(on.max(open.asked_on));
        }
        next.withdrawal = Some(Withdrawal {
            reason: reason.unwrap_or_default(),
            on,
            duplicate_of,
        });
        match duplicate_of {
            Some(other) => json!({"on": on, "duplicate_of": other}),
            None => json!({"on": on}),
        }
    }

    /// `correct`: fixes what was registered (the intake, or the date of receipt).
    fn correct(
        &mut self,
        reason: Option<String>,
        received_on: Option<NaiveDate>,
        intake_changed: Vec<&'static str>,
    ) -> Value {
        let request = self.request;
        let context = self.context;
        let received = self.request.received_on;
        let Step {
            next,
            issues,
            deadlines_moved,
            kept_reason,
            ..
        } = self;
        *kept_reason = required_text("reason", reason.as_deref(), MAX_REASON, issues);
        let mut changed = intake_changed;
        if request.status.is_terminal() {
            let facts = changed
                .iter()
                .copied()
                .filter(|field| !CONTACT_DETAILS.contains(field))
                .chain(
                    received_on
                        .filter(|date| *date != received)
                        .map(|_| "received_on"),
                );
            for field in facts.collect::<Vec<_>>() {
                issues.push(FieldIssue::new(
                    field,
                    "the request is closed: only the requester's contact details (name, e-mail, phone, address, language) can still be corrected",
                    "het verzoek is afgesloten: alleen de contactgegevens van de verzoeker (naam, e-mail, telefoon, adres, taal) kunnen nog worden gecorrigeerd",
                ));
            }
        }
        if let Some(date) = received_on.filter(|date| *date != received) {
            check_receipt_correction(request, date, context, issues);
            next.received_on = date;
            changed.push("received_on");
            *deadlines_moved = true;
        }
        if changed.is_empty() {
            issues.push(FieldIssue::new(
                "changes",
                "nothing differs from the registration: change at least one detail",
                "er is niets gewijzigd ten opzichte van de registratie: pas ten minste één gegeven aan",
            ));
        }
        let mut data = json!({"fields": changed});
        if *deadlines_moved {
            data["deadlines"] = json!(next.deadlines(context.periods, context.calendar));
        }
        data
    }

    /// `transfer`: moves the request to another team.
    fn transfer(&mut self, team: TeamCode, reason: Option<String>, keep_assignee: bool) -> Value {
        let request = self.request;
        let Step {
            next,
            issues,
            kept_reason,
            ..
        } = self;
        *kept_reason = required_text("reason", reason.as_deref(), MAX_REASON, issues);
        if team == request.team {
            issues.push(FieldIssue::new(
                "team",
                format!("the request is in team {team} already"),
                format!("het verzoek hoort al bij team {team}"),
            ));
        }
        let assignee_cleared = request.assignee.is_some() && !keep_assignee;
        if assignee_cleared {
            next.assignee = None;
        }
        next.team = team.clone();
        json!({"from_team": request.team, "to_team": team, "assignee_cleared": assignee_cleared})
    }
}

/// Applies one action to a request.
pub fn transition(
    request: &Request,
    command: Command,
    context: &Context,
) -> Result<Transition, TransitionError> {
    let action = command.name();
    let today = context.today();
    let facts = request.facts(&request.deadlines(context.periods, context.calendar), today);
    if let Some(detail) = facts.blocker(action) {
        return Err(TransitionError::NotAllowed {
            action,
            status: request.status,
            detail,
            allowed: facts.allowed_actions(),
        });
    }
    let mut step = Step {
        request,
        context,
        today,
        next: request.clone(),
        issues: Vec::new(),
        deadlines_moved: false,
        kept_reason: None,
    };
    let data = match command {
        Command::Assign { assignee } => step.assign(assignee),
        Command::StartAssessment {
            identity_verified_by,
            note,
        } => step.start_assessment(identity_verified_by, note),
        Command::Suspend { reason, asked_on } => step.suspend(reason, asked_on),
        Command::Resume { received_on } => step.resume(received_on),
        Command::Extend {
            reason,
            informed_on,
            until,
        } => step.extend(reason, informed_on, until),
        Command::Decide {
            outcome,
            grounds,
            explanation,
            communicated_on,
        } => step.decide(outcome, grounds, explanation, communicated_on),
        Command::Complete {
            summary,
            recipients_informed,
            recipients_note,
            completed_on,
        } => step.complete(summary, recipients_informed, recipients_note, completed_on),
        Command::Withdraw {
            reason,
            on,
            duplicate_of,
        } => step.withdraw(reason, on, duplicate_of),
        Command::Correct {
            reason,
            received_on,
            intake_changed,
        } => step.correct(reason, received_on, intake_changed),
        Command::Transfer {
            team,
            reason,
            keep_assignee,
        } => step.transfer(team, reason, keep_assignee),
    };
    let Step {
        mut next,
        issues,
        deadlines_moved,
        kept_reason,
        ..
    } = step;
    if !issues.is_empty() {
        return Err(TransitionError::Invalid(issues));
    }
    next.version = request.version + 1;
    Ok(Transition {
        event: EventDraft {
            action: action.code().to_string(),
            from_status: Some(request.status),
            to_status: next.status,
            data,
        },
        request: next,
        deadlines_moved,
        reason: kept_reason,
    })
}

/// Checks a corrected date of receipt: not in the future, not before the GDPR, not
/// after anything recorded since (a pause, an extension, the decision), and an
/// extension must still have been announced within the first month it now counts.
fn check_receipt_correction(
    request: &Request,
    date: NaiveDate,
    context: &Context,
    issues: &mut Vec<FieldIssue>,
) {
    let today = context.today();
    check_past_date(
        "received_on",
        date,
        super::intake::gdpr_start(),
        (
            "the day the GDPR took effect",
            "de dag waarop de AVG van kracht werd",
        ),
        today,
        issues,
    );
    let recorded = [
        request
            .suspensions
            .first()
            .map(|s| (s.asked_on, ("the first pause", "de eerste pauze"))),
        request.extension.as_ref().map(|e| {
            (
                e.informed_on,
                (
                    "the announcement of the extension",
                    "de melding van de verlenging",
                ),
            )
        }),
        request
            .decision
            .as_ref()
            .and_then(|d| d.communicated_on)
            .map(|day| (day, ("the decision", "het besluit"))),
    ];
    if let Some((first, (what_en, what_nl))) = recorded.into_iter().flatten().min_by_key(|(day, _)| *day) {
        if date > first {
            issues.push(FieldIssue::new(
                "received_on",
                format!("{date} lies after {what_en} ({first})"),
                format!(
                    "{} ligt na {what_nl} ({})",
                    date_in_words(date),
                    date_in_words(first)
                ),
            ));
            return;
        }
    }
    if let Some(extension) = &request.extension {
        let unextended = Request {
            received_on: date,
            extension: None,
            ..request.clone()
        }
        .deadlines(context.periods, context.calendar);
        if extension.informed_on > unextended.legal {
            issues.push(FieldIssue::new(
                "received_on",
                format!(
                    "counted from {date}, the extension announced on {} came after the first month (AVG 12(3), until {})",
                    extension.informed_on, unextended.legal
                ),
                format!(
                    "gerekend vanaf {} kwam de verlenging van {} na de eerste maand (artikel 12, lid 3, AVG; tot en met {})",
                    date_in_words(date),
                    date_in_words(extension.informed_on),
                    date_in_words(unextended.legal)
                ),
            ));
        }
    }
}

/// The overdue rule: the deadline still to meet (`open_due`, none once nothing is left
/// to meet) has passed — counted to the day a pause began while the request is paused,
/// for the clock stands still then. Lists and the dashboard ask the database the same
/// question in SQL (`storage::sql::OVERDUE`), since they filter millions of rows there.
pub fn overdue(open_due: Option<NaiveDate>, paused_since: Option<NaiveDate>, today: NaiveDate) -> bool {
    let reference_day = paused_since.unwrap_or(today);
    open_due.is_some_and(|due| due < reference_day)
}

#[cfg(test)]
mod reference_tests {
    use super::read_reference;

    #[test]
    fn a_reference_is_read_whatever_its_case_and_leading_zeros() {
        for typed in [
            "AVG-2026-00003",
            "avg-2026-00003",
            "AVG-2026-3",
            " avg-2026-003 ",
            "AVG 2026 3",
            "Avg - 2026 - 0003",
        ] {
            assert_eq!(
                read_reference(typed).as_deref(),
                Some("AVG-2026-00003"),
                "{typed}"
            );
        }
        assert_eq!(
            read_reference("AVG-2026-123456").as_deref(),
            Some("AVG-2026-123456")
        );
        for not in [
            "",
            "AVG",
            "AVG-26-3",
            "AVG-2026",
            "AVG-2026-x",
            "XYZ-2026-3",
            "AVG-2026-3-4",
            "D-10442",
        ] {
            assert_eq!(read_reference(not), None, "{not}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kind::{ErasureScope, RectificationMode};
    use chrono::TimeZone;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// 25 November 2026, 10:00 in Amsterdam.
    fn context() -> Context {
        Context {
            now: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
            timezone: chrono_tz::Europe::Amsterdam,
            calendar: Calendar::GdprNl,
            periods: KindPeriods::default(),
        }
    }

    /// The actions allowed in the context's today.
    fn allowed_now(r: &Request) -> Vec<ActionName> {
        let ctx = context();
        r.allowed_actions(&r.deadlines(ctx.periods, ctx.calendar), ctx.today())
    }

    fn request(kind: Kind, status: Status) -> Request {
        let mut r = Request {
            version: 3,
            ..Request::received(
                Uuid::nil(),
                "AVG-2026-00001".into(),
                kind,
                TeamCode::parse("AMW").unwrap(),
                Some(Uuid::from_u128(7)),
                date("2026-11-16"),
            )
        };
        match status {
            Status::Received => {}
            Status::InAssessment => {
                r.status = status;
                r.identity_verified_by = Some(IdentityCheck::KnownClient);
            }
            Status::AwaitingRequester => {
                r.status = status;
                r.suspensions.push(Suspension {
                    reason: SuspendReason::Identity,
                    asked_on: date("2026-11-18"),
                    resumed_on: None,
                    resume_to: Status::InAssessment,
                });
            }
            Status::InExecution | Status::Refused | Status::Completed => {
                r.status = status;
                r.decision = Some(Decision {
                    outcome: if status == Status::Refused {
                        Outcome::Refused
                    } else {
                        Outcome::Granted
                    },
                    grounds: vec![],
                    explanation: None,
                    communicated_on: Some(date("2026-11-20")),
                });
            }
            Status::Withdrawn => r.status = status,
        }
        r
    }

    /// A valid command for every action.
    fn command(action: ActionName) -> Command {
        match action {
            ActionName::Assign => Command::Assign {
                assignee: Uuid::from_u128(9),
            },
            ActionName::StartAssessment => Command::StartAssessment {
                identity_verified_by: IdentityCheck::IdDocument,
                note: None,
            },
            ActionName::Suspend => Command::Suspend {
                reason: SuspendReason::Clarification,
                asked_on: date("2026-11-20"),
            },
            ActionName::Resume => Command::Resume {
                received_on: date("2026-11-24"),
            },
            ActionName::Extend => Command::Extend {
                reason: Some("complex file".into()),
                informed_on: date("2026-11-24"),
                until: None,
            },
            ActionName::Decide => Command::Decide {
                outcome: Outcome::Granted,
                grounds: vec![],
                explanation: None,
                communicated_on: Some(date("2026-11-24")),
            },
            ActionName::Complete => Command::Complete {
                summary: Some("copy sent".into()),
                recipients_informed: vec![],
                recipients_note: None,
                completed_on: None,
            },
            ActionName::Withdraw => Command::Withdraw {
                reason: Some("by phone".into()),
                on: date("2026-11-24"),
                duplicate_of: None,
            },
            ActionName::Correct => Command::Correct {
                reason: Some("typo".into()),
                received_on: None,
                intake_changed: vec!["requester.email"],
            },
            ActionName::Transfer => Command::Transfer {
                team: TeamCode::parse("JGD").unwrap(),
                reason: Some("wrong team".into()),
                keep_assignee: false,
            },
        }
    }

    /// A closed request: only a correction of the requester's contact details.
    fn closed(state: Status) -> Vec<(ActionName, Option<Status>)> {
        ActionName::ALL
            .iter()
            .map(|a| (*a, (*a == ActionName::Correct).then_some(state)))
            .collect()
    }

    #[test]
    fn a_closed_request_keeps_its_facts_and_lets_the_contact_details_be_corrected() {
        let closed = request(Kind::Access, Status::Refused);
        let contact = Command::Correct {
            reason: Some("adres voor de brief".into()),
            received_on: None,
            intake_changed: vec!["requester.address", "requester.language"],
        };
        let t = transition(&closed, contact, &context()).expect("contact details can be corrected");
        assert_eq!(t.request.status, Status::Refused);
        let facts = Command::Correct {
            reason: Some("omschrijving".into()),
            received_on: Some(closed.received_on - chrono::Days::new(1)),
            intake_changed: vec!["requester.email", "description"],
        };
        let fields = invalid_fields(transition(&closed, facts, &context()));
        assert_eq!(fields, ["description", "received_on"]);
    }

    #[test]
    fn every_action_in_every_state() {
        use ActionName as A;
        use Status as S;
        // (state, [(action, Some(resulting state) or None when not allowed)])
        type Row = (ActionName, Option<Status>);
        let table: Vec<(Status, Vec<Row>)> = vec![
            (
                S::Received,
                vec![
                    (A::Assign, Some(S::Received)),
                    (A::StartAssessment, Some(S::InAssessment)),
                    (A::Suspend, Some(S::AwaitingRequester)),
                    (A::Resume, None),
                    (A::Extend, Some(S::Received)),
                    (A::Decide, None),
                    (A::Complete, None),
                    (A::Withdraw, Some(S::Withdrawn)),
                    (A::Correct, Some(S::Received)),
                    (A::Transfer, Some(S::Received)),
                ],
            ),
            (
                S::InAssessment,
                vec![
                    (A::Assign, Some(S::InAssessment)),
                    (A::StartAssessment, None),
                    (A::Suspend, Some(S::AwaitingRequester)),
                    (A::Resume, None),
                    (A::Extend, Some(S::InAssessment)),
                    (A::Decide, Some(S::InExecution)),
                    (A::Complete, None),
                    (A::Withdraw, Some(S::Withdrawn)),
                    (A::Correct, Some(S::InAssessment)),
                    (A::Transfer, Some(S::InAssessment)),
                ],
            ),
            (
                S::AwaitingRequester,
                vec![
                    (A::Assign, Some(S::AwaitingRequester)),
                    (A::StartAssessment, None),
                    (A::Suspend, None),
                    (A::Resume, Some(S::InAssessment)),
                    (A::Extend, None),
                    (A::Decide, None),
                    (A::Complete, None),
                    (A::Withdraw, Some(S::Withdrawn)),
                    (A::Correct, Some(S::AwaitingRequester)),
                    (A::Transfer, Some(S::AwaitingRequester)),
                ],
            ),
            (
                S::InExecution,
                vec![
                    (A::Assign, Some(S::InExecution)),
                    (A::StartAssessment, None),
                    (A::Suspend, None),
                    (A::Resume, None),
                    (A::Extend, Some(S::InExecution)),
                    (A::Decide, None),
                    (A::Complete, Some(S::Completed)),
                    (A::Withdraw, Some(S::Withdrawn)),
                    (A::Correct, Some(S::InExecution)),
                    (A::Transfer, Some(S::InExecution)),
                ],
            ),
            (S::Completed, closed(S::Completed)),
            (S::Refused, closed(S::Refused)),
            (S::Withdrawn, closed(S::Withdrawn)),
        ];
        assert_eq!(table.len(), Status::ALL.len());
        for (state, rows) in table {
            let before = request(Kind::Access, state);
            let allowed: Vec<ActionName> = rows
                .iter()
                .filter(|(_, to)| to.is_some())
                .map(|(a, _)| *a)
                .collect();
            assert_eq!(allowed_now(&before), allowed, "allowed in {state}");
            assert_eq!(rows.len(), ActionName::ALL.len());
            for (action, expected) in rows {
                let result = transition(&before, command(action), &context());
                match (expected, result) {
                    (Some(to), Ok(t)) => {
                        assert_eq!(t.request.status, to, "{action} in {state}");
                        assert_eq!(t.request.version, before.version + 1);
                        assert_eq!(t.event.action, action.code());
                        assert_eq!(t.event.from_status, Some(state));
                        assert_eq!(t.event.to_status, to);
                        assert_eq!(
                            t.deadlines_moved,
                            matches!(action, A::Resume | A::Extend),
                            "{action}"
                        );
                    }
                    (
                        None,
                        Err(TransitionError::NotAllowed {
                            allowed: listed,
                            status,
                            ..
                        }),
                    ) => {
                        assert_eq!(listed, allowed, "{action} in {state}");
                        assert_eq!(status, state);
                    }
                    (expected, other) => panic!("{action} in {state}: expected {expected:?}, got {other:?}"),
                }
            }
        }
    }

    #[test]
    fn effects_of_each_action() {
        let ctx = context();
        let t = transition(
            &request(Kind::Access, Status::Received),
            command(ActionName::Assign),
            &ctx,
        )
        .unwrap();
        assert_eq!(t.request.assignee, Some(Uuid::from_u128(9)));
        assert_eq!(t.event.data["previous_assignee"], Uuid::from_u128(7).to_string());

        let t = transition(
            &request(Kind::Access, Status::Received),
            command(ActionName::StartAssessment),
            &ctx,
        )
        .unwrap();
        assert_eq!(t.request.identity_verified_by, Some(IdentityCheck::IdDocument));

        let t = transition(
            &request(Kind::Access, Status::InAssessment),
            command(ActionName::Suspend),
            &ctx,
        )
        .unwrap();
        assert_eq!(t.request.suspensions.len(), 1);
        assert_eq!(t.request.suspensions[0].resume_to, Status::InAssessment);

        // Resumed after 6 days (18 → 24 November): every deadline moves 6 days on.
        let paused = request(Kind::Access, Status::AwaitingRequester);
        let before = paused.deadlines(ctx.periods, ctx.calendar);
        let t = transition(&paused, command(ActionName::Resume), &ctx).unwrap();
        assert_eq!(t.request.paused_days(), 6);
        let after = t.request.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(before.response, date("2026-11-30"));
        assert_eq!(
            after.response,
            date("2026-12-07"),
            "30 Nov + 6 = Sunday 6 Dec, rolled to Monday"
        );
        assert_eq!(t.event.data["paused_days"], 6);

        let t = transition(
            &request(Kind::Access, Status::InAssessment),
            command(ActionName::Extend),
            &ctx,
        )
        .unwrap();
        let d = t.request.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(d.legal, date("2027-02-16"));
        assert_eq!(d.execution, d.legal);

        let t = transition(
            &request(Kind::Access, Status::InExecution),
            command(ActionName::Complete),
            &ctx,
        )
        .unwrap();
        assert_eq!(
            t.request.completion.as_ref().unwrap().completed_on,
            date("2026-11-25")
        );

        let t = transition(&paused, command(ActionName::Withdraw), &ctx).unwrap();
        assert_eq!(t.request.active_suspension(), None, "a withdrawal ends the pause");
    }

    fn invalid_fields(result: Result<Transition, TransitionError>) -> Vec<String> {
        match result {
            Err(TransitionError::Invalid(issues)) => issues.into_iter().map(|i| i.field).collect(),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    fn decide(
        kind: Kind,
        outcome: Outcome,
        grounds: &[&str],
        explanation: Option<&str>,
    ) -> Result<Transition, TransitionError> {
        transition(
            &request(kind, Status::InAssessment),
            Command::Decide {
                outcome,
                grounds: grounds.iter().map(|g| g.to_string()).collect(),
                explanation: explanation.map(str::to_string),
                communicated_on: Some(date("2026-11-24")),
            },
            &context(),
        )
    }

    #[test]
    fn refusals_need_valid_grounds_and_an_explanation() {
        let ok = decide(
            Kind::Access,
            Outcome::PartiallyGranted,
            &["rights_of_others"],
            Some("third parties"),
        )
        .unwrap();
        assert_eq!(ok.request.status, Status::InExecution);
        assert_eq!(ok.event.data["grounds"], json!(["rights_of_others"]));
        let refused = decide(
            Kind::Erasure {
                scope: ErasureScope::WholeFile,
            },
            Outcome::Refused,
            &["legal_retention_obligation"],
            Some("x"),
        )
        .unwrap();
        assert_eq!(refused.request.status, Status::Refused);

        assert_eq!(
            invalid_fields(decide(Kind::Access, Outcome::Refused, &[], Some("x"))),
            ["grounds"]
        );
        assert_eq!(
            invalid_fields(decide(Kind::Access, Outcome::Refused, &["excessive"], None)),
            ["explanation"]
        );
        assert_eq!(
            invalid_fields(decide(
                Kind::Access,
                Outcome::Refused,
                &["data_accurate"],
                Some("x")
            )),
            ["grounds[0]"]
        );
        assert_eq!(
            invalid_fields(decide(Kind::Access, Outcome::Refused, &["nonsense"], Some("x"))),
            ["grounds[0]"]
        );
        assert_eq!(
            invalid_fields(decide(
                Kind::Access,
                Outcome::Refused,
                &["excessive", "excessive"],
                Some("x")
            )),
            ["grounds[1]"]
        );
        assert_eq!(
            invalid_fields(decide(Kind::Access, Outcome::Granted, &["excessive"], None)),
            ["grounds"]
        );
        let rect = Kind::Rectification {
            mode: RectificationMode::Correct,
        };
        assert!(decide(rect, Outcome::Refused, &["data_accurate"], Some("checked")).is_ok());
    }

    #[test]
    fn a_direct_marketing_objection_cannot_be_refused() {
        let absolute = Kind::Objection {
            direct_marketing: true,
        };
        assert_eq!(
            invalid_fields(decide(
                absolute.clone(),
                Outcome::Refused,
                &["compelling_legitimate_grounds"],
                Some("x")
            )),
            ["outcome"]
        );
        assert_eq!(
            invalid_fields(decide(
                absolute.clone(),
                Outcome::PartiallyGranted,
                &["legal_claims"],
                Some("x")
            )),
            ["outcome"]
        );
        assert!(decide(absolute, Outcome::Granted, &[], None).is_ok());
        assert!(decide(
            Kind::Objection {
                direct_marketing: false
            },
            Outcome::Refused,
            &["compelling_legitimate_grounds"],
            Some("x")
        )
        .is_ok());
    }

    #[test]
    fn dates_may_not_lie_in_the_future_or_before_receipt() {
        let ctx = context();
        let r = request(Kind::Access, Status::InAssessment);
        for when in ["2026-11-26", "2026-11-15"] {
            let result = transition(
                &r,
                Command::Decide {
                    outcome: Outcome::Granted,
                    grounds: vec![],
                    explanation: None,
                    communicated_on: Some(date(when)),
                },
                &ctx,
            );
            assert_eq!(invalid_fields(result), ["communicated_on"], "{when}");
            let result = transition(
                &r,
                Command::Withdraw {
                    reason: Some("x".into()),
                    on: date(when),
                    duplicate_of: None,
                },
                &ctx,
            );
            assert_eq!(invalid_fields(result), ["on"], "{when}");
            let result = transition(
                &r,
                Command::Suspend {
                    reason: SuspendReason::Identity,
                    asked_on: date(when),
                },
                &ctx,
            );
            assert_eq!(invalid_fields(result), ["asked_on"], "{when}");
        }
        let paused = request(Kind::Access, Status::AwaitingRequester);
        let result = transition(
            &paused,
            Command::Resume {
                received_on: date("2026-11-17"),
            },
            &ctx,
        );
        assert_eq!(invalid_fields(result), ["received_on"], "before the pause began");
    }

    #[test]
    fn assessment_needs_an_assignee_and_extension_happens_once_within_the_first_month() {
        let ctx = context();
        let mut unassigned = request(Kind::Access, Status::Received);
        unassigned.assignee = None;
        assert!(!allowed_now(&unassigned).contains(&ActionName::StartAssessment));
        match transition(&unassigned, command(ActionName::StartAssessment), &ctx) {
            Err(TransitionError::NotAllowed { detail, .. }) => assert!(detail.en.contains("assign")),
            other => panic!("{other:?}"),
        }

        let extended = transition(
            &request(Kind::Access, Status::InAssessment),
            command(ActionName::Extend),
            &ctx,
        )
        .unwrap()
        .request;
        assert!(matches!(
            transition(&extended, command(ActionName::Extend), &ctx),
            Err(TransitionError::NotAllowed { .. })
        ));

        let mut old = request(Kind::Access, Status::InAssessment);
        old.received_on = date("2026-09-01");
        let late = Command::Extend {
            reason: Some("x".into()),
            informed_on: date("2026-10-05"),
            until: None,
        };
        assert_eq!(
            invalid_fields(transition(&old, late, &ctx)),
            ["informed_on"],
            "first month ended 1 October"
        );
        let no_reason = Command::Extend {
            reason: None,
            informed_on: date("2026-11-20"),
            until: None,
        };
        assert_eq!(
            invalid_fields(transition(
                &request(Kind::Access, Status::Received),
                no_reason,
                &ctx
            )),
            ["reason"]
        );
        let too_far = Command::Extend {
            reason: Some("x".into()),
            informed_on: date("2026-11-20"),
            until: Some(date("2027-03-01")),
        };
        assert_eq!(
            invalid_fields(transition(
                &request(Kind::Access, Status::Received),
                too_far,
                &ctx
            )),
            ["until"]
        );
    }

    #[test]
    fn completing_rectification_erasure_or_restriction_records_the_recipients() {
        let ctx = context();
        for kind in [
            Kind::Rectification {
                mode: RectificationMode::Supplement,
            },
            Kind::Erasure {
                scope: ErasureScope::Data,
            },
            Kind::Restriction {
                related_request: None,
            },
        ] {
            let r = request(kind.clone(), Status::InExecution);
            assert_eq!(
                invalid_fields(transition(&r, command(ActionName::Complete), &ctx)),
                ["recipients_informed"]
            );
            let with_recipients = Command::Complete {
                summary: Some("done".into()),
                recipients_informed: vec!["Gemeente Utrecht".into()],
                recipients_note: None,
                completed_on: None,
            };
            assert!(transition(&r, with_recipients, &ctx).is_ok(), "{kind:?}");
            let with_note = Command::Complete {
                summary: Some("done".into()),
                recipients_informed: vec![],
                recipients_note: Some("no recipients".into()),
                completed_on: None,
            };
            assert!(transition(&r, with_note, &ctx).is_ok(), "{kind:?}");
        }
    }

    #[test]
    fn past_the_legal_limit_an_extension_is_no_longer_offered_and_the_standing_says_so() {
        let ctx = context(); // 25 November 2026
        let mut r = request(Kind::Access, Status::InAssessment);
        r.received_on = date("2026-10-01");
        let d = r.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(d.legal, date("2026-11-02"));
        let soon = date("2026-11-30");
        let standing = r.standing(&d, ctx.today(), soon);
        assert!(standing.overdue && standing.past_legal_limit && !standing.due_soon);
        assert_eq!(standing.flag_nl(), Some("Wettelijke termijn overschreden"));
        let facts = r.facts(&d, ctx.today());
        assert_eq!(facts.legal_limit_passed, Some(date("2026-11-02")));
        // An extension announced in time can still be recorded; one announced now cannot.
        let in_time = Command::Extend {
            reason: Some("omvangrijk dossier".into()),
            informed_on: date("2026-10-20"),
            until: None,
        };
        assert!(transition(&r, in_time, &ctx).is_ok());
        assert_eq!(
            invalid_fields(transition(&r, command(ActionName::Extend), &ctx)),
            ["informed_on"]
        );
        // Before the limit: overdue against the 14-day target only, and extendable.
        let standing = r.standing(&d, date("2026-10-20"), soon);
        assert!(standing.overdue && !standing.past_legal_limit);
        assert_eq!(standing.flag_nl(), Some("Termijn verstreken"));
        assert!(r
            .allowed_actions(&d, date("2026-10-20"))
            .contains(&ActionName::Extend));
        // A pause freezes the answer at the day it began.
        r.suspensions.push(Suspension {
            reason: SuspendReason::Clarification,
            asked_on: date("2026-10-10"),
            resumed_on: None,
            resume_to: Status::InAssessment,
        });
        r.status = Status::AwaitingRequester;
        let standing = r.standing(&d, ctx.today(), soon);
        assert!(!standing.overdue && !standing.past_legal_limit && !standing.due_soon);
        // Due soon: not overdue, not paused, the deadline within the reminder days.
        let fresh = request(Kind::Access, Status::InAssessment); // response due 30 November
        let d = fresh.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(d.response, date("2026-11-30"));
        assert!(fresh.standing(&d, ctx.today(), date("2026-11-30")).due_soon);
        assert!(!fresh.standing(&d, ctx.today(), date("2026-11-27")).due_soon);
    }

    #[test]
    fn overdue_only_counts_the_deadline_still_to_meet() {
        let ctx = context();
        let mut r = request(Kind::Access, Status::InAssessment);
        r.received_on = date("2026-10-01");
        let d = r.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(d.response, date("2026-10-15"));
        assert!(r.is_overdue(&d, date("2026-10-16")));
        assert!(!r.is_overdue(&d, date("2026-10-15")));
        r.decision = Some(Decision {
            outcome: Outcome::Granted,
            grounds: vec![],
            explanation: None,
            communicated_on: Some(date("2026-10-10")),
        });
        r.status = Status::InExecution;
        assert!(
            !r.is_overdue(&d, date("2026-10-16")),
            "response met; execution due {}",
            d.execution
        );
        assert!(r.is_overdue(&d, date("2026-10-30")));
        r.status = Status::Completed;
        assert!(!r.is_overdue(&d, date("2027-01-01")));
    }

    #[test]
    fn after_an_extension_told_in_time_the_decision_is_due_by_the_extended_deadline() {
        let ctx = context();
        let mut r = request(Kind::Access, Status::InAssessment);
        r.received_on = date("2026-10-01");
        let plain = r.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(
            r.deadline_to_meet(&plain),
            Some((DeadlineKind::Response, date("2026-10-15")))
        );
        let t = transition(
            &r,
            Command::Extend {
                reason: Some("many files".into()),
                informed_on: date("2026-10-14"),
                until: None,
            },
            &Context {
                now: Utc.with_ymd_and_hms(2026, 10, 14, 9, 0, 0).unwrap(),
                ..ctx
            },
        )
        .unwrap();
        let extended = t.request.deadlines(ctx.periods, ctx.calendar);
        // Three months from 1 October is 1 January, a holiday: Monday 4 January.
        assert_eq!(extended.legal, date("2027-01-04"));
        assert_eq!(extended.execution, extended.legal);
        assert_eq!(
            t.request.deadline_to_meet(&extended),
            Some((DeadlineKind::Response, extended.execution)),
            "the notice answered within the month; the decision follows by the extended date"
        );
        assert!(!t.request.is_overdue(&extended, date("2026-11-20")));
        // An extension announced only after the decision leaves the decision's
        // deadline where it was.
        let mut decided_first = t.request.clone();
        decided_first.decision = Some(Decision {
            outcome: Outcome::Granted,
            grounds: vec![],
            explanation: None,
            communicated_on: Some(date("2026-10-13")),
        });
        decided_first.status = Status::InExecution;
        assert_eq!(decided_first.decision_due(&extended), extended.response);
        assert_eq!(
            decided_first.deadline_to_meet(&extended),
            Some((DeadlineKind::Execution, extended.execution))
        );
    }

    #[test]
    fn a_decision_not_yet_communicated_still_has_to_reach_the_requester() {
        let ctx = context();
        let r = request(Kind::Access, Status::InAssessment);
        let d = r.deadlines(ctx.periods, ctx.calendar);
        for outcome in [Outcome::Granted, Outcome::Refused] {
            let refused = outcome == Outcome::Refused;
            let ground = crate::domain::grounds::CATALOGUE
                .iter()
                .find(|g| g.applies_to(r.kind.code()))
                .expect("a ground for access");
            let t = transition(
                &r,
                Command::Decide {
                    outcome,
                    grounds: if refused {
                        vec![ground.code.to_string()]
                    } else {
                        vec![]
                    },
                    explanation: refused.then(|| "others' data".into()),
                    communicated_on: None,
                },
                &ctx,
            )
            .unwrap();
            assert_eq!(t.event.data["communicated_on"], Value::Null);
            let untold = t.request;
            assert_eq!(untold.communicated_on(), None);
            assert_eq!(
                untold.deadline_to_meet(&d),
                Some((DeadlineKind::Response, d.response)),
                "{outcome}: the response is still to be given"
            );
            assert!(untold.is_overdue(&d, d.response.succ_opt().unwrap()));
            if !refused {
                assert_eq!(untold.status, Status::InExecution);
                assert!(
                    !allowed_now(&untold).contains(&ActionName::Complete),
                    "carried out only once told"
                );
                let mut told = untold.clone();
                told.decision.as_mut().unwrap().communicated_on = Some(ctx.today());
                assert!(allowed_now(&told).contains(&ActionName::Complete));
                assert_eq!(
                    told.deadline_to_meet(&d),
                    Some((DeadlineKind::Execution, d.execution))
                );
            } else {
                assert_eq!(untold.status, Status::Refused);
                let mut told = untold.clone();
                told.decision.as_mut().unwrap().communicated_on = Some(ctx.today());
                assert_eq!(told.deadline_to_meet(&d), None);
            }
        }
    }

    #[test]
    fn a_running_pause_counts_its_days_so_far() {
        let r = request(Kind::Access, Status::AwaitingRequester);
        // Paused since 18 November.
        assert_eq!(r.paused_days(), 0, "not yet added to the deadlines");
        assert_eq!(r.paused_days_by(date("2026-11-25")), 7);
        let mut resumed = r.clone();
        resumed.suspensions[0].resumed_on = Some(date("2026-11-20"));
        assert_eq!(resumed.paused_days(), 2);
        assert_eq!(resumed.paused_days_by(date("2026-11-25")), 2);
        let ctx = context();
        let now = r.deadlines(ctx.periods, ctx.calendar);
        let then = r
            .deadlines_if_resumed_on(date("2026-11-25"), ctx.periods, ctx.calendar)
            .unwrap();
        // Received 16 November: response 30 November; seven days later, 7 December.
        assert_eq!(now.response, date("2026-11-30"));
        assert_eq!(then.response, date("2026-12-07"));
        assert_eq!(
            resumed.deadlines_if_resumed_on(date("2026-11-25"), ctx.periods, ctx.calendar),
            None
        );
    }

    fn correct(
        received_on: Option<&str>,
        intake_changed: Vec<&'static str>,
        reason: Option<&str>,
    ) -> Command {
        Command::Correct {
            reason: reason.map(str::to_string),
            received_on: received_on.map(date),
            intake_changed,
        }
    }

    #[test]
    fn a_corrected_date_of_receipt_moves_the_deadlines_and_is_named_in_the_event() {
        let ctx = context();
        let r = request(Kind::Access, Status::InAssessment);
        let t = transition(
            &r,
            correct(Some("2026-11-12"), vec!["requester.name"], Some("typo")),
            &ctx,
        )
        .unwrap();
        assert_eq!(t.request.received_on, date("2026-11-12"));
        assert!(t.deadlines_moved);
        assert_eq!(t.event.data["fields"], json!(["requester.name", "received_on"]));
        let moved = t.request.deadlines(ctx.periods, ctx.calendar);
        assert_eq!(t.event.data["deadlines"], json!(moved));
        assert!(moved.response < r.deadlines(ctx.periods, ctx.calendar).response);
        assert_eq!(t.reason.as_deref(), Some("typo"));
        assert!(
            !t.event.data.to_string().contains("typo"),
            "the reason stays out of the event"
        );
        // The same date is no change; nothing else changed either.
        assert_eq!(
            invalid_fields(transition(
                &r,
                correct(Some("2026-11-16"), vec![], Some("x")),
                &ctx
            )),
            ["changes"]
        );
        assert_eq!(
            invalid_fields(transition(&r, correct(None, vec!["description"], None), &ctx)),
            ["reason"]
        );
        assert_eq!(
            invalid_fields(transition(
                &r,
                correct(Some("2026-11-26"), vec![], Some("x")),
                &ctx
            )),
            ["received_on"],
            "not in the future"
        );
    }

    #[test]
    fn a_date_of_receipt_cannot_move_past_what_was_recorded_since() {
        let ctx = context();
        let paused = request(Kind::Access, Status::AwaitingRequester);
        assert_eq!(
            invalid_fields(transition(
                &paused,
                correct(Some("2026-11-19"), vec![], Some("x")),
                &ctx
            )),
            ["received_on"],
            "after the pause began on 18 November"
        );
        assert!(transition(&paused, correct(Some("2026-11-18"), vec![], Some("x")), &ctx).is_ok());
        // An extension announced on 20 November: a receipt moved back to 10 October
        // would put that announcement after the first month.
        let mut extended = request(Kind::Access, Status::InAssessment);
        extended.extension = Some(Extension {
            reason: "complex".into(),
            informed_on: date("2026-11-20"),
            until: None,
        });
        assert_eq!(
            invalid_fields(transition(
                &extended,
                correct(Some("2026-10-10"), vec![], Some("x")),
                &ctx
            )),
            ["received_on"]
        );
        assert!(transition(&extended, correct(Some("2026-11-01"), vec![], Some("x")), &ctx).is_ok());
    }

    #[test]
    fn a_transfer_moves_the_team_and_keeps_the_assignee_only_when_told() {
        let ctx = context();
        let r = request(Kind::Access, Status::InAssessment);
        let jgd = TeamCode::parse("JGD").unwrap();
        let transfer = |team: &TeamCode, keep_assignee, reason: Option<&str>| Command::Transfer {
            team: team.clone(),
            reason: reason.map(str::to_string),
            keep_assignee,
        };
        let t = transition(&r, transfer(&jgd, false, Some("wrong team")), &ctx).unwrap();
        assert_eq!(t.request.team, jgd);
        assert_eq!(t.request.assignee, None);
        assert_eq!(
            t.event.data,
            json!({"from_team": "AMW", "to_team": "JGD", "assignee_cleared": true})
        );
        assert_eq!(t.request.status, Status::InAssessment);
        let kept = transition(&r, transfer(&jgd, true, Some("wrong team")), &ctx).unwrap();
        assert_eq!(kept.request.assignee, r.assignee);
        assert_eq!(kept.event.data["assignee_cleared"], false);
        assert_eq!(
            invalid_fields(transition(&r, transfer(&r.team, false, None), &ctx)),
            ["reason", "team"]
        );
    }

    /// Random walks through the lifecycle: whatever the order of actions, an action is
    /// refused as not allowed exactly when `allowed_actions` leaves it out, every step
    /// taken moves the version by one and records where it came from, and a closed
    /// request stays closed.
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn a_kind() -> impl Strategy<Value = Kind> {
            prop_oneof![
                Just(Kind::Access),
                Just(Kind::Restriction {
                    related_request: None
                }),
                Just(Kind::Portability),
                any::<bool>().prop_map(|direct_marketing| Kind::Objection { direct_marketing }),
                prop_oneof![Just(ErasureScope::Data), Just(ErasureScope::WholeFile)]
                    .prop_map(|scope| Kind::Erasure { scope }),
                prop_oneof![
                    Just(RectificationMode::Correct),
                    Just(RectificationMode::Supplement)
                ]
                .prop_map(|mode| Kind::Rectification { mode }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn a_walk_of_actions_keeps_to_allowed_actions_and_versions(
                kind in a_kind(),
                walk in proptest::collection::vec(0..ActionName::ALL.len(), 1..25),
            ) {
                let ctx = context();
                let mut current = request(kind, Status::Received);
                for step in walk {
                    let action = ActionName::ALL[step];
                    let allowed = allowed_now(&current);
                    match transition(&current, command(action), &ctx) {
                        Ok(t) => {
                            prop_assert!(allowed.contains(&action), "{action} taken in {}", current.status);
                            prop_assert_eq!(t.request.version, current.version + 1);
                            prop_assert_eq!(t.event.from_status, Some(current.status));
                            prop_assert_eq!(t.event.to_status, t.request.status);
                            if current.status.is_terminal() {
                                prop_assert_eq!(t.request.status, current.status, "a closed request reopened");
                            }
                            current = t.request;
                        }
                        Err(TransitionError::NotAllowed { allowed: listed, status, .. }) => {
                            prop_assert!(!allowed.contains(&action), "{action} refused in {}", current.status);
                            prop_assert_eq!(listed, allowed);
                            prop_assert_eq!(status, current.status);
                        }
                        // A valid command for the action may still not fit this request
                        // (an extension asked twice): the request is unchanged either way.
                        Err(TransitionError::Invalid(_)) => {
                            prop_assert!(allowed.contains(&action));
                        }
                    }
                }
            }
        }
    }
}
