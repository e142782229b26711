//! Importing from other apps in the browser: upload, preview (what would change, what is wrong
//! and where), then apply. The preview page carries the staged days back, so any server can
//! apply them; the apply checks every day again and writes all or nothing.

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::{AppError, ImportFormat, StagedDay, first_problems};
use enough_domain::ValidationErrors;
use enough_domain::import::{ConflictRule, FillIn};
use serde::Deserialize;

/// The largest upload accepted in the browser; bigger files go through `enough import`.
pub const UPLOAD_LIMIT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    errors: ValidationErrors,
    flash: Option<String>,
    /// The Daylio mood mapping as editable text.
    moods: String,
    /// The Daylio activity mapping as editable text, one habit per line.
    activities: String,
    /// How Bearable's ratings are read.
    bearable_rule: &'static str,
}

fn import_page(
    signed_in: &enough_app::SignedIn,
    errors: ValidationErrors,
    flash: Option<String>,
    moods: String,
    activities: String,
) -> ImportPage {
    ImportPage {
        layout: Layout::signed_in("Import", signed_in, "settings"),
        errors,
        flash,
        moods: if moods.trim().is_empty() {
            enough_app::default_mood_mapping()
        } else {
            moods
        },
        activities: if activities.trim().is_empty() {
            enough_app::default_activity_mapping()
        } else {
            activities
        },
        bearable_rule: enough_app::bearable_rule(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DoneQuery {
    written: String,
}

/// The upload form.
pub async fn page(
    SignedInPage(signed_in): SignedInPage,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Response {
    render(&import_page(
        &signed_in,
        ValidationErrors::default(),
        (!q.written.is_empty()).then(|| format!("Imported: {} days written in one go.", q.written)),
        String::new(),
        String::new(),
    ))
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    layout: Layout,
    rows_read: usize,
    rows_used: usize,
    days_found: usize,
    new_days: usize,
    changed_days: usize,
    unchanged_days: usize,
    needs_values: usize,
    problems: Vec<String>,
    more_problems: usize,
    staged: String,
    writes: usize,
    error_count: usize,
    /// Per day found: (date, lines, what was taken, what the file does not have).
    found: Vec<(String, String, String, String)>,
    more_found: usize,
    /// Daylio activities no keyword matched, with their counts ("yoga (4), piano (2)").
    unmatched: Option<String>,
}

/// Most days listed one by one in the preview.
const FOUND_SHOWN: usize = 60;

/// What the file has for one day, and what it lacks (which stays missing, never guessed).
fn found_line(day: &enough_domain::import::ImportedDay) -> (String, String, String, String) {
    let f = &day.fields;
    let mut taken = Vec::new();
    let mut missing = Vec::new();
    match f.mood {
        Some(m) => taken.push(format!("mood {m}")),
        None => missing.push("mood"),
    }
    match f.energy {
        Some(e) => taken.push(format!("energy {e}")),
        None => missing.push("energy"),
    }
    match f.daylight_quarter_hours {
        Some(q) => taken.push(format!("daylight {}", enough_domain::day::format_hours(q))),
        None => missing.push("daylight"),
    }
    match f.outside_morning {
        Some(o) => taken.push(format!(
            "outside this morning: {}",
            if o { "yes" } else { "no" }
        )),
        None => missing.push("outside in the morning"),
    }
    if let Some(h) = f.habits {
        let labels: Vec<&str> = h.ticked().iter().map(|h| h.label()).collect();
        taken.push(labels.join(", "));
    }
    if f.note.is_some() {
        taken.push("note".to_owned());
    }
    let lines = match day.source_rows.as_slice() {
        [one] => format!("line {one}"),
        many => format!(
            "lines {}",
            many.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    (
        day.date.to_string(),
        lines,
        taken.join(" · "),
        missing.join(", "),
    )
}

/// Reads the upload and shows what importing it would do; nothing is written.
pub async fn preview(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut fields: Vec<(String, String)> = Vec::new();
    // Kept as the `Bytes` the upload arrived in: no second copy of up to 64 MiB.
    let mut file: Option<axum::body::Bytes> = None;
    let mut too_large = false;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            match field.bytes().await {
                Ok(b) => file = Some(b),
                Err(_) => {
                    too_large = true;
                    break;
                }
            }
        } else if let Ok(text) = field.text().await {
            fields.push((name, text));
        }
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    csrf::verify_session(&headers, &signed_in, &get("csrf"))?;
    let mut errors = ValidationErrors::default();
    let format = ImportFormat::parse(&get("format"));
    if format.is_none() {
        errors.push("format", "Choose which app the file comes from.");
    }
    let bytes = file.filter(|b| !b.is_empty());
    if too_large {
        errors.push(
            "file",
            format!(
                "The file could not be read whole: the largest file this page takes is {} MiB. \
                 Import bigger files on the server with `enough import`.",
                UPLOAD_LIMIT_BYTES / (1024 * 1024)
            ),
        );
    } else if bytes.is_none() {
        errors.push("file", "Choose the file to import.");
    }
    let number = |k: &str, max: f64, errors: &mut ValidationErrors| -> Option<f64> {
        let raw = get(k);
        if raw.trim().is_empty() {
            return None;
        }
        match raw.trim().replace(',', ".").parse::<f64>() {
            Ok(v) if (0.0..=max).contains(&v) => Some(v),
            _ => {
                errors.push(k, format!("A number from 0 to {max}."));
                None
            }
        }
    };
    let fill = FillIn {
        // Checked to 0–24 hours above, so at most 96 quarter hours.
        daylight_quarter_hours: number("fill_daylight", 24.0, &mut errors)
            .map(|h| (h * 4.0).round() as u8),
        energy: number("fill_energy", 10.0, &mut errors).map(|v| v.round() as u8),
        mood: number("fill_mood", 10.0, &mut errors).map(|v| v.round() as u8),
        outside_morning: match get("fill_outside").as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
    };
    let moods = match enough_app::parse_mood_mapping(&get("moods")) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let activities = match enough_app::parse_activity_mapping(&get("activities")) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let rule = if get("rule") == "take-imported" {
        ConflictRule::TakeImported
    } else {
        ConflictRule::KeepMine
    };
    let (Some(format), Some(bytes), Some(moods), Some(activities), true) =
        (format, bytes, moods, activities, errors.is_empty())
    else {
        return Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_page(&signed_in, errors, None, get("moods"), get("activities")),
        ));
    };
    let preview = match state
        .app
        .preview_import(
            &signed_in.user,
            format,
            std::io::Cursor::new(bytes),
            rule,
            Some(fill),
            enough_domain::import::daylio::DaylioOptions { moods, activities },
        )
        .await
    {
        Ok(p) => p,
        Err(AppError::Validation(errors)) => {
            return Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &import_page(&signed_in, errors, None, get("moods"), get("activities")),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let problems: Vec<String> = first_problems(&preview.plan, 50)
        .into_iter()
        .map(ToString::to_string)
        .collect();
    let staged =
        serde_json::to_string(&preview.writes).map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(render(&PreviewPage {
        layout: Layout::signed_in("Check the import", &signed_in, "settings"),
        rows_read: preview.plan.counts.rows_read,
        rows_used: preview.plan.counts.rows_used,
        days_found: preview.plan.days.len(),
        new_days: preview.new_days,
        changed_days: preview.changed_days,
        unchanged_days: preview.unchanged_days,
        needs_values: preview.needs_values.len(),
        more_problems: preview.plan.problems.total().saturating_sub(problems.len()),
        problems,
        writes: preview.writes.len(),
        error_count: preview.error_count,
        found: preview
            .plan
            .days
            .iter()
            .take(FOUND_SHOWN)
            .map(found_line)
            .collect(),
        more_found: preview.plan.days.len().saturating_sub(FOUND_SHOWN),
        unmatched: (format == ImportFormat::Daylio)
            .then(|| enough_app::unmatched_activities(&preview.plan))
            .flatten(),
        staged,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ApplyForm {
    csrf: String,
    staged: String,
}

/// Writes the previewed days in one transaction.
pub async fn apply(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<ApplyForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let days: Vec<StagedDay> =
        serde_json::from_str(&form.staged).map_err(|_| PageError::NotFound)?;
    match state.app.apply_import(&signed_in.user, &days).await {
        Ok((n, support)) => Ok(crate::support::or_support(
            &headers,
            support.as_ref(),
            || Redirect::to(&format!("/import?written={n}")).into_response(),
        )),
        Err(AppError::Validation(errors)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_page(&signed_in, errors, None, String::new(), String::new()),
        )),
        Err(e) => Err(e.into()),
    }
}
