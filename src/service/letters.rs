//! Letters to the requester: drafting from the case, editing the free paragraphs,
//! previewing, sending by post or e-mail, and delivering the e-mails.
//!
//! A draft keeps only its free paragraphs; its text and the elements it still misses
//! are composed afresh on every read, so that a change to the case or the template
//! shows at once. Sending composes it one last time, renders the PDF, and keeps both
//! exactly as they went out, with the SHA-256 of the PDF in the audit trail. The date
//! a letter is sent becomes the date the decision was communicated (or the extension
//! announced): the deadlines measure what the requester received.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::delivery::{lease_from, within_limit};
use super::input::Issues;
use super::reminders::{backoff, redact_addresses, MailSettings};
use super::{Rules, ServiceError};
use crate::configuration::{MailUrl, Settings};
use crate::domain::access::{Caller, Denied, View};
use crate::domain::audit::RecordAction;
use crate::domain::deadlines::{request_deadlines, DeadlineFacts};
use crate::domain::intake::check_past_date;
use crate::domain::letters::{
    self, check_paragraphs, compose, default_paragraphs, Case, Client, Composed, LetterChannel, LetterKind,
    LetterStatus, NotNow, Signatory, Templates,
};
use crate::domain::organisation::Organisation;
use crate::domain::request::Request;
use crate::domain::vocabulary::Language;
use crate::domain::{FieldIssue, Message};
use crate::mail::{Mailer, OutgoingLetter};
use crate::storage::letters::{self as store, LetterInfo, LetterRow};
use crate::storage::requests::{self as requests, StoredRequest};
use crate::storage::{audit, teams, users, Db, DbConnection};

/// What letters need besides the database: the organisation, the templates, and
/// whether e-mail may carry them.
#[derive(Clone)]
pub struct LetterSetup {
    /// The organisation file, read again when it changes.
    organisation: Arc<OrganisationSource>,
    pub templates: Arc<Templates>,
    /// Why letters cannot go by e-mail here (the mail transport is not encrypted).
    pub email: Result<(), Message>,
}

/// The organisation file and what was read from it: read again, without a restart,
/// when the file's time or size changes (or it appears or goes).
struct OrganisationSource {
    path: std::path::PathBuf,
    read: std::sync::RwLock<OrganisationRead>,
}

#[derive(Clone)]
struct OrganisationRead {
    /// The file's modification time and size when it was read (`None`: no file).
    stamp: Option<(std::time::SystemTime, u64)>,
    /// Why there is no organisation profile, when there is none.
    organisation: Result<Arc<Organisation>, Message>,
    /// The logo's format (`png`, `svg`) and bytes.
    logo: Option<Arc<(String, Vec<u8>)>>,
}

fn stamp_of(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

impl OrganisationSource {
    /// Reads the file as it is now: the organisation and its logo, or why letters
    /// cannot be written.
    fn read_now(path: &Path) -> OrganisationRead {
        let stamp = stamp_of(path);
        let refused = |en: String, nl: String| OrganisationRead {
            stamp,
            organisation: Err(Message::new(en, nl)),
            logo: None,
        };
        let organisation = match crate::configuration::load_organisation(path) {
            Ok(organisation) => organisation,
            Err(error) => {
                return refused(
                    error.to_string(),
                    format!("brieven hebben het organisatiebestand nodig: {}", error.dutch()),
                )
            }
        };
        let logo = match &organisation.logo {
            Some(logo) => {
                let at = path.parent().unwrap_or(Path::new(".")).join(logo);
                match std::fs::read(&at) {
                    Ok(bytes) => {
                        let format = if logo.to_ascii_lowercase().ends_with(".svg") {
                            "svg"
                        } else {
                            "png"
                        };
                        Some(Arc::new((format.to_string(), bytes)))
                    }
                    Err(error) => {
                        return refused(
                            format!(
                                "the logo {} of the organisation file cannot be read: {error}",
                                at.display()
                            ),
                            format!(
                                "het logo {} van het organisatiebestand is niet te lezen: {error}",
                                at.display()
                            ),
                        )
                    }
                }
            }
            None => None,
        };
        OrganisationRead {
            stamp,
            organisation: Ok(Arc::new(organisation)),
            logo,
        }
    }

    /// What the file says now: read again when it changed since it was last read.
    fn current(&self) -> OrganisationRead {
        let stamp = stamp_of(&self.path);
        {
            let read = self.read.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            if read.stamp == stamp {
                return read.clone();
            }
        }
        let fresh = Self::read_now(&self.path);
        match &fresh.organisation {
            Ok(_) => tracing::info!(path = %self.path.display(), "organisation file read"),
            Err(why) => {
                tracing::warn!(reason = %why.en, "letters are off until the organisation file is in place")
            }
        }
        *self.read.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh.clone();
        fresh
    }
}

impl LetterSetup {
    /// Reads the organisation file and the template overrides. A missing or wrong
    /// organisation file leaves letters refused (with the reason) until it is put
    /// right, which is noticed without a restart; a broken override is an error: the
    /// service should not start with it.
    pub fn load(settings: &Settings) -> Result<LetterSetup, String> {
        let path = settings.organisation_file.clone();
        let read = OrganisationSource::read_now(&path);
        if let Err(why) = &read.organisation {
            tracing::warn!(reason = %why.en, "letters are off until the organisation file is in place");
        }
        let templates = Arc::new(templates_of(settings)?);
        Ok(LetterSetup {
            organisation: Arc::new(OrganisationSource {
                path,
                read: std::sync::RwLock::new(read),
            }),
            templates,
            email: email_allowed(&settings.mail_url),
        })
    }

    /// The organisation as the file says it now, or why letters cannot be written.
    pub fn organisation(&self) -> Result<Arc<Organisation>, Message> {
        self.organisation.current().organisation
    }

    /// The organisation's logo, as the file says it now.
    pub fn logo(&self) -> Option<Arc<(String, Vec<u8>)>> {
        self.organisation.current().logo
    }
}

/// The letter templates: the built-in ones with the overrides of
/// `AVG_LOKET_LETTER_TEMPLATES` in their place.
pub fn templates_of(settings: &Settings) -> Result<Templates, String> {
    let overrides = match &settings.letter_templates {
        Some(folder) => read_overrides(folder)?,
        None => Vec::new(),
    };
    Templates::new(&overrides)
}

/// `nl/NAME.txt` and `en/NAME.txt` in the folder.
fn read_overrides(folder: &Path) -> Result<Vec<(String, String)>, String> {
    let mut overrides = Vec::new();
    for language in Language::ALL {
        let dir = folder.join(language.code());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let source = std::fs::read_to_string(&path)
                .map_err(|e| format!("AVG_LOKET_LETTER_TEMPLATES: {}: {e}", path.display()))?;
            overrides.push((format!("{}/{name}", language.code()), source));
        }
    }
    overrides.sort();
    Ok(overrides)
}

/// Letters by e-mail leave only over an encrypted connection (or into the file outbox).
pub fn email_allowed(url: &MailUrl) -> Result<(), Message> {
    match url {
        MailUrl::File(_) => Ok(()),
        MailUrl::Smtp(url) if url.starts_with("smtps://") || url.contains("tls=required") => Ok(()),
        MailUrl::Smtp(_) => Err(Message::new(
            "letters by e-mail leave only over an encrypted connection: set AVG_LOKET_MAIL_URL to smtps://… or smtp://…?tls=required, or send the letter by post",
            "brieven per e-mail gaan alleen over een versleutelde verbinding: stel AVG_LOKET_MAIL_URL in op smtps://… of smtp://…?tls=required, of verstuur de brief per post",
        )),
    }
}

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

fn utc(naive: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

impl LetterView {
    fn of(
        info: &LetterInfo,
        composed: Option<&Composed>,
        paragraphs: BTreeMap<String, String>,
    ) -> LetterView {
        LetterView {
            id: info.id.clone(),
            request_id: info.request_id.clone(),
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
            created_by: info.created_by.clone(),
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

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no letter with id {id}"))
}

fn request_not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no request with id {id}"))
}

fn parse_id(id: &str, missing: fn(&str) -> ServiceError) -> Result<String, ServiceError> {
    Uuid::parse_str(id)
        .map(|u| u.to_string())
        .map_err(|_| missing(id))
}

/// May the caller read this request's letters? Letters carry the requester's name and
/// address, so only who sees the request in full: the front desk while the request it
/// registered is still `received` (and then only the acknowledgement, see
/// [`may_write`] and [`list`]).
fn may_read(caller: &Caller, stored: &StoredRequest, kind: Option<LetterKind>) -> Result<(), Denied> {
    use crate::domain::access::Role;
    match caller.view_of_request(&stored.on()) {
        Some(View::Full) if caller.role != Role::FrontDesk => Ok(()),
        Some(View::Full) if kind.is_none_or(|k| k == LetterKind::Acknowledgement) => Ok(()),
        _ => Err(Denied::NotFound),
    }
}

/// May the caller draft, change or send a letter of this kind on this request?
fn may_write(caller: &Caller, stored: &StoredRequest, kind: LetterKind) -> Result<(), Denied> {
    use crate::domain::access::Role;
    if caller.view_of_request(&stored.on()).is_none() {
        return Err(Denied::NotFound);
    }
    let allowed = match caller.role {
        Role::Auditor => Err(Denied::forbidden(
            "the auditor reads; letters are written by the team",
            "de auditor leest mee; brieven schrijft het team",
        )),
        Role::FrontDesk if kind != LetterKind::Acknowledgement => Err(Denied::forbidden(
            "the front desk writes and sends the acknowledgement only",
            "de balie schrijft en verstuurt alleen de ontvangstbevestiging",
        )),
        _ => Ok(()),
    };
    allowed.and_then(|()| may_read(caller, stored, Some(kind)))
}

fn denied(id: &str) -> impl Fn(Denied) -> ServiceError + '_ {
    move |denied| match denied {
        Denied::NotFound => not_found(id),
        other => other.into(),
    }
}

fn organisation(setup: &LetterSetup) -> Result<Arc<Organisation>, ServiceError> {
    setup.organisation().map_err(ServiceError::Conflict)
}

/// Everything needed to compose one letter, read in one go.
struct Material {
    stored: StoredRequest,
    signatory: Signatory,
    first_month: NaiveDate,
    response: NaiveDate,
    legal: NaiveDate,
}

fn material_in(
    conn: &mut DbConnection,
    rules: &Rules,
    stored: StoredRequest,
    author: &str,
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
    Ok(Material {
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
        }
    }
}

fn paragraphs_of(info: &LetterInfo) -> BTreeMap<String, String> {
    info.paragraphs
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default()
}

fn template_of(kind: LetterKind, request: &Request) -> Result<&'static str, ServiceError> {
    kind.template(request)
        .map_err(|NotNow(message)| ServiceError::Conflict(message))
}

/// The draft composed now, with every free paragraph named (empty ones too).
#[allow(clippy::too_many_arguments)]
fn composed_draft(
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

fn parse_channel(issues: &mut Issues, value: Option<&str>) -> Option<Option<LetterChannel>> {
    match value {
        None => Some(None),
        Some(code) => issues.code::<LetterChannel>("channel", code).map(Some),
    }
}

fn parse_language(issues: &mut Issues, value: Option<&str>) -> Option<Option<Language>> {
    match value {
        None => Some(None),
        Some(code) => issues.code::<Language>("language", code).map(Some),
    }
}

/// A request's letters, newest first, as far as the caller may read them.
pub async fn list(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<LetterView>, ServiceError> {
    let request_id = parse_id(request_id, request_not_found)?;
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    db.read(move |conn| {
        let stored = requests::load(conn, &request_id)?.ok_or_else(|| request_not_found(&request_id))?;
        may_read(&caller, &stored, None).map_err(|_| request_not_found(&request_id))?;
        let rows = store::of_request(conn, &request_id)?;
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
fn view_in(
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
        *material = Some(material_in(conn, rules, stored, &info.created_by, now)?);
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
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    request_id: &str,
    input: NewLetterInput,
    now: DateTime<Utc>,
) -> Result<LetterView, ServiceError> {
    let request_id = parse_id(request_id, request_not_found)?;
    let mut issues = Issues::default();
    let kind = issues.code::<LetterKind>("kind", &input.kind);
    let channel = parse_channel(&mut issues, input.channel.as_deref());
    let language = parse_language(&mut issues, input.language.as_deref());
    let (kind, channel, language) = issues.into_result((|| Some((kind?, channel?, language?)))())?;
    let organisation = organisation(setup)?;
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    let view = db
        .write(move |conn| {
            let stored = requests::load(conn, &request_id)?.ok_or_else(|| request_not_found(&request_id))?;
            may_write(&caller, &stored, kind).map_err(|denied| match denied {
                Denied::NotFound => request_not_found(&request_id),
                other => other.into(),
            })?;
            let template = template_of(kind, &stored.request)?;
            let given = check_paragraphs(template, &input.paragraphs).map_err(ServiceError::Invalid)?;
            let author = caller.user_id.to_string();
            let material = material_in(conn, &rules, stored, &author, now)?;
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
                id: Uuid::now_v7().to_string(),
                request_id: request_id.clone(),
                kind,
                status: LetterStatus::Draft,
                channel,
                language,
                paragraphs: Some(serde_json::to_string(&paragraphs).expect("a map serialises")),
                body: None,
                pdf: None,
                sha256: None,
                sent_on: None,
                attempts: 0,
                next_attempt_at: None,
                claimed_until: None,
                last_error: None,
                message_id: None,
                created_by: author,
                created_at: now.naive_utc(),
                updated_at: now.naive_utc(),
                purged_at: None,
                dated_on: None,
            };
            store::insert(conn, &row)?;
            let info = store::find(conn, &row.id)?.ok_or_else(|| not_found(&row.id))?;
            Ok::<_, ServiceError>(LetterView::of(&info, Some(&composed), all))
        })
        .await?;
    tracing::info!(letter_id = %view.id, kind = %view.kind, "letter drafted");
    Ok(view)
}

/// Loads a letter and its request, if the caller may read it.
fn load_in(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<(LetterInfo, StoredRequest), ServiceError> {
    let info = store::find(conn, id)?.ok_or_else(|| not_found(id))?;
    let stored = requests::load(conn, &info.request_id)?.ok_or_else(|| not_found(id))?;
    may_read(caller, &stored, Some(info.kind)).map_err(denied(id))?;
    Ok((info, stored))
}

/// One letter.
pub async fn get(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<LetterView, ServiceError> {
    let id = parse_id(id, not_found)?;
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    db.read(move |conn| {
        let (info, stored) = load_in(conn, &caller, &id)?;
        view_in(conn, &rules, &setup, &info, stored, &mut None, now)
    })
    .await
}

fn no_longer_draft(info: &LetterInfo) -> ServiceError {
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
pub async fn update(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    id: &str,
    change: LetterChange,
    now: DateTime<Utc>,
) -> Result<LetterView, ServiceError> {
    let id = parse_id(id, not_found)?;
    let mut issues = Issues::default();
    let channel = parse_channel(&mut issues, change.channel.as_deref());
    let language = parse_language(&mut issues, change.language.as_deref());
    let (channel, language) = issues.into_result((|| Some((channel?, language?)))())?;
    let (caller, rules, setup) = (caller.clone(), rules.clone(), setup.clone());
    db.write(move |conn| {
        let (info, stored) = load_in(conn, &caller, &id)?;
        may_write(&caller, &stored, info.kind).map_err(denied(&id))?;
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
            &id,
            &json,
            channel.unwrap_or(info.channel),
            language.unwrap_or(info.language),
            now.naive_utc(),
        )?;
        let info = store::find(conn, &id)?.ok_or_else(|| not_found(&id))?;
        view_in(conn, &rules, &setup, &info, stored, &mut None, now)
    })
    .await
}

/// Discards a letter that never went out: a draft, or a letter by post made final
/// but not posted (a misprint).
pub async fn discard(db: &Db, caller: &Caller, id: &str) -> Result<(), ServiceError> {
    let id = parse_id(id, not_found)?;
    let caller = caller.clone();
    db.write(move |conn| {
        let (info, stored) = load_in(conn, &caller, &id)?;
        may_write(&caller, &stored, info.kind).map_err(denied(&id))?;
        if !store::delete_unsent(conn, &id)? {
            return Err(no_longer_draft(&info));
        }
        Ok(())
    })
    .await
}

/// A letter's PDF and the name to save it under: a draft rendered now (marked as a
/// draft), a final letter byte for byte as it went out.
pub async fn pdf(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, String), ServiceError> {
    let id = parse_id(id, not_found)?;
    let (caller_in, rules_in, setup_in) = (caller.clone(), rules.clone(), setup.clone());
    let prepared = db
        .read(move |conn| {
            let (info, stored) = load_in(conn, &caller_in, &id)?;
            let name = letters::file_name(
                &stored.request.reference,
                info.kind,
                info.language,
                info.status == LetterStatus::Draft,
            );
            if info.status != LetterStatus::Draft {
                let bytes = store::pdf(conn, &id)?.ok_or_else(|| {
                    ServiceError::NotFound(
                        "the letter's PDF was removed by retention (its hash is kept)".into(),
                    )
                })?;
                return Ok(Err((bytes, name)));
            }
            let organisation = organisation(&setup_in)?;
            let material = material_in(conn, &rules_in, stored, &info.created_by, now)?;
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
async fn render(
    setup: &LetterSetup,
    composed: Composed,
    ident: String,
    date: NaiveDate,
) -> Result<Vec<u8>, ServiceError> {
    use chrono::Datelike;
    let logo = setup.logo();
    let started = std::time::Instant::now();
    let letter_id = ident.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let json = composed.layout.to_string();
        let letter = avg_loket_letter_pdf::Letter {
            json: &json,
            logo: logo.as_ref().map(|l| avg_loket_letter_pdf::Logo {
                format: &l.0,
                bytes: &l.1,
            }),
            date: (date.year(), date.month() as u8, date.day() as u8),
            ident: &ident,
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
fn compose_final(
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
    let material = material_in(conn, rules, stored, &info.created_by, now)?;
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
fn first_month_issue(field: &str, date: NaiveDate, first_month: NaiveDate) -> Option<FieldIssue> {
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
async fn make_final(
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
    let bytes = render(setup, composed, info.id.clone(), date).await?;
    let sha256 = sha256_hex(&bytes);
    db.write(move |conn| {
        let id = info.id.clone();
        let current = store::find(conn, &id)?.ok_or_else(|| not_found(&id))?;
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
            next_attempt_at: (info.channel == LetterChannel::Email).then(|| now.naive_utc()),
        };
        store::finalise(conn, &id, &letter, now.naive_utc())?;
        also(conn, &current, &sha256)?;
        let info = store::find(conn, &id)?.ok_or_else(|| not_found(&id))?;
        Ok::<_, ServiceError>(LetterView::of(&info, None, BTreeMap::new()))
    })
    .await
}

/// Makes a draft by post final: the letter dated today, rendered without "CONCEPT",
/// to print and post. Its posting is recorded afterwards ([`send`]), which never
/// changes the letter. Refused (422) while a mandatory element is missing.
pub async fn finalise(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<LetterView, ServiceError> {
    let id = parse_id(id, not_found)?;
    let today = rules.today(now);
    let organisation = organisation(setup)?;
    let (caller_in, rules_in, setup_in) = (caller.clone(), rules.clone(), setup.clone());
    let (info, composed) = db
        .read(move |conn| {
            let (info, stored) = load_in(conn, &caller_in, &id)?;
            may_write(&caller_in, &stored, info.kind).map_err(denied(&id))?;
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
pub async fn send(
    db: &Db,
    rules: &Rules,
    setup: &LetterSetup,
    caller: &Caller,
    id: &str,
    input: SendInput,
    now: DateTime<Utc>,
) -> Result<LetterView, ServiceError> {
    let id = parse_id(id, not_found)?;
    let today = rules.today(now);
    let mut issues = Issues::default();
    let sent_on = issues.optional_date("sent_on", input.sent_on.as_deref());
    let sent_on = issues.into_result(sent_on)?;
    let organisation = organisation(setup)?;
    // Read and compose outside the write: rendering is CPU work.
    let (caller_in, rules_in, setup_in) = (caller.clone(), rules.clone(), setup.clone());
    let id_in = id.clone();
    let prepared = db
        .read(move |conn| {
            let (info, stored) = load_in(conn, &caller_in, &id_in)?;
            may_write(&caller_in, &stored, info.kind).map_err(denied(&id_in))?;
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
                        let material = material_in(conn, &rules_in, stored, &info.created_by, now)?;
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
                append_event(conn, &letter.request_id, &actor, RecordAction::LetterQueued.code(), &data, now)
            })
            .await?
        }
        Prepared::Posted(info, date) => {
            db.write(move |conn| {
                if !store::record_posted(conn, &info.id, date, now.naive_utc())? {
                    return Err(ServiceError::conflict(
                        "the letter was recorded as posted meanwhile",
                        "de verzending van de brief is intussen al vastgelegd",
                    ));
                }
                let sha256 = info.sha256.clone().unwrap_or_default();
                record_sent_in(conn, &rules_in, &actor, &info, date, &sha256, now)?;
                let info = store::find(conn, &info.id)?.ok_or_else(|| not_found(&info.id))?;
                Ok::<_, ServiceError>(LetterView::of(&info, None, BTreeMap::new()))
            })
            .await?
        }
    };
    tracing::info!(letter_id = %view.id, kind = %view.kind, channel = %view.channel, status = %view.status, "letter sent");
    Ok(view)
}

/// What sending a letter comes to, read before the write.
enum Prepared {
    /// A draft made final, dated, as `status` (`queued` by e-mail, `sent` by post).
    Final(LetterInfo, Composed, NaiveDate, LetterStatus),
    /// A final letter by post, posted on this day.
    Posted(LetterInfo, NaiveDate),
}

fn append_event(
    conn: &mut DbConnection,
    request_id: &str,
    actor: &str,
    action: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let status = requests::find_record(conn, request_id)?.map(|r| r.status);
    audit::append(
        conn,
        audit::NewEvent {
            request_id: Some(request_id),
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
fn record_sent_in(
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
    if let Some(mut stored) = requests::load(conn, &letter.request_id)? {
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
            super::requests::cancel_stale_reminders(
                conn,
                &letter.request_id,
                super::requests::reminders_still_due(&stored.request, &deadlines),
            )?;
        }
    }
    append_event(
        conn,
        &letter.request_id,
        actor,
        RecordAction::LetterSent.code(),
        &data,
        now,
    )
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LetterDelivery {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

const BATCH: i64 = 20;

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
fn mail_from(organisation: &Organisation, mail: &MailSettings) -> lettre::message::Mailbox {
    organisation
        .email
        .parse()
        .map(|address| lettre::message::Mailbox::new(Some(organisation.name.clone()), address))
        .unwrap_or_else(|_| mail.from.clone())
}

/// The subject line of a letter's stored text (`Onderwerp: …` / `Subject: …`).
fn subject_of(body: &str) -> Option<&str> {
    body.lines().find_map(|l| {
        l.strip_prefix("Onderwerp: ")
            .or_else(|| l.strip_prefix("Subject: "))
    })
}

/// The subject of the e-mail that carries a letter: the reference and what the letter
/// is, never the letter's own subject line, which may name the client (a mailbox
/// shows subjects where others can see them).
fn cover_subject(row: &LetterRow, reference: &str, organisation: &Organisation) -> String {
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
fn cover_text(row: &LetterRow, organisation: &Organisation) -> String {
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
