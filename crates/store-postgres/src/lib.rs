//! The PostgreSQL implementation of the enough store, for installations that run several app
//! servers over one database. It keeps the same contract as the SQLite store; the differences
//! in dialect (identity columns, real `DATE` and `BOOLEAN` columns, typed NULL parameters, a
//! lock for "create the first account") stay inside this crate.

mod care;
mod personal;
mod practice;
mod rows;
mod snapshot;
mod steps;
pub mod testing;

use async_trait::async_trait;
use chrono::NaiveDate;
use enough_domain::day::DayEntry;
use enough_store::{
    AccessRecord, ActivityInput, ActivityRecord, ApiToken, CalendarFeed, CareLink, CareLinkWith,
    ExerciseEntry, ExerciseInput, Experiment, Homework, Invitation, InvitationRefused, Location,
    NewExperiment, NewHomework, NewInvitation, NewProgrammeRun, NewResponse, NewSession, NewToken,
    NewUser, ProgrammeRunRecord, QuestionnaireDraft, QuestionnaireResponse, QuestionnaireSchedule,
    Reflection, SafetyEvent, SafetyPlanRecord, SavedResponse, Session, Snapshot, Store, StoreError,
    StoreResult, User, UserCredentials,
};
use rows::{day_from_row, db_error, session_from_row, token_from_row, user_from_row};
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool, Row};
use std::time::Duration;

const USER_COLUMNS: &str =
    "users.id, users.email, users.role, users.time_zone, users.created_at, users.country";
const DAY_COLUMNS: &str =
    "date, daylight_quarter_hours, energy, mood, outside_morning, habits, note";

/// The advisory-lock key that serialises `create_first_user` (any fixed number will do; this
/// one is "enough" in ASCII). Advisory locks are per database, so installations don't collide.
const FIRST_USER_LOCK: i64 = 0x656E_6F75_6768;

/// How many connections one app server keeps to PostgreSQL at most.
const MAX_CONNECTIONS: u32 = 16;

/// How long a request waits for a free connection before it fails with an error.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// An enough store in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// runs pending migrations. The database must already exist.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }

    /// The connection pool, for maintenance commands and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn count_users(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        row.try_get("n").map_err(db_error)
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, role, time_zone, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(&user.time_zone)
        .bind(user.created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        let id: i64 = row.try_get("id").map_err(db_error)?;
        Ok(created(id, user))
    }

    async fn create_first_user(&self, user: NewUser) -> StoreResult<Option<User>> {
        // Under READ COMMITTED two callers could both see no users and both insert. The
        // transaction-scoped advisory lock makes them take turns; the second one's NOT EXISTS
        // runs in a fresh snapshot taken after the first committed, so it sees that user.
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(FIRST_USER_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, role, time_zone, created_at)
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
        )
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(&user.time_zone)
        .bind(user.created_at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        match row {
            Some(row) => Ok(Some(created(row.try_get("id").map_err(db_error)?, user))),
            None => Ok(None),
        }
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserCredentials>> {
        let sql = format!("SELECT {USER_COLUMNS}, users.password_hash FROM users WHERE email = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| {
            Ok(UserCredentials {
                user: user_from_row(&row)?,
                password_hash: row.try_get("password_hash").map_err(db_error)?,
            })
        })
        .transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn set_time_zone(&self, user_id: i64, time_zone: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
            .bind(time_zone)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_country(&self, user_id: i64, country: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE users SET country = $1 WHERE id = $2")
            .bind(country)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)
            .map(drop)
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| r.try_get("value").map_err(db_error))
            .transpose()
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn create_session(&self, s: NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(&s.user_agent)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Session, User)>> {
        let sql = format!(
            "SELECT sessions.id AS session_id, sessions.user_id, sessions.csrf_token,
                    sessions.created_at AS session_created_at, sessions.last_seen_at,
                    sessions.expires_at, sessions.user_agent, {USER_COLUMNS}
             FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE sessions.token_hash = $1 AND sessions.expires_at > $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let session = session_from_row(&row, "session_id", "session_created_at")?;
        if now - session.last_seen_at >= 60 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(session.id)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        }
        Ok(Some((session, user_from_row(&row)?)))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn list_sessions(&self, user_id: i64, now: i64) -> StoreResult<Vec<Session>> {
        let rows = sqlx::query(
            "SELECT id, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent
             FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| session_from_row(r, "id", "created_at"))
            .collect()
    }

    async fn delete_session_by_id(&self, user_id: i64, session_id: i64) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(session_id)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn purge_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn record_login_failure(&self, keys: &[String], at: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn count_login_failures(&self, key: &str, since: i64) -> StoreResult<i64> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err(db_error)?;
        row.try_get("n").map_err(db_error)
    }

    async fn clear_login_failures(&self, key: &str, before: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1 OR at < $2")
            .bind(key)
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn reserve_attempt(
        &self,
        keys: &[(String, i64)],
        since: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut sorted = keys.to_vec();
        // One lock order for every caller, so two reservations never wait on each other.
        sorted.sort();
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for (key, _) in &sorted {
            // Held until the transaction ends: concurrent reservations of a key run one by one.
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        for (key, limit) in &sorted {
            let row =
                sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE key = $1 AND at >= $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_error)?;
            let n: i64 = row.try_get("n").map_err(db_error)?;
            if n >= *limit {
                tx.rollback().await.map_err(db_error)?;
                return Ok(false);
            }
        }
        for (key, _) in &sorted {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn set_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        end_sessions_in(&mut tx, user_id, keep_session, now).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn end_sessions(
        &self,
        user_id: i64,
        keep_session: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        end_sessions_in(&mut tx, user_id, keep_session, now).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn create_token(&self, t: NewToken) -> StoreResult<ApiToken> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id",
        )
        .bind(t.user_id)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(t.created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(ApiToken {
            id: row.try_get("id").map_err(db_error)?,
            user_id: t.user_id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: None,
            revoked_at: None,
        })
    }

    async fn user_by_token_hash(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>> {
        let sql = format!(
            "SELECT api_tokens.id AS token_id, api_tokens.last_used_at, {USER_COLUMNS}
             FROM api_tokens JOIN users ON users.id = api_tokens.user_id
             WHERE api_tokens.token_hash = $1 AND api_tokens.revoked_at IS NULL"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        // Record use at most once a minute, so that reads stay reads.
        let last_used: Option<i64> = row.try_get("last_used_at").map_err(db_error)?;
        if last_used.is_none_or(|t| now - t >= 60) {
            let token_id: i64 = row.try_get("token_id").map_err(db_error)?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(token_id)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        }
        Ok(Some(user_from_row(&row)?))
    }

    async fn list_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, user_id: i64, token_id: i64, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn upsert_day(&self, user_id: i64, e: &DayEntry, now: i64) -> StoreResult<bool> {
        // ON CONFLICT DO UPDATE is atomic even when two requests write the same day at once:
        // exactly one of them inserts (revision 1), the other updates the row it now sees.
        let row = sqlx::query(
            "INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood, outside_morning,
                               habits, note, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
             ON CONFLICT (user_id, date) DO UPDATE SET
                 daylight_quarter_hours = excluded.daylight_quarter_hours,
                 energy = excluded.energy, mood = excluded.mood,
                 outside_morning = excluded.outside_morning, habits = excluded.habits,
                 note = excluded.note, updated_at = excluded.updated_at,
                 revision = days.revision + 1
             RETURNING revision",
        )
        .bind(user_id)
        .bind(e.date)
        .bind(e.daylight_quarter_hours.map(i64::from))
        .bind(e.energy.map(i64::from))
        .bind(e.mood.map(i64::from))
        .bind(e.outside_morning)
        .bind(e.habits.to_bits())
        .bind(e.note.as_deref())
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        let revision: i64 = row.try_get("revision").map_err(db_error)?;
        Ok(revision == 1)
    }

    async fn upsert_days(&self, user_id: i64, entries: &[DayEntry], now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for e in entries {
            sqlx::query(
                "INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood, outside_morning,
                                   habits, note, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                 ON CONFLICT (user_id, date) DO UPDATE SET
                     daylight_quarter_hours = excluded.daylight_quarter_hours,
                     energy = excluded.energy, mood = excluded.mood,
                     outside_morning = excluded.outside_morning, habits = excluded.habits,
                     note = excluded.note, updated_at = excluded.updated_at,
                     revision = days.revision + 1",
            )
            .bind(user_id)
            .bind(e.date)
            .bind(e.daylight_quarter_hours.map(i64::from))
            .bind(e.energy.map(i64::from))
            .bind(e.mood.map(i64::from))
            .bind(e.outside_morning)
            .bind(e.habits.to_bits())
            .bind(e.note.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn get_day(&self, user_id: i64, date: NaiveDate) -> StoreResult<Option<DayEntry>> {
        let sql = format!("SELECT {DAY_COLUMNS} FROM days WHERE user_id = $1 AND date = $2");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(user_id)
            .bind(date)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(day_from_row).transpose()
    }

    async fn delete_day(&self, user_id: i64, date: NaiveDate) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM days WHERE user_id = $1 AND date = $2")
            .bind(user_id)
            .bind(date)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_days(
        &self,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<DayEntry>> {
        let sql = format!(
            "SELECT {DAY_COLUMNS} FROM days WHERE user_id = $1
               AND ($2::date IS NULL OR date >= $2::date)
               AND ($3::date IS NULL OR date <= $3::date)
             ORDER BY date DESC"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(user_id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(day_from_row).collect()
    }

    async fn export_all(&self) -> StoreResult<Snapshot> {
        snapshot::export_all(&self.pool).await
    }

    async fn import_all(&self, snapshot: &Snapshot) -> StoreResult<()> {
        snapshot::import_all(&self.pool, snapshot).await
    }

    async fn location(&self, user_id: i64) -> StoreResult<Option<Location>> {
        personal::location(&self.pool, user_id).await
    }

    async fn set_location(&self, user_id: i64, location: Option<&Location>) -> StoreResult<()> {
        personal::set_location(&self.pool, user_id, location).await
    }

    async fn upsert_reflection(
        &self,
        user_id: i64,
        date: NaiveDate,
        text: &str,
        now: i64,
    ) -> StoreResult<()> {
        personal::upsert_reflection(&self.pool, user_id, date, text, now).await
    }

    async fn reflections(&self, user_id: i64) -> StoreResult<Vec<Reflection>> {
        personal::reflections(&self.pool, user_id).await
    }

    async fn delete_reflection(&self, user_id: i64, date: NaiveDate) -> StoreResult<bool> {
        personal::delete_reflection(&self.pool, user_id, date).await
    }

    async fn start_experiment(
        &self,
        user_id: i64,
        new: NewExperiment,
        today: NaiveDate,
    ) -> StoreResult<Experiment> {
        personal::start_experiment(&self.pool, user_id, new, today).await
    }

    async fn experiments(&self, user_id: i64) -> StoreResult<Vec<Experiment>> {
        personal::experiments(&self.pool, user_id).await
    }

    async fn abandon_experiment(&self, user_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        personal::abandon_experiment(&self.pool, user_id, id, now).await
    }

    async fn set_experiment_schedule(
        &self,
        user_id: i64,
        id: i64,
        schedule: String,
    ) -> StoreResult<bool> {
        personal::set_experiment_schedule(&self.pool, user_id, id, &schedule).await
    }

    async fn create_exercise(
        &self,
        user_id: i64,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<ExerciseEntry> {
        practice::create_exercise(&self.pool, user_id, input, now).await
    }

    async fn update_exercise(
        &self,
        user_id: i64,
        id: i64,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<Option<ExerciseEntry>> {
        practice::update_exercise(&self.pool, user_id, id, input, now).await
    }

    async fn exercise(&self, user_id: i64, id: i64) -> StoreResult<Option<ExerciseEntry>> {
        practice::exercise(&self.pool, user_id, id).await
    }

    async fn exercises(&self, user_id: i64, kind: Option<&str>) -> StoreResult<Vec<ExerciseEntry>> {
        practice::exercises(&self.pool, user_id, kind).await
    }

    async fn delete_exercise(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        practice::delete_exercise(&self.pool, user_id, id).await
    }

    async fn save_response(&self, user_id: i64, new: &NewResponse) -> StoreResult<SavedResponse> {
        practice::save_response(&self.pool, user_id, new).await
    }

    async fn responses(
        &self,
        user_id: i64,
        instrument: Option<&str>,
    ) -> StoreResult<Vec<QuestionnaireResponse>> {
        practice::responses(&self.pool, user_id, instrument).await
    }

    async fn delete_response(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        practice::delete_response(&self.pool, user_id, id).await
    }

    async fn save_questionnaire_draft(
        &self,
        user_id: i64,
        instrument: &str,
        answers: &str,
        now: i64,
    ) -> StoreResult<()> {
        practice::save_draft(&self.pool, user_id, instrument, answers, now).await
    }

    async fn questionnaire_draft(
        &self,
        user_id: i64,
        instrument: &str,
    ) -> StoreResult<Option<QuestionnaireDraft>> {
        practice::draft(&self.pool, user_id, instrument).await
    }

    async fn set_schedule(
        &self,
        user_id: i64,
        instrument: &str,
        every_days: Option<i64>,
        since: NaiveDate,
    ) -> StoreResult<()> {
        practice::set_schedule(&self.pool, user_id, instrument, every_days, since).await
    }

    async fn schedules(&self, user_id: i64) -> StoreResult<Vec<QuestionnaireSchedule>> {
        practice::schedules(&self.pool, user_id).await
    }

    async fn safety_plan(&self, user_id: i64) -> StoreResult<Option<SafetyPlanRecord>> {
        practice::safety_plan(&self.pool, user_id).await
    }

    async fn set_safety_plan(&self, user_id: i64, plan: &str, now: i64) -> StoreResult<()> {
        practice::set_safety_plan(&self.pool, user_id, plan, now).await
    }

    async fn record_safety_event(
        &self,
        user_id: i64,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> StoreResult<SafetyEvent> {
        practice::record_safety_event(&self.pool, user_id, kind, detail, at).await
    }

    async fn safety_events(&self, user_id: i64) -> StoreResult<Vec<SafetyEvent>> {
        practice::safety_events(&self.pool, user_id).await
    }

    async fn create_invitation(&self, new: &NewInvitation) -> StoreResult<Invitation> {
        care::create_invitation(&self.pool, new).await
    }

    async fn invitations(&self, therapist_id: i64) -> StoreResult<Vec<Invitation>> {
        care::invitations(&self.pool, therapist_id).await
    }

    async fn revoke_invitation(&self, therapist_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        care::revoke_invitation(&self.pool, therapist_id, id, now).await
    }

    async fn accept_invitation(
        &self,
        code_hash: &str,
        person_id: i64,
        categories: &str,
        now: i64,
    ) -> StoreResult<Result<CareLink, InvitationRefused>> {
        care::accept_invitation(&self.pool, code_hash, person_id, categories, now).await
    }

    async fn links_of_person(&self, person_id: i64) -> StoreResult<Vec<CareLinkWith>> {
        care::links_of_person(&self.pool, person_id).await
    }

    async fn links_of_therapist(&self, therapist_id: i64) -> StoreResult<Vec<CareLinkWith>> {
        care::links_of_therapist(&self.pool, therapist_id).await
    }

    async fn active_link(
        &self,
        therapist_id: i64,
        person_id: i64,
    ) -> StoreResult<Option<CareLink>> {
        care::active_link(&self.pool, therapist_id, person_id).await
    }

    async fn set_link_categories(
        &self,
        person_id: i64,
        link_id: i64,
        categories: &str,
    ) -> StoreResult<bool> {
        care::set_link_categories(&self.pool, person_id, link_id, categories).await
    }

    async fn end_link(&self, user_id: i64, link_id: i64, now: i64) -> StoreResult<bool> {
        care::end_link(&self.pool, user_id, link_id, now).await
    }

    async fn record_access(&self, record: &AccessRecord) -> StoreResult<()> {
        care::record_access(&self.pool, record).await
    }

    async fn access_log(&self, person_id: i64) -> StoreResult<Vec<AccessRecord>> {
        care::access_log(&self.pool, person_id).await
    }

    async fn create_homework(&self, new: &NewHomework) -> StoreResult<Homework> {
        care::create_homework(&self.pool, new).await
    }

    async fn homework_of_person(&self, person_id: i64) -> StoreResult<Vec<Homework>> {
        care::homework_of_person(&self.pool, person_id).await
    }

    async fn cancel_homework(&self, therapist_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        care::cancel_homework(&self.pool, therapist_id, id, now).await
    }

    async fn set_calendar_feed(&self, feed: &CalendarFeed) -> StoreResult<()> {
        care::set_calendar_feed(&self.pool, feed).await
    }

    async fn calendar_feed(&self, user_id: i64) -> StoreResult<Option<CalendarFeed>> {
        care::calendar_feed(&self.pool, user_id).await
    }

    async fn calendar_feed_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(CalendarFeed, User)>> {
        care::calendar_feed_by_token(&self.pool, token_hash).await
    }

    async fn delete_calendar_feed(&self, user_id: i64) -> StoreResult<bool> {
        care::delete_calendar_feed(&self.pool, user_id).await
    }

    async fn create_activity(
        &self,
        user_id: i64,
        input: &ActivityInput,
        now: i64,
    ) -> StoreResult<ActivityRecord> {
        steps::create_activity(&self.pool, user_id, input, now).await
    }

    async fn set_activity_outcome(
        &self,
        user_id: i64,
        id: i64,
        outcome: Option<&str>,
        now: i64,
    ) -> StoreResult<bool> {
        steps::set_activity_outcome(&self.pool, user_id, id, outcome, now).await
    }

    async fn activity(&self, user_id: i64, id: i64) -> StoreResult<Option<ActivityRecord>> {
        steps::activity(&self.pool, user_id, id).await
    }

    async fn activities(
        &self,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<ActivityRecord>> {
        steps::activities(&self.pool, user_id, from, to).await
    }

    async fn delete_activity(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        steps::delete_activity(&self.pool, user_id, id).await
    }

    async fn start_programme(
        &self,
        user_id: i64,
        new: &NewProgrammeRun,
    ) -> StoreResult<ProgrammeRunRecord> {
        steps::start_programme(&self.pool, user_id, new).await
    }

    async fn programme_runs(&self, user_id: i64) -> StoreResult<Vec<ProgrammeRunRecord>> {
        steps::programme_runs(&self.pool, user_id).await
    }

    async fn set_run_days(&self, user_id: i64, id: i64, days: &str) -> StoreResult<bool> {
        steps::set_run_days(&self.pool, user_id, id, days).await
    }

    async fn end_programme(&self, user_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        steps::end_programme(&self.pool, user_id, id, now).await
    }

    async fn delete_user(&self, user_id: i64, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for table in enough_store::PERSONAL_TABLES {
            let sql = format!("DELETE FROM {table} WHERE user_id = $1");
            sqlx::query(AssertSqlSafe(sql))
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        for statement in enough_store::CARE_DELETIONS {
            sqlx::query(AssertSqlSafe(statement.replace("?1", "$1")))
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected()
            > 0;
        if deleted {
            sqlx::query("INSERT INTO account_deletions (deleted_at) VALUES ($1)")
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(deleted)
    }

    async fn count_deletions(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM account_deletions")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        row.try_get("n").map_err(db_error)
    }
}

/// Ends every session of `user_id` but `keep` and revokes its live tokens.
async fn end_sessions_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user_id: i64,
    keep: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

fn created(id: i64, user: NewUser) -> User {
    User {
        id,
        email: user.email,
        role: user.role,
        time_zone: user.time_zone,
        country: None,
        created_at: user.created_at,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{base_url_from_env, fresh_database};
    use enough_domain::account::Role;
    use enough_store::contract::{day, new_user};
    use std::future::Future;
    use std::sync::Arc;
    use tokio::sync::Barrier;

    /// Runs `body` on a store in a fresh database and drops the database afterwards, also
    /// when `body` panics. Skips (passes) when no PostgreSQL server is configured.
    async fn on_fresh_store<F, Fut>(test: &str, body: F)
    where
        F: FnOnce(PostgresStore) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Some(base_url) = base_url_from_env(test) else {
            return;
        };
        let db = fresh_database(&base_url).await.unwrap();
        let store = match PostgresStore::connect(&db.url).await {
            Ok(store) => store,
            Err(e) => {
                db.drop_database().await.unwrap();
                panic!("cannot connect to the fresh database: {e}");
            }
        };
        let outcome = tokio::spawn(body(store.clone())).await;
        store.pool().close().await;
        db.drop_database().await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    #[tokio::test]
    async fn postgres_store_keeps_the_contract() {
        on_fresh_store("postgres_store_keeps_the_contract", |store| async move {
            enough_store::contract::run_all(&store).await;
        })
        .await;
    }

    #[tokio::test]
    async fn a_snapshot_moves_into_another_database_unchanged() {
        let Some(base_url) = base_url_from_env("a_snapshot_moves_into_another_database_unchanged")
        else {
            return;
        };
        let (a, b) = (
            fresh_database(&base_url).await.unwrap(),
            fresh_database(&base_url).await.unwrap(),
        );
        let (from, to) = (
            PostgresStore::connect(&a.url).await.unwrap(),
            PostgresStore::connect(&b.url).await.unwrap(),
        );
        let (f, t) = (from.clone(), to.clone());
        let outcome = tokio::spawn(async move {
            enough_store::contract::run_all(&f).await;
            enough_store::contract::snapshot_round_trip(&f, &t).await;
        })
        .await;
        from.pool().close().await;
        to.pool().close().await;
        a.drop_database().await.unwrap();
        b.drop_database().await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_of_one_day_leave_one_row() {
        on_fresh_store(
            "concurrent_writes_of_one_day_leave_one_row",
            |store| async move {
                let user = store
                    .create_user(new_user("race@example.org", Role::Person))
                    .await
                    .unwrap();
                // Several rounds, so the two writers really do meet in the database now and then.
                for round in 1..=20u32 {
                    let date = format!("2026-01-{round:02}");
                    let (a, b) = (day(&date, 3), day(&date, 8));
                    let start = Arc::new(Barrier::new(2));
                    let write = |entry: DayEntry| {
                        let (store, start) = (store.clone(), start.clone());
                        tokio::spawn(async move {
                            start.wait().await;
                            store.upsert_day(user.id, &entry, 1).await
                        })
                    };
                    let (task_a, task_b) = (write(a.clone()), write(b.clone()));
                    let new_a = task_a.await.unwrap().unwrap();
                    let new_b = task_b.await.unwrap().unwrap();
                    assert!(
                        new_a != new_b,
                        "round {round}: exactly one write is new ({new_a}, {new_b})"
                    );
                    let stored = store.get_day(user.id, a.date).await.unwrap().unwrap();
                    assert!(
                        stored == a || stored == b,
                        "round {round}: stored row is one of the writes"
                    );
                    let listed = store
                        .list_days(user.id, Some(a.date), Some(a.date))
                        .await
                        .unwrap();
                    assert_eq!(listed.len(), 1, "round {round}: one row per date");
                }
                assert_eq!(
                    store.list_days(user.id, None, None).await.unwrap().len(),
                    20
                );
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_accepts_of_one_code_create_one_link() {
        on_fresh_store(
            "concurrent_accepts_of_one_code_create_one_link",
            |store| async move {
                let therapist = store
                    .create_user(new_user("race-therapist@example.org", Role::Therapist))
                    .await
                    .unwrap();
                let mut people = Vec::new();
                for i in 0..8 {
                    let email = format!("race-person-{i}@example.org");
                    people.push(
                        store
                            .create_user(new_user(&email, Role::Person))
                            .await
                            .unwrap(),
                    );
                }
                // Several rounds, each with all callers released at once: a missing row lock
                // would let two of them use one code.
                for round in 0..10 {
                    let code = format!("race-code-{round}");
                    store
                        .create_invitation(&NewInvitation {
                            therapist_id: therapist.id,
                            code_hash: code.clone(),
                            label: String::new(),
                            created_at: 1,
                            expires_at: i64::MAX,
                        })
                        .await
                        .unwrap();
                    let start = Arc::new(Barrier::new(people.len()));
                    let tasks: Vec<_> = people
                        .iter()
                        .map(|person| {
                            let (store, start, code) = (store.clone(), start.clone(), code.clone());
                            let person = person.id;
                            tokio::spawn(async move {
                                start.wait().await;
                                store.accept_invitation(&code, person, "log", 2).await
                            })
                        })
                        .collect();
                    let mut accepted = Vec::new();
                    for task in tasks {
                        match task.await.unwrap().unwrap() {
                            Ok(link) => accepted.push(link),
                            Err(refused) => {
                                assert_eq!(refused, InvitationRefused::AlreadyUsed, "round {round}")
                            }
                        }
                    }
                    assert_eq!(accepted.len(), 1, "round {round}: one code, one link");
                    // End it, so that this person can accept again in a later round.
                    assert!(
                        store
                            .end_link(therapist.id, accepted[0].id, 3)
                            .await
                            .unwrap()
                    );
                    let used = store
                        .invitations(therapist.id)
                        .await
                        .unwrap()
                        .into_iter()
                        .find(|i| i.code_hash == code)
                        .unwrap();
                    assert_eq!(
                        used.used_by,
                        Some(accepted[0].person_id),
                        "round {round}: the invitation names the one who used it"
                    );
                }
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_first_users_create_one_account() {
        on_fresh_store(
            "concurrent_first_users_create_one_account",
            |store| async move {
                // Several rounds on an emptied table, each with all callers released at once,
                // so a missing lock shows up reliably rather than now and then.
                for round in 0..10 {
                    sqlx::query("DELETE FROM users")
                        .execute(store.pool())
                        .await
                        .unwrap();
                    let start = Arc::new(Barrier::new(8));
                    let tasks: Vec<_> = (0..8)
                        .map(|i| {
                            let (store, start) = (store.clone(), start.clone());
                            let email = format!("first{round}-{i}@example.org");
                            tokio::spawn(async move {
                                start.wait().await;
                                store.create_first_user(new_user(&email, Role::Admin)).await
                            })
                        })
                        .collect();
                    let mut created = 0;
                    for task in tasks {
                        if task.await.unwrap().unwrap().is_some() {
                            created += 1;
                        }
                    }
                    assert_eq!(
                        created, 1,
                        "round {round}: exactly one caller created an account"
                    );
                    assert_eq!(store.count_users().await.unwrap(), 1, "round {round}");
                }
            },
        )
        .await;
    }
}
