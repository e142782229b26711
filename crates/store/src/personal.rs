//! Records of the insights features: a person's location, their written reflections, and
//! their Light & Mood experiments.

use chrono::NaiveDate;
use enough_domain::{ExperimentId, PersonId};

/// Where a person is, for computing the daylight available to them.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Degrees north (−90..90).
    pub latitude: f64,
    /// Degrees east (−180..180).
    pub longitude: f64,
    /// A place name, e.g. "Dublin, Ireland" (empty when given as coordinates).
    pub place: String,
}

/// A person's answer to "what patterns do I notice between light and mood?", by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reflection {
    /// The date it is written for.
    pub date: NaiveDate,
    /// The person's words.
    pub text: String,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
}

/// The state of an experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExperimentStatus {
    /// Running, or ended but not yet replaced.
    Active,
    /// Ended and followed by a new one.
    Completed,
    /// Stopped early by the person; its data stays.
    Abandoned,
}

impl ExperimentStatus {
    /// The name used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ExperimentStatus::Active => "active",
            ExperimentStatus::Completed => "completed",
            ExperimentStatus::Abandoned => "abandoned",
        }
    }

    /// The status with this storage name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(ExperimentStatus::Active),
            "completed" => Some(ExperimentStatus::Completed),
            "abandoned" => Some(ExperimentStatus::Abandoned),
            _ => None,
        }
    }
}

/// A Light & Mood experiment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Experiment {
    /// Id.
    pub id: ExperimentId,
    /// Owner.
    pub user_id: PersonId,
    /// First morning.
    pub start_date: NaiveDate,
    /// Last morning.
    pub end_date: NaiveDate,
    /// Length in weeks.
    pub weeks: i64,
    /// The randomisation seed (stored as a signed 64-bit value).
    pub seed: i64,
    /// The schedule in force, one letter a morning (O = morning light, I = as usual); it starts as the seeded draw and changes only by swaps.
    pub schedule: String,
    /// Active, completed or abandoned.
    pub status: ExperimentStatus,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Abandoned or completed (Unix seconds).
    pub ended_at: Option<i64>,
}

/// What is needed to start an experiment.
#[derive(Debug, Clone)]
pub struct NewExperiment {
    /// First morning.
    pub start_date: NaiveDate,
    /// Last morning.
    pub end_date: NaiveDate,
    /// Weeks.
    pub weeks: i64,
    /// Seed.
    pub seed: i64,
    /// Schedule letters.
    pub schedule: String,
    /// Created (Unix seconds).
    pub created_at: i64,
}

/// What a person's derived views (insights, history, progress) were computed from: the
/// database's random epoch and the person's data version, read in the same transaction as the
/// data. Every write that can change those views bumps the version in its own transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataVersion {
    /// The database's random id, made at creation and at restore.
    pub epoch: String,
    /// The person's counter (0 before their first write).
    pub version: i64,
}
