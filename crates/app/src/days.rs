//! The daily Light & Mood log.

use crate::safety::may_carry_risk;
use crate::{App, AppError, AppResult, Assessment, Change, Me, Saving, Support, assess};
use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use enough_domain::PersonId;
use enough_domain::ValidationErrors;
use enough_domain::day::{DayEntry, DayFields, DayPatch, local_today};
use enough_store::sql::Tx;
use enough_store::{StoreResult, User};

/// What to do when a day is moved onto a date that already has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveChoice {
    /// Change nothing and show both days.
    Ask,
    /// Keep the day already on the new date; the moved one is removed.
    KeepTarget,
    /// The moved day replaces the one on the new date.
    ReplaceTarget,
}

/// The result of moving a day.
#[derive(Debug, Clone)]
pub enum Moved {
    /// The day now on the new date, and support when the safety decision asks for it.
    Done(DayEntry, Option<Support>),
    /// The new date already has a day; nothing was changed.
    Conflict {
        /// The day as it would be on the new date.
        moving: Box<DayEntry>,
        /// The day already there.
        existing: Box<DayEntry>,
        /// Where the moved day is now.
        from: NaiveDate,
    },
}

/// What a move did, inside its transaction.
enum MoveOutcome {
    Conflict {
        moving: Box<DayEntry>,
        existing: Box<DayEntry>,
        from: NaiveDate,
    },
    Kept(DayEntry),
    Saved(DayEntry, Assessment),
}

/// Saves one day and records the safety events its note calls for, inside the caller's
/// transaction: the day and its events are committed together. The earlier note is read only
/// when the new one may need it (rare): the decision compares the two, so an unchanged note
/// never triggers again.
pub(crate) async fn save_day_in(
    tx: &mut dyn Tx,
    user_id: PersonId,
    entry: &DayEntry,
    now: i64,
) -> StoreResult<(bool, Assessment)> {
    let note = entry.note.as_deref().unwrap_or_default();
    let earlier = if may_carry_risk(&[note]) {
        tx.days()
            .get(user_id, entry.date)
            .await?
            .and_then(|d| d.note)
    } else {
        None
    };
    let created = tx.days().upsert(user_id, entry, now).await?;
    let change = Change::Words {
        place: format!("day:{}", entry.date),
        new: vec![note],
        before: earlier.as_deref().into_iter().collect(),
    };
    let assessment = assess(Saving::Day, &[change]);
    record_events_in(tx, user_id, &assessment, now).await?;
    Ok((created, assessment))
}

/// Saves many days (an import) and records the safety events their notes call for, inside
/// the caller's transaction: all of it or, on any failure, nothing. Earlier notes are read
/// only when a new one may need the comparison.
pub(crate) async fn save_days_in(
    tx: &mut dyn Tx,
    user_id: PersonId,
    entries: &[DayEntry],
    now: i64,
) -> StoreResult<Assessment> {
    let noted: Vec<(NaiveDate, &str)> = entries
        .iter()
        .filter_map(|e| Some((e.date, e.note.as_deref()?)))
        .filter(|(_, note)| may_carry_risk(&[note]))
        .collect();
    let earlier: std::collections::BTreeMap<NaiveDate, String> = if noted.is_empty() {
        std::collections::BTreeMap::new()
    } else {
        tx.days()
            .list(user_id, None, None)
            .await?
            .into_iter()
            .filter_map(|d| Some((d.date, d.note?)))
            .collect()
    };
    for e in entries {
        tx.days().upsert(user_id, e, now).await?;
    }
    let changes: Vec<Change<'_>> = noted
        .iter()
        .map(|(date, note)| Change::Words {
            place: format!("day:{date}"),
            new: vec![note],
            before: earlier.get(date).map(String::as_str).into_iter().collect(),
        })
        .collect();
    let assessment = assess(Saving::Import, &changes);
    record_events_in(tx, user_id, &assessment, now).await?;
    Ok(assessment)
}

/// Records the events of an assessment inside the caller's transaction, so that they are
/// committed together with the save that called for them.
pub(crate) async fn record_events_in(
    tx: &mut dyn Tx,
    user_id: PersonId,
    assessment: &Assessment,
    now: i64,
) -> StoreResult<()> {
    for (kind, place) in &assessment.events {
        tx.practice()
            .record_safety_event(user_id, kind, place, now)
            .await?;
    }
    Ok(())
}

/// Longest range a listing may span, in days (50 years).
pub const MAX_RANGE_DAYS: i64 = 50 * 366;

/// Refuses a range that ends before it starts or spans more than [`MAX_RANGE_DAYS`].
/// Above this many days, a day list is rendered on a blocking thread rather than on the
/// async worker that serves requests.
const RENDER_INLINE_DAYS: usize = 800;

pub(crate) fn check_range(from: NaiveDate, to: NaiveDate) -> AppResult<()> {
    if from > to {
        return Err(ValidationErrors::single(
            "from",
            "The start date must not be after the end date.",
        )
        .into());
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ValidationErrors::single("from", "A range can span at most 50 years.").into());
    }
    Ok(())
}

impl App {
    /// The user's local date now, in their time zone.
    pub fn today(&self, user: &User) -> NaiveDate {
        let tz: Tz = user.time_zone;
        local_today(tz, self.now())
    }

    /// Saves (creates or replaces) the user's entry for `date`. `type_errors` are problems the
    /// caller found while reading the input; nothing is written unless every field is valid.
    /// The day and the safety events its note calls for are written in one transaction.
    /// Returns the entry, whether it was new, and support to show when the safety decision
    /// asks for it.
    pub async fn log_day(
        &self,
        user: &Me,
        date: NaiveDate,
        fields: DayFields,
        type_errors: ValidationErrors,
    ) -> AppResult<(DayEntry, bool, Option<Support>)> {
        let entry = fields.validate(date, self.today(user), type_errors)?;
        let (user_id, now) = (user.id, self.now().timestamp());
        let saved = entry.clone();
        let (created, assessment) = self
            .store
            .write(move |tx| Box::pin(async move { save_day_in(tx, user_id, &saved, now).await }))
            .await?;
        Ok((
            entry,
            created,
            self.support_for(user, Saving::Day, &assessment),
        ))
    }

    /// Changes only the fields `patch` names on the user's day `date` (creating the day if
    /// there is none), then saves it exactly as [`App::log_day`] does (same checks, same
    /// safety decision), reading and writing in one transaction so that no other save of the
    /// day slips in between. Returns the whole day, whether it was new, and support to show.
    pub async fn patch_day(
        &self,
        user: &Me,
        date: NaiveDate,
        patch: DayPatch,
        type_errors: ValidationErrors,
    ) -> AppResult<(DayEntry, bool, Option<Support>)> {
        let (user_id, now, today) = (user.id, self.now().timestamp(), self.today(user));
        let outcome = self
            .store
            .write(move |tx| {
                Box::pin(async move {
                    let existing = tx.days().get(user_id, date).await?;
                    let fields = patch.apply(existing.as_ref());
                    let entry = match fields.validate(date, today, type_errors) {
                        Ok(entry) => entry,
                        Err(errors) => return Ok(Err(errors)),
                    };
                    let (created, assessment) = save_day_in(tx, user_id, &entry, now).await?;
                    Ok(Ok((entry, created, assessment)))
                })
            })
            .await?;
        let (entry, created, assessment) = outcome?;
        Ok((
            entry,
            created,
            self.support_for(user, Saving::Day, &assessment),
        ))
    }

    /// Moves the user's day from `from` to `fields`' new date `to`, saved with `fields`, in
    /// one transaction (the day is never on both dates, nor on neither). When `to` already
    /// holds a day, nothing changes unless `choice` says what to do: [`MoveChoice::Ask`]
    /// returns [`Moved::Conflict`] with both days so the person can choose.
    pub async fn move_day(
        &self,
        user: &Me,
        from: NaiveDate,
        to: NaiveDate,
        fields: DayFields,
        type_errors: ValidationErrors,
        choice: MoveChoice,
    ) -> AppResult<Moved> {
        if from == to {
            let (entry, _, support) = self.log_day(user, to, fields, type_errors).await?;
            return Ok(Moved::Done(entry, support));
        }
        // Check everything before anything is written.
        let checked = fields.validate(to, self.today(user), type_errors)?;
        let (user_id, now) = (user.id, self.now().timestamp());
        let outcome = self
            .store
            .write(move |tx| {
                Box::pin(async move {
                    let Some(moving) = tx.days().get(user_id, from).await? else {
                        return Ok(None);
                    };
                    let target = tx.days().get(user_id, to).await?;
                    let moved = match (target, choice) {
                        (Some(existing), MoveChoice::Ask) => MoveOutcome::Conflict {
                            moving: Box::new(checked),
                            existing: Box::new(existing),
                            from: moving.date,
                        },
                        (Some(existing), MoveChoice::KeepTarget) => {
                            // The day already on `to` stays as it is; the moved one is let go.
                            tx.days().delete(user_id, from).await?;
                            MoveOutcome::Kept(existing)
                        }
                        (None, _) | (Some(_), MoveChoice::ReplaceTarget) => {
                            let (_, assessment) = save_day_in(tx, user_id, &checked, now).await?;
                            tx.days().delete(user_id, from).await?;
                            MoveOutcome::Saved(checked, assessment)
                        }
                    };
                    Ok(Some(moved))
                })
            })
            .await?;
        Ok(match outcome.ok_or(AppError::NotFound("day"))? {
            MoveOutcome::Conflict {
                moving,
                existing,
                from,
            } => Moved::Conflict {
                moving,
                existing,
                from,
            },
            MoveOutcome::Kept(existing) => Moved::Done(existing, None),
            MoveOutcome::Saved(entry, assessment) => {
                let support = self.support_for(user, Saving::Day, &assessment);
                Moved::Done(entry, support)
            }
        })
    }

    /// The user's entry for `date`.
    pub async fn day(&self, user: &Me, date: NaiveDate) -> AppResult<DayEntry> {
        self.day_of(user, date).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn day_of(&self, user: &User, date: NaiveDate) -> AppResult<DayEntry> {
        self.store
            .get_day(user.id, date)
            .await?
            .ok_or(AppError::NotFound("day"))
    }

    /// Deletes the user's entry for `date`.
    pub async fn delete_day(&self, user: &Me, date: NaiveDate) -> AppResult<()> {
        if self.store.delete_day(user.id, date).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("day"))
        }
    }

    /// The user's entries from `from` to `to` inclusive (either open), newest first.
    pub async fn days(
        &self,
        user: &Me,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Vec<DayEntry>> {
        self.days_of(user, from, to).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn days_of(
        &self,
        user: &User,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Vec<DayEntry>> {
        if let (Some(from), Some(to)) = (from, to) {
            check_range(from, to)?;
        }
        Ok(self.store.list_days(user.id, from, to).await?)
    }

    /// The person's days from `from` to `to` (either open), newest first, as the response
    /// body `render` makes of them: rendered once per change of their data and kept in the
    /// insights cache, so a repeat request reads only the data version and sends the same
    /// bytes. `render` must depend on nothing but the days (one renderer per installation:
    /// the API's day list).
    pub async fn days_rendered<R, E>(
        &self,
        user: &Me,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        render: R,
    ) -> AppResult<std::sync::Arc<crate::RenderedBody>>
    where
        R: FnOnce(&[DayEntry]) -> Result<Vec<u8>, E> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        use crate::insights::{Found, compute};
        use crate::insights_cache::{Cached, Key, What};
        if let (Some(from), Some(to)) = (from, to) {
            check_range(from, to)?;
        }
        let user_id = user.id;
        // An open end has a key of its own (the list then reaches the fixed bounds).
        let key = move |version| Key {
            version,
            user_id,
            what: What::DayList,
            from: from.unwrap_or(NaiveDate::MIN),
            to: to.unwrap_or(NaiveDate::MAX),
        };
        let found = self
            .cached_or_load(user_id, user.seen_version(), key, move |tx| {
                Box::pin(async move { tx.days().list(user_id, from, to).await })
            })
            .await?;
        let (version, days) = match found {
            Found::Hit(Cached::Body(body)) => return Ok(body),
            // Keys name what they hold; another kind under this key cannot happen.
            Found::Hit(_) => return Err(AppError::Internal("day list cache mix-up".to_owned())),
            Found::Miss(version, days) => (version, days),
        };
        let body = compute(days.len() > RENDER_INLINE_DAYS, move || {
            render(&days).map(|bytes| {
                std::sync::Arc::new(crate::RenderedBody {
                    bytes: bytes.into(),
                    derived: crate::Derived::default(),
                })
            })
        })
        .await?
        .map_err(|e| AppError::Internal(format!("rendering the day list failed: {e}")))?;
        self.insights_cache
            .put(key(version), Cached::Body(std::sync::Arc::clone(&body)));
        Ok(body)
    }

    /// The user's most recent entries: the last `count` days up to tomorrow.
    pub async fn recent_days(&self, user: &Me, count: u64) -> AppResult<Vec<DayEntry>> {
        let today = self.today(user);
        let from = today.checked_sub_days(Days::new(count.saturating_sub(1)));
        Ok(self.store.list_days(user.id, from, None).await?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use enough_domain::account::Role;
    use enough_store_sqlite::SqliteStore;
    use std::sync::Arc;

    /// A store in a fresh temporary folder, removed when the folder is dropped.
    async fn temp_store() -> (SqliteStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        (SqliteStore::open(&url).await.unwrap(), dir)
    }

    /// An app with one person, signed in through the real sign-in and session use cases.
    async fn app_with_user() -> (App, Me, tempfile::TempDir) {
        let (store, dir) = temp_store().await;
        let app = App::new(Arc::new(store));
        let password = "a long enough password";
        app.add_user("ana@example.org", Role::Person, password, "Europe/Dublin")
            .await
            .unwrap();
        let (session, _) = app
            .sign_in("ana@example.org", password, "127.0.0.1", "test")
            .await
            .unwrap();
        let user = app.session(&session.0).await.unwrap().unwrap().user;
        (app, user, dir)
    }

    fn fields(mood: i64) -> DayFields {
        DayFields {
            daylight_hours: Some(1.5),
            energy: Some(4),
            mood: Some(mood),
            outside_morning: Some(true),
            ..DayFields::default()
        }
    }

    #[tokio::test]
    async fn an_invalid_day_writes_nothing() {
        let (app, user, _dir) = app_with_user().await;
        let today = app.today(&user);
        let err = app
            .log_day(&user, today, fields(12), ValidationErrors::default())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Validation(_)));
        assert!(app.days(&user, None, None).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn logging_twice_replaces_the_day() {
        let (app, user, _dir) = app_with_user().await;
        let today = app.today(&user);
        let (_, created, _) = app
            .log_day(&user, today, fields(3), ValidationErrors::default())
            .await
            .unwrap();
        assert!(created);
        let (_, created, _) = app
            .log_day(&user, today, fields(7), ValidationErrors::default())
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(app.day(&user, today).await.unwrap().mood, Some(7));
        assert_eq!(app.days(&user, None, None).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn moving_a_day_never_overwrites_silently() {
        let (app, user, _dir) = app_with_user().await;
        let today = app.today(&user);
        let yesterday = today.pred_opt().unwrap();
        let before = yesterday.pred_opt().unwrap();
        app.log_day(&user, today, fields(3), ValidationErrors::default())
            .await
            .unwrap();
        app.log_day(&user, yesterday, fields(8), ValidationErrors::default())
            .await
            .unwrap();
        let asked = app
            .move_day(
                &user,
                today,
                yesterday,
                fields(4),
                ValidationErrors::default(),
                MoveChoice::Ask,
            )
            .await
            .unwrap();
        let Moved::Conflict {
            existing, moving, ..
        } = asked
        else {
            panic!("both days are shown")
        };
        assert_eq!((existing.mood, moving.mood), (Some(8), Some(4)));
        assert_eq!(
            app.day(&user, yesterday).await.unwrap().mood,
            Some(8),
            "unchanged"
        );
        assert_eq!(
            app.day(&user, today).await.unwrap().mood,
            Some(3),
            "unchanged"
        );

        app.move_day(
            &user,
            today,
            yesterday,
            fields(4),
            ValidationErrors::default(),
            MoveChoice::ReplaceTarget,
        )
        .await
        .unwrap();
        assert_eq!(app.day(&user, yesterday).await.unwrap().mood, Some(4));
        assert!(app.day(&user, today).await.is_err(), "moved, not copied");

        let moved = app
            .move_day(
                &user,
                yesterday,
                before,
                fields(4),
                ValidationErrors::default(),
                MoveChoice::Ask,
            )
            .await
            .unwrap();
        assert!(matches!(moved, Moved::Done(..)), "a free date just moves");
        assert_eq!(app.days(&user, None, None).await.unwrap().len(), 1);

        app.log_day(&user, today, fields(9), ValidationErrors::default())
            .await
            .unwrap();
        app.move_day(
            &user,
            before,
            today,
            fields(4),
            ValidationErrors::default(),
            MoveChoice::KeepTarget,
        )
        .await
        .unwrap();
        let left = app.days(&user, None, None).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].mood, Some(9), "the day already there was kept");
    }

    #[tokio::test]
    async fn a_patch_adds_energy_and_keeps_the_mood() {
        let (app, user, _dir) = app_with_user().await;
        let today = app.today(&user);
        let mood = DayPatch {
            mood: Some(Some(6)),
            ..DayPatch::default()
        };
        let (_, created, _) = app
            .patch_day(&user, today, mood, ValidationErrors::default())
            .await
            .unwrap();
        assert!(created);
        let energy = DayPatch {
            energy: Some(Some(3)),
            ..DayPatch::default()
        };
        app.patch_day(&user, today, energy, ValidationErrors::default())
            .await
            .unwrap();
        let day = app.day(&user, today).await.unwrap();
        assert_eq!(
            (day.mood, day.energy, day.daylight_quarter_hours),
            (Some(6), Some(3), None)
        );
        let empty = DayPatch {
            mood: Some(None),
            energy: Some(None),
            ..DayPatch::default()
        };
        let err = app
            .patch_day(&user, today, empty, ValidationErrors::default())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Validation(e) if e.message_for("day").is_some()));
        assert_eq!(app.day(&user, today).await.unwrap(), day, "nothing saved");
    }

    #[tokio::test]
    async fn reversed_ranges_are_refused() {
        let (app, user, _dir) = app_with_user().await;
        let today = app.today(&user);
        let yesterday = today.pred_opt().unwrap();
        let err = app
            .days(&user, Some(today), Some(yesterday))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Validation(e) if e.message_for("from").is_some()));
    }

    #[tokio::test]
    async fn sign_in_pauses_after_repeated_failures() {
        let (app, _, _dir) = app_with_user().await;
        for _ in 0..5 {
            let err = app
                .sign_in("ana@example.org", "wrong password!", "10.0.0.1", "t")
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::WrongCredentials));
        }
        let err = app
            .sign_in("ana@example.org", "a long enough password", "10.0.0.1", "t")
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::RateLimited { .. }),
            "even the right password waits"
        );
    }

    #[tokio::test]
    async fn sign_in_gives_a_session_that_sign_out_ends() {
        let (app, user, _dir) = app_with_user().await;
        let (token, signed) = app
            .sign_in(
                " ANA@example.org ",
                "a long enough password",
                "10.0.0.1",
                "t",
            )
            .await
            .unwrap();
        assert_eq!(signed.id, user.id);
        assert_eq!(
            app.session(&token.0).await.unwrap().unwrap().user.id,
            user.id
        );
        app.sign_out(&token.0).await.unwrap();
        assert!(app.session(&token.0).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn first_account_is_an_admin_and_only_once() {
        let (store, _dir) = temp_store().await;
        let app = App::new(Arc::new(store));
        assert!(app.needs_setup().await.unwrap());
        let admin = app
            .create_first_account("root@example.org", "a long enough password", "UTC")
            .await
            .unwrap();
        assert_eq!(admin.role, Role::Admin);
        let err = app
            .create_first_account("x@example.org", "a long enough password", "UTC")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::AlreadySetUp));
    }

    #[tokio::test]
    async fn closed_sign_up_refuses_new_people() {
        let (app, user, _dir) = app_with_user().await;
        assert!(matches!(
            app.set_sign_up_open(&user, false).await,
            Err(AppError::Forbidden)
        ));
        // Closed by default once the first account exists.
        let err = app
            .sign_up(
                "new@example.org",
                "a long enough password",
                "UTC",
                "10.0.0.1",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::SignUpClosed));
        app.set_sign_up_open_from_shell(true).await.unwrap();
        app.sign_up(
            "new@example.org",
            "a long enough password",
            "UTC",
            "10.0.0.1",
        )
        .await
        .unwrap();
        app.set_sign_up_open_from_shell(false).await.unwrap();
        let err = app
            .sign_up(
                "new2@example.org",
                "a long enough password",
                "UTC",
                "10.0.0.1",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::SignUpClosed));
    }

    #[tokio::test]
    async fn revoked_tokens_stop_working() {
        let (app, user, _dir) = app_with_user().await;
        let (token, secret) = app.create_token(&user, "phone").await.unwrap();
        assert_eq!(
            app.authenticate_token(&secret).await.unwrap().user.id,
            user.id
        );
        app.revoke_token(&user, token.id).await.unwrap();
        assert!(matches!(
            app.authenticate_token(&secret).await,
            Err(AppError::Unauthenticated)
        ));
    }
}
