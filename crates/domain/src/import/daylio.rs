//! Daylio's CSV export ("Export entries (CSV)").
//!
//! Both layouts are read: the current 8 columns
//! `full_date,date,weekday,time,mood,activities,note_title,note` and the older 7 columns
//! `year,date,weekday,time,mood,activities,note` (where `date` is like `28 September`). Times
//! may be 12-hour (`10:00 pm`) or 24-hour (`18:52`); rows run newest first, and a day may have
//! several entries.
//!
//! What becomes of a day's entries:
//! - **mood**: each entry's label is looked up in a [`MoodMapping`], which the preview shows to
//!   the person and lets them edit (Daylio lets people rename moods and add their own, so no
//!   fixed table can be right for everyone). Several entries on one day give their mean,
//!   rounded half up. An unknown label is a problem naming it, and that entry is skipped, so
//!   the person can add the label to the mapping and preview again.
//! - **habits**: each activity (items separated by ` | `) is matched against an
//!   [`ActivityMapping`] of keywords; a keyword matches when an activity has a word starting
//!   with it ("walk" matches "walking"). Activities that match nothing are counted in
//!   [`ImportPlan::unmapped`] and listed by name in the preview, never guessed. The mapping has
//!   a text form, one habit per line (`moved_my_body: walk, yoga`), for people to edit.
//! - **note**: `note_title` and `note` of each entry are joined (title on its own line), the
//!   day's notes joined in time order with a blank line between them (when a day has several,
//!   each starts with its time, e.g. `21:15 — `), and cut to 2,000 characters with a warning.
//! - Daylio has no daylight, energy or outside-in-the-morning values; see the module docs of
//!   [`crate::import`] for what happens to new days.

use super::csv_rows::{CsvRows, Next, field, index_of, is_blank};
use super::{
    ImportError, ImportPlan, ImportedDay, ImportedFields, RowProblem, SkipReason, check_date,
    clean_note, join_notes, mean_rounded,
};
use crate::ValidationErrors;
use crate::account::truncate;
use crate::day::{Habit, Habits};
use chrono::{NaiveDate, NaiveTime};
use std::collections::BTreeMap;
use std::io::Read;

/// Daylio mood labels and the 0–10 value each stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoodMapping {
    entries: Vec<(String, u8)>,
}

impl Default for MoodMapping {
    /// Daylio's five default moods spread evenly over 0–10 (rad 10, good 7.5 → 8, meh 5,
    /// bad 2.5 → 3, awful 0), plus `fugly`, the name older versions gave to level 2.
    fn default() -> Self {
        Self {
            entries: [
                ("rad", 10),
                ("good", 8),
                ("meh", 5),
                ("bad", 3),
                ("fugly", 3),
                ("awful", 0),
            ]
            .into_iter()
            .map(|(l, v)| (l.to_owned(), v))
            .collect(),
        }
    }
}

impl MoodMapping {
    /// A mapping from the person's own labels; a value above 10 is refused.
    pub fn new<S: AsRef<str>>(pairs: impl IntoIterator<Item = (S, u8)>) -> Result<Self, String> {
        let mut mapping = Self {
            entries: Vec::new(),
        };
        for (label, value) in pairs {
            mapping.set(label.as_ref(), value)?;
        }
        Ok(mapping)
    }

    /// Adds or changes one label; a value above 10 is refused.
    pub fn set(&mut self, label: &str, value: u8) -> Result<(), String> {
        if value > 10 {
            return Err(format!(
                "\"{}\" must map to a mood from 0 to 10, not {value}.",
                truncate(label.trim(), 40)
            ));
        }
        let key = normalise(label);
        match self.entries.iter_mut().find(|(l, _)| *l == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
        Ok(())
    }

    /// The value for `label` (case and surrounding spaces ignored).
    pub fn get(&self, label: &str) -> Option<u8> {
        let key = normalise(label);
        self.entries
            .iter()
            .find(|(l, _)| *l == key)
            .map(|(_, v)| *v)
    }

    /// Every label and its value, for showing and editing.
    pub fn entries(&self) -> &[(String, u8)] {
        &self.entries
    }
}

/// Keywords that tick a habit when a Daylio activity contains a word starting with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityMapping {
    entries: Vec<(String, Habit)>,
}

/// The default activity keywords; one keyword may tick several habits ("walk").
pub const DEFAULT_ACTIVITY_KEYWORDS: &[(&str, Habit)] = &[
    ("walk", Habit::MovedMyBody),
    ("sport", Habit::MovedMyBody),
    ("exercise", Habit::MovedMyBody),
    ("gym", Habit::MovedMyBody),
    ("cycling", Habit::MovedMyBody),
    ("run", Habit::MovedMyBody),
    ("yoga", Habit::MovedMyBody),
    ("swim", Habit::MovedMyBody),
    ("dance", Habit::MovedMyBody),
    ("outdoors", Habit::GotOutside),
    ("outside", Habit::GotOutside),
    ("nature", Habit::GotOutside),
    ("walk", Habit::GotOutside),
    ("garden", Habit::GotOutside),
    ("hiking", Habit::GotOutside),
    ("friends", Habit::SocialContact),
    ("family", Habit::SocialContact),
    ("party", Habit::SocialContact),
    ("date", Habit::SocialContact),
    ("good meal", Habit::NourishingFood),
    ("cooking", Habit::NourishingFood),
    ("healthy", Habit::NourishingFood),
    ("eat healthy", Habit::NourishingFood),
    ("movies", Habit::JoyfulActivity),
    ("reading", Habit::JoyfulActivity),
    ("gaming", Habit::JoyfulActivity),
    ("hobby", Habit::JoyfulActivity),
    ("hobbies", Habit::JoyfulActivity),
    ("music", Habit::JoyfulActivity),
];

impl Default for ActivityMapping {
    fn default() -> Self {
        Self::new(DEFAULT_ACTIVITY_KEYWORDS.iter().copied())
    }
}

impl ActivityMapping {
    /// A mapping from (keyword, habit) pairs; keywords are compared without case.
    pub fn new<S: AsRef<str>>(pairs: impl IntoIterator<Item = (S, Habit)>) -> Self {
        Self {
            entries: pairs
                .into_iter()
                .map(|(k, h)| (normalise(k.as_ref()), h))
                .filter(|(k, _)| !k.is_empty())
                .collect(),
        }
    }

    /// Every keyword and its habit, for showing and editing.
    pub fn entries(&self) -> &[(String, Habit)] {
        &self.entries
    }

    /// Reads the text form: one line per habit, its key (or its label) then a colon and the
    /// keywords separated by commas, e.g. `moved_my_body: walk, sport, yoga`; lines may also be
    /// separated by `;`. Empty text means the defaults. Errors name the field `activities`.
    pub fn parse(text: &str) -> Result<Self, ValidationErrors> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let mut entries = Vec::new();
        let fail = |msg: String| Err(ValidationErrors::single("activities", msg));
        for line in text
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let shown = truncate(line, 60);
            let Some((name, keywords)) = line.split_once(':') else {
                return fail(format!(
                    "\"{shown}\" should look like habit: activity, activity, e.g. \
                     moved_my_body: walk, yoga."
                ));
            };
            let Some(habit) = habit_named(name) else {
                return fail(format!(
                    "\"{}\" is not a habit; use one of {}.",
                    truncate(name.trim(), 40),
                    Habit::ALL.map(Habit::key).join(", ")
                ));
            };
            let keywords: Vec<String> = keywords.split(',').map(normalise).collect();
            if keywords.iter().any(String::is_empty) {
                return fail(format!(
                    "\"{shown}\" has an empty activity; list activities separated by commas \
                     (or delete the line)."
                ));
            }
            entries.extend(keywords.into_iter().map(|k| (k, habit)));
        }
        Ok(Self { entries })
    }

    /// The text form [`ActivityMapping::parse`] reads: one line per habit that has keywords,
    /// in checklist order.
    pub fn to_text(&self) -> String {
        Habit::ALL
            .into_iter()
            .filter_map(|habit| {
                let keywords: Vec<&str> = self
                    .entries
                    .iter()
                    .filter(|(_, h)| *h == habit)
                    .map(|(k, _)| k.as_str())
                    .collect();
                (!keywords.is_empty()).then(|| format!("{}: {}", habit.key(), keywords.join(", ")))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The habits one activity ticks.
    pub fn habits_for(&self, activity: &str) -> Habits {
        let activity = normalise(activity);
        let mut habits = Habits::default();
        for (keyword, habit) in &self.entries {
            if word_prefix_match(&activity, keyword) {
                habits.set(*habit, true);
            }
        }
        habits
    }
}

/// The habit with this key (`moved_my_body`) or label (`Moved my body`), case ignored.
fn habit_named(name: &str) -> Option<Habit> {
    let name = normalise(name);
    Habit::ALL
        .into_iter()
        .find(|h| h.key() == name.replace(' ', "_") || h.label().to_lowercase() == name)
}

/// True when `keyword` occurs in `text` starting at a word boundary.
fn word_prefix_match(text: &str, keyword: &str) -> bool {
    text.match_indices(keyword).any(|(i, _)| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

fn normalise(label: &str) -> String {
    label.trim().to_lowercase()
}

/// Options for reading a Daylio export; both mappings are shown to the person.
#[derive(Debug, Clone, Default)]
pub struct DaylioOptions {
    /// Mood labels to 0–10.
    pub moods: MoodMapping,
    /// Activity keywords to habits.
    pub activities: ActivityMapping,
}

#[derive(Default)]
struct DayAcc {
    moods: Vec<u8>,
    habits: Habits,
    /// (time of the entry, line, note); sorted by time before joining.
    notes: Vec<(Option<NaiveTime>, usize, String)>,
    rows: Vec<usize>,
}

enum Layout {
    /// `full_date` column.
    Current { full_date: usize },
    /// `year` + `date` (`28 September`).
    Older { year: usize, date: usize },
}

/// Reads a Daylio CSV export into days; `today` is the person's local date.
pub fn import_daylio<R: Read>(
    input: R,
    options: &DaylioOptions,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    let mut rows = CsvRows::open(input)?;
    let mut plan = ImportPlan::default();
    let header = rows.header().to_vec();
    let col = |name: &str| index_of(&header, name);
    let layout = match (col("full_date"), col("year"), col("date")) {
        (Some(full_date), _, _) => Some(Layout::Current { full_date }),
        (None, Some(year), Some(date)) => Some(Layout::Older { year, date }),
        _ => None,
    };
    let mood_col = col("mood");
    let (Some(layout), Some(mood_col)) = (layout, mood_col) else {
        plan.problems.push(RowProblem::error(
            1,
            None,
            format!(
                "This does not look like a Daylio export: the first line has the columns \"{}\", \
                 but Daylio's are \"full_date,date,weekday,time,mood,activities,note_title,note\" \
                 (or \"year,date,weekday,time,mood,activities,note\" in older versions).",
                truncate(&header.join(","), 200)
            ),
        ));
        return Ok(plan);
    };
    let time_col = col("time");
    let activities_col = col("activities");
    let title_col = col("note_title");
    let note_col = col("note");

    let mut days: BTreeMap<NaiveDate, DayAcc> = BTreeMap::new();
    loop {
        let row = match rows.next_row()? {
            Next::End => break,
            Next::Unreadable(problem) => {
                plan.counts.rows_read += 1;
                plan.counts.skip(SkipReason::Problem);
                plan.problems.push(problem);
                continue;
            }
            Next::Row(row) => row,
        };
        plan.counts.rows_read += 1;
        if is_blank(&row.fields) {
            plan.counts.skip(SkipReason::Blank);
            continue;
        }
        let line = row.line;
        let f = &row.fields;
        let date = match &layout {
            Layout::Current { full_date } => parse_iso(field(f, Some(*full_date)))
                .ok_or_else(|| ("full_date", bad_date(field(f, Some(*full_date))))),
            Layout::Older { year, date } => {
                parse_day_month(field(f, Some(*year)), field(f, Some(*date))).ok_or_else(|| {
                    (
                        "date",
                        format!(
                            "\"{} {}\" is not a date Daylio writes (like \"28 September\" with \
                             the year 2020).",
                            truncate(field(f, Some(*date)).trim(), 40),
                            truncate(field(f, Some(*year)).trim(), 10)
                        ),
                    )
                })
            }
        };
        let date =
            match date.and_then(|d| check_date(d, today).map(|()| d).map_err(|m| ("date", m))) {
                Ok(d) => d,
                Err((column, message)) => {
                    plan.problems
                        .push(RowProblem::error(line, Some(column), message));
                    plan.counts.skip(SkipReason::Problem);
                    continue;
                }
            };
        let label = field(f, Some(mood_col));
        let Some(mood) = options.moods.get(label) else {
            let message = if label.trim().is_empty() {
                "The mood is empty.".to_owned()
            } else {
                format!(
                    "The mood \"{}\" is not in the mood mapping; add it with a value from 0 to 10 \
                     and preview again.",
                    truncate(label.trim(), 40)
                )
            };
            plan.problems
                .push(RowProblem::error(line, Some("mood"), message));
            plan.counts.skip(SkipReason::Problem);
            continue;
        };
        let time_text = field(f, time_col);
        let time = parse_time(time_text);
        if time.is_none() && !time_text.trim().is_empty() {
            plan.problems.push(RowProblem::warning(
                line,
                Some("time"),
                format!(
                    "\"{}\" is not a time like 18:52 or 10:00 pm; the entry is kept, its note \
                     placed by line order.",
                    truncate(time_text.trim(), 20)
                ),
            ));
        }
        let acc = days.entry(date).or_default();
        acc.rows.push(line);
        acc.moods.push(mood);
        for activity in field(f, activities_col).split('|') {
            let activity = activity.trim();
            if activity.is_empty() {
                continue;
            }
            let habits = options.activities.habits_for(activity);
            if habits.to_bits() == 0 {
                *plan.unmapped.entry(normalise(activity)).or_insert(0) += 1;
            }
            acc.habits = Habits::from_bits(acc.habits.to_bits() | habits.to_bits());
        }
        let title = field(f, title_col).trim();
        let body = field(f, note_col).trim();
        let note = match (title.is_empty(), body.is_empty()) {
            (true, true) => None,
            (false, true) => Some(title.to_owned()),
            (true, false) => Some(body.to_owned()),
            (false, false) => Some(format!("{title}\n{body}")),
        };
        if let Some(note) = note.and_then(|n| clean_note(&n, line, "note", &mut plan.problems)) {
            acc.notes.push((time, line, note));
        }
        plan.counts.rows_used += 1;
    }

    for (date, mut acc) in days {
        // Oldest entry first: by time, and for equal or unknown times by line from the bottom
        // (Daylio writes newest first).
        acc.notes.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        // One note stays as written; several are each kept with their time ("21:15 — …").
        let several = acc.notes.len() > 1;
        let notes: Vec<String> = acc
            .notes
            .into_iter()
            .map(|(time, _, n)| match time {
                Some(t) if several => format!("{} — {n}", t.format("%H:%M")),
                _ => n,
            })
            .collect();
        acc.rows.sort_unstable();
        let first = acc.rows.first().copied().unwrap_or(0);
        let note = join_notes(&notes, first, &mut plan.problems);
        plan.days.push(ImportedDay {
            date,
            fields: ImportedFields {
                mood: mean_rounded(&acc.moods),
                habits: (acc.habits.to_bits() != 0).then_some(acc.habits),
                note,
                ..ImportedFields::default()
            },
            source_rows: acc.rows,
        });
    }
    plan.problems.sort_by_key(|p| p.line);
    Ok(plan)
}

fn bad_date(raw: &str) -> String {
    format!(
        "\"{}\" is not a date written YYYY-MM-DD.",
        truncate(raw.trim(), 40)
    )
}

fn parse_iso(raw: &str) -> Option<NaiveDate> {
    crate::day::parse_date("date", raw).ok()
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month number of an English month name or its first three letters.
pub(crate) fn month_number(name: &str) -> Option<u32> {
    let name = name.trim().trim_end_matches('.').to_lowercase();
    if name.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&name) && (name.len() == 3 || name == *m || name == "sept"))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `28 September` or `September 28`, with the year from its own column.
fn parse_day_month(year: &str, day_month: &str) -> Option<NaiveDate> {
    let year: i32 = year.trim().parse().ok()?;
    let mut parts = day_month.split_whitespace();
    let (a, b) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (day, month) = match a.parse::<u32>() {
        Ok(day) => (day, month_number(b)?),
        Err(_) => (b.parse().ok()?, month_number(a)?),
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `18:52`, `6:52`, `10:00 pm`, `10:00 PM`, `10:00pm`.
fn parse_time(raw: &str) -> Option<NaiveTime> {
    let text = raw.trim().to_lowercase();
    let (clock, meridiem) = if let Some(t) = text.strip_suffix("am") {
        (t.trim(), Some(false))
    } else if let Some(t) = text.strip_suffix("pm") {
        (t.trim(), Some(true))
    } else {
        (text.as_str(), None)
    };
    let (h, m) = clock.split_once(':')?;
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    let hour = match meridiem {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    NaiveTime::from_hms_opt(hour, m, 0)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn times_in_both_clocks() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("10:00 pm"), t(22, 0));
        assert_eq!(parse_time("12:05 am"), t(0, 5));
        assert_eq!(parse_time("12:30 PM"), t(12, 30));
        assert_eq!(parse_time("18:52"), t(18, 52));
        assert_eq!(parse_time("13:00 pm"), None);
        assert_eq!(parse_time("soon"), None);
    }

    #[test]
    fn keywords_match_at_word_starts() {
        let m = ActivityMapping::default();
        let walking = m.habits_for("Walking ");
        assert!(walking.moved_my_body && walking.got_outside);
        assert!(m.habits_for("movies / tv").joyful_activity);
        assert_eq!(
            m.habits_for("update").to_bits(),
            0,
            "no match inside a word"
        );
        assert!(m.habits_for("Good Meal").nourishing_food);
    }

    #[test]
    fn months_by_name() {
        assert_eq!(month_number("September"), Some(9));
        assert_eq!(month_number("Sep"), Some(9));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Maybe"), None);
    }
}
