//! The perfectionism toolkit: every exercise of the programme as data (TOML files in
//! `content/`, compiled in) and the pure rules around it: reading answers from JSON or a plain
//! HTML form, validating them for a draft, a plan or a finished entry, exposure ladders, the
//! inner critic's accuracy, and progress with its uncertainty. Nothing here does I/O.

mod answers;
mod catalogue;
mod content;
pub mod critic;
mod ladder;
pub mod progress;
mod validate;

pub use answers::{
    Answer, Answers, Emotion, MAX_EMOTION_INTENSITY, MAX_VALUE_RATING, SUMMARY_CHARS, ValueRating,
    free_text, summary_line,
};
pub use catalogue::{Catalogue, catalogue};
pub use content::{
    Approach, Better, ChangeDef, DEFAULT_LONG_TEXT_CHARS, DEFAULT_TEXT_CHARS, Distortion,
    ExerciseDef, LifeValue, Stage, StepDef, StepKind,
};
pub use critic::{CriticAccuracy, CriticPoint, critic_points};
pub use ladder::{
    Attempt, Ladder, LadderProgress, MAX_ATTEMPTS, MAX_NOTE_CHARS, MAX_RUNG_CHARS, MAX_RUNGS,
    MAX_SUDS, Rung, RungProgress, ladder_progress,
};
pub use progress::{ChangeSummary, EntryFacts, Progress, change_values, progress};
pub use validate::{
    MAX_ANSWERS_BYTES, MAX_EMOTION_NAME_CHARS, MAX_EMOTIONS, Status, step_of, validate,
};

#[cfg(test)]
mod content_tests;
#[cfg(test)]
mod tests;
