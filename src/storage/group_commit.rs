//! Group commit: one writer thread runs the write jobs of concurrent callers together
//! in one transaction (`BEGIN IMMEDIATE … COMMIT` on SQLite, `BEGIN … COMMIT` on
//! PostgreSQL), each job inside its own savepoint. A job that fails rolls back to its
//! savepoint and leaves the others alone; every caller hears back only after the
//! commit is on disk (`synchronous=FULL`, PostgreSQL's default `synchronous_commit`),
//! so a 201 still means durable.
//!
//! Why: SQLite has one writer at a time and every commit waits for an fsync. With
//! one transaction per request, sixteen clients queue for sixteen fsyncs; with group
//! commit they share one. PostgreSQL lets writers run side by side, but every write
//! appends to the audit chain and so takes its head row (and a registration the
//! year's reference counter) until it commits: writers queued there for one WAL flush
//! each, about 250 registrations a second (docs/performance.md). In one batch they
//! share the locks and the flush (decision D43).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use diesel::connection::{AnsiTransactionManager, TransactionManager, TransactionManagerStatus};
use diesel::Connection;

use super::{Checkout, DbConnection, StorageError, Traced};

/// Most jobs in one transaction: enough to share an fsync widely, few enough that
/// one batch stays short.
const MAX_BATCH_SQLITE: usize = 128;
/// On PostgreSQL each job's savepoint is a subtransaction, and a transaction with
/// more than 64 of them overflows the subtransaction cache that other sessions'
/// snapshots read (a known slowdown): a batch stays well under it, nested savepoints
/// of a job included.
const MAX_BATCH_POSTGRES: usize = 24;

/// A write job as the writer thread sees it.
pub(super) trait Job: Send {
    /// Runs the job inside a savepoint of the open transaction; false when the
    /// connection is no longer usable afterwards (lost under the job), so that the
    /// rest of the batch is not tried on it.
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    /// Reports the job's result once the transaction's fate is known.
    fn finish(self: Box<Self>, committed: Result<(), String>);
}

struct TypedJob<F, T, E> {
    work: Option<F>,
    result: Option<Result<T, E>>,
    reply: tokio::sync::oneshot::Sender<Result<T, E>>,
    /// The span of the caller: the job runs, and its failure is logged, inside it.
    traced: Traced,
}

impl<F, T, E> Job for TypedJob<F, T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send,
    T: Send,
    E: From<StorageError> + From<diesel::result::Error> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let Some(work) = self.work.take() else { return true };
        let result = self.traced.run(|| conn.transaction(work));
        // A savepoint that could not be rolled back leaves the transaction manager
        // in error: on PostgreSQL, the connection was lost under the job. Its error
        // then says so (503), whatever the job's own code made of the failure.
        let usable = !matches!(
            <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn),
            TransactionManagerStatus::InError
        );
        self.result = Some(match result {
            Err(_) if !usable => {
                Err(StorageError::Unavailable("the connection to the database was lost".into()).into())
            }
            result => result,
        });
        usable
    }

    fn finish(self: Box<Self>, committed: Result<(), String>) {
        let outcome = match (committed, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(StorageError::Unavailable("the write was not carried out".into()).into()),
            // Nothing of the batch is stored, so every job is answered "try again" —
            // also one that failed on its own: its failure may have come from a
            // batch-mate's write that is now undone (a 409 for a team code taken
            // within the batch), and a retry gives its lasting answer.
            (Err(cause), _) => {
                self.traced
                    .run(|| tracing::warn!(%cause, "write not committed with its batch"));
                Err(StorageError::Unavailable(format!("the write could not be committed: {cause}")).into())
            }
        };
        let _ = self.reply.send(outcome);
    }
}

/// The sending side, shared by every clone of `Db`.
#[derive(Clone)]
pub(super) struct GroupCommit {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl GroupCommit {
    /// Starts the writer thread over `pool`, whose connections are SQLite ones when
    /// `sqlite` (the batch limit differs).
    pub(super) fn start(pool: Checkout, sqlite: bool) -> Self {
        let most = if sqlite {
            MAX_BATCH_SQLITE
        } else {
            MAX_BATCH_POSTGRES
        };
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("db-writer".into())
            .spawn(move || writer(pool, queue, most))
            .expect("start the database writer thread");
        GroupCommit { jobs }
    }

    /// Queues `work` and waits until its transaction has committed or failed.
    pub(super) async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + From<diesel::result::Error> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = TypedJob {
            work: Some(work),
            result: None,
            reply,
            traced: Traced::here(),
        };
        if self.jobs.send(Box::new(job)).is_err() {
            return Err(StorageError::Unavailable("the database writer has stopped".into()).into());
        }
        answer
            .await
            .unwrap_or_else(|_| Err(StorageError::Query(diesel::result::Error::RollbackTransaction).into()))
    }
}

fn drain(queue: &mpsc::Receiver<Box<dyn Job>>, batch: &mut Vec<Box<dyn Job>>, most: usize) {
    while batch.len() < most {
        match queue.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
}

/// Takes the queued jobs in batches of at most `most` until every sender is gone.
fn writer(pool: Checkout, queue: mpsc::Receiver<Box<dyn Job>>, most: usize) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        drain(&queue, &mut batch, most);
        let started = std::time::Instant::now();
        let committed = run_batch(&pool, &mut batch);
        tracing::debug!(
            jobs = batch.len(),
            micros = started.elapsed().as_micros() as u64,
            "write batch"
        );
        if let Err(cause) = &committed {
            tracing::error!(jobs = batch.len(), %cause, "write batch failed");
        }
        for job in batch {
            job.finish(committed.clone());
        }
    }
}

fn run_batch(pool: &Checkout, batch: &mut [Box<dyn Job>]) -> Result<(), String> {
    type Transactions = <DbConnection as Connection>::TransactionManager;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let conn: &mut DbConnection = &mut conn;
    match conn {
        DbConnection::Sqlite(lite) => AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")
            .map_err(|e| e.to_string())?,
        DbConnection::Postgresql(_) => Transactions::begin_transaction(conn).map_err(|e| e.to_string())?,
    }
    for job in batch.iter_mut() {
        let ran = catch_unwind(AssertUnwindSafe(|| job.run(conn)));
        if matches!(ran, Ok(false)) {
            // The jobs not run yet are answered "not carried out" (503).
            return Err("the connection to the database was lost".into());
        }
        if ran.is_err() {
            // Unwind every open level (the job's savepoint and the batch).
            for _ in 0..8 {
                let depth = Transactions::transaction_manager_status_mut(conn).transaction_depth();
                if !matches!(depth, Ok(Some(_))) || Transactions::rollback_transaction(conn).is_err() {
                    break;
                }
            }
            return Err("a write job panicked; the whole batch was rolled back".into());
        }
    }
    match Transactions::commit_transaction(conn) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = Transactions::rollback_transaction(conn);
            Err(error.to_string())
        }
    }
}
