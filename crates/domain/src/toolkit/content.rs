//! The shape of the toolkit's content files: exercises, thinking patterns (distortions) and life
//! values. The files live in `content/` and are compiled into the binary, so a therapist can
//! review every word without reading Rust, and the program never depends on files at run time.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest text a [`StepKind::Text`] step accepts unless its file says otherwise.
pub const DEFAULT_TEXT_CHARS: usize = 300;
/// Longest text a [`StepKind::LongText`] step accepts unless its file says otherwise.
pub const DEFAULT_LONG_TEXT_CHARS: usize = 5000;

/// The therapeutic approach an exercise comes from; it groups the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Approach {
    /// Cognitive behavioural therapy: noticing and loosening thoughts and rules.
    Cbt,
    /// Exposure: doing things imperfectly on purpose and watching what happens.
    Exposure,
    /// Self-compassion: speaking to oneself as to a friend.
    SelfCompassion,
    /// Acceptance and commitment therapy: values and action.
    Act,
    /// Mindfulness: noticing without having to fix.
    Mindfulness,
    /// The fears underneath the perfectionism.
    EmotionalCore,
}

impl Approach {
    /// Every approach, in catalogue order.
    pub const ALL: [Approach; 6] = [
        Approach::Cbt,
        Approach::Exposure,
        Approach::SelfCompassion,
        Approach::Act,
        Approach::Mindfulness,
        Approach::EmotionalCore,
    ];

    /// The heading shown in the catalogue.
    pub fn title(self) -> &'static str {
        match self {
            Approach::Cbt => "Thoughts and rules (CBT)",
            Approach::Exposure => "Doing it imperfectly (exposure)",
            Approach::SelfCompassion => "Self-compassion",
            Approach::Act => "Values and action (ACT)",
            Approach::Mindfulness => "Mindfulness",
            Approach::EmotionalCore => "Underneath the perfectionism",
        }
    }

    /// The value used in URLs, files and the API, e.g. `self-compassion`.
    pub fn slug(self) -> &'static str {
        match self {
            Approach::Cbt => "cbt",
            Approach::Exposure => "exposure",
            Approach::SelfCompassion => "self-compassion",
            Approach::Act => "act",
            Approach::Mindfulness => "mindfulness",
            Approach::EmotionalCore => "emotional-core",
        }
    }

    /// The approach with this slug.
    pub fn from_slug(slug: &str) -> Option<Approach> {
        Approach::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

impl fmt::Display for Approach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// When a step is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// At the first sitting (including ratings "before" and "after" taken in that sitting).
    #[default]
    Before,
    /// Later, once the planned thing has happened (the outcome of a behavioural experiment).
    After,
}

/// What kind of input a step asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StepKind {
    /// One line of text.
    Text {
        /// Longest accepted text in characters (default [`DEFAULT_TEXT_CHARS`]).
        max_chars: usize,
    },
    /// Several paragraphs.
    LongText {
        /// Longest accepted text in characters (default [`DEFAULT_LONG_TEXT_CHARS`]).
        max_chars: usize,
    },
    /// A whole number on a scale.
    Rating {
        /// Lowest value.
        min: u16,
        /// Highest value.
        max: u16,
        /// What the lowest value means, e.g. "Not at all".
        low_label: String,
        /// What the highest value means, e.g. "Completely".
        high_label: String,
    },
    /// Thinking patterns picked from `distortions.toml`.
    Distortions,
    /// Emotions, each with an intensity before and (optionally) after.
    Emotions,
    /// One life value from `life_values.toml`.
    ValueDomain,
    /// Importance and how fully lived, for life values.
    ValueRatings,
    /// Yes or no.
    YesNo,
    /// A number of minutes from 1 to `max`.
    Minutes {
        /// The most minutes accepted.
        max: u16,
    },
    /// An exposure ladder: rungs with expected distress, and attempts per rung.
    Ladder,
}

/// One question of an exercise's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawStep")]
pub struct StepDef {
    /// Stable identifier: the form field name and the JSON key.
    pub id: String,
    /// A short name used in messages and tables, e.g. "Belief before".
    pub label: String,
    /// The question as the person reads it.
    pub prompt: String,
    /// A gentle hint shown under the question.
    pub help: Option<String>,
    /// What kind of answer it takes.
    #[serde(flatten)]
    pub kind: StepKind,
    /// Whether the entry can be finished without it (drafts never need anything).
    pub required: bool,
    /// When it is filled in.
    pub stage: Stage,
}

/// Which direction of change the person hopes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// Lower is what the person hopes for (e.g. guilt).
    Lower,
    /// Higher is what the person hopes for (e.g. calm).
    Higher,
}

/// A before/after pair of ratings shown as progress.
///
/// Usually both name [`StepKind::Rating`] steps with the same range. When both name the same
/// [`StepKind::Emotions`] step, the pair is the mean intensity of the emotions that were
/// re-rated, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeDef {
    /// What changed, e.g. "Belief in the old rule".
    pub label: String,
    /// The step id of the first rating.
    pub before: String,
    /// The step id of the second rating.
    pub after: String,
    /// Which direction the person hopes for.
    pub better: Better,
}

/// One exercise of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseDef {
    /// Stable identifier, used in URLs and the API, e.g. `rigid-rule`.
    pub id: String,
    /// The approach it belongs to.
    pub approach: Approach,
    /// Its name.
    pub title: String,
    /// One line for the catalogue.
    pub summary: String,
    /// Two to four sentences on why it helps a perfectionist.
    pub intro: String,
    /// The time it usually takes, in minutes.
    pub minutes: u16,
    /// The default length of the in-page timer, in minutes, for exercises that have one.
    #[serde(default)]
    pub timer: Option<u16>,
    /// Guided practice, one short instruction each, shown before the form.
    #[serde(default)]
    pub practice: Vec<String>,
    /// The form.
    pub steps: Vec<StepDef>,
    /// Before/after pairs shown as progress.
    #[serde(default)]
    pub changes: Vec<ChangeDef>,
}

impl ExerciseDef {
    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&StepDef> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// True when some steps are filled in later, so the entry can be saved as planned.
    pub fn has_after_steps(&self) -> bool {
        self.steps.iter().any(|s| s.stage == Stage::After)
    }
}

/// A thinking pattern (cognitive distortion) a thought record can name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distortion {
    /// Stable identifier, e.g. `all-or-nothing`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is, plainly.
    pub explanation: String,
    /// How it tends to sound for a perfectionist.
    pub example: String,
}

/// A life domain someone may care about, beyond achievement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeValue {
    /// Stable identifier, e.g. `connection`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// One line on what it covers.
    pub description: String,
}

/// A step as written in the file: every kind's options side by side, checked on conversion so
/// that a typo in a file is an error rather than a silently ignored line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: String,
    label: String,
    prompt: String,
    #[serde(default)]
    help: Option<String>,
    kind: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    stage: Stage,
    #[serde(default)]
    max_chars: Option<usize>,
    #[serde(default)]
    min: Option<u16>,
    #[serde(default)]
    max: Option<u16>,
    #[serde(default)]
    low_label: Option<String>,
    #[serde(default)]
    high_label: Option<String>,
}

impl TryFrom<RawStep> for StepDef {
    type Error = String;

    fn try_from(raw: RawStep) -> Result<Self, Self::Error> {
        let id = raw.id.clone();
        let unused = |what: &str, present: bool| -> Result<(), String> {
            if present {
                Err(format!(
                    "step '{id}': `{what}` does not apply to kind '{}'",
                    raw.kind
                ))
            } else {
                Ok(())
            }
        };
        let rating_options =
            raw.min.is_some() || raw.low_label.is_some() || raw.high_label.is_some();
        let kind = match raw.kind.as_str() {
            "text" | "long-text" => {
                unused("min/max/labels", rating_options || raw.max.is_some())?;
                if raw.kind == "text" {
                    StepKind::Text {
                        max_chars: raw.max_chars.unwrap_or(DEFAULT_TEXT_CHARS),
                    }
                } else {
                    StepKind::LongText {
                        max_chars: raw.max_chars.unwrap_or(DEFAULT_LONG_TEXT_CHARS),
                    }
                }
            }
            "rating" => {
                unused("max_chars", raw.max_chars.is_some())?;
                match (raw.min, raw.max, &raw.low_label, &raw.high_label) {
                    (Some(min), Some(max), Some(low), Some(high)) if min < max => {
                        StepKind::Rating {
                            min,
                            max,
                            low_label: low.clone(),
                            high_label: high.clone(),
                        }
                    }
                    _ => {
                        return Err(format!(
                            "step '{id}': a rating needs min < max, low_label and high_label"
                        ));
                    }
                }
            }
            "minutes" => {
                unused(
                    "max_chars/min/labels",
                    raw.max_chars.is_some() || rating_options,
                )?;
                match raw.max {
                    Some(max) if max >= 1 => StepKind::Minutes { max },
                    _ => return Err(format!("step '{id}': minutes need a max of at least 1")),
                }
            }
            other => {
                unused(
                    "max_chars/min/max/labels",
                    raw.max_chars.is_some() || rating_options || raw.max.is_some(),
                )?;
                match other {
                    "distortions" => StepKind::Distortions,
                    "emotions" => StepKind::Emotions,
                    "value-domain" => StepKind::ValueDomain,
                    "value-ratings" => StepKind::ValueRatings,
                    "yes-no" => StepKind::YesNo,
                    "ladder" => StepKind::Ladder,
                    _ => return Err(format!("step '{id}': unknown kind '{other}'")),
                }
            }
        };
        Ok(StepDef {
            id: raw.id,
            label: raw.label,
            prompt: raw.prompt,
            help: raw.help,
            kind,
            required: raw.required,
            stage: raw.stage,
        })
    }
}
