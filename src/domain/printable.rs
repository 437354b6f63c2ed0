//! What a letter can print, and so what the register accepts in a name or any other
//! text that may reach a letter.
//!
//! The letters embed their fonts (Libertinus Serif for Latin with every diacritic,
//! Turkish, Polish, Vietnamese, Greek, Cyrillic and Hebrew; Noto Naskh Arabic for
//! Arabic, Persian and Urdu letters). A character outside them would print as an empty
//! box, so it is refused where it is typed, with a message that names it: an emoji, a
//! script the fonts do not carry (Chinese, say). So are the characters that print
//! nothing at all but change what a text looks like: the bidirectional controls that
//! can turn a name around (U+202E) and the other invisible format characters (a
//! zero-width space, a soft hyphen). Line breaks and tabs are for multi-line texts
//! only ([`super::intake::optional_line`] refuses them in one-line fields).
//!
//! The ranges below are the product's promise; a test of the service holds every
//! character in them against the letter fonts (`avg_loket_letter_pdf::covers`).

use super::FieldIssue;

/// The characters a letter prints, by Unicode range (inclusive). Every range holds
/// assigned characters only.
pub const PRINTABLE: &[(char, char)] = &[
    (' ', '~'),             // Basic Latin: letters, digits, punctuation
    ('\u{A0}', '\u{AC}'),   // Latin-1 punctuation and signs (not the soft hyphen)
    ('\u{AE}', '\u{24F}'),  // Latin-1 letters, Latin Extended-A and -B
    ('\u{259}', '\u{259}'), // ə (Azerbaijani)
    ('\u{2BB}', '\u{2BC}'), // ʻ ʼ (modifier apostrophes in transliterated names)
    ('\u{2C6}', '\u{2C7}'), // ˆ ˇ
    ('\u{2D8}', '\u{2DD}'), // ˘ ˙ ˚ ˛ ˜ ˝
    ('\u{300}', '\u{34E}'), // combining diacritical marks (not U+034F, which is invisible)
    ('\u{350}', '\u{36F}'),
    ('\u{384}', '\u{38A}'), // Greek: tonos, accented capitals
    ('\u{38C}', '\u{38C}'),
    ('\u{38E}', '\u{3A1}'),
    ('\u{3A3}', '\u{3CE}'), // Greek letters
    ('\u{400}', '\u{45F}'), // Cyrillic: Russian, Ukrainian, Bulgarian, Serbian, …
    ('\u{490}', '\u{4C4}'), // Cyrillic letters of other languages (Ґ ґ, Ә ә, …)
    ('\u{4C7}', '\u{4CC}'),
    ('\u{4D0}', '\u{4F9}'),
    ('\u{5B0}', '\u{5C3}'), // Hebrew points and punctuation
    ('\u{5D0}', '\u{5EA}'), // Hebrew letters
    ('\u{5F0}', '\u{5F4}'),
    ('\u{60C}', '\u{60C}'),   // Arabic comma
    ('\u{61B}', '\u{61B}'),   // Arabic semicolon
    ('\u{61F}', '\u{61F}'),   // Arabic question mark
    ('\u{621}', '\u{63A}'),   // Arabic letters
    ('\u{640}', '\u{655}'),   // Arabic letters and harakat
    ('\u{660}', '\u{66D}'),   // Arabic-Indic digits
    ('\u{670}', '\u{6D3}'),   // Arabic letters for Persian, Urdu and others
    ('\u{6F0}', '\u{6F9}'),   // Persian digits
    ('\u{1E00}', '\u{1E9B}'), // Latin Extended Additional (Vietnamese, Welsh, …)
    ('\u{1E9E}', '\u{1E9E}'), // ẞ
    ('\u{1EA0}', '\u{1EF9}'),
    ('\u{2010}', '\u{2027}'), // dashes, quotation marks, bullet, ellipsis
    ('\u{2030}', '\u{2030}'), // ‰
    ('\u{2032}', '\u{2033}'), // ′ ″
    ('\u{2039}', '\u{203A}'), // ‹ ›
    ('\u{20AC}', '\u{20AC}'), // €
];

/// Characters that print nothing: the bidirectional controls turn text around, the
/// others hide inside it (zero-width spaces and joiners, the soft hyphen, variation
/// selectors, tags, fillers).
const BIDI_CONTROLS: &[(char, char)] = &[
    ('\u{61C}', '\u{61C}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2066}', '\u{2069}'),
];

const INVISIBLE: &[(char, char)] = &[
    ('\u{AD}', '\u{AD}'),
    ('\u{34F}', '\u{34F}'),
    ('\u{600}', '\u{605}'),
    ('\u{6DD}', '\u{6DD}'),
    ('\u{70F}', '\u{70F}'),
    ('\u{8E2}', '\u{8E2}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200D}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{2060}', '\u{2065}'),
    ('\u{206A}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

fn within(ranges: &[(char, char)], c: char) -> bool {
    ranges.iter().any(|(from, to)| (*from..=*to).contains(&c))
}

/// Why a character cannot stand in a text the register keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unprintable {
    /// A control that changes the direction of the text around it.
    Direction(char),
    /// A character that prints nothing.
    Invisible(char),
    /// A character no letter font carries (an emoji, another script).
    NoGlyph(char),
}

/// Is `c` one a letter prints? Line breaks and tabs count as printable here.
pub fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\t') || within(PRINTABLE, c)
}

/// The first character of `text` a letter cannot print, if any.
pub fn first_unprintable(text: &str) -> Option<Unprintable> {
    let c = text.chars().find(|c| !is_printable(*c))?;
    Some(if within(BIDI_CONTROLS, c) {
        Unprintable::Direction(c)
    } else if within(INVISIBLE, c) {
        Unprintable::Invisible(c)
    } else {
        Unprintable::NoGlyph(c)
    })
}

/// The problem with `text` in `field`, named so that a person can find the character.
pub fn check(field: &str, text: &str) -> Option<FieldIssue> {
    let issue = match first_unprintable(text)? {
        Unprintable::Direction(c) => FieldIssue::new(
            field,
            format!(
                "contains an invisible control that reverses the direction of the text (U+{:04X}); type the text again without it",
                c as u32
            ),
            format!(
                "bevat een onzichtbaar teken dat de leesrichting omdraait (U+{:04X}); typ de tekst opnieuw, zonder dat teken",
                c as u32
            ),
        ),
        Unprintable::Invisible(c) => FieldIssue::new(
            field,
            format!(
                "contains an invisible character (U+{:04X}); type the text again without it",
                c as u32
            ),
            format!(
                "bevat een onzichtbaar teken (U+{:04X}); typ de tekst opnieuw, zonder dat teken",
                c as u32
            ),
        ),
        Unprintable::NoGlyph(c) => FieldIssue::new(
            field,
            format!(
                "contains ‘{c}’ (U+{:04X}), which no letter can print; use letters, digits and ordinary punctuation",
                c as u32
            ),
            format!(
                "bevat ‘{c}’ (U+{:04X}), dat niet in een brief kan worden afgedrukt; gebruik letters, cijfers en gewone leestekens",
                c as u32
            ),
        ),
    };
    Some(issue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_scripts_dutch_clients_use_are_printable() {
        for name in [
            "J. de Vries",
            "Zoë van 't Hoff-Müller",
            "François Lefèvre",
            "Ömer Çelik-Şahin",
            "İbrahim Yıldırım Ağaoğlu",
            "Małgorzata Wójcik-Żółć",
            "Nguyễn Thị Phương",
            "Γιώργος Παπαδόπουλος",
            "Олександр Шевченко",
            "Юлия Ёлкина",
            "محمد العلي",
            "فاطمه رضایی",
            "אברהם כהן",
            "Aliyev Əli",
            "O\u{2BB}g\u{2BB}iloy",
            "Jose\u{301} Garci\u{301}a",
        ] {
            assert_eq!(first_unprintable(name), None, "{name}");
        }
        assert_eq!(first_unprintable("regel één\nregel twee\tmet tab"), None);
    }

    #[test]
    fn emoji_bidi_controls_and_invisible_characters_are_named() {
        assert_eq!(first_unprintable("Anna 😀"), Some(Unprintable::NoGlyph('😀')));
        assert_eq!(
            first_unprintable("Anna\u{202E}nosnaJ"),
            Some(Unprintable::Direction('\u{202E}'))
        );
        assert_eq!(
            first_unprintable("An\u{200B}na"),
            Some(Unprintable::Invisible('\u{200B}'))
        );
        assert_eq!(
            first_unprintable("Ver\u{AD}meulen"),
            Some(Unprintable::Invisible('\u{AD}'))
        );
        assert_eq!(first_unprintable("王小明"), Some(Unprintable::NoGlyph('王')));
        let issue = check("requester.name", "Anna \u{202E}").unwrap();
        assert_eq!(issue.field, "requester.name");
        assert!(issue.message.nl.contains("U+202E"), "{}", issue.message.nl);
        assert!(issue.message.nl.contains("leesrichting"));
        let issue = check("subject.name", "Anna 😀").unwrap();
        assert!(
            issue.message.nl.contains("‘😀’ (U+1F600)"),
            "{}",
            issue.message.nl
        );
    }

    #[test]
    fn the_ranges_are_ordered_and_hold_nothing_invisible() {
        for pair in PRINTABLE.windows(2) {
            assert!(pair[0].1 < pair[1].0, "{pair:?}");
        }
        for (from, to) in PRINTABLE {
            assert!(from <= to);
            for c in *from..=*to {
                assert!(
                    !within(BIDI_CONTROLS, c) && !within(INVISIBLE, c),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }
}
