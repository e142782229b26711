//! `store.write(|tx| …)` and `store.read(|tx| …)`, and one-statement shorthands over them.
//!
//! A shorthand runs one repository call in a transaction of its own, for callers with
//! nothing else to do atomically. Work that must be atomic with anything else runs in one
//! `write` and calls the repositories itself.

use crate::sql::{Tx, TxFuture, TxJob};
use crate::*;
use chrono::NaiveDate;
use enough_domain::day::DayEntry;
use std::sync::{Arc, Mutex, PoisonError};

/// Forces a closure to the higher-ranked signature of a [`TxJob`].
fn job<F>(f: F) -> F
where
    F: for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, ()> + Send + 'static,
{
    f
}

/// Wraps typed work as a [`TxJob`] that leaves its result in a slot.
fn erase<T, F>(work: F) -> (TxJob, Arc<Mutex<Option<T>>>)
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, T> + Send + 'static,
{
    let slot = Arc::new(Mutex::new(None));
    let out = Arc::clone(&slot);
    let job: TxJob = Box::new(job(move |tx| {
        Box::pin(async move {
            let value = work(tx).await?;
            *out.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
            Ok(())
        })
    }));
    (job, slot)
}

fn take<T>(slot: &Mutex<Option<T>>) -> StoreResult<T> {
    slot.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .ok_or_else(|| StoreError::Database("the transaction gave no result".to_owned()))
}

/// Write transactions started in this process, by every store (see [`writes_started`]).
static WRITES_STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many write transactions this process has started, by any store. A value read before
/// and after some work tells whether anything here wrote in between (the app's check that a
/// request has not written since it read a person's data version at sign-in).
pub fn writes_started() -> u64 {
    WRITES_STARTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Runs one repository call in a transaction of its own.
macro_rules! one {
    ($self:ident, $mode:ident, |$tx:ident| $body:expr) => {
        $self.$mode(move |$tx| Box::pin(async move { $body })).await
    };
}

impl dyn Store {
    /// Runs `work` in one write transaction: everything it wrote is committed together if it
    /// returns `Ok`, and nothing if it returns an error. On SQLite it runs on the writer
    /// thread and is answered once the commit is durable. `work` should await nothing but the
    /// transaction's own statements.
    pub async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, T> + Send + 'static,
    {
        WRITES_STARTED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (job, slot) = erase(work);
        self.run_write(job).await?;
        take(&slot)
    }

    /// Runs `work` with a read connection. Each statement sees every write committed before
    /// it started.
    pub async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, T> + Send + 'static,
    {
        let (job, slot) = erase(work);
        self.run_read(job).await?;
        take(&slot)
    }

    /// Runs `work`, a short read (a few lookups by key, never a scan of many rows), as
    /// [`Self::read`] does: on SQLite on the calling thread when a connection is free there,
    /// which saves the hop to a reader thread. Anything longer goes through [`Self::read`],
    /// so as not to hold up the async worker that serves other requests.
    pub async fn read_short<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> TxFuture<'t, T> + Send + 'static,
    {
        let (job, slot) = erase(work);
        self.run_short_read(job).await?;
        take(&slot)
    }

    /// Every row, each table ordered by primary key (one read, so the tables agree).
    pub async fn export_all(&self) -> StoreResult<Snapshot> {
        one!(self, read, |tx| tx.imports().export_all().await)
    }
    /// Loads a snapshot into an empty store in one transaction, keeping ids; `NotEmpty` if the
    /// store already has accounts or days.
    pub async fn import_all(&self, snapshot: &Snapshot) -> StoreResult<()> {
        let s = snapshot.clone();
        one!(self, write, |tx| tx.imports().import_all(&s).await)
    }

    // ---- accounts ----

    /// How many accounts exist.
    pub async fn count_users(&self) -> StoreResult<i64> {
        one!(self, read, |tx| tx.accounts().count().await)
    }
    /// Creates an account; `Conflict` if the e-mail is taken.
    pub async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        one!(self, write, |tx| tx.accounts().create(user).await)
    }
    /// Creates an account only if there is none yet (atomically); `None` if one existed.
    pub async fn create_first_user(&self, user: NewUser) -> StoreResult<Option<User>> {
        one!(self, write, |tx| tx.accounts().create_first(user).await)
    }
    /// The account with this (normalised) e-mail, with its password hash.
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserCredentials>> {
        let email = email.to_owned();
        one!(self, read, |tx| tx.accounts().by_email(&email).await)
    }
    /// The account with this id.
    pub async fn user_by_id(&self, id: PersonId) -> StoreResult<Option<User>> {
        one!(self, read, |tx| tx.accounts().by_id(id).await)
    }
    /// Every account, oldest first.
    pub async fn list_users(&self) -> StoreResult<Vec<User>> {
        one!(self, read, |tx| tx.accounts().list().await)
    }
    /// Changes a person's time zone.
    pub async fn set_time_zone(&self, user_id: PersonId, time_zone: &str) -> StoreResult<()> {
        let tz = time_zone.to_owned();
        one!(self, write, |tx| tx
            .accounts()
            .set_time_zone(user_id, &tz)
            .await)
    }
    /// Sets (or with `None`, clears) the person's country (ISO 3166 code) for crisis lines.
    pub async fn set_country(&self, user_id: PersonId, country: Option<&str>) -> StoreResult<()> {
        let c = country.map(str::to_owned);
        one!(self, write, |tx| tx
            .accounts()
            .set_country(user_id, c.as_deref())
            .await)
    }
    /// A setting of the whole installation, e.g. `signup_enabled`.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_owned();
        one!(self, read, |tx| tx.accounts().setting(&key).await)
    }
    /// Sets an installation setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let (k, v) = (key.to_owned(), value.to_owned());
        one!(self, write, |tx| tx.accounts().set_setting(&k, &v).await)
    }
    /// How many accounts have been deleted (the content-free record).
    pub async fn count_deletions(&self) -> StoreResult<i64> {
        one!(self, read, |tx| tx.accounts().count_deletions().await)
    }

    // ---- sessions, throttling, tokens ----

    /// Stores a new session (only the hash of its token).
    pub async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        one!(self, write, |tx| tx.sessions().create(&session).await)
    }
    /// Ends a session by its token hash.
    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let h = token_hash.to_owned();
        one!(self, write, |tx| tx.sessions().delete(&h).await)
    }
    /// A user's live sessions, newest first.
    pub async fn list_sessions(&self, user_id: PersonId, now: i64) -> StoreResult<Vec<Session>> {
        one!(self, read, |tx| tx.sessions().list(user_id, now).await)
    }
    /// Ends one of a user's sessions by id; false if it was not theirs or did not exist.
    pub async fn delete_session_by_id(
        &self,
        user_id: PersonId,
        session_id: SessionId,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .sessions()
            .delete_by_id(user_id, session_id)
            .await)
    }
    /// Removes sessions that expired before `now`.
    pub async fn purge_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        one!(self, write, |tx| tx.sessions().purge_expired(now).await)
    }
    /// Records one failed sign-in for each key (e.g. `email:…`, `ip:…`).
    pub async fn record_login_failure(&self, keys: &[String], at: i64) -> StoreResult<()> {
        let keys = keys.to_vec();
        one!(self, write, |tx| {
            for key in &keys {
                tx.sessions().record_failure(key, at).await?;
            }
            Ok(())
        })
    }
    /// Failed sign-ins for `key` since `since`.
    pub async fn count_login_failures(&self, key: &str, since: i64) -> StoreResult<i64> {
        let key = key.to_owned();
        one!(self, read, |tx| tx
            .sessions()
            .count_failures(&key, since)
            .await)
    }
    /// Forgets failures for `key` (after a successful sign-in) and those older than `before`.
    pub async fn clear_login_failures(&self, key: &str, before: i64) -> StoreResult<()> {
        let key = key.to_owned();
        one!(self, write, |tx| tx
            .sessions()
            .clear_failures(&key, before)
            .await)
    }
    /// Atomically reserves one attempt under every key (see
    /// [`repo::Sessions::reserve_attempt`]).
    pub async fn reserve_attempt(
        &self,
        keys: &[(String, i64)],
        since: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let keys = keys.to_vec();
        one!(self, write, |tx| tx
            .sessions()
            .reserve_attempt(&keys, since, now)
            .await)
    }
    /// Replaces an account's password hash and, in the same transaction, ends every session
    /// but `keep_session` and revokes every live token but `keep_token`.
    pub async fn set_password_hash(
        &self,
        user_id: PersonId,
        password_hash: &str,
        keep_session: Option<SessionId>,
        keep_token: Option<TokenId>,
        now: i64,
    ) -> StoreResult<()> {
        let hash = password_hash.to_owned();
        one!(self, write, |tx| {
            tx.accounts().set_password_hash(user_id, &hash).await?;
            tx.sessions()
                .end_all(user_id, keep_session, keep_token, now)
                .await
        })
    }
    /// Ends every session of an account but `keep_session` and revokes its live tokens.
    pub async fn end_sessions(
        &self,
        user_id: PersonId,
        keep_session: Option<SessionId>,
        now: i64,
    ) -> StoreResult<()> {
        one!(self, write, |tx| tx
            .sessions()
            .end_all(user_id, keep_session, None, now)
            .await)
    }
    /// Stores a new token (only its hash).
    pub async fn create_token(&self, token: NewToken) -> StoreResult<ApiToken> {
        one!(self, write, |tx| tx.sessions().create_token(token).await)
    }
    /// A user's tokens, newest first, revoked ones included.
    pub async fn list_tokens(&self, user_id: PersonId) -> StoreResult<Vec<ApiToken>> {
        one!(self, read, |tx| tx.sessions().tokens(user_id).await)
    }
    /// Revokes one of a user's tokens; false if it was not theirs or already revoked.
    pub async fn revoke_token(
        &self,
        user_id: PersonId,
        token_id: TokenId,
        now: i64,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .sessions()
            .revoke_token(user_id, token_id, now)
            .await)
    }

    // ---- the daily log and insights ----

    /// Inserts or replaces the entry for `entry.date`; true if it was new.
    pub async fn upsert_day(
        &self,
        user_id: PersonId,
        entry: &DayEntry,
        now: i64,
    ) -> StoreResult<bool> {
        let e = entry.clone();
        one!(self, write, |tx| tx.days().upsert(user_id, &e, now).await)
    }
    /// Writes many days in one transaction (an import): all of them or, on any failure, none.
    pub async fn upsert_days(
        &self,
        user_id: PersonId,
        entries: &[DayEntry],
        now: i64,
    ) -> StoreResult<()> {
        let entries = entries.to_vec();
        one!(self, write, |tx| {
            for e in &entries {
                tx.days().upsert(user_id, e, now).await?;
            }
            Ok(())
        })
    }
    /// The entry for one date.
    pub async fn get_day(
        &self,
        user_id: PersonId,
        date: NaiveDate,
    ) -> StoreResult<Option<DayEntry>> {
        one!(self, read, |tx| tx.days().get(user_id, date).await)
    }
    /// Deletes the entry for one date; false if there was none.
    pub async fn delete_day(&self, user_id: PersonId, date: NaiveDate) -> StoreResult<bool> {
        one!(self, write, |tx| tx.days().delete(user_id, date).await)
    }
    /// Entries between `from` and `to` inclusive (either open), newest first.
    pub async fn list_days(
        &self,
        user_id: PersonId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<DayEntry>> {
        one!(self, read, |tx| tx.days().list(user_id, from, to).await)
    }
    /// The person's location, if set.
    pub async fn location(&self, user_id: PersonId) -> StoreResult<Option<Location>> {
        one!(self, read, |tx| tx.days().location(user_id).await)
    }
    /// Sets (or with `None`, clears) the person's location.
    pub async fn set_location(
        &self,
        user_id: PersonId,
        location: Option<&Location>,
    ) -> StoreResult<()> {
        let l = location.cloned();
        one!(self, write, |tx| tx
            .days()
            .set_location(user_id, l.as_ref())
            .await)
    }
    /// Saves the reflection for a date (replacing one written earlier for it).
    pub async fn upsert_reflection(
        &self,
        user_id: PersonId,
        date: NaiveDate,
        text: &str,
        now: i64,
    ) -> StoreResult<()> {
        let text = text.to_owned();
        one!(self, write, |tx| tx
            .days()
            .upsert_reflection(user_id, date, &text, now)
            .await)
    }
    /// The person's reflections, newest date first.
    pub async fn reflections(&self, user_id: PersonId) -> StoreResult<Vec<Reflection>> {
        one!(self, read, |tx| tx.days().reflections(user_id).await)
    }
    /// Deletes the reflection for a date; false if there was none.
    pub async fn delete_reflection(&self, user_id: PersonId, date: NaiveDate) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .days()
            .delete_reflection(user_id, date)
            .await)
    }
    /// The person's experiments, newest first.
    pub async fn experiments(&self, user_id: PersonId) -> StoreResult<Vec<Experiment>> {
        one!(self, read, |tx| tx.days().experiments(user_id).await)
    }
    /// Abandons the person's active experiment `id`; false if it was not theirs or not active.
    pub async fn abandon_experiment(
        &self,
        user_id: PersonId,
        id: ExperimentId,
        now: i64,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .days()
            .abandon_experiment(user_id, id, now)
            .await)
    }
    /// Replaces the schedule in force of the person's active experiment `id`.
    pub async fn set_experiment_schedule(
        &self,
        user_id: PersonId,
        id: ExperimentId,
        schedule: String,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .days()
            .set_experiment_schedule(user_id, id, &schedule)
            .await)
    }

    // ---- toolkit exercises, safety ----

    /// Saves a new exercise.
    pub async fn create_exercise(
        &self,
        user_id: PersonId,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<ExerciseEntry> {
        let input = input.clone();
        one!(self, write, |tx| tx
            .practice()
            .create_exercise(user_id, &input, now)
            .await)
    }
    /// Replaces exercise `id` of the person; `None` if it is not theirs.
    pub async fn update_exercise(
        &self,
        user_id: PersonId,
        id: ExerciseId,
        input: &ExerciseInput,
        now: i64,
    ) -> StoreResult<Option<ExerciseEntry>> {
        let input = input.clone();
        one!(self, write, |tx| tx
            .practice()
            .update_exercise(user_id, id, &input, now)
            .await)
    }
    /// Exercise `id` of the person.
    pub async fn exercise(
        &self,
        user_id: PersonId,
        id: ExerciseId,
    ) -> StoreResult<Option<ExerciseEntry>> {
        one!(self, read, |tx| tx.practice().exercise(user_id, id).await)
    }
    /// The person's exercises (of one kind, if given), newest date first.
    pub async fn exercises(
        &self,
        user_id: PersonId,
        kind: Option<&str>,
    ) -> StoreResult<Vec<ExerciseEntry>> {
        let kind = kind.map(str::to_owned);
        one!(self, read, |tx| tx
            .practice()
            .exercises(user_id, kind.as_deref())
            .await)
    }
    /// Deletes exercise `id` of the person; false if it was not theirs.
    pub async fn delete_exercise(&self, user_id: PersonId, id: ExerciseId) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .practice()
            .delete_exercise(user_id, id)
            .await)
    }
    /// The person's safety plan, if they wrote one.
    pub async fn safety_plan(&self, user_id: PersonId) -> StoreResult<Option<SafetyPlanRecord>> {
        one!(self, read, |tx| tx.practice().safety_plan(user_id).await)
    }
    /// Saves the person's safety plan.
    pub async fn set_safety_plan(
        &self,
        user_id: PersonId,
        plan: &str,
        now: i64,
    ) -> StoreResult<()> {
        let plan = plan.to_owned();
        one!(self, write, |tx| tx
            .practice()
            .set_safety_plan(user_id, &plan, now)
            .await)
    }
    /// Records a safety event.
    pub async fn record_safety_event(
        &self,
        user_id: PersonId,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> StoreResult<SafetyEvent> {
        let (kind, detail) = (kind.to_owned(), detail.to_owned());
        one!(self, write, |tx| tx
            .practice()
            .record_safety_event(user_id, &kind, &detail, at)
            .await)
    }
    /// The person's safety events, newest first.
    pub async fn safety_events(&self, user_id: PersonId) -> StoreResult<Vec<SafetyEvent>> {
        one!(self, read, |tx| tx.practice().safety_events(user_id).await)
    }

    // ---- questionnaires ----

    /// Stores a completed questionnaire and removes its draft, in one transaction.
    pub async fn save_response(
        &self,
        user_id: PersonId,
        new: &NewResponse,
    ) -> StoreResult<SavedResponse> {
        let new = new.clone();
        one!(self, write, |tx| tx
            .measures()
            .save_response(user_id, &new)
            .await)
    }
    /// The person's completed questionnaires (of one instrument, if given), oldest first.
    pub async fn responses(
        &self,
        user_id: PersonId,
        instrument: Option<&str>,
    ) -> StoreResult<Vec<QuestionnaireResponse>> {
        let i = instrument.map(str::to_owned);
        one!(self, read, |tx| tx
            .measures()
            .responses(user_id, i.as_deref())
            .await)
    }
    /// Deletes response `id` of the person; false if it was not theirs.
    pub async fn delete_response(&self, user_id: PersonId, id: ResponseId) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .measures()
            .delete_response(user_id, id)
            .await)
    }
    /// Saves the answers so far of an unfinished questionnaire.
    pub async fn save_questionnaire_draft(
        &self,
        user_id: PersonId,
        instrument: &str,
        answers: &str,
        now: i64,
    ) -> StoreResult<()> {
        let (i, a) = (instrument.to_owned(), answers.to_owned());
        one!(self, write, |tx| tx
            .measures()
            .save_draft(user_id, &i, &a, now)
            .await)
    }
    /// The unfinished questionnaire of this instrument, if any.
    pub async fn questionnaire_draft(
        &self,
        user_id: PersonId,
        instrument: &str,
    ) -> StoreResult<Option<QuestionnaireDraft>> {
        let i = instrument.to_owned();
        one!(self, read, |tx| tx.measures().draft(user_id, &i).await)
    }
    /// Sets (or with `None`, removes) "every N days" for an instrument.
    pub async fn set_schedule(
        &self,
        user_id: PersonId,
        instrument: &str,
        every_days: Option<i64>,
        since: NaiveDate,
    ) -> StoreResult<()> {
        let i = instrument.to_owned();
        one!(self, write, |tx| tx
            .measures()
            .set_schedule(user_id, &i, every_days, since)
            .await)
    }
    /// The person's questionnaire schedules.
    pub async fn schedules(&self, user_id: PersonId) -> StoreResult<Vec<QuestionnaireSchedule>> {
        one!(self, read, |tx| tx.measures().schedules(user_id).await)
    }

    // ---- the therapist's side ----

    /// Stores a new invitation.
    pub async fn create_invitation(&self, new: &NewInvitation) -> StoreResult<Invitation> {
        let new = new.clone();
        one!(self, write, |tx| tx.care().create_invitation(&new).await)
    }
    /// The therapist's invitations, newest first.
    pub async fn invitations(&self, therapist_id: PersonId) -> StoreResult<Vec<Invitation>> {
        one!(self, read, |tx| tx.care().invitations(therapist_id).await)
    }
    /// Withdraws an unused invitation of the therapist; false if there was none.
    pub async fn revoke_invitation(
        &self,
        therapist_id: PersonId,
        id: InvitationId,
        now: i64,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .care()
            .revoke_invitation(therapist_id, id, now)
            .await)
    }
    /// The person's links (active and ended), newest first, with the therapist's address.
    pub async fn links_of_person(&self, person_id: PersonId) -> StoreResult<Vec<CareLinkWith>> {
        one!(self, read, |tx| tx.care().links_of_person(person_id).await)
    }
    /// The therapist's active links, with each person's address, by address.
    pub async fn links_of_therapist(
        &self,
        therapist_id: PersonId,
    ) -> StoreResult<Vec<CareLinkWith>> {
        one!(self, read, |tx| tx
            .care()
            .links_of_therapist(therapist_id)
            .await)
    }
    /// The active link between a therapist and a person, if any.
    pub async fn active_link(
        &self,
        therapist_id: PersonId,
        person_id: PersonId,
    ) -> StoreResult<Option<CareLink>> {
        one!(self, read, |tx| tx
            .care()
            .active_link(therapist_id, person_id)
            .await)
    }
    /// Changes what the person shares on their active link `link_id`; false if not theirs.
    pub async fn set_link_categories(
        &self,
        person_id: PersonId,
        link_id: LinkId,
        categories: &str,
    ) -> StoreResult<bool> {
        let c = categories.to_owned();
        one!(self, write, |tx| tx
            .care()
            .set_link_categories(person_id, link_id, &c)
            .await)
    }
    /// Ends active link `link_id` where `user_id` is either side; false if there was none.
    pub async fn end_link(
        &self,
        user_id: PersonId,
        link_id: LinkId,
        now: i64,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .care()
            .end_link(user_id, link_id, now)
            .await)
    }
    /// Writes one access-log row.
    pub async fn record_access(&self, record: &AccessRecord) -> StoreResult<()> {
        let r = record.clone();
        one!(self, write, |tx| tx.care().record_access(&r).await)
    }
    /// Who read the person's data, newest first.
    pub async fn access_log(&self, person_id: PersonId) -> StoreResult<Vec<AccessRecord>> {
        one!(self, read, |tx| tx.care().access_log(person_id).await)
    }
    /// Assigns homework.
    pub async fn create_homework(&self, new: &NewHomework) -> StoreResult<Homework> {
        let new = new.clone();
        one!(self, write, |tx| tx.care().create_homework(&new).await)
    }
    /// The person's homework (cancelled too), newest first.
    pub async fn homework_of_person(&self, person_id: PersonId) -> StoreResult<Vec<Homework>> {
        one!(self, read, |tx| tx
            .care()
            .homework_of_person(person_id)
            .await)
    }
    /// Withdraws homework `id` the therapist assigned; false if there was none.
    pub async fn cancel_homework(
        &self,
        therapist_id: PersonId,
        id: HomeworkId,
        now: i64,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .care()
            .cancel_homework(therapist_id, id, now)
            .await)
    }
    /// Creates or replaces the person's calendar feed.
    pub async fn set_calendar_feed(&self, feed: &CalendarFeed) -> StoreResult<()> {
        let f = feed.clone();
        one!(self, write, |tx| tx.care().set_calendar_feed(&f).await)
    }
    /// The person's calendar feed, if any.
    pub async fn calendar_feed(&self, user_id: PersonId) -> StoreResult<Option<CalendarFeed>> {
        one!(self, read, |tx| tx.care().calendar_feed(user_id).await)
    }
    /// The feed (and its owner) with this token hash.
    pub async fn calendar_feed_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(CalendarFeed, User)>> {
        let h = token_hash.to_owned();
        one!(self, read, |tx| tx.care().calendar_feed_by_token(&h).await)
    }
    /// Revokes the person's calendar feed; false if there was none.
    pub async fn delete_calendar_feed(&self, user_id: PersonId) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .care()
            .delete_calendar_feed(user_id)
            .await)
    }

    // ---- small imperfect steps ----

    /// Plans an activity.
    pub async fn create_activity(
        &self,
        user_id: PersonId,
        input: &ActivityInput,
        now: i64,
    ) -> StoreResult<ActivityRecord> {
        let input = input.clone();
        one!(self, write, |tx| tx
            .steps()
            .create_activity(user_id, &input, now)
            .await)
    }
    /// Records (or with `None`, clears) what happened with the person's activity `id`.
    pub async fn set_activity_outcome(
        &self,
        user_id: PersonId,
        id: ActivityId,
        outcome: Option<&str>,
        now: i64,
    ) -> StoreResult<bool> {
        let o = outcome.map(str::to_owned);
        one!(self, write, |tx| tx
            .steps()
            .set_activity_outcome(user_id, id, o.as_deref(), now)
            .await)
    }
    /// The person's activity `id`.
    pub async fn activity(
        &self,
        user_id: PersonId,
        id: ActivityId,
    ) -> StoreResult<Option<ActivityRecord>> {
        one!(self, read, |tx| tx.steps().activity(user_id, id).await)
    }
    /// The person's activities from `from` to `to` inclusive (either open), by date and time.
    pub async fn activities(
        &self,
        user_id: PersonId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<ActivityRecord>> {
        one!(self, read, |tx| tx
            .steps()
            .activities(user_id, from, to)
            .await)
    }
    /// Deletes the person's activity `id`; false if it was not theirs.
    pub async fn delete_activity(&self, user_id: PersonId, id: ActivityId) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .steps()
            .delete_activity(user_id, id)
            .await)
    }
    /// Starts a programme run; `Conflict` if the same programme is already running.
    pub async fn start_programme(
        &self,
        user_id: PersonId,
        new: &NewProgrammeRun,
    ) -> StoreResult<ProgrammeRunRecord> {
        let new = new.clone();
        one!(self, write, |tx| tx
            .steps()
            .start_programme(user_id, &new)
            .await)
    }
    /// The person's runs, newest first.
    pub async fn programme_runs(&self, user_id: PersonId) -> StoreResult<Vec<ProgrammeRunRecord>> {
        one!(self, read, |tx| tx.steps().programme_runs(user_id).await)
    }
    /// Stores the completed days of the person's active run `id`; false if there is none.
    pub async fn set_run_days(
        &self,
        user_id: PersonId,
        id: ProgrammeRunId,
        days: &str,
    ) -> StoreResult<bool> {
        let d = days.to_owned();
        one!(self, write, |tx| tx
            .steps()
            .set_run_days(user_id, id, &d)
            .await)
    }
    /// Stops the person's active run `id`; false if there is none.
    pub async fn end_programme(
        &self,
        user_id: PersonId,
        id: ProgrammeRunId,
        now: i64,
    ) -> StoreResult<bool> {
        one!(self, write, |tx| tx
            .steps()
            .end_programme(user_id, id, now)
            .await)
    }
}

impl dyn Store {
    /// The live session with this token hash and its user. Only reads: the once-a-minute
    /// refresh of its last use is `enough-app`'s rule.
    pub async fn find_session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Session, User)>> {
        let h = token_hash.to_owned();
        one!(self, read, |tx| tx.sessions().by_token_hash(&h, now).await)
    }
    /// Records activity on session `id`.
    pub async fn touch_session(&self, id: SessionId, now: i64) -> StoreResult<()> {
        one!(self, write, |tx| tx.sessions().touch(id, now).await)
    }
    /// The owner of a live token, with what the once-a-minute rule needs. Only reads.
    pub async fn find_token_owner(&self, token_hash: &str) -> StoreResult<Option<TokenOwner>> {
        let h = token_hash.to_owned();
        one!(self, read, |tx| tx.sessions().token_owner(&h).await)
    }
    /// Records that token `id` was used.
    pub async fn touch_token(&self, id: TokenId, now: i64) -> StoreResult<()> {
        one!(self, write, |tx| tx.sessions().touch_token(id, now).await)
    }
}
