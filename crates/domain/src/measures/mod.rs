//! Questionnaires as data, scored exactly as their manuals say.
//!
//! Each instrument (PHQ-9, GAD-7, WHO-5, CPQ, SCS-SF) is a JSON file under
//! `content/instruments/`, compiled into the binary, so that a therapist or translator can review
//! items, answer labels, scoring keys, bands and reliable-change constants without reading Rust.
//! Every number in those files carries its source in the file itself; what could not be checked
//! against a primary source says so there (`wording_status`, `*_source`, `*_note`).
//!
//! Nothing here diagnoses. Bands are described as "the range usually called …", and change is
//! judged against the questionnaire's own measurement error (Jacobson & Truax 1991) or, for PHQ-9
//! and GAD-7, against the NHS Talking Therapies conventions.

pub mod fhir;
mod schedule;
mod talking_therapies;

pub use schedule::{is_due, next_due};
pub use talking_therapies::{
    MeasureChange, TalkingTherapiesOutcome, TalkingTherapiesResult, measure_change,
    talking_therapies,
};

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Which way is "better" on an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Symptom measures (PHQ-9, GAD-7, CPQ): a falling score is an improvement.
    LowerIsBetter,
    /// Well-being and strengths (WHO-5, SCS-SF): a rising score is an improvement.
    HigherIsBetter,
}

/// How item answers become the reported score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Scoring {
    /// Sum of the (reverse-keyed where marked) item values.
    Sum,
    /// Mean of the (reverse-keyed where marked) item values, e.g. the SCS-SF total.
    Mean,
    /// Sum multiplied by `factor`, e.g. the WHO-5 raw 0–25 × 4 = 0–100 %.
    SumTimes {
        /// The multiplier.
        factor: f64,
        /// The unit shown after the number, e.g. `%`.
        unit: String,
    },
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// 1-based position, as printed on the paper form.
    pub number: u8,
    /// The wording shown to the person.
    pub text: String,
    /// LOINC code of the item, where LOINC has one.
    #[serde(default)]
    pub loinc: Option<String>,
    /// True when the item is reverse-keyed: its value is mirrored (min + max − value) before scoring.
    pub reverse: bool,
    /// Subscale name, where the instrument defines subscales.
    #[serde(default)]
    pub subscale: Option<String>,
}

/// One answer choice, shared by every item of the instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerOption {
    /// The value that is scored.
    pub value: u8,
    /// The label shown to the person.
    pub label: String,
    /// LOINC answer code (LA…), where one exists.
    #[serde(default)]
    pub loinc_answer: Option<String>,
}

/// A named range of the reported score, e.g. PHQ-9 10–14 "moderate". Both ends are inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Lowest score in the band.
    pub min: f64,
    /// Highest score in the band.
    pub max: f64,
    /// Plain label, e.g. "moderate".
    pub label: String,
}

/// The reported score's possible range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRange {
    /// Lowest possible score.
    pub min: f64,
    /// Highest possible score.
    pub max: f64,
}

/// Published constants for the Jacobson–Truax reliable change index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliableChangeConstants {
    /// Standard deviation of the reported score in the reference sample.
    pub sd: f64,
    /// Test–retest reliability or Cronbach's alpha.
    pub reliability: f64,
    /// Where both numbers come from, and how sure we are.
    pub source: String,
}

/// NHS Talking Therapies conventions for PHQ-9 and GAD-7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TalkingTherapiesConstants {
    /// A change of at least this many points counts as reliable.
    pub reliable_change_points: u8,
    /// A score at or above this is "at caseness".
    pub caseness: u8,
    /// Citation and verification status.
    pub source: String,
}

/// LOINC panel and total-score codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoincCodes {
    /// The questionnaire panel, e.g. 44249-1.
    pub panel: String,
    /// The total score, e.g. 44261-6.
    pub total: String,
}

/// A questionnaire: its items, answers, scoring key, bands and sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    /// Stable id used in URLs and storage, e.g. `phq-9`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Short name, e.g. "PHQ-9".
    pub short_name: String,
    /// One plain line: what it measures, and that it is not a diagnosis.
    pub description: String,
    /// Instructions shown above the items.
    pub stem: String,
    /// The period the questions ask about, e.g. "the last 2 weeks".
    pub period: String,
    /// The scored items, in order.
    pub items: Vec<Item>,
    /// Why some printed items (e.g. PHQ-9 item 10) are not here.
    #[serde(default)]
    pub unscored_items_note: Option<String>,
    /// Answer choices, in display order.
    pub options: Vec<AnswerOption>,
    /// How answers become the reported score.
    pub scoring: Scoring,
    /// Range of the reported score.
    pub score_range: ScoreRange,
    /// Named ranges of the reported score; empty when none are established.
    pub bands: Vec<Band>,
    /// Where the bands come from (or why there are none).
    pub bands_source: String,
    /// Which way is better.
    pub direction: Direction,
    /// Jacobson–Truax constants, when published ones could be found.
    pub reliable_change: Option<ReliableChangeConstants>,
    /// Why `reliable_change` is missing, when it is.
    #[serde(default)]
    pub reliable_change_note: Option<String>,
    /// NHS Talking Therapies conventions (PHQ-9 and GAD-7 only).
    #[serde(default)]
    pub nhs_talking_therapies: Option<TalkingTherapiesConstants>,
    /// Item numbers where any answer above the lowest must show the safety information.
    pub safety_items: Vec<u8>,
    /// What the safety item means for the product.
    #[serde(default)]
    pub safety_note: Option<String>,
    /// LOINC codes, where LOINC has the instrument.
    pub loinc: Option<LoincCodes>,
    /// SNOMED CT code for the total score, where there is no LOINC code (WHO-5).
    #[serde(default)]
    pub snomed_total: Option<String>,
    /// How the instrument is coded for interchange.
    pub coding_note: String,
    /// Citation.
    pub source: String,
    /// Licence or permission statement.
    pub licence: String,
    /// Whether the wording was checked against the published form (`verified`, `secondary`,
    /// `unverified`, followed by details).
    pub wording_status: String,
}

impl Instrument {
    /// The lowest and highest answer values.
    fn option_bounds(&self) -> (u8, u8) {
        let min = self.options.iter().map(|o| o.value).min().unwrap_or(0);
        let max = self.options.iter().map(|o| o.value).max().unwrap_or(0);
        (min, max)
    }

    /// The answer choice with this value.
    pub fn option(&self, value: u8) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.value == value)
    }

    /// The form field name for item `number`, e.g. `item3`.
    pub fn field_name(number: u8) -> String {
        format!("item{number}")
    }

    /// The band holding `value` (on the reported scale), if any.
    pub fn band_for(&self, value: f64) -> Option<&Band> {
        self.bands.iter().find(|b| value >= b.min && value <= b.max)
    }

    /// A readable list of the allowed values, e.g. "0, 1, 2 or 3".
    fn allowed_values(&self) -> String {
        let values: Vec<String> = self.options.iter().map(|o| o.value.to_string()).collect();
        match values.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.clone(),
            None => String::new(),
        }
    }
}

const FILES: [&str; 5] = [
    include_str!("../../content/instruments/phq-9.json"),
    include_str!("../../content/instruments/gad-7.json"),
    include_str!("../../content/instruments/who-5.json"),
    include_str!("../../content/instruments/cpq.json"),
    include_str!("../../content/instruments/scs-sf.json"),
];

/// Every instrument shipped in the binary, in a fixed order. A test guarantees that every file
/// parses; a file that somehow did not would be left out rather than stop the program.
pub fn instruments() -> &'static [Instrument] {
    static ALL: OnceLock<Vec<Instrument>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .filter_map(|text| serde_json::from_str(text).ok())
            .collect()
    })
}

/// The instrument with this id (`phq-9`, `gad-7`, `who-5`, `cpq`, `scs-sf`).
pub fn instrument(id: &str) -> Option<&'static Instrument> {
    instruments().iter().find(|i| i.id == id)
}

/// Answers to one sitting, one per scored item, in item order. `None` means not answered yet, so
/// a half-filled questionnaire can be saved and resumed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Responses(pub Vec<Option<u8>>);

/// Reads a submitted form (`item1` … `itemN`). Keeps every answer that parsed and is one of the
/// instrument's values; blank or missing fields are simply unanswered (no error); anything else
/// gives an error naming the field.
pub fn parse_answers(
    inst: &Instrument,
    form: &BTreeMap<String, String>,
) -> (Responses, ValidationErrors) {
    let mut errors = ValidationErrors::default();
    let mut answers = Vec::with_capacity(inst.items.len());
    for item in &inst.items {
        let field = Instrument::field_name(item.number);
        let raw = form.get(&field).map(|s| s.trim()).unwrap_or("");
        if raw.is_empty() {
            answers.push(None);
            continue;
        }
        match raw.parse::<u8>() {
            Ok(v) if inst.option(v).is_some() => answers.push(Some(v)),
            _ => {
                errors.push(&field, answer_message(inst, item.number));
                answers.push(None);
            }
        }
    }
    (Responses(answers), errors)
}

fn answer_message(inst: &Instrument, number: u8) -> String {
    format!(
        "Question {number}: choose one of the answers ({}).",
        inst.allowed_values()
    )
}

/// Checks that every item has an answer that is one of the instrument's values, and returns the
/// answers ready for [`score`]. Each problem names its item, e.g. `item3`.
pub fn complete(inst: &Instrument, responses: &Responses) -> Result<Vec<u8>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut values = Vec::with_capacity(inst.items.len());
    for (i, item) in inst.items.iter().enumerate() {
        let field = Instrument::field_name(item.number);
        match responses.0.get(i).copied().flatten() {
            None => errors.push(
                &field,
                format!("Question {} still needs an answer.", item.number),
            ),
            Some(v) if inst.option(v).is_none() => {
                errors.push(&field, answer_message(inst, item.number))
            }
            Some(v) => values.push(v),
        }
    }
    if responses.0.len() > inst.items.len() {
        errors.push(
            "answers",
            format!(
                "The {} has {} questions, but {} answers were sent.",
                inst.short_name,
                inst.items.len(),
                responses.0.len()
            ),
        );
    }
    errors.into_result(values)
}

/// A scored sitting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// The raw sum (sum and sum-times instruments) or mean (mean instruments), after reverse keying.
    pub total: f64,
    /// The score on the instrument's reported scale: `total`, or `total × factor` for the WHO-5.
    /// Bands and reliable change use this value.
    pub value: f64,
    /// The reported score as shown, e.g. "12", "3.25" or "64%".
    pub display: String,
    /// Subscale scores (sum, or mean for mean-scored instruments), in the order they first appear.
    pub subscales: Vec<(String, f64)>,
    /// The band the score falls in, if the instrument has bands.
    pub band: Option<Band>,
    /// True when a safety item (PHQ-9 item 9) has any answer above the lowest: show the safety
    /// and crisis information whatever the total.
    pub safety_flag: bool,
}

/// Scores complete answers exactly as the manual says: reverse-keyed items are mirrored
/// (min + max − value, e.g. 6 − x on a 1–5 scale), then summed, averaged or summed and multiplied.
pub fn score(inst: &Instrument, answers: &[u8]) -> Result<Score, ValidationErrors> {
    let responses = Responses(answers.iter().map(|v| Some(*v)).collect());
    let values = complete(inst, &responses)?;
    let (lo, hi) = inst.option_bounds();
    let keyed: Vec<f64> = inst
        .items
        .iter()
        .zip(&values)
        .map(|(item, v)| {
            let v = if item.reverse { lo + hi - v } else { *v };
            f64::from(v)
        })
        .collect();
    let sum: f64 = keyed.iter().sum();
    let n = keyed.len().max(1) as f64;
    let (total, value, display) = match &inst.scoring {
        Scoring::Sum => (sum, sum, format!("{sum}")),
        Scoring::Mean => {
            let mean = sum / n;
            (mean, mean, format!("{mean:.2}"))
        }
        Scoring::SumTimes { factor, unit } => {
            let scaled = sum * factor;
            (sum, scaled, format!("{scaled}{unit}"))
        }
    };

    let mut subscales: Vec<(String, f64, usize)> = Vec::new();
    for (item, v) in inst.items.iter().zip(&keyed) {
        if let Some(name) = &item.subscale {
            match subscales.iter_mut().find(|(s, _, _)| s == name) {
                Some(entry) => {
                    entry.1 += v;
                    entry.2 += 1;
                }
                None => subscales.push((name.clone(), *v, 1)),
            }
        }
    }
    let subscales = subscales
        .into_iter()
        .map(|(name, s, count)| match inst.scoring {
            Scoring::Mean => (name, s / count as f64),
            _ => (name, s),
        })
        .collect();

    let safety_flag = inst
        .items
        .iter()
        .zip(&values)
        .any(|(item, v)| inst.safety_items.contains(&item.number) && *v > lo);

    Ok(Score {
        total,
        value,
        display,
        subscales,
        band: inst.band_for(value).cloned(),
        safety_flag,
    })
}

/// One plain sentence about a score that never reads as a diagnosis, e.g. "A score of 12 is in
/// the range usually called moderate."
pub fn band_sentence(inst: &Instrument, score: &Score) -> String {
    match &score.band {
        Some(band) => format!(
            "A score of {} is in the range usually called {}.",
            score.display, band.label
        ),
        None => format!(
            "A score of {} on the {}. It has no agreed ranges, so the most useful comparison is \
             with your own earlier scores.",
            score.display, inst.short_name
        ),
    }
}

/// Whether a change is larger than the questionnaire's own measurement error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliableChange {
    /// A reliable change in the better direction.
    Improved,
    /// The change is within measurement error.
    NoReliableChange,
    /// A reliable change in the worse direction.
    Deteriorated,
}

/// The Jacobson–Truax judgement of one change, with its arithmetic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeAssessment {
    /// `after − before`, on the reported scale.
    pub change: f64,
    /// Reliable change index: change / S_diff.
    pub rci: f64,
    /// The smallest change that counts as reliable: 1.96 × S_diff.
    pub threshold_points: f64,
    /// The verdict, taking the instrument's direction into account.
    pub verdict: ReliableChange,
    /// One plain sentence for the person.
    pub sentence: String,
}

/// The z value for a two-sided 95 % criterion (Jacobson & Truax 1991).
const RCI_CRITERION: f64 = 1.96;

/// Jacobson & Truax (1991) reliable change between two scores on the reported scale:
/// SEm = SD·√(1 − r); S_diff = √2·SEm; RCI = (after − before) / S_diff; |RCI| > 1.96 is reliable.
/// `None` when no published SD and reliability are known for the instrument.
pub fn reliable_change(inst: &Instrument, before: f64, after: f64) -> Option<ChangeAssessment> {
    let constants = inst.reliable_change.as_ref()?;
    let sem = constants.sd * (1.0 - constants.reliability).sqrt();
    let s_diff = std::f64::consts::SQRT_2 * sem;
    if !(s_diff.is_finite() && s_diff > 0.0) {
        return None;
    }
    let change = after - before;
    let rci = change / s_diff;
    let threshold_points = RCI_CRITERION * s_diff;
    let better = match inst.direction {
        Direction::LowerIsBetter => change < 0.0,
        Direction::HigherIsBetter => change > 0.0,
    };
    let verdict = if rci.abs() <= RCI_CRITERION {
        ReliableChange::NoReliableChange
    } else if better {
        ReliableChange::Improved
    } else {
        ReliableChange::Deteriorated
    };
    let from_to = format!(
        "Your {} score went from {} to {}.",
        inst.short_name,
        trim_number(before),
        trim_number(after)
    );
    let size = format!("{:.1}", threshold_points);
    let sentence = match verdict {
        ReliableChange::Improved => format!(
            "{from_to} A change of more than {size} points is larger than this questionnaire's \
             usual ups and downs, so this is likely a real improvement."
        ),
        ReliableChange::NoReliableChange => format!(
            "{from_to} Changes up to {size} points are within this questionnaire's usual ups and \
             downs, so it can't tell a real change from chance here. That doesn't mean nothing \
             has changed for you."
        ),
        ReliableChange::Deteriorated => format!(
            "{from_to} A change of more than {size} points is larger than this questionnaire's \
             usual ups and downs, so things are likely harder at the moment. It may help to talk \
             it over with someone you trust or your therapist."
        ),
    };
    Some(ChangeAssessment {
        change,
        rci,
        threshold_points,
        verdict,
        sentence,
    })
}

/// "12" for whole numbers, "3.25" otherwise.
fn trim_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests;
