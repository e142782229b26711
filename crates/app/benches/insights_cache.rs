#![allow(clippy::panic)] // A benchmark stops on any failure; there is no one to report to.
//! Benchmark: Light & Mood insights over 10 years of days on SQLite, through the application.
//! Run with `cargo bench -p enough-app --bench insights_cache`.
//!
//! Three figures: what every request did before the cache (read every day with its note, then
//! compute), a request after the person's data changed (narrow read, then compute and keep),
//! and a request for unchanged data (the version read and the cache answers). Goal of the
//! issue: a 10-year insights request at or under 0.4 ms.

use chrono::{Days, NaiveDate};
use enough_app::App;
use enough_domain::account::Role;
use enough_domain::day::{DayEntry, Habits};
use enough_domain::light_mood::light_mood_insights;
use enough_store::Store;
use enough_store_sqlite::SqliteStore;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

/// The generator of the domain's insights benchmark (and `tools/insights_python.py`).
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
                // A short note, as people write: read before, skipped now.
                note: Some("Walked to work; tired after lunch.".to_owned()),
            }
        })
        .collect()
}

/// Median, p90 and min of `times` (ms).
fn summary(name: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    println!(
        "{name}: median {:.3} ms, p90 {:.3} ms, min {:.3} ms ({n} runs)",
        times[n / 2],
        times[n * 9 / 10],
        times[0]
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("no runtime: {e}"));
    runtime.block_on(run());
}

async fn run() {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary folder: {e}"));
    let url = format!("sqlite://{}", folder.path().join("bench.db").display());
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&url)
            .await
            .unwrap_or_else(|e| panic!("no store: {e}")),
    );
    let app = App::new(Arc::clone(&store));
    let user = app
        .add_user(
            "bench@example.org",
            Role::Person,
            "a long bench password",
            "UTC",
        )
        .await
        .unwrap_or_else(|e| panic!("no user: {e}"));
    let days = ten_years();
    let (from, to) = (days[0].date, days[days.len() - 1].date);
    let user_id = user.id;
    store
        .write(move |tx| {
            Box::pin(async move {
                for d in &days {
                    tx.days().upsert(user_id, d, 1).await?;
                }
                Ok(())
            })
        })
        .await
        .unwrap_or_else(|e| panic!("seeding failed: {e}"));

    let runs = 200;
    let mut before = Vec::with_capacity(runs);
    for i in 0..runs + 20 {
        let started = Instant::now();
        let mut days = store
            .list_days(user_id, Some(from), Some(to))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        days.reverse();
        black_box(light_mood_insights(&days));
        if i >= 20 {
            before.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    summary(
        "before: every request reads all columns and computes",
        before,
    );

    let mut changed = Vec::with_capacity(runs);
    let touched = ten_years()[0].clone();
    for i in 0..runs + 20 {
        // A write moves the version; the next request computes again.
        let entry = touched.clone();
        store
            .write(move |tx| Box::pin(async move { tx.days().upsert(user_id, &entry, 2).await }))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        black_box(
            app.light_mood_insights(&user, Some(from), Some(to))
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        if i >= 20 {
            changed.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    summary(
        "after a change: narrow read, compute off the workers, keep",
        changed,
    );

    let mut unchanged = Vec::with_capacity(runs * 10);
    for _ in 0..runs * 10 {
        let started = Instant::now();
        black_box(
            app.light_mood_insights(&user, Some(from), Some(to))
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        unchanged.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    summary(
        "unchanged data: version read, served from the cache",
        unchanged,
    );
    let stats = app.insights_cache_stats();
    println!(
        "cache: {} hits, {} misses, {} entries, ~{} KB",
        stats.hits,
        stats.misses,
        stats.entries,
        stats.bytes / 1024
    );
}
