//! Activity scheduling (behavioural activation): plan small activities on a day, record how
//! they went, see the week, and look at pleasure by kind of activity and mood on days with and
//! without one done.
//!
//! Done counts, however it went: a rough walk is a walk. A plan whose day has passed without a
//! record is "not recorded", never failed or missed, and a plan that did not happen is simply
//! "not this time".

use crate::account::truncate;
use crate::day::{DayEntry, Habit, parse_date};
use crate::light_mood::{Comparison, Finding, MIN_GROUP_DAYS, Outcome, compare};
use crate::reflection::{
    bounds, days, difference_sentence, mean_with_range, no_variation, one, sample_note,
};
use crate::stats::distributions::t_quantile;
use crate::stats::summarize;
use crate::toolkit::catalogue;
use crate::validation::ValidationErrors;
use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Longest description of an activity, in characters.
pub const MAX_WHAT_CHARS: usize = 200;
/// Longest note on an outcome, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// Largest rating (pleasure, achievement, mood); the smallest is 0.
pub const MAX_RATING: u8 = 10;
/// How far ahead an activity may be planned, in months.
pub const MAX_MONTHS_AHEAD: u32 = 12;

/// What an activity is mainly for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ActivityKind {
    /// Something enjoyable.
    Joy,
    /// Moving the body.
    Movement,
    /// Time outside.
    Outdoors,
    /// Time with other people.
    Social,
    /// Rest, with no need to earn it.
    Rest,
}

impl ActivityKind {
    /// Every kind, in the order forms show them.
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Joy,
        ActivityKind::Movement,
        ActivityKind::Outdoors,
        ActivityKind::Social,
        ActivityKind::Rest,
    ];

    /// The key used in forms, the API and storage (as serde writes it).
    pub fn key(self) -> &'static str {
        match self {
            ActivityKind::Joy => "joy",
            ActivityKind::Movement => "movement",
            ActivityKind::Outdoors => "outdoors",
            ActivityKind::Social => "social",
            ActivityKind::Rest => "rest",
        }
    }

    /// The kind with this key.
    pub fn from_key(key: &str) -> Option<ActivityKind> {
        Self::ALL.into_iter().find(|k| k.key() == key.trim())
    }

    /// The words shown for the kind.
    pub fn title(self) -> &'static str {
        match self {
            ActivityKind::Joy => "Something enjoyable",
            ActivityKind::Movement => "Movement",
            ActivityKind::Outdoors => "Outdoors",
            ActivityKind::Social => "Social contact",
            ActivityKind::Rest => "Rest",
        }
    }

    /// The seasonal habit of the daily log that a done activity of this kind feeds, so the
    /// log can offer to tick it. Rest has no habit of its own.
    pub fn habit(self) -> Option<Habit> {
        match self {
            ActivityKind::Joy => Some(Habit::JoyfulActivity),
            ActivityKind::Movement => Some(Habit::MovedMyBody),
            ActivityKind::Outdoors => Some(Habit::GotOutside),
            ActivityKind::Social => Some(Habit::SocialContact),
            ActivityKind::Rest => None,
        }
    }
}

/// An activity planned for a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PlannedActivity {
    /// What, in the person's words (1–200 characters).
    pub what: String,
    /// The person's local date.
    pub date: NaiveDate,
    /// An optional time of day.
    pub time: Option<NaiveTime>,
    /// What it is mainly for.
    pub kind: ActivityKind,
    /// The life value it serves, by id from the toolkit's life values.
    pub value: Option<String>,
}

/// How a planned activity went.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct ActivityOutcome {
    /// Whether it happened (in any form, at any quality).
    pub done: bool,
    /// Pleasure 0–10; only when done.
    pub pleasure: Option<u8>,
    /// Sense of achievement 0–10; only when done.
    pub achievement: Option<u8>,
    /// Mood 0–10 before.
    pub mood_before: Option<u8>,
    /// Mood 0–10 after.
    pub mood_after: Option<u8>,
    /// A note of at most [`MAX_NOTE_CHARS`] characters.
    pub note: Option<String>,
}

/// The description tidied (trimmed) and checked: 1–200 characters, no control characters.
fn check_what(raw: &str, errors: &mut ValidationErrors) -> String {
    let what = raw.trim().to_owned();
    let len = what.chars().count();
    if what.is_empty() {
        errors.push("what", "Please say what you plan to do, in a few words.");
    } else if len > MAX_WHAT_CHARS {
        errors.push(
            "what",
            format!("Please keep it to {MAX_WHAT_CHARS} characters; this has {len}."),
        );
    } else if what.chars().any(char::is_control) {
        errors.push("what", "Please remove the control characters.");
    }
    what
}

fn check_value(value: Option<&str>, errors: &mut ValidationErrors) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if catalogue().life_value(value).is_none() {
        errors.push(
            "value",
            format!("\"{}\" is not one of the life values.", truncate(value, 40)),
        );
    }
    Some(value.to_owned())
}

impl PlannedActivity {
    /// Checks a plan made or changed on `today`: a date from today up to a year ahead (a day
    /// that has passed cannot be planned, though its outcome can still be recorded), a short
    /// description and a known life value. Every problem names its field.
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        check_what(&self.what, &mut errors);
        check_plan_date(self.date, today, &mut errors);
        check_value(self.value.as_deref(), &mut errors);
        errors.into_result(())
    }

    /// Reads a plan from a JSON object with the fields `what`, `date` (`YYYY-MM-DD`), `time`
    /// (`HH:MM`, optional), `kind` and `value` (optional), and validates it for `today`.
    pub fn from_json(json: &Value, today: NaiveDate) -> Result<PlannedActivity, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let object = json_object(
            json,
            "activity",
            &["what", "date", "time", "kind", "value"],
            &mut errors,
        );
        let text = PlanText {
            what: json_text(object, "what", &mut errors),
            date: json_text(object, "date", &mut errors),
            time: json_text(object, "time", &mut errors),
            kind: json_text(object, "kind", &mut errors),
            value: json_text(object, "value", &mut errors),
        };
        text.parse_with(today, errors)
    }
}

fn check_plan_date(date: NaiveDate, today: NaiveDate, errors: &mut ValidationErrors) {
    let limit = today
        .checked_add_months(Months::new(MAX_MONTHS_AHEAD))
        .unwrap_or(today);
    if date < today {
        errors.push(
            "date",
            format!("{date} has already passed; plan for today ({today}) or a later day."),
        );
    } else if date > limit {
        errors.push(
            "date",
            format!("Plans can reach up to a year ahead, until {limit}."),
        );
    }
}

fn check_rating(
    field: &str,
    label: &str,
    value: Option<i64>,
    errors: &mut ValidationErrors,
) -> Option<u8> {
    let v = value?;
    match u8::try_from(v) {
        Ok(r) if r <= MAX_RATING => Some(r),
        _ => {
            errors.push(
                field,
                format!("{label} must be a whole number from 0 to {MAX_RATING}."),
            );
            None
        }
    }
}

fn check_outcome_note(raw: Option<&str>, errors: &mut ValidationErrors) -> Option<String> {
    let note = raw?.replace("\r\n", "\n");
    if note.trim().is_empty() {
        return None;
    }
    let len = note.chars().count();
    if len > MAX_NOTE_CHARS {
        errors.push(
            "note",
            format!("Notes can be at most 1,000 characters; this one has {len}."),
        );
    } else if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.push(
            "note",
            "Please remove the control characters from the note.",
        );
    }
    Some(note)
}

impl ActivityOutcome {
    /// Checks the outcome of `plan`, recorded on `today`: ratings from 0 to 10, pleasure and
    /// achievement only for an activity that was done, a note of at most 1,000 characters,
    /// and no outcome yet for a plan whose day is still ahead. A plan from any earlier day may
    /// be recorded.
    pub fn validate(
        &self,
        plan: &PlannedActivity,
        today: NaiveDate,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let ratings = [
            ("pleasure", "Pleasure", self.pleasure),
            ("achievement", "Achievement", self.achievement),
            ("mood_before", "Mood before", self.mood_before),
            ("mood_after", "Mood after", self.mood_after),
        ];
        for (field, label, value) in ratings {
            check_rating(field, label, value.map(i64::from), &mut errors);
        }
        self.check_rest(plan, today, &mut errors);
        check_outcome_note(self.note.as_deref(), &mut errors);
        errors.into_result(())
    }

    fn check_rest(&self, plan: &PlannedActivity, today: NaiveDate, errors: &mut ValidationErrors) {
        if plan.date > today {
            errors.push(
                "done",
                format!(
                    "This is planned for {}; move it to today to record how it went.",
                    plan.date
                ),
            );
        }
        if !self.done {
            for (field, value) in [
                ("pleasure", self.pleasure),
                ("achievement", self.achievement),
            ] {
                if value.is_some() {
                    errors.push(
                        field,
                        "Pleasure and achievement are for an activity that happened; leave them empty this time.",
                    );
                }
            }
        }
    }

    /// Reads an outcome from a JSON object with the fields `done` (true or false),
    /// `pleasure`, `achievement`, `mood_before`, `mood_after` (whole numbers 0–10 or null) and
    /// `note`, and validates it for `plan` on `today`.
    pub fn from_json(
        json: &Value,
        plan: &PlannedActivity,
        today: NaiveDate,
    ) -> Result<ActivityOutcome, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let object = json_object(
            json,
            "outcome",
            &[
                "done",
                "pleasure",
                "achievement",
                "mood_before",
                "mood_after",
                "note",
            ],
            &mut errors,
        );
        let done = match object.and_then(|o| o.get("done")) {
            Some(Value::Bool(b)) => Some(*b),
            None | Some(Value::Null) => {
                if object.is_some() {
                    errors.push("done", "Please say whether it happened: true or false.");
                }
                None
            }
            Some(_) => {
                errors.push("done", "\"done\" must be true or false.");
                None
            }
        };
        let fields = OutcomeFields {
            done,
            pleasure: json_int(object, "pleasure", &mut errors),
            achievement: json_int(object, "achievement", &mut errors),
            mood_before: json_int(object, "mood_before", &mut errors),
            mood_after: json_int(object, "mood_after", &mut errors),
            note: Some(json_text(object, "note", &mut errors)),
        };
        fields.validate(plan, today, errors)
    }
}

/// An outcome's values before they are checked (`None` = not given).
#[derive(Debug, Clone, Default)]
struct OutcomeFields {
    done: Option<bool>,
    pleasure: Option<i64>,
    achievement: Option<i64>,
    mood_before: Option<i64>,
    mood_after: Option<i64>,
    note: Option<String>,
}

impl OutcomeFields {
    fn validate(
        self,
        plan: &PlannedActivity,
        today: NaiveDate,
        mut errors: ValidationErrors,
    ) -> Result<ActivityOutcome, ValidationErrors> {
        let mut rating = |field: &str, label: &str, v: Option<i64>| {
            if errors.message_for(field).is_some() {
                None
            } else {
                check_rating(field, label, v, &mut errors)
            }
        };
        let pleasure = rating("pleasure", "Pleasure", self.pleasure);
        let achievement = rating("achievement", "Achievement", self.achievement);
        let mood_before = rating("mood_before", "Mood before", self.mood_before);
        let mood_after = rating("mood_after", "Mood after", self.mood_after);
        let outcome = ActivityOutcome {
            done: self.done.unwrap_or(false),
            pleasure,
            achievement,
            mood_before,
            mood_after,
            note: None,
        };
        if self.done.is_some() {
            outcome.check_rest(plan, today, &mut errors);
        }
        let note = check_outcome_note(self.note.as_deref(), &mut errors);
        errors.into_result(ActivityOutcome { note, ..outcome })
    }
}

/// The planning form as typed (every field as text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanText {
    /// What, as typed.
    #[serde(default)]
    pub what: String,
    /// The date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// The time, `HH:MM`, or blank.
    #[serde(default)]
    pub time: String,
    /// The kind's key.
    #[serde(default)]
    pub kind: String,
    /// A life value id, or blank.
    #[serde(default)]
    pub value: String,
}

impl PlanText {
    /// Reads and validates the typed plan for `today`, collecting every problem.
    pub fn parse(&self, today: NaiveDate) -> Result<PlannedActivity, ValidationErrors> {
        self.parse_with(today, ValidationErrors::default())
    }

    fn parse_with(
        &self,
        today: NaiveDate,
        mut errors: ValidationErrors,
    ) -> Result<PlannedActivity, ValidationErrors> {
        let has = |errors: &ValidationErrors, f: &str| errors.message_for(f).is_some();
        let what = if has(&errors, "what") {
            None
        } else {
            Some(check_what(&self.what, &mut errors))
        };
        let date = if has(&errors, "date") {
            None
        } else if self.date.trim().is_empty() {
            errors.push("date", "Please choose a date for the activity.");
            None
        } else {
            match parse_date("date", &self.date) {
                Ok(date) => {
                    check_plan_date(date, today, &mut errors);
                    Some(date)
                }
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            }
        };
        let time = match parse_time(&self.time) {
            Ok(t) => t,
            Err(m) => {
                if !has(&errors, "time") {
                    errors.push("time", m);
                }
                None
            }
        };
        let kind = match ActivityKind::from_key(&self.kind) {
            Some(k) => Some(k),
            None => {
                if !has(&errors, "kind") {
                    errors.push(
                        "kind",
                        "Please choose a kind: joy, movement, outdoors, social or rest.",
                    );
                }
                None
            }
        };
        let value = if has(&errors, "value") {
            None
        } else {
            check_value(Some(&self.value), &mut errors)
        };
        match (what, date, kind) {
            (Some(what), Some(date), Some(kind)) if errors.is_empty() => Ok(PlannedActivity {
                what,
                date,
                time,
                kind,
                value,
            }),
            _ => Err(errors),
        }
    }
}

/// The outcome form as typed (every field as text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeText {
    /// `yes` or `no`.
    #[serde(default)]
    pub done: String,
    /// Pleasure 0–10 or blank.
    #[serde(default)]
    pub pleasure: String,
    /// Achievement 0–10 or blank.
    #[serde(default)]
    pub achievement: String,
    /// Mood before, 0–10 or blank.
    #[serde(default)]
    pub mood_before: String,
    /// Mood after, 0–10 or blank.
    #[serde(default)]
    pub mood_after: String,
    /// The note as typed.
    #[serde(default)]
    pub note: String,
}

impl OutcomeText {
    /// Reads and validates the typed outcome of `plan` on `today`, collecting every problem.
    pub fn parse(
        &self,
        plan: &PlannedActivity,
        today: NaiveDate,
    ) -> Result<ActivityOutcome, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let done = match self.done.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "on" => Some(true),
            "no" | "n" | "false" | "0" | "off" => Some(false),
            "" => {
                errors.push("done", "Please say whether it happened (yes or no).");
                None
            }
            _ => {
                errors.push("done", "Done must be yes or no.");
                None
            }
        };
        let mut number = |field: &str, label: &str, raw: &str| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.push(
                        field,
                        format!("{label} must be a whole number from 0 to {MAX_RATING}."),
                    );
                    None
                }
            }
        };
        let fields = OutcomeFields {
            done,
            pleasure: number("pleasure", "Pleasure", &self.pleasure),
            achievement: number("achievement", "Achievement", &self.achievement),
            mood_before: number("mood_before", "Mood before", &self.mood_before),
            mood_after: number("mood_after", "Mood after", &self.mood_after),
            note: Some(self.note.clone()),
        };
        fields.validate(plan, today, errors)
    }
}

/// Reads a time typed as `HH:MM` (or `H:MM`); blank is no time.
pub fn parse_time(raw: &str) -> Result<Option<NaiveTime>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(text, "%H:%M")
        .map(Some)
        .map_err(|_| {
            format!(
                "\"{}\" is not a time; write it as HH:MM, e.g. 18:30.",
                truncate(text, 20)
            )
        })
}

fn json_object<'a>(
    json: &'a Value,
    name: &str,
    known: &[&str],
    errors: &mut ValidationErrors,
) -> Option<&'a Map<String, Value>> {
    let Some(object) = json.as_object() else {
        errors.push(name, format!("The {name} must be a JSON object."));
        return None;
    };
    for key in object.keys() {
        if !known.contains(&key.as_str()) {
            errors.push(
                key.as_str(),
                format!(
                    "\"{}\" is not a field here; the fields are {}.",
                    truncate(key, 40),
                    known.join(", ")
                ),
            );
        }
    }
    Some(object)
}

/// A string field as text (missing or null = blank); a wrong type is reported by name.
fn json_text(
    object: Option<&Map<String, Value>>,
    key: &str,
    errors: &mut ValidationErrors,
) -> String {
    match object.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            errors.push(key, format!("\"{key}\" must be a string."));
            String::new()
        }
    }
}

/// A whole-number field (missing or null = not given); a wrong type is reported by name.
fn json_int(
    object: Option<&Map<String, Value>>,
    key: &str,
    errors: &mut ValidationErrors,
) -> Option<i64> {
    match object.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(n) => Some(n),
            None => {
                errors.push(
                    key,
                    format!("\"{key}\" must be a whole number from 0 to {MAX_RATING}, or null."),
                );
                None
            }
        },
    }
}

/// Where one planned activity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// It happened, in whatever form.
    Done,
    /// Recorded as not happening this time.
    NotThisTime,
    /// Its day has passed and nothing was recorded (never "missed").
    NotRecorded,
    /// Today or ahead, nothing recorded yet.
    Planned,
}

impl ItemState {
    /// The words shown next to the activity.
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Done => "Done",
            ItemState::NotThisTime => "Not this time",
            ItemState::NotRecorded => "Not recorded",
            ItemState::Planned => "Planned",
        }
    }
}

/// One activity in the week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekItem {
    /// Its position in the slice given to [`week_view`], to link back to it.
    pub index: usize,
    /// What.
    pub what: String,
    /// When, if a time was given.
    pub time: Option<NaiveTime>,
    /// What it is for.
    pub kind: ActivityKind,
    /// Where it stands.
    pub state: ItemState,
}

/// One day of the week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekDay {
    /// The date.
    pub date: NaiveDate,
    /// Activities planned that day.
    pub planned: usize,
    /// Of those, done (whatever their quality).
    pub done: usize,
    /// The activities, by time (untimed ones last), then in the order given.
    pub items: Vec<WeekItem>,
}

/// A week of planned activities, Monday to Sunday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekView {
    /// The Monday the week starts on.
    pub week_start: NaiveDate,
    /// Seven days, Monday first.
    pub days: Vec<WeekDay>,
    /// Activities planned in the week.
    pub planned: usize,
    /// Of those, done.
    pub done: usize,
    /// A plain sentence about the week that counts what was done and nothing else.
    pub sentence: String,
}

/// The week containing `week_start` (moved back to its Monday), with each day's planned and
/// done counts. Nothing is marked as failed: past plans without a record are "not recorded".
pub fn week_view(
    activities: &[(PlannedActivity, Option<ActivityOutcome>)],
    week_start: NaiveDate,
    today: NaiveDate,
) -> WeekView {
    let offset = u64::from(week_start.weekday().num_days_from_monday());
    let monday = week_start
        .checked_sub_days(Days::new(offset))
        .unwrap_or(week_start);
    let days: Vec<WeekDay> = (0..7)
        .filter_map(|i| monday.checked_add_days(Days::new(i)))
        .map(|date| {
            let mut items: Vec<WeekItem> = activities
                .iter()
                .enumerate()
                .filter(|(_, (plan, _))| plan.date == date)
                .map(|(index, (plan, outcome))| WeekItem {
                    index,
                    what: plan.what.clone(),
                    time: plan.time,
                    kind: plan.kind,
                    state: match outcome {
                        Some(o) if o.done => ItemState::Done,
                        Some(_) => ItemState::NotThisTime,
                        None if date < today => ItemState::NotRecorded,
                        None => ItemState::Planned,
                    },
                })
                .collect();
            items.sort_by_key(|i| (i.time.is_none(), i.time));
            WeekDay {
                date,
                planned: items.len(),
                done: items.iter().filter(|i| i.state == ItemState::Done).count(),
                items,
            }
        })
        .collect();
    let planned = days.iter().map(|d| d.planned).sum();
    let done = days.iter().map(|d| d.done).sum();
    let sentence = match (planned, done) {
        (0, _) => "Nothing planned this week yet. One small thing is plenty.".to_owned(),
        (_, 0) => format!(
            "{} planned this week. Whatever happens with them, one small thing done counts.",
            activities_word(planned)
        ),
        _ => format!(
            "{} done this week, each one counting however it went.",
            activities_word(done)
        ),
    };
    WeekView {
        week_start: monday,
        days,
        planned,
        done,
        sentence,
    }
}

fn activities_word(n: usize) -> String {
    if n == 1 {
        "1 activity".to_owned()
    } else {
        format!("{n} activities")
    }
}

/// Mean pleasure of one kind of activity with its 95% t-interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PleasureSummary {
    /// Done activities with a pleasure rating.
    pub n: usize,
    /// Mean pleasure, 0–10.
    pub mean: f64,
    /// Standard deviation (n − 1).
    pub sd: f64,
    /// 95% interval, lower bound (not below 0).
    pub low: f64,
    /// 95% interval, upper bound (not above 10).
    pub high: f64,
}

/// The activity insights: pleasure by kind, and mood with and without an activity done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityInsights {
    /// Every kind with its mean pleasure, or how many rated activities there are so far
    /// (`NotEnoughDays.have` counts activities here; at least [`MIN_GROUP_DAYS`] are needed).
    pub pleasure_by_kind: Vec<(ActivityKind, Finding<PleasureSummary>)>,
    /// Logged mood on days with a planned activity done (a) against other logged days (b).
    pub mood_with_vs_without: Finding<Comparison>,
    /// Plain sentences: the numbers with their uncertainty, never a cause.
    pub sentences: Vec<String>,
}

/// Pleasure per kind over done activities with a rating: mean with a 95% t-interval
/// (t with n − 1 degrees of freedom; activities are treated as independent). Mood with and
/// without: each logged day counts once, as "with" when at least one planned activity on that
/// date is recorded as done; compared with Welch's interval widened by Bartlett's product rule
/// (mood and the activity-day indicator), exactly as in the Light & Mood insights, and only with at least
/// [`MIN_GROUP_DAYS`] days in each group.
pub fn activity_insights(
    activities: &[(PlannedActivity, Option<ActivityOutcome>)],
    days: &[DayEntry],
) -> ActivityInsights {
    let pleasure_by_kind: Vec<(ActivityKind, Finding<PleasureSummary>)> = ActivityKind::ALL
        .into_iter()
        .map(|kind| {
            let ratings: Vec<f64> = activities
                .iter()
                .filter(|(plan, _)| plan.kind == kind)
                .filter_map(|(_, o)| o.as_ref().filter(|o| o.done)?.pleasure)
                .map(f64::from)
                .collect();
            (kind, pleasure_summary(&ratings))
        })
        .collect();

    let done_dates: BTreeSet<NaiveDate> = activities
        .iter()
        .filter(|(_, o)| o.as_ref().is_some_and(|o| o.done))
        .map(|(plan, _)| plan.date)
        .collect();
    // Only days with a mood count; how many is in the comparison's n.
    let rows: Vec<(NaiveDate, bool, f64)> = days
        .iter()
        .filter_map(|d| {
            Outcome::Mood
                .of(d)
                .map(|m| (d.date, done_dates.contains(&d.date), m))
        })
        .collect();
    let mood_with_vs_without = compare(&rows, Outcome::Mood);

    let mut sentences: Vec<String> = pleasure_by_kind
        .iter()
        .map(|(kind, f)| pleasure_sentence(*kind, f))
        .collect();
    sentences.extend(mood_sentences(&mood_with_vs_without));
    ActivityInsights {
        pleasure_by_kind,
        mood_with_vs_without,
        sentences,
    }
}

fn pleasure_summary(ratings: &[f64]) -> Finding<PleasureSummary> {
    let not_enough = Finding::NotEnoughDays {
        have: vec![ratings.len()],
        need: MIN_GROUP_DAYS,
    };
    if ratings.len() < MIN_GROUP_DAYS {
        return not_enough;
    }
    let Some(s) = summarize(ratings) else {
        return not_enough;
    };
    if s.sd == 0.0 {
        return Finding::NoVariation {
            what: format!("pleasure ({} out of 10)", one(s.mean)),
        };
    }
    let n = s.n as f64;
    let half = t_quantile(0.975, n - 1.0) * s.sd / n.sqrt();
    Finding::Ready(PleasureSummary {
        n: s.n,
        mean: s.mean,
        sd: s.sd,
        low: (s.mean - half).max(0.0),
        high: (s.mean + half).min(f64::from(MAX_RATING)),
    })
}

/// The sentence for one kind's pleasure.
pub fn pleasure_sentence(kind: ActivityKind, finding: &Finding<PleasureSummary>) -> String {
    match finding {
        Finding::NotEnoughDays { have, need } => {
            let have = have.first().copied().unwrap_or(0);
            format!(
                "{}: {} rated so far, too few to tell yet (about {need} would do for a first look).",
                kind.title(),
                activities_word(have)
            )
        }
        Finding::NoVariation { what } => format!(
            "{}: your {what} was the same for every one, so there is no range to give.",
            kind.title()
        ),
        Finding::Ready(s) => {
            let (low, high) = bounds(s.low, s.high, 1);
            format!(
                "{}: pleasure averaged {} out of 10 over {} (95% interval {low} to {high}).",
                kind.title(),
                one(s.mean),
                activities_word(s.n),
            )
        }
    }
}

/// The sentences for mood on days with and without an activity done.
pub fn mood_sentences(finding: &Finding<Comparison>) -> Vec<String> {
    match finding {
        Finding::NoVariation { what } => vec![no_variation(what, "every day")],
        Finding::NotEnoughDays { have, need } => vec![format!(
            "Mood with and without an activity done: so far {} with one and {} without, too few days \
             to tell yet (at least {need} of each would do).",
            days(have.first().copied().unwrap_or(0)),
            days(have.get(1).copied().unwrap_or(0)),
        )],
        Finding::Ready(c) => vec![
            format!(
                "On the {} logged with a planned activity done, mood averaged {}; on the other {}, {}.",
                days(c.n_a),
                mean_with_range(c.mean_a, c.sd_a, &c.interval_a),
                days(c.n_b),
                mean_with_range(c.mean_b, c.sd_b, &c.interval_b)
            ),
            difference_sentence(c, "days with an activity done", "other days"),
            "A better day can make an activity easier, too.".to_owned(),
            sample_note(c.n_a + c.n_b, c.n_effective),
        ],
    }
}

#[cfg(test)]
mod tests;
