//! Online backups with SQLite's backup API.
//!
//! The copy is written next to the target as a hidden `.NAME.partial` file, synced to disk and
//! renamed over the target, so the target is always either the old or the complete new backup.

use crate::rows::db_error;
use enough_store::{StoreError, StoreResult};
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often a copy blocked by a lock is retried, and how long apart.
const BUSY_RETRIES: u32 = 100;
const BUSY_PAUSE: Duration = Duration::from_millis(100);

/// Copies the database behind `source` (a consistent snapshot, without blocking writers) to a
/// new SQLite file at `target`, replacing any file there.
pub(crate) fn to_file(source: &Connection, target: &Path) -> StoreResult<()> {
    let partial = partial_path(target)?;
    remove_if_present(&partial)?;
    let result = copy(source, &partial).and_then(|()| {
        std::fs::rename(&partial, target)
            .map_err(|e| io_error("could not rename", &partial, &e))?;
        sync_parent(target)
    });
    if result.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Whether `a` and `b` name the same existing file.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn copy(source: &Connection, partial: &Path) -> StoreResult<()> {
    // The backup holds everyone's data: readable by the owner only (0600), whatever the umask.
    crate::connection::make_private(partial)?;
    let mut target = Connection::open(partial).map_err(|e| {
        StoreError::Database(format!(
            "could not create the backup file {}: {e}",
            partial.display()
        ))
    })?;
    {
        let backup = Backup::new(source, &mut target).map_err(db_error)?;
        let mut retries = 0;
        // -1: every page in one step, inside one read transaction of the source.
        loop {
            match backup.step(-1).map_err(db_error)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if retries < BUSY_RETRIES => {
                    retries += 1;
                    std::thread::sleep(BUSY_PAUSE);
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(StoreError::Database(
                        "the database stayed locked; the backup was not made".to_owned(),
                    ));
                }
                other => {
                    return Err(StoreError::Database(format!(
                        "the backup stopped unexpectedly: {other:?}"
                    )));
                }
            }
        }
    }
    // A self-contained file: in rollback-journal mode, so opening it read-only (to verify it)
    // leaves no `-wal` or `-shm` beside it. Restoring turns WAL on again.
    target
        .query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        })
        .map_err(db_error)?;
    target.close().map_err(|(_, e)| db_error(e))?;
    File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error("could not sync", partial, &e))
}

fn partial_path(target: &Path) -> StoreResult<PathBuf> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            StoreError::Database(format!(
                "the backup target {} is not a file name",
                target.display()
            ))
        })?;
    Ok(target.with_file_name(format!(".{name}.partial")))
}

fn remove_if_present(path: &Path) -> StoreResult<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(io_error("could not remove", path, &e))
        }
        _ => Ok(()),
    }
}

/// Makes the rename itself durable.
fn sync_parent(target: &Path) -> StoreResult<()> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(parent)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error("could not sync the folder", parent, &e))
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Database(format!("backup: {what} {}: {e}", path.display()))
}

/// Checks that `backup` is a sound enough database: it opens, `PRAGMA integrity_check` says
/// "ok", and its schema is one this build knows. Returns the schema version.
pub fn verify(backup: &Path) -> StoreResult<i64> {
    let conn = Connection::open_with_flags(backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| {
            StoreError::Database(format!(
                "{} cannot be opened as SQLite: {e}",
                backup.display()
            ))
        })?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| {
            StoreError::Database(format!(
                "{} is not a readable SQLite database: {e}",
                backup.display()
            ))
        })?;
    if check != "ok" {
        return Err(StoreError::Corrupt(format!(
            "{} failed the integrity check: {check}",
            backup.display()
        )));
    }
    let version = crate::migrate::user_version(&conn)?;
    let has_users: bool = conn
        .query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'users'",
            [],
            |r| r.get(0),
        )
        .map_err(db_error)?;
    if !has_users || version > crate::migrate::latest() {
        return Err(StoreError::Database(format!(
            "{} is not an enough database this version can restore (schema {version})",
            backup.display()
        )));
    }
    Ok(version)
}

/// Replaces the database at `target` with a verified copy of `backup`. The server must be
/// stopped: the old write-ahead log is removed so it cannot be replayed onto the restored file.
pub fn restore(backup: &Path, target: &Path) -> StoreResult<()> {
    if same_file(backup, target) {
        return Err(StoreError::Database(
            "the backup and the database are the same file".to_owned(),
        ));
    }
    verify(backup)?;
    let source = Connection::open_with_flags(backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(db_error)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        remove_if_present(Path::new(&side))?;
    }
    to_file(&source, target)?;
    new_epoch(target)
}

/// Gives a restored database a new random epoch, so a server that cached insights of the
/// database before the restore never takes them for the restored data. A backup made before
/// the epoch existed gets one from its migration when it is next opened.
fn new_epoch(target: &Path) -> StoreResult<()> {
    let conn = crate::connection::open(target, crate::connection::Purpose::Write)?;
    let has_epoch: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'data_epoch'",
            [],
            |row| row.get(0),
        )
        .map_err(db_error)?;
    if has_epoch > 0 {
        conn.execute(
            "UPDATE data_epoch SET epoch = lower(hex(randomblob(16)))",
            [],
        )
        .map_err(db_error)?;
    }
    conn.close().map_err(|(_, e)| db_error(e))
}
