//! The PostgreSQL implementation of the enough store, for installations that run several app
//! servers over one database. It keeps the same contract as the SQLite store; the differences
//! in dialect (identity columns, real `DATE` and `BOOLEAN` columns, typed NULL parameters, a
//! lock for "create the first account") stay inside this crate.

mod rows;
pub mod testing;
mod tx;

use async_trait::async_trait;
use enough_store::sql::TxJob;
use enough_store::{Store, StoreError, StoreResult};
use rows::db_error;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use tx::PgTx;

/// How many connections one app server keeps to PostgreSQL at most.
const MAX_CONNECTIONS: u32 = 16;

/// How long a request waits for a free connection before it fails with an error.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// An enough store in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// runs pending migrations. The database must already exist.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
        Ok(Self { pool })
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
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        // An error drops `tx`, which rolls it back.
        job(&mut PgTx { conn: &mut tx }).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn run_read(&self, job: TxJob) -> StoreResult<()> {
        // No transaction: under READ COMMITTED each statement sees its own snapshot anyway,
        // and a read saves the two round trips of BEGIN and COMMIT.
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        job(&mut PgTx { conn: &mut conn }).await
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
    use tokio::sync::Barrier;

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
                // Several rounds on an emptied table, each with all callers released at once,
                // so a missing lock shows up reliably rather than now and then.
                for round in 0..10 {
                    sqlx::query("DELETE FROM users")
                        .execute(store.pool())
                        .await
                        .unwrap();
                    let start = Arc::new(Barrier::new(8));
                    let tasks: Vec<_> = (0..8)
                        .map(|i| {
                            let (store, start) = (store.clone(), start.clone());
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
                    assert_eq!(store.count_users().await.unwrap(), 1, "round {round}");
                }
            },
        )
        .await;
    }
}
