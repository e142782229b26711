//! Questionnaires as data, scored exactly as their manuals say.
//!
//! Each instrument (PHQ-9, GAD-7, WHO-5, CPQ, SCS-SF) is a JSON file under
//! `content/instruments/`, compiled into the binary, so that a therapist or translator can review
//! items, answer labels, scoring keys, bands and reliable-change constants without reading Rust.
//! Every number in those files carries its source in the file itself; what could not be checked
//! against a primary source says so there (`wording_status`, `*_source`, `*_note`).
//!
//! Nothing here diagnoses. Bands are described as "the range usually called …". Change is judged
//! by [`judge_change`]: PHQ-9 and GAD-7 by the NHS Talking Therapies definitions (see
//! `talking_therapies.rs`); other instruments by the Jacobson & Truax (1991) reliable change
//! index only when their data file gives a clinical-sample SD and a test–retest reliability with
//! a source; otherwise the signed difference is given with the words "no agreed threshold for a
//! reliable change".
//!
//! What a person sees of an instrument's sources is its `citations` (plain references, shown in
//! one "Where this comes from" fold). The other `*_source` and `*_note` fields hold the
//! reviewers' notes on how each number was checked and are never shown on a person's page.

pub mod fhir;
mod schedule;
mod talking_therapies;

pub use schedule::{is_due, next_due};
pub use talking_therapies::{
    GAD7_CASENESS, GAD7_RELIABLE_CHANGE, MeasureChange, PHQ9_CASENESS, PHQ9_RELIABLE_CHANGE,
    TalkingTherapiesOutcome, TalkingTherapiesResult, measure_change, talking_therapies,
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

/// Which sample a standard deviation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdSample {
    /// People seeking or receiving treatment: the sample Jacobson & Truax call for.
    Clinical,
    /// A general-population (normative) sample: too narrow a spread for judging change in
    /// treatment, so it is not used.
    GeneralPopulation,
}

/// Which kind of reliability coefficient a number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliabilityKind {
    /// Test–retest: the kind used here for the reliable change index.
    TestRetest,
    /// Internal consistency (Cronbach's alpha): not used here for the index.
    InternalConsistency,
}

/// Published constants for the Jacobson–Truax reliable change index. Used only when the SD is
/// from a clinical sample and the reliability is test–retest (see [`reliable_change`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliableChangeConstants {
    /// Standard deviation of the reported score in the reference sample.
    pub sd: f64,
    /// Where the SD comes from.
    pub sd_sample: SdSample,
    /// The reliability coefficient.
    pub reliability: f64,
    /// What kind of coefficient `reliability` is.
    pub reliability_kind: ReliabilityKind,
    /// Reviewers' note: where both numbers come from, and how sure we are (never shown).
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
    /// Citation of the instrument (reviewers' form; people see `citations`).
    pub source: String,
    /// Plain references shown to people in the "Where this comes from" fold: the instrument,
    /// and for PHQ-9 and GAD-7 the NHS Talking Therapies manual.
    pub citations: Vec<String>,
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

/// Which rule judged a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeRule {
    /// NHS Talking Therapies reliable change points (PHQ-9 6, GAD-7 4).
    TalkingTherapies,
    /// Jacobson & Truax (1991) reliable change index from a clinical SD and test–retest r.
    JacobsonTruax,
    /// No agreed threshold: only the signed difference is given.
    NoAgreedThreshold,
}

/// One change between two scores, judged by the rule that fits the instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeAssessment {
    /// `after − before`, on the reported scale.
    pub change: f64,
    /// Which rule judged it.
    pub rule: ChangeRule,
    /// Jacobson–Truax reliable change index (change / S_diff), for that rule only.
    pub rci: Option<f64>,
    /// The smallest change that counts as reliable, in points; `None` with no agreed threshold.
    pub threshold_points: Option<f64>,
    /// The verdict; `None` when there is no agreed threshold.
    pub verdict: Option<ReliableChange>,
    /// A few words for a table cell, e.g. "4 points lower: within the usual ups and downs".
    pub short: String,
    /// One plain sentence for the person.
    pub sentence: String,
}

/// The z value for a two-sided 95 % criterion (Jacobson & Truax 1991).
const RCI_CRITERION: f64 = 1.96;

/// "4 points lower", "0.25 points higher" or "no different": the signed difference in words.
fn difference_words(change: f64) -> String {
    let size = trim_number(change.abs());
    let unit = if change.abs() == 1.0 {
        "point"
    } else {
        "points"
    };
    if change < 0.0 {
        format!("{size} {unit} lower")
    } else if change > 0.0 {
        format!("{size} {unit} higher")
    } else {
        "no different".to_owned()
    }
}

/// " (the better direction on this questionnaire)" or the harder one; empty for no change.
fn direction_words(inst: &Instrument, change: f64) -> &'static str {
    let better = match inst.direction {
        Direction::LowerIsBetter => change < 0.0,
        Direction::HigherIsBetter => change > 0.0,
    };
    if change == 0.0 {
        ""
    } else if better {
        " (the better direction on this questionnaire)"
    } else {
        " (the harder direction on this questionnaire)"
    }
}

/// A score on the reported scale as shown, e.g. "12", "3.25" or "64%".
fn shown(inst: &Instrument, x: f64) -> String {
    match &inst.scoring {
        Scoring::SumTimes { unit, .. } => format!("{}{unit}", trim_number(x)),
        _ => trim_number(x),
    }
}

/// "Your PHQ-9 score went from 18 to 14, 4 points lower (the better direction …)."
fn from_to(inst: &Instrument, before: f64, after: f64) -> String {
    let change = after - before;
    if change == 0.0 {
        return format!(
            "Your {} score was {} both times.",
            inst.short_name,
            shown(inst, before)
        );
    }
    format!(
        "Your {} score went from {} to {}, {}{}.",
        inst.short_name,
        shown(inst, before),
        shown(inst, after),
        difference_words(change),
        direction_words(inst, change)
    )
}

/// Jacobson & Truax (1991) reliable change between two scores on the reported scale:
/// SEm = SD·√(1 − r); S_diff = √2·SEm; RCI = (after − before) / S_diff; |RCI| > 1.96 is reliable.
/// `None` unless the instrument's data file gives an SD from a clinical sample and a test–retest
/// reliability (clinical.md §1.3): a general-population SD or Cronbach's alpha would make the
/// threshold too small for change in treatment (for PHQ-9 it gave 3.2 points where NHS Talking
/// Therapies, working from clinical samples, uses 6).
pub fn reliable_change(inst: &Instrument, before: f64, after: f64) -> Option<ChangeAssessment> {
    let constants = inst.reliable_change.as_ref()?;
    if constants.sd_sample != SdSample::Clinical
        || constants.reliability_kind != ReliabilityKind::TestRetest
    {
        return None;
    }
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
    let from_to = from_to(inst, before, after);
    let size = format!("{threshold_points:.1}");
    let (short, sentence) = match verdict {
        ReliableChange::Improved => (
            "likely a real improvement",
            format!(
                "{from_to} A change of more than {size} points is larger than this \
                 questionnaire's usual ups and downs, so this is likely a real improvement."
            ),
        ),
        ReliableChange::NoReliableChange => (
            "within the usual ups and downs",
            format!(
                "{from_to} Changes up to {size} points are within this questionnaire's usual ups \
                 and downs, so it can't tell a real change from chance here. That doesn't mean \
                 nothing has changed for you."
            ),
        ),
        ReliableChange::Deteriorated => (
            "likely harder at the moment",
            format!(
                "{from_to} A change of more than {size} points is larger than this \
                 questionnaire's usual ups and downs, so things are likely harder at the moment. \
                 It may help to talk it over with someone you trust or your therapist."
            ),
        ),
    };
    Some(ChangeAssessment {
        change,
        rule: ChangeRule::JacobsonTruax,
        rci: Some(rci),
        threshold_points: Some(threshold_points),
        verdict: Some(verdict),
        short: format!("{}: {short}", difference_words(change)),
        sentence,
    })
}

/// A change judged by the NHS Talking Therapies definitions for one measure (PHQ-9 or GAD-7).
fn talking_therapies_change(
    inst: &Instrument,
    constants: &TalkingTherapiesConstants,
    before: f64,
    after: f64,
) -> Option<ChangeAssessment> {
    let whole = |x: f64| (x.fract() == 0.0 && (0.0..=255.0).contains(&x)).then_some(x as u8);
    let m = measure_change(&inst.id, whole(before)?, whole(after)?)?;
    let change = after - before;
    let points = constants.reliable_change_points;
    let caseness = constants.caseness;
    let name = &inst.short_name;
    let rule = format!(
        "NHS Talking Therapies counts a change of {points} points or more on the {name} as \
         reliable"
    );
    let (verdict, short, judgement) = if m.reliably_improved {
        (
            ReliableChange::Improved,
            "reliable improvement",
            format!("{rule}, so this is a reliable improvement."),
        )
    } else if m.reliably_deteriorated {
        (
            ReliableChange::Deteriorated,
            "reliably worse",
            format!(
                "{rule}, so this is reliably worse. It may help to talk it over with someone you \
                 trust or your therapist."
            ),
        )
    } else {
        (
            ReliableChange::NoReliableChange,
            "within the usual ups and downs",
            format!(
                "{rule}, so this is within the questionnaire's usual ups and downs: it can't tell \
                 a real change from chance. That doesn't mean nothing has changed for you."
            ),
        )
    };
    let threshold =
        format!("{caseness}, the score NHS Talking Therapies uses as its threshold on the {name}");
    let crossing = match (m.case_at_first, m.case_at_last, m.reliably_improved) {
        (true, false, true) => format!(
            " It started at or above {threshold}, and is now below it: on the {name} alone, that \
             counts as reliable recovery."
        ),
        (true, false, false) => format!(
            " It started at or above {threshold}, and is now below it: on the {name} alone, that \
             counts as recovery, though not reliable recovery, because the change is smaller \
             than {points} points."
        ),
        (false, true, _) => format!(" It is now at or above {threshold}."),
        _ => String::new(),
    };
    Some(ChangeAssessment {
        change,
        rule: ChangeRule::TalkingTherapies,
        rci: None,
        threshold_points: Some(f64::from(points)),
        verdict: Some(verdict),
        short: if change == 0.0 {
            "no different".to_owned()
        } else {
            format!("{}: {short}", difference_words(change))
        },
        sentence: format!("{} {judgement}{crossing}", from_to(inst, before, after)),
    })
}

/// Judges the change from `before` to `after` (scores on the reported scale) by the rule that
/// fits the instrument: NHS Talking Therapies for PHQ-9 and GAD-7, Jacobson–Truax where a
/// clinical SD and test–retest reliability are known, otherwise no verdict and the words "no
/// agreed threshold for a reliable change" with the signed difference.
pub fn judge_change(inst: &Instrument, before: f64, after: f64) -> ChangeAssessment {
    if let Some(tt) = inst
        .nhs_talking_therapies
        .as_ref()
        .and_then(|c| talking_therapies_change(inst, c, before, after))
    {
        return tt;
    }
    if let Some(jt) = reliable_change(inst, before, after) {
        return jt;
    }
    let change = after - before;
    ChangeAssessment {
        change,
        rule: ChangeRule::NoAgreedThreshold,
        rci: None,
        threshold_points: None,
        verdict: None,
        short: if change == 0.0 {
            "no different".to_owned()
        } else {
            format!("{} (no agreed threshold)", difference_words(change))
        },
        sentence: format!(
            "{} There is no agreed threshold for a reliable change on the {}, so we can't say \
             whether this is more than its usual ups and downs.",
            from_to(inst, before, after),
            inst.short_name
        ),
    }
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
