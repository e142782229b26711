//! The JSON API under `/api/v1`, authenticated by personal access tokens.

mod day_json;
mod days;
mod insights;
mod openapi;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/days", get(days::list))
        .route(
            "/days/{date}",
            get(days::get).put(days::put).delete(days::delete),
        )
        .route("/insights/light-mood", get(insights::light_mood))
        .route("/openapi.json", get(openapi::document))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "No such API endpoint; see /api/v1/openapi.json.",
    )
}
