//! Importing other apps' exports: a preview first (what would change, what is wrong and where),
//! then an all-or-nothing, idempotent apply. Parsing streams and runs off the async runtime.

use crate::{App, AppError, AppResult, Me, Saving, Support};
use chrono::NaiveDate;
use enough_domain::ValidationErrors;
use enough_domain::day::{DayEntry, DayFields, Habits};
use enough_domain::import::{
    ChangeSet, ConflictRule, FillIn, ImportError, ImportPlan, Outcome, RowProblem, apple_health,
    bearable, daylio, generic,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{BufReader, Read, Seek};

/// The formats that can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Daylio's CSV export.
    Daylio,
    /// Bearable's CSV export.
    Bearable,
    /// The documented generic CSV (`date,daylight_hours,energy,mood,outside_morning,note`).
    Csv,
    /// Apple Health `export.zip` or `export.xml` (Time in Daylight).
    AppleHealth,
}

impl ImportFormat {
    /// The format with this name (`daylio`, `bearable`, `csv`, `apple-health`).
    pub fn parse(name: &str) -> Option<ImportFormat> {
        match name {
            "daylio" => Some(ImportFormat::Daylio),
            "bearable" => Some(ImportFormat::Bearable),
            "csv" => Some(ImportFormat::Csv),
            "apple-health" => Some(ImportFormat::AppleHealth),
            _ => None,
        }
    }
}

/// A day ready to write, in a form that can travel in a page and come back (the preview page
/// carries them to the apply step, so any server can apply it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedDay {
    /// The date.
    pub date: NaiveDate,
    /// Hours of daylight, if the day has them.
    pub daylight_hours: Option<f64>,
    /// 0–10, if given.
    pub energy: Option<i64>,
    /// 0–10, if given.
    pub mood: Option<i64>,
    /// Outside in the morning, if given.
    pub outside_morning: Option<bool>,
    /// Habit bits.
    pub habits: i64,
    /// The note.
    pub note: Option<String>,
}

impl From<&DayEntry> for StagedDay {
    fn from(d: &DayEntry) -> Self {
        StagedDay {
            date: d.date,
            daylight_hours: d.daylight_hours(),
            energy: d.energy.map(i64::from),
            mood: d.mood.map(i64::from),
            outside_morning: d.outside_morning,
            habits: d.habits.to_bits(),
            note: d.note.clone(),
        }
    }
}

/// What an import would do.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// Rows read, used and skipped, problems and unmapped labels.
    pub plan: ImportPlan,
    /// Days that would be created.
    pub new_days: usize,
    /// Days that would change.
    pub changed_days: usize,
    /// Days already as imported.
    pub unchanged_days: usize,
    /// New days lacking values the source does not have (date, the missing field labels).
    pub needs_values: Vec<(NaiveDate, Vec<&'static str>)>,
    /// What applying writes (nothing while any row has an error: an import is all or nothing).
    pub writes: Vec<StagedDay>,
    /// Rows with errors; while there are any, nothing is imported.
    pub error_count: usize,
}

fn import_error(e: ImportError) -> AppError {
    AppError::Validation(ValidationErrors::single("file", e.to_string()))
}

/// Reads a mood mapping written as `label=value` pairs separated by commas or new lines, e.g.
/// `rad=10, good=8, meh=5`; empty means Daylio's defaults. Errors name the field `moods`.
pub fn parse_mood_mapping(text: &str) -> Result<daylio::MoodMapping, ValidationErrors> {
    if text.trim().is_empty() {
        return Ok(daylio::MoodMapping::default());
    }
    let mut pairs = Vec::new();
    for part in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let parsed = part
            .split_once('=')
            .and_then(|(label, value)| {
                Some((label.trim().to_owned(), value.trim().parse::<u8>().ok()?))
            })
            .filter(|(label, value)| !label.is_empty() && *value <= 10);
        match parsed {
            Some(pair) => pairs.push(pair),
            None => {
                return Err(ValidationErrors::single(
                    "moods",
                    format!(
                        "'{part}' should look like label=value with a value from 0 to 10, e.g. rad=10."
                    ),
                ));
            }
        }
    }
    daylio::MoodMapping::new(pairs).map_err(|e| ValidationErrors::single("moods", e))
}

/// The default Daylio mood mapping as `label=value` text, to show and edit.
pub fn default_mood_mapping() -> String {
    daylio::MoodMapping::default()
        .entries()
        .iter()
        .map(|(label, value)| format!("{label}={value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a Daylio activity mapping, one line per habit (`moved_my_body: walk, yoga`); empty
/// means the defaults. Errors name the field `activities`.
pub fn parse_activity_mapping(text: &str) -> Result<daylio::ActivityMapping, ValidationErrors> {
    daylio::ActivityMapping::parse(text)
}

/// The default Daylio activity mapping as text, to show and edit.
pub fn default_activity_mapping() -> String {
    daylio::ActivityMapping::default().to_text()
}

/// Activities no keyword matched, with how many entries had each, as one sentence for a
/// preview (`None` when every activity was matched). Nothing is guessed for them.
pub fn unmatched_activities(plan: &ImportPlan) -> Option<String> {
    (!plan.unmapped.is_empty()).then(|| {
        let mut counted: Vec<(&String, &usize)> = plan.unmapped.iter().collect();
        counted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        counted
            .into_iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// How Bearable's Mood and Energy ratings become 0–10, in words.
pub fn bearable_rule() -> &'static str {
    bearable::BearableScale::default().describe()
}

/// Parses `input` in `format` with Daylio's default moods (synchronously).
pub fn parse_import<R: Read + Seek>(
    format: ImportFormat,
    input: R,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    parse_import_with(format, input, today, &daylio::DaylioOptions::default())
}

/// Parses `input` in `format` (synchronously; call it off the async runtime), reading Daylio
/// moods and activities with the person's own mappings.
pub fn parse_import_with<R: Read + Seek>(
    format: ImportFormat,
    mut input: R,
    today: NaiveDate,
    daylio_options: &daylio::DaylioOptions,
) -> Result<ImportPlan, ImportError> {
    match format {
        ImportFormat::Daylio => daylio::import_daylio(input, daylio_options, today),
        ImportFormat::Bearable => {
            bearable::import_bearable(input, bearable::BearableScale::default(), today)
        }
        ImportFormat::Csv => generic::import_generic(input, today),
        ImportFormat::AppleHealth => {
            let mut magic = [0u8; 2];
            let n = input.read(&mut magic)?;
            input.rewind()?;
            if n == 2 && &magic == b"PK" {
                apple_health::import_apple_health_zip(input, today)
            } else {
                apple_health::import_apple_health_xml(BufReader::new(input), today)
            }
        }
    }
}

impl App {
    /// Reads an export and works out, against the person's days, what importing it would do.
    /// Nothing is written.
    pub async fn preview_import<R: Read + Seek + Send + 'static>(
        &self,
        user: &Me,
        format: ImportFormat,
        input: R,
        rule: ConflictRule,
        fill: Option<FillIn>,
        daylio_options: daylio::DaylioOptions,
    ) -> AppResult<ImportPreview> {
        let today = self.today(user);
        let plan = tokio::task::spawn_blocking(move || {
            parse_import_with(format, input, today, &daylio_options)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(import_error)?;
        let existing: BTreeMap<NaiveDate, DayEntry> = self
            .store
            .list_days(user.id, None, None)
            .await?
            .into_iter()
            .map(|d| (d.date, d))
            .collect();
        let changes = ChangeSet::build(&plan.days, |date| existing.get(&date), rule, fill.as_ref());
        let needs_values = changes
            .outcomes
            .iter()
            .filter_map(|(date, o)| match o {
                Outcome::NeedsValues(fields) => {
                    Some((*date, fields.iter().map(|f| f.label()).collect()))
                }
                _ => None,
            })
            .collect();
        let error_count = plan.problems.error_total();
        Ok(ImportPreview {
            error_count,
            new_days: changes.new_count(),
            changed_days: changes.changed_count(),
            unchanged_days: changes.unchanged_count(),
            needs_values,
            writes: if error_count == 0 {
                changes.writes().map(StagedDay::from).collect()
            } else {
                Vec::new()
            },
            plan,
        })
    }

    /// Writes staged days in one transaction, after checking each again (they may have
    /// travelled through a page). All or nothing; returns how many days were written and, when
    /// the safety decision asks, one support outcome for the whole import.
    pub async fn apply_import(
        &self,
        user: &Me,
        days: &[StagedDay],
    ) -> AppResult<(usize, Option<Support>)> {
        let today = self.today(user);
        let mut entries = Vec::with_capacity(days.len());
        let mut errors = ValidationErrors::default();
        for d in days {
            let fields = DayFields {
                daylight_hours: d.daylight_hours,
                energy: d.energy,
                mood: d.mood,
                outside_morning: d.outside_morning,
                habits: Habits::from_bits(d.habits),
                note: d.note.clone(),
            };
            if d.date > today {
                errors.push(
                    "days",
                    format!("{}: dates after today are not imported.", d.date),
                );
                continue;
            }
            match fields.validate(d.date, today, ValidationErrors::default()) {
                Ok(entry) => entries.push(entry),
                Err(e) => errors.0.extend(e.0.into_iter().map(|f| {
                    enough_domain::FieldError::new("days", format!("{}: {}", d.date, f.message))
                })),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        // The days and the safety events their notes call for, in one transaction.
        let (user_id, now, count) = (user.id, self.now().timestamp(), entries.len());
        let assessment = self
            .store
            .write(move |tx| {
                Box::pin(async move { crate::days::save_days_in(tx, user_id, &entries, now).await })
            })
            .await?;
        let support = self.support_for(user, Saving::Import, &assessment);
        Ok((count, support))
    }
}

/// The first problems of a plan, for showing (a million-row file does not need a million lines).
pub fn first_problems(plan: &ImportPlan, limit: usize) -> Vec<&RowProblem> {
    plan.problems.iter().take(limit).collect()
}
