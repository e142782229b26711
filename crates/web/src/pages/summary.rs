//! The printable session summary: the person's own (`/summary`) and a therapist's view of a
//! linked person (`/care/people/{id}/summary`), per shared category only.

use crate::AppState;
use crate::error::PageError;
use crate::identity::{ClientAddress, SignedInPage};
use crate::views::{Layout, render, render_with};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use enough_app::{AppError, SessionSummary, SignedIn};
use enough_domain::PersonId;
use enough_domain::ValidationErrors;
use enough_domain::safety::alert;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RangeQuery {
    pub from: String,
    pub to: String,
}

/// The log section, as shown.
pub(crate) struct LogView {
    logged: String,
    means: Vec<String>,
    sentences: Vec<String>,
}

/// One approach's exercises, as shown (`None`: not shared).
pub(crate) struct ExerciseGroupView {
    title: &'static str,
    lines: Option<Vec<String>>,
}

/// One questionnaire, as shown.
pub(crate) struct QuestionnaireView {
    name: String,
    lines: Vec<String>,
    change: Option<String>,
}

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    layout: Layout,
    action: String,
    errors: ValidationErrors,
    email: String,
    from: String,
    to: String,
    range: String,
    log: Option<LogView>,
    exercises: Vec<ExerciseGroupView>,
    questionnaires: Option<Vec<QuestionnaireView>>,
    reflections: Option<Vec<(String, String)>>,
    safety: Option<Vec<String>>,
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// The log's part; `about_them` when someone other than the person reads it.
fn log_view(summary: &SessionSummary, about_them: bool) -> Option<LogView> {
    let log = summary.log.as_ref()?;
    let (outside, daylight, habits) = super::insights::sentences(&log.insights.insights);
    let voice = |s: String| {
        if about_them {
            crate::views::their_voice(&s)
        } else {
            s
        }
    };
    let mut means = Vec::new();
    let over = |n: usize| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    if let Some(m) = log.mean_mood {
        means.push(format!(
            "Mood {m:.1} of 10 on average (over the {} with a mood)",
            over(log.mood_days)
        ));
    }
    if let Some(e) = log.mean_energy {
        means.push(format!(
            "energy {e:.1} of 10 (over the {} with an energy)",
            over(log.energy_days)
        ));
    }
    if let Some(d) = log.mean_daylight {
        means.push(format!(
            "{d:.1} h of daylight outside a day (over the {} with daylight)",
            over(log.daylight_days)
        ));
    }
    Some(LogView {
        logged: format!("{} of {} days logged.", log.days_logged, log.days_in_range),
        means,
        sentences: outside
            .into_iter()
            .chain(daylight)
            .chain(habits)
            .map(voice)
            .collect(),
    })
}

fn page(
    signed_in: &SignedIn,
    title: String,
    action: String,
    summary: &SessionSummary,
    errors: ValidationErrors,
) -> SummaryPage {
    SummaryPage {
        layout: Layout::signed_in(title, signed_in, ""),
        action,
        errors,
        email: summary.person_email.clone(),
        from: summary.from.to_string(),
        to: summary.to.to_string(),
        range: format!("{} to {}", day(summary.from), day(summary.to)),
        log: log_view(summary, summary.person_email != signed_in.user.email),
        exercises: summary
            .exercises
            .iter()
            .map(|g| ExerciseGroupView {
                title: g.approach.title(),
                lines: g.entries.as_ref().map(|list| {
                    list.iter()
                        .map(|e| {
                            let changes: Vec<String> = e
                                .changes
                                .iter()
                                .map(|(label, b, a)| format!("{label}: {b:.0} → {a:.0}"))
                                .collect();
                            let mut line =
                                format!("{} — {} ({})", day(e.date), e.title, e.status.as_str());
                            if !changes.is_empty() {
                                line.push_str(&format!("; {}", changes.join("; ")));
                            }
                            line
                        })
                        .collect()
                }),
            })
            .collect(),
        questionnaires: summary.questionnaires.as_ref().map(|list| {
            list.iter()
                .map(|q| QuestionnaireView {
                    name: q.instrument.clone(),
                    lines: q
                        .scores
                        .iter()
                        .map(|s| {
                            let mut line = format!("{}: {}", day(s.date), s.display);
                            if let Some(b) = &s.band {
                                line.push_str(&format!(" ({b})"));
                            }
                            if let Some(c) = &s.change {
                                line.push_str(&format!(". {c}"));
                            }
                            line
                        })
                        .collect(),
                    change: q.change_in_range.clone(),
                })
                .collect()
        }),
        reflections: summary
            .reflections
            .as_ref()
            .map(|list| list.iter().map(|r| (day(r.date), r.text.clone())).collect()),
        safety: summary.safety.as_ref().map(|list| {
            list.iter()
                .map(|e| {
                    // The same words as a therapist's safety alert (domain::safety::alert).
                    let when = crate::views::local_time(e.at, signed_in.user.time_zone);
                    let date = chrono::DateTime::from_timestamp(e.at, 0)
                        .map(|t| t.date_naive())
                        .unwrap_or_default();
                    let what = match e.kind.as_str() {
                        enough_app::EVENT_PHQ9_ITEM9 => alert::questionnaire_sentence(
                            "PHQ-9",
                            9,
                            Some(alert::PHQ9_ITEM9_ABOUT),
                            None,
                            "Not at all",
                            date,
                        ),
                        enough_app::EVENT_SELF_HARM_LANGUAGE => {
                            // A day note or reflection is named by its own date.
                            let origin = alert::Origin::parse(&e.detail);
                            let of = match origin {
                                alert::Origin::Day(d) | alert::Origin::Reflection(d) => d,
                                _ => date,
                            };
                            alert::words_sentence(origin, None, of)
                        }
                        _ => format!("A safety alert on {}", alert::short_date(date)),
                    };
                    format!("{what} ({when})")
                })
                .collect()
        }),
    }
}

/// The person's own summary.
pub async fn own(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let (summary, errors) = match state.app.own_summary(user, &query.from, &query.to).await {
        Ok(s) => (s, ValidationErrors::default()),
        Err(AppError::Validation(e)) => (state.app.own_summary(user, "", "").await?, e),
        Err(e) => return Err(e.into()),
    };
    respond(page(
        &signed_in,
        "My summary".to_owned(),
        "/summary".to_owned(),
        &summary,
        errors,
    ))
}

/// A therapist's summary of a linked person.
pub async fn for_person(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let (summary, errors) = match state
        .app
        .summary_for(user, person_id, &query.from, &query.to, &address)
        .await
    {
        Ok(s) => (s, ValidationErrors::default()),
        Err(AppError::Validation(e)) => (
            state
                .app
                .summary_for(user, person_id, "", "", &address)
                .await?,
            e,
        ),
        Err(e) => return Err(e.into()),
    };
    let title = format!("Summary for {}", summary.person_email);
    respond(page(
        &signed_in,
        title,
        format!("/care/people/{person_id}/summary"),
        &summary,
        errors,
    ))
}

fn respond(page: SummaryPage) -> Result<Response, PageError> {
    Ok(if page.errors.is_empty() {
        render(&page)
    } else {
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    })
}
