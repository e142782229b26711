//! Driver errors as store errors.

use enough_store::StoreError;

/// Maps a driver error, turning unique-constraint violations into `Conflict`.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict(db.message().to_owned());
    }
    StoreError::Database(e.to_string())
}
