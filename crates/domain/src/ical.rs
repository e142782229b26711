//! A small iCalendar (RFC 5545) writer for the person's calendar feed: a daily log reminder at
//! a floating local time (no time zone, so it follows the phone's) and all-day events for
//! homework. Lines end in CRLF, are folded at 75 octets (never inside a UTF-8 character), and
//! text values are escaped.

use crate::ValidationErrors;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The product identifier written into every feed.
pub const PRODID: &str = "-//enough//calendar feed//EN";

/// When an event happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// A floating local date and time (`DTSTART:20260301T083000`).
    Floating(NaiveDateTime),
    /// A whole day (`DTSTART;VALUE=DATE:20260301`).
    AllDay(NaiveDate),
}

/// One VEVENT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across fetches, so calendars update rather than duplicate.
    pub uid: String,
    /// When.
    pub start: Start,
    /// The title.
    pub summary: String,
    /// Optional longer text.
    pub description: Option<String>,
    /// A recurrence rule, e.g. `FREQ=DAILY`.
    pub rrule: Option<String>,
    /// Text of a display alarm at the start time, if any.
    pub alarm: Option<String>,
}

/// A whole VCALENDAR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The calendar's display name (`X-WR-CALNAME`).
    pub name: String,
    /// When the feed was generated (every event's DTSTAMP).
    pub stamp: DateTime<Utc>,
    /// The events.
    pub events: Vec<Event>,
}

/// Escapes a TEXT value: backslash, semicolon, comma and newlines.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line, continuation lines start with
/// a space, every line ends in CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Writes the calendar.
pub fn write(calendar: &Calendar) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape_text(&calendar.name)),
    ];
    for e in &calendar.events {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", escape_text(&e.uid)));
        lines.push(format!("DTSTAMP:{}", stamp(calendar.stamp)));
        match e.start {
            Start::Floating(t) => {
                lines.push(format!("DTSTART:{}", t.format("%Y%m%dT%H%M%S")));
                lines.push("DURATION:PT5M".into());
            }
            Start::AllDay(d) => {
                lines.push(format!("DTSTART;VALUE=DATE:{}", d.format("%Y%m%d")));
                if let Some(next) = d.succ_opt() {
                    lines.push(format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
                }
                lines.push("TRANSP:TRANSPARENT".into());
            }
        }
        if let Some(rule) = &e.rrule {
            lines.push(format!("RRULE:{rule}"));
        }
        lines.push(format!("SUMMARY:{}", escape_text(&e.summary)));
        if let Some(d) = &e.description {
            lines.push(format!("DESCRIPTION:{}", escape_text(d)));
        }
        if let Some(text) = &e.alarm {
            lines.push("BEGIN:VALARM".into());
            lines.push("ACTION:DISPLAY".into());
            lines.push(format!("DESCRIPTION:{}", escape_text(text)));
            lines.push("TRIGGER:PT0M".into());
            lines.push("END:VALARM".into());
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

/// Reads a reminder time `HH:MM` (24-hour clock); the error names the field `reminder_time`.
pub fn parse_reminder_time(raw: &str) -> Result<NaiveTime, ValidationErrors> {
    let raw = raw.trim();
    let ok = raw.len() == 5 && raw.as_bytes().get(2) == Some(&b':');
    match NaiveTime::parse_from_str(raw, "%H:%M") {
        Ok(t) if ok => Ok(t),
        _ => Err(ValidationErrors::single(
            "reminder_time",
            "Reminder time: a time on the 24-hour clock like 08:30 or 20:00.",
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for (i, physical) in folded.trim_end_matches("\r\n").split("\r\n").enumerate() {
            assert!(physical.len() <= 75, "{}", physical.len());
            if i > 0 {
                assert!(physical.starts_with(' '));
            }
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn reminder_times_are_hh_mm() {
        assert_eq!(
            parse_reminder_time(" 08:30 ").unwrap(),
            NaiveTime::from_hms_opt(8, 30, 0).unwrap()
        );
        for bad in ["8:30", "24:00", "08:60", "0830", "", "08:30:00"] {
            assert!(parse_reminder_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_line_ends_in_crlf_and_events_are_well_formed() {
        let cal = Calendar {
            name: "enough".into(),
            stamp: DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
            events: vec![
                Event {
                    uid: "log@x".into(),
                    start: Start::Floating(
                        NaiveDate::from_ymd_opt(2026, 3, 1)
                            .unwrap()
                            .and_hms_opt(8, 30, 0)
                            .unwrap(),
                    ),
                    summary: "Log your day in enough".into(),
                    description: None,
                    rrule: Some("FREQ=DAILY".into()),
                    alarm: Some("Log your day".into()),
                },
                Event {
                    uid: "hw@x".into(),
                    start: Start::AllDay(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()),
                    summary: "Homework: a, b; c".into(),
                    description: Some("x".repeat(200)),
                    rrule: None,
                    alarm: None,
                },
            ],
        };
        let text = write(&cal);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        assert!(text.contains("\r\nDTSTART:20260301T083000\r\n"));
        assert!(text.contains("\r\nRRULE:FREQ=DAILY\r\n"));
        assert!(text.contains("\r\nTRIGGER:PT0M\r\n"));
        assert!(text.contains("\r\nDTSTART;VALUE=DATE:20260309\r\n"));
        assert!(text.contains("SUMMARY:Homework: a\\, b\\; c\r\n"));
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
    }
}
