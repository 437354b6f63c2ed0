//! The organisation that answers the requests: its letterhead, its privacy officer
//! (functionaris gegevensbescherming), the judicial route its decisions name, its own
//! complaint procedure and the standard texts its completion letters start from
//! (docs/letters.md). An operator writes them in the organisation file
//! (`AVG_LOKET_ORGANISATION_FILE`, TOML); this module holds the file's shape
//! ([`OrganisationFile`]) and the rules that turn it into an [`Organisation`], naming
//! every field that breaks one. Reading the file is the configuration's business.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::code_enum;
use super::intake::{check_email, check_phone, optional_line, required_line, required_text};
use super::kind::KindCode;
use super::vocabulary::Code;
use super::FieldIssue;

code_enum! {
    /// What kind of controller the organisation is: it decides the judicial route a
    /// refusal names (UAVG art. 35 for a private organisation, 34 for a public body).
    pub enum ControllerType ("controller_type") {
        Private = ("private", "Privaatrechtelijke organisatie", "Private organisation"),
        PublicBody = ("public_body", "Bestuursorgaan", "Public body"),
    }
}

impl ControllerType {
    /// The judicial remedy after a (partial) refusal, as a decision letter names it.
    pub fn judicial_route(self) -> (&'static str, &'static str) {
        match self {
            ControllerType::Private => (
                "a petition (verzoekschrift) to the district court within six weeks (UAVG art. 35)",
                "een verzoekschrift aan de rechtbank, binnen zes weken (artikel 35 UAVG)",
            ),
            ControllerType::PublicBody => (
                "an objection (bezwaar) under the Awb within six weeks (UAVG art. 34)",
                "bezwaar op grond van de Awb, binnen zes weken (artikel 34 UAVG)",
            ),
        }
    }
}

/// The art. 15(1) elements of an access completion letter that an organisation takes
/// from its privacy statement; each is required under `[texts.access]`.
pub const ACCESS_TEXTS: [(&str, &str); 6] = [
    ("purposes", "the purposes of the processing"),
    ("categories", "the categories of personal data"),
    ("recipients", "the recipients or categories of recipients"),
    ("retention", "the retention period or the criteria that decide it"),
    ("source", "the source of data not obtained from the requester"),
    (
        "automated_decisions",
        "whether there is automated decision-making",
    ),
];

/// The texts other kinds' completion letters may add (all optional).
fn optional_texts(kind: KindCode) -> &'static [&'static str] {
    match kind {
        KindCode::Access => &[],
        KindCode::Portability => &["format", "note"],
        _ => &["note"],
    }
}

/// The suffix of a standard text's variant for a letter to someone who asks on the
/// client's behalf (`texts.access.purposes_on_behalf`).
pub const ON_BEHALF: &str = "_on_behalf";

/// At most this many characters per standard text.
const TEXT_MAX: usize = 4000;

/// The organisation file as written; every field is optional here so that a missing
/// one is named by the rules, not by the parser.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFile {
    pub name: Option<String>,
    pub address: Option<Vec<String>>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub privacy_officer: Option<ContactFile>,
    pub controller_type: Option<String>,
    pub complaints_url: Option<String>,
    pub logo: Option<String>,
    #[serde(default)]
    pub texts: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactFile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A person or desk to contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The organisation as the letters use it, every rule checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    /// Street lines of the postal address, without postcode and city.
    pub address: Vec<String>,
    /// `1234 AB`.
    pub postcode: String,
    pub city: String,
    pub phone: String,
    /// Sender and reply-to of letters by e-mail.
    pub email: String,
    pub website: Option<String>,
    pub privacy_officer: Contact,
    pub controller_type: ControllerType,
    /// The organisation's own complaint procedure, where it has one.
    pub complaints_url: Option<String>,
    /// A PNG or SVG file for the letterhead, as written (relative to the file).
    pub logo: Option<String>,
    /// Standard texts of the completion letters, by kind and name.
    pub texts: BTreeMap<KindCode, BTreeMap<String, String>>,
}

impl Organisation {
    /// Is this still the example of the repository (a fictitious foundation)? Its
    /// addresses are in `.example`, a domain no real organisation has.
    pub fn is_example(&self) -> bool {
        let fictitious = |address: &str| {
            address
                .trim_end_matches('/')
                .to_ascii_lowercase()
                .ends_with(".example")
        };
        fictitious(&self.email)
            || fictitious(&self.privacy_officer.email)
            || self.website.as_deref().is_some_and(fictitious)
    }

    /// A standard text of a completion letter (`texts.access.purposes`).
    pub fn text(&self, kind: KindCode, name: &str) -> Option<&str> {
        self.texts.get(&kind)?.get(name).map(String::as_str)
    }
}

impl OrganisationFile {
    /// The organisation, or every field that breaks a rule (by its path in the file).
    pub fn validate(self) -> Result<Organisation, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let name = required_line("name", self.name.as_deref(), 200, &mut issues);
        let address = address_lines(self.address, &mut issues);
        let postcode = postcode(self.postcode.as_deref(), &mut issues);
        let city = required_line("city", self.city.as_deref(), 100, &mut issues);
        let phone = required_line("phone", self.phone.as_deref(), 40, &mut issues);
        if let Some(phone) = &phone {
            check_phone("phone", phone, &mut issues);
        }
        let email = required_email("email", self.email.as_deref(), &mut issues);
        let website = web_address("website", self.website.as_deref(), &mut issues);
        let privacy_officer = contact("privacy_officer", self.privacy_officer, &mut issues);
        let controller_type = match self.controller_type.as_deref().map(str::trim) {
            None | Some("") => {
                issues.push(FieldIssue::new(
                    "controller_type",
                    "is required: 'private' (a foundation or company: petition to the district court, UAVG 35) or 'public_body' (objection under the Awb, UAVG 34)",
                    "is verplicht: ‘private’ (stichting of bedrijf) of ‘public_body’ (bestuursorgaan)",
                ));
                None
            }
            Some(value) => ControllerType::parse(value)
                .map_err(|invalid| issues.push(FieldIssue::of("controller_type", invalid.0)))
                .ok(),
        };
        let complaints_url = web_address("complaints_url", self.complaints_url.as_deref(), &mut issues);
        let logo = optional_line("logo", self.logo.as_deref(), 500, &mut issues);
        if let Some(logo) = &logo {
            let lower = logo.to_ascii_lowercase();
            if !(lower.ends_with(".png") || lower.ends_with(".svg")) {
                issues.push(FieldIssue::new(
                    "logo",
                    "is not a PNG or SVG file (.png or .svg)",
                    "is geen PNG- of SVG-bestand (.png of .svg)",
                ));
            }
        }
        let texts = standard_texts(self.texts, &mut issues);
        let organisation = (|| {
            Some(Organisation {
                name: name?,
                address: address?,
                postcode: postcode?,
                city: city?,
                phone: phone?,
                email: email?,
                website,
                privacy_officer: privacy_officer?,
                controller_type: controller_type?,
                complaints_url,
                logo,
                texts,
            })
        })();
        match organisation {
            Some(organisation) if issues.is_empty() => Ok(organisation),
            _ => Err(issues),
        }
    }
}

fn address_lines(lines: Option<Vec<String>>, issues: &mut Vec<FieldIssue>) -> Option<Vec<String>> {
    let lines = lines.unwrap_or_default();
    let before = issues.len();
    let kept: Vec<String> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| required_line(&format!("address[{i}]"), Some(line.as_str()), 100, issues))
        .collect();
    if lines.is_empty() || lines.len() > 3 {
        issues.push(FieldIssue::new(
            "address",
            "needs one to three lines (street and number; postcode and city have fields of their own)",
            "heeft één tot drie regels nodig (straat en huisnummer; postcode en plaats staan apart)",
        ));
    }
    (issues.len() == before).then_some(kept)
}

/// A Dutch postcode, `1234 AB` (also written `1234ab`).
fn postcode(value: Option<&str>, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let value = required_line("postcode", value, 10, issues)?;
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    // ASCII only, so that the split below falls on a character boundary.
    let compact = if compact.is_ascii() {
        compact
    } else {
        String::new()
    };
    let (digits, letters) = compact.split_at(compact.len().min(4));
    let valid = digits.len() == 4
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
        && letters.len() == 2
        && letters.chars().all(|c| c.is_ascii_alphabetic());
    if valid {
        Some(format!("{digits} {}", letters.to_ascii_uppercase()))
    } else {
        issues.push(FieldIssue::new(
            "postcode",
            format!("'{value}' is not a Dutch postcode (e.g. 1234 AB)"),
            format!("‘{value}’ is geen postcode (zoals 1234 AB)"),
        ));
        None
    }
}

fn required_email(field: &str, value: Option<&str>, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let email = required_line(field, value, 254, issues)?;
    let before = issues.len();
    check_email(field, &email, issues);
    (issues.len() == before).then_some(email)
}

/// An optional address on the web; letters print it, so it must be `https://`.
fn web_address(field: &str, value: Option<&str>, issues: &mut Vec<FieldIssue>) -> Option<String> {
    let url = optional_line(field, value, 300, issues)?;
    let host = url.strip_prefix("https://").unwrap_or("");
    if host.is_empty() || host.starts_with('/') || url.contains(char::is_whitespace) {
        issues.push(FieldIssue::new(
            field,
            format!("'{url}' is not a web address starting with https://"),
            format!("‘{url}’ is geen webadres dat begint met https://"),
        ));
        return None;
    }
    Some(url)
}

fn contact(field: &str, file: Option<ContactFile>, issues: &mut Vec<FieldIssue>) -> Option<Contact> {
    let Some(file) = file else {
        issues.push(FieldIssue::new(
            field,
            "is required: a [privacy_officer] table with name, email and (optionally) phone",
            "is verplicht: een tabel [privacy_officer] met name, email en eventueel phone",
        ));
        return None;
    };
    let name = required_line(&format!("{field}.name"), file.name.as_deref(), 200, issues);
    let email = required_email(&format!("{field}.email"), file.email.as_deref(), issues);
    let phone = optional_line(&format!("{field}.phone"), file.phone.as_deref(), 40, issues);
    if let Some(phone) = &phone {
        check_phone(&format!("{field}.phone"), phone, issues);
    }
    Some(Contact {
        name: name?,
        email: email?,
        phone,
    })
}

fn standard_texts(
    texts: BTreeMap<String, BTreeMap<String, String>>,
    issues: &mut Vec<FieldIssue>,
) -> BTreeMap<KindCode, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (kind_code, named) in texts {
        let field = format!("texts.{kind_code}");
        let Ok(kind) = KindCode::parse(&kind_code) else {
            issues.push(FieldIssue::of(field, KindCode::unknown(&kind_code).0));
            continue;
        };
        let allowed: Vec<&str> = match kind {
            KindCode::Access => ACCESS_TEXTS.iter().map(|(name, _)| *name).collect(),
            other => optional_texts(other).to_vec(),
        };
        let mut kept = BTreeMap::new();
        for (name, text) in named {
            let field = format!("{field}.{name}");
            // Each text may have a variant for someone who asks on the client's
            // behalf (`purposes_on_behalf`), written about the client, not to them.
            let base = name.strip_suffix(ON_BEHALF).unwrap_or(&name);
            if !allowed.contains(&base) {
                issues.push(FieldIssue::new(
                    &field,
                    format!(
                        "is no text of this kind (expected one of: {})",
                        allowed.join(", ")
                    ),
                    format!("is geen tekst van deze soort (kies uit: {})", allowed.join(", ")),
                ));
            } else if let Some(text) = required_text(&field, Some(text.as_str()), TEXT_MAX, issues) {
                kept.insert(name, text);
            }
        }
        out.insert(kind, kept);
    }
    let access = out.get(&KindCode::Access);
    for (name, what) in ACCESS_TEXTS {
        if access.is_none_or(|texts| !texts.contains_key(name)) {
            issues.push(FieldIssue::new(
                format!("texts.access.{name}"),
                format!("is required: {what}, from the privacy statement (AVG art. 15(1))"),
                format!("is verplicht: {what} (artikel 15, lid 1, AVG), uit de privacyverklaring"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_postcode_with_characters_beyond_ascii_is_refused_not_a_panic() {
        let mut issues = Vec::new();
        assert_eq!(postcode(Some("Ö\u{e2f24}"), &mut issues), None);
        assert_eq!(postcode(Some("12ÖÖAB"), &mut issues), None);
        assert_eq!(issues.len(), 2);
    }

    use super::*;

    fn complete() -> OrganisationFile {
        let mut access = BTreeMap::new();
        for (name, _) in ACCESS_TEXTS {
            access.insert(name.to_string(), format!("De {name}."));
        }
        OrganisationFile {
            name: Some("Stichting Welzijn Voorbeeldstad".into()),
            address: Some(vec!["Dorpsstraat 1".into()]),
            postcode: Some("1234ab".into()),
            city: Some("Voorbeeldstad".into()),
            phone: Some("030 123 45 67".into()),
            email: Some("post@welzijn.example".into()),
            website: None,
            privacy_officer: Some(ContactFile {
                name: Some("F. Gerritsen".into()),
                email: Some("fg@welzijn.example".into()),
                phone: None,
            }),
            controller_type: Some("private".into()),
            complaints_url: Some("https://welzijn.example/klachten".into()),
            logo: None,
            texts: BTreeMap::from([("access".to_string(), access)]),
        }
    }

    fn fields(file: OrganisationFile) -> Vec<String> {
        file.validate()
            .unwrap_err()
            .into_iter()
            .map(|i| i.field)
            .collect()
    }

    #[test]
    fn a_complete_file_is_an_organisation_with_its_postcode_written_the_dutch_way() {
        let organisation = complete().validate().unwrap();
        assert_eq!(organisation.postcode, "1234 AB");
        assert_eq!(organisation.controller_type, ControllerType::Private);
        assert_eq!(
            organisation.text(KindCode::Access, "purposes"),
            Some("De purposes.")
        );
        assert!(organisation
            .controller_type
            .judicial_route()
            .1
            .contains("artikel 35 UAVG"));
    }

    #[test]
    fn every_broken_field_is_named_by_its_path_in_the_file() {
        let mut file = complete();
        file.postcode = Some("12345".into());
        file.privacy_officer.as_mut().unwrap().email = Some("geen-adres".into());
        file.controller_type = Some("stichting".into());
        file.complaints_url = Some("http://welzijn.example".into());
        file.logo = Some("logo.jpg".into());
        file.texts.get_mut("access").unwrap().remove("retention");
        file.texts.insert(
            "erasure".into(),
            BTreeMap::from([("purposes".into(), "x".into())]),
        );
        file.texts.insert("inzage".into(), BTreeMap::new());
        assert_eq!(
            fields(file),
            [
                "postcode",
                "privacy_officer.email",
                "controller_type",
                "complaints_url",
                "logo",
                "texts.erasure.purposes",
                "texts.inzage",
                "texts.access.retention",
            ]
        );
    }

    #[test]
    fn what_is_missing_is_named_too() {
        let missing = fields(OrganisationFile::default());
        for field in [
            "name",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
            "privacy_officer",
            "controller_type",
            "texts.access.purposes",
        ] {
            assert!(missing.contains(&field.to_string()), "{field}: {missing:?}");
        }
    }

    #[test]
    fn the_judicial_route_follows_the_controller_type() {
        assert!(ControllerType::PublicBody
            .judicial_route()
            .0
            .contains("UAVG art. 34"));
        assert!(ControllerType::Private
            .judicial_route()
            .0
            .contains("UAVG art. 35"));
    }
}
