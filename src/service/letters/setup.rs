//! What letters need besides the database: the organisation (read again when its
//! file changes), the templates and their overrides, and whether e-mail may carry them.

use std::path::Path;
use std::sync::Arc;

use crate::configuration::{MailUrl, Settings};
use crate::domain::letters::Templates;
use crate::domain::organisation::Organisation;
use crate::domain::vocabulary::Language;
use crate::domain::Message;
use crate::service::ServiceError;

/// What letters need besides the database: the organisation, the templates, and
/// whether e-mail may carry them.
#[derive(Clone)]
pub struct LetterSetup {
    /// The organisation file, read again when it changes.
    organisation: Arc<OrganisationSource>,
    pub templates: Arc<Templates>,
    /// Why letters cannot go by e-mail here (the mail transport is not encrypted).
    pub email: Result<(), Message>,
}

/// The organisation file and what was read from it: read again, without a restart,
/// when the file's time or size changes (or it appears or goes).
pub(super) struct OrganisationSource {
    path: std::path::PathBuf,
    read: std::sync::RwLock<OrganisationRead>,
}

#[derive(Clone)]
pub(super) struct OrganisationRead {
    /// The file's modification time and size when it was read (`None`: no file).
    stamp: Option<(std::time::SystemTime, u64)>,
    /// Why there is no organisation profile, when there is none.
    organisation: Result<Arc<Organisation>, Message>,
    /// The logo's format (`png`, `svg`) and bytes.
    logo: Option<Arc<(String, Vec<u8>)>>,
}

pub(super) fn stamp_of(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

impl OrganisationSource {
    /// Reads the file as it is now: the organisation and its logo, or why letters
    /// cannot be written.
    fn read_now(path: &Path) -> OrganisationRead {
        let stamp = stamp_of(path);
        let refused = |en: String, nl: String| OrganisationRead {
            stamp,
            organisation: Err(Message::new(en, nl)),
            logo: None,
        };
        let organisation = match crate::configuration::load_organisation(path) {
            Ok(organisation) => organisation,
            Err(error) => {
                return refused(
                    error.to_string(),
                    format!("brieven hebben het organisatiebestand nodig: {}", error.dutch()),
                )
            }
        };
        let logo = match &organisation.logo {
            Some(logo) => {
                let at = path.parent().unwrap_or(Path::new(".")).join(logo);
                match std::fs::read(&at) {
                    Ok(bytes) => {
                        let format = if logo.to_ascii_lowercase().ends_with(".svg") {
                            "svg"
                        } else {
                            "png"
                        };
                        Some(Arc::new((format.to_string(), bytes)))
                    }
                    Err(error) => {
                        return refused(
                            format!(
                                "the logo {} of the organisation file cannot be read: {error}",
                                at.display()
                            ),
                            format!(
                                "het logo {} van het organisatiebestand is niet te lezen: {error}",
                                at.display()
                            ),
                        )
                    }
                }
            }
            None => None,
        };
        OrganisationRead {
            stamp,
            organisation: Ok(Arc::new(organisation)),
            logo,
        }
    }

    /// What the file says now: read again when it changed since it was last read.
    fn current(&self) -> OrganisationRead {
        let stamp = stamp_of(&self.path);
        {
            let read = self.read.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            if read.stamp == stamp {
                return read.clone();
            }
        }
        let fresh = Self::read_now(&self.path);
        match &fresh.organisation {
            Ok(_) => tracing::info!(path = %self.path.display(), "organisation file read"),
            Err(why) => {
                tracing::warn!(reason = %why.en, "letters are off until the organisation file is in place")
            }
        }
        *self.read.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh.clone();
        fresh
    }
}

impl LetterSetup {
    /// Reads the organisation file and the template overrides. A missing or wrong
    /// organisation file leaves letters refused (with the reason) until it is put
    /// right, which is noticed without a restart; a broken override is an error: the
    /// service should not start with it.
    pub fn load(settings: &Settings) -> Result<LetterSetup, String> {
        let path = settings.organisation.file.clone();
        let read = OrganisationSource::read_now(&path);
        if let Err(why) = &read.organisation {
            tracing::warn!(reason = %why.en, "letters are off until the organisation file is in place");
        }
        let templates = Arc::new(templates_of(settings)?);
        Ok(LetterSetup {
            organisation: Arc::new(OrganisationSource {
                path,
                read: std::sync::RwLock::new(read),
            }),
            templates,
            email: email_allowed(&settings.mail.url),
        })
    }

    /// The organisation as the file says it now, or why letters cannot be written.
    pub fn organisation(&self) -> Result<Arc<Organisation>, Message> {
        self.organisation.current().organisation
    }

    /// The organisation's logo, as the file says it now.
    pub fn logo(&self) -> Option<Arc<(String, Vec<u8>)>> {
        self.organisation.current().logo
    }
}

/// The letter templates: the built-in ones with the overrides of
/// `AVG_LOKET_LETTER_TEMPLATES` in their place.
pub fn templates_of(settings: &Settings) -> Result<Templates, String> {
    let overrides = match &settings.organisation.letter_templates {
        Some(folder) => read_overrides(folder)?,
        None => Vec::new(),
    };
    Templates::new(&overrides)
}

/// `nl/NAME.txt` and `en/NAME.txt` in the folder.
pub(super) fn read_overrides(folder: &Path) -> Result<Vec<(String, String)>, String> {
    let mut overrides = Vec::new();
    for language in Language::ALL {
        let dir = folder.join(language.code());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let source = std::fs::read_to_string(&path)
                .map_err(|e| format!("AVG_LOKET_LETTER_TEMPLATES: {}: {e}", path.display()))?;
            overrides.push((format!("{}/{name}", language.code()), source));
        }
    }
    overrides.sort();
    Ok(overrides)
}

/// Letters by e-mail leave only over an encrypted connection (or into the file outbox).
pub fn email_allowed(url: &MailUrl) -> Result<(), Message> {
    match url {
        MailUrl::File(_) => Ok(()),
        MailUrl::Smtp(url) if url.starts_with("smtps://") || url.contains("tls=required") => Ok(()),
        MailUrl::Smtp(_) => Err(Message::new(
            "letters by e-mail leave only over an encrypted connection: set AVG_LOKET_MAIL_URL to smtps://… or smtp://…?tls=required, or send the letter by post",
            "brieven per e-mail gaan alleen over een versleutelde verbinding: stel AVG_LOKET_MAIL_URL in op smtps://… of smtp://…?tls=required, of verstuur de brief per post",
        )),
    }
}

pub(super) fn organisation(setup: &LetterSetup) -> Result<Arc<Organisation>, ServiceError> {
    setup.organisation().map_err(ServiceError::Conflict)
}
