//! Fresh, throwaway databases for tests that run against PostgreSQL.
//!
//! Tests opt in by setting [`URL_VARIABLE`] to a server they may create databases on, e.g.
//! `postgres://postgres@127.0.0.1:5432/test`. Every test then gets its own database, so tests
//! can run in parallel and never see each other's rows. Without the variable, callers should
//! skip (see [`base_url_from_env`]), so `cargo test` passes on a machine without PostgreSQL.

use crate::rows::db_error;
use enough_store::{StoreError, StoreResult};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the PostgreSQL server tests may use.
pub const URL_VARIABLE: &str = "ENOUGH_TEST_POSTGRES_URL";

/// Every name this module creates starts with this, so leftovers are easy to find and drop.
pub const NAME_PREFIX: &str = "enough_test_";

/// When this environment variable is `1`, a missing [`URL_VARIABLE`] fails the test instead of
/// skipping it. `.ci/run` sets it, so CI can never pass without PostgreSQL.
pub const REQUIRE_VARIABLE: &str = "ENOUGH_REQUIRE_POSTGRES";

/// The server URL from [`URL_VARIABLE`], or `None` (after saying so on stderr) when it is unset
/// or empty and the calling test should be skipped.
///
/// # Panics
/// When [`REQUIRE_VARIABLE`] is `1` and no URL is set: a run that must test PostgreSQL fails
/// rather than passing silently.
#[allow(clippy::panic)]
pub fn base_url_from_env(test: &str) -> Option<String> {
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ if std::env::var(REQUIRE_VARIABLE).as_deref() == Ok("1") => {
            panic!("PostgreSQL test {test}: {REQUIRE_VARIABLE}=1 but {URL_VARIABLE} is not set")
        }
        _ => {
            eprintln!("skipping PostgreSQL test {test}: {URL_VARIABLE} is not set");
            None
        }
    }
}

/// A database made by [`fresh_database`]. Dropping this value does not remove the database
/// (that needs a round trip); call [`TestDatabase::drop_database`] when the test is done.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    /// The server URL it was created from.
    pub base_url: String,
    /// The new database's name (`enough_test_…`).
    pub name: String,
    /// A URL for the new database: `base_url` with its path replaced by `name`.
    pub url: String,
}

impl TestDatabase {
    /// Removes the database, ending any connections still open to it.
    pub async fn drop_database(self) -> StoreResult<()> {
        drop_database(&self.base_url, &self.name).await
    }
}

/// Creates a new, empty database with a unique name on the server at `base_url`.
pub async fn fresh_database(base_url: &str) -> StoreResult<TestDatabase> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let name = format!(
        "{NAME_PREFIX}{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = PgConnection::connect(base_url).await.map_err(db_error)?;
    let created = sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .map_err(db_error);
    let closed = admin.close().await.map_err(db_error);
    created?;
    closed?;
    Ok(TestDatabase {
        url: with_database(base_url, &name),
        base_url: base_url.to_owned(),
        name,
    })
}

/// Drops the database `name` on the server at `base_url`, ending connections still open to it.
/// Only names made by [`fresh_database`] are accepted, so a typo cannot drop real data.
pub async fn drop_database(base_url: &str, name: &str) -> StoreResult<()> {
    let well_formed = name.starts_with(NAME_PREFIX)
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return Err(StoreError::Database(format!(
            "refusing to drop {name:?}: not a test database made by fresh_database"
        )));
    }
    let mut admin = PgConnection::connect(base_url).await.map_err(db_error)?;
    let dropped = sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .map_err(db_error);
    let closed = admin.close().await.map_err(db_error);
    dropped?;
    closed
}

/// `url` with its database (the path) replaced by `name`, keeping any `?query` options.
fn with_database(url: &str, name: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((main, query)) => (main, Some(query)),
        None => (url, None),
    };
    let authority_start = main.find("://").map_or(0, |i| i + 3);
    let server = match main[authority_start..].find('/') {
        Some(slash) => &main[..authority_start + slash],
        None => main,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_is_replaced_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
        assert_eq!(with_database("postgresql://h/", "x"), "postgresql://h/x");
    }
}
