//! Time source of the fake: the real wall clock or a manual clock that tests move by hand.
//! Owns "now" for token expiry, code lifetimes, future-`DateTime` checks, quota windows and
//! upload-status progression. Does not own the speed-up factor (that is `FakeConfig::time_scale`).

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

/// Where the fake reads "now" from.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// The machine's wall clock.
    #[default]
    Real,
    /// A clock that only moves when a test calls [`ManualClock::advance`] or [`ManualClock::set`].
    Manual(Arc<ManualClock>),
}

impl Clock {
    /// A manual clock starting at `start`, plus the handle to move it.
    pub fn manual(start: Timestamp) -> (Clock, Arc<ManualClock>) {
        let handle = Arc::new(ManualClock::new(start));
        (Clock::Manual(handle.clone()), handle)
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::Real => Timestamp::now(),
            Clock::Manual(m) => m.now(),
        }
    }
}

/// A clock frozen at a chosen instant until moved.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    pub fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set(&self, t: Timestamp) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }

    /// Moves the clock forward (or back, for a negative duration).
    pub fn advance(&self, by: std::time::Duration) {
        self.advance_signed(SignedDuration::try_from(by).unwrap_or(SignedDuration::MAX));
    }

    pub fn advance_signed(&self, by: SignedDuration) {
        let mut g = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *g = g.saturating_add(by).unwrap_or(*g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start: Timestamp = "2026-11-22T07:00:00Z".parse().unwrap();
        let (clock, handle) = Clock::manual(start);
        assert_eq!(clock.now(), start);
        handle.advance(std::time::Duration::from_secs(90));
        assert_eq!(clock.now().as_second(), start.as_second() + 90);
    }
}
