//! Exporting and importing every row, for `enough migrate-store`.

use crate::care::{
    ACCESS_COLUMNS, FEED_COLUMNS, HOMEWORK_COLUMNS, INVITATION_COLUMNS, LINK_COLUMNS,
    access_from_row, feed_from_row, homework_from_row, invitation_from_row, link_from_row,
};
use crate::personal::{EXPERIMENT_COLUMNS, experiment_from_row};
use crate::practice::{
    EXERCISE_COLUMNS, RESPONSE_COLUMNS, draft_from_row, event_from_row, exercise_from_row,
    plan_from_row, response_from_row, schedule_from_row,
};
use crate::rows::date_from_row;
use crate::rows::{
    DAY_WIDTH, date_text, day_columns, day_from_row, db_error, execute, get, query_all, query_one,
};
use enough_store::{
    DayRow, Location, LocationRow, Reflection, ReflectionRow, SessionRow, Snapshot, StoreError,
    StoreResult, TokenRow, UserRow,
};
use rusqlite::{Connection, params};

/// Every row, read in one transaction so the tables agree with each other.
pub(crate) fn export_all(conn: &Connection) -> StoreResult<Snapshot> {
    let tx = conn.unchecked_transaction().map_err(db_error)?;
    let mut snapshot = Snapshot {
        users: query_all(
            &tx,
            "SELECT id, email, password_hash, role, time_zone, created_at, country FROM users ORDER BY id",
            [],
            |r| {
                Ok(UserRow {
                    id: get(r, 0)?,
                    email: get(r, 1)?,
                    password_hash: get(r, 2)?,
                    role: get(r, 3)?,
                    time_zone: get(r, 4)?,
                    created_at: get(r, 5)?,
                    country: get(r, 6)?,
                })
            },
        )?,
        settings: query_all(
            &tx,
            "SELECT key, value FROM settings ORDER BY key",
            [],
            |r| Ok((get(r, 0)?, get(r, 1)?)),
        )?,
        sessions: query_all(
            &tx,
            "SELECT id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at,
                    user_agent
             FROM sessions ORDER BY id",
            [],
            |r| {
                Ok(SessionRow {
                    id: get(r, 0)?,
                    token_hash: get(r, 1)?,
                    user_id: get(r, 2)?,
                    csrf_token: get(r, 3)?,
                    created_at: get(r, 4)?,
                    last_seen_at: get(r, 5)?,
                    expires_at: get(r, 6)?,
                    user_agent: get(r, 7)?,
                })
            },
        )?,
        login_failures: query_all(
            &tx,
            "SELECT key, at FROM login_failures ORDER BY key, at",
            [],
            |r| Ok((get(r, 0)?, get(r, 1)?)),
        )?,
        api_tokens: query_all(
            &tx,
            "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at
             FROM api_tokens ORDER BY id",
            [],
            |r| {
                Ok(TokenRow {
                    id: get(r, 0)?,
                    user_id: get(r, 1)?,
                    name: get(r, 2)?,
                    token_hash: get(r, 3)?,
                    created_at: get(r, 4)?,
                    last_used_at: get(r, 5)?,
                    revoked_at: get(r, 6)?,
                })
            },
        )?,
        days: query_all(
            &tx,
            concat!(
                "SELECT ",
                day_columns!(),
                ", user_id, revision, created_at, updated_at FROM days ORDER BY user_id, date"
            ),
            [],
            |r| {
                Ok(DayRow {
                    entry: day_from_row(r, 0)?,
                    user_id: get(r, DAY_WIDTH)?,
                    revision: get(r, DAY_WIDTH + 1)?,
                    created_at: get(r, DAY_WIDTH + 2)?,
                    updated_at: get(r, DAY_WIDTH + 3)?,
                })
            },
        )?,
        locations: query_all(
            &tx,
            "SELECT user_id, latitude, longitude, place FROM locations ORDER BY user_id",
            [],
            |r| {
                Ok(LocationRow {
                    user_id: get(r, 0)?,
                    location: Location {
                        latitude: get(r, 1)?,
                        longitude: get(r, 2)?,
                        place: get(r, 3)?,
                    },
                })
            },
        )?,
        reflections: query_all(
            &tx,
            "SELECT user_id, date, text, created_at, updated_at FROM reflections ORDER BY user_id, date",
            [],
            |r| {
                Ok(ReflectionRow {
                    user_id: get(r, 0)?,
                    reflection: Reflection {
                        date: date_from_row(r, 1)?,
                        text: get(r, 2)?,
                        updated_at: get(r, 4)?,
                    },
                    created_at: get(r, 3)?,
                })
            },
        )?,
        experiments: query_all(
            &tx,
            &format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments ORDER BY id"),
            [],
            experiment_from_row,
        )?,
        exercise_entries: query_all(
            &tx,
            &format!("SELECT {EXERCISE_COLUMNS} FROM exercise_entries ORDER BY id"),
            [],
            exercise_from_row,
        )?,
        questionnaire_responses: query_all(
            &tx,
            &format!("SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses ORDER BY id"),
            [],
            response_from_row,
        )?,
        questionnaire_drafts: query_all(
            &tx,
            "SELECT user_id, instrument, answers, updated_at FROM questionnaire_drafts
             ORDER BY user_id, instrument",
            [],
            draft_from_row,
        )?,
        questionnaire_schedules: query_all(
            &tx,
            "SELECT user_id, instrument, every_days, since FROM questionnaire_schedules
             ORDER BY user_id, instrument",
            [],
            schedule_from_row,
        )?,
        safety_plans: query_all(
            &tx,
            "SELECT user_id, plan, updated_at FROM safety_plans ORDER BY user_id",
            [],
            plan_from_row,
        )?,
        safety_events: query_all(
            &tx,
            "SELECT id, user_id, at, kind, detail FROM safety_events ORDER BY id",
            [],
            event_from_row,
        )?,
        invitations: query_all(
            &tx,
            &format!("SELECT {INVITATION_COLUMNS} FROM invitations ORDER BY id"),
            [],
            invitation_from_row,
        )?,
        care_links: query_all(
            &tx,
            &format!("SELECT {LINK_COLUMNS} FROM care_links ORDER BY id"),
            [],
            link_from_row,
        )?,
        access_log: query_all(
            &tx,
            &format!("SELECT {ACCESS_COLUMNS} FROM access_log ORDER BY id"),
            [],
            access_from_row,
        )?,
        homework: query_all(
            &tx,
            &format!("SELECT {HOMEWORK_COLUMNS} FROM homework ORDER BY id"),
            [],
            homework_from_row,
        )?,
        calendar_feeds: query_all(
            &tx,
            &format!("SELECT {FEED_COLUMNS} FROM calendar_feeds ORDER BY user_id"),
            [],
            feed_from_row,
        )?,
    };
    tx.commit().map_err(db_error)?;
    snapshot.sort();
    Ok(snapshot)
}

/// Loads `s` into an empty database, keeping ids. Runs as one write job, so inside the
/// writer's transaction: any failure undoes the whole import.
pub(crate) fn import_all(conn: &Connection, s: &Snapshot) -> StoreResult<()> {
    let existing: i64 = query_one(
        conn,
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM days) AS n",
        [],
        |r| get(r, 0),
    )?;
    if existing > 0 {
        return Err(StoreError::NotEmpty(format!(
            "{existing} accounts and days already stored"
        )));
    }
    for u in &s.users {
        execute(
            conn,
            "INSERT INTO users (id, email, password_hash, role, time_zone, created_at, country)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                u.id,
                u.email,
                u.password_hash,
                u.role,
                u.time_zone,
                u.created_at,
                u.country
            ],
        )?;
    }
    for (key, value) in &s.settings {
        execute(
            conn,
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
    }
    for x in &s.sessions {
        execute(
            conn,
            "INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at,
                                   expires_at, user_agent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                x.id,
                x.token_hash,
                x.user_id,
                x.csrf_token,
                x.created_at,
                x.last_seen_at,
                x.expires_at,
                x.user_agent
            ],
        )?;
    }
    for (key, at) in &s.login_failures {
        execute(
            conn,
            "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
            params![key, at],
        )?;
    }
    for t in &s.api_tokens {
        execute(
            conn,
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at,
                                     revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                t.id,
                t.user_id,
                t.name,
                t.token_hash,
                t.created_at,
                t.last_used_at,
                t.revoked_at
            ],
        )?;
    }
    for d in &s.days {
        let e = &d.entry;
        execute(
            conn,
            "INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood,
                               outside_morning, habits, note, revision, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                d.user_id,
                date_text(e.date),
                e.daylight_quarter_hours,
                e.energy,
                e.mood,
                e.outside_morning,
                e.habits.to_bits(),
                e.note,
                d.revision,
                d.created_at,
                d.updated_at
            ],
        )?;
    }
    for l in &s.locations {
        execute(
            conn,
            "INSERT INTO locations (user_id, latitude, longitude, place) VALUES (?1, ?2, ?3, ?4)",
            params![
                l.user_id,
                l.location.latitude,
                l.location.longitude,
                l.location.place
            ],
        )?;
    }
    for r in &s.reflections {
        execute(
            conn,
            "INSERT INTO reflections (user_id, date, text, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                r.user_id,
                date_text(r.reflection.date),
                r.reflection.text,
                r.created_at,
                r.reflection.updated_at
            ],
        )?;
    }
    for e in &s.experiments {
        execute(
            conn,
            "INSERT INTO experiments (id, user_id, start_date, end_date, weeks, seed, schedule, status, created_at, ended_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                e.id,
                e.user_id,
                date_text(e.start_date),
                date_text(e.end_date),
                e.weeks,
                e.seed,
                e.schedule,
                e.status.as_str(),
                e.created_at,
                e.ended_at
            ],
        )?;
    }
    import_practice(conn, s)
}

/// The toolkit, questionnaire and safety tables of [`import_all`].
fn import_practice(conn: &Connection, s: &Snapshot) -> StoreResult<()> {
    for e in &s.exercise_entries {
        execute(
            conn,
            "INSERT INTO exercise_entries (id, user_id, kind, date, status, answers, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.id,
                e.user_id,
                e.kind,
                date_text(e.date),
                e.status,
                e.answers,
                e.created_at,
                e.updated_at
            ],
        )?;
    }
    for r in &s.questionnaire_responses {
        execute(
            conn,
            "INSERT INTO questionnaire_responses (id, user_id, client_id, instrument, answers, date, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                r.id,
                r.user_id,
                r.client_id,
                r.instrument,
                r.answers,
                date_text(r.date),
                r.completed_at
            ],
        )?;
    }
    for d in &s.questionnaire_drafts {
        execute(
            conn,
            "INSERT INTO questionnaire_drafts (user_id, instrument, answers, updated_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![d.user_id, d.instrument, d.answers, d.updated_at],
        )?;
    }
    for x in &s.questionnaire_schedules {
        execute(
            conn,
            "INSERT INTO questionnaire_schedules (user_id, instrument, every_days, since)
             VALUES (?1, ?2, ?3, ?4)",
            params![x.user_id, x.instrument, x.every_days, date_text(x.since)],
        )?;
    }
    for p in &s.safety_plans {
        execute(
            conn,
            "INSERT INTO safety_plans (user_id, plan, updated_at) VALUES (?1, ?2, ?3)",
            params![p.user_id, p.plan, p.updated_at],
        )?;
    }
    for e in &s.safety_events {
        execute(
            conn,
            "INSERT INTO safety_events (id, user_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![e.id, e.user_id, e.at, e.kind, e.detail],
        )?;
    }
    import_care(conn, s)
}

/// The tables of the therapist's side of [`import_all`].
fn import_care(conn: &Connection, s: &Snapshot) -> StoreResult<()> {
    for i in &s.invitations {
        execute(
            conn,
            "INSERT INTO invitations (id, therapist_id, code_hash, label, created_at, expires_at,
                                      used_at, used_by, revoked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                i.id,
                i.therapist_id,
                i.code_hash,
                i.label,
                i.created_at,
                i.expires_at,
                i.used_at,
                i.used_by,
                i.revoked_at
            ],
        )?;
    }
    for l in &s.care_links {
        execute(
            conn,
            "INSERT INTO care_links (id, person_id, therapist_id, categories, created_at, ended_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                l.id,
                l.person_id,
                l.therapist_id,
                l.categories,
                l.created_at,
                l.ended_at
            ],
        )?;
    }
    for a in &s.access_log {
        execute(
            conn,
            "INSERT INTO access_log (id, person_id, viewer_id, viewer_email, category, what,
                                     address, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.id,
                a.person_id,
                a.viewer_id,
                a.viewer_email,
                a.category,
                a.what,
                a.address,
                a.at
            ],
        )?;
    }
    for h in &s.homework {
        execute(
            conn,
            "INSERT INTO homework (id, person_id, therapist_id, kind, note, start_date, end_date,
                                   every_days, created_at, cancelled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                h.id,
                h.person_id,
                h.therapist_id,
                h.kind,
                h.note,
                date_text(h.start_date),
                date_text(h.end_date),
                h.every_days,
                h.created_at,
                h.cancelled_at
            ],
        )?;
    }
    for f in &s.calendar_feeds {
        execute(
            conn,
            "INSERT INTO calendar_feeds (user_id, token_hash, reminder_time, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![f.user_id, f.token_hash, f.reminder_time, f.created_at],
        )?;
    }
    Ok(())
}
