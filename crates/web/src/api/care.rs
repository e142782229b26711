//! `/api/v1/care`: the therapist's side as JSON. Therapists create invitations, see their
//! caseload and read what each linked person shares; people accept invitations, choose what
//! to share, end links and read who looked at their data.
//!
//! Every read of another person's data goes through the `ClientView` that `App::open_for`
//! hands back (each of its methods checks its category's consent and writes the access-log
//! row); an unlinked or unknown person is 404 with the same body either way, a linked person
//! who does not share the category is 403.

use super::days::{DayList, RangeQuery as DaysQuery, date_range, day_list};
use super::insights::{InsightsJson, RangeQuery as InsightsQuery, insights_json, range};
use super::light::{ReflectionJson, reflection_json};
use super::measures::{ResponseJson, response_json};
use super::openapi::ErrorResponse;
use super::openapi_schemas::{InvitationInput, JoinInput, LinkInput};
use super::toolkit::{ExerciseJson, SafetyPlanJson, exercise_json};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::{ApiCaller, ClientAddress};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use enough_app::{AppError, CaseloadRow, ClientView, LatestScore, Me};
use enough_domain::care::{Category, Sharing};
use enough_domain::measures::ReliableChange;
use enough_domain::toolkit::Approach;
use enough_domain::{InvitationId, LinkId, PersonId, SafetyEventId, ValidationErrors};
use enough_store::{AccessRecord, CareLinkWith, Invitation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

// ---- reading request bodies ----

/// Reads a JSON object whose only fields are `allowed`; unknown fields are named in a 422.
fn body_object(
    body: &[u8],
    allowed: &[&str],
) -> Result<(Map<String, Value>, ValidationErrors), ApiError> {
    let map = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "The request body must be a JSON object with {}.",
                    allowed.join(", ")
                ),
            ));
        }
        Err(e) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("The request body is not valid JSON: {e}."),
            ));
        }
    };
    let mut errors = ValidationErrors::default();
    for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
        errors.push(
            key.chars().take(60).collect::<String>(),
            format!("Unknown field; the fields are: {}.", allowed.join(", ")),
        );
    }
    Ok((map, errors))
}

/// A text field (absent or null reads as empty).
fn text_field(map: &Map<String, Value>, key: &str, errors: &mut ValidationErrors) -> String {
    match map.get(key) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => {
            errors.push(key, "Must be text.");
            String::new()
        }
    }
}

/// The `categories` field: a list of category keys (an empty list shares nothing).
fn categories_field(map: &Map<String, Value>, errors: &mut ValidationErrors) -> Sharing {
    let Some(Value::Array(items)) = map.get("categories") else {
        errors.push(
            "categories",
            "Send categories as a list, e.g. [\"log\", \"exercises:cbt\"]; an empty list shares nothing.",
        );
        return Sharing::default();
    };
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => keys.push(s.as_str()),
            _ => errors.push(
                "categories",
                "Each category is text, e.g. \"log\" or \"exercises:cbt\".",
            ),
        }
    }
    match Sharing::from_keys(keys) {
        Ok(sharing) => sharing,
        Err(more) => {
            for e in more.0 {
                errors.push(e.field, e.message);
            }
            Sharing::default()
        }
    }
}

fn category_keys(sharing: &Sharing) -> Vec<String> {
    sharing.0.iter().map(|c| c.key()).collect()
}

// ---- therapist: invitations ----

/// An invitation as its therapist sees it (the code is shown only when it is created).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Invitation)]
pub(crate) struct InvitationJson {
    #[schema(value_type = i64)]
    id: InvitationId,
    label: String,
    created_at: i64,
    expires_at: i64,
    /// `open`, `accepted`, `withdrawn` or `expired`.
    state: &'static str,
}

fn invitation_json(i: Invitation, now: i64) -> InvitationJson {
    InvitationJson {
        state: if i.used_at.is_some() {
            "accepted"
        } else if i.revoked_at.is_some() {
            "withdrawn"
        } else if i.expires_at <= now {
            "expired"
        } else {
            "open"
        },
        id: i.id,
        label: i.label,
        created_at: i.created_at,
        expires_at: i.expires_at,
    }
}

/// A new invitation with its one-time code.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct NewInvitationJson {
    #[schema(value_type = i64)]
    id: InvitationId,
    /// Like ABCD-EFGH-JKLM
    code: String,
    /// The link that accepts it, from the configured public address.
    url: String,
    label: String,
    expires_at: i64,
}

/// Body `{"label": "…"}` (optional, ≤ 80 characters) → 201 with the code, shown only now.
#[utoipa::path(post, path = "/api/v1/care/invitations",
    summary = "Create a one-time invitation, valid 7 days (therapists only). The code is shown only in this answer.",
    request_body = InvitationInput,
    responses((status = 201, description = "Created", body = NewInvitationJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn create_invitation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (map, mut errors) = body_object(&body, &["label"])?;
    let label = text_field(&map, "label", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let (invitation, code) = state.app.create_invitation(&caller.user, &label).await?;
    let created = NewInvitationJson {
        id: invitation.id,
        url: crate::pages::care::join_url(&state.config, &code),
        code,
        label: invitation.label,
        expires_at: invitation.expires_at,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// The therapist's invitations.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct InvitationList {
    invitations: Vec<InvitationJson>,
}

/// The caller's invitations, newest first.
#[utoipa::path(get, path = "/api/v1/care/invitations",
    summary = "The caller's invitations, newest first (therapists only)",
    responses((status = 200, description = "Invitations", body = InvitationList), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse)))]
pub async fn invitations(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<InvitationList>, ApiError> {
    let all = state.app.invitations(&caller.user).await?;
    let now = state.app.now().timestamp();
    Ok(Json(InvitationList {
        invitations: all.into_iter().map(|i| invitation_json(i, now)).collect(),
    }))
}

/// Withdraws an unused invitation.
#[utoipa::path(post, path = "/api/v1/care/invitations/{id}/revoke",
    summary = "Withdraw an unused invitation",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Withdrawn"), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn revoke_invitation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<InvitationId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_invitation(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- therapist: caseload ----

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AdherenceJson {
    last_7: usize,
    last_28: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ScoreRowJson {
    instrument: String,
    instrument_id: String,
    display: String,
    band: Option<String>,
    /// improved, no_reliable_change or deteriorated
    #[schema(value_type = Option<String>)]
    change: Option<ReliableChange>,
    #[schema(value_type = chrono::NaiveDate)]
    date: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AlertsJson {
    count: usize,
    latest_at: Option<i64>,
}

/// One caseload row; `null` means "not shared", never "none".
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CaseloadRowJson {
    #[schema(value_type = i64)]
    person_id: PersonId,
    email: String,
    /// log, reflections, exercises:<approach> (cbt, exposure, self-compassion, act, mindfulness, emotional-core), questionnaires or safety
    categories: Vec<String>,
    /// Days logged (log shared)
    #[schema(required = true)]
    adherence: Option<AdherenceJson>,
    /// Latest score per questionnaire (questionnaires shared)
    #[schema(required = true)]
    scores: Option<Vec<ScoreRowJson>>,
    /// Safety events in the last 28 days (safety shared)
    #[schema(required = true)]
    alerts: Option<AlertsJson>,
}

fn score_json(s: LatestScore) -> ScoreRowJson {
    ScoreRowJson {
        instrument: s.instrument,
        instrument_id: s.instrument_id,
        display: s.display,
        band: s.band,
        change: s.change,
        date: s.date.to_string(),
    }
}

fn caseload_json(row: CaseloadRow) -> CaseloadRowJson {
    CaseloadRowJson {
        person_id: row.person_id,
        categories: category_keys(&row.sharing),
        email: row.email,
        adherence: row
            .adherence
            .map(|(last_7, last_28)| AdherenceJson { last_7, last_28 }),
        scores: row
            .scores
            .map(|list| list.into_iter().map(score_json).collect()),
        alerts: row
            .alerts
            .map(|(count, latest_at)| AlertsJson { count, latest_at }),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CaseloadJson {
    people: Vec<CaseloadRowJson>,
}

/// Every linked person, safety alerts first.
#[utoipa::path(get, path = "/api/v1/care/caseload",
    summary = "Every linked person, safety alerts first; null means the category is not shared. Each shared category read is logged.",
    responses((status = 200, description = "The caseload", body = CaseloadJson), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse)))]
pub async fn caseload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
) -> Result<Json<CaseloadJson>, ApiError> {
    let rows = state.app.caseload(&caller.user, &address).await?;
    Ok(Json(CaseloadJson {
        people: rows.into_iter().map(caseload_json).collect(),
    }))
}

// ---- therapist: one person ----

/// What a linked person shares (no data is read, so nothing is logged).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PersonJson {
    #[schema(value_type = i64)]
    person_id: PersonId,
    email: String,
    #[schema(value_type = i64)]
    link_id: LinkId,
    linked_at: i64,
    /// log, reflections, exercises:<approach> (cbt, exposure, self-compassion, act, mindfulness, emotional-core), questionnaires or safety
    categories: Vec<String>,
}

/// What a linked person shares with the caller.
#[utoipa::path(get, path = "/api/v1/care/people/{id}",
    summary = "What a linked person shares with the caller (no data is read, nothing is logged)",
    params(("id" = i64, Path, description = "The person's account id")),
    responses((status = 200, description = "The link", body = PersonJson), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn person(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(person_id): Path<PersonId>,
) -> Result<Json<PersonJson>, ApiError> {
    let linked = state.app.link_to(&caller.user, person_id).await?;
    Ok(Json(PersonJson {
        person_id,
        categories: category_keys(&linked.sharing),
        email: linked.email,
        link_id: linked.link.id,
        linked_at: linked.link.created_at,
    }))
}

/// Opens `person_id` for the caller (the link check; each read checks its own category).
async fn open<'a>(
    state: &'a AppState,
    viewer: &'a Me,
    person_id: PersonId,
    address: &str,
) -> Result<ClientView<'a>, ApiError> {
    Ok(state.app.open_for(viewer, person_id, address).await?)
}

/// The person's days (`?from&to`), in the same shape as `/api/v1/days`.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/days",
    summary = "The person's days, as GET /api/v1/days shows them",
    description = "Category `log`. A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.",
    params(("id" = i64, Path, description = "The person's account id"), DaysQuery),
    responses((status = 200, description = "Days", body = DayList), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn person_days(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
    query: Result<Query<DaysQuery>, QueryRejection>,
) -> Result<Json<DayList>, ApiError> {
    let (from, to) = date_range(query)?;
    let client = open(&state, &caller.user, person_id, &address).await?;
    Ok(Json(day_list(&client.days(from, to).await?)))
}

/// The person's Light & Mood insights, as `/api/v1/insights/light-mood` shows them.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/insights/light-mood",
    summary = "The person's Light & Mood insights, as GET /api/v1/insights/light-mood shows them",
    description = "Category `log`. A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.",
    params(("id" = i64, Path, description = "The person's account id"), InsightsQuery),
    responses((status = 200, description = "Insights", body = InsightsJson), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn person_insights(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
    Query(query): Query<InsightsQuery>,
) -> Result<Json<InsightsJson>, ApiError> {
    let (from, to) = range(&query)?;
    let client = open(&state, &caller.user, person_id, &address).await?;
    Ok(Json(insights_json(&*client.insights(from, to).await?)))
}

/// The person's written reflections.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/reflections",
    summary = "The person's written reflections",
    description = "Category `reflections`. A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.",
    params(("id" = i64, Path, description = "The person's account id")),
    responses((status = 200, description = "Reflections", body = Vec<ReflectionJson>), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn person_reflections(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Json<Vec<ReflectionJson>>, ApiError> {
    let client = open(&state, &caller.user, person_id, &address).await?;
    let all = client.reflections().await?;
    Ok(Json(all.into_iter().map(reflection_json).collect()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ApproachQuery {
    /// cbt, exposure, self-compassion, act, mindfulness or emotional-core
    approach: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SharedExerciseList)]
pub(crate) struct ExerciseList {
    exercises: Vec<ExerciseJson>,
}

/// The person's exercises of `?approach=` (e.g. `cbt`), or, without it, of every approach
/// they share (each opened and logged on its own); 403 when they share none.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/exercises",
    summary = "The person's exercises of one approach; without ?approach, of every approach they share (403 when none)",
    description = "Category `exercises:<approach>`. A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.",
    params(("id" = i64, Path, description = "The person's account id"), ApproachQuery),
    responses((status = 200, description = "Exercises, in the shape of GET /api/v1/exercises", body = ExerciseList), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn person_exercises(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
    query: Result<Query<ApproachQuery>, QueryRejection>,
) -> Result<Json<ExerciseList>, ApiError> {
    let Query(query) = query.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{}; the parameter is approach.", e.body_text()),
        )
    })?;
    let asked = match query.approach.as_deref().filter(|a| !a.is_empty()) {
        Some(slug) => Some(Approach::from_slug(slug).ok_or_else(|| {
            let known: Vec<&str> = Approach::ALL.iter().map(|a| a.slug()).collect();
            ApiError::invalid(ValidationErrors::single(
                "approach",
                format!("Unknown approach; choose one of: {}.", known.join(", ")),
            ))
        })?),
        None => None,
    };
    let client = open(&state, &caller.user, person_id, &address).await?;
    let approaches = match asked {
        Some(approach) => vec![approach],
        None => Approach::ALL
            .into_iter()
            .filter(|a| client.shares(Category::Exercises(*a)))
            .collect(),
    };
    if approaches.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let records = client.exercises(&approaches).await?;
    Ok(Json(ExerciseList {
        exercises: records.iter().map(|r| exercise_json(r, None)).collect(),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SharedResponseList)]
pub(crate) struct ResponseList {
    responses: Vec<ResponseJson>,
}

/// Every questionnaire response of the person, by questionnaire, oldest first.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/measures",
    summary = "The person's questionnaire responses with scores",
    description = "Category `questionnaires`. A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.",
    params(("id" = i64, Path, description = "The person's account id")),
    responses((status = 200, description = "Responses", body = ResponseList), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn person_measures(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Json<ResponseList>, ApiError> {
    let client = open(&state, &caller.user, person_id, &address).await?;
    let responses = client
        .questionnaires()
        .await?
        .iter()
        .flat_map(|history| {
            history
                .points
                .iter()
                .map(|p| response_json(history.instrument, &p.administration, None))
        })
        .collect();
    Ok(Json(ResponseList { responses }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SafetyEventJson {
    #[schema(value_type = i64)]
    id: SafetyEventId,
    at: i64,
    /// phq9-item9 or self-harm-language
    kind: String,
    /// Where, e.g. questionnaire:12 (never the person's words)
    detail: String,
    /// What happened in plain words, e.g. "Words about self-harm in the day note of 30 Nov".
    description: String,
    /// The therapist's page that shows it, when that category is shared.
    href: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SafetyJson {
    events: Vec<SafetyEventJson>,
    /// As GET /api/v1/safety-plan
    plan: SafetyPlanJson,
}

/// The person's safety events (newest first) and safety plan.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/safety",
    summary = "The person's safety events (newest first) and safety plan",
    description = "Category `safety`. A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.",
    params(("id" = i64, Path, description = "The person's account id")),
    responses((status = 200, description = "Events and plan", body = SafetyJson), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn person_safety(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Json<SafetyJson>, ApiError> {
    let client = open(&state, &caller.user, person_id, &address).await?;
    let safety = client.safety().await?;
    Ok(Json(SafetyJson {
        events: safety
            .alerts
            .into_iter()
            .map(|a| SafetyEventJson {
                id: a.event.id,
                at: a.event.at,
                kind: a.event.kind,
                detail: a.event.detail,
                description: a.sentence,
                href: a.href,
            })
            .collect(),
        plan: safety.plan.into(),
    }))
}

// ---- person: links and the access log ----

/// A link as the person sees it.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Link)]
pub(crate) struct LinkJson {
    #[schema(value_type = i64)]
    id: LinkId,
    /// The therapist's e-mail address
    therapist: String,
    /// log, reflections, exercises:<approach> (cbt, exposure, self-compassion, act, mindfulness, emotional-core), questionnaires or safety
    categories: Vec<String>,
    created_at: i64,
    ended_at: Option<i64>,
}

fn link_json(l: CareLinkWith) -> LinkJson {
    LinkJson {
        id: l.link.id,
        therapist: l.other_email,
        categories: category_keys(&Sharing::from_stored(&l.link.categories)),
        created_at: l.link.created_at,
        ended_at: l.link.ended_at,
    }
}

/// The caller's link `id`, as they see it now.
async fn my_link(state: &AppState, user: &Me, id: LinkId) -> Result<LinkJson, ApiError> {
    state
        .app
        .my_therapists(user)
        .await?
        .into_iter()
        .find(|l| l.link.id == id)
        .map(link_json)
        .ok_or_else(|| AppError::NotFound("link").into())
}

/// Body `{"code": "ABCD-EFGH-JKLM", "categories": ["log", …]}` → 201 with the new link.
#[utoipa::path(post, path = "/api/v1/care/join",
    summary = "Accept a therapist's invitation, sharing exactly the categories listed (an empty list shares nothing)",
    request_body = JoinInput,
    responses((status = 201, description = "Linked", body = LinkJson), (status = 422, description = "A bad, unknown, expired or already used code (field code), or an unknown category (field categories); no link is made", body = crate::error::ApiErrorBody), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse)))]
pub async fn join(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (map, mut errors) = body_object(&body, &["code", "categories"])?;
    let code = text_field(&map, "code", &mut errors);
    if code.trim().is_empty() && errors.message_for("code").is_none() {
        errors.push(
            "code",
            "Type the code your therapist gave you, like ABCD-EFGH-JKLM.",
        );
    }
    let sharing = categories_field(&map, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let link = state
        .app
        .accept_invitation(&caller.user, &code, &sharing)
        .await?;
    let created = my_link(&state, &caller.user, link.id).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LinkList {
    links: Vec<LinkJson>,
}

/// The caller's links (active and ended), newest first.
#[utoipa::path(get, path = "/api/v1/care/links",
    summary = "The caller's links to therapists, active and ended, newest first",
    responses((status = 200, description = "Links", body = LinkList), (status = 401, response = ErrorResponse)))]
pub async fn links(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<LinkList>, ApiError> {
    let all = state.app.my_therapists(&caller.user).await?;
    Ok(Json(LinkList {
        links: all.into_iter().map(link_json).collect(),
    }))
}

/// Body `{"categories": [...]}`: replaces what link `id` shares, from the therapist's next
/// request on.
#[utoipa::path(put, path = "/api/v1/care/links/{id}",
    summary = "Replace what an active link shares; applies from the therapist's next request",
    params(("id" = i64, Path)),
    request_body = LinkInput,
    responses((status = 200, description = "The link", body = LinkJson), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_link(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<LinkId>,
    body: Bytes,
) -> Result<Json<LinkJson>, ApiError> {
    let (map, mut errors) = body_object(&body, &["categories"])?;
    let sharing = categories_field(&map, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    state.app.set_sharing(&caller.user, id, &sharing).await?;
    Ok(Json(my_link(&state, &caller.user, id).await?))
}

/// Ends link `id` (either side may).
#[utoipa::path(post, path = "/api/v1/care/links/{id}/end",
    summary = "End an active link (either side may); access ends with the next request",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Ended"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn end_link(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<LinkId>,
) -> Result<StatusCode, ApiError> {
    state.app.end_link(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One read of the caller's data by someone else.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AccessJson {
    at: i64,
    viewer: String,
    category: String,
    what: String,
    address: String,
}

fn access_json(a: AccessRecord) -> AccessJson {
    AccessJson {
        at: a.at,
        viewer: a.viewer_email,
        category: a.category,
        what: a.what,
        address: a.address,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AccessLog {
    entries: Vec<AccessJson>,
}

/// Who looked at the caller's data, newest first.
#[utoipa::path(get, path = "/api/v1/care/access-log",
    summary = "Who read the caller's data: every read by someone else, newest first",
    responses((status = 200, description = "The log", body = AccessLog), (status = 401, response = ErrorResponse)))]
pub async fn access_log(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<AccessLog>, ApiError> {
    let all = state.app.access_log(&caller.user).await?;
    Ok(Json(AccessLog {
        entries: all.into_iter().map(access_json).collect(),
    }))
}
