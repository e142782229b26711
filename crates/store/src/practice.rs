//! Records of practice between sessions: toolkit exercises, questionnaire responses (and their
//! drafts and schedules), the personal safety plan and safety events.
//!
//! Structured content (an exercise's answers, a questionnaire's answers, a safety plan) is kept
//! as JSON text: its shape is defined and validated by the domain crate, and the store only
//! keeps it safe.

use chrono::NaiveDate;
use enough_domain::{ExerciseId, PersonId, ResponseId, SafetyEventId};

/// One saved toolkit exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseEntry {
    /// Id.
    pub id: ExerciseId,
    /// Owner.
    pub user_id: PersonId,
    /// Exercise id from the catalogue, e.g. `thought-record`.
    pub kind: String,
    /// The date it is about.
    pub date: NaiveDate,
    /// `draft`, `planned` or `done`.
    pub status: String,
    /// The answers as JSON.
    pub answers: String,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
}

/// What is written when an exercise is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseInput {
    /// Exercise id from the catalogue.
    pub kind: String,
    /// The date it is about.
    pub date: NaiveDate,
    /// `draft`, `planned` or `done`.
    pub status: String,
    /// The answers as JSON.
    pub answers: String,
}

/// A completed questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionnaireResponse {
    /// Id.
    pub id: ResponseId,
    /// Owner.
    pub user_id: PersonId,
    /// The client's own id for this response, which makes submitting it idempotent.
    pub client_id: String,
    /// Instrument id, e.g. `phq-9`.
    pub instrument: String,
    /// The answers as a JSON array of item values.
    pub answers: String,
    /// The person's local date when it was completed.
    pub date: NaiveDate,
    /// Completed (Unix seconds).
    pub completed_at: i64,
}

/// What is written when a questionnaire is completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResponse {
    /// The client's id for it (idempotency key).
    pub client_id: String,
    /// Instrument id.
    pub instrument: String,
    /// Answers as a JSON array.
    pub answers: String,
    /// Local date.
    pub date: NaiveDate,
    /// Unix seconds.
    pub completed_at: i64,
}

/// The outcome of submitting a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedResponse {
    /// It was new and is now stored.
    Created(QuestionnaireResponse),
    /// The same client id with the same answers was stored before; nothing changed.
    AlreadySaved(QuestionnaireResponse),
}

/// A questionnaire started but not finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionnaireDraft {
    /// Owner.
    pub user_id: PersonId,
    /// Instrument id.
    pub instrument: String,
    /// Answers so far, as a JSON array with `null` for unanswered items.
    pub answers: String,
    /// Unix seconds.
    pub updated_at: i64,
}

/// "Remind me to fill this in every N days".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionnaireSchedule {
    /// Owner.
    pub user_id: PersonId,
    /// Instrument id.
    pub instrument: String,
    /// Interval in days (1–365).
    pub every_days: i64,
    /// The date the schedule was set.
    pub since: NaiveDate,
}

/// A person's safety plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyPlanRecord {
    /// Owner.
    pub user_id: PersonId,
    /// The plan as JSON.
    pub plan: String,
    /// Unix seconds.
    pub updated_at: i64,
}

/// Something that showed the safety page, e.g. a PHQ-9 item 9 answer above 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyEvent {
    /// Id.
    pub id: SafetyEventId,
    /// Owner.
    pub user_id: PersonId,
    /// Unix seconds.
    pub at: i64,
    /// What happened, e.g. `phq9-item9` or `self-harm-language`.
    pub kind: String,
    /// Where, e.g. `questionnaire:12` or `exercise:3` (never the person's words).
    pub detail: String,
}
