//! Small imperfect steps in pages: the activity week (plan, then record how it went), activity
//! insights, and guided programmes that continue wherever the person is.

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{Days, NaiveDate};
use enough_app::{AppError, RunView, SignedIn};
use enough_domain::activities::{ActivityKind, OutcomeText, PlanText};
use enough_domain::day::parse_date;
use enough_domain::programmes::{Step, programmes};
use enough_domain::toolkit::catalogue;
use enough_domain::{ActivityId, ProgrammeRunId, ValidationErrors};
use serde::Deserialize;

use super::day::long_date;

/// One activity in the week.
struct ItemView {
    id: ActivityId,
    what: String,
    time: String,
    kind: &'static str,
    state: &'static str,
}

struct DayView {
    label: String,
    is_today: bool,
    items: Vec<ItemView>,
}

#[derive(Template)]
#[template(path = "activities.html")]
struct WeekPage {
    layout: Layout,
    flash: Option<&'static str>,
    days: Vec<DayView>,
    sentence: String,
    prev: String,
    next: String,
    kinds: Vec<(&'static str, &'static str)>,
    values: Vec<(String, String)>,
    form: PlanText,
    errors: ValidationErrors,
    /// The 8-week finding: a headline, its picture, the numbers folded.
    insight_card: super::insights::Card,
    today: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WeekQuery {
    week: String,
    saved: String,
}

async fn week_page(
    state: &AppState,
    signed_in: &SignedIn,
    day: NaiveDate,
    form: PlanText,
    errors: ValidationErrors,
    flash: Option<&'static str>,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let today = state.app.today(user);
    let (week, list) = state.app.activity_week(user, day).await?;
    let insights = state.app.activity_insights(user, 56).await?;
    let days = week
        .days
        .iter()
        .map(|d| DayView {
            label: d.date.format("%A %-d %B").to_string(),
            is_today: d.date == today,
            items: d
                .items
                .iter()
                .filter_map(|item| {
                    let id = list.get(item.index)?.id;
                    Some(ItemView {
                        id,
                        what: item.what.clone(),
                        time: item
                            .time
                            .map(|t| t.format("%H:%M").to_string())
                            .unwrap_or_default(),
                        kind: item.kind.title(),
                        state: item.state.label(),
                    })
                })
                .collect(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = PlanText {
        date: if form.date.is_empty() {
            today.to_string()
        } else {
            form.date
        },
        ..form
    };
    Ok(render_with(
        status,
        &WeekPage {
            layout: Layout::signed_in("Small steps", signed_in, "steps"),
            flash,
            days,
            sentence: week.sentence.clone(),
            prev: week
                .week_start
                .checked_sub_days(Days::new(7))
                .unwrap_or(week.week_start)
                .to_string(),
            next: week
                .week_start
                .checked_add_days(Days::new(7))
                .unwrap_or(week.week_start)
                .to_string(),
            kinds: ActivityKind::ALL
                .iter()
                .map(|k| (k.key(), k.title()))
                .collect(),
            values: catalogue()
                .life_values
                .iter()
                .map(|v| (v.id.clone(), v.name.clone()))
                .collect(),
            form,
            errors,
            insight_card: super::insights::Card {
                id: "ains-heading",
                heading: "What the last 8 weeks suggest",
                headlines: vec![enough_domain::reflection::comparison_headline(
                    &insights.mood_with_vs_without,
                    "days with an activity done",
                    "other days",
                )],
                chart: super::insights::difference_chart(
                    "steps-chart",
                    "Mood on days with an activity done",
                    "Differences in mood on days with a planned activity done compared with other days.",
                    &[("Mood".to_owned(), &insights.mood_with_vs_without)],
                    "higher with one",
                ),
                sentences: insights.sentences,
                detail_chart: None,
                link: None,
            },
            today: today.to_string(),
        },
    ))
}

/// The week of activities (planned and done), the plan form and the insights.
pub async fn week(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<WeekQuery>,
) -> Result<Response, PageError> {
    let today = state.app.today(&signed_in.user);
    let day = parse_date("week", &query.week).unwrap_or(today);
    let flash = match query.saved.as_str() {
        "plan" => Some("Planned. Small is good."),
        "outcome" => Some("Recorded. Whatever happened counts as information."),
        "deleted" => Some("Deleted."),
        _ => None,
    };
    week_page(
        &state,
        &signed_in,
        day,
        PlanText::default(),
        ValidationErrors::default(),
        flash,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PlanForm {
    csrf: String,
    #[serde(flatten)]
    plan: PlanText,
}

/// Plans an activity; on a problem the form comes back with what was typed.
pub async fn plan(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<PlanForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state.app.plan_activity(&signed_in.user, &form.plan).await {
        Ok((a, support)) => Ok(crate::support::or_support(
            &headers,
            support.as_ref(),
            || {
                Redirect::to(&format!("/activities?week={}&saved=plan", a.plan.date))
                    .into_response()
            },
        )),
        Err(AppError::Validation(errors)) => {
            let today = state.app.today(&signed_in.user);
            week_page(&state, &signed_in, today, form.plan, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "activity.html")]
struct OutcomePage {
    layout: Layout,
    id: ActivityId,
    what: String,
    when: String,
    kind: &'static str,
    form: OutcomeText,
    errors: ValidationErrors,
}

/// The "how did it go?" form.
pub async fn outcome_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(id): Path<ActivityId>,
) -> Result<Response, PageError> {
    let a = state.app.activity(&signed_in.user, id).await?;
    let form = a
        .outcome
        .as_ref()
        .map(|o| OutcomeText {
            done: if o.done { "yes" } else { "no" }.to_owned(),
            pleasure: o.pleasure.map(|v| v.to_string()).unwrap_or_default(),
            achievement: o.achievement.map(|v| v.to_string()).unwrap_or_default(),
            mood_before: o.mood_before.map(|v| v.to_string()).unwrap_or_default(),
            mood_after: o.mood_after.map(|v| v.to_string()).unwrap_or_default(),
            note: o.note.clone().unwrap_or_default(),
        })
        .unwrap_or_default();
    Ok(render(&OutcomePage {
        layout: Layout::signed_in("How did it go?", &signed_in, "steps"),
        id,
        what: a.plan.what.clone(),
        when: long_date(a.plan.date),
        kind: a.plan.kind.title(),
        form,
        errors: ValidationErrors::default(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct OutcomeForm {
    csrf: String,
    #[serde(flatten)]
    outcome: OutcomeText,
}

/// Records how an activity went.
pub async fn record_outcome(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<ActivityId>,
    Form(form): Form<OutcomeForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .record_outcome(&signed_in.user, id, &form.outcome)
        .await
    {
        Ok((a, support)) => Ok(crate::support::or_support(
            &headers,
            support.as_ref(),
            || {
                Redirect::to(&format!("/activities?week={}&saved=outcome", a.plan.date))
                    .into_response()
            },
        )),
        Err(AppError::Validation(errors)) => {
            let a = state.app.activity(&signed_in.user, id).await?;
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &OutcomePage {
                    layout: Layout::signed_in("How did it go?", &signed_in, "steps"),
                    id,
                    what: a.plan.what.clone(),
                    when: long_date(a.plan.date),
                    kind: a.plan.kind.title(),
                    form: form.outcome,
                    errors,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes a planned activity.
pub async fn delete_activity(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<ActivityId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.delete_activity(&signed_in.user, id).await?;
    Ok(Redirect::to("/activities?saved=deleted").into_response())
}

/// Today's step of a programme, for the page and the home card.
pub(crate) struct StepView {
    pub run_id: ProgrammeRunId,
    pub title: String,
    pub sentence: String,
    pub day: u16,
    pub day_title: String,
    pub text: String,
    pub link: Option<(String, String)>,
    pub finished: bool,
}

pub(crate) fn step_view(v: &RunView) -> StepView {
    let (day, finished) = match v.step {
        Step::Day { day, .. } => (day, false),
        Step::NotYet { .. } => (1, false),
        Step::Finished { .. } => (0, true),
    };
    let d = v.programme.day(day);
    let link = d.and_then(|d| {
        if let Some(ex) = &d.exercise {
            let title = catalogue()
                .exercise(ex)
                .map(|e| e.title.clone())
                .unwrap_or_else(|| ex.clone());
            Some((format!("/toolkit/{ex}/new"), title))
        } else if let Some(q) = &d.questionnaire {
            Some((format!("/measures/{q}"), "the check-in".to_owned()))
        } else if d.log {
            Some(("/".to_owned(), "today's log".to_owned()))
        } else {
            None
        }
    });
    StepView {
        run_id: v.run.id,
        title: v.programme.title.clone(),
        sentence: v.sentence.clone(),
        day,
        day_title: d.map(|d| d.title.clone()).unwrap_or_default(),
        text: d.map(|d| d.text.clone()).unwrap_or_default(),
        link,
        finished,
    }
}

#[derive(Template)]
#[template(path = "programmes.html")]
struct ProgrammesPage {
    layout: Layout,
    flash: Option<&'static str>,
    mine: Vec<StepView>,
    /// (id, title, summary, days, following)
    catalogue: Vec<(String, String, String, u16, bool)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ProgrammesQuery {
    saved: String,
}

/// Programmes: the ones being followed (today's step) and the ones to start.
pub async fn programmes_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<ProgrammesQuery>,
) -> Result<Response, PageError> {
    programmes_view(&state, &signed_in, &query.saved, None).await
}

async fn programmes_view(
    state: &AppState,
    signed_in: &SignedIn,
    saved: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let mine = state.app.my_programmes(&signed_in.user).await?;
    let flash = match saved {
        "started" => Some("Started. One small step a day; there's no catching up to do."),
        "step" => Some("Done for today. The next step waits until you're ready."),
        "stopped" => Some("Stopped. You can start again any time."),
        _ => None,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(
        status,
        &ProgrammesPage {
            layout: Layout::signed_in("Programmes", signed_in, "steps"),
            flash,
            catalogue: programmes()
                .iter()
                .map(|p| {
                    (
                        p.id.clone(),
                        p.title.clone(),
                        p.summary.clone(),
                        p.len(),
                        mine.iter().any(|m| m.run.programme_id == p.id),
                    )
                })
                .collect(),
            mine: mine.iter().map(step_view).collect(),
            error,
        },
    ))
}

/// Starts a programme.
pub async fn start_programme(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state.app.start_programme(&signed_in.user, &id).await {
        Ok(_) => Ok(Redirect::to("/programmes?saved=started").into_response()),
        Err(AppError::Conflict { message, .. }) => {
            programmes_view(&state, &signed_in, "", Some(message)).await
        }
        Err(AppError::Validation(_)) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Marks a day of a programme done.
pub async fn complete_day(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path((run, day)): Path<(ProgrammeRunId, u16)>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .complete_programme_day(&signed_in.user, run, day)
        .await
    {
        Ok(_) => Ok(Redirect::to("/programmes?saved=step").into_response()),
        Err(AppError::Validation(_)) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Stops following a programme.
pub async fn stop_programme(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(run): Path<ProgrammeRunId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.stop_programme(&signed_in.user, run).await?;
    Ok(Redirect::to("/programmes?saved=stopped").into_response())
}
