//! Benchmark: importing daylight from a large Apple Health `export.xml`.
//!
//! ```sh
//! python3 tools/apple_health_generator.py --size 1G --out /tmp/export.xml
//! ENOUGH_APPLE_HEALTH_XML=/tmp/export.xml cargo bench -p enough-domain --bench apple_health
//! ```
//!
//! Reports MB/s for (a) a bare quick-xml streaming scan of the same file that only counts
//! elements and (b) our import, their ratio (target: import ≥ 0.5 × bare scan) and the peak
//! resident memory of the process (target: under 100 MB). Skips with a message when the
//! variable is not set or the file is missing.

use chrono::NaiveDate;
use enough_domain::import::apple_health::import_apple_health_xml;
use quick_xml::events::Event;
use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

const BUF: usize = 256 * 1024;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bare_scan(path: &str) -> std::io::Result<u64> {
    let mut reader =
        quick_xml::Reader::from_reader(BufReader::with_capacity(BUF, File::open(path)?));
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut elements = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_) | Event::Empty(_)) => elements += 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(std::io::Error::other(e.to_string())),
        }
        buf.clear();
    }
    Ok(elements)
}

fn main() {
    let Ok(path) = std::env::var("ENOUGH_APPLE_HEALTH_XML") else {
        println!(
            "apple_health bench skipped: set ENOUGH_APPLE_HEALTH_XML to an export.xml \
             (tools/apple_health_generator.py writes one)"
        );
        return;
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        println!("apple_health bench skipped: {path} does not exist");
        return;
    };
    let mb = meta.len() as f64 / 1e6;
    let today = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or_default();
    let runs = std::env::var("ENOUGH_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3usize);

    let mut best_scan = f64::MAX;
    let mut best_import = f64::MAX;
    let mut elements = 0;
    let mut summary = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        elements = match bare_scan(&path) {
            Ok(n) => n,
            Err(e) => {
                println!("bare scan failed: {e}");
                return;
            }
        };
        best_scan = best_scan.min(t.elapsed().as_secs_f64());

        let t = Instant::now();
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                println!("cannot open {path}: {e}");
                return;
            }
        };
        match import_apple_health_xml(BufReader::with_capacity(BUF, file), today) {
            Ok(plan) => {
                summary = format!(
                    "{} days, {} records read, {} daylight records used, {} problems",
                    plan.days.len(),
                    plan.counts.rows_read,
                    plan.counts.rows_used,
                    plan.problems.total()
                );
            }
            Err(e) => {
                println!("import failed: {e}");
                return;
            }
        }
        best_import = best_import.min(t.elapsed().as_secs_f64());
    }
    let scan_rate = mb / best_scan;
    let import_rate = mb / best_import;
    println!("file: {path}, {mb:.0} MB, {elements} elements; import: {summary}");
    println!("bare quick-xml scan: {scan_rate:.0} MB/s ({best_scan:.2} s, best of {runs})");
    println!("daylight import:     {import_rate:.0} MB/s ({best_import:.2} s, best of {runs})");
    println!(
        "import / bare scan:  {:.2} (target ≥ 0.5)",
        import_rate / scan_rate
    );
    match peak_rss_mb() {
        Some(rss) => println!("peak RSS (VmHWM):    {rss:.1} MB (target < 100 MB)"),
        None => println!("peak RSS: /proc/self/status not readable"),
    }
}
