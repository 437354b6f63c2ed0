//! Making a letter final, its PDF, and sending it by post or e-mail: the text and
//! the PDF kept exactly as they went out, their hash in the audit trail.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::domain::audit::RecordAction;
use crate::domain::ids::{LetterId, RequestId};
use crate::domain::intake::check_past_date;
use crate::domain::letters::{self, Composed, LetterChannel, LetterKind, LetterStatus};
use crate::domain::organisation::Organisation;
use crate::domain::FieldIssue;
use crate::service::input::Issues;
use crate::service::Ctx;
use crate::service::{Rules, ServiceError};
use crate::storage::letters::{self as store, LetterInfo};
use crate::storage::requests::{self as requests, StoredRequest};
use crate::storage::{audit, notifications, Db, DbConnection};

use super::access::{denied, may_write, not_found};
use super::drafts::{
    composed_draft, load_in, material_in, no_longer_draft, paragraphs_of, LetterView, SendInput,
};
use super::setup::{organisation, LetterSetup};

/// A letter's PDF and the name to save it under: a draft rendered now (marked as a
/// draft), a final letter byte for byte as it went out.
pub async fn pdf(cx: &Ctx<'_>, id: LetterId) -> Result<(Vec<u8>, String), ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let (caller_in, rules_in, setup_in) = (caller.clone(), rules.clone(), setup.clone());
    let prepared = db
        .read(move |conn| {
            let (info, stored) = load_in(conn, &caller_in, id)?;
            let name = letters::file_name(
                &stored.request.reference,
                info.kind,
                info.language,
                info.status == LetterStatus::Draft,
            );
            if info.status != LetterStatus::Draft {
                let bytes = store::pdf(conn, id)?.ok_or_else(|| {
                    ServiceError::NotFound(
                        "the letter's PDF was removed by retention (its hash is kept)".into(),
                    )
                })?;
                return Ok(Err((bytes, name)));
            }
            let organisation = organisation(&setup_in)?;
            let material = material_in(conn, &rules_in, stored, info.created_by, now)?;
            let (composed, _) = composed_draft(
                &setup_in,
                &organisation,
                &material,
                info.kind,
                &paragraphs_of(&info),
                info.language,
                info.channel,
                rules_in.today(now),
                true,
            )?;
            Ok::<_, ServiceError>(Ok((composed, info.id, name)))
        })
        .await?;
    match prepared {
        Err(stored) => Ok(stored),
        Ok((composed, letter_id, name)) => {
            let bytes = render(setup, composed, letter_id, rules.today(now)).await?;
            Ok((bytes, name))
        }
    }
}

/// Renders off the async threads (typst is CPU work).
pub(super) async fn render(
    setup: &LetterSetup,
    composed: Composed,
    ident: LetterId,
    date: NaiveDate,
) -> Result<Vec<u8>, ServiceError> {
    use chrono::Datelike;
    let logo = setup.logo();
    let started = std::time::Instant::now();
    let letter_id = ident;
    let bytes = tokio::task::spawn_blocking(move || {
        let json = composed.layout.to_string();
        let letter = avg_loket_letter_pdf::Letter {
            json: &json,
            logo: logo.as_ref().map(|l| avg_loket_letter_pdf::Logo {
                format: &l.0,
                bytes: &l.1,
            }),
            date: (date.year(), date.month() as u8, date.day() as u8),
            ident: ident.as_str(),
        };
        avg_loket_letter_pdf::render(&letter)
    })
    .await
    .map_err(|e| {
        ServiceError::conflict(
            format!("rendering stopped: {e}"),
            format!("het maken van de PDF stopte: {e}"),
        )
    })?
    .map_err(|error| {
        // The renderer's message names what failed (an image, a font), never the text.
        tracing::error!(%letter_id, %error, "letter rendering failed");
        ServiceError::conflict(
            error.to_string(),
            format!("de PDF kon niet worden gemaakt: {}", error.0),
        )
    })?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "letter rendered"
    );
    Ok(bytes)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A draft composed as its final letter, dated `date`, with every reason it cannot
/// go out that day (422): a date before receipt or in the future, an extension notice
/// after the first month, a mandatory element missing.
#[allow(clippy::too_many_arguments)]
pub(super) fn compose_final(
    conn: &mut DbConnection,
    rules: &Rules,
    setup: &LetterSetup,
    organisation: &Organisation,
    info: &LetterInfo,
    stored: StoredRequest,
    date: NaiveDate,
    field: &str,
    now: DateTime<Utc>,
) -> Result<Composed, ServiceError> {
    let material = material_in(conn, rules, stored, info.created_by, now)?;
    let mut problems = Vec::new();
    check_past_date(
        field,
        date,
        material.stored.request.received_on,
        ("the date of receipt", "de datum van ontvangst"),
        rules.today(now),
        &mut problems,
    );
    if info.kind == LetterKind::ExtensionNotice {
        problems.extend(first_month_issue(field, date, material.first_month));
    }
    let (composed, _) = composed_draft(
        setup,
        organisation,
        &material,
        info.kind,
        &paragraphs_of(info),
        info.language,
        info.channel,
        date,
        false,
    )?;
    problems.extend(composed.missing.iter().map(|e| e.issue()));
    if problems.is_empty() {
        Ok(composed)
    } else {
        Err(ServiceError::Invalid(problems))
    }
}

/// AVG 12(3): an extension is announced within the first month.
pub(super) fn first_month_issue(field: &str, date: NaiveDate, first_month: NaiveDate) -> Option<FieldIssue> {
    (date > first_month).then(|| {
        FieldIssue::new(
            field,
            format!("an extension must be announced within the first month, by {first_month} (AVG 12(3))"),
            format!(
                "een verlenging moet binnen de eerste maand worden gemeld, uiterlijk {} (artikel 12, lid 3, AVG)",
                crate::domain::vocabulary::date_in_words(first_month)
            ),
        )
    })
}

/// Makes a draft final: composed for `date`, rendered, and stored as `status` with
/// its text, PDF and hash. The draft must be the one the caller saw when it was read.
#[allow(clippy::too_many_arguments)]
pub(super) async fn make_final(
    db: &Db,
    setup: &LetterSetup,
    info: LetterInfo,
    composed: Composed,
    date: NaiveDate,
    status: LetterStatus,
    now: DateTime<Utc>,
    also: impl FnOnce(&mut DbConnection, &LetterInfo, &str) -> Result<(), ServiceError> + Send + 'static,
) -> Result<LetterView, ServiceError> {
    let text = composed.text.clone();
    let bytes = render(setup, composed, info.id, date).await?;
    let sha256 = sha256_hex(&bytes);
    db.write(move |conn| {
        let id = info.id;
        let current = store::find(conn, id)?.ok_or_else(|| not_found(id.as_str()))?;
        if current.status != LetterStatus::Draft || current.updated_at != info.updated_at {
            return Err(ServiceError::conflict(
                "the letter was changed meanwhile; look at it again before sending",
                "de brief is intussen gewijzigd; bekijk hem opnieuw voordat u hem verstuurt",
            ));
        }
        let posted = status == LetterStatus::Sent;
        let letter = store::Final {
            status,
            body: &text,
            pdf: &bytes,
            sha256: &sha256,
            dated_on: date,
            sent_on: posted.then_some(date),
        };
        store::finalise(conn, id, &letter, now.naive_utc())?;
        if info.channel == LetterChannel::Email {
            // Its e-mail joins the outbox in the same transaction: a letter made
            // final is always on its way.
            notifications::queue_letter(conn, id, info.request_id, now.naive_utc())?;
        }
        also(conn, &current, &sha256)?;
        let info = store::find(conn, id)?.ok_or_else(|| not_found(id.as_str()))?;
        Ok::<_, ServiceError>(LetterView::of(&info, None, BTreeMap::new()))
    })
    .await
}

/// Makes a draft by post final: the letter dated today, rendered without "CONCEPT",
/// to print and post. Its posting is recorded afterwards ([`send`]), which never
/// changes the letter. Refused (422) while a mandatory element is missing.
pub async fn finalise(cx: &Ctx<'_>, id: LetterId) -> Result<LetterView, ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let today = rules.today(now);
    let organisation = organisation(setup)?;
    let (caller_in, rules_in, setup_in) = (caller.clone(), rules.clone(), setup.clone());
    let (info, composed) = db
        .read(move |conn| {
            let (info, stored) = load_in(conn, &caller_in, id)?;
            may_write(&caller_in, &stored, info.kind).map_err(denied(id))?;
            if info.status != LetterStatus::Draft {
                return Err(no_longer_draft(&info));
            }
            if info.channel != LetterChannel::Post {
                return Err(ServiceError::conflict(
                    "a letter by e-mail is made final when it is sent; only a letter by post is printed first",
                    "een brief per e-mail wordt definitief als hij wordt verstuurd; alleen een brief per post wordt eerst afgedrukt",
                ));
            }
            let composed = compose_final(
                conn, &rules_in, &setup_in, &organisation, &info, stored, today, "dated_on", now,
            )?;
            Ok((info, composed))
        })
        .await?;
    let view = make_final(
        db,
        setup,
        info,
        composed,
        today,
        LetterStatus::Queued,
        now,
        |_, _, _| Ok(()),
    )
    .await?;
    tracing::info!(letter_id = %view.id, kind = %view.kind, "letter made final for posting");
    Ok(view)
}

/// Sends a letter. A draft by e-mail is made final and queued for the delivery
/// worker. A letter by post made final ([`finalise`]) is recorded as posted on
/// `sent_on` (default today; not before the date printed on it), without changing
/// it; a draft by post is made final dated `sent_on` and recorded as posted that day
/// in one step (for a letter printed from elsewhere). Refused (422) while a
/// mandatory element is missing.
pub async fn send(cx: &Ctx<'_>, id: LetterId, input: SendInput) -> Result<LetterView, ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let today = rules.today(now);
    let mut issues = Issues::default();
    let sent_on = issues.optional_date("sent_on", input.sent_on.as_deref());
    let sent_on = issues.into_result(sent_on)?;
    let organisation = organisation(setup)?;
    // Read and compose outside the write: rendering is CPU work.
    let (caller_in, rules_in, setup_in) = (caller.clone(), rules.clone(), setup.clone());
    let id_in = id;
    let prepared = db
        .read(move |conn| {
            let (info, stored) = load_in(conn, &caller_in, id_in)?;
            may_write(&caller_in, &stored, info.kind).map_err(denied(id_in))?;
            match (info.status, info.channel) {
                (LetterStatus::Draft, LetterChannel::Post) => {
                    let date = sent_on.unwrap_or(today);
                    let composed = compose_final(
                        conn, &rules_in, &setup_in, &organisation, &info, stored, date, "sent_on", now,
                    )?;
                    Ok(Prepared::Final(info, composed, date, LetterStatus::Sent))
                }
                (LetterStatus::Draft, LetterChannel::Email) => {
                    if sent_on.is_some() {
                        return Err(ServiceError::invalid(
                            "sent_on",
                            "a letter by e-mail is dated when it leaves; give sent_on only for a letter by post",
                            "een brief per e-mail krijgt de datum waarop hij vertrekt; vul de verzenddatum alleen in bij een brief per post",
                        ));
                    }
                    setup_in.email.clone().map_err(|message| {
                        ServiceError::Invalid(vec![FieldIssue { field: "channel".into(), message }])
                    })?;
                    let composed = compose_final(
                        conn, &rules_in, &setup_in, &organisation, &info, stored, today, "sent_on", now,
                    )?;
                    Ok(Prepared::Final(info, composed, today, LetterStatus::Queued))
                }
                (LetterStatus::Queued, LetterChannel::Post) => {
                    let date = sent_on.unwrap_or(today);
                    let mut problems = Vec::new();
                    let dated_on = info.dated_on.unwrap_or(stored.request.received_on);
                    check_past_date(
                        "sent_on",
                        date,
                        dated_on,
                        ("the date printed on the letter", "de datum die op de brief staat"),
                        today,
                        &mut problems,
                    );
                    if info.kind == LetterKind::ExtensionNotice {
                        let material = material_in(conn, &rules_in, stored, info.created_by, now)?;
                        problems.extend(first_month_issue("sent_on", date, material.first_month));
                    }
                    if !problems.is_empty() {
                        return Err(ServiceError::Invalid(problems));
                    }
                    Ok(Prepared::Posted(info, date))
                }
                _ => Err(ServiceError::conflict(
                    format!("the letter is {} already", info.status.label_en().to_lowercase()),
                    format!("de brief is al {}", info.status.label_nl().to_lowercase()),
                )),
            }
        })
        .await?;
    let actor = caller.user_id.to_string();
    let rules_in = rules.clone();
    let view = match prepared {
        Prepared::Final(info, composed, date, status) => {
            make_final(db, setup, info, composed, date, status, now, move |conn, letter, sha256| {
                if status == LetterStatus::Sent {
                    return record_sent_in(conn, &rules_in, &actor, letter, date, sha256, now);
                }
                let data = json!({"letter_id": letter.id, "kind": letter.kind, "channel": letter.channel, "sha256": sha256});
                append_event(conn, letter.request_id, &actor, RecordAction::LetterQueued.code(), &data, now)
            })
            .await?
        }
        Prepared::Posted(info, date) => {
            db.write(move |conn| {
                if !store::record_posted(conn, info.id, date, now.naive_utc())? {
                    return Err(ServiceError::conflict(
                        "the letter was recorded as posted meanwhile",
                        "de verzending van de brief is intussen al vastgelegd",
                    ));
                }
                let sha256 = info.sha256.clone().unwrap_or_default();
                record_sent_in(conn, &rules_in, &actor, &info, date, &sha256, now)?;
                let info = store::find(conn, info.id)?.ok_or_else(|| not_found(info.id.as_str()))?;
                Ok::<_, ServiceError>(LetterView::of(&info, None, BTreeMap::new()))
            })
            .await?
        }
    };
    tracing::info!(letter_id = %view.id, kind = %view.kind, channel = %view.channel, status = %view.status, "letter sent");
    Ok(view)
}

/// What sending a letter comes to, read before the write.
pub(super) enum Prepared {
    /// A draft made final, dated, as `status` (`queued` by e-mail, `sent` by post).
    Final(LetterInfo, Composed, NaiveDate, LetterStatus),
    /// A final letter by post, posted on this day.
    Posted(LetterInfo, NaiveDate),
}

pub(super) fn append_event(
    conn: &mut DbConnection,
    request_id: RequestId,
    actor: &str,
    action: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let status = requests::find_record(conn, request_id)?.map(|r| r.status);
    audit::append(
        conn,
        audit::NewEvent {
            request_id: Some(request_id.as_str()),
            actor,
            occurred_at: now,
            action,
            from_status: None,
            to_status: status.map(|s| s.code()),
            data,
        },
    )?;
    Ok(())
}

/// A letter went out on `sent_on`: the action it reports takes that date, and the
/// audit trail records kind, channel, date and hash (never content).
pub(super) fn record_sent_in(
    conn: &mut DbConnection,
    rules: &Rules,
    actor: &str,
    letter: &LetterInfo,
    sent_on: NaiveDate,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut data = json!({
        "letter_id": letter.id,
        "kind": letter.kind,
        "channel": letter.channel,
        "sent_on": sent_on,
        "sha256": sha256,
    });
    if let Some(mut stored) = requests::load(conn, letter.request_id)? {
        let version = stored.request.version;
        let moved = match letter.kind {
            LetterKind::Decision => stored.request.decision.as_mut().and_then(|d| {
                (d.communicated_on != Some(sent_on)).then(|| {
                    d.communicated_on = Some(sent_on);
                    "communicated_on"
                })
            }),
            LetterKind::ExtensionNotice => stored.request.extension.as_mut().and_then(|e| {
                (e.informed_on != sent_on).then(|| {
                    e.informed_on = sent_on;
                    "informed_on"
                })
            }),
            _ => None,
        };
        if let Some(field) = moved {
            data[field] = json!(sent_on);
            let context = rules.context(stored.request.kind.code(), now);
            let deadlines = stored.request.deadlines(context.periods, context.calendar);
            stored.updated_at = now;
            // A new version: a form shown with the old date is stale.
            stored.request.version = version + 1;
            let next_reminder_at = rules.next_reminder_at(&stored, &deadlines, now);
            if !requests::update(conn, &stored, &deadlines, next_reminder_at, version)? {
                return Err(ServiceError::Stale { current: version });
            }
            // The decision told: its response reminders still queued are not sent.
            crate::service::requests::cancel_stale_reminders(
                conn,
                letter.request_id,
                crate::service::requests::reminders_still_due(&stored.request, &deadlines),
            )?;
        }
    }
    append_event(
        conn,
        letter.request_id,
        actor,
        RecordAction::LetterSent.code(),
        &data,
        now,
    )
}
