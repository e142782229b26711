//! The Light & Mood insights: mornings outside compared with mornings indoors, daylight against
//! mood and energy (same day and the next day), and the seasonal habits, each with its
//! uncertainty, or an honest "not enough days yet".

use crate::day::{DayEntry, Habit};
use crate::stats::{Correlation, GroupComparison, correlate, lag1_autocorrelation, welch};
use chrono::NaiveDate;
use serde::Serialize;

/// Fewest days in each group before two groups are compared.
pub const MIN_GROUP_DAYS: usize = 5;
/// Fewest pairs of days before a correlation is shown.
pub const MIN_PAIRS: usize = 10;

/// Mood or energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Mood, 0–10.
    Mood,
    /// Energy, 0–10.
    Energy,
}

impl Outcome {
    /// The outcome's value on a day, if the day has it.
    pub fn of(self, day: &DayEntry) -> Option<f64> {
        match self {
            Outcome::Mood => day.mood,
            Outcome::Energy => day.energy,
        }
        .map(f64::from)
    }

    /// "mood" or "energy".
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Mood => "mood",
            Outcome::Energy => "energy",
        }
    }
}

/// A statistic, or why it is not shown yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Finding<T> {
    /// Enough data: the statistic.
    Ready(T),
    /// Too few days; how many there are and how many more would do.
    NotEnoughDays {
        /// Days (or pairs) available in each part, e.g. [outside, indoor].
        have: Vec<usize>,
        /// The minimum for each part.
        need: usize,
    },
}

/// Two groups of days compared on one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Mood or energy.
    pub outcome: Outcome,
    /// Days in the first group (e.g. outside mornings).
    pub n_a: usize,
    /// Mean of the first group.
    pub mean_a: f64,
    /// SD of the first group.
    pub sd_a: f64,
    /// Days in the second group.
    pub n_b: usize,
    /// Mean of the second group.
    pub mean_b: f64,
    /// SD of the second group.
    pub sd_b: f64,
    /// mean_a − mean_b.
    pub difference: f64,
    /// 95% interval, lower bound.
    pub low: f64,
    /// 95% interval, upper bound.
    pub high: f64,
    /// Hedges' g, if defined.
    pub hedges_g: Option<f64>,
    /// Lag-1 autocorrelation of the outcome used to widen the interval.
    pub autocorrelation: f64,
    /// True when the interval was widened for day-to-day carry-over.
    pub widened: bool,
}

impl Comparison {
    fn from_stats(outcome: Outcome, c: &GroupComparison, autocorrelation: f64) -> Self {
        Self {
            outcome,
            n_a: c.a.n,
            mean_a: c.a.mean,
            sd_a: c.a.sd,
            n_b: c.b.n,
            mean_b: c.b.mean,
            sd_b: c.b.sd,
            difference: c.difference,
            low: c.interval.low,
            high: c.interval.high,
            hedges_g: c.hedges_g,
            autocorrelation,
            widened: c.widened_by > 1.0,
        }
    }
}

/// A correlation between daylight and an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DaylightLink {
    /// Mood or energy.
    pub outcome: Outcome,
    /// 0 = the same day, 1 = daylight today against the outcome tomorrow.
    pub lag_days: u8,
    /// Pairs of days.
    pub n: usize,
    /// Pearson's r.
    pub r: f64,
    /// 95% interval for r, lower bound.
    pub low: f64,
    /// 95% interval for r, upper bound.
    pub high: f64,
    /// Spearman's rho.
    pub rho: f64,
    /// Pairs counted as independent after allowing for carry-over.
    pub n_effective: f64,
}

impl DaylightLink {
    fn from_stats(outcome: Outcome, lag_days: u8, c: &Correlation) -> Self {
        Self {
            outcome,
            lag_days,
            n: c.n,
            r: c.r,
            low: c.interval.low,
            high: c.interval.high,
            rho: c.rho,
            n_effective: c.n_effective,
        }
    }
}

/// One seasonal habit: how often it was ticked, and mood with and without it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HabitInsight {
    /// The habit's key.
    pub habit: &'static str,
    /// The habit's label.
    pub label: &'static str,
    /// Days it was ticked.
    pub ticked: usize,
    /// Days logged.
    pub logged: usize,
    /// Mood on days with it (a) vs without (b).
    pub mood: Finding<Comparison>,
}

/// Everything the insights page shows for a range of days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LightMoodInsights {
    /// Days logged in the range.
    pub days: usize,
    /// First logged date.
    pub first: Option<NaiveDate>,
    /// Last logged date.
    pub last: Option<NaiveDate>,
    /// Lag-1 autocorrelation of mood.
    pub mood_autocorrelation: f64,
    /// Lag-1 autocorrelation of energy.
    pub energy_autocorrelation: f64,
    /// Mornings outside (a) vs indoors (b): mood, then energy.
    pub outside_vs_indoor: Vec<Finding<Comparison>>,
    /// Daylight against mood and energy, same day then next day.
    pub daylight: Vec<Finding<DaylightLink>>,
    /// The seasonal habits.
    pub habits: Vec<HabitInsight>,
}

/// Compares `outcome` between the days `split` puts in group a and in group b. Only days that
/// have both values count (the split's and the outcome's); `n_a` and `n_b` say how many.
pub(crate) fn compare(
    days: &[&DayEntry],
    split: impl Fn(&DayEntry) -> Option<bool>,
    outcome: Outcome,
    lag1: f64,
) -> Finding<Comparison> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for d in days {
        if let (Some(side), Some(value)) = (split(d), outcome.of(d)) {
            if side { a.push(value) } else { b.push(value) }
        }
    }
    if a.len() < MIN_GROUP_DAYS || b.len() < MIN_GROUP_DAYS {
        return Finding::NotEnoughDays {
            have: vec![a.len(), b.len()],
            need: MIN_GROUP_DAYS,
        };
    }
    match welch(&a, &b, lag1) {
        Some(c) => Finding::Ready(Comparison::from_stats(outcome, &c, lag1)),
        None => Finding::NotEnoughDays {
            have: vec![a.len(), b.len()],
            need: MIN_GROUP_DAYS,
        },
    }
}

fn link(
    pairs: &[(f64, f64)],
    outcome: Outcome,
    lag_days: u8,
    lag_x: f64,
    lag_y: f64,
) -> Finding<DaylightLink> {
    let not_enough = || Finding::NotEnoughDays {
        have: vec![pairs.len()],
        need: MIN_PAIRS,
    };
    if pairs.len() < MIN_PAIRS {
        return not_enough();
    }
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    match correlate(&x, &y, lag_x, lag_y) {
        Some(c) => Finding::Ready(DaylightLink::from_stats(outcome, lag_days, &c)),
        // Daylight or the outcome did not vary at all: nothing to relate.
        None => not_enough(),
    }
}

/// Computes the insights for the given days (any order, one entry per date).
pub fn light_mood_insights(entries: &[DayEntry]) -> LightMoodInsights {
    let mut days: Vec<&DayEntry> = entries.iter().collect();
    days.sort_by_key(|d| d.date);
    let series = |outcome: Outcome| {
        days.iter()
            .filter_map(|d| outcome.of(d).map(|v| (d.date, v)))
            .collect::<Vec<_>>()
    };
    let mood_lag1 = lag1_autocorrelation(&series(Outcome::Mood));
    let energy_lag1 = lag1_autocorrelation(&series(Outcome::Energy));
    let daylight_lag1 = lag1_autocorrelation(
        &days
            .iter()
            .filter_map(|d| d.daylight_hours().map(|h| (d.date, h)))
            .collect::<Vec<_>>(),
    );
    let lag_of = |o: Outcome| {
        if o == Outcome::Mood {
            mood_lag1
        } else {
            energy_lag1
        }
    };

    let outside_vs_indoor = [Outcome::Mood, Outcome::Energy]
        .into_iter()
        .map(|o| compare(&days, |d| d.outside_morning, o, lag_of(o)))
        .collect();

    let mut daylight = Vec::new();
    // Only pairs where both values are known count; `n` in each link says how many.
    let both = |x: Option<f64>, y: Option<f64>| x.zip(y);
    for lag in [0u8, 1] {
        for o in [Outcome::Mood, Outcome::Energy] {
            let pairs: Vec<(f64, f64)> = if lag == 0 {
                days.iter()
                    .filter_map(|d| both(d.daylight_hours(), o.of(d)))
                    .collect()
            } else {
                // Days are sorted and unique, so the next calendar day can only be the next entry.
                days.windows(2)
                    .filter(|w| w[0].date.succ_opt() == Some(w[1].date))
                    .filter_map(|w| both(w[0].daylight_hours(), o.of(w[1])))
                    .collect()
            };
            daylight.push(link(&pairs, o, lag, daylight_lag1, lag_of(o)));
        }
    }

    let habits = Habit::ALL
        .iter()
        .map(|h| HabitInsight {
            habit: h.key(),
            label: h.label(),
            ticked: days.iter().filter(|d| d.habits.has(*h)).count(),
            logged: days.len(),
            mood: compare(&days, |d| Some(d.habits.has(*h)), Outcome::Mood, mood_lag1),
        })
        .collect();

    LightMoodInsights {
        days: days.len(),
        first: days.first().map(|d| d.date),
        last: days.last().map(|d| d.date),
        mood_autocorrelation: mood_lag1,
        energy_autocorrelation: energy_lag1,
        outside_vs_indoor,
        daylight,
        habits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Habits;

    /// 60 days: mornings outside every other day, with mood about 2 points higher on them.
    fn seeded(days: u64, outside_bonus: u8) -> Vec<DayEntry> {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        (0..days)
            .map(|i| {
                let outside = i % 2 == 0;
                let wobble = (i * 7 % 5) as u8;
                DayEntry {
                    date: start + chrono::Days::new(i),
                    daylight_quarter_hours: Some(if outside { 8 + wobble } else { wobble }),
                    energy: Some(3 + wobble),
                    mood: Some(3 + wobble / 2 + if outside { outside_bonus } else { 0 }),
                    outside_morning: Some(outside),
                    habits: Habits {
                        got_outside: outside,
                        ..Habits::default()
                    },
                    note: None,
                }
            })
            .collect()
    }

    #[test]
    fn a_clear_difference_is_found_with_an_interval_above_zero() {
        let insights = light_mood_insights(&seeded(60, 2));
        assert_eq!(insights.days, 60);
        let Finding::Ready(mood) = &insights.outside_vs_indoor[0] else {
            panic!("enough days")
        };
        assert_eq!((mood.n_a, mood.n_b), (30, 30));
        assert!((mood.difference - 2.0).abs() < 1e-9);
        assert!(mood.low > 0.0 && mood.high > mood.difference);
        let Finding::Ready(same_day) = &insights.daylight[0] else {
            panic!("enough pairs")
        };
        assert!(same_day.r > 0.5, "daylight and mood go together here");
        assert_eq!(insights.daylight.len(), 4);
    }

    #[test]
    fn too_few_days_give_no_numbers() {
        let insights = light_mood_insights(&seeded(6, 2));
        assert!(
            matches!(&insights.outside_vs_indoor[0], Finding::NotEnoughDays { have, need: 5 } if have == &vec![3, 3])
        );
        assert!(
            insights
                .daylight
                .iter()
                .all(|f| matches!(f, Finding::NotEnoughDays { .. }))
        );
        assert!(
            insights
                .habits
                .iter()
                .all(|h| matches!(h.mood, Finding::NotEnoughDays { .. }))
        );
        let empty = light_mood_insights(&[]);
        assert_eq!(empty.days, 0);
        assert_eq!(empty.first, None);
    }

    #[test]
    fn the_next_day_pairs_only_consecutive_days() {
        let mut days = seeded(30, 1);
        days.retain(|d| d.date.format("%d").to_string().parse::<u32>().unwrap() % 3 != 0);
        let insights = light_mood_insights(&days);
        let Finding::Ready(next) = &insights.daylight[2] else {
            panic!("enough pairs")
        };
        assert!(next.n < days.len() - 1, "gaps break next-day pairs");
    }
}
