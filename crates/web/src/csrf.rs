//! Protection against cross-site request forgery.
//!
//! Signed-in forms carry the session's own token (kept in the store, so it works across
//! servers). Forms before sign-in carry a random value that must equal an HttpOnly, SameSite=Strict
//! cookie (double submit). Either way, a request whose `Origin` names another site is refused.

use crate::error::PageError;
use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use enough_app::SignedIn;

/// The cookie for forms shown before sign-in.
pub const CSRF_COOKIE: &str = "enough_csrf";
/// Its name with `--secure-cookies` (see `identity::SECURE_SESSION_COOKIE`).
pub const SECURE_CSRF_COOKIE: &str = "__Host-enough_csrf";

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_CSRF_COOKIE
    } else {
        CSRF_COOKIE
    }
}

fn same(a: &str, b: &str) -> bool {
    // Constant-time comparison: the time taken does not reveal how much matched.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Refuses requests whose `Origin` header names a different host than `Host`.
fn check_origin(headers: &HeaderMap) -> Result<(), PageError> {
    // Browsers send `Origin: null` in privacy modes; the token check still applies then.
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
    else {
        return Ok(());
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    if origin_host != host {
        return Err(PageError::CsrfRejected);
    }
    Ok(())
}

/// Checks a signed-in form's token against the session's.
pub fn verify_session(
    headers: &HeaderMap,
    signed_in: &SignedIn,
    submitted: &str,
) -> Result<(), PageError> {
    check_origin(headers)?;
    match &signed_in.session {
        Some(session) if !submitted.is_empty() && same(&session.csrf_token, submitted) => Ok(()),
        _ => Err(PageError::CsrfRejected),
    }
}

/// The session's token for a form.
pub fn session_token(signed_in: &SignedIn) -> String {
    signed_in
        .session
        .as_ref()
        .map(|s| s.csrf_token.clone())
        .unwrap_or_default()
}

/// The pre-sign-in token: the existing cookie's value, or a new one to set.
pub fn anonymous_token(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(existing) = jar.get(cookie_name(secure)).map(|c| c.value().to_owned())
        && existing.len() >= 32
    {
        return (jar, existing);
    }
    let token = enough_app::random_form_token();
    let cookie = Cookie::build((cookie_name(secure), token.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .build();
    (jar.add(cookie), token)
}

/// Checks a pre-sign-in form's token against its cookie.
pub fn verify_anonymous(
    headers: &HeaderMap,
    jar: &CookieJar,
    submitted: &str,
    secure: bool,
) -> Result<(), PageError> {
    check_origin(headers)?;
    match jar.get(cookie_name(secure)) {
        Some(cookie) if cookie.value().len() >= 32 && same(cookie.value(), submitted) => Ok(()),
        _ => Err(PageError::CsrfRejected),
    }
}
