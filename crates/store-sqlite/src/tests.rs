use super::*;
use chrono::NaiveDate;
use enough_domain::PersonId;
use enough_domain::account::Role;
use enough_domain::day::DayEntry;
use enough_store::contract::{day, new_user};
use rusqlite::params;
use std::time::Duration;

fn url(dir: &tempfile::TempDir, name: &str) -> String {
    format!("sqlite://{}", dir.path().join(name).display())
}

async fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&url(&dir, "test.db")).await.unwrap();
    (store, dir)
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// One test per check of the store contract, each on a fresh database.
mod contract {
    use super::fresh;

    macro_rules! one_test_per_check {
        ($($name:ident),* $(,)?) => { $(
            #[tokio::test]
            async fn $name() {
                let (store, _dir) = fresh().await;
                enough_store::contract::$name(&store).await;
            }
        )* };
    }
    enough_store::contract_checks!(one_test_per_check);
}

#[tokio::test]
async fn a_full_store_moves_into_another_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("contract.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    enough_store::contract::run_all(&store).await;
    let copy = SqliteStore::open(&format!(
        "sqlite://{}",
        dir.path().join("copy.db").display()
    ))
    .await
    .unwrap();
    enough_store::contract::snapshot_round_trip(&store, &copy).await;
}

#[tokio::test]
async fn in_memory_databases_are_refused_clearly() {
    let err = SqliteStore::open("sqlite::memory:").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Database(m) if m.contains("in-memory")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_short_reads_at_once_each_get_their_own_answer() {
    let (store, _dir) = fresh().await;
    let user = store
        .create_user(new_user("reads@example.org", Role::Person))
        .await
        .unwrap();
    store
        .upsert_day(user.id, &day("2025-01-01", 6), 7)
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..400 {
        let store = store.clone();
        tasks.spawn(async move {
            // Several statements in one read, so that claims overlap on the four threads.
            store
                .read_short(move |tx| {
                    Box::pin(async move {
                        let version = tx.days().data_version(user.id).await?;
                        let day = tx
                            .days()
                            .get(user.id, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
                            .await?;
                        Ok((version.version, day.and_then(|d| d.mood)))
                    })
                })
                .await
        });
    }
    while let Some(result) = tasks.join_next().await {
        let (version, mood) = result.unwrap().unwrap();
        assert!(version > 0);
        assert_eq!(mood, Some(6));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_upserts_commit_together_and_all_stay() {
    let (store, _dir) = fresh().await;
    let user = store
        .create_user(new_user("many@example.org", Role::Person))
        .await
        .unwrap();
    let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let entries: Vec<DayEntry> = (0..200u64)
        .map(|i| {
            let mut entry = day("2025-01-01", u8::try_from(i % 11).unwrap());
            entry.date = first + chrono::Days::new(i);
            entry
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for entry in entries.clone() {
        let store = store.clone();
        tasks.spawn(async move { store.upsert_day(user.id, &entry, 7).await });
    }
    while let Some(result) = tasks.join_next().await {
        assert!(result.unwrap().unwrap(), "each date is new");
    }
    let stored = store.list_days(user.id, None, None).await.unwrap();
    assert_eq!(stored.len(), 200);
    for entry in &entries {
        assert_eq!(
            store.get_day(user.id, entry.date).await.unwrap().as_ref(),
            Some(entry)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_fails_alone_and_its_batch_commits() {
    let (store, _dir) = fresh().await;
    let user = store
        .create_user(new_user("batch@example.org", Role::Person))
        .await
        .unwrap();

    // Hold the writer inside a job until the next three writes are queued behind it, so that
    // they form one batch.
    let (started_tx, started) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let blocker = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(move |_| {
                    started_tx.send(()).unwrap();
                    released.recv().unwrap();
                    Ok(())
                })
                .await
        })
    };
    tokio::task::spawn_blocking(move || started.recv().unwrap())
        .await
        .unwrap();

    let upsert = |user_id: PersonId, date: &'static str| {
        let store = store.clone();
        tokio::spawn(async move { store.upsert_day(user_id, &day(date, 5), 1).await })
    };
    let good = upsert(user.id, "2025-02-01");
    let bad = upsert(PersonId(user.id.get() + 1000), "2025-02-02"); // no such user: foreign key violation
    let also_good = upsert(user.id, "2025-02-03");
    for _ in 0..500 {
        if store.inner.writer.queued() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(store.inner.writer.queued(), 3, "three writes wait together");
    release.send(()).unwrap();
    blocker.await.unwrap().unwrap();

    assert!(good.await.unwrap().unwrap());
    let err = bad.await.unwrap().unwrap_err();
    assert!(
        matches!(&err, StoreError::Database(m) if m.contains("FOREIGN KEY")),
        "the failing write gets its own error, got {err:?}"
    );
    assert!(also_good.await.unwrap().unwrap());
    let dates: Vec<String> = store
        .list_days(user.id, None, None)
        .await
        .unwrap()
        .iter()
        .map(|d| d.date.to_string())
        .collect();
    assert_eq!(dates, ["2025-02-03", "2025-02-01"], "the others committed");
    assert!(
        store
            .list_days(PersonId(user.id.get() + 1000), None, None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_backup_holds_the_same_rows() {
    let (store, dir) = fresh().await;
    enough_store::contract::run_all(&store).await;
    let target = dir.path().join("backup.db");
    store.backup(&target).await.unwrap();
    let copy = SqliteStore::open(&url(&dir, "backup.db")).await.unwrap();
    assert_eq!(
        copy.export_all().await.unwrap(),
        store.export_all().await.unwrap()
    );
    drop(copy);

    // A second backup to the same path replaces the first.
    let user = store
        .create_user(new_user("later@example.org", Role::Person))
        .await
        .unwrap();
    store
        .upsert_day(user.id, &day("2025-03-01", 2), 1)
        .await
        .unwrap();
    store.backup(&target).await.unwrap();
    let copy = SqliteStore::open(&url(&dir, "backup.db")).await.unwrap();
    assert_eq!(
        copy.export_all().await.unwrap(),
        store.export_all().await.unwrap()
    );
    assert!(
        !dir.path().join(".backup.db.partial").exists(),
        "no partial file is left behind"
    );

    let err = store.backup(store.path()).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Database(m) if m.contains("the database itself")),
        "{err:?}"
    );
    assert_eq!(
        store.count_users().await.unwrap(),
        copy.count_users().await.unwrap()
    );
}

async fn epoch(store: &SqliteStore) -> String {
    let store: &dyn enough_store::Store = store;
    store
        .read(|tx| Box::pin(async move { tx.days().data_version(PersonId(1)).await }))
        .await
        .unwrap()
        .epoch
}

#[tokio::test]
async fn a_restored_database_has_a_new_epoch_and_the_same_rows() {
    let (store, dir) = fresh().await;
    let user = store
        .create_user(new_user("epoch@example.org", Role::Person))
        .await
        .unwrap();
    store
        .upsert_day(user.id, &day("2025-03-01", 2), 1)
        .await
        .unwrap();
    let backup = dir.path().join("backup.db");
    store.backup(&backup).await.unwrap();
    let before = epoch(&store).await;
    let rows = store.export_all().await.unwrap();
    drop(store);

    restore(&backup, &dir.path().join("test.db")).unwrap();
    let restored = SqliteStore::open(&url(&dir, "test.db")).await.unwrap();
    assert_eq!(restored.export_all().await.unwrap(), rows);
    assert_ne!(
        epoch(&restored).await,
        before,
        "results cached before the restore are never taken for the restored data"
    );
}

#[tokio::test]
async fn data_survives_reopening_and_migrations_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&url(&dir, "again.db")).await.unwrap();
    store
        .create_user(new_user("kept@example.org", Role::Person))
        .await
        .unwrap();
    drop(store);
    let store = SqliteStore::open(&url(&dir, "again.db")).await.unwrap();
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(user_version(store.path()), migrate::latest());
}

#[tokio::test]
async fn an_sqlx_era_database_is_adopted_without_migrating_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_foundation.sql"))
            .unwrap();
        conn.execute_batch(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
                 installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
                 checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
             INSERT INTO _sqlx_migrations VALUES (1, 'foundation', CURRENT_TIMESTAMP, TRUE, x'00', 1);
             INSERT INTO users (email, password_hash, role, time_zone, created_at)
             VALUES ('old@example.org', 'x', 'admin', 'UTC', 1);
             INSERT INTO days (user_id, date, daylight_quarter_hours, energy, mood, outside_morning,
                               habits, note, created_at, updated_at)
             VALUES (1, '2024-12-01', 4, 5, 6, 1, 0, NULL, 1, 1);",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&url(&dir, "old.db")).await.unwrap();
    assert_eq!(
        user_version(&path),
        migrate::latest(),
        "adopted as version 1, then migrated on"
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
    let date = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
    let kept = store.get_day(PersonId(1), date).await.unwrap().unwrap();
    assert_eq!(
        (
            kept.daylight_quarter_hours,
            kept.energy,
            kept.mood,
            kept.outside_morning
        ),
        (Some(4), Some(5), Some(6), Some(true)),
        "the partial-days rebuild keeps every existing row"
    );
    let partial = enough_store::contract::partial_day("2024-12-02", Some(3), None);
    store.upsert_day(PersonId(1), &partial, 2).await.unwrap();
    assert_eq!(
        store
            .get_day(PersonId(1), partial.date)
            .await
            .unwrap()
            .unwrap(),
        partial
    );
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let err = SqliteStore::open(&url(&dir, "future.db"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Database(m) if m.contains("newer")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_wait_for_another_process_holding_the_lock() {
    let (store, _dir) = fresh().await;
    let user = store
        .create_user(new_user("wait@example.org", Role::Person))
        .await
        .unwrap();
    // Another connection (as the CLI would be) holds the write lock for a moment.
    let other = Connection::open(store.path()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let write = {
        let store = store.clone();
        tokio::spawn(async move { store.upsert_day(user.id, &day("2025-04-01", 3), 1).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!write.is_finished(), "the write waits for the lock");
    other.execute_batch("COMMIT").unwrap();
    assert!(write.await.unwrap().unwrap());
    let date = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    assert!(store.get_day(user.id, date).await.unwrap().is_some());
}

#[tokio::test]
async fn day_ranges_use_the_primary_key() {
    let (store, _dir) = fresh().await;
    let plan: Vec<String> = store
        .inner
        .readers
        .read(|c| {
            let c = c.lock().unwrap();
            let mut statement = c
                .prepare(
                    "EXPLAIN QUERY PLAN SELECT date, daylight_quarter_hours, energy, mood,
                         outside_morning, habits, note
                     FROM days WHERE user_id = ?1 AND date >= ?2 AND date <= ?3
                     ORDER BY date DESC",
                )
                .unwrap();
            let details = statement
                .query_map(params![1, "2025-01-01", "2025-03-31"], |r| {
                    r.get::<_, String>("detail")
                })
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            Ok(details)
        })
        .await
        .unwrap();
    let plan = plan.join("; ");
    assert!(
        plan.contains("PRIMARY KEY (user_id=? AND date>? AND date<?)"),
        "{plan}"
    );
    assert!(!plan.contains("TEMP B-TREE"), "no sort step: {plan}");
}
