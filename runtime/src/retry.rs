//! [`RetryPolicy`]: when a call is sent again, how often, and how long it may take in all.
//!
//! What may be re-sent follows the operation and what the transport saw:
//!
//! | outcome of an attempt | re-sent? |
//! |---|---|
//! | connect failed, nothing written | yes, any method (the transport's connect retries) |
//! | pooled connection found closed before writing | yes, any method (below this layer, by hyper) |
//! | HTTP/2 `REFUSED_STREAM`, or `GOAWAY` with `NO_ERROR` (the server did not process it) | yes, any method, as a failed connect is |
//! | written, then reset, EOF or timeout | only an idempotent operation or one with an idempotency key |
//! | 429, 502, 503, 504 | only idempotent or keyed; after `Retry-After` if it fits the budget, else the error is returned with `retry_after()` |
//! | 401 with a token from a [`TokenProvider`](crate::TokenProvider) | once, after a refresh: the server rejected it unprocessed |
//! | anything else | no |

use std::time::Duration;

use backon::BackoffBuilder;
use http::StatusCode;

/// How often, and for how long, a retryable call is tried. Set on the builder
/// ([`ClientBuilder::retry`](crate::ClientBuilder::retry)) and per call
/// ([`CallOptions::retry`](crate::CallOptions::retry)).
///
/// ```
/// use std::time::Duration;
/// use http_api_client::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .attempts(5)
///     .backoff(Duration::from_millis(50), Duration::from_secs(1))
///     .budget(Duration::from_secs(20));
/// # let _ = policy;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    pub(crate) attempts: u32,
    pub(crate) min_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) budget: Duration,
}

/// The most attempts a policy allows.
pub const MAX_ATTEMPTS: u32 = 10;

impl Default for RetryPolicy {
    /// 3 attempts, exponential backoff from 100 ms to 2 s with jitter, 30 s for everything.
    fn default() -> Self {
        Self {
            attempts: 3,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            budget: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt: never re-send.
    pub fn none() -> Self {
        Self { attempts: 1, ..Self::default() }
    }

    /// Attempts in all, the first included (1 to [`MAX_ATTEMPTS`]; out-of-range values are
    /// clamped).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.clamp(1, MAX_ATTEMPTS);
        self
    }

    /// The pause before the first retry and the most any pause may grow to; each doubles the one
    /// before, with random jitter.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min.min(Duration::from_secs(3600));
        self.max_delay = max.max(self.min_delay).min(Duration::from_secs(3600));
        self
    }

    /// The most time the attempts and pauses may take together; a `Retry-After` that does not
    /// fit is not waited for, and the error is returned with it.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget.min(Duration::from_secs(24 * 3600));
        self
    }

    /// The jittered pauses between attempts, from a maintained backoff implementation.
    pub(crate) fn pauses(&self) -> impl Iterator<Item = Duration> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build()
    }
}

/// Statuses after which a retryable request may be sent again: the server says it is
/// overloaded or a gateway failed, so the request most likely was not processed.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_within_bounds_and_stop_after_the_attempts() {
        let policy =
            RetryPolicy::default().attempts(4).backoff(Duration::from_millis(10), Duration::from_millis(40));
        let pauses: Vec<Duration> = policy.pauses().collect();
        assert_eq!(pauses.len(), 3);
        for pause in pauses {
            assert!(pause >= Duration::from_millis(10) && pause <= Duration::from_millis(80), "{pause:?}");
        }
        assert_eq!(RetryPolicy::none().pauses().count(), 0);
        assert_eq!(RetryPolicy::default().attempts(u32::MAX).attempts, MAX_ATTEMPTS);
    }
}
