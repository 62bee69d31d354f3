//! One logical call on the wire, within its span: the provider's token on each attempt,
//! re-sending what the [`RetryPolicy`] and the operation allow, and one refresh after a 401; the
//! outcome recorded on the span. Below middleware, above the transport (`transport.rs`, which
//! retries failed connects on its own).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::StatusCode;
use tokio::time::{Instant, Sleep};

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
    start, timed_above_transport, what_may_follow, AfterAttempt, ConnectRetries, RequestParts, Started,
    StartedProjection,
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

/// Sends `parts` for `operation` and returns the exchange's first state: the request is handed
/// to the transport now, so this is called from within a future being polled (the call's timer
/// is the runtime's), inside the call's span.
///
/// Inlined into its callers: as a call of its own it copied the request's parts (352 bytes)
/// into its frame twice on every call.
#[inline(always)]
pub(crate) fn begin<'a>(
    shared: &'a Shared,
    operation: &'static Operation,
    parts: RequestParts,
    plan: Plan<'a>,
) -> Timed<'a, impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a> {
    let retryable = operation.idempotent || plan.keyed;
    if shared.token_provider.is_some() || (retryable && plan.policy.attempts > 1 && parts.replayable()) {
        let future = boxed_retries(shared, operation, parts, retryable, plan.policy);
        return Timed::untimed(State::Boxed { future });
    }
    one_attempt(shared, operation, parts)
}

/// One attempt and its answer read, with a fixed token: nothing to copy for a second one. The
/// attempt is built where the state keeps it: taken apart and put together again, reqwest's
/// request future would be copied field by field on every call.
#[inline(always)]
fn one_attempt<'a>(
    shared: &'a Shared,
    operation: &'static Operation,
    parts: RequestParts,
) -> Timed<'a, impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a> {
    let reading = (shared.max_response_bytes, parts.stream_response.then_some(shared.chunk_timeout));
    let rest = what_may_follow(shared, operation, &parts);
    let timer = if timed_above_transport(shared, &parts) {
        Timer::Unarmed { deadline: rest.deadline, timeout: parts.timeout }
    } else {
        Timer::Off
    };
    let connect_by = rest.connect_by;
    let state = State::Sending { attempt: start(shared, parts, connect_by), rest: Some(rest), reading };
    Timed { state, timer }
}

pin_project_lite::pin_project! {
    /// An exchange and the timer of the call's timeout, when it is kept here rather than by the
    /// transport (see [`timed_above_transport`]). The timer is part of the exchange's own future,
    /// so the common call arms no boxed timer, and the attempt and the reading of its answer
    /// share one.
    pub(crate) struct Timed<'a, P> {
        #[pin]
        state: State<'a, P>,
        #[pin]
        timer: Timer,
    }
}

pin_project_lite::pin_project! {
    /// The call's timer, armed when the exchange first waits: an exchange done at once needs
    /// none, and its `Sleep` is built where it stays rather than moved along with the exchange.
    #[project = TimerProjection]
    enum Timer {
        /// What the exchange runs keeps the call's time.
        Off,
        Unarmed { deadline: Instant, timeout: Duration },
        Armed { #[pin] sleep: Sleep, timeout: Duration },
    }
}

impl<'a, P> Timed<'a, P> {
    /// A state whose time is kept by what it runs (the boxed exchanges), or that is done at once.
    pub(crate) fn untimed(state: State<'a, P>) -> Self {
        Timed { state, timer: Timer::Off }
    }
}

impl<P: Future<Output = reqwest::Result<reqwest::Response>>> Future for Timed<'_, P> {
    type Output = Result<Response, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(outcome) = this.state.as_mut().poll_state(cx) {
            return Poll::Ready(outcome);
        }
        if let TimerProjection::Unarmed { deadline, timeout } = this.timer.as_mut().project() {
            let (sleep, timeout) = (tokio::time::sleep_until(*deadline), *timeout);
            this.timer.set(Timer::Armed { sleep, timeout });
        }
        let TimerProjection::Armed { sleep, timeout } = this.timer.project() else { return Poll::Pending };
        std::task::ready!(sleep.poll(cx));
        let error = timed_out(*timeout, this.state.status());
        this.state.set(State::Done);
        Poll::Ready(Err(error))
    }
}

/// The call's time ran out with the request out (a connect still open ends before this, at its
/// own deadline): it may have been delivered. `status` is the answer's, when its body was being
/// read.
#[cold]
#[inline(never)]
fn timed_out(timeout: Duration, status: Option<StatusCode>) -> Error {
    let cause = std::io::Error::new(std::io::ErrorKind::TimedOut, "the call's timeout elapsed");
    let error = Error::timeout(timeout, true).with_source(Box::new(cause));
    match status {
        Some(status) => error.at_status(status),
        None => error,
    }
}

pin_project_lite::pin_project! {
    /// One call's exchange, polled and dropped within the call's span (so what the transport logs
    /// while a cancelled call is dropped has the call as its parent). Its outcome, once in, is
    /// recorded on the span and turned into the call's result: a non-2xx answer is an error.
    #[project = ExchangeProjection]
    pub(crate) struct Exchange<'a, P> {
        #[pin]
        pub(crate) timed: Timed<'a, P>,
        pub(crate) span: tracing::Span,
        // When the call was sent, if its debug events were enabled then.
        pub(crate) started: Option<std::time::Instant>,
        pub(crate) operation: &'static Operation,
    }
    impl<'a, P> PinnedDrop for Exchange<'a, P> {
        fn drop(this: Pin<&mut Self>) {
            let ExchangeProjection { timed, span, .. } = this.project();
            let _entered = (!span.is_none()).then(|| span.enter());
            timed.project().state.set(State::Done);
        }
    }
}

impl<P: Future<Output = reqwest::Result<reqwest::Response>>> Future for Exchange<'_, P> {
    type Output = Result<Response, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let ExchangeProjection { timed, span, started, operation } = self.project();
        // A span that entering does nothing for (no subscriber wants it, no `log` output) is
        // not entered.
        let entered = (!span.is_none()).then(|| span.enter());
        // Done (its state dropped) once the outcome is in, still within the span.
        let outcome = std::task::ready!(timed.poll(cx));
        drop(entered);
        // Only an answer that is not 2xx becomes an error, out of line.
        let outcome = match outcome {
            Ok(response) if !response.status.is_success() => Err(status_error(response)),
            outcome => outcome,
        };
        if !span.is_disabled() {
            record_outcome(span, &outcome);
        }
        // `started` is set when the call was sent with this event enabled; a call that failed
        // before sending has no start.
        if let Some(started) = started {
            log_response(span, operation, *started);
        }
        Poll::Ready(outcome)
    }
}

pin_project_lite::pin_project! {
    /// Where one call's exchange is. Without retries or a token provider (anything else is
    /// `Boxed`), written out as states rather than an `async` block, which would keep what it
    /// captured beside every future it awaits. Only the state in use takes room, and the step
    /// from sending to reading moves nothing but the answer.
    #[project = Projected]
    pub(crate) enum State<'a, P> {
        /// The transport has the request.
        Sending {
            #[pin]
            attempt: Started<'a, P>,
            rest: Option<ConnectRetries<'a>>,
            // How the answer will be read: the size cap and, for a streamed 2xx, the chunk timeout.
            reading: (usize, Option<Duration>),
        },
        /// The connects after a failed one (or after a stream an HTTP/2 server refused), boxed.
        Retrying {
            retrying: BoxedAttempts<'a>,
            reading: (usize, Option<Duration>),
        },
        /// The answer's body is being read.
        Reading { read: ReadResponse },
        /// Retries, a token provider, or the middleware chain.
        Boxed { future: BoxedResponse<'a> },
        /// The call failed before anything was handed to the transport (an invalid argument).
        Failed { error: Option<Error> },
        Done,
    }
}

impl<P> State<'_, P> {
    /// The answer's status once it is in and its body is being read.
    fn status(&self) -> Option<StatusCode> {
        match self {
            State::Reading { read } => read.status(),
            _ => None,
        }
    }
}

impl<P: Future<Output = reqwest::Result<reqwest::Response>>> State<'_, P> {
    /// Moves the exchange on; `Done` once the outcome is in. Part of [`Timed`]'s `poll`.
    #[inline(always)]
    fn poll_state(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Response, Error>> {
        loop {
            let (next, (limit, stream)) = match self.as_mut().project() {
                Projected::Sending { attempt, rest, reading } => {
                    let (limit, stream) = *reading;
                    let next = match attempt.project() {
                        StartedProjection::Reqwest { pending, timeout } => {
                            let timeout = *timeout;
                            match std::task::ready!(pending.poll(cx)) {
                                // The common case, straight to reading: the answer is moved once.
                                Ok(response) => {
                                    let answer = Wire::Reqwest { response, timeout };
                                    self.set(State::Reading { read: read_response(answer, limit, stream) });
                                    continue;
                                }
                                Err(error) => taken(rest).after_reqwest(Err(error), timeout),
                            }
                        }
                        StartedProjection::Boxed { attempt } => {
                            let outcome = std::task::ready!(attempt.as_mut().poll(cx));
                            taken(rest).after(outcome)
                        }
                    };
                    (next, (limit, stream))
                }
                Projected::Retrying { retrying, reading: (limit, stream) } => {
                    let (limit, stream) = (*limit, *stream);
                    match std::task::ready!(retrying.as_mut().poll(cx)) {
                        Ok(answer) => {
                            self.set(State::Reading { read: read_response(answer, limit, stream) });
                            continue;
                        }
                        Err(error) => {
                            self.set(State::Done);
                            return Poll::Ready(Err(error));
                        }
                    }
                }
                Projected::Reading { read } => {
                    let response = std::task::ready!(Pin::new(read).poll(cx));
                    self.set(State::Done);
                    return Poll::Ready(response);
                }
                Projected::Boxed { future } => {
                    let response = std::task::ready!(future.as_mut().poll(cx));
                    self.set(State::Done);
                    return Poll::Ready(response);
                }
                Projected::Failed { error } => {
                    let error = error.take().expect("an exchange is not polled after it is done");
                    self.set(State::Done);
                    return Poll::Ready(Err(error));
                }
                Projected::Done => panic!("an exchange is not polled after it is done"),
            };
            match next {
                AfterAttempt::Answer(answer) => {
                    self.set(State::Reading { read: read_response(answer, limit, stream) })
                }
                AfterAttempt::Failed(error) => {
                    self.set(State::Done);
                    return Poll::Ready(Err(error));
                }
                AfterAttempt::Retrying(retrying) => {
                    // Read here once it is in, so a timeout while reading it has its status.
                    self.set(State::Retrying { retrying, reading: (limit, stream) })
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
type BoxedAttempts<'a> = Pin<Box<dyn Future<Output = Result<Wire, Error>> + Send + 'a>>;

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

async fn with_retries(
    shared: &Shared,
    operation: &'static Operation,
    parts: RequestParts,
    retryable: bool,
    policy: &RetryPolicy,
) -> Result<Response, Error> {
    // Whether an attempt so far may have been delivered: a later one that sends nothing (its
    // connect failed, the provider had no token) does not make the call's error say nothing was.
    let mut delivered = false;
    let outcome = attempts(shared, operation, parts, retryable, policy, &mut delivered).await;
    outcome.map_err(|error| error.after_attempts_that_may_have_been_delivered(delivered))
}

async fn attempts(
    shared: &Shared,
    operation: &'static Operation,
    parts: RequestParts,
    retryable: bool,
    policy: &RetryPolicy,
    delivered: &mut bool,
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
            Some(copy) => one_attempt(shared, operation, copy).await,
            // A streamed body is sent once: no re-send, not even after a 401.
            None => return one_attempt(shared, operation, parts).await,
        };
        *delivered |= outcome.as_ref().map_or_else(Error::may_have_been_delivered, |_| true);

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

/// The error of an answer that is not 2xx.
#[cold]
#[inline(never)]
fn status_error(response: Response) -> Error {
    let status = response.status;
    if status.is_redirection() {
        Error::redirect(status, response.headers)
    } else {
        Error::api(status, response.headers, response.body, response.complete)
    }
}

/// The debug event of a call's outcome. Out of line, like the other tracing calls on a call's
/// path: the event's fields take stack room in the caller's frame even when nothing listens.
#[inline(never)]
fn log_response(span: &tracing::Span, operation: &Operation, started: std::time::Instant) {
    tracing::debug!(
        parent: span,
        api = operation.api,
        method = operation.method,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "response"
    );
}

/// The status, and for a failure its class: the status code for an HTTP error, else the kind.
#[inline(never)]
fn record_outcome(span: &tracing::Span, outcome: &Result<Response, Error>) {
    match outcome {
        Ok(response) => {
            span.record("http.response.status_code", response.status.as_u16());
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("http.response.status_code", status.as_u16());
            }
            match (error.kind(), error.status()) {
                (ErrorKind::Api | ErrorKind::Redirect, Some(status)) => {
                    span.record("error.type", status.as_str())
                }
                (kind, _) => span.record("error.type", tracing::field::debug(kind)),
            };
        }
    }
}
