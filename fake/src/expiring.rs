//! A map of codes (`mfa_token`s, `oob_code`s) that forgets each entry at its time, and the
//! soonest-forgotten ones early when full. An index ordered by that time means an insert
//! looks only at the entries it drops, plus one: O(log n) amortised, never a scan.

use std::collections::{BTreeSet, HashMap};

use crate::clock::Tick;

#[derive(Debug)]
pub(crate) struct ExpiringMap<V> {
    entries: HashMap<String, (Tick, V)>,
    /// `(forget_at, key)` of every entry. Ordered by time rather than kept in insertion
    /// order: concurrent requests read the clock before taking the store's lock, so
    /// entries can arrive slightly out of time order.
    by_time: BTreeSet<(Tick, String)>,
    capacity: usize,
    /// Index entries looked at by inserts, so tests can check that an insert does not scan.
    #[cfg(test)]
    visited: usize,
}

impl<V> ExpiringMap<V> {
    /// An empty map that holds at most `capacity` entries (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        ExpiringMap {
            entries: HashMap::new(),
            by_time: BTreeSet::new(),
            capacity: capacity.max(1),
            #[cfg(test)]
            visited: 0,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key).map(|(_, value)| value)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries.get_mut(key).map(|(_, value)| value)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Forgets every entry whose time has come by `now`, makes room if the map is full,
    /// then adds `key` to be forgotten at `forget_at`.
    pub(crate) fn insert(&mut self, key: String, value: V, forget_at: Tick, now: Tick) {
        if let Some((old_at, _)) = self.entries.remove(&key) {
            self.by_time.remove(&(old_at, key.clone()));
        }
        while let Some((at, _)) = self.by_time.first() {
            #[cfg(test)]
            {
                self.visited += 1;
            }
            if *at > now && self.entries.len() < self.capacity {
                break;
            }
            if let Some((_, forgotten)) = self.by_time.pop_first() {
                self.entries.remove(&forgotten);
            }
        }
        self.by_time.insert((forget_at, key.clone()));
        self.entries.insert(key, (forget_at, value));
    }

    /// How many index entries inserts have looked at since the last call.
    #[cfg(test)]
    pub(crate) fn take_visited(&mut self) -> usize {
        std::mem::take(&mut self.visited)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn secs(s: u64) -> Tick {
        Duration::from_secs(s)
    }

    #[test]
    fn entries_are_forgotten_at_their_time_by_the_next_insert() {
        let mut map = ExpiringMap::new(100);
        map.insert("a".into(), 1, secs(10), secs(0));
        map.insert("b".into(), 2, secs(20), secs(0));
        map.insert("c".into(), 3, secs(30), secs(10));
        assert_eq!((map.get("a"), map.get("b"), map.len()), (None, Some(&2), 2));
        map.insert("d".into(), 4, secs(99), secs(40));
        assert_eq!(map.len(), 1);
        assert_eq!(map.get("d"), Some(&4));
    }

    #[test]
    fn a_full_map_forgets_the_soonest_first_even_out_of_insertion_order() {
        let mut map = ExpiringMap::new(2);
        map.insert("late".into(), (), secs(50), secs(0));
        map.insert("early".into(), (), secs(40), secs(0));
        map.insert("new".into(), (), secs(60), secs(0));
        assert_eq!(map.len(), 2);
        assert!(map.get("early").is_none());
        assert!(map.get("late").is_some() && map.get("new").is_some());
    }

    #[test]
    fn reinserting_a_key_replaces_its_time() {
        let mut map = ExpiringMap::new(10);
        map.insert("k".into(), 1, secs(10), secs(0));
        map.insert("k".into(), 2, secs(100), secs(0));
        map.insert("other".into(), 3, secs(100), secs(50));
        assert_eq!(map.get("k"), Some(&2));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn get_mut_changes_the_value() {
        let mut map = ExpiringMap::new(10);
        map.insert("k".into(), 1, secs(10), secs(0));
        if let Some(value) = map.get_mut("k") {
            *value = 5;
        }
        assert_eq!(map.get("k"), Some(&5));
    }
}
