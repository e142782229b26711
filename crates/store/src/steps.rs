//! Records of "small imperfect steps": planned activities with their outcome, and runs of guided
//! programmes. Structured parts (an outcome, a composed programme) are JSON defined by the domain.

use chrono::NaiveDate;
use enough_domain::{ActivityId, PersonId, ProgrammeRunId};

/// A planned activity, with what happened once recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    /// Id.
    pub id: ActivityId,
    /// Owner.
    pub user_id: PersonId,
    /// What, e.g. "Walk to the bakery".
    pub what: String,
    /// Planned date.
    pub date: NaiveDate,
    /// Planned time `HH:MM`, if any.
    pub time: Option<String>,
    /// joy, movement, outdoors, social or rest.
    pub kind: String,
    /// A life value id, if the person tied it to one.
    pub value: Option<String>,
    /// The outcome as JSON, once recorded.
    pub outcome: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// What is written when an activity is planned or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    /// What.
    pub what: String,
    /// Planned date.
    pub date: NaiveDate,
    /// `HH:MM`, if any.
    pub time: Option<String>,
    /// Kind key.
    pub kind: String,
    /// Life value id.
    pub value: Option<String>,
}

/// A person's run through a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeRunRecord {
    /// Id.
    pub id: ProgrammeRunId,
    /// Owner.
    pub user_id: PersonId,
    /// A shipped programme's id, or `composed-<n>` for one a therapist composed.
    pub programme_id: String,
    /// A composed programme as JSON (None for shipped ones).
    pub programme: Option<String>,
    /// The first day.
    pub started: NaiveDate,
    /// Completed day numbers, space-separated.
    pub completed_days: String,
    /// The therapist who assigned it, if one did.
    pub assigned_by: Option<PersonId>,
    /// Unix seconds.
    pub created_at: i64,
    /// When it was stopped, if it was.
    pub ended_at: Option<i64>,
}

/// What is needed to start a run.
#[derive(Debug, Clone)]
pub struct NewProgrammeRun {
    /// Programme id.
    pub programme_id: String,
    /// A composed programme as JSON.
    pub programme: Option<String>,
    /// First day.
    pub started: NaiveDate,
    /// Assigning therapist.
    pub assigned_by: Option<PersonId>,
    /// Unix seconds.
    pub created_at: i64,
}
