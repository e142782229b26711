//! Toolkit exercises, the safety plan and safety events.

use super::days::bump_version;
use crate::sql::{Row, Tx};
use crate::{ExerciseEntry, ExerciseInput, SafetyEvent, SafetyPlanRecord, StoreResult, params};
use enough_domain::{ExerciseId, PersonId};

/// Exercises, the safety plan and safety events, inside one transaction.
pub struct Practice<'t>(pub(crate) &'t mut dyn Tx);

pub(crate) const EXERCISE_COLUMNS: &str =
    "id, user_id, kind, date, status, answers, created_at, updated_at";

pub(crate) fn exercise_from_row(r: &Row) -> StoreResult<ExerciseEntry> {
    Ok(ExerciseEntry {
        id: r.id(0)?,
        user_id: r.id(1)?,
        kind: r.text(2)?,
        date: r.date(3)?,
        status: r.text(4)?,
        answers: r.text(5)?,
        created_at: r.i64(6)?,
        updated_at: r.i64(7)?,
    })
}

pub(crate) fn event_from_row(r: &Row) -> StoreResult<SafetyEvent> {
    Ok(SafetyEvent {
        id: r.id(0)?,
        user_id: r.id(1)?,
        at: r.i64(2)?,
        kind: r.text(3)?,
        detail: r.text(4)?,
    })
}

impl Practice<'_> {
    /// Saves a new exercise.
    pub async fn create_exercise(
        &mut self,
        user_id: PersonId,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<ExerciseEntry> {
        let sql = format!(
            "INSERT INTO exercise_entries (user_id, kind, date, status, answers, created_at,
                                           updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {EXERCISE_COLUMNS}"
        );
        let row = self
            .0
            .query_one(
                &sql,
                &params![
                    user_id,
                    &input.kind,
                    input.date,
                    &input.status,
                    &input.answers,
                    now
                ],
            )
            .await?;
        bump_version(self.0, user_id).await?;
        exercise_from_row(&row)
    }

    /// Replaces exercise `id` of the person; `None` if it is not theirs.
    pub async fn update_exercise(
        &mut self,
        user_id: PersonId,
        id: ExerciseId,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<Option<ExerciseEntry>> {
        let sql = format!(
            "UPDATE exercise_entries SET kind = $3, date = $4, status = $5, answers = $6,
                 updated_at = $7
             WHERE id = $1 AND user_id = $2 RETURNING {EXERCISE_COLUMNS}"
        );
        let row = self
            .0
            .query_opt(
                &sql,
                &params![
                    id,
                    user_id,
                    &input.kind,
                    input.date,
                    &input.status,
                    &input.answers,
                    now
                ],
            )
            .await?;
        if row.is_some() {
            bump_version(self.0, user_id).await?;
        }
        row.as_ref().map(exercise_from_row).transpose()
    }

    /// Exercise `id` of the person.
    pub async fn exercise(
        &mut self,
        user_id: PersonId,
        id: ExerciseId,
    ) -> StoreResult<Option<ExerciseEntry>> {
        let sql = format!(
            "SELECT {EXERCISE_COLUMNS} FROM exercise_entries WHERE id = $1 AND user_id = $2"
        );
        let row = self.0.query_opt(&sql, &params![id, user_id]).await?;
        row.as_ref().map(exercise_from_row).transpose()
    }

    /// The person's exercises (of one kind, if given), newest date first.
    pub async fn exercises(
        &mut self,
        user_id: PersonId,
        kind: Option<&str>,
    ) -> StoreResult<Vec<ExerciseEntry>> {
        let sql = format!(
            "SELECT {EXERCISE_COLUMNS} FROM exercise_entries
             WHERE user_id = $1 AND kind = COALESCE($2, kind) ORDER BY date DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![user_id, kind]).await?;
        rows.iter().map(exercise_from_row).collect()
    }

    /// Deletes exercise `id` of the person; false if it was not theirs.
    pub async fn delete_exercise(
        &mut self,
        user_id: PersonId,
        id: ExerciseId,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM exercise_entries WHERE id = $1 AND user_id = $2",
                &params![id, user_id],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }

    /// The person's safety plan, if they wrote one.
    pub async fn safety_plan(
        &mut self,
        user_id: PersonId,
    ) -> StoreResult<Option<SafetyPlanRecord>> {
        let row = self
            .0
            .query_opt(
                "SELECT user_id, plan, updated_at FROM safety_plans WHERE user_id = $1",
                &params![user_id],
            )
            .await?;
        row.map(|r| {
            Ok(SafetyPlanRecord {
                user_id: r.id(0)?,
                plan: r.text(1)?,
                updated_at: r.i64(2)?,
            })
        })
        .transpose()
    }

    /// Saves the person's safety plan.
    pub async fn set_safety_plan(
        &mut self,
        user_id: PersonId,
        plan: &str,
        now: i64,
    ) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO safety_plans (user_id, plan, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan,
                     updated_at = excluded.updated_at",
                &params![user_id, plan, now],
            )
            .await
            .map(drop)
    }

    /// Records a safety event.
    pub async fn record_safety_event(
        &mut self,
        user_id: PersonId,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> StoreResult<SafetyEvent> {
        let row = self
            .0
            .query_one(
                "INSERT INTO safety_events (user_id, at, kind, detail) VALUES ($1, $2, $3, $4)
                 RETURNING id, user_id, at, kind, detail",
                &params![user_id, at, kind, detail],
            )
            .await?;
        event_from_row(&row)
    }

    /// The person's safety events, newest first.
    pub async fn safety_events(&mut self, user_id: PersonId) -> StoreResult<Vec<SafetyEvent>> {
        let rows = self
            .0
            .query(
                "SELECT id, user_id, at, kind, detail FROM safety_events WHERE user_id = $1
                 ORDER BY at DESC, id DESC",
                &params![user_id],
            )
            .await?;
        rows.iter().map(event_from_row).collect()
    }
}
