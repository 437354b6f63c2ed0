//! The e-mails that carry letters, as the one outbox ([`crate::service::delivery`])
//! sends them: the cover mail composed when the letter leaves, and the letter's own
//! state brought along with each attempt.

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;

use crate::domain::ids::LetterId;
use crate::domain::letters;
use crate::domain::organisation::Organisation;
use crate::domain::vocabulary::Language;
use crate::mail::{render_letter_cover, Attachment, CoverFacts, OutgoingMail};
use crate::service::{Rules, ServiceError};
use crate::storage::letters::{self as store, LetterRow};
use crate::storage::requests;
use crate::storage::{Db, DbConnection};

use super::access::not_found;
use super::sending::record_sent_in;
use super::setup::LetterSetup;

/// The e-mail that carries letter `id`: the cover text from its template, the PDF
/// attached, from the organisation's address (else `fallback`) with the privacy
/// officer as reply-to, to the requester's address as the request has it now. `Err`
/// with the reason when it cannot go.
pub(crate) async fn cover_mail(
    db: &Db,
    setup: &LetterSetup,
    fallback: &Mailbox,
    id: LetterId,
) -> Result<Result<(Mailbox, OutgoingMail), String>, ServiceError> {
    let Ok(organisation) = setup.organisation() else {
        return Ok(Err("the organisation profile is missing".to_string()));
    };
    let (letter, stored) = db
        .read(move |conn| {
            let letter = store::find_full(conn, id)?.ok_or_else(|| not_found(id))?;
            let stored = requests::load(conn, letter.info.request_id)?;
            Ok::<_, ServiceError>((letter, stored))
        })
        .await?;
    let reference = stored
        .as_ref()
        .map(|s| s.request.reference.clone())
        .unwrap_or_default();
    let to = stored.and_then(|stored| stored.intake.requester.email);
    let LetterRow {
        info: letter, pdf, ..
    } = letter;
    let (Some(to), Some(pdf), Some(_)) = (to, pdf, letter.body.as_ref()) else {
        return Ok(Err("the requester has no e-mail address any more".to_string()));
    };
    let cover = render_letter_cover(
        letter.language,
        &CoverFacts {
            reference: reference.clone(),
            letter: match letter.language {
                Language::Dutch => letter.kind.label_nl().to_lowercase(),
                Language::English => letter.kind.label_en().to_lowercase(),
            },
            organisation: organisation.name.clone(),
            phone: organisation.phone.clone(),
        },
    );
    let mail = OutgoingMail {
        id: format!("letter-{}", letter.id),
        to,
        reply_to: Some(organisation.privacy_officer.email.clone()),
        subject: cover.subject,
        text: cover.text,
        html: cover.html,
        attachment: Some(Attachment {
            file_name: letters::file_name(&reference, letter.kind, letter.language, false),
            pdf,
        }),
    };
    Ok(Ok((mail_from(&organisation, fallback), mail)))
}

/// The organisation's own address, under its name.
fn mail_from(organisation: &Organisation, fallback: &Mailbox) -> Mailbox {
    organisation
        .email
        .parse()
        .map(|address| Mailbox::new(Some(organisation.name.clone()), address))
        .unwrap_or_else(|_| fallback.clone())
}

/// An attempt to send letter `id` ended, at `at`: sent with this Message-ID (the
/// letter is sent that day, and what it reports takes that date), or failed with the
/// error (`true`: for good).
pub(crate) fn delivered_in(
    conn: &mut DbConnection,
    rules: &Rules,
    id: LetterId,
    outcome: Result<&str, (&str, bool)>,
    at: DateTime<Utc>,
) -> Result<(), ServiceError> {
    match outcome {
        Ok(message_id) => {
            let today = rules.today(at);
            store::mark_sent(conn, id, today, message_id, at.naive_utc())?;
            let info = store::find(conn, id)?.ok_or_else(|| not_found(id))?;
            let sha256 = info.sha256.clone().unwrap_or_default();
            record_sent_in(
                conn,
                rules,
                info.created_by.clone().as_str(),
                &info,
                today,
                &sha256,
                at,
            )
        }
        Err((error, for_good)) => Ok(store::mark_attempt_failed(
            conn,
            id,
            error,
            for_good,
            at.naive_utc(),
        )?),
    }
}
