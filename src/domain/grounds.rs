//! The refusal-ground catalogue (`GROUNDS.md`): a refusal or partial refusal names one
//! or more of these plus a written explanation.

use serde::Serialize;

use super::kind::KindCode;

#[derive(Debug, Clone, Serialize)]
pub struct RefusalGround {
    pub code: &'static str,
    pub label_nl: &'static str,
    pub label_en: &'static str,
    pub reference: &'static str,
    /// `None`: valid for every kind.
    #[serde(skip)]
    pub only_for: Option<&'static [KindCode]>,
    /// A note on using the ground, where the catalogue gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

impl RefusalGround {
    pub fn applies_to(&self, kind: KindCode) -> bool {
        self.only_for.is_none_or(|kinds| kinds.contains(&kind))
    }

    pub fn kinds(&self) -> Vec<KindCode> {
        KindCode::ALL
            .iter()
            .copied()
            .filter(|k| self.applies_to(*k))
            .collect()
    }
}

use KindCode::*;

const fn ground(
    code: &'static str,
    label_nl: &'static str,
    label_en: &'static str,
    reference: &'static str,
    only_for: Option<&'static [KindCode]>,
) -> RefusalGround {
    RefusalGround {
        code,
        label_nl,
        label_en,
        reference,
        only_for,
        note: None,
    }
}

pub static CATALOGUE: &[RefusalGround] = &[
    ground(
        "manifestly_unfounded",
        "Kennelijk ongegrond",
        "Manifestly unfounded",
        "AVG 12(5)(b)",
        None,
    ),
    ground(
        "excessive",
        "Buitensporig, met name door herhaling",
        "Excessive, in particular repetitive",
        "AVG 12(5)(b)",
        None,
    ),
    ground(
        "identity_not_confirmed",
        "Identiteit niet vastgesteld",
        "Identity could not be confirmed",
        "AVG 11(2), 12(2), 12(6)",
        None,
    ),
    ground(
        "prevention_of_crime",
        "Ter voorkoming van strafbare feiten",
        "Prevention of criminal offences",
        "UAVG 41(1)(d)",
        None,
    ),
    ground(
        "protection_of_data_subject",
        "Ter bescherming van de betrokkene",
        "Protection of the data subject",
        "UAVG 41(1)(i)",
        None,
    ),
    ground(
        "rights_of_others",
        "Ter bescherming van de rechten en vrijheden van anderen",
        "Rights and freedoms of others",
        "AVG 15(4), 20(4); UAVG 41(1)(i)",
        None,
    ),
    RefusalGround {
        code: "uavg41_other",
        label_nl: "Andere uitzondering van art. 41 UAVG (onderdeel vermelden)",
        label_en: "Other UAVG art. 41 exception (state which)",
        reference: "UAVG 41(1)(a)-(c),(e)-(h),(j)",
        only_for: None,
        note: Some("the explanation must name the sub-paragraph and why it is necessary and proportionate"),
    },
    ground(
        "data_accurate",
        "Gegevens zijn juist; eigen verklaring aangeboden",
        "Data are accurate; own statement offered",
        "AVG 16",
        Some(&[Rectification]),
    ),
    ground(
        "erasure_no_ground",
        "Geen grond voor wissing (art. 17 lid 1)",
        "No ground for erasure applies",
        "AVG 17(1)",
        Some(&[Erasure]),
    ),
    ground(
        "legal_retention_obligation",
        "Wettelijke bewaarplicht",
        "Legal obligation to retain",
        "AVG 17(3)(b)",
        Some(&[Erasure]),
    ),
    ground(
        "substantial_interest_of_another",
        "Aanmerkelijk belang van een ander dan de cliënt (bijv. huiselijk geweld, kindermishandeling)",
        "Substantial interest of another person (e.g. domestic violence, child abuse)",
        "UAVG 41(1)(i); cf. BW 7:455(2)",
        Some(&[Erasure]),
    ),
    ground(
        "public_health",
        "Algemeen belang op het gebied van volksgezondheid",
        "Public interest in public health",
        "AVG 17(3)(c)",
        Some(&[Erasure]),
    ),
    ground(
        "archiving_research",
        "Archivering, onderzoek of statistiek",
        "Archiving, research or statistics",
        "AVG 17(3)(d)",
        Some(&[Erasure]),
    ),
    ground(
        "legal_claims",
        "Instelling, uitoefening of onderbouwing van een rechtsvordering",
        "Establishment, exercise or defence of legal claims",
        "AVG 17(3)(e), 18(2), 21(1)",
        Some(&[Erasure, Restriction, Objection]),
    ),
    ground(
        "restriction_no_ground",
        "Geen grond voor beperking (art. 18 lid 1)",
        "No ground for restriction applies",
        "AVG 18(1)",
        Some(&[Restriction]),
    ),
    ground(
        "portability_legal_basis",
        "Verwerking niet gebaseerd op toestemming of overeenkomst",
        "Processing not based on consent or contract",
        "AVG 20(1)(a)",
        Some(&[Portability]),
    ),
    ground(
        "portability_not_automated",
        "Geen geautomatiseerde verwerking",
        "Processing not carried out by automated means",
        "AVG 20(1)(b)",
        Some(&[Portability]),
    ),
    ground(
        "portability_not_provided",
        "Gegevens niet door betrokkene zelf verstrekt",
        "Data not provided by the data subject",
        "AVG 20(1)",
        Some(&[Portability]),
    ),
    ground(
        "objection_legal_basis",
        "Verwerking niet gebaseerd op art. 6 lid 1 sub e of f",
        "Processing not based on Art. 6(1)(e) or (f)",
        "AVG 21(1)",
        Some(&[Objection]),
    ),
    ground(
        "compelling_legitimate_grounds",
        "Dwingende gerechtvaardigde gronden die zwaarder wegen",
        "Compelling legitimate grounds that override",
        "AVG 21(1)",
        Some(&[Objection]),
    ),
];

pub fn find(code: &str) -> Option<&'static RefusalGround> {
    CATALOGUE.iter().find(|g| g.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_twenty_unique_grounds() {
        assert_eq!(CATALOGUE.len(), 20);
        let mut codes: Vec<_> = CATALOGUE.iter().map(|g| g.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 20);
    }

    #[test]
    fn validity_per_kind() {
        assert!(find("manifestly_unfounded").unwrap().applies_to(Objection));
        assert!(find("data_accurate").unwrap().applies_to(Rectification));
        assert!(!find("data_accurate").unwrap().applies_to(Erasure));
        assert_eq!(
            find("legal_claims").unwrap().kinds(),
            [Erasure, Restriction, Objection]
        );
        let for_access = CATALOGUE.iter().filter(|g| g.applies_to(Access)).count();
        assert_eq!(for_access, 7);
    }
}

impl RefusalGround {
    pub fn label(&self, language: super::Language) -> &'static str {
        match language {
            super::Language::Dutch => self.label_nl,
            super::Language::English => self.label_en,
        }
    }

    /// The ground in one plain sentence (B1), as a letter to the requester says it.
    pub fn plain(&self, language: super::Language) -> &'static str {
        let (nl, en) = plain_sentences(self.code);
        match language {
            super::Language::Dutch => nl,
            super::Language::English => en,
        }
    }
}

/// Each ground of the catalogue as a letter explains it: (Dutch at B1, English).
fn plain_sentences(code: &str) -> (&'static str, &'static str) {
    match code {
        "manifestly_unfounded" => (
            "Uw verzoek heeft duidelijk geen grond.",
            "Your request clearly has no basis.",
        ),
        "excessive" => (
            "U heeft hetzelfde verzoek al vaak gedaan, kort na elkaar.",
            "You have made the same request many times, shortly after each other.",
        ),
        "identity_not_confirmed" => (
            "Wij weten niet zeker dat u de persoon bent om wie het gaat, ook niet na onze vraag om meer informatie.",
            "We cannot be sure that you are the person concerned, even after we asked for more information.",
        ),
        "prevention_of_crime" => (
            "Het uitvoeren van uw verzoek kan het voorkomen of opsporen van strafbare feiten schaden.",
            "Carrying out your request could harm the prevention or investigation of criminal offences.",
        ),
        "protection_of_data_subject" => (
            "Wij doen dit om u zelf te beschermen.",
            "We do this to protect you.",
        ),
        "rights_of_others" => (
            "In de gegevens staat ook informatie over andere mensen, en hun privacy moeten wij ook beschermen.",
            "The data also hold information about other people, whose privacy we must protect too.",
        ),
        "uavg41_other" => (
            "Een andere uitzondering in de wet staat het niet toe; hieronder leggen wij uit welke en waarom.",
            "Another exception in the law does not allow it; we explain below which one and why.",
        ),
        "data_accurate" => (
            "Wij vinden de gegevens juist. U mag wel uw eigen verklaring aan uw dossier laten toevoegen.",
            "We consider the data accurate. You may have your own statement added to your file.",
        ),
        "erasure_no_ground" => (
            "Er is geen wettelijke reden om deze gegevens te verwijderen.",
            "There is no legal reason to erase these data.",
        ),
        "legal_retention_obligation" => (
            "De wet verplicht ons om deze gegevens nog te bewaren.",
            "The law requires us to keep these data for now.",
        ),
        "substantial_interest_of_another" => (
            "Het belang van een ander is groter, bijvoorbeeld omdat de gegevens iemand beschermen tegen geweld of mishandeling.",
            "Another person's interest weighs more, for example because the data protect someone against violence or abuse.",
        ),
        "public_health" => (
            "De gegevens zijn nodig voor de volksgezondheid.",
            "The data are needed for public health.",
        ),
        "archiving_research" => (
            "De gegevens zijn nodig voor archief, onderzoek of statistiek.",
            "The data are needed for archiving, research or statistics.",
        ),
        "legal_claims" => (
            "Wij hebben de gegevens nodig voor een (mogelijke) rechtszaak.",
            "We need the data for (possible) legal proceedings.",
        ),
        "restriction_no_ground" => (
            "Er is geen wettelijke reden om het gebruik van deze gegevens te beperken.",
            "There is no legal reason to restrict the use of these data.",
        ),
        "portability_legal_basis" => (
            "Wij gebruiken deze gegevens niet op basis van uw toestemming of een overeenkomst met u.",
            "We do not use these data on the basis of your consent or a contract with you.",
        ),
        "portability_not_automated" => (
            "Wij verwerken deze gegevens niet met de computer.",
            "We do not process these data by automated means.",
        ),
        "portability_not_provided" => (
            "U heeft deze gegevens niet zelf aan ons gegeven.",
            "You did not provide these data to us yourself.",
        ),
        "objection_legal_basis" => (
            "Wij gebruiken deze gegevens niet voor een taak van algemeen belang of voor een gerechtvaardigd belang, dus bezwaar is hier niet mogelijk.",
            "We do not use these data for a task in the public interest or for a legitimate interest, so objecting is not possible here.",
        ),
        "compelling_legitimate_grounds" => (
            "Wij hebben dringende redenen om de gegevens toch te gebruiken, en die wegen zwaarder dan uw belang.",
            "We have compelling reasons to keep using the data, and they outweigh your interest.",
        ),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod plain_tests {
    use super::*;

    #[test]
    fn every_ground_has_a_plain_sentence_in_both_languages() {
        for ground in CATALOGUE {
            let (nl, en) = plain_sentences(ground.code);
            assert!(nl.ends_with('.') && en.ends_with('.'), "{}", ground.code);
        }
    }
}
