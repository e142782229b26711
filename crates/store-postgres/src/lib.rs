//! The PostgreSQL implementation of the enough store, for installations that run several app
//! servers over one database. It keeps the same contract as the SQLite store; the differences
//! in dialect (identity columns, real `DATE` and `BOOLEAN` columns, typed NULL parameters, a
//! lock for "create the first account") stay inside this crate.
//!
//! Writes are group-committed ([`writer`]): concurrent write transactions of one app server
//! share one `COMMIT`, each in its own savepoint, and each is answered only once that `COMMIT`
//! has returned.

mod rows;
pub mod testing;
mod tx;
mod writer;

use async_trait::async_trait;
use enough_store::sql::TxJob;
use enough_store::{Store, StoreError, StoreResult};
use rows::db_error;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tx::PgTx;
use writer::Writer;

/// How many connections one app server keeps to PostgreSQL at most, unless told otherwise
/// ([`PgSettings::pool_size`], `--db-pool-size`).
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// Prepared statements each connection keeps. The store has about 130 distinct statements
/// (sqlx keeps 100 by default, and evicting one costs a round trip to close it and two to
/// prepare it again). A `statement-cache-capacity` in the URL wins.
const STATEMENT_CACHE: usize = 256;

/// How long a request waits for a free connection before it fails with an error.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection idle at least this long is checked (one round trip) before it is used, so that
/// one the server has closed meanwhile (a restart) is replaced rather than failing a request.
/// Connections in steady use skip the check: it would add a round trip to every request.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(1);

/// How the store uses its PostgreSQL server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgSettings {
    /// Most connections this app server opens. Several app servers over one database need
    /// `servers × pool_size + a few for maintenance ≤ max_connections` of the server.
    pub pool_size: u32,
}

impl Default for PgSettings {
    fn default() -> Self {
        Self {
            pool_size: DEFAULT_POOL_SIZE,
        }
    }
}

/// An enough store in a PostgreSQL database. Writes are group-committed (see [`writer`]).
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    writer: Arc<Writer>,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) with
    /// the default settings and runs pending migrations. The database must already exist.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, PgSettings::default()).await
    }

    /// [`PostgresStore::connect`] with chosen settings. Must be called inside a Tokio runtime,
    /// which then runs the store's writer task.
    pub async fn connect_with(url: &str, settings: PgSettings) -> StoreResult<Self> {
        let mut options = PgConnectOptions::from_str(url).map_err(db_error)?;
        if !url.contains("statement-cache-capacity") {
            options = options.statement_cache_capacity(STATEMENT_CACHE);
        }
        let pool = PgPoolOptions::new()
            .max_connections(settings.pool_size.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                // A connection that fails the check is closed and another one is used.
                Box::pin(async move {
                    Ok(meta.idle_for < CHECK_AFTER_IDLE || conn.ping().await.is_ok())
                })
            })
            .connect_with(options)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        let writer = Arc::new(Writer::start(pool.clone()));
        Ok(Self { pool, writer })
    }

    /// The connection pool, for maintenance commands and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A backend is used as any store: `backend.upsert_day(…)`, `backend.write(|tx| …)`.
impl std::ops::Deref for PostgresStore {
    type Target = dyn Store;
    fn deref(&self) -> &(dyn Store + 'static) {
        self
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn run_write(&self, job: TxJob) -> StoreResult<()> {
        self.writer.write(job).await
    }

    async fn run_read(&self, job: TxJob) -> StoreResult<()> {
        // No transaction: under READ COMMITTED each statement sees its own snapshot anyway,
        // and a read saves the two round trips of BEGIN and COMMIT.
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        job(&mut PgTx::new(&mut conn)).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::testing::{base_url_from_env, fresh_database};
    use enough_domain::account::Role;
    use enough_domain::day::DayEntry;
    use enough_store::contract::{day, new_user};
    use std::future::Future;
    use std::sync::Arc;
    use tokio::sync::{Barrier, oneshot};

    /// Ten rounds on an emptied table, each releasing `callers` first-account calls at once,
    /// spread over `stores` (like app servers sharing one database), so a missing lock shows up
    /// reliably rather than now and then: each round creates exactly one account.
    async fn first_account_races(stores: &[PostgresStore], callers: usize) {
        for round in 0..10 {
            sqlx::query("DELETE FROM users")
                .execute(stores[0].pool())
                .await
                .unwrap();
            let start = Arc::new(Barrier::new(callers));
            let tasks: Vec<_> = (0..callers)
                .map(|i| {
                    let store = stores[i % stores.len()].clone();
                    let start = start.clone();
                    let email = format!("first{round}-{i}@example.org");
                    tokio::spawn(async move {
                        start.wait().await;
                        store.create_first_user(new_user(&email, Role::Admin)).await
                    })
                })
                .collect();
            let mut created = 0;
            for task in tasks {
                if task.await.unwrap().unwrap().is_some() {
                    created += 1;
                }
            }
            assert_eq!(
                created, 1,
                "round {round}: exactly one caller created an account"
            );
            let last = &stores[stores.len() - 1];
            assert_eq!(last.count_users().await.unwrap(), 1, "round {round}");
        }
    }

    /// Runs `body` on a store in a fresh database and drops the database afterwards, also
    /// when `body` panics. Skips (passes) when no PostgreSQL server is configured.
    async fn on_fresh_store<F, Fut>(test: &str, body: F)
    where
        F: FnOnce(PostgresStore) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Some(base_url) = base_url_from_env(test) else {
            return;
        };
        let db = fresh_database(&base_url).await.unwrap();
        let store = match PostgresStore::connect(&db.url).await {
            Ok(store) => store,
            Err(e) => {
                db.drop_database().await.unwrap();
                panic!("cannot connect to the fresh database: {e}");
            }
        };
        let outcome = tokio::spawn(body(store.clone())).await;
        store.pool().close().await;
        db.drop_database().await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    /// One test per check of the store contract, each on a fresh database.
    mod contract {
        use super::on_fresh_store;

        macro_rules! one_test_per_check {
            ($($name:ident),* $(,)?) => { $(
                #[tokio::test]
                async fn $name() {
                    on_fresh_store(stringify!($name), |store| async move {
                        enough_store::contract::$name(&store).await;
                    })
                    .await;
                }
            )* };
        }
        enough_store::contract_checks!(one_test_per_check);
    }

    #[tokio::test]
    async fn a_snapshot_moves_into_another_database_unchanged() {
        let Some(base_url) = base_url_from_env("a_snapshot_moves_into_another_database_unchanged")
        else {
            return;
        };
        let (a, b) = (
            fresh_database(&base_url).await.unwrap(),
            fresh_database(&base_url).await.unwrap(),
        );
        let (from, to) = (
            PostgresStore::connect(&a.url).await.unwrap(),
            PostgresStore::connect(&b.url).await.unwrap(),
        );
        let (f, t) = (from.clone(), to.clone());
        let outcome = tokio::spawn(async move {
            enough_store::contract::run_all(&f).await;
            enough_store::contract::snapshot_round_trip(&f, &t).await;
        })
        .await;
        from.pool().close().await;
        to.pool().close().await;
        a.drop_database().await.unwrap();
        b.drop_database().await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_of_one_day_leave_one_row() {
        on_fresh_store(
            "concurrent_writes_of_one_day_leave_one_row",
            |store| async move {
                let user = store
                    .create_user(new_user("race@example.org", Role::Person))
                    .await
                    .unwrap();
                // Several rounds, so the two writers really do meet in the database now and then.
                for round in 1..=20u32 {
                    let date = format!("2026-01-{round:02}");
                    let (a, b) = (day(&date, 3), day(&date, 8));
                    let start = Arc::new(Barrier::new(2));
                    let write = |entry: DayEntry| {
                        let (store, start) = (store.clone(), start.clone());
                        tokio::spawn(async move {
                            start.wait().await;
                            store.upsert_day(user.id, &entry, 1).await
                        })
                    };
                    let (task_a, task_b) = (write(a.clone()), write(b.clone()));
                    let new_a = task_a.await.unwrap().unwrap();
                    let new_b = task_b.await.unwrap().unwrap();
                    assert!(
                        new_a != new_b,
                        "round {round}: exactly one write is new ({new_a}, {new_b})"
                    );
                    let stored = store.get_day(user.id, a.date).await.unwrap().unwrap();
                    assert!(
                        stored == a || stored == b,
                        "round {round}: stored row is one of the writes"
                    );
                    let listed = store
                        .list_days(user.id, Some(a.date), Some(a.date))
                        .await
                        .unwrap();
                    assert_eq!(listed.len(), 1, "round {round}: one row per date");
                }
                assert_eq!(
                    store.list_days(user.id, None, None).await.unwrap().len(),
                    20
                );
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_first_users_create_one_account() {
        on_fresh_store(
            "concurrent_first_users_create_one_account",
            |store| async move {
                first_account_races(&[store], 8).await;
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn fifty_concurrent_day_writes_all_persist() {
        on_fresh_store(
            "fifty_concurrent_day_writes_all_persist",
            |store| async move {
                let user = store
                    .create_user(new_user("fifty@example.org", Role::Person))
                    .await
                    .unwrap();
                let entries: Vec<DayEntry> = (0..50u32)
                    .map(|i| {
                        let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
                            + chrono::Days::new(u64::from(i));
                        day(&date.to_string(), u8::try_from(i % 11).unwrap())
                    })
                    .collect();
                let start = Arc::new(Barrier::new(entries.len()));
                let mut tasks = tokio::task::JoinSet::new();
                for entry in entries.clone() {
                    let (store, start) = (store.clone(), start.clone());
                    tasks.spawn(async move {
                        start.wait().await;
                        store.upsert_day(user.id, &entry, 7).await
                    });
                }
                while let Some(result) = tasks.join_next().await {
                    assert!(result.unwrap().unwrap(), "each date is new");
                }
                assert_eq!(
                    store.list_days(user.id, None, None).await.unwrap().len(),
                    50
                );
                for entry in &entries {
                    assert_eq!(
                        store.get_day(user.id, entry.date).await.unwrap().as_ref(),
                        Some(entry)
                    );
                }
            },
        )
        .await;
    }

    /// The id of the transaction a write runs in, with `work` done first.
    async fn txid_after<F>(store: &PostgresStore, work: F) -> enough_store::StoreResult<i64>
    where
        F: for<'t> FnOnce(&'t mut dyn enough_store::sql::Tx) -> enough_store::sql::TxFuture<'t, ()>
            + Send
            + 'static,
    {
        store
            .write(move |tx| {
                Box::pin(async move {
                    work(&mut *tx).await?;
                    tx.query_one("SELECT txid_current()", &[]).await?.i64(0)
                })
            })
            .await
    }

    /// Holds the writer inside a write until the sender is used, so that the writes queued
    /// meanwhile form one batch; the held write's task and that sender.
    async fn hold_writer(
        store: &PostgresStore,
    ) -> (
        tokio::task::JoinHandle<StoreResult<()>>,
        oneshot::Sender<()>,
    ) {
        let (started_tx, started) = oneshot::channel::<()>();
        let (release, released) = oneshot::channel::<()>();
        let store = store.clone();
        let blocker = tokio::spawn(async move {
            store
                .write(move |_| {
                    Box::pin(async move {
                        started_tx.send(()).unwrap();
                        released.await.unwrap();
                        Ok(())
                    })
                })
                .await
        });
        started.await.unwrap();
        (blocker, release)
    }

    /// Waits until `n` writes are queued behind the held one.
    async fn queued(store: &PostgresStore, n: usize) {
        for _ in 0..500 {
            if store.writer.queued() == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{n} writes never waited together");
    }

    /// Writes a day; the id of the transaction it ran in.
    fn upsert_in_batch(
        store: &PostgresStore,
        user_id: enough_domain::PersonId,
        date: &'static str,
    ) -> tokio::task::JoinHandle<StoreResult<i64>> {
        let store = store.clone();
        tokio::spawn(async move {
            txid_after(&store, move |tx| {
                Box::pin(async move { tx.days().upsert(user_id, &day(date, 5), 1).await.map(drop) })
            })
            .await
        })
    }

    /// Writes a day, then meets a failed statement and handles it: returns whether it saw the
    /// error.
    fn handles_an_error(
        store: &PostgresStore,
        user_id: enough_domain::PersonId,
        date: &'static str,
    ) -> tokio::task::JoinHandle<StoreResult<bool>> {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(move |tx| {
                    Box::pin(async move {
                        tx.days().upsert(user_id, &day(date, 5), 1).await?;
                        let failed = tx.execute("SELECT 1 / 0", &[]).await;
                        Ok(failed.is_err())
                    })
                })
                .await
        })
    }

    /// The dates of a person's stored days, newest first.
    async fn stored_dates(store: &PostgresStore, user_id: enough_domain::PersonId) -> Vec<String> {
        let days = store.list_days(user_id, None, None).await.unwrap();
        days.iter().map(|d| d.date.to_string()).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_batch_whose_last_write_handled_an_error_commits_the_others() {
        on_fresh_store(
            "a_batch_whose_last_write_handled_an_error_commits_the_others",
            |store| async move {
                let user = store
                    .create_user(new_user("last@example.org", Role::Person))
                    .await
                    .unwrap();
                let (blocker, release) = hold_writer(&store).await;
                let first = upsert_in_batch(&store, user.id, "2025-03-01");
                queued(&store, 1).await;
                let second = upsert_in_batch(&store, user.id, "2025-03-02");
                queued(&store, 2).await;
                // The batch's last write: its savepoint is rolled back before the COMMIT, which
                // would otherwise meet an aborted transaction and roll everything back.
                let handled = handles_an_error(&store, user.id, "2025-03-03");
                queued(&store, 3).await;
                release.send(()).unwrap();

                blocker.await.unwrap().unwrap();
                let (first, second) = (
                    first.await.unwrap().unwrap(),
                    second.await.unwrap().unwrap(),
                );
                assert_eq!(first, second, "the batch ran in one transaction");
                assert!(
                    handled.await.unwrap().unwrap(),
                    "the handled error was seen"
                );
                assert_eq!(
                    stored_dates(&store, user.id).await,
                    ["2025-03-02", "2025-03-01"]
                );
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failing_write_fails_alone_and_its_batch_commits() {
        on_fresh_store(
            "a_failing_write_fails_alone_and_its_batch_commits",
            |store| async move {
                let user = store
                    .create_user(new_user("batch@example.org", Role::Person))
                    .await
                    .unwrap();

                let (blocker, release) = hold_writer(&store).await;
                let upsert = |date: &'static str| upsert_in_batch(&store, user.id, date);
                let queued_now = |n: usize| queued(&store, n);
                let good = upsert("2025-02-01");
                queued_now(1).await;
                // A unique conflict: the e-mail is taken.
                let conflict = {
                    let store = store.clone();
                    tokio::spawn(async move {
                        store
                            .write(move |tx| {
                                Box::pin(async move {
                                    tx.days().upsert(user.id, &day("2025-02-02", 5), 1).await?;
                                    tx.accounts()
                                        .create(new_user("batch@example.org", Role::Person))
                                        .await
                                })
                            })
                            .await
                    })
                };
                queued_now(2).await;
                let panicking = {
                    let store = store.clone();
                    tokio::spawn(async move {
                        store
                            .write(move |tx| {
                                Box::pin(async move {
                                    tx.days().upsert(user.id, &day("2025-02-03", 5), 1).await?;
                                    panic!("a bug inside a write");
                                    #[allow(unreachable_code)]
                                    Ok(())
                                })
                            })
                            .await
                    })
                };
                queued_now(3).await;
                // Meets a failed statement, handles it and returns Ok: as in a transaction of
                // its own, nothing it wrote is kept, and the rest of the batch is not harmed.
                let handled = handles_an_error(&store, user.id, "2025-02-04");
                queued_now(4).await;
                let also_good = upsert("2025-02-05");
                queued_now(5).await;
                release.send(()).unwrap();

                blocker.await.unwrap().unwrap();
                let (good, also_good) = (
                    good.await.unwrap().unwrap(),
                    also_good.await.unwrap().unwrap(),
                );
                assert_eq!(good, also_good, "the batch ran in one transaction");
                let conflict = conflict.await.unwrap();
                assert!(
                    matches!(conflict, Err(StoreError::Conflict(_))),
                    "the conflict is that write's own error: {conflict:?}"
                );
                assert!(panicking.await.unwrap().is_err(), "a panicking write fails");
                assert!(
                    handled.await.unwrap().unwrap(),
                    "the handled error was seen"
                );

                assert_eq!(
                    stored_dates(&store, user.id).await,
                    ["2025-02-05", "2025-02-01"]
                );
                assert_eq!(store.count_users().await.unwrap(), 1);

                // The writer is still there for the next write.
                assert!(
                    store
                        .upsert_day(user.id, &day("2025-02-06", 5), 1)
                        .await
                        .unwrap()
                );
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_app_servers_create_one_first_account() {
        let Some(base_url) = base_url_from_env("two_app_servers_create_one_first_account") else {
            return;
        };
        let db = fresh_database(&base_url).await.unwrap();
        let (a, b) = (
            PostgresStore::connect(&db.url).await.unwrap(),
            PostgresStore::connect(&db.url).await.unwrap(),
        );
        let (sa, sb) = (a.clone(), b.clone());
        let outcome = tokio::spawn(async move { first_account_races(&[sa, sb], 16).await }).await;
        a.pool().close().await;
        b.pool().close().await;
        db.drop_database().await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
