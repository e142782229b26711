#![allow(clippy::panic)] // A benchmark stops on any failure; there is no one to report to.
//! Benchmark: Light & Mood insights over 10 years of days on SQLite, through the application.
//! Run with `cargo bench -p enough-app --bench insights_cache`.
//!
//! Three figures: what every request did before the cache (read every day with its note, then
//! compute), a request after the person's data changed (narrow read, then compute and keep),
//! and a request for unchanged data (the version read and the cache answers). Goal of the
//! issue: a 10-year insights request at or under 0.4 ms.

use enough_app::App;
use enough_domain::account::Role;
use enough_domain::day::DayEntry;
use enough_domain::light_mood::light_mood_insights;
use enough_store::Store;
use enough_store_sqlite::SqliteStore;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

/// The days of the domain's insights benchmark (and `tools/insights_python.py`), each with a
/// short note, as people write: read before, skipped now.
fn ten_years() -> Vec<DayEntry> {
    let mut days = enough_domain::sample_days::sample_days(3653);
    for day in &mut days {
        day.note = Some("Walked to work; tired after lunch.".to_owned());
    }
    days
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
    app.add_user(
        "bench@example.org",
        Role::Person,
        "a long bench password",
        "UTC",
    )
    .await
    .unwrap_or_else(|e| panic!("no user: {e}"));
    let user = app
        .me_at_shell("bench@example.org")
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
