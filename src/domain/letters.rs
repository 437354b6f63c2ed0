//! Letters to the requester (docs/letters.md): which letter fits which moment, what it
//! must say, and how a draft is composed from the case.
//!
//! A letter's body comes from a template (`templates/letters/{nl,en}/{name}.txt`, or
//! the organisation's override of it) filled from the [`Case`] and the letter's free
//! paragraphs; the letterhead, address, date, reference, signature and footer come
//! from the layout. Whether the letter says what the law requires is checked on the
//! composed text itself, element by element ([`Element`]): so a template that drops a
//! mandatory sentence, or a free paragraph left empty, shows up as a missing element
//! and the letter cannot be sent. Nothing here reads a clock, a file or a database.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{json, Value};

use super::code_enum;
use super::grounds;
use super::intake::{AgeBand, Channel, PostalAddress, Relation};
use super::kind::{ErasureScope, Kind, KindCode, RectificationMode};
use super::organisation::{ControllerType, Organisation, ACCESS_TEXTS, ON_BEHALF};
use super::request::{Outcome, Request, SuspendReason};
use super::vocabulary::{date_in_words, in_sentence, Language};
use super::{FieldIssue, Message};

code_enum! {
    /// The letters of docs/letters.md.
    pub enum LetterKind ("letter kind") {
        Acknowledgement = ("acknowledgement", "Ontvangstbevestiging", "Acknowledgement"),
        InformationRequest = ("information_request", "Verzoek om aanvullende informatie", "Request for information"),
        ExtensionNotice = ("extension_notice", "Verlengingsbericht", "Extension notice"),
        Decision = ("decision", "Besluit", "Decision"),
        Completion = ("completion", "Uitvoeringsbericht", "Completion notice"),
        WithdrawalConfirmation = ("withdrawal_confirmation", "Bevestiging intrekking", "Withdrawal confirmation"),
        RestrictionLifting = ("restriction_lifting", "Aankondiging opheffen beperking", "Notice of lifting a restriction"),
    }
}

code_enum! {
    /// Where a letter stands: a draft can change; the others are final.
    pub enum LetterStatus ("letter status") {
        Draft = ("draft", "Concept", "Draft"),
        Queued = ("queued", "Klaar voor verzending", "Queued"),
        Sent = ("sent", "Verzonden", "Sent"),
        Failed = ("failed", "Verzending mislukt", "Failed"),
    }
}

code_enum! {
    /// How a letter reaches the requester.
    pub enum LetterChannel ("letter channel") {
        Email = ("email", "Per e-mail", "By e-mail"),
        Post = ("post", "Per post", "By post"),
    }
}

impl LetterChannel {
    /// AVG 12(3): a request made by electronic means is answered electronically.
    pub fn answering(channel: Channel) -> LetterChannel {
        match channel {
            Channel::Email | Channel::WebForm | Channel::OnlineDossier => LetterChannel::Email,
            Channel::Letter | Channel::Phone | Channel::InPerson => LetterChannel::Post,
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as a letter writes it: "9 december 2026", "9 December 2026".
pub fn letter_date(date: NaiveDate, language: Language) -> String {
    match language {
        Language::Dutch => date_in_words(date),
        Language::English => format!(
            "{} {} {}",
            date.day(),
            MONTHS_EN[date.month0() as usize],
            date.year()
        ),
    }
}

/// The name a letter's PDF is saved or attached under, in the letter's language:
/// "AVG-2026-00004 besluit.pdf", a draft "AVG-2026-00004 besluit (concept).pdf".
pub fn file_name(reference: &str, kind: LetterKind, language: Language, draft: bool) -> String {
    let what = kind.label(language).to_lowercase();
    match (draft, language) {
        (false, _) => format!("{reference} {what}.pdf"),
        (true, Language::Dutch) => format!("{reference} {what} (concept).pdf"),
        (true, Language::English) => format!("{reference} {what} (draft).pdf"),
    }
}

/// Who signs: the caseworker (or front-desk employee) and their team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    pub name: String,
    pub team: String,
}

/// The person the data are about, as a letter names them.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    /// How the requester relates to the client (`self`: the requester is the client).
    pub relation: Relation,
    /// The client's name as registered (required when someone else asks; `None` for
    /// a request registered before the name was kept, until it is corrected).
    pub name: Option<&'a str>,
    pub age_band: AgeBand,
}

impl<'a> Client<'a> {
    /// The requester asks for themself.
    pub fn itself(age_band: AgeBand) -> Client<'a> {
        Client {
            relation: Relation::SelfRequester,
            name: None,
            age_band,
        }
    }

    /// Someone else asks on the client's behalf.
    pub fn on_behalf(&self) -> bool {
        self.relation != Relation::SelfRequester
    }

    /// The client's name when someone else asks (empty when not registered).
    fn behalf_name(&self) -> Option<&'a str> {
        self.on_behalf().then(|| self.name.unwrap_or_default())
    }
}

/// In what capacity the requester asks ("als gemachtigde").
fn capacity(relation: Relation, language: Language) -> &'static str {
    match (relation, language) {
        (Relation::SelfRequester, _) => "",
        (Relation::Parent, Language::Dutch) => "als ouder",
        (Relation::Guardian, Language::Dutch) => "als voogd",
        (Relation::LegalRepresentative, Language::Dutch) => "als wettelijk vertegenwoordiger",
        (Relation::Authorised, Language::Dutch) => "als gemachtigde",
        (Relation::Parent, Language::English) => "as a parent",
        (Relation::Guardian, Language::English) => "as guardian",
        (Relation::LegalRepresentative, Language::English) => "as legal representative",
        (Relation::Authorised, Language::English) => "as an authorised person",
    }
}

/// In what capacity and for whom the requester asks ("als gemachtigde van G. Ruiter").
fn on_behalf_of(relation: Relation, name: &str, language: Language) -> String {
    match (relation, language) {
        (Relation::SelfRequester, _) => String::new(),
        (Relation::Parent, Language::Dutch) => format!("als ouder van {name}"),
        (Relation::Guardian, Language::Dutch) => format!("als voogd van {name}"),
        (Relation::LegalRepresentative, Language::Dutch) => {
            format!("als wettelijk vertegenwoordiger van {name}")
        }
        (Relation::Authorised, Language::Dutch) => format!("als gemachtigde van {name}"),
        (Relation::Parent, Language::English) => format!("as a parent of {name}"),
        (Relation::Guardian, Language::English) => format!("as {name}'s guardian"),
        (Relation::LegalRepresentative, Language::English) => format!("as {name}'s legal representative"),
        (Relation::Authorised, Language::English) => format!("as {name}'s authorised representative"),
    }
}

/// What the requester asked for, in plain words ("uw verzoek om uw gegevens te
/// verwijderen", "uw bezwaar tegen het gebruik van de gegevens van G. Ruiter"): how a
/// letter names the request (the kind's label stays in the API and the register).
pub fn asked(kind: &Kind, client: Option<&str>, language: Language) -> String {
    let (data, file) = match (client, language) {
        (None, Language::Dutch) => ("uw gegevens".to_string(), "uw dossier".to_string()),
        (None, Language::English) => ("your data".to_string(), "your file".to_string()),
        (Some(name), Language::Dutch) => (
            format!("de gegevens van {name}"),
            format!("het dossier van {name}"),
        ),
        (Some(name), Language::English) => (format!("{name}'s data"), format!("{name}'s file")),
    };
    match (kind, language) {
        (Kind::Access, Language::Dutch) => format!("uw verzoek om inzage in {data}"),
        (Kind::Access, Language::English) => format!("your request for access to {data}"),
        (
            Kind::Rectification {
                mode: RectificationMode::Correct,
            },
            Language::Dutch,
        ) => {
            format!("uw verzoek om {data} te verbeteren")
        }
        (
            Kind::Rectification {
                mode: RectificationMode::Correct,
            },
            Language::English,
        ) => {
            format!("your request to correct {data}")
        }
        (
            Kind::Rectification {
                mode: RectificationMode::Supplement,
            },
            Language::Dutch,
        ) => {
            format!("uw verzoek om een eigen verklaring aan {file} toe te voegen")
        }
        (
            Kind::Rectification {
                mode: RectificationMode::Supplement,
            },
            Language::English,
        ) => {
            format!("your request to add a statement to {file}")
        }
        (
            Kind::Erasure {
                scope: ErasureScope::Data,
            },
            Language::Dutch,
        ) => format!("uw verzoek om {data} te verwijderen"),
        (
            Kind::Erasure {
                scope: ErasureScope::Data,
            },
            Language::English,
        ) => format!("your request to erase {data}"),
        (
            Kind::Erasure {
                scope: ErasureScope::WholeFile,
            },
            Language::Dutch,
        ) => {
            format!("uw verzoek om {file} te vernietigen")
        }
        (
            Kind::Erasure {
                scope: ErasureScope::WholeFile,
            },
            Language::English,
        ) => {
            format!("your request to destroy {file}")
        }
        (Kind::Restriction { .. }, Language::Dutch) => {
            format!("uw verzoek om het gebruik van {data} te beperken")
        }
        (Kind::Restriction { .. }, Language::English) => {
            format!("your request to restrict the use of {data}")
        }
        (Kind::Portability, Language::Dutch) => format!("uw verzoek om {data} in een bestand te krijgen"),
        (Kind::Portability, Language::English) => {
            format!("your request to receive {data} in a file (data portability)")
        }
        (
            Kind::Objection {
                direct_marketing: true,
            },
            Language::Dutch,
        ) => {
            format!("uw bezwaar tegen het gebruik van {data} voor reclame (direct marketing)")
        }
        (
            Kind::Objection {
                direct_marketing: true,
            },
            Language::English,
        ) => {
            format!("your objection to the use of {data} for direct marketing")
        }
        (Kind::Objection { .. }, Language::Dutch) => format!("uw bezwaar tegen het gebruik van {data}"),
        (Kind::Objection { .. }, Language::English) => format!("your objection to the use of {data}"),
    }
}

/// Everything a letter may say about the request, gathered by the service.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    pub request: &'a Request,
    pub client: Client<'a>,
    pub requester_name: &'a str,
    pub requester_email: Option<&'a str>,
    pub address: Option<&'a PostalAddress>,
    /// Response deadline, legal limit, and the legal limit without the extension.
    pub response_deadline: NaiveDate,
    pub legal_deadline: NaiveDate,
    pub first_month: NaiveDate,
    pub signatory: Signatory,
    /// The systems the request was carried out in (their tasks done), by name: the
    /// completion letter names them.
    pub systems: &'a [String],
}

/// A draft cannot be made for this request now (409), with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotNow(pub Message);

impl LetterKind {
    /// Whether this letter fits the request's state, and the template it uses.
    pub fn template(self, request: &Request) -> Result<&'static str, NotNow> {
        let needs = |en: &str, nl: &str| Err(NotNow(Message::new(en, nl)));
        match self {
            LetterKind::Acknowledgement => Ok("acknowledgement"),
            LetterKind::InformationRequest => match request.suspensions.last() {
                Some(_) => Ok("information_request"),
                None => needs(
                    "a request for information goes with a suspension: suspend the request first",
                    "een verzoek om aanvullende informatie hoort bij het stilzetten van de termijn: zet de termijn eerst stil",
                ),
            },
            LetterKind::ExtensionNotice => match request.extension {
                Some(_) => Ok("extension_notice"),
                None => needs(
                    "an extension notice reports an extension: extend the deadline first",
                    "een verlengingsbericht meldt een verlenging: verleng de termijn eerst",
                ),
            },
            LetterKind::Decision => match &request.decision {
                Some(decision)
                    if decision.outcome != Outcome::Granted
                        && matches!(request.kind, Kind::Objection { direct_marketing: true }) =>
                {
                    needs(
                        "an objection to direct marketing is never refused (AVG 21(3)): no refusal letter can be drafted",
                        "bezwaar tegen direct marketing wordt nooit afgewezen (artikel 21, lid 3, AVG): een afwijzingsbrief kan niet worden opgesteld",
                    )
                }
                Some(_) => Ok("decision"),
                None => needs(
                    "a decision letter reports a decision: decide first",
                    "een besluitbrief meldt een besluit: neem eerst het besluit",
                ),
            },
            LetterKind::Completion => match (&request.completion, request.kind.code()) {
                (Some(_), KindCode::Access) => Ok("completion_access"),
                (Some(_), KindCode::Rectification) => Ok("completion_rectification"),
                (Some(_), KindCode::Erasure) => Ok("completion_erasure"),
                (Some(_), KindCode::Restriction) => Ok("completion_restriction"),
                (Some(_), KindCode::Portability) => Ok("completion_portability"),
                (Some(_), KindCode::Objection) => Ok("completion_objection"),
                (None, _) => needs(
                    "a completion notice reports what was done: complete the request first",
                    "een uitvoeringsbericht meldt wat er is gedaan: rond het verzoek eerst af",
                ),
            },
            LetterKind::WithdrawalConfirmation => match &request.withdrawal {
                Some(withdrawal) if withdrawal.duplicate_of.is_some() => needs(
                    "a request closed as a duplicate was not withdrawn by the requester: the other request carries on, and its letters say so",
                    "een verzoek dat als dubbel is gesloten, is niet door de verzoeker ingetrokken: het andere verzoek loopt door, en de brieven daarvan zeggen het",
                ),
                Some(_) => Ok("withdrawal_confirmation"),
                None => needs(
                    "a withdrawal confirmation follows a withdrawal: record the withdrawal first",
                    "een bevestiging van intrekking volgt op een intrekking: leg de intrekking eerst vast",
                ),
            },
            LetterKind::RestrictionLifting => match (request.kind.code(), &request.completion) {
                (KindCode::Restriction, Some(_)) => Ok("restriction_lifting"),
                _ => needs(
                    "a restriction can be lifted only once it is in place: only for a completed restriction request",
                    "een beperking kan pas worden opgeheven als zij geldt: alleen bij een afgerond verzoek om beperking",
                ),
            },
        }
    }
}

/// Every template the product ships: (language, name, source).
pub const BUILT_IN: &[(Language, &str, &str)] = &[
    (
        Language::Dutch,
        "acknowledgement",
        include_str!("../../templates/letters/nl/acknowledgement.txt"),
    ),
    (
        Language::Dutch,
        "information_request",
        include_str!("../../templates/letters/nl/information_request.txt"),
    ),
    (
        Language::Dutch,
        "extension_notice",
        include_str!("../../templates/letters/nl/extension_notice.txt"),
    ),
    (
        Language::Dutch,
        "decision",
        include_str!("../../templates/letters/nl/decision.txt"),
    ),
    (
        Language::Dutch,
        "completion_access",
        include_str!("../../templates/letters/nl/completion_access.txt"),
    ),
    (
        Language::Dutch,
        "completion_rectification",
        include_str!("../../templates/letters/nl/completion_rectification.txt"),
    ),
    (
        Language::Dutch,
        "completion_erasure",
        include_str!("../../templates/letters/nl/completion_erasure.txt"),
    ),
    (
        Language::Dutch,
        "completion_restriction",
        include_str!("../../templates/letters/nl/completion_restriction.txt"),
    ),
    (
        Language::Dutch,
        "completion_portability",
        include_str!("../../templates/letters/nl/completion_portability.txt"),
    ),
    (
        Language::Dutch,
        "completion_objection",
        include_str!("../../templates/letters/nl/completion_objection.txt"),
    ),
    (
        Language::Dutch,
        "withdrawal_confirmation",
        include_str!("../../templates/letters/nl/withdrawal_confirmation.txt"),
    ),
    (
        Language::Dutch,
        "restriction_lifting",
        include_str!("../../templates/letters/nl/restriction_lifting.txt"),
    ),
    (
        Language::English,
        "acknowledgement",
        include_str!("../../templates/letters/en/acknowledgement.txt"),
    ),
    (
        Language::English,
        "information_request",
        include_str!("../../templates/letters/en/information_request.txt"),
    ),
    (
        Language::English,
        "extension_notice",
        include_str!("../../templates/letters/en/extension_notice.txt"),
    ),
    (
        Language::English,
        "decision",
        include_str!("../../templates/letters/en/decision.txt"),
    ),
    (
        Language::English,
        "completion_access",
        include_str!("../../templates/letters/en/completion_access.txt"),
    ),
    (
        Language::English,
        "completion_rectification",
        include_str!("../../templates/letters/en/completion_rectification.txt"),
    ),
    (
        Language::English,
        "completion_erasure",
        include_str!("../../templates/letters/en/completion_erasure.txt"),
    ),
    (
        Language::English,
        "completion_restriction",
        include_str!("../../templates/letters/en/completion_restriction.txt"),
    ),
    (
        Language::English,
        "completion_portability",
        include_str!("../../templates/letters/en/completion_portability.txt"),
    ),
    (
        Language::English,
        "completion_objection",
        include_str!("../../templates/letters/en/completion_objection.txt"),
    ),
    (
        Language::English,
        "withdrawal_confirmation",
        include_str!("../../templates/letters/en/withdrawal_confirmation.txt"),
    ),
    (
        Language::English,
        "restriction_lifting",
        include_str!("../../templates/letters/en/restriction_lifting.txt"),
    ),
];

/// The letter templates in use: the built-in ones, each possibly replaced by the
/// organisation's override.
pub struct Templates {
    env: minijinja::Environment<'static>,
    overridden: Vec<String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("overridden", &self.overridden)
            .finish()
    }
}

fn template_key(language: Language, name: &str) -> String {
    format!("{}/{name}.txt", language.code())
}

impl Templates {
    /// The built-in templates, with `overrides` (key `nl/decision.txt`, source) in
    /// their place. An override with a syntax error, or of a template that does not
    /// exist, is refused with a message naming it.
    pub fn new(overrides: &[(String, String)]) -> Result<Templates, String> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_keep_trailing_newline(false);
        for (language, name, source) in BUILT_IN {
            env.add_template_owned(template_key(*language, name), source.to_string())
                .map_err(|error| format!("built-in template {name}: {error}"))?;
        }
        let mut overridden = Vec::new();
        for (key, source) in overrides {
            if !BUILT_IN
                .iter()
                .any(|(language, name, _)| template_key(*language, name) == *key)
            {
                return Err(format!(
                    "{key}: no such letter template (expected nl/ or en/ and one of: {})",
                    BUILT_IN
                        .iter()
                        .filter(|(language, ..)| *language == Language::Dutch)
                        .map(|(_, name, _)| format!("{name}.txt"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            env.add_template_owned(key.clone(), source.clone())
                .map_err(|error| format!("{key}: {error}"))?;
            overridden.push(key.clone());
        }
        Ok(Templates { env, overridden })
    }

    /// The templates the organisation replaced, by key (`nl/decision.txt`).
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    fn render(&self, language: Language, name: &str, context: &Value) -> Result<String, String> {
        let key = template_key(language, name);
        self.env
            .get_template(&key)
            .and_then(|template| template.render(context))
            .map_err(|error| format!("{key}: {error}"))
    }
}

/// One thing a letter must say, found in its text by its needles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    pub code: String,
    #[serde(skip)]
    pub label: Message,
    /// What the text must contain, each needle one of its alternatives; `None`: the
    /// case lacks what the element needs.
    #[serde(skip)]
    needles: Option<Vec<Vec<String>>>,
    /// Words the text must not contain (as whole words, any case).
    #[serde(skip)]
    shunned: Vec<String>,
}

impl Element {
    fn new(code: impl Into<String>, en: &str, nl: &str, needles: Option<Vec<String>>) -> Element {
        Element {
            code: code.into(),
            label: Message::new(en, nl),
            needles: needles.map(|all| all.into_iter().map(|needle| vec![needle]).collect()),
            shunned: Vec::new(),
        }
    }

    /// An element whose every needle may be said in one of several ways.
    fn either(code: &str, en: &str, nl: &str, needles: Vec<Vec<String>>) -> Element {
        Element {
            needles: Some(needles),
            ..Element::new(code, en, nl, None)
        }
    }

    /// An element that holds while the text says none of `words`.
    fn without(code: &str, en: &str, nl: &str, words: &[&str]) -> Element {
        Element {
            shunned: words.iter().map(|w| w.to_string()).collect(),
            ..Element::new(code, en, nl, Some(Vec::new()))
        }
    }

    fn is_in(&self, text: &str) -> bool {
        self.needles.as_ref().is_some_and(|needles| {
            needles
                .iter()
                .all(|ways| ways.iter().any(|way| text.contains(&squeeze(way))))
        }) && !self.shunned.iter().any(|words| says(text, words))
    }

    /// The missing element as a field issue (`missing.CODE`).
    pub fn issue(&self) -> FieldIssue {
        FieldIssue {
            field: format!("missing.{}", self.code),
            message: Message::new(
                format!("the letter does not yet say {}", self.label.en),
                format!("de brief noemt nog niet: {}", self.label.nl),
            ),
        }
    }
}

/// Every run of white space one space: how texts are compared.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Does `text` say `words`, as whole words in any case ("over u" in "meer over u."
/// but not in "over uw verzoek")?
fn says(text: &str, words: &str) -> bool {
    let (text, words) = (text.to_lowercase(), words.to_lowercase());
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(&words).any(|(at, _)| {
        !letter(text[..at].chars().next_back()) && !letter(text[at + words.len()..].chars().next())
    })
}

/// One block of a letter's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
}

/// A letter as composed: what the layout prints, its plain text, and what is missing.
#[derive(Debug, Clone)]
pub struct Composed {
    pub subject: String,
    pub blocks: Vec<Block>,
    /// The whole letter as plain text (letterhead to footer).
    pub text: String,
    /// What the renderer reads (see `crates/letter-pdf/src/letter.typ`).
    pub layout: Value,
    pub missing: Vec<Element>,
}

/// The free paragraphs of a letter: those the caseworker may write or change. The
/// rest of the letter follows from the case.
pub fn paragraph_names(template: &str) -> Vec<&'static str> {
    let mut names = match template {
        "information_request" => vec!["needed", "how_to_send"],
        "extension_notice" => vec!["reasons"],
        "decision" => vec!["explanation"],
        "completion_access" => {
            let mut names = vec!["what_was_done"];
            names.extend(ACCESS_TEXTS.iter().map(|(name, _)| *name));
            names.push("withheld");
            names
        }
        "completion_portability" => vec!["what_was_done", "format", "delivery"],
        "completion_rectification"
        | "completion_erasure"
        | "completion_restriction"
        | "completion_objection" => {
            vec!["what_was_done"]
        }
        "withdrawal_confirmation" => vec!["initiative"],
        "restriction_lifting" => vec!["lifted_from", "reason"],
        _ => vec![],
    };
    names.push("note");
    names
}

/// The paragraphs a new draft starts with: from the case and the organisation's
/// standard texts; the caseworker completes or changes them.
pub fn default_paragraphs(
    template: &str,
    case: &Case<'_>,
    organisation: &Organisation,
    language: Language,
) -> BTreeMap<String, String> {
    let request = case.request;
    let nl = language == Language::Dutch;
    let behalf = case.client.behalf_name();
    let client = behalf.unwrap_or_default();
    // The organisation's text for someone who asks on a client's behalf where it has
    // one (`purposes_on_behalf`), else the one written to the client.
    let texts = |kind: KindCode, name: &str| {
        behalf
            .and_then(|_| organisation.text(kind, &format!("{name}{ON_BEHALF}")))
            .or_else(|| organisation.text(kind, name))
            .map(str::to_string)
    };
    let summary = || request.completion.as_ref().map(|c| c.summary.clone());
    let mut paragraphs = BTreeMap::new();
    let mut put = |name: &str, text: Option<String>| {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            paragraphs.insert(name.to_string(), text);
        }
    };
    match template {
        "information_request" => {
            let reason = request.suspensions.last().map(|s| s.reason);
            let relation = case.client.relation;
            let needed = match (reason, relation, nl) {
                (Some(SuspendReason::Identity), _, true) => "Een kopie van uw identiteitsbewijs: paspoort, identiteitskaart of rijbewijs. U mag het ook laten zien aan onze balie.".to_string(),
                (Some(SuspendReason::Identity), _, false) => "A copy of your identity document: passport, identity card or driving licence. You may also show it at our office.".to_string(),
                (Some(SuspendReason::Representation), Relation::Parent, true) => format!("Een bewijs dat u het gezag heeft over {client}. Dat is een uittreksel uit het gezagsregister. U vraagt het gratis aan op rechtspraak.nl."),
                (Some(SuspendReason::Representation), Relation::Parent, false) => format!("Proof that you have parental authority over {client}: an extract from the custody register (gezagsregister), free of charge at rechtspraak.nl."),
                (Some(SuspendReason::Representation), Relation::Guardian, true) => format!("Een kopie van de beslissing van de rechter waarin staat dat u de voogd bent van {client}."),
                (Some(SuspendReason::Representation), Relation::Guardian, false) => format!("A copy of the court's decision that made you {client}'s guardian."),
                (Some(SuspendReason::Representation), Relation::LegalRepresentative, true) => format!("Een kopie van de beslissing van de rechter waarin staat dat u de mentor of curator bent van {client}."),
                (Some(SuspendReason::Representation), Relation::LegalRepresentative, false) => format!("A copy of the court's decision that made you {client}'s mentor or curator."),
                (Some(SuspendReason::Representation), Relation::Authorised, true) => format!("Een machtiging met de handtekening van {client}, waarin staat dat u dit verzoek mag doen. Ook hebben wij een kopie nodig van het identiteitsbewijs van {client} en van uw eigen identiteitsbewijs."),
                (Some(SuspendReason::Representation), Relation::Authorised, false) => format!("An authorisation signed by {client} stating that you may make this request, and a copy of {client}'s identity document and of your own."),
                (Some(SuspendReason::Representation), _, true) => "Een bewijs dat u de ouder, voogd, wettelijk vertegenwoordiger of gemachtigde bent. Bijvoorbeeld een uittreksel uit het gezagsregister, een beslissing van de rechter of een machtiging.".into(),
                (Some(SuspendReason::Representation), _, false) => "Proof that you are the parent, guardian, legal representative or authorised person: for example an extract from the custody register, a court decision or an authorisation.".into(),
                (_, _, _) => String::new(),
            };
            put("needed", Some(needed));
            // A copy of an identity document goes by e-mail only as a safe copy.
            let id_copy = reason == Some(SuspendReason::Identity)
                || (reason == Some(SuspendReason::Representation) && relation == Relation::Authorised);
            let email = &organisation.email;
            put(
                "how_to_send",
                Some(match (id_copy, nl) {
                    (true, true) => format!("U kunt het het veiligst per post sturen, of afgeven bij onze balie. U kunt het ook mailen naar {email}. Stuur dan alleen een veilige kopie, zoals hierboven staat."),
                    (true, false) => format!("The safest way is by post, or in person at our office. You can also e-mail it to {email}; then send a safe copy only, as described above."),
                    (false, true) => format!("U kunt het het veiligst per post sturen, of afgeven bij onze balie. U kunt het ook mailen naar {email}."),
                    (false, false) => format!("The safest way is by post, or in person at our office. You can also e-mail it to {email}."),
                }),
            );
        }
        "extension_notice" => put("reasons", request.extension.as_ref().map(|e| e.reason.clone())),
        "decision" => put(
            "explanation",
            request.decision.as_ref().and_then(|d| d.explanation.clone()),
        ),
        "completion_access" => {
            put("what_was_done", summary());
            for (name, _) in ACCESS_TEXTS {
                put(name, texts(KindCode::Access, name));
            }
        }
        "completion_portability" => {
            put("what_was_done", summary());
            put("format", texts(KindCode::Portability, "format"));
        }
        "completion_rectification"
        | "completion_erasure"
        | "completion_restriction"
        | "completion_objection" => {
            put("what_was_done", summary());
        }
        "withdrawal_confirmation" => put(
            "initiative",
            Some(
                if nl {
                    "U heeft ons laten weten dat u het verzoek intrekt."
                } else {
                    "You let us know that you withdraw the request."
                }
                .into(),
            ),
        ),
        _ => {}
    }
    if template.starts_with("completion") {
        put("note", texts(request.kind.code(), "note"));
    }
    paragraphs
}

fn words(language: Language, nl: &str, en: &str) -> String {
    match language {
        Language::Dutch => nl.to_string(),
        Language::English => en.to_string(),
    }
}

/// Composes a letter: the template filled from the case, then checked element by
/// element. `Err` only when a template cannot be rendered (a broken override).
#[allow(clippy::too_many_arguments)]
pub fn compose(
    kind: LetterKind,
    case: &Case<'_>,
    organisation: &Organisation,
    paragraphs: &BTreeMap<String, String>,
    language: Language,
    channel: LetterChannel,
    date: NaiveDate,
    draft: bool,
    templates: &Templates,
) -> Result<Composed, String> {
    let template = kind.template(case.request).map_err(|NotNow(m)| m.en)?;
    let request = case.request;
    let day = |d: NaiveDate| letter_date(d, language);
    let p: BTreeMap<&str, String> = paragraph_names(template)
        .into_iter()
        .map(|name| {
            (
                name,
                paragraphs
                    .get(name)
                    .map(|t| t.trim().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let context = template_context(case, organisation, &p, language);
    let body = templates.render(language, template, &context)?;
    let (subject, blocks) = parse_body(&body);
    let nl = language == Language::Dutch;
    let recipient = recipient_lines(case, channel, nl);
    let mut sender_lines = organisation.address.clone();
    sender_lines.push(format!("{} {}", organisation.postcode, organisation.city));
    let mut contact = vec![organisation.phone.clone(), organisation.email.clone()];
    contact.extend(organisation.website.clone());
    let officer = &organisation.privacy_officer;
    let footer = format!(
        "{}: {}, {}{}",
        if nl {
            "Functionaris gegevensbescherming"
        } else {
            "Data protection officer"
        },
        officer.name,
        officer.email,
        officer
            .phone
            .as_ref()
            .map(|p| format!(", {p}"))
            .unwrap_or_default()
    );
    let salutation = format!("{} {},", if nl { "Beste" } else { "Dear" }, case.requester_name);
    let closing = if nl {
        "Met vriendelijke groet,"
    } else {
        "Kind regards,"
    };
    let signature = vec![
        case.signatory.name.clone(),
        case.signatory.team.clone(),
        organisation.name.clone(),
    ];
    let labels = if nl {
        json!({"date": "Datum", "reference": "Ons kenmerk", "subject": "Onderwerp", "page": "Pagina", "of": "van", "draft": "CONCEPT"})
    } else {
        json!({"date": "Date", "reference": "Our reference", "subject": "Subject", "page": "Page", "of": "of", "draft": "DRAFT"})
    };
    let mut text = String::new();
    let mut line = |l: &str| {
        text.push_str(l);
        text.push('\n');
    };
    if draft {
        line(labels["draft"].as_str().unwrap_or_default());
        line("");
    }
    line(&organisation.name);
    sender_lines.iter().chain(&contact).for_each(|l| line(l));
    line("");
    recipient.iter().for_each(|l| line(l));
    line("");
    line(&format!(
        "{}: {}",
        labels["date"].as_str().unwrap_or_default(),
        day(date)
    ));
    line(&format!(
        "{}: {}",
        labels["reference"].as_str().unwrap_or_default(),
        request.reference
    ));
    line(&format!(
        "{}: {subject}",
        labels["subject"].as_str().unwrap_or_default()
    ));
    line("");
    line(&salutation);
    for block in &blocks {
        line("");
        match block.kind {
            "item" => line(&format!("- {}", block.text)),
            _ => line(&block.text),
        }
    }
    line("");
    line(closing);
    line("");
    signature.iter().for_each(|l| line(l));
    line("");
    line(&footer);
    let layout = json!({
        "language": language.code(),
        "draft": draft,
        "labels": labels,
        "sender": {"name": organisation.name, "lines": sender_lines, "contact": contact},
        "recipient": recipient,
        "date": day(date),
        "reference": request.reference,
        "subject": subject,
        "salutation": salutation,
        "blocks": blocks,
        "closing": closing,
        "signature": signature,
        "footer": footer,
    });
    let squeezed = squeeze(&text);
    let missing = elements(kind, template, case, organisation, &p, language, channel)
        .into_iter()
        .filter(|element| !element.is_in(&squeezed))
        .collect();
    Ok(Composed {
        subject,
        blocks,
        text,
        layout,
        missing,
    })
}

/// Who the letter is addressed to: the requester's name, and the postal address or
/// the e-mail address the letter goes to.
fn recipient_lines(case: &Case<'_>, channel: LetterChannel, nl: bool) -> Vec<String> {
    let mut recipient = vec![case.requester_name.to_string()];
    match (channel, case.address) {
        (LetterChannel::Post, Some(address)) => {
            recipient.push(address.line.clone());
            recipient.push(format!("{} {}", address.postcode, address.city));
        }
        (LetterChannel::Email, _) => {
            if let Some(email) = case.requester_email {
                recipient.push(format!(
                    "{} {email}",
                    if nl { "Per e-mail:" } else { "By e-mail:" }
                ));
            }
        }
        _ => {}
    }
    recipient
}

/// What a template is rendered with: the organisation, the requester and client, the
/// request and where it stands, and the free paragraphs (`p`).
fn template_context(
    case: &Case<'_>,
    organisation: &Organisation,
    p: &BTreeMap<&str, String>,
    language: Language,
) -> Value {
    let request = case.request;
    let day = |d: NaiveDate| letter_date(d, language);
    let kind_words = in_sentence(request.kind.code().label(language));
    let (route_en, route_nl) = organisation.controller_type.judicial_route();
    let behalf = case.client.behalf_name();
    let decision = request.decision.as_ref().map(|d| {
        json!({
            "outcome": d.outcome.code(),
            "grounds": d.grounds.iter().filter_map(|code| grounds::find(code)).map(|g| json!({
                "label": g.label(language),
                "plain": g.plain(language, behalf),
                "reference": g.reference_for(request.kind.code(), language),
                "cited": cited(g, request.kind.code(), language, behalf),
            })).collect::<Vec<_>>(),
            "communicated_on": d.communicated_on.map(day),
        })
    });
    let client = client_context(case, language);
    json!({
        "org": {
            "name": organisation.name,
            "phone": organisation.phone,
            "email": organisation.email,
            "website": organisation.website,
            "complaints_url": organisation.complaints_url,
            "public_body": organisation.controller_type == ControllerType::PublicBody,
            "judicial_route": words(language, route_nl, route_en),
            "privacy_officer": {
                "name": organisation.privacy_officer.name,
                "email": organisation.privacy_officer.email,
                "phone": organisation.privacy_officer.phone,
            },
        },
        "requester": {"name": case.requester_name},
        "client": client,
        "request": {
            "reference": request.reference,
            "kind": kind_words,
            "kind_code": request.kind.code().code(),
            "asked": asked(&request.kind, behalf, language),
            "article": request.kind.code().article().trim_start_matches("AVG ").to_string(),
            "received_on": day(request.received_on),
            "response_deadline": day(case.response_deadline),
            "legal_deadline": day(case.legal_deadline),
            "direct_marketing": matches!(request.kind, Kind::Objection { direct_marketing: true }),
            "supplement": matches!(request.kind, Kind::Rectification { mode: RectificationMode::Supplement }),
            "whole_file": matches!(request.kind, Kind::Erasure { scope: ErasureScope::WholeFile }),
        },
        "suspension": request.suspensions.last().map(|s| json!({
            "reason": s.reason.code(),
            "asked_on": day(s.asked_on),
        })),
        "extension": request.extension.as_ref().map(|e| json!({
            "informed_on": day(e.informed_on),
            "until": day(e.until.unwrap_or(case.legal_deadline)),
        })),
        "decision": decision,
        "completion": request.completion.as_ref().map(|c| json!({
            "completed_on": day(c.completed_on),
            "recipients": c.recipients_informed,
            "systems": systems_sentence(request.kind.code(), case.systems, language),
        })),
        "withdrawal": request.withdrawal.as_ref().map(|w| json!({"on": day(w.on)})),
        "p": p,
    })
}

/// Where the request was carried out, as the completion letter says it ("Verwijderd
/// uit: Elektronisch cliëntdossier en E-mailarchief."); nothing when no system's task
/// was done. Names only: a task's internal note never reaches a letter.
fn systems_sentence(kind: KindCode, systems: &[String], language: Language) -> Option<String> {
    let (last, init) = systems.split_last()?;
    let and = match language {
        Language::Dutch => " en ",
        Language::English => " and ",
    };
    let list = if init.is_empty() {
        last.clone()
    } else {
        format!("{}{and}{last}", init.join(", "))
    };
    let words = super::tasks::done_in_words(kind, language);
    let mut chars = words.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    Some(format!("{first}{}: {list}.", chars.as_str()))
}

/// What a template knows of the client (`client.…`): whether the requester is the
/// client (`self`), the client's name, the capacity in which someone else asks
/// (`as`: "als gemachtigde"; `behalf`: "als gemachtigde van G. Ruiter"), the age
/// band and relation codes, and how the letter
/// speaks of the client's data and file (`data`: "uw gegevens" or "de gegevens van
/// G. Ruiter"; `file`: "uw dossier" or "het dossier van G. Ruiter").
fn client_context(case: &Case<'_>, language: Language) -> Value {
    let client = case.client;
    let name = match client.behalf_name() {
        Some(name) => name,
        None => case.requester_name,
    };
    let (data, file) = match (client.on_behalf(), language) {
        (false, Language::Dutch) => ("uw gegevens".to_string(), "uw dossier".to_string()),
        (false, Language::English) => ("your data".to_string(), "your file".to_string()),
        (true, Language::Dutch) => (
            format!("de gegevens van {name}"),
            format!("het dossier van {name}"),
        ),
        (true, Language::English) => (format!("{name}'s data"), format!("{name}'s file")),
    };
    json!({
        "self": !client.on_behalf(),
        "name": name,
        "as": capacity(client.relation, language),
        "behalf": on_behalf_of(client.relation, name, language),
        "relation": client.relation.code(),
        "age_band": client.age_band.code(),
        "data": data,
        "file": file,
    })
}

/// A refusal ground as a letter states it: its plain sentence with the legal reference
/// that applies to the kind, before the full stop ("De wet verplicht ons … (artikel
/// 17, lid 3, onder b, AVG).").
fn cited(
    ground: &grounds::RefusalGround,
    kind: KindCode,
    language: Language,
    client: Option<&str>,
) -> String {
    format!(
        "{} ({}).",
        ground.plain(language, client).trim_end_matches('.'),
        ground.reference_for(kind, language)
    )
}

/// The template's output: the first line is the subject; then paragraphs separated
/// by blank lines, `## ` a heading, `- ` an item of a list.
fn parse_body(body: &str) -> (String, Vec<Block>) {
    let mut lines = body.lines().skip_while(|l| l.trim().is_empty());
    let subject = lines.next().unwrap_or_default().trim().to_string();
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    for raw in lines {
        let l = raw.trim();
        let start = |kind, text: &str| Block {
            kind,
            text: text.trim().to_string(),
        };
        if l.is_empty() {
            blocks.extend(open.take());
        } else if let Some(heading) = l.strip_prefix("## ") {
            blocks.extend(open.take());
            blocks.push(start("heading", heading));
        } else if let Some(item) = l.strip_prefix("- ") {
            blocks.extend(open.take());
            open = Some(start("item", item));
        } else if let Some(block) = open.as_mut() {
            block.text.push(' ');
            block.text.push_str(l);
        } else {
            open = Some(start("paragraph", l));
        }
    }
    blocks.extend(open);
    (subject, blocks)
}

/// What this letter must say (docs/letters.md), each with the words that show it.
/// One text an element must show.
fn one(text: String) -> Option<Vec<String>> {
    Some(vec![text])
}

/// The elements a letter of one kind must show, gathered per kind: the case, the
/// organisation, the free paragraphs and the language, and the list so far.
struct Needles<'a> {
    case: &'a Case<'a>,
    organisation: &'a Organisation,
    p: &'a BTreeMap<&'a str, String>,
    language: Language,
    list: Vec<Element>,
}

impl Needles<'_> {
    fn add(&mut self, code: &str, en: &str, nl_label: &str, needles: Option<Vec<String>>) {
        self.list.push(Element::new(code, en, nl_label, needles));
    }

    fn nl(&self) -> bool {
        self.language == Language::Dutch
    }

    fn day(&self, d: NaiveDate) -> String {
        letter_date(d, self.language)
    }

    fn phrase(&self, nl_words: &str, en_words: &str) -> Option<Vec<String>> {
        Some(vec![words(self.language, nl_words, en_words)])
    }

    fn paragraph(&self, name: &str) -> Option<Vec<String>> {
        self.p
            .get(name)
            .filter(|t| !t.is_empty())
            .map(|t| vec![t.clone()])
    }

    fn acknowledgement(&mut self) {
        let request = self.case.request;
        let case = self.case;
        self.add(
            "right",
            "the right invoked (its article)",
            "het recht dat de verzoeker gebruikt (het artikel)",
            self.phrase(
                &format!(
                    "artikel {}",
                    request.kind.code().article().trim_start_matches("AVG ")
                ),
                &format!(
                    "Article {}",
                    request.kind.code().article().trim_start_matches("AVG ")
                ),
            ),
        );
        self.add(
            "response_deadline",
            "the date by which they hear whether the request is granted",
            "de datum waarop de verzoeker hoort of het verzoek wordt uitgevoerd",
            one(self.day(case.response_deadline)),
        );
        self.add(
            "legal_limit",
            "the legal limit",
            "de wettelijke termijn",
            one(self.day(case.legal_deadline)),
        );
        self.add(
            "identity",
            "that more information may be asked to confirm identity",
            "dat om meer informatie kan worden gevraagd om de identiteit vast te stellen",
            self.phrase("identiteit", "identity"),
        );
    }

    fn information_request(&mut self) {
        let request = self.case.request;
        let reason = request.suspensions.last().map(|s| s.reason);
        match reason {
            Some(SuspendReason::Identity) => {
                self.add(
                    "why",
                    "why it is needed (reasonable doubt about identity, AVG 12(6))",
                    "waarom het nodig is (gerede twijfel over de identiteit, artikel 12, lid 6, AVG)",
                    self.phrase("twijfel", "doubt"),
                );
                self.add(
                    "no_bsn",
                    "that the BSN is never needed and may be covered, as may the photo",
                    "dat het BSN nooit nodig is en mag worden afgedekt, net als de pasfoto",
                    Some(if self.nl() {
                        vec!["BSN".into(), "pasfoto".into()]
                    } else {
                        vec!["BSN".into(), "photo".into()]
                    }),
                );
            }
            Some(SuspendReason::Representation) => self.add(
                "why",
                "why it is needed (proof of representation)",
                "waarom het nodig is (bewijs van vertegenwoordiging)",
                self.phrase("vertegenwoordig", "represent"),
            ),
            _ => self.add(
                "why",
                "what is unclear",
                "wat er onduidelijk is",
                self.paragraph("needed"),
            ),
        }
        self.add(
            "needed",
            "the minimum that is needed",
            "wat er minimaal nodig is",
            self.paragraph("needed"),
        );
        self.add(
            "how_to_send",
            "how to send it safely",
            "hoe de verzoeker het veilig kan sturen",
            self.paragraph("how_to_send"),
        );
        self.add(
            "clock_stopped",
            "that the period stands still until it arrives",
            "dat de termijn stilstaat tot het binnen is",
            self.phrase("staat stil", "stands still"),
        );
    }

    fn extension_notice(&mut self) {
        let request = self.case.request;
        let case = self.case;
        self.add(
            "extended",
            "that the period is extended, and by how long",
            "dat de termijn wordt verlengd, en met hoeveel",
            self.phrase("twee maanden", "two months"),
        );
        self.add(
            "new_date",
            "the new date",
            "de nieuwe datum",
            request
                .extension
                .as_ref()
                .map(|e| vec![self.day(e.until.unwrap_or(case.legal_deadline))]),
        );
        self.add(
            "reasons",
            "the reasons for the extension",
            "de redenen van de verlenging",
            self.paragraph("reasons"),
        );
    }

    fn decision(&mut self) {
        let request = self.case.request;
        let case = self.case;
        let organisation = self.organisation;
        let language = self.language;
        let Some(decision) = &request.decision else {
            return;
        };
        self.add(
            "outcome",
            "the outcome",
            "de uitkomst",
            self.phrase(
                match decision.outcome {
                    Outcome::Granted => "voeren uw verzoek uit",
                    Outcome::PartiallyGranted => "voor een deel",
                    Outcome::Refused => "niet uit",
                },
                match decision.outcome {
                    Outcome::Granted => "we will carry out",
                    Outcome::PartiallyGranted => "in part",
                    Outcome::Refused => "will not carry out",
                },
            ),
        );
        if decision.outcome != Outcome::Granted {
            for code in &decision.grounds {
                if let Some(ground) = grounds::find(code) {
                    self.add(
                        &format!("ground.{code}"),
                        &format!("the ground '{}' with its legal reference", ground.label_en),
                        &format!("de grond ‘{}’ met het wetsartikel", ground.label_nl),
                        Some(vec![
                            ground
                                .plain(language, case.client.behalf_name())
                                .trim_end_matches('.')
                                .to_string(),
                            ground.reference_for(request.kind.code(), language).to_string(),
                        ]),
                    );
                }
            }
            self.add(
                "explanation",
                "the explanation for this case",
                "de uitleg voor deze situatie",
                self.paragraph("explanation"),
            );
            self.add(
                "complaint_authority",
                "the complaint to the Autoriteit Persoonsgegevens",
                "de klacht bij de Autoriteit Persoonsgegevens",
                one("autoriteitpersoonsgegevens.nl".into()),
            );
            let (route_en, route_nl) = match organisation.controller_type {
                ControllerType::Private => (["petition", "six weeks"], ["verzoekschrift", "zes weken"]),
                ControllerType::PublicBody => (["objection", "six weeks"], ["bezwaar", "zes weken"]),
            };
            self.add(
                "judicial_route",
                "the route to the court (or the objection for a public body), within six weeks",
                "de weg naar de rechter (of bezwaar bij een bestuursorgaan), binnen zes weken",
                Some(
                    if self.nl() { route_nl } else { route_en }
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
            );
            if let Some(url) = &organisation.complaints_url {
                self.add(
                    "own_complaints",
                    "the organisation's own complaint procedure",
                    "de eigen klachtenregeling van de organisatie",
                    one(url.clone()),
                );
            }
        }
    }

    fn completion(&mut self, template: &str) {
        let request = self.case.request;
        match template {
            "completion_access" => {
                self.add(
                    "what_was_done",
                    "what was done",
                    "wat er is gedaan",
                    self.paragraph("what_was_done"),
                );
                for (name, en) in ACCESS_TEXTS {
                    self.add(name, en, access_label_nl(name), self.paragraph(name));
                }
                self.add(
                    "rights",
                    "the rights to rectification, erasure, restriction and objection",
                    "de rechten op rectificatie, verwijdering, beperking en bezwaar",
                    self.phrase("bezwaar", "object"),
                );
                self.add(
                    "complaint_authority",
                    "the right to complain to the Autoriteit Persoonsgegevens",
                    "het recht om te klagen bij de Autoriteit Persoonsgegevens",
                    one("autoriteitpersoonsgegevens.nl".into()),
                );
            }
            "completion_portability" => {
                self.add(
                    "format",
                    "the format of the data",
                    "het formaat van de gegevens",
                    self.paragraph("format"),
                );
                self.add(
                    "delivery",
                    "how the data were delivered",
                    "hoe de gegevens zijn geleverd",
                    self.paragraph("delivery"),
                );
            }
            "completion_objection" => self.add(
                "what_was_done",
                "what was done",
                "wat er is gedaan",
                self.paragraph("what_was_done"),
            ),
            _ => {
                self.add(
                    "what_was_done",
                    "what was done",
                    "wat er is gedaan",
                    self.paragraph("what_was_done"),
                );
                if matches!(
                    request.kind,
                    Kind::Rectification {
                        mode: RectificationMode::Supplement
                    }
                ) {
                    self.add(
                        "statement_added",
                        "that their statement was added to the file",
                        "dat de verklaring aan het dossier is toegevoegd",
                        self.phrase("verklaring", "statement"),
                    );
                } else {
                    self.add("recipients_informed", "that the recipients were informed (AVG 19) and that they may ask who they are", "dat de ontvangers zijn geïnformeerd (artikel 19 AVG) en dat de verzoeker mag vragen wie dat zijn", self.phrase("wie dat zijn", "who they are"));
                }
            }
        };
    }

    fn withdrawal_confirmation(&mut self) {
        let request = self.case.request;
        self.add(
            "withdrawn_on",
            "that the request was withdrawn on that date",
            "dat het verzoek op die datum is ingetrokken",
            request.withdrawal.as_ref().map(|w| vec![self.day(w.on)]),
        );
        self.add(
            "initiative",
            "at whose initiative",
            "op wiens initiatief",
            self.paragraph("initiative"),
        );
        self.add(
            "new_request",
            "that a new request is always possible",
            "dat een nieuw verzoek altijd mogelijk is",
            self.phrase("nieuw verzoek", "new request"),
        );
    }

    fn restriction_lifting(&mut self) {
        self.add(
            "lifted_from",
            "from when the restriction is lifted",
            "vanaf wanneer de beperking wordt opgeheven",
            self.paragraph("lifted_from"),
        );
        self.add(
            "reason",
            "why it is lifted (AVG 18(3))",
            "waarom de beperking wordt opgeheven (artikel 18, lid 3, AVG)",
            self.paragraph("reason"),
        );
    }
}

fn elements(
    kind: LetterKind,
    template: &str,
    case: &Case<'_>,
    organisation: &Organisation,
    p: &BTreeMap<&str, String>,
    language: Language,
    channel: LetterChannel,
) -> Vec<Element> {
    let request = case.request;
    let nl = language == Language::Dutch;
    let day = |d: NaiveDate| letter_date(d, language);
    let mut list = vec![
        Element::new(
            "organisation",
            "the organisation's name and address",
            "de naam en het adres van de organisatie",
            Some(vec![
                organisation.name.clone(),
                organisation.postcode.clone(),
                organisation.city.clone(),
            ]),
        ),
        Element::new(
            "reference",
            "the request's reference",
            "het kenmerk van het verzoek",
            one(request.reference.clone()),
        ),
        Element::either(
            "request",
            "what the request was and when it was received",
            "wat het verzoek was en wanneer het binnenkwam",
            vec![
                vec![
                    asked(&request.kind, case.client.behalf_name(), language),
                    in_sentence(request.kind.code().label(language)),
                ],
                vec![day(request.received_on)],
            ],
        ),
        Element::new(
            "contact",
            "a contact for questions",
            "een contact voor vragen",
            Some(vec![organisation.phone.clone(), organisation.email.clone()]),
        ),
        Element::new(
            "privacy_officer",
            "the contact details of the privacy officer",
            "de contactgegevens van de functionaris gegevensbescherming",
            Some(vec![
                organisation.privacy_officer.name.clone(),
                organisation.privacy_officer.email.clone(),
            ]),
        ),
    ];
    match channel {
        LetterChannel::Post => list.push(Element::new(
            "address",
            "the requester's postal address (add it to the registration)",
            "het postadres van de verzoeker (vul het aan in de registratie)",
            case.address
                .map(|a| vec![a.line.clone(), a.postcode.clone(), a.city.clone()]),
        )),
        LetterChannel::Email => list.push(Element::new(
            "email",
            "the requester's e-mail address (add it to the registration)",
            "het e-mailadres van de verzoeker (vul het aan in de registratie)",
            case.requester_email.map(|e| vec![e.to_string()]),
        )),
    }
    if let Some(name) = case.client.behalf_name() {
        list.push(Element::new(
            "client",
            "the client, by name: someone else asked on the client's behalf (add the client's name to the registration)",
            "de naam van de cliënt: iemand anders vroeg namens de cliënt (vul de naam aan in de registratie)",
            (!name.is_empty()).then(|| vec![name.to_string()]),
        ));
        list.push(Element::without(
            "client_data",
            "that the data are the client's, not the requester's: never 'your data', 'your file' or 'about you'",
            "dat het om de gegevens van de cliënt gaat, niet van de verzoeker: nergens ‘uw gegevens’, ‘uw dossier’ of ‘over u’",
            if nl {
                &["uw gegevens", "uw persoonsgegevens", "uw dossier", "over u"]
            } else {
                &["your data", "your personal data", "your file", "about you"]
            },
        ));
    }
    let mut needles = Needles {
        case,
        organisation,
        p,
        language,
        list,
    };
    match kind {
        LetterKind::Acknowledgement => needles.acknowledgement(),
        LetterKind::InformationRequest => needles.information_request(),
        LetterKind::ExtensionNotice => needles.extension_notice(),
        LetterKind::Decision => needles.decision(),
        LetterKind::Completion => needles.completion(template),
        LetterKind::WithdrawalConfirmation => needles.withdrawal_confirmation(),
        LetterKind::RestrictionLifting => needles.restriction_lifting(),
    }
    needles.list
}

fn access_label_nl(name: &str) -> &'static str {
    match name {
        "purposes" => "de doelen van de verwerking",
        "categories" => "de soorten persoonsgegevens",
        "recipients" => "de ontvangers",
        "retention" => "de bewaartermijn",
        "source" => "de bron van de gegevens",
        _ => "of er geautomatiseerde besluitvorming is",
    }
}

/// The letter's free paragraphs as given, checked: known names, at most
/// 4,000 characters each, no control characters.
pub fn check_paragraphs(
    template: &str,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<FieldIssue>> {
    let names = paragraph_names(template);
    let mut issues = Vec::new();
    let mut kept = BTreeMap::new();
    for (name, text) in given {
        let field = format!("paragraphs.{name}");
        if !names.contains(&name.as_str()) {
            issues.push(FieldIssue::new(
                field,
                format!(
                    "this letter has no free paragraph '{name}' (it has: {})",
                    names.join(", ")
                ),
                format!("deze brief heeft geen vrije alinea ‘{name}’"),
            ));
            continue;
        }
        if let Some(text) = super::intake::optional_text(&field, Some(text), 4000, &mut issues) {
            kept.insert(name.clone(), text);
        }
    }
    if issues.is_empty() {
        Ok(kept)
    } else {
        Err(issues)
    }
}

/// Realistic cases for every letter and variant (17 in all), received 1 December 2026:
/// for the snapshots and tests, and for `organisation check`, which tries the
/// organisation's template overrides on them.
pub mod samples {
    use super::*;
    use crate::domain::request::{Completion, Decision, Extension, Status, Suspension, Withdrawal};
    use crate::domain::team::TeamCode;

    /// A date as written in the samples (`2026-12-01`).
    pub(crate) fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A request of `kind`, received 1 December 2026, as the samples have it.
    pub(crate) fn request(kind: Kind) -> Request {
        Request::received(
            uuid::Uuid::nil(),
            "AVG-2026-00012".into(),
            kind,
            TeamCode::parse("WMO").unwrap(),
            None,
            date("2026-12-01"),
        )
    }

    /// Each letter with a request in the state it reports.
    pub fn cases() -> Vec<(LetterKind, Request)> {
        let mut cases = Vec::new();
        cases.push((LetterKind::Acknowledgement, request(Kind::Access)));
        for reason in SuspendReason::ALL {
            let mut r = request(Kind::Access);
            r.status = Status::AwaitingRequester;
            r.suspensions.push(Suspension {
                reason: *reason,
                asked_on: date("2026-12-03"),
                resumed_on: None,
                resume_to: Status::InAssessment,
            });
            cases.push((LetterKind::InformationRequest, r));
        }
        let mut extended = request(Kind::Erasure {
            scope: ErasureScope::Data,
        });
        extended.extension = Some(Extension {
            reason: "Het dossier is groot, en wij moeten ook stukken van andere hulpverleners bekijken."
                .into(),
            informed_on: date("2026-12-09"),
            until: Some(date("2027-03-01")),
        });
        cases.push((LetterKind::ExtensionNotice, extended));
        for outcome in Outcome::ALL {
            let mut r = request(Kind::Erasure {
                scope: ErasureScope::WholeFile,
            });
            r.decision = Some(Decision {
                outcome: *outcome,
                grounds: if *outcome == Outcome::Granted {
                    vec![]
                } else {
                    vec!["legal_retention_obligation".into(), "rights_of_others".into()]
                },
                explanation: Some("Het dossier valt onder de bewaarplicht van de Jeugdwet.".into()),
                communicated_on: Some(date("2026-12-09")),
            });
            cases.push((LetterKind::Decision, r));
        }
        let kinds = [
            Kind::Access,
            Kind::Rectification {
                mode: RectificationMode::Correct,
            },
            Kind::Rectification {
                mode: RectificationMode::Supplement,
            },
            Kind::Erasure {
                scope: ErasureScope::Data,
            },
            Kind::Restriction {
                related_request: None,
            },
            Kind::Portability,
            Kind::Objection {
                direct_marketing: true,
            },
        ];
        for kind in kinds {
            let mut r = request(kind);
            r.completion = Some(Completion {
                summary: "Wij hebben het gedaan.".into(),
                completed_on: date("2026-12-08"),
                recipients_informed: vec!["Huisarts".into()],
                recipients_note: None,
            });
            cases.push((LetterKind::Completion, r.clone()));
            if r.kind.code() == KindCode::Restriction {
                cases.push((LetterKind::RestrictionLifting, r));
            }
        }
        let mut withdrawn = request(Kind::Portability);
        withdrawn.withdrawal = Some(Withdrawal {
            reason: "Niet meer nodig.".into(),
            on: date("2026-12-05"),
            duplicate_of: None,
        });
        cases.push((LetterKind::WithdrawalConfirmation, withdrawn));
        cases
    }

    /// Who the sample letters are about: the requester themself, and a client for
    /// whom an authorised person (a daughter with a power of attorney) asks.
    pub fn clients() -> [Client<'static>; 2] {
        [
            Client::itself(AgeBand::Adult),
            Client {
                relation: Relation::Authorised,
                name: Some("G. Ruiter"),
                age_band: AgeBand::Adult,
            },
        ]
    }

    /// The requester's postal address in the samples.
    pub fn address() -> PostalAddress {
        PostalAddress {
            line: "Kerkstraat 7".into(),
            postcode: "5678 CD".into(),
            city: "Andersdorp".into(),
        }
    }

    /// A sample case of `request`: received 1 December 2026, the response due on the
    /// 15th, the legal limit 4 January 2027, signed by A. Jansen of Team Wmo.
    pub fn case<'a>(
        request: &'a Request,
        client: Client<'a>,
        requester_name: &'a str,
        requester_email: &'a str,
        address: &'a PostalAddress,
    ) -> Case<'a> {
        Case {
            request,
            client,
            requester_name,
            requester_email: Some(requester_email),
            address: Some(address),
            response_deadline: date("2026-12-15"),
            legal_deadline: date("2027-01-04"),
            first_month: date("2027-01-04"),
            signatory: Signatory {
                name: "A. Jansen".into(),
                team: "Team Wmo".into(),
            },
            systems: &[],
        }
    }

    /// The letter for a sample case, by post to a requester with an address, every
    /// free paragraph filled.
    pub fn compose_sample(
        kind: LetterKind,
        request: &Request,
        client: Client<'_>,
        organisation: &Organisation,
        language: Language,
        templates: &Templates,
    ) -> Result<Composed, String> {
        let address = address();
        let case = case(request, client, "J. de Vries", "j.devries@example.nl", &address);
        let template = kind.template(request).map_err(|NotNow(m)| m.en)?;
        let mut paragraphs = default_paragraphs(template, &case, organisation, language);
        for name in paragraph_names(template) {
            if name != "note" && name != "withheld" {
                paragraphs
                    .entry(name.to_string())
                    .or_insert_with(|| format!("Tekst voor {name}."));
            }
        }
        compose(
            kind,
            &case,
            organisation,
            &paragraphs,
            language,
            LetterChannel::Post,
            date("2026-12-09"),
            false,
            templates,
        )
    }

    /// What the overridden templates leave out, one line per template and element
    /// (`nl/decision.txt: the complaint to the Autoriteit Persoonsgegevens`); a
    /// template that fails to render is a line too.
    pub fn override_problems(templates: &Templates, organisation: &Organisation) -> Vec<String> {
        let mut problems = Vec::new();
        for (kind, request) in cases() {
            for language in Language::ALL {
                let Ok(name) = kind.template(&request) else {
                    continue;
                };
                let key = template_key(*language, name);
                if !templates.overridden().contains(&key) {
                    continue;
                }
                for client in clients() {
                    match compose_sample(kind, &request, client, organisation, *language, templates) {
                        Ok(composed) => {
                            for element in composed.missing {
                                let line = format!("{key}: {}", element.label.en);
                                if !problems.contains(&line) {
                                    problems.push(line);
                                }
                            }
                        }
                        Err(error) if !problems.contains(&error) => problems.push(error),
                        Err(_) => {}
                    }
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{cases as every_case, clients, compose_sample, date, request};
    use super::*;
    use crate::domain::organisation::OrganisationFile;
    use crate::domain::request::{Decision, Extension};

    fn compose_for(
        kind: LetterKind,
        request: &Request,
        language: Language,
        templates: &Templates,
    ) -> Composed {
        compose_sample(kind, request, clients()[0], &organisation(), language, templates)
            .expect("the template renders")
    }

    fn compose_on_behalf(
        kind: LetterKind,
        request: &Request,
        language: Language,
        templates: &Templates,
    ) -> Composed {
        compose_sample(kind, request, clients()[1], &organisation(), language, templates)
            .expect("the template renders")
    }

    fn organisation() -> Organisation {
        let file: OrganisationFile =
            toml::from_str(include_str!("../../organisation.example.toml")).expect("the example parses");
        file.validate().expect("the example is valid")
    }

    #[test]
    fn every_letter_in_both_languages_says_all_it_must() {
        let templates = Templates::new(&[]).unwrap();
        for (kind, request) in every_case() {
            for language in Language::ALL {
                for client in clients() {
                    let composed =
                        compose_sample(kind, &request, client, &organisation(), *language, &templates)
                            .unwrap();
                    let missing: Vec<&str> = composed.missing.iter().map(|e| e.code.as_str()).collect();
                    assert!(
                        missing.is_empty(),
                        "{kind} {language} {:?} {:?}: {missing:?}\n{}",
                        request.kind,
                        client.relation,
                        composed.text
                    );
                    assert!(!composed.subject.is_empty());
                    assert!(!composed.text.contains("{{"), "{}", composed.text);
                }
            }
        }
    }

    /// A letter to someone who asks on the client's behalf names the client and speaks
    /// of the client's data, file and care; the one to the client never speaks of
    /// anyone else.
    #[test]
    fn a_letter_to_a_representative_names_the_client_and_never_calls_the_data_theirs() {
        let templates = Templates::new(&[]).unwrap();
        for (kind, request) in every_case() {
            for language in Language::ALL {
                let text = compose_on_behalf(kind, &request, *language, &templates).text;
                assert!(text.contains("G. Ruiter"), "{kind} {language}\n{text}");
                let lower = text.to_lowercase();
                for own in [
                    "uw gegevens",
                    "uw dossier",
                    "over u ",
                    "over u.",
                    "over u,",
                    "your data",
                    "your file",
                    "about you ",
                    "about you.",
                ] {
                    assert!(!lower.contains(own), "{kind} {language}: '{own}'\n{text}");
                }
                let to_client = compose_for(kind, &request, *language, &templates).text;
                assert!(!to_client.contains("G. Ruiter"), "{kind} {language}\n{to_client}");
            }
        }
    }

    /// Legal references in one Dutch notation in every Dutch letter; never the
    /// catalogue's "AVG 17(3)(b)" in any letter.
    #[test]
    fn every_letter_cites_the_law_in_one_notation() {
        let templates = Templates::new(&[]).unwrap();
        let catalogue_style = regex_lite_catalogue_style();
        for (kind, request) in every_case() {
            for language in Language::ALL {
                for client in clients() {
                    let text = compose_sample(kind, &request, client, &organisation(), *language, &templates)
                        .unwrap()
                        .text;
                    assert!(!catalogue_style(&text), "{kind} {language}\n{text}");
                    if *language == Language::Dutch {
                        // "artikel 12, lid 3, AVG": a comma after the paragraph.
                        for (at, _) in text.match_indices(" lid ") {
                            let rest = &text[at + 5..];
                            let after_number = rest.trim_start_matches(|c: char| c.is_ascii_digit());
                            assert!(
                                after_number.starts_with(','),
                                "{kind}: …{}",
                                &text[at.saturating_sub(20)..(at + 20).min(text.len())]
                            );
                        }
                    }
                }
            }
        }
    }

    /// "AVG 17(", "UAVG 41(", "AVG 12(": the catalogue's notation.
    fn regex_lite_catalogue_style() -> impl Fn(&str) -> bool {
        |text: &str| {
            text.match_indices("AVG ").any(|(at, _)| {
                let rest = &text[at + 4..];
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                digits > 0 && rest[digits..].starts_with('(')
            })
        }
    }

    /// A file name for one letter of [`every_case`]: kind and what varies.
    fn snapshot_name(kind: LetterKind, request: &Request, language: Language) -> String {
        let variant = match kind {
            LetterKind::InformationRequest => request.suspensions.last().map(|s| s.reason.code().to_string()),
            LetterKind::Decision => request.decision.as_ref().map(|d| d.outcome.code().to_string()),
            LetterKind::Completion => Some(match &request.kind {
                Kind::Rectification { mode } => format!("rectification_{}", mode.code()),
                other => other.code().code().to_string(),
            }),
            _ => None,
        };
        let name = match variant {
            Some(variant) => format!("{}-{variant}", kind.code()),
            None => kind.code().to_string(),
        };
        format!("{name}.{}.txt", language.code())
    }

    /// Each letter's text in both languages, as committed in `tests/snapshots/letters/`
    /// (fixed dates and reference, so nothing needs redacting). After a deliberate
    /// change: `AVG_LOKET_UPDATE_SNAPSHOTS=1 cargo test --lib letters` and review the diff.
    #[test]
    fn every_letter_reads_as_its_snapshot() {
        let templates = Templates::new(&[]).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/letters");
        let update = std::env::var_os("AVG_LOKET_UPDATE_SNAPSHOTS").is_some();
        let mut differ = Vec::new();
        let mut names = Vec::new();
        for (kind, request) in every_case() {
            for language in Language::ALL {
                for client in clients() {
                    let mut name = snapshot_name(kind, &request, *language);
                    if client.on_behalf() {
                        name = name.replacen('.', ".behalf.", 1);
                    }
                    let text = compose_sample(kind, &request, client, &organisation(), *language, &templates)
                        .unwrap()
                        .text;
                    let path = dir.join(&name);
                    if update {
                        std::fs::create_dir_all(&dir).unwrap();
                        std::fs::write(&path, &text).unwrap();
                    }
                    if std::fs::read_to_string(&path).unwrap_or_default() != text {
                        differ.push(name.clone());
                    }
                    names.push(name);
                }
            }
        }
        assert_eq!(
            names.len(),
            68,
            "every kind and variant in both languages, to the client and to a representative"
        );
        assert!(
            differ.is_empty(),
            "letters differ from their snapshots: {differ:?}; if intended, run \
             `AVG_LOKET_UPDATE_SNAPSHOTS=1 cargo test --lib letters` and review the diff"
        );
    }

    #[test]
    fn a_refusal_names_the_grounds_the_authority_and_the_court() {
        let templates = Templates::new(&[]).unwrap();
        let (_, refused) = every_case()
            .into_iter()
            .find(|(k, r)| {
                *k == LetterKind::Decision && r.decision.as_ref().unwrap().outcome == Outcome::Refused
            })
            .unwrap();
        let text = compose_for(LetterKind::Decision, &refused, Language::Dutch, &templates).text;
        for needle in [
            "De wet verplicht ons om de gegevens nog te bewaren (artikel 17, lid 3, onder b, AVG).",
            "artikel 17, lid 3, onder b, AVG",
            "autoriteitpersoonsgegevens.nl",
            "verzoekschrift",
            "zes weken",
            "9 december 2026",
            "1 december 2026",
            "AVG-2026-00012",
            "Dorpsstraat 12",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
    }

    #[test]
    fn an_override_that_drops_a_mandatory_element_leaves_it_missing() {
        let source = BUILT_IN
            .iter()
            .find(|(l, n, _)| *l == Language::Dutch && *n == "decision")
            .unwrap()
            .2;
        let dropped = source.replace("- U kunt een klacht indienen bij de Autoriteit Persoonsgegevens. Kijk op autoriteitpersoonsgegevens.nl.\n", "");
        assert_ne!(dropped, source);
        let templates = Templates::new(&[("nl/decision.txt".into(), dropped)]).unwrap();
        assert_eq!(templates.overridden(), ["nl/decision.txt"]);
        let (_, refused) = every_case()
            .into_iter()
            .find(|(k, r)| {
                *k == LetterKind::Decision && r.decision.as_ref().unwrap().outcome == Outcome::Refused
            })
            .unwrap();
        let missing: Vec<String> = compose_for(LetterKind::Decision, &refused, Language::Dutch, &templates)
            .missing
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(missing, ["complaint_authority"]);
        assert!(Templates::new(&[("nl/brief.txt".into(), "x".into())])
            .unwrap_err()
            .contains("no such letter template"));
        assert!(Templates::new(&[("nl/decision.txt".into(), "{% if %}".into())]).is_err());
    }

    #[test]
    fn an_empty_free_paragraph_and_a_missing_address_are_missing_elements() {
        let templates = Templates::new(&[]).unwrap();
        let mut r = request(Kind::Access);
        r.extension = Some(Extension {
            reason: String::new(),
            informed_on: date("2026-12-09"),
            until: None,
        });
        let case = Case {
            request: &r,
            client: Client::itself(AgeBand::Adult),
            requester_name: "J. de Vries",
            requester_email: None,
            address: None,
            response_deadline: date("2026-12-15"),
            legal_deadline: date("2027-03-01"),
            first_month: date("2027-01-04"),
            signatory: Signatory {
                name: "A. Jansen".into(),
                team: "Wmo".into(),
            },
            systems: &[],
        };
        let composed = compose(
            LetterKind::ExtensionNotice,
            &case,
            &organisation(),
            &BTreeMap::new(),
            Language::Dutch,
            LetterChannel::Post,
            date("2026-12-09"),
            true,
            &templates,
        )
        .unwrap();
        let missing: Vec<&str> = composed.missing.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(missing, ["address", "reasons"]);
        assert!(composed.text.starts_with("CONCEPT"));
        assert_eq!(composed.missing[1].issue().field, "missing.reasons");
    }

    #[test]
    fn a_letter_fits_only_the_moment_it_reports() {
        let r = request(Kind::Objection {
            direct_marketing: true,
        });
        assert!(LetterKind::Decision.template(&r).is_err());
        assert!(LetterKind::Acknowledgement.template(&r).is_ok());
        let mut refused = r.clone();
        refused.decision = Some(Decision {
            outcome: Outcome::Refused,
            grounds: vec![],
            explanation: None,
            communicated_on: Some(date("2026-12-09")),
        });
        let NotNow(message) = LetterKind::Decision.template(&refused).unwrap_err();
        assert!(message.en.contains("direct marketing"));
        assert_eq!(LetterChannel::answering(Channel::WebForm), LetterChannel::Email);
        assert_eq!(LetterChannel::answering(Channel::Phone), LetterChannel::Post);
        assert_eq!(
            letter_date(date("2026-12-09"), Language::English),
            "9 December 2026"
        );
    }

    #[test]
    fn free_paragraphs_are_checked_by_name_and_form() {
        let issues = check_paragraphs(
            "decision",
            &BTreeMap::from([
                ("explanation".into(), "Goed.".into()),
                ("body".into(), "x".into()),
            ]),
        )
        .unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].field, "paragraphs.body");
        let kept = check_paragraphs(
            "decision",
            &BTreeMap::from([("explanation".into(), "  Goed. ".into())]),
        )
        .unwrap();
        assert_eq!(kept["explanation"], "Goed.");
    }
}
