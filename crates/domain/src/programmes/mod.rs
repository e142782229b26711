//! Guided programmes: a short daily text and, often, one small step (a toolkit exercise, the
//! daily log or a questionnaire) for each day of a few weeks. The programmes we ship live as
//! TOML files in `content/programmes/`, compiled in; a therapist can compose one of their own
//! from the catalogue with [`compose`].
//!
//! Progress follows one rule: a missed day resets nothing. The step shown is the first one not
//! yet done, whatever the calendar says (see [`run`]).

pub mod run;

pub use run::{ProgrammeRun, Step, complete_day, finished, progress_sentence, today_step};

use crate::measures::instrument;
use crate::toolkit::catalogue;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Most days a programme may have.
pub const MAX_DAYS: usize = 60;
/// Longest programme title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;
/// Longest day title, in characters.
pub const MAX_DAY_TITLE_CHARS: usize = 80;
/// Longest day text, in characters.
pub const MAX_DAY_TEXT_CHARS: usize = 1000;

/// Words that shame or keep score; no programme text may contain them (case-insensitive,
/// also inside longer words, so "fail" catches "failure").
pub const SHAMING_WORDS: [&str; 6] = ["fail", "missed", "streak", "lazy", "weak", "should have"];

/// Every shipped programme file, in the order they are offered. The id must match the file's.
const PROGRAMME_FILES: &[(&str, &str)] = &[
    (
        "good-enough-21",
        include_str!("../../content/programmes/good-enough-21.toml"),
    ),
    (
        "winter-light",
        include_str!("../../content/programmes/winter-light.toml"),
    ),
];

/// One day of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeDay {
    /// The day's number, from 1, without gaps.
    pub day: u16,
    /// A short title.
    pub title: String,
    /// A few plain sentences for the day.
    pub text: String,
    /// A toolkit exercise to do today, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise: Option<String>,
    /// True when today's step includes the daily Light & Mood log.
    #[serde(default)]
    pub log: bool,
    /// A questionnaire to fill in today, by instrument id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
}

/// A guided programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Stable id, stored with each run.
    pub id: String,
    /// The title shown in lists.
    pub title: String,
    /// One line on what it is for (empty for a composed programme).
    #[serde(default)]
    pub summary: String,
    /// A short introduction (empty for a composed programme).
    #[serde(default)]
    pub intro: String,
    /// The days, in order.
    pub days: Vec<ProgrammeDay>,
}

impl Programme {
    /// How many days the programme has.
    pub fn len(&self) -> u16 {
        u16::try_from(self.days.len()).unwrap_or(u16::MAX)
    }

    /// True when the programme has no days (never for a valid one).
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// Day `day` (counted from 1).
    pub fn day(&self, day: u16) -> Option<&ProgrammeDay> {
        self.days.iter().find(|d| d.day == day)
    }
}

/// Parses one programme file and checks it, or says what is wrong with it.
pub fn parse(text: &str) -> Result<Programme, String> {
    let programme: Programme = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut errors = ValidationErrors::default();
    check_text("id", &programme.id, 60, &mut errors);
    if !programme
        .id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push("id", "Ids use lowercase letters, digits and hyphens.");
    }
    check_text("summary", &programme.summary, 200, &mut errors);
    check_text("intro", &programme.intro, MAX_DAY_TEXT_CHARS, &mut errors);
    check_programme(&programme, &mut errors);
    errors
        .into_result(programme)
        .map_err(|errors| errors.to_string())
}

/// The programmes shipped in the binary, parsed on first use. The tests guarantee every file
/// is valid; were one ever broken, it would be left out rather than take the server down.
pub fn programmes() -> &'static [Programme] {
    static PROGRAMMES: OnceLock<Vec<Programme>> = OnceLock::new();
    PROGRAMMES.get_or_init(|| {
        PROGRAMME_FILES
            .iter()
            .filter_map(|(id, text)| parse(text).ok().filter(|p| p.id == *id))
            .collect()
    })
}

/// The shipped programme with this id.
pub fn programme(id: &str) -> Option<&'static Programme> {
    programmes().iter().find(|p| p.id == id)
}

/// A programme a therapist puts together from the catalogue: checked like the shipped files
/// (days numbered 1, 2, 3 … without gaps, known exercises and questionnaires, plain kind
/// words), with a title of at most [`MAX_TITLE_CHARS`] characters and at most [`MAX_DAYS`]
/// days. Its id is `composed`; the store gives it its own key.
pub fn compose(title: &str, steps: Vec<ProgrammeDay>) -> Result<Programme, ValidationErrors> {
    let programme = Programme {
        id: "composed".to_owned(),
        title: title.trim().to_owned(),
        summary: String::new(),
        intro: String::new(),
        days: steps
            .into_iter()
            .map(|d| ProgrammeDay {
                title: d.title.trim().to_owned(),
                text: d.text.trim().replace("\r\n", "\n"),
                exercise: d.exercise.filter(|e| !e.trim().is_empty()),
                questionnaire: d.questionnaire.filter(|q| !q.trim().is_empty()),
                ..d
            })
            .collect(),
    };
    let mut errors = ValidationErrors::default();
    check_programme(&programme, &mut errors);
    errors.into_result(programme)
}

/// Checks what shipped and composed programmes share: title, day count and every day.
fn check_programme(programme: &Programme, errors: &mut ValidationErrors) {
    check_text("title", &programme.title, MAX_TITLE_CHARS, errors);
    if programme.days.is_empty() {
        errors.push("days", "A programme needs at least one day.");
    }
    if programme.days.len() > MAX_DAYS {
        errors.push(
            "days",
            format!(
                "A programme can have at most {MAX_DAYS} days; this one has {}.",
                programme.days.len()
            ),
        );
    }
    for (index, d) in programme.days.iter().enumerate() {
        let field = |name: &str| format!("days[{index}].{name}");
        let expected = index + 1;
        if usize::from(d.day) != expected {
            errors.push(
                field("day"),
                format!(
                    "Days are numbered 1, 2, 3 … without gaps; this one should be day {expected}, not {}.",
                    d.day
                ),
            );
        }
        check_text(&field("title"), &d.title, MAX_DAY_TITLE_CHARS, errors);
        check_text(&field("text"), &d.text, MAX_DAY_TEXT_CHARS, errors);
        if let Some(id) = &d.exercise
            && catalogue().exercise(id).is_none()
        {
            errors.push(
                field("exercise"),
                format!("\"{id}\" is not an exercise in the toolkit."),
            );
        }
        if let Some(id) = &d.questionnaire
            && instrument(id).is_none()
        {
            errors.push(
                field("questionnaire"),
                format!("\"{id}\" is not one of the questionnaires."),
            );
        }
    }
}

/// Non-empty, at most `max` characters, no control characters but line breaks, no shaming words.
fn check_text(field: &str, text: &str, max: usize, errors: &mut ValidationErrors) {
    let len = text.chars().count();
    if text.trim().is_empty() {
        errors.push(field, "Please write something here.");
    } else if len > max {
        errors.push(
            field,
            format!("This can be at most {max} characters; it has {len}."),
        );
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(field, "Please remove the control characters.");
    }
    let lower = text.to_lowercase();
    if let Some(word) = SHAMING_WORDS.iter().find(|w| lower.contains(*w)) {
        errors.push(
            field,
            format!(
                "Please find a kinder word than \"{word}\": programmes never keep score or count lapses."
            ),
        );
    }
}

#[cfg(test)]
mod tests;
