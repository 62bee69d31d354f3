//! Random-looking tokens and codes without a random-number dependency: a counter (so two
//! values never collide) mixed with the time through std's per-process randomly keyed hasher
//! (so values differ between runs and cannot be guessed from the counter).

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

#[derive(Debug)]
pub(crate) struct Ids {
    counter: AtomicU64,
    keys: RandomState,
}

impl Ids {
    pub(crate) fn new() -> Self {
        Ids { counter: AtomicU64::new(0), keys: RandomState::new() }
    }

    fn next(&self) -> u64 {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let nanos =
            SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        self.keys.hash_one((n, nanos))
    }

    /// `prefix` followed by 32 hex digits.
    pub(crate) fn token(&self, prefix: &str) -> String {
        format!("{prefix}{:016x}{:016x}", self.next(), self.next())
    }

    /// Six decimal digits, leading zeros kept, as binding codes are typed by people.
    pub(crate) fn binding_code(&self) -> String {
        format!("{:06}", self.next() % 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_codes_six_digits() {
        let ids = Ids::new();
        let tokens: std::collections::HashSet<_> = (0..1000).map(|_| ids.token("mfa_")).collect();
        assert_eq!(tokens.len(), 1000);
        assert!(tokens.iter().all(|t| t.len() == 36 && t.starts_with("mfa_")));
        for _ in 0..100 {
            let code = ids.binding_code();
            assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }
}
