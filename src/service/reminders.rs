//! The reminder sweep: decide which reminders are due at `now` and write them to the
//! outbox — in the same transaction that reads the request, with a unique key per
//! reminder, so that a second sweep (a restart, another instance) adds nothing. A
//! system's open task is reminded of on the same schedule, its due date the deadline
//! and its system's owner the assignee.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use uuid::Uuid;

use super::delivery::MailSettings;
use super::{reminder_subject, Rules, ServiceError};
use crate::domain::access::Role;
use crate::domain::deadlines::Deadlines;
use crate::domain::ids::{MailId, RequestId, TaskId, UserId};
use crate::domain::reminders::{
    reminder_key, task_of_key, Audience, DeadlineKind, DueReminder, MailStage, OutboxStatus,
    ReminderPreference, ReminderSubject, Stage,
};
use crate::domain::request::Status;
use crate::domain::team::TeamCode;
use crate::mail::{self, DigestItem, MailFacts, Reader};
use crate::storage::notifications::{self, NotificationRow, Recipient};
use crate::storage::requests::{self as store, StoredRequest};
use crate::storage::tasks::{self, TaskInfo};
use crate::storage::{Db, DbConnection, StorageError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Requests looked at.
    pub requests: usize,
    /// Open tasks looked at.
    pub tasks: usize,
    /// Reminders written to the outbox (or held for a digest).
    pub queued: usize,
    /// Morning digests written.
    pub digests: usize,
}

/// Requests handled per transaction: small enough (about 10 ms of writing on SQLite)
/// that a registration queued behind a catch-up sweep waits little.
const BATCH: i64 = 100;

/// Who receives a reminder, looked up once per sweep batch: a batch of requests of
/// the same teams shares its managers and privacy officers (a catch-up sweep of tens
/// of thousands of requests would otherwise ask for them each time).
#[derive(Default)]
struct Directory {
    /// Active users by id (`None`: no such active user).
    users: HashMap<UserId, Option<Recipient>>,
    managers: HashMap<TeamCode, Vec<Recipient>>,
    privacy_officers: Option<Vec<Recipient>>,
}

impl Directory {
    /// The user, if active.
    fn active_user(&mut self, conn: &mut DbConnection, id: Uuid) -> Result<Option<Recipient>, StorageError> {
        let id = UserId::from(id);
        if let std::collections::hash_map::Entry::Vacant(e) = self.users.entry(id) {
            let user = notifications::active_user(conn, id)?;
            e.insert(user);
        }
        Ok(self.users[&id].clone())
    }

    fn managers(&mut self, conn: &mut DbConnection, team: &TeamCode) -> Result<Vec<Recipient>, StorageError> {
        if !self.managers.contains_key(team) {
            let managers = notifications::team_members_with_role(conn, team, Role::Manager)?;
            self.managers.insert(team.clone(), managers);
        }
        Ok(self.managers[team].clone())
    }

    fn privacy_officers(&mut self, conn: &mut DbConnection) -> Result<Vec<Recipient>, StorageError> {
        if self.privacy_officers.is_none() {
            self.privacy_officers = Some(notifications::users_with_role(conn, Role::PrivacyOfficer)?);
        }
        Ok(self.privacy_officers.clone().unwrap_or_default())
    }

    /// The recipients of one audience of a reminder, each with the words of their
    /// copy. A team without an active manager has its managers' mail go to the privacy
    /// officers instead.
    fn readers(
        &mut self,
        conn: &mut DbConnection,
        stored: &StoredRequest,
        audiences: &[Audience],
    ) -> Result<Vec<(Reader, Vec<Recipient>)>, StorageError> {
        let assignee = match stored.request.assignee {
            Some(id) => self.active_user(conn, id)?,
            None => None,
        };
        let assignee_id = assignee.as_ref().map(|(id, _, _)| *id);
        let mut managers = Vec::new();
        if audiences.contains(&Audience::Managers) {
            managers = self.managers(conn, &stored.request.team)?;
            managers.retain(|(id, _, _)| Some(id) != assignee_id.as_ref());
        }
        let mut readers = Vec::new();
        for audience in audiences {
            match audience {
                Audience::Assignee => readers.push((
                    Reader::Assignee {
                        managers_copied: !managers.is_empty(),
                    },
                    assignee.iter().cloned().collect(),
                )),
                Audience::Managers if managers.is_empty() => {
                    readers.push((Reader::StandIn, self.privacy_officers(conn)?))
                }
                Audience::Managers => readers.push((Reader::Manager, managers.clone())),
                Audience::PrivacyOfficers => {
                    readers.push((Reader::PrivacyOfficer, self.privacy_officers(conn)?))
                }
            }
        }
        Ok(readers)
    }
}

impl Directory {
    /// The recipients of a task's reminder: its system's owner; when overdue, the
    /// system's deputy too; the privacy officers for an escalation, and for a task
    /// whose system has no active owner (`Unassigned`: the register needs one).
    fn task_readers(
        &mut self,
        conn: &mut DbConnection,
        info: &TaskInfo,
        owner: Option<Recipient>,
        due: &DueReminder,
    ) -> Result<Vec<(Reader, Vec<Recipient>)>, StorageError> {
        let owner_id = owner.as_ref().map(|(id, _, _)| *id);
        let mut deputy = None;
        if due.audiences.contains(&Audience::Managers) && due.stage != Stage::Unassigned {
            if let Some(id) = info.deputy_id.filter(|id| Some(*id) != owner_id) {
                deputy = self.active_user(conn, id.uuid())?;
            }
        }
        let mut readers = Vec::new();
        for audience in &due.audiences {
            match audience {
                Audience::Assignee => readers.push((
                    Reader::TaskOwner {
                        deputy_copied: deputy.is_some(),
                    },
                    owner.iter().cloned().collect(),
                )),
                Audience::Managers if due.stage == Stage::Unassigned => {
                    readers.push((Reader::PrivacyOfficer, self.privacy_officers(conn)?))
                }
                Audience::Managers => readers.push((Reader::Deputy, deputy.iter().cloned().collect())),
                Audience::PrivacyOfficers => {
                    readers.push((Reader::PrivacyOfficer, self.privacy_officers(conn)?))
                }
            }
        }
        Ok(readers)
    }
}

fn facts(
    rules: &Rules,
    mail: &MailSettings,
    stored: &StoredRequest,
    due: &DueReminder,
    deadlines: &Deadlines,
    today: NaiveDate,
    reader: Reader,
) -> MailFacts {
    let r = &stored.request;
    MailFacts {
        reference: r.reference.clone(),
        kind: r.kind.code(),
        status: r.status,
        team: r.team.to_string(),
        deadline: due.deadline,
        deadline_date: due.deadline_date,
        working_days: rules.calendar.working_days_between(today, due.deadline_date),
        legal_date: deadlines.legal,
        past_legal_limit: r.standing(deadlines, today, today).past_legal_limit,
        extended: r.extension.is_some(),
        reader,
        link: format!("{}/requests/{}", mail.base_url, r.id),
        system: None,
    }
}

/// A new outbox row, queued for delivery at `now`.
fn outbox_row(
    key: String,
    request_id: Option<RequestId>,
    recipient: (UserId, &str),
    stage: MailStage,
    deadline: Option<(DeadlineKind, NaiveDate)>,
    rendered: &mail::Rendered,
    now: DateTime<Utc>,
) -> NotificationRow {
    NotificationRow {
        id: MailId::from(Uuid::now_v7()),
        key,
        request_id,
        recipient_id: Some(recipient.0),
        recipient_email: recipient.1.to_string(),
        stage,
        deadline: deadline.map(|(kind, _)| kind),
        deadline_date: deadline.map(|(_, date)| date),
        subject: rendered.subject.clone(),
        body_text: rendered.text.clone(),
        body_html: rendered.html.clone(),
        status: OutboxStatus::Queued,
        attempts: 0,
        next_attempt_at: now.naive_utc(),
        claimed_until: None,
        last_error: None,
        message_id: None,
        digest_id: None,
        created_at: now.naive_utc(),
        sent_at: None,
        letter_id: None,
        task_id: None,
    }
}

/// Writes the due reminders of one request and moves its next-reminder moment. A
/// request held by a deactivated user counts as unassigned.
fn sweep_request(
    conn: &mut DbConnection,
    directory: &mut Directory,
    rules: &Rules,
    mail: &MailSettings,
    stored: &StoredRequest,
    now: DateTime<Utc>,
    rows: &mut Vec<NotificationRow>,
) -> Result<Option<DateTime<Utc>>, ServiceError> {
    let id = RequestId::from(stored.request.id);
    let context = rules.context(stored.request.kind.code(), now);
    let deadlines = stored.request.deadlines(context.periods, context.calendar);
    let assignee_active = match stored.request.assignee {
        Some(assignee) => directory.active_user(conn, assignee)?.is_some(),
        None => false,
    };
    let schedule = rules.planner().schedule(
        &reminder_subject(stored, &deadlines, rules.timezone, assignee_active),
        now,
    );
    let today = context.today();
    for due in &schedule.due {
        let readers = directory.readers(conn, stored, &due.audiences)?;
        push_reminders(rows, (stored.request.id, id), due, readers, mail, now, |reader| {
            facts(rules, mail, stored, due, &deadlines, today, reader)
        });
    }
    Ok(schedule.next_at)
}

/// The outbox rows of one due reminder, one per recipient (each once, in the words
/// of the first audience they are in); `subject` is the request's or the task's ID
/// that keys them, beside the request's.
fn push_reminders(
    rows: &mut Vec<NotificationRow>,
    subject: (Uuid, RequestId),
    due: &DueReminder,
    readers: Vec<(Reader, Vec<Recipient>)>,
    mail: &MailSettings,
    now: DateTime<Utc>,
    facts_for: impl Fn(Reader) -> MailFacts,
) {
    let mut sent_to: Vec<UserId> = Vec::new();
    for (reader, recipients) in readers {
        let rendered = mail::render_reminder(due.stage.family(), mail.language, &facts_for(reader));
        for (user_id, email, preference) in recipients {
            if sent_to.contains(&user_id) {
                continue;
            }
            let key = reminder_key(
                subject.0,
                due.deadline,
                due.stage,
                user_id.as_str(),
                due.deadline_date,
            );
            let mut row = outbox_row(
                key,
                Some(subject.1),
                (user_id, &email),
                MailStage::Reminder(due.stage),
                Some((due.deadline, due.deadline_date)),
                &rendered,
                now,
            );
            if preference == ReminderPreference::DailyDigest {
                row.status = OutboxStatus::Held;
            }
            rows.push(row);
            sent_to.push(user_id);
        }
    }
}

/// What the schedule needs to know about a task: its due date is the deadline, its
/// system's owner the assignee (none when no longer active), the day it opened the
/// day it was registered; it waits while its request's clock stands still.
fn task_subject(info: &TaskInfo, request: &StoredRequest, owner_active: bool) -> ReminderSubject {
    let t = &info.task;
    ReminderSubject {
        request_id: t.id.uuid(),
        paused: request.request.status == Status::AwaitingRequester,
        to_meet: Some((DeadlineKind::Task, t.due)),
        assignee: owner_active.then(|| t.owner_id.uuid()),
        registered_on: t.opened_on,
        registered_at: t.created_at.and_utc(),
    }
}

/// Writes the due reminders of one task (with its request); its next reminder
/// moment.
fn sweep_task(
    conn: &mut DbConnection,
    directory: &mut Directory,
    rules: &Rules,
    mail: &MailSettings,
    (info, stored): (&TaskInfo, &StoredRequest),
    now: DateTime<Utc>,
    rows: &mut Vec<NotificationRow>,
) -> Result<Option<DateTime<Utc>>, ServiceError> {
    let owner = directory.active_user(conn, info.task.owner_id.uuid())?;
    let schedule = rules
        .planner()
        .schedule(&task_subject(info, stored, owner.is_some()), now);
    let context = rules.context(stored.request.kind.code(), now);
    let deadlines = stored.request.deadlines(context.periods, context.calendar);
    let today = context.today();
    for due in &schedule.due {
        let readers = directory.task_readers(conn, info, owner.clone(), due)?;
        let subject = (info.task.id.uuid(), info.task.request_id);
        push_reminders(rows, subject, due, readers, mail, now, |reader| MailFacts {
            system: Some(info.system_name.clone()),
            ..facts(rules, mail, stored, due, &deadlines, today, reader)
        });
    }
    Ok(schedule.next_at)
}

/// One batch of the tasks whose next reminder moment has come: their reminders and
/// next moments; returns how many tasks and new reminders.
fn sweep_task_batch_in(
    conn: &mut DbConnection,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<(usize, usize), ServiceError> {
    let due = tasks::reminders_due(conn, now.naive_utc(), BATCH)?;
    let rows = plan_tasks_in(conn, rules, mail, &due, now)?;
    let queued = notifications::insert_many_if_new(conn, &rows.0)?;
    tasks::set_next_reminders(conn, &rows.1)?;
    Ok((due.len(), queued))
}

/// A task and its next reminder moment (none: nothing more to send).
type TaskMoment = (TaskId, Option<NaiveDateTime>);

/// The reminder rows of some tasks and their next moments.
fn plan_tasks_in(
    conn: &mut DbConnection,
    rules: &Rules,
    mail: &MailSettings,
    due: &[TaskInfo],
    now: DateTime<Utc>,
) -> Result<(Vec<NotificationRow>, Vec<TaskMoment>), ServiceError> {
    let mut request_ids: Vec<RequestId> = due.iter().map(|info| info.task.request_id).collect();
    request_ids.sort();
    request_ids.dedup();
    let requests: HashMap<Uuid, StoredRequest> = store::load_many(conn, &request_ids)?
        .into_iter()
        .map(|stored| (stored.request.id, stored))
        .collect();
    let mut directory = Directory::default();
    let mut rows = Vec::new();
    let mut moments = Vec::with_capacity(due.len());
    for info in due {
        let Some(stored) = requests.get(&info.task.request_id.uuid()) else {
            continue;
        };
        let next = sweep_task(conn, &mut directory, rules, mail, (info, stored), now, &mut rows)?;
        moments.push((info.task.id, next.map(|at| at.naive_utc())));
    }
    Ok((rows, moments))
}

/// One batch of a sweep: the requests whose next reminder moment has come, their
/// reminders and next moments; returns how many requests and new reminders.
fn sweep_batch_in(
    conn: &mut DbConnection,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<(usize, usize), ServiceError> {
    let ids = notifications::requests_due(conn, now.naive_utc(), BATCH)?;
    // The reminders of the whole batch go in together, and so do the requests' next
    // moments: a few statements per 1,000 requests.
    let mut directory = Directory::default();
    let mut rows = Vec::new();
    let mut moments = Vec::with_capacity(ids.len());
    for stored in store::load_many(conn, &ids)? {
        let next = sweep_request(conn, &mut directory, rules, mail, &stored, now, &mut rows)?;
        moments.push((RequestId::from(stored.request.id), next.map(|at| at.naive_utc())));
    }
    let queued = notifications::insert_many_if_new(conn, &rows)?;
    notifications::set_next_reminders(conn, &moments)?;
    Ok((ids.len(), queued))
}

/// A reminder a sweep at some moment would queue (`avg-loket remind --dry-run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMail {
    pub reference: String,
    pub stage: MailStage,
    pub deadline: Option<(DeadlineKind, NaiveDate)>,
    pub recipient_email: String,
    /// Kept for the recipient's morning digest instead of sent on its own.
    pub held: bool,
}

/// What a sweep at `now` would queue — the reminders due whose key is not in the
/// outbox yet — without writing anything.
pub async fn plan(
    db: &Db,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<Vec<PlannedMail>, ServiceError> {
    let (rules, mail) = (rules.clone(), mail.clone());
    db.read(move |conn| plan_in(conn, &rules, &mail, now)).await
}

fn plan_in(
    conn: &mut DbConnection,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<Vec<PlannedMail>, ServiceError> {
    let ids = notifications::requests_due(conn, now.naive_utc(), i64::MAX)?;
    let mut directory = Directory::default();
    let mut planned = Vec::new();
    for chunk in ids.chunks(BATCH as usize) {
        let mut rows = Vec::new();
        let mut references = HashMap::new();
        for stored in store::load_many(conn, chunk)? {
            sweep_request(conn, &mut directory, rules, mail, &stored, now, &mut rows)?;
            references.insert(
                RequestId::from(stored.request.id),
                stored.request.reference.clone(),
            );
        }
        not_queued(conn, rows, &references, &mut planned)?;
    }
    let due = tasks::reminders_due(conn, now.naive_utc(), i64::MAX)?;
    for chunk in due.chunks(BATCH as usize) {
        let (rows, _) = plan_tasks_in(conn, rules, mail, chunk, now)?;
        let references = chunk
            .iter()
            .map(|info| (info.task.request_id, info.reference.clone()))
            .collect();
        not_queued(conn, rows, &references, &mut planned)?;
    }
    Ok(planned)
}

/// Adds to `planned` the rows whose key is not in the outbox yet.
fn not_queued(
    conn: &mut DbConnection,
    rows: Vec<NotificationRow>,
    references: &HashMap<RequestId, String>,
    planned: &mut Vec<PlannedMail>,
) -> Result<(), ServiceError> {
    let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
    let queued = notifications::existing_keys(conn, &keys)?;
    for row in rows.into_iter().filter(|r| !queued.contains(&r.key)) {
        planned.push(PlannedMail {
            reference: row
                .request_id
                .as_ref()
                .and_then(|id| references.get(id).cloned())
                .unwrap_or_default(),
            stage: row.stage,
            deadline: row.deadline.zip(row.deadline_date),
            recipient_email: row.recipient_email,
            held: row.status == OutboxStatus::Held,
        });
    }
    Ok(())
}

/// One sweep at `now`: every request whose next reminder moment has come, every
/// open task whose moment has, then the morning digests of users who asked for one.
pub async fn sweep(
    db: &Db,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<SweepReport, ServiceError> {
    let mut report = SweepReport::default();
    let (requests, queued) = in_batches(db, rules, mail, now, sweep_batch_in).await?;
    (report.requests, report.queued) = (requests, queued);
    let (tasks, queued) = in_batches(db, rules, mail, now, sweep_task_batch_in).await?;
    (report.tasks, report.queued) = (tasks, report.queued + queued);
    let (rules_in, mail_in) = (rules.clone(), mail.clone());
    report.digests = db
        .write(move |conn| write_digests(conn, &rules_in, &mail_in, now))
        .await?;
    if report.queued > 0 || report.digests > 0 {
        tracing::info!(
            requests = report.requests,
            tasks = report.tasks,
            queued = report.queued,
            digests = report.digests,
            "reminder sweep"
        );
    }
    Ok(report)
}

/// One batch of a sweep in its transaction: how many it looked at and queued.
type SweepBatch =
    fn(&mut DbConnection, &Rules, &MailSettings, DateTime<Utc>) -> Result<(usize, usize), ServiceError>;

/// Runs one kind of sweep batch, each in its own transaction, until a batch finds
/// less than a full one; how many it looked at and queued.
async fn in_batches(
    db: &Db,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
    batch: SweepBatch,
) -> Result<(usize, usize), ServiceError> {
    let (mut seen_all, mut queued_all) = (0, 0);
    loop {
        let (rules_in, mail_in) = (rules.clone(), mail.clone());
        let (seen, queued) = db
            .write(move |conn| batch(conn, &rules_in, &mail_in, now))
            .await?;
        seen_all += seen;
        queued_all += queued;
        if (seen as i64) < BATCH {
            return Ok((seen_all, queued_all));
        }
    }
}

/// Gathers each digest user's held reminders into one mail for the day.
fn write_digests(
    conn: &mut DbConnection,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<usize, ServiceError> {
    let held = notifications::held(conn)?;
    let today = rules.today(now);
    let mut written = 0;
    let mut start = 0;
    while start < held.len() {
        // Held rows are reminders, each for a member of staff.
        let Some(recipient) = held[start].recipient_id else {
            start += 1;
            continue;
        };
        let end = start
            + held[start..]
                .iter()
                .take_while(|n| n.recipient_id == Some(recipient))
                .count();
        let group = &held[start..end];
        start = end;
        let mut items = Vec::new();
        for row in group {
            let Some(request_id) = &row.request_id else {
                continue;
            };
            let Some(stored) = store::load(conn, *request_id)? else {
                continue;
            };
            let deadline = row.deadline.unwrap_or(DeadlineKind::Response);
            let deadline_date = row.deadline_date.unwrap_or(today);
            let due = DueReminder {
                deadline,
                deadline_date,
                stage: match row.stage {
                    MailStage::Reminder(stage) => stage,
                    MailStage::Digest | MailStage::Letter | MailStage::Webhook => continue,
                },
                audiences: vec![],
                at: now,
            };
            let context = rules.context(stored.request.kind.code(), now);
            let deadlines = stored.request.deadlines(context.periods, context.calendar);
            let mut facts = facts(
                rules,
                mail,
                &stored,
                &due,
                &deadlines,
                today,
                Reader::Assignee {
                    managers_copied: false,
                },
            );
            if deadline == DeadlineKind::Task {
                let task = task_of_key(&row.key).map(TaskId::from);
                facts.reader = Reader::TaskOwner { deputy_copied: false };
                facts.system = match task {
                    Some(task) => tasks::find(conn, task)?.map(|info| info.system_name),
                    None => None,
                };
            }
            items.push(DigestItem::of(due.stage.family(), mail.language, &facts));
        }
        let rendered = mail::render_digest(mail.language, today, &items);
        let digest_id = MailId::from(Uuid::now_v7());
        let mut row = outbox_row(
            format!("digest|{recipient}|{today}|{}", group.len()),
            None,
            (recipient, &group[0].recipient_email),
            MailStage::Digest,
            None,
            &rendered,
            now,
        );
        row.id = digest_id;
        if notifications::insert_if_new(conn, &row)? {
            written += 1;
        }
        let ids: Vec<MailId> = group.iter().map(|n| n.id).collect();
        notifications::mark_digested(conn, &ids, digest_id)?;
    }
    Ok(written)
}
