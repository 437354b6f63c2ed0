//! How e-mail leaves: `AVG_LOKET_MAIL_URL`, the sender, a certificate authority of the
//! organisation's own, and how often a mail is tried.

use std::fmt;
use std::path::PathBuf;

use super::{redact_password, ConfigError, Vars, DEFAULT_MAIL_FROM, DEFAULT_MAIL_URL};

/// The mail server and how mail is handed to it.
#[derive(Debug, Clone)]
pub struct MailServerSettings {
    /// `AVG_LOKET_MAIL_URL`.
    pub url: MailUrl,
    /// `AVG_LOKET_MAIL_FROM`: the sender of reminders.
    pub from: String,
    /// A certificate authority (PEM) to trust for SMTP over TLS besides the usual
    /// ones (`AVG_LOKET_MAIL_CA_FILE`, optional): an organisation's own mail server.
    pub ca_file: Option<PathBuf>,
    /// Delivery attempts before a mail is marked failed (`AVG_LOKET_MAIL_MAX_ATTEMPTS`).
    pub max_attempts: u32,
}

impl MailServerSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        Ok(MailServerSettings {
            url: vars.parse("AVG_LOKET_MAIL_URL", DEFAULT_MAIL_URL, MailUrl::parse)?,
            from: vars.parse("AVG_LOKET_MAIL_FROM", DEFAULT_MAIL_FROM, |v| {
                v.trim()
                    .parse::<lettre::message::Mailbox>()
                    .map(|_| v.trim().to_string())
                    .map_err(|_| format!("'{v}' is not an e-mail address (e.g. avg-loket@zorg.example.nl)"))
            })?,
            ca_file: vars.path("AVG_LOKET_MAIL_CA_FILE"),
            max_attempts: vars.number("AVG_LOKET_MAIL_MAX_ATTEMPTS", "8", 1, 100)?,
        })
    }
}

/// Where e-mail goes, chosen by the scheme of `AVG_LOKET_MAIL_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum MailUrl {
    /// `file://DIR` — every mail becomes an `.eml` file in DIR.
    File(PathBuf),
    /// `smtp://` or `smtps://`, handed to lettre as it is.
    Smtp(String),
}

impl MailUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let (scheme, rest) = value.split_once("://").ok_or_else(|| {
            format!(
                "'{}' is not a mail URL (expected file://DIR, smtp://HOST:PORT or smtps://HOST:PORT)",
                redact_password(value)
            )
        })?;
        match scheme {
            "file" if !rest.is_empty() => Ok(MailUrl::File(PathBuf::from(rest))),
            "file" => Err("file:// needs a directory, e.g. file://mail-outbox".into()),
            "smtp" | "smtps" if !rest.is_empty() => Ok(MailUrl::Smtp(value.to_string())),
            "smtp" | "smtps" => Err(format!(
                "{scheme}:// needs a host, e.g. {scheme}://mail.example.nl:587"
            )),
            other => Err(format!(
                "unsupported scheme '{other}' (expected file://DIR, smtp://HOST:PORT or smtps://HOST:PORT)"
            )),
        }
    }
}

impl fmt::Debug for MailUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MailUrl::File(dir) => write!(f, "file://{}", dir.display()),
            MailUrl::Smtp(url) => f.write_str(&redact_password(url)),
        }
    }
}
