//! enough's own CSV layout, for spreadsheets and other apps.
//!
//! The first line must name the columns, in any order:
//!
//! | column | required | values |
//! |---|---|---|
//! | `date` | yes | `YYYY-MM-DD` |
//! | `daylight_hours` | no | as in the day form: `1.5`, `1,5`, `1:30` (0–24, quarter hours) |
//! | `energy` | no | whole number 0–10 |
//! | `mood` | no | whole number 0–10 |
//! | `outside_morning` | no | `yes`/`no`, `true`/`false`, `1`/`0` (also `y`/`n`, `on`/`off`) |
//! | `note` | no | text, at most 2,000 characters (longer notes are cut, with a warning) |
//!
//! At least one column besides `date` is needed. A column not in this table is a problem
//! naming it (its values are ignored). An empty cell means "not given". A row with any value
//! that cannot be read is skipped whole, with every problem in it listed, so a day is never
//! half-imported; a second row for the same date is skipped too.

use super::csv_rows::{CsvRows, Next, field, index_of, is_blank};
use super::{
    ImportError, ImportPlan, ImportedDay, ImportedFields, RowProblem, SkipReason, check_date,
    clean_note,
};
use crate::account::truncate;
use crate::day::{parse_hours_text, parse_scale_text, parse_yes_no, quarters_from_hours};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::Read;

/// The columns this layout knows, in the documented order.
pub const COLUMNS: [&str; 6] = [
    "date",
    "daylight_hours",
    "energy",
    "mood",
    "outside_morning",
    "note",
];

/// Reads a CSV file in enough's generic layout; `today` is the person's local date.
pub fn import_generic<R: Read>(input: R, today: NaiveDate) -> Result<ImportPlan, ImportError> {
    let mut rows = CsvRows::open(input)?;
    let mut plan = ImportPlan::default();
    let header = rows.header().to_vec();
    for name in &header {
        if !COLUMNS.contains(&name.as_str()) {
            plan.problems.push(RowProblem::error(
                1,
                Some(name),
                format!(
                    "\"{}\" is not a column enough reads, so it is ignored. The columns are: {}.",
                    truncate(name, 40),
                    COLUMNS.join(", ")
                ),
            ));
        }
    }
    let col = |name: &str| index_of(&header, name);
    let Some(date_col) = col("date") else {
        plan.problems.push(RowProblem::error(
            1,
            Some("date"),
            "The first line must name a \"date\" column (with dates written YYYY-MM-DD).",
        ));
        return Ok(plan);
    };
    let [daylight_col, energy_col, mood_col, outside_col, note_col] = [
        col("daylight_hours"),
        col("energy"),
        col("mood"),
        col("outside_morning"),
        col("note"),
    ];
    if [daylight_col, energy_col, mood_col, outside_col, note_col]
        .iter()
        .all(Option::is_none)
    {
        plan.problems.push(RowProblem::error(
            1,
            None,
            "Besides \"date\", the first line must name at least one of: daylight_hours, energy, \
             mood, outside_morning, note.",
        ));
        return Ok(plan);
    }

    let mut days: BTreeMap<NaiveDate, ImportedDay> = BTreeMap::new();
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
        let (line, f) = (row.line, &row.fields);
        if is_blank(f) {
            plan.counts.skip(SkipReason::Blank);
            continue;
        }
        let mut problems = super::Problems::default();
        let date = match crate::day::parse_date("date", field(f, Some(date_col))) {
            Ok(d) => check_date(d, today)
                .map_err(|m| problems.push(RowProblem::error(line, Some("date"), m)))
                .ok()
                .map(|()| d),
            Err(e) => {
                for err in e.0 {
                    problems.push(RowProblem::error(line, Some("date"), err.message));
                }
                None
            }
        };
        let daylight = parse_hours_text(field(f, daylight_col))
            .and_then(|h| h.map(quarters_from_hours).transpose())
            .map_err(|m| problems.push(RowProblem::error(line, Some("daylight_hours"), m)))
            .ok()
            .flatten();
        let mut scale = |label: &str, column: &str, i: Option<usize>| {
            parse_scale_text(label, field(f, i))
                .and_then(|v| match v {
                    Some(v) if !(0..=10).contains(&v) => Err(crate::day::scale_message(label)),
                    _ => Ok(v.and_then(|v| u8::try_from(v).ok())),
                })
                .map_err(|m| problems.push(RowProblem::error(line, Some(column), m)))
                .ok()
                .flatten()
        };
        let energy = scale("Energy", "energy", energy_col);
        let mood = scale("Mood", "mood", mood_col);
        let outside = parse_yes_no(field(f, outside_col))
            .map_err(|m| problems.push(RowProblem::error(line, Some("outside_morning"), m)))
            .ok()
            .flatten();
        let note = clean_note(field(f, note_col), line, "note", &mut problems);
        let failed = problems
            .iter()
            .any(|p| p.severity == super::Severity::Error);
        plan.problems.append(&mut problems);
        let Some(date) = date.filter(|_| !failed) else {
            plan.counts.skip(SkipReason::Problem);
            continue;
        };
        if let Some(earlier) = days.get(&date) {
            plan.problems.push(RowProblem::error(
                line,
                Some("date"),
                format!(
                    "{date} is already on line {}; this row is skipped. Keep one row per day.",
                    earlier.source_rows.first().copied().unwrap_or(0)
                ),
            ));
            plan.counts.skip(SkipReason::Problem);
            continue;
        }
        plan.counts.rows_used += 1;
        days.insert(
            date,
            ImportedDay {
                date,
                fields: ImportedFields {
                    daylight_quarter_hours: daylight,
                    energy,
                    mood,
                    outside_morning: outside,
                    habits: None,
                    note,
                },
                source_rows: vec![line],
            },
        );
    }
    plan.days = days.into_values().collect();
    plan.problems.sort_by_key(|p| p.line);
    Ok(plan)
}
