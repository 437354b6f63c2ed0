//! The one vocabulary: every closed set of codes names its codes in Dutch and English
//! in its own [`code_enum!`](super::code_enum) definition; this module holds what
//! they share — the [`Code`] trait, the language, how a label reads inside a
//! sentence, the OpenAPI schema of a code set. The table of `docs/vocabulary.md`,
//! which knows every code set, is [`super::glossary`].

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use super::code_enum;
use super::{one_of, Invalid};

code_enum! {
    /// The language of pages, mails and letters.
    pub enum Language ("language") {
        Dutch = ("nl", "Nederlands", "Dutch"),
        English = ("en", "Engels", "English"),
    }
}

/// What every code set offers, for code that works on any of them (choices on a
/// form, the vocabulary table, database columns).
pub trait Code: Copy + Eq + 'static {
    const ALL: &'static [Self];
    /// What the set is called in messages (`status`, `kind`, …).
    const WHAT: &'static str;
    fn code(self) -> &'static str;
    fn label_nl(self) -> &'static str;
    fn label_en(self) -> &'static str;

    fn label(self, language: Language) -> &'static str {
        match language {
            Language::Dutch => self.label_nl(),
            Language::English => self.label_en(),
        }
    }

    /// Why `value` is none of the codes: the codes for the API, the labels for a page.
    fn unknown(value: &str) -> Invalid {
        let codes: Vec<&str> = Self::ALL.iter().map(|c| c.code()).collect();
        let labels: Vec<&str> = Self::ALL.iter().map(|c| c.label_nl()).collect();
        Invalid::new(
            format!("unknown {} '{value}' (expected {})", Self::WHAT, one_of(&codes)),
            if value.is_empty() {
                format!("maak een keuze: {}", labels.join(", "))
            } else {
                format!("‘{value}’ is geen geldige keuze; kies uit: {}", labels.join(", "))
            },
        )
    }
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A date as a sentence says it in Dutch: "9 december 2026".
pub fn date_in_words(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// A label as it reads inside a sentence: "In beoordeling" → "in beoordeling"; a
/// first word that is an abbreviation or a name ("DigiD", "AVG") keeps its capitals.
pub fn in_sentence(label: &str) -> String {
    let first_word = label.split_whitespace().next().unwrap_or_default();
    let mut chars = first_word.chars();
    match chars.next() {
        Some(first) if first.is_uppercase() && chars.all(|c| !c.is_uppercase()) && first_word.len() > 1 => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// The schema of a code set: a string whose values are the codes, each explained by
/// its English label.
pub fn code_schema(what: &str, codes: &[(&str, &str)]) -> RefOr<Schema> {
    let explained: Vec<String> = codes
        .iter()
        .map(|(code, label)| format!("`{code}` ({label})"))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().map(|(code, _)| *code)))
        .description(Some(format!("A {what}: {}.", explained.join(", "))))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_lower_case_inside_a_sentence_but_names_keep_their_capitals() {
        assert_eq!(in_sentence("In beoordeling"), "in beoordeling");
        assert_eq!(in_sentence("DigiD"), "DigiD");
        assert_eq!(in_sentence("Wacht op de verzoeker"), "wacht op de verzoeker");
        assert_eq!(in_sentence("AVG 15"), "AVG 15");
        assert_eq!(in_sentence(""), "");
        assert_eq!(in_sentence("X"), "X");
    }
}
