//! `/api/v1/location`, `/api/v1/reflections` and `/api/v1/experiments`.

use super::openapi::ErrorResponse;
use super::openapi_schemas::{ExperimentInput, LocationInput, ReflectionInput, SwapInput};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use crate::support::Saved;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use enough_app::ExperimentView;
use enough_domain::experiment::Analysis;
use enough_domain::{ExperimentId, ValidationErrors};
use serde::Serialize;
use serde_json::{Map, Value};

/// Reads a JSON object whose fields are all optional strings or numbers, refusing others.
pub(crate) fn object(body: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let Value::Object(map) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.",
        ));
    };
    let mut errors = ValidationErrors::default();
    for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
        errors.push(
            key.chars().take(60).collect::<String>(),
            format!("Unknown field; the fields are: {}.", allowed.join(", ")),
        );
    }
    errors.into_result(map).map_err(ApiError::invalid)
}

/// A field as text (numbers are written out), or "" when absent or null.
pub(crate) fn text(map: &Map<String, Value>, key: &str) -> String {
    match map.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) if !other.is_null() => "not a number or text".to_owned(),
        _ => String::new(),
    }
}

/// Where the person is.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LocationJson {
    latitude: f64,
    longitude: f64,
    place: String,
}

#[utoipa::path(get, path = "/api/v1/location", summary = "The person's location (404 when none)",
    responses((status = 200, description = "Latitude, longitude, place", body = LocationJson), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn get_location(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, ApiError> {
    match state.app.location(&caller.user).await? {
        Some(l) => Ok(Json(LocationJson {
            latitude: l.latitude,
            longitude: l.longitude,
            place: l.place,
        })
        .into_response()),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "No location is set.")),
    }
}

/// Body: `{"city": "Dublin"}` or `{"latitude": 53.3, "longitude": -6.2}`.
#[utoipa::path(put, path = "/api/v1/location", summary = "Set the location from a city or coordinates", request_body = LocationInput,
    responses((status = 200, description = "Saved", body = LocationJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_location(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let map = object(&body, &["city", "latitude", "longitude"])?;
    let (city, lat, lon) = (
        text(&map, "city"),
        text(&map, "latitude"),
        text(&map, "longitude"),
    );
    if city.is_empty() && lat.is_empty() && lon.is_empty() {
        return Err(ApiError::invalid(ValidationErrors::single(
            "city",
            "Give a city, or latitude and longitude; DELETE removes the location.",
        )));
    }
    let location = state
        .app
        .set_location(&caller.user, &city, &lat, &lon)
        .await?;
    let l = location.ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The location was not saved.",
        )
    })?;
    Ok(Json(LocationJson {
        latitude: l.latitude,
        longitude: l.longitude,
        place: l.place,
    })
    .into_response())
}

#[utoipa::path(delete, path = "/api/v1/location", summary = "Remove the location",
    responses((status = 204, description = "Removed"), (status = 401, response = ErrorResponse)))]
pub async fn delete_location(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<StatusCode, ApiError> {
    state.app.set_location(&caller.user, "", "", "").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A written reflection.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Reflection)]
pub(crate) struct ReflectionJson {
    #[schema(value_type = chrono::NaiveDate)]
    date: String,
    text: String,
    updated_at: i64,
}

/// One reflection as the API shows it (to its owner and to a therapist alike).
pub(crate) fn reflection_json(r: enough_store::Reflection) -> ReflectionJson {
    ReflectionJson {
        date: r.date.to_string(),
        text: r.text,
        updated_at: r.updated_at,
    }
}

#[utoipa::path(get, path = "/api/v1/reflections", summary = "The person's reflections, newest date first",
    responses((status = 200, description = "The reflections", body = Vec<ReflectionJson>), (status = 401, response = ErrorResponse)))]
pub async fn reflections(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<ReflectionJson>>, ApiError> {
    let all = state.app.reflections(&caller.user).await?;
    Ok(Json(all.into_iter().map(reflection_json).collect()))
}

/// Body: `{"text": "…"}`.
#[utoipa::path(put, path = "/api/v1/reflections/{date}", summary = "Save the reflection for a date", params(("date" = chrono::NaiveDate, Path, description = "The person's local date, YYYY-MM-DD. At most one day after their today.")), request_body = ReflectionInput,
    responses((status = 200, description = "Saved, with `support` when the safety decision asks", body = SavedReflection), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_reflection(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(date): Path<String>,
    body: Bytes,
) -> Result<Json<Saved<ReflectionJson>>, ApiError> {
    let map = object(&body, &["text"])?;
    let text = match map.get("text") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(ApiError::invalid(ValidationErrors::single(
                "text",
                "text must be a string.",
            )));
        }
    };
    let (r, support) = state
        .app
        .save_reflection(&caller.user, &date, &text)
        .await?;
    Ok(Json(Saved::new(reflection_json(r), support)))
}

/// A Light & Mood experiment with its analysis.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Experiment)]
pub(crate) struct ExperimentJson {
    #[schema(value_type = i64)]
    id: ExperimentId,
    #[schema(value_type = chrono::NaiveDate)]
    start: String,
    #[schema(value_type = chrono::NaiveDate)]
    end: String,
    weeks: i64,
    /// active, finished or abandoned
    status: &'static str,
    /// One letter a morning, the schedule in force (with any swaps): O = morning light, I = as usual.
    schedule: String,
    /// The analysis of the days logged in it so far
    #[schema(value_type = Object)]
    analysis: Analysis,
}

fn experiment_json(v: ExperimentView) -> ExperimentJson {
    ExperimentJson {
        id: v.experiment.id,
        start: v.plan.start.to_string(),
        end: v.plan.end().to_string(),
        weeks: v.experiment.weeks,
        status: v.experiment.status.as_str(),
        schedule: v.experiment.schedule,
        analysis: v.analysis,
    }
}

#[utoipa::path(get, path = "/api/v1/experiments", summary = "The person's Light & Mood experiments with their analyses",
    responses((status = 200, description = "The experiments", body = Vec<ExperimentJson>), (status = 401, response = ErrorResponse)))]
pub async fn experiments(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<ExperimentJson>>, ApiError> {
    let all = state.app.experiments(&caller.user).await?;
    Ok(Json(all.into_iter().map(experiment_json).collect()))
}

/// Body: `{"weeks": 4}`; starts tomorrow.
#[utoipa::path(post, path = "/api/v1/experiments", summary = "Start an experiment tomorrow (one at a time)", request_body = ExperimentInput,
    responses((status = 201, description = "Started: schedule and analysis", body = ExperimentJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn start_experiment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let map = object(&body, &["weeks"])?;
    let view = state
        .app
        .start_experiment(&caller.user, &text(&map, "weeks"))
        .await?;
    Ok((StatusCode::CREATED, Json(experiment_json(view))).into_response())
}

#[utoipa::path(post, path = "/api/v1/experiments/{id}/abandon", summary = "Stop the running experiment; its data stays", params(("id" = i64, Path)),
    responses((status = 204, description = "Stopped"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn abandon_experiment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ExperimentId>,
) -> Result<StatusCode, ApiError> {
    state.app.abandon_experiment(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A reflection as saved, with `support` when the safety decision asks for it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct SavedReflection {
    #[serde(flatten)]
    reflection: ReflectionJson,
    support: Option<enough_app::Support>,
}

/// Body: `{"date": "2026-03-02", "with": "2026-03-04"}`: swaps today's morning with a later
/// morning of the same week (as the experiment page does).
#[utoipa::path(post, path = "/api/v1/experiments/{id}/swap",
    summary = "Swap this morning's condition with a later morning of the same week",
    description = "For a morning that does not suit the plan: `date` is today (the person's local date), `with` a later morning of the same week whose condition differs. The analysis keeps comparing by the seeded plan, so a swap never biases it; the schedule shows the swap.",
    params(("id" = i64, Path)), request_body = SwapInput,
    responses((status = 200, description = "Swapped: schedule and analysis", body = ExperimentJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn swap_experiment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ExperimentId>,
    body: Bytes,
) -> Result<Json<ExperimentJson>, ApiError> {
    let map = object(&body, &["date", "with"])?;
    let view = state
        .app
        .swap_experiment_mornings(&caller.user, id, &text(&map, "date"), &text(&map, "with"))
        .await?;
    Ok(Json(experiment_json(view)))
}
