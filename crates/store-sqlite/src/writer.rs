//! The single writer, with group commit.
//!
//! One thread owns the only write connection. It takes the first waiting job together with
//! everything else already queued (up to [`MAX_BATCH`]), runs them in one `BEGIN IMMEDIATE`
//! transaction, each inside its own savepoint (a failing job rolls back only itself), commits
//! once and only then answers every job. So many concurrent writers share one fsync, and a
//! write is acknowledged only once it is durable.

use crate::rows::db_error;
use enough_store::{StoreError, StoreResult};
use rusqlite::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use tokio::sync::{mpsc, oneshot};

/// Most jobs committed together.
const MAX_BATCH: usize = 512;
/// Jobs that may wait for the writer before senders wait too.
const QUEUE: usize = 4096;

/// A unit of work for the writer thread.
pub(crate) trait WriteJob: Send {
    /// Runs the job's statements inside the batch's transaction; false if it failed, so that
    /// its savepoint is rolled back.
    fn run(&mut self, conn: &Mutex<Connection>) -> bool;
    /// Answers the caller once the batch is over: `committed` is the outcome of the commit
    /// (or of the `BEGIN`, when the job never ran).
    fn finish(self: Box<Self>, committed: Result<(), &StoreError>);
}

/// A closure and the channel to answer its caller with its result.
struct Job<F, T> {
    work: Option<F>,
    outcome: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<F, T> WriteJob for Job<F, T>
where
    F: FnOnce(&Mutex<Connection>) -> StoreResult<T> + Send,
    T: Send,
{
    fn run(&mut self, conn: &Mutex<Connection>) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        // A panicking job fails alone instead of taking the writer (and every later write) down.
        let outcome = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
            Err(StoreError::Database(
                "a write failed unexpectedly (panic)".to_owned(),
            ))
        });
        let succeeded = outcome.is_ok();
        self.outcome = Some(outcome);
        succeeded
    }

    fn finish(self: Box<Self>, committed: Result<(), &StoreError>) {
        let result = match (self.outcome, committed) {
            (Some(Err(own)), _) => Err(own),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)), Err(e)) => Err(StoreError::Database(format!(
                "the write was not committed: {e}"
            ))),
            (None, Err(e)) => Err(StoreError::Database(format!(
                "the write could not start: {e}"
            ))),
            (None, Ok(())) => Err(StoreError::Database("the write did not run".to_owned())),
        };
        // The caller may have stopped waiting; the write stands either way.
        let _ = self.reply.send(result);
    }
}

/// The handle to the writer thread. Dropping it lets the thread finish the queued jobs, close
/// the connection and end; the drop waits for that.
pub(crate) struct Writer {
    jobs: Option<mpsc::Sender<Box<dyn WriteJob>>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl Writer {
    /// Starts the writer thread, which takes over `conn`.
    pub(crate) fn start(conn: Connection) -> StoreResult<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("enough-sqlite-writer".to_owned())
            .spawn(move || run(&Mutex::new(conn), queue))
            .map_err(|e| {
                StoreError::Database(format!("could not start the SQLite writer thread: {e}"))
            })?;
        Ok(Self {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `work` in the writer's next transaction; its result once that has committed.
    pub(crate) async fn write<T>(
        &self,
        work: impl FnOnce(&Mutex<Connection>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T>
    where
        T: Send + 'static,
    {
        let jobs = self.jobs.as_ref().ok_or_else(stopped)?;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work: Some(work),
            outcome: None,
            reply,
        };
        jobs.send(Box::new(job)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Jobs waiting for the writer thread (for tests).
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.jobs
            .as_ref()
            .map_or(0, |jobs| jobs.max_capacity() - jobs.capacity())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop once the jobs already queued are done.
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite writer thread panicked");
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Database("the SQLite writer has stopped".to_owned())
}

/// The writer thread: one batch per turn until every sender is gone.
fn run(conn: &Mutex<Connection>, mut queue: mpsc::Receiver<Box<dyn WriteJob>>) {
    let mut batch: Vec<Box<dyn WriteJob>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(conn, &mut batch);
    }
}

thread_local! {
    /// Set by a job (on the writer thread) that wants the WAL checkpointed and truncated once
    /// its transaction has committed, e.g. after an account is deleted.
    static CHECKPOINT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Asks, from inside a write job, for `PRAGMA wal_checkpoint(TRUNCATE)` after the commit, so
/// that no copy of the changed pages' old content stays in the WAL file.
pub(crate) fn checkpoint_after_commit() {
    CHECKPOINT.with(|c| c.set(true));
}

/// Runs and commits one batch, then answers (and empties) it.
fn commit_batch(conn: &Mutex<Connection>, batch: &mut Vec<Box<dyn WriteJob>>) {
    if let Err(e) = exec(conn, "BEGIN IMMEDIATE") {
        tracing::warn!(jobs = batch.len(), error = %e, "could not begin a write transaction");
        for job in batch.drain(..) {
            job.finish(Err(&e));
        }
        return;
    }
    let mut committed = Ok(());
    for job in batch.iter_mut() {
        if let Err(e) = run_in_savepoint(conn, job.as_mut()) {
            committed = Err(e);
            break;
        }
    }
    if committed.is_ok() {
        committed = exec(conn, "COMMIT");
    }
    if let Err(e) = &committed {
        tracing::warn!(jobs = batch.len(), error = %e, "a write transaction was rolled back");
        if !lock(conn).is_autocommit()
            && let Err(rollback) = exec(conn, "ROLLBACK")
        {
            tracing::error!(error = %rollback, "could not roll back a failed write transaction");
        }
    }
    if CHECKPOINT.with(std::cell::Cell::take) && committed.is_ok() {
        // Waits (busy timeout) for readers to leave the old snapshot, then empties the WAL.
        let checkpoint: Result<(i64, i64, i64), _> =
            lock(conn).query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            });
        match checkpoint {
            Ok((0, _, _)) => {}
            Ok(busy) => tracing::warn!(?busy, "the WAL checkpoint after a deletion was partial"),
            Err(e) => tracing::warn!(error = %e, "the WAL checkpoint after a deletion failed"),
        }
    }
    let committed = committed.as_ref().map(|_| ());
    for job in batch.drain(..) {
        job.finish(committed);
    }
}

/// Runs one job inside a savepoint, keeping its changes if it succeeded and undoing them if
/// not. An error here means the whole transaction is unusable.
fn run_in_savepoint(conn: &Mutex<Connection>, job: &mut dyn WriteJob) -> StoreResult<()> {
    exec(conn, "SAVEPOINT job")?;
    let succeeded = job.run(conn);
    if lock(conn).is_autocommit() {
        // Some errors (disk full, I/O) make SQLite roll back the whole transaction.
        return Err(StoreError::Database(
            "SQLite rolled back the write transaction".to_owned(),
        ));
    }
    if !succeeded {
        exec(conn, "ROLLBACK TO job")?;
    }
    exec(conn, "RELEASE job")
}

/// The writer's connection (its lock is only ever contended by the writer thread itself).
pub(crate) fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(PoisonError::into_inner)
}

fn exec(conn: &Mutex<Connection>, sql: &str) -> StoreResult<()> {
    lock(conn)
        .prepare_cached(sql)
        .and_then(|mut statement| statement.execute([]))
        .map(|_| ())
        .map_err(db_error)
}
