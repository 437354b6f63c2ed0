use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use avg_loket::cli::{self, Cli};
use avg_loket::configuration::Settings;
use avg_loket::telemetry;

fn main() -> ExitCode {
    // The database, backups and mail files are this user's alone.
    avg_loket::private_files::restrict_new_files();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => match error.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            _ => {
                // One line, as operators' scripts expect; `--help` has the rest.
                let rendered = error.to_string();
                let first = rendered.lines().next().unwrap_or("invalid arguments");
                let first = first.strip_prefix("error: ").unwrap_or(first);
                eprintln!("avg-loket: error: {first} (see avg-loket --help)");
                return ExitCode::from(2);
            }
        },
    };
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("avg-loket: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(&settings);
    match cli::run(cli, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("avg-loket: error: {error}");
            ExitCode::FAILURE
        }
    }
}
