//! The SQLite implementation of the enough store: an embedded file in WAL mode with
//! `synchronous = FULL`, so an acknowledged write survives a crash or power loss.
//!
//! Reads run on a small pool of connections ([`readers`]); every write goes to one writer
//! thread that commits whatever is waiting in one transaction ([`writer`], group commit), so
//! concurrent writers share an fsync and are answered only once their write is durable.

mod backup;
pub use backup::{restore, verify as verify_backup};

/// The file path behind a `sqlite://PATH` URL.
pub fn path_from_url(url: &str) -> StoreResult<std::path::PathBuf> {
    connection::path_from_url(url)
}
mod care;
mod connection;
mod migrate;
mod personal;
mod practice;
mod readers;
mod rows;
mod snapshot;
mod steps;
mod writer;

use async_trait::async_trait;
use chrono::NaiveDate;
use connection::Purpose;
use enough_domain::day::DayEntry;
use enough_store::{
    AccessRecord, ActivityInput, ActivityRecord, ApiToken, CalendarFeed, CareLink, CareLinkWith,
    ExerciseEntry, ExerciseInput, Experiment, Homework, Invitation, InvitationRefused, Location,
    NewExperiment, NewHomework, NewInvitation, NewProgrammeRun, NewResponse, NewSession, NewToken,
    NewUser, ProgrammeRunRecord, QuestionnaireDraft, QuestionnaireResponse, QuestionnaireSchedule,
    Reflection, SafetyEvent, SafetyPlanRecord, SavedResponse, Session, Snapshot, Store, StoreError,
    StoreResult, User, UserCredentials,
};
use readers::Readers;
use rows::{
    USER_WIDTH, date_text, day_columns, day_from_row, execute, get, query_all, query_one,
    query_opt, session_columns, session_from_row, token_columns, token_from_row, user_columns,
    user_from_row,
};
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use writer::Writer;

/// Read connections (and reader threads): one per core, at least two so that a long read
/// (an export, a backup) does not hold up the others, and at most four. More readers than
/// cores only add thread switches: on two cores, four readers served ~15% fewer requests.
fn reader_count() -> usize {
    std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .clamp(2, 4)
}

/// An enough store in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    // Dropped in this order: the readers close first, so that the writer's connection is the
    // last one and checkpoints the WAL into the database file on close.
    readers: Readers,
    writer: Writer,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://PATH`) and runs pending
    /// migrations. In-memory databases (`sqlite::memory:`) are not supported.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let path = connection::path_from_url(url)?;
        // Opening may wait for locks (another process migrating) and touches the disk.
        tokio::task::spawn_blocking(move || Self::open_blocking(path))
            .await
            .map_err(|e| StoreError::Database(format!("opening SQLite was interrupted: {e}")))?
    }

    fn open_blocking(path: PathBuf) -> StoreResult<Self> {
        connection::make_private(&path)?;
        let mut write = connection::open(&path, Purpose::Write)?;
        migrate::run(&mut write)?;
        let reads = (0..reader_count())
            .map(|_| connection::open(&path, Purpose::Read))
            .collect::<StoreResult<Vec<_>>>()?;
        // The -wal and -shm files exist now (SQLite gives them the database's mode; this holds
        // for files left by an older version too).
        connection::make_private(&path)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                readers: Readers::start(reads)?,
                writer: Writer::start(write)?,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Writes a consistent copy of the whole database to a new SQLite file at `path` (replacing
    /// any file there) with SQLite's online backup API; writers are not blocked meanwhile.
    pub async fn backup(&self, path: &Path) -> StoreResult<()> {
        if backup::same_file(path, &self.inner.path) {
            return Err(StoreError::Database(format!(
                "{} is the database itself: back it up to another file",
                path.display()
            )));
        }
        let path = path.to_owned();
        self.read(move |c| backup::to_file(c, &path)).await
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.inner.readers.read(work).await
    }

    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.inner.writer.write(work).await
    }
}

/// A person's days between two optional dates, newest first. The bounds are constant
/// expressions (no `OR`), so SQLite walks the primary key's range for this user instead of
/// every day they logged; dates are `YYYY-MM-DD` text, and every one sorts between the two
/// fallbacks.
const LIST_DAYS: &str = concat!(
    "SELECT ",
    day_columns!(),
    " FROM days WHERE user_id = ?1
       AND date >= COALESCE(?2, '0000-00-00') AND date <= COALESCE(?3, '9999-99-99')
     ORDER BY date DESC"
);

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn count_users(&self) -> StoreResult<i64> {
        self.read(|c| query_one(c, "SELECT COUNT(*) AS n FROM users", [], |r| get(r, 0)))
            .await
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        self.write(move |c| {
            let id = query_one(
                c,
                "INSERT INTO users (email, password_hash, role, time_zone, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                params![
                    user.email,
                    user.password_hash,
                    user.role.as_str(),
                    user.time_zone,
                    user.created_at
                ],
                |r| get(r, 0),
            )?;
            Ok(created(id, user))
        })
        .await
    }

    async fn create_first_user(&self, user: NewUser) -> StoreResult<Option<User>> {
        // One statement in the writer's `BEGIN IMMEDIATE` transaction: nothing else, in this
        // process or another, writes between the check and the insert.
        self.write(move |c| {
            let id = query_opt(
                c,
                "INSERT INTO users (email, password_hash, role, time_zone, created_at)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
                params![
                    user.email,
                    user.password_hash,
                    user.role.as_str(),
                    user.time_zone,
                    user.created_at
                ],
                |r| get(r, 0),
            )?;
            Ok(id.map(|id| created(id, user)))
        })
        .await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserCredentials>> {
        let email = email.to_owned();
        self.read(move |c| {
            query_opt(
                c,
                concat!(
                    "SELECT ",
                    user_columns!(),
                    ", users.password_hash FROM users WHERE email = ?1"
                ),
                [email],
                |r| {
                    Ok(UserCredentials {
                        user: user_from_row(r, 0)?,
                        password_hash: get(r, USER_WIDTH)?,
                    })
                },
            )
        })
        .await
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        self.read(move |c| {
            query_opt(
                c,
                concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?1"),
                [id],
                |r| user_from_row(r, 0),
            )
        })
        .await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        self.read(|c| {
            query_all(
                c,
                concat!("SELECT ", user_columns!(), " FROM users ORDER BY id"),
                [],
                |r| user_from_row(r, 0),
            )
        })
        .await
    }

    async fn set_time_zone(&self, user_id: i64, time_zone: &str) -> StoreResult<()> {
        let time_zone = time_zone.to_owned();
        self.write(move |c| {
            execute(
                c,
                "UPDATE users SET time_zone = ?1 WHERE id = ?2",
                params![time_zone, user_id],
            )
            .map(drop)
        })
        .await
    }

    async fn set_country(&self, user_id: i64, country: Option<&str>) -> StoreResult<()> {
        let country = country.map(str::to_owned);
        self.write(move |c| {
            execute(
                c,
                "UPDATE users SET country = ?1 WHERE id = ?2",
                params![country, user_id],
            )
            .map(drop)
        })
        .await
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        self.read(move |c| {
            query_opt(c, "SELECT value FROM settings WHERE key = ?1", [key], |r| {
                get(r, 0)
            })
        })
        .await
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.write(move |c| {
            execute(
                c,
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(drop)
        })
        .await
    }

    async fn create_session(&self, s: NewSession) -> StoreResult<()> {
        self.write(move |c| {
            execute(
                c,
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,
                                       expires_at, user_agent)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
                params![
                    s.token_hash,
                    s.user_id,
                    s.csrf_token,
                    s.created_at,
                    s.expires_at,
                    s.user_agent
                ],
            )
            .map(drop)
        })
        .await
    }

    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Session, User)>> {
        let token_hash = token_hash.to_owned();
        let found = self
            .read(move |c| {
                query_opt(
                    c,
                    concat!(
                        "SELECT ",
                        user_columns!(),
                        ", ",
                        session_columns!(),
                        " FROM sessions JOIN users ON users.id = sessions.user_id
                         WHERE sessions.token_hash = ?1 AND sessions.expires_at > ?2"
                    ),
                    params![token_hash, now],
                    |r| Ok((session_from_row(r, USER_WIDTH)?, user_from_row(r, 0)?)),
                )
            })
            .await?;
        let Some((session, user)) = found else {
            return Ok(None);
        };
        // Record activity at most once a minute, so that most requests only read.
        if now - session.last_seen_at >= 60 {
            let id = session.id;
            self.write(move |c| {
                execute(
                    c,
                    "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2",
                    params![now, id],
                )
                .map(drop)
            })
            .await?;
        }
        Ok(Some((session, user)))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |c| {
            execute(
                c,
                "DELETE FROM sessions WHERE token_hash = ?1",
                [token_hash],
            )
            .map(drop)
        })
        .await
    }

    async fn list_sessions(&self, user_id: i64, now: i64) -> StoreResult<Vec<Session>> {
        self.read(move |c| {
            query_all(
                c,
                concat!(
                    "SELECT ",
                    session_columns!(),
                    " FROM sessions WHERE user_id = ?1 AND expires_at > ?2
                     ORDER BY created_at DESC, id DESC"
                ),
                params![user_id, now],
                |r| session_from_row(r, 0),
            )
        })
        .await
    }

    async fn delete_session_by_id(&self, user_id: i64, session_id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            execute(
                c,
                "DELETE FROM sessions WHERE id = ?1 AND user_id = ?2",
                params![session_id, user_id],
            )
            .map(|n| n > 0)
        })
        .await
    }

    async fn purge_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        self.write(move |c| {
            execute(c, "DELETE FROM sessions WHERE expires_at <= ?1", [now])
                .map(|n| u64::try_from(n).unwrap_or(u64::MAX))
        })
        .await
    }

    async fn record_login_failure(&self, keys: &[String], at: i64) -> StoreResult<()> {
        let keys = keys.to_vec();
        self.write(move |c| {
            for key in keys {
                execute(
                    c,
                    "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                    params![key, at],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn count_login_failures(&self, key: &str, since: i64) -> StoreResult<i64> {
        let key = key.to_owned();
        self.read(move |c| {
            query_one(
                c,
                "SELECT COUNT(*) AS n FROM login_failures WHERE key = ?1 AND at >= ?2",
                params![key, since],
                |r| get(r, 0),
            )
        })
        .await
    }

    async fn clear_login_failures(&self, key: &str, before: i64) -> StoreResult<()> {
        let key = key.to_owned();
        self.write(move |c| {
            execute(
                c,
                "DELETE FROM login_failures WHERE key = ?1 OR at < ?2",
                params![key, before],
            )
            .map(drop)
        })
        .await
    }

    async fn reserve_attempt(
        &self,
        keys: &[(String, i64)],
        since: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let keys = keys.to_vec();
        // The writer's `BEGIN IMMEDIATE` transaction: no other writer, in this process or
        // another, runs between the counts and the inserts.
        self.write(move |c| {
            for (key, limit) in &keys {
                let n: i64 = query_one(
                    c,
                    "SELECT COUNT(*) AS n FROM login_failures WHERE key = ?1 AND at >= ?2",
                    params![key, since],
                    |r| get(r, 0),
                )?;
                if n >= *limit {
                    return Ok(false);
                }
            }
            for (key, _) in &keys {
                execute(
                    c,
                    "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                    params![key, now],
                )?;
            }
            Ok(true)
        })
        .await
    }

    async fn set_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let password_hash = password_hash.to_owned();
        self.write(move |c| {
            execute(
                c,
                "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                params![password_hash, user_id],
            )?;
            end_sessions_in(c, user_id, keep_session, now)
        })
        .await
    }

    async fn end_sessions(
        &self,
        user_id: i64,
        keep_session: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        self.write(move |c| end_sessions_in(c, user_id, keep_session, now))
            .await
    }

    async fn create_token(&self, t: NewToken) -> StoreResult<ApiToken> {
        self.write(move |c| {
            let id = query_one(
                c,
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4) RETURNING id",
                params![t.user_id, t.name, t.token_hash, t.created_at],
                |r| get(r, 0),
            )?;
            Ok(ApiToken {
                id,
                user_id: t.user_id,
                name: t.name,
                created_at: t.created_at,
                last_used_at: None,
                revoked_at: None,
            })
        })
        .await
    }

    async fn user_by_token_hash(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>> {
        let token_hash = token_hash.to_owned();
        let found = self
            .read(move |c| {
                query_opt(
                    c,
                    concat!(
                        "SELECT ",
                        user_columns!(),
                        ", api_tokens.id, api_tokens.last_used_at
                         FROM api_tokens JOIN users ON users.id = api_tokens.user_id
                         WHERE api_tokens.token_hash = ?1 AND api_tokens.revoked_at IS NULL"
                    ),
                    [token_hash],
                    |r| {
                        let token_id: i64 = get(r, USER_WIDTH)?;
                        let last_used: Option<i64> = get(r, USER_WIDTH + 1)?;
                        Ok((user_from_row(r, 0)?, token_id, last_used))
                    },
                )
            })
            .await?;
        let Some((user, token_id, last_used)) = found else {
            return Ok(None);
        };
        // Record use at most once a minute, so that reads stay reads.
        if last_used.is_none_or(|t| now - t >= 60) {
            self.write(move |c| {
                execute(
                    c,
                    "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2",
                    params![now, token_id],
                )
                .map(drop)
            })
            .await?;
        }
        Ok(Some(user))
    }

    async fn list_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        self.read(move |c| {
            query_all(
                c,
                concat!(
                    "SELECT ",
                    token_columns!(),
                    " FROM api_tokens WHERE user_id = ?1 ORDER BY created_at DESC, id DESC"
                ),
                [user_id],
                |r| token_from_row(r, 0),
            )
        })
        .await
    }

    async fn revoke_token(&self, user_id: i64, token_id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| {
            execute(
                c,
                "UPDATE api_tokens SET revoked_at = ?1
                 WHERE id = ?2 AND user_id = ?3 AND revoked_at IS NULL",
                params![now, token_id, user_id],
            )
            .map(|n| n > 0)
        })
        .await
    }

    async fn upsert_day(&self, user_id: i64, e: &DayEntry, now: i64) -> StoreResult<bool> {
        let e = e.clone();
        self.write(move |c| upsert_day_in(c, user_id, &e, now))
            .await
    }

    async fn upsert_days(&self, user_id: i64, entries: &[DayEntry], now: i64) -> StoreResult<()> {
        let entries = entries.to_vec();
        // One write job runs in one savepoint: every day or, on any failure, none.
        self.write(move |c| {
            for e in &entries {
                upsert_day_in(c, user_id, e, now)?;
            }
            Ok(())
        })
        .await
    }

    async fn get_day(&self, user_id: i64, date: NaiveDate) -> StoreResult<Option<DayEntry>> {
        self.read(move |c| {
            query_opt(
                c,
                concat!(
                    "SELECT ",
                    day_columns!(),
                    " FROM days WHERE user_id = ?1 AND date = ?2"
                ),
                params![user_id, date_text(date)],
                |r| day_from_row(r, 0),
            )
        })
        .await
    }

    async fn delete_day(&self, user_id: i64, date: NaiveDate) -> StoreResult<bool> {
        self.write(move |c| {
            execute(
                c,
                "DELETE FROM days WHERE user_id = ?1 AND date = ?2",
                params![user_id, date_text(date)],
            )
            .map(|n| n > 0)
        })
        .await
    }

    async fn list_days(
        &self,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<DayEntry>> {
        self.read(move |c| {
            query_all(
                c,
                LIST_DAYS,
                params![user_id, from.map(date_text), to.map(date_text)],
                |r| day_from_row(r, 0),
            )
        })
        .await
    }

    async fn export_all(&self) -> StoreResult<Snapshot> {
        self.read(snapshot::export_all).await
    }

    async fn import_all(&self, snapshot: &Snapshot) -> StoreResult<()> {
        let snapshot = snapshot.clone();
        self.write(move |c| snapshot::import_all(c, &snapshot))
            .await
    }

    async fn location(&self, user_id: i64) -> StoreResult<Option<Location>> {
        self.read(move |c| personal::location(c, user_id)).await
    }

    async fn set_location(&self, user_id: i64, location: Option<&Location>) -> StoreResult<()> {
        let location = location.cloned();
        self.write(move |c| personal::set_location(c, user_id, location.as_ref()))
            .await
    }

    async fn upsert_reflection(
        &self,
        user_id: i64,
        date: NaiveDate,
        text: &str,
        now: i64,
    ) -> StoreResult<()> {
        let text = text.to_owned();
        self.write(move |c| personal::upsert_reflection(c, user_id, date, &text, now))
            .await
    }

    async fn reflections(&self, user_id: i64) -> StoreResult<Vec<Reflection>> {
        self.read(move |c| personal::reflections(c, user_id)).await
    }

    async fn delete_reflection(&self, user_id: i64, date: NaiveDate) -> StoreResult<bool> {
        self.write(move |c| personal::delete_reflection(c, user_id, date))
            .await
    }

    async fn start_experiment(
        &self,
        user_id: i64,
        new: NewExperiment,
        today: NaiveDate,
    ) -> StoreResult<Experiment> {
        self.write(move |c| personal::start_experiment(c, user_id, &new, today))
            .await
    }

    async fn experiments(&self, user_id: i64) -> StoreResult<Vec<Experiment>> {
        self.read(move |c| personal::experiments(c, user_id)).await
    }

    async fn abandon_experiment(&self, user_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| personal::abandon_experiment(c, user_id, id, now))
            .await
    }

    async fn set_experiment_schedule(
        &self,
        user_id: i64,
        id: i64,
        schedule: String,
    ) -> StoreResult<bool> {
        self.write(move |c| personal::set_experiment_schedule(c, user_id, id, &schedule))
            .await
    }

    async fn create_exercise(
        &self,
        user_id: i64,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<ExerciseEntry> {
        let input = input.clone();
        self.write(move |c| practice::create_exercise(c, user_id, &input, now))
            .await
    }

    async fn update_exercise(
        &self,
        user_id: i64,
        id: i64,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<Option<ExerciseEntry>> {
        let input = input.clone();
        self.write(move |c| practice::update_exercise(c, user_id, id, &input, now))
            .await
    }

    async fn exercise(&self, user_id: i64, id: i64) -> StoreResult<Option<ExerciseEntry>> {
        self.read(move |c| practice::exercise(c, user_id, id)).await
    }

    async fn exercises(&self, user_id: i64, kind: Option<&str>) -> StoreResult<Vec<ExerciseEntry>> {
        let kind = kind.map(str::to_owned);
        self.read(move |c| practice::exercises(c, user_id, kind.as_deref()))
            .await
    }

    async fn delete_exercise(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        self.write(move |c| practice::delete_exercise(c, user_id, id))
            .await
    }

    async fn save_response(&self, user_id: i64, new: &NewResponse) -> StoreResult<SavedResponse> {
        let new = new.clone();
        self.write(move |c| practice::save_response(c, user_id, &new))
            .await
    }

    async fn responses(
        &self,
        user_id: i64,
        instrument: Option<&str>,
    ) -> StoreResult<Vec<QuestionnaireResponse>> {
        let instrument = instrument.map(str::to_owned);
        self.read(move |c| practice::responses(c, user_id, instrument.as_deref()))
            .await
    }

    async fn delete_response(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        self.write(move |c| practice::delete_response(c, user_id, id))
            .await
    }

    async fn save_questionnaire_draft(
        &self,
        user_id: i64,
        instrument: &str,
        answers: &str,
        now: i64,
    ) -> StoreResult<()> {
        let (instrument, answers) = (instrument.to_owned(), answers.to_owned());
        self.write(move |c| practice::save_draft(c, user_id, &instrument, &answers, now))
            .await
    }

    async fn questionnaire_draft(
        &self,
        user_id: i64,
        instrument: &str,
    ) -> StoreResult<Option<QuestionnaireDraft>> {
        let instrument = instrument.to_owned();
        self.read(move |c| practice::draft(c, user_id, &instrument))
            .await
    }

    async fn set_schedule(
        &self,
        user_id: i64,
        instrument: &str,
        every_days: Option<i64>,
        since: NaiveDate,
    ) -> StoreResult<()> {
        let instrument = instrument.to_owned();
        self.write(move |c| practice::set_schedule(c, user_id, &instrument, every_days, since))
            .await
    }

    async fn schedules(&self, user_id: i64) -> StoreResult<Vec<QuestionnaireSchedule>> {
        self.read(move |c| practice::schedules(c, user_id)).await
    }

    async fn safety_plan(&self, user_id: i64) -> StoreResult<Option<SafetyPlanRecord>> {
        self.read(move |c| practice::safety_plan(c, user_id)).await
    }

    async fn set_safety_plan(&self, user_id: i64, plan: &str, now: i64) -> StoreResult<()> {
        let plan = plan.to_owned();
        self.write(move |c| practice::set_safety_plan(c, user_id, &plan, now))
            .await
    }

    async fn record_safety_event(
        &self,
        user_id: i64,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> StoreResult<SafetyEvent> {
        let (kind, detail) = (kind.to_owned(), detail.to_owned());
        self.write(move |c| practice::record_safety_event(c, user_id, &kind, &detail, at))
            .await
    }

    async fn safety_events(&self, user_id: i64) -> StoreResult<Vec<SafetyEvent>> {
        self.read(move |c| practice::safety_events(c, user_id))
            .await
    }

    async fn create_invitation(&self, new: &NewInvitation) -> StoreResult<Invitation> {
        let new = new.clone();
        self.write(move |c| care::create_invitation(c, &new)).await
    }

    async fn invitations(&self, therapist_id: i64) -> StoreResult<Vec<Invitation>> {
        self.read(move |c| care::invitations(c, therapist_id)).await
    }

    async fn revoke_invitation(&self, therapist_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| care::revoke_invitation(c, therapist_id, id, now))
            .await
    }

    async fn accept_invitation(
        &self,
        code_hash: &str,
        person_id: i64,
        categories: &str,
        now: i64,
    ) -> StoreResult<Result<CareLink, InvitationRefused>> {
        let (code_hash, categories) = (code_hash.to_owned(), categories.to_owned());
        self.write(move |c| care::accept_invitation(c, &code_hash, person_id, &categories, now))
            .await
    }

    async fn links_of_person(&self, person_id: i64) -> StoreResult<Vec<CareLinkWith>> {
        self.read(move |c| care::links_of_person(c, person_id))
            .await
    }

    async fn links_of_therapist(&self, therapist_id: i64) -> StoreResult<Vec<CareLinkWith>> {
        self.read(move |c| care::links_of_therapist(c, therapist_id))
            .await
    }

    async fn active_link(
        &self,
        therapist_id: i64,
        person_id: i64,
    ) -> StoreResult<Option<CareLink>> {
        self.read(move |c| care::active_link(c, therapist_id, person_id))
            .await
    }

    async fn set_link_categories(
        &self,
        person_id: i64,
        link_id: i64,
        categories: &str,
    ) -> StoreResult<bool> {
        let categories = categories.to_owned();
        self.write(move |c| care::set_link_categories(c, person_id, link_id, &categories))
            .await
    }

    async fn end_link(&self, user_id: i64, link_id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| care::end_link(c, user_id, link_id, now))
            .await
    }

    async fn record_access(&self, record: &AccessRecord) -> StoreResult<()> {
        let record = record.clone();
        self.write(move |c| care::record_access(c, &record)).await
    }

    async fn access_log(&self, person_id: i64) -> StoreResult<Vec<AccessRecord>> {
        self.read(move |c| care::access_log(c, person_id)).await
    }

    async fn create_homework(&self, new: &NewHomework) -> StoreResult<Homework> {
        let new = new.clone();
        self.write(move |c| care::create_homework(c, &new)).await
    }

    async fn homework_of_person(&self, person_id: i64) -> StoreResult<Vec<Homework>> {
        self.read(move |c| care::homework_of_person(c, person_id))
            .await
    }

    async fn cancel_homework(&self, therapist_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| care::cancel_homework(c, therapist_id, id, now))
            .await
    }

    async fn set_calendar_feed(&self, feed: &CalendarFeed) -> StoreResult<()> {
        let feed = feed.clone();
        self.write(move |c| care::set_calendar_feed(c, &feed)).await
    }

    async fn calendar_feed(&self, user_id: i64) -> StoreResult<Option<CalendarFeed>> {
        self.read(move |c| care::calendar_feed(c, user_id)).await
    }

    async fn calendar_feed_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(CalendarFeed, User)>> {
        let token_hash = token_hash.to_owned();
        self.read(move |c| care::calendar_feed_by_token(c, &token_hash))
            .await
    }

    async fn delete_calendar_feed(&self, user_id: i64) -> StoreResult<bool> {
        self.write(move |c| care::delete_calendar_feed(c, user_id))
            .await
    }

    async fn create_activity(
        &self,
        user_id: i64,
        input: &ActivityInput,
        now: i64,
    ) -> StoreResult<ActivityRecord> {
        let input = input.clone();
        self.write(move |c| steps::create_activity(c, user_id, &input, now))
            .await
    }

    async fn set_activity_outcome(
        &self,
        user_id: i64,
        id: i64,
        outcome: Option<&str>,
        now: i64,
    ) -> StoreResult<bool> {
        let outcome = outcome.map(str::to_owned);
        self.write(move |c| steps::set_activity_outcome(c, user_id, id, outcome.as_deref(), now))
            .await
    }

    async fn activity(&self, user_id: i64, id: i64) -> StoreResult<Option<ActivityRecord>> {
        self.read(move |c| steps::activity(c, user_id, id)).await
    }

    async fn activities(
        &self,
        user_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<ActivityRecord>> {
        self.read(move |c| steps::activities(c, user_id, from, to))
            .await
    }

    async fn delete_activity(&self, user_id: i64, id: i64) -> StoreResult<bool> {
        self.write(move |c| steps::delete_activity(c, user_id, id))
            .await
    }

    async fn start_programme(
        &self,
        user_id: i64,
        new: &NewProgrammeRun,
    ) -> StoreResult<ProgrammeRunRecord> {
        let new = new.clone();
        self.write(move |c| steps::start_programme(c, user_id, &new))
            .await
    }

    async fn programme_runs(&self, user_id: i64) -> StoreResult<Vec<ProgrammeRunRecord>> {
        self.read(move |c| steps::programme_runs(c, user_id)).await
    }

    async fn set_run_days(&self, user_id: i64, id: i64, days: &str) -> StoreResult<bool> {
        let days = days.to_owned();
        self.write(move |c| steps::set_run_days(c, user_id, id, &days))
            .await
    }

    async fn end_programme(&self, user_id: i64, id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| steps::end_programme(c, user_id, id, now))
            .await
    }

    async fn delete_user(&self, user_id: i64, now: i64) -> StoreResult<bool> {
        self.write(move |c| {
            // Every table references users with ON DELETE CASCADE; deleting explicitly as well
            // keeps this correct even if a future table forgets the cascade.
            for table in enough_store::PERSONAL_TABLES {
                execute(
                    c,
                    &format!("DELETE FROM {table} WHERE user_id = ?1"),
                    rusqlite::params![user_id],
                )?;
            }
            for statement in enough_store::CARE_DELETIONS {
                execute(c, statement, rusqlite::params![user_id])?;
            }
            let deleted = execute(
                c,
                "DELETE FROM users WHERE id = ?1",
                rusqlite::params![user_id],
            )? > 0;
            if deleted {
                execute(
                    c,
                    "INSERT INTO account_deletions (deleted_at) VALUES (?1)",
                    rusqlite::params![now],
                )?;
                // With secure_delete the freed pages are zeros; the checkpoint after the commit
                // copies them into the file and empties the WAL, which held the old pages.
                writer::checkpoint_after_commit();
            }
            Ok(deleted)
        })
        .await
    }

    async fn count_deletions(&self) -> StoreResult<i64> {
        self.read(|c| {
            query_one(c, "SELECT COUNT(*) FROM account_deletions", [], |r| {
                get(r, 0)
            })
        })
        .await
    }
}

/// Inserts or replaces one day; true when it was new.
fn upsert_day_in(c: &Connection, user_id: i64, e: &DayEntry, now: i64) -> StoreResult<bool> {
    let revision: i64 = query_one(
        c,
        "INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood,
                           outside_morning, habits, note, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
         ON CONFLICT (user_id, date) DO UPDATE SET
             daylight_quarter_hours = excluded.daylight_quarter_hours,
             energy = excluded.energy, mood = excluded.mood,
             outside_morning = excluded.outside_morning, habits = excluded.habits,
             note = excluded.note, updated_at = excluded.updated_at,
             revision = days.revision + 1
         RETURNING revision",
        params![
            user_id,
            date_text(e.date),
            e.daylight_quarter_hours,
            e.energy,
            e.mood,
            e.outside_morning,
            e.habits.to_bits(),
            e.note,
            now
        ],
        |r| get(r, 0),
    )?;
    Ok(revision == 1)
}

/// Ends every session of `user_id` but `keep` and revokes its live tokens.
fn end_sessions_in(
    c: &rusqlite::Connection,
    user_id: i64,
    keep: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    execute(
        c,
        "DELETE FROM sessions WHERE user_id = ?1 AND id IS NOT ?2",
        params![user_id, keep],
    )?;
    execute(
        c,
        "UPDATE api_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        params![now, user_id],
    )?;
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
mod tests;
