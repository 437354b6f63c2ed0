//! The Dutch words the pages use for the codes of the domain.

/// `(code, label)`.
pub type Choice = (&'static str, &'static str);

pub const KINDS: [Choice; 6] = [
    ("access", "Inzage"),
    ("rectification", "Rectificatie (correctie of aanvulling)"),
    ("erasure", "Verwijdering"),
    ("restriction", "Beperking van de verwerking"),
    ("portability", "Overdraagbaarheid"),
    ("objection", "Bezwaar"),
];
pub const CHANNELS: [Choice; 6] = [
    ("phone", "Telefoon"),
    ("letter", "Brief"),
    ("email", "E-mail"),
    ("in_person", "Aan de balie"),
    ("web_form", "Webformulier"),
    ("online_dossier", "Online dossier"),
];
pub const RELATIONS: [Choice; 5] = [
    ("self", "De cliënt zelf"),
    ("parent", "Ouder"),
    ("guardian", "Voogd"),
    ("legal_representative", "Wettelijk vertegenwoordiger"),
    ("authorised", "Gemachtigde"),
];
pub const AGE_BANDS: [Choice; 4] = [
    ("adult", "18 jaar of ouder"),
    ("16_17", "16 of 17 jaar"),
    ("12_15", "12 tot en met 15 jaar"),
    ("under_12", "Jonger dan 12 jaar"),
];
pub const MODES: [Choice; 2] = [("correct", "Corrigeren"), ("supplement", "Aanvullen")];
pub const SCOPES: [Choice; 2] = [("data", "Bepaalde gegevens"), ("whole_file", "Het hele dossier")];
pub const STATUSES: [Choice; 7] = [
    ("received", "Ontvangen"),
    ("in_assessment", "In beoordeling"),
    ("awaiting_requester", "Wacht op de aanvrager"),
    ("in_execution", "In uitvoering"),
    ("completed", "Afgerond"),
    ("refused", "Afgewezen"),
    ("withdrawn", "Ingetrokken"),
];
pub const ACTIONS: [Choice; 8] = [
    ("assign", "Toewijzen"),
    ("start_assessment", "Beoordeling starten"),
    ("suspend", "Termijn stilzetten (wachten op de aanvrager)"),
    ("resume", "Hervatten"),
    ("extend", "Termijn verlengen"),
    ("decide", "Besluiten"),
    ("complete", "Afronden"),
    ("withdraw", "Intrekken"),
];
pub const IDENTITY_CHECKS: [Choice; 5] = [
    ("known_client", "Bekende cliënt"),
    ("id_document", "Identiteitsbewijs"),
    ("digid", "DigiD"),
    ("representative_documents", "Documenten van de vertegenwoordiger"),
    ("other", "Anders"),
];
pub const SUSPEND_REASONS: [Choice; 3] = [
    ("identity", "Identiteit nog niet vastgesteld"),
    ("representation", "Vertegenwoordiging nog niet aangetoond"),
    ("clarification", "Verduidelijking van het verzoek"),
];
pub const OUTCOMES: [Choice; 3] = [
    ("granted", "Toegewezen"),
    ("partially_granted", "Gedeeltelijk toegewezen"),
    ("refused", "Afgewezen"),
];

/// The label of `code` in `choices`, or the code itself.
pub fn label(choices: &[Choice], code: &str) -> String {
    choices
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| code.to_string())
}

/// An audit action as the timeline shows it.
pub fn event_label(action: &str) -> String {
    match action {
        "register" | "registered" => "Geregistreerd".into(),
        "anonymised" => "Persoonsgegevens verwijderd (bewaartermijn)".into(),
        other => label(&ACTIONS, other),
    }
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
    format!(
        "{} {} {} {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}
