//! Benchmark: the full Light & Mood insights for one person over 10 years of days.
//! Run with `cargo bench -p enough-domain --bench insights`. Target: under 2 ms.
//! `tools/insights_python.py` times the same statistics with pandas + SciPy on the same data.

use enough_domain::light_mood::light_mood_insights;
use std::hint::black_box;
use std::time::Instant;

/// The same days as `tools/insights_python.py`, so both time the same work.
fn ten_years() -> Vec<enough_domain::day::DayEntry> {
    enough_domain::sample_days::sample_days(3653)
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
