//! The JSON shape of a day, read field by field so that every problem names its field.

use crate::error::ApiError;
use axum::http::StatusCode;
use enough_domain::ValidationErrors;
use enough_domain::day::{
    DAYLIGHT_MESSAGE, DayEntry, DayFields, DayPatch, Habit, Habits, scale_message,
};
use serde::Serialize;
use serde_json::{Map, Value};

const FIELDS: [&str; 6] = [
    "daylight_hours",
    "energy",
    "mood",
    "outside_morning",
    "habits",
    "note",
];

/// A day as the API returns it; a value the day lacks is `null`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Day)]
pub struct DayJson {
    #[schema(value_type = chrono::NaiveDate)]
    date: String,
    /// Hours of daylight exposure, to the quarter hour
    #[schema(required = true)]
    daylight_hours: Option<f64>,
    #[schema(required = true, minimum = 0, maximum = 10)]
    energy: Option<u8>,
    #[schema(required = true, minimum = 0, maximum = 10)]
    mood: Option<u8>,
    #[schema(required = true)]
    outside_morning: Option<bool>,
    habits: Habits,
    #[schema(required = true)]
    note: Option<String>,
}

impl From<&DayEntry> for DayJson {
    fn from(e: &DayEntry) -> Self {
        Self {
            date: e.date.to_string(),
            daylight_hours: e.daylight_hours(),
            energy: e.energy,
            mood: e.mood,
            outside_morning: e.outside_morning,
            habits: e.habits,
            note: e.note.clone(),
        }
    }
}

/// Reads a `PATCH` body: a field left out is kept, a field sent as `null` is cleared.
pub fn day_patch(body: &[u8]) -> Result<(DayPatch, ValidationErrors), ApiError> {
    let (fields, errors) = day_fields(body)?;
    let object: Map<String, Value> = serde_json::from_slice(body).unwrap_or_default();
    let given = |key: &str| object.contains_key(key);
    let patch = DayPatch {
        daylight_hours: given("daylight_hours").then_some(fields.daylight_hours),
        energy: given("energy").then_some(fields.energy),
        mood: given("mood").then_some(fields.mood),
        outside_morning: given("outside_morning").then_some(fields.outside_morning),
        habits: given("habits").then_some(fields.habits),
        note: given("note").then_some(fields.note),
    };
    Ok((patch, errors))
}

/// Reads a request body into day fields plus every type problem found.
pub fn day_fields(body: &[u8]) -> Result<(DayFields, ValidationErrors), ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let Value::Object(object) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.",
        ));
    };
    let mut errors = ValidationErrors::default();
    for key in object.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.push(
                key.chars().take(60).collect::<String>(),
                format!("Unknown field; the fields are: {}.", FIELDS.join(", ")),
            );
        }
    }
    let fields = DayFields {
        daylight_hours: number(&object, "daylight_hours", &mut errors),
        energy: integer(&object, "energy", "Energy", &mut errors),
        mood: integer(&object, "mood", "Mood", &mut errors),
        outside_morning: boolean(&object, &mut errors),
        habits: habits(&object, &mut errors),
        note: note(&object, &mut errors),
    };
    Ok((fields, errors))
}

fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

fn number(object: &Map<String, Value>, key: &str, errors: &mut ValidationErrors) -> Option<f64> {
    let value = present(object, key)?;
    let n = value.as_f64();
    if n.is_none() {
        errors.push(key, DAYLIGHT_MESSAGE);
    }
    n
}

fn integer(
    object: &Map<String, Value>,
    key: &str,
    label: &str,
    errors: &mut ValidationErrors,
) -> Option<i64> {
    let value = present(object, key)?;
    let n = value.as_i64();
    if n.is_none() {
        errors.push(key, scale_message(label));
    }
    n
}

fn boolean(object: &Map<String, Value>, errors: &mut ValidationErrors) -> Option<bool> {
    let value = present(object, "outside_morning")?;
    let b = value.as_bool();
    if b.is_none() {
        errors.push("outside_morning", "outside_morning must be true or false.");
    }
    b
}

fn habits(object: &Map<String, Value>, errors: &mut ValidationErrors) -> Habits {
    let mut habits = Habits::default();
    let Some(value) = present(object, "habits") else {
        return habits;
    };
    let Some(map) = value.as_object() else {
        errors.push(
            "habits",
            "habits must be an object like {\"got_outside\": true}.",
        );
        return habits;
    };
    for (key, on) in map {
        match (Habit::from_key(key), on.as_bool()) {
            (Some(habit), Some(on)) => habits.set(habit, on),
            (None, _) => {
                let known: Vec<&str> = Habit::ALL.iter().map(|h| h.key()).collect();
                errors.push(
                    format!("habits.{}", key.chars().take(60).collect::<String>()),
                    format!("Unknown habit; the habits are: {}.", known.join(", ")),
                );
            }
            (Some(_), None) => {
                errors.push(format!("habits.{key}"), "Each habit must be true or false.")
            }
        }
    }
    habits
}

fn note(object: &Map<String, Value>, errors: &mut ValidationErrors) -> Option<String> {
    let value = present(object, "note")?;
    match value.as_str() {
        Some(s) => Some(s.to_owned()),
        None => {
            errors.push("note", "note must be text (or null).");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_wrong_type_names_its_field() {
        let body = br#"{"daylight_hours": "two", "energy": 5.5, "mood": "7", "outside_morning": "yes",
                        "habits": {"got_outside": true, "flying": true}, "note": 3, "colour": "blue"}"#;
        let (_, errors) = day_fields(body).unwrap();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "daylight_hours",
            "energy",
            "mood",
            "outside_morning",
            "habits.flying",
            "note",
            "colour",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn a_patch_tells_left_out_from_null() {
        let (patch, errors) = day_patch(br#"{"energy": 4, "note": null}"#).unwrap();
        assert!(errors.is_empty());
        assert_eq!(patch.energy, Some(Some(4)));
        assert_eq!(patch.note, Some(None), "null clears");
        assert_eq!(patch.mood, None, "left out keeps");
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(day_fields(b"{\"mood\": ").is_err());
        assert!(day_fields(b"[1, 2]").is_err());
    }
}
