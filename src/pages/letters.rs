//! Letters on the pages: the "Correspondentie" panel of the request page drafts a
//! letter; `/letters/{id}` shows a draft with what it still misses, its free
//! paragraphs to edit, a PDF preview and the send form; a letter that went out shows
//! as it was sent, with its PDF.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::labels::long_date;
use super::{filled, page, see_other, CheckedForm, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::ids::RequestId;
use crate::domain::letters::{LetterChannel, LetterKind, LetterStatus};
use crate::domain::Language;
use crate::service::letters::{self as service, LetterChange, LetterView, NewLetterInput, SendInput};
use crate::service::requests::request_id;
use crate::service::sessions::WebUser;
use crate::service::ServiceError;
use crate::web::state::AppState;

/// One letter in the request page's panel.
pub struct LetterLine {
    pub id: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub channel: &'static str,
    pub sent_on: Option<String>,
    pub draft: bool,
    /// The PDF can be downloaded (not once retention removed it).
    pub has_pdf: bool,
}

impl LetterLine {
    pub fn of(view: &LetterView) -> LetterLine {
        LetterLine {
            id: view.id.clone(),
            kind: view.kind.label_nl(),
            status: view.status.label_nl(),
            channel: view.channel.label_nl(),
            sent_on: view.sent_on.map(long_date),
            draft: view.status == LetterStatus::Draft,
            has_pdf: view.purged_at.is_none(),
        }
    }
}

/// The request's letters for its page; none when the caller may not read them.
pub async fn lines(state: &AppState, user: &WebUser, request_id: RequestId) -> Vec<LetterLine> {
    service::list(&state.ctx(&user.caller), request_id)
        .await
        .map(|views| views.iter().map(LetterLine::of).collect())
        .unwrap_or_default()
}

#[derive(Debug, Deserialize)]
pub struct NewLetterForm {
    pub kind: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub language: String,
}

/// `POST /requests/{id}/letters`: drafts the letter and opens it.
pub async fn create(state: State, id: web::Path<String>, sent: CheckedForm<NewLetterForm>) -> Answer {
    let input = NewLetterInput {
        kind: sent.form.kind.clone(),
        channel: filled(&sent.form.channel),
        language: filled(&sent.form.language),
        paragraphs: Default::default(),
    };
    let view = service::create(&state.ctx(&sent.user.caller), request_id(&id)?, input).await?;
    Ok(see_other(&format!("/letters/{}", view.id)))
}

struct Paragraph {
    name: String,
    label: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "pages/letter.html")]
struct LetterPage<'a> {
    user: &'a WebUser,
    letter: &'a LetterView,
    kind: &'static str,
    status: &'static str,
    channel: &'static str,
    draft: bool,
    /// A letter by post made final, to print and post; its posting not yet recorded.
    awaiting_post: bool,
    dated_on: Option<String>,
    paragraphs: Vec<Paragraph>,
    missing: Vec<String>,
    channels: Vec<(&'static str, &'static str)>,
    languages: Vec<(&'static str, &'static str)>,
    sent_on: Option<String>,
    today: String,
    notice: Option<String>,
    errors: Vec<String>,
}

fn paragraph_label(name: &str) -> &'static str {
    match name {
        "needed" => "Wat er nodig is (het minimum)",
        "how_to_send" => "Hoe de verzoeker het veilig kan sturen",
        "reasons" => "Redenen van de verlenging",
        "explanation" => "Uitleg voor deze situatie",
        "purposes" => "Doelen van de verwerking",
        "categories" => "Soorten gegevens",
        "recipients" => "Ontvangers",
        "retention" => "Bewaartermijn",
        "source" => "Bron van de gegevens",
        "automated_decisions" => "Geautomatiseerde besluitvorming",
        "withheld" => "Wat niet is verstrekt, ter bescherming van anderen (niet verplicht)",
        "what_was_done" => "Wat er is gedaan",
        "format" => "Formaat van de gegevens",
        "delivery" => "Hoe de gegevens zijn geleverd",
        "initiative" => "Op wiens initiatief",
        "lifted_from" => "Vanaf wanneer de beperking wordt opgeheven",
        "reason" => "Waarom de beperking wordt opgeheven",
        _ => "Aanvullende alinea (niet verplicht)",
    }
}

fn render(
    user: &WebUser,
    letter: &LetterView,
    state: &AppState,
    notice: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> HttpResponse {
    let template = LetterPage {
        user,
        letter,
        kind: letter.kind.label_nl(),
        status: letter.status.label_nl(),
        channel: letter.channel.label_nl(),
        draft: letter.status == LetterStatus::Draft,
        awaiting_post: letter.status == LetterStatus::Queued && letter.channel == LetterChannel::Post,
        dated_on: letter.dated_on.map(long_date),
        paragraphs: letter
            .paragraphs
            .iter()
            .map(|(name, text)| Paragraph {
                name: name.clone(),
                label: paragraph_label(name),
                text: text.clone(),
            })
            .collect(),
        missing: letter.missing.iter().map(|m| m.message_nl.clone()).collect(),
        channels: LetterChannel::ALL
            .iter()
            .map(|c| (c.code(), c.label_nl()))
            .collect(),
        languages: Language::ALL.iter().map(|l| (l.code(), l.label_nl())).collect(),
        sent_on: letter.sent_on.map(long_date),
        today: super::dates::shown(state.rules.today(clock::now())),
        notice,
        errors,
    };
    page(status, &template)
}

/// `GET /letters/{id}`.
pub async fn show(state: State, req: HttpRequest, SignedIn(user): SignedIn, id: web::Path<String>) -> Answer {
    let mut letter = service::get(&state.ctx(&user.caller), service::letter_id(&id)?).await?;
    // The free paragraphs typed before the session ended: shown again, not saved.
    let mut notice = None;
    if let Some(pairs) = super::session::kept_form(&state, &req, &user).await {
        for (name, text) in pairs {
            if let Some(name) = name.strip_prefix("p_") {
                letter.paragraphs.insert(name.to_string(), text);
            }
        }
        notice = Some(super::KEPT.to_string());
    }
    Ok(render(&user, &letter, &state, notice, Vec::new(), StatusCode::OK))
}

/// `POST /letters/{id}`: saves the free paragraphs, channel and language.
pub async fn save(state: State, id: web::Path<String>, sent: CheckedForm) -> Answer {
    let pairs = &sent.pairs;
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let paragraphs = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("p_").map(|name| (name.to_string(), v.clone())))
        .collect();
    let change = LetterChange {
        paragraphs: Some(paragraphs),
        channel: value("channel").and_then(|v| filled(&v)),
        language: value("language").and_then(|v| filled(&v)),
    };
    match service::update(&state.ctx(&sent.user.caller), service::letter_id(&id)?, change).await {
        Ok(letter) => Ok(see_other(&format!(
            "/letters/{}#{}",
            letter.id,
            if letter.missing.is_empty() {
                "versturen"
            } else {
                "ontbreekt"
            }
        ))),
        Err(ServiceError::Invalid(issues)) => refused(&state, &sent.user, &id, None, issues).await,
        Err(other) => Err(other.into()),
    }
}

/// A save or send that was refused: the letter as it stands now, with why (422).
async fn refused(
    state: &AppState,
    user: &WebUser,
    id: &str,
    notice: Option<String>,
    issues: Vec<crate::domain::FieldIssue>,
) -> Answer {
    let letter = service::get(&state.ctx(&user.caller), service::letter_id(id)?).await?;
    let errors = issues.into_iter().map(|i| i.message.nl).collect();
    Ok(render(
        user,
        &letter,
        state,
        notice,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

/// `POST /letters/{id}/send`.
pub async fn send(state: State, id: web::Path<String>, sent: CheckedForm) -> Answer {
    let sent_on = sent
        .pairs
        .iter()
        .find(|(k, _)| k == "sent_on")
        .and_then(|(_, v)| filled(&super::dates::iso(v)));
    match service::send(
        &state.ctx(&sent.user.caller),
        service::letter_id(&id)?,
        SendInput { sent_on },
    )
    .await
    {
        Ok(letter) => Ok(see_other(&format!(
            "/requests/{}#correspondentie",
            letter.request_id
        ))),
        Err(ServiceError::Invalid(issues)) => {
            let notice = Some("De brief is niet verstuurd.".to_string());
            refused(&state, &sent.user, &id, notice, issues).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /letters/{id}/definitief`: makes a letter by post final, to print and post.
pub async fn finalise(state: State, id: web::Path<String>, sent: CheckedForm) -> Answer {
    match service::finalise(&state.ctx(&sent.user.caller), service::letter_id(&id)?).await {
        Ok(letter) => Ok(see_other(&format!("/letters/{}#versturen", letter.id))),
        Err(ServiceError::Invalid(issues)) => {
            let notice = Some("De brief is nog niet definitief.".to_string());
            refused(&state, &sent.user, &id, notice, issues).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /letters/{id}/discard`.
pub async fn discard(state: State, id: web::Path<String>, sent: CheckedForm) -> Answer {
    let letter = service::get(&state.ctx(&sent.user.caller), service::letter_id(&id)?).await?;
    service::discard(&state.ctx(&sent.user.caller), service::letter_id(&id)?).await?;
    Ok(see_other(&format!(
        "/requests/{}#correspondentie",
        letter.request_id
    )))
}

/// `GET /letters/{id}/pdf`: the preview of a draft, or the letter as sent.
pub async fn pdf(state: State, user: SignedIn, id: web::Path<String>) -> Answer {
    let (bytes, name) = service::pdf(&state.ctx(&user.0.caller), service::letter_id(&id)?).await?;
    Ok(crate::web::download::pdf(&name, bytes))
}

/// The letter the request's last action calls for, to offer first in the panel.
pub fn suggested(view: &crate::service::requests::RequestView, lines: &[LetterLine]) -> Option<LetterKind> {
    let r = &view.stored.request;
    let has = |kind: LetterKind| lines.iter().any(|l| l.kind == kind.label_nl());
    let candidates = [
        (r.withdrawal.is_some(), LetterKind::WithdrawalConfirmation),
        (r.completion.is_some(), LetterKind::Completion),
        (r.decision.is_some(), LetterKind::Decision),
        (r.extension.is_some(), LetterKind::ExtensionNotice),
        (r.active_suspension().is_some(), LetterKind::InformationRequest),
        (true, LetterKind::Acknowledgement),
    ];
    candidates
        .into_iter()
        .find(|(fits, kind)| *fits && !has(*kind))
        .map(|(_, kind)| kind)
}
