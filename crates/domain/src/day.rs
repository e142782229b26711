//! The daily Light & Mood entry: one per person per local date.
//!
//! Daylight is kept in quarter hours so that "to the quarter hour" is exact, and every value a
//! person can type is checked here, once, for the web form, the JSON API and the CLI alike.

use crate::account::truncate;
use crate::validation::ValidationErrors;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Longest note accepted, in characters.
pub const NOTE_MAX: usize = 2000;
/// Largest value of the energy and mood scales (the smallest is 0).
pub const SCALE_MAX: i64 = 10;
/// Earliest date accepted; anything before is surely a typing slip.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The seasonal-mood habits a person may tick on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Habit {
    /// Spent time outside.
    GotOutside,
    /// Moved the body (a walk counts).
    MovedMyBody,
    /// Ate something nourishing.
    NourishingFood,
    /// Did a small joyful activity.
    JoyfulActivity,
    /// Had social contact.
    SocialContact,
}

impl Habit {
    /// Every habit, in the order the checklist shows them.
    pub const ALL: [Habit; 5] = [
        Habit::GotOutside,
        Habit::MovedMyBody,
        Habit::NourishingFood,
        Habit::JoyfulActivity,
        Habit::SocialContact,
    ];

    /// The key used in forms, the API and storage.
    pub fn key(self) -> &'static str {
        match self {
            Habit::GotOutside => "got_outside",
            Habit::MovedMyBody => "moved_my_body",
            Habit::NourishingFood => "nourishing_food",
            Habit::JoyfulActivity => "joyful_activity",
            Habit::SocialContact => "social_contact",
        }
    }

    /// The words shown next to the checkbox.
    pub fn label(self) -> &'static str {
        match self {
            Habit::GotOutside => "Got outside",
            Habit::MovedMyBody => "Moved my body",
            Habit::NourishingFood => "Nourishing food",
            Habit::JoyfulActivity => "A small joyful activity",
            Habit::SocialContact => "Social contact",
        }
    }

    /// The habit with this key, if any.
    pub fn from_key(key: &str) -> Option<Habit> {
        Habit::ALL.into_iter().find(|h| h.key() == key)
    }
}

/// Which habits were ticked on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Habits {
    /// Spent time outside.
    pub got_outside: bool,
    /// Moved the body.
    pub moved_my_body: bool,
    /// Ate something nourishing.
    pub nourishing_food: bool,
    /// Did a small joyful activity.
    pub joyful_activity: bool,
    /// Had social contact.
    pub social_contact: bool,
}

impl Habits {
    /// Whether `habit` was ticked.
    pub fn has(&self, habit: Habit) -> bool {
        match habit {
            Habit::GotOutside => self.got_outside,
            Habit::MovedMyBody => self.moved_my_body,
            Habit::NourishingFood => self.nourishing_food,
            Habit::JoyfulActivity => self.joyful_activity,
            Habit::SocialContact => self.social_contact,
        }
    }

    /// Ticks or unticks `habit`.
    pub fn set(&mut self, habit: Habit, on: bool) {
        let slot = match habit {
            Habit::GotOutside => &mut self.got_outside,
            Habit::MovedMyBody => &mut self.moved_my_body,
            Habit::NourishingFood => &mut self.nourishing_food,
            Habit::JoyfulActivity => &mut self.joyful_activity,
            Habit::SocialContact => &mut self.social_contact,
        };
        *slot = on;
    }

    /// The ticked habits, in checklist order.
    pub fn ticked(&self) -> Vec<Habit> {
        Habit::ALL.into_iter().filter(|h| self.has(*h)).collect()
    }

    /// A compact bit set for storage (bit i = `Habit::ALL[i]`).
    pub fn to_bits(&self) -> i64 {
        Habit::ALL
            .iter()
            .enumerate()
            .filter(|(_, h)| self.has(**h))
            .map(|(i, _)| 1i64 << i)
            .sum()
    }

    /// The inverse of [`Habits::to_bits`]; unknown bits are ignored.
    pub fn from_bits(bits: i64) -> Self {
        let mut habits = Habits::default();
        for (i, h) in Habit::ALL.iter().enumerate() {
            habits.set(*h, bits & (1 << i) != 0);
        }
        habits
    }
}

/// One valid day of the Light & Mood log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEntry {
    /// The person's local date.
    pub date: NaiveDate,
    /// Daylight exposure in quarter hours (0..=96); `None` when not known.
    pub daylight_quarter_hours: Option<u8>,
    /// Energy, 0..=10; `None` when not given.
    pub energy: Option<u8>,
    /// Mood, 0..=10; `None` when not given.
    pub mood: Option<u8>,
    /// Whether the person was outside in the morning; `None` when not given.
    pub outside_morning: Option<bool>,
    /// The seasonal-mood habits ticked.
    pub habits: Habits,
    /// An optional note of at most [`NOTE_MAX`] characters.
    pub note: Option<String>,
}

/// What a missing value shows on a page.
pub const MISSING: &str = "—";

/// The message when a day would hold nothing at all.
pub const EMPTY_DAY_MESSAGE: &str = "A day needs at least one value.";

impl DayEntry {
    /// Daylight exposure in hours (a multiple of 0.25), if known.
    pub fn daylight_hours(&self) -> Option<f64> {
        self.daylight_quarter_hours.map(|q| f64::from(q) / 4.0)
    }

    /// Daylight as a person reads it: "2.5 h", "45 min", "0 h", or "—" when not known.
    pub fn daylight_label(&self) -> String {
        self.daylight_quarter_hours
            .map_or_else(|| MISSING.to_owned(), format_hours)
    }

    /// Energy as shown on a page ("—" when not given).
    pub fn energy_label(&self) -> String {
        self.energy
            .map_or_else(|| MISSING.to_owned(), |v| v.to_string())
    }

    /// Mood as shown on a page ("—" when not given).
    pub fn mood_label(&self) -> String {
        self.mood
            .map_or_else(|| MISSING.to_owned(), |v| v.to_string())
    }

    /// Outside in the morning as shown on a page: "yes", "no" or "—".
    pub fn outside_label(&self) -> &'static str {
        match self.outside_morning {
            Some(true) => "yes",
            Some(false) => "no",
            None => MISSING,
        }
    }

    /// Whether the day holds at least one value (a habit ticked and a note count).
    pub fn has_any_value(&self) -> bool {
        self.daylight_quarter_hours.is_some()
            || self.energy.is_some()
            || self.mood.is_some()
            || self.outside_morning.is_some()
            || self.habits.to_bits() != 0
            || self.note.is_some()
    }

    /// This day with every value `other` has laid over it (what `other` lacks is kept).
    pub fn merged_with(&self, other: &DayEntry) -> DayEntry {
        DayEntry {
            date: self.date,
            daylight_quarter_hours: other.daylight_quarter_hours.or(self.daylight_quarter_hours),
            energy: other.energy.or(self.energy),
            mood: other.mood.or(self.mood),
            outside_morning: other.outside_morning.or(self.outside_morning),
            habits: Habits::from_bits(self.habits.to_bits() | other.habits.to_bits()),
            note: other.note.clone().or_else(|| self.note.clone()),
        }
    }
}

/// Formats quarter hours as "2.5 h", "1.25 h" or "45 min".
pub fn format_hours(quarters: u8) -> String {
    match quarters {
        1..=3 => format!("{} min", u32::from(quarters) * 15),
        _ => {
            let hours = f64::from(quarters) / 4.0;
            let text = format!("{hours:.2}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            format!("{text} h")
        }
    }
}

/// The values of a day before they are checked; `None` means "not given".
///
/// Type problems (text where a number belongs) are found by whoever builds this and passed to
/// [`DayFields::validate`] in `errors`, so that one field is never reported twice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayFields {
    /// Daylight exposure in hours.
    pub daylight_hours: Option<f64>,
    /// Energy 0..=10.
    pub energy: Option<i64>,
    /// Mood 0..=10.
    pub mood: Option<i64>,
    /// Outside in the morning.
    pub outside_morning: Option<bool>,
    /// Ticked habits.
    pub habits: Habits,
    /// The note as typed.
    pub note: Option<String>,
}

impl DayFields {
    /// Checks every field and returns the entry, or every problem found (with those in `errors`).
    pub fn validate(
        self,
        date: NaiveDate,
        today: NaiveDate,
        mut errors: ValidationErrors,
    ) -> Result<DayEntry, ValidationErrors> {
        if let Err(e) = check_date_allowed(date, today) {
            errors.0.extend(e.0);
        }

        let daylight = match self.daylight_hours {
            Some(h) => quarters_from_hours(h)
                .map_err(|m| errors.push("daylight_hours", m))
                .ok(),
            None => None,
        };
        let energy = scale("energy", "Energy", self.energy, &mut errors);
        let mood = scale("mood", "Mood", self.mood, &mut errors);
        let note = match self.note {
            Some(n) => check_note(&n)
                .map_err(|e| errors.0.extend(e.0))
                .ok()
                .flatten(),
            None => None,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let entry = DayEntry {
            date,
            daylight_quarter_hours: daylight,
            energy,
            mood,
            outside_morning: self.outside_morning,
            habits: self.habits,
            note,
        };
        if !entry.has_any_value() {
            return Err(empty_day_error(date));
        }
        Ok(entry)
    }
}

/// The error for a day with no value at all, naming the day.
pub fn empty_day_error(date: NaiveDate) -> ValidationErrors {
    ValidationErrors::single(
        "day",
        format!(
            "{EMPTY_DAY_MESSAGE} {date} has none: add a mood, energy, daylight, outside this morning, a habit or a note."
        ),
    )
}

impl DayFields {
    /// The fields of an existing entry, as if typed again.
    pub fn from_entry(entry: &DayEntry) -> Self {
        Self {
            daylight_hours: entry.daylight_hours(),
            energy: entry.energy.map(i64::from),
            mood: entry.mood.map(i64::from),
            outside_morning: entry.outside_morning,
            habits: entry.habits,
            note: entry.note.clone(),
        }
    }
}

/// A partial update of a day (`PATCH`, the quick rows on the home page): for each field,
/// `None` keeps what the day has, `Some(None)` clears it, `Some(Some(v))` sets it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayPatch {
    /// Daylight in hours.
    pub daylight_hours: Option<Option<f64>>,
    /// Energy 0..=10.
    pub energy: Option<Option<i64>>,
    /// Mood 0..=10.
    pub mood: Option<Option<i64>>,
    /// Outside in the morning.
    pub outside_morning: Option<Option<bool>>,
    /// The ticked habits (replacing the day's set).
    pub habits: Option<Habits>,
    /// The note.
    pub note: Option<Option<String>>,
}

impl DayPatch {
    /// The day's fields after this patch is laid over `base` (the day as stored, if any).
    pub fn apply(self, base: Option<&DayEntry>) -> DayFields {
        let mut fields = base.map(DayFields::from_entry).unwrap_or_default();
        if let Some(v) = self.daylight_hours {
            fields.daylight_hours = v;
        }
        if let Some(v) = self.energy {
            fields.energy = v;
        }
        if let Some(v) = self.mood {
            fields.mood = v;
        }
        if let Some(v) = self.outside_morning {
            fields.outside_morning = v;
        }
        if let Some(v) = self.habits {
            fields.habits = v;
        }
        if let Some(v) = self.note {
            fields.note = v;
        }
        fields
    }
}

fn scale(
    field: &str,
    label: &str,
    value: Option<i64>,
    errors: &mut ValidationErrors,
) -> Option<u8> {
    match value {
        Some(v) if (0..=SCALE_MAX).contains(&v) => u8::try_from(v).ok(),
        Some(_) => {
            errors.push(field, scale_message(label));
            None
        }
        None => None,
    }
}

/// "Mood must be a whole number from 0 to 10."
pub fn scale_message(label: &str) -> String {
    format!("{label} must be a whole number from 0 to {SCALE_MAX}.")
}

/// The message for daylight that is not a quarter-hour amount from 0 to 24.
pub const DAYLIGHT_MESSAGE: &str =
    "Daylight must be a number of hours from 0 to 24 in quarter hours, like 1.5 or 1:30.";

/// Converts hours to quarter hours, refusing what is out of range or not on a quarter hour.
pub fn quarters_from_hours(hours: f64) -> Result<u8, String> {
    if !hours.is_finite() || !(0.0..=24.0).contains(&hours) {
        return Err(DAYLIGHT_MESSAGE.to_owned());
    }
    let quarters = hours * 4.0;
    let rounded = quarters.round();
    if (quarters - rounded).abs() > 1e-9 {
        return Err(DAYLIGHT_MESSAGE.to_owned());
    }
    // 0..=96 after the range check above, so the cast cannot truncate.
    Ok(rounded as u8)
}

/// Reads hours as typed: "2", "2.5", "2,5" (decimal comma) or "1:30".
pub fn parse_hours_text(raw: &str) -> Result<Option<f64>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some((h, m)) = text.split_once(':') {
        let h: u32 = h.trim().parse().map_err(|_| DAYLIGHT_MESSAGE.to_owned())?;
        let m: u32 = m.trim().parse().map_err(|_| DAYLIGHT_MESSAGE.to_owned())?;
        if m >= 60 {
            return Err(DAYLIGHT_MESSAGE.to_owned());
        }
        return Ok(Some(f64::from(h) + f64::from(m) / 60.0));
    }
    let normalised = text.replace(',', ".");
    let valid_chars = normalised.chars().all(|c| c.is_ascii_digit() || c == '.');
    match normalised.parse::<f64>() {
        Ok(h) if valid_chars => Ok(Some(h)),
        _ => Err(DAYLIGHT_MESSAGE.to_owned()),
    }
}

/// Reads a 0–10 scale value as typed; `label` names it in the message.
pub fn parse_scale_text(label: &str, raw: &str) -> Result<Option<i64>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| scale_message(label))
}

/// Reads yes/no as typed (`yes`, `no`, `true`, `false`, `y`, `n`, `1`, `0`).
pub fn parse_yes_no(raw: &str) -> Result<Option<bool>, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" | "on" => Ok(Some(true)),
        "no" | "n" | "false" | "0" | "off" => Ok(Some(false)),
        _ => Err("Outside in the morning must be yes or no.".to_owned()),
    }
}

/// Checks a note's length; blank notes become `None`, Windows line ends become `\n`.
pub fn check_note(raw: &str) -> Result<Option<String>, ValidationErrors> {
    let note = raw.replace("\r\n", "\n");
    if note.trim().is_empty() {
        return Ok(None);
    }
    let len = note.chars().count();
    if len > NOTE_MAX {
        return Err(ValidationErrors::single(
            "note",
            format!("Notes can be at most 2,000 characters; this one has {len}."),
        ));
    }
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationErrors::single(
            "note",
            "The note contains control characters; please remove them.",
        ));
    }
    Ok(Some(note))
}

/// Parses a date written `YYYY-MM-DD`; `field` names it in the message.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, ValidationErrors> {
    let text = raw.trim();
    let shaped = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if shaped => Ok(date),
        _ => Err(ValidationErrors::single(
            field,
            format!(
                "\"{}\" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-25.",
                truncate(text, 40)
            ),
        )),
    }
}

/// Refuses dates more than one day after the person's `today`, and implausibly old ones.
pub fn check_date_allowed(date: NaiveDate, today: NaiveDate) -> Result<(), ValidationErrors> {
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    if date > tomorrow {
        return Err(ValidationErrors::single(
            "date",
            format!("{date} is still ahead: you can log up to one day after today ({today})."),
        ));
    }
    if date < EARLIEST_DATE {
        return Err(ValidationErrors::single(
            "date",
            "Dates before 1900 are not accepted.",
        ));
    }
    Ok(())
}

/// The person's local date at the instant `now`.
pub fn local_today(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// A day's form as typed in the browser (every field as text).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DayText {
    /// Hours of daylight as typed.
    #[serde(default)]
    pub daylight_hours: String,
    /// Energy as typed.
    #[serde(default)]
    pub energy: String,
    /// Mood as typed.
    #[serde(default)]
    pub mood: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub outside_morning: String,
    /// Keys of ticked habits.
    #[serde(default)]
    pub habits: Vec<String>,
    /// The note as typed.
    #[serde(default)]
    pub note: String,
}

impl DayText {
    /// Converts typed text to [`DayFields`], collecting every type problem.
    pub fn to_fields(&self) -> (DayFields, ValidationErrors) {
        let mut errors = ValidationErrors::default();
        let daylight_hours = parse_hours_text(&self.daylight_hours)
            .map_err(|m| errors.push("daylight_hours", m))
            .ok()
            .flatten();
        let energy = parse_scale_text("Energy", &self.energy)
            .map_err(|m| errors.push("energy", m))
            .ok()
            .flatten();
        let mood = parse_scale_text("Mood", &self.mood)
            .map_err(|m| errors.push("mood", m))
            .ok()
            .flatten();
        let outside_morning = parse_yes_no(&self.outside_morning)
            .map_err(|m| errors.push("outside_morning", m))
            .ok()
            .flatten();
        let mut habits = Habits::default();
        for key in &self.habits {
            match Habit::from_key(key) {
                Some(h) => habits.set(h, true),
                None => errors.push(
                    "habits",
                    format!("\"{}\" is not one of the habits.", truncate(key, 40)),
                ),
            }
        }
        let fields = DayFields {
            daylight_hours,
            energy,
            mood,
            outside_morning,
            habits,
            note: Some(self.note.clone()),
        };
        (fields, errors)
    }

    /// The text a form shows for an existing entry.
    pub fn from_entry(entry: &DayEntry) -> Self {
        Self {
            daylight_hours: entry
                .daylight_hours()
                .map(|h| format!("{h}"))
                .unwrap_or_default(),
            energy: entry.energy.map(|v| v.to_string()).unwrap_or_default(),
            mood: entry.mood.map(|v| v.to_string()).unwrap_or_default(),
            outside_morning: match entry.outside_morning {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            habits: entry
                .habits
                .ticked()
                .iter()
                .map(|h| h.key().to_owned())
                .collect(),
            note: entry.note.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn valid_text() -> DayText {
        DayText {
            daylight_hours: "2.5".into(),
            energy: "6".into(),
            mood: "7".into(),
            outside_morning: "yes".into(),
            habits: vec!["got_outside".into(), "social_contact".into()],
            note: "Walked to the bakery.".into(),
        }
    }

    fn validate(text: &DayText, date: &str) -> Result<DayEntry, ValidationErrors> {
        let (fields, errors) = text.to_fields();
        fields.validate(d(date), d("2026-11-25"), errors)
    }

    #[test]
    fn a_complete_day_is_accepted() {
        let entry = validate(&valid_text(), "2026-11-25").unwrap();
        assert_eq!(entry.daylight_quarter_hours, Some(10));
        assert_eq!((entry.energy, entry.mood), (Some(6), Some(7)));
        assert_eq!(entry.outside_morning, Some(true));
        assert!(
            entry.habits.got_outside && entry.habits.social_contact && !entry.habits.moved_my_body
        );
        assert_eq!(entry.note.as_deref(), Some("Walked to the bakery."));
        assert_eq!(entry.daylight_label(), "2.5 h");
    }

    #[test]
    fn daylight_accepts_quarter_hours_in_several_spellings() {
        for (raw, quarters) in [
            ("0", 0),
            ("1,5", 6),
            ("1:30", 6),
            ("0.25", 1),
            ("24", 96),
            ("0:45", 3),
        ] {
            let mut t = valid_text();
            t.daylight_hours = raw.into();
            assert_eq!(
                validate(&t, "2026-11-25").unwrap().daylight_quarter_hours,
                Some(quarters),
                "{raw}"
            );
        }
    }

    #[test]
    fn daylight_out_of_range_or_off_the_quarter_is_refused() {
        for raw in ["-1", "24.25", "1.3", "abc", "1:70", "NaN", "inf", "1e2"] {
            let mut t = valid_text();
            t.daylight_hours = raw.into();
            let err = validate(&t, "2026-11-25").unwrap_err();
            assert_eq!(
                err.message_for("daylight_hours"),
                Some(DAYLIGHT_MESSAGE),
                "{raw}"
            );
            assert_eq!(err.0.len(), 1, "{raw}: only daylight is wrong");
        }
    }

    #[test]
    fn scales_must_be_whole_numbers_from_0_to_10() {
        for raw in ["11", "-1", "5.5", "five"] {
            let mut t = valid_text();
            t.mood = raw.into();
            t.energy = raw.into();
            let err = validate(&t, "2026-11-25").unwrap_err();
            assert_eq!(
                err.message_for("mood"),
                Some("Mood must be a whole number from 0 to 10.")
            );
            assert_eq!(
                err.message_for("energy"),
                Some("Energy must be a whole number from 0 to 10.")
            );
        }
    }

    #[test]
    fn a_day_with_no_value_is_refused_naming_the_day() {
        let err = validate(&DayText::default(), "2026-11-25").unwrap_err();
        assert_eq!(err.0.len(), 1);
        let message = err.message_for("day").unwrap();
        assert!(
            message
                .to_lowercase()
                .contains("a day needs at least one value")
        );
        assert!(message.contains("2026-11-25"));
    }

    #[test]
    fn any_one_value_is_a_day_and_the_rest_stay_missing() {
        let only_mood = DayText {
            mood: "4".into(),
            ..DayText::default()
        };
        let entry = validate(&only_mood, "2026-11-25").unwrap();
        assert_eq!(entry.mood, Some(4));
        assert_eq!(entry.energy, None, "missing is never zero");
        assert_eq!(entry.daylight_quarter_hours, None);
        assert_eq!(entry.outside_morning, None);
        assert_eq!(entry.daylight_label(), MISSING);
        let zero_daylight = DayText {
            daylight_hours: "0".into(),
            ..DayText::default()
        };
        assert_eq!(
            validate(&zero_daylight, "2026-11-25")
                .unwrap()
                .daylight_quarter_hours,
            Some(0),
            "zero is a value"
        );
        let only_habit = DayText {
            habits: vec!["got_outside".into()],
            ..DayText::default()
        };
        assert!(validate(&only_habit, "2026-11-25").is_ok());
        let only_note = DayText {
            note: "Rainy.".into(),
            ..DayText::default()
        };
        assert!(validate(&only_note, "2026-11-25").is_ok());
        let no = DayText {
            outside_morning: "no".into(),
            ..DayText::default()
        };
        assert_eq!(
            validate(&no, "2026-11-25").unwrap().outside_morning,
            Some(false)
        );
    }

    #[test]
    fn a_partial_day_round_trips_through_the_form_text() {
        let text = DayText {
            energy: "3".into(),
            ..DayText::default()
        };
        let entry = validate(&text, "2026-11-25").unwrap();
        let again = validate(&DayText::from_entry(&entry), "2026-11-25").unwrap();
        assert_eq!(entry, again);
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let old = validate(&valid_text(), "2026-11-25").unwrap();
        let patch = DayPatch {
            energy: Some(Some(2)),
            note: Some(None),
            ..DayPatch::default()
        };
        let fields = patch.apply(Some(&old));
        let new = fields
            .validate(
                d("2026-11-25"),
                d("2026-11-25"),
                ValidationErrors::default(),
            )
            .unwrap();
        assert_eq!(new.energy, Some(2));
        assert_eq!(new.note, None, "explicit null clears");
        assert_eq!(
            (new.mood, new.daylight_quarter_hours),
            (old.mood, old.daylight_quarter_hours)
        );
        let first = DayPatch {
            mood: Some(Some(6)),
            ..DayPatch::default()
        }
        .apply(None)
        .validate(
            d("2026-11-25"),
            d("2026-11-25"),
            ValidationErrors::default(),
        )
        .unwrap();
        assert_eq!((first.mood, first.energy), (Some(6), None));
    }

    #[test]
    fn merging_keeps_what_the_newer_day_lacks() {
        let old = validate(&valid_text(), "2026-11-25").unwrap();
        let newer = validate(
            &DayText {
                mood: "2".into(),
                ..DayText::default()
            },
            "2026-11-25",
        )
        .unwrap();
        let merged = old.merged_with(&newer);
        assert_eq!(merged.mood, Some(2));
        assert_eq!(merged.energy, Some(6));
        assert_eq!(merged.note, old.note);
    }

    #[test]
    fn dates_more_than_a_day_ahead_are_refused() {
        assert!(
            validate(&valid_text(), "2026-11-26").is_ok(),
            "tomorrow is allowed"
        );
        let err = validate(&valid_text(), "2026-11-27").unwrap_err();
        assert!(err.message_for("date").unwrap().contains("ahead"));
        assert!(validate(&valid_text(), "1899-12-31").is_err());
    }

    #[test]
    fn dates_must_be_iso_calendar_dates() {
        for raw in ["2026-02-30", "25/11/2026", "2026-1-5", "tomorrow", ""] {
            assert_eq!(
                parse_date("date", raw).unwrap_err().0[0].field,
                "date",
                "{raw}"
            );
        }
        assert_eq!(parse_date("date", "2024-02-29").unwrap(), d("2024-02-29"));
    }

    #[test]
    fn notes_are_limited_to_2000_characters() {
        let mut t = valid_text();
        t.note = "é".repeat(NOTE_MAX);
        assert!(
            validate(&t, "2026-11-25").is_ok(),
            "2,000 characters, not bytes"
        );
        t.note.push('x');
        let err = validate(&t, "2026-11-25").unwrap_err();
        assert!(err.message_for("note").unwrap().contains("2001"));
        t.note = "   \n ".into();
        assert_eq!(validate(&t, "2026-11-25").unwrap().note, None);
    }

    #[test]
    fn unknown_habits_are_named() {
        let mut t = valid_text();
        t.habits.push("doomscrolling".into());
        let err = validate(&t, "2026-11-25").unwrap_err();
        assert!(err.message_for("habits").unwrap().contains("doomscrolling"));
    }

    #[test]
    fn habits_survive_the_storage_bits() {
        let mut h = Habits::default();
        h.set(Habit::NourishingFood, true);
        h.set(Habit::SocialContact, true);
        assert_eq!(Habits::from_bits(h.to_bits()), h);
    }

    #[test]
    fn form_text_round_trips_an_entry() {
        let entry = validate(&valid_text(), "2026-11-25").unwrap();
        let again = validate(&DayText::from_entry(&entry), "2026-11-25").unwrap();
        assert_eq!(entry, again);
    }

    #[test]
    fn today_follows_the_persons_time_zone() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local_today(chrono_tz::Pacific::Auckland, now),
            d("2026-11-26")
        );
        assert_eq!(
            local_today(chrono_tz::America::Los_Angeles, now),
            d("2026-11-25")
        );
    }

    #[test]
    fn hours_are_shown_as_people_say_them() {
        assert_eq!(format_hours(3), "45 min");
        assert_eq!(format_hours(0), "0 h");
        assert_eq!(format_hours(5), "1.25 h");
        assert_eq!(format_hours(8), "2 h");
    }
}
