//! Static files compiled into the binary: no disk path, no CDN.
//!
//! Each asset is also served under a name that carries a hash of its bytes
//! (`/assets/htmx.min.<hash>.js`), worked out once at startup. Pages link to those names, so a
//! browser may keep them for a year (`immutable`): a new release changes the name. The plain
//! names keep working with a short cache, for bookmarks and old pages.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

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
        name: "offline.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/offline.js"),
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
const SERVICE_WORKER: &[u8] = include_bytes!("../assets/sw.js");

/// How long the plain (unhashed) names may be kept: a day.
const SHORT_CACHE: &str = "public, max-age=86400";
/// Hashed names never change their bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Every asset's hashed name, in the order of [`ASSETS`].
static HASHED: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| hashed_name(a.name, a.bytes))
        .collect()
});

/// `htmx.min.js` with bytes hashing to `ab12…` → `htmx.min.ab12cd34ef56.js`.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// The address pages link to for an asset: its hashed name (the plain name if unknown).
pub fn url(name: &str) -> String {
    match ASSETS.iter().position(|a| a.name == name) {
        Some(i) => format!("/assets/{}", HASHED.get(i).map_or(name, String::as_str)),
        None => format!("/assets/{name}"),
    }
}

/// The hashed addresses of the assets every page uses (what the service worker keeps).
pub fn shell_urls() -> Vec<String> {
    [
        "style.css",
        "enough.js",
        "offline.js",
        "htmx.min.js",
        "icon.svg",
    ]
    .into_iter()
    .map(url)
    .collect()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/{name}", get(asset))
        .route("/manifest.webmanifest", get(manifest))
        .route("/favicon.ico", get(favicon))
        .route("/sw.js", get(service_worker))
}

fn cached(content_type: &'static str, cache: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes,
    )
        .into_response()
}

async fn asset(Path(name): Path<String>) -> Response {
    if let Some(a) = ASSETS.iter().find(|a| a.name == name) {
        return cached(a.content_type, SHORT_CACHE, a.bytes);
    }
    match ASSETS
        .iter()
        .zip(HASHED.iter())
        .find(|(_, hashed)| **hashed == name)
    {
        Some((a, _)) => cached(a.content_type, IMMUTABLE, a.bytes),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

async fn manifest() -> Response {
    cached("application/manifest+json", SHORT_CACHE, MANIFEST)
}

async fn favicon() -> Response {
    cached(
        "image/svg+xml",
        SHORT_CACHE,
        include_bytes!("../assets/icon.svg"),
    )
}

/// The service worker: always checked for a newer copy (`no-cache`), so an update reaches
/// people on their next visit. Its version line carries the shell's hashed names, so a new
/// release installs a new worker that fetches the new files.
async fn service_worker() -> Response {
    let version = shell_urls().join(" ");
    let body = String::from_utf8_lossy(SERVICE_WORKER).replace(
        "const SHELL_ASSETS = [];",
        &format!(
            "const SHELL_ASSETS = {};",
            serde_json::to_string(&shell_urls()).unwrap_or_else(|_| "[]".to_owned())
        ),
    );
    let body = body.replace("__VERSION__", &short_hash(&version));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension_and_change_with_the_bytes() {
        let a = hashed_name("htmx.min.js", b"one");
        let b = hashed_name("htmx.min.js", b"two");
        assert!(a.starts_with("htmx.min.") && a.ends_with(".js"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a.len(), "htmx.min..js".len() + 12);
        assert!(url("style.css").starts_with("/assets/style."));
        assert_eq!(url("unknown.txt"), "/assets/unknown.txt");
    }
}
