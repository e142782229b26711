//! Static files compiled into the binary: no disk path, no CDN.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/style.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/htmx.min.js"),
    },
    Asset {
        name: "enough.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/enough.js"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/icon.svg"),
    },
    Asset {
        name: "icon-192.png",
        content_type: "image/png",
        bytes: include_bytes!("../assets/icon-192.png"),
    },
    Asset {
        name: "icon-512.png",
        content_type: "image/png",
        bytes: include_bytes!("../assets/icon-512.png"),
    },
    Asset {
        name: "apple-touch-icon.png",
        content_type: "image/png",
        bytes: include_bytes!("../assets/apple-touch-icon.png"),
    },
];

const MANIFEST: &[u8] = include_bytes!("../assets/manifest.webmanifest");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/{name}", get(asset))
        .route("/manifest.webmanifest", get(manifest))
        .route("/favicon.ico", get(favicon))
}

fn cached(content_type: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => cached(a.content_type, a.bytes),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

async fn manifest() -> Response {
    cached("application/manifest+json", MANIFEST)
}

async fn favicon() -> Response {
    cached("image/svg+xml", include_bytes!("../assets/icon.svg"))
}
