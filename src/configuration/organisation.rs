//! The organisation: its file of details for the letters, the letters' own templates,
//! and the language of what avg-loket writes.

use std::path::PathBuf;

use super::{ConfigError, Language, Vars, DEFAULT_ORGANISATION_FILE};

/// What the organisation says of itself.
#[derive(Debug, Clone)]
pub struct OrganisationSettings {
    /// The organisation file of the letters (`AVG_LOKET_ORGANISATION_FILE`).
    pub file: PathBuf,
    /// A folder of letter templates that replace the built-in ones
    /// (`AVG_LOKET_LETTER_TEMPLATES`, optional): `nl/decision.txt` and so on.
    pub letter_templates: Option<PathBuf>,
    /// The language of the mails to staff (`AVG_LOKET_LANGUAGE`, default `nl`).
    pub language: Language,
}

impl OrganisationSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        Ok(OrganisationSettings {
            file: PathBuf::from(vars.get("AVG_LOKET_ORGANISATION_FILE", DEFAULT_ORGANISATION_FILE)),
            letter_templates: vars.path("AVG_LOKET_LETTER_TEMPLATES"),
            language: vars.parse("AVG_LOKET_LANGUAGE", "nl", |v| {
                Language::parse(v.trim()).map_err(|e| e.0.en)
            })?,
        })
    }
}

/// Why the organisation file cannot be used; the message names the file and, where
/// there is one, the field.
#[derive(Debug, thiserror::Error)]
pub enum OrganisationFileError {
    #[error(
        "{0}: no such file — letters need the organisation's details; copy \
         organisation.example.toml from the repository to {0}, fill it in, and check it \
         with `avg-loket organisation check` (AVG_LOKET_ORGANISATION_FILE names another path)"
    )]
    Missing(String),
    #[error("{0}: cannot be read: {1}")]
    Unreadable(String, std::io::Error),
    #[error("{0}: {1}")]
    Syntax(String, String),
    #[error("{path}: {}", .issues.iter().map(|i| format!("{}: {}", i.field, i.message.en)).collect::<Vec<_>>().join("; "))]
    Invalid {
        path: String,
        issues: Vec<crate::domain::FieldIssue>,
    },
}

impl OrganisationFileError {
    /// The same in Dutch, for the pages.
    pub fn dutch(&self) -> String {
        match self {
            OrganisationFileError::Missing(path) => format!(
                "{path} bestaat niet; kopieer organisation.example.toml naar {path}, vul het in en controleer het met `avg-loket organisation check`"
            ),
            OrganisationFileError::Unreadable(path, error) => format!("{path} is niet te lezen ({error})"),
            OrganisationFileError::Syntax(path, error) => format!("{path} is geen geldig TOML-bestand ({error})"),
            OrganisationFileError::Invalid { path, issues } => format!(
                "in {path} moet nog worden aangepast: {}",
                issues
                    .iter()
                    .map(|i| format!("{} ({})", i.field, i.message.nl))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}

/// Reads and checks the organisation file. A relative `logo` is read next to the file
/// and must exist.
pub fn load_organisation(
    path: &std::path::Path,
) -> Result<crate::domain::organisation::Organisation, OrganisationFileError> {
    use crate::domain::organisation::OrganisationFile;
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(OrganisationFileError::Missing(shown))
        }
        Err(error) => return Err(OrganisationFileError::Unreadable(shown, error)),
    };
    let file: OrganisationFile = toml::from_str(&text)
        .map_err(|error| OrganisationFileError::Syntax(shown.clone(), toml_error(&text, &error)))?;
    let organisation = file.validate().map_err(|issues| OrganisationFileError::Invalid {
        path: shown.clone(),
        issues,
    })?;
    if let Some(logo) = &organisation.logo {
        let at = path.parent().unwrap_or(std::path::Path::new(".")).join(logo);
        if !at.is_file() {
            return Err(OrganisationFileError::Invalid {
                path: shown,
                issues: vec![crate::domain::FieldIssue::new(
                    "logo",
                    format!("{} does not exist", at.display()),
                    format!("{} bestaat niet", at.display()),
                )],
            });
        }
    }
    Ok(organisation)
}

/// A TOML error in one line: where, and what.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}
