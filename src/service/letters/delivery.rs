//! Delivering the e-mailed letters: claimed from the queue, sent with the PDF
//! attached, retried with back-off.

use chrono::{DateTime, Utc};

use crate::domain::letters;
use crate::domain::organisation::Organisation;
use crate::domain::vocabulary::Language;
use crate::mail::{Mailer, OutgoingLetter};
use crate::service::delivery::{lease_from, within_limit};
use crate::service::reminders::{backoff, redact_addresses, MailSettings};
use crate::service::{Rules, ServiceError};
use crate::storage::letters::{self as store, LetterRow};
use crate::storage::requests;
use crate::storage::Db;

use super::access::not_found;
use super::sending::record_sent_in;
use super::setup::LetterSetup;

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LetterDelivery {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

pub(super) const BATCH: i64 = 20;

/// Delivers the letters queued for e-mail: each with its PDF attached, from the
/// organisation's address with the team (or privacy officer) as reply-to. `now` is the
/// clock, read for each claim and each letter (the lease on the rest of the batch is
/// renewed after every letter, as for reminders: [`super::delivery`]).
pub async fn deliver(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    mailer: &Mailer,
    mail: &MailSettings,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<LetterDelivery, ServiceError> {
    let mut report = LetterDelivery::default();
    let Ok(organisation) = setup.organisation() else {
        return Ok(report);
    };
    if setup.email.is_err() {
        return Ok(report);
    }
    loop {
        let claimed_at = now();
        let mut held = lease_from(claimed_at);
        let batch = db
            .write(move |conn| {
                Ok::<_, ServiceError>(store::claim(conn, claimed_at.naive_utc(), held, BATCH)?)
            })
            .await?;
        if batch.is_empty() {
            break;
        }
        let mut rest: Vec<String> = batch.iter().map(|row| row.id.clone()).collect();
        for row in batch {
            if !rest.contains(&row.id) {
                continue; // its lease ran out and another worker has it
            }
            rest.retain(|id| id != &row.id);
            let request_id = row.request_id.clone();
            let stored = db
                .read(move |conn| Ok::<_, ServiceError>(requests::load(conn, &request_id)?))
                .await?;
            let reference = stored
                .as_ref()
                .map(|s| s.request.reference.clone())
                .unwrap_or_default();
            let to = stored.and_then(|stored| stored.intake.requester.email.clone());
            let result = match (&to, &row.pdf, &row.body) {
                (Some(to), Some(pdf), Some(_)) => {
                    let letter = OutgoingLetter {
                        id: row.id.clone(),
                        to: to.clone(),
                        reply_to: organisation.privacy_officer.email.clone(),
                        subject: cover_subject(&row, &reference, &organisation),
                        text: cover_text(&row, &organisation),
                        pdf: pdf.clone(),
                        file_name: letters::file_name(&reference, row.kind, row.language, false),
                    };
                    let from = mail_from(&organisation, mail);
                    within_limit(mailer.send_letter(&from, &letter))
                        .await
                        .map_err(|e| redact_addresses(&e))
                }
                _ => Err("the requester has no e-mail address any more".to_string()),
            };
            let done_at = now();
            let attempts = row.attempts as u32 + 1;
            let outcome = result.map_err(|error| {
                let retry_at =
                    (attempts < mail.max_attempts).then(|| (done_at + backoff(attempts)).naive_utc());
                tracing::warn!(letter_id = %row.id, attempts, retry = retry_at.is_some(), error = %error, "letter delivery failed");
                (error, retry_at)
            });
            match &outcome {
                Ok(_) => report.sent += 1,
                Err((_, Some(_))) => report.retried += 1,
                Err((_, None)) => report.failed += 1,
            }
            let renewed_until = lease_from(done_at);
            let waiting = std::mem::take(&mut rest);
            let rules_in = rules.clone();
            rest = db
                .write(move |conn| {
                    match outcome {
                        Ok(message_id) => {
                            let today = rules_in.today(done_at);
                            store::mark_sent(conn, &row.id, today, &message_id, done_at.naive_utc())?;
                            let info = store::find(conn, &row.id)?.ok_or_else(|| not_found(&row.id))?;
                            record_sent_in(
                                conn,
                                &rules_in,
                                &row.created_by,
                                &info,
                                today,
                                row.sha256.as_deref().unwrap_or_default(),
                                done_at,
                            )?;
                        }
                        Err((error, retry_at)) => {
                            store::mark_attempt_failed(conn, &row.id, &error, retry_at, done_at.naive_utc())?
                        }
                    }
                    Ok::<_, ServiceError>(store::renew(conn, &waiting, held, renewed_until)?)
                })
                .await?;
            held = renewed_until;
        }
    }
    if report != LetterDelivery::default() {
        tracing::info!(
            sent = report.sent,
            retried = report.retried,
            failed = report.failed,
            "letter delivery"
        );
    }
    Ok(report)
}

/// When a queued letter is next due (a retry, or a lease that may run out).
pub async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>, ServiceError> {
    let at = db
        .read(|conn| Ok::<_, ServiceError>(store::next_due(conn)?))
        .await?;
    Ok(at.map(|at| DateTime::from_naive_utc_and_offset(at, Utc)))
}

/// The organisation's own address, under its name.
pub(super) fn mail_from(organisation: &Organisation, mail: &MailSettings) -> lettre::message::Mailbox {
    organisation
        .email
        .parse()
        .map(|address| lettre::message::Mailbox::new(Some(organisation.name.clone()), address))
        .unwrap_or_else(|_| mail.from.clone())
}

/// The subject of the e-mail that carries a letter: the reference and what the letter
/// is, never the letter's own subject line, which may name the client (a mailbox
/// shows subjects where others can see them).
pub(super) fn cover_subject(row: &LetterRow, reference: &str, organisation: &Organisation) -> String {
    match row.language {
        Language::Dutch => format!(
            "Uw verzoek {reference}: {} ({})",
            row.kind.label_nl().to_lowercase(),
            organisation.name
        ),
        Language::English => format!(
            "Your request {reference}: {} ({})",
            row.kind.label_en().to_lowercase(),
            organisation.name
        ),
    }
}

/// The short text of the e-mail that carries a letter: the letter itself is the PDF.
pub(super) fn cover_text(row: &LetterRow, organisation: &Organisation) -> String {
    match row.language {
        Language::Dutch => format!(
            "Beste heer, mevrouw,\n\nIn de bijlage vindt u een brief van {org} over uw verzoek. De brief is een PDF-bestand.\n\nHeeft u vragen? Beantwoord dan deze e-mail, of bel {phone}.\n\nMet vriendelijke groet,\n{org}\n",
            org = organisation.name,
            phone = organisation.phone
        ),
        Language::English => format!(
            "Dear Sir or Madam,\n\nAttached is a letter from {org} about your request, as a PDF file.\n\nAny questions? Reply to this e-mail, or call {phone}.\n\nKind regards,\n{org}\n",
            org = organisation.name,
            phone = organisation.phone
        ),
    }
}
