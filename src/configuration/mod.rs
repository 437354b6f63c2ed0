//! Settings from the environment (and an optional `.env` file), by concern: the
//! database, the HTTP side, mail, the rules of the legal clock, the organisation,
//! sessions and sign-in — each parsed in its own module.
//!
//! Every variable has the name and default the README's table gives. Parsing is strict: a value
//! that cannot be used stops start-up with a message that names the variable, so an
//! operator never runs with a half-understood configuration.

mod database;
mod mail;
mod organisation;
mod rules;
mod server;
mod sign_in;

use std::path::PathBuf;

pub use crate::domain::Language;
pub use database::{DatabaseSettings, DatabaseUrl};
pub use mail::{MailServerSettings, MailUrl};
pub use organisation::{load_organisation, OrganisationFileError, OrganisationSettings};
pub use rules::RuleSettings;
pub use server::{LogFormat, ProxyHeader, ServerSettings, TrustedProxy};
pub use sign_in::{OidcSettings, SessionSettings, SignInSettings};

/// Everything avg-loket is told by its environment, by concern.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub server: ServerSettings,
    pub mail: MailServerSettings,
    pub rules: RuleSettings,
    pub organisation: OrganisationSettings,
    pub sessions: SessionSettings,
    pub sign_in: SignInSettings,
}

impl Settings {
    /// Reads the process environment, after loading `.env` from the working directory
    /// when there is one (variables already set win over the file).
    pub fn from_env() -> Result<Self, ConfigError> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(error) if error.not_found() => {}
            Err(error) => return Err(ConfigError::new(".env", error.to_string())),
        }
        let mut not_unicode = None;
        let settings = Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Some(value),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                not_unicode.get_or_insert_with(|| name.to_string());
                None
            }
        });
        if let Some(name) = not_unicode {
            return Err(ConfigError::new(&name, "value is not valid UTF-8"));
        }
        settings
    }

    /// Builds the settings from any source of variables (tests pass a map).
    pub fn from_lookup(lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut vars = Vars {
            lookup: Box::new(lookup),
        };
        Ok(Settings {
            database: DatabaseSettings::read(&mut vars)?,
            server: ServerSettings::read(&mut vars)?,
            mail: MailServerSettings::read(&mut vars)?,
            rules: RuleSettings::read(&mut vars)?,
            organisation: OrganisationSettings::read(&mut vars)?,
            sessions: SessionSettings::read(&mut vars)?,
            sign_in: SignInSettings::read(&mut vars)?,
        })
    }
}

/// Where the variables come from: the environment, or a test's map.
type Lookup<'a> = Box<dyn FnMut(&str) -> Option<String> + 'a>;

/// The variables, read one at a time; a blank value counts as unset.
pub(crate) struct Vars<'a> {
    lookup: Lookup<'a>,
}

impl Vars<'_> {
    /// The value of `name`, or `default`.
    fn get(&mut self, name: &str, default: &str) -> String {
        (self.lookup)(name)
            .filter(|value| !value.trim().is_empty())
            .unwrap_or_else(|| default.to_string())
    }

    /// The value of `name` (or `default`) as `parse` reads it; its complaint names `name`.
    fn parse<T>(
        &mut self,
        name: &str,
        default: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        parse_var(name, &self.get(name, default), parse)
    }

    /// A whole number from `min` to `max`.
    fn number(&mut self, name: &str, default: &str, min: u32, max: u32) -> Result<u32, ConfigError> {
        self.parse(name, default, |value| match value.trim().parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("'{value}' is not a whole number from {min} to {max}")),
        })
    }

    /// An optional path: `None` when unset.
    fn path(&mut self, name: &str) -> Option<PathBuf> {
        Some(self.get(name, ""))
            .filter(|value| !value.trim().is_empty())
            .map(PathBuf::from)
    }
}

/// A configuration value that cannot be used; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

impl ConfigError {
    fn new(variable: &str, message: impl Into<String>) -> Self {
        ConfigError {
            variable: variable.to_string(),
            message: message.into(),
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://avg-loket.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
pub const DEFAULT_MAIL_URL: &str = "file://mail-outbox";
pub const DEFAULT_MAIL_FROM: &str = "avg-loket@localhost";
pub const DEFAULT_ORGANISATION_FILE: &str = "organisation.toml";

/// `scheme://user:secret@host` → `scheme://user:***@host`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _secret)) => {
                format!("{scheme}://{user}:***@{}", &rest[at + 1..])
            }
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

fn parse_var<T>(
    name: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    parse(value).map_err(|message| ConfigError::new(name, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Calendar;
    use crate::domain::deadlines::{KindPeriods, Period};
    use crate::domain::kind::KindCode;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_follow_the_interface_contract() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database.url, DatabaseUrl::Sqlite("avg-loket.db".into()));
        assert_eq!(s.server.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.server.base_url, "http://127.0.0.1:8080");
        assert_eq!(s.mail.url, MailUrl::File("mail-outbox".into()));
        assert_eq!(s.mail.from, "avg-loket@localhost");
        assert_eq!(s.rules.calendar, Calendar::GdprNl);
        assert_eq!(
            s.rules.periods.for_kind(KindCode::Erasure),
            KindPeriods::default()
        );
        assert_eq!(s.rules.timezone, chrono_tz::Europe::Amsterdam);
        assert_eq!(s.server.log_filter, "info");
        assert_eq!(s.server.log_format, LogFormat::Text);
    }

    #[test]
    fn plain_http_issuers_are_this_machine_exactly() {
        let issuer = |value: &str| {
            settings(&[
                ("AVG_LOKET_OIDC_ISSUER", value),
                ("AVG_LOKET_OIDC_CLIENT_ID", "x"),
                ("AVG_LOKET_OIDC_CLIENT_SECRET", "y"),
            ])
            .map(|s| s.sign_in.oidc.unwrap().issuer)
        };
        for good in [
            "https://login.example.org/realms/zorg",
            "http://localhost:8081",
            "http://127.0.0.1:5556/dex",
            "http://[::1]:9000",
        ] {
            assert_eq!(issuer(good).unwrap(), good);
        }
        for bad in [
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://localhost@evil.example",
            "http://evil.example/localhost",
            "http://10.0.0.1",
            "https://user:pw@login.example.org",
            "ftp://login.example.org",
        ] {
            let error = issuer(bad).unwrap_err();
            assert_eq!(error.variable, "AVG_LOKET_OIDC_ISSUER", "{bad}");
        }
    }

    #[test]
    fn every_bad_value_names_its_variable() {
        let cases = [
            ("AVG_LOKET_DATABASE_URL", "mysql://x"),
            ("AVG_LOKET_DATABASE_URL", "avg.db"),
            ("AVG_LOKET_DATABASE_URL", "sqlite://:memory:"),
            ("AVG_LOKET_DATABASE_POOL_SIZE", "0"),
            ("AVG_LOKET_LISTEN", "localhost"),
            ("AVG_LOKET_BASE_URL", "ftp://x"),
            ("AVG_LOKET_MAIL_URL", "imap://x"),
            ("AVG_LOKET_MAIL_FROM", "not an address"),
            ("AVG_LOKET_CALENDAR", "us"),
            ("AVG_LOKET_RESPONSE_PERIOD", "two weeks"),
            ("AVG_LOKET_EXECUTION_PERIOD_ERASURE", "0d"),
            ("AVG_LOKET_TIMEZONE", "Mars/Olympus"),
            ("AVG_LOKET_LOG", "info,[[["),
            ("AVG_LOKET_LOG_FORMAT", "xml"),
        ];
        for (name, value) in cases {
            let error = settings(&[(name, value)]).expect_err(name);
            assert_eq!(error.variable, name, "{value}");
            assert!(error.to_string().starts_with(&format!("{name}: ")), "{error}");
        }
    }

    #[test]
    fn postgres_urls_are_kept_and_their_passwords_hidden() {
        let s = settings(&[("AVG_LOKET_DATABASE_URL", "postgres://avg:geheim@db:5432/avg")]).unwrap();
        assert_eq!(
            s.database.url,
            DatabaseUrl::Postgres("postgres://avg:geheim@db:5432/avg".into())
        );
        assert_eq!(s.database.url.to_string(), "postgres://avg:***@db:5432/avg");
        assert!(!format!("{s:?}").contains("geheim"));
        let s = settings(&[("AVG_LOKET_MAIL_URL", "smtp://u:p4ss@mail:587?tls=required")]).unwrap();
        assert!(!format!("{s:?}").contains("p4ss"));
    }

    #[test]
    fn periods_can_be_set_for_all_kinds_and_per_kind() {
        let s = settings(&[
            ("AVG_LOKET_RESPONSE_PERIOD", "10d"),
            ("AVG_LOKET_RESPONSE_PERIOD_ACCESS", "1w"),
        ])
        .unwrap();
        assert_eq!(
            s.rules.periods.for_kind(KindCode::Access).response,
            Period::Days(7)
        );
        assert_eq!(
            s.rules.periods.for_kind(KindCode::Erasure).response,
            Period::Days(10)
        );
        assert_eq!(
            s.rules.periods.for_kind(KindCode::Erasure).execution,
            Period::Days(28)
        );
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        let s = settings(&[("AVG_LOKET_BASE_URL", "https://avg.zorg.nl/")]).unwrap();
        assert_eq!(s.server.base_url, "https://avg.zorg.nl");
    }
}
