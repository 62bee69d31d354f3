//! The fake's own clock: real time plus an offset tests can advance, so expiry and rate
//! limits can be tested without sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A point on the fake's clock: time since the server started, offset included. Monotonic,
/// so a wall-clock jump on the machine cannot expire or revive a token.
pub(crate) type Tick = Duration;

#[derive(Debug)]
pub(crate) struct Clock {
    started: Instant,
    started_wall: SystemTime,
    offset: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Clock { started: Instant::now(), started_wall: SystemTime::now(), offset: Mutex::new(Duration::ZERO) }
    }

    pub(crate) fn now(&self) -> Tick {
        self.started.elapsed().saturating_add(self.offset())
    }

    /// The wall-clock time of a tick (for `Delivered::at` and the `Date` header).
    pub(crate) fn wall(&self, tick: Tick) -> SystemTime {
        self.started_wall.checked_add(tick).unwrap_or(self.started_wall)
    }

    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *offset = offset.saturating_add(by);
    }

    fn offset(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_and_wall() {
        let clock = Clock::new();
        let before = clock.now();
        clock.advance(Duration::from_secs(600));
        let after = clock.now();
        assert!(after >= before + Duration::from_secs(600));
        assert!(clock.wall(after) >= clock.wall(before) + Duration::from_secs(600));
    }
}
