//! The SQLite implementation of the enough store: an embedded file in WAL mode with
//! `synchronous = FULL`, so an acknowledged write survives a crash or power loss.
//!
//! Reads run on a small pool of connections ([`readers`]); every write goes to one writer
//! thread that commits whatever is waiting in one transaction ([`writer`], group commit), so
//! concurrent writers share an fsync and are answered only once their write is durable.

mod backup;
pub use backup::{restore, verify as verify_backup};

/// The file path behind a `sqlite://PATH` URL.
pub fn path_from_url(url: &str) -> StoreResult<std::path::PathBuf> {
    connection::path_from_url(url)
}
mod connection;
mod inline;
mod migrate;
mod readers;
mod rows;
mod tx;
mod writer;

use async_trait::async_trait;
use connection::Purpose;
use enough_store::sql::{Tx, TxJob, block_on};
use enough_store::{Store, StoreError, StoreResult};
use readers::Readers;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};
use tx::SqliteTx;
use writer::Writer;

/// Read connections (and reader threads): one per core, at least two so that a long read
/// (an export, a backup) does not hold up the others, and at most four. More readers than
/// cores only add thread switches: on two cores, four readers served ~15% fewer requests.
fn reader_count() -> usize {
    std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .clamp(2, 4)
}

/// An enough store in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    // Dropped in this order: the readers close first, so that the writer's connection is the
    // last one and checkpoints the WAL into the database file on close.
    readers: Readers,
    /// Connections for short reads on the calling thread.
    inline: inline::Inline,
    writer: Writer,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://PATH`) and runs pending
    /// migrations. In-memory databases (`sqlite::memory:`) are not supported.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let path = connection::path_from_url(url)?;
        // Opening may wait for locks (another process migrating) and touches the disk.
        tokio::task::spawn_blocking(move || Self::open_blocking(path))
            .await
            .map_err(|e| StoreError::Database(format!("opening SQLite was interrupted: {e}")))?
    }

    fn open_blocking(path: PathBuf) -> StoreResult<Self> {
        connection::make_private(&path)?;
        let mut write = connection::open(&path, Purpose::Write)?;
        migrate::run(&mut write)?;
        let reads = (0..reader_count())
            .map(|_| connection::open(&path, Purpose::Read))
            .collect::<StoreResult<Vec<_>>>()?;
        // One per core: as many as threads that may run short reads at once.
        let inline_reads = (0..reader_count())
            .map(|_| connection::open(&path, Purpose::Read))
            .collect::<StoreResult<Vec<_>>>()?;
        // The -wal and -shm files exist now (SQLite gives them the database's mode; this holds
        // for files left by an older version too).
        connection::make_private(&path)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                readers: Readers::start(reads)?,
                inline: inline::Inline::new(inline_reads),
                writer: Writer::start(write)?,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Writes a consistent copy of the whole database to a new SQLite file at `path` (replacing
    /// any file there) with SQLite's online backup API; writers are not blocked meanwhile.
    pub async fn backup(&self, path: &Path) -> StoreResult<()> {
        if backup::same_file(path, &self.inner.path) {
            return Err(StoreError::Database(format!(
                "{} is the database itself: back it up to another file",
                path.display()
            )));
        }
        let path = path.to_owned();
        self.read(move |c| {
            backup::to_file(&c.lock().unwrap_or_else(PoisonError::into_inner), &path)
        })
        .await
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Mutex<Connection>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.inner.readers.read(work).await
    }

    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Mutex<Connection>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.inner.writer.write(work).await
    }
}

/// A backend is used as any store: `backend.upsert_day(…)`, `backend.write(|tx| …)`.
impl std::ops::Deref for SqliteStore {
    type Target = dyn Store;
    fn deref(&self) -> &(dyn Store + 'static) {
        self
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn run_write(&self, job: TxJob) -> StoreResult<()> {
        // The job runs on the writer thread, inside the batch's transaction and its own
        // savepoint; it is answered only once the batch has committed.
        self.write(move |conn| block_on(job(&mut SqliteTx { conn })))
            .await
    }

    async fn run_read(&self, job: TxJob) -> StoreResult<()> {
        self.read(move |conn| read_job(conn, job)).await
    }

    async fn run_short_read(&self, job: TxJob) -> StoreResult<()> {
        match self.inner.inline.claim() {
            // Here, on the caller's thread: a short read costs less than the hop.
            Some(claim) => read_job(claim.conn(), job),
            None => self.run_read(job).await,
        }
    }
}

/// Runs `job` as one read transaction on `conn`, so that every statement of the job sees the
/// same state. A panic in the job becomes an error, and its transaction is ended.
fn read_job(conn: &Mutex<Connection>, job: TxJob) -> StoreResult<()> {
    let mut tx = SqliteTx { conn };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        block_on(async {
            tx.execute("BEGIN", &[]).await?;
            let outcome = job(&mut tx).await;
            let end = tx.execute("COMMIT", &[]).await;
            outcome.and(end.map(drop))
        })
    }));
    run.unwrap_or_else(|_| {
        let conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
        if !conn.is_autocommit() {
            // Best effort: the connection must not stay inside the failed read's transaction.
            let _ = conn.execute_batch("ROLLBACK");
        }
        Err(StoreError::Database(
            "a database read failed unexpectedly (panic)".to_owned(),
        ))
    })
}

#[cfg(test)]
mod tests;
