//! What operators can read at `/metrics` (Prometheus text format, version 0.0.4): requests by
//! route template and status class, latency histograms per route, requests in flight, the
//! password-hashing pool and, on PostgreSQL, the connection pool.
//!
//! No label ever holds personal data: the route is the template axum matched
//! (`/days/{date}`), never the path a person asked for; a request that matched no route is
//! counted as `unmatched`; methods outside the usual few are counted as `other`.

use axum::http::Method;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Upper bounds of the latency buckets, in microseconds (0.5 ms to 10 s).
const BUCKETS_MICROS: [u64; 14] = [
    500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    2_500_000, 5_000_000, 10_000_000,
];

/// The methods counted under their own name; any other is `other`.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "other"];

/// The route label of a request that matched no route (404s of made-up paths).
pub const UNMATCHED: &str = "unmatched";

/// The counters of one (method, route template).
#[derive(Default)]
struct RouteStats {
    /// Answers by status class: 1xx, 2xx, 3xx, 4xx, 5xx.
    by_class: [AtomicU64; 5],
    /// Answers at or under each bucket's bound (not cumulative here; summed when rendered).
    buckets: [AtomicU64; BUCKETS_MICROS.len()],
    /// Answers slower than the largest bucket.
    over: AtomicU64,
    sum_micros: AtomicU64,
}

/// A connection pool's state, as the database driver reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now (in use and idle).
    pub open: u32,
    /// Of those, idle.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// Reads a connection pool's state when `/metrics` is asked.
pub type PoolProbe = Arc<dyn Fn() -> PoolStats + Send + Sync>;

/// The registry: shared by every request, cheap to update (a read lock and a few atomics).
#[derive(Default)]
pub struct Metrics {
    /// One map per entry of [`METHODS`], keyed by route template.
    routes: [RwLock<HashMap<String, Arc<RouteStats>>>; METHODS.len()],
    in_flight: AtomicI64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, method: &Method, route: &str, status: u16, took: Duration) {
        let stats = self.stats(method_index(method), route);
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        stats.by_class[class].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        match BUCKETS_MICROS.iter().position(|&bound| micros <= bound) {
            Some(i) => stats.buckets[i].fetch_add(1, Ordering::Relaxed),
            None => stats.over.fetch_add(1, Ordering::Relaxed),
        };
        stats.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// A request started (paired with [`Metrics::finished`]).
    pub fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    /// A request ended, answered or not.
    pub fn finished(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    fn stats(&self, method: usize, route: &str) -> Arc<RouteStats> {
        let map = &self.routes[method];
        if let Some(found) = map.read().ok().and_then(|m| m.get(route).cloned()) {
            return found;
        }
        // A poisoned lock only means another request panicked mid-insert; the map is fine.
        let mut map = map
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(route.to_owned()).or_default().clone()
    }

    /// The registry in Prometheus text format, with the gauges read now.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(8 * 1024);
        let routes = self.snapshot();
        help(
            &mut out,
            "enough_http_requests_total",
            "counter",
            "Requests answered, by method, route template and status class.",
        );
        for (method, route, stats) in &routes {
            for (i, n) in stats.by_class.iter().enumerate() {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "enough_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{}xx\"}} {n}",
                        escape(route),
                        i + 1
                    );
                }
            }
        }
        help(
            &mut out,
            "enough_http_request_duration_seconds",
            "histogram",
            "Time from a request's arrival to its answer's headers, by method and route template.",
        );
        for (method, route, stats) in &routes {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS_MICROS.iter().zip(&stats.buckets) {
                cumulative += n.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "enough_http_request_duration_seconds_bucket{{{labels},le=\"{}\"}} {cumulative}",
                    seconds(*bound)
                );
            }
            cumulative += stats.over.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "enough_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {cumulative}"
            );
            let _ = writeln!(
                out,
                "enough_http_request_duration_seconds_sum{{{labels}}} {}",
                seconds(stats.sum_micros.load(Ordering::Relaxed))
            );
            let _ = writeln!(
                out,
                "enough_http_request_duration_seconds_count{{{labels}}} {cumulative}"
            );
        }
        gauge(
            &mut out,
            "enough_http_requests_in_flight",
            "Requests being served now.",
            self.in_flight.load(Ordering::Relaxed),
        );
        let h = &gauges.hashing;
        gauge(
            &mut out,
            "enough_password_hash_threads",
            "Password hashes that can run at once.",
            h.threads,
        );
        gauge(
            &mut out,
            "enough_password_hash_waiting",
            "Password hashes queued and not yet started.",
            h.waiting,
        );
        gauge(
            &mut out,
            "enough_password_hash_running",
            "Password hashes running now.",
            h.running,
        );
        counter(
            &mut out,
            "enough_password_hash_busy_total",
            "Sign-ins and password changes answered 'busy, come back' because hashing was saturated.",
            h.busy_total,
        );
        counter(
            &mut out,
            "enough_password_hashes_total",
            "Password hashes and checks finished.",
            h.done_total,
        );
        let c = &gauges.insights_cache;
        counter(
            &mut out,
            "enough_insights_cache_hits_total",
            "Insights answered from the cache (the person's data had not changed).",
            c.hits,
        );
        counter(
            &mut out,
            "enough_insights_cache_misses_total",
            "Insights computed because no cached result matched the data's version.",
            c.misses,
        );
        gauge(
            &mut out,
            "enough_insights_cache_entries",
            "Computed insights held in memory now.",
            c.entries,
        );
        gauge(
            &mut out,
            "enough_insights_cache_bytes",
            "Estimated bytes of computed insights held in memory now.",
            c.bytes,
        );
        if let Some(pool) = gauges.pool {
            gauge(
                &mut out,
                "enough_db_pool_connections_open",
                "Database connections open now (in use and idle).",
                pool.open,
            );
            gauge(
                &mut out,
                "enough_db_pool_connections_idle",
                "Database connections open and idle.",
                pool.idle,
            );
            gauge(
                &mut out,
                "enough_db_pool_connections_max",
                "The most database connections this server opens.",
                pool.max,
            );
        }
        gauge(
            &mut out,
            "enough_uptime_seconds",
            "Seconds since the server started.",
            gauges.uptime.as_secs(),
        );
        out
    }

    /// Every (method, route, counters), sorted so the output is stable.
    fn snapshot(&self) -> Vec<(&'static str, String, Arc<RouteStats>)> {
        let mut all = Vec::new();
        for (method, map) in METHODS.iter().zip(&self.routes) {
            let map = map
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (route, stats) in map.iter() {
                all.push((*method, route.clone(), stats.clone()));
            }
        }
        all.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));
        all
    }
}

/// Values read when `/metrics` is asked.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    /// The password-hashing pool.
    pub hashing: enough_app::HashingStats,
    /// The cache of computed insights.
    pub insights_cache: enough_app::InsightsCacheStats,
    /// The database connection pool, where the store has one to report (PostgreSQL).
    pub pool: Option<PoolStats>,
    /// Time since the server started.
    pub uptime: Duration,
}

fn method_index(method: &Method) -> usize {
    METHODS
        .iter()
        .position(|m| *m == method.as_str())
        .unwrap_or(METHODS.len() - 1)
}

fn help(out: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
}

fn gauge(out: &mut String, name: &str, text: &str, value: impl std::fmt::Display) {
    help(out, name, "gauge", text);
    let _ = writeln!(out, "{name} {value}");
}

fn counter(out: &mut String, name: &str, text: &str, value: impl std::fmt::Display) {
    help(out, name, "counter", text);
    let _ = writeln!(out, "{name} {value}");
}

/// Microseconds as seconds, exactly (`2500` → `0.0025`).
fn seconds(micros: u64) -> String {
    let text = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A label value with `\`, `"` and newlines escaped, as the text format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn gauges() -> Gauges {
        Gauges {
            hashing: enough_app::HashingStats {
                threads: 1,
                waiting: 0,
                running: 0,
                busy_total: 0,
                done_total: 0,
            },
            insights_cache: enough_app::InsightsCacheStats::default(),
            pool: None,
            uptime: Duration::from_secs(3),
        }
    }

    #[test]
    fn histograms_are_cumulative_and_counts_agree() {
        let m = Metrics::default();
        m.record(
            &Method::GET,
            "/days/{date}",
            200,
            Duration::from_micros(300),
        );
        m.record(&Method::GET, "/days/{date}", 404, Duration::from_millis(30));
        m.record(&Method::GET, "/days/{date}", 500, Duration::from_secs(20));
        m.record(
            &Method::from_bytes(b"BREW").unwrap(),
            UNMATCHED,
            405,
            Duration::ZERO,
        );
        let text = m.render(&gauges());
        let has = |line: &str| assert!(text.lines().any(|l| l == line), "{line}\n{text}");
        has(r#"enough_http_requests_total{method="GET",route="/days/{date}",status="2xx"} 1"#);
        has(r#"enough_http_requests_total{method="GET",route="/days/{date}",status="4xx"} 1"#);
        has(r#"enough_http_requests_total{method="other",route="unmatched",status="4xx"} 1"#);
        has(
            r#"enough_http_request_duration_seconds_bucket{method="GET",route="/days/{date}",le="0.0005"} 1"#,
        );
        has(
            r#"enough_http_request_duration_seconds_bucket{method="GET",route="/days/{date}",le="0.05"} 2"#,
        );
        has(
            r#"enough_http_request_duration_seconds_bucket{method="GET",route="/days/{date}",le="10"} 2"#,
        );
        has(
            r#"enough_http_request_duration_seconds_bucket{method="GET",route="/days/{date}",le="+Inf"} 3"#,
        );
        has(r#"enough_http_request_duration_seconds_count{method="GET",route="/days/{date}"} 3"#);
        has(
            r#"enough_http_request_duration_seconds_sum{method="GET",route="/days/{date}"} 20.0303"#,
        );
        has("enough_uptime_seconds 3");
        // No pool line where the store reports none.
        assert!(!text.contains("enough_db_pool"));
    }

    #[test]
    fn seconds_are_written_exactly() {
        assert_eq!(seconds(500), "0.0005");
        assert_eq!(seconds(2_500_000), "2.5");
        assert_eq!(seconds(10_000_000), "10");
        assert_eq!(seconds(0), "0");
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
