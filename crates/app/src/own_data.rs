//! The person's data is theirs: everything they own as one JSON document, and deleting the
//! account with every row of it.

use crate::{App, AppError, AppResult, Me};
use enough_domain::ValidationErrors;
use enough_domain::day::Habits;
use serde::Serialize;

/// The export format's version; bump it when a field changes meaning.
pub const EXPORT_VERSION: u32 = 1;

/// Everything a person owns, as exported.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct Export {
    /// Always "enough-export".
    pub format: String,
    /// [`EXPORT_VERSION`].
    pub version: u32,
    /// When the export was made (RFC 3339, UTC).
    pub exported_at: String,
    /// The account (without its password hash).
    pub account: ExportAccount,
    /// The location, if set.
    pub location: Option<ExportLocation>,
    /// Every logged day, oldest first.
    pub days: Vec<ExportDay>,
    /// Every reflection, oldest first.
    pub reflections: Vec<ExportReflection>,
    /// Every experiment, oldest first.
    pub experiments: Vec<ExportExperiment>,
    /// Every completed questionnaire, oldest first.
    pub questionnaire_responses: Vec<ExportQuestionnaireResponse>,
    /// Every planned activity with how it went, oldest first.
    pub activities: Vec<ExportActivity>,
    /// Every programme run (shipped or composed), oldest first.
    pub programme_runs: Vec<ExportProgrammeRun>,
    /// Every toolkit exercise (drafts and plans too), oldest first.
    pub exercises: Vec<ExportExercise>,
    /// The safety plan, if written.
    pub safety_plan: Option<enough_domain::safety::plan::SafetyPlan>,
    /// When the safety page was shown and why (no words, only references).
    pub safety_events: Vec<ExportSafetyEvent>,
}

/// A planned activity in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportActivity {
    /// The plan (what, date, time, kind, value).
    #[serde(flatten)]
    pub plan: enough_domain::activities::PlannedActivity,
    /// How it went, if recorded.
    pub outcome: Option<enough_domain::activities::ActivityOutcome>,
}

/// A programme run in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportProgrammeRun {
    /// The programme's id (`composed-…` for one a therapist composed).
    pub programme_id: String,
    /// Its title.
    pub title: String,
    /// First day.
    pub started: String,
    /// Day numbers done.
    pub completed_days: Vec<u16>,
    /// Whether it is still being followed.
    pub active: bool,
}

/// A toolkit exercise in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportExercise {
    /// The exercise's id in the catalogue, e.g. `thought-record`.
    pub kind: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// draft, planned or done.
    pub status: String,
    /// Step id → answer, exactly as the API returns it.
    pub answers: serde_json::Value,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
}

/// A safety event in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportSafetyEvent {
    /// When (RFC 3339).
    pub at: String,
    /// What, e.g. `phq9-item9`.
    pub kind: String,
    /// Where, e.g. `exercise:12`.
    pub detail: String,
}

/// A completed questionnaire in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportQuestionnaireResponse {
    /// Instrument id, e.g. `phq-9`.
    pub instrument: String,
    /// The person's local date, YYYY-MM-DD.
    pub date: String,
    /// When it was completed (RFC 3339).
    pub completed_at: String,
    /// Item values, in item order.
    pub answers: Vec<u8>,
    /// The score on the instrument's reported scale.
    pub score: f64,
    /// The score as shown, e.g. "12" or "64%".
    pub score_display: String,
}

/// The account part of an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportAccount {
    /// E-mail address.
    pub email: String,
    /// Role.
    pub role: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Country chosen for crisis lines (ISO 3166), if any.
    pub country: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// A location in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportLocation {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// Place name, if chosen from the city list.
    pub place: String,
}

/// A day in an export (the same fields as the API).
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportDay {
    /// YYYY-MM-DD.
    pub date: String,
    /// Hours, in quarter hours; `null` when not known.
    pub daylight_hours: Option<f64>,
    /// 0–10; `null` when not given.
    pub energy: Option<u8>,
    /// 0–10; `null` when not given.
    pub mood: Option<u8>,
    /// Outside in the morning; `null` when not given.
    pub outside_morning: Option<bool>,
    /// Ticked habits.
    pub habits: Habits,
    /// Note.
    pub note: Option<String>,
}

/// A reflection in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportReflection {
    /// YYYY-MM-DD.
    pub date: String,
    /// The person's words.
    pub text: String,
}

/// An experiment in an export.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ExportExperiment {
    /// First morning.
    pub start: String,
    /// Last morning.
    pub end: String,
    /// Weeks.
    pub weeks: i64,
    /// The seed (as unsigned 64-bit).
    pub seed: u64,
    /// One letter a morning, the schedule in force (with any swaps): O = morning light, I = as usual.
    pub schedule: String,
    /// active, completed or abandoned.
    pub status: String,
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

impl App {
    /// Everything the person owns, in one versioned document.
    pub async fn export(&self, user: &Me) -> AppResult<Export> {
        let mut days = self.store.list_days(user.id, None, None).await?;
        days.reverse();
        let mut reflections = self.store.reflections(user.id).await?;
        reflections.reverse();
        let mut experiments = self.store.experiments(user.id).await?;
        experiments.reverse();
        let mut exercises = self.journal(user, None).await?;
        exercises.reverse();
        let safety_plan = self.safety_plan(user).await?;
        let mut events = self.store.safety_events(user.id).await?;
        events.reverse();
        let activities = self
            .activities(user, None, None)
            .await?
            .into_iter()
            .map(|a| ExportActivity {
                plan: a.plan,
                outcome: a.outcome,
            })
            .collect();
        let mut programme_runs: Vec<ExportProgrammeRun> = self
            .programme_history(user)
            .await?
            .into_iter()
            .map(|v| ExportProgrammeRun {
                programme_id: v.run.programme_id.clone(),
                title: v.programme.title.clone(),
                started: v.run.started.to_string(),
                completed_days: v
                    .run
                    .completed_days
                    .split_whitespace()
                    .filter_map(|d| d.parse().ok())
                    .collect(),
                active: v.run.ended_at.is_none(),
            })
            .collect();
        programme_runs.reverse();
        let questionnaire_responses = self
            .store
            .responses(user.id, None)
            .await?
            .into_iter()
            .map(|r| {
                let a = crate::measures::administration(r)?;
                Ok(ExportQuestionnaireResponse {
                    instrument: a.response.instrument,
                    date: a.response.date.to_string(),
                    completed_at: rfc3339(a.response.completed_at),
                    answers: a.answers,
                    score: a.score.value,
                    score_display: a.score.display,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Export {
            format: "enough-export".to_owned(),
            version: EXPORT_VERSION,
            exported_at: self.now().to_rfc3339(),
            account: ExportAccount {
                email: user.email.clone(),
                role: user.role.to_string(),
                time_zone: user.time_zone.name().to_owned(),
                country: user.country.clone(),
                created_at: rfc3339(user.created_at),
            },
            location: self.store.location(user.id).await?.map(|l| ExportLocation {
                latitude: l.latitude,
                longitude: l.longitude,
                place: l.place,
            }),
            days: days
                .into_iter()
                .map(|d| ExportDay {
                    date: d.date.to_string(),
                    daylight_hours: d.daylight_hours(),
                    energy: d.energy,
                    mood: d.mood,
                    outside_morning: d.outside_morning,
                    habits: d.habits,
                    note: d.note,
                })
                .collect(),
            reflections: reflections
                .into_iter()
                .map(|r| ExportReflection {
                    date: r.date.to_string(),
                    text: r.text,
                })
                .collect(),
            experiments: experiments
                .into_iter()
                .map(|e| ExportExperiment {
                    start: e.start_date.to_string(),
                    end: e.end_date.to_string(),
                    weeks: e.weeks,
                    seed: u64::from_ne_bytes(e.seed.to_ne_bytes()),
                    schedule: e.schedule,
                    status: e.status.as_str().to_owned(),
                })
                .collect(),
            exercises: exercises
                .into_iter()
                .map(|e| ExportExercise {
                    kind: e.def.id.clone(),
                    date: e.date.to_string(),
                    status: e.status.as_str().to_owned(),
                    answers: e.answers.to_json(),
                    created_at: rfc3339(e.created_at),
                    updated_at: rfc3339(e.updated_at),
                })
                .collect(),
            safety_plan: safety_plan.updated_at.map(|_| safety_plan.plan),
            safety_events: events
                .into_iter()
                .map(|e| ExportSafetyEvent {
                    at: rfc3339(e.at),
                    kind: e.kind,
                    detail: e.detail,
                })
                .collect(),
            questionnaire_responses,
            activities,
            programme_runs,
        })
    }

    /// Deletes the person's account and everything in it, after checking their password.
    /// Only a content-free record of the time remains.
    pub async fn delete_account(&self, user: &Me, password: &str) -> AppResult<()> {
        let credentials = self
            .store
            .user_by_email(&user.email)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let place = self.hash_place().await?;
        self.reserve(&[(
            format!("delete:{}", user.id),
            self.config.max_failures_per_account,
        )])
        .await?;
        if !place
            .verify(password.to_owned(), Some(credentials.password_hash))
            .await?
        {
            return Err(ValidationErrors::single(
                "password",
                "That is not your password; nothing was deleted.",
            )
            .into());
        }
        if crate::rules::delete_account(&*self.store, user.id, self.now().timestamp()).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("account"))
        }
    }
}
