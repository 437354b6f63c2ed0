//! Letters to the requester: drafts, letters that went out (text and PDF as sent),
//! and the delivery state of those sent by e-mail as their pages show it (the mail
//! itself is a row of the outbox, `notifications`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl;
use diesel::prelude::*;

use super::schema::{letters, requests};
use super::{DbConnection, StorageError};
use crate::domain::ids::{LetterId, RequestId, UserId};
use crate::domain::letters::{LetterChannel, LetterKind, LetterStatus};
use crate::domain::team::TeamCode;
use crate::domain::vocabulary::Language;

/// A letter without its PDF: what lists and most reads need.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letters)]
pub struct LetterInfo {
    pub id: LetterId,
    pub request_id: RequestId,
    pub kind: LetterKind,
    pub status: LetterStatus,
    pub channel: LetterChannel,
    pub language: Language,
    /// The free paragraphs (JSON object), while the letter has content.
    pub paragraphs: Option<String>,
    /// The letter's text as sent.
    pub body: Option<String>,
    /// SHA-256 of the PDF, in hex: kept after the purge.
    pub sha256: Option<String>,
    pub sent_on: Option<NaiveDate>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub purged_at: Option<NaiveDateTime>,
    /// The date printed on the letter, once it is final.
    pub dated_on: Option<NaiveDate>,
}

/// One whole row of `letters`: the letter and the PDF as sent.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letters)]
pub struct LetterRow {
    #[diesel(embed)]
    pub info: LetterInfo,
    /// The PDF as sent.
    pub pdf: Option<Vec<u8>>,
    /// The Message-ID of the mail that carried it.
    pub message_id: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &LetterRow) -> Result<(), StorageError> {
    diesel::insert_into(letters::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: LetterId) -> Result<Option<LetterInfo>, StorageError> {
    Ok(letters::table
        .find(id)
        .select(LetterInfo::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_full(conn: &mut DbConnection, id: LetterId) -> Result<Option<LetterRow>, StorageError> {
    Ok(letters::table
        .find(id)
        .select(LetterRow::as_select())
        .first(conn)
        .optional()?)
}

/// The PDF of a final letter.
pub fn pdf(conn: &mut DbConnection, id: LetterId) -> Result<Option<Vec<u8>>, StorageError> {
    Ok(letters::table
        .find(id)
        .select(letters::pdf)
        .first::<Option<Vec<u8>>>(conn)
        .optional()?
        .flatten())
}

/// A request's letters, newest first.
pub fn of_request(conn: &mut DbConnection, request_id: RequestId) -> Result<Vec<LetterInfo>, StorageError> {
    Ok(letters::table
        .filter(letters::request_id.eq(request_id))
        .order((letters::created_at.desc(), letters::id.desc()))
        .select(LetterInfo::as_select())
        .load(conn)?)
}

/// Letter `id`, while it is a draft.
type StillDraft = dsl::Filter<dsl::Find<letters::table, LetterId>, dsl::Eq<letters::status, LetterStatus>>;

fn still_draft(id: LetterId) -> StillDraft {
    letters::table
        .find(id)
        .filter(letters::status.eq(LetterStatus::Draft))
}

/// Changes a draft's paragraphs, channel or language; false when it is no longer a draft.
pub fn update_draft(
    conn: &mut DbConnection,
    id: LetterId,
    paragraphs: &str,
    channel: LetterChannel,
    language: Language,
    at: NaiveDateTime,
) -> Result<bool, StorageError> {
    let changed = diesel::update(still_draft(id))
        .set((
            letters::paragraphs.eq(Some(paragraphs)),
            letters::channel.eq(channel),
            letters::language.eq(language),
            letters::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Discards a letter that never went out: a draft, or a letter by post made final
/// (printed) but not posted; false otherwise.
pub fn delete_unsent(conn: &mut DbConnection, id: LetterId) -> Result<bool, StorageError> {
    let deleted = diesel::delete(
        letters::table.find(id).filter(
            letters::status.eq(LetterStatus::Draft).or(letters::status
                .eq(LetterStatus::Queued)
                .and(letters::channel.eq(LetterChannel::Post))),
        ),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// A draft made final: its text and PDF as they go out, never to change again.
pub struct Final<'a> {
    /// `queued` (by e-mail: for the delivery worker; by post: printed, to be
    /// posted) or `sent` (by post, posted on `sent_on`).
    pub status: LetterStatus,
    pub body: &'a str,
    pub pdf: &'a [u8],
    pub sha256: &'a str,
    /// The date printed on the letter.
    pub dated_on: NaiveDate,
    pub sent_on: Option<NaiveDate>,
}

/// Makes a draft final; false when it is no longer a draft.
pub fn finalise(
    conn: &mut DbConnection,
    id: LetterId,
    letter: &Final<'_>,
    at: NaiveDateTime,
) -> Result<bool, StorageError> {
    let changed = diesel::update(still_draft(id))
        .set((
            letters::status.eq(letter.status),
            letters::body.eq(Some(letter.body)),
            letters::pdf.eq(Some(letter.pdf)),
            letters::sha256.eq(Some(letter.sha256)),
            letters::dated_on.eq(Some(letter.dated_on)),
            letters::sent_on.eq(letter.sent_on),
            letters::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// A final letter by post was posted on `sent_on`: the letter itself stays as it is.
/// False when it is not a final letter by post waiting to be posted.
pub fn record_posted(
    conn: &mut DbConnection,
    id: LetterId,
    sent_on: NaiveDate,
    at: NaiveDateTime,
) -> Result<bool, StorageError> {
    let changed = diesel::update(
        letters::table
            .find(id)
            .filter(letters::status.eq(LetterStatus::Queued))
            .filter(letters::channel.eq(LetterChannel::Post)),
    )
    .set((
        letters::status.eq(LetterStatus::Sent),
        letters::sent_on.eq(Some(sent_on)),
        letters::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A queued letter went out.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: LetterId,
    sent_on: NaiveDate,
    message_id: &str,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(letters::table.find(id))
        .set((
            letters::status.eq(LetterStatus::Sent),
            letters::sent_on.eq(Some(sent_on)),
            letters::message_id.eq(Some(message_id)),
            letters::attempts.eq(letters::attempts + 1),
            letters::last_error.eq(None::<String>),
            letters::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// An attempt failed: the outbox tries again, or (`for_good`) gives up.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: LetterId,
    error: &str,
    for_good: bool,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    let status = if for_good {
        LetterStatus::Failed
    } else {
        LetterStatus::Queued
    };
    diesel::update(letters::table.find(id))
        .set((
            letters::status.eq(status),
            letters::attempts.eq(letters::attempts + 1),
            letters::last_error.eq(Some(error)),
            letters::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes the content of a request's letters (retention): drafts go, letters that
/// went out keep kind, channel, dates and hash.
pub fn purge_request(
    conn: &mut DbConnection,
    request_id: RequestId,
    at: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::delete(
        letters::table
            .filter(letters::request_id.eq(request_id))
            .filter(letters::status.eq(LetterStatus::Draft)),
    )
    .execute(conn)?;
    // A letter by e-mail still waiting will not go: its content is gone.
    diesel::update(
        letters::table
            .filter(letters::request_id.eq(request_id))
            .filter(letters::status.eq(LetterStatus::Queued))
            .filter(letters::channel.eq(LetterChannel::Email)),
    )
    .set(letters::status.eq(LetterStatus::Failed))
    .execute(conn)?;
    diesel::update(letters::table.filter(letters::request_id.eq(request_id)))
        .set((
            letters::paragraphs.eq(None::<String>),
            letters::body.eq(None::<String>),
            letters::pdf.eq(None::<Vec<u8>>),
            letters::last_error.eq(None::<String>),
            letters::purged_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// What the dashboard shows of the letters, for the teams in sight (all when `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct LetterCounts {
    /// Letters waiting for the e-mail delivery worker.
    pub queued: i64,
    pub failed: i64,
    /// Decisions communicated since the start of the window with no decision letter
    /// queued or sent (a letter written elsewhere, or none).
    pub decisions_without_letter: i64,
}

/// The letter figures for the teams in `sight`: the queued and failed letters, and
/// the decisions since `since` without a decision letter, read from the measure
/// 'unlettered' that triggers keep (migration 000019) instead of probing `letters` for
/// every decision of the window.
pub fn counts(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<LetterCounts, StorageError> {
    // The few letters waiting or failed first (their own index), then which of their
    // requests are in sight: a join let the planner start from every request of the
    // teams in sight (a second at a million, with few letters).
    let mut by_status = |status: LetterStatus| -> Result<i64, StorageError> {
        let requests_of: Vec<RequestId> = letters::table
            .filter(letters::status.eq(status))
            .filter(letters::channel.eq(LetterChannel::Email))
            .select(letters::request_id)
            .load(conn)?;
        let mut count = 0;
        for chunk in requests_of.chunks(1000) {
            let in_sight: std::collections::HashSet<RequestId> = requests::table
                .filter(requests::id.eq_any(chunk))
                .select((requests::id, requests::team))
                .load::<(RequestId, TeamCode)>(conn)?
                .into_iter()
                .filter_map(|(id, team)| sight.contains(&team).then_some(id))
                .collect();
            // A request with several such letters counts each of them.
            count += chunk.iter().filter(|id| in_sight.contains(id)).count() as i64;
        }
        Ok(count)
    };
    let (queued, failed) = (by_status(LetterStatus::Queued)?, by_status(LetterStatus::Failed)?);
    Ok(LetterCounts {
        queued,
        failed,
        decisions_without_letter: super::dashboard::decisions_without_letter(conn, sight, since)?,
    })
}
