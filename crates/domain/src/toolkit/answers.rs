//! A person's answers to one exercise, and the two ways they arrive: JSON from the API (and the
//! store), and form fields from a plain HTML form that works without JavaScript.
//!
//! Parsing only checks shape (is this a number, is that a known step); ranges, sizes and what is
//! required are checked by [`validate`](crate::toolkit::validate()), so both ways in share one set of rules.

use super::catalogue::catalogue;
use super::content::{ExerciseDef, StepDef, StepKind};
use super::ladder::{Attempt, Ladder, MAX_SUDS, Rung};
use crate::validation::ValidationErrors;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Highest intensity of an emotion.
pub const MAX_EMOTION_INTENSITY: u8 = 100;
/// Highest importance or "how fully lived" for a life value.
pub const MAX_VALUE_RATING: u8 = 10;
/// Longest line in [`summary_line`], in characters.
pub const SUMMARY_CHARS: usize = 120;

/// The answer to one step. Its JSON form is the natural one for its kind (see
/// [`Answers::from_json`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// Text, or the id of a life value for [`StepKind::ValueDomain`].
    Text(String),
    /// A rating on the step's scale.
    Rating(u16),
    /// Ids chosen from a list (thinking patterns).
    Choices(Vec<String>),
    /// Emotions with their intensities.
    Emotions(Vec<Emotion>),
    /// Life values with importance and how fully lived.
    ValueRatings(Vec<ValueRating>),
    /// Yes or no.
    YesNo(bool),
    /// A number of minutes.
    Minutes(u16),
    /// An exposure ladder.
    Ladder(Ladder),
}

impl Answer {
    /// True for answers that count as "not filled in": blank text, empty lists, a ladder
    /// without rungs.
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Text(s) => s.trim().is_empty(),
            Answer::Choices(v) => v.is_empty(),
            Answer::Emotions(v) => v.is_empty(),
            Answer::ValueRatings(v) => v.is_empty(),
            Answer::Ladder(l) => l.rungs.is_empty(),
            Answer::Rating(_) | Answer::YesNo(_) | Answer::Minutes(_) => false,
        }
    }
}

/// An emotion and how strong it was, 0–100, before and (once re-rated) after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Emotion {
    /// The person's word for it, e.g. "anxious".
    pub name: String,
    /// Intensity at the start.
    pub before: u8,
    /// Intensity after the exercise, if re-rated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<u8>,
}

/// How much a life value matters (0–10) and how fully it is lived (0–10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueRating {
    /// A life value id from `life_values.toml`.
    pub domain: String,
    /// How much it matters.
    pub importance: u8,
    /// How fully it is lived lately.
    pub lived: u8,
}

/// Every answer of one entry, keyed by step id. Absent steps are simply not in the map.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

/// Collects problems while parsing.
struct Problems(ValidationErrors);

impl Problems {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(field, message);
    }
}

/// Text as stored: line endings made plain and the ends trimmed; `None` when blank.
fn clean_text(s: &str) -> Option<String> {
    let s = s.replace("\r\n", "\n");
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

pub(crate) fn range_message(
    label: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
) -> String {
    format!("{label}: choose a number from {min} to {max}.")
}

/// A whole number from JSON within `min..=max`, or a message naming the range.
fn json_int(
    v: &Value,
    field: &str,
    label: &str,
    min: u64,
    max: u64,
    problems: &mut Problems,
) -> Option<u64> {
    match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            problems.push(field, range_message(label, min, max));
            None
        }
    }
}

fn json_u8(v: Option<&Value>, field: &str, label: &str, max: u8, p: &mut Problems) -> Option<u8> {
    match v {
        None | Some(Value::Null) => {
            p.push(field, range_message(label, 0, max));
            None
        }
        Some(v) => {
            json_int(v, field, label, 0, u64::from(max), p).and_then(|n| u8::try_from(n).ok())
        }
    }
}

/// The object at `field`, with any key outside `allowed` reported.
fn json_object<'a>(
    v: &'a Value,
    field: &str,
    what: &str,
    allowed: &[&str],
    p: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    let Some(obj) = v.as_object() else {
        p.push(field, format!("Expected {what}."));
        return None;
    };
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            p.push(
                format!("{field}.{key}"),
                format!("Unknown field '{key}'. Expected: {}.", allowed.join(", ")),
            );
        }
    }
    Some(obj)
}

fn json_string(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

fn json_array<'a>(
    v: &'a Value,
    field: &str,
    step: &StepDef,
    p: &mut Problems,
) -> Option<&'a Vec<Value>> {
    let array = v.as_array();
    if array.is_none() {
        p.push(field, format!("{}: expected a list.", step.label));
    }
    array
}

fn emotions_from_json(step: &StepDef, v: &Value, p: &mut Problems) -> Option<Answer> {
    let id = &step.id;
    let mut out = Vec::new();
    for (i, item) in json_array(v, id, step, p)?.iter().enumerate() {
        let field = format!("{id}[{i}]");
        let n = i + 1;
        let Some(obj) = json_object(
            item,
            &field,
            "an emotion: {name, before, after}",
            &["name", "before", "after"],
            p,
        ) else {
            continue;
        };
        let name = json_string(obj.get("name")).and_then(clean_text);
        if name.is_none() {
            p.push(
                format!("{field}.name"),
                format!("Emotion {n}: give it a name."),
            );
        }
        let before = json_u8(
            obj.get("before"),
            &format!("{field}.before"),
            &format!("Emotion {n}, intensity before"),
            MAX_EMOTION_INTENSITY,
            p,
        );
        let after = match obj.get("after") {
            None | Some(Value::Null) => Some(None),
            Some(a) => json_u8(
                Some(a),
                &format!("{field}.after"),
                &format!("Emotion {n}, intensity after"),
                MAX_EMOTION_INTENSITY,
                p,
            )
            .map(Some),
        };
        if let (Some(name), Some(before), Some(after)) = (name, before, after) {
            out.push(Emotion {
                name,
                before,
                after,
            });
        }
    }
    Some(Answer::Emotions(out))
}

fn value_ratings_from_json(step: &StepDef, v: &Value, p: &mut Problems) -> Option<Answer> {
    let id = &step.id;
    let mut out = Vec::new();
    for (i, item) in json_array(v, id, step, p)?.iter().enumerate() {
        let field = format!("{id}[{i}]");
        let Some(obj) = json_object(
            item,
            &field,
            "a value rating: {domain, importance, lived}",
            &["domain", "importance", "lived"],
            p,
        ) else {
            continue;
        };
        let Some(domain) = json_string(obj.get("domain")).map(str::to_owned) else {
            p.push(format!("{field}.domain"), "Choose a value from the list.");
            continue;
        };
        let name = value_name(&domain);
        let importance = json_u8(
            obj.get("importance"),
            &format!("{field}.importance"),
            &format!("{name}, importance"),
            MAX_VALUE_RATING,
            p,
        );
        let lived = json_u8(
            obj.get("lived"),
            &format!("{field}.lived"),
            &format!("{name}, how fully lived"),
            MAX_VALUE_RATING,
            p,
        );
        if let (Some(importance), Some(lived)) = (importance, lived) {
            out.push(ValueRating {
                domain,
                importance,
                lived,
            });
        }
    }
    Some(Answer::ValueRatings(out))
}

fn ladder_from_json(step: &StepDef, v: &Value, p: &mut Problems) -> Option<Answer> {
    let id = &step.id;
    let obj = json_object(v, id, "a ladder: {rungs: [...]}", &["rungs"], p)?;
    let field = format!("{id}.rungs");
    let Some(items) = obj.get("rungs").and_then(Value::as_array) else {
        p.push(field, format!("{}: expected a list of steps.", step.label));
        return None;
    };
    let mut rungs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("{field}[{i}]");
        let n = i + 1;
        let Some(obj) = json_object(
            item,
            &field,
            "a step: {text, suds, attempts}",
            &["text", "suds", "attempts"],
            p,
        ) else {
            continue;
        };
        let text = json_string(obj.get("text")).and_then(clean_text);
        if text.is_none() {
            p.push(
                format!("{field}.text"),
                format!("Step {n}: describe the step."),
            );
        }
        let suds = json_u8(
            obj.get("suds"),
            &format!("{field}.suds"),
            &format!("Step {n}, expected distress"),
            MAX_SUDS,
            p,
        );
        let mut attempts = Vec::new();
        match obj.get("attempts") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (j, a) in list.iter().enumerate() {
                    if let Some(a) = attempt_from_json(a, &format!("{field}.attempts[{j}]"), p) {
                        attempts.push(a);
                    }
                }
            }
            Some(_) => p.push(
                format!("{field}.attempts"),
                format!("Step {n}: expected a list of tries."),
            ),
        }
        if let (Some(text), Some(suds)) = (text, suds) {
            rungs.push(Rung {
                text,
                suds,
                attempts,
            });
        }
    }
    Some(Answer::Ladder(Ladder { rungs }))
}

fn attempt_from_json(v: &Value, field: &str, p: &mut Problems) -> Option<Attempt> {
    let obj = json_object(
        v,
        field,
        "a try: {date, suds_before, suds_peak, suds_after, note}",
        &["date", "suds_before", "suds_peak", "suds_after", "note"],
        p,
    )?;
    let date = json_string(obj.get("date")).and_then(|s| s.parse::<NaiveDate>().ok());
    if date.is_none() {
        p.push(format!("{field}.date"), "Date: use the form YYYY-MM-DD.");
    }
    let mut number = |key: &str, label: &str| {
        json_u8(obj.get(key), &format!("{field}.{key}"), label, MAX_SUDS, p)
    };
    let before = number("suds_before", "Distress before");
    let peak = number("suds_peak", "Distress at its peak");
    let after = number("suds_after", "Distress after");
    let note = match obj.get("note") {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(clean_text(s).unwrap_or_default()),
        Some(_) => {
            p.push(format!("{field}.note"), "Note: expected text.");
            None
        }
    };
    Some(Attempt {
        date: date?,
        suds_before: before?,
        suds_peak: peak?,
        suds_after: after?,
        note: note?,
    })
}

/// The display name of a life value, or its id when unknown.
fn value_name(id: &str) -> String {
    catalogue()
        .life_value(id)
        .map_or_else(|| id.to_owned(), |v| v.name.clone())
}

fn dedup(choices: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    choices
        .into_iter()
        .filter(|c| seen.insert(c.clone()))
        .collect()
}

/// One step's answer from JSON; `None` when absent or unusable (a problem is then recorded).
fn step_from_json(step: &StepDef, v: &Value, p: &mut Problems) -> Option<Answer> {
    let id = step.id.as_str();
    let label = step.label.as_str();
    match &step.kind {
        StepKind::Text { .. } | StepKind::LongText { .. } | StepKind::ValueDomain => match v {
            Value::String(s) => clean_text(s).map(Answer::Text),
            _ => {
                p.push(id, format!("{label}: expected text."));
                None
            }
        },
        StepKind::Rating { min, max, .. } => {
            json_int(v, id, label, u64::from(*min), u64::from(*max), p)
                .and_then(|n| u16::try_from(n).ok())
                .map(Answer::Rating)
        }
        StepKind::Minutes { max } => json_int(v, id, label, 1, u64::from(*max), p)
            .and_then(|n| u16::try_from(n).ok())
            .map(Answer::Minutes),
        StepKind::YesNo => match v {
            Value::Bool(b) => Some(Answer::YesNo(*b)),
            _ => {
                p.push(id, format!("{label}: answer true or false."));
                None
            }
        },
        StepKind::Distortions => {
            let mut out = Vec::new();
            for (i, item) in json_array(v, id, step, p)?.iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push(s.trim().to_owned()),
                    None => p.push(
                        format!("{id}[{i}]"),
                        format!("{label}: expected the id of a thinking pattern."),
                    ),
                }
            }
            Some(Answer::Choices(dedup(out)))
        }
        StepKind::Emotions => emotions_from_json(step, v, p),
        StepKind::ValueRatings => value_ratings_from_json(step, v, p),
        StepKind::Ladder => ladder_from_json(step, v, p),
    }
}

/// Form pairs grouped by name, keeping each name's values in order.
fn group_pairs(pairs: &[(String, String)]) -> BTreeMap<&str, Vec<&str>> {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in pairs {
        map.entry(k.as_str()).or_default().push(v.as_str());
    }
    map
}

/// The last non-blank value of a form field, trimmed.
fn form_field<'a>(map: &BTreeMap<&str, Vec<&'a str>>, name: &str) -> Option<&'a str> {
    map.get(name)?
        .iter()
        .rev()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
}

/// A whole number typed into a form field, or a message naming the range.
fn form_int(
    raw: &str,
    field: &str,
    label: &str,
    min: u64,
    max: u64,
    p: &mut Problems,
) -> Option<u64> {
    match raw.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            p.push(field, range_message(label, min, max));
            None
        }
    }
}

/// Rows of `<step>.<i>.<part>` fields, by row number: each row maps part → trimmed value.
fn form_rows<'a>(
    map: &BTreeMap<&str, Vec<&'a str>>,
    step: &str,
) -> BTreeMap<usize, BTreeMap<String, &'a str>> {
    let mut rows: BTreeMap<usize, BTreeMap<String, &'a str>> = BTreeMap::new();
    let prefix = format!("{step}.");
    for (key, values) in map {
        let Some(rest) = key.strip_prefix(&prefix) else {
            continue;
        };
        let Some((index, part)) = rest.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        let value = values.last().map_or("", |v| v.trim());
        rows.entry(index)
            .or_default()
            .insert(part.to_owned(), value);
    }
    rows
}

fn emotions_from_form(
    step: &StepDef,
    map: &BTreeMap<&str, Vec<&str>>,
    p: &mut Problems,
) -> Option<Answer> {
    let id = &step.id;
    let mut out = Vec::new();
    let mut n = 0;
    for (i, row) in form_rows(map, id) {
        let get = |part: &str| row.get(part).copied().unwrap_or("");
        let (name, before, after) = (get("name"), get("before"), get("after"));
        if name.is_empty() && before.is_empty() && after.is_empty() {
            continue;
        }
        // Rows are numbered as the person sees them: blank rows don't count.
        n += 1;
        let field = |part: &str| format!("{id}.{i}.{part}");
        if name.is_empty() {
            p.push(field("name"), format!("Emotion {n}: give it a name."));
        }
        let before_label = format!("Emotion {n}, intensity before");
        let before = if before.is_empty() {
            p.push(
                field("before"),
                range_message(&before_label, 0, MAX_EMOTION_INTENSITY),
            );
            None
        } else {
            form_int(
                before,
                &field("before"),
                &before_label,
                0,
                u64::from(MAX_EMOTION_INTENSITY),
                p,
            )
        };
        let after = if after.is_empty() {
            Some(None)
        } else {
            form_int(
                after,
                &field("after"),
                &format!("Emotion {n}, intensity after"),
                0,
                u64::from(MAX_EMOTION_INTENSITY),
                p,
            )
            .map(Some)
        };
        if let (false, Some(before), Some(after)) = (name.is_empty(), before, after) {
            out.push(Emotion {
                name: name.to_owned(),
                before: u8::try_from(before).unwrap_or(MAX_EMOTION_INTENSITY),
                after: after.and_then(|a| u8::try_from(a).ok()),
            });
        }
    }
    (!out.is_empty()).then_some(Answer::Emotions(out))
}

fn value_ratings_from_form(
    step: &StepDef,
    map: &BTreeMap<&str, Vec<&str>>,
    p: &mut Problems,
) -> Option<Answer> {
    let id = &step.id;
    let prefix = format!("{id}.");
    let mut by_domain: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for (key, values) in map {
        let Some(rest) = key.strip_prefix(&prefix) else {
            continue;
        };
        let Some((domain, part)) = rest.split_once('.') else {
            continue;
        };
        let value = values.last().map_or("", |v| v.trim());
        let entry = by_domain.entry(domain).or_insert(("", ""));
        match part {
            "importance" => entry.0 = value,
            "lived" => entry.1 = value,
            _ => {}
        }
    }
    let known = &catalogue().life_values;
    let mut out = Vec::new();
    for (domain, (importance, lived)) in &by_domain {
        if importance.is_empty() && lived.is_empty() {
            continue;
        }
        if !known.iter().any(|v| v.id == *domain) {
            p.push(
                format!("{id}.{domain}"),
                format!("Unknown value '{domain}'. Choose from the list."),
            );
            continue;
        }
        let name = value_name(domain);
        let mut number = |raw: &str, part: &str, what: &str| {
            form_int(
                raw,
                &format!("{id}.{domain}.{part}"),
                &format!("{name}, {what}"),
                0,
                u64::from(MAX_VALUE_RATING),
                p,
            )
            .and_then(|n| u8::try_from(n).ok())
        };
        let importance = number(importance, "importance", "importance");
        let lived = number(lived, "lived", "how fully lived");
        if let (Some(importance), Some(lived)) = (importance, lived) {
            out.push(ValueRating {
                domain: (*domain).to_owned(),
                importance,
                lived,
            });
        }
    }
    // Catalogue order reads better than alphabetical order.
    out.sort_by_key(|r| known.iter().position(|v| v.id == r.domain));
    (!out.is_empty()).then_some(Answer::ValueRatings(out))
}

fn ladder_from_form(
    step: &StepDef,
    map: &BTreeMap<&str, Vec<&str>>,
    p: &mut Problems,
) -> Option<Answer> {
    let id = &step.id;
    let mut rungs = Vec::new();
    let mut n = 0;
    for (i, row) in form_rows(map, id) {
        let text = row.get("text").copied().unwrap_or("");
        let suds = row.get("suds").copied().unwrap_or("");
        if text.is_empty() && suds.is_empty() {
            continue;
        }
        n += 1;
        if text.is_empty() {
            p.push(
                format!("{id}.{i}.text"),
                format!("Step {n}: describe the step."),
            );
        }
        let label = format!("Step {n}, expected distress");
        let suds = if suds.is_empty() {
            p.push(format!("{id}.{i}.suds"), range_message(&label, 0, MAX_SUDS));
            None
        } else {
            form_int(
                suds,
                &format!("{id}.{i}.suds"),
                &label,
                0,
                u64::from(MAX_SUDS),
                p,
            )
            .and_then(|s| u8::try_from(s).ok())
        };
        if let (false, Some(suds)) = (text.is_empty(), suds) {
            rungs.push(Rung {
                text: text.to_owned(),
                suds,
                attempts: Vec::new(),
            });
        }
    }
    (!rungs.is_empty()).then_some(Answer::Ladder(Ladder { rungs }))
}

fn step_from_form(
    step: &StepDef,
    map: &BTreeMap<&str, Vec<&str>>,
    p: &mut Problems,
) -> Option<Answer> {
    let id = step.id.as_str();
    let label = step.label.as_str();
    match &step.kind {
        StepKind::Text { .. } | StepKind::LongText { .. } | StepKind::ValueDomain => map
            .get(id)?
            .last()
            .and_then(|s| clean_text(s))
            .map(Answer::Text),
        StepKind::Rating { min, max, .. } => form_int(
            form_field(map, id)?,
            id,
            label,
            u64::from(*min),
            u64::from(*max),
            p,
        )
        .and_then(|n| u16::try_from(n).ok())
        .map(Answer::Rating),
        StepKind::Minutes { max } => {
            form_int(form_field(map, id)?, id, label, 1, u64::from(*max), p)
                .and_then(|n| u16::try_from(n).ok())
                .map(Answer::Minutes)
        }
        StepKind::YesNo => match form_field(map, id)? {
            "yes" => Some(Answer::YesNo(true)),
            "no" => Some(Answer::YesNo(false)),
            _ => {
                p.push(id, format!("{label}: choose yes or no."));
                None
            }
        },
        StepKind::Distortions => {
            let chosen: Vec<String> = map
                .get(id)?
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            (!chosen.is_empty()).then(|| Answer::Choices(dedup(chosen)))
        }
        StepKind::Emotions => emotions_from_form(step, map, p),
        StepKind::ValueRatings => value_ratings_from_form(step, map, p),
        StepKind::Ladder => ladder_from_form(step, map, p),
    }
}

impl Answers {
    /// Reads answers sent as JSON: an object from step id to the answer in its natural shape:
    ///
    /// | step kind | JSON |
    /// |---|---|
    /// | text, long text | `"words"` |
    /// | rating, minutes | `42` |
    /// | distortions | `["all-or-nothing", "should-statements"]` |
    /// | emotions | `[{"name": "anxious", "before": 80, "after": 40}]` (`after` optional) |
    /// | value domain | `"connection"` |
    /// | value ratings | `[{"domain": "connection", "importance": 9, "lived": 4}]` |
    /// | yes/no | `true` |
    /// | ladder | `{"rungs": [{"text": "…", "suds": 30, "attempts": [{"date": "2026-01-05", "suds_before": 40, "suds_peak": 60, "suds_after": 20, "note": ""}]}]}` |
    ///
    /// `null` and blank text count as absent. Unknown step ids and wrong shapes are errors
    /// named by their JSON path (`emotions[1].before`). Ranges and sizes are left to
    /// [`validate`](crate::toolkit::validate()), except numbers nested in lists, whose range is checked here.
    pub fn from_json(def: &ExerciseDef, json: &Value) -> Result<Answers, ValidationErrors> {
        let mut p = Problems(ValidationErrors::default());
        let mut out = BTreeMap::new();
        let Some(obj) = json.as_object() else {
            return Err(ValidationErrors::single(
                "answers",
                "Answers must be a JSON object from step id to answer.",
            ));
        };
        for (key, value) in obj {
            let Some(step) = def.step(key) else {
                p.push(
                    key.as_str(),
                    format!("This exercise has no step called '{key}'."),
                );
                continue;
            };
            if value.is_null() {
                continue;
            }
            if let Some(answer) = step_from_json(step, value, &mut p)
                && !answer.is_empty()
            {
                out.insert(key.clone(), answer);
            }
        }
        p.0.into_result(Answers(out))
    }

    /// The answers as JSON, in exactly the shape [`Answers::from_json`] reads.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads answers from an HTML form (no JavaScript needed). Field names:
    ///
    /// - text, long text, rating, minutes, value domain: the step id;
    /// - yes/no: the step id with `yes` or `no`;
    /// - distortions: the step id repeated, once per ticked box;
    /// - emotions: `<step>.<row>.name`, `.before`, `.after`;
    /// - value ratings: `<step>.<value id>.importance`, `.lived`;
    /// - ladder: `<step>.<row>.text`, `.suds` (tries are logged with [`Ladder::add_attempt`];
    ///   keep them across an edit with [`Answers::carry_attempts_from`]).
    ///
    /// Blank inputs and blank rows are absent. Other fields (a CSRF token, the submit button)
    /// are ignored. Problems are named by the form field, so they can be shown beside it.
    pub fn from_form(
        def: &ExerciseDef,
        pairs: &[(String, String)],
    ) -> Result<Answers, ValidationErrors> {
        let map = group_pairs(pairs);
        let mut p = Problems(ValidationErrors::default());
        let mut out = BTreeMap::new();
        for step in &def.steps {
            if let Some(answer) = step_from_form(step, &map, &mut p) {
                out.insert(step.id.clone(), answer);
            }
        }
        p.0.into_result(Answers(out))
    }

    /// The answers as form fields, named as [`Answers::from_form`] reads them, for filling a
    /// form in again.
    pub fn to_form(&self, def: &ExerciseDef) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for step in &def.steps {
            let id = &step.id;
            let Some(answer) = self.0.get(id) else {
                continue;
            };
            match answer {
                Answer::Choices(list) => {
                    out.extend(list.iter().map(|c| (id.clone(), c.clone())));
                }
                Answer::Emotions(list) => {
                    for (i, e) in list.iter().enumerate() {
                        out.push((format!("{id}.{i}.name"), e.name.clone()));
                        out.push((format!("{id}.{i}.before"), e.before.to_string()));
                        if let Some(after) = e.after {
                            out.push((format!("{id}.{i}.after"), after.to_string()));
                        }
                    }
                }
                Answer::ValueRatings(list) => {
                    for r in list {
                        out.push((
                            format!("{id}.{}.importance", r.domain),
                            r.importance.to_string(),
                        ));
                        out.push((format!("{id}.{}.lived", r.domain), r.lived.to_string()));
                    }
                }
                Answer::Ladder(ladder) => {
                    for (i, r) in ladder.rungs.iter().enumerate() {
                        out.push((format!("{id}.{i}.text"), r.text.clone()));
                        out.push((format!("{id}.{i}.suds"), r.suds.to_string()));
                    }
                }
                simple => out.push((id.clone(), simple_form_value(simple))),
            }
        }
        out
    }

    /// The value to put in the form field named `field` (see [`Answers::from_form`] for the
    /// names); empty when there is none. For distortions use [`Answers::is_chosen`].
    pub fn form_value(&self, field: &str) -> String {
        let mut parts = field.splitn(3, '.');
        let step = parts.next().unwrap_or_default();
        let (row, part) = (parts.next(), parts.next());
        let Some(answer) = self.0.get(step) else {
            return String::new();
        };
        match (answer, row, part) {
            (Answer::Emotions(list), Some(i), Some(part)) => {
                let e = i.parse::<usize>().ok().and_then(|i| list.get(i));
                match (e, part) {
                    (Some(e), "name") => e.name.clone(),
                    (Some(e), "before") => e.before.to_string(),
                    (Some(e), "after") => e.after.map(|a| a.to_string()).unwrap_or_default(),
                    _ => String::new(),
                }
            }
            (Answer::ValueRatings(list), Some(domain), Some(part)) => {
                match (list.iter().find(|r| r.domain == domain), part) {
                    (Some(r), "importance") => r.importance.to_string(),
                    (Some(r), "lived") => r.lived.to_string(),
                    _ => String::new(),
                }
            }
            (Answer::Ladder(l), Some(i), Some(part)) => {
                let r = i.parse::<usize>().ok().and_then(|i| l.rungs.get(i));
                match (r, part) {
                    (Some(r), "text") => r.text.clone(),
                    (Some(r), "suds") => r.suds.to_string(),
                    _ => String::new(),
                }
            }
            (simple, None, None) => simple_form_value(simple),
            _ => String::new(),
        }
    }

    /// True when `choice` is ticked in the list step `step` (for checkboxes).
    pub fn is_chosen(&self, step: &str, choice: &str) -> bool {
        matches!(self.0.get(step), Some(Answer::Choices(list)) if list.iter().any(|c| c == choice))
    }

    /// Keeps the tries logged on each rung when a ladder is edited through the form (which has
    /// no tries): a rung keeps the tries of the previous rung with the same text.
    pub fn carry_attempts_from(&mut self, previous: &Answers) {
        for (id, answer) in &mut self.0 {
            let (Answer::Ladder(new), Some(Answer::Ladder(old))) = (answer, previous.0.get(id))
            else {
                continue;
            };
            for rung in &mut new.rungs {
                if let Some(old) = old.rungs.iter().find(|r| r.text == rung.text) {
                    rung.attempts.clone_from(&old.attempts);
                }
            }
        }
    }

    /// The answer to the step `id`.
    pub fn get(&self, id: &str) -> Option<&Answer> {
        self.0.get(id)
    }

    /// The rating given to the step `id`, if any.
    pub fn rating(&self, id: &str) -> Option<u16> {
        match self.0.get(id) {
            Some(Answer::Rating(n)) => Some(*n),
            _ => None,
        }
    }
}

/// The form value of an answer that fits one field.
fn simple_form_value(answer: &Answer) -> String {
    match answer {
        Answer::Text(s) => s.clone(),
        Answer::Rating(n) | Answer::Minutes(n) => n.to_string(),
        Answer::YesNo(true) => "yes".to_owned(),
        Answer::YesNo(false) => "no".to_owned(),
        _ => String::new(),
    }
}

/// A line for the journal timeline: the first written answer, in step order, on one line and
/// cut to at most [`SUMMARY_CHARS`] characters (with "…" when cut). Empty when nothing is
/// written yet.
pub fn summary_line(def: &ExerciseDef, answers: &Answers) -> String {
    let text = def
        .steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Text { .. } | StepKind::LongText { .. }))
        .find_map(|s| match answers.0.get(&s.id) {
            Some(Answer::Text(t)) if !t.trim().is_empty() => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or_default();
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= SUMMARY_CHARS {
        line
    } else {
        let mut cut: String = line.chars().take(SUMMARY_CHARS - 1).collect();
        cut.truncate(cut.trim_end().len());
        cut.push('…');
        cut
    }
}

/// Every piece of free text the person wrote (answers, emotion names, ladder steps, notes on
/// tries), for the safety phrase matcher.
pub fn free_text(answers: &Answers) -> Vec<&str> {
    let mut out = Vec::new();
    for answer in answers.0.values() {
        match answer {
            Answer::Text(s) => out.push(s.as_str()),
            Answer::Emotions(list) => out.extend(list.iter().map(|e| e.name.as_str())),
            Answer::Ladder(l) => {
                for r in &l.rungs {
                    out.push(r.text.as_str());
                    out.extend(
                        r.attempts
                            .iter()
                            .map(|a| a.note.as_str())
                            .filter(|n| !n.is_empty()),
                    );
                }
            }
            Answer::Rating(_)
            | Answer::Choices(_)
            | Answer::ValueRatings(_)
            | Answer::YesNo(_)
            | Answer::Minutes(_) => {}
        }
    }
    out
}
