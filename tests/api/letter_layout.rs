//! The letter as printed: every name the register accepts prints as registered, the
//! signature never stands alone on a page, and a word too long for its line breaks
//! instead of running off the page. The letters are composed from the sample cases of
//! `domain::letters::samples` and rendered in-process, as the service renders them;
//! the PDFs are read with `pdftotext` (poppler-utils).

use std::collections::BTreeMap;
use std::process::Command;

use avg_loket::domain::intake::{AgeBand, Relation};
use avg_loket::domain::letters::{
    compose, default_paragraphs, samples, Client, Composed, LetterChannel, LetterKind, Templates,
};
use avg_loket::domain::organisation::{Organisation, OrganisationFile};
use avg_loket::domain::printable::PRINTABLE;
use avg_loket::domain::request::Request;
use avg_loket::domain::Language;
use chrono::NaiveDate;

use super::letters::pdf_text;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn organisation() -> Organisation {
    let file: OrganisationFile =
        toml::from_str(include_str!("../../organisation.example.toml")).expect("the example parses");
    file.validate().expect("the example is valid")
}

fn sample(kind: LetterKind, pick: impl Fn(&Request) -> bool) -> Request {
    samples::cases()
        .into_iter()
        .find(|(k, r)| *k == kind && pick(r))
        .map(|(_, r)| r)
        .expect("a sample case")
}

/// The letter composed for `request` by post to `requester` (and `client`), with the
/// default paragraphs and `extra` over them.
fn letter(
    kind: LetterKind,
    request: &Request,
    requester: &str,
    client: Client<'_>,
    email: &str,
    extra: &[(&str, String)],
) -> Composed {
    let organisation = organisation();
    let templates = Templates::new(&[]).unwrap();
    let address = samples::address();
    let case = samples::case(request, client, requester, email, &address);
    let template = kind.template(request).unwrap();
    let mut paragraphs: BTreeMap<String, String> =
        default_paragraphs(template, &case, &organisation, Language::Dutch);
    for (name, text) in extra {
        paragraphs.insert(name.to_string(), text.clone());
    }
    compose(
        kind,
        &case,
        &organisation,
        &paragraphs,
        Language::Dutch,
        LetterChannel::Post,
        date("2026-12-09"),
        false,
        &templates,
    )
    .expect("the letter composes")
}

fn render(composed: &Composed) -> Vec<u8> {
    let json = composed.layout.to_string();
    avg_loket_letter_pdf::render(&avg_loket_letter_pdf::Letter {
        json: &json,
        logo: None,
        date: (2026, 12, 9),
        ident: "00000000-0000-0000-0000-000000000000",
    })
    .expect("the letter renders")
}

/// `pdftotext` with its options, on the PDF: its standard output.
fn poppler(pdf: &[u8], options: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(options)
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The text of each page (pdftotext ends each with a form feed).
fn pages(pdf: &[u8]) -> Vec<String> {
    let text = poppler(pdf, &[]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

#[test]
fn every_character_the_register_accepts_is_in_the_letter_fonts() {
    let mut missing = Vec::new();
    for (from, to) in PRINTABLE {
        for c in *from..=*to {
            if !avg_loket_letter_pdf::covers(c) {
                missing.push(format!("U+{:04X}", c as u32));
            }
        }
    }
    assert!(missing.is_empty(), "accepted but not printable: {missing:?}");
    // And what the register refuses is indeed what the fonts lack.
    for refused in ['😀', '王', '\u{1F3F3}'] {
        assert!(!avg_loket_letter_pdf::covers(refused), "{refused}");
    }
}

/// A name in each script Dutch care clients write their names in prints exactly as
/// registered, as the requester and as the client.
#[test]
fn names_in_every_accepted_script_print_as_registered() {
    let request = sample(LetterKind::Acknowledgement, |_| true);
    let names = [
        "Zoë van 't Hoff-Müller",
        "François Lefèvre-Ångström",
        "Ömer Çelik-Şahin",
        "İbrahim Yıldırım Ağaoğlu",
        "Małgorzata Wójcik-Żółć",
        "Nguyễn Thị Phương",
        "Γιώργος Παπαδόπουλος",
        "Олександр Шевченко",
        "محمد العلي",
        "אברהם כהן",
    ];
    for name in names {
        for as_client in [false, true] {
            let client = if as_client {
                Client {
                    relation: Relation::Authorised,
                    name: Some(name),
                    age_band: AgeBand::Adult,
                }
            } else {
                Client::itself(AgeBand::Adult)
            };
            let requester = if as_client { "J. de Vries" } else { name };
            let composed = letter(
                LetterKind::Acknowledgement,
                &request,
                requester,
                client,
                "j@example.nl",
                &[],
            );
            assert!(composed.missing.is_empty(), "{name}: {:?}", composed.missing);
            let text = pdf_text(&render(&composed));
            assert!(
                text.contains(name),
                "{name} (as client: {as_client}) is not in\n{text}"
            );
        }
    }
}

/// However long the letter, its last page carries the closing paragraph beside the
/// signature: a caseworker never posts a page with only a name on it.
#[test]
fn the_signature_never_stands_alone_on_a_page() {
    let refused = sample(LetterKind::Decision, |r| {
        r.decision.as_ref().is_some_and(|d| d.outcome.code() == "refused")
    });
    let mut page_counts = std::collections::BTreeSet::new();
    let mut explanation = String::new();
    for n in 0..48 {
        explanation.push_str(&format!(
            "Dit is zin {n} van de uitleg, die de lengte van de brief regel voor regel laat groeien. \
             Zo komt het einde van de brief steeds op een andere plaats op de pagina terecht. "
        ));
        let composed = letter(
            LetterKind::Decision,
            &refused,
            "J. de Vries",
            Client::itself(AgeBand::Adult),
            "j@example.nl",
            &[("explanation", explanation.clone())],
        );
        let pages = pages(&render(&composed));
        page_counts.insert(pages.len());
        let last = pages.last().unwrap();
        assert!(
            last.contains("Met vriendelijke groet") && last.contains("A. Jansen"),
            "{n}: {last}"
        );
        assert!(
            last.contains("Heeft u vragen?"),
            "{n}: the signature stands without the closing paragraph on page {}:\n{last}",
            pages.len()
        );
    }
    assert!(
        page_counts.len() >= 2,
        "the letters grew across a page break: {page_counts:?}"
    );
}

/// A name or an e-mail address longer than a line breaks inside the page's margins
/// and prints whole.
#[test]
fn a_word_too_long_for_its_line_breaks_instead_of_running_off_the_page() {
    let request = sample(LetterKind::Acknowledgement, |_| true);
    let long_name = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegt";
    let long_email = "heel.lang.adres.van.een.verzoeker.die.alles.voluit.schrijft@een-zeer-lange-domeinnaam-voorbeeld.example";
    let composed = letter(
        LetterKind::Acknowledgement,
        &request,
        long_name,
        Client::itself(AgeBand::Adult),
        long_email,
        &[(
            "note",
            format!("Uw kenmerk bij ons was {long_name}{long_name}. Uw e-mailadres is {long_email}."),
        )],
    );
    let pdf = render(&composed);
    // A4 is 595.28 pt wide; the right margin is 20 mm (56.7 pt).
    let right_edge = 595.28 - 56.69 + 1.0;
    let boxes = poppler(&pdf, &["-bbox"]);
    let mut widest = 0.0f64;
    for line in boxes.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let x_max: f64 = line
            .split("xMax=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("a word box has xMax");
        widest = widest.max(x_max);
    }
    assert!(
        widest <= right_edge,
        "a word runs to {widest} pt, past the margin at {right_edge} pt"
    );
    let text = pdf_text(&pdf);
    assert!(
        !text.contains('\u{200B}'),
        "no invisible characters in what copies: {text:?}"
    );
    let whole: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(whole.contains(long_name), "{whole}");
    assert!(whole.contains(&format!("{long_name}{long_name}")), "{whole}");
    assert!(whole.contains(long_email), "{whole}");
}
