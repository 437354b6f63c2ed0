//! Where the register is stored: `AVG_LOKET_DATABASE_URL` and the pool.

use std::fmt;
use std::path::PathBuf;

use super::{redact_password, ConfigError, Vars, DEFAULT_DATABASE_URL};

/// The database and its connection pool.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `AVG_LOKET_DATABASE_URL`.
    pub url: DatabaseUrl,
    /// `AVG_LOKET_DATABASE_POOL_SIZE` (default 8).
    pub pool_size: u32,
}

impl DatabaseSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        Ok(DatabaseSettings {
            url: vars.parse("AVG_LOKET_DATABASE_URL", DEFAULT_DATABASE_URL, DatabaseUrl::parse)?,
            pool_size: vars.parse("AVG_LOKET_DATABASE_POOL_SIZE", "8", |v| {
                match v.trim().parse::<u32>() {
                    Ok(n) if (1..=256).contains(&n) => Ok(n),
                    _ => Err(format!("'{v}' is not a pool size (a whole number from 1 to 256)")),
                }
            })?,
        })
    }
}

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
