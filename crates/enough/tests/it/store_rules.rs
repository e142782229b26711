//! The rules that span several statements (accepting an invitation, deleting an account,
//! starting an experiment), written once in `enough-app` and run here on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::on_every_backend;
use chrono::NaiveDate;
use enough_app::rules;
use enough_domain::PersonId;
use enough_domain::account::Role;
use enough_store::contract::{
    access, date, day, exercise_input, homework, invitation, new_experiment, new_user, response,
};
use enough_store::{
    CalendarFeed, ExperimentStatus, InvitationRefused, Location, NewInvitation, NewSession,
    NewToken, Store, StoreError,
};
use std::sync::Arc;
use tokio::sync::Barrier;

async fn one_experiment_runs_at_a_time(store: &dyn Store) {
    let user = store
        .create_user(new_user("experiment@example.org", Role::Person))
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
    let first = rules::start_experiment(store, user.id, new_experiment("2026-01-05", 2), today)
        .await
        .unwrap();
    assert_eq!(first.status, ExperimentStatus::Active);
    assert_eq!(first.seed, -42, "the full 64-bit seed survives");
    let err = rules::start_experiment(store, user.id, new_experiment("2026-01-10", 2), today)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a second running experiment is refused"
    );

    // After the first one's end, starting another completes it.
    let later = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    let second = rules::start_experiment(store, user.id, new_experiment("2026-02-01", 3), later)
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
    rules::start_experiment(store, user.id, new_experiment("2026-02-10", 2), later)
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
        rules::start_experiment(
            store,
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
    assert!(rules::delete_account(store, gone.id, 99).await.unwrap());
    assert!(
        !rules::delete_account(store, gone.id, 100).await.unwrap(),
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
            .find_token_owner(&format!("leave-{}", gone.id))
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
    assert!(rules::delete_account(store, carer.id, 101).await.unwrap());
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

/// One row in every practice table for `user_id`, and in every care table: a link to
/// `therapist_id` (through an accepted invitation), an access-log row, homework and a calendar
/// feed, plus an invitation of their own.
async fn practice_rows(store: &dyn Store, user_id: PersonId, therapist_id: PersonId) {
    store
        .create_invitation(&invitation(
            therapist_id,
            &format!("leave-code-{user_id}"),
            1,
        ))
        .await
        .unwrap();
    rules::accept_invitation(store, &format!("leave-code-{user_id}"), user_id, "log", 2)
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

    let link = rules::accept_invitation(store, "invite-once", person.id, "log measures", 200)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.person_id, person.id);
    assert_eq!(link.therapist_id, therapist.id);
    assert_eq!(link.categories, "log measures");
    assert_eq!((link.created_at, link.ended_at), (200, None));
    assert_eq!(
        rules::accept_invitation(store, "invite-once", other.id, "log", 201)
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
        rules::accept_invitation(store, "invite-expiring", other.id, "log", 300)
            .await
            .unwrap(),
        Err(InvitationRefused::Expired)
    );
    assert_eq!(
        rules::accept_invitation(store, "invite-no-such-code", other.id, "log", 200)
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
        rules::accept_invitation(store, "invite-revoked", other.id, "log", 200)
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
        rules::accept_invitation(store, "invite-own", therapist.id, "log", 200)
            .await
            .unwrap(),
        Err(InvitationRefused::OwnInvitation)
    );

    store
        .create_invitation(&invitation(therapist.id, "invite-second", 140))
        .await
        .unwrap();
    assert_eq!(
        rules::accept_invitation(store, "invite-second", person.id, "log", 210)
            .await
            .unwrap(),
        Err(InvitationRefused::AlreadyLinked)
    );
    // A refusal changes nothing: the code still works for someone else.
    let second = rules::accept_invitation(store, "invite-second", other.id, "log", 220)
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

#[tokio::test]
async fn one_experiment_runs_at_a_time_on_every_backend() {
    on_every_backend("one_experiment_runs_at_a_time", |server, _| async move {
        one_experiment_runs_at_a_time(&*server.store).await;
    })
    .await;
}

#[tokio::test]
async fn deleting_an_account_leaves_no_row_of_it_on_every_backend() {
    on_every_backend(
        "deleting_an_account_leaves_no_row_of_it",
        |server, _| async move {
            deleting_an_account_leaves_no_row_of_it(&*server.store).await;
        },
    )
    .await;
}

#[tokio::test]
async fn invitations_are_accepted_once_on_every_backend() {
    on_every_backend("invitations_are_accepted_once", |server, _| async move {
        invitations_are_accepted_once(&*server.store).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accepts_of_one_code_create_one_link() {
    on_every_backend(
        "concurrent_accepts_of_one_code_create_one_link",
        |server, _| async move {
            let store = server.store.clone();
            let therapist = store
                .create_user(new_user("race-therapist@example.org", Role::Therapist))
                .await
                .unwrap();
            let mut people = Vec::new();
            for i in 0..8 {
                let email = format!("race-person-{i}@example.org");
                people.push(
                    store
                        .create_user(new_user(&email, Role::Person))
                        .await
                        .unwrap(),
                );
            }
            // Several rounds, each with all callers released at once: a missing row lock
            // would let two of them use one code.
            for round in 0..10 {
                let code = format!("race-code-{round}");
                store
                    .create_invitation(&NewInvitation {
                        therapist_id: therapist.id,
                        code_hash: code.clone(),
                        label: String::new(),
                        created_at: 1,
                        expires_at: i64::MAX,
                    })
                    .await
                    .unwrap();
                let start = Arc::new(Barrier::new(people.len()));
                let tasks: Vec<_> = people
                    .iter()
                    .map(|person| {
                        let (store, start, code) = (store.clone(), start.clone(), code.clone());
                        let person = person.id;
                        tokio::spawn(async move {
                            start.wait().await;
                            rules::accept_invitation(&*store, &code, person, "log", 2).await
                        })
                    })
                    .collect();
                let mut accepted = Vec::new();
                for task in tasks {
                    match task.await.unwrap().unwrap() {
                        Ok(link) => accepted.push(link),
                        Err(refused) => {
                            assert_eq!(refused, InvitationRefused::AlreadyUsed, "round {round}")
                        }
                    }
                }
                assert_eq!(accepted.len(), 1, "round {round}: one code, one link");
                // End it, so that this person can accept again in a later round.
                assert!(
                    store
                        .end_link(therapist.id, accepted[0].id, 3)
                        .await
                        .unwrap()
                );
                let used = store
                    .invitations(therapist.id)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|i| i.code_hash == code)
                    .unwrap();
                assert_eq!(
                    used.used_by,
                    Some(accepted[0].person_id),
                    "round {round}: the invitation names the one who used it"
                );
            }
        },
    )
    .await;
}

/// The two migration sets are written per dialect; they must describe the same tables and
/// columns, or a statement written once would work on one backend only.
#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    use crate::common::{FreshDb, backends};
    use enough_store::sql::Dialect;
    let mut schemas = Vec::new();
    for backend in backends("both_backends_have_the_same_tables_and_columns") {
        let db = FreshDb::new(backend).await;
        let store = db.store().await;
        let mut columns: Vec<(String, String)> = store
            .read(|tx| {
                Box::pin(async move {
                    let sql = match tx.dialect() {
                        Dialect::Sqlite => {
                            "SELECT m.name, p.name FROM sqlite_master m
                             JOIN pragma_table_info(m.name) p
                             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                               AND m.name NOT LIKE '_sqlx%'"
                        }
                        Dialect::Postgres => {
                            "SELECT table_name::text, column_name::text
                             FROM information_schema.columns
                             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'"
                        }
                    };
                    let rows = tx.query(sql, &[]).await?;
                    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect()
                })
            })
            .await
            .unwrap();
        columns.sort();
        drop(store);
        db.finish().await;
        schemas.push((backend, columns));
    }
    if let [(_, sqlite), (_, postgres)] = schemas.as_slice() {
        assert!(sqlite.len() > 50, "{sqlite:?}");
        assert_eq!(sqlite, postgres, "SQLite and PostgreSQL schemas differ");
    }
}

/// A time zone is parsed once, when the account is read; a name the zone database does not
/// know (written behind the app's back) is reported as a corrupt row, never read as UTC.
async fn an_unknown_time_zone_is_reported_not_read_as_utc(store: &dyn Store) {
    let user = store
        .create_user(new_user("zone@example.org", Role::Person))
        .await
        .unwrap();
    let read = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(read.time_zone, user.time_zone, "a known zone reads back");
    let id = user.id;
    store
        .write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE users SET time_zone = 'Mars/Olympus_Mons' WHERE id = $1",
                    &enough_store::params![id],
                )
                .await
            })
        })
        .await
        .unwrap();
    let err = store.user_by_id(user.id).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("Mars/Olympus_Mons")),
        "got {err:?}"
    );
}

#[tokio::test]
async fn an_unknown_time_zone_is_reported_not_read_as_utc_on_every_backend() {
    on_every_backend(
        "an_unknown_time_zone_is_reported_not_read_as_utc",
        |server, _| async move {
            an_unknown_time_zone_is_reported_not_read_as_utc(&*server.store).await;
        },
    )
    .await;
}
