//! Outcome definitions of NHS Talking Therapies for anxiety and depression (formerly IAPT),
//! which pair PHQ-9 and GAD-7 at the first and last measurement.
//!
//! Source: NHS England, *NHS Talking Therapies for anxiety and depression manual*, v7 (2024),
//! outcome definitions. The manual itself could not be retrieved while writing this; the numbers
//! (reliable change PHQ-9 ≥ 6, GAD-7 ≥ 4; caseness PHQ-9 ≥ 10, GAD-7 ≥ 8) were confirmed only on
//! secondary pages and must be checked against the manual before release. The definitions below
//! follow the manual's wording as widely reported:
//! - *at caseness*: PHQ-9 ≥ 10 **or** GAD-7 ≥ 8 at the first measurement;
//! - *reliable improvement*: a reliable fall on at least one measure and no reliable rise on the
//!   other;
//! - *reliable deterioration*: a reliable rise on at least one measure and no reliable fall on the
//!   other;
//! - *recovery*: at caseness at the start and below caseness on **both** measures at the end
//!   (only defined for people at caseness at the start);
//! - *reliable recovery*: recovery together with reliable improvement.
//!
//! The manual uses an anxiety-disorder-specific measure instead of GAD-7 for some problems; this
//! module covers the GAD-7 case only.

use serde::Serialize;

/// PHQ-9 reliable change in points (NHS Talking Therapies manual).
pub const PHQ9_RELIABLE_CHANGE: u8 = 6;
/// PHQ-9 caseness threshold: a score at or above it is "at caseness".
pub const PHQ9_CASENESS: u8 = 10;
/// GAD-7 reliable change in points (NHS Talking Therapies manual).
pub const GAD7_RELIABLE_CHANGE: u8 = 4;
/// GAD-7 caseness threshold: a score at or above it is "at caseness".
pub const GAD7_CASENESS: u8 = 8;

/// First-to-last change on one measure, judged by the Talking Therapies conventions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureChange {
    /// `phq-9` or `gad-7`.
    pub instrument_id: &'static str,
    /// Score at the first measurement.
    pub first: u8,
    /// Score at the last measurement.
    pub last: u8,
    /// `last − first`.
    pub change: i16,
    /// Fell by at least the reliable-change points.
    pub reliably_improved: bool,
    /// Rose by at least the reliable-change points.
    pub reliably_deteriorated: bool,
    /// At or above caseness at the first measurement.
    pub case_at_first: bool,
    /// At or above caseness at the last measurement.
    pub case_at_last: bool,
}

fn judge(id: &'static str, first: u8, last: u8, points: u8, caseness: u8) -> MeasureChange {
    let change = i16::from(last) - i16::from(first);
    MeasureChange {
        instrument_id: id,
        first,
        last,
        change,
        reliably_improved: change <= -i16::from(points),
        reliably_deteriorated: change >= i16::from(points),
        case_at_first: first >= caseness,
        case_at_last: last >= caseness,
    }
}

/// One measure alone (`phq-9` or `gad-7`), e.g. for someone who filled in only one of them.
/// `None` for any other instrument: the conventions exist for these two only.
pub fn measure_change(instrument_id: &str, first: u8, last: u8) -> Option<MeasureChange> {
    match instrument_id {
        "phq-9" => Some(judge(
            "phq-9",
            first,
            last,
            PHQ9_RELIABLE_CHANGE,
            PHQ9_CASENESS,
        )),
        "gad-7" => Some(judge(
            "gad-7",
            first,
            last,
            GAD7_RELIABLE_CHANGE,
            GAD7_CASENESS,
        )),
        _ => None,
    }
}

/// The single headline outcome, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TalkingTherapiesOutcome {
    /// Recovered (at caseness at the start, below on both at the end) and reliably improved.
    ReliableRecovery,
    /// Recovered, but neither measure fell by the reliable-change points.
    Recovery,
    /// Reliably improved without recovering (or not at caseness at the start).
    ReliableImprovement,
    /// Reliably deteriorated.
    ReliableDeterioration,
    /// None of the above, including one measure reliably better and the other reliably worse.
    NoReliableChange,
}

/// The paired PHQ-9 and GAD-7 outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TalkingTherapiesResult {
    /// The headline outcome.
    pub outcome: TalkingTherapiesOutcome,
    /// At caseness on either measure at the start.
    pub at_caseness_at_start: bool,
    /// Reliable improvement as defined above.
    pub reliable_improvement: bool,
    /// Reliable deterioration as defined above.
    pub reliable_deterioration: bool,
    /// Recovery; `None` when not at caseness at the start (recovery is not defined then).
    pub recovery: Option<bool>,
    /// Reliable recovery; `None` when not at caseness at the start.
    pub reliable_recovery: Option<bool>,
    /// PHQ-9 on its own.
    pub phq9: MeasureChange,
    /// GAD-7 on its own.
    pub gad7: MeasureChange,
    /// One plain sentence, never a diagnosis.
    pub sentence: String,
}

/// Applies the NHS Talking Therapies definitions to PHQ-9 and GAD-7 totals at the first and last
/// measurement.
pub fn talking_therapies(
    first_phq9: u8,
    first_gad7: u8,
    last_phq9: u8,
    last_gad7: u8,
) -> TalkingTherapiesResult {
    let phq9 = judge(
        "phq-9",
        first_phq9,
        last_phq9,
        PHQ9_RELIABLE_CHANGE,
        PHQ9_CASENESS,
    );
    let gad7 = judge(
        "gad-7",
        first_gad7,
        last_gad7,
        GAD7_RELIABLE_CHANGE,
        GAD7_CASENESS,
    );
    let at_caseness_at_start = phq9.case_at_first || gad7.case_at_first;
    let reliable_improvement = (phq9.reliably_improved && !gad7.reliably_deteriorated)
        || (gad7.reliably_improved && !phq9.reliably_deteriorated);
    let reliable_deterioration = (phq9.reliably_deteriorated && !gad7.reliably_improved)
        || (gad7.reliably_deteriorated && !phq9.reliably_improved);
    let recovery = at_caseness_at_start.then_some(!phq9.case_at_last && !gad7.case_at_last);
    let reliable_recovery = recovery.map(|r| r && reliable_improvement);

    let outcome = if reliable_recovery == Some(true) {
        TalkingTherapiesOutcome::ReliableRecovery
    } else if recovery == Some(true) {
        TalkingTherapiesOutcome::Recovery
    } else if reliable_improvement {
        TalkingTherapiesOutcome::ReliableImprovement
    } else if reliable_deterioration {
        TalkingTherapiesOutcome::ReliableDeterioration
    } else {
        TalkingTherapiesOutcome::NoReliableChange
    };
    let scores = format!(
        "PHQ-9 went from {first_phq9} to {last_phq9} and GAD-7 from {first_gad7} to {last_gad7}."
    );
    let sentence = match outcome {
        TalkingTherapiesOutcome::ReliableRecovery => format!(
            "{scores} By the NHS Talking Therapies definitions this counts as reliable recovery: \
             both scores are now below the usual cut-offs, and the change is larger than the \
             questionnaires' usual ups and downs."
        ),
        TalkingTherapiesOutcome::Recovery => format!(
            "{scores} Both scores are now below the usual cut-offs, though the change is within \
             the questionnaires' usual ups and downs."
        ),
        TalkingTherapiesOutcome::ReliableImprovement => format!(
            "{scores} The change is larger than the questionnaires' usual ups and downs, so it is \
             likely a real improvement."
        ),
        TalkingTherapiesOutcome::ReliableDeterioration => format!(
            "{scores} The change is larger than the questionnaires' usual ups and downs, so things \
             are likely harder at the moment. It may help to talk it over with your therapist."
        ),
        TalkingTherapiesOutcome::NoReliableChange => format!(
            "{scores} The change is within the questionnaires' usual ups and downs, so they can't \
             tell a real change from chance. That doesn't mean nothing has changed for you."
        ),
    };
    TalkingTherapiesResult {
        outcome,
        at_caseness_at_start,
        reliable_improvement,
        reliable_deterioration,
        recovery,
        reliable_recovery,
        phq9,
        gad7,
        sentence,
    }
}
