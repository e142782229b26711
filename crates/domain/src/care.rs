//! What a person can share with a therapist: the categories of consent, and how a set of them
//! is written down. A therapist sees a category only while the person's link grants it.

use crate::ValidationErrors;
use crate::toolkit::Approach;
use std::collections::BTreeSet;

/// One thing a person may share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The daily Light & Mood log and its insights.
    Log,
    /// Written reflections ("what patterns do I notice…").
    Reflections,
    /// Toolkit exercises of one approach.
    Exercises(Approach),
    /// Questionnaire results.
    Questionnaires,
    /// Safety alerts (a PHQ-9 item 9 answer above 0, self-harm language) and the safety plan.
    Safety,
}

impl Category {
    /// Every category, in the order a person is asked about them.
    pub fn all() -> Vec<Category> {
        let mut all = vec![Category::Log, Category::Reflections];
        all.extend(Approach::ALL.iter().map(|a| Category::Exercises(*a)));
        all.push(Category::Questionnaires);
        all.push(Category::Safety);
        all
    }

    /// The stable key, e.g. `log` or `exercises:cbt`.
    pub fn key(self) -> String {
        match self {
            Category::Log => "log".to_owned(),
            Category::Reflections => "reflections".to_owned(),
            Category::Exercises(a) => format!("exercises:{}", a.slug()),
            Category::Questionnaires => "questionnaires".to_owned(),
            Category::Safety => "safety".to_owned(),
        }
    }

    /// The category with this key.
    pub fn parse(key: &str) -> Option<Category> {
        match key {
            "log" => Some(Category::Log),
            "reflections" => Some(Category::Reflections),
            "questionnaires" => Some(Category::Questionnaires),
            "safety" => Some(Category::Safety),
            other => other
                .strip_prefix("exercises:")
                .and_then(Approach::from_slug)
                .map(Category::Exercises),
        }
    }

    /// A short name for lists.
    pub fn title(self) -> String {
        match self {
            Category::Log => "Daily log and insights".to_owned(),
            Category::Reflections => "My reflections".to_owned(),
            Category::Exercises(a) => format!("Exercises: {}", a.title()),
            Category::Questionnaires => "Questionnaire results".to_owned(),
            Category::Safety => "Safety alerts and my safety plan".to_owned(),
        }
    }

    /// The short name as the therapist reads it: about the person, not in their voice.
    pub fn title_for_therapist(self) -> String {
        match self {
            Category::Reflections => "Their reflections".to_owned(),
            Category::Safety => "Safety alerts and their safety plan".to_owned(),
            other => other.title(),
        }
    }

    /// What sharing it means, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Category::Log => {
                "Daylight, energy, mood, mornings outside, habits and notes, with the charts you see."
            }
            Category::Reflections => "What you wrote about the patterns you noticed.",
            Category::Exercises(_) => {
                "The exercises of this kind that you saved, with what you wrote."
            }
            Category::Questionnaires => "Your scores and how they changed.",
            Category::Safety => {
                "When a check-in or something you wrote suggested a hard time, and your safety plan."
            }
        }
    }
}

/// A set of shared categories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing(pub BTreeSet<Category>);

impl Sharing {
    /// Reads the stored, space-separated form; unknown keys (from a newer version) are skipped.
    pub fn from_stored(text: &str) -> Sharing {
        Sharing(
            text.split_whitespace()
                .filter_map(Category::parse)
                .collect(),
        )
    }

    /// The stored, space-separated form.
    pub fn to_stored(&self) -> String {
        self.0.iter().map(|c| c.key()).collect::<Vec<_>>().join(" ")
    }

    /// Reads keys chosen in a form or sent by the API, refusing unknown ones by name.
    pub fn from_keys<'a>(
        keys: impl IntoIterator<Item = &'a str>,
    ) -> Result<Sharing, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut set = BTreeSet::new();
        for key in keys {
            match Category::parse(key.trim()) {
                Some(c) => {
                    set.insert(c);
                }
                None => errors.push(
                    "categories",
                    format!(
                        "'{}' is not something that can be shared; choose from the list.",
                        key.chars().take(40).collect::<String>()
                    ),
                ),
            }
        }
        errors.into_result(Sharing(set))
    }

    /// True when `category` is shared.
    pub fn allows(&self, category: Category) -> bool {
        self.0.contains(&category)
    }

    /// True when any exercise category is shared.
    pub fn any_exercises(&self) -> bool {
        self.0.iter().any(|c| matches!(c, Category::Exercises(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_round_trips_through_its_key() {
        for c in Category::all() {
            assert_eq!(Category::parse(&c.key()), Some(c), "{}", c.key());
        }
        assert_eq!(Category::all().len(), 10);
    }

    #[test]
    fn sharing_is_stored_in_a_stable_order_and_unknown_keys_are_refused() {
        let s = Sharing::from_keys(["safety", "log", "exercises:cbt"]).unwrap();
        assert_eq!(s.to_stored(), "log exercises:cbt safety");
        assert_eq!(Sharing::from_stored(&s.to_stored()), s);
        assert!(s.allows(Category::Log) && !s.allows(Category::Questionnaires));
        let err = Sharing::from_keys(["log", "passwords"]).unwrap_err();
        assert!(err.message_for("categories").unwrap().contains("passwords"));
        assert_eq!(Sharing::from_stored("log future-thing").0.len(), 1);
    }
}
