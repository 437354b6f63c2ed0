//! The `avg-loket` command line.

use clap::{Parser, Subcommand};

use chrono::{Datelike, NaiveDate};

use crate::configuration::Settings;
use crate::domain::calendar::{Calendar, FIRST_YEAR, LAST_YEAR};
use crate::domain::deadlines::{deadline, Period};
use crate::startup::Application;
use crate::storage::audit;
use crate::storage::Db;

#[derive(Debug, Parser)]
#[command(
    name = "avg-loket",
    version,
    about = "Registers AVG (GDPR) requests, tracks their legal deadlines and reminds caseworkers",
    long_about = "Registers AVG (GDPR) requests, tracks their legal deadlines and reminds caseworkers.\n\n\
        Configuration comes from AVG_LOKET_* environment variables or a .env file in the \
        working directory; without any, the service uses the SQLite file avg-loket.db and \
        writes mail to the folder mail-outbox. See README.md for the full table."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations, then serve the HTTP API until SIGTERM or SIGINT
    /// (in-flight requests are allowed to finish).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Print the deadline of a period counted from a date of receipt (YYYY-MM-DD),
    /// the way the law counts it: the day of receipt is not counted, paused days are
    /// added, and an end on a weekend or holiday moves to the next working day.
    Deadline(DeadlineArgs),
    /// Work with the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["days", "months"])))]
pub struct DeadlineArgs {
    /// The date the request was received (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub received: NaiveDate,
    /// A period in calendar days (e.g. 14 for the response deadline).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: Option<u32>,
    /// A period in months (e.g. 1 for the legal limit, 3 when extended).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: Option<u32>,
    /// Calendar days the request waited for the requester.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub paused_days: u32,
    /// gdpr-nl or atw; defaults to AVG_LOKET_CALENDAR.
    #[arg(long, value_parser = parse_calendar)]
    pub calendar: Option<Calendar>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the whole audit trail: exit 0 when intact; otherwise
    /// exit 1 and name the first event that was changed, removed or inserted.
    Verify,
}

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    crate::http::params::parse_date(value)
        .filter(|d| (FIRST_YEAR..LAST_YEAR).contains(&d.year()))
        .ok_or_else(|| {
            format!(
                "'{value}' is not a date between {FIRST_YEAR} and {} (YYYY-MM-DD)",
                LAST_YEAR - 1
            )
        })
}

fn parse_calendar(value: &str) -> Result<Calendar, String> {
    Calendar::parse(value).map_err(|e| e.0)
}

/// A command that failed; printed as one line on stderr.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] crate::configuration::ConfigError),
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("server stopped with an error: {0}")]
    Server(std::io::Error),
    #[error("{0}")]
    AuditBroken(crate::domain::audit::ChainBreak),
}

pub fn run(cli: Cli, settings: Settings) -> Result<(), CliError> {
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(settings),
        Command::Deadline(args) => {
            let period = match (args.days, args.months) {
                (Some(days), _) => Period::Days(days),
                (None, Some(months)) => Period::Months(months),
                (None, None) => unreachable!("clap requires --days or --months"),
            };
            let calendar = args.calendar.unwrap_or(settings.calendar);
            println!("{}", deadline(args.received, period, args.paused_days, calendar));
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let db = Db::connect(&settings.database_url, 1)?;
            let mut conn = db.get()?;
            match audit::verify(&mut conn)? {
                audit::Verification::Intact { events } => {
                    println!("audit trail intact: {events} events verified");
                    Ok(())
                }
                audit::Verification::Broken(broken) => Err(CliError::AuditBroken(broken)),
            }
        }
    }
}

fn serve(settings: Settings) -> Result<(), CliError> {
    actix_web::rt::System::new().block_on(async move {
        let backend = settings.database_url.backend_name();
        let application = Application::build(settings.clone())?;
        tracing::info!(
            address = %format!("{}:{}", settings.listen.ip(), application.port()),
            database = backend,
            "listening"
        );
        application.run_until_stopped().await.map_err(CliError::Server)?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn migrate(settings: Settings) -> Result<(), CliError> {
    let db = Db::connect(&settings.database_url, 1)?;
    let applied = db.migrate()?;
    if applied.is_empty() {
        println!("database {} is up to date", settings.database_url);
    } else {
        println!(
            "applied {} migration(s) to {}: {}",
            applied.len(),
            settings.database_url,
            applied.join(", ")
        );
    }
    Ok(())
}
