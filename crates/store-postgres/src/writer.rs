//! Group commit for PostgreSQL.
//!
//! Every write of one app server goes to one writer task. It takes the first waiting job
//! together with everything else already queued (up to [`MAX_BATCH`]), runs them in one
//! transaction, each inside its own savepoint (a failing job rolls back only itself), and hands
//! the transaction to a committer task; each job is answered only once its `COMMIT` has
//! returned (so with `synchronous_commit = on`, once it is durable). If the `COMMIT` fails,
//! every job of the batch gets the error. A lone job runs in a plain transaction, exactly as
//! without batching: no savepoint, no extra round trip.
//!
//! Round trips: a batch of n jobs costs its `BEGIN` (the first savepoint rides along), the
//! jobs' own statements, n − 1 for the savepoints between jobs and the `COMMIT`. The driver
//! does not pipeline, so a savepoint cannot share a round trip with the next job's statement
//! (that one carries bound parameters, the extended protocol); and leaving the savepoints
//! unreleased would save nothing, since the next job's `SAVEPOINT` still needs its own.
//! Each batch logs one `debug` line: its jobs, how many failed, and how long it ran and took in
//! all up to its commit.
//!
//! While up to [`IN_FLIGHT`] − 1 batches wait for their `COMMIT` (the fsync), the writer runs the
//! next one on another connection. Only one batch is ever *running* statements: the others only
//! commit, and a committing transaction waits for no lock. So the batches of one server never
//! deadlock each other; a job that needs a row or an advisory lock held by a committing batch
//! waits for that commit, as it would behind any other transaction. Locks taken by a job
//! (`FOR UPDATE`, `pg_advisory_xact_lock`) are held until its batch commits: later jobs of the
//! same batch share the transaction and see its writes, and other transactions (other app
//! servers too) wait for the commit and then see them.

use crate::rows::db_error;
use crate::tx::PgTx;
use enough_store::sql::TxJob;
use enough_store::{StoreError, StoreResult};
use sqlx::postgres::Postgres;
use sqlx::{PgConnection, PgPool, Transaction};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Most jobs committed together. Each job that writes gets a subtransaction id; PostgreSQL
/// keeps up to 64 of them per transaction in shared memory, beyond which every other backend's
/// snapshots get slower ("suboverflowed"), so a batch stays within that.
pub(crate) const MAX_BATCH: usize = 64;

/// Batches in flight at once: the one running and those waiting for their `COMMIT` (each holds
/// a connection of the pool meanwhile).
const IN_FLIGHT: usize = 4;

/// Jobs that may wait for the writer before senders wait too.
const QUEUE: usize = 4096;

/// A job and the channel to answer its caller on.
struct Job {
    work: TxJob,
    reply: oneshot::Sender<StoreResult<()>>,
}

/// The handle to the writer task. Dropping it (with the last clone of the store) lets the task
/// finish the queued jobs and end.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task on the current Tokio runtime.
    pub(crate) fn start(pool: PgPool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, queue));
        Self { jobs }
    }

    /// Runs `work` in the writer's next transaction; its outcome once that has committed.
    pub(crate) async fn write(&self, work: TxJob) -> StoreResult<()> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { work, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Jobs waiting for the writer task (for tests).
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }
}

fn stopped() -> StoreError {
    StoreError::Database("the PostgreSQL writer has stopped".to_owned())
}

/// The writer task: one batch per turn until every sender is gone.
async fn run(pool: PgPool, mut queue: mpsc::Receiver<Job>) {
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = queue.recv().await {
        // Wait for a slot first: jobs that arrive meanwhile join this batch.
        let Ok(slot) = Arc::clone(&in_flight).acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let started = Instant::now();
        if let Some((tx, answers)) = run_batch(&pool, batch).await {
            let ran = started.elapsed();
            tokio::spawn(async move {
                let committed = tx.commit().await.map_err(db_error);
                let jobs = answers.len();
                match &committed {
                    Ok(()) => tracing::debug!(
                        jobs,
                        failed = answers
                            .iter()
                            .filter(|(_, outcome)| outcome.is_err())
                            .count(),
                        run_us = micros(ran),
                        total_us = micros(started.elapsed()),
                        "write batch committed"
                    ),
                    Err(e) => {
                        tracing::warn!(jobs, error = %e, "a write batch was not committed");
                    }
                }
                finish(answers, committed.as_ref().map(|_| ()));
                drop(slot);
            });
        }
    }
}

/// Whole microseconds of `d`, for the log.
fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A job that has run, waiting for its batch's commit.
type Answer = (oneshot::Sender<StoreResult<()>>, StoreResult<()>);

/// Answers every job of a batch once it is over: a job's own error stands; a job that
/// succeeded gets the outcome of the commit.
fn finish(answers: Vec<Answer>, committed: Result<(), &StoreError>) {
    for (reply, outcome) in answers {
        let result = match (outcome, committed) {
            (Err(own), _) => Err(own),
            (Ok(()), Ok(())) => Ok(()),
            (Ok(()), Err(e)) => Err(StoreError::Database(format!(
                "the write was not committed: {e}"
            ))),
        };
        // The caller may have stopped waiting; the write stands either way.
        let _ = reply.send(result);
    }
}

/// Fails every job of a batch that could not run to its commit.
fn fail_all(replies: impl IntoIterator<Item = oneshot::Sender<StoreResult<()>>>, e: &StoreError) {
    for reply in replies {
        let _ = reply.send(Err(StoreError::Database(format!(
            "the write was not committed: {e}"
        ))));
    }
}

/// Runs a batch's jobs in one transaction; the transaction to commit and the jobs' outcomes,
/// or `None` when the batch is over already (every job answered).
async fn run_batch(
    pool: &PgPool,
    batch: Vec<Job>,
) -> Option<(Transaction<'static, Postgres>, Vec<Answer>)> {
    // A batch's first savepoint travels with its `BEGIN`: one round trip.
    let begun = if batch.len() == 1 {
        pool.begin().await
    } else {
        pool.begin_with("BEGIN; SAVEPOINT job").await
    };
    let mut tx = match begun.map_err(db_error) {
        Ok(tx) => tx,
        Err(e) => {
            tracing::warn!(jobs = batch.len(), error = %e, "could not begin a write transaction");
            fail_all(batch.into_iter().map(|job| job.reply), &e);
            return None;
        }
    };
    if batch.len() == 1 {
        // A lone job: a plain transaction, as without batching.
        let Job { work, reply } = batch.into_iter().next()?;
        let (outcome, _) = run_job(&mut tx, work).await;
        if outcome.is_err() {
            // An explicit rollback hands the connection back clean at once.
            if let Err(e) = tx.rollback().await {
                tracing::warn!(error = %e, "could not roll back a failed write");
            }
            let _ = reply.send(outcome);
            return None;
        }
        return Some((tx, vec![(reply, outcome)]));
    }
    match run_in_savepoints(&mut tx, batch).await {
        Ok(answers) => Some((tx, answers)),
        Err((e, answered, waiting)) => {
            tracing::warn!(jobs = answered.len() + waiting.len(), error = %e, "a write batch was rolled back");
            // Dropping `tx` rolls the batch back.
            drop(tx);
            fail_all(answered.into_iter().map(|(reply, _)| reply), &e);
            fail_all(waiting, &e);
            None
        }
    }
}

/// What is left of a batch whose transaction broke: the error, the jobs that had run and the
/// jobs that had not.
type Broken = (
    StoreError,
    Vec<Answer>,
    Vec<oneshot::Sender<StoreResult<()>>>,
);

/// Runs each job of a batch in its own savepoint (the batch's `BEGIN` took the first). The
/// savepoint statements between two jobs travel together (`RELEASE SAVEPOINT job; SAVEPOINT
/// job`), so a job costs one round trip more than its own statements. The last job's savepoint
/// is left to the `COMMIT`, which releases it, unless a statement of that job failed: then the
/// transaction may be aborted, and a `COMMIT` would roll the whole batch back without an error.
async fn run_in_savepoints(tx: &mut PgConnection, batch: Vec<Job>) -> Result<Vec<Answer>, Broken> {
    let mut answers: Vec<Answer> = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some(Job { work, reply }) = jobs.next() {
        let (outcome, failed) = run_job(tx, work).await;
        let last = jobs.len() == 0;
        let step = match (&outcome, last) {
            // No statement failed: the transaction is sound, and the COMMIT releases the
            // savepoint.
            (Ok(()), true) if !failed => Ok(()),
            (Ok(()), false) => simple(tx, "RELEASE SAVEPOINT job; SAVEPOINT job").await,
            (Ok(()), true) => simple(tx, "RELEASE SAVEPOINT job").await,
            // The savepoint stays, ready for the next job.
            (Err(_), _) => simple(tx, "ROLLBACK TO SAVEPOINT job").await,
        };
        let step = match step {
            // A job that met a failed statement and still returned `Ok` (it handled the error):
            // in a transaction of its own the commit would have rolled it back; here its
            // savepoint is.
            Err(e) if outcome.is_ok() && aborted(&e) => {
                simple(tx, "ROLLBACK TO SAVEPOINT job").await
            }
            other => other,
        }
        .map_err(db_error);
        answers.push((reply, outcome));
        if let Err(e) = step {
            return Err((e, answers, jobs.map(|job| job.reply).collect()));
        }
    }
    Ok(answers)
}

/// Runs one job's statements; a panic inside it becomes its error instead of ending the writer.
/// Also says whether one of its statements failed on the server.
async fn run_job(conn: &mut PgConnection, work: TxJob) -> (StoreResult<()>, bool) {
    let mut pg = PgTx::new(conn);
    let outcome = CatchPanic(work(&mut pg)).await.unwrap_or_else(|()| {
        Err(StoreError::Database(
            "a write failed unexpectedly (panic)".to_owned(),
        ))
    });
    (outcome, pg.failed())
}

/// Runs statements through the simple query protocol (several in one round trip).
async fn simple(conn: &mut PgConnection, sql: &'static str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sql).execute(conn).await.map(drop)
}

/// True for SQLSTATE 25P02, "current transaction is aborted, commands ignored until end of
/// transaction block".
fn aborted(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code == "25P02")
}

/// A future that turns a panic while polling it into `Err(())`.
struct CatchPanic<F>(F);

impl<F: Future + Unpin> Future for CatchPanic<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
