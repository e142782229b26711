//! Toolkit exercises, questionnaires, the safety plan and safety events in PostgreSQL.

use crate::rows::{col, db_error};
use chrono::NaiveDate;
use enough_store::{
    ExerciseEntry, ExerciseInput, NewResponse, QuestionnaireDraft, QuestionnaireResponse,
    QuestionnaireSchedule, SafetyEvent, SafetyPlanRecord, SavedResponse, StoreError, StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgPool};

pub(crate) const EXERCISE_COLUMNS: &str =
    "id, user_id, kind, date, status, answers, created_at, updated_at";
pub(crate) const RESPONSE_COLUMNS: &str =
    "id, user_id, client_id, instrument, answers, date, completed_at";

pub(crate) fn exercise_from_row(r: &PgRow) -> StoreResult<ExerciseEntry> {
    Ok(ExerciseEntry {
        id: col(r, "id")?,
        user_id: col(r, "user_id")?,
        kind: col(r, "kind")?,
        date: col(r, "date")?,
        status: col(r, "status")?,
        answers: col(r, "answers")?,
        created_at: col(r, "created_at")?,
        updated_at: col(r, "updated_at")?,
    })
}

pub(crate) fn response_from_row(r: &PgRow) -> StoreResult<QuestionnaireResponse> {
    Ok(QuestionnaireResponse {
        id: col(r, "id")?,
        user_id: col(r, "user_id")?,
        client_id: col(r, "client_id")?,
        instrument: col(r, "instrument")?,
        answers: col(r, "answers")?,
        date: col(r, "date")?,
        completed_at: col(r, "completed_at")?,
    })
}

pub(crate) fn draft_from_row(r: &PgRow) -> StoreResult<QuestionnaireDraft> {
    Ok(QuestionnaireDraft {
        user_id: col(r, "user_id")?,
        instrument: col(r, "instrument")?,
        answers: col(r, "answers")?,
        updated_at: col(r, "updated_at")?,
    })
}

pub(crate) fn schedule_from_row(r: &PgRow) -> StoreResult<QuestionnaireSchedule> {
    Ok(QuestionnaireSchedule {
        user_id: col(r, "user_id")?,
        instrument: col(r, "instrument")?,
        every_days: col(r, "every_days")?,
        since: col(r, "since")?,
    })
}

pub(crate) fn plan_from_row(r: &PgRow) -> StoreResult<SafetyPlanRecord> {
    Ok(SafetyPlanRecord {
        user_id: col(r, "user_id")?,
        plan: col(r, "plan")?,
        updated_at: col(r, "updated_at")?,
    })
}

pub(crate) fn event_from_row(r: &PgRow) -> StoreResult<SafetyEvent> {
    Ok(SafetyEvent {
        id: col(r, "id")?,
        user_id: col(r, "user_id")?,
        at: col(r, "at")?,
        kind: col(r, "kind")?,
        detail: col(r, "detail")?,
    })
}

pub(crate) async fn create_exercise(
    pool: &PgPool,
    user_id: i64,
    input: &ExerciseInput,
    now: i64,
) -> StoreResult<ExerciseEntry> {
    let sql = format!(
        "INSERT INTO exercise_entries (user_id, kind, date, status, answers, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {EXERCISE_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(&input.kind)
        .bind(input.date)
        .bind(&input.status)
        .bind(&input.answers)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    exercise_from_row(&row)
}

pub(crate) async fn update_exercise(
    pool: &PgPool,
    user_id: i64,
    id: i64,
    input: &ExerciseInput,
    now: i64,
) -> StoreResult<Option<ExerciseEntry>> {
    let sql = format!(
        "UPDATE exercise_entries SET kind = $3, date = $4, status = $5, answers = $6, updated_at = $7
         WHERE id = $1 AND user_id = $2 RETURNING {EXERCISE_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .bind(&input.kind)
        .bind(input.date)
        .bind(&input.status)
        .bind(&input.answers)
        .bind(now)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(exercise_from_row).transpose()
}

pub(crate) async fn exercise(
    pool: &PgPool,
    user_id: i64,
    id: i64,
) -> StoreResult<Option<ExerciseEntry>> {
    let sql =
        format!("SELECT {EXERCISE_COLUMNS} FROM exercise_entries WHERE id = $1 AND user_id = $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(exercise_from_row).transpose()
}

pub(crate) async fn exercises(
    pool: &PgPool,
    user_id: i64,
    kind: Option<&str>,
) -> StoreResult<Vec<ExerciseEntry>> {
    let sql = format!(
        "SELECT {EXERCISE_COLUMNS} FROM exercise_entries
         WHERE user_id = $1 AND ($2::TEXT IS NULL OR kind = $2) ORDER BY date DESC, id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(kind)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(exercise_from_row).collect()
}

pub(crate) async fn delete_exercise(pool: &PgPool, user_id: i64, id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM exercise_entries WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn save_response(
    pool: &PgPool,
    user_id: i64,
    new: &NewResponse,
) -> StoreResult<SavedResponse> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    // ON CONFLICT DO NOTHING: two concurrent submissions of one response both succeed, once.
    let sql = format!(
        "INSERT INTO questionnaire_responses (user_id, client_id, instrument, answers, date, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, client_id) DO NOTHING
         RETURNING {RESPONSE_COLUMNS}"
    );
    let inserted = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(&new.client_id)
        .bind(&new.instrument)
        .bind(&new.answers)
        .bind(new.date)
        .bind(new.completed_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
    let outcome = if let Some(row) = inserted {
        sqlx::query("DELETE FROM questionnaire_drafts WHERE user_id = $1 AND instrument = $2")
            .bind(user_id)
            .bind(&new.instrument)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        SavedResponse::Created(response_from_row(&row)?)
    } else {
        let sql = format!(
            "SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses WHERE user_id = $1 AND client_id = $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(user_id)
            .bind(&new.client_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let existing = response_from_row(&row)?;
        if existing.instrument != new.instrument || existing.answers != new.answers {
            return Err(StoreError::Conflict(
                "a different response was already saved with this id".to_owned(),
            ));
        }
        SavedResponse::AlreadySaved(existing)
    };
    tx.commit().await.map_err(db_error)?;
    Ok(outcome)
}

pub(crate) async fn responses(
    pool: &PgPool,
    user_id: i64,
    instrument: Option<&str>,
) -> StoreResult<Vec<QuestionnaireResponse>> {
    let sql = format!(
        "SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses
         WHERE user_id = $1 AND ($2::TEXT IS NULL OR instrument = $2) ORDER BY completed_at, id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(instrument)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(response_from_row).collect()
}

pub(crate) async fn delete_response(pool: &PgPool, user_id: i64, id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM questionnaire_responses WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn save_draft(
    pool: &PgPool,
    user_id: i64,
    instrument: &str,
    answers: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO questionnaire_drafts (user_id, instrument, answers, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, instrument) DO UPDATE SET answers = excluded.answers,
             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(instrument)
    .bind(answers)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)
    .map(drop)
}

pub(crate) async fn draft(
    pool: &PgPool,
    user_id: i64,
    instrument: &str,
) -> StoreResult<Option<QuestionnaireDraft>> {
    let row = sqlx::query(
        "SELECT user_id, instrument, answers, updated_at FROM questionnaire_drafts
         WHERE user_id = $1 AND instrument = $2",
    )
    .bind(user_id)
    .bind(instrument)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    row.as_ref().map(draft_from_row).transpose()
}

pub(crate) async fn set_schedule(
    pool: &PgPool,
    user_id: i64,
    instrument: &str,
    every_days: Option<i64>,
    since: NaiveDate,
) -> StoreResult<()> {
    let query = match every_days {
        Some(days) => sqlx::query(
            "INSERT INTO questionnaire_schedules (user_id, instrument, every_days, since)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, instrument) DO UPDATE SET every_days = excluded.every_days,
                 since = excluded.since",
        )
        .bind(user_id)
        .bind(instrument)
        .bind(days)
        .bind(since),
        None => sqlx::query(
            "DELETE FROM questionnaire_schedules WHERE user_id = $1 AND instrument = $2",
        )
        .bind(user_id)
        .bind(instrument),
    };
    query.execute(pool).await.map_err(db_error).map(drop)
}

pub(crate) async fn schedules(
    pool: &PgPool,
    user_id: i64,
) -> StoreResult<Vec<QuestionnaireSchedule>> {
    let rows = sqlx::query(
        "SELECT user_id, instrument, every_days, since FROM questionnaire_schedules
         WHERE user_id = $1 ORDER BY instrument",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter().map(schedule_from_row).collect()
}

pub(crate) async fn safety_plan(
    pool: &PgPool,
    user_id: i64,
) -> StoreResult<Option<SafetyPlanRecord>> {
    let row = sqlx::query("SELECT user_id, plan, updated_at FROM safety_plans WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(plan_from_row).transpose()
}

pub(crate) async fn set_safety_plan(
    pool: &PgPool,
    user_id: i64,
    plan: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO safety_plans (user_id, plan, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(plan)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)
    .map(drop)
}

pub(crate) async fn record_safety_event(
    pool: &PgPool,
    user_id: i64,
    kind: &str,
    detail: &str,
    at: i64,
) -> StoreResult<SafetyEvent> {
    let row = sqlx::query(
        "INSERT INTO safety_events (user_id, at, kind, detail) VALUES ($1, $2, $3, $4)
         RETURNING id, user_id, at, kind, detail",
    )
    .bind(user_id)
    .bind(at)
    .bind(kind)
    .bind(detail)
    .fetch_one(pool)
    .await
    .map_err(db_error)?;
    event_from_row(&row)
}

pub(crate) async fn safety_events(pool: &PgPool, user_id: i64) -> StoreResult<Vec<SafetyEvent>> {
    let rows = sqlx::query(
        "SELECT id, user_id, at, kind, detail FROM safety_events WHERE user_id = $1
         ORDER BY at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    rows.iter().map(event_from_row).collect()
}
