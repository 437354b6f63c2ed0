//! Why a sign-in with the organisation's account was refused: one code per reason, for
//! the audit trail (`sign_in_refused`, `reason`) and the Dutch page the person sees.

use super::code_enum;

code_enum! {
    /// A refused sign-in through the organisation's OpenID Connect provider.
    pub enum Refusal ("sign-in refusal") {
        ProviderUnreachable = ("provider_unreachable", "Aanbieder niet bereikbaar", "Provider unreachable"),
        NoAttempt = ("no_attempt", "Geen lopende inlogpoging", "No sign-in under way"),
        WrongState = ("wrong_state", "Verkeerde state", "Wrong state"),
        ProviderError = ("provider_error", "Aanbieder meldt een fout", "Provider reported an error"),
        CodeRefused = ("code_refused", "Code geweigerd door de aanbieder", "Code refused by the provider"),
        InvalidToken = ("invalid_token", "Ongeldig ID-token", "Invalid ID token"),
        Expired = ("expired", "ID-token verlopen", "ID token expired"),
        WrongIssuer = ("wrong_issuer", "Verkeerde uitgever", "Wrong issuer"),
        WrongAudience = ("wrong_audience", "Verkeerde ontvanger", "Wrong audience"),
        WrongNonce = ("wrong_nonce", "Verkeerde nonce", "Wrong nonce"),
        BadSignature = ("bad_signature", "Ondertekening klopt niet", "Bad signature"),
        NoSecondFactor = ("no_second_factor", "Geen tweede factor", "No second factor"),
        UnknownUser = ("unknown_user", "Onbekende gebruiker", "Unknown user"),
        Deactivated = ("deactivated", "Gebruiker gedeactiveerd", "User deactivated"),
        UnverifiedEmail = ("unverified_email", "E-mailadres niet bevestigd", "E-mail address not verified"),
        BoundElsewhere = ("bound_elsewhere", "Gebruiker hoort bij een ander account", "User bound to another account"),
        NoRole = ("no_role", "Geen rol volgens de groepen", "No role from the groups"),
        NoTeam = ("no_team", "Geen team volgens de groepen", "No team from the groups"),
        DomainNotAllowed = ("domain_not_allowed", "Domein niet toegestaan", "Domain not allowed"),
    }
}

impl Refusal {
    /// What the person is told, in Dutch: what went wrong and what to do.
    pub fn explanation(self) -> &'static str {
        match self {
            Refusal::ProviderUnreachable => "De inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het over enkele minuten opnieuw, of log in met een persoonlijke sleutel als uw organisatie dat toestaat.",
            Refusal::NoAttempt => "Deze inlogpoging is verlopen of al gebruikt. Begin opnieuw op de inlogpagina.",
            Refusal::WrongState | Refusal::WrongNonce => "Het antwoord van de inlogdienst hoort niet bij deze inlogpoging. Begin opnieuw op de inlogpagina; lukt het dan niet, meld het bij de functionaris gegevensbescherming.",
            Refusal::ProviderError => "De inlogdienst van uw organisatie heeft het inloggen afgebroken. Begin opnieuw op de inlogpagina.",
            Refusal::CodeRefused => "De inlogdienst weigerde de inlogcode (verlopen of al gebruikt). Begin opnieuw op de inlogpagina.",
            Refusal::InvalidToken | Refusal::WrongIssuer | Refusal::WrongAudience | Refusal::BadSignature => "Het bewijs van de inlogdienst klopt niet, dus u bent niet ingelogd. Meld dit bij de functionaris gegevensbescherming.",
            Refusal::Expired => "Het bewijs van de inlogdienst was verlopen. Controleer of de klok van uw computer goed staat en begin opnieuw.",
            Refusal::NoSecondFactor => "Uw organisatie vraagt een tweede stap bij het inloggen (bijvoorbeeld een code uit een app). Log opnieuw in en gebruik die tweede stap.",
            Refusal::UnknownUser => "U bent met uw organisatie-account ingelogd, maar avg-loket kent u niet als gebruiker. Vraag de functionaris gegevensbescherming u toe te voegen.",
            Refusal::Deactivated => "Uw account in avg-loket is gedeactiveerd. Neem contact op met de functionaris gegevensbescherming.",
            Refusal::UnverifiedEmail => "De inlogdienst heeft uw e-mailadres niet als bevestigd gemeld, dus avg-loket kan u niet koppelen. Vraag de functionaris gegevensbescherming om hulp.",
            Refusal::BoundElsewhere => "Uw gebruiker in avg-loket is al gekoppeld aan een ander organisatie-account. Vraag de functionaris gegevensbescherming om hulp.",
            Refusal::DomainNotAllowed => "U bent ingelogd met een account van een domein dat avg-loket niet toelaat. Log in met het account van uw organisatie.",
            Refusal::NoRole | Refusal::NoTeam => "Uw organisatie-account zit niet in de groepen die toegang geven tot avg-loket. Vraag de functionaris gegevensbescherming om hulp.",
        }
    }
}
