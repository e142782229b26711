//! A small pool of reader threads, each owning one read connection.
//!
//! A read is queued to the pool and its whole closure runs on a reader thread, collecting rows
//! there, so a query costs one thread hop, not one per row. A busy reader takes the next
//! queued read without sleeping, and sleeping readers are woken only when there are any, so
//! under load the pool runs without thread switches of its own. In WAL mode readers never wait
//! for the writer, and each read sees every write acknowledged before it started.
//!
//! (Tokio's `spawn_blocking` was measured first: its pool grew to dozens of threads that took
//! turns sleeping and waking, and thread switching took a quarter of the CPU time.)

use enough_store::{StoreError, StoreResult};
use rusqlite::Connection;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// A read, ready to run on any reader's connection.
type ReadJob = Box<dyn FnOnce(&Mutex<Connection>) + Send>;

/// The queue shared by the pool's threads.
#[derive(Default)]
struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<ReadJob>,
    /// Readers waiting for a job.
    sleeping: usize,
    /// Set when the pool is dropped: readers finish the queue and end.
    closed: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The queue stays consistent even if a holder panicked (jobs run outside the lock).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next job, sleeping while there is none; `None` once closed and drained.
    fn next(&self) -> Option<ReadJob> {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            if state.closed {
                return None;
            }
            state.sleeping += 1;
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.sleeping -= 1;
        }
    }
}

/// The reader threads.
pub(crate) struct Readers {
    queue: Arc<Queue>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("threads", &self.threads.len())
            .finish()
    }
}

impl Readers {
    /// Starts one reader thread per connection.
    pub(crate) fn start(connections: Vec<Connection>) -> StoreResult<Self> {
        let mut readers = Self {
            queue: Arc::new(Queue::default()),
            threads: Vec::with_capacity(connections.len()),
        };
        for (i, conn) in connections.into_iter().enumerate() {
            let queue = Arc::clone(&readers.queue);
            let thread = std::thread::Builder::new()
                .name(format!("enough-sqlite-reader-{i}"))
                .spawn(move || {
                    let conn = Mutex::new(conn);
                    while let Some(job) = queue.next() {
                        job(&conn);
                    }
                })
                .map_err(|e| {
                    StoreError::Database(format!("could not start an SQLite reader thread: {e}"))
                })?;
            // On an error above, dropping `readers` stops the threads started so far.
            readers.threads.push(thread);
        }
        Ok(readers)
    }

    /// Runs `work` on the next free read connection.
    pub(crate) async fn read<T>(
        &self,
        work: impl FnOnce(&Mutex<Connection>) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T>
    where
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: ReadJob = Box::new(move |conn| {
            let result = catch_unwind(AssertUnwindSafe(|| work(conn))).unwrap_or_else(|_| {
                Err(StoreError::Database(
                    "a database read failed unexpectedly (panic)".to_owned(),
                ))
            });
            // The caller may have stopped waiting.
            let _ = reply.send(result);
        });
        {
            let mut state = self.queue.lock();
            state.jobs.push_back(job);
            if state.sleeping > 0 {
                self.queue.ready.notify_one();
            }
        }
        answer
            .await
            .map_err(|_| StoreError::Database("the SQLite readers have stopped".to_owned()))?
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        self.queue.lock().closed = true;
        self.queue.ready.notify_all();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("an SQLite reader thread panicked");
            }
        }
    }
}
