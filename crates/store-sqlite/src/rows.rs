//! Driver errors as store errors.

use enough_store::StoreError;
use rusqlite::{ErrorCode, ffi};

/// Maps a driver error, turning unique-constraint violations into `Conflict`.
pub(crate) fn db_error(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(failure, message) = &e
        && failure.code == ErrorCode::ConstraintViolation
        && matches!(
            failure.extended_code,
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )
    {
        return StoreError::Conflict(message.clone().unwrap_or_else(|| e.to_string()));
    }
    StoreError::Database(e.to_string())
}
