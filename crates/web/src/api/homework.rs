//! `/api/v1/homework`, `/api/v1/care/people/{person_id}/homework` and `…/summary`, and
//! `/api/v1/calendar-feed`.

use super::light::{object, text};
use super::openapi::ErrorResponse;
use super::openapi_schemas::{
    AssignedHomework, CalendarFeed, CalendarFeedInput, HomeworkInput, HomeworkList,
};
use crate::AppState;
use crate::error::ApiError;
use crate::identity::{ApiCaller, ClientAddress};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use enough_app::{HomeworkView, SessionSummary};
use enough_domain::homework::{AssignmentText, State as OccurrenceState};
use enough_domain::{HomeworkId, PersonId};
use serde_json::{Value, json};

fn state_name(s: OccurrenceState) -> &'static str {
    match s {
        OccurrenceState::Done => "done",
        OccurrenceState::Started => "started",
        OccurrenceState::Open => "open",
        OccurrenceState::StillOpen => "still-open",
        OccurrenceState::Later => "later",
    }
}

fn homework_json(v: &HomeworkView) -> Value {
    let h = &v.homework;
    json!({
        "id": h.id,
        "kind": v.kind.key(),
        "title": v.kind.title(),
        "link": v.kind.link(),
        "note": h.note,
        "start_date": h.start_date.to_string(),
        "end_date": h.end_date.to_string(),
        "every_days": h.every_days,
        "assigned_by": v.assigned_by,
        "created_at": h.created_at,
        "shared": v.progress.is_some(),
        "progress": v.progress.as_ref().map(|p| json!({
            "done": p.done,
            "due_so_far": p.due_so_far,
            "total": p.total,
            "sentence": p.sentence(&v.kind),
            "occurrences": p.occurrences.iter().map(|o| json!({
                "start": o.start.to_string(),
                "end": o.end.to_string(),
                "state": state_name(o.state),
            })).collect::<Vec<_>>(),
        })),
    })
}

fn list(views: &[HomeworkView]) -> Json<Value> {
    Json(json!({"homework": views.iter().map(homework_json).collect::<Vec<_>>()}))
}

/// The caller's own homework with progress.
#[utoipa::path(get, path = "/api/v1/homework",
    summary = "The caller's homework (withdrawn work left out), newest first, with progress",
    responses((status = 200, description = "Homework", body = HomeworkList), (status = 401, response = ErrorResponse)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Value>, ApiError> {
    Ok(list(&state.app.my_homework(&caller.user).await?))
}

/// A linked person's homework from this therapist (progress only where shared).
#[utoipa::path(get, path = "/api/v1/care/people/{id}/homework",
    summary = "Homework the calling therapist assigned to a linked person; progress only for shared categories (each read is written to the person's access log)",
    params(("id" = i64, Path, description = "The person's account id (a person linked to the calling therapist)")),
    responses((status = 200, description = "Homework", body = HomeworkList), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn for_person(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Json<Value>, ApiError> {
    Ok(list(
        &state
            .app
            .homework_for_therapist(&caller.user, person_id, &address)
            .await?,
    ))
}

/// Body: `{"kind", "start_date", "end_date", "every_days"?, "note"?}`.
#[utoipa::path(post, path = "/api/v1/care/people/{id}/homework",
    summary = "Assign homework to a linked person (404 when not linked; nothing is written on 422)",
    params(("id" = i64, Path, description = "The person's account id (a person linked to the calling therapist)")),
    request_body = HomeworkInput,
    responses((status = 201, description = "Assigned", body = AssignedHomework), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(person_id): Path<PersonId>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let map = object(
        &body,
        &["kind", "start_date", "end_date", "every_days", "note"],
    )?;
    let assignment = AssignmentText {
        kind: text(&map, "kind"),
        start_date: text(&map, "start_date"),
        end_date: text(&map, "end_date"),
        every_days: text(&map, "every_days"),
        note: text(&map, "note"),
    };
    let h = state
        .app
        .assign_homework(&caller.user, person_id, &assignment)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": h.id,
            "kind": h.kind,
            "note": h.note,
            "start_date": h.start_date.to_string(),
            "end_date": h.end_date.to_string(),
            "every_days": h.every_days,
            "created_at": h.created_at,
        })),
    )
        .into_response())
}

/// Withdraws homework the caller assigned.
#[utoipa::path(post, path = "/api/v1/care/people/{id}/homework/{homework_id}/cancel",
    summary = "Withdraw homework (only the therapist who assigned it)",
    params(("id" = i64, Path, description = "The person's account id (a person linked to the calling therapist)"), ("homework_id" = i64, Path)),
    responses((status = 204, description = "Withdrawn"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path((person_id, id)): Path<(PersonId, HomeworkId)>,
) -> Result<StatusCode, ApiError> {
    state.app.link_to(&caller.user, person_id).await?;
    state.app.cancel_homework(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub(crate) struct RangeQuery {
    /// First date, inclusive (default: 28 days before `to`)
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: String,
    /// Last date, inclusive (default: today)
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: String,
}

fn summary_json(s: &SessionSummary) -> Value {
    json!({
        "person": s.person_email,
        "from": s.from.to_string(),
        "to": s.to.to_string(),
        "log": s.log.as_ref().map(|l| {
            let (outside, daylight, habits) = crate::pages::insights::sentences(&l.insights.insights);
            json!({
                "days_logged": l.days_logged,
                "days_in_range": l.days_in_range,
                "mean_mood": l.mean_mood,
                "mean_energy": l.mean_energy,
                "mean_daylight_hours": l.mean_daylight,
                "mood_days": l.mood_days,
                "energy_days": l.energy_days,
                "daylight_days": l.daylight_days,
                "insights": outside.into_iter().chain(daylight).chain(habits).collect::<Vec<_>>(),
            })
        }),
        "exercises": s.exercises.iter().map(|g| json!({
            "approach": g.approach.slug(),
            "shared": g.entries.is_some(),
            "entries": g.entries.as_ref().map(|list| list.iter().map(|e| json!({
                "date": e.date.to_string(),
                "title": e.title,
                "status": e.status.as_str(),
                "changes": e.changes.iter().map(|(label, before, after)| json!({
                    "label": label, "before": before, "after": after,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()),
        })).collect::<Vec<_>>(),
        "questionnaires": s.questionnaires.as_ref().map(|list| list.iter().map(|q| json!({
            "instrument": q.instrument,
            "change_in_range": q.change_in_range,
            "scores": q.scores.iter().map(|p| json!({
                "date": p.date.to_string(),
                "score": p.display,
                "band": p.band,
                "change_since_previous": p.change,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()),
        "reflections": s.reflections.as_ref().map(|list| list.iter().map(|r| json!({
            "date": r.date.to_string(), "text": r.text,
        })).collect::<Vec<_>>()),
        "safety_events": s.safety.as_ref().map(|list| list.iter().map(|e| json!({
            "at": e.at, "kind": e.kind,
        })).collect::<Vec<_>>()),
    })
}

/// A linked person's summary for `from`..`to`; `null` sections are not shared.
#[utoipa::path(get, path = "/api/v1/care/people/{id}/summary",
    summary = "A session summary of a linked person for a date range (default the last 28 days, at most a year). Sections the person does not share are null; every shared category read is written to their access log.",
    params(("id" = i64, Path, description = "The person's account id (a person linked to the calling therapist)"), RangeQuery),
    responses((status = 200, description = "The summary: log (days logged, means, insight sentences), exercises per approach, questionnaires with reliable-change sentences, reflections, safety_events"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn summary(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
    Query(query): Query<RangeQuery>,
) -> Result<Json<Value>, ApiError> {
    let s = state
        .app
        .summary_for(&caller.user, person_id, &query.from, &query.to, &address)
        .await?;
    Ok(Json(summary_json(&s)))
}

/// Body: `{"reminder_time": "08:30"}`. Creates or replaces the caller's feed; the URL is in
/// this answer only.
#[utoipa::path(put, path = "/api/v1/calendar-feed",
    summary = "Create or replace the caller's secret calendar feed (the old URL stops working). The URL is only in this answer.",
    request_body = CalendarFeedInput,
    responses((status = 201, description = "The feed", body = CalendarFeed), (status = 400, response = ErrorResponse), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse)))]
pub async fn put_calendar_feed(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let map = object(&body, &["reminder_time"])?;
    let time = text(&map, "reminder_time");
    let token = state.app.create_calendar_feed(&caller.user, &time).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "url": crate::pages::calendar::feed_url(&state.config, &token),
            "reminder_time": time.trim(),
        })),
    )
        .into_response())
}

/// Revokes the caller's feed.
#[utoipa::path(delete, path = "/api/v1/calendar-feed",
    summary = "Revoke the caller's calendar feed",
    responses((status = 204, description = "Revoked"), (status = 401, response = ErrorResponse), (status = 404, response = ErrorResponse)))]
pub async fn delete_calendar_feed(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_calendar_feed(&caller.user).await?;
    Ok(StatusCode::NO_CONTENT)
}
