//! The use cases of enough, one method per thing a person or admin does, with authorisation.
//!
//! The web layer and the CLI both call [`App`]; neither holds logic of its own. `App` works over
//! any [`Store`], chosen at run time.

mod accounts;
mod calendar;
mod care;
mod caseload;
mod days;
mod error;
mod export_formats;
mod hashing;
mod homework;
mod identity;
mod import;
mod insights;
mod insights_cache;
mod light;
mod maintenance;
mod measures;
mod own_data;
mod own_import;
pub mod rules;
mod safety;
mod secrets;
mod steps;
mod summary;
mod tokens;
mod toolkit;

pub use accounts::{DEVICE_COOKIE_MAX_AGE_SECS, SIGN_IN_WINDOW_SECS, SignedIn, SignedInAs};
pub use calendar::FEED_DAYS_AHEAD;
pub use care::{ClientSafety, ClientView, INVITATION_DAYS, LinkedPerson};
pub use caseload::{ALERT_DAYS, CaseloadRow, LatestScore, SafetyAlert};
pub use days::{MoveChoice, Moved};
pub use error::AppError;
pub use hashing::{BUSY_RETRY_AFTER_SECS, HashingStats};
pub use homework::HomeworkView;
pub use identity::Me;
pub use import::{
    ImportFormat, ImportPreview, StagedDay, bearable_rule, default_activity_mapping,
    default_mood_mapping, first_problems, parse_activity_mapping, parse_import, parse_import_with,
    parse_mood_mapping, unmatched_activities,
};
pub use insights::{DEFAULT_RANGE_DAYS, Derived, InsightsRange, RenderedBody};
pub use insights_cache::InsightsCacheStats;
pub use light::{ExperimentView, InsightsExtras, REFLECTION_MAX};
pub use maintenance::migrate_store;
pub use measures::{
    Administration, CLIENT_ID_MAX, HistoryPoint, InstrumentOverview, MeasureHistory,
    SCHEDULE_MAX_DAYS, Submitted, parse_every_days,
};
pub use own_data::{EXPORT_VERSION, Export};
pub use own_import::{OWN_EXPORT_MAX_BYTES, OwnImportSummary};
pub use safety::{
    Assessment, Change, CountryHints, CountrySource, EVENT_PHQ9_ITEM9, EVENT_SELF_HARM_LANGUAGE,
    SafetyPlanView, Saving, Support, SupportReason, assess,
};
pub use secrets::SessionToken;
pub use steps::{ActivityView, ProgrammeChoice, RunView};
pub use summary::{
    ExerciseGroup, ExerciseLine, LogSummary, QuestionnaireSummary, SUMMARY_DEFAULT_DAYS,
    SUMMARY_MAX_DAYS, ScoreLine, SessionSummary, summary_range,
};
pub use tokens::TOKEN_PREFIX;
pub use toolkit::{
    ExerciseRecord, ExerciseSubmission, SavedExercise, ToolkitProgress, exercise_def,
};

/// A fresh random token for forms shown before sign-in (CSRF double submit).
pub fn random_form_token() -> String {
    secrets::random_token()
}

use chrono::{DateTime, Utc};
use enough_store::Store;
use std::sync::Arc;

/// Shorthand for results of use cases.
pub type AppResult<T> = Result<T, AppError>;

/// Tunable limits of the application.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long a browser session lasts without signing in again, in seconds.
    pub session_ttl_secs: i64,
    /// Failed sign-ins per account within the window before sign-in pauses.
    pub max_failures_per_account: i64,
    /// Failed sign-ins per network address within the window before sign-in pauses.
    pub max_failures_per_address: i64,
    /// How long a browser session lasts unused before it ends, in seconds.
    pub session_idle_secs: i64,
    /// Password hashes run at once, on threads of lower OS priority (0: the default, one, so
    /// hashing takes at most one core's worth and never starves reads).
    pub hash_threads: usize,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_ttl_secs: 30 * 24 * 3600,
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            session_idle_secs: 7 * 24 * 3600,
            hash_threads: 0,
        }
    }
}

/// The application: a store and its limits. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    config: AppConfig,
    /// The bounded password-hashing threads, shared by every clone.
    hasher: Arc<hashing::HashPool>,
    /// Seconds added to the system clock (0 in production; moved only by tests).
    clock_offset: Arc<std::sync::atomic::AtomicI64>,
    /// Computed insights by (epoch, person, what, range, data version), shared by every clone.
    insights_cache: Arc<insights_cache::InsightsCache>,
}

impl App {
    /// An application over `store` with default limits.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_config(store, AppConfig::default())
    }

    /// An application over `store` with the given limits.
    pub fn with_config(store: Arc<dyn Store>, config: AppConfig) -> Self {
        let hasher = Arc::new(hashing::HashPool::new(
            config.hash_threads,
            std::time::Duration::from_secs(3),
        ));
        Self {
            store,
            config,
            hasher,
            clock_offset: Arc::default(),
            insights_cache: Arc::default(),
        }
    }

    /// The store's backend name (`sqlite` or `postgres`).
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The store, for maintenance commands.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// How many password hashes run at once.
    pub fn hash_threads(&self) -> usize {
        self.hasher.threads()
    }

    /// What password hashing is doing now (queue, running, refusals), for operators.
    pub fn hashing_stats(&self) -> HashingStats {
        self.hasher.stats()
    }

    /// How the insights cache has been used (hits, misses, size), for operators.
    pub fn insights_cache_stats(&self) -> InsightsCacheStats {
        self.insights_cache.stats()
    }

    /// Whether the database answers a read of the schema the migrations made: what a
    /// readiness probe asks. Any error means "not ready".
    pub async fn check_database(&self) -> AppResult<()> {
        // A point read on the settings table: cheap on both stores, and only possible once
        // the migrations ran (the store runs them before the server listens).
        self.sign_up_open().await.map(|_| ())
    }

    /// Seconds a new session lasts.
    pub fn session_ttl_secs(&self) -> i64 {
        self.config.session_ttl_secs
    }

    /// The current time (one place, so a test clock can replace it later).
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now()
            + chrono::Duration::seconds(
                self.clock_offset.load(std::sync::atomic::Ordering::Relaxed),
            )
    }

    /// Moves this application's clock (and every clone's) forward, for tests that need time
    /// to pass (a missed day). Nothing in the web layer or CLI calls it.
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.clock_offset
            .fetch_add(by.num_seconds(), std::sync::atomic::Ordering::Relaxed);
    }
}
