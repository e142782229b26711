//! Who is asking: the session cookie for pages, a bearer token for the API, and the client's
//! network address for sign-in throttling.

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use enough_app::SignedIn;
use std::net::SocketAddr;

/// The session cookie's name over plain HTTP (tests, a local network).
pub const SESSION_COOKIE: &str = "enough_session";
/// The session cookie's name with `--secure-cookies`: the `__Host-` prefix makes browsers
/// refuse it unless it is Secure, host-only and `Path=/`, so no subdomain can plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-enough_session";
/// The device cookie (OWASP "device cookies"): this browser signed in here before.
pub const DEVICE_COOKIE: &str = "enough_device";
/// The device cookie's name with `--secure-cookies`.
pub const SECURE_DEVICE_COOKIE: &str = "__Host-enough_device";

/// The session cookie's name for this server.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The device cookie's name for this server.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// A cookie with the flags every cookie of enough carries: HttpOnly, SameSite, `Path=/`, and
/// Secure when the server is reached over HTTPS.
pub fn flagged_cookie(
    name: &'static str,
    value: String,
    secure: bool,
    same_site: SameSite,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(same_site)
        .secure(secure)
        .path("/")
        .max_age(cookie_duration(max_age_secs))
        .build()
}

/// The signed-in person of a page request; otherwise the request is sent to sign in. Its
/// `user` is the [`enough_app::Me`] that own-data use cases take, made by `App::session`.
pub struct SignedInPage(pub SignedIn);

/// The signed-in person, if any (pages that work either way).
pub struct MaybeSignedIn(pub Option<SignedIn>);

/// The caller of an API request, from `Authorization: Bearer …`: its `user` is the
/// [`enough_app::Me`] made by `App::authenticate_token`.
pub struct ApiCaller(pub SignedIn);

/// The client's network address, as text.
pub struct ClientAddress(pub String);

async fn from_cookie(parts: &Parts, state: &AppState) -> Result<Option<SignedIn>, PageError> {
    let jar = CookieJar::from_headers(&parts.headers);
    match jar.get(session_cookie_name(state.config.secure_cookies)) {
        Some(cookie) => Ok(state.app.session(cookie.value()).await?),
        None => Ok(None),
    }
}

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        Ok(Self(from_cookie(parts, state).await?))
    }
}

impl FromRequestParts<AppState> for SignedInPage {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match from_cookie(parts, state).await? {
            Some(signed_in) => Ok(Self(signed_in)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "/".to_owned());
                Err(PageError::SignInFirst { next })
            }
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match bearer {
            Some(token) => Ok(Self(state.app.authenticate_token(token).await?)),
            None => Err(ApiError::from(enough_app::AppError::Unauthenticated)),
        }
    }
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(Self("unknown".to_owned()));
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = crate::client_address::client_ip(
            peer,
            &forwarded,
            &state.config.trusted_proxies,
            state.config.trust_forwarded_for,
        );
        Ok(Self(ip.to_string()))
    }
}

/// The cookie that carries a new session.
pub fn session_cookie(token: String, secure: bool, max_age_secs: i64) -> Cookie<'static> {
    flagged_cookie(
        session_cookie_name(secure),
        token,
        secure,
        SameSite::Lax,
        max_age_secs,
    )
}

/// The cookie that remembers this browser signed in before (see `enough_app::SignedInAs`).
pub fn device_cookie(value: String, secure: bool) -> Cookie<'static> {
    flagged_cookie(
        device_cookie_name(secure),
        value,
        secure,
        SameSite::Strict,
        enough_app::DEVICE_COOKIE_MAX_AGE_SECS,
    )
}

/// A cookie that removes the session cookie, with the same flags as the one it replaces.
pub fn expired_session_cookie(secure: bool) -> Cookie<'static> {
    session_cookie(String::new(), secure, 0)
}

fn cookie_duration(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs)
}

/// The browser's `User-Agent`, for the sessions list.
pub fn user_agent(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown browser")
        .to_owned()
}
