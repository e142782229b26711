//! The Light & Mood experiment: a randomised N-of-1 trial. Each week of the experiment has
//! its mornings assigned at random, balanced (4 and 3, the larger half alternating at random),
//! to "morning light" (get outside in daylight) or "as usual" (whatever the person normally
//! does; never an instruction to avoid daylight). At the end, mood and energy are compared by
//! the plan (intention to treat) and by what was actually done, with a randomisation test that
//! re-draws the same balanced weekly schedule many times (seeded, so the p-value is repeatable).
//!
//! Swaps: a person may swap a morning's assignment with another morning of the same week that
//! has not passed yet (see [`swap`]). The swap changes what the day page asks, and is recorded,
//! but the analysis always uses the original seeded plan, so it stays an intention-to-treat
//! randomisation test of the plan; swapped mornings count under what the plan said, and what
//! really happened shows in the "as it actually happened" comparison.

use crate::day::DayEntry;
use crate::light_mood::{Comparison, Finding, Outcome, compare};
use crate::validation::ValidationErrors;
use chrono::{Days, NaiveDate};
use serde::Serialize;

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
    /// Get outside in daylight in the morning.
    MorningLight,
    /// Spend the morning as usual (whatever the person normally does).
    AsUsual,
}

impl Condition {
    /// The words shown on the day.
    pub fn label(self) -> &'static str {
        match self {
            Condition::MorningLight => {
                "Morning light: get outside in daylight this morning, even for 10 minutes"
            }
            Condition::AsUsual => "As usual: spend this morning however you normally would",
        }
    }

    /// A short name: "morning light" or "as usual".
    pub fn short(self) -> &'static str {
        match self {
            Condition::MorningLight => "morning light",
            Condition::AsUsual => "as usual",
        }
    }

    /// One letter for storage: `O` (morning light) or `I` (as usual); the letters are kept from
    /// the first version so stored schedules stay readable.
    pub fn letter(self) -> char {
        match self {
            Condition::MorningLight => 'O',
            Condition::AsUsual => 'I',
        }
    }

    /// The condition stored as `letter`.
    pub fn from_letter(letter: char) -> Option<Condition> {
        match letter {
            'O' => Some(Condition::MorningLight),
            'I' => Some(Condition::AsUsual),
            _ => None,
        }
    }

    /// The other condition.
    pub fn other(self) -> Condition {
        match self {
            Condition::MorningLight => Condition::AsUsual,
            Condition::AsUsual => Condition::MorningLight,
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
    let mut week = [Condition::AsUsual; 7];
    let outside = if four_outside { 4 } else { 3 };
    for slot in week.iter_mut().take(outside) {
        *slot = Condition::MorningLight;
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

    /// The schedule as letters (O = morning light, I = as usual), for the record.
    pub fn schedule_letters(&self) -> String {
        schedule(self.seed, self.weeks)
            .iter()
            .map(|c| c.letter())
            .collect()
    }
}

/// The schedule in force: the stored letters (the seeded plan with any swaps) when they are a
/// schedule of the plan's length, otherwise the seeded plan.
pub fn in_force(plan: &Plan, stored: &str) -> Vec<Condition> {
    let letters: Option<Vec<Condition>> = stored.chars().map(Condition::from_letter).collect();
    match letters {
        Some(s) if s.len() == usize::from(plan.weeks) * 7 => s,
        _ => schedule(plan.seed, plan.weeks),
    }
}

/// The mornings whose assignment in force differs from the seeded plan (swapped mornings).
pub fn swapped(plan: &Plan, stored: &str) -> Vec<NaiveDate> {
    schedule(plan.seed, plan.weeks)
        .iter()
        .zip(in_force(plan, stored))
        .enumerate()
        .filter(|(_, (original, now))| **original != *now)
        .filter_map(|(i, _)| plan.start.checked_add_days(Days::new(i as u64)))
        .collect()
}

/// Swaps the assignments of the mornings `date` and `with` in the schedule in force, and returns
/// the new letters. Both must be in the experiment, in the same week (so each week stays
/// balanced), not yet passed (`today` or later), and ask for different things. The analysis
/// is unaffected: it always uses the seeded plan (intention to treat).
pub fn swap(
    plan: &Plan,
    stored: &str,
    date: NaiveDate,
    with: NaiveDate,
    today: NaiveDate,
) -> Result<String, ValidationErrors> {
    let mut current = in_force(plan, stored);
    let offset = |d: NaiveDate| {
        usize::try_from((d - plan.start).num_days())
            .ok()
            .filter(|o| *o < current.len())
    };
    let (Some(a), Some(b)) = (offset(date), offset(with)) else {
        return Err(ValidationErrors::single(
            "with",
            "Both mornings must be part of the experiment.",
        ));
    };
    if date < today || with < today {
        return Err(ValidationErrors::single(
            "with",
            "Only today or a later morning can be swapped; mornings that have passed stay as they were.",
        ));
    }
    if a / 7 != b / 7 {
        return Err(ValidationErrors::single(
            "with",
            "Please choose a morning of the same week, so each week keeps its balance.",
        ));
    }
    if current[a] == current[b] {
        return Err(ValidationErrors::single(
            "with",
            "Those two mornings already ask for the same thing; choose one with the other plan.",
        ));
    }
    current.swap(a, b);
    Ok(current.iter().map(|c| c.letter()).collect())
}

/// The result of one outcome in the experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeResult {
    /// Mood or energy.
    pub outcome: Outcome,
    /// By the original plan (intention to treat): morning-light days (a) vs as-usual days (b).
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
                Some(Condition::MorningLight) => {
                    sa += value;
                    na += 1;
                }
                Some(Condition::AsUsual) => {
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
                .is_some_and(|c| Some(*c == Condition::MorningLight) == d.outside_morning)
        })
        .count();
    let outcomes = [Outcome::Mood, Outcome::Energy]
        .into_iter()
        .map(|outcome| {
            // Only days with the outcome count (and, for "as done", with the morning known).
            let rows =
                |f: &dyn Fn(usize, &DayEntry) -> Option<bool>| -> Vec<(NaiveDate, bool, f64)> {
                    in_window
                        .iter()
                        .filter_map(|(o, d)| Some((d.date, f(*o, d)?, outcome.of(d)?)))
                        .collect()
                };
            let as_assigned = compare(
                &rows(&|o, _| Some(schedule.get(o) == Some(&Condition::MorningLight))),
                outcome,
            );
            let p_value = match &as_assigned {
                Finding::Ready(c) => {
                    let values: Vec<(usize, f64)> = in_window
                        .iter()
                        .filter_map(|(o, d)| outcome.of(d).map(|v| (*o, v)))
                        .collect();
                    randomisation_p(plan, &values, c.difference, permutations)
                }
                Finding::NotEnoughDays { .. } | Finding::NoVariation { .. } => None,
            };
            OutcomeResult {
                outcome,
                as_assigned,
                as_done: compare(&rows(&|_, d| d.outside_morning), outcome),
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
                let outside = week
                    .iter()
                    .filter(|c| **c == Condition::MorningLight)
                    .count();
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
                let assigned = plan.condition_on(date) == Some(Condition::MorningLight);
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
    fn a_swap_changes_the_schedule_in_force_but_not_the_analysis() {
        let plan = Plan::new(d("2026-01-05"), 2, 11).unwrap();
        let stored = plan.schedule_letters();
        let today = d("2026-01-06");
        let original = schedule(plan.seed, plan.weeks);
        // Today (offset 1) and another morning of week 1 with the other plan.
        let other = (2..7).find(|i| original[*i] != original[1]).unwrap();
        let with = plan.start + Days::new(other as u64);
        let swapped_letters = swap(&plan, &stored, today, with, today).unwrap();
        let now = in_force(&plan, &swapped_letters);
        assert_eq!(now[1], original[other]);
        assert_eq!(now[other], original[1]);
        assert_eq!(swapped(&plan, &swapped_letters), vec![today, with]);
        for week in now.chunks(7) {
            let light = week
                .iter()
                .filter(|c| **c == Condition::MorningLight)
                .count();
            assert!(light == 3 || light == 4, "weeks stay balanced");
        }
        // Refused: a passed morning, another week, the same plan, outside the experiment.
        let refuse = |a: NaiveDate, b: NaiveDate| swap(&plan, &stored, a, b, today).unwrap_err();
        assert_eq!(refuse(plan.start, with).0[0].field, "with");
        assert!(
            refuse(today, d("2026-01-13")).0[0]
                .message
                .contains("same week")
        );
        let same = (2..7).find(|i| original[*i] == original[1]).unwrap();
        assert!(
            refuse(today, plan.start + Days::new(same as u64)).0[0]
                .message
                .contains("same thing")
        );
        assert!(
            refuse(today, d("2026-02-01")).0[0]
                .message
                .contains("part of the experiment")
        );
        assert_eq!(in_force(&plan, "not letters"), original);
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
