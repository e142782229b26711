//! A whole installation as plain rows, for moving it between stores (`enough migrate-store`),
//! with per-table row counts and checksums to prove nothing changed on the way.

use crate::{
    AccessRecord, ActivityRecord, CalendarFeed, CareLink, ExerciseEntry, Experiment, Homework,
    Invitation, Location, ProgrammeRunRecord, QuestionnaireDraft, QuestionnaireResponse,
    QuestionnaireSchedule, Reflection, SafetyEvent, SafetyPlanRecord,
};
use enough_domain::day::DayEntry;
use enough_domain::{PersonId, SessionId, TokenId};
use sha2::{Digest, Sha256};

/// An account with everything stored about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Id, kept across stores so references stay valid.
    pub id: PersonId,
    /// E-mail address.
    pub email: String,
    /// argon2id hash.
    pub password_hash: String,
    /// `person`, `therapist` or `admin`.
    pub role: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Unix seconds.
    pub created_at: i64,
    /// ISO 3166 country code for crisis lines, if chosen.
    pub country: Option<String>,
}

/// A session row (only the token's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Id.
    pub id: SessionId,
    /// SHA-256 of the cookie token.
    pub token_hash: String,
    /// Owner.
    pub user_id: PersonId,
    /// CSRF token.
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub last_seen_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Browser description.
    pub user_agent: String,
}

/// A personal access token row (only the token's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Id.
    pub id: TokenId,
    /// Owner.
    pub user_id: PersonId,
    /// Name.
    pub name: String,
    /// SHA-256 of the token.
    pub token_hash: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub last_used_at: Option<i64>,
    /// Unix seconds.
    pub revoked_at: Option<i64>,
}

/// A day of the log with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    /// Owner.
    pub user_id: PersonId,
    /// The entry.
    pub entry: DayEntry,
    /// How many times it was written.
    pub revision: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// A person's location.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationRow {
    /// Owner.
    pub user_id: PersonId,
    /// The location.
    pub location: Location,
}

/// A written reflection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReflectionRow {
    /// Owner.
    pub user_id: PersonId,
    /// The reflection.
    pub reflection: Reflection,
    /// Unix seconds.
    pub created_at: i64,
}

/// Every row of a store, each table ordered by its primary key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// `users`, by id.
    pub users: Vec<UserRow>,
    /// `settings`, by key.
    pub settings: Vec<(String, String)>,
    /// `sessions`, by id.
    pub sessions: Vec<SessionRow>,
    /// `login_failures`, by key then time.
    pub login_failures: Vec<(String, i64)>,
    /// `api_tokens`, by id.
    pub api_tokens: Vec<TokenRow>,
    /// `days`, by owner then date.
    pub days: Vec<DayRow>,
    /// `locations`, by owner.
    pub locations: Vec<LocationRow>,
    /// `reflections`, by owner then date.
    pub reflections: Vec<ReflectionRow>,
    /// `experiments`, by id.
    pub experiments: Vec<Experiment>,
    /// `exercise_entries`, by id.
    pub exercise_entries: Vec<ExerciseEntry>,
    /// `questionnaire_responses`, by id.
    pub questionnaire_responses: Vec<QuestionnaireResponse>,
    /// `questionnaire_drafts`, by owner then instrument.
    pub questionnaire_drafts: Vec<QuestionnaireDraft>,
    /// `questionnaire_schedules`, by owner then instrument.
    pub questionnaire_schedules: Vec<QuestionnaireSchedule>,
    /// `safety_plans`, by owner.
    pub safety_plans: Vec<SafetyPlanRecord>,
    /// `safety_events`, by id.
    pub safety_events: Vec<SafetyEvent>,
    /// `invitations`, by id.
    pub invitations: Vec<Invitation>,
    /// `care_links`, by id.
    pub care_links: Vec<CareLink>,
    /// `access_log`, by id.
    pub access_log: Vec<AccessRecord>,
    /// `homework`, by id.
    pub homework: Vec<Homework>,
    /// `calendar_feeds`, by owner.
    pub calendar_feeds: Vec<CalendarFeed>,
    /// `activities`, by id.
    pub activities: Vec<ActivityRecord>,
    /// `programme_runs`, by id.
    pub programme_runs: Vec<ProgrammeRunRecord>,
}

/// One table's row count and checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    /// Table name.
    pub table: &'static str,
    /// Rows.
    pub rows: usize,
    /// SHA-256 over the table's rows in order, hex.
    pub checksum: String,
}

fn summarise<T: std::fmt::Debug>(table: &'static str, rows: &[T]) -> TableSummary {
    let mut hasher = Sha256::new();
    for row in rows {
        hasher.update(format!("{row:?}\n").as_bytes());
    }
    let checksum = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    TableSummary {
        table,
        rows: rows.len(),
        checksum,
    }
}

impl Snapshot {
    /// Row counts and checksums per table, to compare a source with its copy.
    pub fn summary(&self) -> Vec<TableSummary> {
        vec![
            summarise("users", &self.users),
            summarise("settings", &self.settings),
            summarise("sessions", &self.sessions),
            summarise("login_failures", &self.login_failures),
            summarise("api_tokens", &self.api_tokens),
            summarise("days", &self.days),
            summarise("locations", &self.locations),
            summarise("reflections", &self.reflections),
            summarise("experiments", &self.experiments),
            summarise("exercise_entries", &self.exercise_entries),
            summarise("questionnaire_responses", &self.questionnaire_responses),
            summarise("questionnaire_drafts", &self.questionnaire_drafts),
            summarise("questionnaire_schedules", &self.questionnaire_schedules),
            summarise("safety_plans", &self.safety_plans),
            summarise("safety_events", &self.safety_events),
            summarise("invitations", &self.invitations),
            summarise("care_links", &self.care_links),
            summarise("access_log", &self.access_log),
            summarise("homework", &self.homework),
            summarise("calendar_feeds", &self.calendar_feeds),
            summarise("activities", &self.activities),
            summarise("programme_runs", &self.programme_runs),
        ]
    }

    /// Orders every table canonically (stores return them ordered; this makes it certain).
    pub fn sort(&mut self) {
        self.users.sort_by_key(|r| r.id);
        self.settings.sort();
        self.sessions.sort_by_key(|r| r.id);
        self.login_failures.sort();
        self.api_tokens.sort_by_key(|r| r.id);
        self.days.sort_by_key(|r| (r.user_id, r.entry.date));
        self.locations.sort_by_key(|r| r.user_id);
        self.reflections
            .sort_by_key(|r| (r.user_id, r.reflection.date));
        self.experiments.sort_by_key(|r| r.id);
        self.exercise_entries.sort_by_key(|r| r.id);
        self.questionnaire_responses.sort_by_key(|r| r.id);
        self.questionnaire_drafts
            .sort_by(|a, b| (a.user_id, &a.instrument).cmp(&(b.user_id, &b.instrument)));
        self.questionnaire_schedules
            .sort_by(|a, b| (a.user_id, &a.instrument).cmp(&(b.user_id, &b.instrument)));
        self.safety_plans.sort_by_key(|r| r.user_id);
        self.safety_events.sort_by_key(|r| r.id);
        self.invitations.sort_by_key(|r| r.id);
        self.care_links.sort_by_key(|r| r.id);
        self.access_log.sort_by_key(|r| r.id);
        self.homework.sort_by_key(|r| r.id);
        self.calendar_feeds.sort_by_key(|r| r.user_id);
        self.activities.sort_by_key(|r| r.id);
        self.programme_runs.sort_by_key(|r| r.id);
    }
}
