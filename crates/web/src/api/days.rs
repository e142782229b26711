//! `/api/v1/days`: read, write and delete days of the log.

use super::day_json::{DayJson, day_fields, day_patch};
use super::openapi::ErrorResponse;
use super::openapi_schemas::{DayInput, SavedDay};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use crate::precompressed::{self, KeptPart, Part};
use crate::support::Saved;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use enough_domain::day::parse_date;
use serde::{Deserialize, Serialize};

fn path_date(raw: &str) -> Result<NaiveDate, ApiError> {
    parse_date("date", raw).map_err(ApiError::invalid)
}

#[utoipa::path(get, path = "/api/v1/days/{date}", summary = "Read one day", params(("date" = chrono::NaiveDate, Path, description = "The person's local date, YYYY-MM-DD. At most one day after their today.")),
    responses((status = 200, description = "The day", body = DayJson), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(date): Path<String>,
) -> Result<Json<DayJson>, ApiError> {
    let entry = state.app.day(&caller.user, path_date(&date)?).await?;
    Ok(Json(DayJson::from(&entry)))
}

#[utoipa::path(put, path = "/api/v1/days/{date}", summary = "Create or replace one day",
    description = "Replaces the whole day: a field left out or null is missing afterwards. A day needs at least one value (422 \"a day needs at least one value\" otherwise, nothing saved).",
    params(("date" = chrono::NaiveDate, Path, description = "The person's local date, YYYY-MM-DD. At most one day after their today.")), request_body = DayInput,
    responses(
        (status = 200, description = "Replaced (with `support` when the safety decision asks)", body = SavedDay),
        (status = 201, description = "Created (with `support` when the safety decision asks)", body = SavedDay),
        (status = 413, description = "Body larger than 64 KiB"),
        (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(date): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let date = path_date(&date)?;
    let (fields, type_errors) = day_fields(&body)?;
    let (entry, created, support) = state
        .app
        .log_day(&caller.user, date, fields, type_errors)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Saved::new(DayJson::from(&entry), support))).into_response())
}

/// `PATCH`: changes only the fields sent (`null` clears one); creates the day if needed.
#[utoipa::path(patch, path = "/api/v1/days/{date}", summary = "Change some values of one day",
    description = "Merges the fields sent into the day (creating it if there is none): a field left out is kept, a field sent as null is cleared, `habits` replaces the ticked set. The result must still hold at least one value.",
    params(("date" = chrono::NaiveDate, Path, description = "The person's local date, YYYY-MM-DD. At most one day after their today.")), request_body = DayInput,
    responses(
        (status = 200, description = "Changed (with `support` when the safety decision asks)", body = SavedDay),
        (status = 201, description = "Created (with `support` when the safety decision asks)", body = SavedDay),
        (status = 413, description = "Body larger than 64 KiB"),
        (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn patch(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(date): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let date = path_date(&date)?;
    let (patch, type_errors) = day_patch(&body)?;
    let (entry, created, support) = state
        .app
        .patch_day(&caller.user, date, patch, type_errors)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Saved::new(DayJson::from(&entry), support))).into_response())
}

#[utoipa::path(delete, path = "/api/v1/days/{date}", summary = "Delete one day", params(("date" = chrono::NaiveDate, Path, description = "The person's local date, YYYY-MM-DD. At most one day after their today.")),
    responses((status = 204, description = "Deleted"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(date): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .delete_day(&caller.user, path_date(&date)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct RangeQuery {
    /// First date, inclusive
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// Last date, inclusive
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
}

/// Days, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DayList {
    days: Vec<DayJson>,
}

/// Reads `?from&to` (both optional, `YYYY-MM-DD`): 400 for unknown parameters, 422 naming a
/// bad date.
pub(crate) fn date_range(
    query: Result<Query<RangeQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let Query(query) = query.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "{}; the parameters are from and to (YYYY-MM-DD).",
                e.body_text()
            ),
        )
    })?;
    let parse = |field: &str, raw: &Option<String>| {
        raw.as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| parse_date(field, s).map_err(ApiError::invalid))
            .transpose()
    };
    Ok((parse("from", &query.from)?, parse("to", &query.to)?))
}

/// Days as a list, the same shape for the owner and for a therapist.
pub(crate) fn day_list(days: &[enough_domain::day::DayEntry]) -> DayList {
    DayList {
        days: days.iter().map(DayJson::from).collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/days", summary = "List days, newest first", params(RangeQuery),
    responses((status = 200, description = "The days", body = DayList), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    headers: axum::http::HeaderMap,
    query: Result<Query<RangeQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let (from, to) = date_range(query)?;
    // Serialised once per change of the person's data, and compressed once when first asked
    // for so; a repeat sends the same bytes.
    let body = state
        .app
        .days_rendered(&caller.user, from, to, |days| {
            serde_json::to_vec(&day_list(days))
        })
        .await?;
    let made = body
        .derived
        .get_or_init(|| KeptPart::new(std::sync::Arc::clone(&body.bytes)));
    Ok(match made {
        Some(kept) => precompressed::response(&headers, "application/json", &[Part::Kept(kept)]),
        // Only one kind of thing is ever kept with a day list.
        None => (
            [(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            )],
            Bytes::from_owner(std::sync::Arc::clone(&body.bytes)),
        )
            .into_response(),
    })
}
