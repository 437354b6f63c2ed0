//! Building and running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpServer};

use crate::configuration::Settings;
use crate::http::problem;
use crate::service::letters::LetterSetup;
use crate::service::Rules;
use crate::storage::{Db, StorageError};
use crate::web::state::AppState;
use crate::web::{self as wiring, headers, request_log};

/// How long in-flight requests may take to finish after SIGTERM/SIGINT.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("letter templates: {0}")]
    Letters(String),
    #[error("OpenID Connect: {0}")]
    Oidc(String),
    #[error("cannot listen on {address}: {source}")]
    Listen { address: String, source: std::io::Error },
}

pub struct Application {
    port: u16,
    db: Db,
    letters: LetterSetup,
    server: Server,
    oidc: Option<Arc<crate::oidc::Provider>>,
}

impl Application {
    /// Connects to the database, runs pending migrations and binds the listener
    /// (port 0 picks a free port, as the tests do).
    pub fn build(settings: Settings) -> Result<Self, StartupError> {
        let db = Db::connect(&settings.database.url, settings.database.pool_size)?;
        let applied = db.migrate()?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "database migrations applied");
        }
        let listener = TcpListener::bind(settings.server.listen).map_err(|source| StartupError::Listen {
            address: settings.server.listen.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Listen {
                address: settings.server.listen.to_string(),
                source,
            })?
            .port();
        if settings.server.base_url.starts_with("https://") && settings.server.trusted_proxy.is_none() {
            tracing::warn!(
                base_url = %settings.server.base_url,
                "AVG_LOKET_BASE_URL is https but no AVG_LOKET_TRUSTED_PROXY is set: the limits and the log see the proxy's address, not the client's; name the proxy that terminates TLS"
            );
        }
        let rules = Rules::from_settings(&settings);
        let letters = LetterSetup::load(&settings).map_err(StartupError::Letters)?;
        let sign_in_limit = wiring::sign_in_limit::SignInLimit::new(
            settings.sign_in.failures_per_minute,
            settings.sign_in.starts_per_minute,
        );
        let oidc = settings
            .sign_in
            .oidc
            .clone()
            .map(|oidc| crate::oidc::Provider::new(oidc, &settings.server.base_url).map(Arc::new))
            .transpose()
            .map_err(StartupError::Oidc)?;
        let state = web::Data::new(AppState {
            db: db.clone(),
            settings,
            rules,
            letters: letters.clone(),
            sign_in_limit,
            metrics: wiring::metrics::Metrics::new(),
            oidc: oidc.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::pages::remember_where_forms_led))
                .wrap(ErrorHandlers::new().default_handler(problem::problem_for_plain_errors))
                .wrap(from_fn(headers::security_headers))
                .wrap(from_fn(request_log::log_request))
                .app_data(state.clone())
                .configure(wiring::routes)
        })
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        .listen(listener)
        .map_err(|source| StartupError::Listen {
            address: "the bound socket".into(),
            source,
        })?
        .run();
        Ok(Application {
            port,
            db,
            letters,
            server,
            oidc,
        })
    }

    /// The organisation, templates and e-mail rule of the letters.
    pub fn letters(&self) -> LetterSetup {
        self.letters.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The connection pool the server uses (tests hold connections to simulate an
    /// exhausted or unavailable database).
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections and lets
    /// in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Some(provider) = self.oidc {
            // A provider that cannot be read now does not stop the service: the
            // sign-in page says why, and the next sign-in tries again.
            actix_web::rt::spawn(async move {
                if provider.discover(crate::clock::now()).await.is_ok() {
                    tracing::info!(issuer = %provider.issuer(), "OpenID provider read");
                }
            });
        }
        self.server.await
    }
}
