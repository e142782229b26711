//! What a load balancer and an operator ask: is the process alive (`/healthz`, in
//! `pages`), can it serve (`/readyz`), and how is it doing (`/metrics`).
//!
//! Who may read `/metrics`: with `--metrics-token` set, whoever sends
//! `Authorization: Bearer TOKEN`, from anywhere; without one, only a connection from this
//! machine's loopback that carries no `X-Forwarded-For`, `Forwarded` or `X-Real-IP` (so a
//! reverse proxy on the same machine does not hand it to the internet). Everyone else gets
//! 403. The figures hold no personal data, but they tell how busy the server is.

use crate::AppState;
use crate::metrics::Gauges;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::time::Duration;

/// How long `/readyz` waits for the database before answering "not ready".
pub const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// A secret that lets a scraper read `/metrics` from another machine. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken(String);

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(***)")
    }
}

impl std::str::FromStr for MetricsToken {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() < 16 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the metrics token must be at least 16 characters, without spaces".to_owned(),
            );
        }
        Ok(Self(text.to_owned()))
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// 200 when the database answers a read within [`READY_TIMEOUT`], 503 otherwise. The schema
/// is there: the server runs the migrations before it listens, and the read needs their table.
async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(READY_TIMEOUT, state.app.check_database()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database did not answer");
            not_ready("not ready: the database did not answer")
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            not_ready("not ready: the database did not answer in time")
        }
    }
}

fn not_ready(text: &'static str) -> Response {
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if !may_read_metrics(&state, peer, request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "metrics are served to this machine's loopback, or with the metrics token",
        )
            .into_response();
    }
    let gauges = Gauges {
        hashing: state.app.hashing_stats(),
        insights_cache: state.app.insights_cache_stats(),
        pool: state.pool.as_ref().map(|probe| probe()),
        uptime: state.started.elapsed(),
    };
    let mut response = state.metrics.render(&gauges).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

fn may_read_metrics(state: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    if let Some(token) = &state.config.metrics_token {
        return headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| same(given.trim().as_bytes(), token.0.as_bytes()));
    }
    let relayed = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    let loopback = peer.is_some_and(|p| match p.ip() {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(v6.is_loopback(), |v4| v4.is_loopback()),
        v4 => v4.is_loopback(),
    });
    loopback && !relayed
}

/// Equal bytes, in time that depends on the length only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
