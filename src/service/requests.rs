//! Registering requests, taking lifecycle actions, and reading requests back: one
//! request, a list, the audit trail, and the case file the request page shows.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use tracing::Instrument;
use uuid::Uuid;

use super::admin::check_assignee;
use super::commands::ActionInput;
use super::registration::{Registration, RegistrationInput};
use super::{Ctx, Rules, ServiceError};
use crate::domain::access::{Caller, Denied, ListScope, View};
use crate::domain::audit::{AuditEvent, RecordAction};
use crate::domain::deadlines::Deadlines;
use crate::domain::ids::{RequestId, UserId};
use crate::domain::intake::{Channel, Intake, IntakeCorrection, Relation};
use crate::domain::kind::{ErasureScope, Kind, KindCode, RectificationMode};
use crate::domain::letters::{LetterChannel, LetterKind};
use crate::domain::reminders::DeadlineKind;
use crate::domain::request::{
    self, ActionFacts, ActionName, Command, Outcome, Request, Standing, Status, TransitionError,
};
use crate::domain::team::TeamCode;
use crate::domain::{FieldIssue, Message};
use crate::storage::requests::{self as store, RequestRecord, StoredRequest};
use crate::storage::{audit, notifications, tasks, teams, users, DbConnection, StorageError};

pub use crate::storage::lists::{ListFilter, ListStanding, Sort, SortKey, Total};

/// A request as its reader sees it: the stored facts, what follows from them today,
/// and how much of it the reader may see.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub stored: StoredRequest,
    pub deadlines: Deadlines,
    /// Overdue, past the legal limit, due soon: as of the moment it was read.
    pub standing: Standing,
    pub allowed_actions: Vec<ActionName>,
    pub sight: View,
    /// While the clock stands still: the deadlines if what was asked arrived today.
    pub if_resumed_today: Option<Deadlines>,
}

impl RequestView {
    fn of(stored: StoredRequest, rules: &Rules, now: DateTime<Utc>, sight: View) -> Self {
        let context = rules.context(stored.request.kind.code(), now);
        let deadlines = stored.request.deadlines(context.periods, context.calendar);
        let today = context.today();
        let standing = stored.request.standing(&deadlines, today, rules.soon_until(now));
        let allowed_actions = stored.request.allowed_actions(&deadlines, today);
        let if_resumed_today =
            stored
                .request
                .deadlines_if_resumed_on(today, context.periods, context.calendar);
        RequestView {
            stored,
            deadlines,
            standing,
            allowed_actions,
            sight,
            if_resumed_today,
        }
    }

    /// The deadline the request still has to meet, if any.
    pub fn open_deadline(&self) -> Option<NaiveDate> {
        self.stored.request.open_deadline(&self.deadlines)
    }
}

/// The deadline whose reminders still apply: the one the request still has to meet,
/// none while it is paused or closed.
pub(crate) fn reminders_still_due(
    request: &crate::domain::request::Request,
    deadlines: &Deadlines,
) -> Option<(DeadlineKind, NaiveDate)> {
    (request.status != Status::AwaitingRequester)
        .then(|| request.deadline_to_meet(deadlines))
        .flatten()
}

/// Cancels the queued reminders of a request that no longer apply (`keep`: the
/// deadline whose reminders still do).
pub(crate) fn cancel_stale_reminders(
    conn: &mut DbConnection,
    id: RequestId,
    keep: Option<(DeadlineKind, NaiveDate)>,
) -> Result<(), ServiceError> {
    let cancelled = notifications::cancel_stale(conn, id, keep)?;
    if cancelled > 0 {
        tracing::info!(cancelled, "stale reminders cancelled");
    }
    Ok(())
}

/// The request ID in a path or a form, parsed where it enters: anything that is not an
/// ID names a request that does not exist.
pub fn request_id(text: &str) -> Result<RequestId, ServiceError> {
    RequestId::parse(text).map_err(|_| not_found(text))
}

pub(crate) fn not_found(id: impl std::fmt::Display) -> ServiceError {
    ServiceError::NotFound(format!("no request with id {id}"))
}

/// Outside the caller's sight is "not found"; a visible request they may not touch
/// this way is "forbidden".
fn denied(id: RequestId) -> impl Fn(Denied) -> ServiceError {
    move |denied| match denied {
        Denied::NotFound => not_found(id),
        other => other.into(),
    }
}

/// Registers a request from what the front desk gave.
pub async fn register(cx: &Ctx<'_>, input: RegistrationInput) -> Result<RequestView, ServiceError> {
    let (db, rules, _, caller, now) = cx.parts();
    let registration = input.parse(rules.today(now))?;
    let span = tracing::info_span!(
        "register",
        kind = %registration.kind.code(),
        team = %registration.team,
    );
    async move {
        caller.may_register(&registration.team)?;
        let (rules_in, caller_in) = (rules.clone(), caller.clone());
        let stored = db
            .write(move |conn| register_in(conn, &rules_in, &caller_in, registration, now))
            .await?;
        tracing::info!(
            request_id = %stored.request.id,
            reference = %stored.request.reference,
            "request registered"
        );
        // As a later read would show it: the front desk sees what it typed in full.
        let sight = caller.view_of_request(&stored.on()).unwrap_or(View::Status);
        Ok(RequestView::of(stored, rules, now, sight))
    }
    .instrument(span)
    .await
}

/// Is `related` a request a restriction can be linked to, by this caller? A request
/// outside the caller's sight reads exactly as one that does not exist.
fn check_related_in(conn: &mut DbConnection, caller: &Caller, related: Uuid) -> Result<(), ServiceError> {
    let record = store::find_record(conn, RequestId::from(related))?
        .filter(|record| caller.view_of(&record.team).is_some());
    match record.map(|r| r.kind) {
        None => Err(ServiceError::invalid(
            "related_request",
            format!("there is no request with id {related}"),
            format!("er is geen verzoek met id {related}"),
        )),
        Some(KindCode::Rectification | KindCode::Objection) => Ok(()),
        Some(other) => Err(ServiceError::invalid(
            "related_request",
            format!(
                "a restriction is linked to a rectification or objection, not to a request of kind {}",
                other.code()
            ),
            format!(
                "een beperking hoort bij een verzoek om rectificatie of een bezwaar, niet bij soort ‘{}’",
                crate::domain::vocabulary::in_sentence(other.label_nl())
            ),
        )),
    }
}

fn register_in(
    conn: &mut DbConnection,
    rules: &Rules,
    caller: &Caller,
    registration: Registration,
    now: DateTime<Utc>,
) -> Result<StoredRequest, ServiceError> {
    let actor = caller.user_id.to_string();
    if teams::find(conn, &registration.team)?.is_none() {
        return Err(ServiceError::invalid(
            "team",
            format!("there is no team with code {}", registration.team),
            format!("er is geen team met code {}", registration.team),
        ));
    }
    if let Some(assignee) = registration.assignee {
        check_assignee(conn, assignee, &registration.team)?;
    }
    if let Kind::Restriction {
        related_request: Some(related),
    } = &registration.kind
    {
        check_related_in(conn, caller, *related)?;
    }
    let year = registration.received_on.year();
    let number = store::next_reference_number(conn, year)?;
    let request = Request::received(
        Uuid::now_v7(),
        crate::domain::request::reference_of(year, number),
        registration.kind,
        registration.team,
        registration.assignee,
        registration.received_on,
    );
    let context = rules.context(request.kind.code(), now);
    let deadlines = request.deadlines(context.periods, context.calendar);
    let stored = StoredRequest {
        request,
        intake: registration.intake,
        created_at: now,
        updated_at: now,
        anonymised_at: None,
        registered_by: Some(caller.user_id),
    };
    let next_reminder_at = rules.next_reminder_at(&stored, &deadlines, now);
    store::insert(conn, &stored, &deadlines, next_reminder_at)?;
    let r = &stored.request;
    let options = r.kind.options();
    let data = json!({
        "reference": r.reference,
        "kind": r.kind.code(),
        "mode": options.mode,
        "scope": options.scope,
        "direct_marketing": options.direct_marketing,
        "related_request": options.related_request,
        "channel": stored.intake.channel,
        "team": r.team,
        "assignee": r.assignee,
        "received_on": r.received_on,
        "relation": stored.intake.requester.relation,
        "age_band": stored.intake.subject.age_band,
        "deadlines": deadlines,
    });
    let id = r.id.to_string();
    audit::append(
        conn,
        audit::NewEvent {
            request_id: Some(&id),
            actor: &actor,
            occurred_at: now,
            action: RecordAction::Register.code(),
            from_status: None,
            to_status: Some(Status::Received.code()),
            data: &data,
        },
    )?;
    Ok(stored)
}

/// Takes one lifecycle action. With `if_match`, the request must still be at that
/// version; either way a change made meanwhile is never overwritten.
pub async fn act(
    cx: &Ctx<'_>,
    id: RequestId,
    input: ActionInput,
    if_match: Option<i64>,
) -> Result<RequestView, ServiceError> {
    let (db, rules, _, caller, now) = cx.parts();
    let action = input.action();
    let (command, correction) = input.into_command()?;
    let span = tracing::info_span!(
        "act",
        request_id = %id,
        action = %action,
        kind = tracing::field::Empty,
    );
    async move {
        let (rules_in, caller_in) = (rules.clone(), caller.clone());
        let stored = db
            .write(move |conn| {
                let command = Checked { command, correction };
                act_in(conn, &rules_in, &caller_in, id, command, if_match, now)
            })
            .await?;
        tracing::info!(status = %stored.request.status, "action taken");
        // After a transfer out of the caller's teams, what the front desk would see.
        let sight = caller.view_of_request(&stored.on()).unwrap_or(View::Status);
        Ok(RequestView::of(stored, rules, now, sight))
    }
    .instrument(span)
    .await
}

/// A checked action, with the correction of the intake that a `correct` brings.
struct Checked {
    command: Command,
    correction: Option<IntakeCorrection>,
}

fn act_in(
    conn: &mut DbConnection,
    rules: &Rules,
    caller: &Caller,
    id: RequestId,
    checked: Checked,
    if_match: Option<i64>,
    now: DateTime<Utc>,
) -> Result<StoredRequest, ServiceError> {
    let Checked {
        mut command,
        correction,
    } = checked;
    let current = store::load(conn, id)?.ok_or_else(|| not_found(id))?;
    let r = &current.request;
    tracing::Span::current().record("kind", tracing::field::display(r.kind.code()));
    caller
        .may_act(command.name(), &current.on())
        .map_err(denied(id))?;
    if current.anonymised_at.is_some() && matches!(command, Command::Correct { .. }) {
        return Err(ServiceError::conflict(
            "the request's personal data were removed by retention; nothing can be added to it again",
            "de persoonsgegevens van dit verzoek zijn na de bewaartermijn verwijderd; er kan niets meer aan worden toegevoegd",
        ));
    }
    let mut intake = current.intake.clone();
    // Problems with the corrected details, reported with those of the rest.
    let intake_issues = prepare_in(conn, caller, r, &mut command, correction, &mut intake)?;
    if let Some(expected) = if_match {
        if expected != r.version {
            return Err(ServiceError::Stale { current: r.version });
        }
    }
    if matches!(command, Command::Complete { .. }) {
        super::tasks::check_completable_in(conn, id)?;
    }
    let moves_team = matches!(command, Command::Transfer { .. });
    let action = command.name();
    let context = rules.context(r.kind.code(), now);
    let transition = match request::transition(r, command, &context) {
        Err(TransitionError::NotAllowed {
            detail,
            status,
            allowed,
            ..
        }) => {
            return Err(ServiceError::NotAllowed {
                detail,
                status,
                allowed,
            })
        }
        Err(TransitionError::Invalid(mut issues)) => {
            issues.extend(intake_issues);
            return Err(ServiceError::Invalid(issues));
        }
        Ok(_) if !intake_issues.is_empty() => return Err(ServiceError::Invalid(intake_issues)),
        Ok(transition) => transition,
    };
    let name_changed = intake.requester.name != current.intake.requester.name
        || intake.subject.name != current.intake.subject.name;
    let next = StoredRequest {
        request: transition.request,
        intake,
        created_at: current.created_at,
        updated_at: now,
        anonymised_at: current.anonymised_at,
        registered_by: current.registered_by,
    };
    let deadlines = next.request.deadlines(context.periods, context.calendar);
    let next_reminder_at = rules.next_reminder_at(&next, &deadlines, now);
    if !store::update(conn, &next, &deadlines, next_reminder_at, r.version)? {
        let current = store::find_record(conn, id)?.map(|r| r.version).unwrap_or(0);
        return Err(ServiceError::Stale { current });
    }
    if name_changed {
        store::replace_requester_keys(conn, id, &next.intake)?;
    }
    // Reminders queued for a deadline that moved, for a request that is closed or
    // paused, or for the team it left, will not be sent.
    if moves_team {
        cancel_stale_reminders(conn, id, None)?;
    } else {
        cancel_stale_reminders(conn, id, reminders_still_due(&next.request, &deadlines))?;
    }
    let event = transition.event;
    let appended = audit::append(
        conn,
        audit::NewEvent {
            request_id: Some(id.as_str()),
            actor: &caller.user_id.to_string(),
            occurred_at: now,
            action: &event.action,
            from_status: event.from_status.map(|s| s.code()),
            to_status: Some(event.to_status.code()),
            data: &event.data,
        },
    )?;
    if let Some(reason) = &transition.reason {
        store::add_change_reason(conn, &appended, id, reason)?;
    }
    let actor = caller.user_id.to_string();
    super::tasks::follow_request_in(conn, rules, &actor, &next.request, &deadlines, action, now)?;
    Ok(next)
}

/// What an action needs from the database before the rules are applied: an assignee
/// who fits the team, a team that exists (and whether the assignee stays in it), the
/// corrected intake, a duplicate the caller sees. Returns the problems with a
/// corrected intake, to report with the rest.
fn prepare_in(
    conn: &mut DbConnection,
    caller: &Caller,
    r: &Request,
    command: &mut Command,
    correction: Option<IntakeCorrection>,
    intake: &mut Intake,
) -> Result<Vec<FieldIssue>, ServiceError> {
    let mut intake_issues = Vec::new();
    match command {
        Command::Assign { assignee } => check_assignee(conn, *assignee, &r.team)?,
        Command::Transfer {
            team, keep_assignee, ..
        } => {
            if teams::find(conn, team)?.is_none() {
                return Err(ServiceError::invalid(
                    "team",
                    format!("there is no team with code {team}"),
                    format!("er is geen team met code {team}"),
                ));
            }
            *keep_assignee = match r.assignee {
                Some(assignee) => check_assignee(conn, assignee, team).is_ok(),
                None => false,
            };
        }
        Command::Correct { intake_changed, .. } => {
            let (corrected, changed, issues) = intake.corrected(&correction.unwrap_or_default());
            (*intake, *intake_changed, intake_issues) = (corrected, changed, issues);
        }
        // The other request must be one the caller sees, and not itself closed as a
        // duplicate (two requests closed as each other's duplicate leave none).
        Command::Withdraw {
            duplicate_of: Some(other),
            ..
        } if *other != r.id => check_duplicate_of_in(conn, caller, *other)?,
        _ => {}
    }
    Ok(intake_issues)
}

/// The request a duplicate is closed for: one the caller sees, and not itself closed
/// as a duplicate (two requests closed as each other's duplicate leave none).
fn check_duplicate_of_in(conn: &mut DbConnection, caller: &Caller, other: Uuid) -> Result<(), ServiceError> {
    let other_id = RequestId::from(other);
    let unknown = || {
        ServiceError::invalid(
            "duplicate_of",
            format!("there is no request {other_id} that you can see"),
            "er is geen verzoek met dat kenmerk dat u kunt zien",
        )
    };
    let found = load_visible_in(conn, caller, other_id).map_err(|_| unknown())?;
    if found
        .0
        .request
        .withdrawal
        .as_ref()
        .is_some_and(|w| w.duplicate_of.is_some())
    {
        return Err(ServiceError::invalid(
            "duplicate_of",
            format!(
                "{} is itself closed as a duplicate; name the request that stays",
                found.0.request.reference
            ),
            format!(
                "{} is zelf gesloten als dubbel; noem het verzoek dat blijft",
                found.0.request.reference
            ),
        ));
    }
    Ok(())
}

/// Loads a request the caller may see; anything else is "not found".
fn load_visible_in(
    conn: &mut DbConnection,
    caller: &Caller,
    id: RequestId,
) -> Result<(StoredRequest, View), ServiceError> {
    let stored = store::load(conn, id)?.ok_or_else(|| not_found(id))?;
    let sight = match caller.view_of_request(&stored.on()) {
        Some(sight) => sight,
        // Who carries one of its tasks sees its status, not its free text.
        None if tasks::involves(conn, id, UserId::from(caller.user_id))? => View::Status,
        None => return Err(not_found(id)),
    };
    Ok((stored, sight))
}

/// Another open request that may be the same one registered twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PossibleDuplicate {
    pub id: Uuid,
    pub reference: String,
}

/// The open requests of the same kind, for the same requester or client, that the
/// caller can see (`storage::requests::possible_duplicates`): said when a request is
/// registered, so that a double registration is closed as a duplicate, not withdrawn.
pub async fn possible_duplicates(
    cx: &Ctx<'_>,
    id: RequestId,
) -> Result<Vec<PossibleDuplicate>, ServiceError> {
    let (db, _, _, caller, _) = cx.parts();
    let caller = caller.clone();
    db.read(move |conn| {
        let (stored, _) = load_visible_in(conn, &caller, id)?;
        Ok(store::possible_duplicates(conn, &stored)?
            .into_iter()
            .filter(|other| caller.view_of_request(&other.on()).is_some())
            .map(|other| PossibleDuplicate {
                id: other.request.id,
                reference: other.request.reference,
            })
            .collect())
    })
    .await
}

/// One request, as far as the caller may see it.
pub async fn get(cx: &Ctx<'_>, id: RequestId) -> Result<RequestView, ServiceError> {
    let (db, rules, _, caller, now) = cx.parts();
    let span = tracing::info_span!("read", request_id = %id);
    let caller = caller.clone();
    let (stored, sight) = db
        .read(move |conn| load_visible_in(conn, &caller, id))
        .instrument(span)
        .await?;
    Ok(RequestView::of(stored, rules, now, sight))
}

/// The front desk's look-up: one request by its reference.
pub async fn by_reference(cx: &Ctx<'_>, reference: &str) -> Result<RequestView, ServiceError> {
    let (db, rules, _, caller, now) = cx.parts();
    let caller = caller.clone();
    // Typed as a person types it: any case, the leading zeros left out.
    let reference =
        crate::domain::request::read_reference(reference).unwrap_or_else(|| reference.trim().to_string());
    let (stored, sight) = db
        .read(move |conn| by_reference_in(conn, &caller, &reference))
        .await?;
    Ok(RequestView::of(stored, rules, now, sight))
}

fn by_reference_in(
    conn: &mut DbConnection,
    caller: &Caller,
    reference: &str,
) -> Result<(StoredRequest, View), ServiceError> {
    let missing = || ServiceError::NotFound(format!("no request with reference {reference}"));
    let id = store::id_by_reference(conn, reference)?.ok_or_else(missing)?;
    load_visible_in(conn, caller, id).map_err(|_| missing())
}

/// The audit events of a request, oldest first (not for the front desk).
pub async fn events(cx: &Ctx<'_>, id: RequestId) -> Result<Vec<AuditEvent>, ServiceError> {
    let (db, _, _, caller, _) = cx.parts();
    let span = tracing::info_span!("events", request_id = %id);
    let caller = caller.clone();
    db.read(move |conn| events_in(conn, &caller, id))
        .instrument(span)
        .await
}

fn events_in(
    conn: &mut DbConnection,
    caller: &Caller,
    id: RequestId,
) -> Result<Vec<AuditEvent>, ServiceError> {
    let record = store::find_record(conn, id)?.ok_or_else(|| not_found(id))?;
    caller.may_read_events(&record.team).map_err(denied(id))?;
    Ok(audit::for_request(conn, id)?)
}

/// The deadline that has been extended, as a list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExtensionSummary {
    pub informed_on: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// The decision, as a list shows it (no grounds or explanation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionSummary {
    pub outcome: Outcome,
    /// `null` while the decision is not yet communicated.
    pub communicated_on: Option<NaiveDate>,
}

/// The workflow facts of a request that every reader who sees all of it gets, in a
/// list and in the full request alike: no personal data or free text.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestFacts {
    pub id: Uuid,
    /// `AVG-YYYY-NNNNN`, gap-free per year of receipt.
    pub reference: String,
    pub kind: KindCode,
    /// Rectification: correct or supplement.
    pub mode: Option<RectificationMode>,
    /// Erasure: some data or the whole file.
    pub scope: Option<ErasureScope>,
    /// Objection: against direct marketing (absolute right).
    pub direct_marketing: Option<bool>,
    /// Restriction: the request it relates to.
    pub related_request: Option<Uuid>,
    pub channel: Channel,
    pub status: Status,
    pub team: TeamCode,
    pub assignee: Option<Uuid>,
    pub received_on: NaiveDate,
    pub deadlines: Deadlines,
    /// The deadline it still has to meet: the response until the decision is
    /// communicated (after an extension announced first, the extended date), then the
    /// execution deadline; none once closed.
    pub open_deadline: Option<NaiveDate>,
    /// The deadline it still has to meet has passed (frozen while paused).
    pub overdue: bool,
    /// Still open after the legal limit of AVG 12(3) (frozen while paused).
    pub past_legal_limit: bool,
    /// Not overdue nor paused, and the deadline still to meet is at most
    /// `AVG_LOKET_REMINDER_DAYS_BEFORE` working days away.
    pub due_soon: bool,
    pub suspended_days: i64,
    pub version: i64,
    /// What the caller may do next: `POST /api/v1/requests/{id}/actions/{action}`.
    pub allowed_actions: Vec<ActionName>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RequestFacts {
    pub fn of(view: &RequestView) -> Self {
        let stored = &view.stored;
        let r = &stored.request;
        let options = r.kind.options();
        RequestFacts {
            id: r.id,
            reference: r.reference.clone(),
            kind: r.kind.code(),
            mode: options.mode,
            scope: options.scope,
            direct_marketing: options.direct_marketing,
            related_request: options.related_request,
            channel: stored.intake.channel,
            status: r.status,
            team: r.team.clone(),
            assignee: r.assignee,
            received_on: r.received_on,
            deadlines: view.deadlines,
            open_deadline: view.open_deadline(),
            overdue: view.standing.overdue,
            past_legal_limit: view.standing.past_legal_limit,
            due_soon: view.standing.due_soon,
            suspended_days: i64::from(r.paused_days()),
            version: r.version,
            allowed_actions: view.allowed_actions.clone(),
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }
}

/// A list item: the workflow facts of a request and where it stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestSummary {
    #[serde(flatten)]
    pub facts: RequestFacts,
    /// Who asks, relative to the client.
    pub relation: Relation,
    pub extension: Option<ExtensionSummary>,
    pub decision: Option<DecisionSummary>,
    pub completed_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// Closed as a duplicate of this request (registered twice), not withdrawn.
    pub duplicate_of: Option<Uuid>,
}

impl RequestSummary {
    fn of(record: RequestRecord, today: NaiveDate, soon_until: NaiveDate) -> Result<Self, StorageError> {
        let standing = Standing::of(
            record.open_due,
            record.legal_due,
            record.suspended_since,
            today,
            soon_until,
        );
        let facts = ActionFacts {
            status: record.status,
            assigned: record.assignee.is_some(),
            extended: record.extension_informed_on.is_some(),
            legal_limit_passed: standing.past_legal_limit.then_some(record.legal_due),
            decision_untold: record.outcome.is_some() && record.decided_on.is_none(),
        };
        Ok(RequestSummary {
            facts: RequestFacts {
                id: record.id.uuid(),
                reference: record.reference.clone(),
                kind: record.kind,
                mode: record.mode,
                scope: record.scope,
                direct_marketing: record.direct_marketing,
                related_request: record.related_request.map(RequestId::uuid),
                channel: record.channel,
                status: record.status,
                team: record.team.clone(),
                assignee: record.assignee_id(),
                received_on: record.received_on,
                deadlines: record.deadlines(),
                open_deadline: record.open_due,
                overdue: standing.overdue,
                past_legal_limit: standing.past_legal_limit,
                due_soon: standing.due_soon,
                suspended_days: i64::from(record.paused_days),
                version: record.version,
                allowed_actions: facts.allowed_actions(),
                created_at: record.created(),
                updated_at: record.updated(),
            },
            relation: record.relation,
            extension: record.extension_informed_on.map(|informed_on| ExtensionSummary {
                informed_on,
                until: record.extension_until,
            }),
            decision: record.outcome.map(|outcome| DecisionSummary {
                outcome,
                communicated_on: record.decided_on,
            }),
            completed_on: record.completed_on,
            closed_on: record.closed_on,
            duplicate_of: record.duplicate_of.map(RequestId::uuid),
        })
    }
}

/// One page of a list, the number of matches, and how much the caller sees of each.
#[derive(Debug, Clone)]
pub struct RequestList {
    pub items: Vec<RequestSummary>,
    pub total: Total,
    pub sight: View,
}

/// A page of the requests the caller may see.
pub async fn list(
    cx: &Ctx<'_>,
    mut filter: ListFilter,
    page: i64,
    per_page: i64,
) -> Result<RequestList, ServiceError> {
    let (db, rules, _, caller, now) = cx.parts();
    let sight = match caller.list_scope() {
        ListScope::All => View::Full,
        ListScope::Teams(teams) => {
            filter.visible_teams = Some(teams);
            View::Full
        }
        ListScope::ByReferenceOnly => {
            if filter.reference.is_none() && filter.q.is_none() {
                return Err(ServiceError::Forbidden(Message::new(
                    "the front desk looks requests up: add ?reference=AVG-YYYY-NNNNN, or ?q= with the start of the requester's name or the client reference",
                    "de balie zoekt een verzoek op met het kenmerk (AVG-JJJJ-NNNNN), het begin van de naam van de verzoeker of het cliëntnummer",
                )));
            }
            // A status view has no assignee: it cannot be filtered on either, or the
            // answer would tell who handles what.
            if filter.assignee.is_some()
                || filter.mine_or_unassigned.is_some()
                || filter.standing == Some(ListStanding::Unassigned)
            {
                return Err(ServiceError::Forbidden(Message::new(
                    "the front desk sees the status of requests, not who handles them: it cannot filter by assignee",
                    "de balie ziet de stand van verzoeken, niet wie ze behandelt, en kan dus niet zoeken op behandelaar",
                )));
            }
            View::Status
        }
    };
    let (today, soon_until) = (rules.today(now), rules.soon_until(now));
    let (items, total) = db
        .read(move |conn| list_in(conn, &filter, page, per_page, today, soon_until))
        .await?;
    Ok(RequestList { items, total, sight })
}

/// One page of an export: the requests, and the names of their assignees.
#[derive(Debug, Clone, Default)]
pub struct ExportPage {
    pub items: Vec<RequestSummary>,
    pub assignee_names: std::collections::HashMap<Uuid, String>,
}

impl ExportPage {
    /// The name of the request's assignee, if it has one.
    pub fn assignee_of(&self, item: &RequestSummary) -> Option<&str> {
        item.facts
            .assignee
            .and_then(|id| self.assignee_names.get(&id))
            .map(String::as_str)
    }
}

/// Requests an export reads at a time.
const EXPORT_PAGE: i64 = 1000;

/// Every request matching `filter` that the caller may see, in the list's order, for
/// an export: the first page (read before anything is answered, so that a refusal is
/// still an answer), then a stream of the others. The front desk looks requests up;
/// it exports nothing.
pub async fn export(
    cx: &Ctx<'_>,
    filter: ListFilter,
) -> Result<
    (
        ExportPage,
        impl futures_util::Stream<Item = Result<ExportPage, ServiceError>> + 'static,
    ),
    ServiceError,
> {
    let (db, rules, setup, caller, now) = cx.parts();
    if caller.list_scope() == ListScope::ByReferenceOnly {
        return Err(ServiceError::Forbidden(Message::new(
            "the export is for the organisation's records, not the front desk",
            "exporteren is voor het overzicht van de organisatie, niet voor de balie",
        )));
    }
    let first = export_page(cx, &filter, 1).await?;
    let more = first.items.len() as i64 == EXPORT_PAGE;
    let owned = (db.clone(), rules.clone(), setup.clone(), caller.clone());
    let rest = futures_util::stream::unfold((2_i64, more), move |(page, more)| {
        let ((db, rules, letters, caller), filter) = (owned.clone(), filter.clone());
        async move {
            if !more {
                return None;
            }
            let cx = Ctx {
                db: &db,
                rules: &rules,
                letters: &letters,
                caller: &caller,
                now,
            };
            match export_page(&cx, &filter, page).await {
                Ok(next) => {
                    let more = next.items.len() as i64 == EXPORT_PAGE;
                    Some((Ok(next), (page + 1, more)))
                }
                Err(error) => {
                    tracing::error!(%error, "export stopped");
                    Some((Err(error), (page, false)))
                }
            }
        }
    });
    Ok((first, rest))
}

async fn export_page(cx: &Ctx<'_>, filter: &ListFilter, page: i64) -> Result<ExportPage, ServiceError> {
    let list = list(cx, filter.clone(), page, EXPORT_PAGE).await?;
    let db = cx.db;
    let mut ids: Vec<UserId> = list
        .items
        .iter()
        .filter_map(|item| item.facts.assignee.map(UserId::from))
        .collect();
    ids.sort();
    ids.dedup();
    let names = db.read(move |conn| users::names_of(conn, &ids)).await?;
    Ok(ExportPage {
        items: list.items,
        assignee_names: names.into_iter().map(|(id, name, _)| (id.uuid(), name)).collect(),
    })
}

fn list_in(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: i64,
    per_page: i64,
    today: NaiveDate,
    soon_until: NaiveDate,
) -> Result<(Vec<RequestSummary>, Total), ServiceError> {
    let (records, total) = crate::storage::lists::list(conn, filter, page, per_page)?;
    let items = records
        .into_iter()
        .map(|record| RequestSummary::of(record, today, soon_until))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((items, total))
}

/// One line of a request's timeline: an audit event with the name of who did it.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub occurred_at: DateTime<Utc>,
    /// A lifecycle action or a [`RecordAction`] code.
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// The actor's name, or the actor as recorded (`cli`, `system`, an old id).
    pub actor: String,
    /// What a correction or transfer changed, and why.
    pub change: Change,
}

/// What a correction or transfer changed (empty for other events).
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// The fields a correction changed, by their API names (never the values).
    pub fields: Vec<String>,
    /// The teams a transfer moved the request from and to.
    pub teams: Option<(String, String)>,
    /// The reason given.
    pub reason: Option<String>,
    /// To whom it was assigned: the name (or the id, for a user no longer known).
    pub assignee: Option<String>,
    /// The outcome decided.
    pub outcome: Option<Outcome>,
    /// Why the clock was stopped.
    pub pause_reason: Option<request::SuspendReason>,
    /// The letter that was sent or queued, and how.
    pub letter: Option<(LetterKind, LetterChannel)>,
}

/// What the request page shows: the request, and for those who see all of it the
/// timeline, the workers it can be assigned to and the assignee's name.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub view: RequestView,
    pub timeline: Vec<TimelineEntry>,
    /// Active caseworkers and managers of the request's team: (id, name).
    pub workers: Vec<(String, String)>,
    /// Every team (code, name), for a transfer.
    pub teams: Vec<(String, String)>,
    pub assignee_name: Option<String>,
}

/// The case file of a request the caller may see.
pub async fn case_file(cx: &Ctx<'_>, id: RequestId) -> Result<CaseFile, ServiceError> {
    let (db, rules, _, caller, now) = cx.parts();
    let span = tracing::info_span!("case_file", request_id = %id);
    let caller = caller.clone();
    let (stored, sight, parts) = db
        .read(move |conn| case_file_in(conn, &caller, id))
        .instrument(span)
        .await?;
    Ok(CaseFile {
        view: RequestView::of(stored, rules, now, sight),
        timeline: parts.timeline,
        workers: parts.workers,
        teams: parts.teams,
        assignee_name: parts.assignee_name,
    })
}

/// What a case file holds beside the request, for those who see all of it.
#[derive(Default)]
struct CaseFileParts {
    timeline: Vec<TimelineEntry>,
    workers: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    assignee_name: Option<String>,
}

fn case_file_in(
    conn: &mut DbConnection,
    caller: &Caller,
    id: RequestId,
) -> Result<(StoredRequest, View, CaseFileParts), ServiceError> {
    let (stored, sight) = load_visible_in(conn, caller, id)?;
    if sight != View::Full {
        return Ok((stored, sight, CaseFileParts::default()));
    }
    let events = audit::for_request(conn, id)?;
    let reasons = store::change_reasons_of(conn, id)?;
    let assignee = stored.request.assignee.map(|a| a.to_string());
    let mut actors: Vec<String> = events.iter().map(|e| e.actor.clone()).collect();
    actors.extend(assignee.clone());
    let changes: Vec<Change> = events.iter().map(change_of).collect();
    actors.extend(changes.iter().filter_map(|c| c.assignee.clone()));
    // Actors are the users' IDs as the audit trail holds them (or a job's name).
    let actor_ids: Vec<UserId> = actors.iter().filter_map(|a| UserId::parse(a).ok()).collect();
    let names: std::collections::HashMap<String, (String, bool)> = users::names_of(conn, &actor_ids)?
        .into_iter()
        .map(|(id, name, active)| (id.to_string(), (name, active)))
        .collect();
    let workers = users::workers_of(conn, &stored.request.team)?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let teams = teams::list(conn)?
        .into_iter()
        .map(|t| (t.code.to_string(), t.name))
        .collect();
    let status = |code: &Option<String>| code.as_deref().and_then(|c| Status::parse(c).ok());
    let timeline = events
        .into_iter()
        .zip(changes)
        .map(|(e, change)| TimelineEntry {
            occurred_at: e.occurred_at,
            from_status: status(&e.from_status),
            to_status: status(&e.to_status),
            change: Change {
                reason: reasons.get(&e.id).cloned(),
                assignee: change
                    .assignee
                    .map(|id| names.get(&id).map(|(name, _)| name.clone()).unwrap_or(id)),
                ..change
            },
            actor: names
                .get(&e.actor)
                .map(|(name, _)| name.clone())
                .unwrap_or(e.actor),
            action: e.action,
        })
        .collect();
    let assignee_name = assignee.map(|id| match names.get(&id) {
        Some((name, true)) => name.clone(),
        Some((name, false)) => format!("{name} (gedeactiveerd: telt als niet toegewezen)"),
        None => id,
    });
    let parts = CaseFileParts {
        timeline,
        workers,
        teams,
        assignee_name,
    };
    Ok((stored, sight, parts))
}

/// What a correction or transfer changed: the fields corrected (API names), or the
/// teams moved from and to.
fn change_of(event: &AuditEvent) -> Change {
    let data: serde_json::Value = serde_json::from_str(&event.data).unwrap_or_default();
    let text = |value: &serde_json::Value| value.as_str().map(str::to_string);
    let code = |name: &str| data[name].as_str().unwrap_or_default().to_string();
    let is = |action: &str| event.action == action;
    let letter = (is(RecordAction::LetterSent.code()) || is(RecordAction::LetterQueued.code()))
        .then(|| {
            LetterKind::parse(&code("kind"))
                .ok()
                .zip(LetterChannel::parse(&code("channel")).ok())
        })
        .flatten();
    Change {
        fields: data["fields"]
            .as_array()
            .map(|fields| fields.iter().filter_map(text).collect())
            .unwrap_or_default(),
        teams: text(&data["from_team"]).zip(text(&data["to_team"])),
        reason: None,
        assignee: is(ActionName::Assign.code())
            .then(|| text(&data["assignee"]))
            .flatten(),
        outcome: is(ActionName::Decide.code())
            .then(|| Outcome::parse(&code("outcome")).ok())
            .flatten(),
        pause_reason: is(ActionName::Suspend.code())
            .then(|| request::SuspendReason::parse(&code("reason")).ok())
            .flatten(),
        letter,
    }
}
