//! Bounded password hashing: a few dedicated threads at a lower OS priority, each with argon2
//! memory reused from one hash to the next and handed back to the system when idle, and a short
//! queue. A request that will hash takes its place in the queue ([`Place`]) before it does
//! anything else, so a flood beyond the queue is told to come back later (503) without a
//! database write, and the server does not grow without bound.
//!
//! Why: argon2id at the OWASP parameters needs 19 MiB per hash. Unbounded, 150 concurrent
//! sign-ups took the server to 3.8 GB, and glibc kept the freed blocks in per-thread arenas.
//! Here memory is at most `threads × 19 MiB` while hashing, and nothing once the threads have
//! been idle for [`IDLE_FREE`].

use crate::AppError;
use argon2::password_hash::{Output, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Seconds a client is asked to wait when hashing is saturated.
pub const BUSY_RETRY_AFTER_SECS: i64 = 5;
/// Largest argon2 memory cost accepted from a stored hash (KiB), so a tampered row cannot make
/// a worker allocate without bound.
const MAX_M_COST: u32 = 64 * 1024;
/// How long a hashing thread keeps its memory block after its last hash.
pub const IDLE_FREE: Duration = Duration::from_secs(5);
/// Places in the queue per hashing thread, besides the one hash it runs.
const QUEUED_PER_THREAD: usize = 2;
/// How much nicer than the rest of the server the hashing threads run (Linux `nice`).
const NICENESS: i32 = 10;
/// Address space reserved for a memory block, in bytes: more than glibc's largest dynamic mmap
/// threshold (32 MiB on 64-bit). glibc serves a request that size with a mapping of its own and
/// unmaps it on free, whatever the threshold has grown to; a 19 MiB request, once one such
/// block has been freed, raises the threshold past itself and lands in a heap arena that keeps
/// it resident (the 58 MB arenas seen in `pmap`). Only the blocks argon2 uses are ever touched,
/// so resident memory stays 19 MiB per thread.
const RESERVE_BYTES: usize = 33 * 1024 * 1024;

/// A valid hash of a random password, verified when the account does not exist so that
/// a wrong e-mail address takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$9MGAHd1ofkvCRm3JmaLxaQ$WaSgZb2e7wcZb9l9/dOgTbqVyDwZWLHEsvz1ybcTUCg";

enum Work {
    Hash(String),
    Verify(String, Option<String>),
}

enum Done {
    Hashed(String),
    Verified(bool),
}

struct Job {
    work: Work,
    queued_at: Instant,
    reply: oneshot::Sender<Result<Done, AppError>>,
}

/// The jobs waiting for a thread, shared by the pool and its threads.
struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a job arrives or the pool closes.
    ready: Condvar,
    counters: Counters,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

/// The hashing threads and their queue. Dropping it ends the threads.
pub(crate) struct HashPool {
    shared: Arc<Shared>,
    threads: usize,
    /// Places handed out at most at once: one running and [`QUEUED_PER_THREAD`] waiting per
    /// thread.
    places: usize,
}

/// What the pool is doing, for operators' metrics.
#[derive(Debug, Default)]
struct Counters {
    taken: AtomicUsize,
    waiting: AtomicUsize,
    running: AtomicUsize,
    busy: AtomicU64,
    done: AtomicU64,
}

/// A snapshot of the password-hashing pool, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingStats {
    /// How many hashes can run at once.
    pub threads: usize,
    /// Hashes queued and not yet started.
    pub waiting: usize,
    /// Hashes running now.
    pub running: usize,
    /// Hashes refused as "busy" since the start (queue full or waited too long).
    pub busy_total: u64,
    /// Hashes finished since the start.
    pub done_total: u64,
}

/// A place in the hashing queue, held by one request from before its first database write
/// until its last hash: while it is held, the request's hashes are not refused for a full
/// queue. Dropping it gives the place back.
pub(crate) struct Place<'a> {
    pool: &'a HashPool,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.pool
            .shared
            .counters
            .taken
            .fetch_sub(1, Ordering::Relaxed);
    }
}

impl Place<'_> {
    /// Hashes a new password (argon2id, OWASP parameters: 19 MiB, 2 passes).
    pub(crate) async fn hash(&self, password: String) -> Result<String, AppError> {
        match self.pool.run(Work::Hash(password)).await? {
            Done::Hashed(hash) => Ok(hash),
            Done::Verified(_) => Err(AppError::Internal("unexpected hashing answer".into())),
        }
    }

    /// Checks `password` against a stored hash (or the dummy hash when `hash` is `None`, so
    /// an unknown address costs the same time).
    pub(crate) async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, AppError> {
        match self.pool.run(Work::Verify(password, hash)).await? {
            Done::Verified(ok) => Ok(ok),
            Done::Hashed(_) => Err(AppError::Internal("unexpected hashing answer".into())),
        }
    }
}

impl HashPool {
    /// `threads` workers (0: the default, one), [`QUEUED_PER_THREAD`] places in the queue per
    /// worker, and jobs that waited longer than `max_wait` answered "busy".
    pub(crate) fn new(threads: usize, max_wait: Duration) -> Self {
        let threads = if threads == 0 {
            default_threads()
        } else {
            threads
        };
        let shared = Arc::new(Shared {
            queue: Mutex::default(),
            ready: Condvar::new(),
            counters: Counters::default(),
        });
        for i in 0..threads {
            let shared = shared.clone();
            // A thread that cannot start leaves the others to do the work.
            let _ = std::thread::Builder::new()
                .name(format!("enough-hash-{i}"))
                .spawn(move || worker(&shared, max_wait));
        }
        Self {
            shared,
            threads,
            places: threads * (1 + QUEUED_PER_THREAD),
        }
    }

    /// How many hashes can run at once.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// What the pool is doing now.
    pub(crate) fn stats(&self) -> HashingStats {
        let c = &self.shared.counters;
        HashingStats {
            threads: self.threads,
            waiting: c.waiting.load(Ordering::Relaxed),
            running: c.running.load(Ordering::Relaxed),
            busy_total: c.busy.load(Ordering::Relaxed),
            done_total: c.done.load(Ordering::Relaxed),
        }
    }

    /// Takes a place in the queue, or answers "busy" (503 with `Retry-After`) at once when
    /// every place is taken. Take it before anything that writes, so that a refused request
    /// has written nothing.
    pub(crate) fn place(&self) -> Result<Place<'_>, AppError> {
        let counters = &self.shared.counters;
        let taken = counters
            .taken
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |taken| {
                (taken < self.places).then_some(taken + 1)
            });
        match taken {
            Ok(_) => Ok(Place { pool: self }),
            Err(_) => {
                counters.busy.fetch_add(1, Ordering::Relaxed);
                Err(busy())
            }
        }
    }

    async fn run(&self, work: Work) -> Result<Done, AppError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work,
            queued_at: Instant::now(),
            reply,
        };
        {
            let mut queue = self
                .shared
                .queue
                .lock()
                .map_err(|_| AppError::Internal("password hashing stopped".into()))?;
            // Places bound the queue: each holder has at most one job in it at a time.
            queue.jobs.push_back(job);
            self.shared.counters.waiting.fetch_add(1, Ordering::Relaxed);
        }
        self.shared.ready.notify_one();
        answer
            .await
            .map_err(|_| AppError::Internal("password hashing stopped".into()))?
    }

    /// Hashes a new password in a place of its own (tests).
    #[cfg(test)]
    pub(crate) async fn hash(&self, password: String) -> Result<String, AppError> {
        self.place()?.hash(password).await
    }

    /// Checks a password in a place of its own (tests).
    #[cfg(test)]
    pub(crate) async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, AppError> {
        self.place()?.verify(password, hash).await
    }
}

impl Drop for HashPool {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.shared.queue.lock() {
            queue.closed = true;
        }
        self.shared.ready.notify_all();
    }
}

fn busy() -> AppError {
    AppError::Busy {
        retry_after_secs: BUSY_RETRY_AFTER_SECS,
    }
}

/// One thread: at most one core's worth of hashing at a time, so that reads keep the others
/// (issue 18). `--hash-threads` raises it.
pub(crate) fn default_threads() -> usize {
    1
}

/// Lowers the calling thread's priority by [`NICENESS`], so that the server's other threads
/// (reads, writes) run first when the cores are busy. On Linux `setpriority` with a thread id
/// applies to that thread alone; elsewhere it would apply to the whole process, so nothing is
/// done. A failure (a sandbox refusing the call) leaves the priority as it was.
#[cfg(target_os = "linux")]
fn lower_priority() {
    use rustix::process::{getpriority_process, setpriority_process};
    let me = Some(rustix::thread::gettid());
    let now = getpriority_process(me).unwrap_or(0);
    let _ = setpriority_process(me, (now + NICENESS).min(19));
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Hands the allocator's free pages back to the kernel, once hashing has gone quiet. The memory
/// block itself is a mapping of its own and is already gone; what this returns is the rest of
/// a flood: the buffers of hundreds of connections, freed but scattered through glibc's heaps,
/// which a plain `free` never trims (measured: 31 MB kept after 1,000 sign-ins, 0 after this).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_free_memory() {
    // SAFETY: `malloc_trim` takes no pointer and touches only glibc's own free lists, under the
    // same arena locks as `malloc` and `free`; it may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_free_memory() {}

/// What a waiting thread found.
enum Next {
    Job(Job),
    /// Nothing for [`IDLE_FREE`]: give the memory back.
    Idle,
    Stop,
}

fn next_job(shared: &Shared, holding_memory: bool) -> Next {
    let Ok(mut queue) = shared.queue.lock() else {
        return Next::Stop;
    };
    let deadline = Instant::now() + IDLE_FREE;
    loop {
        if let Some(job) = queue.jobs.pop_front() {
            return Next::Job(job);
        }
        if queue.closed {
            return Next::Stop;
        }
        queue = if holding_memory {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Next::Idle;
            }
            match shared.ready.wait_timeout(queue, left) {
                Ok((queue, _)) => queue,
                Err(_) => return Next::Stop,
            }
        } else {
            match shared.ready.wait(queue) {
                Ok(queue) => queue,
                Err(_) => return Next::Stop,
            }
        };
    }
}

fn worker(shared: &Shared, max_wait: Duration) {
    lower_priority();
    let counters = &shared.counters;
    // This thread's argon2 memory: allocated by the first hash, reused while hashes keep
    // coming, freed after IDLE_FREE without one. (A condition variable rather than a shared
    // channel receiver: every idle thread waits with its own timeout, none behind a lock.)
    let mut memory: Vec<Block> = Vec::new();
    loop {
        let job = match next_job(shared, memory.capacity() > 0) {
            Next::Job(job) => job,
            Next::Idle => {
                memory = Vec::new();
                return_free_memory();
                continue;
            }
            Next::Stop => return,
        };
        counters.waiting.fetch_sub(1, Ordering::Relaxed);
        let answer = if job.queued_at.elapsed() > max_wait {
            counters.busy.fetch_add(1, Ordering::Relaxed);
            Err(busy())
        } else {
            counters.running.fetch_add(1, Ordering::Relaxed);
            let answer = match job.work {
                Work::Hash(password) => hash_with(&mut memory, &password).map(Done::Hashed),
                Work::Verify(password, hash) => {
                    verify_with(&mut memory, &password, hash).map(Done::Verified)
                }
            };
            counters.running.fetch_sub(1, Ordering::Relaxed);
            counters.done.fetch_add(1, Ordering::Relaxed);
            answer
        };
        let _ = job.reply.send(answer);
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

fn hash_with(memory: &mut Vec<Block>, password: &str) -> Result<String, AppError> {
    let params = Params::default();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| internal("salt", e))?;
    let out = compute(memory, &params, password, salt_raw)?;
    let output = Output::new(&out).map_err(|e| internal("hash output", e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| internal("params", e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn verify_with(
    memory: &mut Vec<Block>,
    password: &str,
    hash: Option<String>,
) -> Result<bool, AppError> {
    let real = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
    let parsed = PasswordHash::new(&hash).map_err(|e| internal("stored password hash", e))?;
    let params = Params::try_from(&parsed).map_err(|e| internal("stored params", e))?;
    if params.m_cost() > MAX_M_COST {
        return Err(AppError::Internal("stored password hash too costly".into()));
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(AppError::Internal("stored password hash incomplete".into()));
    };
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| internal("stored salt", e))?;
    let params = Params::new(
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        Some(expected.len()),
    )
    .map_err(|e| internal("stored params", e))?;
    let out = compute(memory, &params, password, salt_raw)?;
    let got = Output::new(&out).map_err(|e| internal("hash output", e))?;
    // `Output`'s equality is constant-time.
    Ok(got == expected && real)
}

fn compute(
    memory: &mut Vec<Block>,
    params: &Params,
    password: &str,
    salt: &[u8],
) -> Result<Vec<u8>, AppError> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        if memory.capacity() < blocks {
            // One mapping of its own, handed back to the kernel when freed (see RESERVE_BYTES).
            let reserve = blocks.max(RESERVE_BYTES / std::mem::size_of::<Block>());
            *memory = Vec::with_capacity(reserve);
        }
        memory.resize(blocks, Block::default());
    }
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let mut out = vec![0u8; len];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .map_err(|e| internal("password hashing", e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use argon2::PasswordVerifier;

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let pool = HashPool::new(1, Duration::from_secs(5));
        let hash = pool.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        // The standard verifier agrees, so hashes stay portable.
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        assert!(
            pool.verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !pool
                .verify("wrong horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!pool.verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_made_by_the_standard_hasher_still_verify() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password(b"an older password", &salt)
            .unwrap()
            .to_string();
        let pool = HashPool::new(1, Duration::from_secs(5));
        assert!(
            pool.verify("an older password".into(), Some(old))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn places_are_refused_once_all_are_taken_and_return_when_let_go() {
        let pool = HashPool::new(1, Duration::from_secs(30));
        let held: Vec<_> = (0..3).map(|_| pool.place().unwrap()).collect();
        assert!(matches!(pool.place(), Err(AppError::Busy { .. })));
        drop(held);
        // A request holding a place is never refused for a full queue, hash after hash.
        let place = pool.place().unwrap();
        let hash = place.hash("correct horse battery".into()).await.unwrap();
        assert!(
            place
                .verify("correct horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
        assert_eq!(pool.stats().busy_total, 1);
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_instead_of_growing() {
        let pool = Arc::new(HashPool::new(1, Duration::from_secs(30)));
        let mut running = Vec::new();
        for _ in 0..12 {
            let pool = pool.clone();
            running.push(tokio::spawn(async move {
                pool.verify("x".repeat(12), None).await
            }));
        }
        let mut busy = 0;
        for task in running {
            if let Err(AppError::Busy { retry_after_secs }) = task.await.unwrap() {
                assert!(retry_after_secs > 0);
                busy += 1;
            }
        }
        // One running and two queued at most; the rest are told to come back.
        assert!(busy >= 12 - 3, "{busy} busy");
        // Operators see the same: every refusal counted, nothing left queued or running.
        let stats = pool.stats();
        assert_eq!(stats.busy_total, busy as u64);
        assert_eq!(stats.done_total, 12 - busy as u64);
        assert_eq!((stats.waiting, stats.running, stats.threads), (0, 0, 1));
    }
}
