//! Reading rows back into records.

use enough_domain::account::Role;
use enough_domain::day::{DayEntry, Habits};
use enough_store::{ApiToken, Session, StoreError, StoreResult, User};
use sqlx::Row;
use sqlx::postgres::PgRow;

/// Maps a driver error, turning unique-constraint violations into `Conflict`.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict(db.message().to_owned());
    }
    StoreError::Database(e.to_string())
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

pub(crate) fn user_from_row(row: &PgRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role").map_err(db_error)?;
    Ok(User {
        id: row.try_get("id").map_err(db_error)?,
        email: row.try_get("email").map_err(db_error)?,
        role: role.parse::<Role>().map_err(|_| corrupt("users.role"))?,
        time_zone: row.try_get("time_zone").map_err(db_error)?,
        created_at: row.try_get("created_at").map_err(db_error)?,
        country: row.try_get("country").map_err(db_error)?,
    })
}

pub(crate) fn session_from_row(
    row: &PgRow,
    id: &str,
    created_at: &str,
) -> Result<Session, StoreError> {
    Ok(Session {
        id: row.try_get(id).map_err(db_error)?,
        user_id: row.try_get("user_id").map_err(db_error)?,
        csrf_token: row.try_get("csrf_token").map_err(db_error)?,
        created_at: row.try_get(created_at).map_err(db_error)?,
        last_seen_at: row.try_get("last_seen_at").map_err(db_error)?,
        expires_at: row.try_get("expires_at").map_err(db_error)?,
        user_agent: row.try_get("user_agent").map_err(db_error)?,
    })
}

pub(crate) fn token_from_row(row: &PgRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: row.try_get("id").map_err(db_error)?,
        user_id: row.try_get("user_id").map_err(db_error)?,
        name: row.try_get("name").map_err(db_error)?,
        created_at: row.try_get("created_at").map_err(db_error)?,
        last_used_at: row.try_get("last_used_at").map_err(db_error)?,
        revoked_at: row.try_get("revoked_at").map_err(db_error)?,
    })
}

fn small(row: &PgRow, column: &str, max: i64) -> Result<Option<u8>, StoreError> {
    let Some(value): Option<i64> = row.try_get(column).map_err(db_error)? else {
        return Ok(None);
    };
    if (0..=max).contains(&value) {
        u8::try_from(value).map(Some).map_err(|_| corrupt(column))
    } else {
        Err(corrupt(column))
    }
}

pub(crate) fn day_from_row(row: &PgRow) -> Result<DayEntry, StoreError> {
    Ok(DayEntry {
        date: row.try_get("date").map_err(db_error)?,
        daylight_quarter_hours: small(row, "daylight_quarter_hours", 96)?,
        energy: small(row, "energy", 10)?,
        mood: small(row, "mood", 10)?,
        outside_morning: row.try_get("outside_morning").map_err(db_error)?,
        habits: Habits::from_bits(row.try_get("habits").map_err(db_error)?),
        note: row.try_get("note").map_err(db_error)?,
    })
}

/// The column `name` of a row, naming it if it cannot be read.
pub(crate) fn col<'r, T>(r: &'r PgRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    r.try_get(name).map_err(db_error)
}
