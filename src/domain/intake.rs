//! What the front desk records when a request comes in, and the rules it must meet.
//!
//! Minimal data: the requester's name and contact, their relation to the subject, the
//! subject's age band (never a birth date) and the client reference in the case system.
//! Never a BSN.

use chrono::NaiveDate;

use super::vocabulary::date_in_words;
use super::{code_enum, FieldIssue};

code_enum! {
    /// How the request reached the organisation.
    pub enum Channel ("channel") {
        Phone = ("phone", "Telefoon", "Phone"),
        Letter = ("letter", "Brief", "Letter"),
        Email = ("email", "E-mail", "E-mail"),
        InPerson = ("in_person", "Aan de balie", "In person"),
        OnlineDossier = ("online_dossier", "Online dossier", "Online file"),
        WebForm = ("web_form", "Webformulier", "Web form"),
    }
}

code_enum! {
    /// Who asks, relative to the person the data are about.
    pub enum Relation ("relation") {
        SelfRequester = ("self", "De cliënt zelf", "The client themself"),
        Parent = ("parent", "Ouder", "Parent"),
        Guardian = ("guardian", "Voogd", "Guardian"),
        LegalRepresentative = ("legal_representative", "Wettelijk vertegenwoordiger", "Legal representative"),
        Authorised = ("authorised", "Gemachtigde", "Authorised person"),
    }
}

code_enum! {
    /// The subject's age band; the privacy statements' rules for minors depend on it.
    pub enum AgeBand ("age band") {
        Under12 = ("under_12", "Jonger dan 12 jaar", "Under 12"),
        From12To15 = ("12_15", "12 tot en met 15 jaar", "12 to 15"),
        From16To17 = ("16_17", "16 of 17 jaar", "16 or 17"),
        Adult = ("adult", "18 jaar of ouder", "18 or older"),
    }
}

/// GDPR applies from this day; no request can have been received earlier.
pub fn gdpr_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 5, 25).expect("valid date")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub relation: Relation,
    /// Only for letters by post.
    pub address: Option<PostalAddress>,
    /// The language of the letters to the requester.
    pub language: super::Language,
}

/// The requester's postal address (only for letters by post).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PostalAddress {
    pub line: String,
    pub postcode: String,
    pub city: String,
}

/// The client: the person the data are about. Often not the requester (a daughter
/// asks for her mother's file, parents for their child's): then the client is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The client's name: required when someone else asks on their behalf.
    pub name: Option<String>,
    pub age_band: AgeBand,
    pub client_reference: Option<String>,
    /// For a 12-15 year old who asks themselves: were the parents informed?
    pub parents_informed: Option<bool>,
}

impl Subject {
    /// An adult client, named by the requester (who is the client), with their client
    /// number if known.
    pub fn adult(client_reference: Option<String>) -> Self {
        Subject {
            name: None,
            age_band: AgeBand::Adult,
            client_reference,
            parents_informed: None,
        }
    }
}

impl Requester {
    /// A client who asks for their own data, in Dutch, with no address to write to
    /// yet.
    pub fn themselves(name: impl Into<String>) -> Self {
        Requester {
            name: name.into(),
            email: None,
            phone: None,
            relation: Relation::SelfRequester,
            address: None,
            language: crate::domain::Language::Dutch,
        }
    }

    /// Does the requester ask for someone else (the client)?
    pub fn on_behalf(&self) -> bool {
        self.relation != Relation::SelfRequester
    }
}

/// The rules for minors and representation of the privacy statements of LEVgroep and
/// MEE Zuid-Limburg:
/// - under 12, the request comes from a parent, guardian or legal representative;
/// - 12-15 years, the parents are informed when the young person asks themselves;
/// - from 16 the subject acts alone: a parent is no longer a representative as such;
/// - whoever asks for someone else names that person, the client.
pub fn check_representation(requester: &Requester, subject: &Subject) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if requester.on_behalf() && subject.name.is_none() {
        issues.push(FieldIssue::new(
            "subject.name",
            "is required when someone else asks on the client's behalf: the name of the client whose data the request is about",
            "vul de naam van de cliënt in: het verzoek komt van iemand anders dan de cliënt zelf",
        ));
    }
    match (subject.age_band, requester.relation) {
        (AgeBand::Under12, Relation::SelfRequester | Relation::Authorised) => issues.push(FieldIssue::new(
            "requester.relation",
            "for a child under 12 the request comes from a parent, guardian or legal representative",
            "voor een kind jonger dan 12 komt het verzoek van een ouder, voogd of wettelijk vertegenwoordiger",
        )),
        (AgeBand::From12To15, Relation::SelfRequester) if subject.parents_informed != Some(true) => {
            issues.push(FieldIssue::new(
                "subject.parents_informed",
                "for a 12-15 year old who asks themselves, the parents or legal representative must be informed (set true once they are)",
                "als een jongere van 12 tot en met 15 zelf vraagt, worden de ouders of de wettelijk vertegenwoordiger geïnformeerd; vink dit aan zodra dat is gebeurd",
            ))
        }
        (AgeBand::From16To17 | AgeBand::Adult, Relation::Parent) => issues.push(FieldIssue::new(
            "requester.relation",
            "from 16 the subject acts alone; a parent can ask only as guardian, legal representative or when authorised",
            "vanaf 16 jaar vraagt de cliënt zelf; een ouder kan alleen vragen als voogd, wettelijk vertegenwoordiger of gemachtigde",
        )),
        _ => {}
    }
    issues
}

/// Trims free text and checks its length; `None` when empty.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if value.chars().count() > max {
        issues.push(FieldIssue::new(
            field,
            format!("at most {max} characters"),
            format!("hoogstens {max} tekens"),
        ));
        return None;
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        issues.push(FieldIssue::new(
            field,
            "must not contain control characters",
            "mag geen stuurtekens bevatten",
        ));
        return None;
    }
    // What the register keeps may reach a letter: only what a letter can print.
    if let Some(issue) = super::printable::check(field, value) {
        issues.push(issue);
        return None;
    }
    Some(value.to_string())
}

/// Like [`optional_text`], for a field of one line (a name, an address line, a
/// number): no line breaks or tabs either, which would break a CSV row, a log line,
/// a letter's address block or a listing.
pub fn optional_line(
    field: &str,
    value: Option<&str>,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    let text = optional_text(field, value, max, issues)?;
    if text.contains(['\n', '\r', '\t']) {
        issues.push(FieldIssue::new(
            field,
            "must be one line, without line breaks or tabs",
            "moet op één regel, zonder regeleinden of tabs",
        ));
        return None;
    }
    Some(text)
}

/// Like [`optional_line`], but the line is required.
pub fn required_line(
    field: &str,
    value: Option<&str>,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    required(field, issues, |issues| optional_line(field, value, max, issues))
}

/// Like [`optional_text`], but the text is required.
pub fn required_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    required(field, issues, |issues| optional_text(field, value, max, issues))
}

/// What `read` makes of an optional field, with "required" when it found nothing and
/// had nothing else to say about it.
fn required(
    field: &str,
    issues: &mut Vec<FieldIssue>,
    read: impl FnOnce(&mut Vec<FieldIssue>) -> Option<String>,
) -> Option<String> {
    let before = issues.len();
    let value = read(issues);
    if value.is_none() && issues.len() == before {
        issues.push(FieldIssue::of(field, super::Message::required()));
    }
    value
}

/// A plausible e-mail address: one `@`, something on both sides, a dot in the domain.
pub fn check_email(field: &str, value: &str, issues: &mut Vec<FieldIssue>) {
    let valid = value.len() <= 254
        && !value.contains(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        issues.push(FieldIssue::new(
            field,
            "is not an e-mail address",
            "is geen e-mailadres (zoals naam@voorbeeld.nl)",
        ));
    }
}

/// Digits with optional `+`, spaces, dashes and parentheses; 6-20 digits.
pub fn check_phone(field: &str, value: &str, issues: &mut Vec<FieldIssue>) {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let valid =
        value.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) && (6..=20).contains(&digits);
    if !valid {
        issues.push(FieldIssue::new(
            field,
            "is not a phone number (digits, +, spaces and dashes)",
            "is geen telefoonnummer (cijfers, +, spaties en streepjes)",
        ));
    }
}

/// A date a person reports: not in the future, not before `not_before` (described
/// by `not_before_what`, "the date of receipt" / "de datum van ontvangst").
pub fn check_past_date(
    field: &str,
    date: NaiveDate,
    not_before: NaiveDate,
    not_before_what: (&str, &str),
    today: NaiveDate,
    issues: &mut Vec<FieldIssue>,
) {
    let (what_en, what_nl) = not_before_what;
    if date > today {
        issues.push(FieldIssue::new(
            field,
            format!("{date} lies in the future (today is {today})"),
            format!(
                "{} ligt in de toekomst (vandaag is het {})",
                date_in_words(date),
                date_in_words(today)
            ),
        ));
    } else if date < not_before {
        issues.push(FieldIssue::new(
            field,
            format!("{date} lies before {what_en} ({not_before})"),
            format!(
                "{} ligt vóór {what_nl} ({})",
                date_in_words(date),
                date_in_words(not_before)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requester(relation: Relation) -> Requester {
        Requester {
            name: "x".into(),
            email: None,
            phone: None,
            relation,
            address: None,
            language: crate::domain::Language::Dutch,
        }
    }

    fn subject(age_band: AgeBand, parents_informed: Option<bool>) -> Subject {
        Subject {
            name: Some("G. Ruiter".into()),
            age_band,
            client_reference: None,
            parents_informed,
        }
    }

    #[test]
    fn minors_and_representation() {
        use AgeBand::*;
        use Relation::*;
        let ok = |r, a, p| check_representation(&requester(r), &subject(a, p)).is_empty();
        assert!(ok(Parent, Under12, None));
        assert!(ok(Guardian, Under12, None));
        assert!(!ok(SelfRequester, Under12, None));
        assert!(!ok(SelfRequester, From12To15, None));
        assert!(!ok(SelfRequester, From12To15, Some(false)));
        assert!(ok(SelfRequester, From12To15, Some(true)));
        assert!(ok(Parent, From12To15, None));
        assert!(ok(SelfRequester, From16To17, None));
        assert!(!ok(Parent, From16To17, None));
        assert!(!ok(Parent, Adult, None));
        assert!(ok(Authorised, Adult, None));
        assert!(ok(LegalRepresentative, Adult, None));
    }

    #[test]
    fn whoever_asks_for_someone_else_names_the_client() {
        let mut unnamed = subject(AgeBand::Adult, None);
        unnamed.name = None;
        for relation in [
            Relation::Authorised,
            Relation::Guardian,
            Relation::LegalRepresentative,
        ] {
            let issues = check_representation(&requester(relation), &unnamed);
            assert_eq!(issues.len(), 1, "{relation}");
            assert_eq!(issues[0].field, "subject.name");
            assert!(issues[0].message.nl.contains("naam van de cliënt"));
        }
        assert!(check_representation(&requester(Relation::SelfRequester), &unnamed).is_empty());
        assert!(
            check_representation(&requester(Relation::Authorised), &subject(AgeBand::Adult, None)).is_empty()
        );
    }

    #[test]
    fn contact_details() {
        let mut issues = Vec::new();
        check_email("e", "j@example.nl", &mut issues);
        check_phone("p", "+31 6 1234 5678", &mut issues);
        assert!(issues.is_empty());
        for bad in ["j", "j@", "@x.nl", "j@x", "j @x.nl", "j@x.nl."] {
            check_email("e", bad, &mut issues);
        }
        assert_eq!(issues.len(), 6);
        issues.clear();
        for bad in ["12345", "06-abc", "0612345678901234567890"] {
            check_phone("p", bad, &mut issues);
        }
        assert_eq!(issues.len(), 3);
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        let mut issues = Vec::new();
        assert_eq!(
            required_text("n", Some("  x "), 5, &mut issues).as_deref(),
            Some("x")
        );
        assert_eq!(required_text("n", Some("   "), 5, &mut issues), None);
        assert_eq!(required_text("n", Some("123456"), 5, &mut issues), None);
        assert_eq!(optional_text("n", None, 5, &mut issues), None);
        assert_eq!(issues.len(), 2);
    }
}

/// Everything the front desk records about who asks and whom it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub channel: Channel,
    pub requester: Requester,
    pub subject: Subject,
    pub description: Option<String>,
}

/// A correction of what was registered: each `Some` replaces what is there; for a
/// detail that may be absent, `Some(None)` removes it. The values are checked for
/// form already (an e-mail address is one); [`Intake::corrected`] checks the rules
/// that concern them together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeCorrection {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub relation: Option<Relation>,
    pub subject_name: Option<Option<String>>,
    pub age_band: Option<AgeBand>,
    pub client_reference: Option<Option<String>>,
    pub parents_informed: Option<Option<bool>>,
    pub description: Option<Option<String>>,
    pub address: Option<Option<PostalAddress>>,
    pub language: Option<super::Language>,
}

impl Intake {
    /// The intake as corrected, with the fields that changed (by their API names:
    /// what the audit trail records, never the values), and what breaks the rules
    /// for minors and representation in the result (nothing, to be kept).
    pub fn corrected(&self, c: &IntakeCorrection) -> (Intake, Vec<&'static str>, Vec<FieldIssue>) {
        fn set<T: Clone + PartialEq>(
            field: &'static str,
            target: &mut T,
            value: &Option<T>,
            changed: &mut Vec<&'static str>,
        ) {
            if let Some(value) = value {
                if value != target {
                    *target = value.clone();
                    changed.push(field);
                }
            }
        }
        let mut next = self.clone();
        let mut changed = Vec::new();
        let (requester, subject) = (&mut next.requester, &mut next.subject);
        set("requester.name", &mut requester.name, &c.name, &mut changed);
        set("requester.email", &mut requester.email, &c.email, &mut changed);
        set("requester.phone", &mut requester.phone, &c.phone, &mut changed);
        set(
            "requester.relation",
            &mut requester.relation,
            &c.relation,
            &mut changed,
        );
        set("subject.name", &mut subject.name, &c.subject_name, &mut changed);
        set(
            "subject.age_band",
            &mut subject.age_band,
            &c.age_band,
            &mut changed,
        );
        set(
            "subject.client_reference",
            &mut subject.client_reference,
            &c.client_reference,
            &mut changed,
        );
        set(
            "subject.parents_informed",
            &mut subject.parents_informed,
            &c.parents_informed,
            &mut changed,
        );
        set("description", &mut next.description, &c.description, &mut changed);
        set(
            "requester.address",
            &mut next.requester.address,
            &c.address,
            &mut changed,
        );
        set(
            "requester.language",
            &mut next.requester.language,
            &c.language,
            &mut changed,
        );
        let issues = check_representation(&next.requester, &next.subject);
        (next, changed, issues)
    }
}

/// The longest key kept for finding a name: a search is a prefix of a few words.
const MAX_KEY: usize = 64;

/// A name or a search as it is compared: lower case, accents removed ("Müller" and
/// "muller" are one), every run of anything but letters and digits one space.
pub fn fold(text: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    let mut folded = String::with_capacity(text.len());
    for c in text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
    {
        if c.is_alphanumeric() {
            folded.push(c);
        } else if !folded.is_empty() && !folded.ends_with(' ') {
            folded.push(' ');
        }
    }
    let folded = folded.trim_end();
    match folded.char_indices().nth(MAX_KEY) {
        Some((end, _)) => folded[..end].trim_end().to_string(),
        None => folded.to_string(),
    }
}

/// The keys a request is found under: those of the requester's name and of the
/// client's, when someone else asked (each key once).
pub fn intake_keys(intake: &Intake) -> Vec<String> {
    request_keys(&intake.requester.name, intake.subject.name.as_deref())
}

/// The keys of the requester's and the client's names (each key once).
pub fn request_keys(requester_name: &str, subject_name: Option<&str>) -> Vec<String> {
    let mut keys = name_keys(requester_name);
    for key in subject_name.map(name_keys).unwrap_or_default() {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// A client number as it is compared: without the spaces around it, in lower case
/// ("D-10442" and "d-10442" are one).
pub fn client_key(reference: &str) -> String {
    reference.trim().to_lowercase()
}

/// The keys a name is found under: the folded name from each word on
/// ("J. de Vries" → "j de vries", "de vries", "vries"), so that a search for the
/// start of the name or of any word in it is a prefix of one of them.
pub fn name_keys(name: &str) -> Vec<String> {
    let folded = fold(name);
    let mut keys: Vec<String> = std::iter::once(0)
        .chain(folded.match_indices(' ').map(|(at, _)| at + 1))
        .map(|at| folded[at..].to_string())
        .filter(|key| !key.is_empty())
        .collect();
    keys.dedup();
    keys
}

#[cfg(test)]
mod search_tests {
    use super::*;

    #[test]
    fn names_fold_to_lower_case_without_accents_or_punctuation() {
        assert_eq!(fold("  J. de  Vries "), "j de vries");
        assert_eq!(fold("Müller-Lüdenscheidt"), "muller ludenscheidt");
        assert_eq!(fold("Çelik, Ömer"), "celik omer");
        assert_eq!(fold("ÉÈËê"), "eeee");
        assert_eq!(fold("..."), "");
        assert_eq!(fold(&"a".repeat(100)).len(), MAX_KEY);
    }

    #[test]
    fn a_name_is_found_from_each_of_its_words() {
        assert_eq!(name_keys("J. de Vries"), ["j de vries", "de vries", "vries"]);
        assert_eq!(name_keys("Vries"), ["vries"]);
        assert!(name_keys("").is_empty());
        let keys = name_keys("Fenna van den Berg-Çelik");
        for search in ["fenna", "van den", "berg", "celik", "berg c"] {
            assert!(keys.iter().any(|k| k.starts_with(&fold(search))), "{search}");
        }
        assert!(
            !keys.iter().any(|k| k.starts_with("enna")),
            "not from inside a word"
        );
    }

    #[test]
    fn a_correction_names_the_fields_that_changed_and_checks_representation_again() {
        let intake = Intake {
            channel: Channel::Phone,
            requester: Requester {
                email: Some("j@example.nl".into()),
                ..Requester::themselves("J. de Vries")
            },
            subject: Subject::adult(None),
            description: Some("dossier".into()),
        };
        let correction = IntakeCorrection {
            name: Some("J. de Vries".into()),
            email: Some(None),
            client_reference: Some(Some("D-1".into())),
            description: Some(Some("dossier".into())),
            ..Default::default()
        };
        let (next, changed, issues) = intake.corrected(&correction);
        assert!(issues.is_empty());
        assert_eq!(changed, ["requester.email", "subject.client_reference"]);
        assert_eq!(next.requester.email, None);
        assert_eq!(next.subject.client_reference.as_deref(), Some("D-1"));
        let (_, none, _) = intake.corrected(&IntakeCorrection::default());
        assert!(none.is_empty());
        let child = IntakeCorrection {
            age_band: Some(AgeBand::Under12),
            ..Default::default()
        };
        let (_, changed, issues) = intake.corrected(&child);
        assert_eq!(changed, ["subject.age_band"]);
        assert_eq!(issues[0].field, "requester.relation");
    }
}
