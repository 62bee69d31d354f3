//! Ends a connect at the call's deadline, so a call that times out before its connection exists
//! is reported as "nothing sent".
//!
//! The call's timer (`exchange::Timed`, or reqwest's own for a call whose body is handed over
//! unread) cannot tell "still connecting" from "waiting for the answer". So the call's deadline
//! travels to the connector, which the transport runs inside the calling task: while that task
//! polls an attempt, the deadline is in a thread-local (as a tokio task-local would put it, for
//! less per poll). A connect still open just before the
//! deadline fails as a connect timeout, which the transport reports as a connect error (nothing
//! written).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

thread_local! {
    /// The deadline of the attempt being polled on this thread, if any.
    static CALL_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// How much earlier than the call's own timer a connect is ended, so the two never fire in the
/// same timer tick (where a timer polled first, as reqwest's is, would win and blur what was
/// sent).
const MARGIN: Duration = Duration::from_millis(5);

/// Runs `attempt` with connects ending before `deadline`.
pub(crate) fn connecting_until<F: Future>(deadline: Instant, attempt: F) -> ConnectingUntil<F> {
    ConnectingUntil { deadline, attempt }
}

pin_project_lite::pin_project! {
    /// `attempt`, each poll of it inside `deadline`'s scope. Written out rather than as an
    /// `async fn`, which would hold `deadline` twice (its argument and its closure's copy) beside
    /// the attempt: this sits in every call's future whose time is short.
    pub(crate) struct ConnectingUntil<F> {
        deadline: Instant,
        #[pin]
        attempt: F,
    }
}

impl<F: Future> Future for ConnectingUntil<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _scope = Scope::enter(*this.deadline);
        this.attempt.poll(cx)
    }
}

/// Sets the deadline for one poll; puts back what was there, also when the poll panics.
struct Scope(Option<Instant>);

impl Scope {
    fn enter(deadline: Instant) -> Self {
        Scope(CALL_DEADLINE.replace(Some(deadline)))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        CALL_DEADLINE.set(self.0);
    }
}

/// The connect deadline for a call that started at `started` and may take `timeout`.
pub(crate) fn connect_deadline(started: Instant, timeout: Duration) -> Instant {
    started + timeout.saturating_sub(MARGIN.min(timeout / 2))
}

/// The layer installed on the transport's connector.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ConnectDeadlineLayer;

impl<S> tower_layer::Layer<S> for ConnectDeadlineLayer {
    type Service = ConnectDeadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ConnectDeadline { inner: Arc::new(inner) }
    }
}

/// A connector whose connects end at the calling task's deadline, if it has one.
///
/// The HTTP client copies its connector several times per request, also when a pooled
/// connection is used and nothing connects; with any connector layer installed, each copy of
/// the connector below this one would be a boxed service and its allocation. So copies share
/// the connector below, and a copy gets one of its own only when it is used: once per connect.
#[derive(Debug)]
pub(crate) struct ConnectDeadline<S> {
    inner: Arc<S>,
}

impl<S> Clone for ConnectDeadline<S> {
    fn clone(&self) -> Self {
        ConnectDeadline { inner: Arc::clone(&self.inner) }
    }
}

impl<S, R> tower_service::Service<R> for ConnectDeadline<S>
where
    S: tower_service::Service<R, Error = BoxError> + Clone,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    // `make_mut` copies the shared connector on first use, so the readiness polled here is that of
    // the connector `call` then uses.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Arc::make_mut(&mut self.inner).poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let deadline = CALL_DEADLINE.get();
        let connect = Arc::make_mut(&mut self.inner).call(request);
        Box::pin(async move {
            match deadline {
                Some(at) => tokio::time::timeout_at(at, connect).await.unwrap_or_else(|_| Err(timed_out())),
                None => connect.await,
            }
        })
    }
}

fn timed_out() -> BoxError {
    Box::new(std::io::Error::new(std::io::ErrorKind::TimedOut, "the call's timeout elapsed while connecting"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_deadline_is_seen_only_while_an_attempt_is_polled() {
        let (outer, inner) =
            (Instant::now() + Duration::from_secs(9), Instant::now() + Duration::from_secs(5));
        assert_eq!(CALL_DEADLINE.get(), None);
        let seen = connecting_until(outer, async {
            let before = CALL_DEADLINE.get();
            // Polled on this thread while the attempt waits for it: outside the attempt's polls.
            let other = tokio::spawn(async { CALL_DEADLINE.get() }).await.unwrap();
            let nested = connecting_until(inner, async { CALL_DEADLINE.get() }).await;
            (before, other, CALL_DEADLINE.get(), nested)
        })
        .await;
        assert_eq!(seen, (Some(outer), None, Some(outer), Some(inner)));
        assert_eq!(CALL_DEADLINE.get(), None);
    }
}
