//! The reminder sweep: decide which reminders are due at `now` and write them to the
//! outbox — in the same transaction that reads the request, with a unique key per
//! reminder, so that a second sweep (a restart, another instance) adds nothing.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::delivery::MailSettings;
use super::{reminder_subject, Rules, ServiceError};
use crate::domain::access::Role;
use crate::domain::deadlines::Deadlines;
use crate::domain::ids::{MailId, RequestId, UserId};
use crate::domain::reminders::{
    reminder_key, Audience, DeadlineKind, DueReminder, MailStage, OutboxStatus, ReminderPreference,
};
use crate::domain::team::TeamCode;
use crate::mail::{self, DigestItem, MailFacts, Reader};
use crate::storage::notifications::{self, NotificationRow, Recipient};
use crate::storage::requests::{self as store, StoredRequest};
use crate::storage::{Db, DbConnection, StorageError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Requests looked at.
    pub requests: usize,
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
        let mut sent_to: Vec<UserId> = Vec::new();
        for (reader, recipients) in directory.readers(conn, stored, &due.audiences)? {
            let facts = facts(rules, mail, stored, due, &deadlines, today, reader);
            let rendered = mail::render_reminder(due.stage.family(), mail.language, &facts);
            for (user_id, email, preference) in recipients {
                if sent_to.contains(&user_id) {
                    continue;
                }
                let key = reminder_key(
                    stored.request.id,
                    due.deadline,
                    due.stage,
                    user_id.as_str(),
                    due.deadline_date,
                );
                let mut row = outbox_row(
                    key,
                    Some(id),
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
    Ok(schedule.next_at)
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
    }
    Ok(planned)
}

/// One sweep at `now`: every request whose next reminder moment has come, then the
/// morning digests of users who asked for one.
pub async fn sweep(
    db: &Db,
    rules: &Rules,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> Result<SweepReport, ServiceError> {
    let mut report = SweepReport::default();
    loop {
        let (rules_in, mail_in) = (rules.clone(), mail.clone());
        let (seen, queued) = db
            .write(move |conn| sweep_batch_in(conn, &rules_in, &mail_in, now))
            .await?;
        report.requests += seen;
        report.queued += queued;
        if (seen as i64) < BATCH {
            break;
        }
    }
    let (rules_in, mail_in) = (rules.clone(), mail.clone());
    report.digests = db
        .write(move |conn| write_digests(conn, &rules_in, &mail_in, now))
        .await?;
    if report.queued > 0 || report.digests > 0 {
        tracing::info!(
            requests = report.requests,
            queued = report.queued,
            digests = report.digests,
            "reminder sweep"
        );
    }
    Ok(report)
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
            let reader = Reader::Assignee {
                managers_copied: false,
            };
            items.push(DigestItem::of(
                due.stage.family(),
                mail.language,
                &facts(rules, mail, &stored, &due, &deadlines, today, reader),
            ));
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
