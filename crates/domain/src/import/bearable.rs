//! Bearable's CSV export (one row per logged thing, "long format").
//!
//! Header: `date,weekday,time of day,category,rating/amount,detail,notes`; newer exports add a
//! `date formatted` column (`YYYY-MM-DD`), which is preferred when present. Otherwise `date` is
//! read as Bearable writes it, with an ordinal day: `22nd Sep 2020`, `1st Oct 2020`.
//!
//! Only rows of the categories `Mood` and `Energy` are read; every other category (symptoms,
//! sleep, medication, factors…) is skipped and counted, by name, in
//! [`ImportPlan::unmapped`](super::ImportPlan::unmapped).
//!
//! **Scale rule.** Bearable's own help ("What are all the different scales used in Bearable?")
//! says Mood and Energy use a 1 to 10 scale, so by default ([`BearableScale::OneToTen`]) the
//! number is kept as the person gave it: a 7 in Bearable is a 7 here (a Bearable 1 stays 1; 0
//! never occurs). Exports made when a person used a 5-point rating can be read with
//! [`BearableScale::OneToFive`], which spreads 1–5 evenly over 0–10: (x − 1) × 2.5, rounded half
//! up (1 → 0, 2 → 3, 3 → 5, 4 → 8, 5 → 10). The preview shows which rule is in use. Several
//! Mood (or Energy) rows on one day are averaged after mapping, then rounded half up. Notes of
//! those rows are joined in file order.

use super::csv_rows::{CsvRows, Next, field, index_of, is_blank};
use super::{
    ImportError, ImportPlan, ImportedDay, ImportedFields, RowProblem, SkipReason, check_date,
    clean_note, join_notes,
};
use crate::account::truncate;
use crate::import::daylio::month_number;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::Read;

/// How Bearable's Mood and Energy numbers become enough's 0–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BearableScale {
    /// Bearable's current 1–10 scale, kept as is.
    #[default]
    OneToTen,
    /// A 1–5 rating spread over 0–10: (x − 1) × 2.5, rounded half up.
    OneToFive,
}

impl BearableScale {
    /// The rule in words, for the preview.
    pub fn describe(self) -> &'static str {
        match self {
            BearableScale::OneToTen => "Bearable's 1–10 values are kept as they are.",
            BearableScale::OneToFive => {
                "Bearable's 1–5 values are spread over 0–10: 1 → 0, 2 → 3, 3 → 5, 4 → 8, 5 → 10."
            }
        }
    }

    fn range(self) -> (f64, f64) {
        match self {
            BearableScale::OneToTen => (1.0, 10.0),
            BearableScale::OneToFive => (1.0, 5.0),
        }
    }

    /// The 0–10 value (not yet rounded) of a Bearable value, or `None` outside the scale.
    fn map(self, value: f64) -> Option<f64> {
        let (lo, hi) = self.range();
        if !value.is_finite() || value < lo || value > hi {
            return None;
        }
        Some(match self {
            BearableScale::OneToTen => value,
            BearableScale::OneToFive => (value - 1.0) * 2.5,
        })
    }
}

#[derive(Default)]
struct DayAcc {
    mood: Vec<f64>,
    energy: Vec<f64>,
    notes: Vec<String>,
    rows: Vec<usize>,
}

/// Reads a Bearable CSV export; `today` is the person's local date.
pub fn import_bearable<R: Read>(
    input: R,
    scale: BearableScale,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    let mut rows = CsvRows::open(input)?;
    let mut plan = ImportPlan::default();
    let header = rows.header().to_vec();
    let col = |name: &str| index_of(&header, name);
    let (date_col, iso_col) = (col("date"), col("date formatted"));
    let (Some(category_col), Some(rating_col)) = (col("category"), col("rating/amount")) else {
        return Ok(not_bearable(plan, &header));
    };
    if date_col.is_none() && iso_col.is_none() {
        return Ok(not_bearable(plan, &header));
    }
    let notes_col = col("notes");
    let (lo, hi) = scale.range();

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
        let (line, f) = (row.line, &row.fields);
        if is_blank(f) {
            plan.counts.skip(SkipReason::Blank);
            continue;
        }
        let category = field(f, Some(category_col)).trim();
        let is_mood = category.eq_ignore_ascii_case("mood");
        if !is_mood && !category.eq_ignore_ascii_case("energy") {
            plan.counts.skip(SkipReason::NotImported);
            *plan.unmapped.entry(category.to_owned()).or_insert(0) += 1;
            continue;
        }
        let date = match iso_col {
            Some(i) if !field(f, Some(i)).trim().is_empty() => {
                crate::day::parse_date("date", field(f, Some(i)))
                    .ok()
                    .ok_or(("date formatted", field(f, Some(i))))
            }
            _ => parse_ordinal_date(field(f, date_col)).ok_or(("date", field(f, date_col))),
        };
        let date = match date {
            Ok(d) => d,
            Err((column, raw)) => {
                plan.problems.push(RowProblem::error(
                    line,
                    Some(column),
                    format!(
                        "\"{}\" is not a date like \"22nd Sep 2020\" or 2020-09-22.",
                        truncate(raw.trim(), 40)
                    ),
                ));
                plan.counts.skip(SkipReason::Problem);
                continue;
            }
        };
        if let Err(message) = check_date(date, today) {
            plan.problems
                .push(RowProblem::error(line, Some("date"), message));
            plan.counts.skip(SkipReason::Problem);
            continue;
        }
        let raw = field(f, Some(rating_col)).trim();
        let value = raw
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .and_then(|v| scale.map(v));
        let Some(value) = value else {
            plan.problems.push(RowProblem::error(
                line,
                Some("rating/amount"),
                format!(
                    "{} \"{}\" is not a number from {lo} to {hi}. {}",
                    if is_mood { "Mood" } else { "Energy" },
                    truncate(raw, 20),
                    scale.describe()
                ),
            ));
            plan.counts.skip(SkipReason::Problem);
            continue;
        };
        let acc = days.entry(date).or_default();
        acc.rows.push(line);
        if is_mood {
            acc.mood.push(value);
        } else {
            acc.energy.push(value);
        }
        if let Some(note) = clean_note(field(f, notes_col), line, "notes", &mut plan.problems) {
            acc.notes.push(note);
        }
        plan.counts.rows_used += 1;
    }

    for (date, acc) in days {
        let first = acc.rows.first().copied().unwrap_or(0);
        let note = join_notes(&acc.notes, first, &mut plan.problems);
        let mut rows = acc.rows;
        rows.sort_unstable();
        plan.days.push(ImportedDay {
            date,
            fields: ImportedFields {
                mood: mean(&acc.mood),
                energy: mean(&acc.energy),
                note,
                ..ImportedFields::default()
            },
            source_rows: rows,
        });
    }
    plan.problems.sort_by_key(|p| p.line);
    Ok(plan)
}

fn not_bearable(mut plan: ImportPlan, header: &[String]) -> ImportPlan {
    plan.problems.push(RowProblem::error(
        1,
        None,
        format!(
            "This does not look like a Bearable export: the first line has the columns \"{}\", \
             but Bearable's are \"date,weekday,time of day,category,rating/amount,detail,notes\".",
            truncate(&header.join(","), 200)
        ),
    ));
    plan
}

/// The mean of 0–10 values, rounded half up.
fn mean(values: &[f64]) -> Option<u8> {
    if values.is_empty() {
        return None;
    }
    let m = values.iter().sum::<f64>() / values.len() as f64;
    // Values are within 0..=10, so the rounded mean is too.
    Some((m + 0.5).floor().clamp(0.0, 10.0) as u8)
}

/// `22nd Sep 2020`, `1st October 2020`, `3rd Jan 2021` (the suffix must fit the number).
pub fn parse_ordinal_date(raw: &str) -> Option<NaiveDate> {
    let mut parts = raw.split_whitespace();
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = day.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = day[digits.len()..].to_ascii_lowercase();
    let n: u32 = digits.parse().ok()?;
    let expected = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    if !suffix.is_empty() && suffix != expected {
        return None;
    }
    NaiveDate::from_ymd_opt(
        year.trim_end_matches(',').parse().ok()?,
        month_number(month)?,
        n,
    )
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn ordinal_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_ordinal_date("22nd Sep 2020"), d(2020, 9, 22));
        for (text, day) in [
            ("1st", 1),
            ("2nd", 2),
            ("3rd", 3),
            ("4th", 4),
            ("11th", 11),
            ("12th", 12),
            ("13th", 13),
            ("21st", 21),
            ("23rd", 23),
            ("31st", 31),
        ] {
            assert_eq!(
                parse_ordinal_date(&format!("{text} Jan 2021")),
                d(2021, 1, day),
                "{text}"
            );
        }
        assert_eq!(parse_ordinal_date("11st Jan 2021"), None);
        assert_eq!(parse_ordinal_date("31st Sep 2020"), None);
        assert_eq!(parse_ordinal_date("22nd Sep"), None);
    }

    #[test]
    fn five_point_values_spread_over_ten() {
        let s = BearableScale::OneToFive;
        let mapped: Vec<Option<u8>> = (1..=5)
            .map(|x| mean(&[s.map(f64::from(x)).unwrap_or(-1.0)]))
            .collect();
        assert_eq!(mapped, [Some(0), Some(3), Some(5), Some(8), Some(10)]);
        assert_eq!(s.map(6.0), None);
        assert_eq!(BearableScale::OneToTen.map(0.0), None);
    }
}
