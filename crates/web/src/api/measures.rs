//! `/api/v1/measures`: questionnaire definitions, responses (idempotent by `client_id`),
//! schedules and FHIR R4 export.

use super::openapi::ErrorResponse;
use super::openapi_schemas::{DraftInput, FhirBundleDoc, ScheduleInput, SubmissionInput};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use crate::support::Saved;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use enough_app::{Administration, AppError};
use enough_domain::crisis::Country;
use enough_domain::measures::{
    Instrument, Responses, Score, band_sentence, instrument, instruments,
};
use enough_domain::{FieldError, ResponseId, ValidationErrors};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The media type of FHIR JSON.
const FHIR_JSON: &str = "application/fhir+json";

/// The questionnaires' definitions.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct InstrumentList {
    /// Each with id, name, short_name, items and options
    #[schema(value_type = Vec<Object>)]
    instruments: &'static [Instrument],
}

/// Every questionnaire's definition: items, answer options, scoring, bands and sources.
#[utoipa::path(get, path = "/api/v1/measures",
    summary = "The questionnaires: items, answer options, scoring, bands, reliable-change constants and sources",
    responses((status = 200, description = "The definitions", body = InstrumentList), (status = 401, response = ErrorResponse)))]
pub async fn list(ApiCaller(_caller): ApiCaller) -> Json<InstrumentList> {
    Json(InstrumentList {
        instruments: instruments(),
    })
}

/// A questionnaire's score.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Score)]
pub(crate) struct ScoreJson {
    /// On the reported scale (WHO-5: 0-100)
    value: f64,
    /// As shown, e.g. 12 or 64%
    display: String,
    /// Raw sum (or mean for mean-scored questionnaires)
    total: f64,
}

/// The crisis lines to show with a safety answer.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Crisis)]
pub(crate) struct CrisisJson {
    country: String,
    name: String,
    emergency: String,
    lines: Vec<CrisisLineJson>,
    url: &'static str,
}

/// One crisis line.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CrisisLineShort)]
pub(crate) struct CrisisLineJson {
    name: String,
    phone: Option<String>,
    text: Option<String>,
    chat: Option<String>,
    hours: String,
}

impl CrisisJson {
    fn new(country: &Country) -> Self {
        Self {
            country: country.code.clone(),
            name: country.name.clone(),
            emergency: country.emergency.clone(),
            lines: country
                .lines
                .iter()
                .map(|l| CrisisLineJson {
                    name: l.name.clone(),
                    phone: l.phone.clone(),
                    text: l.text.clone(),
                    chat: l.chat.clone(),
                    hours: l.hours.clone(),
                })
                .collect(),
            url: "/crisis",
        }
    }
}

/// One completed questionnaire.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = QuestionnaireResponse)]
pub(crate) struct ResponseJson {
    #[schema(value_type = i64)]
    id: ResponseId,
    client_id: String,
    instrument: String,
    /// The person's local date
    #[schema(value_type = chrono::NaiveDate)]
    date: String,
    /// Unix seconds
    completed_at: i64,
    answers: Vec<u8>,
    score: ScoreJson,
    /// The range the score is in, e.g. mild; not a diagnosis
    #[schema(required = true)]
    band: Option<String>,
    /// One plain sentence about the score
    sentence: String,
    /// A safety item was answered above its lowest value
    safety: bool,
    /// Present when safety is true
    #[serde(skip_serializing_if = "Option::is_none")]
    crisis: Option<CrisisJson>,
}

pub(crate) fn response_json(
    inst: &Instrument,
    a: &Administration,
    crisis: Option<&Country>,
) -> ResponseJson {
    let score: &Score = &a.score;
    ResponseJson {
        id: a.response.id,
        client_id: a.response.client_id.clone(),
        instrument: a.response.instrument.clone(),
        date: a.response.date.to_string(),
        completed_at: a.response.completed_at,
        answers: a.answers.clone(),
        score: ScoreJson {
            value: score.value,
            display: score.display.clone(),
            total: score.total,
        },
        band: score.band.as_ref().map(|b| b.label.clone()),
        sentence: band_sentence(inst, score),
        safety: score.safety_flag,
        crisis: crisis.filter(|_| score.safety_flag).map(CrisisJson::new),
    }
}

fn known(id: &str) -> Result<&'static Instrument, ApiError> {
    instrument(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "No such questionnaire; GET /api/v1/measures lists them.",
        )
    })
}

/// Questionnaire responses, oldest first.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ResponseList {
    responses: Vec<ResponseJson>,
}

/// The caller's responses to one questionnaire, oldest first.
#[utoipa::path(get, path = "/api/v1/measures/{id}/responses",
    summary = "The person's responses to one questionnaire, oldest first",
    params(("id" = String, Path, description = "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf.")),
    responses((status = 200, description = "The responses", body = ResponseList), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn responses(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ResponseList>, ApiError> {
    let inst = known(&id)?;
    let all = state.app.administrations(&caller.user, &id).await?;
    let crisis = state.app.crisis_country(Some(&caller.user));
    Ok(Json(ResponseList {
        responses: all
            .iter()
            .map(|a| response_json(inst, a, Some(crisis)))
            .collect(),
    }))
}

/// `item3` (the domain's field name) as the API's `answers[2]`.
fn api_field(field: &str) -> String {
    field
        .strip_prefix("item")
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| format!("answers[{}]", n.saturating_sub(1)))
        .unwrap_or_else(|| field.to_owned())
}

fn renamed(errors: ValidationErrors) -> ApiError {
    ApiError::invalid(ValidationErrors(
        errors
            .0
            .into_iter()
            .map(|e| FieldError::new(api_field(&e.field), e.message))
            .collect(),
    ))
}

/// Reads `{"client_id": "...", "answers": [0, 1, ...]}`.
fn submission(
    inst: &Instrument,
    body: &[u8],
) -> Result<(String, Responses, ValidationErrors), ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let Value::Object(map) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object with client_id and answers.",
        ));
    };
    let mut errors = ValidationErrors::default();
    for key in map
        .keys()
        .filter(|k| !["client_id", "answers"].contains(&k.as_str()))
    {
        errors.push(
            key.chars().take(60).collect::<String>(),
            "Unknown field; the fields are: client_id, answers.",
        );
    }
    let client_id = match map.get("client_id") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let answers = read_answers(inst, &map, &mut errors);
    Ok((client_id, answers, errors))
}

fn read_answers(
    inst: &Instrument,
    map: &Map<String, Value>,
    errors: &mut ValidationErrors,
) -> Responses {
    let Some(Value::Array(items)) = map.get("answers") else {
        errors.push(
            "answers",
            format!(
                "Send answers as a list of {} whole numbers, one per question in order.",
                inst.items.len()
            ),
        );
        return Responses(Vec::new());
    };
    let answers = items
        .iter()
        .enumerate()
        .map(|(i, v)| match v.as_u64().and_then(|n| u8::try_from(n).ok()) {
            Some(n) => Some(n),
            None if v.is_null() => None,
            None => {
                if i < inst.items.len() {
                    errors.push(
                        format!("item{}", i + 1),
                        format!(
                            "Question {}: the answer must be one of the whole numbers listed for this questionnaire.",
                            i + 1
                        ),
                    );
                }
                None
            }
        })
        .collect();
    Responses(answers)
}

/// Stores a completed questionnaire: 201 when new, 200 with the same body when this
/// `client_id` was already saved with these answers, 409 when it was saved with others.
#[utoipa::path(post, path = "/api/v1/measures/{id}/responses",
    summary = "Submit a completed questionnaire (idempotent by client_id)",
    description = "Every item needs an answer from the questionnaire's options. Sending the same client_id with the same answers again returns 200 and the stored response; with other answers, 409. Field errors name the answer, e.g. `answers[3]` (0-based). When a safety item (PHQ-9 item 9) is above its lowest answer, `safety` is true and `crisis` carries the person's crisis lines; a newly stored sitting also carries `support` (and records a safety event): show them at once.",
    params(("id" = String, Path, description = "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf.")),
    request_body = SubmissionInput,
    responses((status = 201, description = "Stored (with `support` when the safety decision asks)", body = super::openapi_schemas::SavedQuestionnaireResponse), (status = 200, description = "Already stored with this client_id and these answers; nothing changed", body = ResponseJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn submit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let inst = known(&id)?;
    let (client_id, answers, type_errors) = submission(inst, &body)?;
    let done = match state
        .app
        .submit(&caller.user, &id, &client_id, &answers, type_errors)
        .await
    {
        Ok(done) => done,
        Err(AppError::Validation(errors)) => return Err(renamed(errors)),
        Err(e) => return Err(e.into()),
    };
    let status = if done.already_saved {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let a = state
        .app
        .administration(&caller.user, &id, done.response.id)
        .await?;
    let crisis = state.app.crisis_country(Some(&caller.user));
    let body = response_json(inst, &a, Some(crisis));
    Ok((status, Json(Saved::new(body, done.support))).into_response())
}

/// Answers saved to finish later.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Draft)]
pub(crate) struct DraftJson {
    instrument: String,
    /// One entry per question, `null` where not answered yet.
    answers: Vec<Option<u8>>,
}

/// Saves the answers so far to finish later: `{"answers": [0, null, 2, …]}` (any may be
/// `null`). A safety item answered above its lowest value carries `support`, as a finished
/// sitting does.
#[utoipa::path(put, path = "/api/v1/measures/{id}/draft",
    summary = "Save the answers so far, to finish later",
    description = "Any answer may be null. A safety item (PHQ-9 item 9) answered above its lowest value brings `support` at once, as a finished sitting does (once per answer: saving the same draft again does not).",
    params(("id" = String, Path, description = "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf.")),
    request_body = DraftInput,
    responses((status = 200, description = "Saved (with `support` when the safety decision asks)", body = super::openapi_schemas::SavedDraft), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_draft(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Saved<DraftJson>>, ApiError> {
    let inst = known(&id)?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let Value::Object(map) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object with answers.",
        ));
    };
    let mut errors = ValidationErrors::default();
    for key in map.keys().filter(|k| k.as_str() != "answers") {
        errors.push(
            key.chars().take(60).collect::<String>(),
            "Unknown field; the only field is answers.",
        );
    }
    let answers = read_answers(inst, &map, &mut errors);
    if answers.0.len() > inst.items.len() {
        errors.push(
            "answers",
            format!(
                "This questionnaire has {} questions; send at most {} answers.",
                inst.items.len(),
                inst.items.len()
            ),
        );
    }
    if !errors.is_empty() {
        return Err(renamed(errors));
    }
    let form: BTreeMap<String, String> = inst
        .items
        .iter()
        .zip(&answers.0)
        .filter_map(|(item, a)| a.map(|v| (Instrument::field_name(item.number), v.to_string())))
        .collect();
    let (saved, support) = match state.app.save_draft(&caller.user, &id, &form).await {
        Ok(saved) => saved,
        Err(AppError::Validation(errors)) => return Err(renamed(errors)),
        Err(e) => return Err(e.into()),
    };
    Ok(Json(Saved::new(
        DraftJson {
            instrument: inst.id.clone(),
            answers: saved.0,
        },
        support,
    )))
}

/// Deletes one of the caller's responses.
#[utoipa::path(delete, path = "/api/v1/measures/{id}/responses/{response_id}",
    summary = "Delete one response",
    params(("id" = String, Path, description = "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf."), ("response_id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, response_id)): Path<(String, ResponseId)>,
) -> Result<StatusCode, ApiError> {
    known(&id)?;
    state
        .app
        .delete_response(&caller.user, &id, response_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn fhir(value: Value) -> Response {
    let mut response = Json(value).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}

/// One response as a FHIR R4 Bundle (QuestionnaireResponse + score Observation).
#[utoipa::path(get, path = "/api/v1/measures/{id}/responses/{response_id}/fhir",
    summary = "One response as a FHIR R4 Bundle (QuestionnaireResponse + score Observation)",
    params(("id" = String, Path, description = "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf."), ("response_id" = i64, Path)),
    responses((status = 200, description = "A FHIR R4 Bundle of type collection", body = FhirBundleDoc, content_type = "application/fhir+json"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn fhir_response(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((id, response_id)): Path<(String, ResponseId)>,
) -> Result<Response, ApiError> {
    known(&id)?;
    Ok(fhir(
        state
            .app
            .fhir_response(&caller.user, &id, response_id)
            .await?,
    ))
}

/// Every PHQ-9, GAD-7 and WHO-5 response of the caller as one FHIR R4 Bundle.
#[utoipa::path(get, path = "/api/v1/measures/fhir",
    summary = "Every PHQ-9, GAD-7 and WHO-5 response as one FHIR R4 Bundle",
    description = "For each response a QuestionnaireResponse and a total-score Observation (LOINC 44261-6 for PHQ-9, 70274-6 for GAD-7; SNOMED CT for WHO-5) derived from it.",
    responses((status = 200, description = "A FHIR R4 Bundle of type collection", body = FhirBundleDoc, content_type = "application/fhir+json"), (status = 401, response = ErrorResponse)))]
pub async fn fhir_everything(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Response, ApiError> {
    Ok(fhir(state.app.fhir_everything(&caller.user).await?))
}

/// A questionnaire's reminder.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Schedule)]
pub(crate) struct ScheduleJson {
    instrument: String,
    every_days: Option<i64>,
}

/// Body `{"every_days": 14}` sets a reminder; `{"every_days": null}` removes it.
#[utoipa::path(put, path = "/api/v1/measures/{id}/schedule",
    summary = "Set a reminder every N days, or remove it with null",
    params(("id" = String, Path, description = "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf.")),
    request_body = ScheduleInput,
    responses((status = 200, description = "Saved", body = ScheduleJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_schedule(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ScheduleJson>, ApiError> {
    known(&id)?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let every_days = match value.get("every_days") {
        Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            ApiError::invalid(ValidationErrors::single(
                "every_days",
                "every_days must be a whole number from 1 to 365, or null for no reminder.",
            ))
        })?),
        None => {
            return Err(ApiError::invalid(ValidationErrors::single(
                "every_days",
                "Send {\"every_days\": N} (1 to 365) or {\"every_days\": null}.",
            )));
        }
    };
    state
        .app
        .set_schedule(&caller.user, &id, every_days)
        .await?;
    Ok(Json(ScheduleJson {
        instrument: id,
        every_days,
    }))
}
