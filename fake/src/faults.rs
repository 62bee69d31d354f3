//! Scripted faults: answers a real server gives on a bad day (a proxy's 502, a stall, a
//! dropped connection), queued by a test and each spent on exactly one request.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::route::Endpoint;

/// A canned answer for [`Faults::fail_next_with`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl FaultResponse {
    /// An answer with this status and an empty body. A status outside 100–999 is sent as 500.
    pub fn new(status: u16) -> Self {
        FaultResponse { status, headers: Vec::new(), body: Vec::new() }
    }

    /// The body, sent as given. Unless a `Content-Type` header is set, it is
    /// `application/json` when the body parses as JSON and `text/plain; charset=utf-8`
    /// otherwise (none for an empty body).
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a header (e.g. `Retry-After`). Names or values HTTP cannot carry are skipped.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What a queued fault does to the request it is spent on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FaultAction {
    /// Answer this instead of handling the request; no state changes, nothing is delivered.
    Fail(FaultResponse),
    /// Wait this long (real time), then handle the request as usual.
    Delay(Duration),
    /// Close the connection without answering; no state changes.
    Drop,
}

#[derive(Debug)]
struct Fault {
    /// `None`: any request, unknown paths included.
    endpoint: Option<Endpoint>,
    action: FaultAction,
}

/// The fault queue of a [`FakeServer`](crate::FakeServer), from
/// [`FakeServer::faults`](crate::FakeServer::faults).
///
/// Faults are spent in the order queued, one per request: each request takes the oldest
/// fault that matches it (one queued for any endpoint, or for its own).
///
/// ```no_run
/// # async fn demo(server: &dintero_auth_fake::FakeServer) {
/// use dintero_auth_fake::Endpoint;
/// use std::time::Duration;
///
/// server.faults().fail_next(502, "<html>Bad Gateway</html>");
/// server.faults().on(Endpoint::Challenge).delay_next(Duration::from_secs(2));
/// server.faults().on(Endpoint::Token).drop_next_connection();
/// # }
/// ```
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
}

impl Faults {
    /// The next request answers `status` with `body` (see [`FaultResponse::body`] for its
    /// `Content-Type`).
    pub fn fail_next(&self, status: u16, body: impl Into<Vec<u8>>) {
        self.push(None, FaultAction::Fail(FaultResponse::new(status).body(body)));
    }

    /// The next request gets this answer.
    pub fn fail_next_with(&self, response: FaultResponse) {
        self.push(None, FaultAction::Fail(response));
    }

    /// The next request waits `delay` (real time, not the fake clock) before being handled.
    pub fn delay_next(&self, delay: Duration) {
        self.push(None, FaultAction::Delay(delay));
    }

    /// The next request's connection is closed without an answer.
    pub fn drop_next_connection(&self) {
        self.push(None, FaultAction::Drop);
    }

    /// Faults that only requests to `endpoint` spend.
    pub fn on(&self, endpoint: Endpoint) -> EndpointFaults<'_> {
        EndpointFaults { faults: self, endpoint }
    }

    /// How many faults are still queued.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Forgets every queued fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Removes and returns the oldest fault matching a request to `endpoint`.
    pub(crate) fn take(&self, endpoint: Option<Endpoint>) -> Option<FaultAction> {
        let mut queue = self.lock();
        let index = queue.iter().position(|f| f.endpoint.is_none() || f.endpoint == endpoint)?;
        queue.remove(index).map(|f| f.action)
    }

    fn push(&self, endpoint: Option<Endpoint>, action: FaultAction) {
        self.lock().push_back(Fault { endpoint, action });
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        // A panic elsewhere while holding the lock leaves the queue consistent (each change
        // is one push or remove), so a poisoned lock is still usable.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Faults aimed at one endpoint; from [`Faults::on`].
#[derive(Debug, Clone, Copy)]
pub struct EndpointFaults<'a> {
    faults: &'a Faults,
    endpoint: Endpoint,
}

impl EndpointFaults<'_> {
    /// The next request to this endpoint answers `status` with `body`.
    pub fn fail_next(&self, status: u16, body: impl Into<Vec<u8>>) {
        self.faults.push(Some(self.endpoint), FaultAction::Fail(FaultResponse::new(status).body(body)));
    }

    /// The next request to this endpoint gets this answer.
    pub fn fail_next_with(&self, response: FaultResponse) {
        self.faults.push(Some(self.endpoint), FaultAction::Fail(response));
    }

    /// The next request to this endpoint waits `delay` before being handled.
    pub fn delay_next(&self, delay: Duration) {
        self.faults.push(Some(self.endpoint), FaultAction::Delay(delay));
    }

    /// The next request to this endpoint has its connection closed without an answer.
    pub fn drop_next_connection(&self) {
        self.faults.push(Some(self.endpoint), FaultAction::Drop);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_spent_once_in_order_and_by_endpoint() {
        let faults = Faults::default();
        faults.on(Endpoint::Challenge).fail_next(503, "");
        faults.delay_next(Duration::from_millis(5));
        assert_eq!(faults.pending(), 2);
        // A token request skips the challenge-only fault and spends the any-endpoint one.
        assert_eq!(faults.take(Some(Endpoint::Token)), Some(FaultAction::Delay(Duration::from_millis(5))));
        assert_eq!(faults.take(Some(Endpoint::Token)), None);
        assert_eq!(faults.take(None), None);
        assert_eq!(faults.take(Some(Endpoint::Challenge)), Some(FaultAction::Fail(FaultResponse::new(503))));
        assert_eq!(faults.take(Some(Endpoint::Challenge)), None);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn clear_forgets() {
        let faults = Faults::default();
        faults.drop_next_connection();
        faults.clear();
        assert_eq!(faults.take(None), None);
    }
}
