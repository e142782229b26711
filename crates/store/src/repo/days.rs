//! The daily log, and what insights read besides it: location, reflections, experiments.

use crate::sql::{Dialect, Row, Tx};
use crate::{
    DataVersion, Experiment, ExperimentStatus, Location, NewExperiment, Reflection, StoreError,
    StoreResult, params,
};
use chrono::NaiveDate;
use enough_domain::day::{DayEntry, Habits};
use enough_domain::{ExperimentId, PersonId};

/// Days, locations, reflections and experiments, inside one transaction.
pub struct Days<'t>(pub(crate) &'t mut dyn Tx);

pub(crate) const DAY_COLUMNS: &str =
    "date, daylight_quarter_hours, energy, mood, outside_morning, habits, note";
/// The columns statistics read: everything but the note.
const INSIGHT_COLUMNS: &str = "date, daylight_quarter_hours, energy, mood, outside_morning, habits";
pub(crate) const EXPERIMENT_COLUMNS: &str =
    "id, user_id, start_date, end_date, weeks, seed, schedule, status, created_at, ended_at";

/// The bounds used for an open end of a date range: every stored date lies between them, as
/// a `DATE` and as `YYYY-MM-DD` text, so one statement with no `OR` serves both dialects (and
/// SQLite walks the primary key's range).
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

pub(crate) fn range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    (from.unwrap_or(EARLIEST), to.unwrap_or(LATEST))
}

pub(crate) fn day_from_row(r: &Row) -> StoreResult<DayEntry> {
    Ok(DayEntry {
        date: r.date(0)?,
        daylight_quarter_hours: r.opt_small(1, 96)?,
        energy: r.opt_small(2, 10)?,
        mood: r.opt_small(3, 10)?,
        outside_morning: r.opt_bool(4)?,
        habits: Habits::from_bits(r.i64(5)?),
        note: r.opt_text(6)?,
    })
}

/// How a data version moves when its row is there already.
macro_rules! bump_on_conflict {
    () => {
        " ON CONFLICT (user_id) DO UPDATE SET version = data_versions.version + 1"
    };
}

/// Inserts or replaces one day; `$1` is the person, the row returned holds the day's
/// revision (1 when it is new) and its person.
macro_rules! upsert_day {
    () => {
        "INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood,
                           outside_morning, habits, note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
         ON CONFLICT (user_id, date) DO UPDATE SET
             daylight_quarter_hours = excluded.daylight_quarter_hours,
             energy = excluded.energy, mood = excluded.mood,
             outside_morning = excluded.outside_morning, habits = excluded.habits,
             note = excluded.note, updated_at = excluded.updated_at,
             revision = days.revision + 1
         RETURNING revision, user_id"
    };
}

/// Bumps the data version of `user_id`, inside the caller's write transaction. Every
/// repository method that changes what a person's insights, history or progress show calls
/// it, so a new write path through the repositories cannot forget it.
pub(crate) async fn bump_version(tx: &mut dyn Tx, user_id: PersonId) -> StoreResult<()> {
    tx.execute(
        concat!(
            "INSERT INTO data_versions (user_id, version) VALUES ($1, 1)",
            bump_on_conflict!()
        ),
        &params![user_id],
    )
    .await
    .map(drop)
}

/// The day upsert on SQLite; the version is bumped by a second statement.
const UPSERT_DAY: &str = upsert_day!();

/// The day upsert on PostgreSQL, the person's version bumped by the same statement (one round
/// trip instead of two). The bump reads the day's row, so it runs after the day is written:
/// the row locks are taken in the same order (day, then version) as by every other write.
const UPSERT_DAY_AND_BUMP: &str = concat!(
    "WITH day AS (",
    upsert_day!(),
    "), bumped AS (INSERT INTO data_versions (user_id, version) SELECT user_id, 1 FROM day",
    bump_on_conflict!(),
    ") SELECT revision FROM day"
);

/// A day read for statistics: every column but the note (left `None`), by index.
fn insight_day_from_row(r: &Row) -> StoreResult<DayEntry> {
    Ok(DayEntry {
        date: r.date(0)?,
        daylight_quarter_hours: r.opt_small(1, 96)?,
        energy: r.opt_small(2, 10)?,
        mood: r.opt_small(3, 10)?,
        outside_morning: r.opt_bool(4)?,
        habits: Habits::from_bits(r.i64(5)?),
        note: None,
    })
}

pub(crate) fn experiment_from_row(r: &Row) -> StoreResult<Experiment> {
    let status = r.text(7)?;
    Ok(Experiment {
        id: r.id(0)?,
        user_id: r.id(1)?,
        start_date: r.date(2)?,
        end_date: r.date(3)?,
        weeks: r.i64(4)?,
        seed: r.i64(5)?,
        schedule: r.text(6)?,
        status: ExperimentStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("experiments.status: {status:?}")))?,
        created_at: r.i64(8)?,
        ended_at: r.opt_i64(9)?,
    })
}

impl Days<'_> {
    /// Inserts or replaces the entry for `e.date`; true if it was new. `ON CONFLICT DO UPDATE`
    /// is atomic even when two requests write the same day at once.
    pub async fn upsert(&mut self, user_id: PersonId, e: &DayEntry, now: i64) -> StoreResult<bool> {
        let dialect = self.0.dialect();
        let sql = match dialect {
            Dialect::Postgres => UPSERT_DAY_AND_BUMP,
            Dialect::Sqlite => UPSERT_DAY,
        };
        let row = self
            .0
            .query_one(
                sql,
                &params![
                    user_id,
                    e.date,
                    e.daylight_quarter_hours,
                    e.energy,
                    e.mood,
                    e.outside_morning,
                    e.habits.to_bits(),
                    e.note.as_deref(),
                    now
                ],
            )
            .await?;
        if dialect == Dialect::Sqlite {
            bump_version(self.0, user_id).await?;
        }
        Ok(row.i64(0)? == 1)
    }

    /// The entry for one date.
    pub async fn get(
        &mut self,
        user_id: PersonId,
        date: NaiveDate,
    ) -> StoreResult<Option<DayEntry>> {
        let sql = format!("SELECT {DAY_COLUMNS} FROM days WHERE user_id = $1 AND date = $2");
        let row = self.0.query_opt(&sql, &params![user_id, date]).await?;
        row.as_ref().map(day_from_row).transpose()
    }

    /// Deletes the entry for one date; false if there was none.
    pub async fn delete(&mut self, user_id: PersonId, date: NaiveDate) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM days WHERE user_id = $1 AND date = $2",
                &params![user_id, date],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }

    /// Entries between `from` and `to` inclusive (either open), newest first.
    pub async fn list(
        &mut self,
        user_id: PersonId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<DayEntry>> {
        let (from, to) = range(from, to);
        let sql = format!(
            "SELECT {DAY_COLUMNS} FROM days WHERE user_id = $1 AND date >= $2 AND date <= $3
             ORDER BY date DESC"
        );
        let rows = self.0.query(&sql, &params![user_id, from, to]).await?;
        rows.iter().map(day_from_row).collect()
    }

    /// Entries between `from` and `to` inclusive, oldest first, without their notes: what
    /// statistics read.
    pub async fn list_for_insights(
        &mut self,
        user_id: PersonId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DayEntry>> {
        let sql = format!(
            "SELECT {INSIGHT_COLUMNS} FROM days WHERE user_id = $1 AND date >= $2 AND date <= $3
             ORDER BY date"
        );
        let rows = self.0.query(&sql, &params![user_id, from, to]).await?;
        rows.iter().map(insight_day_from_row).collect()
    }

    /// The database's epoch and the person's data version. Read it first, then the data, in
    /// the same read: the data is then at least as new as the version (on SQLite the very
    /// same snapshot; on PostgreSQL a later statement sees every commit the first one saw).
    pub async fn data_version(&mut self, user_id: PersonId) -> StoreResult<DataVersion> {
        let row = self
            .0
            .query_one(
                "SELECT epoch,
                        COALESCE((SELECT version FROM data_versions WHERE user_id = $1), 0)
                 FROM data_epoch WHERE id = 1",
                &params![user_id],
            )
            .await?;
        Ok(DataVersion {
            epoch: row.text(0)?,
            version: row.i64(1)?,
        })
    }

    /// Bumps the person's data version: for a write outside the repositories that changes
    /// what their insights show (an account deletion).
    pub async fn bump_version(&mut self, user_id: PersonId) -> StoreResult<()> {
        bump_version(self.0, user_id).await
    }

    /// The person's location, if set.
    pub async fn location(&mut self, user_id: PersonId) -> StoreResult<Option<Location>> {
        let row = self
            .0
            .query_opt(
                "SELECT latitude, longitude, place FROM locations WHERE user_id = $1",
                &params![user_id],
            )
            .await?;
        row.map(|r| {
            Ok(Location {
                latitude: r.f64(0)?,
                longitude: r.f64(1)?,
                place: r.text(2)?,
            })
        })
        .transpose()
    }

    /// Sets (or with `None`, clears) the person's location.
    pub async fn set_location(
        &mut self,
        user_id: PersonId,
        l: Option<&Location>,
    ) -> StoreResult<()> {
        match l {
            Some(l) => {
                self.0
                    .execute(
                        "INSERT INTO locations (user_id, latitude, longitude, place)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (user_id) DO UPDATE SET latitude = excluded.latitude,
                             longitude = excluded.longitude, place = excluded.place",
                        &params![user_id, l.latitude, l.longitude, &l.place],
                    )
                    .await?
            }
            None => {
                self.0
                    .execute(
                        "DELETE FROM locations WHERE user_id = $1",
                        &params![user_id],
                    )
                    .await?
            }
        };
        bump_version(self.0, user_id).await
    }

    /// Saves the reflection for a date (replacing one written earlier for it).
    pub async fn upsert_reflection(
        &mut self,
        user_id: PersonId,
        date: NaiveDate,
        text: &str,
        now: i64,
    ) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO reflections (user_id, date, text, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4)
                 ON CONFLICT (user_id, date) DO UPDATE SET text = excluded.text,
                     updated_at = excluded.updated_at",
                &params![user_id, date, text, now],
            )
            .await?;
        bump_version(self.0, user_id).await
    }

    /// The person's reflections, newest date first.
    pub async fn reflections(&mut self, user_id: PersonId) -> StoreResult<Vec<Reflection>> {
        let rows = self
            .0
            .query(
                "SELECT date, text, updated_at FROM reflections WHERE user_id = $1
                 ORDER BY date DESC",
                &params![user_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Reflection {
                    date: r.date(0)?,
                    text: r.text(1)?,
                    updated_at: r.i64(2)?,
                })
            })
            .collect()
    }

    /// Deletes the reflection for a date; false if there was none.
    pub async fn delete_reflection(
        &mut self,
        user_id: PersonId,
        date: NaiveDate,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM reflections WHERE user_id = $1 AND date = $2",
                &params![user_id, date],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }

    /// Marks the person's active experiments that ended before `today` completed, at `at`.
    pub async fn complete_ended_experiments(
        &mut self,
        user_id: PersonId,
        today: NaiveDate,
        at: i64,
    ) -> StoreResult<u64> {
        let n = self
            .0
            .execute(
                "UPDATE experiments SET status = 'completed', ended_at = $3
                 WHERE user_id = $1 AND status = 'active' AND end_date < $2",
                &params![user_id, today, at],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n)
    }

    /// Inserts an active experiment; `Conflict` if one is still active (a partial unique
    /// index allows one).
    pub async fn insert_experiment(
        &mut self,
        user_id: PersonId,
        new: &NewExperiment,
    ) -> StoreResult<Experiment> {
        let sql = format!(
            "INSERT INTO experiments (user_id, start_date, end_date, weeks, seed, schedule,
                                      status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'active', $7) RETURNING {EXPERIMENT_COLUMNS}"
        );
        let row = self
            .0
            .query_one(
                &sql,
                &params![
                    user_id,
                    new.start_date,
                    new.end_date,
                    new.weeks,
                    new.seed,
                    &new.schedule,
                    new.created_at
                ],
            )
            .await?;
        bump_version(self.0, user_id).await?;
        experiment_from_row(&row)
    }

    /// The person's experiments, newest first.
    pub async fn experiments(&mut self, user_id: PersonId) -> StoreResult<Vec<Experiment>> {
        let sql = format!(
            "SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE user_id = $1 ORDER BY id DESC"
        );
        let rows = self.0.query(&sql, &params![user_id]).await?;
        rows.iter().map(experiment_from_row).collect()
    }

    /// Replaces the schedule in force of the person's active experiment `id`.
    pub async fn set_experiment_schedule(
        &mut self,
        user_id: PersonId,
        id: ExperimentId,
        schedule: &str,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE experiments SET schedule = $3
                 WHERE id = $1 AND user_id = $2 AND status = 'active'",
                &params![id, user_id, schedule],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }

    /// Abandons the person's active experiment `id`.
    pub async fn abandon_experiment(
        &mut self,
        user_id: PersonId,
        id: ExperimentId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE experiments SET status = 'abandoned', ended_at = $3
                 WHERE id = $1 AND user_id = $2 AND status = 'active'",
                &params![id, user_id, now],
            )
            .await?;
        if n > 0 {
            bump_version(self.0, user_id).await?;
        }
        Ok(n > 0)
    }
}
