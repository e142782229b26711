//! The catalogue: every content file, compiled in with `include_str!` and parsed once.

use super::content::{Approach, Distortion, ExerciseDef, LifeValue};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Every exercise file, in catalogue order. The id must match the file's `id`.
const EXERCISE_FILES: &[(&str, &str)] = &[
    (
        "rigid-rule",
        include_str!("../../content/exercises/rigid-rule.toml"),
    ),
    (
        "thought-record",
        include_str!("../../content/exercises/thought-record.toml"),
    ),
    (
        "behavioural-experiment",
        include_str!("../../content/exercises/behavioural-experiment.toml"),
    ),
    (
        "time-limited-task",
        include_str!("../../content/exercises/time-limited-task.toml"),
    ),
    (
        "submit-before-ready",
        include_str!("../../content/exercises/submit-before-ready.toml"),
    ),
    (
        "rest-without-justification",
        include_str!("../../content/exercises/rest-without-justification.toml"),
    ),
    (
        "exposure-ladder",
        include_str!("../../content/exercises/exposure-ladder.toml"),
    ),
    (
        "friend-perspective",
        include_str!("../../content/exercises/friend-perspective.toml"),
    ),
    (
        "self-compassion-break",
        include_str!("../../content/exercises/self-compassion-break.toml"),
    ),
    (
        "letter-to-myself",
        include_str!("../../content/exercises/letter-to-myself.toml"),
    ),
    (
        "values",
        include_str!("../../content/exercises/values.toml"),
    ),
    (
        "committed-action",
        include_str!("../../content/exercises/committed-action.toml"),
    ),
    (
        "defusion",
        include_str!("../../content/exercises/defusion.toml"),
    ),
    (
        "mindful-breathing",
        include_str!("../../content/exercises/mindful-breathing.toml"),
    ),
    (
        "noticing-thoughts",
        include_str!("../../content/exercises/noticing-thoughts.toml"),
    ),
    (
        "body-scan",
        include_str!("../../content/exercises/body-scan.toml"),
    ),
    (
        "unfinished-task",
        include_str!("../../content/exercises/unfinished-task.toml"),
    ),
    (
        "fear-of-rejection",
        include_str!("../../content/exercises/fear-of-rejection.toml"),
    ),
    (
        "fear-of-being-ordinary",
        include_str!("../../content/exercises/fear-of-being-ordinary.toml"),
    ),
    (
        "fear-of-losing-control",
        include_str!("../../content/exercises/fear-of-losing-control.toml"),
    ),
];

const DISTORTIONS_FILE: &str = include_str!("../../content/distortions.toml");
const LIFE_VALUES_FILE: &str = include_str!("../../content/life_values.toml");

/// Everything the toolkit offers.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// Every exercise, in catalogue order.
    pub exercises: Vec<ExerciseDef>,
    /// Thinking patterns for thought records.
    pub distortions: Vec<Distortion>,
    /// Life values for the values exercises.
    pub life_values: Vec<LifeValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistortionsFile {
    distortions: Vec<Distortion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LifeValuesFile {
    values: Vec<LifeValue>,
}

impl Catalogue {
    /// Parses every shipped file, or says which one is broken and why.
    pub fn load() -> Result<Catalogue, String> {
        let mut exercises = Vec::with_capacity(EXERCISE_FILES.len());
        for (id, text) in EXERCISE_FILES {
            let def: ExerciseDef =
                toml::from_str(text).map_err(|e| format!("exercises/{id}.toml: {e}"))?;
            if def.id != *id {
                return Err(format!("exercises/{id}.toml: its id is '{}'", def.id));
            }
            exercises.push(def);
        }
        let distortions: DistortionsFile =
            toml::from_str(DISTORTIONS_FILE).map_err(|e| format!("distortions.toml: {e}"))?;
        let values: LifeValuesFile =
            toml::from_str(LIFE_VALUES_FILE).map_err(|e| format!("life_values.toml: {e}"))?;
        Ok(Catalogue {
            exercises,
            distortions: distortions.distortions,
            life_values: values.values,
        })
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<&ExerciseDef> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The exercises grouped by approach, in catalogue order; approaches without exercises are
    /// left out.
    pub fn by_approach(&self) -> Vec<(Approach, Vec<&ExerciseDef>)> {
        Approach::ALL
            .into_iter()
            .map(|a| {
                (
                    a,
                    self.exercises.iter().filter(|e| e.approach == a).collect(),
                )
            })
            .filter(|(_, list): &(Approach, Vec<&ExerciseDef>)| !list.is_empty())
            .collect()
    }

    /// The thinking pattern with this id.
    pub fn distortion(&self, id: &str) -> Option<&Distortion> {
        self.distortions.iter().find(|d| d.id == id)
    }

    /// The life value with this id.
    pub fn life_value(&self, id: &str) -> Option<&LifeValue> {
        self.life_values.iter().find(|v| v.id == id)
    }
}

/// The catalogue shipped in the binary, parsed on first use. The tests guarantee every file
/// parses; were one ever broken, the toolkit would be empty rather than take the server down.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::load().unwrap_or_else(|_| Catalogue {
            exercises: Vec::new(),
            distortions: Vec::new(),
            life_values: Vec::new(),
        })
    })
}
