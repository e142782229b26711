//! The storage interface of enough: one trait, no driver code.
//!
//! SQLite (`enough-store-sqlite`) and PostgreSQL (`enough-store-postgres`) implement [`Store`];
//! the [`contract`] module holds the tests every implementation must pass. Every method that
//! changes data runs in one transaction, and timestamps are Unix seconds (UTC).

mod care;
pub mod contract;
mod personal;
mod practice;
mod records;
mod snapshot;
mod steps;

pub use care::{
    AccessRecord, CalendarFeed, CareLink, CareLinkWith, Homework, Invitation, InvitationRefused,
    NewHomework, NewInvitation,
};
pub use personal::{Experiment, ExperimentStatus, Location, NewExperiment, Reflection};
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

/// What deleting account `?1` does to the care tables, in order: the person's links, access
/// log, homework and invitations go; where they were the other side (a therapist who read or
/// assigned), the reference is cleared but the person's record of it stays.
pub const CARE_DELETIONS: &[&str] = &[
    "DELETE FROM access_log WHERE person_id = ?1",
    "UPDATE access_log SET viewer_id = NULL WHERE viewer_id = ?1",
    "DELETE FROM homework WHERE person_id = ?1",
    "UPDATE homework SET therapist_id = NULL WHERE therapist_id = ?1",
    "DELETE FROM care_links WHERE person_id = ?1 OR therapist_id = ?1",
    "UPDATE invitations SET used_by = NULL WHERE used_by = ?1",
    "DELETE FROM invitations WHERE therapist_id = ?1",
    "UPDATE programme_runs SET assigned_by = NULL WHERE assigned_by = ?1",
];

use async_trait::async_trait;
use chrono::NaiveDate;
use enough_domain::day::DayEntry;

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

/// Everything enough keeps, behind one interface.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The backend's name, for logs: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    // ---- accounts ----

    /// How many accounts exist.
    async fn count_users(&self) -> StoreResult<i64>;
    /// Creates an account; `Conflict` if the e-mail is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    /// Creates an account only if there is none yet (atomically); `None` if one existed.
    async fn create_first_user(&self, user: NewUser) -> StoreResult<Option<User>>;
    /// The account with this (normalised) e-mail, with its password hash.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserCredentials>>;
    /// The account with this id.
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;
    /// Every account, oldest first.
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Changes a person's time zone.
    async fn set_time_zone(&self, user_id: i64, time_zone: &str) -> StoreResult<()>;
    /// Sets (or with `None`, clears) the person's country (ISO 3166 code) for crisis lines.
    async fn set_country(&self, user_id: i64, country: Option<&str>) -> StoreResult<()>;

    // ---- instance settings ----

    /// A setting of the whole installation, e.g. `signup_enabled`.
    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    /// Sets an installation setting.
    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()>;

    // ---- sessions ----

    /// Stores a new session (only the hash of its token).
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// The live session with this token hash and its user; refreshes `last_seen` at most once
    /// a minute. Expired sessions are not returned.
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Session, User)>>;
    /// Ends a session by its token hash.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// A user's live sessions, newest first.
    async fn list_sessions(&self, user_id: i64, now: i64) -> StoreResult<Vec<Session>>;
    /// Ends one of a user's sessions by id; false if it was not theirs or did not exist.
    async fn delete_session_by_id(&self, user_id: i64, session_id: i64) -> StoreResult<bool>;
    /// Removes sessions that expired before `now`.
    async fn purge_expired_sessions(&self, now: i64) -> StoreResult<u64>;

    // ---- sign-in throttling ----

    /// Records one failed sign-in for each key (e.g. `email:…`, `ip:…`).
    async fn record_login_failure(&self, keys: &[String], at: i64) -> StoreResult<()>;
    /// Failed sign-ins for `key` since `since`.
    async fn count_login_failures(&self, key: &str, since: i64) -> StoreResult<i64>;
    /// Forgets failures for `key` (after a successful sign-in) and those older than `before`.
    async fn clear_login_failures(&self, key: &str, before: i64) -> StoreResult<()>;

    /// Atomically reserves one attempt under every key: when each key has fewer than its limit
    /// of attempts at or after `since`, records one attempt per key at `now` and returns true;
    /// otherwise records nothing and returns false. Concurrent callers are serialised per key,
    /// so no more than the limit ever pass (see [`contract::attempts_hold_under_concurrency`]).
    async fn reserve_attempt(
        &self,
        keys: &[(String, i64)],
        since: i64,
        now: i64,
    ) -> StoreResult<bool>;
    /// Replaces an account's password hash and, in the same transaction, ends every session
    /// but `keep_session` and revokes every live token.
    async fn set_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<i64>,
        now: i64,
    ) -> StoreResult<()>;
    /// Ends every session of an account but `keep_session` and revokes its live tokens.
    async fn end_sessions(
        &self,
        user_id: i64,
        keep_session: Option<i64>,
        now: i64,
    ) -> StoreResult<()>;

    // ---- personal access tokens ----

    /// Stores a new token (only its hash).
    async fn create_token(&self, token: NewToken) -> StoreResult<ApiToken>;
    /// The owner of a live (unrevoked) token; records when it was last used.
    async fn user_by_token_hash(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>>;
    /// A user's tokens, newest first, revoked ones included.
    async fn list_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>>;
    /// Revokes one of a user's tokens; false if it was not theirs or already revoked.
    async fn revoke_token(&self, user_id: i64, token_id: i64, now: i64) -> StoreResult<bool>;

    // ---- the daily log ----

    /// Inserts or replaces the entry for `entry.date`; true if it was new.
    async fn upsert_day(&self, user_id: i64, entry: &DayEntry, now: i64) -> StoreResult<bool>;
    /// Writes many days in one transaction (an import): all of them or, on any failure, none.
    async fn upsert_days(&self, user_id: i64, entries: &[DayEntry], now: i64) -> StoreResult<()>;
    /// The entry for one date.
    async fn get_day(&self, user_id: i64, date: NaiveDate) -> StoreResult<Option<DayEntry>>;
    /// Deletes the entry for one date; false if there was none.
    async fn delete_day(&self, user_id: i64, date: NaiveDate) -> StoreResult<bool>;
    /// Entries between `from` and `to` inclusive (either open), newest first.
    async fn list_days(
        &self,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<DayEntry>>;

    // ---- moving an installation ----

    /// Every row, each table ordered by primary key.
    async fn export_all(&self) -> StoreResult<Snapshot>;
    /// Loads a snapshot into an empty store in one transaction, keeping ids; `NotEmpty` if the
    /// store already has accounts or days.
    async fn import_all(&self, snapshot: &Snapshot) -> StoreResult<()>;

    // ---- insights: location, reflections, experiments ----

    /// The person's location, if set.
    async fn location(&self, user_id: i64) -> StoreResult<Option<Location>>;
    /// Sets (or with `None`, clears) the person's location.
    async fn set_location(&self, user_id: i64, location: Option<&Location>) -> StoreResult<()>;
    /// Saves the reflection for a date (replacing one written earlier for it).
    async fn upsert_reflection(
        &self,
        user_id: i64,
        date: NaiveDate,
        text: &str,
        now: i64,
    ) -> StoreResult<()>;
    /// The person's reflections, newest date first.
    async fn reflections(&self, user_id: i64) -> StoreResult<Vec<Reflection>>;
    /// Deletes the reflection for a date; false if there was none.
    async fn delete_reflection(&self, user_id: i64, date: NaiveDate) -> StoreResult<bool>;
    /// Starts an experiment. Active experiments that ended before `today` are marked completed
    /// first; `Conflict` if one is still running.
    async fn start_experiment(
        &self,
        user_id: i64,
        new: NewExperiment,
        today: NaiveDate,
    ) -> StoreResult<Experiment>;
    /// The person's experiments, newest first.
    async fn experiments(&self, user_id: i64) -> StoreResult<Vec<Experiment>>;
    /// Abandons the person's active experiment `id`; false if it was not theirs or not active.
    async fn abandon_experiment(&self, user_id: i64, id: i64, now: i64) -> StoreResult<bool>;
    /// Replaces the schedule in force of the person's active experiment `id` (a swap of two
    /// mornings); false if it was not theirs or not active. The seed, and so the original plan,
    /// never changes.
    async fn set_experiment_schedule(
        &self,
        user_id: i64,
        id: i64,
        schedule: String,
    ) -> StoreResult<bool>;

    // ---- toolkit exercises ----

    /// Saves a new exercise.
    async fn create_exercise(
        &self,
        user_id: i64,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<ExerciseEntry>;
    /// Replaces exercise `id` of the person; `None` if it is not theirs.
    async fn update_exercise(
        &self,
        user_id: i64,
        id: i64,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<Option<ExerciseEntry>>;
    /// Exercise `id` of the person.
    async fn exercise(&self, user_id: i64, id: i64) -> StoreResult<Option<ExerciseEntry>>;
    /// The person's exercises (of one kind, if given), newest date first.
    async fn exercises(&self, user_id: i64, kind: Option<&str>) -> StoreResult<Vec<ExerciseEntry>>;
    /// Deletes exercise `id` of the person; false if it was not theirs.
    async fn delete_exercise(&self, user_id: i64, id: i64) -> StoreResult<bool>;

    // ---- questionnaires ----

    /// Stores a completed questionnaire and removes its draft, in one transaction. Submitting
    /// the same client id again with the same answers changes nothing; with other answers it
    /// is a `Conflict`.
    async fn save_response(&self, user_id: i64, new: &NewResponse) -> StoreResult<SavedResponse>;
    /// The person's completed questionnaires (of one instrument, if given), oldest first.
    async fn responses(
        &self,
        user_id: i64,
        instrument: Option<&str>,
    ) -> StoreResult<Vec<QuestionnaireResponse>>;
    /// Deletes response `id` of the person; false if it was not theirs.
    async fn delete_response(&self, user_id: i64, id: i64) -> StoreResult<bool>;
    /// Saves the answers so far of an unfinished questionnaire.
    async fn save_questionnaire_draft(
        &self,
        user_id: i64,
        instrument: &str,
        answers: &str,
        now: i64,
    ) -> StoreResult<()>;
    /// The unfinished questionnaire of this instrument, if any.
    async fn questionnaire_draft(
        &self,
        user_id: i64,
        instrument: &str,
    ) -> StoreResult<Option<QuestionnaireDraft>>;
    /// Sets (or with `None`, removes) "every N days" for an instrument.
    async fn set_schedule(
        &self,
        user_id: i64,
        instrument: &str,
        every_days: Option<i64>,
        since: NaiveDate,
    ) -> StoreResult<()>;
    /// The person's questionnaire schedules.
    async fn schedules(&self, user_id: i64) -> StoreResult<Vec<QuestionnaireSchedule>>;

    // ---- safety ----

    /// The person's safety plan, if they wrote one.
    async fn safety_plan(&self, user_id: i64) -> StoreResult<Option<SafetyPlanRecord>>;
    /// Saves the person's safety plan.
    async fn set_safety_plan(&self, user_id: i64, plan: &str, now: i64) -> StoreResult<()>;
    /// Records a safety event.
    async fn record_safety_event(
        &self,
        user_id: i64,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> StoreResult<SafetyEvent>;
    /// The person's safety events, newest first.
    async fn safety_events(&self, user_id: i64) -> StoreResult<Vec<SafetyEvent>>;

    // ---- the therapist's side ----

    /// Stores a new invitation.
    async fn create_invitation(&self, new: &NewInvitation) -> StoreResult<Invitation>;
    /// The therapist's invitations, newest first.
    async fn invitations(&self, therapist_id: i64) -> StoreResult<Vec<Invitation>>;
    /// Withdraws an unused invitation of the therapist; false if there was none.
    async fn revoke_invitation(&self, therapist_id: i64, id: i64, now: i64) -> StoreResult<bool>;
    /// Accepts the invitation with this code hash for `person_id`, creating the link with the
    /// given categories, in one transaction (a code works once, even when two people race).
    async fn accept_invitation(
        &self,
        code_hash: &str,
        person_id: i64,
        categories: &str,
        now: i64,
    ) -> StoreResult<Result<CareLink, InvitationRefused>>;
    /// The person's links (active and ended), newest first, with the therapist's address.
    async fn links_of_person(&self, person_id: i64) -> StoreResult<Vec<CareLinkWith>>;
    /// The therapist's active links, with each person's address, by address.
    async fn links_of_therapist(&self, therapist_id: i64) -> StoreResult<Vec<CareLinkWith>>;
    /// The active link between a therapist and a person, if any.
    async fn active_link(&self, therapist_id: i64, person_id: i64)
    -> StoreResult<Option<CareLink>>;
    /// Changes what the person shares on their active link `link_id`; false if not theirs.
    async fn set_link_categories(
        &self,
        person_id: i64,
        link_id: i64,
        categories: &str,
    ) -> StoreResult<bool>;
    /// Ends active link `link_id` where `user_id` is either side; false if there was none.
    async fn end_link(&self, user_id: i64, link_id: i64, now: i64) -> StoreResult<bool>;
    /// Writes one access-log row.
    async fn record_access(&self, record: &AccessRecord) -> StoreResult<()>;
    /// Who read the person's data, newest first.
    async fn access_log(&self, person_id: i64) -> StoreResult<Vec<AccessRecord>>;
    /// Assigns homework.
    async fn create_homework(&self, new: &NewHomework) -> StoreResult<Homework>;
    /// The person's homework (cancelled too), newest first.
    async fn homework_of_person(&self, person_id: i64) -> StoreResult<Vec<Homework>>;
    /// Withdraws homework `id` the therapist assigned; false if there was none.
    async fn cancel_homework(&self, therapist_id: i64, id: i64, now: i64) -> StoreResult<bool>;
    /// Creates or replaces the person's calendar feed.
    async fn set_calendar_feed(&self, feed: &CalendarFeed) -> StoreResult<()>;
    /// The person's calendar feed, if any.
    async fn calendar_feed(&self, user_id: i64) -> StoreResult<Option<CalendarFeed>>;
    /// The feed (and its owner) with this token hash.
    async fn calendar_feed_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(CalendarFeed, User)>>;
    /// Revokes the person's calendar feed; false if there was none.
    async fn delete_calendar_feed(&self, user_id: i64) -> StoreResult<bool>;

    // ---- small imperfect steps ----

    /// Plans an activity.
    async fn create_activity(
        &self,
        user_id: i64,
        input: &ActivityInput,
        now: i64,
    ) -> StoreResult<ActivityRecord>;
    /// Records (or with `None`, clears) what happened with the person's activity `id`; false
    /// if it is not theirs.
    async fn set_activity_outcome(
        &self,
        user_id: i64,
        id: i64,
        outcome: Option<&str>,
        now: i64,
    ) -> StoreResult<bool>;
    /// The person's activity `id`.
    async fn activity(&self, user_id: i64, id: i64) -> StoreResult<Option<ActivityRecord>>;
    /// The person's activities from `from` to `to` inclusive (either open), by date and time.
    async fn activities(
        &self,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<ActivityRecord>>;
    /// Deletes the person's activity `id`; false if it was not theirs.
    async fn delete_activity(&self, user_id: i64, id: i64) -> StoreResult<bool>;
    /// Starts a programme run; `Conflict` if the same programme is already running.
    async fn start_programme(
        &self,
        user_id: i64,
        new: &NewProgrammeRun,
    ) -> StoreResult<ProgrammeRunRecord>;
    /// The person's runs, newest first.
    async fn programme_runs(&self, user_id: i64) -> StoreResult<Vec<ProgrammeRunRecord>>;
    /// Stores the completed days of the person's active run `id`; false if there is none.
    async fn set_run_days(&self, user_id: i64, id: i64, days: &str) -> StoreResult<bool>;
    /// Stops the person's active run `id`; false if there is none.
    async fn end_programme(&self, user_id: i64, id: i64, now: i64) -> StoreResult<bool>;

    // ---- leaving ----

    /// Deletes the account and every row that belongs to it (one transaction), and records
    /// only the time of the deletion. False if there was no such account.
    async fn delete_user(&self, user_id: i64, now: i64) -> StoreResult<bool>;
    /// How many accounts have been deleted (the content-free record).
    async fn count_deletions(&self) -> StoreResult<i64>;
}
