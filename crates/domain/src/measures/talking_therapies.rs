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
//! The same figures, with their verification status, are in the project's clinical reference
//! (`shared/reference/clinical.md` §1.3: "≥ 6 points for PHQ-9 and ≥ 4 for GAD-7", marked
//! unverified there for the same reason) and in each instrument's data file
//! (`nhs_talking_therapies`). One measure reliably better while the other is reliably worse is
//! neither improvement nor deterioration by these definitions; this module names it a *mixed*
//! outcome so that the sentence can say so.
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
    /// One measure reliably better and the other reliably worse: neither of the above.
    Mixed,
    /// Neither measure changed by its reliable-change points.
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

    let mixed = (phq9.reliably_improved && gad7.reliably_deteriorated)
        || (gad7.reliably_improved && phq9.reliably_deteriorated);
    let outcome = if reliable_recovery == Some(true) {
        TalkingTherapiesOutcome::ReliableRecovery
    } else if recovery == Some(true) {
        TalkingTherapiesOutcome::Recovery
    } else if reliable_improvement {
        TalkingTherapiesOutcome::ReliableImprovement
    } else if reliable_deterioration {
        TalkingTherapiesOutcome::ReliableDeterioration
    } else if mixed {
        TalkingTherapiesOutcome::Mixed
    } else {
        TalkingTherapiesOutcome::NoReliableChange
    };
    let sentence = paired_sentence(&phq9, &gad7, outcome, mixed);
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

/// "depression scores (PHQ-9) improved reliably (16 to 10)" and the like.
fn measure_words(name: &str, m: &MeasureChange) -> String {
    let what = if m.reliably_improved {
        "improved reliably"
    } else if m.reliably_deteriorated {
        "got reliably worse"
    } else if m.change == 0 {
        "stayed the same"
    } else {
        "changed by less than the reliable amount"
    };
    if m.change == 0 {
        format!("{name} {what} ({})", m.first)
    } else {
        format!("{name} {what} ({} to {})", m.first, m.last)
    }
}

/// The paired sentence: what each measure did, then the outcome by the definitions. Never a
/// diagnosis: "depression scores" and "anxiety scores" name what the questionnaires ask about.
fn paired_sentence(
    phq9: &MeasureChange,
    gad7: &MeasureChange,
    outcome: TalkingTherapiesOutcome,
    mixed: bool,
) -> String {
    let depression = measure_words("depression scores (PHQ-9)", phq9);
    let anxiety = measure_words("anxiety scores (GAD-7)", gad7);
    let joined = if mixed {
        format!("{depression} while {anxiety}")
    } else {
        format!("{depression}, and {anxiety}")
    };
    let mut first = joined.chars();
    let what = match first.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), first.as_str()),
        None => String::new(),
    };
    let thresholds = format!(
        "{PHQ9_CASENESS} on the PHQ-9 and {GAD7_CASENESS} on the GAD-7, the scores NHS Talking \
         Therapies uses as its thresholds"
    );
    let verdict = match outcome {
        TalkingTherapiesOutcome::ReliableRecovery => format!(
            "By the NHS Talking Therapies definitions this counts as reliable recovery: at least \
             one score started at or above its threshold ({thresholds}), both are now below, and \
             the change is larger than the questionnaires' usual ups and downs."
        ),
        TalkingTherapiesOutcome::Recovery if mixed => format!(
            "Both scores are now below {thresholds}, which the definitions count as recovery, \
             but not reliable recovery, because one score got reliably worse. It may help to \
             talk it over with your therapist."
        ),
        TalkingTherapiesOutcome::Recovery => format!(
            "By the NHS Talking Therapies definitions this counts as recovery: both scores are \
             now below {thresholds}. It is not reliable recovery, because neither changed by \
             more than the usual ups and downs ({PHQ9_RELIABLE_CHANGE} points on the PHQ-9, \
             {GAD7_RELIABLE_CHANGE} on the GAD-7)."
        ),
        TalkingTherapiesOutcome::ReliableImprovement
            if phq9.case_at_first || gad7.case_at_first =>
        {
            format!(
                "By the NHS Talking Therapies definitions this counts as reliable improvement, \
                 though not recovery: at least one score is still at or above its threshold \
                 ({thresholds})."
            )
        }
        TalkingTherapiesOutcome::ReliableImprovement => "By the NHS Talking Therapies \
             definitions this counts as reliable improvement."
            .to_owned(),
        TalkingTherapiesOutcome::ReliableDeterioration => "By the NHS Talking Therapies \
             definitions this counts as reliable deterioration: things are likely harder at the \
             moment. It may help to talk it over with your therapist."
            .to_owned(),
        TalkingTherapiesOutcome::Mixed => "By the NHS Talking Therapies definitions this is a \
             mixed outcome, neither reliable improvement nor reliable deterioration. It may help \
             to talk it over with your therapist."
            .to_owned(),
        TalkingTherapiesOutcome::NoReliableChange => format!(
            "Neither changed by more than the questionnaires' usual ups and downs \
             ({PHQ9_RELIABLE_CHANGE} points on the PHQ-9, {GAD7_RELIABLE_CHANGE} on the GAD-7), \
             so they can't tell a real change from chance. That doesn't mean nothing has changed \
             for you."
        ),
    };
    format!("{what} {verdict}")
}
