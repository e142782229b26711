//! The toolkit: the catalogue of exercises, the exercise form (new, edit, drafts, plans), the
//! journal, exposure-ladder attempts, progress, the timer page, and signing in again without
//! losing what was written.

mod form;

use crate::error::PageError;
use crate::identity::{ClientAddress, MaybeSignedIn, SignedInPage, session_cookie};
use crate::views::{Layout, render, render_with};
use crate::{AppState, charts, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, Duration};
use chrono_tz::Tz;
use enough_app::{
    AppError, ExerciseRecord, ExerciseSubmission, SavedExercise, SignedIn, exercise_def,
};
use enough_domain::ExerciseId;
use enough_domain::ValidationErrors;
use enough_domain::day::parse_date;
use enough_domain::toolkit::{
    Answer, Answers, Attempt, ExerciseDef, Stage, Status, catalogue, ladder_progress, step_of,
};
use form::{FormValues, StepView};
use serde::Deserialize;

use super::day::long_date;

/// A line of the error summary: the step (or field) to jump to and the message.
struct SummaryLine {
    anchor: String,
    message: String,
}

fn summary(errors: &ValidationErrors) -> Vec<SummaryLine> {
    errors
        .0
        .iter()
        .map(|e| SummaryLine {
            anchor: step_of(&e.field).to_owned(),
            message: e.message.clone(),
        })
        .collect()
}

/// One rung of a saved ladder, for logging attempts and showing progress.
struct RungView {
    index: usize,
    text: String,
    suds: u8,
    tries: usize,
    last: String,
}

#[derive(Template)]
#[template(path = "exercise.html")]
struct ExercisePage {
    layout: Layout,
    def: &'static ExerciseDef,
    /// Where the form posts.
    action: String,
    /// Set when editing a saved entry.
    entry_id: Option<ExerciseId>,
    status: String,
    date: String,
    today: String,
    before: Vec<StepView>,
    after: Vec<StepView>,
    /// Open the "afterwards" part (a plan being finished, or answers already there).
    after_open: bool,
    errors: Vec<SummaryLine>,
    date_error: Option<String>,
    flash: Option<String>,
    /// The ladder's rungs in order of distress, with tries (saved ladders only).
    rungs: Vec<RungView>,
    ladder_sentence: String,
    timer_minutes: u16,
}

struct PageInput<'a> {
    signed_in: &'a SignedIn,
    def: &'static ExerciseDef,
    entry: Option<&'a ExerciseRecord>,
    values: FormValues,
    status: String,
    date: String,
    errors: ValidationErrors,
    flash: Option<String>,
}

fn exercise_page(state: &AppState, input: PageInput<'_>) -> ExercisePage {
    let PageInput {
        signed_in,
        def,
        entry,
        values,
        status,
        date,
        errors,
        flash,
    } = input;
    let before = form::steps(def, Stage::Before, &values, &errors);
    let after = form::steps(def, Stage::After, &values, &errors);
    let after_open = status == "planned"
        || after.iter().any(|s| s.error.is_some())
        || def
            .steps
            .iter()
            .filter(|s| s.stage == Stage::After)
            .any(|s| {
                values
                    .0
                    .iter()
                    .any(|(k, v)| step_of(k) == s.id && !v.trim().is_empty())
            });
    let (rungs, ladder_sentence) = entry
        .and_then(|e| {
            e.answers.0.values().find_map(|a| match a {
                Answer::Ladder(l) => Some(l),
                _ => None,
            })
        })
        .map(|ladder| {
            let mut rungs: Vec<RungView> = ladder
                .rungs
                .iter()
                .enumerate()
                .map(|(index, r)| RungView {
                    index,
                    text: r.text.clone(),
                    suds: r.suds,
                    tries: r.attempts.len(),
                    last: r
                        .attempts
                        .last()
                        .map(|a| {
                            format!(
                                "last tried {}: peak {} of 100",
                                a.date.format("%-d %b"),
                                a.suds_peak
                            )
                        })
                        .unwrap_or_default(),
                })
                .collect();
            rungs.sort_by_key(|r| r.suds);
            (rungs, ladder_progress(ladder).sentence())
        })
        .unwrap_or_default();
    let title = def.title.clone();
    ExercisePage {
        layout: Layout::signed_in(title, signed_in, "toolkit"),
        def,
        action: match entry {
            Some(e) => format!("/toolkit/entries/{}", e.id),
            None => format!("/toolkit/{}", def.id),
        },
        entry_id: entry.map(|e| e.id),
        status,
        date,
        today: state.app.today(&signed_in.user).to_string(),
        before,
        after,
        after_open,
        date_error: form::other_error(&errors, "date"),
        errors: summary(&errors),
        flash,
        rungs,
        ladder_sentence,
        timer_minutes: def.timer.unwrap_or(0),
    }
}

/// A new, empty exercise.
pub async fn new_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(kind): Path<String>,
) -> Result<Response, PageError> {
    let def = exercise_def(&kind).map_err(|_| PageError::NotFound)?;
    let today = state.app.today(&signed_in.user).to_string();
    Ok(render(&exercise_page(
        &state,
        PageInput {
            signed_in: &signed_in,
            def,
            entry: None,
            values: FormValues::default(),
            status: String::new(),
            date: today,
            errors: ValidationErrors::default(),
            flash: None,
        },
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SavedQuery {
    saved: String,
    /// `1` opens a finished exercise in its form, to change it.
    edit: String,
}

/// A finished exercise, to read: each step's question with what was written.
#[derive(Template)]
#[template(path = "exercise_record.html")]
struct RecordPage {
    layout: Layout,
    def: &'static ExerciseDef,
    id: ExerciseId,
    date: String,
    flash: Option<String>,
    /// (the step's label, the answer in words)
    lines: Vec<(String, String)>,
}

/// A saved exercise, in its form, to read, change or finish.
pub async fn edit_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(id): Path<ExerciseId>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let entry = state.app.exercise(&signed_in.user, id).await?;
    let flash = match query.saved.as_str() {
        "draft" => Some("Draft saved. Come back to it whenever you like.".to_owned()),
        "planned" => Some(
            "Plan saved. When you've tried it, come back and fill in what happened.".to_owned(),
        ),
        "done" => Some("Saved. Well done for taking the time.".to_owned()),
        "attempt" => Some("Attempt logged — every try counts, however it went.".to_owned()),
        _ => None,
    };
    // A finished exercise opens as a record to read; "Edit" brings the form back. A ladder
    // stays in its form, where tries are logged.
    let has_ladder = entry
        .def
        .steps
        .iter()
        .any(|s| matches!(entry.answers.get(&s.id), Some(Answer::Ladder(_))));
    if entry.status == Status::Done && query.edit != "1" && !has_ladder {
        let lines = entry
            .def
            .steps
            .iter()
            .filter_map(|s| {
                entry
                    .answers
                    .get(&s.id)
                    .map(|a| (s.label.clone(), super::care::answer_text(a)))
            })
            .filter(|(_, text)| !text.is_empty())
            .collect();
        return Ok(render(&RecordPage {
            layout: Layout::signed_in(entry.def.title.clone(), &signed_in, "toolkit"),
            def: entry.def,
            id: entry.id,
            date: long_date(entry.date),
            flash,
            lines,
        }));
    }
    Ok(render(&exercise_page(
        &state,
        PageInput {
            signed_in: &signed_in,
            def: entry.def,
            entry: Some(&entry),
            values: FormValues::from_answers(entry.def, &entry.answers),
            status: entry.status.as_str().to_owned(),
            date: entry.date.to_string(),
            errors: ValidationErrors::default(),
            flash,
        },
    )))
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Creates (`POST /toolkit/{kind}`) an exercise.
pub async fn create(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    headers: HeaderMap,
    jar: CookieJar,
    Path(kind): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let def = exercise_def(&kind).map_err(|_| PageError::NotFound)?;
    let Some(signed_in) = signed_in else {
        return Ok(session_ended(
            &state,
            jar,
            &format!("/toolkit/{kind}"),
            fields,
        ));
    };
    csrf::verify_session(&headers, &signed_in, field(&fields, "csrf"))?;
    save(&state, &signed_in, &headers, def, None, fields).await
}

/// Replaces (`POST /toolkit/entries/{id}`) a saved exercise.
pub async fn update(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    headers: HeaderMap,
    jar: CookieJar,
    Path(id): Path<ExerciseId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Some(signed_in) = signed_in else {
        return Ok(session_ended(
            &state,
            jar,
            &format!("/toolkit/entries/{id}"),
            fields,
        ));
    };
    csrf::verify_session(&headers, &signed_in, field(&fields, "csrf"))?;
    let entry = state.app.exercise(&signed_in.user, id).await?;
    save(
        &state,
        &signed_in,
        &headers,
        entry.def,
        Some(&entry),
        fields,
    )
    .await
}

async fn save(
    state: &AppState,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    def: &'static ExerciseDef,
    entry: Option<&ExerciseRecord>,
    fields: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let status = field(&fields, "status").to_owned();
    let date = field(&fields, "date").to_owned();
    let result = match Answers::from_form(def, &fields) {
        Ok(answers) => {
            state
                .app
                .save_exercise(
                    &signed_in.user,
                    entry.map(|e| e.id),
                    ExerciseSubmission {
                        kind: def.id.clone(),
                        date: date.clone(),
                        status: status.clone(),
                        answers,
                    },
                )
                .await
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(SavedExercise {
            support: Some(support),
            ..
        }) => Ok(crate::support::to_support_page(headers, &support)),
        Ok(saved) => Ok(Redirect::to(&format!(
            "/toolkit/entries/{}?saved={}",
            saved.record.id,
            saved.record.status.as_str()
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => {
            let page = exercise_page(
                state,
                PageInput {
                    signed_in,
                    def,
                    entry,
                    values: FormValues(fields),
                    status,
                    date,
                    errors,
                    flash: Some("Nothing was saved yet: please check the highlighted answers. Everything you wrote is still here.".to_owned()),
                },
            );
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "session_ended.html")]
struct SessionEndedPage {
    layout: Layout,
    csrf: String,
    action: String,
    kept: Vec<(String, String)>,
    error: Option<String>,
    email: String,
}

/// The session ran out while the person was writing: keep every field in the page and ask
/// them to sign in again; nothing is lost and nothing is saved until they confirm.
fn session_ended(
    state: &AppState,
    jar: CookieJar,
    action: &str,
    fields: Vec<(String, String)>,
) -> Response {
    let (jar, token) = csrf::anonymous_token(jar, state.config.secure_cookies);
    let kept = fields.into_iter().filter(|(k, _)| k != "csrf").collect();
    let page = SessionEndedPage {
        layout: Layout::anonymous("Please sign in again"),
        csrf: token,
        action: action.to_owned(),
        kept,
        error: None,
        email: String::new(),
    };
    (jar, render_with(StatusCode::UNAUTHORIZED, &page)).into_response()
}

/// Signs in again from the "session ended" page and shows the exercise form with everything
/// that was written, ready to save.
pub async fn resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    ClientAddress(address): ClientAddress,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    csrf::verify_anonymous(
        &headers,
        &jar,
        field(&fields, "csrf"),
        state.config.secure_cookies,
    )?;
    let action = field(&fields, "resume_action").to_owned();
    let email = field(&fields, "email").to_owned();
    let kept: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("kept.").map(|k| (k.to_owned(), v.clone())))
        .collect();
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect::<String>();
    let signed = state
        .app
        .sign_in(&email, field(&fields, "password"), &address, &agent)
        .await;
    let token = match signed {
        Ok((token, _)) => token,
        Err(AppError::WrongCredentials | AppError::RateLimited { .. } | AppError::Disabled) => {
            let (jar, csrf_token) = csrf::anonymous_token(jar, state.config.secure_cookies);
            let page = SessionEndedPage {
                layout: Layout::anonymous("Please sign in again"),
                csrf: csrf_token,
                action,
                kept,
                error: Some(
                    "That e-mail address and password do not match an account (or signing in is paused for a few minutes). Your text is still here."
                        .to_owned(),
                ),
                email,
            };
            return Ok((jar, render_with(StatusCode::UNAUTHORIZED, &page)).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let signed_in = state
        .app
        .session(&token.0)
        .await?
        .ok_or_else(|| PageError::Internal("new session not found".to_owned()))?;
    let cookie = session_cookie(
        token.0.clone(),
        state.config.secure_cookies,
        state.app.session_ttl_secs(),
    );
    let (def, entry) = if let Some(id) = action
        .strip_prefix("/toolkit/entries/")
        .and_then(|id| id.parse::<ExerciseId>().ok())
    {
        let entry = state.app.exercise(&signed_in.user, id).await?;
        (entry.def, Some(entry))
    } else {
        let kind = action.strip_prefix("/toolkit/").unwrap_or_default();
        (exercise_def(kind).map_err(|_| PageError::NotFound)?, None)
    };
    let page = exercise_page(
        &state,
        PageInput {
            signed_in: &signed_in,
            def,
            entry: entry.as_ref(),
            status: field(&kept, "status").to_owned(),
            date: field(&kept, "date").to_owned(),
            values: FormValues(kept),
            errors: ValidationErrors::default(),
            flash: Some(
                "You're signed in again. Everything you wrote is below — check it and save."
                    .to_owned(),
            ),
        },
    );
    Ok((jar.add(cookie), render(&page)).into_response())
}

#[derive(Template)]
#[template(path = "exercise_delete.html")]
struct DeletePage {
    layout: Layout,
    id: ExerciseId,
    title: String,
    date: String,
}

/// Asks before deleting an exercise.
pub async fn delete_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(id): Path<ExerciseId>,
) -> Result<Response, PageError> {
    let entry = state.app.exercise(&signed_in.user, id).await?;
    Ok(render(&DeletePage {
        layout: Layout::signed_in("Delete this exercise?", &signed_in, "toolkit"),
        id,
        title: entry.def.title.clone(),
        date: long_date(entry.date),
    }))
}

/// Deletes an exercise.
pub async fn delete(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<ExerciseId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.delete_exercise(&signed_in.user, id).await?;
    Ok(Redirect::to("/toolkit/journal?deleted=1").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AttemptForm {
    csrf: String,
    rung: String,
    date: String,
    suds_before: String,
    suds_peak: String,
    suds_after: String,
    note: String,
}

fn suds(field: &str, label: &str, raw: &str, errors: &mut ValidationErrors) -> u8 {
    match raw.trim().parse::<u8>() {
        Ok(v) if v <= 100 => v,
        _ => {
            errors.push(field, format!("{label}: choose a number from 0 to 100."));
            0
        }
    }
}

/// Logs a try at one rung of a saved exposure ladder.
pub async fn add_attempt(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<ExerciseId>,
    Form(form): Form<AttemptForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let entry = state.app.exercise(&signed_in.user, id).await?;
    let mut errors = ValidationErrors::default();
    let rung = form.rung.trim().parse::<usize>().ok();
    if rung.is_none() {
        errors.push("rung", "Choose the step of the ladder you tried.");
    }
    let date = parse_date("date", &form.date)
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let attempt = Attempt {
        date: date.unwrap_or_default(),
        suds_before: suds(
            "suds_before",
            "Distress before",
            &form.suds_before,
            &mut errors,
        ),
        suds_peak: suds(
            "suds_peak",
            "Distress at its peak",
            &form.suds_peak,
            &mut errors,
        ),
        suds_after: suds(
            "suds_after",
            "Distress after",
            &form.suds_after,
            &mut errors,
        ),
        note: form.note.trim().to_owned(),
    };
    let result = match (rung, errors.is_empty()) {
        (Some(rung), true) => state
            .app
            .add_ladder_attempt(&signed_in.user, id, rung, attempt)
            .await
            .map(|(_, support)| support),
        _ => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(Some(support)) => Ok(crate::support::to_support_page(&headers, &support)),
        Ok(None) => Ok(
            Redirect::to(&format!("/toolkit/entries/{id}?saved=attempt#ladder")).into_response(),
        ),
        Err(AppError::Validation(errors)) => {
            let page = exercise_page(
                &state,
                PageInput {
                    signed_in: &signed_in,
                    def: entry.def,
                    entry: Some(&entry),
                    values: FormValues::from_answers(entry.def, &entry.answers),
                    status: entry.status.as_str().to_owned(),
                    date: entry.date.to_string(),
                    errors,
                    flash: Some("The attempt was not logged yet: please check it.".to_owned()),
                },
            );
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// One exercise of the catalogue.
struct CatalogueItem {
    id: String,
    title: String,
    summary: String,
    minutes: u16,
}

#[derive(Template)]
#[template(path = "toolkit.html")]
struct CataloguePage {
    layout: Layout,
    groups: Vec<(String, Vec<CatalogueItem>)>,
    recent: Vec<JournalItem>,
}

/// One entry of the journal timeline.
struct JournalItem {
    id: ExerciseId,
    title: String,
    date: String,
    status: &'static str,
    summary: String,
}

fn journal_item(r: &ExerciseRecord) -> JournalItem {
    JournalItem {
        id: r.id,
        title: r.def.title.clone(),
        date: long_date(r.date),
        status: match r.status {
            Status::Draft => "draft",
            Status::Planned => "planned",
            Status::Done => "",
        },
        summary: r.summary.clone(),
    }
}

/// The toolkit: every exercise by approach, and the latest entries.
pub async fn catalogue_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let recent = state.app.journal(&signed_in.user, None).await?;
    Ok(render(&CataloguePage {
        layout: Layout::signed_in("Toolkit", &signed_in, "toolkit"),
        groups: catalogue()
            .by_approach()
            .into_iter()
            .map(|(approach, defs)| {
                (
                    approach.title().to_owned(),
                    defs.into_iter()
                        .map(|d| CatalogueItem {
                            id: d.id.clone(),
                            title: d.title.clone(),
                            summary: d.summary.clone(),
                            minutes: d.minutes,
                        })
                        .collect(),
                )
            })
            .collect(),
        recent: recent.iter().take(3).map(journal_item).collect(),
    }))
}

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    layout: Layout,
    items: Vec<JournalItem>,
    kinds: Vec<(String, String)>,
    kind: String,
    deleted: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct JournalQuery {
    kind: String,
    deleted: String,
}

/// Every saved exercise, newest first, optionally of one kind.
pub async fn journal_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<JournalQuery>,
) -> Result<Response, PageError> {
    let kind = (!query.kind.is_empty() && catalogue().exercise(&query.kind).is_some())
        .then_some(query.kind.as_str());
    let entries = state.app.journal(&signed_in.user, kind).await?;
    Ok(render(&JournalPage {
        layout: Layout::signed_in("Journal", &signed_in, "toolkit"),
        items: entries.iter().map(journal_item).collect(),
        kinds: catalogue()
            .exercises
            .iter()
            .map(|d| (d.id.clone(), d.title.clone()))
            .collect(),
        kind: kind.unwrap_or_default().to_owned(),
        deleted: !query.deleted.is_empty(),
    }))
}

/// One before/after change, for the progress page.
struct ChangeLine {
    sentence: String,
}

#[derive(Template)]
#[template(path = "toolkit_progress.html")]
struct ProgressPage {
    layout: Layout,
    done: usize,
    counts: Vec<(String, usize)>,
    months: Vec<(String, usize)>,
    changes: Vec<ChangeLine>,
    critic_sentence: String,
    critic_chart: Option<String>,
    values_chart: Option<String>,
    values_date: String,
    ladders: Vec<(ExerciseId, String, String)>,
}

/// Progress: what was done, how ratings moved, and how the inner critic's predictions held up.
pub async fn progress_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let p = state.app.toolkit_progress(&signed_in.user).await?;
    let title = |kind: &str| {
        catalogue()
            .exercise(kind)
            .map(|d| d.title.clone())
            .unwrap_or_else(|| kind.to_owned())
    };
    let values_chart = p.latest_values.as_ref().and_then(|r| {
        r.answers.0.values().find_map(|a| match a {
            Answer::ValueRatings(list) if !list.is_empty() => Some(charts::values(
                &list
                    .iter()
                    .map(|v| {
                        let name = catalogue()
                            .life_value(&v.domain)
                            .map(|l| l.name.clone())
                            .unwrap_or_else(|| v.domain.clone());
                        (name, v.importance, v.lived)
                    })
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        })
    });
    Ok(render(&ProgressPage {
        layout: Layout::signed_in("Progress", &signed_in, "toolkit"),
        done: p.done,
        counts: p
            .progress
            .counts
            .iter()
            .map(|(kind, n)| (title(kind), *n))
            .collect(),
        months: p.progress.by_month.clone(),
        changes: p
            .progress
            .changes
            .iter()
            .map(|c| ChangeLine {
                sentence: c.sentence.clone(),
            })
            .collect(),
        critic_sentence: p.critic.sentence(),
        critic_chart: (!p.critic.points.is_empty())
            .then(|| charts::critic_accuracy(&p.critic.points)),
        values_chart,
        values_date: p
            .latest_values
            .as_ref()
            .map(|r| long_date(r.date))
            .unwrap_or_default(),
        ladders: p
            .ladders
            .iter()
            .filter_map(|r| {
                r.answers.0.values().find_map(|a| match a {
                    Answer::Ladder(l) => {
                        Some((r.id, r.summary.clone(), ladder_progress(l).sentence()))
                    }
                    _ => None,
                })
            })
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "timer.html")]
struct TimerPage {
    layout: Layout,
    minutes: u32,
    started: String,
    ends: String,
    refresh_secs: u32,
    done: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TimerQuery {
    minutes: String,
    until: String,
}

/// The longest timer, in minutes.
const TIMER_MAX_MINUTES: u32 = 240;

/// A timer that works without JavaScript: the page states when time is up and reloads itself
/// then (a `<meta http-equiv="refresh">`), showing "time's up".
pub async fn timer_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<TimerQuery>,
) -> Result<Response, PageError> {
    let tz: Tz = signed_in.user.time_zone;
    let now = state.app.now();
    let refuse = |message: &'static str| {
        render_with(
            StatusCode::BAD_REQUEST,
            &crate::pages::account::MessagePage {
                layout: Layout::signed_in("Timer", &signed_in, "toolkit"),
                message,
                links: vec![
                    ("/toolkit/timer", "Start a new timer"),
                    ("/toolkit", "Back to the toolkit"),
                ],
            },
        )
    };
    let minutes = if query.minutes.trim().is_empty() {
        25
    } else {
        match query.minutes.trim().parse::<u32>() {
            Ok(m) if (1..=TIMER_MAX_MINUTES).contains(&m) => m,
            _ => return Ok(refuse("A timer runs from 1 to 240 minutes.")),
        }
    };
    let until = if query.until.is_empty() {
        now + Duration::minutes(i64::from(minutes))
    } else {
        // A timer that ended up to a day ago still says "time's up"; nothing ends later than
        // the timer's own length from now.
        match query
            .until
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .filter(|t| {
                *t >= now - Duration::days(1)
                    && *t <= now + Duration::minutes(i64::from(minutes) + 1)
            }) {
            Some(t) => t,
            None => {
                return Ok(refuse(
                    "This timer's end time is not one it could have; start a new timer.",
                ));
            }
        }
    };
    let remaining = (until - now).num_seconds().max(0);
    if query.until.is_empty() {
        // Start: fix the end time in the address, so reloads keep counting to it.
        return Ok(Redirect::to(&format!(
            "/toolkit/timer?minutes={minutes}&until={}",
            until.timestamp()
        ))
        .into_response());
    }
    let local = |t: DateTime<chrono::Utc>| t.with_timezone(&tz).format("%H:%M").to_string();
    Ok(render(&TimerPage {
        layout: Layout::signed_in("Timer", &signed_in, "toolkit"),
        minutes,
        started: local(until - Duration::minutes(i64::from(minutes))),
        ends: local(until),
        refresh_secs: u32::try_from(remaining).unwrap_or(0) + 1,
        done: remaining == 0,
    }))
}
