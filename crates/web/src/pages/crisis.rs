//! Crisis help: reachable from every page, without signing in, without JavaScript.

use crate::identity::MaybeSignedIn;
use crate::views::{Layout, render};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use enough_domain::crisis::{Country, directory};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "crisis.html")]
struct CrisisPage {
    layout: Layout,
    country: Option<&'static Country>,
    selected: String,
    /// (code, name)
    countries: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CountryQuery {
    country: String,
}

/// Guesses a country from an IANA time zone (e.g. `Europe/Dublin` → IE); a setting will refine it.
fn country_from_time_zone(time_zone: &str) -> &'static str {
    match time_zone {
        "Europe/London" | "Europe/Belfast" => "GB",
        "Europe/Dublin" => "IE",
        "Pacific/Auckland" | "Pacific/Chatham" => "NZ",
        tz if tz.starts_with("Australia/") => "AU",
        "America/Toronto" | "America/Vancouver" | "America/Edmonton" | "America/Winnipeg"
        | "America/Halifax" | "America/St_Johns" | "America/Regina" => "CA",
        _ => "US",
    }
}

pub async fn page(
    MaybeSignedIn(signed_in): MaybeSignedIn,
    Query(query): Query<CountryQuery>,
) -> Response {
    let dir = directory();
    let selected = if query.country.is_empty() {
        signed_in
            .as_ref()
            .map(|s| country_from_time_zone(&s.user.time_zone))
            .unwrap_or("US")
            .to_owned()
    } else {
        query.country.to_ascii_uppercase()
    };
    let country = dir.country(&selected);
    render(&CrisisPage {
        layout: Layout::maybe("Help, right now", signed_in.as_ref(), ""),
        country,
        selected,
        countries: dir
            .countries
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect(),
    })
}
