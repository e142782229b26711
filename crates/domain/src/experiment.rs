//! The Light & Mood experiment: a randomised N-of-1 trial. Each week of the experiment has
//! its mornings assigned at random, balanced (4 and 3, the larger half alternating at random),
//! to "go outside" or "stay in". At the end, mood and energy are compared by assigned condition
//! (intention to treat) and by what was actually done, with a randomisation test that
//! re-draws the same balanced weekly schedule many times (seeded, so the p-value is repeatable).

use crate::day::DayEntry;
use crate::light_mood::{Comparison, Finding, MIN_GROUP_DAYS, Outcome};
use crate::stats::{lag1_autocorrelation, welch};
use crate::validation::ValidationErrors;
use chrono::{Days, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// Shortest experiment, in weeks.
pub const MIN_WEEKS: u8 = 2;
/// Longest experiment, in weeks.
pub const MAX_WEEKS: u8 = 8;
/// Permutations drawn for the randomisation test.
pub const PERMUTATIONS: usize = 10_000;

/// What a morning of the experiment asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Go outside in the morning.
    GoOutside,
    /// Stay in during the morning.
    StayIn,
}

impl Condition {
    /// The words shown on the day.
    pub fn label(self) -> &'static str {
        match self {
            Condition::GoOutside => "Go outside this morning",
            Condition::StayIn => "Stay in this morning",
        }
    }

    /// One letter for storage: `O` or `I`.
    pub fn letter(self) -> char {
        match self {
            Condition::GoOutside => 'O',
            Condition::StayIn => 'I',
        }
    }
}

/// SplitMix64: a small, well-tested generator whose output is the same on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in 0..n (n > 0), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// One balanced week: 4 of one condition and 3 of the other, shuffled.
fn balanced_week(rng: &mut SplitMix64) -> [Condition; 7] {
    let four_outside = rng.below(2) == 0;
    let mut week = [Condition::StayIn; 7];
    let outside = if four_outside { 4 } else { 3 };
    for slot in week.iter_mut().take(outside) {
        *slot = Condition::GoOutside;
    }
    for i in (1..7).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        week.swap(i, j);
    }
    week
}

/// The whole schedule: `weeks` balanced weeks drawn from `seed`.
pub fn schedule(seed: u64, weeks: u8) -> Vec<Condition> {
    let mut rng = SplitMix64::new(seed);
    (0..weeks).flat_map(|_| balanced_week(&mut rng)).collect()
}

/// An experiment's design: when it starts, how long it runs, and its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// First morning.
    pub start: NaiveDate,
    /// Length in weeks (2–8).
    pub weeks: u8,
    /// The seed the schedule was drawn from.
    pub seed: u64,
}

impl Plan {
    /// Checks the length and builds a plan.
    pub fn new(start: NaiveDate, weeks: i64, seed: u64) -> Result<Self, ValidationErrors> {
        if !(i64::from(MIN_WEEKS)..=i64::from(MAX_WEEKS)).contains(&weeks) {
            return Err(ValidationErrors::single(
                "weeks",
                format!("An experiment runs from {MIN_WEEKS} to {MAX_WEEKS} weeks."),
            ));
        }
        Ok(Self {
            start,
            weeks: weeks as u8,
            seed,
        })
    }

    /// The last morning of the experiment.
    pub fn end(&self) -> NaiveDate {
        self.start
            .checked_add_days(Days::new(u64::from(self.weeks) * 7 - 1))
            .unwrap_or(self.start)
    }

    /// The assignment for `date`, if it falls within the experiment.
    pub fn condition_on(&self, date: NaiveDate) -> Option<Condition> {
        let offset = (date - self.start).num_days();
        let offset = usize::try_from(offset).ok()?;
        schedule(self.seed, self.weeks).get(offset).copied()
    }

    /// The schedule as letters (O = go outside, I = stay in), for the record.
    pub fn schedule_letters(&self) -> String {
        schedule(self.seed, self.weeks)
            .iter()
            .map(|c| c.letter())
            .collect()
    }
}

/// The result of one outcome in the experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeResult {
    /// Mood or energy.
    pub outcome: Outcome,
    /// By assigned condition (intention to treat): go-outside days (a) vs stay-in days (b).
    pub as_assigned: Finding<Comparison>,
    /// By what was actually done: outside mornings (a) vs indoor mornings (b).
    pub as_done: Finding<Comparison>,
    /// Randomisation-test p-value for the as-assigned difference (two-sided), if computed.
    pub p_value: Option<f64>,
}

/// The analysis of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Mornings in the experiment so far (up to `today` or its end).
    pub mornings: usize,
    /// Mornings logged.
    pub logged: usize,
    /// Logged mornings where what was done matched the assignment.
    pub followed: usize,
    /// Mood, then energy.
    pub outcomes: Vec<OutcomeResult>,
    /// Permutations used for the p-values.
    pub permutations: usize,
}

/// Two-sided randomisation test: how often a re-drawn balanced schedule gives a difference at
/// least as large as the observed one. Returns (1 + hits) / (1 + permutations).
fn randomisation_p(
    plan: &Plan,
    days: &[(usize, f64)],
    observed: f64,
    permutations: usize,
) -> Option<f64> {
    let mut rng = SplitMix64::new(plan.seed ^ 0x005E_ED0F_7E57);
    let mut hits = 0usize;
    let weeks = usize::from(plan.weeks);
    for _ in 0..permutations {
        let drawn: Vec<Condition> = (0..weeks).flat_map(|_| balanced_week(&mut rng)).collect();
        let (mut sa, mut na, mut sb, mut nb) = (0.0, 0usize, 0.0, 0usize);
        for (offset, value) in days {
            match drawn.get(*offset) {
                Some(Condition::GoOutside) => {
                    sa += value;
                    na += 1;
                }
                Some(Condition::StayIn) => {
                    sb += value;
                    nb += 1;
                }
                None => {}
            }
        }
        if na == 0 || nb == 0 {
            continue;
        }
        if (sa / na as f64 - sb / nb as f64).abs() >= observed.abs() - 1e-12 {
            hits += 1;
        }
    }
    (permutations > 0).then(|| (1 + hits) as f64 / (1 + permutations) as f64)
}

fn comparison(outcome: Outcome, a: &[f64], b: &[f64], lag1: f64) -> Finding<Comparison> {
    if a.len() < MIN_GROUP_DAYS || b.len() < MIN_GROUP_DAYS {
        return Finding::NotEnoughDays {
            have: vec![a.len(), b.len()],
            need: MIN_GROUP_DAYS,
        };
    }
    match welch(a, b, lag1) {
        Some(c) => Finding::Ready(Comparison {
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
            autocorrelation: lag1,
            widened: c.widened_by > 1.0,
        }),
        None => Finding::NotEnoughDays {
            have: vec![a.len(), b.len()],
            need: MIN_GROUP_DAYS,
        },
    }
}

/// Analyses the experiment on the person's logged days up to `today`.
pub fn analyse(plan: &Plan, days: &[DayEntry], today: NaiveDate, permutations: usize) -> Analysis {
    let schedule = schedule(plan.seed, plan.weeks);
    let last = plan.end().min(today);
    let mornings = if last < plan.start {
        0
    } else {
        (last - plan.start).num_days() as usize + 1
    };
    let in_window: Vec<(usize, &DayEntry)> = days
        .iter()
        .filter(|d| d.date >= plan.start && d.date <= last)
        .filter_map(|d| {
            usize::try_from((d.date - plan.start).num_days())
                .ok()
                .map(|o| (o, d))
        })
        .collect();
    let followed = in_window
        .iter()
        .filter(|(o, d)| {
            schedule
                .get(*o)
                .is_some_and(|c| Some(*c == Condition::GoOutside) == d.outside_morning)
        })
        .count();
    let by_date: HashMap<NaiveDate, &DayEntry> =
        in_window.iter().map(|(_, d)| (d.date, *d)).collect();
    let outcomes = [Outcome::Mood, Outcome::Energy]
        .into_iter()
        .map(|outcome| {
            let series: Vec<(NaiveDate, f64)> = by_date
                .values()
                .filter_map(|d| outcome.of(d).map(|v| (d.date, v)))
                .collect();
            let lag1 = lag1_autocorrelation(&series);
            // Only days with the outcome count (and, for "as done", with the morning known).
            let pick = |f: &dyn Fn(usize, &DayEntry) -> bool| -> Vec<f64> {
                in_window
                    .iter()
                    .filter(|(o, d)| f(*o, d))
                    .filter_map(|(_, d)| outcome.of(d))
                    .collect()
            };
            let assigned_out = pick(&|o, _| schedule.get(o) == Some(&Condition::GoOutside));
            let assigned_in = pick(&|o, _| schedule.get(o) == Some(&Condition::StayIn));
            let done_out = pick(&|_, d| d.outside_morning == Some(true));
            let done_in = pick(&|_, d| d.outside_morning == Some(false));
            let as_assigned = comparison(outcome, &assigned_out, &assigned_in, lag1);
            let p_value = match &as_assigned {
                Finding::Ready(c) => {
                    let values: Vec<(usize, f64)> = in_window
                        .iter()
                        .filter_map(|(o, d)| outcome.of(d).map(|v| (*o, v)))
                        .collect();
                    randomisation_p(plan, &values, c.difference, permutations)
                }
                Finding::NotEnoughDays { .. } => None,
            };
            OutcomeResult {
                outcome,
                as_assigned,
                as_done: comparison(outcome, &done_out, &done_in, lag1),
                p_value,
            }
        })
        .collect();
    Analysis {
        mornings,
        logged: in_window.len(),
        followed,
        outcomes,
        permutations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Habits;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_week_is_balanced_and_the_seed_repeats_the_schedule() {
        for seed in [1, 42, u64::MAX] {
            let s = schedule(seed, 8);
            assert_eq!(s.len(), 56);
            for week in s.chunks(7) {
                let outside = week.iter().filter(|c| **c == Condition::GoOutside).count();
                assert!(outside == 3 || outside == 4, "{week:?}");
            }
            assert_eq!(s, schedule(seed, 8), "same seed, same schedule");
        }
        assert_ne!(schedule(1, 4), schedule(2, 4));
    }

    #[test]
    fn lengths_outside_two_to_eight_weeks_are_refused() {
        for weeks in [0, 1, 9, -3] {
            let err = Plan::new(d("2026-01-05"), weeks, 1).unwrap_err();
            assert_eq!(err.0[0].field, "weeks");
        }
        let plan = Plan::new(d("2026-01-05"), 2, 9).unwrap();
        assert_eq!(plan.end(), d("2026-01-18"));
        assert!(plan.condition_on(d("2026-01-04")).is_none());
        assert!(plan.condition_on(d("2026-01-19")).is_none());
        assert_eq!(plan.schedule_letters().len(), 14);
    }

    fn follow(plan: &Plan, effect: u8, adherence_break_every: u64) -> Vec<DayEntry> {
        (0..u64::from(plan.weeks) * 7)
            .map(|i| {
                let date = plan.start + Days::new(i);
                let assigned = plan.condition_on(date) == Some(Condition::GoOutside);
                let outside = if adherence_break_every > 0 && i % adherence_break_every == 0 {
                    !assigned
                } else {
                    assigned
                };
                let wobble = (i * 5 % 3) as u8;
                DayEntry {
                    date,
                    daylight_quarter_hours: Some(4),
                    energy: Some(4 + wobble),
                    mood: Some(4 + wobble + if outside { effect } else { 0 }),
                    outside_morning: Some(outside),
                    habits: Habits::default(),
                    note: None,
                }
            })
            .collect()
    }

    #[test]
    fn a_real_effect_gives_a_small_p_value_and_none_gives_a_large_one() {
        let plan = Plan::new(d("2026-01-05"), 6, 2026).unwrap();
        let today = d("2026-12-31");
        let strong = analyse(&plan, &follow(&plan, 3, 0), today, 2000);
        assert_eq!(
            (strong.mornings, strong.logged, strong.followed),
            (42, 42, 42)
        );
        let p = strong.outcomes[0].p_value.unwrap();
        assert!(p < 0.01, "p = {p}");
        let Finding::Ready(c) = &strong.outcomes[0].as_assigned else {
            panic!()
        };
        assert!(c.low > 0.0);

        let null = analyse(&plan, &follow(&plan, 0, 0), today, 2000);
        let p = null.outcomes[0].p_value.unwrap();
        assert!(p > 0.2, "p = {p}");
        assert!(p <= 1.0);
    }

    #[test]
    fn adherence_and_as_done_differ_from_as_assigned_when_mornings_are_swapped() {
        let plan = Plan::new(d("2026-01-05"), 4, 77).unwrap();
        let analysis = analyse(&plan, &follow(&plan, 3, 4), d("2026-12-31"), 500);
        assert_eq!(
            analysis.followed,
            28 - 7,
            "every fourth morning went the other way"
        );
        let (Finding::Ready(assigned), Finding::Ready(done)) = (
            &analysis.outcomes[0].as_assigned,
            &analysis.outcomes[0].as_done,
        ) else {
            panic!("enough days")
        };
        assert!(
            done.difference > assigned.difference,
            "swapped mornings dilute the assigned contrast"
        );
    }

    #[test]
    fn an_experiment_in_progress_counts_only_mornings_so_far() {
        let plan = Plan::new(d("2026-01-05"), 2, 5).unwrap();
        let days = follow(&plan, 1, 0);
        let analysis = analyse(&plan, &days[..3], d("2026-01-07"), 100);
        assert_eq!((analysis.mornings, analysis.logged), (3, 3));
        assert!(
            analysis.outcomes.iter().all(|o| o.p_value.is_none()),
            "too few days for a p-value"
        );
    }
}
