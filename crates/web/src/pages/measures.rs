//! Check-ins: the list of questionnaires with schedules, and filling one in (resumable).

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::{AppError, InstrumentOverview, SignedIn, Submitted, parse_every_days};
use enough_domain::ValidationErrors;
use enough_domain::measures::{Instrument, Responses, instrument, parse_answers};
use serde::Deserialize;
use std::collections::BTreeMap;

/// "in the range usually called mild", or nothing when the instrument has no bands.
pub(crate) fn band_words(score: &enough_domain::measures::Score) -> String {
    score
        .band
        .as_ref()
        .map(|b| format!("in the range usually called {}", b.label))
        .unwrap_or_default()
}

/// "4 March 2026".
pub(crate) fn day_label(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// One questionnaire in the list.
struct Row {
    id: String,
    short_name: String,
    description: String,
    latest: Option<String>,
    latest_link: Option<String>,
    has_history: bool,
    due: bool,
    every_days: String,
    next_due: Option<String>,
    draft_answered: usize,
    items: usize,
}

impl Row {
    fn new(o: &InstrumentOverview) -> Self {
        let inst = o.instrument;
        let latest = o.latest.as_ref().map(|a| {
            let band = band_words(&a.score);
            let mut s = format!(
                "Last time: {} on {}",
                a.score.display,
                day_label(a.response.date)
            );
            if !band.is_empty() {
                s.push_str(", ");
                s.push_str(&band);
            }
            s.push('.');
            s
        });
        Self {
            id: inst.id.clone(),
            short_name: inst.short_name.clone(),
            description: inst.description.clone(),
            latest_link: o
                .latest
                .as_ref()
                .map(|a| format!("/measures/{}/result/{}", inst.id, a.response.id)),
            has_history: o.latest.is_some(),
            latest,
            due: o.due,
            every_days: o.every_days.map(|n| n.to_string()).unwrap_or_default(),
            next_due: o.next_due.filter(|_| !o.due).map(day_label),
            draft_answered: o.draft_answered,
            items: inst.items.len(),
        }
    }

    fn schedule_field(&self) -> String {
        format!("every_days-{}", self.id)
    }
}

#[derive(Template)]
#[template(path = "measures.html")]
struct ListPage {
    layout: Layout,
    flash: Option<String>,
    rows: Vec<Row>,
    errors: ValidationErrors,
    /// The typed value of a schedule that was refused: (instrument id, text).
    refused: Option<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListQuery {
    saved: String,
    scheduled: String,
}

async fn list_page(
    state: &AppState,
    signed_in: &SignedIn,
    flash: Option<String>,
    errors: ValidationErrors,
    refused: Option<(String, String)>,
) -> Result<ListPage, PageError> {
    let overview = state.app.instruments_overview(&signed_in.user).await?;
    Ok(ListPage {
        layout: Layout::signed_in("Check-ins", signed_in, "measures"),
        flash,
        rows: overview.iter().map(Row::new).collect(),
        errors,
        refused,
    })
}

/// The questionnaires, each with the latest result, whether it is due, and its schedule.
pub async fn list(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let flash = if let Some(inst) = instrument(&query.saved) {
        Some(format!(
            "Your answers to the {} so far are saved. Pick up where you left off whenever you like.",
            inst.short_name
        ))
    } else {
        instrument(&query.scheduled)
            .map(|inst| format!("The {} reminder is saved.", inst.short_name))
    };
    let page = list_page(&state, &signed_in, flash, ValidationErrors::default(), None).await?;
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ScheduleForm {
    csrf: String,
    every_days: String,
}

/// Sets or clears "every N days" for one questionnaire.
pub async fn schedule(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let result = match parse_every_days(&form.every_days) {
        Ok(every) => state.app.set_schedule(&signed_in.user, &id, every).await,
        Err(e) => Err(AppError::Validation(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/measures?scheduled={id}")).into_response()),
        Err(AppError::Validation(e)) => {
            let errors = ValidationErrors(
                e.0.into_iter()
                    .map(|f| enough_domain::FieldError::new(format!("every_days-{id}"), f.message))
                    .collect(),
            );
            let page = list_page(
                &state,
                &signed_in,
                None,
                errors,
                Some((id, form.every_days)),
            )
            .await?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// One question with its answer choices.
struct ItemView {
    number: u8,
    field: String,
    text: String,
    /// (value, label, checked)
    options: Vec<(u8, String, bool)>,
}

#[derive(Template)]
#[template(path = "questionnaire.html")]
struct QuestionnairePage {
    layout: Layout,
    id: String,
    description: String,
    stem: String,
    items: Vec<ItemView>,
    answered: usize,
    total: usize,
    client_id: String,
    errors: ValidationErrors,
    intro: Option<&'static str>,
    /// Said plainly when the item wording is not yet checked against the published form.
    wording_note: Option<&'static str>,
}

fn questionnaire_page(
    signed_in: &SignedIn,
    inst: &Instrument,
    answers: &Responses,
    errors: ValidationErrors,
    intro: Option<&'static str>,
) -> QuestionnairePage {
    let items = inst
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let chosen = answers.0.get(i).copied().flatten();
            ItemView {
                number: item.number,
                field: Instrument::field_name(item.number),
                text: item.text.clone(),
                options: inst
                    .options
                    .iter()
                    .map(|o| (o.value, o.label.clone(), chosen == Some(o.value)))
                    .collect(),
            }
        })
        .collect();
    QuestionnairePage {
        layout: Layout::signed_in(inst.name.clone(), signed_in, "measures"),
        id: inst.id.clone(),
        description: inst.description.clone(),
        stem: inst.stem.clone(),
        items,
        answered: answers.0.iter().flatten().count(),
        total: inst.items.len(),
        // A new idempotency key for every page shown: pressing Finish twice saves once.
        client_id: enough_app::random_form_token(),
        errors,
        intro,
        wording_note: inst.wording_status.starts_with("unverified").then_some(
            "The wording of this questionnaire has not yet been checked word for word against its published version. Use your score to follow your own change over time, not to compare with published figures.",
        ),
    }
}

fn known(id: &str) -> Result<&'static Instrument, PageError> {
    instrument(id).ok_or(PageError::NotFound)
}

/// The questionnaire, with any answers saved earlier already chosen.
pub async fn form_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let inst = known(&id)?;
    let answers = state.app.questionnaire_draft(&signed_in.user, &id).await?;
    let intro = answers
        .0
        .iter()
        .any(Option::is_some)
        .then_some("Welcome back: your earlier answers are filled in.");
    Ok(render(&questionnaire_page(
        &signed_in,
        inst,
        &answers,
        ValidationErrors::default(),
        intro,
    )))
}

/// "Save and finish later" keeps the answers so far; "Finish" scores and stores the sitting.
/// A PHQ-9 item 9 answer above 0 leads straight to the support page.
pub async fn submit(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form: BTreeMap<String, String> = fields.into_iter().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    csrf::verify_session(&headers, &signed_in, field("csrf"))?;
    let inst = known(&id)?;
    let user = &signed_in.user;
    if field("action") == "save" {
        return match state.app.save_draft(user, &id, &form).await {
            Ok((_, support)) => Ok(crate::support::or_support(
                &headers,
                support.as_ref(),
                || Redirect::to(&format!("/measures?saved={id}")).into_response(),
            )),
            Err(AppError::Validation(errors)) => {
                let (answers, _) = parse_answers(inst, &form);
                let page = questionnaire_page(&signed_in, inst, &answers, errors, None);
                Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            Err(e) => Err(e.into()),
        };
    }
    let (answers, type_errors) = parse_answers(inst, &form);
    match state
        .app
        .submit(user, &id, field("client_id"), &answers, type_errors)
        .await
    {
        Ok(Submitted {
            support: Some(support),
            ..
        }) => Ok(crate::support::to_support_page(&headers, &support)),
        // A repeat of a sitting already saved: the same support page as the first time.
        Ok(done) if done.safety => Ok(Redirect::to("/support?after=questionnaire").into_response()),
        Ok(done) => Ok(
            Redirect::to(&format!("/measures/{id}/result/{}", done.response.id)).into_response(),
        ),
        Err(AppError::Validation(errors)) => {
            let page = questionnaire_page(
                &signed_in,
                inst,
                &answers,
                errors,
                Some("Nothing is saved yet: a few questions still need an answer."),
            );
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict { message, .. }) => {
            let page = questionnaire_page(
                &signed_in,
                inst,
                &answers,
                ValidationErrors::single("client_id", message),
                None,
            );
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}
