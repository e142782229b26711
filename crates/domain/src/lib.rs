//! Pure domain logic of enough: the daily Light & Mood entry, the toolkit exercises,
//! questionnaires and their scoring (`measures`), activity scheduling (`activities`), guided
//! programmes (`programmes`), morning-light windows (`morning_light`), account rules, the
//! crisis directory and the safety plan. Nothing here does I/O, knows HTTP or SQL, or is
//! async, so every rule can be tested with plain values and reused by the web layer, the JSON
//! API and the CLI alike.

pub mod account;
pub mod activities;
pub mod care;
pub mod cities;
pub mod crisis;
pub mod day;
pub mod experiment;
pub mod homework;
pub mod ical;
pub mod ids;
pub mod import;
pub mod light_mood;
pub mod measures;
pub mod morning_light;
#[cfg(test)]
mod partial_day_stats_tests;
pub mod programmes;
pub mod reflection;
pub mod safety;
pub mod sample_days;
pub mod solar;
pub mod stats;
pub mod toolkit;
pub mod validation;

#[cfg(test)]
mod sentence_checks;

pub use ids::{
    AccessRecordId, ActivityId, ExerciseId, ExperimentId, HomeworkId, InvitationId, LinkId,
    PersonId, ProgrammeRunId, ResponseId, SafetyEventId, SessionId, TokenId,
};
pub use validation::{FieldError, ValidationErrors};
