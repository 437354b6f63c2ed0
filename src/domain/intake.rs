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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub age_band: AgeBand,
    pub client_reference: Option<String>,
    /// For a 12-15 year old who asks themselves: were the parents informed?
    pub parents_informed: Option<bool>,
}

/// The rules for minors and representation of the privacy statements of LEVgroep and
/// MEE Zuid-Limburg:
/// - under 12, the request comes from a parent, guardian or legal representative;
/// - 12-15 years, the parents are informed when the young person asks themselves;
/// - from 16 the subject acts alone: a parent is no longer a representative as such.
pub fn check_representation(requester: &Requester, subject: &Subject) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
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
    Some(value.to_string())
}

/// Like [`optional_text`], but the text is required.
pub fn required_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    let before = issues.len();
    let text = optional_text(field, value, max, issues);
    if text.is_none() && issues.len() == before {
        issues.push(FieldIssue::of(field, super::Message::required()));
    }
    text
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
        }
    }

    fn subject(age_band: AgeBand, parents_informed: Option<bool>) -> Subject {
        Subject {
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
