//! The SQLite implementation of the enough store: an embedded file, WAL mode, and
//! `synchronous = FULL`, so an acknowledged write survives a crash or power loss.

mod rows;
mod snapshot;

use async_trait::async_trait;
use chrono::NaiveDate;
use enough_domain::day::DayEntry;
use enough_store::{
    ApiToken, NewSession, NewToken, NewUser, Session, Snapshot, Store, StoreError, StoreResult,
    User, UserCredentials,
};
use rows::{day_from_row, db_error, session_from_row, token_from_row, user_from_row};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Row, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

const USER_COLUMNS: &str = "users.id, users.email, users.role, users.time_zone, users.created_at";
const DAY_COLUMNS: &str =
    "date, daylight_quarter_hours, energy, mood, outside_morning, habits, note";

/// An enough store in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://PATH` or `sqlite::memory:`)
    /// and runs pending migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(db_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let in_memory = url.contains(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists once per connection, so it gets exactly one.
            .max_connections(if in_memory { 1 } else { 8 })
            .connect_with(options)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }

    /// The connection pool, for maintenance commands (backup) and tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
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
        // One statement is atomic in SQLite: it holds the write lock from check to insert.
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, role, time_zone, created_at)
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
        )
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(&user.time_zone)
        .bind(user.created_at)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
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
        .bind(i64::from(e.daylight_quarter_hours))
        .bind(i64::from(e.energy))
        .bind(i64::from(e.mood))
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
               AND ($2 IS NULL OR date >= $2) AND ($3 IS NULL OR date <= $3)
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
}

fn created(id: i64, user: NewUser) -> User {
    User {
        id,
        email: user.email,
        role: user.role,
        time_zone: user.time_zone,
        created_at: user.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_store_keeps_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("contract.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        enough_store::contract::run_all(&store).await;
        let copy = SqliteStore::open(&format!(
            "sqlite://{}",
            dir.path().join("copy.db").display()
        ))
        .await
        .unwrap();
        enough_store::contract::snapshot_round_trip(&store, &copy).await;
    }

    #[tokio::test]
    async fn in_memory_store_keeps_the_contract() {
        let store = SqliteStore::open("sqlite::memory:").await.unwrap();
        enough_store::contract::run_all(&store).await;
    }
}
