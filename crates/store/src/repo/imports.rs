//! Moving a whole installation: every row out, and every row into an empty store, ids kept.

use super::care::{
    ACCESS_COLUMNS, FEED_COLUMNS, HOMEWORK_COLUMNS, INVITATION_COLUMNS, LINK_COLUMNS,
    access_from_row, feed_from_row, homework_from_row, invitation_from_row, link_from_row,
};
use super::days::{DAY_COLUMNS, EXPERIMENT_COLUMNS, day_from_row, experiment_from_row};
use super::measures::{RESPONSE_COLUMNS, response_from_row};
use super::practice::{EXERCISE_COLUMNS, event_from_row, exercise_from_row};
use super::steps::{ACTIVITY_COLUMNS, RUN_COLUMNS, activity_from_row, run_from_row};
use crate::sql::{Dialect, Row, Tx, Value};
use crate::{
    DayRow, Location, LocationRow, QuestionnaireDraft, QuestionnaireSchedule, Reflection,
    ReflectionRow, SafetyPlanRecord, SessionRow, Snapshot, StoreError, StoreResult, TokenRow,
    UserRow, params,
};

/// Whole-installation export and import, inside one transaction.
pub struct Imports<'t>(pub(crate) &'t mut dyn Tx);

/// Tables whose `id` is generated: after an import with ids kept, PostgreSQL's identity
/// sequences must continue after the largest one (SQLite's rowids do by themselves).
const ID_TABLES: &[&str] = &[
    "users",
    "sessions",
    "api_tokens",
    "experiments",
    "exercise_entries",
    "questionnaire_responses",
    "safety_events",
    "invitations",
    "care_links",
    "access_log",
    "homework",
    "activities",
    "programme_runs",
];

impl Imports<'_> {
    async fn all<T>(
        &mut self,
        sql: &str,
        read: impl Fn(&Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        self.0.query(sql, &[]).await?.iter().map(read).collect()
    }

    /// Every row, each table ordered by its primary key.
    pub async fn export_all(&mut self) -> StoreResult<Snapshot> {
        let mut s = Snapshot {
            users: self
                .all(
                    "SELECT id, email, password_hash, role, time_zone, created_at, country
                     FROM users ORDER BY id",
                    |r| {
                        Ok(UserRow {
                            id: r.id(0)?,
                            email: r.text(1)?,
                            password_hash: r.text(2)?,
                            role: r.text(3)?,
                            time_zone: r.text(4)?,
                            created_at: r.i64(5)?,
                            country: r.opt_text(6)?,
                        })
                    },
                )
                .await?,
            settings: self
                .all("SELECT key, value FROM settings ORDER BY key", |r| {
                    Ok((r.text(0)?, r.text(1)?))
                })
                .await?,
            sessions: self
                .all(
                    "SELECT id, token_hash, user_id, csrf_token, created_at, last_seen_at,
                            expires_at, user_agent
                     FROM sessions ORDER BY id",
                    |r| {
                        Ok(SessionRow {
                            id: r.id(0)?,
                            token_hash: r.text(1)?,
                            user_id: r.id(2)?,
                            csrf_token: r.text(3)?,
                            created_at: r.i64(4)?,
                            last_seen_at: r.i64(5)?,
                            expires_at: r.i64(6)?,
                            user_agent: r.text(7)?,
                        })
                    },
                )
                .await?,
            login_failures: self
                .all("SELECT key, at FROM login_failures ORDER BY key, at", |r| {
                    Ok((r.text(0)?, r.i64(1)?))
                })
                .await?,
            api_tokens: self
                .all(
                    "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at
                     FROM api_tokens ORDER BY id",
                    |r| {
                        Ok(TokenRow {
                            id: r.id(0)?,
                            user_id: r.id(1)?,
                            name: r.text(2)?,
                            token_hash: r.text(3)?,
                            created_at: r.i64(4)?,
                            last_used_at: r.opt_i64(5)?,
                            revoked_at: r.opt_i64(6)?,
                        })
                    },
                )
                .await?,
            days: self
                .all(
                    &format!(
                        "SELECT {DAY_COLUMNS}, user_id, revision, created_at, updated_at
                         FROM days ORDER BY user_id, date"
                    ),
                    |r| {
                        Ok(DayRow {
                            entry: day_from_row(r)?,
                            user_id: r.id(7)?,
                            revision: r.i64(8)?,
                            created_at: r.i64(9)?,
                            updated_at: r.i64(10)?,
                        })
                    },
                )
                .await?,
            locations: self
                .all(
                    "SELECT user_id, latitude, longitude, place FROM locations ORDER BY user_id",
                    |r| {
                        Ok(LocationRow {
                            user_id: r.id(0)?,
                            location: Location {
                                latitude: r.f64(1)?,
                                longitude: r.f64(2)?,
                                place: r.text(3)?,
                            },
                        })
                    },
                )
                .await?,
            reflections: self
                .all(
                    "SELECT user_id, date, text, created_at, updated_at FROM reflections
                     ORDER BY user_id, date",
                    |r| {
                        Ok(ReflectionRow {
                            user_id: r.id(0)?,
                            reflection: Reflection {
                                date: r.date(1)?,
                                text: r.text(2)?,
                                updated_at: r.i64(4)?,
                            },
                            created_at: r.i64(3)?,
                        })
                    },
                )
                .await?,
            experiments: self
                .all(
                    &format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments ORDER BY id"),
                    experiment_from_row,
                )
                .await?,
            exercise_entries: self
                .all(
                    &format!("SELECT {EXERCISE_COLUMNS} FROM exercise_entries ORDER BY id"),
                    exercise_from_row,
                )
                .await?,
            questionnaire_responses: self
                .all(
                    &format!("SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses ORDER BY id"),
                    response_from_row,
                )
                .await?,
            questionnaire_drafts: self
                .all(
                    "SELECT user_id, instrument, answers, updated_at FROM questionnaire_drafts
                     ORDER BY user_id, instrument",
                    |r| {
                        Ok(QuestionnaireDraft {
                            user_id: r.id(0)?,
                            instrument: r.text(1)?,
                            answers: r.text(2)?,
                            updated_at: r.i64(3)?,
                        })
                    },
                )
                .await?,
            questionnaire_schedules: self
                .all(
                    "SELECT user_id, instrument, every_days, since FROM questionnaire_schedules
                     ORDER BY user_id, instrument",
                    |r| {
                        Ok(QuestionnaireSchedule {
                            user_id: r.id(0)?,
                            instrument: r.text(1)?,
                            every_days: r.i64(2)?,
                            since: r.date(3)?,
                        })
                    },
                )
                .await?,
            safety_plans: self
                .all(
                    "SELECT user_id, plan, updated_at FROM safety_plans ORDER BY user_id",
                    |r| {
                        Ok(SafetyPlanRecord {
                            user_id: r.id(0)?,
                            plan: r.text(1)?,
                            updated_at: r.i64(2)?,
                        })
                    },
                )
                .await?,
            safety_events: self
                .all(
                    "SELECT id, user_id, at, kind, detail FROM safety_events ORDER BY id",
                    event_from_row,
                )
                .await?,
            invitations: self
                .all(
                    &format!("SELECT {INVITATION_COLUMNS} FROM invitations ORDER BY id"),
                    invitation_from_row,
                )
                .await?,
            care_links: self
                .all(
                    &format!("SELECT {LINK_COLUMNS} FROM care_links ORDER BY id"),
                    link_from_row,
                )
                .await?,
            access_log: self
                .all(
                    &format!("SELECT {ACCESS_COLUMNS} FROM access_log ORDER BY id"),
                    access_from_row,
                )
                .await?,
            homework: self
                .all(
                    &format!("SELECT {HOMEWORK_COLUMNS} FROM homework ORDER BY id"),
                    homework_from_row,
                )
                .await?,
            calendar_feeds: self
                .all(
                    &format!("SELECT {FEED_COLUMNS} FROM calendar_feeds ORDER BY user_id"),
                    feed_from_row,
                )
                .await?,
            activities: self
                .all(
                    &format!("SELECT {ACTIVITY_COLUMNS} FROM activities ORDER BY id"),
                    activity_from_row,
                )
                .await?,
            programme_runs: self
                .all(
                    &format!("SELECT {RUN_COLUMNS} FROM programme_runs ORDER BY id"),
                    run_from_row,
                )
                .await?,
        };
        s.sort();
        Ok(s)
    }

    /// Inserts one row into `table` with the given columns, keeping a generated id as given.
    async fn insert(&mut self, table: &str, columns: &str, values: &[Value]) -> StoreResult<()> {
        let overriding = match self.0.dialect() {
            Dialect::Postgres if columns.starts_with("id,") => " OVERRIDING SYSTEM VALUE",
            _ => "",
        };
        let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({columns}){overriding} VALUES ({})",
            placeholders.join(", ")
        );
        self.0.execute(&sql, values).await.map(drop)
    }

    /// Loads a snapshot into an empty store, keeping ids; `NotEmpty` if the store already has
    /// accounts or days.
    pub async fn import_all(&mut self, s: &Snapshot) -> StoreResult<()> {
        let existing = self
            .0
            .query_one(
                "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM days)",
                &[],
            )
            .await?
            .i64(0)?;
        if existing > 0 {
            return Err(StoreError::NotEmpty(format!(
                "{existing} accounts and days already stored"
            )));
        }
        for u in &s.users {
            self.insert(
                "users",
                "id, email, password_hash, role, time_zone, created_at, country",
                &params![
                    u.id,
                    &u.email,
                    &u.password_hash,
                    &u.role,
                    &u.time_zone,
                    u.created_at,
                    u.country.as_deref()
                ],
            )
            .await?;
        }
        for (k, v) in &s.settings {
            self.insert("settings", "key, value", &params![k, v])
                .await?;
        }
        for x in &s.sessions {
            self.insert(
                "sessions",
                "id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, \
                 user_agent",
                &params![
                    x.id,
                    &x.token_hash,
                    x.user_id,
                    &x.csrf_token,
                    x.created_at,
                    x.last_seen_at,
                    x.expires_at,
                    &x.user_agent
                ],
            )
            .await?;
        }
        for (k, at) in &s.login_failures {
            self.insert("login_failures", "key, at", &params![k, *at])
                .await?;
        }
        for t in &s.api_tokens {
            self.insert(
                "api_tokens",
                "id, user_id, name, token_hash, created_at, last_used_at, revoked_at",
                &params![
                    t.id,
                    t.user_id,
                    &t.name,
                    &t.token_hash,
                    t.created_at,
                    t.last_used_at,
                    t.revoked_at
                ],
            )
            .await?;
        }
        for d in &s.days {
            let e = &d.entry;
            self.insert(
                "days",
                "user_id, date, daylight_quarter_hours, energy, mood, outside_morning, habits, \
                 note, revision, created_at, updated_at",
                &params![
                    d.user_id,
                    e.date,
                    e.daylight_quarter_hours,
                    e.energy,
                    e.mood,
                    e.outside_morning,
                    e.habits.to_bits(),
                    e.note.as_deref(),
                    d.revision,
                    d.created_at,
                    d.updated_at
                ],
            )
            .await?;
        }
        for l in &s.locations {
            self.insert(
                "locations",
                "user_id, latitude, longitude, place",
                &params![
                    l.user_id,
                    l.location.latitude,
                    l.location.longitude,
                    &l.location.place
                ],
            )
            .await?;
        }
        for r in &s.reflections {
            self.insert(
                "reflections",
                "user_id, date, text, created_at, updated_at",
                &params![
                    r.user_id,
                    r.reflection.date,
                    &r.reflection.text,
                    r.created_at,
                    r.reflection.updated_at
                ],
            )
            .await?;
        }
        for e in &s.experiments {
            self.insert(
                "experiments",
                "id, user_id, start_date, end_date, weeks, seed, schedule, status, created_at, \
                 ended_at",
                &params![
                    e.id,
                    e.user_id,
                    e.start_date,
                    e.end_date,
                    e.weeks,
                    e.seed,
                    &e.schedule,
                    e.status.as_str(),
                    e.created_at,
                    e.ended_at
                ],
            )
            .await?;
        }
        self.import_practice(s).await?;
        self.import_care(s).await?;
        for a in &s.activities {
            self.insert(
                "activities",
                "id, user_id, what, date, time, kind, value, outcome, created_at, updated_at",
                &params![
                    a.id,
                    a.user_id,
                    &a.what,
                    a.date,
                    a.time.as_deref(),
                    &a.kind,
                    a.value.as_deref(),
                    a.outcome.as_deref(),
                    a.created_at,
                    a.updated_at
                ],
            )
            .await?;
        }
        for r in &s.programme_runs {
            self.insert(
                "programme_runs",
                "id, user_id, programme_id, programme, started, completed_days, assigned_by, \
                 created_at, ended_at",
                &params![
                    r.id,
                    r.user_id,
                    &r.programme_id,
                    r.programme.as_deref(),
                    r.started,
                    &r.completed_days,
                    r.assigned_by,
                    r.created_at,
                    r.ended_at
                ],
            )
            .await?;
        }
        if self.0.dialect() == Dialect::Postgres {
            for table in ID_TABLES {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                );
                self.0.execute(&sql, &[]).await?;
            }
        }
        Ok(())
    }

    async fn import_practice(&mut self, s: &Snapshot) -> StoreResult<()> {
        for e in &s.exercise_entries {
            self.insert(
                "exercise_entries",
                "id, user_id, kind, date, status, answers, created_at, updated_at",
                &params![
                    e.id,
                    e.user_id,
                    &e.kind,
                    e.date,
                    &e.status,
                    &e.answers,
                    e.created_at,
                    e.updated_at
                ],
            )
            .await?;
        }
        for r in &s.questionnaire_responses {
            self.insert(
                "questionnaire_responses",
                "id, user_id, client_id, instrument, answers, date, completed_at",
                &params![
                    r.id,
                    r.user_id,
                    &r.client_id,
                    &r.instrument,
                    &r.answers,
                    r.date,
                    r.completed_at
                ],
            )
            .await?;
        }
        for d in &s.questionnaire_drafts {
            self.insert(
                "questionnaire_drafts",
                "user_id, instrument, answers, updated_at",
                &params![d.user_id, &d.instrument, &d.answers, d.updated_at],
            )
            .await?;
        }
        for x in &s.questionnaire_schedules {
            self.insert(
                "questionnaire_schedules",
                "user_id, instrument, every_days, since",
                &params![x.user_id, &x.instrument, x.every_days, x.since],
            )
            .await?;
        }
        for p in &s.safety_plans {
            self.insert(
                "safety_plans",
                "user_id, plan, updated_at",
                &params![p.user_id, &p.plan, p.updated_at],
            )
            .await?;
        }
        for e in &s.safety_events {
            self.insert(
                "safety_events",
                "id, user_id, at, kind, detail",
                &params![e.id, e.user_id, e.at, &e.kind, &e.detail],
            )
            .await?;
        }
        Ok(())
    }

    async fn import_care(&mut self, s: &Snapshot) -> StoreResult<()> {
        for i in &s.invitations {
            self.insert(
                "invitations",
                "id, therapist_id, code_hash, label, created_at, expires_at, used_at, used_by, \
                 revoked_at",
                &params![
                    i.id,
                    i.therapist_id,
                    &i.code_hash,
                    &i.label,
                    i.created_at,
                    i.expires_at,
                    i.used_at,
                    i.used_by,
                    i.revoked_at
                ],
            )
            .await?;
        }
        for l in &s.care_links {
            self.insert(
                "care_links",
                "id, person_id, therapist_id, categories, created_at, ended_at",
                &params![
                    l.id,
                    l.person_id,
                    l.therapist_id,
                    &l.categories,
                    l.created_at,
                    l.ended_at
                ],
            )
            .await?;
        }
        for a in &s.access_log {
            self.insert(
                "access_log",
                "id, person_id, viewer_id, viewer_email, category, what, address, at",
                &params![
                    a.id,
                    a.person_id,
                    a.viewer_id,
                    &a.viewer_email,
                    &a.category,
                    &a.what,
                    &a.address,
                    a.at
                ],
            )
            .await?;
        }
        for h in &s.homework {
            self.insert(
                "homework",
                "id, person_id, therapist_id, kind, note, start_date, end_date, every_days, \
                 created_at, cancelled_at",
                &params![
                    h.id,
                    h.person_id,
                    h.therapist_id,
                    &h.kind,
                    &h.note,
                    h.start_date,
                    h.end_date,
                    h.every_days,
                    h.created_at,
                    h.cancelled_at
                ],
            )
            .await?;
        }
        for f in &s.calendar_feeds {
            self.insert(
                "calendar_feeds",
                "user_id, token_hash, reminder_time, created_at",
                &params![f.user_id, &f.token_hash, &f.reminder_time, f.created_at],
            )
            .await?;
        }
        Ok(())
    }
}
