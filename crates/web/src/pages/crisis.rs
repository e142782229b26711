//! Crisis help: reachable from every page, without signing in, without JavaScript.

use crate::AppState;
use crate::identity::MaybeSignedIn;
use crate::views::{Layout, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use enough_domain::crisis::{Country, directory};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "crisis.html")]
struct CrisisPage {
    layout: Layout,
    country: Option<&'static Country>,
    selected: String,
    signed_in: bool,
    remembered: bool,
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
    Query(query): Query<CountryQuery>,
) -> Response {
    let dir = directory();
    let own = state
        .app
        .crisis_country(signed_in.as_ref().map(|s| &s.user));
    let selected = if query.country.is_empty() {
        own.code.clone()
    } else {
        query.country.to_ascii_uppercase()
    };
    let country = dir.country(&selected);
    render(&CrisisPage {
        layout: Layout::maybe("Help, right now", signed_in.as_ref(), ""),
        country,
        remembered: signed_in
            .as_ref()
            .is_some_and(|s| s.user.country.as_deref() == Some(selected.as_str())),
        signed_in: signed_in.is_some(),
        selected,
        countries: dir
            .countries
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect(),
    })
}
