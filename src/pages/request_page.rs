//! The request page at `/requests/{id}` (the link in every reminder mail): the
//! details, the deadline panel, the timeline, and a form for each action the request
//! allows now. Actions post to `/requests/{id}/actions/{action}`; each form's fields
//! carry the names of the action's input, which the form fills directly.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono_tz::Europe::Amsterdam;

use super::labels::{choices, long_date, short_date, Choice};
use super::{page, see_other, CheckedForm, PageError, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::access::{Role, View};
use crate::domain::audit::action_label;
use crate::domain::grounds::CATALOGUE;
use crate::domain::intake::{AgeBand, Relation};
use crate::domain::kind::Kind;
use crate::domain::letters::LetterKind;
use crate::domain::request::{ActionName, IdentityCheck, Outcome, SuspendReason};
use crate::domain::Language;
use crate::service::commands::{
    ActionInput, AssignInput, CompleteInput, CorrectInput, DecideInput, ExtendInput, RequesterCorrection,
    ResumeInput, StartAssessmentInput, SubjectCorrection, SuspendInput, TransferInput, WithdrawInput,
};
use crate::service::registration::AddressInput;
use crate::service::requests::{self as service, CaseFile, Change, RequestView};
use crate::service::sessions::WebUser;
use crate::service::ServiceError;
use crate::web::state::AppState;

use super::letters::{lines, suggested, LetterLine};
use super::tasks::TaskLine;

/// The actions a letter to the requester reports.
const LETTER_ACTIONS: [ActionName; 5] = [
    ActionName::Suspend,
    ActionName::Extend,
    ActionName::Decide,
    ActionName::Complete,
    ActionName::Withdraw,
];

/// An action form that was sent and refused: shown again with its errors and values.
#[derive(Debug, Default)]
struct Posted {
    action: String,
    values: HashMap<String, Vec<String>>,
    errors: HashMap<String, String>,
    notice: Option<String>,
}

struct Ground {
    code: &'static str,
    label: &'static str,
    reference: &'static str,
}

struct Event {
    when: String,
    what: String,
    change: Option<String>,
    /// The fields corrected or the teams of a transfer, and the reason given.
    detail: Option<String>,
    who: String,
}

/// What was registered, as the correction form starts out.
struct Registered {
    /// The details typed in a line: name, e-mail, phone, client number, receipt.
    inputs: Vec<DetailInput>,
    relation: &'static str,
    age_band: &'static str,
    parents_informed: &'static str,
    description: String,
}

/// One line of the correction form.
struct DetailInput {
    /// The API name errors are reported by.
    field: &'static str,
    /// The form field's name.
    name: &'static str,
    label: &'static str,
    current: String,
    /// The input's type (`text`, `email`, `tel`, `date`).
    kind: &'static str,
}

const PARENTS_CHOICES: [Choice; 3] = [("", "Niet van toepassing"), ("ja", "Ja"), ("nee", "Nee")];

/// One action the request allows now, with its form.
struct ActionForm {
    action: ActionName,
    code: &'static str,
    title: &'static str,
}

/// Past the legal limit an extension can still be recorded, but only one that was
/// announced before it: the form says so and takes no later date.
const RECORD_EXTENSION: &str = "Verlenging vastleggen die op tijd is gemeld";

/// A closed request keeps its facts: its correction form is for where letters go.
const CORRECT_CONTACT: &str = "Contactgegevens van de verzoeker corrigeren";

#[derive(Template)]
#[template(path = "pages/request.html")]
struct RequestPage<'a> {
    user: &'a WebUser,
    view: &'a RequestView,
    full: bool,
    kind: &'static str,
    option: Option<&'static str>,
    status: &'static str,
    channel: &'static str,
    relation: &'static str,
    age_band: &'static str,
    assignee: Option<String>,
    /// The deadlines: name, date, and what the reader should know about it.
    deadlines: Vec<(&'static str, String, Option<String>)>,
    open_due: Option<String>,
    /// While the clock stands still: since when, why, and for how many days so far.
    paused: Option<Paused>,
    /// Days the clock stood still, a running pause included ("7 (loopt nog)").
    paused_days: String,
    /// "Wettelijke termijn overschreden", "Termijn verstreken", "Termijn loopt bijna af".
    flag: Option<&'static str>,
    /// The flag is a deadline that passed (shown as a warning).
    flag_is_late: bool,
    today: String,
    actions: Vec<ActionForm>,
    /// The legal limit (YYYY-MM-DD) when it passed: the last day an extension could
    /// have been announced.
    legal_limit_passed: Option<String>,
    workers: Vec<(String, String)>,
    /// The teams a transfer can go to (code, name).
    other_teams: Vec<(String, String)>,
    registered: Registered,
    relations: Vec<Choice>,
    age_bands: Vec<Choice>,
    parents_choices: [Choice; 3],
    grounds: Vec<Ground>,
    identity_checks: Vec<Choice>,
    suspend_reasons: Vec<Choice>,
    outcomes: Vec<Choice>,
    events: Vec<Event>,
    posted: Posted,
    decision: Option<String>,
    /// The "Correspondentie" panel: the letters, and the kinds that can be drafted.
    letters: Vec<LetterLine>,
    /// The "Uitvoering per systeem" panel: the request's tasks, as far as the reader
    /// may see them.
    tasks: Vec<TaskLine>,
    letter_kinds: Vec<(&'static str, &'static str)>,
    suggested: Option<&'static str>,
    /// Letters are set up (the organisation file is in place), and the caller may write them.
    may_write_letters: bool,
    /// Why no letter can be drafted now (the organisation file is missing or wrong).
    letters_off: Option<String>,
    /// The organisation file is still the repository's example.
    example_organisation: bool,
}

impl RequestPage<'_> {
    /// The value typed into `field` of `action` when it was refused, else `default`.
    fn value(&self, action: &str, field: &str, default: &str) -> String {
        if self.posted.action == action {
            if let Some(values) = self.posted.values.get(field) {
                return values.first().cloned().unwrap_or_default();
            }
            return String::new();
        }
        default.to_string()
    }

    fn chosen(&self, action: &str, field: &str, value: &str) -> bool {
        self.posted.action == action
            && self
                .posted
                .values
                .get(field)
                .is_some_and(|values| values.iter().any(|v| v == value))
    }

    /// Is `value` the choice of `field`: as sent when the form was refused, else as
    /// registered (`current`)?
    fn picked(&self, action: &str, field: &str, value: &str, current: &str) -> bool {
        if self.posted.action == action {
            self.chosen(action, field, value)
        } else {
            value == current
        }
    }

    /// A date in a sentence or beside its name: "maandag 16 november 2026".
    fn long(&self, date: &chrono::NaiveDate) -> String {
        long_date(*date)
    }

    fn to_fix(&self) -> String {
        super::labels::fields_to_fix(self.posted.errors.len())
    }

    fn error(&self, action: &str, field: &str) -> Option<&String> {
        (self.posted.action == action)
            .then(|| self.posted.errors.get(field))
            .flatten()
    }
}

/// A request whose clock stands still, as its page says it.
struct Paused {
    since: String,
    reason: &'static str,
    days: String,
}

/// "1 dag", "7 dagen".
fn days_in_words(days: u32) -> String {
    if days == 1 {
        "1 dag".to_string()
    } else {
        format!("{days} dagen")
    }
}

/// The deadlines as the page lists them. While the clock stands still they are the
/// dates the request would have if what was asked arrived today; after an extension
/// announced before the decision, the response row says that the notice answered it.
fn deadline_lines(view: &RequestView) -> Vec<(&'static str, String, Option<String>)> {
    let r = &view.stored.request;
    let (deadlines, note) = match view.if_resumed_today {
        Some(resumed) => (resumed, Some("als het gevraagde vandaag binnenkomt".to_string())),
        None => (view.deadlines, None),
    };
    let decision_due = r.decision_due(&deadlines);
    let response_note = match &r.extension {
        Some(extension) if decision_due != deadlines.response => Some(format!(
            "beantwoord met de verlenging, gemeld op {}; het besluit moet de verzoeker uiterlijk {} bereiken",
            long_date(extension.informed_on),
            long_date(decision_due)
        )),
        _ => note.clone(),
    };
    vec![
        (
            "Antwoord of het verzoek wordt uitgevoerd",
            long_date(deadlines.response),
            response_note,
        ),
        ("Uitgevoerd", long_date(deadlines.execution), note.clone()),
        ("Wettelijke termijn", long_date(deadlines.legal), note),
    ]
}

/// How the decision reads on the page: outcome, date, grounds by name.
fn decision_text(view: &RequestView) -> Option<String> {
    view.stored.request.decision.as_ref().map(|d| {
        let grounds: Vec<&str> = d
            .grounds
            .iter()
            .map(|code| {
                CATALOGUE
                    .iter()
                    .find(|g| g.code == code)
                    .map_or(code.as_str(), |g| g.label_nl)
            })
            .collect();
        let mut text = match d.communicated_on {
            Some(day) => format!("{}, meegedeeld op {}", d.outcome.label_nl(), long_date(day)),
            None => format!(
                "{}, nog niet meegedeeld; het telt als meegedeeld op de dag waarop de besluitbrief wordt verstuurd of gepost",
                d.outcome.label_nl()
            ),
        };
        if !grounds.is_empty() {
            text.push_str(&format!("; gronden: {}", grounds.join("; ")));
        }
        text
    })
}

/// What the request page shows beside the request itself.
struct Panels {
    letters: Vec<LetterLine>,
    tasks: Vec<TaskLine>,
}

impl Panels {
    async fn of(state: &AppState, user: &WebUser, id: crate::domain::ids::RequestId) -> Panels {
        Panels {
            letters: lines(state, user, id).await,
            tasks: super::tasks::lines(state, user, id).await,
        }
    }
}

fn render(
    state: &AppState,
    user: &WebUser,
    file: CaseFile,
    panels: Panels,
    posted: Posted,
    status: StatusCode,
) -> HttpResponse {
    let Panels { letters, tasks } = panels;
    let view = &file.view;
    let r = &view.stored.request;
    let intake = &view.stored.intake;
    let today = state.rules.today(clock::now());
    let full = view.sight == View::Full;
    let organisation = state.letters.organisation();
    let open_due = view.open_deadline();
    let events = file
        .timeline
        .into_iter()
        .map(|e| Event {
            when: {
                let local = e.occurred_at.with_timezone(&Amsterdam);
                format!("{} {}", short_date(local.date_naive()), local.format("%H:%M"))
            },
            what: action_label(&e.action, Language::Dutch),
            detail: change_in_words(&e.change),
            change: match (e.from_status, e.to_status) {
                (Some(from), Some(to)) if from != to => {
                    Some(format!("{} → {}", from.label_nl(), to.label_nl()))
                }
                (None, Some(to)) => Some(to.label_nl().to_string()),
                _ => None,
            },
            who: e.actor,
        })
        .collect();
    let kind = r.kind.code();
    let template = RequestPage {
        user,
        view,
        full,
        kind: kind.label_nl(),
        option: match &r.kind {
            Kind::Rectification { mode } => Some(mode.label_nl()),
            Kind::Erasure { scope } => Some(scope.label_nl()),
            Kind::Objection {
                direct_marketing: true,
            } => Some("tegen direct marketing"),
            _ => None,
        },
        status: r.status.label_nl(),
        channel: intake.channel.label_nl(),
        relation: intake.requester.relation.label_nl(),
        age_band: intake.subject.age_band.label_nl(),
        assignee: file.assignee_name,
        deadlines: deadline_lines(view),
        open_due: open_due
            .filter(|_| view.if_resumed_today.is_none())
            .map(long_date),
        paused: r.active_suspension().map(|pause| Paused {
            since: long_date(pause.asked_on),
            reason: pause.reason.label_nl(),
            days: days_in_words(pause.paused_days_by(today)),
        }),
        paused_days: if r.active_suspension().is_some() {
            format!("{} (loopt nog)", r.paused_days_by(today))
        } else {
            r.paused_days().to_string()
        },
        flag: view.standing.flag_nl(),
        flag_is_late: view.standing.overdue || view.standing.past_legal_limit,
        today: super::dates::shown(today),
        // What the request allows now and the caller may do (the front desk: withdraw
        // on the caller's behalf, correct what it just registered).
        actions: view
            .allowed_actions
            .iter()
            .filter(|&&action| user.caller.may_act(action, &view.stored.on()).is_ok())
            .filter(|&&action| full || action == ActionName::Withdraw)
            .map(|&action| ActionForm {
                action,
                code: action.code(),
                title: if action == ActionName::Extend && view.standing.past_legal_limit {
                    RECORD_EXTENSION
                } else if action == ActionName::Correct && r.status.is_terminal() {
                    CORRECT_CONTACT
                } else {
                    action.label_nl()
                },
            })
            .collect(),
        legal_limit_passed: view
            .standing
            .past_legal_limit
            .then(|| long_date(view.deadlines.legal)),
        workers: file.workers,
        other_teams: file
            .teams
            .into_iter()
            .filter(|(code, _)| *code != r.team.to_string())
            .collect(),
        registered: Registered {
            inputs: vec![
                DetailInput {
                    field: "requester.name",
                    name: "name",
                    label: "Naam van de verzoeker",
                    current: intake.requester.name.clone(),
                    kind: "text",
                },
                DetailInput {
                    field: "requester.email",
                    name: "email",
                    label: "E-mailadres (niet verplicht)",
                    current: intake.requester.email.clone().unwrap_or_default(),
                    kind: "email",
                },
                DetailInput {
                    field: "requester.phone",
                    name: "phone",
                    label: "Telefoonnummer (niet verplicht)",
                    current: intake.requester.phone.clone().unwrap_or_default(),
                    kind: "tel",
                },
                DetailInput {
                    field: "requester.address.line",
                    name: "address_line",
                    label: "Straat en huisnummer, voor brieven per post (niet verplicht)",
                    current: intake
                        .requester
                        .address
                        .as_ref()
                        .map(|a| a.line.clone())
                        .unwrap_or_default(),
                    kind: "text",
                },
                DetailInput {
                    field: "requester.address.postcode",
                    name: "address_postcode",
                    label: "Postcode (niet verplicht)",
                    current: intake
                        .requester
                        .address
                        .as_ref()
                        .map(|a| a.postcode.clone())
                        .unwrap_or_default(),
                    kind: "text",
                },
                DetailInput {
                    field: "requester.address.city",
                    name: "address_city",
                    label: "Plaats (niet verplicht)",
                    current: intake
                        .requester
                        .address
                        .as_ref()
                        .map(|a| a.city.clone())
                        .unwrap_or_default(),
                    kind: "text",
                },
                DetailInput {
                    field: "subject.name",
                    name: "subject_name",
                    label: "Naam van de cliënt (verplicht als iemand anders het vraagt)",
                    current: intake.subject.name.clone().unwrap_or_default(),
                    kind: "text",
                },
                DetailInput {
                    field: "subject.client_reference",
                    name: "client_reference",
                    label: "Cliëntnummer (niet verplicht)",
                    current: intake.subject.client_reference.clone().unwrap_or_default(),
                    kind: "text",
                },
                DetailInput {
                    field: "received_on",
                    name: "received_on",
                    label: "Ontvangen op (dd-mm-jjjj)",
                    current: super::dates::shown(r.received_on),
                    kind: "text",
                },
            ],
            relation: intake.requester.relation.code(),
            age_band: intake.subject.age_band.code(),
            parents_informed: match intake.subject.parents_informed {
                Some(true) => "ja",
                Some(false) => "nee",
                None => "",
            },
            description: intake.description.clone().unwrap_or_default(),
        },
        parents_choices: PARENTS_CHOICES,
        relations: choices::<Relation>(),
        age_bands: choices::<AgeBand>(),
        grounds: CATALOGUE
            .iter()
            .filter(|g| g.applies_to(kind))
            .map(|g| Ground {
                code: g.code,
                label: g.label_nl,
                reference: g.reference_nl,
            })
            .collect(),
        identity_checks: choices::<IdentityCheck>(),
        suspend_reasons: choices::<SuspendReason>(),
        outcomes: choices::<Outcome>(),
        events,
        posted,
        decision: decision_text(view),
        suggested: suggested(view, &letters).map(|k| k.code()),
        letters,
        tasks,
        letter_kinds: LetterKind::ALL
            .iter()
            .filter(|k| user.caller.role != Role::FrontDesk || **k == LetterKind::Acknowledgement)
            .filter(|k| k.template(r).is_ok())
            .map(|k| (k.code(), k.label_nl()))
            .collect(),
        may_write_letters: organisation.is_ok() && user.caller.role != Role::Auditor,
        letters_off: match (&organisation, user.caller.role) {
            (_, Role::Auditor) => None,
            (Err(why), _) => Some(why.nl.clone()),
            (Ok(_), _) => None,
        },
        example_organisation: organisation.as_ref().is_ok_and(|o| o.is_example()),
    };
    page(status, &template)
}

pub async fn show(state: State, req: HttpRequest, SignedIn(user): SignedIn, id: web::Path<String>) -> Answer {
    let id = service::request_id(&id)?;
    let file = service::case_file(&state.ctx(&user.caller), id).await?;
    let panels = Panels::of(&state, &user, id).await;
    // An action's form sent after the session ended: shown again as it was typed.
    let posted = match super::session::kept_form(&state, &req, &user).await {
        Some(pairs) => kept_action(pairs),
        None => Posted::default(),
    };
    Ok(render(&state, &user, file, panels, posted, StatusCode::OK))
}

/// An action's form as it was kept ([`super::session::kept_form`]): its values, and
/// the notice that it was not yet sent.
fn kept_action(pairs: Vec<(String, String)>) -> Posted {
    let mut posted = Posted {
        notice: Some(super::KEPT.to_string()),
        ..Default::default()
    };
    for (name, value) in pairs {
        if name == super::session::SENT_TO {
            posted.action = value.rsplit('/').next().unwrap_or_default().to_string();
        } else {
            posted.values.entry(name).or_default().push(value);
        }
    }
    posted
}

/// The input of `action` from its form: the form's fields carry the input's names;
/// empty fields are left out, the recipients come one per line.
fn action_input(action: ActionName, pairs: &[(String, String)]) -> ActionInput {
    let all = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let one = |name: &str| all(name).into_iter().next();
    let given = |name: &str| one(name).unwrap_or_default();
    // A date as typed on the page (27-11-2026), as the service reads it.
    let date = |name: &str| one(name).map(|typed| super::dates::iso(&typed));
    let given_date = |name: &str| date(name).unwrap_or_default();
    match action {
        ActionName::Assign => ActionInput::Assign(AssignInput {
            assignee: given("assignee"),
        }),
        ActionName::StartAssessment => ActionInput::StartAssessment(StartAssessmentInput {
            identity_verified_by: given("identity_verified_by"),
            note: one("note"),
        }),
        ActionName::Suspend => ActionInput::Suspend(SuspendInput {
            reason: given("reason"),
            asked_on: given_date("asked_on"),
        }),
        ActionName::Resume => ActionInput::Resume(ResumeInput {
            received_on: given_date("received_on"),
        }),
        ActionName::Extend => ActionInput::Extend(ExtendInput {
            reason: one("reason"),
            informed_on: given_date("informed_on"),
            until: date("until"),
        }),
        ActionName::Decide => ActionInput::Decide(DecideInput {
            outcome: given("outcome"),
            grounds: all("grounds"),
            explanation: one("explanation"),
            communicated_on: date("communicated_on"),
        }),
        ActionName::Complete => ActionInput::Complete(CompleteInput {
            summary: one("summary"),
            recipients_informed: given("recipients_informed")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            recipients_note: one("recipients_note"),
            completed_on: date("completed_on"),
        }),
        ActionName::Withdraw => ActionInput::Withdraw(WithdrawInput {
            reason: one("reason"),
            on: given_date("on"),
            // The page names the other request by its reference; `act` looks it up.
            duplicate_of: one("duplicate_of"),
        }),
        // The form sends every detail; what equals the registration is no change.
        ActionName::Correct => ActionInput::Correct(Box::new(CorrectInput {
            reason: one("reason"),
            requester: Some(RequesterCorrection {
                name: Some(given("name")),
                email: Some(one("email")),
                phone: Some(one("phone")),
                relation: Some(given("relation")),
                // All three empty: no address; otherwise each is checked.
                address: Some(
                    ["address_line", "address_postcode", "address_city"]
                        .iter()
                        .any(|name| one(name).is_some())
                        .then(|| AddressInput {
                            line: given("address_line"),
                            postcode: given("address_postcode"),
                            city: given("address_city"),
                        }),
                ),
                language: None,
            }),
            subject: Some(SubjectCorrection {
                name: Some(one("subject_name")),
                age_band: Some(given("age_band")),
                client_reference: Some(one("client_reference")),
                parents_informed: Some(match given("parents_informed").as_str() {
                    "ja" => Some(true),
                    "nee" => Some(false),
                    _ => None,
                }),
            }),
            description: Some(one("description")),
            received_on: date("received_on"),
        })),
        ActionName::Transfer => ActionInput::Transfer(TransferInput {
            team: given("team"),
            reason: one("reason"),
        }),
    }
}

/// The fields a correction changed, or the teams of a transfer, with the reason.
fn change_in_words(change: &Change) -> Option<String> {
    let what = if let Some((from, to)) = &change.teams {
        format!("van team {from} naar team {to}")
    } else if !change.fields.is_empty() {
        format!(
            "gewijzigd: {}",
            change
                .fields
                .iter()
                .map(|f| super::labels::field(f))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else if let Some(name) = &change.assignee {
        format!("aan {name}")
    } else if let Some(outcome) = change.outcome {
        outcome.label_nl().to_string()
    } else if let Some(reason) = change.pause_reason {
        reason.label_nl().to_string()
    } else if let Some((kind, channel)) = change.letter {
        format!(
            "{} ({})",
            kind.label_nl(),
            crate::domain::vocabulary::in_sentence(channel.label_nl())
        )
    } else {
        return None;
    };
    Some(match &change.reason {
        Some(reason) => format!("{what}; reden: {reason}"),
        None => what,
    })
}

/// What a refused action says beside its form; `None` for a refusal that is a page
/// of its own (not found, forbidden, unavailable).
fn refusal(error: ServiceError) -> Result<Posted, PageError> {
    match error {
        ServiceError::Invalid(fields) => Ok(Posted {
            // `grounds[0]` is shown beside the grounds.
            errors: fields
                .into_iter()
                .map(|f| (f.field.split('[').next().unwrap_or_default().to_string(), f.message.nl))
                .collect(),
            ..Default::default()
        }),
        ServiceError::NotAllowed { detail, .. } => Ok(Posted {
            notice: Some(format!("Dit kan nu niet: {}.", detail.nl)),
            ..Default::default()
        }),
        // A request that cannot be completed yet (a task is open), a task closed already.
        ServiceError::Conflict(message) => Ok(Posted {
            notice: Some(format!("Dit kan nu niet: {}.", message.nl)),
            ..Default::default()
        }),
        ServiceError::Stale { .. } => Ok(Posted {
            notice: Some(
                "Iemand anders heeft het verzoek intussen gewijzigd. Bekijk de nieuwe stand en probeer het opnieuw."
                    .into(),
            ),
            ..Default::default()
        }),
        other => Err(other.into()),
    }
}

pub async fn act(state: State, path: web::Path<(String, String)>, sent: CheckedForm) -> Answer {
    let (user, pairs) = (sent.user, sent.pairs);
    let (id, action_code) = path.into_inner();
    let action = ActionName::parse(&action_code).map_err(|_| PageError::NotFound)?;
    let expected = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    // The other request of a duplicate is named by its reference on the page.
    let mut named = pairs.clone();
    if let Some((_, typed)) = named
        .iter_mut()
        .find(|(k, v)| k == "duplicate_of" && !v.trim().is_empty())
    {
        match service::by_reference(&state.ctx(&user.caller), typed).await {
            Ok(other) => *typed = other.stored.request.id.to_string(),
            Err(ServiceError::NotFound(_)) => {
                let posted = Posted {
                    errors: HashMap::from([(
                        "duplicate_of".to_string(),
                        format!(
                            "er is geen verzoek met kenmerk ‘{}’ dat u kunt zien",
                            typed.trim()
                        ),
                    )]),
                    ..Default::default()
                };
                return refused_page(&state, &user, &id, action, posted, pairs).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let input = action_input(action, &named);
    let posted = match service::act(
        &state.ctx(&user.caller),
        service::request_id(&id)?,
        input,
        expected,
    )
    .await
    {
        // Moved out of the caller's sight: the list says where it went.
        Ok(view) if user.caller.view_of_request(&view.stored.on()).is_none() => {
            let r = &view.stored.request;
            return Ok(see_other(&format!(
                "/requests?verplaatst={}&naar={}",
                r.reference, r.team
            )));
        }
        // An action the requester must hear about leads on to its letter.
        Ok(_) if LETTER_ACTIONS.contains(&action) => {
            return Ok(see_other(&format!("/requests/{id}#correspondentie")))
        }
        Ok(_) => return Ok(see_other(&format!("/requests/{id}"))),
        Err(error) => refusal(error)?,
    };
    refused_page(&state, &user, &id, action, posted, pairs).await
}

/// The request page with the refused action's form as it was typed, and why.
async fn refused_page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    action: ActionName,
    posted: Posted,
    pairs: Vec<(String, String)>,
) -> Answer {
    let id = service::request_id(id)?;
    shown_again(state, user, id, action.code(), posted, pairs).await
}

/// The request page after a task's form was refused: the form as typed, and why.
pub(super) async fn refused_task(
    state: &AppState,
    user: &WebUser,
    request: crate::domain::ids::RequestId,
    task: &str,
    error: ServiceError,
    pairs: Vec<(String, String)>,
) -> Answer {
    shown_again(state, user, request, task, refusal(error)?, pairs).await
}

/// The request page with one refused form (`form`: an action's code, or a task's ID)
/// as it was typed.
async fn shown_again(
    state: &AppState,
    user: &WebUser,
    request: crate::domain::ids::RequestId,
    form: &str,
    mut posted: Posted,
    pairs: Vec<(String, String)>,
) -> Answer {
    posted.action = form.to_string();
    for (name, value) in pairs {
        posted.values.entry(name).or_default().push(value);
    }
    let status = if posted.notice.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let file = service::case_file(&state.ctx(&user.caller), request).await?;
    let panels = Panels::of(state, user, request).await;
    Ok(render(state, user, file, panels, posted, status))
}
