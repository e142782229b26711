//! Schema migrations, counted in SQLite's `PRAGMA user_version`.
//!
//! Migration `n` (from 1) is `MIGRATIONS[n - 1]`; each is applied in its own `BEGIN IMMEDIATE`
//! transaction together with the bump of `user_version`, so a crash leaves either the old or
//! the new schema, and two processes opening a fresh database at once apply it only once.

use crate::rows::db_error;
use enough_store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Every migration, oldest first. Never edit one that has shipped: add a new one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_foundation.sql"),
    include_str!("../migrations/0002_insights.sql"),
    include_str!("../migrations/0003_account_deletions.sql"),
    include_str!("../migrations/0004_practice.sql"),
    include_str!("../migrations/0005_care.sql"),
    include_str!("../migrations/0006_activities.sql"),
    include_str!("../migrations/0008_partial_days.sql"),
    include_str!("../migrations/0009_data_versions.sql"),
];

/// The schema version this build expects.
pub(crate) fn latest() -> i64 {
    // There are far fewer migrations than i64::MAX.
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Brings the database up to [`latest`], applying each pending migration in a transaction.
pub(crate) fn run(conn: &mut Connection) -> StoreResult<()> {
    adopt_sqlx_history(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(index + 1).unwrap_or(i64::MAX);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_error)?;
        // Read inside the transaction: another process may have migrated meanwhile.
        let current = user_version(&tx)?;
        check_not_newer(current)?;
        if current >= version {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|e| migration_failed(version, &db_error(e)))?;
        tx.pragma_update(None, "user_version", version)
            .map_err(|e| migration_failed(version, &db_error(e)))?;
        tx.commit()
            .map_err(|e| migration_failed(version, &db_error(e)))?;
        tracing::info!(version, "applied SQLite migration");
    }
    check_not_newer(user_version(conn)?)
}

/// Databases created while the store ran on sqlx record their migrations in
/// `_sqlx_migrations` and leave `user_version` at 0; carry that history over once.
fn adopt_sqlx_history(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_error)?;
    if user_version(&tx)? != 0 {
        return Ok(());
    }
    let has_history = tx
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'",
            [],
            |_| Ok(()),
        )
        .optional()
        .map_err(db_error)?
        .is_some();
    if !has_history {
        return Ok(());
    }
    let applied: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success",
            [],
            |row| row.get(0),
        )
        .map_err(db_error)?;
    check_not_newer(applied)?;
    tx.pragma_update(None, "user_version", applied)
        .map_err(db_error)?;
    tx.commit().map_err(db_error)?;
    tracing::info!(
        version = applied,
        "adopted the migration history of an sqlx-era database"
    );
    Ok(())
}

pub(crate) fn user_version(conn: &Connection) -> StoreResult<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(db_error)
}

fn check_not_newer(current: i64) -> StoreResult<()> {
    if current > latest() {
        return Err(StoreError::Database(format!(
            "the database has schema version {current}, newer than this build of enough knows \
             ({}); run a newer version",
            latest()
        )));
    }
    Ok(())
}

fn migration_failed(version: i64, e: &StoreError) -> StoreError {
    StoreError::Database(format!("migration {version} failed: {e}"))
}
