//! Locations, reflections and experiments in SQLite.

use crate::rows::{date_from_row, date_text, execute, get, query_all, query_one, query_opt};
use chrono::NaiveDate;
use enough_store::{
    Experiment, ExperimentStatus, Location, NewExperiment, Reflection, StoreError, StoreResult,
};
use rusqlite::{Connection, Row, params};

/// The experiment columns, in the order [`experiment_from_row`] reads them.
pub(crate) const EXPERIMENT_COLUMNS: &str =
    "id, user_id, start_date, end_date, weeks, seed, schedule, status, created_at, ended_at";

pub(crate) fn experiment_from_row(r: &Row<'_>) -> StoreResult<Experiment> {
    let status: String = get(r, 7)?;
    Ok(Experiment {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        start_date: date_from_row(r, 2)?,
        end_date: date_from_row(r, 3)?,
        weeks: get(r, 4)?,
        seed: get(r, 5)?,
        schedule: get(r, 6)?,
        status: ExperimentStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt("experiments.status".to_owned()))?,
        created_at: get(r, 8)?,
        ended_at: get(r, 9)?,
    })
}

pub(crate) fn location(c: &Connection, user_id: i64) -> StoreResult<Option<Location>> {
    query_opt(
        c,
        "SELECT latitude, longitude, place FROM locations WHERE user_id = ?1",
        params![user_id],
        |r| {
            Ok(Location {
                latitude: get(r, 0)?,
                longitude: get(r, 1)?,
                place: get(r, 2)?,
            })
        },
    )
}

pub(crate) fn set_location(
    c: &Connection,
    user_id: i64,
    location: Option<&Location>,
) -> StoreResult<()> {
    match location {
        Some(l) => execute(
            c,
            "INSERT INTO locations (user_id, latitude, longitude, place) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id) DO UPDATE SET latitude = excluded.latitude,
                 longitude = excluded.longitude, place = excluded.place",
            params![user_id, l.latitude, l.longitude, l.place],
        )?,
        None => execute(
            c,
            "DELETE FROM locations WHERE user_id = ?1",
            params![user_id],
        )?,
    };
    Ok(())
}

pub(crate) fn upsert_reflection(
    c: &Connection,
    user_id: i64,
    date: NaiveDate,
    text: &str,
    now: i64,
) -> StoreResult<()> {
    execute(
        c,
        "INSERT INTO reflections (user_id, date, text, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (user_id, date) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
        params![user_id, date_text(date), text, now],
    )?;
    Ok(())
}

pub(crate) fn reflections(c: &Connection, user_id: i64) -> StoreResult<Vec<Reflection>> {
    query_all(
        c,
        "SELECT date, text, updated_at FROM reflections WHERE user_id = ?1 ORDER BY date DESC",
        params![user_id],
        |r| {
            Ok(Reflection {
                date: date_from_row(r, 0)?,
                text: get(r, 1)?,
                updated_at: get(r, 2)?,
            })
        },
    )
}

pub(crate) fn delete_reflection(
    c: &Connection,
    user_id: i64,
    date: NaiveDate,
) -> StoreResult<bool> {
    execute(
        c,
        "DELETE FROM reflections WHERE user_id = ?1 AND date = ?2",
        params![user_id, date_text(date)],
    )
    .map(|n| n > 0)
}

pub(crate) fn start_experiment(
    c: &Connection,
    user_id: i64,
    new: &NewExperiment,
    today: NaiveDate,
) -> StoreResult<Experiment> {
    execute(
        c,
        "UPDATE experiments SET status = 'completed', ended_at = ?3
         WHERE user_id = ?1 AND status = 'active' AND end_date < ?2",
        params![user_id, date_text(today), new.created_at],
    )?;
    let sql = format!(
        "INSERT INTO experiments (user_id, start_date, end_date, weeks, seed, schedule, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7) RETURNING {EXPERIMENT_COLUMNS}"
    );
    query_one(
        c,
        &sql,
        params![
            user_id,
            date_text(new.start_date),
            date_text(new.end_date),
            new.weeks,
            new.seed,
            new.schedule,
            new.created_at
        ],
        experiment_from_row,
    )
}

pub(crate) fn experiments(c: &Connection, user_id: i64) -> StoreResult<Vec<Experiment>> {
    let sql =
        format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE user_id = ?1 ORDER BY id DESC");
    query_all(c, &sql, params![user_id], experiment_from_row)
}

pub(crate) fn set_experiment_schedule(
    c: &Connection,
    user_id: i64,
    id: i64,
    schedule: &str,
) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE experiments SET schedule = ?3
         WHERE id = ?1 AND user_id = ?2 AND status = 'active'",
        params![id, user_id, schedule],
    )
    .map(|n| n > 0)
}

pub(crate) fn abandon_experiment(
    c: &Connection,
    user_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE experiments SET status = 'abandoned', ended_at = ?3
         WHERE id = ?1 AND user_id = ?2 AND status = 'active'",
        params![id, user_id, now],
    )
    .map(|n| n > 0)
}
