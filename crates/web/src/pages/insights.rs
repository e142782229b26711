//! The Light & Mood insights page.

use crate::AppState;
use crate::charts;
use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render_with};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use enough_app::AppError;
use enough_domain::ValidationErrors;
use enough_domain::day::parse_date;
use enough_domain::light_mood::{MIN_GROUP_DAYS, MIN_PAIRS, Outcome};
use enough_domain::reflection::{daylight_sentence, habit_sentence, outside_sentences};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage {
    layout: Layout,
    errors: ValidationErrors,
    from: String,
    to: String,
    to_default: String,
    from_label: String,
    to_label: String,
    quick_ranges: Vec<(&'static str, String)>,
    days: usize,
    outside: Vec<String>,
    daylight: Vec<String>,
    habits: Vec<String>,
    groups_chart: Option<String>,
    scatter: String,
    over_time: String,
    min_group: usize,
    min_pairs: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RangeQuery {
    from: String,
    to: String,
}

/// Parses an optional date field, collecting its error.
pub(crate) fn optional_date(
    field: &str,
    raw: &str,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    parse_date(field, raw)
        .map_err(|e| errors.0.extend(e.0))
        .ok()
}

/// Every sentence of the reflection, grouped as the page shows them.
pub(crate) fn sentences(
    insights: &enough_domain::light_mood::LightMoodInsights,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let outside = insights
        .outside_vs_indoor
        .iter()
        .flat_map(outside_sentences)
        .collect();
    let daylight = insights
        .daylight
        .iter()
        .zip([
            (Outcome::Mood, 0),
            (Outcome::Energy, 0),
            (Outcome::Mood, 1),
            (Outcome::Energy, 1),
        ])
        .map(|(f, (o, lag))| daylight_sentence(f, o.word(), lag))
        .collect();
    let habits = insights.habits.iter().map(habit_sentence).collect();
    (outside, daylight, habits)
}

pub async fn page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let mut errors = ValidationErrors::default();
    let from = optional_date("from", &query.from, &mut errors);
    let to = optional_date("to", &query.to, &mut errors);
    let (from, to) = if errors.is_empty() {
        (from, to)
    } else {
        (None, None)
    };
    let range = match state.app.light_mood_insights(user, from, to).await {
        Ok(range) => range,
        Err(AppError::Validation(e)) => {
            errors.0.extend(e.0);
            state.app.light_mood_insights(user, None, None).await?
        }
        Err(e) => return Err(e.into()),
    };
    let today = state.app.today(user);
    let back = |days: u64| {
        today
            .checked_sub_days(Days::new(days - 1))
            .unwrap_or(today)
            .to_string()
    };
    let (outside, daylight, habits) = sentences(&range.insights);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = InsightsPage {
        layout: Layout::signed_in("Light & Mood", &signed_in, "insights"),
        errors,
        from: range.from.to_string(),
        to: range.to.to_string(),
        to_default: today.to_string(),
        from_label: range.from.format("%-d %B %Y").to_string(),
        to_label: range.to.format("%-d %B %Y").to_string(),
        quick_ranges: vec![
            ("4 weeks", back(28)),
            ("8 weeks", back(56)),
            ("3 months", back(91)),
            ("1 year", back(365)),
        ],
        days: range.insights.days,
        outside,
        daylight,
        habits,
        groups_chart: charts::groups(&range.insights.outside_vs_indoor),
        scatter: charts::daylight_scatter(&range.days),
        over_time: charts::over_time(&range.days, range.from, range.to),
        min_group: MIN_GROUP_DAYS,
        min_pairs: MIN_PAIRS,
    };
    Ok(render_with(status, &page))
}
