//! One logical call on the wire: the provider's token on each attempt, re-sending what the
//! [`RetryPolicy`] and the operation allow, and one refresh after a 401. Below middleware, above
//! the transport (`transport.rs`, which retries failed connects on its own).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures_util::future::{ready, Either};
use futures_util::FutureExt as _;
use http::StatusCode;
use tokio::time::Instant;

use crate::error::Error;
use crate::header_value::authorization_value;
use crate::middleware::Response;
use crate::operation::Operation;
use crate::response::read_response;
use crate::retry::{is_retryable_status, RetryPolicy};
use crate::retry_after::parse_retry_after;
use crate::secret::Secret;
use crate::shared::Shared;
use crate::transport::{first_attempt, send_with_connect_retries, Next, RequestParts};
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
///
/// Built from combinators whose states share one slot: the attempt in flight, then reading the
/// answer. An `async` block would keep what it captured beside every future it awaits, and every
/// byte of that state is copied when the future moves.
pub(crate) fn exchange<'a>(
    shared: &'a Shared,
    operation: &'static Operation,
    parts: RequestParts,
    plan: Plan<'a>,
) -> impl Future<Output = Result<Response, Error>> + Send + 'a {
    let retryable = operation.idempotent || plan.keyed;
    if shared.token_provider.is_some() || (retryable && plan.policy.attempts > 1 && parts.replayable()) {
        // Boxed: the loop's state would otherwise enlarge every call's future, retried or not.
        let retrying: BoxedResponse<'a> =
            Box::pin(with_retries(shared, operation, parts, retryable, plan.policy));
        return Either::Right(retrying);
    }
    // One attempt and a fixed token: nothing to copy for a second one. This is `attempt`, written
    // out of combinators.
    let (limit, stream) = (shared.max_response_bytes, parts.stream_response.then_some(shared.chunk_timeout));
    let (first, rest) = first_attempt(shared, operation, parts);
    Either::Left(first.then(move |outcome| match rest.after(outcome) {
        Next::Answer(answer) => Either::Left(read_response(answer, limit, stream)),
        Next::Failed(error) => Either::Right(Either::Left(ready(Err(error)))),
        Next::Retrying(retrying) => {
            let reading: BoxedResponse<'a> =
                Box::pin(async move { read_response(retrying.await?, limit, stream).await });
            Either::Right(Either::Right(reading))
        }
    }))
}

type BoxedResponse<'a> = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send + 'a>>;

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
