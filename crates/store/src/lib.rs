//! The storage interface of enough: transactions, repositories and every statement, written
//! once for every backend.
//!
//! Callers run their work in one transaction with `store.write(|tx| …)` or
//! `store.read(|tx| …)` and reach the repositories ([`repo`]) from the transaction:
//! `tx.days().upsert(…)`. A backend (SQLite in `enough-store-sqlite`, PostgreSQL in
//! `enough-store-postgres`) implements only [`Store`] (run a transaction, copy a whole
//! installation) and [`sql::Tx`] (run one statement); the [`contract`] module holds the
//! checks every backend must pass. Timestamps are Unix seconds (UTC).

mod care;
pub mod contract;
mod facade;
pub use facade::writes_started;
mod personal;
mod practice;
mod records;
pub mod repo;
mod snapshot;
pub mod sql;
mod steps;

pub use care::{
    AccessRecord, CalendarFeed, CareLink, CareLinkWith, Homework, Invitation, InvitationRefused,
    NewHomework, NewInvitation,
};
pub use personal::{
    DataVersion, Experiment, ExperimentStatus, Location, NewExperiment, Reflection,
};
pub use practice::{
    ExerciseEntry, ExerciseInput, NewResponse, QuestionnaireDraft, QuestionnaireResponse,
    QuestionnaireSchedule, SafetyEvent, SafetyPlanRecord, SavedResponse,
};
pub use records::*;
pub use snapshot::{
    DayRow, LocationRow, ReflectionRow, SessionRow, Snapshot, TableSummary, TokenRow, UserRow,
};
pub use steps::{ActivityInput, ActivityRecord, NewProgrammeRun, ProgrammeRunRecord};

/// Every table holding rows of one person (column `user_id`), children before parents: what
/// deleting an account erases. The care tables name their people differently and are handled
/// by [`CARE_DELETIONS`].
pub const PERSONAL_TABLES: &[&str] = &[
    "days",
    "sessions",
    "api_tokens",
    "reflections",
    "locations",
    "experiments",
    "exercise_entries",
    "questionnaire_responses",
    "questionnaire_drafts",
    "questionnaire_schedules",
    "safety_plans",
    "safety_events",
    "calendar_feeds",
    "activities",
    "programme_runs",
];

/// What deleting account `$1` does to the care tables, in order: the person's links, access
/// log, homework and invitations go; where they were the other side (a therapist who read or
/// assigned), the reference is cleared but the person's record of it stays.
pub const CARE_DELETIONS: &[&str] = &[
    "DELETE FROM access_log WHERE person_id = $1",
    "UPDATE access_log SET viewer_id = NULL WHERE viewer_id = $1",
    "DELETE FROM homework WHERE person_id = $1",
    "UPDATE homework SET therapist_id = NULL WHERE therapist_id = $1",
    "DELETE FROM care_links WHERE person_id = $1 OR therapist_id = $1",
    "UPDATE invitations SET used_by = NULL WHERE used_by = $1",
    "DELETE FROM invitations WHERE therapist_id = $1",
    "UPDATE programme_runs SET assigned_by = NULL WHERE assigned_by = $1",
];

use async_trait::async_trait;
pub use enough_domain::ids::*;
pub use repo::TokenOwner;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (an e-mail address, a token) is already taken.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The database answered with an error or could not be reached.
    #[error("database error: {0}")]
    Database(String),
    /// Stored data could not be read back into a domain value.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// An import into a store that already holds data.
    #[error("the target store is not empty: {0}")]
    NotEmpty(String),
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// A backend: runs transactions, and copies a whole installation.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The backend's name, for logs: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Runs `job` in one write transaction, committed only if it returns `Ok` (and, on
    /// SQLite, acknowledged only once the commit is durable). Prefer `store.write(…)`.
    async fn run_write(&self, job: sql::TxJob) -> StoreResult<()>;

    /// Runs `job` with a connection for reading (on SQLite, one that refuses to write).
    /// Prefer `store.read(…)`.
    async fn run_read(&self, job: sql::TxJob) -> StoreResult<()>;

    /// Runs `job`, a short read (a few point lookups by key, no scan), as [`Store::run_read`]
    /// does, where that is cheapest: SQLite runs it on the calling thread when a connection
    /// is free there, rather than handing it to a reader thread. Prefer `store.read_short(…)`.
    async fn run_short_read(&self, job: sql::TxJob) -> StoreResult<()> {
        self.run_read(job).await
    }
}
