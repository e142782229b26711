//! Bringing days in from other apps' exports ("Own your data", the import half).
//!
//! Each importer reads a stream the caller opened ([`std::io::Read`]; nothing here touches the
//! file system or the network) and returns an [`ImportPlan`]: the days found, each holding only
//! the values its source really has ([`ImportedFields`]), plus every problem named by line and
//! column ([`RowProblem`]) and the counts of rows read and skipped ([`ImportCounts`]). Nothing is
//! written: the app shows the plan as a preview, then applies it in one transaction.
//!
//! | source | module | gives |
//! |---|---|---|
//! | Daylio CSV | [`daylio`] | mood (through a [`daylio::MoodMapping`]), habits (through a [`daylio::ActivityMapping`]), note |
//! | Bearable CSV | [`bearable`] | mood, energy, note |
//! | our generic CSV | [`generic`] | any of daylight, energy, mood, outside in the morning, note |
//! | Apple Health export | [`apple_health`] | daylight (`TimeInDaylight`) |
//!
//! # Merging with the days already logged
//!
//! [`merge`] decides, per day, what applying the import would do, under a [`ConflictRule`]
//! the person chooses in the preview:
//!
//! - [`ConflictRule::KeepMine`]: a value already logged always stays; the import only fills what
//!   the day does not have yet (a missing mood, daylight…, no note, no habit ticked).
//! - [`ConflictRule::TakeImported`]: every value the import has replaces the logged one; values
//!   the import lacks stay as logged.
//!
//! Habits are only ever added, never removed: no source says "I did *not* go outside", only which
//! activities were logged, so under `TakeImported` the day's habits become the union of both.
//!
//! **A day holds what the source has.** A new day is created from whatever values the source
//! has (Daylio: mood, habits, note; Apple Health: daylight); the values it lacks stay missing,
//! never zero and never guessed. Energy is never derived from mood or the other way round.
//! Only a day with no value at all is reported as [`Outcome::NeedsValues`] and not written.
//! [`FillIn`] remains for a person who deliberately chooses a value for new days in the preview.
//!
//! Importing the same file twice changes nothing the second time: after a first apply, every
//! imported value already equals the stored one, so [`merge`] returns [`Outcome::Unchanged`]
//! under either rule (tested in `idempotency` below).

pub mod apple_health;
pub mod bearable;
mod csv_rows;
pub mod daylio;
pub mod generic;
pub mod limits;

use crate::day::{DayEntry, Habits, NOTE_MAX};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt;

pub use limits::Problems;

/// The values one source has for one day; `None` means "this source does not say".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedFields {
    /// Daylight exposure in quarter hours (0..=96).
    pub daylight_quarter_hours: Option<u8>,
    /// Energy, 0..=10.
    pub energy: Option<u8>,
    /// Mood, 0..=10.
    pub mood: Option<u8>,
    /// Outside in the morning.
    pub outside_morning: Option<bool>,
    /// Habits the source shows as done; `None` when it shows none.
    pub habits: Option<Habits>,
    /// The note, already cleaned and at most [`NOTE_MAX`] characters.
    pub note: Option<String>,
}

/// One day found in an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedDay {
    /// The person's local date.
    pub date: NaiveDate,
    /// What the source has for this day.
    pub fields: ImportedFields,
    /// The lines (CSV rows or XML lines) the day was built from, in file order.
    pub source_rows: Vec<usize>,
}

/// A core value a new day cannot be created without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CoreField {
    /// Hours of daylight.
    Daylight,
    /// Energy 0–10.
    Energy,
    /// Mood 0–10.
    Mood,
    /// Outside in the morning.
    OutsideMorning,
}

impl CoreField {
    /// The field's key in forms and the API.
    pub fn key(self) -> &'static str {
        match self {
            CoreField::Daylight => "daylight_hours",
            CoreField::Energy => "energy",
            CoreField::Mood => "mood",
            CoreField::OutsideMorning => "outside_morning",
        }
    }

    /// The words a person reads, e.g. in "needs daylight and energy".
    pub fn label(self) -> &'static str {
        match self {
            CoreField::Daylight => "daylight",
            CoreField::Energy => "energy",
            CoreField::Mood => "mood",
            CoreField::OutsideMorning => "outside in the morning",
        }
    }
}

/// Values the person chose, in the preview, for new days whose source lacks them.
///
/// Everything is `None` by default: nothing is assumed unless the person says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FillIn {
    /// Daylight for new days without it, in quarter hours.
    pub daylight_quarter_hours: Option<u8>,
    /// Energy for new days without it.
    pub energy: Option<u8>,
    /// Mood for new days without it.
    pub mood: Option<u8>,
    /// Outside in the morning for new days without it.
    pub outside_morning: Option<bool>,
}

impl ImportedDay {
    /// The core values this day lacks to be created on its own.
    pub fn missing_core(&self) -> Vec<CoreField> {
        let f = &self.fields;
        let mut missing = Vec::new();
        if f.daylight_quarter_hours.is_none() {
            missing.push(CoreField::Daylight);
        }
        if f.energy.is_none() {
            missing.push(CoreField::Energy);
        }
        if f.mood.is_none() {
            missing.push(CoreField::Mood);
        }
        if f.outside_morning.is_none() {
            missing.push(CoreField::OutsideMorning);
        }
        missing
    }

    /// This day with the person's chosen values in the core fields the source lacks.
    ///
    /// Use it only for days that do not exist yet: on an existing day the logged values already
    /// fill the gaps, and [`merge`] keeps them.
    pub fn filled(&self, fill: &FillIn) -> ImportedDay {
        let mut day = self.clone();
        let f = &mut day.fields;
        f.daylight_quarter_hours = f
            .daylight_quarter_hours
            .or(fill.daylight_quarter_hours.map(|q| q.min(96)));
        f.energy = f.energy.or(fill.energy.map(|v| v.min(10)));
        f.mood = f.mood.or(fill.mood.map(|v| v.min(10)));
        f.outside_morning = f.outside_morning.or(fill.outside_morning);
        day
    }
}

/// Who wins when a day already has a value the import also has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConflictRule {
    /// Keep what was logged; the import only fills gaps.
    #[default]
    KeepMine,
    /// The import's values replace what was logged.
    TakeImported,
}

/// What applying one imported day would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changes (also the answer for a second import of the same file).
    Unchanged,
    /// A day that did not exist is created.
    New(DayEntry),
    /// An existing day is updated to this.
    Changed(DayEntry),
    /// The day does not exist and the source lacks these core values; see [`FillIn`].
    NeedsValues(Vec<CoreField>),
}

/// What applying `imported` to the day already logged (`existing`) would do under `rule`.
///
/// The imported values were range-checked by the importer, so the result is a valid day.
pub fn merge(existing: Option<&DayEntry>, imported: &ImportedDay, rule: ConflictRule) -> Outcome {
    let f = &imported.fields;
    let Some(old) = existing else {
        let entry = DayEntry {
            date: imported.date,
            daylight_quarter_hours: f.daylight_quarter_hours.map(|q| q.min(96)),
            energy: f.energy.map(|v| v.min(10)),
            mood: f.mood.map(|v| v.min(10)),
            outside_morning: f.outside_morning,
            habits: f.habits.unwrap_or_default(),
            note: f.note.clone(),
        };
        return if entry.has_any_value() {
            Outcome::New(entry)
        } else {
            Outcome::NeedsValues(imported.missing_core())
        };
    };
    let mut new = old.clone();
    let any_habit = |h: &Habits| h.to_bits() != 0;
    match rule {
        ConflictRule::KeepMine => {
            new.daylight_quarter_hours = new
                .daylight_quarter_hours
                .or(f.daylight_quarter_hours.map(|q| q.min(96)));
            new.energy = new.energy.or(f.energy.map(|v| v.min(10)));
            new.mood = new.mood.or(f.mood.map(|v| v.min(10)));
            new.outside_morning = new.outside_morning.or(f.outside_morning);
            if new.note.is_none() {
                new.note = f.note.clone();
            }
            if !any_habit(&new.habits)
                && let Some(h) = f.habits
            {
                new.habits = h;
            }
        }
        ConflictRule::TakeImported => {
            if let Some(q) = f.daylight_quarter_hours {
                new.daylight_quarter_hours = Some(q.min(96));
            }
            if let Some(v) = f.energy {
                new.energy = Some(v.min(10));
            }
            if let Some(v) = f.mood {
                new.mood = Some(v.min(10));
            }
            if let Some(v) = f.outside_morning {
                new.outside_morning = Some(v);
            }
            if let Some(h) = f.habits {
                new.habits = Habits::from_bits(new.habits.to_bits() | h.to_bits());
            }
            if f.note.is_some() {
                new.note = f.note.clone();
            }
        }
    }
    if &new == old {
        Outcome::Unchanged
    } else {
        Outcome::Changed(new)
    }
}

/// The outcome of every imported day, for the preview and for applying all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// One outcome per imported day, in date order.
    pub outcomes: Vec<(NaiveDate, Outcome)>,
}

impl ChangeSet {
    /// Merges every day of `days` with the logged day `existing` returns for its date.
    pub fn build<'e>(
        days: &[ImportedDay],
        mut existing: impl FnMut(NaiveDate) -> Option<&'e DayEntry>,
        rule: ConflictRule,
        fill: Option<&FillIn>,
    ) -> ChangeSet {
        let outcomes = days
            .iter()
            .map(|day| {
                let old = existing(day.date);
                let outcome = match (old, fill) {
                    (None, Some(fill)) => merge(None, &day.filled(fill), rule),
                    _ => merge(old, day, rule),
                };
                (day.date, outcome)
            })
            .collect();
        ChangeSet { outcomes }
    }

    /// Days that would be created.
    pub fn new_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::New(_)))
    }

    /// Existing days that would change.
    pub fn changed_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Changed(_)))
    }

    /// Days the import would leave as they are.
    pub fn unchanged_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Unchanged))
    }

    /// New days that cannot be created without values the person has to choose.
    pub fn needs_values_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::NeedsValues(_)))
    }

    /// The entries to write, all in one transaction.
    pub fn writes(&self) -> impl Iterator<Item = &DayEntry> {
        self.outcomes.iter().filter_map(|(_, o)| match o {
            Outcome::New(e) | Outcome::Changed(e) => Some(e),
            _ => None,
        })
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| f(o)).count()
    }
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The row (or a value in it) was kept, but changed; e.g. a note cut to 2,000 characters.
    Warning,
    /// The row (or a value in it) could not be used.
    Error,
}

/// One problem in the input, named by line (1-based) and, where it helps, column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The line of the file where the row starts (1 is the header of a CSV file).
    pub line: usize,
    /// The column's header, when the problem is in one column.
    pub column: Option<String>,
    /// What was wrong, in words a person can act on.
    pub message: String,
    /// Whether the value was dropped or only adjusted.
    pub severity: Severity,
}

impl RowProblem {
    pub(crate) fn error(line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
            severity: Severity::Error,
        }
    }

    pub(crate) fn warning(line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(line, column, message)
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column \"{}\": {}", self.line, c, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Why rows were not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// The row had a problem of [`Severity::Error`] (see the problems).
    Problem,
    /// A blank row.
    Blank,
    /// A row of a kind this import does not read (another Bearable category, another Apple
    /// Health record type).
    NotImported,
}

impl SkipReason {
    /// The reason in words.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Problem => "had a problem",
            SkipReason::Blank => "blank",
            SkipReason::NotImported => "not something enough records",
        }
    }
}

/// How many rows were read and what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Data rows read (CSV rows after the header; `Record` elements in Apple Health).
    pub rows_read: usize,
    /// Rows that contributed to a day.
    pub rows_used: usize,
    /// Rows not used, by reason.
    pub rows_skipped: BTreeMap<SkipReason, usize>,
}

impl ImportCounts {
    pub(crate) fn skip(&mut self, reason: SkipReason) {
        *self.rows_skipped.entry(reason).or_insert(0) += 1;
    }

    /// All rows skipped, whatever the reason.
    pub fn skipped_total(&self) -> usize {
        self.rows_skipped.values().sum()
    }
}

/// Everything an importer found: the preview's content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// One entry per date, in date order.
    pub days: Vec<ImportedDay>,
    /// The first problems in line order ([`limits::MAX_PROBLEMS_KEPT`]), and how many more.
    pub problems: Problems,
    /// Rows read, used and skipped.
    pub counts: ImportCounts,
    /// Labels the source used that no mapping covers, with how often (e.g. Daylio activities
    /// that tick no habit, Bearable categories not read), so the preview can offer to map them.
    pub unmapped: BTreeMap<String, usize>,
}

impl ImportPlan {
    /// Problems that made a row or value unusable (not warnings).
    pub fn errors(&self) -> impl Iterator<Item = &RowProblem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
}

/// A failure that stops the whole import (problems in single rows are [`RowProblem`]s instead).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The stream could not be read.
    #[error("The file could not be read: {0}")]
    Io(std::io::Error),
    /// The file reached one of the [`limits`]; the message names it.
    #[error("{0}")]
    Limit(String),
    /// The file is empty.
    #[error("The file is empty.")]
    Empty,
    /// The file is not UTF-8 text (for example UTF-16 from a spreadsheet's "Unicode text").
    #[error("{0}")]
    Encoding(String),
    /// The XML is not well-formed; nothing from this file is imported.
    #[error(
        "The Apple Health export is damaged near line {line} (byte {byte}): {message}. \
         Nothing was imported; export again from the Health app."
    )]
    MalformedXml {
        /// 1-based line near the error.
        line: u64,
        /// Byte offset of the error from the start of the XML.
        byte: u64,
        /// The parser's description.
        message: String,
    },
    /// The file is not an Apple Health export.
    #[error("This is not an Apple Health export: {0}")]
    NotHealthExport(String),
    /// The zip file is damaged or cut short.
    #[error(
        "The zip file is damaged or incomplete ({0}). If it was copied or downloaded, \
         copy it again; otherwise export again from the Health app."
    )]
    Zip(String),
}

impl From<std::io::Error> for ImportError {
    fn from(e: std::io::Error) -> Self {
        match limits::as_limit(&e) {
            Some(message) => ImportError::Limit(message),
            None => ImportError::Io(e),
        }
    }
}

/// Reads an ordinary note: Windows line ends become `\n`, control characters go, blank is none,
/// and more than [`NOTE_MAX`] characters are cut with a warning.
pub(crate) fn clean_note(
    raw: &str,
    line: usize,
    column: &str,
    problems: &mut Problems,
) -> Option<String> {
    let text: String = raw
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let len = text.chars().count();
    if len > NOTE_MAX {
        problems.push(RowProblem::warning(
            line,
            Some(column),
            format!(
                "The note has {len} characters; only the first {NOTE_MAX} were kept \
                 (enough keeps notes up to 2,000 characters)."
            ),
        ));
        return Some(text.chars().take(NOTE_MAX).collect());
    }
    Some(text.to_owned())
}

/// Joins several notes of one day with a blank line, cutting the result to [`NOTE_MAX`].
pub(crate) fn join_notes(notes: &[String], line: usize, problems: &mut Problems) -> Option<String> {
    if notes.is_empty() {
        return None;
    }
    // Only the first NOTE_MAX characters are kept, so join no more than that needs (at most
    // 4 bytes a character), however many notes one day has.
    let mut bytes = 0;
    let enough: Vec<&str> = notes
        .iter()
        .take_while(|n| {
            let more = bytes <= 4 * NOTE_MAX;
            bytes += n.len() + 2;
            more
        })
        .map(String::as_str)
        .collect();
    let joined = enough.join("\n\n");
    clean_note(&joined, line, "note", problems)
}

/// The mean of values 0..=10, rounded half up.
pub(crate) fn mean_rounded(values: &[u8]) -> Option<u8> {
    if values.is_empty() {
        return None;
    }
    let sum: u32 = values.iter().map(|v| u32::from(*v)).sum();
    let n = values.len() as u32;
    // (2·sum + n) / (2n) is sum/n rounded half up, in integers.
    u8::try_from((2 * sum + n) / (2 * n)).ok()
}

/// Refuses dates after `today` (the person's local date) and before 1900.
pub(crate) fn check_date(date: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if date > today {
        return Err(format!(
            "{date} is in the future (today is {today}); check the date or the phone's clock."
        ));
    }
    if date < crate::day::EARLIEST_DATE {
        return Err(format!("{date} is before 1900; check the date."));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
