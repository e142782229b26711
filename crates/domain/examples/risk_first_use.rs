//! Measures the first use of risk-language detection: how long the phrase list and the model
//! take to be read, and the resident memory before and after.
//!
//! `cargo run --release -p enough-domain --example risk_first_use` (Linux: memory is read from
//! `/proc/self/status`). Then checks a 5,000-character note, to show the time per note.

use enough_domain::safety::self_harm::{mentions_self_harm, model_notices, rules_match};
use std::time::Instant;

/// A line of `/proc/self/status` in kB (`VmRSS`, `VmHWM`), or 0 where there is none.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mb = |kb: u64| kb as f64 / 1024.0;
    println!("resident before: {:.1} MB", mb(status_kb("VmRSS")));
    let start = Instant::now();
    let hit = rules_match("a first note to read the phrase list");
    println!(
        "phrase list read and first note checked by the rules in {:?} ({hit}); resident {:.1} MB",
        start.elapsed(),
        mb(status_kb("VmRSS"))
    );
    let start = Instant::now();
    let hit = model_notices("a first note to read the model");
    println!(
        "model read and first note checked by the model in {:?} ({hit}); resident {:.1} MB",
        start.elapsed(),
        mb(status_kb("VmRSS"))
    );
    let filler = "Cut the onions, jumped on the bus, the deadline is killing me, saved up for the \
                  bridge walk, counted my tablets into the organiser as prescribed. ";
    let mut note = String::new();
    while note.len() < 5_000 {
        note.push_str(filler);
    }
    note.truncate(5_000);
    let start = Instant::now();
    let runs = 20;
    let mut flagged = 0;
    for _ in 0..runs {
        flagged += usize::from(mentions_self_harm(std::hint::black_box(&note)));
    }
    println!(
        "a 5,000-character note: {:?} per check ({flagged} of {runs} flagged)",
        start.elapsed() / runs
    );
    println!(
        "resident after: {:.1} MB, peak {:.1} MB",
        mb(status_kb("VmRSS")),
        mb(status_kb("VmHWM"))
    );
}
