//! Ends a connect at the call's deadline, so a call that times out before its connection exists
//! is reported as "nothing sent".
//!
//! The transport's whole-call timer cannot tell "still connecting" from "waiting for the
//! answer". So the call's deadline travels in a task-local to the connector, which the
//! transport runs inside the calling task: a connect still open just before the deadline fails
//! as a connect timeout, which the transport reports as a connect error (nothing written).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

tokio::task_local! {
    static CALL_DEADLINE: Instant;
}

/// How much earlier than the call's own timer a connect is ended, so the two never fire in the
/// same timer tick (where the whole-call timer would win and blur what was sent).
const MARGIN: Duration = Duration::from_millis(5);

/// Runs `attempt` with connects ending before `deadline`.
pub(crate) async fn connecting_until<F: Future>(deadline: Instant, attempt: F) -> F::Output {
    CALL_DEADLINE.scope(deadline, attempt).await
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
        ConnectDeadline { inner }
    }
}

/// A connector whose connects end at the calling task's deadline, if it has one.
#[derive(Clone, Debug)]
pub(crate) struct ConnectDeadline<S> {
    inner: S,
}

impl<S, R> tower_service::Service<R> for ConnectDeadline<S>
where
    S: tower_service::Service<R, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let deadline = CALL_DEADLINE.try_with(|deadline| *deadline).ok();
        let connect = self.inner.call(request);
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
