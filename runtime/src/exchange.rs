//! One logical call on the wire: the provider's token on each attempt, re-sending what the
//! [`RetryPolicy`] and the operation allow, and one refresh after a 401. Below middleware, above
//! the transport (`transport.rs`, which retries failed connects on its own).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::StatusCode;
use tokio::time::Instant;

use crate::error::Error;
use crate::header_value::authorization_value;
use crate::middleware::Response;
use crate::operation::Operation;
use crate::response::{read_response, ReadResponse};
use crate::retry::{is_retryable_status, RetryPolicy};
use crate::retry_after::parse_retry_after;
use crate::secret::Secret;
use crate::shared::Shared;
use crate::transport::{
    first_attempt, send_with_connect_retries, AfterAttempt, BoxedAttempt, ConnectRetries, RequestParts,
    Started,
};
use crate::wire::Wire;
use crate::ErrorKind;

/// How one call may be re-sent.
#[derive(Clone, Copy)]
pub(crate) struct Plan<'a> {
    /// The call carries an idempotency key, which makes it as safe to re-send as an idempotent
    /// operation.
    pub(crate) keyed: bool,
    pub(crate) policy: &'a RetryPolicy,
    /// The endpoint returns a `ByteStream`: a 2xx body is left unread.
    pub(crate) stream_response: bool,
}

/// Sends `parts` for `operation`: the request is handed to the transport now, so this is called
/// from within a future being polled (reqwest arms its timer when it takes a request), inside
/// the call's span.
#[inline]
pub(crate) fn exchange<'a>(
    shared: &'a Shared,
    operation: &'static Operation,
    parts: RequestParts,
    plan: Plan<'a>,
) -> Exchange<'a, impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a> {
    let retryable = operation.idempotent || plan.keyed;
    if shared.token_provider.is_some() || (retryable && plan.policy.attempts > 1 && parts.replayable()) {
        return Exchange::Boxed { future: boxed_retries(shared, operation, parts, retryable, plan.policy) };
    }
    // One attempt and a fixed token: nothing to copy for a second one. This is `attempt`, written
    // out as states.
    let reading = (shared.max_response_bytes, parts.stream_response.then_some(shared.chunk_timeout));
    let (started, rest) = first_attempt(shared, operation, parts);
    let rest = Some(rest);
    match started {
        Started::Reqwest { pending, timeout } => Exchange::Sending { pending, timeout, rest, reading },
        Started::Boxed(attempt) => Exchange::Attempting { attempt, rest, reading },
    }
}

pin_project_lite::pin_project! {
    /// One call's exchange without retries or a token provider (anything else is `Boxed`):
    /// written out as states rather than an `async` block, which would keep what it captured
    /// beside every future it awaits. Only the state in use takes room, and the step from
    /// sending to reading moves nothing but the answer.
    #[project = State]
    pub(crate) enum Exchange<'a, P> {
        /// reqwest has the request.
        Sending {
            #[pin]
            pending: P,
            timeout: Duration,
            rest: Option<ConnectRetries<'a>>,
            // How the answer will be read: the size cap and, for a streamed 2xx, the chunk timeout.
            reading: (usize, Option<Duration>),
        },
        /// A boxed attempt (the hyper transport's) is in flight.
        Attempting {
            attempt: BoxedAttempt<'a>,
            rest: Option<ConnectRetries<'a>>,
            reading: (usize, Option<Duration>),
        },
        /// The answer's body is being read.
        Reading { read: ReadResponse },
        /// Retries, a token provider, or the connects after a failed one.
        Boxed { future: BoxedResponse<'a> },
        /// The call failed before anything was handed to the transport (an invalid argument).
        Failed { error: Option<Error> },
        Done,
    }
}

impl<P: Future<Output = reqwest::Result<reqwest::Response>>> Future for Exchange<'_, P> {
    type Output = Result<Response, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let (next, (limit, stream)) = match self.as_mut().project() {
                State::Sending { pending, timeout, rest, reading } => {
                    let (timeout, (limit, stream)) = (*timeout, *reading);
                    match std::task::ready!(pending.poll(cx)) {
                        // The common case, straight to reading: the answer is moved once.
                        Ok(response) => {
                            let answer = Wire::Reqwest { response, timeout };
                            self.set(Exchange::Reading { read: read_response(answer, limit, stream) });
                            continue;
                        }
                        Err(error) => (taken(rest).after_reqwest(Err(error), timeout), *reading),
                    }
                }
                State::Attempting { attempt, rest, reading } => {
                    let outcome = std::task::ready!(attempt.as_mut().poll(cx));
                    (taken(rest).after(outcome), *reading)
                }
                State::Reading { read } => {
                    let response = std::task::ready!(Pin::new(read).poll(cx));
                    self.set(Exchange::Done);
                    return Poll::Ready(response);
                }
                State::Boxed { future } => {
                    let response = std::task::ready!(future.as_mut().poll(cx));
                    self.set(Exchange::Done);
                    return Poll::Ready(response);
                }
                State::Failed { error } => {
                    let error = error.take().expect("an exchange is not polled after it is done");
                    self.set(Exchange::Done);
                    return Poll::Ready(Err(error));
                }
                State::Done => panic!("an exchange is not polled after it is done"),
            };
            match next {
                AfterAttempt::Answer(answer) => {
                    self.set(Exchange::Reading { read: read_response(answer, limit, stream) })
                }
                AfterAttempt::Failed(error) => {
                    self.set(Exchange::Done);
                    return Poll::Ready(Err(error));
                }
                AfterAttempt::Retrying(retrying) => {
                    self.set(Exchange::Boxed { future: read_after(retrying, limit, stream) })
                }
            }
        }
    }
}

/// What follows an attempt is decided once: its state leaves the exchange then.
fn taken<'a>(rest: &mut Option<ConnectRetries<'a>>) -> ConnectRetries<'a> {
    rest.take().expect("an attempt's outcome is taken once")
}

pub(crate) type BoxedResponse<'a> = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send + 'a>>;

// The boxed futures below are built out of line: a future is built on the stack before it is
// boxed, and inlined it would take room in the caller's frame on every call, also on those that
// never take this path.

/// The exchange with retries or a token provider, boxed: the loop's state would otherwise
/// enlarge every call's future, retried or not.
#[inline(never)]
fn boxed_retries<'a>(
    shared: &'a Shared,
    operation: &'static Operation,
    parts: RequestParts,
    retryable: bool,
    policy: &'a RetryPolicy,
) -> BoxedResponse<'a> {
    Box::pin(with_retries(shared, operation, parts, retryable, policy))
}

/// The connects after a failed one, then reading their answer.
#[inline(never)]
fn read_after<'a>(
    retrying: Pin<Box<dyn Future<Output = Result<Wire, Error>> + Send + 'a>>,
    limit: usize,
    stream: Option<Duration>,
) -> BoxedResponse<'a> {
    Box::pin(async move { read_response(retrying.await?, limit, stream).await })
}

async fn with_retries(
    shared: &Shared,
    operation: &'static Operation,
    parts: RequestParts,
    retryable: bool,
    policy: &RetryPolicy,
) -> Result<Response, Error> {
    let provider = shared.token_provider.as_deref();
    let deadline = Instant::now() + policy.budget;
    let mut pauses = policy.pauses();
    let mut refreshed = false;
    let mut resends = 0u32;
    let mut parts = parts;
    loop {
        let token = match provider {
            Some(provider) => {
                let token = provider.token().await?;
                parts.auth = Some(bearer(shared, &token)?);
                Some(token)
            }
            None => None,
        };
        let outcome = match parts.try_clone() {
            Some(copy) => attempt(shared, operation, copy).await,
            // A streamed body is sent once: no re-send, not even after a 401.
            None => return attempt(shared, operation, parts).await,
        };

        if let (Ok(response), Some(provider), Some(token)) = (&outcome, provider, &token) {
            if response.status == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                provider.refresh(token).await?;
                resends += 1;
                record_resends(resends);
                continue;
            }
        }
        let Some(asked_wait) = retry_wait(&outcome, retryable) else { return outcome };
        let Some(pause) = pauses.next() else { return outcome };
        let wait = asked_wait.unwrap_or(pause);
        if Instant::now() + wait >= deadline {
            return outcome;
        }
        tracing::debug!(
            api = operation.api,
            method = operation.method,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        tokio::time::sleep(wait).await;
        resends += 1;
        record_resends(resends);
    }
}

async fn attempt(
    shared: &Shared,
    operation: &'static Operation,
    parts: RequestParts,
) -> Result<Response, Error> {
    let stream = parts.stream_response.then_some(shared.chunk_timeout);
    let response = send_with_connect_retries(shared, operation, parts).await?;
    read_response(response, shared.max_response_bytes, stream).await
}

/// `Some(wait)` when `outcome` may be re-sent: the server's `Retry-After`, or `None` for the
/// policy's backoff. Connect failures are not here: the transport retried them already.
fn retry_wait(outcome: &Result<Response, Error>, retryable: bool) -> Option<Option<Duration>> {
    if !retryable {
        return None;
    }
    match outcome {
        Ok(response) if is_retryable_status(response.status) => {
            Some(parse_retry_after(&response.headers, std::time::SystemTime::now()))
        }
        Err(error)
            if error.may_have_been_delivered()
                && matches!(error.kind(), ErrorKind::Transport | ErrorKind::Timeout) =>
        {
            Some(None)
        }
        _ => None,
    }
}

fn bearer(shared: &Shared, token: &Secret) -> Result<http::HeaderValue, Error> {
    authorization_value(&shared.auth_prefix, token)
        .map_err(|reason| Error::credentials_failed(format!("the token provider's token: {reason}"), None))
}

fn record_resends(resends: u32) {
    tracing::Span::current().record("http.request.resend_count", resends);
}
