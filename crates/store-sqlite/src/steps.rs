//! Planned activities and programme runs in SQLite.

use crate::rows::{date_from_row, date_text, execute, get, query_all, query_one, query_opt};
use chrono::NaiveDate;
use enough_store::{
    ActivityInput, ActivityRecord, NewProgrammeRun, ProgrammeRunRecord, StoreResult,
};
use rusqlite::{Connection, Row, params};

/// The columns [`activity_from_row`] reads.
pub(crate) const ACTIVITY_COLUMNS: &str =
    "id, user_id, what, date, time, kind, value, outcome, created_at, updated_at";

pub(crate) fn activity_from_row(r: &Row<'_>) -> StoreResult<ActivityRecord> {
    Ok(ActivityRecord {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        what: get(r, 2)?,
        date: date_from_row(r, 3)?,
        time: get(r, 4)?,
        kind: get(r, 5)?,
        value: get(r, 6)?,
        outcome: get(r, 7)?,
        created_at: get(r, 8)?,
        updated_at: get(r, 9)?,
    })
}

/// The columns [`run_from_row`] reads.
pub(crate) const RUN_COLUMNS: &str = "id, user_id, programme_id, programme, started, completed_days, assigned_by, created_at, ended_at";

pub(crate) fn run_from_row(r: &Row<'_>) -> StoreResult<ProgrammeRunRecord> {
    Ok(ProgrammeRunRecord {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        programme_id: get(r, 2)?,
        programme: get(r, 3)?,
        started: date_from_row(r, 4)?,
        completed_days: get(r, 5)?,
        assigned_by: get(r, 6)?,
        created_at: get(r, 7)?,
        ended_at: get(r, 8)?,
    })
}

pub(crate) fn create_activity(
    c: &Connection,
    user_id: i64,
    a: &ActivityInput,
    now: i64,
) -> StoreResult<ActivityRecord> {
    let sql = format!(
        "INSERT INTO activities (user_id, what, date, time, kind, value, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING {ACTIVITY_COLUMNS}"
    );
    query_one(
        c,
        &sql,
        params![
            user_id,
            a.what,
            date_text(a.date),
            a.time,
            a.kind,
            a.value,
            now
        ],
        activity_from_row,
    )
}

pub(crate) fn set_activity_outcome(
    c: &Connection,
    user_id: i64,
    id: i64,
    outcome: Option<&str>,
    now: i64,
) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE activities SET outcome = ?3, updated_at = ?4 WHERE id = ?1 AND user_id = ?2",
        params![id, user_id, outcome, now],
    )
    .map(|n| n > 0)
}

pub(crate) fn activity(
    c: &Connection,
    user_id: i64,
    id: i64,
) -> StoreResult<Option<ActivityRecord>> {
    let sql = format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = ?1 AND user_id = ?2");
    query_opt(c, &sql, params![id, user_id], activity_from_row)
}

pub(crate) fn activities(
    c: &Connection,
    user_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> StoreResult<Vec<ActivityRecord>> {
    let sql = format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activities WHERE user_id = ?1
         AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3)
         ORDER BY date, time IS NULL, time, id"
    );
    query_all(
        c,
        &sql,
        params![user_id, from.map(date_text), to.map(date_text)],
        activity_from_row,
    )
}

pub(crate) fn delete_activity(c: &Connection, user_id: i64, id: i64) -> StoreResult<bool> {
    execute(
        c,
        "DELETE FROM activities WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )
    .map(|n| n > 0)
}

pub(crate) fn start_programme(
    c: &Connection,
    user_id: i64,
    new: &NewProgrammeRun,
) -> StoreResult<ProgrammeRunRecord> {
    let sql = format!(
        "INSERT INTO programme_runs (user_id, programme_id, programme, started, completed_days, assigned_by, created_at)
         VALUES (?1, ?2, ?3, ?4, '', ?5, ?6) RETURNING {RUN_COLUMNS}"
    );
    query_one(
        c,
        &sql,
        params![
            user_id,
            new.programme_id,
            new.programme,
            date_text(new.started),
            new.assigned_by,
            new.created_at
        ],
        run_from_row,
    )
}

pub(crate) fn programme_runs(c: &Connection, user_id: i64) -> StoreResult<Vec<ProgrammeRunRecord>> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM programme_runs WHERE user_id = ?1 ORDER BY created_at DESC, id DESC"
    );
    query_all(c, &sql, params![user_id], run_from_row)
}

pub(crate) fn set_run_days(c: &Connection, user_id: i64, id: i64, days: &str) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE programme_runs SET completed_days = ?3 WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL",
        params![id, user_id, days],
    )
    .map(|n| n > 0)
}

pub(crate) fn end_programme(c: &Connection, user_id: i64, id: i64, now: i64) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE programme_runs SET ended_at = ?3 WHERE id = ?1 AND user_id = ?2 AND ended_at IS NULL",
        params![id, user_id, now],
    )
    .map(|n| n > 0)
}

/// Rows of both tables for a snapshot.
pub(crate) fn export(
    c: &Connection,
) -> StoreResult<(Vec<ActivityRecord>, Vec<ProgrammeRunRecord>)> {
    Ok((
        query_all(
            c,
            &format!("SELECT {ACTIVITY_COLUMNS} FROM activities ORDER BY id"),
            [],
            activity_from_row,
        )?,
        query_all(
            c,
            &format!("SELECT {RUN_COLUMNS} FROM programme_runs ORDER BY id"),
            [],
            run_from_row,
        )?,
    ))
}

/// Writes both tables of a snapshot, keeping ids.
pub(crate) fn import(
    c: &Connection,
    activities: &[ActivityRecord],
    runs: &[ProgrammeRunRecord],
) -> StoreResult<()> {
    for a in activities {
        execute(
            c,
            "INSERT INTO activities (id, user_id, what, date, time, kind, value, outcome, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                a.id,
                a.user_id,
                a.what,
                date_text(a.date),
                a.time,
                a.kind,
                a.value,
                a.outcome,
                a.created_at,
                a.updated_at
            ],
        )?;
    }
    for r in runs {
        execute(
            c,
            "INSERT INTO programme_runs (id, user_id, programme_id, programme, started, completed_days, assigned_by, created_at, ended_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                r.id,
                r.user_id,
                r.programme_id,
                r.programme,
                date_text(r.started),
                r.completed_days,
                r.assigned_by,
                r.created_at,
                r.ended_at
            ],
        )?;
    }
    Ok(())
}
