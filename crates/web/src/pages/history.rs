//! The history of logged days, newest first.

use super::day::{DayListItem, logged_summary, long_date};
use crate::AppState;
use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use enough_domain::day::parse_date;
use serde::Deserialize;

/// Days shown per page.
const PAGE_SIZE: usize = 60;

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    flash: Option<String>,
    recent: Vec<DayListItem>,
    recent_summary: String,
    older: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct HistoryQuery {
    before: String,
    saved: String,
    deleted: String,
}

pub async fn page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let before = parse_date("before", &query.before).ok();
    let to = before.and_then(|d| d.pred_opt());
    let mut days = state.app.days(user, None, to).await?;
    let older = (days.len() > PAGE_SIZE).then(|| days[PAGE_SIZE - 1].date.to_string());
    days.truncate(PAGE_SIZE);
    let today = state.app.today(user);
    let location = state.app.location(user).await?;
    let flash = if let Ok(d) = parse_date("saved", &query.saved) {
        Some(format!("Saved {}.", long_date(d)))
    } else {
        parse_date("deleted", &query.deleted)
            .ok()
            .map(|d| format!("Deleted the entry for {}.", long_date(d)))
    };
    let summary = if before.is_none() {
        logged_summary(&days, today)
    } else {
        String::new()
    };
    Ok(render(&HistoryPage {
        layout: Layout::signed_in("Your days", &signed_in, "history"),
        flash,
        recent: days
            .iter()
            .map(|d| DayListItem::new(d, location.as_ref()))
            .collect(),
        recent_summary: summary,
        older,
    }))
}
