//! Homework pages: the person's list (`/homework`), today's card on the home page, and the
//! therapist's list and assign form for one linked person (`/care/people/{id}/homework`).

use crate::error::PageError;
use crate::identity::{ClientAddress, SignedInPage};
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::{AppError, HomeworkView, Me, SignedIn};
use enough_domain::ValidationErrors;
use enough_domain::homework::{AssignmentText, NOTE_MAX, Today, assignable};
use enough_domain::{HomeworkId, PersonId};
use serde::Deserialize;

/// One item of the home page's "Today's homework" card.
pub(crate) struct TodayItem {
    pub title: String,
    pub note: String,
    pub link: String,
    /// `open`, `started`, `done` or `still-open`.
    pub state: &'static str,
}

/// What is open, begun, done today or still open, for the home page.
pub(crate) async fn today_items(state: &AppState, user: &Me) -> Result<Vec<TodayItem>, PageError> {
    let today = state.app.today(user);
    Ok(state
        .app
        .my_homework(user)
        .await?
        .into_iter()
        .filter_map(|v| {
            let now = v.progress.as_ref()?.today(&v.kind, today)?;
            Some(TodayItem {
                title: v.kind.title(),
                note: v.homework.note.clone(),
                link: v.kind.link(),
                state: match now {
                    Today::Open => "open",
                    Today::Started => "started",
                    Today::Done => "done",
                    Today::StillOpen => "still-open",
                },
            })
        })
        .collect())
}

/// One row of a homework list.
pub(crate) struct HomeworkRow {
    id: HomeworkId,
    title: String,
    link: String,
    note: String,
    when: String,
    assigned_by: String,
    /// "3 of 7 days logged", or "not shared".
    progress: String,
}

fn when(v: &HomeworkView) -> String {
    let s = &v.schedule;
    let fmt = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    match (s.every_days, s.start == s.end) {
        (_, true) => format!("on {}", fmt(s.start)),
        (None, false) if v.kind == enough_domain::homework::Kind::Log => {
            format!("daily, {} to {}", fmt(s.start), fmt(s.end))
        }
        (None, false) => format!("between {} and {}", fmt(s.start), fmt(s.end)),
        (Some(1), false) => format!("daily, {} to {}", fmt(s.start), fmt(s.end)),
        (Some(n), false) => format!("every {n} days, {} to {}", fmt(s.start), fmt(s.end)),
    }
}

fn row(v: &HomeworkView) -> HomeworkRow {
    HomeworkRow {
        id: v.homework.id,
        title: v.kind.title(),
        link: v.kind.link(),
        note: v.homework.note.clone(),
        when: when(v),
        assigned_by: v
            .assigned_by
            .clone()
            .unwrap_or_else(|| "a former therapist".to_owned()),
        progress: v
            .progress
            .as_ref()
            .map(|p| p.sentence(&v.kind))
            .unwrap_or_else(|| "not shared".to_owned()),
    }
}

#[derive(Template)]
#[template(path = "homework.html")]
struct MyHomeworkPage {
    layout: Layout,
    rows: Vec<HomeworkRow>,
}

/// The person's homework with progress.
pub async fn mine(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let views = state.app.my_homework(&signed_in.user).await?;
    Ok(render(&MyHomeworkPage {
        layout: Layout::signed_in("Homework", &signed_in, "log"),
        rows: views.iter().map(row).collect(),
    }))
}

#[derive(Template)]
#[template(path = "homework_assign.html")]
struct TherapistPage {
    layout: Layout,
    person_id: PersonId,
    email: String,
    rows: Vec<HomeworkRow>,
    kinds: Vec<(String, String)>,
    form: AssignForm,
    errors: ValidationErrors,
    flash: Option<String>,
    note_max: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AssignForm {
    csrf: String,
    kind: String,
    start_date: String,
    end_date: String,
    every_days: String,
    note: String,
}

async fn therapist_page(
    state: &AppState,
    signed_in: &SignedIn,
    person_id: PersonId,
    address: &str,
    form: AssignForm,
    errors: ValidationErrors,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let link = state.app.link_to(&signed_in.user, person_id).await?;
    let views = state
        .app
        .homework_for_therapist(&signed_in.user, person_id, address)
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TherapistPage {
        layout: Layout::signed_in(format!("Homework for {}", link.email), signed_in, ""),
        person_id,
        email: link.email,
        rows: views.iter().map(row).collect(),
        kinds: assignable(),
        form,
        errors,
        flash,
        note_max: NOTE_MAX,
    };
    Ok(render_with(status, &page))
}

/// The therapist's view of a linked person's homework, with the assign form.
pub async fn for_person(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Response, PageError> {
    let today = state.app.today(&signed_in.user).to_string();
    let form = AssignForm {
        start_date: today,
        ..AssignForm::default()
    };
    therapist_page(
        &state,
        &signed_in,
        person_id,
        &address,
        form,
        ValidationErrors::default(),
        None,
    )
    .await
}

/// Assigns homework; on a problem the form comes back with every message.
pub async fn assign(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(person_id): Path<PersonId>,
    Form(form): Form<AssignForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let text = AssignmentText {
        kind: form.kind.clone(),
        start_date: form.start_date.clone(),
        end_date: form.end_date.clone(),
        every_days: form.every_days.clone(),
        note: form.note.clone(),
    };
    match state
        .app
        .assign_homework(&signed_in.user, person_id, &text)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/care/people/{person_id}/homework#homework-list"))
                .into_response(),
        ),
        Err(AppError::Validation(errors)) => {
            therapist_page(&state, &signed_in, person_id, &address, form, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Withdraws homework the therapist assigned.
pub async fn cancel(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path((person_id, id)): Path<(PersonId, HomeworkId)>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.link_to(&signed_in.user, person_id).await?;
    state.app.cancel_homework(&signed_in.user, id).await?;
    Ok(Redirect::to(&format!("/care/people/{person_id}/homework")).into_response())
}
