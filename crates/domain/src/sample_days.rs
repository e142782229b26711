//! Deterministic made-up days for benchmarks: the same generator and formula as
//! `tools/insights_python.py`, so every benchmark (and the pandas + SciPy reference) times the
//! same days.

use crate::day::{DayEntry, Habits};
use chrono::{Days, NaiveDate};

/// `n` consecutive days from 2016-01-01, every field filled, no note.
pub fn sample_days(n: u64) -> Vec<DayEntry> {
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default();
    let mut state: u64 = 20_261_125;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 1000
    };
    (0..n)
        .map(|i| {
            let outside = next() < 450;
            let daylight = (next() % 33) as u8;
            let mood = ((next() % 7) + if outside { 2 } else { 0 }).min(10) as u8;
            let energy = ((next() % 9) + u64::from(daylight) / 12).min(10) as u8;
            let habits = Habits::from_bits((next() % 32) as i64);
            DayEntry {
                date: start + Days::new(i),
                daylight_quarter_hours: Some(daylight),
                energy: Some(energy),
                mood: Some(mood),
                outside_morning: Some(outside),
                habits,
                note: None,
            }
        })
        .collect()
}
