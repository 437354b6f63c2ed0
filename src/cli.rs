//! The `avg-loket` command line.

use clap::{Parser, Subcommand};

use crate::configuration::Settings;
use crate::startup::Application;
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
}

pub fn run(cli: Cli, settings: Settings) -> Result<(), CliError> {
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(settings),
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
