//! Planned activities and programme runs in PostgreSQL.

use crate::rows::{col, db_error};
use chrono::NaiveDate;
use enough_store::{
    ActivityInput, ActivityRecord, NewProgrammeRun, ProgrammeRunRecord, StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};

const ACTIVITY_COLUMNS: &str =
    "id, user_id, what, date, time, kind, value, outcome, created_at, updated_at";
const RUN_COLUMNS: &str = "id, user_id, programme_id, programme, started, completed_days, assigned_by, created_at, ended_at";

fn activity_from_row(r: &PgRow) -> StoreResult<ActivityRecord> {
    Ok(ActivityRecord {
        id: col(r, "id")?,
        user_id: col(r, "user_id")?,
        what: col(r, "what")?,
        date: col(r, "date")?,
        time: col(r, "time")?,
        kind: col(r, "kind")?,
        value: col(r, "value")?,
        outcome: col(r, "outcome")?,
        created_at: col(r, "created_at")?,
        updated_at: col(r, "updated_at")?,
    })
}

fn run_from_row(r: &PgRow) -> StoreResult<ProgrammeRunRecord> {
    Ok(ProgrammeRunRecord {
        id: col(r, "id")?,
        user_id: col(r, "user_id")?,
        programme_id: col(r, "programme_id")?,
        programme: col(r, "programme")?,
        started: col(r, "started")?,
        completed_days: col(r, "completed_days")?,
        assigned_by: col(r, "assigned_by")?,
        created_at: col(r, "created_at")?,
        ended_at: col(r, "ended_at")?,
    })
}

pub(crate) async fn create_activity(
    pool: &PgPool,
    user_id: i64,
    a: &ActivityInput,
    now: i64,
) -> StoreResult<ActivityRecord> {
    let sql = format!(
        "INSERT INTO activities (user_id, what, date, time, kind, value, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {ACTIVITY_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(&a.what)
        .bind(a.date)
        .bind(&a.time)
        .bind(&a.kind)
        .bind(&a.value)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    activity_from_row(&row)
}

pub(crate) async fn set_activity_outcome(
    pool: &PgPool,
    user_id: i64,
    id: i64,
    outcome: Option<&str>,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE activities SET outcome = $3, updated_at = $4 WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .bind(outcome)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn activity(
    pool: &PgPool,
    user_id: i64,
    id: i64,
) -> StoreResult<Option<ActivityRecord>> {
    let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = $1 AND user_id = $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(activity_from_row).transpose()
}

pub(crate) async fn activities(
    pool: &PgPool,
    user_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> StoreResult<Vec<ActivityRecord>> {
    let sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE user_id = $1
         AND ($2::DATE IS NULL OR date >= $2) AND ($3::DATE IS NULL OR date <= $3)
         ORDER BY date, time IS NULL, time, id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(activity_from_row).collect()
}

pub(crate) async fn delete_activity(pool: &PgPool, user_id: i64, id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM activities WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn start_programme(
    pool: &PgPool,
    user_id: i64,
    new: &NewProgrammeRun,
) -> StoreResult<ProgrammeRunRecord> {
    let sql = format!(
        "INSERT INTO programme_runs (user_id, programme_id, programme, started, completed_days, assigned_by, created_at)
         VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING {RUN_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(&new.programme_id)
        .bind(&new.programme)
        .bind(new.started)
        .bind(new.assigned_by)
        .bind(new.created_at)
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    run_from_row(&row)
}

pub(crate) async fn programme_runs(
    pool: &PgPool,
    user_id: i64,
) -> StoreResult<Vec<ProgrammeRunRecord>> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM programme_runs WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(run_from_row).collect()
}

pub(crate) async fn set_run_days(
    pool: &PgPool,
    user_id: i64,
    id: i64,
    days: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE programme_runs SET completed_days = $3 WHERE id = $1 AND user_id = $2 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(user_id)
    .bind(days)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn end_programme(
    pool: &PgPool,
    user_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE programme_runs SET ended_at = $3 WHERE id = $1 AND user_id = $2 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// Rows of both tables for a snapshot.
pub(crate) async fn export(
    tx: &mut Transaction<'_, Postgres>,
) -> StoreResult<(Vec<ActivityRecord>, Vec<ProgrammeRunRecord>)> {
    let a = sqlx::query(AssertSqlSafe(format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activities ORDER BY id"
    )))
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    let r = sqlx::query(AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM programme_runs ORDER BY id"
    )))
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok((
        a.iter()
            .map(activity_from_row)
            .collect::<StoreResult<_>>()?,
        r.iter().map(run_from_row).collect::<StoreResult<_>>()?,
    ))
}

/// Writes both tables of a snapshot, keeping ids.
pub(crate) async fn import(
    tx: &mut Transaction<'_, Postgres>,
    activities: &[ActivityRecord],
    runs: &[ProgrammeRunRecord],
) -> StoreResult<()> {
    for a in activities {
        sqlx::query(
            "INSERT INTO activities (id, user_id, what, date, time, kind, value, outcome, created_at, updated_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id)
        .bind(a.user_id)
        .bind(&a.what)
        .bind(a.date)
        .bind(&a.time)
        .bind(&a.kind)
        .bind(&a.value)
        .bind(&a.outcome)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for r in runs {
        sqlx::query(
            "INSERT INTO programme_runs (id, user_id, programme_id, programme, started, completed_days, assigned_by, created_at, ended_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.id)
        .bind(r.user_id)
        .bind(&r.programme_id)
        .bind(&r.programme)
        .bind(r.started)
        .bind(&r.completed_days)
        .bind(r.assigned_by)
        .bind(r.created_at)
        .bind(r.ended_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}
