//! The Light & Mood experiment: start it, follow it, read its result, or stop it.

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::{AppError, ExperimentView, SignedIn};
use enough_domain::experiment::{Condition, MAX_WEEKS, MIN_WEEKS};
use enough_domain::reflection::experiment_sentences;
use enough_domain::{ExperimentId, ValidationErrors};
use enough_store::ExperimentStatus;
use serde::Deserialize;
use std::collections::HashMap;

struct ExperimentSummary {
    id: ExperimentId,
    title: String,
    today: Option<String>,
    progress: String,
    /// Weeks of (symbol, description) cells.
    weeks: Vec<Vec<(String, String)>>,
    results: Vec<String>,
    /// Today's date (yyyy-mm-dd) and the later mornings of this week it can be swapped with:
    /// (date, label).
    swap: Option<(String, Vec<(String, String)>)>,
    /// Mornings swapped so far, in words.
    swapped: Option<String>,
}

#[derive(Template)]
#[template(path = "experiment.html")]
struct ExperimentPage {
    layout: Layout,
    flash: Option<String>,
    errors: ValidationErrors,
    active: Option<ExperimentSummary>,
    finished: Vec<ExperimentSummary>,
    weekdays: Vec<String>,
    week_choices: Vec<u8>,
}

fn summary(
    view: &ExperimentView,
    logged: &HashMap<chrono::NaiveDate, bool>,
    today: chrono::NaiveDate,
) -> ExperimentSummary {
    let plan = &view.plan;
    let e = &view.experiment;
    let status = match e.status {
        ExperimentStatus::Active if plan.end() < today => "finished",
        ExperimentStatus::Active => "running",
        ExperimentStatus::Completed => "finished",
        ExperimentStatus::Abandoned => "stopped early",
    };
    let suffix = if status == "running" {
        String::new()
    } else {
        format!(" ({status})")
    };
    let title = format!(
        "{} weeks from {} to {}{suffix}",
        plan.weeks,
        plan.start.format("%-d %B"),
        plan.end().format("%-d %B %Y")
    );
    let a = &view.analysis;
    let progress = format!(
        "{} of {} mornings so far; {} logged, {} of them as planned. Every logged morning helps, planned or not.",
        a.mornings,
        i64::from(plan.weeks) * 7,
        a.logged,
        a.followed
    );
    let weeks = (0..plan.weeks)
        .map(|w| {
            (0..7u64)
                .map(|d| {
                    let date = plan.start + chrono::Days::new(u64::from(w) * 7 + d);
                    let condition = view.in_force_on(date);
                    let planned_outside = condition == Some(Condition::MorningLight);
                    let symbol = if planned_outside { "☀" } else { "·" };
                    let mark = match logged.get(&date) {
                        Some(outside) if *outside == planned_outside => "✓",
                        Some(_) => "○",
                        None => "",
                    };
                    let label = format!(
                        "{}: {}",
                        date.format("%a %-d %b"),
                        condition.map_or("", Condition::label)
                    );
                    (format!("{symbol}{mark}"), label)
                })
                .collect()
        })
        .collect();
    let results = a.outcomes.iter().flat_map(experiment_sentences).collect();
    let running = e.status == ExperimentStatus::Active && plan.end() >= today;
    let today_condition = running.then(|| view.in_force_on(today)).flatten();
    let today_text = today_condition.map(|c| format!("Today: {}.", c.label()));
    let swap = today_condition.and_then(|c| {
        let offset = (today - plan.start).num_days();
        let week_end = plan.start + chrono::Days::new(((offset / 7) * 7 + 6) as u64);
        let choices: Vec<(String, String)> = today
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= week_end)
            .filter(|d| view.in_force_on(*d) == Some(c.other()))
            .map(|d| {
                (
                    d.to_string(),
                    format!("{} ({})", d.format("%A %-d %B"), c.other().short()),
                )
            })
            .collect();
        (!choices.is_empty()).then(|| (today.to_string(), choices))
    });
    let swapped_dates = view.swapped();
    let swapped = (!swapped_dates.is_empty()).then(|| {
        format!(
            "Swapped mornings: {}. The results below count every morning as the original plan said.",
            swapped_dates
                .iter()
                .map(|d| d.format("%a %-d %b").to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    ExperimentSummary {
        id: e.id,
        title,
        today: today_text,
        progress,
        weeks,
        results,
        swap,
        swapped,
    }
}

async fn experiment_page(
    state: &AppState,
    signed_in: &SignedIn,
    flash: Option<String>,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let today = state.app.today(user);
    let views = state.app.experiments(user).await?;
    let mut active = None;
    let mut finished = Vec::new();
    for view in &views {
        let days = state
            .app
            .days(user, Some(view.plan.start), Some(view.plan.end()))
            .await?;
        let logged: HashMap<_, _> = days
            .iter()
            .filter_map(|d| d.outside_morning.map(|o| (d.date, o)))
            .collect();
        let s = summary(view, &logged, today);
        if view.experiment.status == ExperimentStatus::Active
            && view.plan.end() >= today
            && active.is_none()
        {
            active = Some(s);
        } else {
            finished.push(s);
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ExperimentPage {
        layout: Layout::signed_in("The Light & Mood experiment", signed_in, "insights"),
        flash,
        errors,
        active,
        finished,
        weekdays: (0..7u64)
            .map(|d| {
                views.first().map_or(String::new(), |v| {
                    (v.plan.start + chrono::Days::new(d))
                        .format("%a")
                        .to_string()
                })
            })
            .collect(),
        week_choices: (MIN_WEEKS..=MAX_WEEKS).collect(),
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DoneQuery {
    done: String,
}

pub async fn page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let flash = match query.done.as_str() {
        "started" => Some(
            "Your experiment starts tomorrow morning. Each morning's plan shows on the log page."
                .to_owned(),
        ),
        "stopped" => Some("The experiment is stopped. Its days and results stay below.".to_owned()),
        "swapped" => Some(
            "Swapped. The log page shows the new plan for today; the results still follow the original plan."
                .to_owned(),
        ),
        _ => None,
    };
    experiment_page(&state, &signed_in, flash, ValidationErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct StartForm {
    csrf: String,
    weeks: String,
}

pub async fn start(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .start_experiment(&signed_in.user, &form.weeks)
        .await
    {
        Ok(_) => Ok(Redirect::to("/experiment?done=started").into_response()),
        Err(AppError::Validation(errors)) => {
            experiment_page(&state, &signed_in, None, errors).await
        }
        Err(AppError::Conflict { field, message }) => {
            experiment_page(
                &state,
                &signed_in,
                None,
                ValidationErrors::single(field, message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SwapForm {
    csrf: String,
    date: String,
    with: String,
}

/// Swaps today's morning with a later morning of the same week.
pub async fn swap(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<ExperimentId>,
    Form(form): Form<SwapForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .swap_experiment_mornings(&signed_in.user, id, &form.date, &form.with)
        .await
    {
        Ok(_) => Ok(Redirect::to("/experiment?done=swapped").into_response()),
        Err(AppError::Validation(errors)) => {
            experiment_page(&state, &signed_in, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn abandon(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<ExperimentId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.abandon_experiment(&signed_in.user, id).await?;
    Ok(Redirect::to("/experiment?done=stopped").into_response())
}
