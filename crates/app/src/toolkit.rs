//! The perfectionism toolkit: saving exercises (drafts, plans, finished entries), the journal,
//! exposure-ladder attempts, and progress (including the inner critic's accuracy).

use crate::{App, AppError, AppResult, Change, Me, Saving, Support};
use chrono::NaiveDate;
use enough_domain::ExerciseId;
use enough_domain::ValidationErrors;
use enough_domain::day::{check_date_allowed, parse_date};
use enough_domain::toolkit::{
    Answer, Answers, Attempt, CriticAccuracy, EntryFacts, ExerciseDef, Progress, Status, catalogue,
    critic_points, free_text, progress, summary_line, validate,
};
use enough_store::{ExerciseEntry, ExerciseInput, User};

/// A saved exercise, read back with its definition.
#[derive(Debug, Clone)]
pub struct ExerciseRecord {
    /// Id.
    pub id: ExerciseId,
    /// The exercise's definition from the catalogue.
    pub def: &'static ExerciseDef,
    /// The date it is about.
    pub date: NaiveDate,
    /// Draft, planned or done.
    pub status: Status,
    /// What the person wrote and rated.
    pub answers: Answers,
    /// One line for the journal.
    pub summary: String,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
}

/// What saving an exercise did.
#[derive(Debug, Clone)]
pub struct SavedExercise {
    /// The stored exercise.
    pub record: ExerciseRecord,
    /// Support to show now, when the safety decision asks for it.
    pub support: Option<Support>,
}

/// What someone wants saved, before validation.
#[derive(Debug, Clone)]
pub struct ExerciseSubmission {
    /// Exercise id from the catalogue.
    pub kind: String,
    /// The date as typed (`YYYY-MM-DD`).
    pub date: String,
    /// `draft`, `planned` or `done`.
    pub status: String,
    /// The answers, already read from a form or JSON against the definition.
    pub answers: Answers,
}

/// The person's progress across the toolkit.
#[derive(Debug, Clone)]
pub struct ToolkitProgress {
    /// Counts and before/after changes per exercise kind.
    pub progress: Progress,
    /// How the inner critic's predictions compared with what happened.
    pub critic: CriticAccuracy,
    /// The latest values check, if any.
    pub latest_values: Option<ExerciseRecord>,
    /// Exposure ladders, newest first.
    pub ladders: Vec<ExerciseRecord>,
    /// Finished entries.
    pub done: usize,
}

/// The definition of exercise `kind`, or a validation error naming the field `kind`.
pub fn exercise_def(kind: &str) -> Result<&'static ExerciseDef, ValidationErrors> {
    catalogue().exercise(kind).ok_or_else(|| {
        ValidationErrors::single(
            "kind",
            format!(
                "There is no exercise called '{}'. Choose one from the toolkit.",
                kind.chars().take(60).collect::<String>()
            ),
        )
    })
}

fn record(entry: ExerciseEntry) -> AppResult<ExerciseRecord> {
    let corrupt = |what: String| AppError::Internal(format!("exercise {}: {what}", entry.id));
    let def = catalogue()
        .exercise(&entry.kind)
        .ok_or_else(|| corrupt(format!("unknown kind {}", entry.kind)))?;
    let status = Status::parse(&entry.status).ok_or_else(|| corrupt("status".into()))?;
    let json: serde_json::Value =
        serde_json::from_str(&entry.answers).map_err(|e| corrupt(e.to_string()))?;
    let answers = Answers::from_json(def, &json).map_err(|e| corrupt(e.to_string()))?;
    Ok(ExerciseRecord {
        id: entry.id,
        def,
        date: entry.date,
        status,
        summary: summary_line(def, &answers),
        answers,
        created_at: entry.created_at,
        updated_at: entry.updated_at,
    })
}

impl App {
    /// Validates and saves an exercise: a new one when `id` is `None`, else replaces the
    /// person's exercise `id` (ladder attempts already logged are kept). Nothing is written
    /// when anything is wrong.
    pub async fn save_exercise(
        &self,
        user: &Me,
        id: Option<ExerciseId>,
        submission: ExerciseSubmission,
    ) -> AppResult<SavedExercise> {
        let def = exercise_def(&submission.kind)?;
        let mut errors = ValidationErrors::default();
        let date = match parse_date("date", &submission.date) {
            Ok(date) => match check_date_allowed(date, self.today(user)) {
                Ok(()) => Some(date),
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            },
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let status = Status::parse(&submission.status);
        if status.is_none() {
            errors.push("status", "Choose whether this is a draft, a plan, or done.");
        }
        let mut answers = submission.answers;
        let previous = match id {
            Some(id) => Some(self.exercise(user, id).await?),
            None => None,
        };
        if let Some(previous) = &previous {
            answers.carry_attempts_from(&previous.answers);
        }
        if let Some(status) = status
            && let Err(e) = validate(def, &answers, status)
        {
            errors.0.extend(e.0);
        }
        let (Some(date), Some(status), true) = (date, status, errors.is_empty()) else {
            return Err(errors.into());
        };
        let input = ExerciseInput {
            kind: def.id.clone(),
            date,
            status: status.as_str().to_owned(),
            answers: answers.to_json().to_string(),
        };
        let now = self.now().timestamp();
        let entry = match id {
            Some(id) => self
                .store
                .update_exercise(user.id, id, &input, now)
                .await?
                .ok_or(AppError::NotFound("exercise"))?,
            None => self.store.create_exercise(user.id, &input, now).await?,
        };
        let record = record(entry)?;
        let old_texts: Vec<&str> = previous
            .as_ref()
            .map(|p| free_text(&p.answers))
            .unwrap_or_default();
        let change = Change::Words {
            place: format!("exercise:{}", record.id),
            new: free_text(&record.answers),
            before: old_texts,
        };
        let support = self
            .safety_decision(user, Saving::Exercise, &[change])
            .await;
        Ok(SavedExercise { record, support })
    }

    /// The person's exercise `id`.
    pub async fn exercise(&self, user: &Me, id: ExerciseId) -> AppResult<ExerciseRecord> {
        self.exercise_of(user, id).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn exercise_of(
        &self,
        user: &User,
        id: ExerciseId,
    ) -> AppResult<ExerciseRecord> {
        let entry = self
            .store
            .exercise(user.id, id)
            .await?
            .ok_or(AppError::NotFound("exercise"))?;
        record(entry)
    }

    /// The journal: the person's exercises (of one kind, if given), newest first.
    pub async fn journal(&self, user: &Me, kind: Option<&str>) -> AppResult<Vec<ExerciseRecord>> {
        self.journal_of(user, kind).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn journal_of(
        &self,
        user: &User,
        kind: Option<&str>,
    ) -> AppResult<Vec<ExerciseRecord>> {
        if let Some(kind) = kind {
            exercise_def(kind)?;
        }
        self.store
            .exercises(user.id, kind)
            .await?
            .into_iter()
            .map(record)
            .collect()
    }

    /// Deletes the person's exercise `id`.
    pub async fn delete_exercise(&self, user: &Me, id: ExerciseId) -> AppResult<()> {
        if self.store.delete_exercise(user.id, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("exercise"))
        }
    }

    /// Logs an attempt at rung `rung` (0-based, in the order written) of the person's exposure
    /// ladder `id`. Attempts may not be dated in the future.
    pub async fn add_ladder_attempt(
        &self,
        user: &Me,
        id: ExerciseId,
        rung: usize,
        attempt: Attempt,
    ) -> AppResult<(ExerciseRecord, Option<Support>)> {
        let mut current = self.exercise(user, id).await?;
        let before = current.answers.clone();
        check_date_allowed(attempt.date, self.today(user))?;
        let Some((step, Answer::Ladder(ladder))) = current
            .answers
            .0
            .iter_mut()
            .find(|(_, a)| matches!(a, Answer::Ladder(_)))
        else {
            return Err(ValidationErrors::single(
                "rung",
                "This exercise has no ladder to log an attempt on.",
            )
            .into());
        };
        let step = step.clone();
        ladder.add_attempt(rung, attempt).map_err(|e| {
            ValidationErrors(
                e.0.into_iter()
                    .map(|f| {
                        enough_domain::FieldError::new(f.field.replace(&step, "ladder"), f.message)
                    })
                    .collect(),
            )
        })?;
        validate(current.def, &current.answers, current.status)?;
        let input = ExerciseInput {
            kind: current.def.id.clone(),
            date: current.date,
            status: current.status.as_str().to_owned(),
            answers: current.answers.to_json().to_string(),
        };
        let entry = self
            .store
            .update_exercise(user.id, id, &input, self.now().timestamp())
            .await?
            .ok_or(AppError::NotFound("exercise"))?;
        let record = record(entry)?;
        let change = Change::Words {
            place: format!("exercise:{id}"),
            new: free_text(&record.answers),
            before: free_text(&before),
        };
        let support = self
            .safety_decision(user, Saving::Exercise, &[change])
            .await;
        Ok((record, support))
    }

    /// Progress across every exercise the person has saved, computed once per change of the person's data (see [`crate::insights_cache`]).
    pub async fn toolkit_progress(&self, user: &Me) -> AppResult<ToolkitProgress> {
        use crate::insights::Found;
        use crate::insights_cache::{Cached, Key, What};
        let user_id = user.id;
        let key = move |version| Key {
            version,
            user_id,
            what: What::Progress,
            from: chrono::NaiveDate::MIN,
            to: chrono::NaiveDate::MAX,
        };
        let cache = std::sync::Arc::clone(&self.insights_cache);
        let found = self
            .store
            .read(move |tx| {
                Box::pin(async move {
                    // The version first, then the data: the data is at least that new.
                    let version = tx.days().data_version(user_id).await?;
                    if let Some(hit) = cache.get(&key(version.clone())) {
                        return Ok(Found::Hit(hit));
                    }
                    let entries = tx.practice().exercises(user_id, None).await?;
                    Ok(Found::Miss(version, entries))
                })
            })
            .await?;
        let (version, entries) = match found {
            Found::Hit(Cached::Progress(p)) => return Ok((*p).clone()),
            // Keys name what they hold; another kind under this key cannot happen.
            Found::Hit(_) => return Err(AppError::Internal("insights cache mix-up".to_owned())),
            Found::Miss(version, entries) => (version, entries),
        };
        let all = entries
            .into_iter()
            .map(record)
            .collect::<AppResult<Vec<ExerciseRecord>>>()?;
        let progress = progress_of(&all);
        self.insights_cache.put(
            key(version),
            Cached::Progress(std::sync::Arc::new(progress.clone())),
        );
        Ok(progress)
    }
}

/// Progress across `all` the person's exercises, newest first.
fn progress_of(all: &[ExerciseRecord]) -> ToolkitProgress {
    let facts: Vec<EntryFacts> = all
        .iter()
        .map(|r| EntryFacts {
            kind: r.def.id.clone(),
            date: r.date,
            status: r.status,
            answers: r.answers.clone(),
        })
        .collect();
    let critic = CriticAccuracy::from_experiments(&critic_points(&facts));
    let done = all.iter().filter(|r| r.status == Status::Done).count();
    let latest_values = all
        .iter()
        .find(|r| r.def.id == "values" && r.status == Status::Done)
        .cloned();
    let ladders = all
        .iter()
        .filter(|r| r.def.id == "exposure-ladder")
        .cloned()
        .collect();
    ToolkitProgress {
        progress: progress(&facts),
        critic,
        latest_values,
        ladders,
        done,
    }
}
