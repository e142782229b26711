//! Running queries and reading rows back into records.

use chrono::NaiveDate;
use enough_domain::account::Role;
use enough_domain::day::{DayEntry, Habits};
use enough_store::{ApiToken, Session, StoreError, StoreResult, User};
use rusqlite::types::FromSql;
use rusqlite::{Connection, ErrorCode, Params, Row, ffi};

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

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

/// Reads the column at `index`, naming it if the stored value does not fit.
pub(crate) fn get<T: FromSql>(row: &Row<'_>, index: usize) -> StoreResult<T> {
    row.get(index).map_err(|e| match e {
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => {
            let column = row.as_ref().column_name(index).unwrap_or("?");
            StoreError::Corrupt(format!("{column}: {e}"))
        }
        other => db_error(other),
    })
}

/// Every row of a (cached) statement, read with `read`.
pub(crate) fn query_all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut statement = conn.prepare_cached(sql).map_err(db_error)?;
    let mut rows = statement.query(params).map_err(db_error)?;
    let mut all = Vec::new();
    while let Some(row) = rows.next().map_err(db_error)? {
        all.push(read(row)?);
    }
    Ok(all)
}

/// The first row of a (cached) statement, if any, read with `read`.
pub(crate) fn query_opt<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnOnce(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut statement = conn.prepare_cached(sql).map_err(db_error)?;
    let mut rows = statement.query(params).map_err(db_error)?;
    rows.next().map_err(db_error)?.map(read).transpose()
}

/// The single row a (cached) statement must return, read with `read`.
pub(crate) fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnOnce(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<T> {
    query_opt(conn, sql, params, read)?
        .ok_or_else(|| StoreError::Database(format!("no row returned by: {sql}")))
}

/// Runs a (cached) statement; the number of rows it changed.
pub(crate) fn execute(conn: &Connection, sql: &str, params: impl Params) -> StoreResult<usize> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.execute(params))
        .map_err(db_error)
}

// Rows are read by column position (looking columns up by name cost a tenth of the CPU time of
// a read-heavy load). Each reader below reads the columns its macro lists, from `at` on.

/// The columns [`user_from_row`] reads.
macro_rules! user_columns {
    () => {
        "users.id, users.email, users.role, users.time_zone, users.created_at, users.country"
    };
}
pub(crate) use user_columns;

/// The columns [`session_from_row`] reads.
macro_rules! session_columns {
    () => {
        "sessions.id, sessions.user_id, sessions.csrf_token, sessions.created_at, \
         sessions.last_seen_at, sessions.expires_at, sessions.user_agent"
    };
}
pub(crate) use session_columns;

/// The columns [`token_from_row`] reads.
macro_rules! token_columns {
    () => {
        "api_tokens.id, api_tokens.user_id, api_tokens.name, api_tokens.created_at, \
         api_tokens.last_used_at, api_tokens.revoked_at"
    };
}
pub(crate) use token_columns;

/// The columns [`day_from_row`] reads (the date as `YYYY-MM-DD` text).
macro_rules! day_columns {
    () => {
        "days.date, days.daylight_quarter_hours, days.energy, days.mood, \
         days.outside_morning, days.habits, days.note"
    };
}
pub(crate) use day_columns;

/// How many columns [`user_from_row`] and [`day_from_row`] take, for the columns after them.
pub(crate) const USER_WIDTH: usize = 6;
pub(crate) const DAY_WIDTH: usize = 7;

/// A user from [`user_columns`] at `at`.
pub(crate) fn user_from_row(row: &Row<'_>, at: usize) -> StoreResult<User> {
    let role: String = get(row, at + 2)?;
    Ok(User {
        id: get(row, at)?,
        email: get(row, at + 1)?,
        role: role.parse::<Role>().map_err(|_| corrupt("users.role"))?,
        time_zone: get(row, at + 3)?,
        created_at: get(row, at + 4)?,
        country: get(row, at + 5)?,
    })
}

/// A session from [`session_columns`] at `at`.
pub(crate) fn session_from_row(row: &Row<'_>, at: usize) -> StoreResult<Session> {
    Ok(Session {
        id: get(row, at)?,
        user_id: get(row, at + 1)?,
        csrf_token: get(row, at + 2)?,
        created_at: get(row, at + 3)?,
        last_seen_at: get(row, at + 4)?,
        expires_at: get(row, at + 5)?,
        user_agent: get(row, at + 6)?,
    })
}

/// A token (without its hash) from [`token_columns`] at `at`.
pub(crate) fn token_from_row(row: &Row<'_>, at: usize) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: get(row, at)?,
        user_id: get(row, at + 1)?,
        name: get(row, at + 2)?,
        created_at: get(row, at + 3)?,
        last_used_at: get(row, at + 4)?,
        revoked_at: get(row, at + 5)?,
    })
}

/// A date as stored: `YYYY-MM-DD` text (ISO 8601, so text order is date order).
pub(crate) fn date_text(date: NaiveDate) -> String {
    date.to_string()
}

pub(crate) fn date_from_row(row: &Row<'_>, index: usize) -> StoreResult<NaiveDate> {
    let text: &str = row
        .get_ref(index)
        .and_then(|value| value.as_str().map_err(rusqlite::Error::from))
        .map_err(|e| StoreError::Corrupt(format!("days.date: {e}")))?;
    parse_date(text).ok_or_else(|| StoreError::Corrupt(format!("days.date: {text:?}")))
}

/// Parses `YYYY-MM-DD` directly (chrono's general parser was a visible share of list reads),
/// anything else with chrono.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let plain = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !plain {
        return text.parse().ok();
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

fn small(row: &Row<'_>, index: usize, max: i64) -> StoreResult<Option<u8>> {
    let Some(value): Option<i64> = get(row, index)? else {
        return Ok(None);
    };
    match u8::try_from(value) {
        Ok(small) if (0..=max).contains(&value) => Ok(Some(small)),
        _ => Err(StoreError::Corrupt(format!(
            "{}: {value} is out of range",
            row.as_ref().column_name(index).unwrap_or("?")
        ))),
    }
}

/// A day from [`day_columns`] at `at`.
pub(crate) fn day_from_row(row: &Row<'_>, at: usize) -> StoreResult<DayEntry> {
    Ok(DayEntry {
        date: date_from_row(row, at)?,
        daylight_quarter_hours: small(row, at + 1, 96)?,
        energy: small(row, at + 2, 10)?,
        mood: small(row, at + 3, 10)?,
        outside_morning: get(row, at + 4)?,
        habits: Habits::from_bits(get(row, at + 5)?),
        note: get(row, at + 6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_the_column_lists() {
        assert_eq!(user_columns!().split(',').count(), USER_WIDTH);
        assert_eq!(day_columns!().split(',').count(), DAY_WIDTH);
    }

    #[test]
    fn dates_round_trip_as_text() {
        for text in ["1900-01-01", "2026-11-25", "2024-02-29", "9999-12-31"] {
            let date = parse_date(text).unwrap();
            assert_eq!(date_text(date), text);
            assert_eq!(text.parse::<NaiveDate>().unwrap(), date);
        }
        for bad in ["2025-02-29", "2025-13-01", "2025-01-32", "", "x"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
