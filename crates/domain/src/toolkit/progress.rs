//! Progress over the toolkit: how many exercises were finished, in which months, and how the
//! before/after ratings moved within them. No streaks and no targets: counts are shown as they
//! are, and every change comes with how many entries it rests on and how sure it is.

use super::answers::{Answer, Answers};
use super::catalogue::catalogue;
use super::content::{Better, ChangeDef, ExerciseDef, StepKind};
use super::validate::Status;
use crate::stats::distributions::t_quantile;
use crate::stats::{Interval, summarize};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Fewest entries for an estimate of a change.
pub const MIN_ENTRIES: usize = 3;

/// What progress needs to know about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFacts {
    /// The exercise id, e.g. `rigid-rule`.
    pub kind: String,
    /// The entry's day.
    pub date: NaiveDate,
    /// How far along it is; only [`Status::Done`] entries count.
    pub status: Status,
    /// Its answers.
    pub answers: Answers,
}

/// How one before/after pair moved across finished entries of one exercise.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeSummary {
    /// The exercise id.
    pub kind: String,
    /// What changed, from the exercise's file.
    pub label: String,
    /// Which direction the person hopes for.
    pub better: Better,
    /// Finished entries with both ratings.
    pub n: usize,
    /// Mean of the first rating.
    pub mean_before: f64,
    /// Mean of the second rating.
    pub mean_after: f64,
    /// Mean of after − before.
    pub mean_change: f64,
    /// 95% t-interval of the mean change; `None` with fewer than [`MIN_ENTRIES`].
    pub interval: Option<Interval>,
    /// The plain-language summary.
    pub sentence: String,
}

/// Progress over all entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Finished entries per exercise id, in catalogue order, leaving out exercises with none.
    pub counts: Vec<(String, usize)>,
    /// Finished entries per month (`YYYY-MM`), oldest first, leaving out empty months.
    pub by_month: Vec<(String, usize)>,
    /// Every before/after pair with at least one finished entry holding both ratings.
    pub changes: Vec<ChangeSummary>,
}

/// The before and after values of `change` in one entry, if both are there. For a pair naming
/// one emotions step, the mean intensity of the emotions that were re-rated.
pub fn change_values(
    def: &ExerciseDef,
    change: &ChangeDef,
    answers: &Answers,
) -> Option<(f64, f64)> {
    let step = def.step(&change.before)?;
    if change.before == change.after && step.kind == StepKind::Emotions {
        let Some(Answer::Emotions(list)) = answers.get(&step.id) else {
            return None;
        };
        let pairs: Vec<(f64, f64)> = list
            .iter()
            .filter_map(|e| Some((f64::from(e.before), f64::from(e.after?))))
            .collect();
        if pairs.is_empty() {
            return None;
        }
        let n = pairs.len() as f64;
        let before = pairs.iter().map(|p| p.0).sum::<f64>() / n;
        let after = pairs.iter().map(|p| p.1).sum::<f64>() / n;
        return Some((before, after));
    }
    Some((
        f64::from(answers.rating(&change.before)?),
        f64::from(answers.rating(&change.after)?),
    ))
}

/// The top of the scale a change is rated on (100 for emotions).
fn scale_max(def: &ExerciseDef, change: &ChangeDef) -> u16 {
    match def.step(&change.before).map(|s| &s.kind) {
        Some(StepKind::Rating { max, .. }) => *max,
        _ => 100,
    }
}

fn entries_word(n: usize) -> String {
    if n == 1 {
        "1 finished entry".to_owned()
    } else {
        format!("{n} finished entries")
    }
}

/// The plain-language sentence for one change.
fn change_sentence(
    def: &ExerciseDef,
    change: &ChangeDef,
    n: usize,
    means: (f64, f64, f64),
    interval: Option<Interval>,
) -> String {
    let (before, after, diff) = means;
    let head = format!("{} ({})", change.label, def.title);
    let Some(interval) = interval else {
        return format!(
            "{head}: too few to tell yet. {} {} both ratings; {MIN_ENTRIES} are needed for an estimate.",
            entries_word(n),
            if n == 1 { "has" } else { "have" },
        );
    };
    let max = scale_max(def, change);
    let decimals = if max <= 10 { 1 } else { 0 };
    // Rounds half away from zero (the formatter alone rounds half to even); adding 0.0 turns
    // a rounded −0 into 0.
    let scale = if decimals == 1 { 10.0 } else { 1.0 };
    let num = |x: f64| format!("{:.*}", decimals, (x * scale).round() / scale + 0.0);
    let amount = |x: f64| {
        let v = num(x.abs());
        let unit = if v == "1" || v == "1.0" {
            "point"
        } else {
            "points"
        };
        format!("{v} {unit}")
    };
    let direction = |x: f64| if x < 0.0 { "lower" } else { "higher" };
    let moved = if num(diff.abs()) == num(0.0) {
        "about the same".to_owned()
    } else {
        format!("{} {}", amount(diff), direction(diff))
    };
    let range = if interval.low == interval.high {
        "the same change in every entry, so no range can be given".to_owned()
    } else if interval.low < 0.0 && interval.high > 0.0 {
        format!(
            "likely between {} lower and {} higher",
            amount(interval.low),
            amount(interval.high)
        )
    } else {
        let (near, far) = if diff < 0.0 {
            (interval.high, interval.low)
        } else {
            (interval.low, interval.high)
        };
        let (near, far) =
            crate::reflection::bounds(near.abs(), far.abs(), usize::from(decimals == 1));
        let unit = if far == "1" || far == "1.0" {
            "point"
        } else {
            "points"
        };
        format!("likely between {near} and {far} {unit} {}", direction(diff))
    };
    let mut s = format!(
        "{head}: across {}, it went from {} before to {} after on average (0 to {max} scale), \
         {moved}, {range}.",
        entries_word(n),
        num(before),
        num(after),
    );
    if interval.low <= 0.0 && interval.high >= 0.0 {
        s.push_str(
            " That range includes no change at all, so these entries can't tell yet whether it \
             tends to move during this exercise.",
        );
    } else {
        s.push_str(
            " This is how the rating moved within the exercise; it doesn't show what caused it.",
        );
    }
    if n < 10 {
        s.push_str(" With so few entries, treat it as a first hint.");
    }
    s
}

/// Summarises one change over the finished entries of its exercise; `None` when no entry holds
/// both ratings.
fn summarize_change(
    def: &ExerciseDef,
    change: &ChangeDef,
    entries: &[&EntryFacts],
) -> Option<ChangeSummary> {
    let pairs: Vec<(f64, f64)> = entries
        .iter()
        .filter_map(|e| change_values(def, change, &e.answers))
        .collect();
    let before: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let after: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let diffs: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
    let (b, a, d) = (summarize(&before)?, summarize(&after)?, summarize(&diffs)?);
    let interval = (d.n >= MIN_ENTRIES).then(|| {
        let n = d.n as f64;
        let half = t_quantile(0.975, n - 1.0) * d.sd / n.sqrt();
        Interval {
            low: d.mean - half,
            high: d.mean + half,
        }
    });
    Some(ChangeSummary {
        kind: def.id.clone(),
        label: change.label.clone(),
        better: change.better,
        n: d.n,
        mean_before: b.mean,
        mean_after: a.mean,
        mean_change: d.mean,
        interval,
        sentence: change_sentence(def, change, d.n, (b.mean, a.mean, d.mean), interval),
    })
}

/// Progress over `entries` (any order, any status; only finished ones count).
pub fn progress(entries: &[EntryFacts]) -> Progress {
    let done: Vec<&EntryFacts> = entries
        .iter()
        .filter(|e| e.status == Status::Done)
        .collect();
    let mut by_month: BTreeMap<String, usize> = BTreeMap::new();
    for e in &done {
        *by_month
            .entry(format!("{:04}-{:02}", e.date.year(), e.date.month()))
            .or_default() += 1;
    }
    let mut counts = Vec::new();
    let mut changes = Vec::new();
    for def in &catalogue().exercises {
        let of_kind: Vec<&EntryFacts> = done.iter().copied().filter(|e| e.kind == def.id).collect();
        if of_kind.is_empty() {
            continue;
        }
        counts.push((def.id.clone(), of_kind.len()));
        changes.extend(
            def.changes
                .iter()
                .filter_map(|c| summarize_change(def, c, &of_kind)),
        );
    }
    Progress {
        counts,
        by_month: by_month.into_iter().collect(),
        changes,
    }
}
