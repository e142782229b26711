//! The JSON API under `/api/v1`, authenticated by personal access tokens.

mod account;
mod care;
mod day_json;
mod days;
mod guard;
mod homework;
mod insights;
mod light;
mod measures;
mod openapi;
mod openapi_schemas;
mod steps;
mod toolkit;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/password", post(account::change_password))
        .route("/days", get(days::list))
        .route(
            "/days/{date}",
            get(days::get)
                .put(days::put)
                .patch(days::patch)
                .delete(days::delete),
        )
        .route("/insights/light-mood", get(insights::light_mood))
        .route(
            "/location",
            get(light::get_location)
                .put(light::put_location)
                .delete(light::delete_location),
        )
        .route("/reflections", get(light::reflections))
        .route(
            "/reflections/{date}",
            axum::routing::put(light::put_reflection),
        )
        .route(
            "/experiments",
            get(light::experiments).post(light::start_experiment),
        )
        .route(
            "/experiments/{id}/abandon",
            axum::routing::post(light::abandon_experiment),
        )
        .route("/experiments/{id}/swap", post(light::swap_experiment))
        .route("/toolkit", get(toolkit::catalogue_json))
        .route("/toolkit/progress", get(toolkit::progress))
        .route("/exercises", get(toolkit::list).post(toolkit::create))
        .route(
            "/exercises/{id}",
            get(toolkit::get).put(toolkit::put).delete(toolkit::delete),
        )
        .route(
            "/exercises/{id}/ladder-attempts",
            axum::routing::post(toolkit::add_attempt),
        )
        .route(
            "/safety-plan",
            get(toolkit::safety_plan).put(toolkit::put_safety_plan),
        )
        .route("/crisis", get(toolkit::crisis))
        .route("/measures", get(measures::list))
        .route("/measures/fhir", get(measures::fhir_everything))
        .route(
            "/measures/{id}/responses",
            get(measures::responses).post(measures::submit),
        )
        .route(
            "/measures/{id}/responses/{response_id}",
            axum::routing::delete(measures::delete),
        )
        .route(
            "/measures/{id}/responses/{response_id}/fhir",
            get(measures::fhir_response),
        )
        .route("/measures/{id}/draft", put(measures::put_draft))
        .route(
            "/measures/{id}/schedule",
            axum::routing::put(measures::put_schedule),
        )
        .route("/activities", get(steps::list).post(steps::create))
        .route("/activities/insights", get(steps::insights))
        .route("/activities/{id}", get(steps::get).delete(steps::delete))
        .route(
            "/activities/{id}/outcome",
            axum::routing::put(steps::put_outcome),
        )
        .route("/programmes", get(steps::catalogue))
        .route("/programmes/{id}/start", axum::routing::post(steps::start))
        .route("/programme-runs", get(steps::runs))
        .route(
            "/programme-runs/{run}/days/{day}",
            axum::routing::post(steps::complete),
        )
        .route(
            "/programme-runs/{run}/stop",
            axum::routing::post(steps::stop),
        )
        .route("/morning-light", get(steps::morning_light))
        .route(
            "/care/people/{id}/programmes",
            axum::routing::post(steps::assign),
        )
        // Homework, session summaries and the calendar feed.
        .route("/homework", get(homework::mine))
        .route(
            "/care/people/{id}/homework",
            get(homework::for_person).post(homework::assign),
        )
        .route(
            "/care/people/{id}/homework/{homework_id}/cancel",
            axum::routing::post(homework::cancel),
        )
        .route("/care/people/{id}/summary", get(homework::summary))
        .route(
            "/calendar-feed",
            axum::routing::put(homework::put_calendar_feed).delete(homework::delete_calendar_feed),
        )
        .route(
            "/care/invitations",
            get(care::invitations).post(care::create_invitation),
        )
        .route(
            "/care/invitations/{id}/revoke",
            post(care::revoke_invitation),
        )
        .route("/care/caseload", get(care::caseload))
        .route("/care/people/{id}", get(care::person))
        .route("/care/people/{id}/days", get(care::person_days))
        .route(
            "/care/people/{id}/insights/light-mood",
            get(care::person_insights),
        )
        .route(
            "/care/people/{id}/reflections",
            get(care::person_reflections),
        )
        .route("/care/people/{id}/exercises", get(care::person_exercises))
        .route("/care/people/{id}/measures", get(care::person_measures))
        .route("/care/people/{id}/safety", get(care::person_safety))
        .route("/care/join", post(care::join))
        .route("/care/links", get(care::links))
        .route("/care/links/{id}", put(care::put_link))
        .route("/care/links/{id}/end", post(care::end_link))
        .route("/care/access-log", get(care::access_log))
        .route("/export", get(export))
        .route("/export/fhir", get(export_fhir))
        .route("/openapi.json", get(openapi::document))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(guard::json_only))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "No such API endpoint; see /api/v1/openapi.json.",
    )
}

/// Everything with an interchange form, as a FHIR R4 Bundle.
#[utoipa::path(get, path = "/api/v1/export/fhir",
    summary = "Everything with an interchange form as a FHIR R4 Bundle (application/fhir+json)",
    responses((status = 200, description = "The Bundle", body = openapi_schemas::FhirBundleDoc, content_type = "application/fhir+json"),
        (status = 401, response = openapi::ErrorResponse)))]
async fn export_fhir(
    axum::extract::State(state): axum::extract::State<AppState>,
    crate::identity::ApiCaller(caller): crate::identity::ApiCaller,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let bundle = state.app.export_fhir(&caller.user).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/fhir+json")],
        bundle.to_string(),
    )
        .into_response())
}

/// Everything the caller owns, as one versioned JSON document.
#[utoipa::path(get, path = "/api/v1/export",
    summary = "Everything the caller owns, as one versioned JSON document (the import format)",
    responses((status = 200, description = "The export", body = Object),
        (status = 401, response = openapi::ErrorResponse)))]
async fn export(
    axum::extract::State(state): axum::extract::State<AppState>,
    crate::identity::ApiCaller(caller): crate::identity::ApiCaller,
) -> Result<axum::Json<enough_app::Export>, ApiError> {
    Ok(axum::Json(state.app.export(&caller.user).await?))
}
