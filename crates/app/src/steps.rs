//! Small imperfect steps: planned activities with how they went, guided programmes that never
//! reset, and the morning-light window.

use crate::{App, AppError, AppResult, Change, Me, Saving, Support};
use chrono::{Datelike, Days, NaiveDate};
use chrono_tz::Tz;
use enough_domain::ValidationErrors;
use enough_domain::activities::{
    ActivityInsights, ActivityKind, ActivityOutcome, OutcomeText, PlanText, PlannedActivity,
    WeekView, activity_insights, week_view,
};
use enough_domain::morning_light::{MorningLight, morning_light};
use enough_domain::programmes::{
    Programme, ProgrammeRun, Step, complete_day, compose, programme, progress_sentence, today_step,
};
use enough_domain::{ActivityId, PersonId, ProgrammeRunId};
use enough_store::{
    ActivityInput, ActivityRecord, NewProgrammeRun, ProgrammeRunRecord, StoreError, User,
};
use std::collections::BTreeSet;

/// A planned activity as read back.
#[derive(Debug, Clone)]
pub struct ActivityView {
    /// Id.
    pub id: ActivityId,
    /// The plan.
    pub plan: PlannedActivity,
    /// How it went, once recorded.
    pub outcome: Option<ActivityOutcome>,
}

/// What a therapist assigns: a shipped programme, or one composed from the catalogue.
#[derive(Debug, Clone)]
pub enum ProgrammeChoice {
    /// A shipped programme's id.
    Shipped(String),
    /// A composed programme: a title and its days (numbered from 1).
    Composed {
        /// Title.
        title: String,
        /// Days.
        days: Vec<enough_domain::programmes::ProgrammeDay>,
    },
}

/// A programme the person is following, with today's step.
#[derive(Debug, Clone)]
pub struct RunView {
    /// As stored.
    pub run: ProgrammeRunRecord,
    /// The programme (shipped or composed).
    pub programme: Programme,
    /// Where they are.
    pub step: Step,
    /// A kind sentence about progress.
    pub sentence: String,
}

fn corrupt(what: &str) -> AppError {
    AppError::Internal(format!("stored {what} could not be read"))
}

fn activity_view(r: ActivityRecord) -> AppResult<ActivityView> {
    let plan = PlannedActivity {
        what: r.what,
        date: r.date,
        time: r
            .time
            .as_deref()
            .map(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M"))
            .transpose()
            .map_err(|_| corrupt("activity time"))?,
        kind: ActivityKind::from_key(&r.kind).ok_or_else(|| corrupt("activity kind"))?,
        value: r.value,
    };
    let outcome = r
        .outcome
        .as_deref()
        .map(serde_json::from_str::<ActivityOutcome>)
        .transpose()
        .map_err(|_| corrupt("activity outcome"))?;
    Ok(ActivityView {
        id: r.id,
        plan,
        outcome,
    })
}

fn days_text(days: &BTreeSet<u16>) -> String {
    days.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse_days(text: &str) -> BTreeSet<u16> {
    text.split_whitespace()
        .filter_map(|d| d.parse().ok())
        .collect()
}

impl App {
    /// Plans an activity (today or later); with support when the safety decision asks.
    pub async fn plan_activity(
        &self,
        user: &Me,
        text: &PlanText,
    ) -> AppResult<(ActivityView, Option<Support>)> {
        let plan = text.parse(self.today(user))?;
        let record = self
            .store
            .create_activity(
                user.id,
                &ActivityInput {
                    what: plan.what.clone(),
                    date: plan.date,
                    time: plan.time.map(|t| t.format("%H:%M").to_string()),
                    kind: plan.kind.key().to_owned(),
                    value: plan.value.clone(),
                },
                self.now().timestamp(),
            )
            .await?;
        let view = activity_view(record)?;
        let change = Change::Words {
            place: format!("activity:{}", view.id),
            new: vec![view.plan.what.as_str()],
            before: Vec::new(),
        };
        let support = self
            .safety_decision(user, Saving::Activity, &[change])
            .await;
        Ok((view, support))
    }

    /// The person's activity `id`.
    pub async fn activity(&self, user: &Me, id: ActivityId) -> AppResult<ActivityView> {
        let record = self
            .store
            .activity(user.id, id)
            .await?
            .ok_or(AppError::NotFound("activity"))?;
        activity_view(record)
    }

    /// Records how a planned activity went (done or not; pleasure and achievement need done).
    pub async fn record_outcome(
        &self,
        user: &Me,
        id: ActivityId,
        text: &OutcomeText,
    ) -> AppResult<(ActivityView, Option<Support>)> {
        let current = self.activity(user, id).await?;
        let outcome = text.parse(&current.plan, self.today(user))?;
        self.save_outcome(user, id, &outcome).await
    }

    /// Records a parsed outcome; with support when the safety decision asks.
    pub async fn save_outcome(
        &self,
        user: &Me,
        id: ActivityId,
        outcome: &ActivityOutcome,
    ) -> AppResult<(ActivityView, Option<Support>)> {
        let current = self.activity(user, id).await?;
        outcome.validate(&current.plan, self.today(user))?;
        let json = serde_json::to_string(outcome).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .set_activity_outcome(user.id, id, Some(&json), self.now().timestamp())
            .await?;
        let view = self.activity(user, id).await?;
        let note = |v: &ActivityView| v.outcome.as_ref().and_then(|o| o.note.clone());
        let (before, now) = (note(&current), note(&view));
        let change = Change::Words {
            place: format!("activity:{id}"),
            new: now.as_deref().into_iter().collect(),
            before: before.as_deref().into_iter().collect(),
        };
        let support = self
            .safety_decision(user, Saving::Activity, &[change])
            .await;
        Ok((view, support))
    }

    /// Deletes a planned activity.
    pub async fn delete_activity(&self, user: &Me, id: ActivityId) -> AppResult<()> {
        if self.store.delete_activity(user.id, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("activity"))
        }
    }

    /// The person's activities from `from` to `to`, by date and time.
    pub async fn activities(
        &self,
        user: &Me,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Vec<ActivityView>> {
        self.store
            .activities(user.id, from, to)
            .await?
            .into_iter()
            .map(activity_view)
            .collect()
    }

    /// The week (Monday to Sunday) holding `day`: planned and done, nothing marked as failed.
    pub async fn activity_week(
        &self,
        user: &Me,
        day: NaiveDate,
    ) -> AppResult<(WeekView, Vec<ActivityView>)> {
        let monday = day
            .checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
            .unwrap_or(day);
        let sunday = monday.checked_add_days(Days::new(6)).unwrap_or(monday);
        let list = self.activities(user, Some(monday), Some(sunday)).await?;
        let pairs: Vec<_> = list
            .iter()
            .map(|a| (a.plan.clone(), a.outcome.clone()))
            .collect();
        Ok((week_view(&pairs, monday, self.today(user)), list))
    }

    /// Pleasure by kind of activity and mood on days with vs without one done, over the last
    /// `days` days, under the same minimum-data rules as the Light & Mood insights.
    pub async fn activity_insights(&self, user: &Me, days: u64) -> AppResult<ActivityInsights> {
        use crate::insights::{Found, compute};
        use crate::insights_cache::{Cached, Key, What};
        let today = self.today(user);
        let from = today.checked_sub_days(Days::new(days)).unwrap_or(today);
        crate::days::check_range(from, today)?;
        let user_id = user.id;
        let key = move |version| Key {
            version,
            user_id,
            what: What::SmallSteps,
            from,
            to: today,
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
                    let list = tx
                        .steps()
                        .activities(user_id, Some(from), Some(today))
                        .await?;
                    let mut log = tx.days().list_for_insights(user_id, from, today).await?;
                    // Newest first, as the statistics have always read them.
                    log.reverse();
                    Ok(Found::Miss(version, (list, log)))
                })
            })
            .await?;
        let (version, (list, log)) = match found {
            Found::Hit(Cached::SmallSteps(insights)) => return Ok((*insights).clone()),
            // Keys name what they hold; another kind under this key cannot happen.
            Found::Hit(_) => {
                return Err(AppError::Internal("insights cache mix-up".to_owned()));
            }
            Found::Miss(version, data) => (version, data),
        };
        let mut pairs = Vec::with_capacity(list.len());
        for record in list {
            let a = activity_view(record)?;
            pairs.push((a.plan, a.outcome));
        }
        let insights = compute(log.len() > 400, move || {
            std::sync::Arc::new(activity_insights(&pairs, &log))
        })
        .await?;
        self.insights_cache.put(
            key(version),
            Cached::SmallSteps(std::sync::Arc::clone(&insights)),
        );
        Ok((*insights).clone())
    }

    /// Starts a shipped programme today.
    pub async fn start_programme(&self, user: &Me, programme_id: &str) -> AppResult<RunView> {
        self.start_programme_of(user, programme_id, None).await
    }

    /// Starts a shipped programme today for `me`, or for a linked person when their therapist
    /// (`assigned_by`) assigns it.
    pub(crate) async fn start_programme_of(
        &self,
        user: &User,
        programme_id: &str,
        assigned_by: Option<PersonId>,
    ) -> AppResult<RunView> {
        let programme = programme(programme_id).ok_or_else(|| {
            ValidationErrors::single("programme", "There is no programme with that name.")
        })?;
        let run = self
            .store
            .start_programme(
                user.id,
                &NewProgrammeRun {
                    programme_id: programme.id.clone(),
                    programme: None,
                    started: self.today(user),
                    assigned_by,
                    created_at: self.now().timestamp(),
                },
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict {
                    field: "programme",
                    message:
                        "You are already following this programme; it continues where you are."
                            .to_owned(),
                },
                other => other.into(),
            })?;
        self.run_view(user, run)
    }

    fn run_view(&self, user: &User, run: ProgrammeRunRecord) -> AppResult<RunView> {
        let programme = match &run.programme {
            Some(json) => {
                serde_json::from_str::<Programme>(json).map_err(|_| corrupt("programme"))?
            }
            None => programme(&run.programme_id)
                .cloned()
                .ok_or_else(|| corrupt("programme id"))?,
        };
        let state = ProgrammeRun {
            programme_id: run.programme_id.clone(),
            started: run.started,
            completed_days: parse_days(&run.completed_days),
        };
        let today = self.today(user);
        Ok(RunView {
            step: today_step(&programme, &state, today),
            sentence: progress_sentence(&programme, &state, today),
            programme,
            run,
        })
    }

    /// The programmes the person is following (active runs), each with today's step.
    pub async fn my_programmes(&self, user: &Me) -> AppResult<Vec<RunView>> {
        self.store
            .programme_runs(user.id)
            .await?
            .into_iter()
            .filter(|r| r.ended_at.is_none())
            .map(|r| self.run_view(user, r))
            .collect()
    }

    /// Every run, ended ones too, newest first.
    pub async fn programme_history(&self, user: &Me) -> AppResult<Vec<RunView>> {
        self.store
            .programme_runs(user.id)
            .await?
            .into_iter()
            .map(|r| self.run_view(user, r))
            .collect()
    }

    /// A therapist starts a programme for a linked person: a shipped one by id, or one they
    /// composed from the catalogue. Needs an active link (nothing is read, so no category).
    pub async fn assign_programme(
        &self,
        therapist: &Me,
        person_id: PersonId,
        choice: ProgrammeChoice,
    ) -> AppResult<RunView> {
        let linked = self.link_to(therapist, person_id).await?;
        let person = self
            .store
            .user_by_id(linked.link.person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        match choice {
            ProgrammeChoice::Shipped(id) => {
                self.start_programme_of(&person, &id, Some(therapist.id))
                    .await
            }
            ProgrammeChoice::Composed { title, days } => {
                let mut programme = compose(&title, days)?;
                programme.id = format!("composed-{}", self.now().timestamp_micros());
                let json = serde_json::to_string(&programme)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let run = self
                    .store
                    .start_programme(
                        person.id,
                        &NewProgrammeRun {
                            programme_id: programme.id.clone(),
                            programme: Some(json),
                            started: self.today(&person),
                            assigned_by: Some(therapist.id),
                            created_at: self.now().timestamp(),
                        },
                    )
                    .await?;
                self.run_view(&person, run)
            }
        }
    }

    /// Marks day `day` of run `run_id` done; the programme then shows the next step not done.
    pub async fn complete_programme_day(
        &self,
        user: &Me,
        run_id: ProgrammeRunId,
        day: u16,
    ) -> AppResult<RunView> {
        let view = self
            .my_programmes(user)
            .await?
            .into_iter()
            .find(|v| v.run.id == run_id)
            .ok_or(AppError::NotFound("programme"))?;
        let mut state = ProgrammeRun {
            programme_id: view.run.programme_id.clone(),
            started: view.run.started,
            completed_days: parse_days(&view.run.completed_days),
        };
        complete_day(&view.programme, &mut state, day)?;
        if !self
            .store
            .set_run_days(user.id, run_id, &days_text(&state.completed_days))
            .await?
        {
            return Err(AppError::NotFound("programme"));
        }
        let run = self
            .store
            .programme_runs(user.id)
            .await?
            .into_iter()
            .find(|r| r.id == run_id)
            .ok_or(AppError::NotFound("programme"))?;
        self.run_view(user, run)
    }

    /// Stops following a programme (its record stays).
    pub async fn stop_programme(&self, user: &Me, run_id: ProgrammeRunId) -> AppResult<()> {
        if self
            .store
            .end_programme(user.id, run_id, self.now().timestamp())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("programme"))
        }
    }

    /// The morning-light window for `date` where the person is; `None` without a location.
    pub async fn morning_light(
        &self,
        user: &Me,
        date: NaiveDate,
    ) -> AppResult<Option<MorningLight>> {
        let Some(location) = self.location(user).await? else {
            return Ok(None);
        };
        let tz: Tz = user.time_zone;
        Ok(Some(morning_light(
            date,
            location.latitude,
            location.longitude,
            tz,
        )))
    }
}
