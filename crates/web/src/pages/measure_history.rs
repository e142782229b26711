//! One questionnaire result, and the history of a questionnaire with honest change.

use super::measures::{band_words, day_label};
use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render};
use crate::{AppState, charts, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::HistoryPoint;
use enough_domain::ResponseId;
use enough_domain::measures::{Instrument, band_sentence};
use serde::Deserialize;

/// What any questionnaire can and cannot tell, in plain words.
fn can_and_cannot(inst: &Instrument) -> String {
    format!(
        "The {} asks how things have been over {}. It can show how you have been and how that \
         changes over time. It cannot diagnose anything, and one score is only a snapshot: a \
         conversation with your therapist or doctor can put it in context.",
        inst.short_name, inst.period
    )
}

#[derive(Template)]
#[template(path = "measure_result.html")]
struct ResultPage {
    layout: Layout,
    id: String,
    response_id: ResponseId,
    date: String,
    sentence: String,
    description: String,
    can_and_cannot: String,
    citations: Vec<String>,
    change: Option<String>,
    first_time: bool,
    safety: bool,
}

/// The score of one sitting, what it can and cannot say, and change since the previous one.
pub async fn result(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path((id, response_id)): Path<(String, ResponseId)>,
) -> Result<Response, PageError> {
    let history = state.app.history(&signed_in.user, &id).await?;
    let inst = history.instrument;
    let point = history
        .points
        .iter()
        .find(|p| p.administration.response.id == response_id)
        .ok_or(PageError::NotFound)?;
    let a = &point.administration;
    let is_first = history
        .points
        .first()
        .is_some_and(|p| p.administration.response.id == response_id);
    Ok(render(&ResultPage {
        layout: Layout::signed_in(
            format!("Your {} result", inst.short_name),
            &signed_in,
            "measures",
        ),
        id: inst.id.clone(),
        response_id,
        date: day_label(a.response.date),
        sentence: band_sentence(inst, &a.score),
        description: inst.description.clone(),
        can_and_cannot: can_and_cannot(inst),
        citations: inst.citations.clone(),
        change: point.vs_previous.as_ref().map(|c| c.sentence.clone()),
        first_time: is_first,
        safety: a.score.safety_flag,
    }))
}

/// One row of the history table.
struct Row {
    date: String,
    score: String,
    band: String,
    change: String,
    link: String,
}

fn row(id: &str, p: &HistoryPoint) -> Row {
    let a = &p.administration;
    let change = p
        .vs_previous
        .as_ref()
        .map(|c| c.short.clone())
        .unwrap_or_default();
    Row {
        date: day_label(a.response.date),
        score: a.score.display.clone(),
        band: a
            .score
            .band
            .as_ref()
            .map(|b| b.label.clone())
            .unwrap_or_default(),
        change,
        link: format!("/measures/{id}/result/{}", a.response.id),
    }
}

#[derive(Template)]
#[template(path = "measure_history.html")]
struct HistoryPage {
    layout: Layout,
    id: String,
    flash: Option<&'static str>,
    chart: String,
    rows: Vec<Row>,
    overall: Option<String>,
    paired: Option<String>,
    other_short_name: &'static str,
    citations: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct HistoryQuery {
    deleted: String,
}

/// Every sitting of one questionnaire: a chart with its ranges, a table, the change since the
/// first sitting judged by the rule that fits the questionnaire, and for PHQ-9 and GAD-7 the
/// two together. Sources are plain citations in one fold; reviewers' notes are never shown.
pub async fn history(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let history = state.app.history(&signed_in.user, &id).await?;
    let inst = history.instrument;
    let points: Vec<_> = history
        .points
        .iter()
        .map(|p| {
            let a = &p.administration;
            let mut shown = a.score.display.clone();
            let band = band_words(&a.score);
            if !band.is_empty() {
                shown = format!("{shown}, {band}");
            }
            (a.response.date, a.score.value, shown)
        })
        .collect();
    let latest = history.latest();
    Ok(render(&HistoryPage {
        layout: Layout::signed_in(
            format!("Your {} over time", inst.short_name),
            &signed_in,
            "measures",
        ),
        id: inst.id.clone(),
        flash: (!query.deleted.is_empty()).then_some("That result is deleted."),
        chart: charts::measure_history(inst, &points),
        rows: history
            .points
            .iter()
            .rev()
            .map(|p| row(&inst.id, p))
            .collect(),
        overall: latest
            .and_then(|p| p.vs_first.as_ref())
            .map(|c| c.sentence.clone()),
        paired: history.paired.as_ref().map(|p| p.sentence.clone()),
        other_short_name: if inst.id == "phq-9" { "GAD-7" } else { "PHQ-9" },
        citations: inst.citations.clone(),
    }))
}

/// Deletes one result of the person, then shows the history.
pub async fn delete(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path((id, response_id)): Path<(String, ResponseId)>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state
        .app
        .delete_response(&signed_in.user, &id, response_id)
        .await?;
    Ok(Redirect::to(&format!("/measures/{id}/history?deleted=1")).into_response())
}
