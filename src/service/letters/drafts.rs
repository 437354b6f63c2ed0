//! Drafts: listing, creating, reading, editing and discarding a letter, composed
//! afresh from the case on every read.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::access::{Caller, Denied};
use crate::domain::deadlines::{request_deadlines, DeadlineFacts};
use crate::domain::ids::{LetterId, RequestId, UserId};
use crate::domain::letters::{
    self, check_paragraphs, compose, default_paragraphs, Case, Client, Composed, LetterChannel, LetterKind,
    LetterStatus, NotNow, Signatory,
};
use crate::domain::organisation::Organisation;
use crate::domain::request::Request;
use crate::domain::vocabulary::Language;
use crate::service::input::Issues;
use crate::service::Ctx;
use crate::service::{Rules, ServiceError};
use crate::storage::letters::{self as store, LetterInfo, LetterRow};
use crate::storage::requests::{self as requests, StoredRequest};
use crate::storage::{teams, users, DbConnection};

use super::access::{denied, may_read, may_write, not_found, request_not_found};
use super::setup::{organisation, LetterSetup};

/// A letter as the API and the pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterView {
    pub id: String,
    pub request_id: String,
    pub kind: LetterKind,
    pub status: LetterStatus,
    pub channel: LetterChannel,
    pub language: Language,
    /// The letter's text: as it would go out (a draft), or as it went out. Null once
    /// retention removed it.
    pub text: Option<String>,
    /// The subject line.
    pub subject: Option<String>,
    /// The free paragraphs of a draft, by name (all of them, empty ones too).
    pub paragraphs: BTreeMap<String, String>,
    /// The mandatory elements a draft does not yet contain; sending waits for none.
    pub missing: Vec<MissingElement>,
    /// The day it was posted or delivered by e-mail.
    pub sent_on: Option<NaiveDate>,
    /// The date printed on the letter, once it is final (a letter by post is final
    /// before it is posted).
    pub dated_on: Option<NaiveDate>,
    /// SHA-256 of the PDF, once the letter is final.
    pub sha256: Option<String>,
    /// Attempts to deliver by e-mail, and the last error (addresses removed).
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When retention removed the content (the hash stays).
    pub purged_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MissingElement {
    /// The element's code (`complaint_authority`, `ground.legal_claims`, …).
    pub element: String,
    pub message: String,
    pub message_nl: String,
}

pub(super) fn utc(naive: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

impl LetterView {
    pub(super) fn of(
        info: &LetterInfo,
        composed: Option<&Composed>,
        paragraphs: BTreeMap<String, String>,
    ) -> LetterView {
        LetterView {
            id: info.id.to_string(),
            request_id: info.request_id.to_string(),
            kind: info.kind,
            status: info.status,
            channel: info.channel,
            language: info.language,
            text: composed.map(|c| c.text.clone()).or_else(|| info.body.clone()),
            subject: composed
                .map(|c| c.subject.clone())
                .or_else(|| info.body.as_deref().and_then(subject_of).map(str::to_string)),
            paragraphs,
            missing: composed
                .map(|c| {
                    c.missing
                        .iter()
                        .map(|e| MissingElement {
                            element: e.code.clone(),
                            message: e.label.en.clone(),
                            message_nl: e.label.nl.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            sent_on: info.sent_on,
            dated_on: info.dated_on,
            sha256: info.sha256.clone(),
            attempts: info.attempts,
            last_error: info.last_error.clone(),
            created_by: info.created_by.to_string(),
            created_at: utc(info.created_at),
            updated_at: utc(info.updated_at),
            purged_at: info.purged_at.map(utc),
        }
    }
}

/// A new draft.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLetterInput {
    #[schema(value_type = LetterKind)]
    pub kind: String,
    /// Default: e-mail when the request came in electronically, else post (AVG 12(3)).
    #[schema(value_type = Option<LetterChannel>)]
    pub channel: Option<String>,
    /// Default: the requester's language.
    #[schema(value_type = Option<Language>)]
    pub language: Option<String>,
    /// Free paragraphs that replace the pre-filled ones, by name.
    #[serde(default)]
    pub paragraphs: BTreeMap<String, String>,
}

/// A change to a draft: what is given replaces what is there.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterChange {
    #[serde(default)]
    pub paragraphs: Option<BTreeMap<String, String>>,
    #[schema(value_type = Option<LetterChannel>)]
    pub channel: Option<String>,
    #[schema(value_type = Option<Language>)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    /// For a letter by post: the day it was posted (default today).
    #[schema(value_type = Option<NaiveDate>)]
    pub sent_on: Option<String>,
}

/// Everything needed to compose one letter, read in one go.
pub(super) struct Material {
    pub(super) stored: StoredRequest,
    pub(super) signatory: Signatory,
    pub(super) first_month: NaiveDate,
    pub(super) response: NaiveDate,
    pub(super) legal: NaiveDate,
    /// The systems the request was carried out in (their tasks done), by name.
    pub(super) systems: Vec<String>,
}

pub(super) fn material_in(
    conn: &mut DbConnection,
    rules: &Rules,
    stored: StoredRequest,
    author: UserId,
    now: DateTime<Utc>,
) -> Result<Material, ServiceError> {
    let r = &stored.request;
    let context = rules.context(r.kind.code(), now);
    let deadlines = r.deadlines(context.periods, context.calendar);
    let first_month = request_deadlines(
        DeadlineFacts {
            received_on: r.received_on,
            paused_days: r.paused_days(),
            extended: false,
            extended_until: None,
        },
        context.periods,
        context.calendar,
    )
    .legal;
    let name = users::find(conn, author)?.map(|u| u.name).unwrap_or_default();
    let team = teams::find(conn, &r.team)?
        .map(|t| t.name)
        .unwrap_or_else(|| r.team.to_string());
    let systems = crate::storage::tasks::done_system_names(conn, RequestId::from(r.id))?;
    Ok(Material {
        systems,
        signatory: Signatory { name, team },
        first_month,
        response: deadlines.response,
        legal: deadlines.legal,
        stored,
    })
}

impl Material {
    fn case(&self) -> Case<'_> {
        let intake = &self.stored.intake;
        let requester = &intake.requester;
        Case {
            request: &self.stored.request,
            client: Client {
                relation: requester.relation,
                name: intake.subject.name.as_deref(),
                age_band: intake.subject.age_band,
            },
            requester_name: &requester.name,
            requester_email: requester.email.as_deref(),
            address: requester.address.as_ref(),
            response_deadline: self.response,
            legal_deadline: self.legal,
            first_month: self.first_month,
            signatory: self.signatory.clone(),
            systems: &self.systems,
        }
    }
}

pub(super) fn paragraphs_of(info: &LetterInfo) -> BTreeMap<String, String> {
    info.paragraphs
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default()
}

pub(super) fn template_of(kind: LetterKind, request: &Request) -> Result<&'static str, ServiceError> {
    kind.template(request)
        .map_err(|NotNow(message)| ServiceError::Conflict(message))
}

/// The draft composed now, with every free paragraph named (empty ones too).
#[allow(clippy::too_many_arguments)]
pub(super) fn composed_draft(
    setup: &LetterSetup,
    organisation: &Organisation,
    material: &Material,
    kind: LetterKind,
    paragraphs: &BTreeMap<String, String>,
    language: Language,
    channel: LetterChannel,
    date: NaiveDate,
    draft: bool,
) -> Result<(Composed, BTreeMap<String, String>), ServiceError> {
    let template = template_of(kind, &material.stored.request)?;
    let composed = compose(
        kind,
        &material.case(),
        organisation,
        paragraphs,
        language,
        channel,
        date,
        draft,
        &setup.templates,
    )
    .map_err(|error| {
        tracing::error!(%error, "letter template failed");
        ServiceError::conflict(
            format!("the letter template could not be filled: {error}"),
            format!("het briefsjabloon kon niet worden gevuld: {error}"),
        )
    })?;
    let all = letters::paragraph_names(template)
        .into_iter()
        .map(|name| {
            (
                name.to_string(),
                paragraphs.get(name).cloned().unwrap_or_default(),
            )
        })
        .collect();
    Ok((composed, all))
}

pub(super) fn parse_channel(issues: &mut Issues, value: Option<&str>) -> Option<Option<LetterChannel>> {
    match value {
        None => Some(None),
        Some(code) => issues.code::<LetterChannel>("channel", code).map(Some),
    }
}

pub(super) fn parse_language(issues: &mut Issues, value: Option<&str>) -> Option<Option<Language>> {
    match value {
        None => Some(None),
        Some(code) => issues.code::<Language>("language", code).map(Some),
    }
}

/// A request's letters, newest first, as far as the caller may read them.
pub async fn list(cx: &Ctx<'_>, request_id: RequestId) -> Result<Vec<LetterView>, ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    db.read(move |conn| {
        let stored = requests::load(conn, request_id)?.ok_or_else(|| request_not_found(request_id))?;
        may_read(&caller, &stored, None).map_err(|_| request_not_found(request_id))?;
        let rows = store::of_request(conn, request_id)?;
        let every_kind = caller.role != crate::domain::access::Role::FrontDesk;
        let mut views = Vec::new();
        let mut material = None;
        for info in rows
            .iter()
            .filter(|i| every_kind || i.kind == LetterKind::Acknowledgement)
        {
            views.push(view_in(
                conn,
                &rules,
                &setup,
                info,
                stored.clone(),
                &mut material,
                now,
            )?);
        }
        Ok(views)
    })
    .await
}

/// A letter's view: a draft composed now; a final letter as stored.
pub(super) fn view_in(
    conn: &mut DbConnection,
    rules: &Rules,
    setup: &LetterSetup,
    info: &LetterInfo,
    stored: StoredRequest,
    material: &mut Option<Material>,
    now: DateTime<Utc>,
) -> Result<LetterView, ServiceError> {
    if info.status != LetterStatus::Draft {
        return Ok(LetterView::of(info, None, BTreeMap::new()));
    }
    let Ok(organisation) = organisation(setup) else {
        return Ok(LetterView::of(info, None, paragraphs_of(info)));
    };
    if material.is_none() {
        *material = Some(material_in(conn, rules, stored, info.created_by, now)?);
    }
    let material = material.as_ref().expect("just set");
    let today = rules.today(now);
    match composed_draft(
        setup,
        &organisation,
        material,
        info.kind,
        &paragraphs_of(info),
        info.language,
        info.channel,
        today,
        true,
    ) {
        Ok((composed, paragraphs)) => Ok(LetterView::of(info, Some(&composed), paragraphs)),
        // The request moved on (a decision undone is impossible, but a template
        // may have broken): show what is stored.
        Err(_) => Ok(LetterView::of(info, None, paragraphs_of(info))),
    }
}

/// Drafts a letter, pre-filled from the request.
pub async fn create(
    cx: &Ctx<'_>,
    request_id: RequestId,
    input: NewLetterInput,
) -> Result<LetterView, ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let mut issues = Issues::default();
    let kind = issues.code::<LetterKind>("kind", &input.kind);
    let channel = parse_channel(&mut issues, input.channel.as_deref());
    let language = parse_language(&mut issues, input.language.as_deref());
    let (kind, channel, language) = issues.into_result((|| Some((kind?, channel?, language?)))())?;
    let organisation = organisation(setup)?;
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    let view = db
        .write(move |conn| {
            let stored = requests::load(conn, request_id)?.ok_or_else(|| request_not_found(request_id))?;
            may_write(&caller, &stored, kind).map_err(|denied| match denied {
                Denied::NotFound => request_not_found(request_id),
                other => other.into(),
            })?;
            let template = template_of(kind, &stored.request)?;
            let given = check_paragraphs(template, &input.paragraphs).map_err(ServiceError::Invalid)?;
            let author = UserId::from(caller.user_id);
            let material = material_in(conn, &rules, stored, author, now)?;
            let language = language.unwrap_or(material.stored.intake.requester.language);
            let channel = channel.unwrap_or(LetterChannel::answering(material.stored.intake.channel));
            let mut paragraphs = default_paragraphs(template, &material.case(), &organisation, language);
            // A paragraph given empty replaces the pre-filled text with nothing.
            for name in input.paragraphs.keys() {
                match given.get(name) {
                    Some(text) => paragraphs.insert(name.clone(), text.clone()),
                    None => paragraphs.remove(name),
                };
            }
            let (composed, all) = composed_draft(
                &setup,
                &organisation,
                &material,
                kind,
                &paragraphs,
                language,
                channel,
                rules.today(now),
                true,
            )?;
            let row = LetterRow {
                info: LetterInfo {
                    id: LetterId::from(Uuid::now_v7()),
                    request_id,
                    kind,
                    status: LetterStatus::Draft,
                    channel,
                    language,
                    paragraphs: Some(serde_json::to_string(&paragraphs).expect("a map serialises")),
                    body: None,
                    sha256: None,
                    sent_on: None,
                    attempts: 0,
                    last_error: None,
                    created_by: author,
                    created_at: now.naive_utc(),
                    updated_at: now.naive_utc(),
                    purged_at: None,
                    dated_on: None,
                },
                pdf: None,
                message_id: None,
            };
            store::insert(conn, &row)?;
            let info = store::find(conn, row.info.id)?.ok_or_else(|| not_found(row.info.id.as_str()))?;
            Ok::<_, ServiceError>(LetterView::of(&info, Some(&composed), all))
        })
        .await?;
    tracing::info!(letter_id = %view.id, kind = %view.kind, "letter drafted");
    Ok(view)
}

/// Loads a letter and its request, if the caller may read it.
pub(super) fn load_in(
    conn: &mut DbConnection,
    caller: &Caller,
    id: LetterId,
) -> Result<(LetterInfo, StoredRequest), ServiceError> {
    let info = store::find(conn, id)?.ok_or_else(|| not_found(id))?;
    let stored = requests::load(conn, info.request_id)?.ok_or_else(|| not_found(id))?;
    may_read(caller, &stored, Some(info.kind)).map_err(denied(id))?;
    Ok((info, stored))
}

/// One letter.
pub async fn get(cx: &Ctx<'_>, id: LetterId) -> Result<LetterView, ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    db.read(move |conn| {
        let (info, stored) = load_in(conn, &caller, id)?;
        view_in(conn, &rules, &setup, &info, stored, &mut None, now)
    })
    .await
}

pub(super) fn no_longer_draft(info: &LetterInfo) -> ServiceError {
    ServiceError::conflict(
        format!(
            "the letter is {} and can no longer change",
            info.status.label_en().to_lowercase()
        ),
        format!(
            "de brief is {} en kan niet meer veranderen",
            info.status.label_nl().to_lowercase()
        ),
    )
}

/// Changes a draft.
pub async fn update(cx: &Ctx<'_>, id: LetterId, change: LetterChange) -> Result<LetterView, ServiceError> {
    let (db, rules, setup, caller, now) = cx.parts();
    let mut issues = Issues::default();
    let channel = parse_channel(&mut issues, change.channel.as_deref());
    let language = parse_language(&mut issues, change.language.as_deref());
    let (channel, language) = issues.into_result((|| Some((channel?, language?)))())?;
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    db.write(move |conn| {
        let (info, stored) = load_in(conn, &caller, id)?;
        may_write(&caller, &stored, info.kind).map_err(denied(id))?;
        if info.status != LetterStatus::Draft {
            return Err(no_longer_draft(&info));
        }
        let template = template_of(info.kind, &stored.request)?;
        let mut paragraphs = paragraphs_of(&info);
        if let Some(given) = &change.paragraphs {
            let checked = check_paragraphs(template, given).map_err(ServiceError::Invalid)?;
            for name in given.keys() {
                match checked.get(name) {
                    Some(text) => paragraphs.insert(name.clone(), text.clone()),
                    None => paragraphs.remove(name),
                };
            }
        }
        let json = serde_json::to_string(&paragraphs).expect("a map serialises");
        store::update_draft(
            conn,
            id,
            &json,
            channel.unwrap_or(info.channel),
            language.unwrap_or(info.language),
            now.naive_utc(),
        )?;
        let info = store::find(conn, id)?.ok_or_else(|| not_found(id))?;
        view_in(conn, &rules, &setup, &info, stored, &mut None, now)
    })
    .await
}

/// Discards a letter that never went out: a draft, or a letter by post made final
/// but not posted (a misprint).
pub async fn discard(cx: &Ctx<'_>, id: LetterId) -> Result<(), ServiceError> {
    let Ctx { db, caller, .. } = *cx;
    let caller = caller.clone();
    db.write(move |conn| {
        let (info, stored) = load_in(conn, &caller, id)?;
        may_write(&caller, &stored, info.kind).map_err(denied(id))?;
        if !store::delete_unsent(conn, id)? {
            return Err(no_longer_draft(&info));
        }
        Ok(())
    })
    .await
}

/// The subject line of a letter's stored text (`Onderwerp: …` / `Subject: …`).
pub(super) fn subject_of(body: &str) -> Option<&str> {
    body.lines().find_map(|l| {
        l.strip_prefix("Onderwerp: ")
            .or_else(|| l.strip_prefix("Subject: "))
    })
}
