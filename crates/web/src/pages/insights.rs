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
use enough_domain::reflection::{
    carryover_sentence, daylight_sentence, habit_sentence, outside_sentences,
};
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
    carryover: Vec<String>,
    habits: Vec<String>,
    groups_chart: Option<String>,
    scatter: String,
    over_time: String,
    min_group: usize,
    min_pairs: usize,
    year_chart: Option<String>,
    today_label: String,
    reflection_text: String,
    reflection_errors: ValidationErrors,
    /// (date label, text)
    reflections: Vec<(String, String)>,
    /// Where the range form goes (`/insights`, or a therapist's view of a person).
    action: String,
    /// The person looks at their own insights (and can write a reflection).
    own: bool,
    /// Reflections are shown (the person's own, or shared with the viewer).
    show_reflections: bool,
}

/// Whose insights are shown, and to whom.
pub(crate) struct InsightsView<'a> {
    /// The page's layout (the viewer's).
    pub layout: Layout,
    /// Whose data.
    pub person: &'a enough_store::User,
    /// The range form's action.
    pub action: String,
    /// The person themself.
    pub own: bool,
    /// Whether their reflections may be shown.
    pub show_reflections: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RangeQuery {
    pub(crate) from: String,
    pub(crate) to: String,
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
    let mut outside: Vec<String> = insights
        .outside_vs_indoor
        .iter()
        .flat_map(outside_sentences)
        .collect();
    // "Not enough days yet" reads the same for mood and energy: say it once.
    outside.dedup();
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
    insights_page(
        &state,
        &signed_in,
        &query,
        None,
        ValidationErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReflectionForm {
    csrf: String,
    date: String,
    text: String,
}

/// Saves the person's reflection; on a problem the page comes back with their words kept.
pub async fn save_reflection(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: axum::http::HeaderMap,
    axum_extra::extract::Form(form): axum_extra::extract::Form<ReflectionForm>,
) -> Result<Response, PageError> {
    crate::csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .save_reflection(&signed_in.user, &form.date, &form.text)
        .await
    {
        Ok((_, support)) => Ok(crate::support::or_support(
            &headers,
            support.as_ref(),
            || {
                axum::response::IntoResponse::into_response(axum::response::Redirect::to(
                    "/insights#reflect-heading",
                ))
            },
        )),
        Err(AppError::Validation(errors)) => {
            insights_page(
                &state,
                &signed_in,
                &RangeQuery::default(),
                Some(form.text),
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn insights_page(
    state: &AppState,
    signed_in: &enough_app::SignedIn,
    query: &RangeQuery,
    reflection_text: Option<String>,
    reflection_errors: ValidationErrors,
) -> Result<Response, PageError> {
    let view = InsightsView {
        layout: Layout::signed_in("Light & Mood", signed_in, "insights"),
        person: &signed_in.user,
        action: "/insights".to_owned(),
        own: true,
        show_reflections: true,
    };
    insights_for(state, view, query, reflection_text, reflection_errors).await
}

/// The insights page for `view.person`, as `view` says who is looking.
pub(crate) async fn insights_for(
    state: &AppState,
    view: InsightsView<'_>,
    query: &RangeQuery,
    reflection_text: Option<String>,
    reflection_errors: ValidationErrors,
) -> Result<Response, PageError> {
    let user = view.person;
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
    // A therapist reads findings about the person, not addressed to them.
    let voice = |list: Vec<String>| -> Vec<String> {
        if view.own {
            list
        } else {
            list.iter().map(|s| crate::views::their_voice(s)).collect()
        }
    };
    let (outside, daylight, habits) = (voice(outside), voice(daylight), voice(habits));
    let status = if errors.is_empty() && reflection_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let location = state.app.location(user).await?;
    let year_chart = match &location {
        Some(l) => {
            let year_start = range
                .to
                .checked_sub_days(Days::new(364))
                .unwrap_or(range.to);
            let lengths =
                enough_domain::solar::day_lengths(year_start, range.to, l.latitude, l.longitude);
            let year_days = state
                .app
                .days(user, Some(year_start), Some(range.to))
                .await?;
            Some(charts::day_length_year(&year_days, &lengths))
        }
        None => None,
    };
    let reflections = if view.show_reflections {
        state
            .app
            .reflections(user)
            .await?
            .into_iter()
            .map(|r| (r.date.format("%-d %B %Y").to_string(), r.text))
            .collect()
    } else {
        Vec::new()
    };
    let page = InsightsPage {
        layout: view.layout,
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
        carryover: voice(vec![
            carryover_sentence("mood", &range.insights.mood_carryover),
            carryover_sentence("energy", &range.insights.energy_carryover),
        ]),
        habits,
        groups_chart: charts::groups(&range.insights.outside_vs_indoor),
        scatter: charts::daylight_scatter(&range.days),
        over_time: charts::over_time(&range.days, range.from, range.to),
        min_group: MIN_GROUP_DAYS,
        min_pairs: MIN_PAIRS,
        year_chart,
        today_label: today.format("%-d %B").to_string(),
        reflection_text: reflection_text.unwrap_or_default(),
        reflection_errors,
        reflections,
        action: view.action,
        own: view.own,
        show_reflections: view.show_reflections,
    };
    Ok(render_with(status, &page))
}
