//! The refusal-ground catalogue (`GET /api/v1/refusal-grounds`; the table in
//! docs/vocabulary.md): a refusal or partial refusal names one
//! or more of these plus a written explanation.

use serde::Serialize;

use super::kind::KindCode;

#[derive(Debug, Clone, Serialize)]
pub struct RefusalGround {
    pub code: &'static str,
    pub label_nl: &'static str,
    pub label_en: &'static str,
    /// The legal reference as the catalogue writes it (`AVG 17(3)(b)`).
    pub reference: &'static str,
    /// The same reference in Dutch legal notation, as letters and pages print it
    /// (`artikel 17, lid 3, onder b, AVG`).
    pub reference_nl: &'static str,
    /// In English, as English letters print it (`Article 17(3)(b) GDPR`).
    pub reference_en: &'static str,
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
    references: [&'static str; 3],
    only_for: Option<&'static [KindCode]>,
) -> RefusalGround {
    let [reference, reference_nl, reference_en] = references;
    RefusalGround {
        code,
        label_nl,
        label_en,
        reference,
        reference_nl,
        reference_en,
        only_for,
        note: None,
    }
}

pub static CATALOGUE: &[RefusalGround] = &[
    ground(
        "manifestly_unfounded",
        "Kennelijk ongegrond",
        "Manifestly unfounded",
        ["AVG 12(5)(b)", "artikel 12, lid 5, onder b, AVG", "Article 12(5)(b) GDPR"],
        None,
    ),
    ground(
        "excessive",
        "Buitensporig, met name door herhaling",
        "Excessive, in particular repetitive",
        ["AVG 12(5)(b)", "artikel 12, lid 5, onder b, AVG", "Article 12(5)(b) GDPR"],
        None,
    ),
    ground(
        "identity_not_confirmed",
        "Identiteit niet vastgesteld",
        "Identity could not be confirmed",
        ["AVG 11(2), 12(2), 12(6)", "artikel 11, lid 2, en artikel 12, leden 2 en 6, AVG", "Articles 11(2), 12(2) and 12(6) GDPR"],
        None,
    ),
    ground(
        "prevention_of_crime",
        "Ter voorkoming van strafbare feiten",
        "Prevention of criminal offences",
        ["UAVG 41(1)(d)", "artikel 41, lid 1, onder d, UAVG", "Article 41(1)(d) UAVG (Dutch GDPR Implementation Act)"],
        None,
    ),
    ground(
        "protection_of_data_subject",
        "Ter bescherming van de betrokkene",
        "Protection of the data subject",
        ["UAVG 41(1)(i)", "artikel 41, lid 1, onder i, UAVG", "Article 41(1)(i) UAVG (Dutch GDPR Implementation Act)"],
        None,
    ),
    ground(
        "rights_of_others",
        "Ter bescherming van de rechten en vrijheden van anderen",
        "Rights and freedoms of others",
        ["AVG 15(4), 20(4); UAVG 41(1)(i)", "artikel 15, lid 4, en artikel 20, lid 4, AVG; artikel 41, lid 1, onder i, UAVG", "Articles 15(4) and 20(4) GDPR; Article 41(1)(i) UAVG (Dutch GDPR Implementation Act)"],
        None,
    ),
    RefusalGround {
        code: "uavg41_other",
        label_nl: "Andere uitzondering van art. 41 UAVG (onderdeel vermelden)",
        label_en: "Other UAVG art. 41 exception (state which)",
        reference: "UAVG 41(1)(a)-(c),(e)-(h),(j)",
        reference_nl: "artikel 41, lid 1, onder a tot en met c, e tot en met h of j, UAVG",
        reference_en: "Article 41(1)(a)-(c), (e)-(h) or (j) UAVG (Dutch GDPR Implementation Act)",
        only_for: None,
        note: Some("the explanation must name the sub-paragraph and why it is necessary and proportionate"),
    },
    ground(
        "data_accurate",
        "Gegevens zijn juist; eigen verklaring aangeboden",
        "Data are accurate; own statement offered",
        ["AVG 16", "artikel 16 AVG", "Article 16 GDPR"],
        Some(&[Rectification]),
    ),
    ground(
        "erasure_no_ground",
        "Geen grond voor wissing (art. 17 lid 1)",
        "No ground for erasure applies",
        ["AVG 17(1)", "artikel 17, lid 1, AVG", "Article 17(1) GDPR"],
        Some(&[Erasure]),
    ),
    ground(
        "legal_retention_obligation",
        "Wettelijke bewaarplicht",
        "Legal obligation to retain",
        ["AVG 17(3)(b)", "artikel 17, lid 3, onder b, AVG", "Article 17(3)(b) GDPR"],
        Some(&[Erasure]),
    ),
    ground(
        "substantial_interest_of_another",
        "Aanmerkelijk belang van een ander dan de cliënt (bijv. huiselijk geweld, kindermishandeling)",
        "Substantial interest of another person (e.g. domestic violence, child abuse)",
        ["UAVG 41(1)(i); cf. BW 7:455(2)", "artikel 41, lid 1, onder i, UAVG; vergelijk artikel 7:455, lid 2, BW", "Article 41(1)(i) UAVG (Dutch GDPR Implementation Act); cf. Article 7:455(2) of the Dutch Civil Code"],
        Some(&[Erasure]),
    ),
    ground(
        "public_health",
        "Algemeen belang op het gebied van volksgezondheid",
        "Public interest in public health",
        ["AVG 17(3)(c)", "artikel 17, lid 3, onder c, AVG", "Article 17(3)(c) GDPR"],
        Some(&[Erasure]),
    ),
    ground(
        "archiving_research",
        "Archivering, onderzoek of statistiek",
        "Archiving, research or statistics",
        ["AVG 17(3)(d)", "artikel 17, lid 3, onder d, AVG", "Article 17(3)(d) GDPR"],
        Some(&[Erasure]),
    ),
    ground(
        "legal_claims",
        "Instelling, uitoefening of onderbouwing van een rechtsvordering",
        "Establishment, exercise or defence of legal claims",
        ["AVG 17(3)(e), 18(2), 21(1)", "artikel 17, lid 3, onder e, artikel 18, lid 2, en artikel 21, lid 1, AVG", "Articles 17(3)(e), 18(2) and 21(1) GDPR"],
        Some(&[Erasure, Restriction, Objection]),
    ),
    ground(
        "restriction_no_ground",
        "Geen grond voor beperking (art. 18 lid 1)",
        "No ground for restriction applies",
        ["AVG 18(1)", "artikel 18, lid 1, AVG", "Article 18(1) GDPR"],
        Some(&[Restriction]),
    ),
    ground(
        "portability_legal_basis",
        "Verwerking niet gebaseerd op toestemming of overeenkomst",
        "Processing not based on consent or contract",
        ["AVG 20(1)(a)", "artikel 20, lid 1, onder a, AVG", "Article 20(1)(a) GDPR"],
        Some(&[Portability]),
    ),
    ground(
        "portability_not_automated",
        "Geen geautomatiseerde verwerking",
        "Processing not carried out by automated means",
        ["AVG 20(1)(b)", "artikel 20, lid 1, onder b, AVG", "Article 20(1)(b) GDPR"],
        Some(&[Portability]),
    ),
    ground(
        "portability_not_provided",
        "Gegevens niet door betrokkene zelf verstrekt",
        "Data not provided by the data subject",
        ["AVG 20(1)", "artikel 20, lid 1, AVG", "Article 20(1) GDPR"],
        Some(&[Portability]),
    ),
    ground(
        "objection_legal_basis",
        "Verwerking niet gebaseerd op art. 6 lid 1 sub e of f",
        "Processing not based on Art. 6(1)(e) or (f)",
        ["AVG 21(1)", "artikel 21, lid 1, AVG", "Article 21(1) GDPR"],
        Some(&[Objection]),
    ),
    ground(
        "compelling_legitimate_grounds",
        "Dwingende gerechtvaardigde gronden die zwaarder wegen",
        "Compelling legitimate grounds that override",
        ["AVG 21(1)", "artikel 21, lid 1, AVG", "Article 21(1) GDPR"],
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

    /// The ground in one plain sentence (B1), as a letter to the requester says it;
    /// `client` is the client's name when someone else asked on their behalf, so
    /// that the sentence speaks of the client's data, file and interest, not the
    /// requester's.
    pub fn plain(&self, language: super::Language, client: Option<&str>) -> String {
        let sentences = plain_sentences(self.code);
        let (own, behalf) = match language {
            super::Language::Dutch => (sentences.nl, sentences.nl_behalf),
            super::Language::English => (sentences.en, sentences.en_behalf),
        };
        match (client, behalf) {
            (Some(name), Some(behalf)) => behalf.replace("{client}", name),
            _ => own.to_string(),
        }
    }

    /// The legal reference in the notation of a letter in `language`.
    pub fn reference_in(&self, language: super::Language) -> &'static str {
        match language {
            super::Language::Dutch => self.reference_nl,
            super::Language::English => self.reference_en,
        }
    }

    /// The legal reference that applies to a request of `kind`, in the notation of a
    /// letter in `language`. A ground that the catalogue founds on several articles,
    /// one per kind, cites only the article of the kind: the rights of others limit a
    /// copy (AVG 15(4)) and a transfer (20(4)), and for every kind UAVG 41(1)(i); the
    /// legal claims limit an erasure (17(3)(e)), a restriction (18(2)) or an objection
    /// (21(1)).
    pub fn reference_for(&self, kind: KindCode, language: super::Language) -> &'static str {
        use super::Language::{Dutch, English};
        match (self.code, kind, language) {
            ("rights_of_others", Access, Dutch) => "artikel 15, lid 4, AVG; artikel 41, lid 1, onder i, UAVG",
            ("rights_of_others", Access, English) => {
                "Article 15(4) GDPR; Article 41(1)(i) UAVG (Dutch GDPR Implementation Act)"
            }
            ("rights_of_others", Portability, Dutch) => {
                "artikel 20, lid 4, AVG; artikel 41, lid 1, onder i, UAVG"
            }
            ("rights_of_others", Portability, English) => {
                "Article 20(4) GDPR; Article 41(1)(i) UAVG (Dutch GDPR Implementation Act)"
            }
            ("rights_of_others", _, Dutch) => "artikel 41, lid 1, onder i, UAVG",
            ("rights_of_others", _, English) => "Article 41(1)(i) UAVG (Dutch GDPR Implementation Act)",
            ("legal_claims", Erasure, Dutch) => "artikel 17, lid 3, onder e, AVG",
            ("legal_claims", Erasure, English) => "Article 17(3)(e) GDPR",
            ("legal_claims", Restriction, Dutch) => "artikel 18, lid 2, AVG",
            ("legal_claims", Restriction, English) => "Article 18(2) GDPR",
            ("legal_claims", Objection, Dutch) => "artikel 21, lid 1, AVG",
            ("legal_claims", Objection, English) => "Article 21(1) GDPR",
            _ => self.reference_in(language),
        }
    }
}

/// A ground in plain words: to the client, and (where it differs) to someone who
/// asked on the client's behalf, with `{client}` for the client's name.
struct Plain {
    nl: &'static str,
    en: &'static str,
    nl_behalf: Option<&'static str>,
    en_behalf: Option<&'static str>,
}

const fn same(nl: &'static str, en: &'static str) -> Plain {
    Plain {
        nl,
        en,
        nl_behalf: None,
        en_behalf: None,
    }
}

const fn behalf(
    nl: &'static str,
    en: &'static str,
    nl_behalf: &'static str,
    en_behalf: &'static str,
) -> Plain {
    Plain {
        nl,
        en,
        nl_behalf: Some(nl_behalf),
        en_behalf: Some(en_behalf),
    }
}

/// Each ground of the catalogue as a letter explains it (Dutch at B1, English).
fn plain_sentences(code: &str) -> Plain {
    match code {
        "manifestly_unfounded" => same(
            "Uw verzoek heeft duidelijk geen grond.",
            "Your request clearly has no basis.",
        ),
        "excessive" => same(
            "U heeft hetzelfde verzoek al vaak gedaan, kort na elkaar.",
            "You have made the same request many times, shortly after each other.",
        ),
        "identity_not_confirmed" => behalf(
            "Wij weten niet zeker dat u de persoon bent om wie het gaat, ook niet na onze vraag om meer informatie.",
            "We cannot be sure that you are the person concerned, even after we asked for more information.",
            "Wij weten niet zeker wie u bent, of dat u {client} mag vertegenwoordigen, ook niet na onze vraag om meer informatie.",
            "We cannot be sure who you are, or that you may represent {client}, even after we asked for more information.",
        ),
        "prevention_of_crime" => same(
            "Het uitvoeren van uw verzoek kan het voorkomen of opsporen van strafbare feiten schaden.",
            "Carrying out your request could harm the prevention or investigation of criminal offences.",
        ),
        "protection_of_data_subject" => behalf(
            "Wij doen dit om u zelf te beschermen.",
            "We do this to protect you.",
            "Wij doen dit om {client} te beschermen.",
            "We do this to protect {client}.",
        ),
        "rights_of_others" => same(
            "In de gegevens staat ook informatie over andere mensen. Ook hun privacy moeten wij beschermen.",
            "The data also contain information about other people. We must protect their privacy too.",
        ),
        "uavg41_other" => same(
            "Een andere uitzondering in de wet staat het niet toe; hieronder leggen wij uit welke en waarom.",
            "Another exception in the law does not allow it; we explain below which one and why.",
        ),
        "data_accurate" => behalf(
            "Wij vinden de gegevens juist. U mag wel uw eigen verklaring aan uw dossier laten toevoegen.",
            "We consider the data accurate. You may have your own statement added to your file.",
            "Wij vinden de gegevens juist. Wel mag een eigen verklaring van {client} aan het dossier van {client} worden toegevoegd.",
            "We consider the data accurate. A statement of {client}'s own may be added to {client}'s file.",
        ),
        "erasure_no_ground" => same(
            "Er is geen wettelijke reden om deze gegevens te verwijderen.",
            "There is no legal reason to erase these data.",
        ),
        "legal_retention_obligation" => same(
            "De wet verplicht ons om de gegevens nog te bewaren.",
            "The law requires us to keep the data for now.",
        ),
        "substantial_interest_of_another" => same(
            "Het belang van een ander is groter, bijvoorbeeld omdat de gegevens iemand beschermen tegen geweld of mishandeling.",
            "Another person's interest weighs more, for example because the data protect someone against violence or abuse.",
        ),
        "public_health" => same(
            "De gegevens zijn nodig voor de volksgezondheid.",
            "The data are needed for public health.",
        ),
        "archiving_research" => same(
            "De gegevens zijn nodig voor archief, onderzoek of statistiek.",
            "The data are needed for archiving, research or statistics.",
        ),
        "legal_claims" => same(
            "Wij hebben de gegevens nodig voor een (mogelijke) rechtszaak.",
            "We need the data for (possible) legal proceedings.",
        ),
        "restriction_no_ground" => same(
            "Er is geen wettelijke reden om het gebruik van deze gegevens te beperken.",
            "There is no legal reason to restrict the use of these data.",
        ),
        "portability_legal_basis" => behalf(
            "Wij gebruiken deze gegevens niet op basis van uw toestemming of een overeenkomst met u.",
            "We do not use these data on the basis of your consent or a contract with you.",
            "Wij gebruiken deze gegevens niet op basis van toestemming van {client} of een overeenkomst met {client}.",
            "We do not use these data on the basis of {client}'s consent or a contract with {client}.",
        ),
        "portability_not_automated" => same(
            "Wij verwerken deze gegevens niet met de computer.",
            "We do not process these data by automated means.",
        ),
        "portability_not_provided" => behalf(
            "U heeft deze gegevens niet zelf aan ons gegeven.",
            "You did not provide these data to us yourself.",
            "{client} heeft deze gegevens niet zelf aan ons gegeven.",
            "{client} did not provide these data to us.",
        ),
        "objection_legal_basis" => same(
            "Wij gebruiken deze gegevens niet voor een taak van algemeen belang of voor een gerechtvaardigd belang, dus bezwaar is hier niet mogelijk.",
            "We do not use these data for a task in the public interest or for a legitimate interest, so objecting is not possible here.",
        ),
        "compelling_legitimate_grounds" => behalf(
            "Wij hebben dringende redenen om de gegevens toch te gebruiken, en die wegen zwaarder dan uw belang.",
            "We have compelling reasons to keep using the data, and they outweigh your interest.",
            "Wij hebben dringende redenen om de gegevens toch te gebruiken, en die wegen zwaarder dan het belang van {client}.",
            "We have compelling reasons to keep using the data, and they outweigh {client}'s interest.",
        ),
        _ => same("", ""),
    }
}

#[cfg(test)]
mod plain_tests {
    use super::*;

    #[test]
    fn every_ground_has_a_plain_sentence_in_both_languages() {
        use crate::domain::Language;
        for ground in CATALOGUE {
            for language in Language::ALL {
                for client in [None, Some("G. Ruiter")] {
                    let plain = ground.plain(*language, client);
                    assert!(plain.ends_with('.'), "{} {language} {client:?}", ground.code);
                    assert!(!plain.contains("{client}"), "{}", ground.code);
                }
            }
        }
        let behalf = find("data_accurate")
            .unwrap()
            .plain(Language::Dutch, Some("G. Ruiter"));
        assert!(
            behalf.contains("dossier van G. Ruiter") && !behalf.contains("uw dossier"),
            "{behalf}"
        );
    }

    /// Letters cite the law one way: "artikel 17, lid 3, onder b, AVG", never the
    /// catalogue's "AVG 17(3)(b)".
    #[test]
    fn every_reference_has_its_dutch_and_english_notation() {
        for ground in CATALOGUE {
            let nl = ground.reference_nl;
            assert!(nl.starts_with("artikel "), "{nl}");
            assert!(
                nl.ends_with(" AVG") || nl.ends_with(" UAVG") || nl.ends_with(" BW"),
                "{nl}"
            );
            assert!(!nl.contains('('), "{nl}");
            for part in nl.split("; ") {
                // "artikel 12, lid 5, onder b, AVG": a comma before the law's name
                // wherever a paragraph or point precedes it.
                let before_law = part.rsplit_once(' ').unwrap().0;
                assert!(
                    !(before_law.contains("lid")
                        || before_law.contains("onder")
                        || before_law.contains("leden"))
                        || before_law.ends_with(','),
                    "{part}"
                );
            }
            assert!(
                ground.reference_en.starts_with("Article"),
                "{}",
                ground.reference_en
            );
            assert!(!ground.reference_en.contains("AVG 1") && !ground.reference_en.contains("AVG 2"));
        }
    }
}
