//! Short reads on the calling thread.
//!
//! A point read (a session by its token, a data version) takes a few microseconds in SQLite,
//! less than handing it to a reader thread and waking the caller again. A few read
//! connections are therefore kept here for the caller's own thread: a short read claims a
//! free one without waiting (an atomic flag, never a lock another thread could hold long)
//! and runs on it; when none is free, it goes to the reader threads like any other read.
//! Only reads known to be short come here (`store.read_short`), so an async worker is never
//! held up by a scan. In WAL mode a reader does not wait for the writer.

use rusqlite::Connection;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// One connection and whether a caller holds it.
struct Slot {
    busy: AtomicBool,
    conn: Mutex<Connection>,
}

/// The connections for reads on the calling thread.
pub(crate) struct Inline {
    slots: Vec<Slot>,
}

impl std::fmt::Debug for Inline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inline")
            .field("connections", &self.slots.len())
            .finish()
    }
}

/// A connection claimed by one caller until dropped.
pub(crate) struct Claim<'a> {
    slot: &'a Slot,
}

impl Claim<'_> {
    /// The claimed connection (its mutex is never contended while claimed).
    pub(crate) fn conn(&self) -> &Mutex<Connection> {
        &self.slot.conn
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.slot.busy.store(false, Ordering::Release);
    }
}

impl Inline {
    /// Keeps `connections` for reads on the calling thread.
    pub(crate) fn new(connections: Vec<Connection>) -> Self {
        Self {
            slots: connections
                .into_iter()
                .map(|conn| Slot {
                    busy: AtomicBool::new(false),
                    conn: Mutex::new(conn),
                })
                .collect(),
        }
    }

    /// A free connection, or `None` when every one is in use (never waits).
    pub(crate) fn claim(&self) -> Option<Claim<'_>> {
        self.slots.iter().find_map(|slot| {
            // A claim is made only once the flag is won (`then`, not `then_some`: a claim
            // made and dropped for a lost flag would free another caller's connection).
            slot.busy
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
                .then(|| Claim { slot })
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_claimed_connection_is_not_handed_out_twice_and_comes_back_when_dropped() {
        let inline = Inline::new(vec![Connection::open_in_memory().unwrap()]);
        let first = inline.claim();
        assert!(first.is_some());
        assert!(inline.claim().is_none(), "the only connection is in use");
        assert!(
            inline.claim().is_none(),
            "a refused claim does not free the connection it was refused"
        );
        drop(first);
        assert!(inline.claim().is_some(), "free again");
    }

    #[test]
    fn each_of_several_connections_goes_to_one_caller_at_a_time() {
        let inline = Inline::new(vec![
            Connection::open_in_memory().unwrap(),
            Connection::open_in_memory().unwrap(),
        ]);
        let a = inline.claim().unwrap();
        let b = inline.claim().unwrap();
        assert!(
            !std::ptr::eq(a.conn(), b.conn()),
            "two different connections"
        );
        assert!(inline.claim().is_none());
        assert!(inline.claim().is_none());
        drop(a);
        let c = inline.claim().unwrap();
        assert!(
            !std::ptr::eq(c.conn(), b.conn()),
            "the freed one, not the one still held"
        );
        assert!(inline.claim().is_none());
    }
}
