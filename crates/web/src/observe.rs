//! Every request gets an id, a log span carrying it, and a place in the metrics.
//!
//! The id is made here (a random per-process prefix and a counter), returned as
//! `X-Request-Id`, and put on every log line written while the request is served. An
//! `X-Request-Id` sent by the client is ignored, unless the connection comes from a reverse
//! proxy the operator trusts (`--trusted-proxy`, `--trust-forwarded-for`), whose id is kept so
//! the proxy's logs and ours can be joined.

use crate::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the request id both ways.
pub const REQUEST_ID: &str = "x-request-id";

tokio::task_local! {
    /// The id of the request being served on this task, for error pages and API errors.
    static CURRENT_ID: String;
}

/// The id of the request being served, when called while serving one (error pages and API
/// errors print it so a person can quote it to their administrator).
pub fn current_request_id() -> Option<String> {
    CURRENT_ID.try_with(Clone::clone).ok()
}

/// The longest id accepted from a trusted proxy.
const MAX_FORWARDED_ID: usize = 64;

/// Where the inner layer leaves the route template it matched, for the outer layer to read
/// even when the request timed out and its response never came back through.
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<MatchedPath>>);

/// The outermost layer: id, span, timing, metrics, access log (at `debug`).
pub async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&state, &request);
    let slot = RouteSlot::default();
    request.extensions_mut().insert(slot.clone());
    let method = request.method().clone();
    let span = tracing::info_span!("request", request_id = %id);
    let metrics = state.metrics.clone();
    metrics.started();
    let mut response = CURRENT_ID
        .scope(id.clone(), next.run(request).instrument(span.clone()))
        .await;
    metrics.finished();
    let took = started.elapsed();
    let route = slot
        .0
        .get()
        .map_or(crate::metrics::UNMATCHED, MatchedPath::as_str);
    let status = response.status().as_u16();
    metrics.record(&method, route, status, took);
    span.in_scope(|| {
        tracing::debug!(
            target: "enough_web::access",
            method = %method,
            route,
            status,
            micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            "answered"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The inner layer, on matched routes only: notes the route template.
pub async fn mark_route(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(matched)) = (
        request.extensions().get::<RouteSlot>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        let _ = slot.0.set(matched.clone());
    }
    next.run(request).await
}

/// A trusted proxy's well-formed id, or a new one.
fn request_id(state: &AppState, request: &Request) -> String {
    let from_trusted_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|peer| {
            state.config.trust_forwarded_for
                || state
                    .config
                    .trusted_proxies
                    .iter()
                    .any(|r| r.contains(peer.0.ip()))
        });
    if from_trusted_proxy
        && let Some(given) = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| well_formed(v))
    {
        return given.to_owned();
    }
    new_id()
}

/// Letters, digits, `-`, `_`, `.` and `:` only, 1 to 64 of them: safe in a header and a log.
fn well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_FORWARDED_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// 16 hex digits of this process (random at start) and 12 of a counter: unique across servers
/// in practice, ordered within one, and nothing about the person in it.
fn new_id() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        // RandomState is seeded from the operating system's randomness.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix:016x}{:012x}", n & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_ids_are_refused_and_new_ones_differ() {
        assert!(well_formed("3f2a-11.b:c_d"));
        assert!(!well_formed(""));
        assert!(!well_formed("a b"));
        assert!(!well_formed("ana@example.org"));
        assert!(!well_formed(&"a".repeat(65)));
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 28);
        assert_eq!(a[..16], b[..16]);
    }
}
