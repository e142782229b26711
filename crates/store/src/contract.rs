//! The contract every [`Store`] implementation must keep.
//!
//! Each backend's tests call [`run_all`] on a fresh, migrated store. The checks use their own
//! e-mail addresses, so they can share one database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{
    AccessRecord, CalendarFeed, ExerciseInput, ExperimentStatus, InvitationRefused, Location,
    NewExperiment, NewHomework, NewInvitation, NewResponse, NewSession, NewToken, NewUser,
    SavedResponse, Store, StoreError,
};
use chrono::NaiveDate;
use enough_domain::account::Role;
use enough_domain::day::{DayEntry, Habits};

/// Runs every check against `store`, panicking with the check's name on the first failure.
pub async fn run_all(store: &dyn Store) {
    first_user_is_created_once(store).await;
    emails_are_unique(store).await;
    users_round_trip(store).await;
    settings_round_trip(store).await;
    sessions_expire_and_can_be_revoked(store).await;
    login_failures_are_counted_per_key(store).await;
    attempts_are_reserved_up_to_each_limit(store).await;
    tokens_resolve_until_revoked(store).await;
    days_upsert_list_and_delete(store).await;
    days_are_private_to_their_owner(store).await;
    days_keep_missing_values_missing(store).await;
    locations_and_reflections_round_trip(store).await;
    one_experiment_runs_at_a_time(store).await;
    exercises_are_saved_listed_and_private(store).await;
    questionnaire_responses_are_idempotent(store).await;
    drafts_schedules_and_safety_round_trip(store).await;
    invitations_are_accepted_once(store).await;
    links_are_seen_from_both_sides_and_ended_by_either(store).await;
    the_access_log_is_newest_first_and_private(store).await;
    homework_is_cancelled_only_by_its_therapist(store).await;
    calendar_feeds_are_replaced_found_by_token_and_deleted(store).await;
    activities_and_programme_runs_round_trip(store).await;
    deleting_an_account_leaves_no_row_of_it(store).await;
}

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
    let link = to
        .accept_invitation("after-import-code", next.id, "log", 2)
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

async fn first_user_is_created_once(store: &dyn Store) {
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

async fn emails_are_unique(store: &dyn Store) {
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

async fn users_round_trip(store: &dyn Store) {
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
            .time_zone,
        "Pacific/Auckland"
    );
    let all = store.list_users().await.unwrap();
    assert!(all.iter().any(|u| u.id == created.id));
}

async fn settings_round_trip(store: &dyn Store) {
    assert_eq!(store.setting("contract_key").await.unwrap(), None);
    store.set_setting("contract_key", "a").await.unwrap();
    store.set_setting("contract_key", "b").await.unwrap();
    assert_eq!(
        store.setting("contract_key").await.unwrap().as_deref(),
        Some("b")
    );
}

async fn sessions_expire_and_can_be_revoked(store: &dyn Store) {
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

    let (live, owner) = store
        .session_by_token_hash("live", 2000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.id, user.id);
    assert_eq!(live.csrf_token, "csrf-live");
    assert!(
        store
            .session_by_token_hash("old", 2000)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store
            .session_by_token_hash("nope", 2000)
            .await
            .unwrap()
            .is_none()
    );

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
    assert!(
        store
            .session_by_token_hash("live", 2000)
            .await
            .unwrap()
            .is_none()
    );

    store.create_session(session("again", 5000)).await.unwrap();
    store.delete_session("again").await.unwrap();
    assert!(
        store
            .session_by_token_hash("again", 2000)
            .await
            .unwrap()
            .is_none()
    );
}

async fn login_failures_are_counted_per_key(store: &dyn Store) {
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
async fn attempts_are_reserved_up_to_each_limit(store: &dyn Store) {
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

async fn tokens_resolve_until_revoked(store: &dyn Store) {
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
    let owner = store
        .user_by_token_hash("tokenhash", 20)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.id, user.id);
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
    assert!(
        store
            .user_by_token_hash("tokenhash", 40)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.list_tokens(user.id).await.unwrap()[0].revoked_at,
        Some(30)
    );
}

async fn days_upsert_list_and_delete(store: &dyn Store) {
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

async fn days_keep_missing_values_missing(store: &dyn Store) {
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

async fn days_are_private_to_their_owner(store: &dyn Store) {
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

async fn locations_and_reflections_round_trip(store: &dyn Store) {
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

fn new_experiment(start: &str, weeks: i64) -> NewExperiment {
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

async fn one_experiment_runs_at_a_time(store: &dyn Store) {
    let user = store
        .create_user(new_user("experiment@example.org", Role::Person))
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
    let first = store
        .start_experiment(user.id, new_experiment("2026-01-05", 2), today)
        .await
        .unwrap();
    assert_eq!(first.status, ExperimentStatus::Active);
    assert_eq!(first.seed, -42, "the full 64-bit seed survives");
    let err = store
        .start_experiment(user.id, new_experiment("2026-01-10", 2), today)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a second running experiment is refused"
    );

    // After the first one's end, starting another completes it.
    let later = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    let second = store
        .start_experiment(user.id, new_experiment("2026-02-01", 3), later)
        .await
        .unwrap();
    let all = store.experiments(user.id).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![second.id, first.id]
    );
    assert_eq!(all[1].status, ExperimentStatus::Completed);

    let other = store
        .create_user(new_user("experiment2@example.org", Role::Person))
        .await
        .unwrap();
    // A swap replaces the schedule in force of the person's own active experiment only.
    let swapped: String = second.schedule.chars().rev().collect();
    assert!(
        !store
            .set_experiment_schedule(other.id, second.id, swapped.clone())
            .await
            .unwrap(),
        "not theirs"
    );
    assert!(
        store
            .set_experiment_schedule(user.id, second.id, swapped.clone())
            .await
            .unwrap()
    );
    let now_in_force = store.experiments(user.id).await.unwrap();
    assert_eq!(now_in_force[0].schedule, swapped);
    assert_eq!(now_in_force[0].seed, second.seed, "the seed never changes");
    assert!(
        !store
            .abandon_experiment(other.id, second.id, 5)
            .await
            .unwrap(),
        "not theirs"
    );
    assert!(
        store
            .abandon_experiment(user.id, second.id, 5)
            .await
            .unwrap()
    );
    assert!(
        !store
            .abandon_experiment(user.id, second.id, 6)
            .await
            .unwrap(),
        "already abandoned"
    );
    let all = store.experiments(user.id).await.unwrap();
    assert_eq!(
        (all[0].status, all[0].ended_at),
        (ExperimentStatus::Abandoned, Some(5))
    );
    assert!(
        !store
            .set_experiment_schedule(user.id, second.id, second.schedule.clone())
            .await
            .unwrap(),
        "a stopped experiment keeps its schedule"
    );
    store
        .start_experiment(user.id, new_experiment("2026-02-10", 2), later)
        .await
        .unwrap();
}

async fn deleting_an_account_leaves_no_row_of_it(store: &dyn Store) {
    let gone = store
        .create_user(new_user("leaving@example.org", Role::Person))
        .await
        .unwrap();
    let stays = store
        .create_user(new_user("staying@example.org", Role::Person))
        .await
        .unwrap();
    let carer = store
        .create_user(new_user("leaving-therapist@example.org", Role::Therapist))
        .await
        .unwrap();
    for user in [&gone, &stays] {
        store
            .upsert_day(user.id, &day("2026-03-03", 5), 1)
            .await
            .unwrap();
        store
            .upsert_reflection(
                user.id,
                NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
                "mine",
                1,
            )
            .await
            .unwrap();
        store
            .set_location(
                user.id,
                Some(&Location {
                    latitude: 1.0,
                    longitude: 2.0,
                    place: String::new(),
                }),
            )
            .await
            .unwrap();
        store
            .start_experiment(
                user.id,
                new_experiment("2026-03-04", 2),
                NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
            )
            .await
            .unwrap();
        practice_rows(store, user.id, carer.id).await;
        store
            .create_token(NewToken {
                user_id: user.id,
                name: "t".into(),
                token_hash: format!("leave-{}", user.id),
                created_at: 1,
            })
            .await
            .unwrap();
        store
            .create_session(NewSession {
                token_hash: format!("leave-session-{}", user.id),
                user_id: user.id,
                csrf_token: "c".into(),
                created_at: 1,
                expires_at: i64::MAX,
                user_agent: "t".into(),
            })
            .await
            .unwrap();
    }
    let before = store.count_deletions().await.unwrap();
    assert!(store.delete_user(gone.id, 99).await.unwrap());
    assert!(
        !store.delete_user(gone.id, 100).await.unwrap(),
        "already gone"
    );
    assert_eq!(
        store.count_deletions().await.unwrap(),
        before + 1,
        "one content-free record"
    );
    let all = store.export_all().await.unwrap();
    assert!(
        all.users
            .iter()
            .all(|u| u.id != gone.id && u.email != gone.email)
    );
    assert!(all.days.iter().all(|d| d.user_id != gone.id));
    assert!(all.sessions.iter().all(|s| s.user_id != gone.id));
    assert!(all.api_tokens.iter().all(|t| t.user_id != gone.id));
    assert!(all.reflections.iter().all(|r| r.user_id != gone.id));
    assert!(all.locations.iter().all(|l| l.user_id != gone.id));
    assert!(all.experiments.iter().all(|e| e.user_id != gone.id));
    assert!(all.exercise_entries.iter().all(|e| e.user_id != gone.id));
    assert!(
        all.questionnaire_responses
            .iter()
            .all(|r| r.user_id != gone.id)
    );
    assert!(
        all.questionnaire_drafts
            .iter()
            .all(|r| r.user_id != gone.id)
    );
    assert!(
        all.questionnaire_schedules
            .iter()
            .all(|r| r.user_id != gone.id)
    );
    assert!(all.safety_plans.iter().all(|r| r.user_id != gone.id));
    assert!(all.safety_events.iter().all(|r| r.user_id != gone.id));
    assert!(
        all.exercise_entries.iter().any(|e| e.user_id == stays.id)
            && all.safety_plans.iter().any(|p| p.user_id == stays.id),
        "others keep their practice"
    );
    assert!(
        all.days.iter().any(|d| d.user_id == stays.id),
        "others keep their data"
    );
    assert!(
        store
            .user_by_token_hash(&format!("leave-{}", gone.id), 5)
            .await
            .unwrap()
            .is_none()
    );
    // The therapist's side: the person's links, access log, homework, feed and invitations go;
    // the therapist's invitation they accepted stays, without their id.
    assert!(
        all.invitations
            .iter()
            .all(|i| i.therapist_id != gone.id && i.used_by != Some(gone.id))
    );
    assert!(
        all.invitations
            .iter()
            .any(|i| i.code_hash == format!("leave-code-{}", gone.id)
                && i.used_at.is_some()
                && i.used_by.is_none()),
        "the therapist keeps the used invitation"
    );
    assert!(
        all.care_links
            .iter()
            .all(|l| l.person_id != gone.id && l.therapist_id != gone.id)
    );
    assert!(
        all.access_log
            .iter()
            .all(|a| a.person_id != gone.id && a.viewer_id != Some(gone.id))
    );
    assert!(
        all.homework
            .iter()
            .all(|h| h.person_id != gone.id && h.therapist_id != Some(gone.id))
    );
    assert!(all.calendar_feeds.iter().all(|f| f.user_id != gone.id));
    assert!(
        all.care_links.iter().any(|l| l.person_id == stays.id)
            && all.access_log.iter().any(|a| a.person_id == stays.id)
            && all.homework.iter().any(|h| h.person_id == stays.id)
            && all.calendar_feeds.iter().any(|f| f.user_id == stays.id),
        "others keep their care rows"
    );

    // A therapist leaving: the person keeps the record of who read their data and their
    // homework, without the therapist's id; the links and invitations go.
    assert!(store.delete_user(carer.id, 101).await.unwrap());
    let all = store.export_all().await.unwrap();
    let log: Vec<_> = all
        .access_log
        .iter()
        .filter(|a| a.person_id == stays.id)
        .collect();
    assert!(!log.is_empty(), "the person's access log stays");
    assert!(
        log.iter()
            .all(|a| a.viewer_id.is_none() && a.viewer_email == carer.email),
        "the reader's id is cleared, the address stays"
    );
    assert!(all.access_log.iter().all(|a| a.viewer_id != Some(carer.id)));
    let homework: Vec<_> = all
        .homework
        .iter()
        .filter(|h| h.person_id == stays.id)
        .collect();
    assert!(!homework.is_empty() && homework.iter().all(|h| h.therapist_id.is_none()));
    assert!(
        all.care_links
            .iter()
            .all(|l| l.therapist_id != carer.id && l.person_id != carer.id)
    );
    assert!(all.invitations.iter().all(|i| i.therapist_id != carer.id));
    assert!(all.calendar_feeds.iter().any(|f| f.user_id == stays.id));
    assert!(store.links_of_person(stays.id).await.unwrap().is_empty());
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn exercise_input(kind: &str, on: &str, answers: &str) -> ExerciseInput {
    ExerciseInput {
        kind: kind.into(),
        date: date(on),
        status: "done".into(),
        answers: answers.into(),
    }
}

fn response(client_id: &str, instrument: &str, answers: &str, at: i64) -> NewResponse {
    NewResponse {
        client_id: client_id.into(),
        instrument: instrument.into(),
        answers: answers.into(),
        date: date("2026-03-03"),
        completed_at: at,
    }
}

/// One row in every practice table for `user_id`, and in every care table: a link to
/// `therapist_id` (through an accepted invitation), an access-log row, homework and a calendar
/// feed, plus an invitation of their own.
async fn practice_rows(store: &dyn Store, user_id: i64, therapist_id: i64) {
    store
        .create_invitation(&invitation(
            therapist_id,
            &format!("leave-code-{user_id}"),
            1,
        ))
        .await
        .unwrap();
    store
        .accept_invitation(&format!("leave-code-{user_id}"), user_id, "log", 2)
        .await
        .unwrap()
        .unwrap();
    store
        .create_invitation(&invitation(user_id, &format!("leave-own-{user_id}"), 1))
        .await
        .unwrap();
    store
        .record_access(&access(
            user_id,
            therapist_id,
            "leaving-therapist@example.org",
            3,
        ))
        .await
        .unwrap();
    store
        .create_homework(&homework(user_id, therapist_id, "log", 4))
        .await
        .unwrap();
    store
        .set_calendar_feed(&CalendarFeed {
            user_id,
            token_hash: format!("leave-feed-{user_id}"),
            reminder_time: "20:00".into(),
            created_at: 5,
        })
        .await
        .unwrap();
    store
        .create_exercise(user_id, &exercise_input("defusion", "2026-03-03", "{}"), 1)
        .await
        .unwrap();
    store
        .save_response(user_id, &response("r-1", "who-5", "[1,2,3,4,5]", 1))
        .await
        .unwrap();
    store
        .save_questionnaire_draft(user_id, "phq-9", "[1,null]", 1)
        .await
        .unwrap();
    store
        .set_schedule(user_id, "who-5", Some(14), date("2026-03-03"))
        .await
        .unwrap();
    store.set_safety_plan(user_id, "{}", 1).await.unwrap();
    store
        .record_safety_event(user_id, "phq9-item9", "questionnaire:1", 1)
        .await
        .unwrap();
    store.set_country(user_id, Some("IE")).await.unwrap();
}

async fn exercises_are_saved_listed_and_private(store: &dyn Store) {
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

async fn questionnaire_responses_are_idempotent(store: &dyn Store) {
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

async fn drafts_schedules_and_safety_round_trip(store: &dyn Store) {
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
fn invitation(therapist_id: i64, code: &str, created_at: i64) -> NewInvitation {
    NewInvitation {
        therapist_id,
        code_hash: code.to_owned(),
        label: format!("label for {code}"),
        created_at,
        expires_at: 1000,
    }
}

/// An access-log row for `person_id` read by `viewer_id` at `at`.
fn access(person_id: i64, viewer_id: i64, viewer_email: &str, at: i64) -> AccessRecord {
    AccessRecord {
        id: 0,
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
fn homework(person_id: i64, therapist_id: i64, kind: &str, created_at: i64) -> NewHomework {
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

async fn invitations_are_accepted_once(store: &dyn Store) {
    let therapist = store
        .create_user(new_user("invites-therapist@example.org", Role::Therapist))
        .await
        .unwrap();
    let person = store
        .create_user(new_user("invites-person@example.org", Role::Person))
        .await
        .unwrap();
    let other = store
        .create_user(new_user("invites-other@example.org", Role::Person))
        .await
        .unwrap();

    let first = store
        .create_invitation(&invitation(therapist.id, "invite-once", 100))
        .await
        .unwrap();
    assert_eq!(first.therapist_id, therapist.id);
    assert_eq!(first.code_hash, "invite-once");
    assert_eq!(first.label, "label for invite-once");
    assert_eq!((first.created_at, first.expires_at), (100, 1000));
    assert_eq!(
        (first.used_at, first.used_by, first.revoked_at),
        (None, None, None)
    );
    let err = store
        .create_invitation(&invitation(therapist.id, "invite-once", 101))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a code hash is unique, got {err:?}"
    );

    let link = store
        .accept_invitation("invite-once", person.id, "log measures", 200)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.person_id, person.id);
    assert_eq!(link.therapist_id, therapist.id);
    assert_eq!(link.categories, "log measures");
    assert_eq!((link.created_at, link.ended_at), (200, None));
    assert_eq!(
        store
            .accept_invitation("invite-once", other.id, "log", 201)
            .await
            .unwrap(),
        Err(InvitationRefused::AlreadyUsed),
        "a code works once"
    );
    let listed = store.invitations(therapist.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].used_at, Some(200));
    assert_eq!(listed[0].used_by, Some(person.id));
    assert!(
        !store
            .revoke_invitation(therapist.id, first.id, 202)
            .await
            .unwrap(),
        "a used invitation cannot be withdrawn"
    );

    let expiring = NewInvitation {
        expires_at: 300,
        ..invitation(therapist.id, "invite-expiring", 110)
    };
    store.create_invitation(&expiring).await.unwrap();
    assert_eq!(
        store
            .accept_invitation("invite-expiring", other.id, "log", 300)
            .await
            .unwrap(),
        Err(InvitationRefused::Expired)
    );
    assert_eq!(
        store
            .accept_invitation("invite-no-such-code", other.id, "log", 200)
            .await
            .unwrap(),
        Err(InvitationRefused::Unknown)
    );

    let revoked = store
        .create_invitation(&invitation(therapist.id, "invite-revoked", 120))
        .await
        .unwrap();
    assert!(
        !store
            .revoke_invitation(other.id, revoked.id, 121)
            .await
            .unwrap(),
        "only its therapist withdraws it"
    );
    assert!(
        store
            .revoke_invitation(therapist.id, revoked.id, 122)
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_invitation(therapist.id, revoked.id, 123)
            .await
            .unwrap(),
        "withdrawn once"
    );
    assert_eq!(
        store
            .accept_invitation("invite-revoked", other.id, "log", 200)
            .await
            .unwrap(),
        Err(InvitationRefused::Unknown),
        "a withdrawn code is unknown"
    );

    store
        .create_invitation(&invitation(therapist.id, "invite-own", 130))
        .await
        .unwrap();
    assert_eq!(
        store
            .accept_invitation("invite-own", therapist.id, "log", 200)
            .await
            .unwrap(),
        Err(InvitationRefused::OwnInvitation)
    );

    store
        .create_invitation(&invitation(therapist.id, "invite-second", 140))
        .await
        .unwrap();
    assert_eq!(
        store
            .accept_invitation("invite-second", person.id, "log", 210)
            .await
            .unwrap(),
        Err(InvitationRefused::AlreadyLinked)
    );
    // A refusal changes nothing: the code still works for someone else.
    let second = store
        .accept_invitation("invite-second", other.id, "log", 220)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.person_id, other.id);

    let listed = store.invitations(therapist.id).await.unwrap();
    let codes: Vec<_> = listed.iter().map(|i| i.code_hash.as_str()).collect();
    assert_eq!(
        codes,
        [
            "invite-second",
            "invite-own",
            "invite-revoked",
            "invite-expiring",
            "invite-once"
        ],
        "newest first"
    );
    assert_eq!(listed[2].revoked_at, Some(122));
    assert_eq!(listed[0].used_by, Some(other.id));
    assert!(store.invitations(person.id).await.unwrap().is_empty());
}

async fn links_are_seen_from_both_sides_and_ended_by_either(store: &dyn Store) {
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
    let accept = async |code: &str, person: i64, at: i64| {
        store
            .create_invitation(&invitation(therapist.id, code, at))
            .await
            .unwrap();
        store
            .accept_invitation(code, person, "log", at)
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

async fn the_access_log_is_newest_first_and_private(store: &dyn Store) {
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
                id: 987_654,
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

async fn homework_is_cancelled_only_by_its_therapist(store: &dyn Store) {
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

async fn calendar_feeds_are_replaced_found_by_token_and_deleted(store: &dyn Store) {
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

async fn activities_and_programme_runs_round_trip(store: &dyn Store) {
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
