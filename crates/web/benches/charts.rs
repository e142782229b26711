//! Benchmark: the insights page's SVG charts for 1 and 10 years of days (the coordinates are
//! most of the work). Run with `cargo bench -p enough-web --bench charts`.

use chrono::{Days, NaiveDate};
use enough_web::charts;
use std::hint::black_box;
use std::time::Instant;

/// The same days as the domain's insights benchmark.
fn days(n: u64) -> Vec<enough_domain::day::DayEntry> {
    enough_domain::sample_days::sample_days(n)
}

/// Median and p90 of 200 runs of `f`, in milliseconds, after 20 to warm up.
fn time(f: impl Fn() -> usize) -> (f64, f64, usize) {
    let mut bytes = 0;
    for _ in 0..20 {
        bytes = black_box(f());
    }
    let mut ms: Vec<f64> = (0..200)
        .map(|_| {
            let started = Instant::now();
            black_box(f());
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[100], ms[180], bytes)
}

fn main() {
    for (label, n) in [("1 year", 365u64), ("10 years", 3653)] {
        let days = days(n);
        let (from, to) = (days[0].date, days[days.len() - 1].date);
        let lengths: Vec<(NaiveDate, f64)> = (0..365u64)
            .map(|i| {
                let angle = (i as f64) / 365.0 * std::f64::consts::TAU;
                (from + Days::new(i), 12.0 - 4.5 * angle.cos())
            })
            .collect();
        let year = &days[days.len().saturating_sub(365)..];
        // ENOUGH_BENCH_DUMP=DIR writes the SVG, to compare the output of two versions.
        if let Some(dir) = std::env::var_os("ENOUGH_BENCH_DUMP") {
            let svg = [
                charts::over_time(&days, from, to),
                charts::daylight_scatter(&days),
                charts::day_length_year(year, &lengths),
            ]
            .join("\n");
            let path = std::path::Path::new(&dir).join(format!("charts-{n}.svg"));
            if let Err(e) = std::fs::write(&path, svg) {
                eprintln!("could not write {}: {e}", path.display());
            }
        }
        let (median, p90, bytes) = time(|| {
            charts::over_time(&days, from, to).len()
                + charts::daylight_scatter(&days).len()
                + charts::day_length_year(year, &lengths).len()
        });
        println!(
            "insights charts, {label} ({n} days): median {median:.3} ms, p90 {p90:.3} ms, {bytes} bytes of SVG (200 runs)"
        );
    }
}
