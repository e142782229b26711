//! Benchmark: the full Light & Mood insights for one person over 10 years of days.
//! Run with `cargo bench -p enough-domain --bench insights`. Target: under 2 ms.
//! `tools/insights_python.py` times the same statistics with pandas + SciPy on the same data.

use chrono::{Days, NaiveDate};
use enough_domain::day::{DayEntry, Habits};
use enough_domain::light_mood::light_mood_insights;
use std::hint::black_box;
use std::time::Instant;

/// The same generator and formula as `tools/insights_python.py`, so both time the same days.
fn ten_years() -> Vec<DayEntry> {
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap_or_default();
    let mut state: u64 = 20_261_125;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 1000
    };
    (0..3653u64)
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

fn main() {
    let days = ten_years();
    for _ in 0..20 {
        black_box(light_mood_insights(black_box(&days)));
    }
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let started = Instant::now();
            black_box(light_mood_insights(black_box(&days)));
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "light_mood_insights, {} days: median {:.3} ms, p90 {:.3} ms, min {:.3} ms (200 runs)",
        days.len(),
        times[100],
        times[180],
        times[0]
    );
}
