//! The web layer of enough: thin axum handlers (parse, authorise through the app, render),
//! askama pages that work without JavaScript, the JSON API, and every asset embedded.

mod api;
mod assets;
// Public for `benches/charts.rs` only.
#[doc(hidden)]
pub mod charts;
pub mod client_address;
mod csrf;
mod error;
mod finding_charts;
mod health;
mod identity;
mod metrics;
mod observe;
mod pages;
mod precompressed;
#[cfg(test)]
mod route_table;
mod saving_routes;
mod security_headers;
mod support;
mod time_zones;
mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use enough_app::App;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

pub use health::{MetricsToken, READY_TIMEOUT};
pub use metrics::{PoolProbe, PoolStats};
pub use observe::REQUEST_ID;

/// Largest request body accepted (a day with a 2,000-character note is far below this).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// How long a client may take to send a request's headers before its connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take, its body included (a 64 MiB upload over a slow line fits).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Connections served at once; further ones wait in the listen queue until one closes.
pub const MAX_CONNECTIONS: usize = 512;

/// Settings of the web layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Take the client's address from `X-Forwarded-For`, trusting the one proxy the connection
    /// comes from (the same as a `trusted_proxies` entry for that address).
    pub trust_forwarded_for: bool,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed; the
    /// header is read right to left past them. Empty: the connection's address is used.
    pub trusted_proxies: Vec<client_address::IpRange>,
    /// The address people reach this server at (e.g. `https://enough.example.org`), used for
    /// every absolute link (calendar feeds, invitations); never taken from a request's `Host`.
    pub public_url: Option<String>,
    /// Lets a scraper read `/metrics` from anywhere with `Authorization: Bearer TOKEN`;
    /// without it, `/metrics` answers only to this machine's loopback (see `health`).
    pub metrics_token: Option<MetricsToken>,
}

impl WebConfig {
    /// The public address without a trailing slash (`http://localhost` when none is set).
    pub fn public_base(&self) -> &str {
        self.public_url
            .as_deref()
            .map_or("http://localhost", |u| u.trim_end_matches('/'))
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    app: App,
    config: Arc<WebConfig>,
    metrics: Arc<metrics::Metrics>,
    /// The database connection pool's state, where the store has a pool to report.
    pool: Option<PoolProbe>,
    started: Instant,
}

impl AppState {
    /// State over an application.
    pub fn new(app: App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
            metrics: Arc::default(),
            pool: None,
            started: Instant::now(),
        }
    }

    /// Reports the database connection pool at `/metrics` through `probe`.
    #[must_use]
    pub fn with_pool_probe(mut self, probe: PoolProbe) -> Self {
        self.pool = Some(probe);
        self
    }
}

/// The whole router: pages, API, assets, with security headers and a body limit.
pub fn router(state: AppState) -> Router {
    let secure = state.config.secure_cookies;
    let router = routes()
        .route_layer(axum::middleware::from_fn(observe::mark_route))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(security_headers::add))
        // br or gzip, as the browser's Accept-Encoding asks (images are left as they are).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::track,
        ))
        .with_state(state);
    if secure {
        // Served over HTTPS: browsers keep to HTTPS for a year (RFC 6797).
        router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static("max-age=31536000"),
        ))
    } else {
        router
    }
}

/// Every route (pages, API, assets) before layers and state: what the route-coverage test in
/// [`saving_routes`] reads.
fn routes() -> Router<AppState> {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(assets::routes())
        .merge(health::routes())
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes open requests.
///
/// At most [`MAX_CONNECTIONS`] connections are served at once; a client that has not sent a
/// request's headers within [`HEADER_READ_TIMEOUT`] is disconnected, and a request that takes
/// longer than [`REQUEST_TIMEOUT`] is answered 408.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let router = router(state);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router
            .clone()
            .layer(axum::Extension(axum::extract::ConnectInfo(peer)))
            .map_request(|r: hyper::Request<hyper::body::Incoming>| r.map(axum::body::Body::new));
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
