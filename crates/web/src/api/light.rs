//! `/api/v1/location`, `/api/v1/reflections` and `/api/v1/experiments`.

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
use enough_domain::ValidationErrors;
use enough_domain::experiment::Analysis;
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

#[derive(Serialize)]
pub(crate) struct LocationJson {
    latitude: f64,
    longitude: f64,
    place: String,
}

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

pub async fn delete_location(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<StatusCode, ApiError> {
    state.app.set_location(&caller.user, "", "", "").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub(crate) struct ReflectionJson {
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

pub async fn reflections(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<ReflectionJson>>, ApiError> {
    let all = state.app.reflections(&caller.user).await?;
    Ok(Json(all.into_iter().map(reflection_json).collect()))
}

/// Body: `{"text": "…"}`.
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

#[derive(Serialize)]
pub(crate) struct ExperimentJson {
    id: i64,
    start: String,
    end: String,
    weeks: i64,
    status: &'static str,
    /// One letter a morning, the schedule in force (with any swaps): O = morning light, I = as usual.
    schedule: String,
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

pub async fn experiments(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<ExperimentJson>>, ApiError> {
    let all = state.app.experiments(&caller.user).await?;
    Ok(Json(all.into_iter().map(experiment_json).collect()))
}

/// Body: `{"weeks": 4}`; starts tomorrow.
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

pub async fn abandon_experiment(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.abandon_experiment(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
