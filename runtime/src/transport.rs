//! One request on the wire: assembling each attempt, retrying a connect that failed before
//! anything was written, and classifying transport failures by whether anything was sent.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{ready, Either};
use futures_util::FutureExt as _;
use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::Method;
use url::Url;

use crate::connect_deadline::{connect_deadline, connecting_until};
use crate::error::{chain_has, Error};
use crate::operation::Operation;
use crate::path::Target;
use crate::shared::Shared;
use crate::stream::{is_upload_failure, ByteStream};
use crate::wire::Wire;

/// What one attempt needs; kept so a failed connect can be tried again.
///
/// `Authorization` and `Content-Type` are kept apart from `headers` (the per-call and
/// `CallOptions` headers, usually none) and added to each attempt's request. So a copy for
/// another attempt shares the token, content type and body (reference counts) and copies only
/// the URL and those usually empty extra headers; the last attempt copies nothing. The request
/// gets the same header map as merging everything at once would give: extra headers, then
/// `Authorization`, then `Content-Type`, each replacing an earlier header of its name.
pub(crate) struct RequestParts {
    pub(crate) method: Method,
    /// The URL, or the origin-form target alone for the hyper transport (see `Target`).
    pub(crate) target: Target,
    pub(crate) headers: HeaderMap,
    pub(crate) auth: Option<HeaderValue>,
    /// The content type (unless `headers` has one already) and the body: bytes in memory, which
    /// attempts share rather than copy, or a stream, which only one attempt can send.
    pub(crate) body: Option<(Option<HeaderValue>, ByteStream)>,
    pub(crate) timeout: Duration,
    /// Hand a 2xx body to the caller unread (the endpoint returns a `ByteStream`).
    pub(crate) stream_response: bool,
}

impl RequestParts {
    /// Whether the request can be sent more than once: it has no streamed body.
    pub(crate) fn replayable(&self) -> bool {
        self.body.as_ref().is_none_or(|(_, body)| body.in_memory().is_some())
    }

    /// A copy for an attempt that may be followed by another; `None` when the body is a stream.
    pub(crate) fn try_clone(&self) -> Option<Self> {
        let body = self.body_copy()?.map(|(content_type, bytes)| (content_type, bytes.into()));
        Some(RequestParts {
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.clone(),
            auth: self.auth.clone(),
            body,
            timeout: self.timeout,
            stream_response: self.stream_response,
        })
    }

    /// The content type and the body's bytes, shared, for another attempt: `Some(None)` without
    /// a body, `None` when the body is a stream (which only one attempt can send).
    fn body_copy(&self) -> Option<Option<(Option<HeaderValue>, Bytes)>> {
        match &self.body {
            Some((content_type, body)) => Some(Some((content_type.clone(), body.in_memory()?.clone()))),
            None => Some(None),
        }
    }

    /// What a connect that fails needs to send the request again; `None` when the body is a
    /// stream.
    #[inline]
    fn copy_without_url(&self) -> Option<WithoutUrl> {
        let body = self.body_copy()?;
        // Usually there are no per-call headers: then the copy holds nothing. Otherwise one
        // allocation of the exact size holds them all (a copied map would take two).
        let headers = (!self.headers.is_empty()).then(|| {
            let mut copy = Vec::with_capacity(self.headers.len());
            copy.extend(self.headers.iter().map(|(name, value)| (name.clone(), value.clone())));
            copy.into_boxed_slice()
        });
        Some(WithoutUrl { headers, auth: self.auth.clone(), body, stream_response: self.stream_response })
    }

    /// Whether reqwest keeps the call's time (a per-request timeout) rather than the timer
    /// beside the exchange (`timed_above_transport`): only for an answer whose body is handed
    /// over unread, as the exchange ends before that body is read and reqwest's timer goes on
    /// with it.
    fn reqwest_keeps_time(&self) -> bool {
        self.stream_response
    }

    /// The request for the last attempt, using up the parts. An origin-form target (made only for
    /// the hyper transport) is completed with `base`.
    #[inline]
    fn into_request(self, base: &Url) -> Result<reqwest::Request, Error> {
        let timeout = self.reqwest_keeps_time().then_some(self.timeout);
        let body = self.body.map(|(content_type, body)| (content_type, body.into_request_body()));
        let url = self.target.into_url(base)?;
        Ok(assemble(self.method, url, self.headers, self.auth, body, timeout))
    }
}

/// A request's parts but its URL and method, for the attempt after a failed connect (which
/// hands the URL back; the method is the operation's). It sits in every call's future while the
/// first attempt runs, so it is kept small: per-call headers, usually none, are kept apart.
pub(crate) struct WithoutUrl {
    /// Every per-call header value in the map's order, `None` when there are none.
    headers: Option<Box<[(HeaderName, HeaderValue)]>>,
    auth: Option<HeaderValue>,
    body: Option<(Option<HeaderValue>, Bytes)>,
    stream_response: bool,
}

impl WithoutUrl {
    fn with_url(self, method: Method, target: Target, timeout: Duration) -> RequestParts {
        let Self { headers, auth, body, stream_response } = self;
        // Collecting appends, so a repeated header keeps every value.
        let headers = headers.map(|headers| Vec::from(headers).into_iter().collect()).unwrap_or_default();
        let body = body.map(|(content_type, bytes)| (content_type, bytes.into()));
        RequestParts { method, target, headers, auth, body, timeout, stream_response }
    }
}

#[inline]
fn assemble(
    method: Method,
    url: Url,
    mut headers: HeaderMap,
    auth: Option<HeaderValue>,
    body: Option<(Option<HeaderValue>, reqwest::Body)>,
    timeout: Option<Duration>,
) -> reqwest::Request {
    let (shape, body) = match body {
        Some((content_type, body)) => {
            let empty = body.as_bytes().is_some_and(<[u8]>::is_empty);
            (Some((content_type, empty)), Some(body))
        }
        None => (None, None),
    };
    finish_headers(&mut headers, &method, auth, shape);
    let mut request = reqwest::Request::new(method, url);
    *request.body_mut() = body;
    let fresh = std::mem::replace(request.headers_mut(), headers);
    // The request starts with a map that owns no memory (`HeaderMap::new`): nothing to drop.
    if fresh.capacity() == 0 {
        std::mem::forget(fresh);
    }
    // Set only when reqwest keeps the call's time: the value costs an extensions map.
    if timeout.is_some() {
        *request.timeout_mut() = timeout;
    }
    request
}

/// The headers every transport adds to the caller's: the client's token, the body's content type
/// (`body`: that type, and whether the body is known to be empty) and the length of an empty body.
pub(crate) fn finish_headers(
    headers: &mut HeaderMap,
    method: &Method,
    auth: Option<HeaderValue>,
    body: Option<(Option<HeaderValue>, bool)>,
) {
    // A header declared on the method (`#[header("Authorization")]`, a `CallOptions` header)
    // wins over the client's token and the body's content type. Usually none is declared: a
    // look-up in an empty map still hashes the name (about 100 instructions a call for the two).
    // Once a name is known to be absent, its header is appended, as reqwest's own builder does:
    // the same map as inserting, and the same code the rest of the request's path runs.
    let declared = !headers.is_empty();
    if let Some(auth) = auth {
        if !(declared && headers.contains_key(AUTHORIZATION)) {
            headers.append(AUTHORIZATION, auth);
        }
    }
    match body {
        Some((content_type, empty)) => {
            if let Some(content_type) =
                content_type.filter(|_| !(declared && headers.contains_key(CONTENT_TYPE)))
            {
                headers.append(CONTENT_TYPE, content_type);
            }
            // An empty body has no length of its own on the wire: say so, as for no body at all.
            if empty {
                headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
        }
        // RFC 9110 §8.6: a request whose method defines a body says it has none, else some
        // servers and proxies answer 411 Length Required.
        None if expects_body(method) => {
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        None => {}
    }
}

/// What may follow a call's first attempt: its time, and a copy of `parts` for another connect
/// when that is allowed. Called as the first attempt starts, just before [`start`] hands it over.
///
/// Only a failed connect (nothing written) is tried again, after a jittered, doubling pause,
/// while the call's time lasts. Anything after the connect is never repeated: the server may have
/// acted. A streamed body is sent by one attempt only, connect or not: the transport has used it
/// up by the time a connect fails.
///
/// The first attempt takes the URL rather than a copy: a connect error hands it back, so a call
/// whose connect works (nearly all) copies nothing for a retry that does not happen. The attempts
/// after a failed connect are one boxed future ([`ConnectRetries::after`]), so their state is
/// not part of every call's.
#[inline(always)]
pub(crate) fn what_may_follow<'a>(
    shared: &'a Shared,
    operation: &'a Operation,
    parts: &RequestParts,
) -> ConnectRetries<'a> {
    log_request(operation);
    let started = tokio::time::Instant::now();
    let deadline = started + parts.timeout;
    let connect_by = connect_deadline(started, parts.timeout);
    let retry = (shared.connect_retries > 0).then(|| parts.copy_without_url()).flatten();
    ConnectRetries { shared, operation, retry, deadline, connect_by }
}

/// The debug event of a request going out. Out of line, like the other tracing calls on a
/// call's path: the event's fields take stack room in the caller's frame even when nothing
/// listens.
#[inline(never)]
fn log_request(operation: &Operation) {
    tracing::debug!(api = operation.api, method = operation.method, route = %operation, "request");
}

/// What a call needs to try its connect again: a copy of the request but its URL (which the
/// failed connect hands back) and its method (the operation's: neither the call nor middleware
/// can change it), and the call's time.
pub(crate) struct ConnectRetries<'a> {
    shared: &'a Shared,
    operation: &'a Operation,
    /// `None` when no retry is allowed or the body is a stream.
    retry: Option<WithoutUrl>,
    /// When the call's time is up.
    pub(crate) deadline: tokio::time::Instant,
    /// When a connect must have ended: the call's deadline, less a margin.
    pub(crate) connect_by: tokio::time::Instant,
}

/// What follows an attempt.
#[allow(clippy::large_enum_variant)] // Matched as soon as it is made: boxing the answer would cost an allocation per call.
pub(crate) enum AfterAttempt<'a> {
    /// The answer, its body unread.
    Answer(Wire),
    /// The call's error: nothing more is tried.
    Failed(Error),
    /// The connect failed and may be tried again: the attempts still to come.
    Retrying(Pin<Box<dyn Future<Output = Result<Wire, Error>> + Send + 'a>>),
}

impl<'a> ConnectRetries<'a> {
    /// What a reqwest attempt's outcome leads to; `timeout` is the attempt's. Out of line: the
    /// exchange calls it only for a failure, and inlined it would enlarge every call's frame.
    #[inline(never)]
    pub(crate) fn after_reqwest(
        self,
        sent: reqwest::Result<reqwest::Response>,
        timeout: Duration,
    ) -> AfterAttempt<'a> {
        let outcome = reqwest_outcome(sent, timeout, self.shared.connect_timeout);
        self.after(outcome)
    }

    /// What the first attempt's `outcome` leads to.
    pub(crate) fn after(self, outcome: Result<Wire, Failure>) -> AfterAttempt<'a> {
        match outcome {
            Ok(answer) => AfterAttempt::Answer(answer),
            Err(failure) if self.retry.is_none() || failure.connect_url.is_none() => {
                AfterAttempt::Failed(failure.error)
            }
            Err(failure) => AfterAttempt::Retrying(self.boxed_connect_retries(failure)),
        }
    }

    /// Out of line, as a future is built on the stack before it is boxed: inlined, it would take
    /// room in the caller's frame on every call.
    #[inline(never)]
    fn boxed_connect_retries(
        self,
        failure: Failure,
    ) -> Pin<Box<dyn Future<Output = Result<Wire, Error>> + Send + 'a>> {
        Box::pin(self.retry_connects(failure))
    }

    async fn retry_connects(self, mut failure: Failure) -> Result<Wire, Error> {
        let Self { shared, operation, mut retry, deadline, connect_by } = self;
        let mut attempt = 0;
        loop {
            let pause = backoff(shared.connect_backoff, attempt);
            let (Some(copy), Some(url), true) =
                (retry.take(), failure.connect_url, tokio::time::Instant::now() + pause < connect_by)
            else {
                return Err(failure.error);
            };
            tracing::Span::current().record("http.request.resend_count", attempt + 1);
            tracing::debug!(
                api = operation.api,
                attempt,
                "nothing was delivered (connect failed or refused), retrying"
            );
            tokio::time::sleep(pause).await;
            // The call's timeout covers every attempt: the next one gets what is left.
            let timeout = deadline.saturating_duration_since(tokio::time::Instant::now());
            let parts = copy.with_url(operation.http_method.clone(), url, timeout);
            attempt += 1;
            retry = (attempt < shared.connect_retries).then(|| parts.copy_without_url()).flatten();
            failure = match start(shared, parts, connect_by).into_future(shared.connect_timeout).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
        }
    }
}

/// An attempt that failed: the call's error, and for a request that was not delivered (the
/// connect failed, or an HTTP/2 server refused it unprocessed) the URL back, for another attempt.
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) connect_url: Option<Target>,
}

pin_project_lite::pin_project! {
    /// An attempt in flight.
    #[project = StartedProjection]
    pub(crate) enum Started<'a, P> {
        /// reqwest has the request; `timeout` is the attempt's.
        Reqwest { #[pin] pending: P, timeout: Duration },
        /// The hyper transport's attempt, or one that failed before anything was sent: boxed,
        /// since the hyper transport's state (pool, connection, handshake) is larger than
        /// reqwest's and would otherwise be part of every call's future on either transport.
        Boxed { attempt: BoxedAttempt<'a> },
    }
}

type BoxedAttempt<'a> = Pin<Box<dyn Future<Output = Result<Wire, Failure>> + Send + 'a>>;

impl<'a, P: Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a> Started<'a, P> {
    /// The attempt as one future; `connect_timeout` is the client's.
    pub(crate) fn into_future(
        self,
        connect_timeout: Duration,
    ) -> impl Future<Output = Result<Wire, Failure>> + Send + 'a {
        match self {
            Self::Reqwest { pending, timeout } => {
                Either::Left(pending.map(move |sent| reqwest_outcome(sent, timeout, connect_timeout)))
            }
            Self::Boxed { attempt } => Either::Right(attempt),
        }
    }
}

/// A reqwest attempt's outcome: the answer, or the failure classified, with the URL back when
/// the connect failed (nothing was sent).
fn reqwest_outcome(
    sent: reqwest::Result<reqwest::Response>,
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<Wire, Failure> {
    sent.map(|response| Wire::Reqwest { response, timeout }).map_err(|error| {
        // Decided here, before there is an answer: a reset while its body is read is not a refusal.
        let refused = refused_unprocessed(&error);
        let connect_url =
            (error.is_connect() || refused).then(|| error.url().cloned().map(Target::Url)).flatten();
        let error = if refused {
            Error::refused(Box::new(error.without_url()))
        } else {
            classify(error, timeout, connect_timeout)
        };
        Failure { error, connect_url }
    })
}

/// Whether an HTTP/2 server turned the request away before processing it, which RFC 9113
/// §8.7 makes safe to send again, whatever the method: the stream was refused
/// (`REFUSED_STREAM`), or the connection was being shut down gracefully (`GOAWAY` with
/// `NO_ERROR`, which reaches only streams above the last one the server processed). Such a
/// request is re-sent like one whose connect failed. The same test as reqwest's own retry policy,
/// which the runtime turns off.
fn refused_unprocessed(error: &reqwest::Error) -> bool {
    chain_has(error, |cause| {
        cause.downcast_ref::<h2::Error>().is_some_and(|h2| {
            h2.is_remote()
                && match h2.reason() {
                    Some(h2::Reason::REFUSED_STREAM) => h2.is_reset(),
                    Some(h2::Reason::NO_ERROR) => h2.is_go_away(),
                    _ => false,
                }
        })
    })
}

/// One attempt through the client's transport, the request handed over now. Called from within
/// the runtime (from a future being polled): reqwest arms its timer when it takes a request whose
/// time it keeps, and the hyper transport its own.
#[inline]
pub(crate) fn start(
    shared: &Shared,
    parts: RequestParts,
    connect_by: tokio::time::Instant,
) -> Started<'_, impl Future<Output = reqwest::Result<reqwest::Response>> + Send + '_> {
    #[cfg(feature = "hyper-transport")]
    if let Some(hyper) = &shared.hyper {
        return Started::Boxed { attempt: hyper_attempt(hyper, parts, connect_by, shared.connect_timeout) };
    }
    let timeout = parts.timeout;
    match parts.into_request(&shared.base) {
        Ok(request) => Started::Reqwest { pending: execute(shared, request, timeout, connect_by), timeout },
        Err(error) => Started::Boxed { attempt: Box::pin(ready(Err(Failure { error, connect_url: None }))) },
    }
}

/// Whether the call's timeout is kept by a timer beside the exchange (`exchange::Timed`), which
/// ends the attempt, its connect retries and the reading of the answer alike, rather than by the
/// transport. So on reqwest, whose client has no timeout of its own (its per-request timer is a
/// boxed `Sleep` that it polls again with every chunk of the body), unless reqwest keeps this
/// call's time ([`RequestParts::reqwest_keeps_time`]); never on the hyper transport, which keeps
/// the time itself.
pub(crate) fn timed_above_transport(shared: &Shared, parts: &RequestParts) -> bool {
    #[cfg(feature = "hyper-transport")]
    if shared.hyper.is_some() {
        return false;
    }
    let _ = shared;
    !parts.reqwest_keeps_time()
}

/// The hyper transport's attempt, boxed out of line: its future is built on the stack before it
/// is boxed, and inlined it would take room in `start`'s frame on every reqwest call too.
#[cfg(feature = "hyper-transport")]
#[inline(never)]
fn hyper_attempt<'a>(
    hyper: &'a crate::hyper_transport::HyperTransport,
    parts: RequestParts,
    connect_by: tokio::time::Instant,
    connect_timeout: Duration,
) -> BoxedAttempt<'a> {
    Box::pin(hyper.send_once(parts, connect_by, connect_timeout))
}

/// How much longer than the connect timeout an attempt's time must be for the connect to end
/// first by itself: connects start as the attempt does, give or take scheduling.
const CONNECT_ENDS_FIRST: Duration = Duration::from_millis(50);

/// Sends one attempt with `timeout` left. When a connect could outlast that time, the attempt
/// goes through the transport whose connector stops at `connect_by`, so that running out of
/// time while connecting reads as "nothing sent". Otherwise the connect timeout ends any connect
/// first, and the plain transport (no layer, fewer allocations per request) is used.
///
/// Not an `async fn`: the chosen transport's own future is the attempt's whole state, without a
/// second copy of `request` beside it.
#[inline]
fn execute(
    shared: &Shared,
    request: reqwest::Request,
    timeout: Duration,
    connect_by: tokio::time::Instant,
) -> Either<
    impl Future<Output = Result<reqwest::Response, reqwest::Error>>,
    impl Future<Output = Result<reqwest::Response, reqwest::Error>>,
> {
    if timeout > shared.connect_timeout.saturating_add(CONNECT_ENDS_FIRST) {
        Either::Left(shared.http.execute(request))
    } else {
        Either::Right(connecting_until(connect_by, shared.http_connect_deadline.execute(request)))
    }
}

fn expects_body(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// `base` doubled per attempt plus up to 50 % jitter; saturating, so no setting can panic.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(16));
    // Jitter from the clock's low bits: enough to spread clients apart, no RNG dependency.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    exp.saturating_add((exp / 2000).saturating_mul(nanos % 1000))
}

/// Maps a transport failure to the error kinds, keeping "was anything sent?" exact.
pub(crate) fn classify(error: reqwest::Error, timeout: Duration, connect_timeout: Duration) -> Error {
    let (is_timeout, is_connect, is_body) =
        (error.is_timeout(), error.is_connect(), error.is_body() || error.is_decode());
    // The URL is ours and harmless, but dropping it keeps the source chain short.
    let source = Box::new(error.without_url());
    match (is_timeout, is_connect) {
        // A connect timeout, or the call's deadline ending a connect (`connect_deadline`).
        (true, true) => Error::timeout(connect_timeout.min(timeout), false).with_source(source),
        (true, false) => Error::timeout(timeout, true).with_source(source),
        (false, true) => Error::connect(source),
        _ if is_upload_failure(&*source) => Error::transport("the request body stream failed", source),
        _ if is_body => Error::transport("the connection failed while reading the response", source),
        _ => Error::transport("the connection failed after the request was sent", source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: HeaderValue = HeaderValue::from_static("application/json");

    fn parts(timeout: Duration) -> RequestParts {
        let mut headers = HeaderMap::new();
        // As a declared `#[header("Authorization")]` would put it: it wins over the client's token.
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic other"));
        headers.insert("x-extra", HeaderValue::from_static("1"));
        RequestParts {
            method: Method::POST,
            target: Target::Url(Url::parse("http://127.0.0.1:1/v1/a").unwrap()),
            headers,
            auth: Some(HeaderValue::from_static("Bearer t")),
            body: Some((Some(JSON), Bytes::from_static(b"{}").into())),
            timeout,
            stream_response: false,
        }
    }

    #[test]
    fn every_attempt_sends_the_same_request() {
        for stream_response in [false, true] {
            let mut parts = parts(Duration::from_secs(5));
            parts.stream_response = stream_response;
            let base = Url::parse("http://127.0.0.1:1").unwrap();
            let retry = parts.try_clone().unwrap().into_request(&base).unwrap();
            let last = parts.into_request(&base).unwrap();
            for request in [&retry, &last] {
                assert_eq!(request.method(), Method::POST);
                assert_eq!(request.url().as_str(), "http://127.0.0.1:1/v1/a");
                let headers = request.headers();
                assert_eq!(headers.len(), 3);
                assert_eq!(headers[AUTHORIZATION], "Basic other");
                assert_eq!(headers[CONTENT_TYPE], "application/json");
                assert_eq!(headers["x-extra"], "1");
                assert_eq!(request.body().and_then(reqwest::Body::as_bytes), Some(&b"{}"[..]));
                // reqwest times only a call whose answer's body is handed over unread.
                let expected = stream_response.then_some(Duration::from_secs(5));
                assert_eq!(request.timeout().copied(), expected);
            }
        }
    }

    #[test]
    fn the_copy_kept_for_another_connect_has_every_header_value() {
        let mut parts = parts(Duration::from_secs(30));
        parts.headers.append("x-extra", HeaderValue::from_static("2"));
        let copy =
            parts.copy_without_url().unwrap().with_url(Method::POST, parts.target.clone(), parts.timeout);
        let values = |parts: &RequestParts| -> Vec<(String, String)> {
            let pairs = parts.headers.iter();
            pairs.map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned())).collect()
        };
        assert_eq!(values(&copy), values(&parts));
        assert_eq!(copy.headers.get_all("x-extra").iter().count(), 2);
        let content_type = |parts: &RequestParts| parts.body.as_ref().and_then(|(ct, _)| ct.clone());
        assert_eq!((&copy.auth, content_type(&copy)), (&parts.auth, content_type(&parts)));
        // No per-call headers: the copy holds none and gets an empty map.
        parts.headers.clear();
        assert!(parts.copy_without_url().unwrap().headers.is_none());
    }

    #[test]
    fn backoff_saturates_instead_of_panicking() {
        for attempt in [0, 1, 16, u32::MAX] {
            assert!(backoff(Duration::MAX, attempt) >= Duration::from_secs(1));
        }
        let first = backoff(Duration::from_millis(50), 0);
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(75), "{first:?}");
    }
}
