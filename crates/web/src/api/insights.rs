//! `/api/v1/insights/light-mood`: the statistics and their sentences as JSON.

use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use crate::pages::insights::{optional_date, sentences};
use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use enough_app::InsightsRange;
use enough_domain::ValidationErrors;
use enough_domain::light_mood::LightMoodInsights;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RangeQuery {
    from: String,
    to: String,
}

#[derive(Serialize)]
pub(crate) struct Reflection {
    outside_vs_indoor: Vec<String>,
    daylight: Vec<String>,
    habits: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct InsightsJson {
    from: String,
    to: String,
    insights: LightMoodInsights,
    reflection: Reflection,
}

/// Reads `from` and `to` (both optional, `YYYY-MM-DD`), naming each bad one.
pub(crate) fn range(
    query: &RangeQuery,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let mut errors = ValidationErrors::default();
    let from = optional_date("from", &query.from, &mut errors);
    let to = optional_date("to", &query.to, &mut errors);
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// The statistics of a range with their sentences, as the API shows them (also used for a
/// therapist's view of a person who shares the log).
pub(crate) fn insights_json(range: &InsightsRange) -> InsightsJson {
    let (outside_vs_indoor, daylight, habits) = sentences(&range.insights);
    InsightsJson {
        from: range.from.to_string(),
        to: range.to.to_string(),
        insights: range.insights.clone(),
        reflection: Reflection {
            outside_vs_indoor,
            daylight,
            habits,
        },
    }
}

pub async fn light_mood(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<RangeQuery>,
) -> Result<Json<InsightsJson>, ApiError> {
    let (from, to) = range(&query)?;
    let range = state
        .app
        .light_mood_insights(&caller.user, from, to)
        .await?;
    Ok(Json(insights_json(&range)))
}
