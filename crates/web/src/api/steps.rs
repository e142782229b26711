//! `/api/v1/activities`, `/api/v1/programmes`, `/api/v1/programme-runs` and
//! `/api/v1/morning-light`.

use super::openapi::ErrorResponse;
use super::openapi_schemas::{ActivityInput, OutcomeInput, ProgrammeAssignment, SavedActivity};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use crate::support::Saved;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use enough_app::{ActivityView, RunView};
use enough_domain::ValidationErrors;
use enough_domain::activities::{
    ActivityOutcome, PlanText, PlannedActivity, mood_sentences, pleasure_sentence,
};
use enough_domain::day::parse_date;
use enough_domain::morning_light::MorningLight;
use enough_domain::programmes::{Programme, Step, programmes};
use enough_domain::{ActivityId, PersonId, ProgrammeRunId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

fn json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })
}

/// A planned activity and, once recorded, how it went.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Activity)]
pub(crate) struct ActivityJson {
    #[schema(value_type = i64)]
    id: ActivityId,
    #[serde(flatten)]
    plan: PlannedActivity,
    #[schema(required = true)]
    outcome: Option<ActivityOutcome>,
}

fn activity_json(a: ActivityView) -> ActivityJson {
    ActivityJson {
        id: a.id,
        plan: a.plan,
        outcome: a.outcome,
    }
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

fn range(
    q: &RangeQuery,
) -> Result<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>), ApiError> {
    let mut errors = ValidationErrors::default();
    let mut one = |field: &str, raw: &Option<String>| {
        raw.as_deref()
            .and_then(|r| parse_date(field, r).map_err(|e| errors.0.extend(e.0)).ok())
    };
    let from = one("from", &q.from);
    let to = one("to", &q.to);
    errors.into_result((from, to)).map_err(ApiError::invalid)
}

/// The caller's activities between `from` and `to`.
#[utoipa::path(get, path = "/api/v1/activities",
    summary = "Planned activities with their outcome, by date and time",
    params(RangeQuery),
    responses((status = 200, description = "Activities", body = Vec<ActivityJson>), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Vec<ActivityJson>>, ApiError> {
    let (from, to) = range(&q)?;
    let list = state.app.activities(&caller.user, from, to).await?;
    Ok(Json(list.into_iter().map(activity_json).collect()))
}

/// Plans an activity: `{what, date, time?, kind, value?}`.
#[utoipa::path(post, path = "/api/v1/activities",
    summary = "Plan an activity",
    request_body = ActivityInput,
    responses((status = 201, description = "Planned (with `support` when the safety decision asks)", body = SavedActivity), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let today = state.app.today(&caller.user);
    let plan = PlannedActivity::from_json(&json(&body)?, today).map_err(ApiError::invalid)?;
    let text = PlanText {
        what: plan.what.clone(),
        date: plan.date.to_string(),
        time: plan
            .time
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        kind: plan.kind.key().to_owned(),
        value: plan.value.clone().unwrap_or_default(),
    };
    let (saved, support) = state.app.plan_activity(&caller.user, &text).await?;
    Ok((
        StatusCode::CREATED,
        Json(Saved::new(activity_json(saved), support)),
    )
        .into_response())
}

/// One activity.
#[utoipa::path(get, path = "/api/v1/activities/{id}",
    summary = "One activity",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The activity", body = ActivityJson), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ActivityId>,
) -> Result<Json<ActivityJson>, ApiError> {
    Ok(Json(activity_json(
        state.app.activity(&caller.user, id).await?,
    )))
}

/// Records how it went: `{done, pleasure?, achievement?, mood_before?, mood_after?, note?}`.
#[utoipa::path(put, path = "/api/v1/activities/{id}/outcome",
    summary = "How it went",
    params(("id" = i64, Path)),
    request_body = OutcomeInput,
    responses((status = 200, description = "Recorded (with `support` when the safety decision asks)", body = SavedActivity), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_outcome(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ActivityId>,
    body: Bytes,
) -> Result<Json<Saved<ActivityJson>>, ApiError> {
    let current = state.app.activity(&caller.user, id).await?;
    let today = state.app.today(&caller.user);
    let outcome = ActivityOutcome::from_json(&json(&body)?, &current.plan, today)
        .map_err(ApiError::invalid)?;
    let (saved, support) = state.app.save_outcome(&caller.user, id, &outcome).await?;
    Ok(Json(Saved::new(activity_json(saved), support)))
}

/// Deletes an activity.
#[utoipa::path(delete, path = "/api/v1/activities/{id}",
    summary = "Delete it",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ActivityId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_activity(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub(crate) struct InsightsJson {
    sentences: Vec<String>,
    pleasure_by_kind: Vec<(String, String)>,
    mood_with_vs_without: Vec<String>,
}

/// Pleasure by kind and mood with vs without an activity done, last 8 weeks.
#[utoipa::path(get, path = "/api/v1/activities/insights",
    summary = "Average pleasure by kind and mood on days with vs without an activity done (last 8 weeks), with n and 95% intervals; 'too few' below 5",
    responses((status = 200, description = "Sentences"), (status = 401, response = ErrorResponse)))]
pub async fn insights(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<InsightsJson>, ApiError> {
    let i = state.app.activity_insights(&caller.user, 56).await?;
    Ok(Json(InsightsJson {
        pleasure_by_kind: i
            .pleasure_by_kind
            .iter()
            .map(|(k, f)| (k.key().to_owned(), pleasure_sentence(*k, f)))
            .collect(),
        mood_with_vs_without: mood_sentences(&i.mood_with_vs_without),
        sentences: i.sentences,
    }))
}

/// The shipped programmes.
#[utoipa::path(get, path = "/api/v1/programmes",
    summary = "The shipped programmes with their days",
    responses((status = 200, description = "Programmes"), (status = 401, response = ErrorResponse)))]
pub async fn catalogue(ApiCaller(_caller): ApiCaller) -> Json<&'static [Programme]> {
    Json(programmes())
}

#[derive(Serialize)]
pub(crate) struct RunJson {
    id: ProgrammeRunId,
    programme_id: String,
    title: String,
    started: String,
    completed_days: String,
    step: Step,
    sentence: String,
}

fn run_json(v: RunView) -> RunJson {
    RunJson {
        id: v.run.id,
        programme_id: v.run.programme_id,
        title: v.programme.title,
        started: v.run.started.to_string(),
        completed_days: v.run.completed_days,
        step: v.step,
        sentence: v.sentence,
    }
}

/// The programmes the caller follows, with today's step.
#[utoipa::path(get, path = "/api/v1/programme-runs",
    summary = "Programmes followed, with today's step (the first day not done: a skipped day resets nothing)",
    responses((status = 200, description = "Runs"), (status = 401, response = ErrorResponse)))]
pub async fn runs(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<RunJson>>, ApiError> {
    let runs = state.app.my_programmes(&caller.user).await?;
    Ok(Json(runs.into_iter().map(run_json).collect()))
}

/// Starts a programme.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/start",
    summary = "Start a programme today",
    params(("id" = String, Path, description = "A programme id from GET /api/v1/programmes")),
    responses((status = 201, description = "Started"), (status = 401, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn start(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let run = state.app.start_programme(&caller.user, &id).await?;
    Ok((StatusCode::CREATED, Json(run_json(run))).into_response())
}

/// Marks a day done.
#[utoipa::path(post, path = "/api/v1/programme-runs/{run}/days/{day}",
    summary = "Mark a day done",
    params(("run" = i64, Path), ("day" = u16, Path)),
    responses((status = 200, description = "The run"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn complete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((run, day)): Path<(ProgrammeRunId, u16)>,
) -> Result<Json<RunJson>, ApiError> {
    Ok(Json(run_json(
        state
            .app
            .complete_programme_day(&caller.user, run, day)
            .await?,
    )))
}

/// Stops a programme.
#[utoipa::path(post, path = "/api/v1/programme-runs/{run}/stop",
    summary = "Stop following it",
    params(("run" = i64, Path)),
    responses((status = 204, description = "Stopped"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn stop(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(run): Path<ProgrammeRunId>,
) -> Result<StatusCode, ApiError> {
    state.app.stop_programme(&caller.user, run).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The morning-light window for `date` (default today); 404 without a location.
#[utoipa::path(get, path = "/api/v1/morning-light",
    summary = "The morning-light window for ?from=DATE (default today) where the person is",
    params(RangeQuery),
    responses((status = 200, description = "The window"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn morning_light(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<RangeQuery>,
) -> Result<Json<MorningLight>, ApiError> {
    let (from, _) = range(&q)?;
    let date = from.unwrap_or_else(|| state.app.today(&caller.user));
    state
        .app
        .morning_light(&caller.user, date)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "Set a location first (PUT /api/v1/location).",
            )
        })
}

/// A therapist starts a programme for a linked person: `{"programme": "good-enough-21"}` or a
/// composed one `{"title": "…", "days": [{"day": 1, "title": "…", "text": "…", "exercise": "defusion"}]}`.
#[utoipa::path(post, path = "/api/v1/care/people/{id}/programmes",
    summary = "A therapist starts a programme for a linked person: a shipped one or a composed one",
    params(("id" = i64, Path, description = "The person's account id (a person linked to the calling therapist)")),
    request_body = ProgrammeAssignment,
    responses((status = 201, description = "Started"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(person_id): Path<PersonId>,
    body: Bytes,
) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        programme: Option<String>,
        title: Option<String>,
        days: Option<Vec<enough_domain::programmes::ProgrammeDay>>,
    }
    let b: Body = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid(ValidationErrors::single(
            "programme",
            format!("Give either \"programme\" (an id) or \"title\" and \"days\": {e}."),
        ))
    })?;
    let choice = match (b.programme, b.title, b.days) {
        (Some(id), None, None) => enough_app::ProgrammeChoice::Shipped(id),
        (None, Some(title), Some(days)) => enough_app::ProgrammeChoice::Composed { title, days },
        _ => {
            return Err(ApiError::invalid(ValidationErrors::single(
                "programme",
                "Give either \"programme\" (an id) or \"title\" and \"days\".",
            )));
        }
    };
    let run = state
        .app
        .assign_programme(&caller.user, person_id, choice)
        .await?;
    Ok((StatusCode::CREATED, Json(run_json(run))).into_response())
}
