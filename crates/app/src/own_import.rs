//! Bringing back one's own JSON export (for example into a new account or another server):
//! everything is checked first, then written in one transaction (all of it or, on any
//! failure, nothing); importing the same file twice changes nothing.
//!
//! What comes back: location, days, reflections, toolkit exercises, questionnaire responses,
//! the safety plan, safety events, planned activities and shipped programme runs. Light & Mood
//! experiments and programmes a therapist composed are not recreated (they belong to a running
//! schedule or a therapist's link); the summary says how many were left out.

use crate::safety::may_carry_risk;
use crate::{App, AppError, AppResult, Assessment, Change, Export, Me, Saving, Support, assess};
use chrono::{DateTime, NaiveDate};
use enough_domain::PersonId;
use enough_domain::ValidationErrors;
use enough_domain::day::DayEntry;
use enough_domain::day::DayFields;
use enough_domain::toolkit::{Answers, Status, free_text, validate};
use enough_store::sql::Tx;
use enough_store::{
    ActivityInput, ExerciseInput, Location, NewProgrammeRun, NewResponse, StoreResult,
};
use std::collections::{HashMap, HashSet};

/// Imported words at one place: the place, the texts, and what the place held before.
type Words = (String, Vec<String>, Vec<String>);

/// The largest own export read back (64 MiB): years of days with long notes are a few MB, and
/// the parsed export is held in memory while it is checked.
pub const OWN_EXPORT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The supported export format and version.
const FORMAT: &str = "enough-export";

/// What an import of one's own export did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnImportSummary {
    /// Days written.
    pub days: usize,
    /// Reflections written.
    pub reflections: usize,
    /// Exercises added (already present ones are skipped).
    pub exercises: usize,
    /// Questionnaire responses added.
    pub responses: usize,
    /// Activities added.
    pub activities: usize,
    /// Programme runs added.
    pub programmes: usize,
    /// Parts not recreated (experiments, composed programmes).
    pub left_out: usize,
}

fn bad(field: &str, message: impl Into<String>) -> AppError {
    ValidationErrors::single(field, message).into()
}

fn seconds(field: &str, rfc3339: &str) -> AppResult<i64> {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.timestamp())
        .map_err(|_| bad(field, format!("'{rfc3339}' is not an RFC 3339 time.")))
}

fn date(field: &str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad(field, format!("'{text}' is not a YYYY-MM-DD date.")))
}

impl App {
    /// Imports an export made by `enough` into `user`'s account. Every part is checked before
    /// anything is written; parts already present are left as they are. Returns, when the
    /// safety decision asks, one support outcome for the whole import (nothing new on a second
    /// import of the same file, so no support and no event then).
    pub async fn import_own_export(
        &self,
        user: &Me,
        export: &Export,
    ) -> AppResult<(OwnImportSummary, Option<Support>)> {
        if export.format != FORMAT || export.version != crate::EXPORT_VERSION {
            return Err(bad(
                "format",
                format!(
                    "This is not an enough export of version {} (found '{}' version {}).",
                    crate::EXPORT_VERSION,
                    export.format,
                    export.version
                ),
            ));
        }
        let today = self.today(user);
        // 1. Check everything.
        let mut days = Vec::new();
        for (i, d) in export.days.iter().enumerate() {
            let fields = DayFields {
                daylight_hours: d.daylight_hours,
                energy: d.energy.map(i64::from),
                mood: d.mood.map(i64::from),
                outside_morning: d.outside_morning,
                habits: d.habits,
                note: d.note.clone(),
            };
            let on = date(&format!("days[{i}].date"), &d.date)?;
            days.push(
                fields
                    .validate(on, today, ValidationErrors::default())
                    .map_err(|e| bad(&format!("days[{i}]"), e.to_string()))?,
            );
        }
        let mut exercises = Vec::new();
        for (i, e) in export.exercises.iter().enumerate() {
            let def = crate::exercise_def(&e.kind)?;
            let status = Status::parse(&e.status)
                .ok_or_else(|| bad(&format!("exercises[{i}].status"), "draft, planned or done"))?;
            let answers = Answers::from_json(def, &e.answers)
                .map_err(|err| bad(&format!("exercises[{i}].answers"), err.to_string()))?;
            validate(def, &answers, status)
                .map_err(|err| bad(&format!("exercises[{i}].answers"), err.to_string()))?;
            exercises.push(ExerciseInput {
                kind: def.id.clone(),
                date: date(&format!("exercises[{i}].date"), &e.date)?,
                status: status.as_str().to_owned(),
                answers: answers.to_json().to_string(),
            });
        }
        let mut responses = Vec::new();
        for (i, r) in export.questionnaire_responses.iter().enumerate() {
            let inst = enough_domain::measures::instrument(&r.instrument).ok_or_else(|| {
                bad(
                    &format!("questionnaire_responses[{i}].instrument"),
                    "unknown questionnaire",
                )
            })?;
            enough_domain::measures::score(inst, &r.answers).map_err(|e| {
                bad(
                    &format!("questionnaire_responses[{i}].answers"),
                    e.to_string(),
                )
            })?;
            let completed_at = seconds(
                &format!("questionnaire_responses[{i}].completed_at"),
                &r.completed_at,
            )?;
            responses.push(NewResponse {
                // The same response imported twice has the same id, so it is saved once.
                client_id: format!("import-{}-{completed_at}", inst.id),
                instrument: inst.id.clone(),
                answers: serde_json::to_string(&r.answers)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                date: date(&format!("questionnaire_responses[{i}].date"), &r.date)?,
                completed_at,
            });
        }
        if let Some(plan) = &export.safety_plan {
            plan.validate()?;
        }
        for (i, a) in export.activities.iter().enumerate() {
            if a.plan.what.trim().is_empty() || a.plan.what.chars().count() > 200 {
                return Err(bad(&format!("activities[{i}].what"), "1 to 200 characters"));
            }
        }
        let reflections = export
            .reflections
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok((
                    date(&format!("reflections[{i}].date"), &r.date)?,
                    r.text.clone(),
                ))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let plan = export
            .safety_plan
            .as_ref()
            .map(|plan| serde_json::to_string(plan).map_err(|e| AppError::Internal(e.to_string())))
            .transpose()?;
        let events = export
            .safety_events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let at = seconds(&format!("safety_events[{i}].at"), &e.at)?;
                Ok((e.kind.clone(), e.detail.clone(), at))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let mut activities = Vec::new();
        for a in &export.activities {
            let outcome = a
                .outcome
                .as_ref()
                .map(|o| serde_json::to_string(o).map_err(|e| AppError::Internal(e.to_string())))
                .transpose()?;
            let mut texts = vec![a.plan.what.clone()];
            texts.extend(a.outcome.as_ref().and_then(|o| o.note.clone()));
            let input = ActivityInput {
                what: a.plan.what.clone(),
                date: a.plan.date,
                time: a.plan.time.map(|t| t.format("%H:%M").to_string()),
                kind: a.plan.kind.key().to_owned(),
                value: a.plan.value.clone(),
            };
            activities.push((input, outcome, texts));
        }
        let mut left_out = export.experiments.len();
        let mut runs = Vec::new();
        for (i, p) in export.programme_runs.iter().enumerate() {
            if enough_domain::programmes::programme(&p.programme_id).is_none() {
                left_out += 1;
                continue;
            }
            let started = date(&format!("programme_runs[{i}].started"), &p.started)?;
            let days: Vec<String> = p.completed_days.iter().map(u16::to_string).collect();
            runs.push((p.programme_id.clone(), started, days.join(" "), p.active));
        }
        let location = export.location.as_ref().map(|l| Location {
            latitude: l.latitude,
            longitude: l.longitude,
            place: l.place.clone(),
        });
        // 2. Write, in one transaction: a failure anywhere (a programme already running, the
        // database going away) leaves the account as it was.
        let parts = Parts {
            location,
            days,
            reflections,
            exercises,
            responses,
            plan,
            events,
            activities,
            runs,
            left_out,
        };
        let (user_id, now) = (user.id, self.now().timestamp());
        let (summary, assessment) = self
            .store
            .write(move |tx| Box::pin(async move { write_parts(tx, user_id, now, parts).await }))
            .await?;
        Ok((summary, self.support_for(user, Saving::Import, &assessment)))
    }
}

/// Everything an import writes, checked.
struct Parts {
    location: Option<Location>,
    days: Vec<DayEntry>,
    reflections: Vec<(NaiveDate, String)>,
    exercises: Vec<ExerciseInput>,
    responses: Vec<NewResponse>,
    /// The safety plan, as stored.
    plan: Option<String>,
    /// Kind, detail, time.
    events: Vec<(String, String, i64)>,
    /// The plan, its outcome as stored, and its texts for the safety decision.
    activities: Vec<(ActivityInput, Option<String>, Vec<String>)>,
    /// Programme, start, completed days as stored, still running.
    runs: Vec<(String, NaiveDate, String, bool)>,
    left_out: usize,
}

/// Writes an import's parts inside one transaction, skipping what is already there, and
/// records the safety events the import calls for (one decision for the whole import).
async fn write_parts(
    tx: &mut dyn Tx,
    user_id: PersonId,
    now: i64,
    parts: Parts,
) -> StoreResult<(OwnImportSummary, Assessment)> {
    let mut summary = OwnImportSummary {
        left_out: parts.left_out,
        ..OwnImportSummary::default()
    };
    let mut words = Vec::<Words>::new();
    let mut answered = Vec::new();
    // What was there before, for the safety decision (read only when imported words need it).
    let risky_days = parts
        .days
        .iter()
        .any(|d| may_carry_risk(&[d.note.as_deref().unwrap_or_default()]));
    let risky_reflections = parts
        .reflections
        .iter()
        .any(|(_, text)| may_carry_risk(&[text.as_str()]));
    let earlier_days: HashMap<NaiveDate, String> = if risky_days {
        tx.days()
            .list(user_id, None, None)
            .await?
            .into_iter()
            .filter_map(|d| Some((d.date, d.note?)))
            .collect()
    } else {
        HashMap::new()
    };
    let earlier_reflections: HashMap<NaiveDate, String> = if risky_reflections {
        tx.days()
            .reflections(user_id)
            .await?
            .into_iter()
            .map(|r| (r.date, r.text))
            .collect()
    } else {
        HashMap::new()
    };
    for d in parts.days.iter().filter(|d| risky_days && d.note.is_some()) {
        words.push((
            format!("day:{}", d.date),
            d.note.iter().cloned().collect(),
            earlier_days.get(&d.date).cloned().into_iter().collect(),
        ));
    }
    if let Some(l) = &parts.location {
        tx.days().set_location(user_id, Some(l)).await?;
    }
    for d in &parts.days {
        tx.days().upsert(user_id, d, now).await?;
    }
    summary.days = parts.days.len();
    for (on, text) in &parts.reflections {
        tx.days().upsert_reflection(user_id, *on, text, now).await?;
        if risky_reflections {
            words.push((
                format!("reflection:{on}"),
                vec![text.clone()],
                earlier_reflections.get(on).cloned().into_iter().collect(),
            ));
        }
        summary.reflections += 1;
    }
    let present: HashSet<(String, NaiveDate, String)> = tx
        .practice()
        .exercises(user_id, None)
        .await?
        .into_iter()
        .map(|e| (e.kind, e.date, e.answers))
        .collect();
    for e in &parts.exercises {
        if !present.contains(&(e.kind.clone(), e.date, e.answers.clone())) {
            let created = tx.practice().create_exercise(user_id, e, now).await?;
            summary.exercises += 1;
            let texts = crate::exercise_def(&e.kind)
                .ok()
                .and_then(|def| {
                    let json = serde_json::from_str(&e.answers).ok()?;
                    Answers::from_json(def, &json).ok()
                })
                .map(|a| free_text(&a).into_iter().map(str::to_owned).collect())
                .unwrap_or_default();
            words.push((format!("exercise:{}", created.id), texts, Vec::new()));
        }
    }
    for r in &parts.responses {
        if let enough_store::SavedResponse::Created(saved) =
            tx.measures().save_response(user_id, r).await?
        {
            summary.responses += 1;
            let values: Vec<u8> = serde_json::from_str(&r.answers).unwrap_or_default();
            if let Some(inst) = enough_domain::measures::instrument(&r.instrument) {
                answered.push((
                    format!("questionnaire:{}", saved.id),
                    inst,
                    values.into_iter().map(Some).collect::<Vec<_>>(),
                ));
            }
        }
    }
    // The safety plan names the crisis it is for: its save never records an event.
    if let Some(plan) = &parts.plan {
        tx.practice().set_safety_plan(user_id, plan, now).await?;
    }
    let events: HashSet<(String, String, i64)> = tx
        .practice()
        .safety_events(user_id)
        .await?
        .into_iter()
        .map(|e| (e.kind, e.detail, e.at))
        .collect();
    for e in &parts.events {
        if !events.contains(e) {
            tx.practice()
                .record_safety_event(user_id, &e.0, &e.1, e.2)
                .await?;
        }
    }
    let planned: HashSet<(NaiveDate, Option<String>, String)> = tx
        .steps()
        .activities(user_id, None, None)
        .await?
        .into_iter()
        .map(|a| (a.date, a.time, a.what))
        .collect();
    for (input, outcome, texts) in &parts.activities {
        if planned.contains(&(input.date, input.time.clone(), input.what.clone())) {
            continue;
        }
        let record = tx.steps().create_activity(user_id, input, now).await?;
        if let Some(json) = outcome {
            tx.steps()
                .set_activity_outcome(user_id, record.id, Some(json), now)
                .await?;
        }
        words.push((format!("activity:{}", record.id), texts.clone(), Vec::new()));
        summary.activities += 1;
    }
    let running: HashSet<String> = tx
        .steps()
        .programme_runs(user_id)
        .await?
        .into_iter()
        .map(|r| format!("{}@{}", r.programme_id, r.started))
        .collect();
    for (programme_id, started, days, active) in &parts.runs {
        if running.contains(&format!("{programme_id}@{started}")) {
            continue;
        }
        let run = tx
            .steps()
            .start_programme(
                user_id,
                &NewProgrammeRun {
                    programme_id: programme_id.clone(),
                    programme: None,
                    started: *started,
                    assigned_by: None,
                    created_at: now,
                },
            )
            .await?;
        tx.steps().set_run_days(user_id, run.id, days).await?;
        if !active {
            tx.steps().end_programme(user_id, run.id, now).await?;
        }
        summary.programmes += 1;
    }
    // One decision for the whole import, its events in the same transaction.
    let mut changes: Vec<Change<'_>> = words
        .iter()
        .map(|(place, new, before)| Change::Words {
            place: place.clone(),
            new: new.iter().map(String::as_str).collect(),
            before: before.iter().map(String::as_str).collect(),
        })
        .collect();
    changes.extend(
        answered
            .into_iter()
            .map(|(place, instrument, new)| Change::Answers {
                place,
                instrument,
                new,
                before: Vec::new(),
            }),
    );
    let assessment = assess(Saving::Import, &changes);
    for (kind, place) in &assessment.events {
        tx.practice()
            .record_safety_event(user_id, kind, place, now)
            .await?;
    }
    Ok((summary, assessment))
}
