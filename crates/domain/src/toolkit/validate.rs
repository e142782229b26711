//! The rules an entry's answers must meet before they are saved: ranges and sizes always, and
//! what is required depending on whether the entry is a draft, planned or done.
//!
//! Limits (all counted in characters, not bytes, except the whole):
//! - text steps: the step's `max_chars`, by default 300 for one line and 5000 for long text;
//! - emotions: at most [`MAX_EMOTIONS`], each named in 1 to [`MAX_EMOTION_NAME_CHARS`]
//!   characters, intensities 0–100;
//! - life values: importance and how fully lived 0–10, each value at most once;
//! - ladders: at most [`MAX_RUNGS`] steps of up to [`MAX_RUNG_CHARS`] characters, SUDS 0–100,
//!   at most [`MAX_ATTEMPTS`] tries per step, notes up to
//!   [`crate::toolkit::MAX_NOTE_CHARS`] characters;
//! - everything together: at most [`MAX_ANSWERS_BYTES`] bytes as JSON.
//!
//! Nested problems are named by their JSON path (`emotions[1].before`); the step they belong
//! to is [`step_of`] that name, so a form can show the message beside the step.

use super::answers::{Answer, Answers, MAX_EMOTION_INTENSITY, MAX_VALUE_RATING, range_message};
use super::catalogue::catalogue;
use super::content::{ExerciseDef, Stage, StepDef, StepKind};
use super::ladder::{MAX_ATTEMPTS, MAX_RUNG_CHARS, MAX_RUNGS, MAX_SUDS};
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most emotions in one thought record.
pub const MAX_EMOTIONS: usize = 12;
/// Longest emotion name, in characters.
pub const MAX_EMOTION_NAME_CHARS: usize = 60;
/// Largest size of all answers of one entry, as JSON, in bytes (64 KiB).
pub const MAX_ANSWERS_BYTES: usize = 64 * 1024;

/// How far along an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Saved part-way; nothing is required.
    Draft,
    /// Planned, with the outcome still to come (only for exercises with later steps).
    Planned,
    /// Finished.
    Done,
}

impl Status {
    /// The value used in forms, the API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Planned => "planned",
            Status::Done => "done",
        }
    }

    /// The status named `s` (`draft`, `planned`, `done`).
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "planned" => Some(Status::Planned),
            "done" => Some(Status::Done),
            _ => None,
        }
    }
}

/// The step a problem belongs to: the part of its field name before the first `.` or `[`.
pub fn step_of(field: &str) -> &str {
    field.split(['.', '[']).next().unwrap_or(field)
}

fn check_text(step: &StepDef, text: &str, max: usize, errors: &mut ValidationErrors) {
    let chars = text.chars().count();
    if chars > max {
        errors.push(
            step.id.as_str(),
            format!(
                "{}: please keep this to {max} characters or fewer (it has {chars}).",
                step.label
            ),
        );
    }
}

fn check_intensity(
    field: String,
    label: String,
    value: u8,
    max: u8,
    errors: &mut ValidationErrors,
) {
    if value > max {
        errors.push(field, range_message(&label, 0, max));
    }
}

/// Checks one answer against its step, whatever the status.
fn check_answer(step: &StepDef, answer: &Answer, errors: &mut ValidationErrors) {
    let id = step.id.as_str();
    let label = step.label.as_str();
    match (&step.kind, answer) {
        (StepKind::Text { max_chars } | StepKind::LongText { max_chars }, Answer::Text(t)) => {
            check_text(step, t, *max_chars, errors);
        }
        (StepKind::Rating { min, max, .. }, Answer::Rating(n)) => {
            if !(*min..=*max).contains(n) {
                errors.push(id, range_message(label, min, max));
            }
        }
        (StepKind::Minutes { max }, Answer::Minutes(n)) => {
            if !(1..=*max).contains(n) {
                errors.push(id, range_message(label, 1, max));
            }
        }
        (StepKind::YesNo, Answer::YesNo(_)) => {}
        (StepKind::ValueDomain, Answer::Text(v)) => {
            if catalogue().life_value(v).is_none() {
                errors.push(id, format!("Unknown value '{v}'. Choose from the list."));
            }
        }
        (StepKind::Distortions, Answer::Choices(list)) => {
            let mut seen = BTreeSet::new();
            for (i, d) in list.iter().enumerate() {
                if catalogue().distortion(d).is_none() {
                    errors.push(
                        format!("{id}[{i}]"),
                        format!("Unknown distortion '{d}'. Choose from the list."),
                    );
                } else if !seen.insert(d) {
                    errors.push(
                        format!("{id}[{i}]"),
                        format!("{label}: '{d}' is chosen twice."),
                    );
                }
            }
        }
        (StepKind::Emotions, Answer::Emotions(list)) => {
            if list.len() > MAX_EMOTIONS {
                errors.push(
                    id,
                    format!("{label}: please name at most {MAX_EMOTIONS} emotions."),
                );
            }
            for (i, e) in list.iter().enumerate() {
                let n = i + 1;
                let chars = e.name.trim().chars().count();
                if !(1..=MAX_EMOTION_NAME_CHARS).contains(&chars) {
                    errors.push(
                        format!("{id}[{i}].name"),
                        format!("Emotion {n}: give it a name of 1 to {MAX_EMOTION_NAME_CHARS} characters."),
                    );
                }
                let field = |part: &str| format!("{id}[{i}].{part}");
                check_intensity(
                    field("before"),
                    format!("Emotion {n}, intensity before"),
                    e.before,
                    MAX_EMOTION_INTENSITY,
                    errors,
                );
                if let Some(after) = e.after {
                    check_intensity(
                        field("after"),
                        format!("Emotion {n}, intensity after"),
                        after,
                        MAX_EMOTION_INTENSITY,
                        errors,
                    );
                }
            }
        }
        (StepKind::ValueRatings, Answer::ValueRatings(list)) => {
            let mut seen = BTreeSet::new();
            for (i, r) in list.iter().enumerate() {
                let Some(value) = catalogue().life_value(&r.domain) else {
                    errors.push(
                        format!("{id}[{i}].domain"),
                        format!("Unknown value '{}'. Choose from the list.", r.domain),
                    );
                    continue;
                };
                if !seen.insert(&r.domain) {
                    errors.push(
                        format!("{id}[{i}].domain"),
                        format!("{}: rated twice; keep one rating.", value.name),
                    );
                }
                let field = |part: &str| format!("{id}[{i}].{part}");
                check_intensity(
                    field("importance"),
                    format!("{}, importance", value.name),
                    r.importance,
                    MAX_VALUE_RATING,
                    errors,
                );
                check_intensity(
                    field("lived"),
                    format!("{}, how fully lived", value.name),
                    r.lived,
                    MAX_VALUE_RATING,
                    errors,
                );
            }
        }
        (StepKind::Ladder, Answer::Ladder(ladder)) => {
            if ladder.rungs.len() > MAX_RUNGS {
                errors.push(
                    id,
                    format!("{label}: please keep the ladder to {MAX_RUNGS} steps or fewer."),
                );
            }
            for (i, rung) in ladder.rungs.iter().enumerate() {
                let n = i + 1;
                let field = format!("{id}.rungs[{i}]");
                let chars = rung.text.trim().chars().count();
                if !(1..=MAX_RUNG_CHARS).contains(&chars) {
                    errors.push(
                        format!("{field}.text"),
                        format!("Step {n}: describe it in 1 to {MAX_RUNG_CHARS} characters."),
                    );
                }
                check_intensity(
                    format!("{field}.suds"),
                    format!("Step {n}, expected distress"),
                    rung.suds,
                    MAX_SUDS,
                    errors,
                );
                if rung.attempts.len() > MAX_ATTEMPTS {
                    errors.push(
                        format!("{field}.attempts"),
                        format!("Step {n}: at most {MAX_ATTEMPTS} tries can be kept on one step."),
                    );
                }
                for (j, attempt) in rung.attempts.iter().enumerate() {
                    attempt.check(&format!("{field}.attempts[{j}]."), errors);
                }
            }
        }
        _ => errors.push(
            id,
            format!("{label}: this answer has the wrong shape for the question."),
        ),
    }
}

/// Checks answers before they are saved with `status`.
///
/// - Always: every answer belongs to a step of `def`, has its shape, and is within its range
///   and size; thinking patterns and life values come from the lists; the whole fits in
///   [`MAX_ANSWERS_BYTES`].
/// - [`Status::Draft`]: nothing is required.
/// - [`Status::Planned`]: only for exercises with later ([`Stage::After`]) steps; the required
///   steps of the first sitting must be there.
/// - [`Status::Done`]: every required step must be there.
///
/// Messages start with the step's label ("Belief before: choose a number from 0 to 100.").
pub fn validate(
    def: &ExerciseDef,
    answers: &Answers,
    status: Status,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if status == Status::Planned && !def.has_after_steps() {
        errors.push(
            "status",
            "This exercise is finished in one sitting, so it can be saved as a draft or as done.",
        );
    }
    for (key, answer) in &answers.0 {
        match def.step(key) {
            Some(step) => check_answer(step, answer, &mut errors),
            None => errors.push(
                key.as_str(),
                format!("This exercise has no step called '{key}'."),
            ),
        }
    }
    for step in def.steps.iter().filter(|s| s.required) {
        let needed = match status {
            Status::Draft => false,
            Status::Planned => step.stage == Stage::Before,
            Status::Done => true,
        };
        let missing = answers.0.get(&step.id).is_none_or(Answer::is_empty);
        if needed && missing {
            let goal = if status == Status::Planned {
                "plan it"
            } else {
                "finish"
            };
            errors.push(
                step.id.as_str(),
                format!(
                    "{}: please fill this in to {goal}, or save a draft for now.",
                    step.label
                ),
            );
        }
    }
    let size = serde_json::to_vec(answers).map_or(0, |v| v.len());
    if size > MAX_ANSWERS_BYTES {
        errors.push(
            "answers",
            format!(
                "Together these answers are too long to save ({} KiB; the most is {} KiB). Please shorten the longest ones.",
                size.div_ceil(1024),
                MAX_ANSWERS_BYTES / 1024
            ),
        );
    }
    errors.into_result(())
}
