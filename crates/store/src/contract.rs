//! The contract every [`Store`] implementation must keep.
//!
//! Each backend makes one test per check with [`contract_checks!`](crate::contract_checks), each on a
//! fresh, migrated store. The checks use their own
//! e-mail addresses, so they can share one database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{
    AccessRecord, CalendarFeed, ExerciseInput, InvitationRefused, Location, NewExperiment,
    NewHomework, NewInvitation, NewResponse, NewSession, NewToken, NewUser, SavedResponse, Store,
    StoreError,
};
use chrono::NaiveDate;
use enough_domain::account::Role;
use enough_domain::day::{DayEntry, Habits};
use enough_domain::{AccessRecordId, PersonId};

/// Calls the macro `$callback` with the name of every check, so that a backend can make one
/// test per check (each on a fresh store, each failing on its own):
///
/// ```ignore
/// macro_rules! one_test_per_check {
///     ($($name:ident),* $(,)?) => { $(
///         #[tokio::test]
///         async fn $name() {
///             let store = fresh_store().await;
///             enough_store::contract::$name(&store).await;
///         }
///     )* };
/// }
/// enough_store::contract_checks!(one_test_per_check);
/// ```
#[macro_export]
macro_rules! contract_checks {
    ($callback:ident) => {
        $callback! {
        first_user_is_created_once,
        emails_are_unique,
        users_round_trip,
        settings_round_trip,
        sessions_expire_and_can_be_revoked,
        login_failures_are_counted_per_key,
        attempts_are_reserved_up_to_each_limit,
        tokens_resolve_until_revoked,
        days_upsert_list_and_delete,
        days_are_private_to_their_owner,
        data_versions_move_with_each_write_of_their_person,
        days_keep_missing_values_missing,
        locations_and_reflections_round_trip,
        exercises_are_saved_listed_and_private,
        questionnaire_responses_are_idempotent,
        drafts_schedules_and_safety_round_trip,
        links_are_seen_from_both_sides_and_ended_by_either,
        the_access_log_is_newest_first_and_private,
        homework_is_cancelled_only_by_its_therapist,
        calendar_feeds_are_replaced_found_by_token_and_deleted,
        activities_and_programme_runs_round_trip
        }
    };
}

macro_rules! run_each {
    ($($name:ident),* $(,)?) => {
        /// Runs every check against `store`, panicking with the check's name on the first
        /// failure (to fill a store with data of every kind; backends test each check alone).
        pub async fn run_all(store: &dyn Store) {
            $( $name(store).await; )*
        }
    };
}
crate::contract_checks!(run_each);

/// Copies `from` (after [`run_all`]) into the empty `to`: identical rows, refused a second time.
pub async fn snapshot_round_trip(from: &dyn Store, to: &dyn Store) {
    let before = from.export_all().await.unwrap();
    assert!(
        !before.users.is_empty() && !before.days.is_empty(),
        "source has data"
    );
    to.import_all(&before).await.unwrap();
    let after = to.export_all().await.unwrap();
    assert_eq!(after, before, "every row arrives unchanged");
    assert_eq!(after.summary(), before.summary());
    let err = to.import_all(&before).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotEmpty(_)),
        "a second import is refused, got {err:?}"
    );
    // Ids continue after the imported ones.
    let next = to
        .create_user(new_user("after-import@example.org", Role::Person))
        .await
        .unwrap();
    assert!(
        before.users.iter().all(|u| u.id < next.id),
        "new ids do not collide"
    );
    let token = to
        .create_token(NewToken {
            user_id: next.id,
            name: "n".into(),
            token_hash: "after-import".into(),
            created_at: 1,
        })
        .await
        .unwrap();
    assert!(before.api_tokens.iter().all(|t| t.id < token.id));
    let therapist = to
        .create_user(new_user(
            "after-import-therapist@example.org",
            Role::Therapist,
        ))
        .await
        .unwrap();
    let invited = to
        .create_invitation(&invitation(therapist.id, "after-import-code", 1))
        .await
        .unwrap();
    assert!(before.invitations.iter().all(|i| i.id < invited.id));
    let link = link_up(to, "after-import-code", next.id, "log", 2)
        .await
        .unwrap()
        .unwrap();
    assert!(before.care_links.iter().all(|l| l.id < link.id));
    let assigned = to
        .create_homework(&homework(next.id, therapist.id, "log", 3))
        .await
        .unwrap();
    assert!(before.homework.iter().all(|h| h.id < assigned.id));
    to.record_access(&access(next.id, therapist.id, &therapist.email, 4))
        .await
        .unwrap();
    let read = to.access_log(next.id).await.unwrap();
    assert!(before.access_log.iter().all(|a| a.id < read[0].id));
}

/// A new account for `email`.
pub fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: email.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        role,
        time_zone: "Europe/Dublin".to_owned(),
        created_at: 1_700_000_000,
    }
}

/// A valid entry for `date` with the given mood.
pub fn day(date: &str, mood: u8) -> DayEntry {
    DayEntry {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        daylight_quarter_hours: Some(9),
        energy: Some(5),
        mood: Some(mood),
        outside_morning: Some(mood.is_multiple_of(2)),
        habits: Habits {
            got_outside: true,
            social_contact: mood > 5,
            ..Habits::default()
        },
        note: Some(format!(
            "Note with 'quotes', \"doubles\" and ünïcode for mood {mood}"
        )),
    }
}

pub async fn first_user_is_created_once(store: &dyn Store) {
    assert_eq!(
        store.count_users().await.unwrap(),
        0,
        "fresh store is empty"
    );
    let first = store
        .create_first_user(new_user("first@example.org", Role::Admin))
        .await
        .unwrap();
    assert!(first.is_some(), "first user created");
    let second = store
        .create_first_user(new_user("second@example.org", Role::Admin))
        .await
        .unwrap();
    assert!(
        second.is_none(),
        "create_first_user refuses once a user exists"
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
}

pub async fn emails_are_unique(store: &dyn Store) {
    store
        .create_user(new_user("dup@example.org", Role::Person))
        .await
        .unwrap();
    let err = store
        .create_user(new_user("dup@example.org", Role::Therapist))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "duplicate e-mail gives Conflict, got {err:?}"
    );
}

pub async fn users_round_trip(store: &dyn Store) {
    let created = store
        .create_user(new_user("round@example.org", Role::Therapist))
        .await
        .unwrap();
    assert_eq!(created.email, "round@example.org");
    assert_eq!(created.role, Role::Therapist);
    let by_id = store.user_by_id(created.id).await.unwrap().unwrap();
    assert_eq!(by_id, created);
    let creds = store
        .user_by_email("round@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.user, created);
    assert!(creds.password_hash.starts_with("$argon2id$"));
    assert!(
        store
            .user_by_email("nobody@example.org")
            .await
            .unwrap()
            .is_none()
    );
    store
        .set_time_zone(created.id, "Pacific/Auckland")
        .await
        .unwrap();
    assert_eq!(
        store
            .user_by_id(created.id)
            .await
            .unwrap()
            .unwrap()
            .time_zone
            .name(),
        "Pacific/Auckland"
    );
    let all = store.list_users().await.unwrap();
    assert!(all.iter().any(|u| u.id == created.id));
}

pub async fn settings_round_trip(store: &dyn Store) {
    assert_eq!(store.setting("contract_key").await.unwrap(), None);
    store.set_setting("contract_key", "a").await.unwrap();
    store.set_setting("contract_key", "b").await.unwrap();
    assert_eq!(
        store.setting("contract_key").await.unwrap().as_deref(),
        Some("b")
    );
}

pub async fn sessions_expire_and_can_be_revoked(store: &dyn Store) {
    let user = store
        .create_user(new_user("session@example.org", Role::Person))
        .await
        .unwrap();
    let session = |hash: &str, expires_at: i64| NewSession {
        token_hash: hash.to_owned(),
        user_id: user.id,
        csrf_token: format!("csrf-{hash}"),
        created_at: 1000,
        expires_at,
        user_agent: "Test browser".to_owned(),
    };
    store.create_session(session("live", 5000)).await.unwrap();
    store.create_session(session("old", 1500)).await.unwrap();

    let (live, owner) = store.find_session("live", 2000).await.unwrap().unwrap();
    assert_eq!(owner.id, user.id);
    assert_eq!(live.csrf_token, "csrf-live");
    assert!(
        store.find_session("old", 2000).await.unwrap().is_none(),
        "expired"
    );
    assert!(store.find_session("nope", 2000).await.unwrap().is_none());

    let listed = store.list_sessions(user.id, 2000).await.unwrap();
    assert_eq!(listed.len(), 1, "only live sessions are listed");
    assert_eq!(store.purge_expired_sessions(2000).await.unwrap(), 1);

    let other = store
        .create_user(new_user("session2@example.org", Role::Person))
        .await
        .unwrap();
    assert!(
        !store.delete_session_by_id(other.id, live.id).await.unwrap(),
        "not theirs"
    );
    assert!(store.delete_session_by_id(user.id, live.id).await.unwrap());
    assert!(store.find_session("live", 2000).await.unwrap().is_none());

    store.create_session(session("again", 5000)).await.unwrap();
    store.delete_session("again").await.unwrap();
    assert!(store.find_session("again", 2000).await.unwrap().is_none());
}

pub async fn login_failures_are_counted_per_key(store: &dyn Store) {
    let keys = vec!["email:x@example.org".to_owned(), "ip:127.0.0.1".to_owned()];
    for at in [100, 200, 300] {
        store.record_login_failure(&keys, at).await.unwrap();
    }
    assert_eq!(
        store
            .count_login_failures("email:x@example.org", 0)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_login_failures("ip:127.0.0.1", 150)
            .await
            .unwrap(),
        2
    );
    store
        .clear_login_failures("email:x@example.org", 0)
        .await
        .unwrap();
    assert_eq!(
        store
            .count_login_failures("email:x@example.org", 0)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.count_login_failures("ip:127.0.0.1", 0).await.unwrap(),
        3,
        "other keys kept"
    );
    store.clear_login_failures("unrelated", 250).await.unwrap();
    assert_eq!(
        store.count_login_failures("ip:127.0.0.1", 0).await.unwrap(),
        1,
        "old rows pruned"
    );
}

/// The sequential half of the reservation contract; the concurrent half (60 sign-ins at once)
/// runs in the integration suite on both stores.
pub async fn attempts_are_reserved_up_to_each_limit(store: &dyn Store) {
    let keys = |a: i64, b: i64| vec![("r:account".to_owned(), a), ("r:address".to_owned(), b)];
    for _ in 0..3 {
        assert!(store.reserve_attempt(&keys(3, 10), 0, 500).await.unwrap());
    }
    assert!(
        !store.reserve_attempt(&keys(3, 10), 0, 500).await.unwrap(),
        "the fourth is refused"
    );
    assert_eq!(
        store.count_login_failures("r:address", 0).await.unwrap(),
        3,
        "a refused reservation records nothing under any key"
    );
    assert!(
        store.reserve_attempt(&keys(3, 10), 501, 600).await.unwrap(),
        "attempts before the window do not count"
    );
}

pub async fn tokens_resolve_until_revoked(store: &dyn Store) {
    let user = store
        .create_user(new_user("token@example.org", Role::Person))
        .await
        .unwrap();
    let token = store
        .create_token(NewToken {
            user_id: user.id,
            name: "phone".to_owned(),
            token_hash: "tokenhash".to_owned(),
            created_at: 10,
        })
        .await
        .unwrap();
    assert_eq!(token.name, "phone");
    assert_eq!(token.last_used_at, None);
    let owner = store.find_token_owner("tokenhash").await.unwrap().unwrap();
    assert_eq!(owner.user.id, user.id);
    assert_eq!(owner.last_used_at, None);
    store.touch_token(owner.token_id, 20).await.unwrap();
    let listed = store.list_tokens(user.id).await.unwrap();
    assert_eq!(listed[0].last_used_at, Some(20), "use is recorded");

    let other = store
        .create_user(new_user("token2@example.org", Role::Person))
        .await
        .unwrap();
    assert!(
        !store.revoke_token(other.id, token.id, 30).await.unwrap(),
        "not theirs"
    );
    assert!(store.revoke_token(user.id, token.id, 30).await.unwrap());
    assert!(
        !store.revoke_token(user.id, token.id, 31).await.unwrap(),
        "already revoked"
    );
    assert!(store.find_token_owner("tokenhash").await.unwrap().is_none());
    assert_eq!(
        store.list_tokens(user.id).await.unwrap()[0].revoked_at,
        Some(30)
    );
}

pub async fn days_upsert_list_and_delete(store: &dyn Store) {
    let user = store
        .create_user(new_user("days@example.org", Role::Person))
        .await
        .unwrap();
    assert!(
        store
            .upsert_day(user.id, &day("2026-11-01", 4), 1)
            .await
            .unwrap(),
        "new"
    );
    assert!(
        store
            .upsert_day(user.id, &day("2026-11-03", 6), 1)
            .await
            .unwrap()
    );
    assert!(
        store
            .upsert_day(user.id, &day("2026-11-02", 5), 1)
            .await
            .unwrap()
    );
    let mut changed = day("2026-11-02", 8);
    changed.note = None;
    changed.habits = Habits::default();
    assert!(
        !store.upsert_day(user.id, &changed, 2).await.unwrap(),
        "replaced, not new"
    );

    let got = store.get_day(user.id, changed.date).await.unwrap().unwrap();
    assert_eq!(got, changed, "every field survives storage");
    let original = day("2026-11-01", 4);
    assert_eq!(
        store
            .get_day(user.id, original.date)
            .await
            .unwrap()
            .unwrap(),
        original
    );

    let all = store.list_days(user.id, None, None).await.unwrap();
    let dates: Vec<String> = all.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(
        dates,
        ["2026-11-03", "2026-11-02", "2026-11-01"],
        "newest first"
    );
    let from = NaiveDate::from_ymd_opt(2026, 11, 2);
    let ranged = store.list_days(user.id, from, from).await.unwrap();
    assert_eq!(ranged.len(), 1, "range is inclusive");

    assert!(store.delete_day(user.id, changed.date).await.unwrap());
    assert!(
        !store.delete_day(user.id, changed.date).await.unwrap(),
        "already gone"
    );
    assert!(
        store
            .get_day(user.id, changed.date)
            .await
            .unwrap()
            .is_none()
    );
}

/// A day with only some values: each missing one is stored as missing (never 0 or false).
pub fn partial_day(date: &str, mood: Option<u8>, daylight: Option<u8>) -> DayEntry {
    DayEntry {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        daylight_quarter_hours: daylight,
        energy: None,
        mood,
        outside_morning: None,
        habits: Habits::default(),
        note: None,
    }
}

pub async fn days_keep_missing_values_missing(store: &dyn Store) {
    let user = store
        .create_user(new_user("partial-days@example.org", Role::Person))
        .await
        .unwrap();
    let only_mood = partial_day("2026-09-01", Some(0), None);
    let only_daylight = partial_day("2026-09-02", None, Some(0));
    let mut only_outside = partial_day("2026-09-03", None, None);
    only_outside.outside_morning = Some(false);
    let mut only_note = partial_day("2026-09-04", None, None);
    only_note.note = Some("Only a few words today.".into());
    let mut only_habit = partial_day("2026-09-05", None, None);
    only_habit.habits.social_contact = true;
    for d in [&only_mood, &only_daylight, &only_outside] {
        assert!(store.upsert_day(user.id, d, 1).await.unwrap(), "new");
    }
    store
        .upsert_days(user.id, &[only_note.clone(), only_habit.clone()], 1)
        .await
        .unwrap();
    for d in [
        &only_mood,
        &only_daylight,
        &only_outside,
        &only_note,
        &only_habit,
    ] {
        assert_eq!(
            &store.get_day(user.id, d.date).await.unwrap().unwrap(),
            d,
            "missing stays missing, zero stays zero"
        );
    }
    let listed = store.list_days(user.id, None, None).await.unwrap();
    assert_eq!(listed.len(), 5);
    assert_eq!(listed[4], only_mood);
    // Replacing a full day with a partial one leaves the other values missing, not old.
    let full = day("2026-09-06", 7);
    store.upsert_day(user.id, &full, 1).await.unwrap();
    let thinner = partial_day("2026-09-06", None, Some(4));
    assert!(!store.upsert_day(user.id, &thinner, 2).await.unwrap());
    assert_eq!(
        store.get_day(user.id, full.date).await.unwrap().unwrap(),
        thinner
    );
}

pub async fn days_are_private_to_their_owner(store: &dyn Store) {
    let ana = store
        .create_user(new_user("ana@example.org", Role::Person))
        .await
        .unwrap();
    let ben = store
        .create_user(new_user("ben@example.org", Role::Person))
        .await
        .unwrap();
    let entry = day("2026-10-10", 3);
    store.upsert_day(ana.id, &entry, 1).await.unwrap();
    assert!(store.get_day(ben.id, entry.date).await.unwrap().is_none());
    assert!(
        store
            .list_days(ben.id, None, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!store.delete_day(ben.id, entry.date).await.unwrap());
    assert!(
        store.get_day(ana.id, entry.date).await.unwrap().is_some(),
        "ben cannot delete ana's day"
    );
}

pub async fn data_versions_move_with_each_write_of_their_person(store: &dyn Store) {
    let ana = store
        .create_user(new_user("versions@example.org", Role::Person))
        .await
        .unwrap();
    let ben = store
        .create_user(new_user("versions-other@example.org", Role::Person))
        .await
        .unwrap();
    let version = |id: PersonId| async move {
        store
            .read(move |tx| Box::pin(async move { tx.days().data_version(id).await }))
            .await
            .unwrap()
    };
    let start = version(ana.id).await;
    assert!(!start.epoch.is_empty(), "every database has an epoch");
    let ben_start = version(ben.id).await;
    let entry = day("2026-10-11", 4);
    store.upsert_day(ana.id, &entry, 1).await.unwrap();
    let written = version(ana.id).await;
    assert_eq!(written.epoch, start.epoch);
    assert!(
        written.version > start.version,
        "a day written moves the version"
    );
    assert_eq!(version(ben.id).await, ben_start, "another person's stays");
    store.list_days(ana.id, None, None).await.unwrap();
    assert_eq!(version(ana.id).await, written, "a read does not move it");
    assert!(store.delete_day(ana.id, entry.date).await.unwrap());
    assert!(
        version(ana.id).await.version > written.version,
        "a deletion moves it"
    );
    let days = store
        .read(move |tx| {
            Box::pin(async move {
                tx.days()
                    .list_for_insights(ana.id, date("2026-01-01"), date("2026-12-31"))
                    .await
            })
        })
        .await
        .unwrap();
    assert!(days.is_empty());
}

pub async fn locations_and_reflections_round_trip(store: &dyn Store) {
    let user = store
        .create_user(new_user("reflect@example.org", Role::Person))
        .await
        .unwrap();
    assert_eq!(store.location(user.id).await.unwrap(), None);
    let dublin = Location {
        latitude: 53.3331,
        longitude: -6.2489,
        place: "Dublin, Ireland".into(),
    };
    store.set_location(user.id, Some(&dublin)).await.unwrap();
    let moved = Location {
        latitude: -33.8688,
        longitude: 151.2093,
        place: String::new(),
    };
    store.set_location(user.id, Some(&moved)).await.unwrap();
    assert_eq!(store.location(user.id).await.unwrap(), Some(moved));
    store.set_location(user.id, None).await.unwrap();
    assert_eq!(store.location(user.id).await.unwrap(), None);

    let d1 = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let d2 = NaiveDate::from_ymd_opt(2026, 11, 8).unwrap();
    store
        .upsert_reflection(user.id, d1, "first thoughts", 10)
        .await
        .unwrap();
    store
        .upsert_reflection(user.id, d2, "later", 20)
        .await
        .unwrap();
    store
        .upsert_reflection(user.id, d1, "first thoughts, revised", 30)
        .await
        .unwrap();
    let all = store.reflections(user.id).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[0].date, all[1].text.as_str(), all[1].updated_at),
        (d2, "first thoughts, revised", 30)
    );
    let other = store
        .create_user(new_user("reflect2@example.org", Role::Person))
        .await
        .unwrap();
    assert!(store.reflections(other.id).await.unwrap().is_empty());
    assert!(!store.delete_reflection(other.id, d1).await.unwrap());
    assert!(store.delete_reflection(user.id, d1).await.unwrap());
    assert_eq!(store.reflections(user.id).await.unwrap().len(), 1);
    store.set_location(user.id, Some(&dublin)).await.unwrap();
}

pub fn new_experiment(start: &str, weeks: i64) -> NewExperiment {
    let start_date = NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
    NewExperiment {
        start_date,
        end_date: start_date + chrono::Days::new(weeks as u64 * 7 - 1),
        weeks,
        seed: -42,
        schedule: "OI".repeat(weeks as usize * 7 / 2),
        created_at: 100,
    }
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn exercise_input(kind: &str, on: &str, answers: &str) -> ExerciseInput {
    ExerciseInput {
        kind: kind.into(),
        date: date(on),
        status: "done".into(),
        answers: answers.into(),
    }
}

pub fn response(client_id: &str, instrument: &str, answers: &str, at: i64) -> NewResponse {
    NewResponse {
        client_id: client_id.into(),
        instrument: instrument.into(),
        answers: answers.into(),
        date: date("2026-03-03"),
        completed_at: at,
    }
}

pub async fn exercises_are_saved_listed_and_private(store: &dyn Store) {
    let me = store
        .create_user(new_user("exercises@example.org", Role::Person))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("exercises-other@example.org", Role::Person))
        .await
        .unwrap();
    let first = store
        .create_exercise(
            me.id,
            &exercise_input("thought-record", "2026-03-01", r#"{"a":1}"#),
            10,
        )
        .await
        .unwrap();
    assert_eq!(first.kind, "thought-record");
    assert_eq!((first.created_at, first.updated_at), (10, 10));
    let second = store
        .create_exercise(me.id, &exercise_input("defusion", "2026-03-02", "{}"), 11)
        .await
        .unwrap();
    let all = store.exercises(me.id, None).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![second.id, first.id],
        "newest date first"
    );
    let only = store.exercises(me.id, Some("defusion")).await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].id, second.id);

    let mut changed = exercise_input("thought-record", "2026-03-01", r#"{"a":2}"#);
    changed.status = "draft".into();
    let updated = store
        .update_exercise(me.id, first.id, &changed, 20)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.answers, r#"{"a":2}"#);
    assert_eq!(updated.status, "draft");
    assert_eq!((updated.created_at, updated.updated_at), (10, 20));

    // Someone else can neither read, change nor delete it.
    assert!(store.exercise(other.id, first.id).await.unwrap().is_none());
    assert!(
        store
            .update_exercise(other.id, first.id, &changed, 30)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.delete_exercise(other.id, first.id).await.unwrap());
    assert!(store.exercises(other.id, None).await.unwrap().is_empty());

    assert!(store.delete_exercise(me.id, first.id).await.unwrap());
    assert!(store.exercise(me.id, first.id).await.unwrap().is_none());
    assert!(!store.delete_exercise(me.id, first.id).await.unwrap());
}

pub async fn questionnaire_responses_are_idempotent(store: &dyn Store) {
    let me = store
        .create_user(new_user("responses@example.org", Role::Person))
        .await
        .unwrap();
    store
        .save_questionnaire_draft(me.id, "phq-9", "[1,2,null]", 5)
        .await
        .unwrap();
    let created = store
        .save_response(me.id, &response("abc", "phq-9", "[1,2,3,0,0,0,0,0,0]", 10))
        .await
        .unwrap();
    let SavedResponse::Created(first) = created else {
        panic!("first submission is created, got {created:?}");
    };
    assert!(
        store
            .questionnaire_draft(me.id, "phq-9")
            .await
            .unwrap()
            .is_none(),
        "completing removes the draft"
    );
    let again = store
        .save_response(me.id, &response("abc", "phq-9", "[1,2,3,0,0,0,0,0,0]", 99))
        .await
        .unwrap();
    assert_eq!(again, SavedResponse::AlreadySaved(first.clone()));
    let err = store
        .save_response(me.id, &response("abc", "phq-9", "[3,3,3,0,0,0,0,0,0]", 99))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "got {err:?}");
    store
        .save_response(me.id, &response("def", "gad-7", "[0,0,0,0,0,0,0]", 20))
        .await
        .unwrap();
    assert_eq!(store.responses(me.id, None).await.unwrap().len(), 2);
    let phq = store.responses(me.id, Some("phq-9")).await.unwrap();
    assert_eq!(phq, vec![first.clone()]);

    let other = store
        .create_user(new_user("responses-other@example.org", Role::Person))
        .await
        .unwrap();
    // The same client id is another person's own key.
    assert!(matches!(
        store
            .save_response(other.id, &response("abc", "who-5", "[5,5,5,5,5]", 10))
            .await
            .unwrap(),
        SavedResponse::Created(_)
    ));
    assert!(!store.delete_response(other.id, first.id).await.unwrap());
    assert!(store.delete_response(me.id, first.id).await.unwrap());
    assert!(
        store
            .responses(me.id, Some("phq-9"))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn drafts_schedules_and_safety_round_trip(store: &dyn Store) {
    let me = store
        .create_user(new_user("safety@example.org", Role::Person))
        .await
        .unwrap();
    store
        .save_questionnaire_draft(me.id, "gad-7", "[1]", 5)
        .await
        .unwrap();
    store
        .save_questionnaire_draft(me.id, "gad-7", "[1,2]", 6)
        .await
        .unwrap();
    let draft = store
        .questionnaire_draft(me.id, "gad-7")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((draft.answers.as_str(), draft.updated_at), ("[1,2]", 6));

    store
        .set_schedule(me.id, "phq-9", Some(14), date("2026-03-01"))
        .await
        .unwrap();
    store
        .set_schedule(me.id, "phq-9", Some(28), date("2026-03-05"))
        .await
        .unwrap();
    let schedules = store.schedules(me.id).await.unwrap();
    assert_eq!(schedules.len(), 1);
    assert_eq!(
        (schedules[0].every_days, schedules[0].since),
        (28, date("2026-03-05"))
    );
    store
        .set_schedule(me.id, "phq-9", None, date("2026-03-06"))
        .await
        .unwrap();
    assert!(store.schedules(me.id).await.unwrap().is_empty());

    assert!(store.safety_plan(me.id).await.unwrap().is_none());
    store.set_safety_plan(me.id, r#"{"v":1}"#, 7).await.unwrap();
    store.set_safety_plan(me.id, r#"{"v":2}"#, 8).await.unwrap();
    let plan = store.safety_plan(me.id).await.unwrap().unwrap();
    assert_eq!((plan.plan.as_str(), plan.updated_at), (r#"{"v":2}"#, 8));

    store
        .record_safety_event(me.id, "phq9-item9", "questionnaire:1", 100)
        .await
        .unwrap();
    store
        .record_safety_event(me.id, "self-harm-language", "exercise:2", 200)
        .await
        .unwrap();
    let events = store.safety_events(me.id).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        vec!["self-harm-language", "phq9-item9"],
        "newest first"
    );

    store.set_country(me.id, Some("NZ")).await.unwrap();
    let user = store.user_by_id(me.id).await.unwrap().unwrap();
    assert_eq!(user.country.as_deref(), Some("NZ"));
    store.set_country(me.id, None).await.unwrap();
    let user = store.user_by_id(me.id).await.unwrap().unwrap();
    assert_eq!(user.country, None);
}

/// An invitation by `therapist_id` with code hash `code`, valid until 1000.
pub fn invitation(therapist_id: PersonId, code: &str, created_at: i64) -> NewInvitation {
    NewInvitation {
        therapist_id,
        code_hash: code.to_owned(),
        label: format!("label for {code}"),
        created_at,
        expires_at: 1000,
    }
}

/// An access-log row for `person_id` read by `viewer_id` at `at`.
pub fn access(
    person_id: PersonId,
    viewer_id: PersonId,
    viewer_email: &str,
    at: i64,
) -> AccessRecord {
    AccessRecord {
        id: AccessRecordId(0),
        person_id,
        viewer_id: Some(viewer_id),
        viewer_email: viewer_email.to_owned(),
        category: "log".into(),
        what: format!("summary at {at}"),
        address: "192.0.2.1".into(),
        at,
    }
}

/// Daily homework for April 2026.
pub fn homework(
    person_id: PersonId,
    therapist_id: PersonId,
    kind: &str,
    created_at: i64,
) -> NewHomework {
    NewHomework {
        person_id,
        therapist_id,
        kind: kind.to_owned(),
        note: "Kleine Schritte – 'one' at a time".into(),
        start_date: date("2026-04-01"),
        end_date: date("2026-04-30"),
        every_days: Some(1),
        created_at,
    }
}

pub async fn links_are_seen_from_both_sides_and_ended_by_either(store: &dyn Store) {
    let therapist = store
        .create_user(new_user("links-therapist@example.org", Role::Therapist))
        .await
        .unwrap();
    let stranger = store
        .create_user(new_user("links-stranger@example.org", Role::Therapist))
        .await
        .unwrap();
    let b = store
        .create_user(new_user("links-b@example.org", Role::Person))
        .await
        .unwrap();
    let a = store
        .create_user(new_user("links-a@example.org", Role::Person))
        .await
        .unwrap();
    let accept = async |code: &str, person: PersonId, at: i64| {
        store
            .create_invitation(&invitation(therapist.id, code, at))
            .await
            .unwrap();
        link_up(store, code, person, "log", at)
            .await
            .unwrap()
            .unwrap()
    };
    let link_b = accept("links-b-1", b.id, 100).await;
    let link_a = accept("links-a-1", a.id, 200).await;

    let caseload = store.links_of_therapist(therapist.id).await.unwrap();
    let seen: Vec<_> = caseload
        .iter()
        .map(|l| (l.link.id, l.other_email.as_str()))
        .collect();
    assert_eq!(
        seen,
        [(link_a.id, a.email.as_str()), (link_b.id, b.email.as_str())],
        "by the person's address"
    );
    assert_eq!(caseload[1].link, link_b);
    let mine = store.links_of_person(b.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].link, link_b);
    assert_eq!(
        mine[0].other_email, therapist.email,
        "the therapist's address"
    );
    assert_eq!(
        store.active_link(therapist.id, b.id).await.unwrap(),
        Some(link_b.clone())
    );
    assert_eq!(store.active_link(stranger.id, b.id).await.unwrap(), None);
    assert_eq!(store.active_link(b.id, therapist.id).await.unwrap(), None);

    // Only the person changes what they share.
    assert!(
        !store
            .set_link_categories(therapist.id, link_b.id, "log measures")
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_link_categories(a.id, link_b.id, "log measures")
            .await
            .unwrap()
    );
    assert!(
        store
            .set_link_categories(b.id, link_b.id, "log measures")
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .active_link(therapist.id, b.id)
            .await
            .unwrap()
            .unwrap()
            .categories,
        "log measures"
    );

    // Either side ends a link; nobody else can.
    assert!(!store.end_link(stranger.id, link_b.id, 300).await.unwrap());
    assert!(!store.end_link(a.id, link_b.id, 300).await.unwrap());
    assert!(store.end_link(b.id, link_b.id, 300).await.unwrap());
    assert!(
        !store.end_link(b.id, link_b.id, 301).await.unwrap(),
        "ended once"
    );
    assert_eq!(store.active_link(therapist.id, b.id).await.unwrap(), None);
    assert!(
        !store
            .set_link_categories(b.id, link_b.id, "log")
            .await
            .unwrap(),
        "an ended link is not changed"
    );
    assert!(store.end_link(therapist.id, link_a.id, 310).await.unwrap());
    assert_eq!(store.active_link(therapist.id, a.id).await.unwrap(), None);
    assert!(
        store
            .links_of_therapist(therapist.id)
            .await
            .unwrap()
            .is_empty(),
        "only active links in the caseload"
    );

    // The person still sees the ended link, and a new one comes first.
    let again = accept("links-b-2", b.id, 400).await;
    let mine = store.links_of_person(b.id).await.unwrap();
    let seen: Vec<_> = mine.iter().map(|l| (l.link.id, l.link.ended_at)).collect();
    assert_eq!(seen, [(again.id, None), (link_b.id, Some(300))]);
    assert_eq!(mine[1].link.categories, "log measures");
    assert!(store.links_of_person(stranger.id).await.unwrap().is_empty());
}

pub async fn the_access_log_is_newest_first_and_private(store: &dyn Store) {
    let viewer = store
        .create_user(new_user("access-therapist@example.org", Role::Therapist))
        .await
        .unwrap();
    let person = store
        .create_user(new_user("access-person@example.org", Role::Person))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("access-other@example.org", Role::Person))
        .await
        .unwrap();
    assert!(store.access_log(person.id).await.unwrap().is_empty());
    for at in [10, 30, 20] {
        store
            .record_access(&AccessRecord {
                id: AccessRecordId(987_654),
                ..access(person.id, viewer.id, &viewer.email, at)
            })
            .await
            .unwrap();
    }
    store
        .record_access(&access(other.id, viewer.id, &viewer.email, 15))
        .await
        .unwrap();
    for what in ["first at 40", "second at 40"] {
        store
            .record_access(&AccessRecord {
                what: what.into(),
                ..access(person.id, viewer.id, &viewer.email, 40)
            })
            .await
            .unwrap();
    }

    let log = store.access_log(person.id).await.unwrap();
    let seen: Vec<_> = log.iter().map(|a| (a.at, a.what.as_str())).collect();
    assert_eq!(
        seen,
        [
            (40, "second at 40"),
            (40, "first at 40"),
            (30, "summary at 30"),
            (20, "summary at 20"),
            (10, "summary at 10"),
        ],
        "newest first"
    );
    assert!(log.iter().all(|a| a.id != 987_654), "the store assigns ids");
    let mut ids: Vec<_> = log.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    assert_eq!(
        log[2],
        AccessRecord {
            id: log[2].id,
            ..access(person.id, viewer.id, &viewer.email, 30)
        }
    );
    let theirs = store.access_log(other.id).await.unwrap();
    assert_eq!(theirs.len(), 1, "private to the person");
    assert_eq!(theirs[0].person_id, other.id);
    assert!(store.access_log(viewer.id).await.unwrap().is_empty());
}

pub async fn homework_is_cancelled_only_by_its_therapist(store: &dyn Store) {
    let therapist = store
        .create_user(new_user("homework-therapist@example.org", Role::Therapist))
        .await
        .unwrap();
    let stranger = store
        .create_user(new_user("homework-stranger@example.org", Role::Therapist))
        .await
        .unwrap();
    let person = store
        .create_user(new_user("homework-person@example.org", Role::Person))
        .await
        .unwrap();
    let daily = store
        .create_homework(&homework(person.id, therapist.id, "log", 100))
        .await
        .unwrap();
    assert_eq!(daily.person_id, person.id);
    assert_eq!(daily.therapist_id, Some(therapist.id));
    assert_eq!(daily.kind, "log");
    assert_eq!(daily.note, "Kleine Schritte – 'one' at a time");
    assert_eq!(
        (daily.start_date, daily.end_date, daily.every_days),
        (date("2026-04-01"), date("2026-04-30"), Some(1))
    );
    assert_eq!((daily.created_at, daily.cancelled_at), (100, None));
    let once = store
        .create_homework(&NewHomework {
            every_days: None,
            start_date: date("2026-04-02"),
            end_date: date("2026-04-02"),
            ..homework(person.id, therapist.id, "exercise:defusion", 200)
        })
        .await
        .unwrap();
    assert_eq!(once.every_days, None);

    let listed = store.homework_of_person(person.id).await.unwrap();
    assert_eq!(listed, [once.clone(), daily.clone()], "newest first");
    assert!(
        store
            .homework_of_person(therapist.id)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(
        !store
            .cancel_homework(stranger.id, daily.id, 300)
            .await
            .unwrap(),
        "only its therapist withdraws it"
    );
    assert!(
        !store
            .cancel_homework(person.id, daily.id, 300)
            .await
            .unwrap()
    );
    assert!(
        store
            .cancel_homework(therapist.id, daily.id, 300)
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancel_homework(therapist.id, daily.id, 301)
            .await
            .unwrap(),
        "withdrawn once"
    );
    let listed = store.homework_of_person(person.id).await.unwrap();
    assert_eq!(listed.len(), 2, "cancelled homework is still listed");
    assert_eq!(listed[0].cancelled_at, None);
    assert_eq!(listed[1].id, daily.id);
    assert_eq!(listed[1].cancelled_at, Some(300));
}

pub async fn calendar_feeds_are_replaced_found_by_token_and_deleted(store: &dyn Store) {
    let person = store
        .create_user(new_user("feed-person@example.org", Role::Person))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("feed-other@example.org", Role::Person))
        .await
        .unwrap();
    assert_eq!(store.calendar_feed(person.id).await.unwrap(), None);
    let first = CalendarFeed {
        user_id: person.id,
        token_hash: "feed-token-1".into(),
        reminder_time: "08:30".into(),
        created_at: 100,
    };
    store.set_calendar_feed(&first).await.unwrap();
    assert_eq!(
        store.calendar_feed(person.id).await.unwrap(),
        Some(first.clone())
    );
    let (feed, owner) = store
        .calendar_feed_by_token("feed-token-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(feed, first);
    assert_eq!(owner, person);

    let second = CalendarFeed {
        token_hash: "feed-token-2".into(),
        reminder_time: "20:00".into(),
        created_at: 200,
        ..first.clone()
    };
    store.set_calendar_feed(&second).await.unwrap();
    assert_eq!(
        store.calendar_feed(person.id).await.unwrap(),
        Some(second.clone()),
        "replaced"
    );
    assert!(
        store
            .calendar_feed_by_token("feed-token-1")
            .await
            .unwrap()
            .is_none(),
        "the old token no longer works"
    );
    assert_eq!(
        store
            .calendar_feed_by_token("feed-token-2")
            .await
            .unwrap()
            .map(|(feed, owner)| (feed, owner.id)),
        Some((second, person.id))
    );
    assert_eq!(store.calendar_feed(other.id).await.unwrap(), None);
    assert!(!store.delete_calendar_feed(other.id).await.unwrap());

    assert!(store.delete_calendar_feed(person.id).await.unwrap());
    assert!(
        !store.delete_calendar_feed(person.id).await.unwrap(),
        "deleted once"
    );
    assert_eq!(store.calendar_feed(person.id).await.unwrap(), None);
    assert!(
        store
            .calendar_feed_by_token("feed-token-2")
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn activities_and_programme_runs_round_trip(store: &dyn Store) {
    use crate::{ActivityInput, NewProgrammeRun};
    let me = store
        .create_user(new_user("steps@example.org", Role::Person))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("steps-other@example.org", Role::Person))
        .await
        .unwrap();
    let plan = |what: &str, on: &str, time: Option<&str>| ActivityInput {
        what: what.into(),
        date: date(on),
        time: time.map(str::to_owned),
        kind: "joy".into(),
        value: None,
    };
    let late = store
        .create_activity(me.id, &plan("Call Sam", "2026-03-02", Some("18:00")), 1)
        .await
        .unwrap();
    let early = store
        .create_activity(me.id, &plan("Walk", "2026-03-02", Some("08:00")), 1)
        .await
        .unwrap();
    let untimed = store
        .create_activity(me.id, &plan("Bake", "2026-03-02", None), 1)
        .await
        .unwrap();
    store
        .create_activity(me.id, &plan("Swim", "2026-03-09", None), 1)
        .await
        .unwrap();
    let week = store
        .activities(me.id, Some(date("2026-03-01")), Some(date("2026-03-07")))
        .await
        .unwrap();
    assert_eq!(
        week.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![early.id, late.id, untimed.id],
        "by date, then time, untimed last"
    );
    assert!(
        store
            .set_activity_outcome(me.id, early.id, Some(r#"{"done":true}"#), 5)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_activity_outcome(other.id, early.id, Some("{}"), 5)
            .await
            .unwrap()
    );
    let read = store.activity(me.id, early.id).await.unwrap().unwrap();
    assert_eq!(read.outcome.as_deref(), Some(r#"{"done":true}"#));
    assert!(store.activity(other.id, early.id).await.unwrap().is_none());
    assert!(!store.delete_activity(other.id, late.id).await.unwrap());
    assert!(store.delete_activity(me.id, late.id).await.unwrap());

    let run = store
        .start_programme(
            me.id,
            &NewProgrammeRun {
                programme_id: "good-enough-21".into(),
                programme: None,
                started: date("2026-03-01"),
                assigned_by: None,
                created_at: 1,
            },
        )
        .await
        .unwrap();
    let again = store
        .start_programme(
            me.id,
            &NewProgrammeRun {
                programme_id: "good-enough-21".into(),
                programme: None,
                started: date("2026-03-02"),
                assigned_by: None,
                created_at: 2,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Conflict(_)),
        "one run of a programme at a time"
    );
    assert!(store.set_run_days(me.id, run.id, "1 2").await.unwrap());
    assert!(!store.set_run_days(other.id, run.id, "1 2 3").await.unwrap());
    let runs = store.programme_runs(me.id).await.unwrap();
    assert_eq!(runs[0].completed_days, "1 2");
    assert!(store.end_programme(me.id, run.id, 9).await.unwrap());
    assert!(
        !store.set_run_days(me.id, run.id, "1 2 3").await.unwrap(),
        "ended"
    );
}

/// Links `person_id` to the therapist of the invitation with `code_hash` (the setup other
/// checks need; the rules of accepting an invitation are `enough-app`'s and tested there).
pub async fn link_up(
    store: &dyn Store,
    code_hash: &str,
    person_id: PersonId,
    categories: &str,
    now: i64,
) -> crate::StoreResult<Result<crate::CareLink, InvitationRefused>> {
    let (code_hash, categories) = (code_hash.to_owned(), categories.to_owned());
    store
        .write(move |tx| {
            Box::pin(async move {
                let Some(invitation) = tx.care().invitation_for_update(&code_hash).await? else {
                    return Ok(Err(InvitationRefused::Unknown));
                };
                let link = tx
                    .care()
                    .create_link(person_id, invitation.therapist_id, &categories, now)
                    .await?;
                tx.care()
                    .mark_invitation_used(invitation.id, person_id, now)
                    .await?;
                Ok(Ok(link))
            })
        })
        .await
}
