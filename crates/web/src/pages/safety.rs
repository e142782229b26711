//! The personal safety plan, the country for crisis lines, and the calm support page shown
//! after a PHQ-9 item 9 answer above 0 or after saving words about self-harm.

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::pages::crisis::BrowserHints;
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono_tz::Tz;
use enough_app::AppError;
use enough_domain::ValidationErrors;
use enough_domain::crisis::{Country, TextPart, phone_parts};
use enough_domain::safety::plan::{SafetyPlan, Section};
use serde::Deserialize;

/// One line of the plan: words and phone numbers, each number a `tel:` link.
struct PlanItem {
    parts: Vec<TextPart>,
}

/// One section of the plan, ready to show or edit.
struct SectionView {
    key: &'static str,
    title: &'static str,
    prompt: &'static str,
    example: &'static str,
    items: Vec<PlanItem>,
    text: String,
}

fn sections(plan: &SafetyPlan) -> Vec<SectionView> {
    Section::all()
        .into_iter()
        .map(|s| SectionView {
            key: s.key(),
            title: s.title(),
            prompt: s.prompt(),
            example: s.example(),
            items: plan
                .items(s)
                .iter()
                .map(|item| PlanItem {
                    parts: phone_parts(item),
                })
                .collect(),
            text: plan.to_text(s),
        })
        .collect()
}

/// The day of the last change, on the person's own calendar.
fn updated(secs: Option<i64>, time_zone: Tz) -> String {
    secs.map(|s| {
        crate::views::local_day(s, time_zone)
            .0
            .format("%-d %B %Y")
            .to_string()
    })
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "safety_plan.html")]
struct PlanPage {
    layout: Layout,
    sections: Vec<SectionView>,
    empty: bool,
    updated: String,
    country: &'static Country,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PlanQuery {
    saved: String,
}

/// The plan, readable and printable on one page, with the person's crisis lines.
pub async fn plan_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    hints: BrowserHints,
    Query(query): Query<PlanQuery>,
) -> Result<Response, PageError> {
    let view = state.app.safety_plan(&signed_in.user).await?;
    Ok(render(&PlanPage {
        layout: Layout::signed_in("My safety plan", &signed_in, ""),
        sections: sections(&view.plan),
        empty: view.plan.is_empty(),
        updated: updated(view.updated_at, signed_in.user.time_zone),
        country: state
            .app
            .crisis_country_from(Some(&signed_in.user), &hints.as_hints())
            .0,
        flash: (!query.saved.is_empty()).then_some("Your safety plan is saved."),
    }))
}

#[derive(Template)]
#[template(path = "safety_plan_edit.html")]
struct EditPage {
    layout: Layout,
    sections: Vec<SectionView>,
    errors: ValidationErrors,
}

/// The form: one box per section, one line per item.
pub async fn edit_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let view = state.app.safety_plan(&signed_in.user).await?;
    Ok(render(&EditPage {
        layout: Layout::signed_in("Edit my safety plan", &signed_in, ""),
        sections: sections(&view.plan),
        errors: ValidationErrors::default(),
    }))
}

/// Saves the plan; on a problem the form comes back with every line the person wrote.
pub async fn save(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    csrf::verify_session(&headers, &signed_in, token)?;
    let parsed = SafetyPlan::from_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let result = match parsed {
        Ok(plan) => state.app.save_safety_plan(&signed_in.user, &plan).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/safety-plan?saved=1").into_response()),
        Err(AppError::Validation(errors)) => {
            let sections = Section::all()
                .into_iter()
                .map(|s| {
                    let text = fields
                        .iter()
                        .find(|(k, _)| k == s.key())
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    SectionView {
                        key: s.key(),
                        title: s.title(),
                        prompt: s.prompt(),
                        example: s.example(),
                        items: Vec::new(),
                        text,
                    }
                })
                .collect();
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage {
                    layout: Layout::signed_in("Edit my safety plan", &signed_in, ""),
                    sections,
                    errors,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "support.html")]
struct SupportPage {
    layout: Layout,
    reason: &'static str,
    country: &'static Country,
    sections: Vec<SectionView>,
    has_plan: bool,
    next: &'static str,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SupportQuery {
    after: String,
}

/// The calm page shown right after something suggested the person may be struggling.
pub async fn support_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    hints: BrowserHints,
    Query(query): Query<SupportQuery>,
) -> Result<Response, PageError> {
    let view = state.app.safety_plan(&signed_in.user).await?;
    let (reason, next) = match query.after.as_str() {
        "questionnaire" => ("questionnaire", "/measures"),
        "exercise" => ("words", "/toolkit/journal"),
        "reflection" => ("words", "/insights"),
        "activity" => ("words", "/activities"),
        "import" => ("words", "/history"),
        _ => ("words", "/"),
    };
    Ok(render(&SupportPage {
        layout: Layout::signed_in("You're not alone with this", &signed_in, ""),
        reason,
        country: state
            .app
            .crisis_country_from(Some(&signed_in.user), &hints.as_hints())
            .0,
        has_plan: !view.plan.is_empty(),
        sections: sections(&view.plan),
        next,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CountryForm {
    csrf: String,
    country: String,
}

/// Remembers the country whose crisis lines the person wants to see.
pub async fn set_country(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<CountryForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state.app.set_country(&signed_in.user, &form.country).await {
        Ok(()) | Err(AppError::Validation(_)) => Ok(Redirect::to("/crisis").into_response()),
        Err(e) => Err(e.into()),
    }
}
