//! `/api/v1/toolkit`, `/api/v1/exercises`, `/api/v1/safety-plan` and `/api/v1/crisis`.

use super::openapi::ErrorResponse;
use super::openapi_schemas::{ExerciseInput, SafetyPlanInput};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use enough_app::{
    AppError, ExerciseRecord, ExerciseSubmission, SafetyPlanView, Support, exercise_def,
};
use enough_domain::ExerciseId;
use enough_domain::ValidationErrors;
use enough_domain::crisis::{Country, directory};
use enough_domain::day::parse_date;
use enough_domain::safety::plan::SafetyPlan;
use enough_domain::toolkit::{
    Answers, Attempt, ChangeSummary, CriticAccuracy, Distortion, ExerciseDef, LifeValue, catalogue,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )),
    }
}

fn unknown_fields(map: &Map<String, Value>, allowed: &[&str], errors: &mut ValidationErrors) {
    for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
        errors.push(
            key.chars().take(60).collect::<String>(),
            format!("Unknown field; the fields are: {}.", allowed.join(", ")),
        );
    }
}

fn string_field(map: &Map<String, Value>, key: &str, errors: &mut ValidationErrors) -> String {
    match map.get(key) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => {
            errors.push(key, "Must be text.");
            String::new()
        }
    }
}

#[derive(Serialize)]
pub(crate) struct CatalogueJson {
    exercises: &'static [ExerciseDef],
    distortions: &'static [Distortion],
    life_values: &'static [LifeValue],
}

/// Every exercise with its steps, the distortion list and the life values.
#[utoipa::path(get, path = "/api/v1/toolkit",
    summary = "The catalogue: every exercise with its introduction and steps, the cognitive distortions, the life values",
    responses((status = 200, description = "The catalogue"), (status = 401, response = ErrorResponse)))]
pub async fn catalogue_json(ApiCaller(_caller): ApiCaller) -> Json<CatalogueJson> {
    let c = catalogue();
    Json(CatalogueJson {
        exercises: &c.exercises,
        distortions: &c.distortions,
        life_values: &c.life_values,
    })
}

/// A saved exercise.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Exercise)]
pub(crate) struct ExerciseJson {
    #[schema(value_type = i64)]
    id: ExerciseId,
    /// Exercise id from GET /api/v1/toolkit, e.g. thought-record
    kind: String,
    #[schema(value_type = chrono::NaiveDate)]
    date: String,
    #[schema(inline, value_type = super::openapi_schemas::ExerciseStatus)]
    status: &'static str,
    /// Step id → answer. Text steps take a string (long text ≤ 5000 characters, short ≤ 300); ratings an integer in the step's range; distortions an array of distortion ids; emotions [{name, before 0–100, after 0–100|null}] (≤ 12); a value domain a life-value id; value ratings [{domain, importance 0–10, lived 0–10}]; yes/no a boolean; minutes an integer; a ladder {rungs: [{text, suds 0–100, attempts: [...]}]} (≤ 20 rungs). The whole object ≤ 64 KiB.
    #[schema(value_type = Object)]
    answers: Value,
    summary: String,
    created_at: i64,
    updated_at: i64,
    /// Present when the app's safety decision asks for it: crisis lines and the support page.
    /// Only on the answer to a save (create, replace, ladder attempt). Saving is never blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    support: Option<Support>,
}

pub(crate) fn exercise_json(r: &ExerciseRecord, support: Option<Support>) -> ExerciseJson {
    ExerciseJson {
        id: r.id,
        kind: r.def.id.clone(),
        date: r.date.to_string(),
        status: r.status.as_str(),
        answers: r.answers.to_json(),
        summary: r.summary.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
        support,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct KindQuery {
    /// Only exercises of this kind (an exercise id from GET /api/v1/toolkit)
    kind: Option<String>,
}

/// Saved exercises, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ExerciseList {
    exercises: Vec<ExerciseJson>,
}

/// The caller's exercises, newest first.
#[utoipa::path(get, path = "/api/v1/exercises",
    summary = "The journal: saved exercises, newest first",
    params(KindQuery),
    responses((status = 200, description = "Exercises", body = ExerciseList), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<KindQuery>,
) -> Result<Json<ExerciseList>, ApiError> {
    let records = state
        .app
        .journal(&caller.user, query.kind.as_deref())
        .await?;
    Ok(Json(ExerciseList {
        exercises: records.iter().map(|r| exercise_json(r, None)).collect(),
    }))
}

/// Reads `{kind, date, status, answers}`; `kind` is fixed by the entry when updating.
fn submission(body: &[u8], fixed_kind: Option<&str>) -> Result<ExerciseSubmission, ApiError> {
    let map = json_object(body)?;
    let mut errors = ValidationErrors::default();
    unknown_fields(&map, &["kind", "date", "status", "answers"], &mut errors);
    let kind = match fixed_kind {
        Some(k) => {
            let sent = string_field(&map, "kind", &mut errors);
            if !sent.is_empty() && sent != k {
                errors.push(
                    "kind",
                    "An entry's exercise cannot be changed; create a new one.",
                );
            }
            k.to_owned()
        }
        None => string_field(&map, "kind", &mut errors),
    };
    let date = string_field(&map, "date", &mut errors);
    let status = string_field(&map, "status", &mut errors);
    let def = match exercise_def(&kind) {
        Ok(def) => Some(def),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let answers = match (def, map.get("answers")) {
        (Some(def), Some(value)) => match Answers::from_json(def, value) {
            Ok(a) => a,
            Err(e) => {
                errors.0.extend(e.0.into_iter().map(|f| {
                    enough_domain::FieldError::new(format!("answers.{}", f.field), f.message)
                }));
                Answers::default()
            }
        },
        (_, None) => {
            errors.push(
                "answers",
                "Give the answers as an object of step id to value.",
            );
            Answers::default()
        }
        (None, _) => Answers::default(),
    };
    errors
        .into_result(ExerciseSubmission {
            kind,
            date,
            status,
            answers,
        })
        .map_err(ApiError::invalid)
}

/// Saves a new exercise.
#[utoipa::path(post, path = "/api/v1/exercises",
    summary = "Save an exercise",
    request_body = ExerciseInput,
    responses((status = 201, description = "Saved (with `support` when the safety decision asks)", body = ExerciseJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let saved = state
        .app
        .save_exercise(&caller.user, None, submission(&body, None)?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(exercise_json(&saved.record, saved.support)),
    )
        .into_response())
}

/// One exercise.
#[utoipa::path(get, path = "/api/v1/exercises/{id}",
    summary = "One exercise",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The exercise", body = ExerciseJson), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn get(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ExerciseId>,
) -> Result<Json<ExerciseJson>, ApiError> {
    let record = state.app.exercise(&caller.user, id).await?;
    Ok(Json(exercise_json(&record, None)))
}

/// Replaces an exercise (ladder attempts already logged are kept).
#[utoipa::path(put, path = "/api/v1/exercises/{id}",
    summary = "Replace an exercise (ladder attempts already logged are kept)",
    params(("id" = i64, Path)),
    request_body = ExerciseInput,
    responses((status = 200, description = "Saved (with `support` when the safety decision asks)", body = ExerciseJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ExerciseId>,
    body: Bytes,
) -> Result<Json<ExerciseJson>, ApiError> {
    let current = state.app.exercise(&caller.user, id).await?;
    let saved = state
        .app
        .save_exercise(
            &caller.user,
            Some(id),
            submission(&body, Some(&current.def.id))?,
        )
        .await?;
    Ok(Json(exercise_json(&saved.record, saved.support)))
}

/// Deletes an exercise.
#[utoipa::path(delete, path = "/api/v1/exercises/{id}",
    summary = "Delete an exercise",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ExerciseId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_exercise(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A try at one rung of an exposure ladder.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LadderAttempt)]
pub(crate) struct AttemptJson {
    /// Index in the order written
    rung: usize,
    #[schema(value_type = chrono::NaiveDate)]
    date: String,
    #[schema(maximum = 100)]
    suds_before: u8,
    #[schema(maximum = 100)]
    suds_peak: u8,
    #[schema(maximum = 100)]
    suds_after: u8,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// Logs a try at a rung of an exposure ladder.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/ladder-attempts",
    summary = "Log a try at one rung of an exposure ladder",
    params(("id" = i64, Path)),
    request_body = AttemptJson,
    responses((status = 200, description = "The ladder with the attempt (with `support` when the safety decision asks)", body = ExerciseJson), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn add_attempt(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<ExerciseId>,
    body: Bytes,
) -> Result<Json<ExerciseJson>, ApiError> {
    let a: AttemptJson = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid(ValidationErrors::single(
            "attempt",
            format!("Give rung, date, suds_before, suds_peak, suds_after (0–100) and an optional note: {e}."),
        ))
    })?;
    let date = parse_date("date", &a.date).map_err(ApiError::invalid)?;
    let (record, support) = state
        .app
        .add_ladder_attempt(
            &caller.user,
            id,
            a.rung,
            Attempt {
                date,
                suds_before: a.suds_before,
                suds_peak: a.suds_peak,
                suds_after: a.suds_after,
                note: a.note,
            },
        )
        .await?;
    Ok(Json(exercise_json(&record, support)))
}

#[derive(Serialize)]
pub(crate) struct ChangeJson {
    kind: String,
    label: String,
    n: usize,
    mean_before: f64,
    mean_after: f64,
    mean_change: f64,
    interval: Option<[f64; 2]>,
    sentence: String,
}

impl From<&ChangeSummary> for ChangeJson {
    fn from(c: &ChangeSummary) -> Self {
        Self {
            kind: c.kind.clone(),
            label: c.label.clone(),
            n: c.n,
            mean_before: c.mean_before,
            mean_after: c.mean_after,
            mean_change: c.mean_change,
            interval: c.interval.map(|i| [i.low, i.high]),
            sentence: c.sentence.clone(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ProgressJson {
    done: usize,
    counts: Vec<(String, usize)>,
    by_month: Vec<(String, usize)>,
    changes: Vec<ChangeJson>,
    inner_critic: CriticJson,
    inner_critic_sentence: String,
}

#[derive(Serialize)]
pub(crate) struct CriticJson {
    n: usize,
    mean_overestimate: f64,
    /// 95% interval of the mean overestimate; null with fewer than 3 experiments.
    interval: Option<IntervalJson>,
    points: Vec<enough_domain::toolkit::CriticPoint>,
}

#[derive(Serialize)]
pub(crate) struct IntervalJson {
    low: f64,
    high: f64,
}

impl From<&CriticAccuracy> for CriticJson {
    fn from(c: &CriticAccuracy) -> Self {
        Self {
            n: c.n,
            mean_overestimate: c.mean_overestimate,
            interval: c.interval.map(|i| IntervalJson {
                low: i.low,
                high: i.high,
            }),
            points: c.points.clone(),
        }
    }
}

/// Progress across the toolkit, with the inner critic's accuracy.
#[utoipa::path(get, path = "/api/v1/toolkit/progress",
    summary = "Progress: counts, before/after changes with 95% intervals, and the inner critic's accuracy (mean predicted − actual badness across finished behavioural experiments, null interval below 3)",
    responses((status = 200, description = "Progress"), (status = 401, response = ErrorResponse)))]
pub async fn progress(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<ProgressJson>, ApiError> {
    let p = state.app.toolkit_progress(&caller.user).await?;
    Ok(Json(ProgressJson {
        done: p.done,
        counts: p.progress.counts.clone(),
        by_month: p.progress.by_month.clone(),
        changes: p.progress.changes.iter().map(ChangeJson::from).collect(),
        inner_critic_sentence: p.critic.sentence(),
        inner_critic: CriticJson::from(&p.critic),
    }))
}

/// The safety plan: seven sections, each a list of lines.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SafetyPlanJson {
    plan: SafetyPlan,
    /// Unix seconds of the last save; null when never written
    #[schema(required = true)]
    updated_at: Option<i64>,
}

impl From<SafetyPlanView> for SafetyPlanJson {
    fn from(view: SafetyPlanView) -> Self {
        Self {
            plan: view.plan,
            updated_at: view.updated_at,
        }
    }
}

/// The caller's safety plan (empty sections when never written).
#[utoipa::path(get, path = "/api/v1/safety-plan",
    summary = "The safety plan (seven sections, each a list of lines)",
    responses((status = 200, description = "The plan", body = SafetyPlanJson), (status = 401, response = ErrorResponse)))]
pub async fn safety_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<SafetyPlanJson>, ApiError> {
    let view = state.app.safety_plan(&caller.user).await?;
    Ok(Json(SafetyPlanJson::from(view)))
}

/// Replaces the caller's safety plan.
#[utoipa::path(put, path = "/api/v1/safety-plan",
    summary = "Replace the safety plan",
    description = "The plan goes through the same safety decision as every save, whose rule for plans is: no safety event and no `support` (a plan names the crisis it is for, and its page always shows the crisis lines).",
    request_body = SafetyPlanInput,
    responses((status = 200, description = "Saved", body = SafetyPlanJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_safety_plan(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Json<SafetyPlanJson>, ApiError> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let plan = SafetyPlan::from_json(&value).map_err(ApiError::invalid)?;
    state.app.save_safety_plan(&caller.user, &plan).await?;
    let view = state.app.safety_plan(&caller.user).await?;
    Ok(Json(SafetyPlanJson::from(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CountryQuery {
    /// ISO 3166-1 alpha-2 code, e.g. GB
    #[param(min_length = 2, max_length = 2)]
    country: Option<String>,
}

/// Crisis lines: for `?country=XX`, else the caller's own country.
#[utoipa::path(get, path = "/api/v1/crisis",
    summary = "Crisis lines and the emergency number: for ?country=XX, else the caller's country (setting, else guessed from the time zone)",
    params(CountryQuery),
    responses((status = 200, description = "The country's lines", body = Country), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn crisis(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<CountryQuery>,
) -> Result<Json<&'static Country>, ApiError> {
    match query.country {
        Some(code) => directory()
            .country(&code.to_ascii_uppercase())
            .map(Json)
            .ok_or_else(|| ApiError::from(AppError::NotFound("country"))),
        None => Ok(Json(state.app.crisis_country(Some(&caller.user)))),
    }
}
