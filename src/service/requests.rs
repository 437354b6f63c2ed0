//! Registering requests and taking lifecycle actions.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::admin::check_assignee;
use super::{Rules, ServiceError};
use crate::domain::access::{Caller, ListScope, View};
use crate::domain::audit::AuditEvent;
use crate::domain::deadlines::Deadlines;
use crate::domain::intake::Intake;
use crate::domain::kind::{Kind, KindCode};
use crate::domain::request::{self, ActionName, Command, Request, Status, TransitionError};
use crate::storage::requests::{self as store, ListFilter, RequestRecord, StoredRequest};
use crate::storage::{audit, notifications, teams, Db, DbConnection};

/// A checked registration, ready to be stored.
#[derive(Debug, Clone)]
pub struct Registration {
    pub kind: Kind,
    pub received_on: NaiveDate,
    pub team: String,
    pub assignee: Option<Uuid>,
    pub intake: Intake,
}

/// A request as the API shows it: stored facts plus what follows from them today.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub stored: StoredRequest,
    pub deadlines: Deadlines,
    pub overdue: bool,
    pub allowed_actions: Vec<ActionName>,
}

impl RequestView {
    fn of(stored: StoredRequest, rules: &Rules, now: DateTime<Utc>) -> Self {
        let context = rules.context(stored.request.kind.code(), now);
        let deadlines = stored.request.deadlines(context.periods, context.calendar);
        let overdue = stored.request.is_overdue(&deadlines, context.today());
        let allowed_actions = stored.request.allowed_actions();
        RequestView {
            stored,
            deadlines,
            overdue,
            allowed_actions,
        }
    }
}

fn parse_id(id: &str) -> Result<String, ServiceError> {
    Uuid::parse_str(id)
        .map(|u| u.to_string())
        .map_err(|_| ServiceError::NotFound(format!("no request with id {id}")))
}

pub async fn register(
    db: &Db,
    rules: &Rules,
    caller: &Caller,
    registration: Registration,
    now: DateTime<Utc>,
) -> Result<(RequestView, View), ServiceError> {
    caller.may_register(&registration.team)?;
    let view = caller.view_of(&registration.team).unwrap_or(View::Status);
    let rules_in = rules.clone();
    let actor = caller.user_id.to_string();
    let stored = db
        .write(move |conn| register_in(conn, &rules_in, &actor, registration, now))
        .await?;
    Ok((RequestView::of(stored, rules, now), view))
}

fn register_in(
    conn: &mut DbConnection,
    rules: &Rules,
    actor: &str,
    registration: Registration,
    now: DateTime<Utc>,
) -> Result<StoredRequest, ServiceError> {
    if teams::find(conn, &registration.team)?.is_none() {
        return Err(ServiceError::invalid(
            "team",
            format!("there is no team with code {}", registration.team),
        ));
    }
    if let Some(assignee) = registration.assignee {
        check_assignee(conn, assignee, &registration.team)?;
    }
    if let Kind::Restriction {
        related_request: Some(related),
    } = &registration.kind
    {
        let record = store::find_record(conn, &related.to_string())?;
        match record.map(|r| r.kind_code()).transpose()? {
            None => {
                return Err(ServiceError::invalid(
                    "related_request",
                    format!("there is no request with id {related}"),
                ))
            }
            Some(KindCode::Rectification | KindCode::Objection) => {}
            Some(other) => {
                return Err(ServiceError::invalid(
                    "related_request",
                    format!(
                    "a restriction is linked to a rectification or objection, not to a request of kind {}",
                    other.code()
                ),
                ))
            }
        }
    }
    let year = registration.received_on.year();
    let number = store::next_reference_number(conn, year)?;
    let request = Request::received(
        Uuid::now_v7(),
        format!("AVG-{year}-{number:05}"),
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
    };
    let next_reminder_at = rules.next_reminder_at(&stored, &deadlines, now);
    store::insert(conn, &stored, &deadlines, next_reminder_at)?;
    let r = &stored.request;
    let (mode, scope, direct_marketing, related_request) = match &r.kind {
        Kind::Rectification { mode } => (Some(mode.code()), None, None, None),
        Kind::Erasure { scope } => (None, Some(scope.code()), None, None),
        Kind::Objection { direct_marketing } => (None, None, Some(*direct_marketing), None),
        Kind::Restriction { related_request } => (None, None, None, *related_request),
        Kind::Access | Kind::Portability => (None, None, None, None),
    };
    let data = json!({
        "reference": r.reference,
        "kind": r.kind.code(),
        "mode": mode,
        "scope": scope,
        "direct_marketing": direct_marketing,
        "related_request": related_request,
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
            actor,
            occurred_at: now,
            action: "register",
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
    db: &Db,
    rules: &Rules,
    caller: &Caller,
    id: &str,
    command: Command,
    if_match: Option<i64>,
    now: DateTime<Utc>,
) -> Result<RequestView, ServiceError> {
    let id = parse_id(id)?;
    let rules_in = rules.clone();
    let caller_in = caller.clone();
    let actor = caller.user_id.to_string();
    let stored = db
        .write(move |conn| {
            let current = store::load(conn, &id)?.ok_or_else(|| not_found(&id))?;
            let r = &current.request;
            caller_in
                .may_act(command.name(), &r.team, r.assignee)
                .map_err(|denied| match denied {
                    crate::domain::access::Denied::NotFound => not_found(&id),
                    other => other.into(),
                })?;
            if let Command::Assign { assignee } = &command {
                check_assignee(conn, *assignee, &r.team)?;
            }
            if let Some(expected) = if_match {
                if expected != current.request.version {
                    return Err(ServiceError::Stale {
                        current: current.request.version,
                    });
                }
            }
            let context = rules_in.context(current.request.kind.code(), now);
            let transition =
                request::transition(&current.request, command, &context).map_err(|e| match e {
                    TransitionError::NotAllowed {
                        detail,
                        status,
                        allowed,
                        ..
                    } => ServiceError::NotAllowed {
                        detail,
                        status,
                        allowed,
                    },
                    TransitionError::Invalid(issues) => ServiceError::Invalid(issues),
                })?;
            let next = StoredRequest {
                request: transition.request,
                intake: current.intake.clone(),
                created_at: current.created_at,
                updated_at: now,
                anonymised_at: current.anonymised_at,
            };
            let deadlines = next.request.deadlines(context.periods, context.calendar);
            let next_reminder_at = rules_in.next_reminder_at(&next, &deadlines, now);
            if !store::update(conn, &next, &deadlines, next_reminder_at, current.request.version)? {
                let current = store::find_record(conn, &id)?.map(|r| r.version).unwrap_or(0);
                return Err(ServiceError::Stale { current });
            }
            // Reminders queued for a deadline that moved, or for a request that is
            // closed or paused, will not be sent.
            let keep = match next.request.status {
                Status::AwaitingRequester => None,
                status if status.is_terminal() => None,
                _ => next.request.open_deadline(&deadlines).map(|date| {
                    let kind = if next.request.decision.is_some() {
                        "execution"
                    } else {
                        "response"
                    };
                    (kind, date)
                }),
            };
            let cancelled = notifications::cancel_stale(conn, &id, keep)?;
            if cancelled > 0 {
                tracing::info!(request_id = %id, cancelled, "stale reminders cancelled");
            }
            let event = transition.event;
            audit::append(
                conn,
                audit::NewEvent {
                    request_id: Some(&id),
                    actor: &actor,
                    occurred_at: now,
                    action: &event.action,
                    from_status: event.from_status.map(|s| s.code()),
                    to_status: Some(event.to_status.code()),
                    data: &event.data,
                },
            )?;
            Ok(next)
        })
        .await?;
    Ok(RequestView::of(stored, rules, now))
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no request with id {id}"))
}

/// Loads a request the caller may see; anything else is "not found".
fn load_visible(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<(StoredRequest, View), ServiceError> {
    let stored = store::load(conn, id)?.ok_or_else(|| not_found(id))?;
    let view = caller
        .view_of(&stored.request.team)
        .ok_or_else(|| not_found(id))?;
    Ok((stored, view))
}

pub async fn get(
    db: &Db,
    rules: &Rules,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(RequestView, View), ServiceError> {
    let id = parse_id(id)?;
    let caller = caller.clone();
    let (stored, view) = db.read(move |conn| load_visible(conn, &caller, &id)).await?;
    Ok((RequestView::of(stored, rules, now), view))
}

pub async fn by_reference(
    db: &Db,
    rules: &Rules,
    caller: &Caller,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(RequestView, View), ServiceError> {
    let caller = caller.clone();
    let reference = reference.trim().to_string();
    let (stored, view) = db
        .read(move |conn| {
            let missing = || ServiceError::NotFound(format!("no request with reference {reference}"));
            let id = store::id_by_reference(conn, &reference)?.ok_or_else(missing)?;
            load_visible(conn, &caller, &id).map_err(|_| missing())
        })
        .await?;
    Ok((RequestView::of(stored, rules, now), view))
}

pub async fn events(db: &Db, caller: &Caller, id: &str) -> Result<Vec<AuditEvent>, ServiceError> {
    let id = parse_id(id)?;
    let caller = caller.clone();
    db.read(move |conn| {
        let record = store::find_record(conn, &id)?.ok_or_else(|| not_found(&id))?;
        caller
            .may_read_events(&record.team)
            .map_err(|denied| match denied {
                crate::domain::access::Denied::NotFound => not_found(&id),
                other => other.into(),
            })?;
        Ok(audit::for_request(conn, &id)?)
    })
    .await
}

/// A page of the requests the caller may see, and the view they get of them.
pub async fn list(
    db: &Db,
    caller: &Caller,
    mut filter: ListFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<RequestRecord>, store::Total, View), ServiceError> {
    let view = match caller.list_scope() {
        ListScope::All => View::Full,
        ListScope::Teams(teams) => {
            filter.visible_teams = Some(teams);
            View::Full
        }
        ListScope::ByReferenceOnly => {
            if filter.reference.is_none() {
                return Err(ServiceError::Forbidden(
                    "the front desk looks requests up by reference: add ?reference=AVG-YYYY-NNNNN".into(),
                ));
            }
            View::Status
        }
    };
    let (records, total) = db
        .read(move |conn| Ok::<_, ServiceError>(store::list(conn, &filter, page, per_page)?))
        .await?;
    Ok((records, total, view))
}
