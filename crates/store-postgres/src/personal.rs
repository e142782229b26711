//! Locations, reflections and experiments in PostgreSQL.

use crate::rows::db_error;
use chrono::NaiveDate;
use enough_store::{
    Experiment, ExperimentStatus, Location, NewExperiment, Reflection, StoreError, StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

pub(crate) const EXPERIMENT_COLUMNS: &str =
    "id, user_id, start_date, end_date, weeks, seed, schedule, status, created_at, ended_at";

pub(crate) fn experiment_from_row(r: &PgRow) -> StoreResult<Experiment> {
    let status: String = r.try_get("status").map_err(db_error)?;
    Ok(Experiment {
        id: r.try_get("id").map_err(db_error)?,
        user_id: r.try_get("user_id").map_err(db_error)?,
        start_date: r.try_get("start_date").map_err(db_error)?,
        end_date: r.try_get("end_date").map_err(db_error)?,
        weeks: r.try_get("weeks").map_err(db_error)?,
        seed: r.try_get("seed").map_err(db_error)?,
        schedule: r.try_get("schedule").map_err(db_error)?,
        status: ExperimentStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt("experiments.status".to_owned()))?,
        created_at: r.try_get("created_at").map_err(db_error)?,
        ended_at: r.try_get("ended_at").map_err(db_error)?,
    })
}

pub(crate) async fn location(pool: &PgPool, user_id: i64) -> StoreResult<Option<Location>> {
    let row = sqlx::query("SELECT latitude, longitude, place FROM locations WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|r| {
        Ok(Location {
            latitude: r.try_get("latitude").map_err(db_error)?,
            longitude: r.try_get("longitude").map_err(db_error)?,
            place: r.try_get("place").map_err(db_error)?,
        })
    })
    .transpose()
}

pub(crate) async fn set_location(
    pool: &PgPool,
    user_id: i64,
    location: Option<&Location>,
) -> StoreResult<()> {
    match location {
        Some(l) => sqlx::query(
            "INSERT INTO locations (user_id, latitude, longitude, place) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET latitude = excluded.latitude,
                 longitude = excluded.longitude, place = excluded.place",
        )
        .bind(user_id)
        .bind(l.latitude)
        .bind(l.longitude)
        .bind(&l.place)
        .execute(pool)
        .await
        .map_err(db_error)?,
        None => sqlx::query("DELETE FROM locations WHERE user_id = $1")
            .bind(user_id)
            .execute(pool)
            .await
            .map_err(db_error)?,
    };
    Ok(())
}

pub(crate) async fn upsert_reflection(
    pool: &PgPool,
    user_id: i64,
    date: NaiveDate,
    text: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO reflections (user_id, date, text, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (user_id, date) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(date)
    .bind(text)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn reflections(pool: &PgPool, user_id: i64) -> StoreResult<Vec<Reflection>> {
    let rows = sqlx::query(
        "SELECT date, text, updated_at FROM reflections WHERE user_id = $1 ORDER BY date DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok(Reflection {
                date: r.try_get("date").map_err(db_error)?,
                text: r.try_get("text").map_err(db_error)?,
                updated_at: r.try_get("updated_at").map_err(db_error)?,
            })
        })
        .collect()
}

pub(crate) async fn delete_reflection(
    pool: &PgPool,
    user_id: i64,
    date: NaiveDate,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM reflections WHERE user_id = $1 AND date = $2")
        .bind(user_id)
        .bind(date)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn start_experiment(
    pool: &PgPool,
    user_id: i64,
    new: NewExperiment,
    today: NaiveDate,
) -> StoreResult<Experiment> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    sqlx::query(
        "UPDATE experiments SET status = 'completed', ended_at = $3
         WHERE user_id = $1 AND status = 'active' AND end_date < $2",
    )
    .bind(user_id)
    .bind(today)
    .bind(new.created_at)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    let sql = format!(
        "INSERT INTO experiments (user_id, start_date, end_date, weeks, seed, schedule, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7) RETURNING {EXPERIMENT_COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(new.start_date)
        .bind(new.end_date)
        .bind(new.weeks)
        .bind(new.seed)
        .bind(&new.schedule)
        .bind(new.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
    let experiment = experiment_from_row(&row)?;
    tx.commit().await.map_err(db_error)?;
    Ok(experiment)
}

pub(crate) async fn experiments(pool: &PgPool, user_id: i64) -> StoreResult<Vec<Experiment>> {
    let sql =
        format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE user_id = $1 ORDER BY id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(experiment_from_row).collect()
}

pub(crate) async fn set_experiment_schedule(
    pool: &PgPool,
    user_id: i64,
    id: i64,
    schedule: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE experiments SET schedule = $3
         WHERE id = $1 AND user_id = $2 AND status = 'active'",
    )
    .bind(id)
    .bind(user_id)
    .bind(schedule)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn abandon_experiment(
    pool: &PgPool,
    user_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE experiments SET status = 'abandoned', ended_at = $3
         WHERE id = $1 AND user_id = $2 AND status = 'active'",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}
