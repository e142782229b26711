//! The Light & Mood insights: mornings outside compared with mornings indoors, daylight against
//! mood and energy (same day and the next day), and the seasonal habits, each with its
//! uncertainty, or an honest "not enough days yet".

use crate::day::{DayEntry, Habit};
use crate::stats::{
    Carryover, Correlation, GroupComparison, Interval, bartlett_factor, correlate, mean_interval,
    summarize, welch,
};
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
    /// The values never changed, so there is nothing to compare or relate.
    NoVariation {
        /// What stayed the same: "mood", "energy", "daylight", "pleasure".
        what: String,
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
    /// Lag-1 autocorrelation of the outcome over these days.
    pub autocorrelation: f64,
    /// Lag-1 autocorrelation of the group indicator (1 on the first group's days).
    pub group_autocorrelation: f64,
    /// Bartlett's correction factor (1 = not widened; see [`crate::stats::bartlett_factor`]).
    pub factor: f64,
    /// Days that count as independent: (n_a + n_b) / factor.
    pub n_effective: f64,
    /// True when the interval was widened for day-to-day carry-over.
    pub widened: bool,
    /// 95% interval of the first group's mean, widened like the difference.
    pub interval_a: Interval,
    /// 95% interval of the second group's mean, widened like the difference.
    pub interval_b: Interval,
}

impl Comparison {
    fn from_stats(
        outcome: Outcome,
        c: &GroupComparison,
        carry: (&Carryover, &Carryover),
        factor: f64,
    ) -> Self {
        // Kept within the 0–10 scale, so the sentence and the chart quote the same numbers.
        let group = |s| {
            let i = mean_interval(s, factor).unwrap_or(Interval {
                low: s.mean,
                high: s.mean,
            });
            Interval {
                low: i.low.max(0.0),
                high: i.high.min(10.0),
            }
        };
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
            autocorrelation: carry.0.lag1(),
            group_autocorrelation: carry.1.lag1(),
            factor,
            n_effective: c.n_effective,
            widened: factor > 1.0,
            interval_a: group(&c.a),
            interval_b: group(&c.b),
        }
    }

    /// True when neither group varied (both standard deviations 0): there is no range to give.
    pub fn no_spread(&self) -> bool {
        self.sd_a == 0.0 && self.sd_b == 0.0
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
    /// Bartlett's correction factor (1 = not widened).
    pub factor: f64,
}

impl DaylightLink {
    fn from_stats(outcome: Outcome, lag_days: u8, c: &Correlation, factor: f64) -> Self {
        Self {
            outcome,
            lag_days,
            n: c.n,
            r: c.r,
            low: c.interval.low,
            high: c.interval.high,
            rho: c.rho,
            n_effective: c.n_effective,
            factor,
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
    /// Mood's carry-over from day to day (lags 1–3 and the pairs behind them).
    pub mood_carryover: Carryover,
    /// Energy's carry-over from day to day.
    pub energy_carryover: Carryover,
    /// Mornings outside (a) vs indoors (b): mood, then energy.
    pub outside_vs_indoor: Vec<Finding<Comparison>>,
    /// Daylight against mood and energy, same day then next day.
    pub daylight: Vec<Finding<DaylightLink>>,
    /// The seasonal habits.
    pub habits: Vec<HabitInsight>,
}

/// Compares the days marked `true` (a) with the others (b) on `outcome`. `rows` holds
/// (date, in group a, value), one per date that has both values (callers leave out days
/// missing either, so n says how many days were used). The interval is widened by Bartlett's product rule
/// with the outcome and the group indicator as the two series (see [`crate::stats::bartlett_factor`]).
pub fn compare(rows: &[(NaiveDate, bool, f64)], outcome: Outcome) -> Finding<Comparison> {
    let a: Vec<f64> = rows.iter().filter(|r| r.1).map(|r| r.2).collect();
    let b: Vec<f64> = rows.iter().filter(|r| !r.1).map(|r| r.2).collect();
    let not_enough = || Finding::NotEnoughDays {
        have: vec![a.len(), b.len()],
        need: MIN_GROUP_DAYS,
    };
    if a.len() < MIN_GROUP_DAYS || b.len() < MIN_GROUP_DAYS {
        return not_enough();
    }
    if summarize(&[a.as_slice(), b.as_slice()].concat()).is_some_and(|s| s.sd == 0.0) {
        return Finding::NoVariation {
            what: outcome.word().to_owned(),
        };
    }
    let y = Carryover::of(&rows.iter().map(|r| (r.0, r.2)).collect::<Vec<_>>());
    let x = Carryover::of(
        &rows
            .iter()
            .map(|r| (r.0, if r.1 { 1.0 } else { 0.0 }))
            .collect::<Vec<_>>(),
    );
    let factor = bartlett_factor(&x, &y);
    match welch(&a, &b, factor) {
        Some(c) => Finding::Ready(Comparison::from_stats(outcome, &c, (&y, &x), factor)),
        None => not_enough(),
    }
}

/// Relates `x` to `y` over `pairs`; `carry` holds the two series' carry-over.
fn link(
    pairs: &[(f64, f64)],
    outcome: Outcome,
    lag_days: u8,
    carry: (&Carryover, &Carryover),
) -> Finding<DaylightLink> {
    if pairs.len() < MIN_PAIRS {
        return Finding::NotEnoughDays {
            have: vec![pairs.len()],
            need: MIN_PAIRS,
        };
    }
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    let constant = |v: &[f64]| summarize(v).is_some_and(|s| s.sd == 0.0);
    if constant(&x) {
        return Finding::NoVariation {
            what: "daylight".to_owned(),
        };
    }
    if constant(&y) {
        return Finding::NoVariation {
            what: outcome.word().to_owned(),
        };
    }
    let factor = bartlett_factor(carry.0, carry.1);
    match correlate(&x, &y, factor) {
        Some(c) => Finding::Ready(DaylightLink::from_stats(outcome, lag_days, &c, factor)),
        None => Finding::NoVariation {
            what: outcome.word().to_owned(),
        },
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
    let mood_carry = Carryover::of(&series(Outcome::Mood));
    let energy_carry = Carryover::of(&series(Outcome::Energy));
    let daylight_carry = Carryover::of(
        &days
            .iter()
            .filter_map(|d| d.daylight_hours().map(|h| (d.date, h)))
            .collect::<Vec<_>>(),
    );
    let carry_of = |o: Outcome| {
        if o == Outcome::Mood {
            &mood_carry
        } else {
            &energy_carry
        }
    };
    // Only the days that have both the split and the outcome count.
    let rows =
        |split: &dyn Fn(&DayEntry) -> Option<bool>, o: Outcome| -> Vec<(NaiveDate, bool, f64)> {
            days.iter()
                .filter_map(|d| Some((d.date, split(d)?, o.of(d)?)))
                .collect()
        };

    let outside_vs_indoor = [Outcome::Mood, Outcome::Energy]
        .into_iter()
        .map(|o| compare(&rows(&|d| d.outside_morning, o), o))
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
            daylight.push(link(&pairs, o, lag, (&daylight_carry, carry_of(o))));
        }
    }

    let habits = Habit::ALL
        .iter()
        .map(|h| HabitInsight {
            habit: h.key(),
            label: h.label(),
            ticked: days.iter().filter(|d| d.habits.has(*h)).count(),
            logged: days.len(),
            mood: compare(
                &rows(&|d| Some(d.habits.has(*h)), Outcome::Mood),
                Outcome::Mood,
            ),
        })
        .collect();

    LightMoodInsights {
        days: days.len(),
        first: days.first().map(|d| d.date),
        last: days.last().map(|d| d.date),
        mood_autocorrelation: mood_carry.lag1(),
        energy_autocorrelation: energy_carry.lag1(),
        mood_carryover: mood_carry,
        energy_carryover: energy_carry,
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
