//! The history of logged days as a month: a calendar with each day's mood as a number and a
//! shade (the number alone says it all; the shade only helps the eye), and the month's days as a
//! list beneath. Days not logged are simply blank: nothing marks them as missed.

use super::day::{DayListItem, logged_summary, long_date};
use crate::AppState;
use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use enough_domain::day::{DayEntry, parse_date};
use serde::Deserialize;
use std::collections::HashMap;

/// One square of the calendar.
struct Cell {
    /// yyyy-mm-dd, empty for the squares before the 1st and after the last day.
    date: String,
    /// Day of the month.
    day: u32,
    /// The mood, when logged with one.
    mood: Option<u8>,
    /// Logged at all (with or without a mood).
    logged: bool,
    /// After today: no link.
    future: bool,
    today: bool,
    /// Words for screen readers: "Tuesday 3 November: mood 6 of 10".
    label: String,
}

impl Cell {
    /// The shade step of the mood (0 when there is none; only used with a mood).
    fn step(&self) -> u8 {
        self.mood.map_or(0, mood_step)
    }
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    flash: Option<String>,
    /// "November 2026".
    month_label: String,
    /// Weeks of 7 cells, Monday first.
    weeks: Vec<Vec<Cell>>,
    weekdays: [&'static str; 7],
    /// (yyyy-mm, "October 2026")
    previous: (String, String),
    /// None when the month shown is the current one.
    next: Option<(String, String)>,
    /// This month's days, newest first.
    recent: Vec<DayListItem>,
    recent_summary: String,
    /// "12 days logged in November."
    month_summary: String,
    any_logged: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct HistoryQuery {
    month: String,
    before: String,
    saved: String,
    deleted: String,
}

/// The first day of the month `yyyy-mm`, if it is one.
fn parse_month(raw: &str) -> Option<NaiveDate> {
    let (y, m) = raw.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

fn first_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// A mood's shade class: five steps from 0–2 to 9–10.
pub(crate) fn mood_step(mood: u8) -> u8 {
    match mood {
        0..=2 => 0,
        3..=4 => 1,
        5..=6 => 2,
        7..=8 => 3,
        _ => 4,
    }
}

fn calendar(
    first: NaiveDate,
    days: &HashMap<NaiveDate, &DayEntry>,
    today: NaiveDate,
) -> Vec<Vec<Cell>> {
    let blank = || Cell {
        date: String::new(),
        day: 0,
        mood: None,
        logged: false,
        future: false,
        today: false,
        label: String::new(),
    };
    let mut cells: Vec<Cell> = (0..first.weekday().num_days_from_monday())
        .map(|_| blank())
        .collect();
    let mut date = first;
    while date.month() == first.month() {
        let entry = days.get(&date);
        let mood = entry.and_then(|e| e.mood);
        let words = date.format("%A %-d %B").to_string();
        let label = match (entry, mood) {
            (Some(_), Some(m)) => format!("{words}: mood {m} of 10"),
            (Some(_), None) => format!("{words}: logged, no mood"),
            (None, _) if date > today => words,
            (None, _) => format!("{words}: not logged"),
        };
        cells.push(Cell {
            date: date.to_string(),
            day: date.day(),
            mood,
            logged: entry.is_some(),
            future: date > today,
            today: date == today,
            label,
        });
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(blank());
    }
    let mut weeks = Vec::new();
    let mut cells = cells.into_iter().peekable();
    while cells.peek().is_some() {
        weeks.push(cells.by_ref().take(7).collect());
    }
    weeks
}

pub async fn page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let user = &signed_in.user;
    let today = state.app.today(user);
    let saved = parse_date("saved", &query.saved).ok();
    let deleted = parse_date("deleted", &query.deleted).ok();
    // The month asked for; else the month of a day just saved or deleted (or of an old
    // "older days" link); else this month. Never a month after this one.
    let first = parse_month(&query.month)
        .or_else(|| saved.or(deleted).map(first_of))
        .or_else(|| {
            parse_date("before", &query.before)
                .ok()
                .and_then(|d| d.pred_opt())
                .map(first_of)
        })
        .unwrap_or_else(|| first_of(today))
        .min(first_of(today));
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    let days = state.app.days(user, Some(first), Some(last)).await?;
    let by_date: HashMap<NaiveDate, &DayEntry> = days.iter().map(|d| (d.date, d)).collect();
    let location = state.app.location(user).await?;
    let flash = if let Some(d) = saved {
        Some(format!("Saved {}.", long_date(d)))
    } else {
        deleted.map(|d| format!("Deleted the entry for {}.", long_date(d)))
    };
    let is_current = first == first_of(today);
    let recent_summary = if is_current {
        let week = state
            .app
            .days(
                user,
                today.checked_sub_days(chrono::Days::new(6)),
                Some(today),
            )
            .await?;
        logged_summary(&week, today)
    } else {
        String::new()
    };
    let month_summary = match days.len() {
        0 => "nothing logged".to_owned(),
        1 => "1 day logged".to_owned(),
        n => format!("{n} days logged"),
    };
    let previous = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let key = |d: NaiveDate| d.format("%Y-%m").to_string();
    let label = |d: NaiveDate| d.format("%B %Y").to_string();
    Ok(render(&HistoryPage {
        layout: Layout::signed_in("Your days", &signed_in, "history"),
        flash,
        month_label: label(first),
        weeks: calendar(first, &by_date, today),
        weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        previous: (key(previous), label(previous)),
        next: (!is_current).then(|| (key(next), label(next))),
        any_logged: !days.is_empty(),
        recent: days
            .iter()
            .map(|d| DayListItem::new(d, location.as_ref()))
            .collect(),
        recent_summary,
        month_summary,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_weeks_start_on_monday() {
        assert_eq!(parse_month("2026-11"), NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("November"), None);
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(); // a Sunday
        let today = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
        let weeks = calendar(first, &HashMap::new(), today);
        assert_eq!(weeks[0].len(), 7);
        assert_eq!(weeks[0][6].day, 1, "the 1st is a Sunday");
        assert!(weeks[0][0].date.is_empty());
        assert_eq!(weeks.iter().flatten().filter(|c| c.day > 0).count(), 30);
        assert!(weeks.iter().flatten().any(|c| c.day == 11 && c.future));
        assert_eq!(mood_step(0), 0);
        assert_eq!(mood_step(10), 4);
    }
}
