//! One system's part in carrying out a request. Tasks open when the request is
//! decided to be carried out (an access or portability request already when its
//! assessment starts, to collect the data), one per active system that takes part in
//! its kind; each is closed by its owner, the system's deputy, the request's team, the
//! privacy officer or the system's own automation (a signed report); the request is
//! completed only when none is open. Every change is an event in the request's chain
//! (system, status, actor — never the note).

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;
use tracing::Instrument;
use uuid::Uuid;

use super::{Ctx, Rules, ServiceError};
use crate::domain::access::{Caller, Role, View};
use crate::domain::audit::RecordAction;
use crate::domain::deadlines::Deadlines;
use crate::domain::ids::{RequestId, TaskId, UserId};
use crate::domain::request::{ActionName, Request, Status};
use crate::domain::tasks::{
    self, allowed_actions, kinds_of_text, opens_tasks, SystemCode, TaskAction, TaskActor, TaskRefusal,
    TaskStatus,
};
use crate::domain::Message;
use crate::storage::tasks::{self as store, TaskChange, TaskInfo, TaskRow};
use crate::storage::{audit, notifications, requests, systems, users, DbConnection};

/// A report's timestamp may differ this much from the clock (seconds).
pub const REPORT_WINDOW_SECONDS: i64 = 300;

/// One task as its readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskView {
    #[schema(value_type = uuid::Uuid)]
    pub id: TaskId,
    #[schema(value_type = uuid::Uuid)]
    pub request_id: RequestId,
    pub request_reference: String,
    pub system: SystemCode,
    pub system_name: String,
    pub status: TaskStatus,
    #[schema(value_type = uuid::Uuid)]
    pub owner: UserId,
    pub owner_name: String,
    /// The day it should be closed: working days before the execution deadline.
    pub due: NaiveDate,
    /// Open after its due date.
    pub overdue: bool,
    /// What was done, or why not (internal: never in a letter or the audit trail);
    /// only for who sees the request in full or carries this task.
    pub note: Option<String>,
    /// A user's ID, or `system:CODE` when the system's automation reported.
    pub done_by: Option<String>,
    pub done_by_name: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// What the reader can do with it now.
    pub allowed_actions: Vec<TaskAction>,
}

/// Tasks: a request's, or a user's open ones.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskList {
    pub items: Vec<TaskView>,
}

/// The body of `/tasks/{id}/actions/{action}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskActionInput {
    /// What was done, or why not (required for `exception` and `skip`).
    pub note: Option<String>,
}

/// The body of a system's signed report (`/tasks/{id}/report`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskReportInput {
    /// `done`, `not_found` or `exception`.
    pub status: String,
    pub note: Option<String>,
}

/// A task's ID as a path gives it; anything else is "not found".
pub fn task_id(text: &str) -> Result<TaskId, ServiceError> {
    TaskId::parse(text).map_err(|_| not_found(text))
}

fn not_found(id: impl std::fmt::Display) -> ServiceError {
    ServiceError::NotFound(format!("no task with id {id}"))
}

impl From<TaskRefusal> for ServiceError {
    fn from(refusal: TaskRefusal) -> Self {
        match refusal {
            TaskRefusal::NotAllowed(message) => ServiceError::Conflict(message),
            TaskRefusal::Forbidden(message) => ServiceError::Forbidden(message),
            TaskRefusal::Invalid(issues) => ServiceError::Invalid(issues),
        }
    }
}

/// How the caller stands to one task: who they are to its rules, and whether they
/// see its note.
struct Standing {
    actor: Option<TaskActor>,
    sees_note: bool,
}

/// How `caller` stands to `task`; `None`: outside their sight (not found).
fn standing(caller: &Caller, task: &TaskInfo, involved: bool) -> Option<Standing> {
    let carries = [Some(task.task.owner_id), task.deputy_id].contains(&Some(UserId::from(caller.user_id)));
    let full = caller.view_of(&task.team) == Some(View::Full);
    let actor = match caller.role {
        Role::PrivacyOfficer => Some(TaskActor::PrivacyOfficer),
        Role::Auditor => None,
        _ if carries || full => Some(TaskActor::Worker),
        _ => None,
    };
    (full || carries || involved).then_some(Standing {
        actor,
        sees_note: full || carries,
    })
}

fn view_of(
    conn: &mut DbConnection,
    info: TaskInfo,
    standing: &Standing,
    today: NaiveDate,
) -> Result<TaskView, ServiceError> {
    let t = info.task;
    let owner_name = users::find(conn, t.owner_id)?.map(|u| u.name).unwrap_or_default();
    let done_by_name = match &t.done_by {
        Some(by) => match UserId::parse(by) {
            Ok(user) => users::find(conn, user)?.map(|u| u.name),
            Err(_) => Some(by.clone()),
        },
        None => None,
    };
    let closed = info.request_status.is_terminal();
    Ok(TaskView {
        id: t.id,
        request_id: t.request_id,
        request_reference: info.reference,
        system: t.system_code,
        system_name: info.system_name,
        status: t.status,
        owner: t.owner_id,
        owner_name,
        due: t.due,
        overdue: t.status.is_open() && t.due < today,
        note: if standing.sees_note { t.note } else { None },
        done_by: t.done_by,
        done_by_name,
        done_at: t.done_at.map(|at| DateTime::from_naive_utc_and_offset(at, Utc)),
        allowed_actions: standing
            .actor
            .map(|actor| allowed_actions(t.status, closed, actor))
            .unwrap_or_default(),
    })
}

/// A request's tasks, as far as the caller may see them: the request's readers in full
/// see every note; an owner or deputy of one of its tasks (who may not see the
/// request in full) sees the tasks and only their own notes.
pub async fn of_request(cx: &Ctx<'_>, id: RequestId) -> Result<TaskList, ServiceError> {
    let (caller, today) = (cx.caller.clone(), cx.rules.today(cx.now));
    cx.db
        .read(move |conn| {
            let stored = requests::load(conn, id)?.ok_or_else(|| super::requests::not_found(id))?;
            let sight = caller.view_of_request(&stored.on());
            let involved = store::involves(conn, id, UserId::from(caller.user_id))?;
            match sight {
                Some(View::Full) => {}
                _ if involved => {}
                Some(View::Status) => {
                    return Err(ServiceError::Forbidden(Message::new(
                        "the front desk sees the status of a request, not its tasks",
                        "de balie ziet de stand van een verzoek, niet de taken",
                    )))
                }
                None => return Err(super::requests::not_found(id)),
            }
            let items = store::of_request(conn, id)?
                .into_iter()
                .filter_map(|info| standing(&caller, &info, involved).map(|s| (info, s)))
                .map(|(info, s)| view_of(conn, info, &s, today))
                .collect::<Result<_, _>>()?;
            Ok(TaskList { items })
        })
        .await
}

/// The caller's open tasks (as owner or a system's deputy), soonest due first.
pub async fn mine(cx: &Ctx<'_>) -> Result<TaskList, ServiceError> {
    let (caller, today) = (cx.caller.clone(), cx.rules.today(cx.now));
    cx.db
        .read(move |conn| {
            let items = store::open_for(conn, UserId::from(caller.user_id), 500)?
                .into_iter()
                .filter_map(|info| standing(&caller, &info, true).map(|s| (info, s)))
                .map(|(info, s)| view_of(conn, info, &s, today))
                .collect::<Result<_, _>>()?;
            Ok(TaskList { items })
        })
        .await
}

/// One action on a task by a member of staff.
pub async fn act(
    cx: &Ctx<'_>,
    id: TaskId,
    action: TaskAction,
    input: TaskActionInput,
) -> Result<TaskView, ServiceError> {
    let (caller, rules, now) = (cx.caller.clone(), cx.rules.clone(), cx.now);
    let span = tracing::info_span!("task", task_id = %id, action = %action.code());
    let view = cx
        .db
        .write(move |conn| {
            let info = store::find(conn, id)?.ok_or_else(|| not_found(id))?;
            let involved = store::involves(conn, info.task.request_id, UserId::from(caller.user_id))?;
            let standing = standing(&caller, &info, involved).ok_or_else(|| not_found(id))?;
            let actor = standing.actor.ok_or_else(|| {
                ServiceError::Forbidden(Message::new(
                    "an auditor reads along and changes nothing",
                    "een kwaliteitsmedewerker leest mee en wijzigt niets",
                ))
            })?;
            let by = caller.user_id.to_string();
            let info = change_in(conn, info, action, input.note.as_deref(), actor, &by, now)?;
            view_of(conn, info, &standing, rules.today(now))
        })
        .instrument(span.clone())
        .await?;
    span.in_scope(|| tracing::info!("task changed"));
    Ok(view)
}

/// Carries out one action on a loaded task and records it; the task as it is after.
fn change_in(
    conn: &mut DbConnection,
    info: TaskInfo,
    action: TaskAction,
    note: Option<&str>,
    actor: TaskActor,
    by: &str,
    now: DateTime<Utc>,
) -> Result<TaskInfo, ServiceError> {
    let t = &info.task;
    let step = tasks::step(
        t.status,
        t.note.as_deref(),
        info.request_status.is_terminal(),
        action,
        note,
        actor,
    )?;
    let reopened = step.status.is_open();
    let change = TaskChange {
        status: step.status,
        note: step.note.as_deref(),
        done_by: (!reopened).then_some(by),
        done_at: (!reopened).then_some(now.naive_utc()),
        // A reopened task is planned again by the next sweep; a closed one is done.
        next_reminder_at: reopened.then_some(now.naive_utc()),
    };
    if !store::change(conn, t.id, t.status, &change, now.naive_utc())? {
        return Err(ServiceError::conflict(
            "the task was changed meanwhile; look again",
            "de taak is intussen gewijzigd; kijk opnieuw",
        ));
    }
    if !reopened {
        notifications::cancel_task_reminders(conn, t.request_id, t.id, None)?;
    }
    record_task_in(conn, t, step.status, event_of(action), by, now)?;
    store::find(conn, t.id)?.ok_or_else(|| not_found(t.id))
}

fn event_of(action: TaskAction) -> RecordAction {
    match action {
        TaskAction::Done => RecordAction::TaskDone,
        TaskAction::NotFound => RecordAction::TaskNotFound,
        TaskAction::Exception => RecordAction::TaskException,
        TaskAction::Skip => RecordAction::TaskSkipped,
        TaskAction::Reopen => RecordAction::TaskReopened,
    }
}

/// The event of a task's change in its request's chain: the task, its system, the
/// status it reached and who did it — never the note.
fn record_task_in(
    conn: &mut DbConnection,
    task: &TaskRow,
    status: TaskStatus,
    action: RecordAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    audit::append(
        conn,
        audit::NewEvent {
            request_id: Some(task.request_id.as_str()),
            actor,
            occurred_at: now,
            action: action.code(),
            from_status: None,
            to_status: None,
            data: &json!({"task": task.id, "system": task.system_code, "status": status}),
        },
    )?;
    Ok(())
}

/// Refuses to complete a request while one of its tasks is open, naming the systems.
pub(crate) fn check_completable_in(conn: &mut DbConnection, request: RequestId) -> Result<(), ServiceError> {
    let open = store::open_systems_of(conn, request)?;
    if open.is_empty() {
        return Ok(());
    }
    let names = open
        .iter()
        .map(|(code, name)| format!("{code} ({name})"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(ServiceError::conflict(
        format!("the request cannot be completed while tasks are open in: {names}"),
        format!("het verzoek kan pas worden afgerond als de taken klaar zijn; nog open in: {names}"),
    ))
}

/// What a request's action means for its tasks, in the action's transaction: the
/// tasks open (when the action opens them), their due dates follow the execution
/// deadline while open, and a request refused or withdrawn skips its open tasks.
pub(crate) fn follow_request_in(
    conn: &mut DbConnection,
    rules: &Rules,
    actor: &str,
    request: &Request,
    deadlines: &Deadlines,
    action: ActionName,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let id = RequestId::from(request.id);
    let today = rules.today(now);
    let kind = request.kind.code();
    let outcome = request.decision.as_ref().map(|d| d.outcome);
    if opens_tasks(kind, action, outcome) && !request.status.is_terminal() {
        for system in systems::active(conn)? {
            if !kinds_of_text(&system.kinds).contains(&kind) {
                continue;
            }
            let row = TaskRow {
                id: TaskId::from(Uuid::now_v7()),
                request_id: id,
                system_code: system.code,
                owner_id: system.owner_id,
                status: TaskStatus::Open,
                opened_on: today,
                due: tasks::due(deadlines.execution, today, rules.task_margin_days, rules.calendar),
                note: None,
                done_by: None,
                done_at: None,
                next_reminder_at: Some(now.naive_utc()),
                created_at: now.naive_utc(),
                updated_at: now.naive_utc(),
                team: request.team.clone(),
            };
            let announce = system.webhook_url.is_some();
            if store::insert(conn, &row)? {
                record_task_in(conn, &row, TaskStatus::Open, RecordAction::TaskOpened, actor, now)?;
                if announce {
                    notifications::queue_webhook(conn, row.id, id, now.naive_utc())?;
                }
            }
        }
    }
    if action == ActionName::Transfer {
        store::follow_team(conn, id, &request.team)?;
    }
    let closes_without_completion = matches!(request.status, Status::Refused | Status::Withdrawn);
    for info in store::of_request(conn, id)? {
        let t = &info.task;
        if !t.status.is_open() {
            continue;
        }
        if closes_without_completion {
            let change = TaskChange {
                status: TaskStatus::Skipped,
                note: t.note.as_deref(),
                done_by: Some(actor),
                done_at: Some(now.naive_utc()),
                next_reminder_at: None,
            };
            store::change(conn, t.id, TaskStatus::Open, &change, now.naive_utc())?;
            notifications::cancel_webhook(conn, t.id)?;
            notifications::cancel_task_reminders(conn, id, t.id, None)?;
            record_task_in(
                conn,
                t,
                TaskStatus::Skipped,
                RecordAction::TaskSkipped,
                actor,
                now,
            )?;
        } else {
            let due = tasks::due(
                deadlines.execution,
                t.opened_on,
                rules.task_margin_days,
                rules.calendar,
            );
            // A moved due date, or a clock that runs again after a pause (the sweep
            // left the task without a next moment): the sweep plans it anew.
            if due != t.due || t.next_reminder_at.is_none() {
                store::set_due(conn, t.id, due, now.naive_utc())?;
                notifications::cancel_task_reminders(conn, id, t.id, Some(due))?;
            }
        }
    }
    Ok(())
}

/// A signed report from a system's own automation: `signature` is the
/// `X-Avg-Signature` header (`t=UNIX,v1=HEX`), HMAC-SHA256 with the system's key over
/// `t.` and the body exactly as sent. Refused when the signature does not fit, the time
/// is more than five minutes off, or the signature was used before.
pub async fn report(
    db: &crate::storage::Db,
    rules: &Rules,
    id: TaskId,
    signature: Option<String>,
    body: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<TaskView, ServiceError> {
    let rules = rules.clone();
    db.write(move |conn| {
        let info = store::find(conn, id)?.ok_or_else(unsigned)?;
        let system = systems::find(conn, &info.task.system_code)?.ok_or_else(unsigned)?;
        let secret = system.callback_secret.as_deref().ok_or_else(unsigned)?;
        let used = check_signature(secret, signature.as_deref(), &body, now)?;
        let input: TaskReportInput = serde_json::from_slice(&body).map_err(|e| {
            ServiceError::invalid("body", format!("not a report: {e}"), "geen geldig bericht")
        })?;
        let action = match input.status.as_str() {
            "done" => TaskAction::Done,
            "not_found" => TaskAction::NotFound,
            "exception" => TaskAction::Exception,
            other => {
                return Err(ServiceError::invalid(
                    "status",
                    format!("'{other}' is not one of done, not_found, exception"),
                    "kies uitgevoerd, geen gegevens gevonden of uitzondering",
                ))
            }
        };
        if !store::use_signature(conn, &used, now.naive_utc())? {
            return Err(ServiceError::Unsigned(Message::new(
                "this signature was used before",
                "deze handtekening is al gebruikt",
            )));
        }
        store::forget_signatures(
            conn,
            (now - chrono::Duration::seconds(2 * REPORT_WINDOW_SECONDS)).naive_utc(),
        )?;
        let by = format!("system:{}", system.code);
        let info = change_in(
            conn,
            info,
            action,
            input.note.as_deref(),
            TaskActor::Automation,
            &by,
            now,
        )?;
        let standing = Standing {
            actor: Some(TaskActor::Automation),
            sees_note: true,
        };
        view_of(conn, info, &standing, rules.today(now))
    })
    .await
}

fn unsigned() -> ServiceError {
    ServiceError::Unsigned(Message::new(
        "the signature does not fit",
        "de handtekening klopt niet",
    ))
}

/// Signs `body` at `timestamp` with `secret`: `t=UNIX,v1=HEX`, the header of a webhook
/// and of a report.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    mac
}

/// Checks a signature header against the body; the signature's hex when it fits.
fn check_signature(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let header = header.ok_or_else(unsigned)?;
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signature = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(unsigned());
    };
    if (now.timestamp() - timestamp).abs() > REPORT_WINDOW_SECONDS {
        return Err(ServiceError::Unsigned(Message::new(
            "the signature's time is more than five minutes off",
            "de tijd van de handtekening wijkt meer dan vijf minuten af",
        )));
    }
    mac(secret, timestamp, body)
        .verify_slice(&signature)
        .map_err(|_| unsigned())?;
    Ok(hex::encode(signature))
}

/// The call that tells a system's automation of task `id`, made at `now`: the
/// address, the body (`{"task", "request_reference", "kind", "due"}`) and its
/// signature; `Err` with the reason when it cannot be made (the system has no webhook
/// any more), which counts as a failed attempt.
pub(crate) async fn webhook_call(
    db: &crate::storage::Db,
    id: TaskId,
    now: DateTime<Utc>,
) -> Result<Result<(String, String, String), String>, ServiceError> {
    let found = db
        .read(move |conn| {
            let Some(info) = store::find(conn, id)? else {
                return Ok(None);
            };
            let system = systems::find(conn, &info.task.system_code)?;
            Ok::<_, ServiceError>(system.map(|s| (info, s)))
        })
        .await?;
    let Some((info, system)) = found else {
        return Ok(Err("the task is gone".to_string()));
    };
    let (Some(url), Some(secret)) = (system.webhook_url, system.callback_secret) else {
        return Ok(Err(format!("system {} has no webhook any more", system.code)));
    };
    let body = json!({
        "task": info.task.id,
        "request_reference": info.reference,
        "kind": info.kind,
        "due": info.task.due,
    })
    .to_string();
    let signature = sign(&secret, now.timestamp(), body.as_bytes());
    Ok(Ok((url, body, signature)))
}
