//! How the web layer shows the app's safety outcome: the web never decides, it only reads the
//! [`Support`] a save returned and sends the person to the support page (pages) or adds the
//! `support` object to the answer (JSON API).

use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use enough_app::Support;
use serde::Serialize;

/// After a save that asks for support: the support page. An htmx request gets `HX-Redirect`
/// (a 303 would be followed inside the fragment); a plain form post a 303.
pub(crate) fn to_support_page(headers: &HeaderMap, support: &Support) -> Response {
    if headers.contains_key("hx-request") {
        let mut response = axum::http::StatusCode::OK.into_response();
        if let Ok(value) = HeaderValue::from_str(&support.url) {
            response.headers_mut().insert("hx-redirect", value);
        }
        return response;
    }
    Redirect::to(&support.url).into_response()
}

/// The support page when the save asks for it, else `otherwise`.
pub(crate) fn or_support(
    headers: &HeaderMap,
    support: Option<&Support>,
    otherwise: impl FnOnce() -> Response,
) -> Response {
    match support {
        Some(support) => to_support_page(headers, support),
        None => otherwise(),
    }
}

/// A JSON answer to a save, with `support` when the save asks for it.
#[derive(Serialize)]
pub(crate) struct Saved<T: Serialize> {
    /// The saved thing, its fields at the top level.
    #[serde(flatten)]
    pub body: T,
    /// Crisis lines and the support page, present only when the safety decision asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
}

impl<T: Serialize> Saved<T> {
    /// `body` with the save's support outcome.
    pub(crate) fn new(body: T, support: Option<Support>) -> Self {
        Self { body, support }
    }
}
