//! The `avg-loket` command line.

use clap::{Parser, Subcommand};

use chrono::{Datelike, NaiveDate};

use crate::clock;
use crate::configuration::Settings;
use crate::domain::calendar::{Calendar, FIRST_YEAR, LAST_YEAR};
use crate::domain::deadlines::{deadline, Period};
use crate::domain::team::TeamCode;
use crate::jobs::Background;
use crate::mail::Mailer;
use crate::service::admin::{self, Admin, NewTeamInput, NewUser, TokenTerm, UserRef};
use crate::service::audit::Verification;
use crate::service::delivery::{deliver_concurrently, MailSettings, Outbox};
use crate::service::reminders::sweep;
use crate::service::retention::purge;
use crate::service::Rules;
use crate::service::ServiceError;
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
    /// Print the deadline of a period counted from a date of receipt (YYYY-MM-DD),
    /// the way the law counts it: the day of receipt is not counted, paused days are
    /// added, and an end on a weekend or holiday moves to the next working day.
    Deadline(DeadlineArgs),
    /// Work with the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage teams (service lines such as AMW).
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Manage users: front desk, caseworkers, managers, privacy officers, auditors.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Issue or revoke a user's API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Queue the reminder e-mails due at a moment and deliver the outbox, then exit
    /// (for cron, and for operators; `serve` does this every minute by itself).
    Remind {
        /// Run one sweep and one delivery round (required: `serve` runs continuously).
        #[arg(long, required = true)]
        once: bool,
        /// The moment to sweep at (RFC 3339, e.g. 2026-11-30T08:00:00+01:00); default now.
        #[arg(long, value_parser = parse_instant)]
        now: Option<chrono::DateTime<chrono::Utc>>,
        /// Only queue the reminders; leave delivery to `serve` or a later run.
        #[arg(long)]
        no_delivery: bool,
        /// Show what that moment would queue, and change nothing (no outbox rows, no
        /// delivery).
        #[arg(long, conflicts_with = "no_delivery")]
        dry_run: bool,
    },
    /// Write a consistent copy of the SQLite register to a new file, also while `serve`
    /// runs (SQLite's VACUUM INTO). On PostgreSQL use pg_dump (docs/operations.md).
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Anonymise closed requests past their retention period
    /// (AVG_LOKET_RETENTION_PERIOD, default 24m after closing); `serve` does this daily.
    Purge(PurgeArgs),
    /// The organisation file that letters to requesters are made from
    /// (AVG_LOKET_ORGANISATION_FILE, default organisation.toml).
    Organisation {
        #[command(subcommand)]
        command: OrganisationCommand,
    },
    /// Fill the database with reproducible synthetic requests (demos, benchmarks):
    /// all kinds and states, on-time and late, paused and extended. Refuses a database
    /// that holds requests already, unless --force.
    Seed {
        /// How many requests.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        requests: u64,
        /// The same seed (on the same day) gives the same requests.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add to a database that holds requests already.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct PurgeArgs {
    /// The moment to purge at (RFC 3339); default now.
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

fn parse_instant(value: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("'{value}' is not an RFC 3339 moment (e.g. 2026-11-30T08:00:00+01:00)"))
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Add a team.
    Add {
        /// Short code: upper-case letters, digits and '-', e.g. AMW.
        #[arg(long)]
        code: String,
        /// Display name, e.g. "Algemeen maatschappelijk werk".
        #[arg(long)]
        name: String,
    },
    /// List the teams.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user and print their first API token as the last line of stdout.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// front_desk, caseworker, manager, privacy_officer or auditor.
        #[arg(long)]
        role: String,
        /// A team the user works in (caseworker) or manages (manager); repeat for more.
        #[arg(long = "team")]
        teams: Vec<String>,
        /// Reminder e-mails one by one (each, the default) or one each morning (daily_digest).
        #[arg(long)]
        reminders: Option<String>,
    },
    /// Choose how a user receives reminders: each (one mail per reminder) or daily_digest.
    Reminders {
        #[arg(long)]
        email: String,
        /// each or daily_digest.
        #[arg(long)]
        reminders: String,
    },
    /// List the users with their role, teams and state.
    List,
    /// Deactivate a user: their tokens stop working at once.
    Deactivate {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Check the organisation file: exit 0 and summarise it when it can be used;
    /// otherwise exit 1 and name every field that needs fixing.
    Check {
        /// The file to check; default AVG_LOKET_ORGANISATION_FILE.
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a new token for a user; printed once, as the last line of stdout.
    Create {
        #[arg(long)]
        email: String,
        /// Days it works: a personal token 90 by default (at most 365), a service
        /// token 365 by default (at most 730).
        #[arg(long)]
        days: Option<i64>,
        /// Makes it a service token for a script, under this name.
        #[arg(long)]
        service: Option<String>,
    },
    /// Revoke every token of a user.
    Revoke {
        #[arg(long)]
        email: String,
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
    crate::service::input::parse_date(value)
        .filter(|d| (FIRST_YEAR..LAST_YEAR).contains(&d.year()))
        .ok_or_else(|| {
            format!(
                "'{value}' is not a date between {FIRST_YEAR} and {} (YYYY-MM-DD)",
                LAST_YEAR - 1
            )
        })
}

fn parse_calendar(value: &str) -> Result<Calendar, String> {
    Calendar::parse(value.trim()).map_err(|e| e.0.en)
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
    #[error("letter templates: {0}")]
    Letters(String),
    #[error("{0}")]
    Rejected(String),
    #[error("{0}")]
    Mail(String),
    #[error(transparent)]
    Organisation(#[from] crate::configuration::OrganisationFileError),
}

impl From<ServiceError> for CliError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(issues) => CliError::Rejected(
                issues
                    .iter()
                    .map(|i| format!("{}: {}", i.field, i.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ServiceError::Storage(e) => CliError::Storage(e),
            other => CliError::Rejected(other.to_string()),
        }
    }
}

/// Connects and brings the schema up to date, so that administration works on a
/// fresh install before the first `serve`.
fn admin_db(settings: &Settings) -> Result<Db, CliError> {
    let db = Db::connect(&settings.database.url, 2)?;
    db.migrate()?;
    Ok(db)
}

/// Runs one piece of async work (a service call) to its end.
fn block_on<T>(work: impl std::future::Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    actix_web::rt::System::new().block_on(work)
}

/// What the letters will say about the organisation, for the operator to read over.
fn organisation_summary(organisation: &crate::domain::organisation::Organisation) -> String {
    let mut out = format!(
        "letterhead:       {}, {}, {} {}\n",
        organisation.name,
        organisation.address.join(", "),
        organisation.postcode,
        organisation.city
    );
    out += &format!(
        "contact:          {}, {}\n",
        organisation.phone, organisation.email
    );
    out += &format!(
        "privacy officer:  {}, {}\n",
        organisation.privacy_officer.name, organisation.privacy_officer.email
    );
    out += &format!(
        "after a refusal:  a complaint to the Autoriteit Persoonsgegevens, or {}{}\n",
        organisation.controller_type.judicial_route().0,
        match &organisation.complaints_url {
            Some(url) => format!("; own complaint procedure {url}"),
            None => String::new(),
        }
    );
    use crate::domain::organisation::ON_BEHALF;
    let kinds: Vec<String> = organisation
        .texts
        .iter()
        .map(|(kind, texts)| {
            let behalf = texts.keys().filter(|name| name.ends_with(ON_BEHALF)).count();
            format!(
                "{} ({}; for a representative {behalf})",
                kind.code(),
                texts.len() - behalf
            )
        })
        .collect();
    out += &format!("standard texts:   {}\n", kinds.join(", "));
    let without_variant: Vec<String> = organisation
        .texts
        .iter()
        .flat_map(|(kind, texts)| {
            texts
                .keys()
                .filter(|name| {
                    !name.ends_with(ON_BEHALF) && !texts.contains_key(&format!("{name}{ON_BEHALF}"))
                })
                .map(move |name| format!("texts.{}.{name}{ON_BEHALF}", kind.code()))
        })
        .collect();
    if !without_variant.is_empty() {
        out += &format!(
            "note:             no text for a letter to someone who asks on the client's behalf: {}; \
             such a letter starts from the text written to the client, which the caseworker must rewrite \
             before it can go out\n",
            without_variant.join(", ")
        );
    }
    if let Some(logo) = &organisation.logo {
        out += &format!("logo:             {logo}\n");
    }
    out
}

fn team_list(teams: &[TeamCode]) -> String {
    if teams.is_empty() {
        "-".to_string()
    } else {
        teams.iter().map(TeamCode::as_str).collect::<Vec<_>>().join(",")
    }
}

/// Team, user and token administration as the operator on the machine (the audit
/// actor `cli`): the same service functions the privacy officer uses over the API.
fn administer(command: Command, settings: &Settings) -> Result<(), CliError> {
    let db = admin_db(settings)?;
    let now = clock::now();
    let operator = Admin::operator();
    block_on(async move {
        match command {
            Command::Team {
                command: TeamCommand::Add { code, name },
            } => {
                let team = operator
                    .create_team(&db, NewTeamInput { code, name }, now)
                    .await?;
                println!("team {} added: {}", team.code, printable(&team.name));
            }
            Command::Team {
                command: TeamCommand::List,
            } => {
                for team in admin::teams(&db).await? {
                    println!("{}\t{}", team.code, printable(&team.name));
                }
            }
            Command::User {
                command:
                    UserCommand::Add {
                        name,
                        email,
                        role,
                        teams,
                        reminders,
                    },
            } => {
                let new =
                    NewUser::parse(&name, &email, &role, &teams)?.with_reminders(reminders.as_deref())?;
                let (view, token) = operator.create_user_with_token(&db, new, now).await?;
                println!(
                    "user {} added: {} ({}), teams: {}",
                    view.user.id,
                    view.user.email,
                    view.user.role,
                    team_list(&view.teams)
                );
                println!(
                    "API token, works until {} (shown once; give it to the user, it cannot be shown again):",
                    token.expires_at.format("%Y-%m-%d %H:%M UTC")
                );
                println!("{}", token.token);
            }
            Command::User {
                command: UserCommand::List,
            } => {
                for view in operator.list_users(&db).await? {
                    let user = &view.user;
                    let state = if user.active { "active" } else { "deactivated" };
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        user.id,
                        printable(&user.email),
                        printable(&user.name),
                        user.role,
                        team_list(&view.teams),
                        state
                    );
                }
            }
            Command::User {
                command: UserCommand::Reminders { email, reminders },
            } => {
                let view = operator
                    .set_reminders(&db, UserRef::Email(email), &reminders, now)
                    .await?;
                println!(
                    "{} now receives reminders: {}",
                    view.user.email, view.user.reminders
                );
            }
            Command::User {
                command: UserCommand::Deactivate { email },
            } => {
                let rules = Rules::from_settings(settings);
                let (view, held) = operator
                    .deactivate_user(&db, &rules, UserRef::Email(email), now)
                    .await?;
                println!(
                    "user {} ({}) is deactivated; their tokens no longer work",
                    view.user.id, view.user.email
                );
                if held > 0 {
                    println!(
                        "{held} open request(s) are still assigned to them; they count as unassigned until a manager reassigns them"
                    );
                }
            }
            Command::Token {
                command: TokenCommand::Create { email, days, service },
            } => {
                let shown = email.trim().to_lowercase();
                let term = TokenTerm::parse(days, service.as_deref())?;
                let token = operator
                    .issue_token(&db, UserRef::Email(email), term, now)
                    .await?;
                let kind = match &token.service_name {
                    Some(name) => format!("service token '{}'", printable(name)),
                    None => "token".to_string(),
                };
                println!(
                    "{kind} {} issued for {shown}, works until {} (shown once):",
                    token.id,
                    token.expires_at.format("%Y-%m-%d %H:%M UTC")
                );
                println!("{}", token.token);
            }
            Command::Token {
                command: TokenCommand::Revoke { email },
            } => {
                let (view, count) = operator.revoke_tokens_of(&db, UserRef::Email(email), now).await?;
                println!("{count} token(s) of {} revoked", view.user.email);
            }
            _ => unreachable!("not an administration command"),
        }
        Ok(())
    })
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
            let calendar = args.calendar.unwrap_or(settings.rules.calendar);
            println!("{}", deadline(args.received, period, args.paused_days, calendar));
            Ok(())
        }
        Command::Organisation {
            command: OrganisationCommand::Check { file },
        } => {
            let path = file.unwrap_or_else(|| settings.organisation.file.clone());
            let organisation = crate::configuration::load_organisation(&path)?;
            // The overrides are tried on a sample of every letter in both languages.
            let templates = crate::service::letters::templates_of(&settings).map_err(CliError::Letters)?;
            let problems = crate::domain::letters::samples::override_problems(&templates, &organisation);
            if !problems.is_empty() {
                return Err(CliError::Letters(format!(
                    "an override leaves out what the law requires: {}",
                    problems.join("; ")
                )));
            }
            println!("{}: ok", path.display());
            print!("{}", organisation_summary(&organisation));
            if organisation.is_example() {
                println!(
                    "warning:          this is still the example of a fictitious foundation (its addresses end in .example): \
                     put in your own organisation's name, addresses, privacy officer and texts before a letter goes out"
                );
            }
            if !templates.overridden().is_empty() {
                println!(
                    "letter templates replaced: {} (each says all it must)",
                    templates.overridden().join(", ")
                );
            }
            Ok(())
        }
        command @ (Command::Team { .. } | Command::User { .. } | Command::Token { .. }) => {
            administer(command, &settings)
        }
        Command::Remind {
            now, dry_run: true, ..
        } => dry_run(settings, now.unwrap_or_else(clock::now)),
        Command::Remind { now, no_delivery, .. } => remind(settings, now, !no_delivery),
        Command::Seed {
            requests,
            seed,
            force,
        } => {
            let db = admin_db(&settings)?;
            let rules = Rules::from_settings(&settings);
            let started = std::time::Instant::now();
            let report = actix_web::rt::System::new().block_on(async move {
                crate::service::seed::seed(&db, &rules, requests as usize, seed, force, clock::now()).await
            })?;
            println!(
                "{} synthetic request(s) written in {:.1} s (seed {seed})",
                report.requests,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Backup { to } => {
            let db = Db::connect(&settings.database.url, 1)?;
            let started = std::time::Instant::now();
            let copy = block_on(async move { Ok(crate::service::backup::copy_to(&db, &to).await?) })?;
            println!(
                "backup written to {} ({:.1} MB in {:.1} s); check it with AVG_LOKET_DATABASE_URL=sqlite://{} avg-loket audit verify",
                copy.path.display(),
                copy.bytes as f64 / 1_000_000.0,
                started.elapsed().as_secs_f64(),
                copy.path.display()
            );
            Ok(())
        }
        Command::Purge(args) => {
            let db = admin_db(&settings)?;
            let rules = Rules::from_settings(&settings);
            let now = args.now.unwrap_or_else(clock::now);
            let count = actix_web::rt::System::new().block_on(async move {
                purge(&db, &rules, settings.rules.retention, admin::OPERATOR, now).await
            })?;
            println!("{count} closed request(s) anonymised");
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let db = Db::connect(&settings.database.url, 1)?;
            match block_on(async move { Ok(crate::service::audit::verify(&db).await?) })? {
                Verification::Intact { events } => {
                    println!("audit trail intact: {events} events verified");
                    Ok(())
                }
                Verification::Broken(broken) => Err(CliError::AuditBroken(broken)),
            }
        }
    }
}

/// Takes group and others off the SQLite database (and its journal) and the file mail
/// outbox, which an earlier version created with the system's default mode.
fn restrict_existing_files(settings: &Settings) {
    let mut paths = Vec::new();
    if let crate::configuration::DatabaseUrl::Sqlite(path) = &settings.database.url {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            paths.push(std::path::PathBuf::from(name));
        }
    }
    if let crate::configuration::MailUrl::File(dir) = &settings.mail.url {
        paths.push(dir.clone());
    }
    for path in paths {
        match crate::private_files::restrict(&path) {
            Ok(changed) if !changed.is_empty() => tracing::warn!(
                path = %path.display(),
                files = changed.len(),
                "group and others could read this: now only this user can"
            ),
            Ok(_) => {}
            Err(error) => tracing::warn!(path = %path.display(), %error, "could not restrict who reads this"),
        }
    }
}

fn serve(settings: Settings) -> Result<(), CliError> {
    restrict_existing_files(&settings);
    actix_web::rt::System::new().block_on(async move {
        let backend = settings.database.url.backend_name();
        let application = Application::build(settings.clone())?;
        let mailer = Mailer::from_settings(&settings).map_err(CliError::Mail)?;
        let background = Background::start(
            application.db(),
            Rules::from_settings(&settings),
            MailSettings::from_settings(&settings),
            mailer,
            settings.rules.sweep_interval,
            settings.rules.retention,
            application.letters(),
        );
        tracing::info!(
            address = %format!("{}:{}", settings.server.listen.ip(), application.port()),
            database = backend,
            "listening"
        );
        let served = application.run_until_stopped().await;
        background.stop().await;
        served.map_err(CliError::Server)?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// `remind --once`: sweeps at `--now` (or now), and delivers with that moment as the
/// clock when it is given, with the real clock otherwise.
fn remind(
    settings: Settings,
    given: Option<chrono::DateTime<chrono::Utc>>,
    delivery: bool,
) -> Result<(), CliError> {
    let clock = move || given.unwrap_or_else(clock::now);
    let now = clock();
    let db = admin_db(&settings)?;
    let rules = Rules::from_settings(&settings);
    let mail = MailSettings::from_settings(&settings);
    actix_web::rt::System::new().block_on(async move {
        let mailer = Mailer::from_settings(&settings).map_err(CliError::Mail)?;
        let started = std::time::Instant::now();
        let swept = sweep(&db, &rules, &mail, now).await?;
        let swept_in = started.elapsed();
        let delivered = if delivery {
            let letters = crate::service::letters::LetterSetup::load(&settings).map_err(CliError::Letters)?;
            let outbox = Outbox::new(&db, &rules, &letters, &mailer, &mail);
            deliver_concurrently(&outbox, clock).await?
        } else {
            Default::default()
        };
        println!(
            "sweep at {}: {} request(s) and {} task(s) due, {} reminder(s) queued, {} digest(s) in {:.2} s; delivery: {} sent, {} to retry, {} failed in {:.2} s",
            now.to_rfc3339(),
            swept.requests,
            swept.tasks,
            swept.queued,
            swept.digests,
            swept_in.as_secs_f64(),
            delivered.sent,
            delivered.retried,
            delivered.failed,
            (started.elapsed() - swept_in).as_secs_f64()
        );
        Ok(())
    })
}

/// `remind --once --dry-run`: the reminders a sweep at `now` would queue, one a line.
fn dry_run(settings: Settings, now: chrono::DateTime<chrono::Utc>) -> Result<(), CliError> {
    let db = admin_db(&settings)?;
    let rules = Rules::from_settings(&settings);
    let mail = MailSettings::from_settings(&settings);
    let planned =
        block_on(async move { Ok(crate::service::reminders::plan(&db, &rules, &mail, now).await?) })?;
    for mail in &planned {
        let deadline = mail
            .deadline
            .map(|(kind, date)| format!("{kind} {date}"))
            .unwrap_or_default();
        let held = if mail.held { " (daily digest)" } else { "" };
        println!(
            "{}\t{}\t{deadline}\t{}{held}",
            mail.reference,
            mail.stage.code(),
            mail.recipient_email
        );
    }
    println!(
        "dry run at {}: {} reminder(s) would be queued; nothing was written or sent",
        now.to_rfc3339(),
        planned.len()
    );
    Ok(())
}

fn migrate(settings: Settings) -> Result<(), CliError> {
    let db = Db::connect(&settings.database.url, 1)?;
    let applied = db.migrate()?;
    if applied.is_empty() {
        println!("database {} is up to date", settings.database.url);
    } else {
        println!(
            "applied {} migration(s) to {}: {}",
            applied.len(),
            settings.database.url,
            applied.join(", ")
        );
    }
    Ok(())
}

/// Text from the register as a listing prints it: control characters (a tab, a line
/// break, an escape sequence — from a row written before they were refused) shown
/// escaped, so that one value stays one column of one line and cannot steer the
/// terminal.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
