//! A person's way through a programme, under one rule: a missed day resets nothing.
//!
//! The step offered is always the first day not yet done. The calendar never pushes anyone
//! forward, so days that pass without a step leave nothing behind to catch up on, and nothing
//! done is ever lost. Days may be done out of order (someone may want day 8 now); the next step
//! is still the first one left.

use super::Programme;
use crate::validation::ValidationErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One person's run through one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeRun {
    /// The programme's id.
    pub programme_id: String,
    /// The date the person chose to start (may lie ahead).
    pub started: NaiveDate,
    /// The days done, by number.
    pub completed_days: BTreeSet<u16>,
}

impl ProgrammeRun {
    /// A run of `programme_id` starting on `started`, with nothing done yet.
    pub fn new(programme_id: impl Into<String>, started: NaiveDate) -> Self {
        Self {
            programme_id: programme_id.into(),
            started,
            completed_days: BTreeSet::new(),
        }
    }
}

/// What to offer today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Step {
    /// The run starts on a later date; day 1 can still be opened early.
    NotYet {
        /// The chosen start date.
        starts: NaiveDate,
    },
    /// The day to do next: the first one not yet done.
    Day {
        /// The day's number.
        day: u16,
        /// How many days the programme has.
        of: u16,
        /// How many days are done so far.
        done: u16,
    },
    /// Every day is done.
    Finished {
        /// How many days the programme has.
        of: u16,
    },
}

fn done_count(programme: &Programme, run: &ProgrammeRun) -> u16 {
    let n = run
        .completed_days
        .iter()
        .filter(|d| (1..=programme.len()).contains(*d))
        .count();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Today's step: the first day of `programme` not yet done. `today` only matters before the
/// chosen start date; after it, how many calendar days have passed changes nothing.
pub fn today_step(programme: &Programme, run: &ProgrammeRun, today: NaiveDate) -> Step {
    let of = programme.len();
    let done = done_count(programme, run);
    if done == 0 && today < run.started {
        return Step::NotYet {
            starts: run.started,
        };
    }
    match (1..=of).find(|d| !run.completed_days.contains(d)) {
        Some(day) => Step::Day { day, of, done },
        None => Step::Finished { of },
    }
}

/// Marks `day` as done. Doing a day twice is fine and changes nothing; a day outside the
/// programme is refused.
pub fn complete_day(
    programme: &Programme,
    run: &mut ProgrammeRun,
    day: u16,
) -> Result<(), ValidationErrors> {
    if !(1..=programme.len()).contains(&day) {
        return Err(ValidationErrors::single(
            "day",
            format!(
                "\"{}\" has days 1 to {}; there is no day {day}.",
                programme.title,
                programme.len()
            ),
        ));
    }
    run.completed_days.insert(day);
    Ok(())
}

/// True when every day of `programme` is done.
pub fn finished(programme: &Programme, run: &ProgrammeRun) -> bool {
    !programme.is_empty() && done_count(programme, run) == programme.len()
}

fn steps(n: u16) -> String {
    if n == 1 {
        "1 step".to_owned()
    } else {
        format!("{n} steps")
    }
}

/// A kind sentence about progress, e.g. "Day 6 of 21. You've done 5 steps; there's no
/// catching up to do." It never counts days that passed without a step.
pub fn progress_sentence(programme: &Programme, run: &ProgrammeRun, today: NaiveDate) -> String {
    match today_step(programme, run, today) {
        Step::NotYet { starts } => format!(
            "Starts on {}. You can open day 1 early if you like.",
            starts.format("%A %-d %B")
        ),
        Step::Day { day, of, done: 0 } => {
            format!("Day {day} of {of}. Start whenever suits you; there's no clock running.")
        }
        Step::Day { day, of, done } => format!(
            "Day {day} of {of}. You've done {}; there's no catching up to do.",
            steps(done)
        ),
        Step::Finished { of } => {
            format!("All {of} days done. Come back to any of them whenever they help.")
        }
    }
}
