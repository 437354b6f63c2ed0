//! Settings from the environment (and an optional `.env` file).
//!
//! Every variable has the name and default the README's table gives. Parsing is strict: a value
//! that cannot be used stops start-up with a message that names the variable, so an
//! operator never runs with a half-understood configuration.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use chrono_tz::Tz;

use crate::domain::calendar::Calendar;
use crate::domain::deadlines::{KindPeriods, Period, Periods};
use crate::domain::kind::KindCode;
use crate::domain::reminders::ReminderRules;

pub use crate::domain::Language;

/// Where the register is stored, chosen by the scheme of `AVG_LOKET_DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH` — a file on this machine (relative to the working directory).
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, handed to libpq as it is.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let (scheme, rest) = value.split_once("://").ok_or_else(|| {
            format!(
                "'{}' is not a database URL (expected sqlite://PATH or postgres://USER@HOST:PORT/DB)",
                redact_password(value)
            )
        })?;
        match scheme {
            "sqlite" => {
                if rest.is_empty() {
                    return Err("sqlite:// needs a file path, e.g. sqlite://avg-loket.db".into());
                }
                if rest.contains(":memory:") || rest.starts_with("file:") || rest.contains('?') {
                    return Err(format!(
                        "'{value}' is not supported: give a plain file path (an in-memory database would lose every request)"
                    ));
                }
                Ok(DatabaseUrl::Sqlite(PathBuf::from(rest)))
            }
            "postgres" | "postgresql" => {
                if rest.is_empty() {
                    return Err(
                        "postgres:// needs a host and database, e.g. postgres://avg@127.0.0.1:5432/avg_loket"
                            .into(),
                    );
                }
                Ok(DatabaseUrl::Postgres(value.to_string()))
            }
            other => Err(format!(
                "unsupported scheme '{other}' (expected sqlite://PATH or postgres://USER@HOST:PORT/DB)"
            )),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

/// Never print a database password, not even in an error message.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The header a trusted reverse proxy writes the client's address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyHeader {
    /// `X-Forwarded-For`: the proxy appends the address it saw; the right-most one is
    /// the proxy's own word, anything left of it the client's.
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=…`, the right-most element.
    Forwarded,
}

/// The reverse proxy in front of avg-loket (`AVG_LOKET_TRUSTED_PROXY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    pub address: std::net::IpAddr,
    pub header: ProxyHeader,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub database_pool_size: u32,
    pub listen: SocketAddr,
    pub base_url: String,
    pub mail_url: MailUrl,
    pub mail_from: String,
    pub calendar: Calendar,
    pub periods: Periods,
    pub reminders: ReminderRules,
    pub language: Language,
    /// How often `serve` runs the reminder sweep and the delivery worker.
    pub sweep_interval: std::time::Duration,
    /// Delivery attempts before a mail is marked failed.
    pub mail_max_attempts: u32,
    /// How long after closing a request's personal data is kept.
    pub retention: Period,
    pub timezone: Tz,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// The organisation file of the letters (`AVG_LOKET_ORGANISATION_FILE`).
    pub organisation_file: PathBuf,
    /// A folder of letter templates that replace the built-in ones
    /// (`AVG_LOKET_LETTER_TEMPLATES`, optional): `nl/decision.txt` and so on.
    pub letter_templates: Option<PathBuf>,
    /// A certificate authority (PEM) to trust for SMTP over TLS besides the usual
    /// ones (`AVG_LOKET_MAIL_CA_FILE`, optional): an organisation's own mail server.
    pub mail_ca_file: Option<PathBuf>,
    /// A page session ends after this long unused (`AVG_LOKET_SESSION_IDLE`, default `30m`).
    pub session_idle: chrono::Duration,
    /// … and after this long in any case (`AVG_LOKET_SESSION_MAX`, default `10h`).
    pub session_max: chrono::Duration,
    /// Whether the pages offer sign-in with a personal token
    /// (`AVG_LOKET_PAGE_TOKEN_SIGNIN`; default `true` without a provider, `false` with
    /// `AVG_LOKET_OIDC_ISSUER`, whose second factor a token would skip); tokens stay for
    /// the API.
    pub page_token_signin: bool,
    /// The reverse proxy whose forwarding headers are believed
    /// (`AVG_LOKET_TRUSTED_PROXY`, an IP address; none by default), and the header it
    /// writes the client's address into (`AVG_LOKET_TRUSTED_PROXY_HEADER`).
    pub trusted_proxy: Option<TrustedProxy>,
    /// Wrong tokens a client address may send a minute before it must wait
    /// (`AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE`, default 10).
    pub signin_failures_per_minute: u32,
    /// Sign-ins with the organisation's account a client address may start (or return
    /// from) a minute (`AVG_LOKET_SIGNIN_STARTS_PER_MINUTE`, default 60).
    pub signin_starts_per_minute: u32,
    /// Signing in with the organisation's account (`AVG_LOKET_OIDC_*`); `None` when
    /// `AVG_LOKET_OIDC_ISSUER` is not set.
    pub oidc: Option<OidcSettings>,
}

/// The organisation's OpenID Connect provider (Microsoft Entra ID, Keycloak, …).
#[derive(Clone)]
pub struct OidcSettings {
    /// `AVG_LOKET_OIDC_ISSUER`: the provider's issuer URL, as in its discovery document.
    pub issuer: String,
    /// `AVG_LOKET_OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `AVG_LOKET_OIDC_CLIENT_SECRET`, or the first line of `AVG_LOKET_OIDC_CLIENT_SECRET_FILE`.
    pub client_secret: String,
    /// `AVG_LOKET_OIDC_REQUIRE_MFA=true`: the ID token must show a second factor.
    pub require_mfa: bool,
    /// `AVG_LOKET_OIDC_MFA_ACR=LEVEL,LEVEL`: `acr` values that stand for a second factor
    /// at this provider (besides `amr`).
    pub mfa_acr: Vec<String>,
    /// `AVG_LOKET_OIDC_ROLE_GROUPS=privacy_officer=GROUP,caseworker=GROUP,…`: the role
    /// follows the provider's `groups` claim at each sign-in (the first listed that
    /// matches wins). Empty: roles are set in avg-loket.
    pub role_groups: Vec<(crate::domain::access::Role, String)>,
    /// `AVG_LOKET_OIDC_TEAM_GROUPS=AMW=GROUP,JGZ=GROUP`: the teams follow the groups claim.
    pub team_groups: Vec<(crate::domain::team::TeamCode, String)>,
    /// `AVG_LOKET_OIDC_ALLOWED_DOMAINS=zorg.example,…`: only accounts of these domains
    /// sign in (Google's `hd` claim, else the verified e-mail address's domain).
    pub allowed_domains: Vec<String>,
}

/// Never print the client secret.
impl fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("require_mfa", &self.require_mfa)
            .field("mfa_acr", &self.mfa_acr)
            .field("role_groups", &self.role_groups)
            .field("team_groups", &self.team_groups)
            .field("allowed_domains", &self.allowed_domains)
            .finish()
    }
}

/// `CODE=GROUP,CODE=GROUP`: pairs of a code and a group id or name.
fn parse_group_map<T>(
    value: &str,
    code: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<(T, String)>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, group) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not CODE=GROUP"))?;
            let group = group.trim();
            if group.is_empty() {
                return Err(format!("'{pair}' names no group"));
            }
            Ok((code(key.trim())?, group.to_string()))
        })
        .collect()
}

fn parse_oidc(get: &mut impl FnMut(&str, &str) -> String) -> Result<Option<OidcSettings>, ConfigError> {
    let issuer = get("AVG_LOKET_OIDC_ISSUER", "");
    if issuer.trim().is_empty() {
        return Ok(None);
    }
    let issuer = parse_var("AVG_LOKET_OIDC_ISSUER", &issuer, |v| {
        let v = v.trim().trim_end_matches('/');
        let refused = || {
            format!(
                "'{v}' is not an issuer URL (https://…, e.g. https://login.microsoftonline.com/TENANT/v2.0; plain http only for localhost, 127.0.0.1 or [::1])"
            )
        };
        let url = openidconnect::url::Url::parse(v).map_err(|_| refused())?;
        let this_machine = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
        let fits = match url.scheme() {
            "https" => url.host_str().is_some(),
            "http" => this_machine,
            _ => false,
        };
        if fits && url.username().is_empty() && url.password().is_none() {
            Ok(v.to_string())
        } else {
            Err(refused())
        }
    })?;
    let client_id = parse_var(
        "AVG_LOKET_OIDC_CLIENT_ID",
        &get("AVG_LOKET_OIDC_CLIENT_ID", ""),
        |v| {
            Some(v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    "is needed with AVG_LOKET_OIDC_ISSUER (the application's client id at the provider)"
                        .to_string()
                })
        },
    )?;
    let secret = get("AVG_LOKET_OIDC_CLIENT_SECRET", "");
    let secret_file = get("AVG_LOKET_OIDC_CLIENT_SECRET_FILE", "");
    let client_secret = if !secret.trim().is_empty() {
        secret.trim().to_string()
    } else if !secret_file.trim().is_empty() {
        parse_var("AVG_LOKET_OIDC_CLIENT_SECRET_FILE", &secret_file, |path| {
            let text = std::fs::read_to_string(path.trim())
                .map_err(|e| format!("cannot read {}: {e}", path.trim()))?;
            Some(text.lines().next().unwrap_or_default().trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{} is empty", path.trim()))
        })?
    } else {
        return Err(ConfigError::new(
            "AVG_LOKET_OIDC_CLIENT_SECRET",
            "is needed with AVG_LOKET_OIDC_ISSUER (or AVG_LOKET_OIDC_CLIENT_SECRET_FILE, a file holding it)",
        ));
    };
    let require_mfa = parse_var(
        "AVG_LOKET_OIDC_REQUIRE_MFA",
        &get("AVG_LOKET_OIDC_REQUIRE_MFA", "false"),
        |v| match v.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(format!("'{other}' is not true or false")),
        },
    )?;
    let mfa_acr = get("AVG_LOKET_OIDC_MFA_ACR", "")
        .split(',')
        .map(str::trim)
        .filter(|level| !level.is_empty())
        .map(str::to_string)
        .collect();
    let role_groups = parse_var(
        "AVG_LOKET_OIDC_ROLE_GROUPS",
        &get("AVG_LOKET_OIDC_ROLE_GROUPS", ""),
        |v| {
            parse_group_map(v, |code| {
                crate::domain::access::Role::parse(code).map_err(|e| e.0.en)
            })
        },
    )?;
    let team_groups = parse_var(
        "AVG_LOKET_OIDC_TEAM_GROUPS",
        &get("AVG_LOKET_OIDC_TEAM_GROUPS", ""),
        |v| {
            parse_group_map(v, |code| {
                crate::domain::team::TeamCode::parse(code).map_err(|e| e.0.en)
            })
        },
    )?;
    // Keycloak sends a group by its name alone unless the groups mapper's "Full group
    // path" is on: a group `fg` anywhere in the realm would then match. Ask the path.
    if issuer.contains("/realms/") {
        let names = role_groups
            .iter()
            .map(|(_, g)| ("AVG_LOKET_OIDC_ROLE_GROUPS", g))
            .chain(team_groups.iter().map(|(_, g)| ("AVG_LOKET_OIDC_TEAM_GROUPS", g)));
        for (name, group) in names {
            if !group.starts_with('/') {
                return Err(ConfigError::new(
                    name,
                    format!(
                        "'{group}' is not a full group path: with Keycloak give the path (e.g. /zorg/{group}) and turn on \"Full group path\" in the client's groups mapper"
                    ),
                ));
            }
        }
    }
    let allowed_domains = parse_var(
        "AVG_LOKET_OIDC_ALLOWED_DOMAINS",
        &get("AVG_LOKET_OIDC_ALLOWED_DOMAINS", ""),
        |v| {
            v.split(',')
                .map(|d| d.trim().trim_start_matches('@').to_lowercase())
                .filter(|d| !d.is_empty())
                .map(|d| {
                    let fits = d.contains('.')
                        && d.split('.').all(|label| {
                            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        });
                    if fits {
                        Ok(d)
                    } else {
                        Err(format!("'{d}' is not a domain (e.g. zorg.example)"))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        },
    )?;
    Ok(Some(OidcSettings {
        issuer,
        client_id,
        client_secret,
        require_mfa,
        mfa_acr,
        role_groups,
        team_groups,
        allowed_domains,
    }))
}

/// A length of time as `45s`, `30m` or `10h`.
fn parse_span(value: &str) -> Result<chrono::Duration, String> {
    let value = value.trim();
    let (number, unit) = value.split_at(value.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("'{value}' is not a length of time (e.g. 30m, 10h, 90s)"))?;
    match unit {
        "s" => Ok(chrono::Duration::seconds(n)),
        "m" => Ok(chrono::Duration::minutes(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        _ => Err(format!("'{value}' is not a length of time (e.g. 30m, 10h, 90s)")),
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
    pub fn from_lookup(mut lookup: impl FnMut(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut get = |name: &str, default: &str| -> String {
            lookup(name)
                .filter(|value| !value.trim().is_empty())
                .unwrap_or_else(|| default.to_string())
        };

        let database_url = parse_var(
            "AVG_LOKET_DATABASE_URL",
            &get("AVG_LOKET_DATABASE_URL", DEFAULT_DATABASE_URL),
            DatabaseUrl::parse,
        )?;
        let database_pool_size = parse_var(
            "AVG_LOKET_DATABASE_POOL_SIZE",
            &get("AVG_LOKET_DATABASE_POOL_SIZE", "8"),
            |v| match v.trim().parse::<u32>() {
                Ok(n) if (1..=256).contains(&n) => Ok(n),
                _ => Err(format!("'{v}' is not a pool size (a whole number from 1 to 256)")),
            },
        )?;
        let listen = parse_var(
            "AVG_LOKET_LISTEN",
            &get("AVG_LOKET_LISTEN", DEFAULT_LISTEN),
            |v| {
                v.trim().parse::<SocketAddr>().map_err(|_| {
                    format!("'{v}' is not an address to listen on (expected IP:PORT, e.g. 127.0.0.1:8080)")
                })
            },
        )?;
        let base_url = parse_var(
            "AVG_LOKET_BASE_URL",
            &get("AVG_LOKET_BASE_URL", DEFAULT_BASE_URL),
            parse_base_url,
        )?;
        let mail_url = parse_var(
            "AVG_LOKET_MAIL_URL",
            &get("AVG_LOKET_MAIL_URL", DEFAULT_MAIL_URL),
            MailUrl::parse,
        )?;
        let mail_from = parse_var(
            "AVG_LOKET_MAIL_FROM",
            &get("AVG_LOKET_MAIL_FROM", DEFAULT_MAIL_FROM),
            |v| {
                v.trim()
                    .parse::<lettre::message::Mailbox>()
                    .map(|_| v.trim().to_string())
                    .map_err(|_| format!("'{v}' is not an e-mail address (e.g. avg-loket@zorg.example.nl)"))
            },
        )?;
        let calendar = parse_var("AVG_LOKET_CALENDAR", &get("AVG_LOKET_CALENDAR", "gdpr-nl"), |v| {
            Calendar::parse(v.trim()).map_err(|e| e.0.en)
        })?;
        let periods = parse_periods(&mut get)?;
        let number = |name: &str, value: String, min: u32, max: u32| -> Result<u32, ConfigError> {
            match value.trim().parse::<u32>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(ConfigError::new(
                    name,
                    format!("'{value}' is not a whole number from {min} to {max}"),
                )),
            }
        };
        let reminders = ReminderRules {
            hour: number(
                "AVG_LOKET_REMINDER_HOUR",
                get("AVG_LOKET_REMINDER_HOUR", "8"),
                0,
                23,
            )?,
            due_soon_working_days: number(
                "AVG_LOKET_REMINDER_DAYS_BEFORE",
                get("AVG_LOKET_REMINDER_DAYS_BEFORE", "3"),
                0,
                20,
            )?,
            escalate_after_working_days: number(
                "AVG_LOKET_ESCALATION_DAYS",
                get("AVG_LOKET_ESCALATION_DAYS", "5"),
                1,
                60,
            )?,
            repeat_every_days: number(
                "AVG_LOKET_REMINDER_REPEAT_DAYS",
                get("AVG_LOKET_REMINDER_REPEAT_DAYS", "7"),
                1,
                60,
            )?,
            unassigned_after_working_days: number(
                "AVG_LOKET_UNASSIGNED_DAYS",
                get("AVG_LOKET_UNASSIGNED_DAYS", "1"),
                1,
                20,
            )?,
        };
        let language = parse_var("AVG_LOKET_LANGUAGE", &get("AVG_LOKET_LANGUAGE", "nl"), |v| {
            Language::parse(v.trim()).map_err(|e| e.0.en)
        })?;
        let sweep_interval = std::time::Duration::from_secs(u64::from(number(
            "AVG_LOKET_SWEEP_INTERVAL_SECONDS",
            get("AVG_LOKET_SWEEP_INTERVAL_SECONDS", "60"),
            1,
            3600,
        )?));
        let retention = parse_var(
            "AVG_LOKET_RETENTION_PERIOD",
            &get("AVG_LOKET_RETENTION_PERIOD", "24m"),
            |v| Period::parse(v).map_err(|e| e.0.en),
        )?;
        let mail_max_attempts = number(
            "AVG_LOKET_MAIL_MAX_ATTEMPTS",
            get("AVG_LOKET_MAIL_MAX_ATTEMPTS", "8"),
            1,
            100,
        )?;
        let timezone = parse_var(
            "AVG_LOKET_TIMEZONE",
            &get("AVG_LOKET_TIMEZONE", "Europe/Amsterdam"),
            |v| {
                v.trim()
                    .parse::<Tz>()
                    .map_err(|_| format!("'{v}' is not an IANA time zone (e.g. Europe/Amsterdam)"))
            },
        )?;
        let log_filter = parse_var("AVG_LOKET_LOG", &get("AVG_LOKET_LOG", "info"), |v| {
            tracing_subscriber::EnvFilter::try_new(v.trim())
                .map(|_| v.trim().to_string())
                .map_err(|e| format!("'{v}' is not a log filter ({e}); e.g. info or avg_loket=debug"))
        })?;
        let log_format = parse_var(
            "AVG_LOKET_LOG_FORMAT",
            &get("AVG_LOKET_LOG_FORMAT", "text"),
            |v| match v.trim() {
                "text" => Ok(LogFormat::Text),
                "json" => Ok(LogFormat::Json),
                other => Err(format!("unknown log format '{other}' (expected text or json)")),
            },
        )?;

        let organisation_file = PathBuf::from(get("AVG_LOKET_ORGANISATION_FILE", DEFAULT_ORGANISATION_FILE));
        let session_idle = parse_var(
            "AVG_LOKET_SESSION_IDLE",
            &get("AVG_LOKET_SESSION_IDLE", "30m"),
            parse_span,
        )?;
        let session_max = parse_var(
            "AVG_LOKET_SESSION_MAX",
            &get("AVG_LOKET_SESSION_MAX", "10h"),
            parse_span,
        )?;
        // Default: on without a provider, off with one (a token would skip its second factor).
        let page_token_signin = parse_var(
            "AVG_LOKET_PAGE_TOKEN_SIGNIN",
            &get("AVG_LOKET_PAGE_TOKEN_SIGNIN", ""),
            |v| match v.trim() {
                "" => Ok(None),
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                other => Err(format!("'{other}' is not true or false")),
            },
        )?;
        let proxy_header = parse_var(
            "AVG_LOKET_TRUSTED_PROXY_HEADER",
            &get("AVG_LOKET_TRUSTED_PROXY_HEADER", "x-forwarded-for"),
            |v| match v.trim().to_ascii_lowercase().as_str() {
                "x-forwarded-for" => Ok(ProxyHeader::XForwardedFor),
                "forwarded" => Ok(ProxyHeader::Forwarded),
                other => Err(format!("'{other}' is not x-forwarded-for or forwarded")),
            },
        )?;
        let trusted_proxy = Some(get("AVG_LOKET_TRUSTED_PROXY", ""))
            .filter(|v| !v.trim().is_empty())
            .map(|v| {
                parse_var("AVG_LOKET_TRUSTED_PROXY", &v, |v| {
                    v.trim().parse::<std::net::IpAddr>().map_err(|_| {
                        format!("'{v}' is not an IP address (the reverse proxy's, e.g. 127.0.0.1)")
                    })
                })
            })
            .transpose()?
            .map(|address| TrustedProxy {
                address,
                header: proxy_header,
            });
        let signin_failures_per_minute = number(
            "AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE",
            get("AVG_LOKET_SIGNIN_FAILURES_PER_MINUTE", "10"),
            1,
            10_000,
        )?;
        let signin_starts_per_minute = number(
            "AVG_LOKET_SIGNIN_STARTS_PER_MINUTE",
            get("AVG_LOKET_SIGNIN_STARTS_PER_MINUTE", "60"),
            1,
            100_000,
        )?;
        let mail_ca_file = Some(get("AVG_LOKET_MAIL_CA_FILE", ""))
            .filter(|file| !file.trim().is_empty())
            .map(PathBuf::from);
        let oidc = parse_oidc(&mut get)?;
        let letter_templates = Some(get("AVG_LOKET_LETTER_TEMPLATES", ""))
            .filter(|folder| !folder.trim().is_empty())
            .map(PathBuf::from);

        Ok(Settings {
            database_url,
            database_pool_size,
            listen,
            base_url,
            mail_url,
            mail_from,
            calendar,
            periods,
            reminders,
            language,
            sweep_interval,
            mail_max_attempts,
            retention,
            timezone,
            log_filter,
            log_format,
            organisation_file,
            letter_templates,
            mail_ca_file,
            session_idle,
            session_max,
            page_token_signin: page_token_signin.unwrap_or(oidc.is_none()),
            trusted_proxy,
            signin_failures_per_minute,
            signin_starts_per_minute,
            oidc,
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

fn parse_var<T>(
    name: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    parse(value).map_err(|message| ConfigError::new(name, message))
}

/// `AVG_LOKET_{RESPONSE,EXECUTION,LEGAL,EXTENDED}_PERIOD` for every kind, and the same
/// with a `_{KIND}` suffix (e.g. `AVG_LOKET_RESPONSE_PERIOD_ERASURE=7d`) for one kind.
fn parse_periods(get: &mut impl FnMut(&str, &str) -> String) -> Result<Periods, ConfigError> {
    let defaults = KindPeriods::default();
    let mut period = |name: String, default: Period| -> Result<Period, ConfigError> {
        let value = get(&name, &default.to_string());
        Period::parse(&value).map_err(|e| ConfigError::new(&name, e.0.en))
    };
    let base = KindPeriods {
        response: period("AVG_LOKET_RESPONSE_PERIOD".into(), defaults.response)?,
        execution: period("AVG_LOKET_EXECUTION_PERIOD".into(), defaults.execution)?,
        legal: period("AVG_LOKET_LEGAL_PERIOD".into(), defaults.legal)?,
        extended: period("AVG_LOKET_EXTENDED_PERIOD".into(), defaults.extended)?,
    };
    let mut periods = Periods::default();
    for kind in KindCode::ALL {
        let suffix = kind.code().to_uppercase();
        let own = KindPeriods {
            response: period(format!("AVG_LOKET_RESPONSE_PERIOD_{suffix}"), base.response)?,
            execution: period(format!("AVG_LOKET_EXECUTION_PERIOD_{suffix}"), base.execution)?,
            legal: period(format!("AVG_LOKET_LEGAL_PERIOD_{suffix}"), base.legal)?,
            extended: period(format!("AVG_LOKET_EXTENDED_PERIOD_{suffix}"), base.extended)?,
        };
        periods.set(*kind, own);
    }
    Ok(periods)
}

fn parse_base_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| format!("'{value}' is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("'{value}' has no host"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_follow_the_interface_contract() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("avg-loket.db".into()));
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url, "http://127.0.0.1:8080");
        assert_eq!(s.mail_url, MailUrl::File("mail-outbox".into()));
        assert_eq!(s.mail_from, "avg-loket@localhost");
        assert_eq!(s.calendar, Calendar::GdprNl);
        assert_eq!(s.periods.for_kind(KindCode::Erasure), KindPeriods::default());
        assert_eq!(s.timezone, chrono_tz::Europe::Amsterdam);
        assert_eq!(s.log_filter, "info");
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn plain_http_issuers_are_this_machine_exactly() {
        let issuer = |value: &str| {
            settings(&[
                ("AVG_LOKET_OIDC_ISSUER", value),
                ("AVG_LOKET_OIDC_CLIENT_ID", "x"),
                ("AVG_LOKET_OIDC_CLIENT_SECRET", "y"),
            ])
            .map(|s| s.oidc.unwrap().issuer)
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
            s.database_url,
            DatabaseUrl::Postgres("postgres://avg:geheim@db:5432/avg".into())
        );
        assert_eq!(s.database_url.to_string(), "postgres://avg:***@db:5432/avg");
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
        assert_eq!(s.periods.for_kind(KindCode::Access).response, Period::Days(7));
        assert_eq!(s.periods.for_kind(KindCode::Erasure).response, Period::Days(10));
        assert_eq!(s.periods.for_kind(KindCode::Erasure).execution, Period::Days(28));
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        let s = settings(&[("AVG_LOKET_BASE_URL", "https://avg.zorg.nl/")]).unwrap();
        assert_eq!(s.base_url, "https://avg.zorg.nl");
    }
}
