//! Questionnaires: completed responses, drafts and schedules.

use crate::sql::{Row, Tx};
use crate::{
    NewResponse, QuestionnaireDraft, QuestionnaireResponse, QuestionnaireSchedule, SavedResponse,
    StoreError, StoreResult, params,
};
use chrono::NaiveDate;
use enough_domain::{PersonId, ResponseId};

/// Questionnaire responses, drafts and schedules, inside one transaction.
pub struct Measures<'t>(pub(crate) &'t mut dyn Tx);

pub(crate) const RESPONSE_COLUMNS: &str =
    "id, user_id, client_id, instrument, answers, date, completed_at";

pub(crate) fn response_from_row(r: &Row) -> StoreResult<QuestionnaireResponse> {
    Ok(QuestionnaireResponse {
        id: r.id(0)?,
        user_id: r.id(1)?,
        client_id: r.text(2)?,
        instrument: r.text(3)?,
        answers: r.text(4)?,
        date: r.date(5)?,
        completed_at: r.i64(6)?,
    })
}

impl Measures<'_> {
    /// Stores a completed questionnaire and removes its draft. Submitting the same client id
    /// again with the same answers changes nothing; with other answers it is a `Conflict`.
    /// `ON CONFLICT DO NOTHING`: two concurrent submissions of one response both succeed, once.
    pub async fn save_response(
        &mut self,
        user_id: PersonId,
        new: &NewResponse,
    ) -> StoreResult<SavedResponse> {
        let sql = format!(
            "INSERT INTO questionnaire_responses (user_id, client_id, instrument, answers, date,
                                                  completed_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, client_id) DO NOTHING
             RETURNING {RESPONSE_COLUMNS}"
        );
        let inserted = self
            .0
            .query_opt(
                &sql,
                &params![
                    user_id,
                    &new.client_id,
                    &new.instrument,
                    &new.answers,
                    new.date,
                    new.completed_at
                ],
            )
            .await?;
        if let Some(row) = inserted {
            self.0
                .execute(
                    "DELETE FROM questionnaire_drafts WHERE user_id = $1 AND instrument = $2",
                    &params![user_id, &new.instrument],
                )
                .await?;
            return Ok(SavedResponse::Created(response_from_row(&row)?));
        }
        let sql = format!(
            "SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses
             WHERE user_id = $1 AND client_id = $2"
        );
        let row = self
            .0
            .query_one(&sql, &params![user_id, &new.client_id])
            .await?;
        let existing = response_from_row(&row)?;
        if existing.instrument != new.instrument || existing.answers != new.answers {
            return Err(StoreError::Conflict(
                "a different response was already saved with this id".to_owned(),
            ));
        }
        Ok(SavedResponse::AlreadySaved(existing))
    }

    /// The person's completed questionnaires (of one instrument, if given), oldest first.
    pub async fn responses(
        &mut self,
        user_id: PersonId,
        instrument: Option<&str>,
    ) -> StoreResult<Vec<QuestionnaireResponse>> {
        let sql = format!(
            "SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses
             WHERE user_id = $1 AND instrument = COALESCE($2, instrument)
             ORDER BY completed_at, id"
        );
        let rows = self.0.query(&sql, &params![user_id, instrument]).await?;
        rows.iter().map(response_from_row).collect()
    }

    /// Deletes response `id` of the person; false if it was not theirs.
    pub async fn delete_response(
        &mut self,
        user_id: PersonId,
        id: ResponseId,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM questionnaire_responses WHERE id = $1 AND user_id = $2",
                &params![id, user_id],
            )
            .await?;
        Ok(n > 0)
    }

    /// Saves the answers so far of an unfinished questionnaire.
    pub async fn save_draft(
        &mut self,
        user_id: PersonId,
        instrument: &str,
        answers: &str,
        now: i64,
    ) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO questionnaire_drafts (user_id, instrument, answers, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id, instrument) DO UPDATE SET answers = excluded.answers,
                     updated_at = excluded.updated_at",
                &params![user_id, instrument, answers, now],
            )
            .await
            .map(drop)
    }

    /// The unfinished questionnaire of this instrument, if any.
    pub async fn draft(
        &mut self,
        user_id: PersonId,
        instrument: &str,
    ) -> StoreResult<Option<QuestionnaireDraft>> {
        let row = self
            .0
            .query_opt(
                "SELECT user_id, instrument, answers, updated_at FROM questionnaire_drafts
                 WHERE user_id = $1 AND instrument = $2",
                &params![user_id, instrument],
            )
            .await?;
        row.map(|r| {
            Ok(QuestionnaireDraft {
                user_id: r.id(0)?,
                instrument: r.text(1)?,
                answers: r.text(2)?,
                updated_at: r.i64(3)?,
            })
        })
        .transpose()
    }

    /// Sets (or with `None`, removes) "every N days" for an instrument.
    pub async fn set_schedule(
        &mut self,
        user_id: PersonId,
        instrument: &str,
        every_days: Option<i64>,
        since: NaiveDate,
    ) -> StoreResult<()> {
        match every_days {
            Some(days) => {
                self.0
                    .execute(
                        "INSERT INTO questionnaire_schedules (user_id, instrument, every_days,
                                                              since)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (user_id, instrument) DO UPDATE SET
                             every_days = excluded.every_days, since = excluded.since",
                        &params![user_id, instrument, days, since],
                    )
                    .await?
            }
            None => self
                .0
                .execute(
                    "DELETE FROM questionnaire_schedules WHERE user_id = $1 AND instrument = $2",
                    &params![user_id, instrument],
                )
                .await?,
        };
        Ok(())
    }

    /// The person's questionnaire schedules.
    pub async fn schedules(
        &mut self,
        user_id: PersonId,
    ) -> StoreResult<Vec<QuestionnaireSchedule>> {
        let rows = self
            .0
            .query(
                "SELECT user_id, instrument, every_days, since FROM questionnaire_schedules
                 WHERE user_id = $1 ORDER BY instrument",
                &params![user_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(QuestionnaireSchedule {
                    user_id: r.id(0)?,
                    instrument: r.text(1)?,
                    every_days: r.i64(2)?,
                    since: r.date(3)?,
                })
            })
            .collect()
    }
}
