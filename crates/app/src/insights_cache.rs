//! Computed insights, kept in memory until the person's data changes.
//!
//! A result is stored under (database epoch, person, what, range, data version). Every write
//! that can change a person's insights bumps their version in its own transaction (the
//! repositories do it), and a read takes the version in the same read as the data it computes
//! from, so an entry can only ever be found by a read that would have computed the same
//! thing: a stale entry is impossible by construction. The person's id is part of every key,
//! so two people never share an entry. The map is bounded by entries and by an estimate of
//! the bytes held; the oldest entries go first.

use crate::InsightsRange;
use chrono::NaiveDate;
use enough_domain::PersonId;
use enough_domain::activities::ActivityInsights;
use enough_store::DataVersion;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// At most this many results are kept.
const MAX_ENTRIES: usize = 4096;
/// At most about this many bytes of results are kept (64 MiB).
const MAX_BYTES: usize = 64 << 20;
/// What an entry costs besides its days, roughly (findings, sentences, the key).
const ENTRY_OVERHEAD: usize = 4096;

/// Which computed view an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum What {
    /// The Light & Mood insights ([`InsightsRange`]).
    LightMood,
    /// The small-steps activity insights.
    SmallSteps,
    /// Progress across the toolkit (every date: the range is the whole history).
    Progress,
    /// What the insights page shows besides the insights (experiments, location,
    /// reflections), for one day (the range is that day).
    Extras,
    /// The day list as the API sends it (rendered bytes; an open range uses the fixed
    /// bounds 0001-01-01 and 9999-12-31).
    DayList,
}

/// Everything a computed result depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// The database's epoch and the person's data version, read with the data.
    pub(crate) version: DataVersion,
    /// Whose data.
    pub(crate) user_id: PersonId,
    /// Which view.
    pub(crate) what: What,
    /// First date, inclusive.
    pub(crate) from: NaiveDate,
    /// Last date, inclusive.
    pub(crate) to: NaiveDate,
}

/// A computed result.
#[derive(Debug, Clone)]
pub(crate) enum Cached {
    /// Light & Mood insights with their days.
    LightMood(Arc<InsightsRange>),
    /// Small-steps insights.
    SmallSteps(Arc<ActivityInsights>),
    /// Toolkit progress.
    Progress(Arc<crate::ToolkitProgress>),
    /// The insights page's experiments, location and reflections.
    Extras(Arc<crate::InsightsExtras>),
    /// A rendered response body (the day list).
    Body(Arc<crate::RenderedBody>),
}

impl Cached {
    /// A rough size in bytes, for the budget.
    fn weight(&self) -> usize {
        ENTRY_OVERHEAD
            + match self {
                // The days, and the pictures drawn from them once (about 150 bytes a day).
                Cached::LightMood(r) => {
                    r.days.len() * (std::mem::size_of::<enough_domain::day::DayEntry>() * 2 + 150)
                }
                // The bytes, and a compressed copy made from them once (under a half).
                Cached::Body(body) => body.bytes.len() * 3 / 2,
                Cached::SmallSteps(_) => 0,
                // Reflections' words, and a few KB for each experiment's analysis.
                Cached::Extras(e) => {
                    e.reflections
                        .iter()
                        .map(|r| r.text.len() + 64)
                        .sum::<usize>()
                        + e.experiments.len() * 4096
                }
                // Ladders and a values check are kept whole; a few KB each at most.
                Cached::Progress(p) => (p.ladders.len() + 1) * 4096,
            }
    }
}

/// How the cache has been used since the server started, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsightsCacheStats {
    /// Reads answered from the cache.
    pub hits: u64,
    /// Reads that computed their result.
    pub misses: u64,
    /// Results held now.
    pub entries: usize,
    /// Estimated bytes held now.
    pub bytes: usize,
}

#[derive(Default)]
struct Inner {
    map: HashMap<Key, (Cached, usize)>,
    /// Keys oldest first (a key may appear once more after it was replaced; skipped then).
    order: VecDeque<Key>,
    bytes: usize,
}

/// The bounded cache, shared by every clone of the application.
#[derive(Default)]
pub(crate) struct InsightsCache {
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl InsightsCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent even if a holder panicked (no code panics while holding it).
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The result stored under `key`, counting a hit or a miss.
    pub(crate) fn get(&self, key: &Key) -> Option<Cached> {
        let found = self.lock().map.get(key).map(|(c, _)| c.clone());
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Stores `value` under `key`, dropping the oldest entries beyond the bounds.
    pub(crate) fn put(&self, key: Key, value: Cached) {
        let weight = value.weight();
        if weight > MAX_BYTES {
            return;
        }
        let mut inner = self.lock();
        if let Some((_, old)) = inner.map.insert(key.clone(), (value, weight)) {
            inner.bytes -= old;
        } else {
            inner.order.push_back(key);
        }
        inner.bytes += weight;
        while inner.map.len() > MAX_ENTRIES || inner.bytes > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = inner.map.remove(&oldest) {
                inner.bytes -= w;
            }
        }
    }

    /// Hits, misses and size, for operators.
    pub(crate) fn stats(&self) -> InsightsCacheStats {
        let inner = self.lock();
        InsightsCacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: inner.map.len(),
            bytes: inner.bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use enough_domain::activities::activity_insights;

    fn key(user_id: PersonId, version: i64) -> Key {
        Key {
            version: DataVersion {
                epoch: "e".to_owned(),
                version,
            },
            user_id,
            what: What::SmallSteps,
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
        }
    }

    fn value() -> Cached {
        Cached::SmallSteps(Arc::new(activity_insights(&[], &[])))
    }

    #[test]
    fn entries_are_found_only_under_their_own_key_and_counted() {
        let cache = InsightsCache::default();
        cache.put(key(PersonId(1), 3), value());
        assert!(cache.get(&key(PersonId(1), 3)).is_some());
        assert!(cache.get(&key(PersonId(2), 3)).is_none(), "another person");
        assert!(cache.get(&key(PersonId(1), 4)).is_none(), "a newer version");
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (1, 2, 1));
    }

    #[test]
    fn the_oldest_entries_go_beyond_the_bound() {
        let cache = InsightsCache::default();
        let extra = 10_i64;
        let max = i64::try_from(MAX_ENTRIES).unwrap();
        for v in 0..max + extra {
            cache.put(key(PersonId(1), v), value());
        }
        assert_eq!(cache.stats().entries, MAX_ENTRIES);
        assert!(cache.get(&key(PersonId(1), 0)).is_none());
        assert!(cache.get(&key(PersonId(1), max + extra - 1)).is_some());
    }
}
