//! Small imperfect steps: planned activities and programme runs.

use super::days::{bump_version, range};
use crate::sql::{Row, Tx};
use crate::{
    ActivityInput, ActivityRecord, NewProgrammeRun, ProgrammeRunRecord, StoreResult, params,
};
use chrono::NaiveDate;
use enough_domain::{ActivityId, PersonId, ProgrammeRunId};

/// Activities and programme runs, inside one transaction.
pub struct Steps<'t>(pub(crate) &'t mut dyn Tx);

pub(crate) const ACTIVITY_COLUMNS: &str =
    "id, user_id, what, date, time, kind, value, outcome, created_at, updated_at";
pub(crate) const RUN_COLUMNS: &str = "id, user_id, programme_id, programme, started, completed_days, \
     assigned_by, created_at, ended_at";

pub(crate) fn activity_from_row(r: &Row) -> StoreResult<ActivityRecord> {
    Ok(ActivityRecord {
        id: r.id(0)?,
        user_id: r.id(1)?,
        what: r.text(2)?,
        date: r.date(3)?,
        time: r.opt_text(4)?,
        kind: r.text(5)?,
        value: r.opt_text(6)?,
        outcome: r.opt_text(7)?,
        created_at: r.i64(8)?,
        updated_at: r.i64(9)?,
    })
}

pub(crate) fn run_from_row(r: &Row) -> StoreResult<ProgrammeRunRecord> {
    Ok(ProgrammeRunRecord {
        id: r.id(0)?,
        user_id: r.id(1)?,
        programme_id: r.text(2)?,
        programme: r.opt_text(3)?,
        started: r.date(4)?,
        completed_days: r.text(5)?,
        assigned_by: r.opt_id(6)?,
        created_at: r.i64(7)?,
        ended_at: r.opt_i64(8)?,
    })
}

impl Steps<'_> {
    /// Plans an activity.
    pub async fn create_activity(
        &mut self,
        user_id: PersonId,
        a: &ActivityInput,
        now: i64,
    ) -> StoreResult<ActivityRecord> {
        let sql = format!(
            "INSERT INTO activities (user_id, what, date, time, kind, value, created_at,
                                     updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {ACTIVITY_COLUMNS}"
        );
        let row = self
            .0
            .query_one(
                &sql,
                &params![
                    user_id,
                    &a.what,
                    a.date,
                    a.time.as_deref(),
                    &a.kind,
                    a.value.as_deref(),
                    now
                ],
            )
            .await?;
        bump_version(self.0, user_id).await?;
        activity_from_row(&row)
    }

    /// Records (or with `None`, clears) what happened with the person's activity `id`.
    pub async fn set_activity_outcome(
        &mut self,
        user_id: PersonId,
        id: ActivityId,
        outcome: Option<&str>,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE activities SET outcome = $3, updated_at = $4
                 WHERE id = $1 AND user_id = $2",
                &params![id, user_id, outcome, now],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }

    /// The person's activity `id`.
    pub async fn activity(
        &mut self,
        user_id: PersonId,
        id: ActivityId,
    ) -> StoreResult<Option<ActivityRecord>> {
        let sql =
            format!("SELECT {ACTIVITY_COLUMNS} FROM activities WHERE id = $1 AND user_id = $2");
        let row = self.0.query_opt(&sql, &params![id, user_id]).await?;
        row.as_ref().map(activity_from_row).transpose()
    }

    /// The person's activities from `from` to `to` inclusive (either open), by date and time.
    pub async fn activities(
        &mut self,
        user_id: PersonId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<ActivityRecord>> {
        let (from, to) = range(from, to);
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM activities
             WHERE user_id = $1 AND date >= $2 AND date <= $3
             ORDER BY date, time IS NULL, time, id"
        );
        let rows = self.0.query(&sql, &params![user_id, from, to]).await?;
        rows.iter().map(activity_from_row).collect()
    }

    /// Deletes the person's activity `id`; false if it was not theirs.
    pub async fn delete_activity(
        &mut self,
        user_id: PersonId,
        id: ActivityId,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM activities WHERE id = $1 AND user_id = $2",
                &params![id, user_id],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }

    /// Starts a programme run; `Conflict` if the same programme is already running.
    pub async fn start_programme(
        &mut self,
        user_id: PersonId,
        new: &NewProgrammeRun,
    ) -> StoreResult<ProgrammeRunRecord> {
        let sql = format!(
            "INSERT INTO programme_runs (user_id, programme_id, programme, started,
                                         completed_days, assigned_by, created_at)
             VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING {RUN_COLUMNS}"
        );
        let row = self
            .0
            .query_one(
                &sql,
                &params![
                    user_id,
                    &new.programme_id,
                    new.programme.as_deref(),
                    new.started,
                    new.assigned_by,
                    new.created_at
                ],
            )
            .await?;
        run_from_row(&row)
    }

    /// The person's runs, newest first.
    pub async fn programme_runs(
        &mut self,
        user_id: PersonId,
    ) -> StoreResult<Vec<ProgrammeRunRecord>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM programme_runs WHERE user_id = $1
             ORDER BY created_at DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![user_id]).await?;
        rows.iter().map(run_from_row).collect()
    }

    /// Stores the completed days of the person's active run `id`; false if there is none.
    pub async fn set_run_days(
        &mut self,
        user_id: PersonId,
        id: ProgrammeRunId,
        days: &str,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE programme_runs SET completed_days = $3
                 WHERE id = $1 AND user_id = $2 AND ended_at IS NULL",
                &params![id, user_id, days],
            )
            .await?;
        Ok(n > 0)
    }

    /// Stops the person's active run `id`; false if there is none.
    pub async fn end_programme(
        &mut self,
        user_id: PersonId,
        id: ProgrammeRunId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE programme_runs SET ended_at = $3
                 WHERE id = $1 AND user_id = $2 AND ended_at IS NULL",
                &params![id, user_id, now],
            )
            .await?;
        Ok(n > 0)
    }
}
