//! Choosing the store from the database URL at run time.

use anyhow::{Context, Result, bail};
use enough_store::Store;
use enough_store_postgres::{PgSettings, PostgresStore};
use enough_store_sqlite::SqliteStore;
use enough_web::{PoolProbe, PoolStats};
use std::path::Path;
use std::sync::Arc;

/// The URL to use: the one given, or an SQLite file in the data folder.
pub fn database_url(given: Option<&str>, data_dir: &Path) -> String {
    match given {
        Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => format!("sqlite://{}", data_dir.join("enough.db").display()),
    }
}

/// The URL with any password replaced, for logs.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Opens the store behind `url`, running migrations (PostgreSQL with its default pool size).
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    let pool_size = PgSettings::default().pool_size;
    Ok(open_with_probe(url, pool_size).await?.0)
}

/// Opens the store behind `url`, with a probe of its connection pool where it has one to
/// report at `/metrics` (PostgreSQL; the SQLite store keeps its reader and writer threads to
/// itself). `pool_size` is the most connections to PostgreSQL.
pub async fn open_with_probe(
    url: &str,
    pool_size: u32,
) -> Result<(Arc<dyn Store>, Option<PoolProbe>)> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            create_private_dir(parent).with_context(|| {
                format!("could not create the data folder {}", parent.display())
            })?;
        }
        let store = SqliteStore::open(url)
            .await
            .with_context(|| format!("could not open the SQLite database {path}"))?;
        Ok((Arc::new(store), None))
    } else if url.starts_with("sqlite:") {
        Ok((
            Arc::new(
                SqliteStore::open(url)
                    .await
                    .context("could not open SQLite")?,
            ),
            None,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PostgresStore::connect_with(url, PgSettings { pool_size })
            .await
            .with_context(|| format!("could not connect to PostgreSQL at {}", redacted(url)))?;
        let pool = store.pool().clone();
        let probe: PoolProbe = Arc::new(move || PoolStats {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        });
        Ok((Arc::new(store), Some(probe)))
    } else {
        bail!(
            "unsupported database URL {}: use sqlite://PATH or postgres://USER@HOST/DB",
            redacted(url)
        )
    }
}

/// Creates `dir` (and missing parents) for the owner only (0700), whatever the umask; a folder
/// that already exists is left as it is.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Writes `bytes` to a new or replaced file readable by the owner only (0600), whatever the
/// umask: exports and backups hold a person's data.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // An existing file keeps its mode on open: set it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redacted("postgres://app:s3cret@db/enough"),
            "postgres://app:***@db/enough"
        );
        assert_eq!(
            redacted("postgres://app@db/enough"),
            "postgres://app@db/enough"
        );
        assert_eq!(
            redacted("sqlite://data/enough.db"),
            "sqlite://data/enough.db"
        );
    }

    #[test]
    fn the_default_is_an_sqlite_file_in_the_data_folder() {
        assert_eq!(
            database_url(None, Path::new("enough-data")),
            "sqlite://enough-data/enough.db"
        );
        assert_eq!(
            database_url(Some("postgres://x/y"), Path::new("d")),
            "postgres://x/y"
        );
    }
}
