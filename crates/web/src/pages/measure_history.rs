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
use enough_domain::measures::{Instrument, MeasureChange, band_sentence};
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

/// One plain sentence about an NHS Talking Therapies per-measure change.
fn talking_therapies_sentence(inst: &Instrument, change: &MeasureChange) -> Option<String> {
    let points = inst.nhs_talking_therapies.as_ref()?.reliable_change_points;
    let verdict = if change.reliably_improved {
        "by that convention, a reliable improvement"
    } else if change.reliably_deteriorated {
        "by that convention, a reliable worsening; it may help to talk it over with your therapist"
    } else {
        "within the usual ups and downs by that convention"
    };
    Some(format!(
        "NHS Talking Therapies counts a change of {points} points or more on the {} as reliable. \
         Your score went from {} to {}: {verdict}.",
        inst.short_name, change.first, change.last
    ))
}

#[derive(Template)]
#[template(path = "measure_result.html")]
struct ResultPage {
    layout: Layout,
    id: String,
    response_id: i64,
    date: String,
    sentence: String,
    description: String,
    can_and_cannot: String,
    source: String,
    licence: String,
    change: Option<String>,
    talking_therapies: Option<String>,
    no_change_note: Option<String>,
    safety: bool,
}

/// The score of one sitting, what it can and cannot say, and change since the previous one.
pub async fn result(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path((id, response_id)): Path<(String, i64)>,
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
        source: inst.source.clone(),
        licence: inst.licence.clone(),
        change: point.vs_previous.as_ref().map(|c| c.sentence.clone()),
        talking_therapies: point
            .tt_vs_previous
            .as_ref()
            .and_then(|c| talking_therapies_sentence(inst, c)),
        no_change_note: if is_first {
            Some("This is your first time; next time you will see how it compares.".to_owned())
        } else if point.vs_previous.is_none() {
            inst.reliable_change_note.clone()
        } else {
            None
        },
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
    let change = match &p.vs_previous {
        Some(c) => match c.verdict {
            enough_domain::measures::ReliableChange::NoReliableChange => {
                "within the usual ups and downs"
            }
            enough_domain::measures::ReliableChange::Improved => "likely a real improvement",
            enough_domain::measures::ReliableChange::Deteriorated => "likely harder at the moment",
        }
        .to_owned(),
        None => String::new(),
    };
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
    reliable_change_source: Option<String>,
    reliable_change_note: Option<String>,
    talking_therapies: Option<String>,
    paired: Option<String>,
    talking_therapies_source: Option<String>,
    bands_source: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct HistoryQuery {
    deleted: String,
}

/// Every sitting of one questionnaire: a chart with its ranges, a table, and the change since
/// the first sitting judged against the questionnaire's own measurement error.
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
    let tt_source = inst
        .nhs_talking_therapies
        .as_ref()
        .map(|t| t.source.clone());
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
        reliable_change_source: inst.reliable_change.as_ref().map(|r| r.source.clone()),
        reliable_change_note: inst.reliable_change_note.clone(),
        talking_therapies: latest
            .and_then(|p| p.tt_vs_first.as_ref())
            .and_then(|c| talking_therapies_sentence(inst, c)),
        paired: history.paired.as_ref().map(|p| p.sentence.clone()),
        talking_therapies_source: tt_source,
        bands_source: inst.bands_source.clone(),
    }))
}

/// Deletes one result of the person, then shows the history.
pub async fn delete(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path((id, response_id)): Path<(String, i64)>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state
        .app
        .delete_response(&signed_in.user, &id, response_id)
        .await?;
    Ok(Redirect::to(&format!("/measures/{id}/history?deleted=1")).into_response())
}
