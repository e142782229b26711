//! Finding the database file from its URL and opening connections with the pragmas every
//! connection needs.

use crate::rows::db_error;
use enough_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a statement waits for a lock held by another connection or process (the CLI may
/// write while a server runs) before giving up with "database is locked".
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite's page cache per connection, in KiB (negative: a size, not a page count): ~16 MB
/// instead of the default 2 MB, so a year of days and the indexes stay in memory.
const CACHE_SIZE_KIB: i64 = -16_000;

/// How much of the database file readers map into memory (256 MiB): reads of mapped pages
/// skip a system call and a copy each.
const MMAP_SIZE: i64 = 256 << 20;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// What a connection is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The single connection that writes (and migrates); creates the file if needed.
    Write,
    /// A connection of the read pool; refuses to change anything.
    Read,
}

/// The file behind `sqlite://PATH` (or `sqlite:PATH`). In-memory databases are refused: the
/// store needs several connections to one database, and WAL needs a file.
pub(crate) fn path_from_url(url: &str) -> StoreResult<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            StoreError::Database(format!(
                "not an SQLite URL: {url:?} (expected sqlite://PATH)"
            ))
        })?;
    let (path, options) = match rest.split_once('?') {
        Some((path, options)) => (path, Some(options)),
        None => (rest, None),
    };
    if path.is_empty() || path == ":memory:" || path.contains("mode=memory") {
        return Err(StoreError::Database(format!(
            "in-memory SQLite databases are not supported ({url:?}): use sqlite://PATH to a file"
        )));
    }
    // `mode=rwc` (read, write, create) is what the store does anyway; sqlx-era URLs carry it.
    if let Some(options) = options.filter(|o| !o.is_empty() && *o != "mode=rwc") {
        return Err(StoreError::Database(format!(
            "unsupported SQLite URL options {options:?} in {url:?}: use sqlite://PATH"
        )));
    }
    Ok(PathBuf::from(path))
}

/// Makes the database file (created empty if missing) and its `-wal` and `-shm` companions
/// readable and writable by the owner only (0600), whatever the umask.
pub(crate) fn make_private(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |e: std::io::Error, p: &Path| {
            StoreError::Database(format!("could not make {} private: {e}", p.display()))
        };
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(|e| io(e, path))?;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = PathBuf::from(name);
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| io(e, &file))?;
            }
        }
    }
    Ok(())
}

/// Opens a connection to `path` in WAL mode with `synchronous = FULL` (an acknowledged write
/// survives kill -9 and power loss), foreign keys enforced and a busy timeout.
pub(crate) fn open(path: &Path, purpose: Purpose) -> StoreResult<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if purpose == Purpose::Write {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        StoreError::Database(format!(
            "could not open the SQLite database {}: {e}",
            path.display()
        ))
    })?;
    configure(&conn, purpose)?;
    Ok(conn)
}

fn configure(conn: &Connection, purpose: Purpose) -> StoreResult<()> {
    // First, so that switching to WAL waits for other processes instead of failing.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(db_error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Database(format!(
            "SQLite could not switch to WAL mode (journal mode is {mode:?}); \
             the data folder must be on a local file system"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(db_error)?;
    // Deleted content is overwritten with zeros, not left in free pages of the file.
    conn.pragma_update(None, "secure_delete", "ON")
        .map_err(db_error)?;
    conn.pragma_update(None, "cache_size", CACHE_SIZE_KIB)
        .map_err(db_error)?;
    if purpose == Purpose::Read {
        conn.pragma_update(None, "query_only", "ON")
            .map_err(db_error)?;
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)
            .map_err(db_error)?;
    }
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_file() {
        assert_eq!(
            path_from_url("sqlite://data/enough.db").unwrap(),
            PathBuf::from("data/enough.db")
        );
        assert_eq!(
            path_from_url("sqlite:///var/lib/enough/enough.db?mode=rwc").unwrap(),
            PathBuf::from("/var/lib/enough/enough.db")
        );
        assert_eq!(
            path_from_url("sqlite:enough.db").unwrap(),
            PathBuf::from("enough.db")
        );
    }

    #[test]
    fn other_urls_are_refused_clearly() {
        for url in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://",
            "postgres://x/y",
            "sqlite://x.db?mode=ro",
        ] {
            let err = path_from_url(url).unwrap_err();
            assert!(matches!(err, StoreError::Database(_)), "{url}: {err:?}");
        }
        let err = path_from_url("sqlite::memory:").unwrap_err().to_string();
        assert!(err.contains("in-memory"), "{err}");
    }
}
