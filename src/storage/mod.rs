//! The storage layer: one diesel codebase over SQLite and PostgreSQL.
//!
//! All SQL of the service lives below this module. Callers hand a closure to
//! [`Db::read`] or [`Db::write`]; it runs on the blocking thread pool with a pooled
//! connection, so no connection is ever held across an `.await`. Writes run in one
//! transaction that starts `BEGIN IMMEDIATE` on SQLite (a deferred transaction that
//! reads and then writes fails with "database is locked" under concurrency).
//!
//! Look-ups by a unique key use `get_result`, never `first`: `first` binds its
//! `LIMIT` as a parameter, and rebinding it makes SQLite re-prepare the cached
//! statement on every use (18% of the writer's time before this was found; see
//! docs/performance.md).

pub mod audit;
pub mod backup;
mod codes;
pub mod dashboard;
mod group_commit;
pub mod kept_forms;
pub mod letters;
pub mod lists;
pub mod notifications;
pub mod requests;
pub mod schema;
pub mod sessions;
mod sql;
pub mod systems;
pub mod tasks;
pub mod teams;
pub mod users;
pub mod written_once;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::configuration::DatabaseUrl;

/// A connection to whichever backend is configured. The SQLite variant comes last,
/// as the diesel documentation asks for multi-connections.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// How long a caller waits for a pooled connection before the database counts as
/// unavailable (503).
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;
/// How long a statement on PostgreSQL waits for a lock held by another connection (an
/// operator's `psql` session left in a transaction, a stuck second instance) before
/// it fails, and its write with it (503, nothing stored). Without a limit one such
/// lock would stall the writer thread, and with it every write of the process.
/// `migrate` waits without a limit (it takes its advisory lock and the tables' locks
/// for as long as an upgrade needs).
const POSTGRES_LOCK_TIMEOUT: &str = "SET lock_timeout = '5s'";

/// Rows per index that SQLite's `ANALYZE` samples. On opening, each connection runs
/// `PRAGMA optimize` (unless another connection holds the write lock), which analyses
/// tables that were never analysed or have changed a lot since: without statistics the
/// planner guesses, and at a million requests it guessed a team's 250,000 requests to
/// be a better start than a search's 20,000 name keys (1 s instead of 0.1 s). With the
/// limit, analysing a large register takes milliseconds.
const SQLITE_ANALYSIS_LIMIT: u32 = 400;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or did not hand out a connection in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A query failed; a bug or a broken database, never bad input.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A stored value the code cannot read back (a bug or a hand-edited row).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// An insert's outcome where a taken key is an answer, not a failure: `Ok(false)`
/// when the row's key exists (nothing is written then; the caller gives up its write,
/// which on PostgreSQL must end after a failed statement anyway).
pub(crate) fn inserted(result: diesel::QueryResult<usize>) -> Result<bool, StorageError> {
    use diesel::result::{DatabaseErrorKind, Error};
    match result {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

impl StorageError {
    /// The database is away (not reachable, restarting, the connection lost under a
    /// query): try again later — as opposed to a bug.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            StorageError::Unavailable(_) => true,
            StorageError::Query(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) => true,
            StorageError::Query(Error::DatabaseError(_, info)) => {
                let message = info.message();
                [
                    "terminating connection",
                    "server closed the connection",
                    "the database system is shutting down",
                    "the database system is starting up",
                    "no connection to the server",
                    "could not receive data from server",
                    "could not send data to server",
                    "connection to server",
                    // lock_timeout: another connection held a lock this write needed.
                    "canceling statement due to lock timeout",
                ]
                .iter()
                .any(|sign| message.contains(sign))
            }
            _ => false,
        }
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StorageError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// Opens connections for the pool, straight to the configured backend (never by
/// guessing from the URL), and prepares every SQLite connection.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(POSTGRES_LOCK_TIMEOUT)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgresql(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                        "the SQLite path is not valid UTF-8".into(),
                    ))
                })?;
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA temp_store = MEMORY;
                     PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT};"
                ))
                .map_err(r2d2::Error::QueryError)?;
                optimize_unless_busy(&mut conn).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking()
            || matches!(
                <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn),
                diesel::connection::TransactionManagerStatus::InError
            )
    }
}

/// `PRAGMA optimize` on a new SQLite connection, when no other connection writes.
/// Analysing a table needs the write lock; under a steady stream of writes (the
/// service's writer, seen from a backup or a new reader of the pool) waiting for it
/// would hold up the open, and a read that must turn into a write meets "database is
/// locked" at once. Either way the connection itself is fine, so it is used without:
/// the statistics come with the next connection that finds the lock free.
fn optimize_unless_busy(conn: &mut SqliteConnection) -> Result<(), diesel::result::Error> {
    conn.batch_execute("PRAGMA busy_timeout = 0")?;
    let optimized = conn.batch_execute("PRAGMA optimize = 0x10002");
    conn.batch_execute(&format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"))?;
    match optimized {
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("database is locked")
                || info.message().contains("database table is locked") =>
        {
            tracing::debug!("statistics left for a later connection: another connection writes");
            Ok(())
        }
        other => other,
    }
}

/// Pool errors go to the service log (at most once per [`OUTAGE_MEMORY`]), never to
/// a client; the moment is kept so that checkouts fail fast while the server is away.
#[derive(Debug, Clone, Default)]
struct LogPoolErrors {
    last_failure: Arc<Mutex<Option<Instant>>>,
}

impl r2d2::HandleError<r2d2::Error> for LogPoolErrors {
    fn handle_error(&self, error: r2d2::Error) {
        let mut last = self.last_failure.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|at| at.elapsed() >= OUTAGE_MEMORY) {
            tracing::warn!(%error, "database connection failed");
        }
        *last = Some(Instant::now());
    }
}

impl LogPoolErrors {
    /// Did a connection fail within the last [`OUTAGE_MEMORY`]?
    fn in_outage(&self) -> bool {
        self.last_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < OUTAGE_MEMORY)
    }
}

/// How long after a failed connection the pool counts as in an outage.
const OUTAGE_MEMORY: Duration = Duration::from_secs(10);
/// How long a checkout waits during an outage: a client gets its 503 within a second
/// instead of waiting the full [`CHECKOUT_TIMEOUT`] for a server that is away.
const OUTAGE_CHECKOUT_TIMEOUT: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Db {
    pool: Checkout,
    backend: &'static str,
    /// This process's writes go through one writer thread that commits them in
    /// groups (see [`group_commit`]): SQLite has one writer at a time, and on
    /// PostgreSQL every writer queues on the audit chain's head row anyway.
    /// `busy_timeout` (SQLite) and the row locks (PostgreSQL) still order writers in
    /// other processes (the CLI, a second instance).
    writer: group_commit::GroupCommit,
}

/// The pool and what it remembers of an outage: every checkout, of the readers and
/// of the writer thread alike, goes through [`Checkout::get`].
#[derive(Clone)]
pub(crate) struct Checkout {
    pool: r2d2::Pool<Manager>,
    outage: LogPoolErrors,
}

impl Checkout {
    /// A connection from the pool. A busy pool is waited for up to
    /// [`CHECKOUT_TIMEOUT`]; a server that is away (a connection failed in the last
    /// [`OUTAGE_MEMORY`], also while this checkout waits) fails within about
    /// [`OUTAGE_CHECKOUT_TIMEOUT`].
    pub(crate) fn get(&self) -> Result<PooledDb, StorageError> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let outage = self.outage.in_outage();
            match self.pool.get_timeout(left.min(OUTAGE_CHECKOUT_TIMEOUT)) {
                Ok(conn) => return Ok(conn),
                Err(error) if outage || self.outage.in_outage() || Instant::now() >= deadline => {
                    return Err(StorageError::Unavailable(one_line(&error.to_string())));
                }
                Err(_) => continue,
            }
        }
    }
}

pub type PooledDb = PooledConnection<Manager>;

impl Db {
    /// Opens the pool. The first connection is made here, so a wrong URL, an
    /// unreachable server or a missing directory is reported at start-up with the
    /// backend's own message — and a URL that is not understood never creates a file.
    pub fn connect(url: &DatabaseUrl, pool_size: u32) -> Result<Db, StorageError> {
        if let DatabaseUrl::Sqlite(path) = url {
            check_sqlite_directory(path)?;
        }
        let manager = Manager { url: url.clone() };
        let first = manager.connect().map_err(|e| {
            StorageError::Unavailable(format!("cannot connect to {url}: {}", one_line(&e.to_string())))
        })?;
        drop(first);
        let is_sqlite = matches!(url, DatabaseUrl::Sqlite(_));
        let outage = LogPoolErrors::default();
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            // No connection is opened in the background: a pool that tops itself up opens
            // libpq connections on its own threads, and one still opening when a short
            // command exits crashes in libpq's TLS clean-up ("double free").
            .min_idle(Some(0))
            // A server connection can drop and is checked on checkout; a SQLite file cannot.
            .test_on_check_out(!is_sqlite)
            .connection_timeout(CHECKOUT_TIMEOUT)
            .error_handler(Box::new(outage.clone()))
            .build(manager)
            .map_err(|e| {
                StorageError::Unavailable(format!("cannot connect to {url}: {}", one_line(&e.to_string())))
            })?;
        let pool = Checkout { pool, outage };
        Ok(Db {
            writer: group_commit::GroupCommit::start(pool.clone(), is_sqlite),
            pool,
            backend: url.backend_name(),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// A connection from the pool. A busy pool is waited for up to
    /// [`CHECKOUT_TIMEOUT`]; a server that is away (a connection failed in the last
    /// [`OUTAGE_MEMORY`], also while this checkout waits) fails within about
    /// [`OUTAGE_CHECKOUT_TIMEOUT`].
    pub fn get(&self) -> Result<PooledDb, StorageError> {
        self.pool.get()
    }

    /// Runs the pending migrations of this backend; returns the versions applied.
    /// On PostgreSQL an advisory lock keeps several starting instances from racing.
    pub fn migrate(&self) -> Result<Vec<String>, StorageError> {
        let mut conn = self.get()?;
        let applied = match &mut *conn {
            DbConnection::Postgresql(pg) => {
                pg.batch_execute("SET lock_timeout = 0; SELECT pg_advisory_lock(7243950117)")?;
                let result = pg
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>());
                pg.batch_execute("SELECT pg_advisory_unlock(7243950117)")?;
                pg.batch_execute(POSTGRES_LOCK_TIMEOUT)?;
                result
            }
            DbConnection::Sqlite(lite) => lite
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
        };
        let applied = applied.map_err(|e| StorageError::Migration(e.to_string()))?;
        // The name keys of migration 000009 are computed here (folding accents is
        // not SQL): once, for the requests registered before it.
        if applied
            .iter()
            .any(|v| v.replace('-', "").starts_with("20261202000009"))
        {
            let filled = requests::fill_missing_requester_keys(&mut conn, 1_000)?;
            tracing::info!(filled, "requester name keys filled");
            // Statistics of an empty register would be worse than none: PostgreSQL
            // would plan for empty tables (a sequential scan for every foreign-key
            // check) until the next ANALYZE, which never comes with autovacuum off.
            if filled > 0 {
                analyze(&mut conn)?;
            }
        }
        if dashboard::totals_paused(&mut conn)? {
            // A seed stopped before its end left the dashboard's running totals paused.
            dashboard::rebuild_totals(&mut conn)?;
            tracing::info!("the dashboard's running totals rebuilt after an unfinished seed");
        }
        if let DbConnection::Sqlite(lite) = &mut *conn {
            // New tables and indexes get their statistics now, not at the next open.
            lite.batch_execute("PRAGMA optimize")?;
        }
        Ok(applied)
    }

    /// `SELECT 1` on a pooled connection: is the database there?
    pub async fn ping(&self) -> Result<(), StorageError> {
        self.read(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, inside the
    /// caller's span: a line logged there carries the request id and the use case.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let db = self.clone();
        let context = Traced::here();
        tokio::task::spawn_blocking(move || {
            context.run(|| {
                let mut conn = db.get()?;
                f(&mut conn)
            })
        })
        .await
        .unwrap_or_else(|join_error| std::panic::resume_unwind(join_error.into_panic()))
    }

    /// Runs `f` in one write transaction (see [`write_transaction`]).
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        self.writer.write(f).await
    }
}

/// The caller's span and subscriber, carried to another thread (the blocking pool, the
/// SQLite writer), so that what is logged there belongs to the request that asked.
#[derive(Clone)]
pub(crate) struct Traced {
    span: tracing::Span,
    dispatch: tracing::Dispatch,
}

impl Traced {
    /// The span and subscriber of the current thread.
    pub(crate) fn here() -> Self {
        Traced {
            span: tracing::Span::current(),
            dispatch: tracing::dispatcher::get_default(Clone::clone),
        }
    }

    /// Runs `work` inside them.
    pub(crate) fn run<R>(&self, work: impl FnOnce() -> R) -> R {
        tracing::dispatcher::with_default(&self.dispatch, || self.span.in_scope(work))
    }
}

/// One transaction that commits when `f` returns `Ok` and rolls back otherwise;
/// on SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up front.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Postgresql(_) => conn.transaction(f),
        DbConnection::Sqlite(lite) => {
            AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")?;
            type Transactions = <DbConnection as Connection>::TransactionManager;
            match f(conn) {
                Ok(value) => {
                    Transactions::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(error) => match Transactions::rollback_transaction(conn) {
                    Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                    Err(rollback_error) => Err(rollback_error.into()),
                },
            }
        }
    }
}

fn check_sqlite_directory(path: &Path) -> Result<(), StorageError> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent {
        if !dir.is_dir() {
            return Err(StorageError::Unavailable(format!(
                "cannot open sqlite://{}: directory {} does not exist",
                path.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Brings the planner's statistics up to date after a bulk change (seeding, filling
/// the name keys): `ANALYZE` on both backends (sampling `SQLITE_ANALYSIS_LIMIT` rows per
/// index on SQLite, as set on every connection).
pub fn analyze(conn: &mut DbConnection) -> Result<(), StorageError> {
    conn.batch_execute("ANALYZE")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing::Instrument;

    use super::*;

    /// Log lines as JSON, into memory.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A command that only reads (a backup, a report) opens its connections while the
    /// service writes without pause: the open must not wait for the write lock that
    /// `PRAGMA optimize` needs when it decides a table wants statistics.
    #[tokio::test]
    async fn a_sqlite_connection_opens_and_reads_while_another_process_holds_the_write_lock() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("busy.db"));
        {
            let db = Db::connect(&url, 1).unwrap();
            db.get()
                .unwrap()
                .batch_execute(
                    "CREATE TABLE grown (n INTEGER NOT NULL);
                     CREATE INDEX grown_n ON grown (n);
                     WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000)
                     INSERT INTO grown SELECT n FROM c;",
                )
                .unwrap();
        }
        let DatabaseUrl::Sqlite(path) = &url else {
            unreachable!()
        };
        let mut writer = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        // The first pool may still be closing its connections (a checkpoint on close).
        writer
            .batch_execute("PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE")
            .unwrap();

        let db = Db::connect(&url, 2).expect("opening while another writer holds the lock");
        let mut conn = db
            .get()
            .expect("a pooled connection while another writer holds the lock");
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            rows: i64,
        }
        let counted: Count = match &mut *conn {
            DbConnection::Sqlite(lite) => diesel::sql_query("SELECT count(*) AS rows FROM grown")
                .get_result(lite)
                .unwrap(),
            DbConnection::Postgresql(_) => unreachable!(),
        };
        assert_eq!(counted.rows, 5000);
        drop(conn);
        // Once the lock is free, a new connection brings the statistics up to date.
        writer.batch_execute("COMMIT").unwrap();
        let fresh = Manager { url: url.clone() }.connect().unwrap();
        let DbConnection::Sqlite(mut lite) = fresh else {
            unreachable!()
        };
        let analysed: Count =
            diesel::sql_query("SELECT count(*) AS rows FROM sqlite_stat1 WHERE tbl = 'grown'")
                .get_result(&mut lite)
                .unwrap();
        assert!(analysed.rows > 0, "no statistics for the grown table");
    }

    #[tokio::test]
    async fn a_line_logged_in_blocking_work_or_by_the_writer_carries_the_callers_span() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_span_list(true)
            .with_writer(move || writer.clone())
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&DatabaseUrl::Sqlite(dir.path().join("traced.db")), 2).unwrap();
        async {
            db.read(|_| {
                tracing::info!("inside a read");
                Ok::<_, StorageError>(())
            })
            .await
            .unwrap();
            db.write(|_| {
                tracing::info!("inside a write");
                Ok::<_, StorageError>(())
            })
            .await
            .unwrap();
        }
        .instrument(tracing::info_span!("http", request_id = "req-42"))
        .await;
        let logged = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        for message in ["inside a read", "inside a write"] {
            let line = logged
                .lines()
                .find(|l| l.contains(message))
                .unwrap_or_else(|| panic!("{message:?} not logged: {logged}"));
            assert!(line.contains("\"request_id\":\"req-42\""), "{line}");
        }
    }
}
