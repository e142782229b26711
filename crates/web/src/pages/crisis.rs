//! Crisis help: reachable from every page, without signing in, without JavaScript.
//!
//! Whose lines come first: a signed-in person's own setting, else a country chosen earlier in
//! this browser (a cookie), else the browser's language region, else its time zone (a small
//! same-origin script stores it in a cookie and reloads once), else the chooser on the page.

use crate::AppState;
use crate::identity::MaybeSignedIn;
use crate::views::{Layout, render};
use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use enough_app::{CountryHints, CountrySource};
use enough_domain::crisis::{Country, directory};
use serde::Deserialize;
use std::convert::Infallible;

/// The cookie that remembers the country chosen on the crisis page (not a secret).
pub const COUNTRY_COOKIE: &str = "enough_country";
/// The cookie in which the script leaves the browser's time zone (not a secret).
pub const TIME_ZONE_COOKIE: &str = "enough_tz";

/// What the browser says about where someone may be: the remembered choice, the
/// `Accept-Language` header and the time zone the script found.
#[derive(Debug, Default)]
pub struct BrowserHints {
    chosen: Option<String>,
    accept_language: Option<String>,
    time_zone: Option<String>,
}

impl BrowserHints {
    /// The hints as the app layer takes them.
    pub fn as_hints(&self) -> CountryHints<'_> {
        CountryHints {
            chosen: self.chosen.as_deref(),
            accept_language: self.accept_language.as_deref(),
            time_zone: self.time_zone.as_deref(),
        }
    }
}

/// Keeps a cookie value only when it is short and plain (a code or a zone name).
fn plain(value: &str, max: usize) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    ok.then(|| value.to_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for BrowserHints {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let jar = CookieJar::from_headers(&parts.headers);
        Ok(Self {
            chosen: jar.get(COUNTRY_COOKIE).and_then(|c| plain(c.value(), 2)),
            accept_language: parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .filter(|v| v.len() <= 512)
                .map(str::to_owned),
            time_zone: jar.get(TIME_ZONE_COOKIE).and_then(|c| plain(c.value(), 64)),
        })
    }
}

#[derive(Template)]
#[template(path = "crisis.html")]
struct CrisisPage {
    layout: Layout,
    country: Option<&'static Country>,
    selected: String,
    signed_in: bool,
    remembered: bool,
    /// True when nothing told us the country: the script may try the browser's time zone.
    guessing: bool,
    /// True when the lines shown are only the fallback: the chooser comes first.
    unknown: bool,
    /// (code, name)
    countries: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CountryQuery {
    country: String,
}

pub async fn page(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    hints: BrowserHints,
    jar: CookieJar,
    Query(query): Query<CountryQuery>,
) -> Response {
    let dir = directory();
    let (own, source) = state
        .app
        .crisis_country_from(signed_in.as_ref().map(|s| s.user.user()), &hints.as_hints());
    let asked = dir.country(query.country.trim());
    let selected = match asked {
        Some(c) => c.code.clone(),
        None if query.country.is_empty() => own.code.clone(),
        None => query.country.trim().to_ascii_uppercase(),
    };
    let country = dir.country(&selected);
    // A country chosen here is remembered in this browser for a year.
    let jar = match asked {
        Some(c) if hints.chosen.as_deref() != Some(c.code.as_str()) => jar.add(
            Cookie::build((COUNTRY_COOKIE, c.code.clone()))
                .path("/")
                .same_site(SameSite::Lax)
                .secure(state.config.secure_cookies)
                .max_age(cookie::time::Duration::days(365))
                .build(),
        ),
        _ => jar,
    };
    let page = render(&CrisisPage {
        layout: Layout::maybe("Help, right now", signed_in.as_ref(), ""),
        country,
        remembered: signed_in
            .as_ref()
            .is_some_and(|s| s.user.country.as_deref() == Some(selected.as_str())),
        signed_in: signed_in.is_some(),
        unknown: source == CountrySource::Fallback && query.country.is_empty(),
        guessing: source == CountrySource::Fallback
            && query.country.is_empty()
            && hints.time_zone.is_none(),
        selected,
        countries: dir
            .countries
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect(),
    });
    (jar, page).into_response()
}
