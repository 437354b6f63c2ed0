//! The words of the pages: choices on a form, from the domain's one vocabulary, and
//! dates in words.

use crate::domain::vocabulary::Code;

/// `(code, label)` of one choice on a form.
pub type Choice = (&'static str, &'static str);

/// Every code of `T` with its Dutch label, in the order of the code set.
pub fn choices<T: Code>() -> Vec<Choice> {
    T::ALL.iter().map(|c| (c.code(), c.label_nl())).collect()
}

/// A date as the caller is told it: "vrijdag 4 december 2026".
pub fn long_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ];
    format!(
        "{} {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        crate::domain::vocabulary::date_in_words(date)
    )
}

/// What a form calls the field an error is about ("requester.email" → "e-mailadres
/// van de verzoeker"). A field code is never shown to a person: one without a name of
/// its own is "dit veld".
pub fn field(field: &str) -> &'static str {
    let field = field.split('[').next().unwrap_or_default();
    if field.starts_with("paragraphs.") {
        return "vrije alinea";
    }
    if field.starts_with("missing.") {
        return "de brief";
    }
    match field {
        "name" => "naam",
        "email" => "e-mailadres",
        "role" => "rol",
        "teams" => "teams",
        "code" => "teamcode",
        "reminders" => "herinneringen",
        "language" => "taal",
        "subject.name" => "naam van de cliënt",
        "subject.client_reference" => "cliëntnummer",
        "subject.parents_informed" => "ouders geïnformeerd",
        "recipients_informed" => "geïnformeerde ontvangers",
        "recipients_note" => "waarom geen ontvangers",
        "dated_on" => "datum op de brief",
        "version" => "versie van het verzoek",
        "duplicate_of" => "dubbel van",
        "requester.name" => "naam van de verzoeker",
        "requester.email" => "e-mailadres van de verzoeker",
        "requester.phone" => "telefoonnummer van de verzoeker",
        "requester.postal_address" => "postadres van de verzoeker",
        "requester.address.line" => "straat en huisnummer",
        "requester.address.postcode" => "postcode",
        "requester.address.city" => "plaats",
        "requester.language" => "taal van de brieven",
        "sent_on" => "verzenddatum",
        "requester.client_reference" => "cliëntnummer",
        "requester.relation" => "relatie tot de cliënt",
        "subject.age_band" => "leeftijd van de cliënt",
        "received_on" => "ontvangen op",
        "channel" => "kanaal",
        "kind" => "soort verzoek",
        "team" => "team",
        "assignee" => "behandelaar",
        "description" => "omschrijving",
        "mode" => "aard van de rectificatie",
        "scope" => "omvang van de verwijdering",
        "related_request" => "bijbehorend verzoek",
        "direct_marketing" => "direct marketing",
        "outcome" => "besluit",
        "grounds" => "weigeringsgronden",
        "explanation" => "toelichting",
        "communicated_on" => "meegedeeld op",
        "completed_on" => "uitgevoerd op",
        "summary" => "samenvatting",
        "until" => "verlengd tot",
        "informed_on" => "verzoeker geïnformeerd op",
        "reason" => "reden",
        "note" => "notitie",
        "asked_on" => "gevraagd op",
        "identity_verified_by" => "identiteit vastgesteld via",
        "on" => "datum",
        _ => "dit veld",
    }
}

/// A date in a table: "04-12-2026" (sentences use [`long_date`]).
pub fn short_date(date: chrono::NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// "1 veld moet", "3 velden moeten" (worden aangepast).
pub fn fields_to_fix(n: usize) -> String {
    format!(
        "{} {}",
        count(n as i64, "veld", "velden"),
        if n == 1 { "moet" } else { "moeten" }
    )
}

/// A number with its noun in agreement: "1 werkdag", "3 werkdagen".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
