//! Bounded password hashing: a few dedicated threads, each with its own argon2 memory reused
//! for every hash, and a short queue. When the queue is full (or a job waited too long) the
//! caller is told to come back later instead of the server growing without bound.
//!
//! Why: argon2id at the OWASP parameters needs 19 MiB per hash. Unbounded, 150 concurrent
//! sign-ups took the server to 3.8 GB, and glibc kept the freed blocks in per-thread arenas.
//! Here memory is at most `threads × 19 MiB`, allocated once per thread.

use crate::AppError;
use argon2::password_hash::{Output, PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Seconds a client is asked to wait when hashing is saturated.
pub const BUSY_RETRY_AFTER_SECS: i64 = 5;
/// Largest argon2 memory cost accepted from a stored hash (KiB), so a tampered row cannot make
/// a worker allocate without bound.
const MAX_M_COST: u32 = 64 * 1024;

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

/// The hashing threads and their queue. Dropping it ends the threads.
pub(crate) struct HashPool {
    queue: SyncSender<Job>,
    threads: usize,
    counters: Arc<Counters>,
}

/// What the pool is doing, for operators' metrics.
#[derive(Debug, Default)]
struct Counters {
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

impl HashPool {
    /// `threads` workers (0: one fewer than the cores, at least one), a queue of twice as many
    /// jobs, and jobs that waited longer than `max_wait` answered "busy".
    pub(crate) fn new(threads: usize, max_wait: Duration) -> Self {
        let threads = if threads == 0 {
            default_threads()
        } else {
            threads
        };
        let (queue, jobs) = std::sync::mpsc::sync_channel::<Job>(threads * 2);
        let jobs = Arc::new(Mutex::new(jobs));
        let counters = Arc::new(Counters::default());
        for i in 0..threads {
            let jobs = jobs.clone();
            let counters = counters.clone();
            // A thread that cannot start leaves the others to do the work.
            let _ = std::thread::Builder::new()
                .name(format!("enough-hash-{i}"))
                .spawn(move || worker(&jobs, &counters, max_wait));
        }
        Self {
            queue,
            threads,
            counters,
        }
    }

    /// How many hashes can run at once.
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// What the pool is doing now.
    pub(crate) fn stats(&self) -> HashingStats {
        let c = &self.counters;
        HashingStats {
            threads: self.threads,
            waiting: c.waiting.load(Ordering::Relaxed),
            running: c.running.load(Ordering::Relaxed),
            busy_total: c.busy.load(Ordering::Relaxed),
            done_total: c.done.load(Ordering::Relaxed),
        }
    }

    async fn run(&self, work: Work) -> Result<Done, AppError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            work,
            queued_at: Instant::now(),
            reply,
        };
        // Counted before sending, so a worker that picks the job up at once never sees zero.
        self.counters.waiting.fetch_add(1, Ordering::Relaxed);
        match self.queue.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.counters.waiting.fetch_sub(1, Ordering::Relaxed);
                self.counters.busy.fetch_add(1, Ordering::Relaxed);
                return Err(busy());
            }
            Err(TrySendError::Disconnected(_)) => {
                self.counters.waiting.fetch_sub(1, Ordering::Relaxed);
                return Err(AppError::Internal("password hashing stopped".into()));
            }
        }
        answer
            .await
            .map_err(|_| AppError::Internal("password hashing stopped".into()))?
    }

    /// Hashes a new password (argon2id, OWASP parameters: 19 MiB, 2 passes).
    pub(crate) async fn hash(&self, password: String) -> Result<String, AppError> {
        match self.run(Work::Hash(password)).await? {
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
        match self.run(Work::Verify(password, hash)).await? {
            Done::Verified(ok) => Ok(ok),
            Done::Hashed(_) => Err(AppError::Internal("unexpected hashing answer".into())),
        }
    }
}

fn busy() -> AppError {
    AppError::Busy {
        retry_after_secs: BUSY_RETRY_AFTER_SECS,
    }
}

/// One fewer than the cores, at least one, so that reads keep a core.
pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .saturating_sub(1)
        .max(1)
}

fn worker(jobs: &Mutex<Receiver<Job>>, counters: &Counters, max_wait: Duration) {
    // This thread's argon2 memory, allocated once and reused for every hash.
    let mut memory = vec![Block::default(); Params::DEFAULT_M_COST as usize];
    loop {
        let job = {
            let Ok(jobs) = jobs.lock() else { return };
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
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
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let mut out = vec![0u8; len];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut memory[..params.block_count()],
        )
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
