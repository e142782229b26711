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
use crate::rows::{day_from_row, db_error};
use enough_store::{
    DayRow, Location, LocationRow, Reflection, ReflectionRow, SessionRow, Snapshot, StoreError,
    StoreResult, TokenRow, UserRow,
};
use sqlx::{AssertSqlSafe, PgPool, Row};

pub(crate) async fn export_all(pool: &PgPool) -> StoreResult<Snapshot> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let mut snapshot = Snapshot::default();
    for r in sqlx::query(
        "SELECT id, email, password_hash, role, time_zone, created_at, country FROM users ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?
    {
        snapshot.users.push(UserRow {
            id: r.try_get("id").map_err(db_error)?,
            email: r.try_get("email").map_err(db_error)?,
            password_hash: r.try_get("password_hash").map_err(db_error)?,
            role: r.try_get("role").map_err(db_error)?,
            time_zone: r.try_get("time_zone").map_err(db_error)?,
            created_at: r.try_get("created_at").map_err(db_error)?,
            country: r.try_get("country").map_err(db_error)?,
        });
    }
    for r in sqlx::query("SELECT key, value FROM settings ORDER BY key")
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?
    {
        snapshot.settings.push((
            r.try_get("key").map_err(db_error)?,
            r.try_get("value").map_err(db_error)?,
        ));
    }
    for r in sqlx::query(
        "SELECT id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent
         FROM sessions ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?
    {
        snapshot.sessions.push(SessionRow {
            id: r.try_get("id").map_err(db_error)?,
            token_hash: r.try_get("token_hash").map_err(db_error)?,
            user_id: r.try_get("user_id").map_err(db_error)?,
            csrf_token: r.try_get("csrf_token").map_err(db_error)?,
            created_at: r.try_get("created_at").map_err(db_error)?,
            last_seen_at: r.try_get("last_seen_at").map_err(db_error)?,
            expires_at: r.try_get("expires_at").map_err(db_error)?,
            user_agent: r.try_get("user_agent").map_err(db_error)?,
        });
    }
    for r in sqlx::query("SELECT key, at FROM login_failures ORDER BY key, at")
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?
    {
        snapshot.login_failures.push((
            r.try_get("key").map_err(db_error)?,
            r.try_get("at").map_err(db_error)?,
        ));
    }
    for r in sqlx::query(
        "SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?
    {
        snapshot.api_tokens.push(TokenRow {
            id: r.try_get("id").map_err(db_error)?,
            user_id: r.try_get("user_id").map_err(db_error)?,
            name: r.try_get("name").map_err(db_error)?,
            token_hash: r.try_get("token_hash").map_err(db_error)?,
            created_at: r.try_get("created_at").map_err(db_error)?,
            last_used_at: r.try_get("last_used_at").map_err(db_error)?,
            revoked_at: r.try_get("revoked_at").map_err(db_error)?,
        });
    }
    for r in sqlx::query(
        "SELECT user_id, date, daylight_quarter_hours, energy, mood, outside_morning, habits, note,
                revision, created_at, updated_at
         FROM days ORDER BY user_id, date",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_error)?
    {
        snapshot.days.push(DayRow {
            user_id: r.try_get("user_id").map_err(db_error)?,
            entry: day_from_row(&r)?,
            revision: r.try_get("revision").map_err(db_error)?,
            created_at: r.try_get("created_at").map_err(db_error)?,
            updated_at: r.try_get("updated_at").map_err(db_error)?,
        });
    }
    for r in
        sqlx::query("SELECT user_id, latitude, longitude, place FROM locations ORDER BY user_id")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?
    {
        snapshot.locations.push(LocationRow {
            user_id: r.try_get("user_id").map_err(db_error)?,
            location: Location {
                latitude: r.try_get("latitude").map_err(db_error)?,
                longitude: r.try_get("longitude").map_err(db_error)?,
                place: r.try_get("place").map_err(db_error)?,
            },
        });
    }
    for r in sqlx::query("SELECT user_id, date, text, created_at, updated_at FROM reflections ORDER BY user_id, date")
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?
    {
        snapshot.reflections.push(ReflectionRow {
            user_id: r.try_get("user_id").map_err(db_error)?,
            reflection: Reflection {
                date: r.try_get("date").map_err(db_error)?,
                text: r.try_get("text").map_err(db_error)?,
                updated_at: r.try_get("updated_at").map_err(db_error)?,
            },
            created_at: r.try_get("created_at").map_err(db_error)?,
        });
    }
    let sql = format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments ORDER BY id");
    for r in sqlx::query(AssertSqlSafe(sql))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?
    {
        snapshot.experiments.push(experiment_from_row(&r)?);
    }
    export_practice(&mut tx, &mut snapshot).await?;
    tx.commit().await.map_err(db_error)?;
    snapshot.sort();
    Ok(snapshot)
}

pub(crate) async fn import_all(pool: &PgPool, s: &Snapshot) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let existing: i64 = sqlx::query(
        "SELECT ((SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM days))::BIGINT AS n",
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?
    .try_get("n")
    .map_err(db_error)?;
    if existing > 0 {
        return Err(StoreError::NotEmpty(format!(
            "{existing} accounts and days already stored"
        )));
    }
    for u in &s.users {
        sqlx::query("INSERT INTO users (id, email, password_hash, role, time_zone, created_at, country) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(u.id)
            .bind(&u.email)
            .bind(&u.password_hash)
            .bind(&u.role)
            .bind(&u.time_zone)
            .bind(u.created_at)
            .bind(&u.country)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    for (key, value) in &s.settings {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    for x in &s.sessions {
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(x.id)
        .bind(&x.token_hash)
        .bind(x.user_id)
        .bind(&x.csrf_token)
        .bind(x.created_at)
        .bind(x.last_seen_at)
        .bind(x.expires_at)
        .bind(&x.user_agent)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    for (key, at) in &s.login_failures {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    for t in &s.api_tokens {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.id)
        .bind(t.user_id)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(t.created_at)
        .bind(t.last_used_at)
        .bind(t.revoked_at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    for d in &s.days {
        let e = &d.entry;
        sqlx::query(
            "INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood, outside_morning, habits, note,
                               revision, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(d.user_id)
        .bind(e.date)
        .bind(e.daylight_quarter_hours.map(i64::from))
        .bind(e.energy.map(i64::from))
        .bind(e.mood.map(i64::from))
        .bind(e.outside_morning)
        .bind(e.habits.to_bits())
        .bind(e.note.as_deref())
        .bind(d.revision)
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    for l in &s.locations {
        sqlx::query(
            "INSERT INTO locations (user_id, latitude, longitude, place) VALUES ($1, $2, $3, $4)",
        )
        .bind(l.user_id)
        .bind(l.location.latitude)
        .bind(l.location.longitude)
        .bind(&l.location.place)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    for r in &s.reflections {
        sqlx::query("INSERT INTO reflections (user_id, date, text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(r.user_id)
            .bind(r.reflection.date)
            .bind(&r.reflection.text)
            .bind(r.created_at)
            .bind(r.reflection.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    for e in &s.experiments {
        sqlx::query(
            "INSERT INTO experiments (id, user_id, start_date, end_date, weeks, seed, schedule, status, created_at, ended_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.id)
        .bind(e.user_id)
        .bind(e.start_date)
        .bind(e.end_date)
        .bind(e.weeks)
        .bind(e.seed)
        .bind(&e.schedule)
        .bind(e.status.as_str())
        .bind(e.created_at)
        .bind(e.ended_at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    import_practice(&mut tx, s).await?;
    // Identity columns continue after the imported ids.
    for table in [
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
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)
}

/// Reads the toolkit, questionnaire and safety tables into `snapshot`.
async fn export_practice(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    snapshot: &mut Snapshot,
) -> StoreResult<()> {
    async fn rows(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        sql: String,
    ) -> StoreResult<Vec<sqlx::postgres::PgRow>> {
        sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&mut **tx)
            .await
            .map_err(db_error)
    }
    for r in rows(
        tx,
        format!("SELECT {EXERCISE_COLUMNS} FROM exercise_entries ORDER BY id"),
    )
    .await?
    {
        snapshot.exercise_entries.push(exercise_from_row(&r)?);
    }
    for r in rows(
        tx,
        format!("SELECT {RESPONSE_COLUMNS} FROM questionnaire_responses ORDER BY id"),
    )
    .await?
    {
        snapshot
            .questionnaire_responses
            .push(response_from_row(&r)?);
    }
    for r in rows(
        tx,
        "SELECT user_id, instrument, answers, updated_at FROM questionnaire_drafts ORDER BY user_id, instrument".to_owned(),
    )
    .await?
    {
        snapshot.questionnaire_drafts.push(draft_from_row(&r)?);
    }
    for r in rows(
        tx,
        "SELECT user_id, instrument, every_days, since FROM questionnaire_schedules ORDER BY user_id, instrument".to_owned(),
    )
    .await?
    {
        snapshot.questionnaire_schedules.push(schedule_from_row(&r)?);
    }
    for r in rows(
        tx,
        "SELECT user_id, plan, updated_at FROM safety_plans ORDER BY user_id".to_owned(),
    )
    .await?
    {
        snapshot.safety_plans.push(plan_from_row(&r)?);
    }
    for r in rows(
        tx,
        "SELECT id, user_id, at, kind, detail FROM safety_events ORDER BY id".to_owned(),
    )
    .await?
    {
        snapshot.safety_events.push(event_from_row(&r)?);
    }
    for r in rows(
        tx,
        format!("SELECT {INVITATION_COLUMNS} FROM invitations ORDER BY id"),
    )
    .await?
    {
        snapshot.invitations.push(invitation_from_row(&r)?);
    }
    for r in rows(
        tx,
        format!("SELECT {LINK_COLUMNS} FROM care_links ORDER BY id"),
    )
    .await?
    {
        snapshot.care_links.push(link_from_row(&r)?);
    }
    for r in rows(
        tx,
        format!("SELECT {ACCESS_COLUMNS} FROM access_log ORDER BY id"),
    )
    .await?
    {
        snapshot.access_log.push(access_from_row(&r)?);
    }
    for r in rows(
        tx,
        format!("SELECT {HOMEWORK_COLUMNS} FROM homework ORDER BY id"),
    )
    .await?
    {
        snapshot.homework.push(homework_from_row(&r)?);
    }
    for r in rows(
        tx,
        format!("SELECT {FEED_COLUMNS} FROM calendar_feeds ORDER BY user_id"),
    )
    .await?
    {
        snapshot.calendar_feeds.push(feed_from_row(&r)?);
    }
    (snapshot.activities, snapshot.programme_runs) = crate::steps::export(tx).await?;
    Ok(())
}

/// Writes the toolkit, questionnaire and safety tables of `s`.
async fn import_practice(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    s: &Snapshot,
) -> StoreResult<()> {
    for e in &s.exercise_entries {
        sqlx::query(
            "INSERT INTO exercise_entries (id, user_id, kind, date, status, answers, created_at, updated_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id)
        .bind(e.user_id)
        .bind(&e.kind)
        .bind(e.date)
        .bind(&e.status)
        .bind(&e.answers)
        .bind(e.created_at)
        .bind(e.updated_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for r in &s.questionnaire_responses {
        sqlx::query(
            "INSERT INTO questionnaire_responses (id, user_id, client_id, instrument, answers, date, completed_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(r.id)
        .bind(r.user_id)
        .bind(&r.client_id)
        .bind(&r.instrument)
        .bind(&r.answers)
        .bind(r.date)
        .bind(r.completed_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for d in &s.questionnaire_drafts {
        sqlx::query(
            "INSERT INTO questionnaire_drafts (user_id, instrument, answers, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(d.user_id)
        .bind(&d.instrument)
        .bind(&d.answers)
        .bind(d.updated_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for x in &s.questionnaire_schedules {
        sqlx::query(
            "INSERT INTO questionnaire_schedules (user_id, instrument, every_days, since) VALUES ($1, $2, $3, $4)",
        )
        .bind(x.user_id)
        .bind(&x.instrument)
        .bind(x.every_days)
        .bind(x.since)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for p in &s.safety_plans {
        sqlx::query("INSERT INTO safety_plans (user_id, plan, updated_at) VALUES ($1, $2, $3)")
            .bind(p.user_id)
            .bind(&p.plan)
            .bind(p.updated_at)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    for e in &s.safety_events {
        sqlx::query(
            "INSERT INTO safety_events (id, user_id, at, kind, detail) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(e.id)
        .bind(e.user_id)
        .bind(e.at)
        .bind(&e.kind)
        .bind(&e.detail)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    import_care(tx, s).await
}

/// Writes the tables of the therapist's side of `s`.
async fn import_care(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    s: &Snapshot,
) -> StoreResult<()> {
    for i in &s.invitations {
        sqlx::query(
            "INSERT INTO invitations (id, therapist_id, code_hash, label, created_at, expires_at,
                                      used_at, used_by, revoked_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(i.id)
        .bind(i.therapist_id)
        .bind(&i.code_hash)
        .bind(&i.label)
        .bind(i.created_at)
        .bind(i.expires_at)
        .bind(i.used_at)
        .bind(i.used_by)
        .bind(i.revoked_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for l in &s.care_links {
        sqlx::query(
            "INSERT INTO care_links (id, person_id, therapist_id, categories, created_at, ended_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(l.id)
        .bind(l.person_id)
        .bind(l.therapist_id)
        .bind(&l.categories)
        .bind(l.created_at)
        .bind(l.ended_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for a in &s.access_log {
        sqlx::query(
            "INSERT INTO access_log (id, person_id, viewer_id, viewer_email, category, what,
                                     address, at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.id)
        .bind(a.person_id)
        .bind(a.viewer_id)
        .bind(&a.viewer_email)
        .bind(&a.category)
        .bind(&a.what)
        .bind(&a.address)
        .bind(a.at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for h in &s.homework {
        sqlx::query(
            "INSERT INTO homework (id, person_id, therapist_id, kind, note, start_date, end_date,
                                   every_days, created_at, cancelled_at)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(h.id)
        .bind(h.person_id)
        .bind(h.therapist_id)
        .bind(&h.kind)
        .bind(&h.note)
        .bind(h.start_date)
        .bind(h.end_date)
        .bind(h.every_days)
        .bind(h.created_at)
        .bind(h.cancelled_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    for f in &s.calendar_feeds {
        sqlx::query(
            "INSERT INTO calendar_feeds (user_id, token_hash, reminder_time, created_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(f.user_id)
        .bind(&f.token_hash)
        .bind(&f.reminder_time)
        .bind(f.created_at)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    crate::steps::import(tx, &s.activities, &s.programme_runs).await
}
