//! The input of each lifecycle action, as given, before any check: one shape per
//! action, whichever way it comes in. The JSON API reads the shape its path names
//! from the body; the request page fills it from the action's form (whose fields
//! have the same names). [`ActionInput::into_command`] checks it into a domain
//! [`Command`], naming every field that is wrong.

use serde::Deserialize;

use super::input::Issues;
use super::registration::detail;
use super::ServiceError;
use crate::domain::intake::{AgeBand, IntakeCorrection, Relation};
use crate::domain::request::{ActionName, Command, IdentityCheck, Outcome, SuspendReason};
use crate::domain::team::TeamCode;

/// `assign`: the worker who handles the request.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// A caseworker or manager of the request's team.
    #[schema(value_type = uuid::Uuid)]
    pub assignee: String,
}

/// `start_assessment`: how identity (and representation) was verified.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartAssessmentInput {
    #[schema(value_type = IdentityCheck)]
    pub identity_verified_by: String,
    pub note: Option<String>,
}

/// `suspend`: the organisation waits for the requester; the clock stops.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendInput {
    #[schema(value_type = SuspendReason)]
    pub reason: String,
    /// The day the requester was asked.
    #[schema(value_type = NaiveDate)]
    pub asked_on: String,
}

/// `resume`: what was asked for has arrived; the clock runs again.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResumeInput {
    /// The day it arrived.
    #[schema(value_type = NaiveDate)]
    pub received_on: String,
}

/// `extend`: once per request, announced within the first month (AVG 12(3)).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendInput {
    pub reason: Option<String>,
    /// The day the requester was told.
    #[schema(value_type = NaiveDate)]
    pub informed_on: String,
    /// A new execution deadline, at most the extended legal limit.
    #[schema(value_type = Option<NaiveDate>)]
    pub until: Option<String>,
}

/// `decide`: the answer to the requester, with grounds for any refusal.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideInput {
    #[schema(value_type = Outcome)]
    pub outcome: String,
    /// Codes from `GET /api/v1/refusal-grounds` (for a partial or full refusal).
    #[serde(default)]
    pub grounds: Vec<String>,
    pub explanation: Option<String>,
    /// The day the decision was communicated. Leave it out while the decision is
    /// still to be told: sending the decision letter (or recording its posting)
    /// sets it, and the response reminders run until then.
    #[schema(value_type = Option<NaiveDate>)]
    pub communicated_on: Option<String>,
}

/// `complete`: what was done, and who else was told (AVG 19).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteInput {
    pub summary: Option<String>,
    #[serde(default)]
    pub recipients_informed: Vec<String>,
    pub recipients_note: Option<String>,
    /// Default today.
    #[schema(value_type = Option<NaiveDate>)]
    pub completed_on: Option<String>,
}

/// `withdraw`: the request ends without a decision.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// Why (required, unless `duplicate_of` is given).
    pub reason: Option<String>,
    /// The day it was withdrawn.
    #[schema(value_type = NaiveDate)]
    pub on: String,
    /// Closes the request as a duplicate of this one (the same request registered
    /// twice): counted as `duplicate` in reports, never as withdrawn by the requester.
    #[schema(value_type = Option<uuid::Uuid>)]
    #[serde(default)]
    pub duplicate_of: Option<String>,
}

/// `correct`: fixes what was registered. Give only what changes; a detail that may be
/// absent is removed with `null` (or an empty text).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectInput {
    /// Why the registration was wrong (kept with the request, not in the audit trail).
    pub reason: Option<String>,
    pub requester: Option<RequesterCorrection>,
    pub subject: Option<SubjectCorrection>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// The corrected date of receipt: the deadlines follow it.
    #[schema(value_type = Option<NaiveDate>)]
    pub received_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterCorrection {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[schema(value_type = Option<Relation>)]
    pub relation: Option<String>,
    /// The postal address for letters by post; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<super::registration::AddressInput>)]
    pub address: Option<Option<super::registration::AddressInput>>,
    #[schema(value_type = Option<crate::domain::Language>)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectCorrection {
    /// The client's name; `null` removes it (only when the requester is the client).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[schema(value_type = Option<AgeBand>)]
    pub age_band: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub client_reference: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub parents_informed: Option<Option<bool>>,
}

/// A field that is there, even as `null` (`Some(None)`), as opposed to one left out
/// (`None`, by `#[serde(default)]`).
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `transfer`: moves the request to another team (a manager or the privacy officer).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    #[schema(value_type = TeamCode)]
    pub team: String,
    /// Why it moves (kept with the request, not in the audit trail).
    pub reason: Option<String>,
}

/// The input of one action: the shape of the action the path names.
#[derive(Debug, Clone, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ActionInput {
    Assign(AssignInput),
    StartAssessment(StartAssessmentInput),
    Suspend(SuspendInput),
    Resume(ResumeInput),
    Extend(ExtendInput),
    Decide(DecideInput),
    Complete(CompleteInput),
    Withdraw(WithdrawInput),
    Correct(Box<CorrectInput>),
    Transfer(TransferInput),
}

impl ActionInput {
    pub fn action(&self) -> ActionName {
        match self {
            ActionInput::Assign(_) => ActionName::Assign,
            ActionInput::StartAssessment(_) => ActionName::StartAssessment,
            ActionInput::Suspend(_) => ActionName::Suspend,
            ActionInput::Resume(_) => ActionName::Resume,
            ActionInput::Extend(_) => ActionName::Extend,
            ActionInput::Decide(_) => ActionName::Decide,
            ActionInput::Complete(_) => ActionName::Complete,
            ActionInput::Withdraw(_) => ActionName::Withdraw,
            ActionInput::Correct(_) => ActionName::Correct,
            ActionInput::Transfer(_) => ActionName::Transfer,
        }
    }

    /// Checks the input into a command, listing every field that is wrong; a
    /// correction of the intake comes beside it, to be merged with what is there.
    pub fn into_command(self) -> Result<(Command, Option<IntakeCorrection>), ServiceError> {
        let mut issues = Issues::default();
        if let ActionInput::Correct(given) = self {
            let received_on = issues.optional_date("received_on", given.received_on.as_deref());
            let intake = given.intake(&mut issues);
            let command = received_on.map(|received_on| Command::Correct {
                reason: given.reason,
                received_on,
                intake_changed: Vec::new(),
            });
            return issues.into_result(command).map(|command| (command, Some(intake)));
        }
        let command = match self {
            ActionInput::Assign(given) => issues
                .uuid("assignee", &given.assignee)
                .map(|assignee| Command::Assign { assignee }),
            ActionInput::StartAssessment(given) => issues
                .code::<IdentityCheck>("identity_verified_by", &given.identity_verified_by)
                .map(|identity_verified_by| Command::StartAssessment {
                    identity_verified_by,
                    note: given.note,
                }),
            ActionInput::Suspend(given) => {
                let reason = issues.code::<SuspendReason>("reason", &given.reason);
                let asked_on = issues.date("asked_on", &given.asked_on);
                reason
                    .zip(asked_on)
                    .map(|(reason, asked_on)| Command::Suspend { reason, asked_on })
            }
            ActionInput::Resume(given) => issues
                .date("received_on", &given.received_on)
                .map(|received_on| Command::Resume { received_on }),
            ActionInput::Extend(given) => {
                let informed_on = issues.date("informed_on", &given.informed_on);
                let until = issues.optional_date("until", given.until.as_deref());
                informed_on
                    .zip(until)
                    .map(|(informed_on, until)| Command::Extend {
                        reason: given.reason,
                        informed_on,
                        until,
                    })
            }
            ActionInput::Decide(given) => {
                let outcome = issues.code::<Outcome>("outcome", &given.outcome);
                let communicated_on = issues.optional_date(
                    "communicated_on",
                    given.communicated_on.as_deref().filter(|d| !d.trim().is_empty()),
                );
                outcome
                    .zip(communicated_on)
                    .map(|(outcome, communicated_on)| Command::Decide {
                        outcome,
                        grounds: given.grounds.iter().map(|g| g.trim().to_string()).collect(),
                        explanation: given.explanation,
                        communicated_on,
                    })
            }
            ActionInput::Complete(given) => issues
                .optional_date("completed_on", given.completed_on.as_deref())
                .map(|completed_on| Command::Complete {
                    summary: given.summary,
                    recipients_informed: given.recipients_informed,
                    recipients_note: given.recipients_note,
                    completed_on,
                }),
            ActionInput::Withdraw(given) => {
                let on = issues.date("on", &given.on);
                let duplicate_of = match &given.duplicate_of {
                    Some(id) => issues.uuid("duplicate_of", id).map(Some),
                    None => Some(None),
                };
                on.zip(duplicate_of).map(|(on, duplicate_of)| Command::Withdraw {
                    reason: given.reason,
                    on,
                    duplicate_of,
                })
            }
            ActionInput::Transfer(given) => {
                issues
                    .parse("team", TeamCode::parse(given.team.trim()))
                    .map(|team| Command::Transfer {
                        team,
                        reason: given.reason,
                        keep_assignee: false,
                    })
            }
            ActionInput::Correct(_) => unreachable!("a correction is checked above"),
        };
        issues.into_result(command).map(|command| (command, None))
    }
}

impl CorrectInput {
    /// The corrected details, each checked as at registration.
    fn intake(&self, issues: &mut Issues) -> IntakeCorrection {
        let requester = self.requester.clone().unwrap_or_default();
        let subject = self.subject.clone().unwrap_or_default();
        let optional =
            |value: Option<Option<String>>,
             check: &dyn Fn(&mut Issues, Option<&str>) -> Option<String>,
             issues: &mut Issues| { value.map(|v| check(issues, v.as_deref())) };
        IntakeCorrection {
            name: requester
                .name
                .as_deref()
                .map(|name| detail::name(issues, name).unwrap_or_default()),
            email: optional(requester.email, &detail::email, issues),
            phone: optional(requester.phone, &detail::phone, issues),
            relation: requester
                .relation
                .and_then(|r| issues.code::<Relation>("requester.relation", &r)),
            subject_name: optional(subject.name, &detail::subject_name, issues),
            age_band: subject
                .age_band
                .and_then(|a| issues.code::<AgeBand>("subject.age_band", &a)),
            client_reference: optional(subject.client_reference, &detail::client_reference, issues),
            parents_informed: subject.parents_informed,
            description: optional(self.description.clone(), &detail::description, issues),
            address: requester
                .address
                .map(|address| address.and_then(|a| detail::address(issues, &a))),
            language: requester
                .language
                .and_then(|l| issues.code::<crate::domain::Language>("requester.language", &l)),
        }
    }
}
