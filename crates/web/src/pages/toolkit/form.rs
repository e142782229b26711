//! The exercise form: one view model for every step kind, filled from saved answers or from
//! what the person just typed (so a refused form keeps every word).

use enough_domain::ValidationErrors;
use enough_domain::toolkit::{Answers, ExerciseDef, Stage, StepDef, StepKind, catalogue, step_of};

/// The raw fields of a form, in the order sent.
#[derive(Debug, Clone, Default)]
pub struct FormValues(pub Vec<(String, String)>);

impl FormValues {
    /// The fields a saved entry would send.
    pub fn from_answers(def: &ExerciseDef, answers: &Answers) -> Self {
        Self(answers.to_form(def))
    }

    /// The first value sent under `name`, or "".
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// True when `value` was sent under `name` (a ticked checkbox or chosen radio).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// How many numbered rows `<step>.<i>.<part>` were sent.
    fn rows(&self, step: &str, part: &str) -> usize {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(step)?.strip_prefix('.')?;
                let (index, p) = rest.split_once('.')?;
                (p == part && !v.trim().is_empty())
                    .then(|| index.parse::<usize>().ok())
                    .flatten()
            })
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }
}

/// One choice of a checkbox list (a distortion) or a select (a life value).
pub struct ChoiceView {
    pub id: String,
    pub name: String,
    pub explanation: String,
    pub example: String,
    pub checked: bool,
}

/// One emotion row.
pub struct EmotionRow {
    pub index: usize,
    pub name: String,
    pub before: String,
    pub after: String,
}

/// One life value with its two ratings.
pub struct ValueRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub importance: String,
    pub lived: String,
}

impl ValueRow {
    /// The 0–10 buttons for how important it is: (value, chosen).
    pub fn importance_options(&self) -> Vec<(u8, bool)> {
        zero_to_ten(&self.importance)
    }

    /// The 0–10 buttons for how fully it is lived: (value, chosen).
    pub fn lived_options(&self) -> Vec<(u8, bool)> {
        zero_to_ten(&self.lived)
    }
}

fn zero_to_ten(chosen: &str) -> Vec<(u8, bool)> {
    (0..=10)
        .map(|n| (n, chosen.trim() == n.to_string()))
        .collect()
}

/// One rung of a ladder as a form row.
pub struct RungRow {
    pub index: usize,
    pub text: String,
    pub suds: String,
}

/// A step, ready for the template.
pub struct StepView {
    pub id: String,
    pub prompt: String,
    pub help: String,
    /// `text`, `long-text`, `rating-scale` (0–10 radios), `rating` (a number box),
    /// `distortions`, `emotions`, `value`, `values`, `yes-no`, `minutes`, `ladder`.
    pub kind: &'static str,
    pub required: bool,
    pub error: Option<String>,
    pub value: String,
    pub min: u16,
    pub max: u16,
    pub low_label: String,
    pub high_label: String,
    /// (value, checked) for 0–10 radios.
    pub options: Vec<(u16, bool)>,
    pub choices: Vec<ChoiceView>,
    pub emotions: Vec<EmotionRow>,
    pub values: Vec<ValueRow>,
    pub rungs: Vec<RungRow>,
}

fn blank(step: &StepDef, kind: &'static str) -> StepView {
    StepView {
        id: step.id.clone(),
        prompt: step.prompt.clone(),
        help: step.help.clone().unwrap_or_default(),
        kind,
        required: step.required,
        error: None,
        value: String::new(),
        min: 0,
        max: 0,
        low_label: String::new(),
        high_label: String::new(),
        options: Vec::new(),
        choices: Vec::new(),
        emotions: Vec::new(),
        values: Vec::new(),
        rungs: Vec::new(),
    }
}

/// Every message for fields of this step, joined.
fn step_error(step: &StepDef, errors: &ValidationErrors) -> Option<String> {
    let messages: Vec<&str> = errors
        .0
        .iter()
        .filter(|e| step_of(&e.field) == step.id)
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}

fn step_view(step: &StepDef, values: &FormValues, errors: &ValidationErrors) -> StepView {
    let id = step.id.as_str();
    let mut view = match &step.kind {
        StepKind::Text { .. } => StepView {
            value: values.get(id),
            ..blank(step, "text")
        },
        StepKind::LongText { .. } => StepView {
            value: values.get(id),
            ..blank(step, "long-text")
        },
        StepKind::Rating {
            min,
            max,
            low_label,
            high_label,
        } => {
            let value = values.get(id);
            let small = *max <= 10;
            StepView {
                min: *min,
                max: *max,
                low_label: low_label.clone(),
                high_label: high_label.clone(),
                options: if small {
                    (*min..=*max)
                        .map(|v| (v, value.trim() == v.to_string()))
                        .collect()
                } else {
                    Vec::new()
                },
                value,
                ..blank(step, if small { "rating-scale" } else { "rating" })
            }
        }
        StepKind::Distortions => StepView {
            choices: catalogue()
                .distortions
                .iter()
                .map(|d| ChoiceView {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    explanation: d.explanation.clone(),
                    example: d.example.clone(),
                    checked: values.has(id, &d.id),
                })
                .collect(),
            ..blank(step, "distortions")
        },
        StepKind::Emotions => {
            let rows = (values.rows(id, "name").max(values.rows(id, "before")) + 2).max(3);
            StepView {
                emotions: (0..rows.min(enough_domain::toolkit::MAX_EMOTIONS))
                    .map(|i| EmotionRow {
                        index: i,
                        name: values.get(&format!("{id}.{i}.name")),
                        before: values.get(&format!("{id}.{i}.before")),
                        after: values.get(&format!("{id}.{i}.after")),
                    })
                    .collect(),
                ..blank(step, "emotions")
            }
        }
        StepKind::ValueDomain => {
            let chosen = values.get(id);
            StepView {
                choices: catalogue()
                    .life_values
                    .iter()
                    .map(|v| ChoiceView {
                        id: v.id.clone(),
                        name: v.name.clone(),
                        explanation: v.description.clone(),
                        example: String::new(),
                        checked: chosen == v.id,
                    })
                    .collect(),
                value: chosen,
                ..blank(step, "value")
            }
        }
        StepKind::ValueRatings => StepView {
            values: catalogue()
                .life_values
                .iter()
                .map(|v| ValueRow {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    description: v.description.clone(),
                    importance: values.get(&format!("{id}.{}.importance", v.id)),
                    lived: values.get(&format!("{id}.{}.lived", v.id)),
                })
                .collect(),
            ..blank(step, "values")
        },
        StepKind::YesNo => StepView {
            value: values.get(id),
            ..blank(step, "yes-no")
        },
        StepKind::Minutes { max } => StepView {
            max: *max,
            value: values.get(id),
            ..blank(step, "minutes")
        },
        StepKind::Ladder => {
            let rows = (values.rows(id, "text") + 3).max(5);
            StepView {
                rungs: (0..rows.min(enough_domain::toolkit::MAX_RUNGS))
                    .map(|i| RungRow {
                        index: i,
                        text: values.get(&format!("{id}.{i}.text")),
                        suds: values.get(&format!("{id}.{i}.suds")),
                    })
                    .collect(),
                ..blank(step, "ladder")
            }
        }
    };
    view.error = step_error(step, errors);
    view
}

/// The steps of `def` for one stage.
pub fn steps(
    def: &ExerciseDef,
    stage: Stage,
    values: &FormValues,
    errors: &ValidationErrors,
) -> Vec<StepView> {
    def.steps
        .iter()
        .filter(|s| s.stage == stage)
        .map(|s| step_view(s, values, errors))
        .collect()
}

/// Errors for fields outside the steps (date, status, kind), for the summary and the inputs.
pub fn other_error(errors: &ValidationErrors, field: &str) -> Option<String> {
    errors.message_for(field).map(str::to_owned)
}
