//! Toolkit exercises, questionnaires, the safety plan and safety events in SQLite.

use crate::rows::{date_from_row, date_text, execute, get, query_all, query_one, query_opt};
use chrono::NaiveDate;
use enough_store::{
    ExerciseEntry, ExerciseInput, NewResponse, QuestionnaireDraft, QuestionnaireResponse,
    QuestionnaireSchedule, SafetyEvent, SafetyPlanRecord, SavedResponse, StoreError, StoreResult,
};
use rusqlite::{Connection, Row, params};

/// The columns [`exercise_from_row`] reads.
pub(crate) const EXERCISE_COLUMNS: &str =
    "id, user_id, kind, date, status, answers, created_at, updated_at";

pub(crate) fn exercise_from_row(r: &Row<'_>) -> StoreResult<ExerciseEntry> {
    Ok(ExerciseEntry {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        kind: get(r, 2)?,
        date: date_from_row(r, 3)?,
        status: get(r, 4)?,
        answers: get(r, 5)?,
        created_at: get(r, 6)?,
        updated_at: get(r, 7)?,
    })
}

/// The columns [`response_from_row`] reads.
pub(crate) const RESPONSE_COLUMNS: &str =
    "id, user_id, client_id, instrument, answers, date, completed_at";

pub(crate) fn response_from_row(r: &Row<'_>) -> StoreResult<QuestionnaireResponse> {
    Ok(QuestionnaireResponse {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        client_id: get(r, 2)?,
        instrument: get(r, 3)?,
        answers: get(r, 4)?,
        date: date_from_row(r, 5)?,
        completed_at: get(r, 6)?,
    })
}

pub(crate) fn draft_from_row(r: &Row<'_>) -> StoreResult<QuestionnaireDraft> {
    Ok(QuestionnaireDraft {
        user_id: get(r, 0)?,
        instrument: get(r, 1)?,
        answers: get(r, 2)?,
        updated_at: get(r, 3)?,
    })
}

pub(crate) fn schedule_from_row(r: &Row<'_>) -> StoreResult<QuestionnaireSchedule> {
    Ok(QuestionnaireSchedule {
        user_id: get(r, 0)?,
        instrument: get(r, 1)?,
        every_days: get(r, 2)?,
        since: date_from_row(r, 3)?,
    })
}

pub(crate) fn plan_from_row(r: &Row<'_>) -> StoreResult<SafetyPlanRecord> {
    Ok(SafetyPlanRecord {
        user_id: get(r, 0)?,
        plan: get(r, 1)?,
        updated_at: get(r, 2)?,
    })
}

pub(crate) fn event_from_row(r: &Row<'_>) -> StoreResult<SafetyEvent> {
    Ok(SafetyEvent {
        id: get(r, 0)?,
        user_id: get(r, 1)?,
        at: get(r, 2)?,
        kind: get(r, 3)?,
        detail: get(r, 4)?,
    })
}

pub(crate) fn create_exercise(
    c: &Connection,
    user_id: i64,
    input: &ExerciseInput,
    now: i64,
) -> StoreResult<ExerciseEntry> {
    let sql = format!(
        "INSERT INTO exercise_entries (user_id, kind, date, status, answers, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING {EXERCISE_COLUMNS}"
    );
    query_one(
        c,
        &sql,
        params![
            user_id,
            input.kind,
            date_text(input.date),
            input.status,
            input.answers,
            now
        ],
        exercise_from_row,
    )
}

pub(crate) fn update_exercise(
    c: &Connection,
    user_id: i64,
    id: i64,
    input: &ExerciseInput,
    now: i64,
) -> StoreResult<Option<ExerciseEntry>> {
    let sql = format!(
        "UPDATE exercise_entries SET kind = ?3, date = ?4, status = ?5, answers = ?6, updated_at = ?7
         WHERE id = ?1 AND user_id = ?2 RETURNING {EXERCISE_COLUMNS}"
    );
    query_opt(
        c,
        &sql,
        params![
            id,
            user_id,
            input.kind,
            date_text(input.date),
            input.status,
            input.answers,
            now
        ],
        exercise_from_row,
    )
}

pub(crate) fn exercise(
    c: &Connection,
    user_id: i64,
    id: i64,
) -> StoreResult<Option<ExerciseEntry>> {
    let sql =
        format!("SELECT {EXERCISE_COLUMNS} FROM exercise_entries WHERE id = ?1 AND user_id = ?2");
    query_opt(c, &sql, params![id, user_id], exercise_from_row)
}

pub(crate) fn exercises(
    c: &Connection,
    user_id: i64,
    kind: Option<&str>,
) -> StoreResult<Vec<ExerciseEntry>> {
    let sql = format!(
        "SELECT {EXERCISE_COLUMNS} FROM exercise_entries
         WHERE user_id = ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY date DESC, id DESC"
    );
    query_all(c, &sql, params![user_id, kind], exercise_from_row)
}

pub(crate) fn delete_exercise(c: &Connection, user_id: i64, id: i64) -> StoreResult<bool> {
    execute(
        c,
        "DELETE FROM exercise_entries WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )
    .map(|n| n > 0)
}

pub(crate) fn save_response(
    c: &Connection,
    user_id: i64,
    new: &NewResponse,
) -> StoreResult<SavedResponse> {
    let existing_sql = format!(
        "SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses WHERE user_id = ?1 AND client_id = ?2"
    );
    if let Some(existing) = query_opt(
        c,
        &existing_sql,
        params![user_id, new.client_id],
        response_from_row,
    )? {
        return if existing.instrument == new.instrument && existing.answers == new.answers {
            Ok(SavedResponse::AlreadySaved(existing))
        } else {
            Err(StoreError::Conflict(
                "a different response was already saved with this id".to_owned(),
            ))
        };
    }
    let sql = format!(
        "INSERT INTO questionnaire_responses (user_id, client_id, instrument, answers, date, completed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING {RESPONSE_COLUMNS}"
    );
    let saved = query_one(
        c,
        &sql,
        params![
            user_id,
            new.client_id,
            new.instrument,
            new.answers,
            date_text(new.date),
            new.completed_at
        ],
        response_from_row,
    )?;
    execute(
        c,
        "DELETE FROM questionnaire_drafts WHERE user_id = ?1 AND instrument = ?2",
        params![user_id, new.instrument],
    )?;
    Ok(SavedResponse::Created(saved))
}

pub(crate) fn responses(
    c: &Connection,
    user_id: i64,
    instrument: Option<&str>,
) -> StoreResult<Vec<QuestionnaireResponse>> {
    let sql = format!(
        "SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses
         WHERE user_id = ?1 AND (?2 IS NULL OR instrument = ?2) ORDER BY completed_at, id"
    );
    query_all(c, &sql, params![user_id, instrument], response_from_row)
}

pub(crate) fn delete_response(c: &Connection, user_id: i64, id: i64) -> StoreResult<bool> {
    execute(
        c,
        "DELETE FROM questionnaire_responses WHERE id = ?1 AND user_id = ?2",
        params![id, user_id],
    )
    .map(|n| n > 0)
}

pub(crate) fn save_draft(
    c: &Connection,
    user_id: i64,
    instrument: &str,
    answers: &str,
    now: i64,
) -> StoreResult<()> {
    execute(
        c,
        "INSERT INTO questionnaire_drafts (user_id, instrument, answers, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, instrument) DO UPDATE SET answers = excluded.answers,
             updated_at = excluded.updated_at",
        params![user_id, instrument, answers, now],
    )
    .map(drop)
}

pub(crate) fn draft(
    c: &Connection,
    user_id: i64,
    instrument: &str,
) -> StoreResult<Option<QuestionnaireDraft>> {
    query_opt(
        c,
        "SELECT user_id, instrument, answers, updated_at FROM questionnaire_drafts
         WHERE user_id = ?1 AND instrument = ?2",
        params![user_id, instrument],
        draft_from_row,
    )
}

pub(crate) fn set_schedule(
    c: &Connection,
    user_id: i64,
    instrument: &str,
    every_days: Option<i64>,
    since: NaiveDate,
) -> StoreResult<()> {
    match every_days {
        Some(days) => execute(
            c,
            "INSERT INTO questionnaire_schedules (user_id, instrument, every_days, since)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id, instrument) DO UPDATE SET every_days = excluded.every_days,
                 since = excluded.since",
            params![user_id, instrument, days, date_text(since)],
        ),
        None => execute(
            c,
            "DELETE FROM questionnaire_schedules WHERE user_id = ?1 AND instrument = ?2",
            params![user_id, instrument],
        ),
    }
    .map(drop)
}

pub(crate) fn schedules(c: &Connection, user_id: i64) -> StoreResult<Vec<QuestionnaireSchedule>> {
    query_all(
        c,
        "SELECT user_id, instrument, every_days, since FROM questionnaire_schedules
         WHERE user_id = ?1 ORDER BY instrument",
        params![user_id],
        schedule_from_row,
    )
}

pub(crate) fn safety_plan(c: &Connection, user_id: i64) -> StoreResult<Option<SafetyPlanRecord>> {
    query_opt(
        c,
        "SELECT user_id, plan, updated_at FROM safety_plans WHERE user_id = ?1",
        params![user_id],
        plan_from_row,
    )
}

pub(crate) fn set_safety_plan(
    c: &Connection,
    user_id: i64,
    plan: &str,
    now: i64,
) -> StoreResult<()> {
    execute(
        c,
        "INSERT INTO safety_plans (user_id, plan, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan, updated_at = excluded.updated_at",
        params![user_id, plan, now],
    )
    .map(drop)
}

pub(crate) fn record_safety_event(
    c: &Connection,
    user_id: i64,
    kind: &str,
    detail: &str,
    at: i64,
) -> StoreResult<SafetyEvent> {
    query_one(
        c,
        "INSERT INTO safety_events (user_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)
         RETURNING id, user_id, at, kind, detail",
        params![user_id, at, kind, detail],
        event_from_row,
    )
}

pub(crate) fn safety_events(c: &Connection, user_id: i64) -> StoreResult<Vec<SafetyEvent>> {
    query_all(
        c,
        "SELECT id, user_id, at, kind, detail FROM safety_events WHERE user_id = ?1
         ORDER BY at DESC, id DESC",
        params![user_id],
        event_from_row,
    )
}
