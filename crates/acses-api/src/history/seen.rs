//! The scanner's memory of what it has seen: a bounded set of 64-bit id hashes, the oldest
//! forgotten first, so a kiosk that runs for years holds at most [`SEEN_CAPACITY`] of them.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// At most this many event id hashes are remembered (8 bytes each, ~4 MiB with the set's overhead).
pub const SEEN_CAPACITY: usize = 262_144;

/// The keys are already hashes: hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// A bounded set of id hashes; the oldest are forgotten first.
#[derive(Default)]
pub(super) struct SeenSet {
    set: HashSet<u64, BuildHasherDefault<IdentityHasher>>,
    /// The hashes, oldest first (what is persisted, and what is forgotten first).
    pub(super) order: VecDeque<u64>,
    /// Some ids have been forgotten.
    pub(super) evicted: bool,
}

impl fmt::Debug for SeenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeenSet")
            .field("len", &self.set.len())
            .field("evicted", &self.evicted)
            .finish()
    }
}

impl SeenSet {
    pub(super) fn contains(&self, h: u64) -> bool {
        self.set.contains(&h)
    }

    /// True when `h` was not in the set.
    pub(super) fn insert(&mut self, h: u64) -> bool {
        if !self.set.insert(h) {
            return false;
        }
        self.order.push_back(h);
        if self.order.len() > SEEN_CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
                self.evicted = true;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_says_whether_the_hash_was_new() {
        let mut s = SeenSet::default();
        assert!(s.insert(7));
        assert!(!s.insert(7));
        assert!(s.contains(7) && !s.contains(8));
        assert_eq!(s.order, [7]);
        assert!(!s.evicted);
    }

    #[test]
    fn a_full_set_forgets_the_oldest_first() {
        let mut s = SeenSet::default();
        for h in 0..SEEN_CAPACITY as u64 + 2 {
            assert!(s.insert(h));
        }
        assert!(s.evicted);
        assert_eq!(s.order.len(), SEEN_CAPACITY);
        assert!(!s.contains(0) && !s.contains(1) && s.contains(2));
        assert!(s.insert(0), "a forgotten hash is new again");
    }
}
