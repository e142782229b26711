//! Logging a day: the home page form, editing a past day, saving and deleting.

use crate::error::PageError;
use crate::identity::{MaybeSignedIn, SignedInPage};
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{Days, NaiveDate};
use enough_app::{AppError, MoveChoice, Moved, SignedIn};
use enough_domain::ValidationErrors;
use enough_domain::day::{DayEntry, DayPatch, DayText, Habit, parse_date, parse_hours_text};
use enough_domain::solar::{DayKind, sun_times};
use enough_store::Location;
use serde::Deserialize;

/// One 0–10 scale on the form.
pub(crate) struct ScaleView {
    name: &'static str,
    label: &'static str,
    low: &'static str,
    high: &'static str,
    /// (value, checked)
    options: Vec<(u8, bool)>,
}

/// One day in a list.
pub(crate) struct DayListItem {
    pub date: String,
    pub label: String,
    /// "7" or "—".
    pub mood: String,
    /// "4" or "—".
    pub energy: String,
    pub daylight: String,
    /// "Outside in the morning", "Indoors in the morning" or "Morning —".
    pub morning: &'static str,
    pub habits: String,
    pub note: Option<String>,
    /// "of 7.1 h" when the person's location is known.
    pub available: Option<String>,
}

/// "of 7.1 h" (or "of 24 h" in polar day, "no sunrise" in polar night) for a date and place.
pub(crate) fn available_daylight(date: NaiveDate, location: Option<&Location>) -> Option<String> {
    let l = location?;
    let sun = sun_times(date, l.latitude, l.longitude);
    Some(match sun.kind {
        DayKind::PolarNight => "(the sun did not rise)".to_owned(),
        _ => format!("of {:.1} h", sun.day_length_hours()),
    })
}

impl DayListItem {
    pub fn new(entry: &DayEntry, location: Option<&Location>) -> Self {
        Self {
            available: available_daylight(entry.date, location),
            ..Self::from_entry(entry)
        }
    }

    pub fn from_entry(entry: &DayEntry) -> Self {
        let habits: Vec<&str> = entry.habits.ticked().iter().map(|h| h.label()).collect();
        Self {
            date: entry.date.to_string(),
            label: long_date(entry.date),
            mood: entry.mood_label(),
            energy: entry.energy_label(),
            daylight: entry.daylight_label(),
            morning: match entry.outside_morning {
                Some(true) => "Outside in the morning",
                Some(false) => "Indoors in the morning",
                None => "Morning —",
            },
            habits: habits.join(" · "),
            note: entry.note.clone(),
            available: None,
        }
    }
}

/// "Wednesday 25 November 2026".
pub(crate) fn long_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// A kind sentence about how many of the last days were logged; never a streak.
pub(crate) fn logged_summary(entries: &[DayEntry], today: NaiveDate) -> String {
    let week_start = today.checked_sub_days(Days::new(6)).unwrap_or(today);
    let logged = entries
        .iter()
        .filter(|e| e.date >= week_start && e.date <= today)
        .count();
    match logged {
        0 => "Nothing logged in the last 7 days. That's fine; today is a good day to start again."
            .to_owned(),
        1 => "You logged 1 of the last 7 days. Every day you log adds to the picture.".to_owned(),
        7 => "You logged every one of the last 7 days. Skipping days is fine too.".to_owned(),
        n => format!("You logged {n} of the last 7 days. That is plenty to learn from."),
    }
}

/// The quick rows on the home page: what the day has, and what could be added.
pub(crate) struct QuickView {
    csrf: String,
    date: String,
    mood: Option<u8>,
    energy: Option<u8>,
    /// "1.5 h" when known.
    daylight: Option<String>,
    /// "yes" or "no" when known.
    outside: Option<&'static str>,
    /// (key, label, ticked)
    habits: Vec<(&'static str, &'static str, bool)>,
    note: String,
    /// Whether the day has any value yet (the other rows appear once it does).
    any: bool,
    /// (0..=10, chosen) for mood.
    mood_scale: Vec<(u8, bool)>,
    /// (0..=10, chosen) for energy.
    energy_scale: Vec<(u8, bool)>,
    /// (value in hours, label, chosen)
    daylight_chips: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
}

/// The daylight chips: hours as sent, and as shown.
const DAYLIGHT_CHIPS: [(&str, &str, u8); 7] = [
    ("0", "0 h", 0),
    ("0.25", "¼ h", 1),
    ("0.5", "½ h", 2),
    ("1", "1 h", 4),
    ("2", "2 h", 8),
    ("3", "3 h", 12),
    ("4", "4+ h", 16),
];

impl QuickView {
    fn new(csrf: &str, date: NaiveDate, entry: Option<&DayEntry>, error: Option<String>) -> Self {
        let habits = entry.map(|e| e.habits).unwrap_or_default();
        let quarters = entry.and_then(|e| e.daylight_quarter_hours);
        Self {
            csrf: csrf.to_owned(),
            date: date.to_string(),
            mood: entry.and_then(|e| e.mood),
            energy: entry.and_then(|e| e.energy),
            daylight: entry
                .filter(|e| e.daylight_quarter_hours.is_some())
                .map(DayEntry::daylight_label),
            outside: entry
                .and_then(|e| e.outside_morning)
                .map(|o| if o { "yes" } else { "no" }),
            habits: Habit::ALL
                .iter()
                .map(|h| (h.key(), h.label(), habits.has(*h)))
                .collect(),
            note: entry.and_then(|e| e.note.clone()).unwrap_or_default(),
            any: entry.is_some_and(DayEntry::has_any_value),
            mood_scale: (0..=10)
                .map(|v| (v, entry.and_then(|e| e.mood) == Some(v)))
                .collect(),
            energy_scale: (0..=10)
                .map(|v| (v, entry.and_then(|e| e.energy) == Some(v)))
                .collect(),
            daylight_chips: DAYLIGHT_CHIPS
                .iter()
                .map(|(v, l, q)| (*v, *l, quarters == Some(*q)))
                .collect(),
            error,
        }
    }
}

#[derive(Template)]
#[template(path = "quick_partial.html")]
struct QuickPartial {
    quick: QuickView,
    status: String,
}

#[derive(Template)]
#[template(path = "quick_page.html")]
struct QuickPage {
    layout: Layout,
    quick: QuickView,
    status: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct QuickForm {
    csrf: String,
    date: String,
    mood: Option<String>,
    energy: Option<String>,
    daylight_hours: Option<String>,
    outside_morning: Option<String>,
    /// A habit key to tick or untick.
    habit: Option<String>,
    note: Option<String>,
}

/// One quick row saved: only the value sent changes (PATCH semantics in the app layer).
/// htmx gets the rows back with "Saved …" for screen readers; a plain form post is redirected.
pub async fn quick_save(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<QuickForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let user = &signed_in.user;
    let date = parse_date("date", &form.date).map_err(AppError::Validation)?;
    let existing = match state.app.day(user, date).await {
        Ok(entry) => Some(entry),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let text = DayText {
        daylight_hours: form.daylight_hours.clone().unwrap_or_default(),
        energy: form.energy.clone().unwrap_or_default(),
        mood: form.mood.clone().unwrap_or_default(),
        outside_morning: form.outside_morning.clone().unwrap_or_default(),
        habits: Vec::new(),
        note: form.note.clone().unwrap_or_default(),
    };
    let (fields, mut errors) = text.to_fields();
    let mut habits = existing.as_ref().map(|e| e.habits).unwrap_or_default();
    let mut said = Vec::new();
    if let Some(key) = &form.habit {
        match Habit::from_key(key) {
            Some(h) => {
                let on = !habits.has(h);
                habits.set(h, on);
                said.push(if on {
                    h.label().to_owned()
                } else {
                    format!("{} unticked", h.label())
                });
            }
            None => errors.push("habits", "That is not one of the habits."),
        }
    }
    let patch = DayPatch {
        daylight_hours: form.daylight_hours.as_ref().map(|_| fields.daylight_hours),
        energy: form.energy.as_ref().map(|_| fields.energy),
        mood: form.mood.as_ref().map(|_| fields.mood),
        outside_morning: form
            .outside_morning
            .as_ref()
            .map(|_| fields.outside_morning),
        habits: form.habit.as_ref().map(|_| habits),
        note: form.note.as_ref().map(|_| fields.note.clone()),
    };
    if form
        .daylight_hours
        .as_deref()
        .is_some_and(|t| parse_hours_text(t).is_ok_and(|h| h.is_none()))
    {
        errors.push(
            "daylight_hours",
            "Type the hours of daylight, like 1.5 or 1:30.",
        );
    }
    let htmx = headers.contains_key("hx-request");
    match state.app.patch_day(user, date, patch, errors).await {
        Ok((entry, _, support)) => {
            if let Some(support) = support {
                return Ok(crate::support::to_support_page(&headers, &support));
            }
            if form.mood.is_some() {
                said.push(format!("mood {}", entry.mood_label()));
            }
            if form.energy.is_some() {
                said.push(format!("energy {}", entry.energy_label()));
            }
            if form.daylight_hours.is_some() {
                said.push(format!("daylight {}", entry.daylight_label()));
            }
            if form.outside_morning.is_some() {
                said.push(format!("outside this morning: {}", entry.outside_label()));
            }
            if form.note.is_some() {
                said.push("the note".to_owned());
            }
            if !htmx {
                return Ok(Redirect::to(&format!("/?saved={date}")).into_response());
            }
            Ok(render(&QuickPartial {
                quick: QuickView::new(
                    &crate::csrf::session_token(&signed_in),
                    date,
                    Some(&entry),
                    None,
                ),
                status: format!("Saved {}.", said.join(", ")),
            }))
        }
        Err(AppError::Validation(errors)) => {
            let message = errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            let quick = QuickView::new(
                &crate::csrf::session_token(&signed_in),
                date,
                existing.as_ref(),
                Some(message.clone()),
            );
            let status = format!("Not saved: {message}");
            if htmx {
                Ok(render_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &QuickPartial { quick, status },
                ))
            } else {
                Ok(render_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &QuickPage {
                        layout: Layout::signed_in("Not saved yet", &signed_in, "log"),
                        quick,
                        status,
                    },
                ))
            }
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "day.html")]
struct DayPage {
    layout: Layout,
    quick: Option<QuickView>,
    flash: Option<String>,
    sky: Option<String>,
    assignment: Option<String>,
    /// Questionnaires due: (id, short name).
    due: Vec<(String, String)>,
    /// Today's programme steps and the morning-light window: (text, link).
    small_steps: Vec<(String, String)>,
    /// Today's homework.
    homework: Vec<super::homework::TodayItem>,
    intro: String,
    date: String,
    max_date: String,
    daylight_hours: String,
    scales: Vec<ScaleView>,
    outside: String,
    /// (key, label, checked)
    habits: Vec<(&'static str, &'static str, bool)>,
    note: String,
    existing: bool,
    /// The date the entry is stored under (moving it changes `date` only).
    original_date: String,
    errors: ValidationErrors,
    recent: Vec<DayListItem>,
    recent_summary: String,
}

fn scale(
    name: &'static str,
    label: &'static str,
    low: &'static str,
    high: &'static str,
    value: &str,
) -> ScaleView {
    ScaleView {
        name,
        label,
        low,
        high,
        options: (0..=10u8)
            .map(|v| (v, value.trim() == v.to_string()))
            .collect(),
    }
}

struct DayPageInput<'a> {
    signed_in: &'a SignedIn,
    sky: Option<String>,
    assignment: Option<String>,
    due: Vec<(String, String)>,
    homework: Vec<super::homework::TodayItem>,
    title: String,
    intro: String,
    date: String,
    text: DayText,
    existing: bool,
    /// Where the entry is stored, when it differs from `date` (a move that failed a check).
    original_date: Option<String>,
    errors: ValidationErrors,
    flash: Option<String>,
    recent: Vec<DayListItem>,
    recent_summary: String,
    today: NaiveDate,
}

fn day_page(input: DayPageInput<'_>) -> DayPage {
    let text = input.text;
    DayPage {
        layout: Layout::signed_in(input.title, input.signed_in, "log"),
        quick: None,
        flash: input.flash,
        sky: input.sky,
        assignment: input.assignment,
        due: input.due,
        small_steps: Vec::new(),
        homework: input.homework,
        intro: input.intro,
        date: input.date.clone(),
        max_date: input.today.succ_opt().unwrap_or(input.today).to_string(),
        daylight_hours: text.daylight_hours.clone(),
        scales: vec![
            scale("mood", "Mood", "very low", "very good", &text.mood),
            scale(
                "energy",
                "Energy",
                "exhausted",
                "full of energy",
                &text.energy,
            ),
        ],
        outside: text.outside_morning.trim().to_ascii_lowercase(),
        habits: Habit::ALL
            .iter()
            .map(|h| (h.key(), h.label(), text.habits.iter().any(|k| k == h.key())))
            .collect(),
        note: text.note,
        existing: input.existing,
        original_date: input.original_date.unwrap_or_else(|| input.date.clone()),
        errors: input.errors,
        recent: input.recent,
        recent_summary: input.recent_summary,
    }
}

/// "Where you are, the sun is up for 7.4 h today (08:05 to 16:28)."
fn sky_sentence(date: NaiveDate, l: &Location, tz: chrono_tz::Tz) -> String {
    let sun = sun_times(date, l.latitude, l.longitude);
    match (sun.kind, sun.sunrise, sun.sunset) {
        (DayKind::PolarDay, _, _) => "Where you are, the sun does not set today.".to_owned(),
        (DayKind::PolarNight, _, _) => "Where you are, the sun does not rise today; light from a bright window or lamp still counts for you.".to_owned(),
        (_, Some(rise), Some(set)) => format!(
            "Where you are, there are {:.1} h of daylight today ({} to {}).",
            sun.day_length_hours(),
            enough_domain::solar::nearest_minute(rise)
                .with_timezone(&tz)
                .format("%H:%M"),
            enough_domain::solar::nearest_minute(set)
                .with_timezone(&tz)
                .format("%H:%M")
        ),
        _ => String::new(),
    }
}

/// Today's experiment assignment, if an experiment is running.
async fn experiment_today(
    state: &AppState,
    user: &enough_app::Me,
    today: NaiveDate,
) -> Result<Option<String>, PageError> {
    let experiments = state.app.experiments(user).await?;
    Ok(experiments
        .iter()
        .find(|e| e.experiment.status == enough_store::ExperimentStatus::Active)
        .and_then(|e| {
            let condition = e.in_force_on(today)?;
            let day = (today - e.plan.start).num_days() + 1;
            Some(format!(
                "Experiment, morning {day} of {}. {}.",
                i64::from(e.plan.weeks) * 7,
                condition.label()
            ))
        }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SavedQuery {
    saved: String,
}

/// The start page: today's form for a signed-in person, otherwise setup or sign-in.
/// Today's programme steps and the morning-light window, for the home page.
async fn small_steps(
    state: &AppState,
    user: &enough_app::Me,
    today: chrono::NaiveDate,
) -> Result<Vec<(String, String)>, PageError> {
    let mut out = Vec::new();
    if let Some(light) = state.app.morning_light(user, today).await? {
        out.push((light.sentence, "/activities".to_owned()));
    }
    for run in state.app.my_programmes(user).await? {
        let step = super::steps::step_view(&run);
        if !step.finished {
            out.push((
                format!("{}, day {}: {}", step.title, step.day, step.day_title),
                "/programmes".to_owned(),
            ));
        }
    }
    Ok(out)
}

pub async fn home(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let Some(signed_in) = signed_in else {
        let target = if state.app.needs_setup().await? {
            "/setup"
        } else {
            "/sign-in"
        };
        return Ok(Redirect::to(target).into_response());
    };
    let user = &signed_in.user;
    let today = state.app.today(user);
    let existing = match state.app.day(user, today).await {
        Ok(entry) => Some(entry),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let recent = state.app.recent_days(user, 7).await?;
    let location = state.app.location(user).await?;
    let sky = location
        .as_ref()
        .map(|l| sky_sentence(today, l, user.time_zone));
    let assignment = experiment_today(&state, user, today).await?;
    let due = state
        .app
        .due(user)
        .await?
        .into_iter()
        .map(|(inst, _)| (inst.id.clone(), inst.short_name.clone()))
        .collect();
    let flash = parse_date("saved", &query.saved)
        .ok()
        .map(|d| format!("Saved {}. Thank you for noticing your day.", long_date(d)));
    let intro = if existing.is_some() {
        "Today is logged. You can change it any time today or later."
    } else {
        "About 20 seconds. Rough numbers are fine."
    };
    let mut page = day_page(DayPageInput {
        signed_in: &signed_in,
        sky,
        assignment,
        due,
        homework: super::homework::today_items(&state, user).await?,
        title: format!("Today, {}", today.format("%A %-d %B")),
        intro: intro.to_owned(),
        date: today.to_string(),
        text: existing
            .as_ref()
            .map(DayText::from_entry)
            .unwrap_or_default(),
        existing: existing.is_some(),
        original_date: None,
        errors: ValidationErrors::default(),
        flash,
        recent_summary: logged_summary(&recent, today),
        recent: recent
            .iter()
            .map(|d| DayListItem::new(d, location.as_ref()))
            .collect(),
        today,
    });
    page.small_steps = small_steps(&state, user, today).await?;
    page.quick = Some(QuickView::new(
        &crate::csrf::session_token(&signed_in),
        today,
        existing.as_ref(),
        None,
    ));
    Ok(render(&page))
}

/// The form for an earlier (or the next) day.
pub async fn edit_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(date): Path<String>,
) -> Result<Response, PageError> {
    let date = parse_date("date", &date).map_err(|_| PageError::NotFound)?;
    let user = &signed_in.user;
    let existing = match state.app.day(user, date).await {
        Ok(entry) => Some(entry),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let page = day_page(DayPageInput {
        signed_in: &signed_in,
        sky: None,
        assignment: None,
        due: Vec::new(),
        homework: Vec::new(),
        title: long_date(date),
        intro: if existing.is_some() {
            "Change anything and save."
        } else {
            "Nothing logged for this day yet."
        }
        .to_owned(),
        date: date.to_string(),
        text: existing
            .as_ref()
            .map(DayText::from_entry)
            .unwrap_or_default(),
        existing: existing.is_some(),
        original_date: None,
        errors: ValidationErrors::default(),
        flash: None,
        recent: Vec::new(),
        recent_summary: String::new(),
        today: state.app.today(user),
    });
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DayForm {
    csrf: String,
    date: String,
    daylight_hours: String,
    energy: String,
    mood: String,
    outside_morning: String,
    habits: Vec<String>,
    note: String,
    /// Set on the edit page of an existing entry: where it is stored now.
    original_date: String,
    /// After seeing both days: `keep` (the one already there) or `replace`.
    on_conflict: String,
}

#[derive(Template)]
#[template(path = "move_day.html")]
struct MovePage {
    layout: Layout,
    from: String,
    to: String,
    from_label: String,
    target_label: String,
    existing: Vec<DayListItem>,
    moving: Vec<DayListItem>,
    text: DayText,
}

/// Saves a day; on any problem the form comes back with the person's input and every message.
pub async fn save(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<DayForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let user = &signed_in.user;
    let today = state.app.today(user);
    let text = DayText {
        daylight_hours: form.daylight_hours,
        energy: form.energy,
        mood: form.mood,
        outside_morning: form.outside_morning,
        habits: form.habits,
        note: form.note,
    };
    let (fields, type_errors) = text.to_fields();
    let original = parse_date("original_date", &form.original_date).ok();
    let moving = match (original, parse_date("date", &form.date)) {
        (Some(from), Ok(to)) if from != to => Some((from, to)),
        _ => None,
    };
    if let Some((from, to)) = moving {
        let choice = match form.on_conflict.as_str() {
            "keep" => MoveChoice::KeepTarget,
            "replace" => MoveChoice::ReplaceTarget,
            _ => MoveChoice::Ask,
        };
        match state
            .app
            .move_day(user, from, to, fields.clone(), type_errors.clone(), choice)
            .await
        {
            Ok(Moved::Conflict {
                moving, existing, ..
            }) => {
                return Ok(render(&MovePage {
                    layout: Layout::signed_in("Two entries for one day", &signed_in, "history"),
                    from: from.to_string(),
                    to: to.to_string(),
                    from_label: long_date(from),
                    target_label: long_date(to),
                    existing: vec![DayListItem::from_entry(&existing)],
                    moving: vec![DayListItem::from_entry(&moving)],
                    text,
                }));
            }
            Ok(Moved::Done(entry, support)) => {
                if let Some(support) = support {
                    return Ok(crate::support::to_support_page(&headers, &support));
                }
                return Ok(Redirect::to(&format!("/history?saved={}", entry.date)).into_response());
            }
            Err(AppError::Validation(errors)) => {
                let page = day_page(DayPageInput {
                    signed_in: &signed_in,
                    sky: None,
                    assignment: None,
                    due: Vec::new(),
                    homework: Vec::new(),
                    title: "Log a day".to_owned(),
                    intro: "Nothing was saved yet: please check the highlighted answers."
                        .to_owned(),
                    date: form.date,
                    text,
                    existing: true,
                    original_date: Some(from.to_string()),
                    errors,
                    flash: None,
                    recent: Vec::new(),
                    recent_summary: String::new(),
                    today,
                });
                return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let result = match parse_date("date", &form.date) {
        Ok(date) => state
            .app
            .log_day(user, date, fields, type_errors)
            .await
            .map(|(_, _, support)| (date, support)),
        Err(mut date_errors) => {
            // Still check the other fields, so every problem is shown at once.
            let all = fields
                .validate(today, today, type_errors)
                .err()
                .unwrap_or_default();
            date_errors.0.extend(all.0);
            Err(AppError::Validation(date_errors))
        }
    };
    match result {
        // Saved either way; when the app's safety decision asks, a gentle page with help.
        Ok((_, Some(support))) => Ok(crate::support::to_support_page(&headers, &support)),
        Ok((date, _)) if date == today => {
            Ok(Redirect::to(&format!("/?saved={date}")).into_response())
        }
        Ok((date, _)) => Ok(Redirect::to(&format!("/history?saved={date}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let page = day_page(DayPageInput {
                signed_in: &signed_in,
                sky: None,
                assignment: None,
                due: Vec::new(),
                homework: Vec::new(),
                title: "Log a day".to_owned(),
                intro: "Nothing was saved yet: please check the highlighted answers.".to_owned(),
                date: form.date,
                text,
                existing: !form.original_date.is_empty(),
                original_date: Some(form.original_date.clone()).filter(|d| !d.is_empty()),
                errors,
                flash: None,
                recent: Vec::new(),
                recent_summary: String::new(),
                today,
            });
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "delete_day.html")]
struct DeletePage {
    layout: Layout,
    date: String,
    label: String,
}

/// Asks before deleting (the no-JavaScript path; htmx asks in the browser instead).
pub async fn delete_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(date): Path<String>,
) -> Result<Response, PageError> {
    let date = parse_date("date", &date).map_err(|_| PageError::NotFound)?;
    state.app.day(&signed_in.user, date).await?;
    Ok(render(&DeletePage {
        layout: Layout::signed_in("Delete this day?", &signed_in, "history"),
        date: date.to_string(),
        label: long_date(date),
    }))
}

/// Deletes a day; answers htmx with a replacement list item, browsers with a redirect.
pub async fn delete(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(date): Path<String>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let date = parse_date("date", &date).map_err(|_| PageError::NotFound)?;
    state.app.delete_day(&signed_in.user, date).await?;
    if headers.contains_key("hx-request") {
        let item = format!(
            "<li role=\"status\">Deleted the entry for {}.</li>",
            long_date(date)
        );
        return Ok(Html(item).into_response());
    }
    Ok(Redirect::to(&format!("/history?deleted={date}")).into_response())
}
