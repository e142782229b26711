//! `/api/v1/insights/light-mood`: the statistics and their sentences as JSON.

use super::openapi::ErrorResponse;
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

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct RangeQuery {
    /// First date, inclusive (default: 8 weeks before `to`)
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: String,
    /// Last date, inclusive (default: today)
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: String,
}

/// The plain-language sentences.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Reflection {
    outside_vs_indoor: Vec<String>,
    daylight: Vec<String>,
    habits: Vec<String>,
}

/// The statistics of a date range with their sentences.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = LightMoodInsights)]
pub(crate) struct InsightsJson {
    #[schema(value_type = chrono::NaiveDate)]
    from: String,
    #[schema(value_type = chrono::NaiveDate)]
    to: String,
    /// The numbers, part by part
    #[schema(value_type = Object)]
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

#[utoipa::path(get, path = "/api/v1/insights/light-mood", summary = "Light & Mood insights for a date range (default: the last 8 weeks)",
    description = "Mornings outside vs indoors (n, mean, SD, difference with a 95% Welch interval widened by Bartlett's product rule when both the outcome and the group indicator carry over, the group means' intervals, the effective n, Hedges' g), daylight vs mood and energy on the same and the next day (Pearson r with a Fisher-z interval, Spearman rho), the seasonal habits, and the plain-language sentences. Parts with too few days have status `not_enough_days` and no numbers; parts whose values never varied have status `no_variation`.",
    params(RangeQuery),
    responses((status = 200, description = "The insights", body = InsightsJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
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
