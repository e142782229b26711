//! Safety alerts in a therapist's words: what happened, where, and when, from the event's
//! stored reference (`questionnaire:12`, `day:2026-11-30`, …) and whatever the person shares.
//! Never an internal id or a reference string: those are for the machine.

use chrono::NaiveDate;

/// Where a safety event came from, read from its stored reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A completed questionnaire (the response's id).
    Questionnaire(crate::ids::ResponseId),
    /// The day note of a date.
    Day(NaiveDate),
    /// The reflection of a date.
    Reflection(NaiveDate),
    /// A toolkit exercise (the exercise's id).
    Exercise(crate::ids::ExerciseId),
    /// A small-steps activity: its plan or what happened (the activity's id).
    Activity(crate::ids::ActivityId),
    /// Anything else (a reference this version does not know).
    Other,
}

impl Origin {
    /// Reads a stored reference such as `questionnaire:12` or `day:2026-11-30`.
    pub fn parse(detail: &str) -> Origin {
        let Some((kind, rest)) = detail.trim().split_once(':') else {
            return Origin::Other;
        };
        let date = || NaiveDate::parse_from_str(rest, "%Y-%m-%d").ok();
        match kind {
            "questionnaire" => rest.parse().map_or(Origin::Other, Origin::Questionnaire),
            "exercise" => rest.parse().map_or(Origin::Other, Origin::Exercise),
            "activity" => rest.parse().map_or(Origin::Other, Origin::Activity),
            "day" => date().map_or(Origin::Other, Origin::Day),
            "reflection" => date().map_or(Origin::Other, Origin::Reflection),
            _ => Origin::Other,
        }
    }
}

/// PHQ-9 question 9 in the third person, for a therapist. The item asks about "thoughts that
/// you would be better off dead, or of hurting yourself in some way" (Kroenke, Spitzer &
/// Williams 2001, *J Gen Intern Med* 16:606–613).
pub const PHQ9_ITEM9_ABOUT: &str =
    "thoughts that they would be better off dead or of hurting themselves";

/// A date as a therapist reads it in a list: "30 Nov".
pub fn short_date(date: NaiveDate) -> String {
    date.format("%-d %b").to_string()
}

/// "PHQ-9 question 9 (thoughts …) answered 'More than half the days' on 30 Nov". Without the
/// answer (questionnaires not shared) it says only what the alert itself means: an answer
/// above "Not at all".
pub fn questionnaire_sentence(
    instrument: &str,
    item: u8,
    about: Option<&str>,
    answer: Option<&str>,
    lowest: &str,
    date: NaiveDate,
) -> String {
    let about = about.map(|a| format!(" ({a})")).unwrap_or_default();
    let answered = match answer {
        Some(answer) => format!("answered '{answer}'"),
        None => format!("answered above '{lowest}'"),
    };
    format!(
        "{instrument} question {item}{about} {answered} on {}",
        short_date(date)
    )
}

/// "Words about self-harm in the day note of 30 Nov", and the same for reflections and
/// exercises (`exercise` names the exercise when its category is shared).
pub fn words_sentence(origin: Origin, exercise: Option<&str>, date: NaiveDate) -> String {
    let day = short_date(date);
    match origin {
        Origin::Day(_) => format!("Words about self-harm in the day note of {day}"),
        Origin::Reflection(_) => format!("Words about self-harm in the reflection of {day}"),
        Origin::Exercise(_) => match exercise {
            Some(title) => {
                format!("Words about self-harm in the exercise '{title}' saved on {day}")
            }
            None => format!("Words about self-harm in an exercise saved on {day}"),
        },
        Origin::Activity(_) => {
            format!("Words about self-harm in a small-steps activity saved on {day}")
        }
        Origin::Questionnaire(_) | Origin::Other => {
            format!("Words about self-harm in something they saved on {day}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn references_are_read_and_nonsense_is_other() {
        assert_eq!(
            Origin::parse("questionnaire:4"),
            Origin::Questionnaire(crate::ids::ResponseId(4))
        );
        assert_eq!(
            Origin::parse("day:2026-11-30"),
            Origin::Day(d("2026-11-30"))
        );
        assert_eq!(
            Origin::parse("reflection:2026-11-29"),
            Origin::Reflection(d("2026-11-29"))
        );
        assert_eq!(
            Origin::parse("exercise:12"),
            Origin::Exercise(crate::ids::ExerciseId(12))
        );
        assert_eq!(
            Origin::parse("activity:3"),
            Origin::Activity(crate::ids::ActivityId(3))
        );
        assert_eq!(
            words_sentence(
                Origin::Activity(crate::ids::ActivityId(3)),
                None,
                d("2026-11-30")
            ),
            "Words about self-harm in a small-steps activity saved on 30 Nov"
        );
        for other in ["", "day:30 Nov", "questionnaire:x", "import", "activity:x"] {
            assert_eq!(Origin::parse(other), Origin::Other, "{other:?}");
        }
    }

    #[test]
    fn the_sentences_say_what_happened_in_plain_words() {
        let date = d("2026-11-30");
        assert_eq!(
            questionnaire_sentence(
                "PHQ-9",
                9,
                Some(PHQ9_ITEM9_ABOUT),
                Some("More than half the days"),
                "Not at all",
                date
            ),
            "PHQ-9 question 9 (thoughts that they would be better off dead or of hurting \
             themselves) answered 'More than half the days' on 30 Nov"
        );
        let unshared =
            questionnaire_sentence("PHQ-9", 9, Some(PHQ9_ITEM9_ABOUT), None, "Not at all", date);
        assert!(
            unshared.ends_with("answered above 'Not at all' on 30 Nov"),
            "{unshared}"
        );
        assert_eq!(
            words_sentence(Origin::Day(date), None, date),
            "Words about self-harm in the day note of 30 Nov"
        );
        assert_eq!(
            words_sentence(
                Origin::Exercise(crate::ids::ExerciseId(3)),
                Some("Thought record"),
                date
            ),
            "Words about self-harm in the exercise 'Thought record' saved on 30 Nov"
        );
        for s in [
            words_sentence(Origin::Exercise(crate::ids::ExerciseId(3)), None, date),
            words_sentence(Origin::Other, None, date),
            unshared,
        ] {
            assert!(
                !s.contains(':') && !s.contains("day:"),
                "no references: {s}"
            );
        }
    }
}
