//! The web layer of enough: thin axum handlers (parse, authorise through the app, render),
//! askama pages that work without JavaScript, the JSON API, and every asset embedded.

mod api;
mod assets;
mod charts;
mod csrf;
mod error;
mod identity;
mod pages;
mod saving_routes;
mod security_headers;
mod support;
mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use enough_app::App;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Largest request body accepted (a day with a 2,000-character note is far below this).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Settings of the web layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Take the client's address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    app: App,
    config: Arc<WebConfig>,
}

impl AppState {
    /// State over an application.
    pub fn new(app: App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
        }
    }
}

/// The whole router: pages, API, assets, with security headers and a body limit.
pub fn router(state: AppState) -> Router {
    let secure = state.config.secure_cookies;
    let router = routes()
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(axum::middleware::from_fn(security_headers::add))
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
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
