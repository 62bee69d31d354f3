//! The one error type every call returns.

use std::any::Any;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::retry_after::parse_retry_after;

/// What went wrong, coarsely. Use the predicates on [`Error`] for the common questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client configuration given to `build()` is invalid. Nothing was sent.
    Config,
    /// An argument could not be turned into a valid request (a path value of `..`, a header
    /// value with a newline, a body that failed to serialize). Nothing was sent.
    InvalidInput,
    /// No connection could be made (refused, DNS failure, TLS handshake). Nothing was sent.
    Connect,
    /// The connect timeout or the overall request timeout elapsed.
    Timeout,
    /// The connection failed after the request started going out: it may have been delivered
    /// ([`Error::may_have_been_delivered`]), unless the server said it refused it unprocessed
    /// (HTTP/2 `REFUSED_STREAM`, or `GOAWAY` with `NO_ERROR`).
    Transport,
    /// The server answered with a 4xx or 5xx status.
    Api,
    /// The server answered with a redirect; redirects are never followed.
    Redirect,
    /// A success status, but the body is not what the endpoint returns.
    Decode,
    /// The response body is larger than the configured cap.
    TooLarge,
    /// The [`TokenProvider`](crate::TokenProvider) could not give a token (its token endpoint
    /// failed: [`Error::status`] is that endpoint's status). Nothing was sent.
    Credentials,
}

/// The error type of an API that declared no error body (`#[api]` without `error_body`): its
/// error bodies are available raw, through [`Error::body_excerpt`] and [`Error::raw_body`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Untyped {}

/// The error of every call: see [`ErrorKind`] and the predicates for what happened.
///
/// `B` is the shape of the API's error body, declared once with `#[api(error_body = B)]`;
/// [`Error::body`] decodes the kept (bounded) body into it on demand. An API that declares
/// nothing gets `Error<Untyped>`, written `Error`.
///
/// `Display` is one short line and never repeats the source. No secret and no value from a
/// response body ever appears in `Display` or `Debug`: read the body through [`Error::body`],
/// [`Error::body_excerpt`] or [`Error::raw_body`].
///
/// ```
/// use http_api_client::{http::StatusCode, Error, ErrorKind};
///
/// #[derive(serde::Deserialize)]
/// struct Problem { title: String }
///
/// // What a mock of your API returns for a 404:
/// let error: Error<Problem> = Error::from_status(StatusCode::NOT_FOUND, Default::default(), r#"{"title":"no such invoice"}"#);
/// assert_eq!(error.kind(), ErrorKind::Api);
/// assert_eq!(error.body().map(|p| p.title.as_str()), Some("no such invoice"));
/// assert_eq!(error.to_string(), "HTTP 404 Not Found (27-byte body)");
/// ```
pub struct Error<B = Untyped> {
    inner: Box<Inner>,
    body_type: PhantomData<fn() -> B>,
}

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    may_have_been_delivered: bool,
    /// What this error comes from sent nothing, but the call may still have been delivered: by
    /// an earlier attempt (before a re-send), or as the request a middleware passed on before
    /// it failed the call.
    earlier_attempt_delivered: bool,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    /// The response body as read: bounded by `max_response_bytes`.
    body: Option<Bytes>,
    /// `body` decoded into the error body type, the first time it is asked for.
    decoded: OnceLock<Option<Box<dyn Any + Send + Sync>>>,
    retry_after: Option<Duration>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

/// The longest `Retry-After` this client reports; a server asking for more is clamped to it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// How many characters of a body [`Error::body_excerpt`] shows.
const EXCERPT_CHARS: usize = 256;

impl Error {
    fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>, delivered: bool) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                may_have_been_delivered: delivered,
                earlier_attempt_delivered: false,
                status: None,
                headers: None,
                body: None,
                decoded: OnceLock::new(),
                retry_after: None,
                source: None,
            }),
            body_type: PhantomData,
        }
    }

    pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Config, message, false)
    }

    pub(crate) fn connect(source: Box<dyn StdError + Send + Sync>) -> Self {
        Self::new(ErrorKind::Connect, "could not connect", false).with_source(source)
    }

    pub(crate) fn timeout(after: Duration, delivered: bool) -> Self {
        let message = format!("timed out after {} ms", after.as_millis());
        Self::new(ErrorKind::Timeout, message, delivered)
    }

    /// A streamed response body sent nothing for `after`.
    pub(crate) fn chunk_timeout(after: Duration) -> Self {
        let message =
            format!("timed out after {} ms without a chunk of the response body", after.as_millis());
        Self::new(ErrorKind::Timeout, message, true)
    }

    pub(crate) fn transport(message: &'static str, source: Box<dyn StdError + Send + Sync>) -> Self {
        Self::new(ErrorKind::Transport, message, true).with_source(source)
    }

    /// The server turned the request away unprocessed (HTTP/2 `REFUSED_STREAM`, or `GOAWAY` with
    /// `NO_ERROR` as it shut the connection down) on every attempt allowed.
    pub(crate) fn refused(source: Box<dyn StdError + Send + Sync>) -> Self {
        Self::new(ErrorKind::Transport, "the server refused the request (HTTP/2)", false).with_source(source)
    }

    pub(crate) fn too_large(status: StatusCode, limit: usize) -> Self {
        let message = format!("response body exceeds the {limit}-byte limit");
        Self::new(ErrorKind::TooLarge, message, true).with_status(status, None)
    }

    pub(crate) fn redirect(status: StatusCode, headers: HeaderMap) -> Self {
        Self::new(ErrorKind::Redirect, "redirect refused (redirects are never followed)", true)
            .with_status(status, Some(headers))
    }

    pub(crate) fn decode(status: StatusCode, reason: String, body: Bytes) -> Self {
        let mut error = Self::new(ErrorKind::Decode, reason, true).with_status(status, None);
        error.inner.body = Some(body);
        error
    }

    /// A 4xx/5xx answer. `complete` is false when the body was cut at the size cap: status,
    /// headers and `Retry-After` are kept all the same.
    pub(crate) fn api(status: StatusCode, headers: HeaderMap, body: Bytes, complete: bool) -> Self {
        let message = match (complete, body.len()) {
            (false, _) => "body exceeds the size limit; not read past it".to_owned(),
            (true, 0) => "empty body".to_owned(),
            (true, len) => format!("{len}-byte body"),
        };
        let retry_after = parse_retry_after(&headers, std::time::SystemTime::now());
        let mut error = Self::new(ErrorKind::Api, message, true).with_status(status, Some(headers));
        error.inner.body = Some(body);
        error.inner.retry_after = retry_after;
        error
    }

    fn with_status(mut self, status: StatusCode, headers: Option<HeaderMap>) -> Self {
        self.inner.status = Some(status);
        self.inner.headers = headers;
        self
    }

    /// Applies the transport's verdict to an error that passed through middleware: `sent` says
    /// whether any request the chain handed to the transport may have been delivered.
    pub(crate) fn delivered(mut self, sent: bool) -> Self {
        if sent {
            self.after_attempts_that_may_have_been_delivered(true)
        } else {
            self.inner.may_have_been_delivered = false;
            self.inner.earlier_attempt_delivered = false;
            self
        }
    }

    /// This error ends a call whose earlier attempts may have been delivered (`earlier`): then
    /// so may the call, whatever this last attempt did.
    pub(crate) fn after_attempts_that_may_have_been_delivered(mut self, earlier: bool) -> Self {
        if earlier && !self.inner.may_have_been_delivered {
            self.inner.earlier_attempt_delivered = true;
        }
        self
    }

    /// Records the status of a response whose body then failed to arrive.
    pub(crate) fn at_status(mut self, status: StatusCode) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_source(mut self, source: Box<dyn StdError + Send + Sync>) -> Self {
        self.inner.source = Some(source);
        self
    }
}

/// Constructors for tests and mocks of generated traits, and the conversion between body types.
impl<B> Error<B> {
    /// The server answered `status` (a 4xx or 5xx) with `headers` and `body`, as a real call
    /// would report it: `Retry-After` is parsed, the body kept for [`Error::body`].
    pub fn from_status(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Error::<Untyped>::api(status, headers, body.into(), true).with_body_type()
    }

    /// The call's time ran out; `may_have_been_delivered` says whether the request had started
    /// going out (false: it was still connecting).
    pub fn timed_out(after: Duration, may_have_been_delivered: bool) -> Self {
        Error::<Untyped>::timeout(after, may_have_been_delivered).with_body_type()
    }

    /// The connection failed after the request was written: the server may have acted on it.
    pub fn lost_after_sending() -> Self {
        Error::<Untyped>::new(ErrorKind::Transport, "the connection failed after the request was sent", true)
            .with_body_type()
    }

    /// No connection could be made: nothing was sent.
    pub fn connect_failed() -> Self {
        Error::<Untyped>::new(ErrorKind::Connect, "could not connect", false).with_body_type()
    }

    /// A [`TokenProvider`](crate::TokenProvider) could not give a token: nothing was sent.
    /// `status` is the token endpoint's answer, if it gave one; `message` must not hold the secret.
    pub fn credentials_failed(message: impl Into<Cow<'static, str>>, status: Option<StatusCode>) -> Self {
        let mut error = Error::<Untyped>::new(ErrorKind::Credentials, message, false);
        error.inner.status = status;
        error.with_body_type()
    }

    /// An argument could not make a valid request: nothing was sent.
    pub fn invalid_input(message: impl Into<Cow<'static, str>>) -> Self {
        Error::<Untyped>::new(ErrorKind::InvalidInput, message, false).with_body_type()
    }

    /// The same error, with its body read as `C`.
    pub fn with_body_type<C>(self) -> Error<C> {
        // A body decoded as `B` is of no use as `C`.
        let mut inner = self.inner;
        inner.decoded = OnceLock::new();
        Error { inner, body_type: PhantomData }
    }

    /// The same error without a typed body.
    pub fn untyped(self) -> Error {
        self.with_body_type()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The response headers of an API error or refused redirect.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The body of an API error or of a 2xx answer that failed to decode, as read (at most
    /// `max_response_bytes`). It is raw server output: never part of `Display` or `Debug`.
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.inner.body.as_deref()
    }

    /// The first characters of [`Error::raw_body`] as text (invalid UTF-8 replaced).
    pub fn body_excerpt(&self) -> Option<String> {
        let body = self.inner.body.as_deref().filter(|body| !body.is_empty())?;
        let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
        Some(String::from_utf8_lossy(head).chars().take(EXCERPT_CHARS).collect())
    }

    /// True when the request might have reached the server, so re-sending it might repeat its
    /// effect (an SMS, an e-mail). False only when no attempt of the call sent anything: invalid
    /// input, invalid configuration, a failed connect, a timeout while still connecting. A call
    /// re-sent after an attempt that may have been delivered stays true, whatever ends it.
    pub fn may_have_been_delivered(&self) -> bool {
        self.inner.may_have_been_delivered || self.inner.earlier_attempt_delivered
    }

    /// True for the connect timeout and the overall request timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// True when no connection could be made (nothing was sent).
    pub fn is_connect(&self) -> bool {
        self.inner.kind == ErrorKind::Connect
    }

    /// True when the request was refused before any I/O because an argument was invalid.
    pub fn is_invalid_input(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidInput
    }

    /// How long the server asked to wait (a 429 or 503 `Retry-After`, in seconds or as an HTTP
    /// date), clamped to [`MAX_RETRY_AFTER`]. The client never retries by itself.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
}

impl<B: DeserializeOwned + Send + Sync + 'static> Error<B> {
    /// The error body of a 4xx/5xx answer decoded as the API's declared error body type; `None`
    /// when there is no body or it has another shape (an HTML error page from a proxy). Decoded
    /// on the first call, then kept.
    pub fn body(&self) -> Option<&B> {
        let inner = &self.inner;
        let decoded = inner.decoded.get_or_init(|| {
            let body = inner.body.as_deref().filter(|_| inner.kind == ErrorKind::Api)?;
            let value: B = serde_json::from_slice(body).ok()?;
            Some(Box::new(value))
        });
        decoded.as_ref()?.downcast_ref::<B>()
    }
}

impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let (nothing_sent, not_processed) = match inner.earlier_attempt_delivered {
            false => ("nothing was sent", "it was not processed"),
            true => (
                "nothing was sent this time, but an earlier attempt may have been delivered",
                "it was not processed this time, but an earlier attempt may have been delivered",
            ),
        };
        match inner.kind {
            ErrorKind::Config => write!(f, "invalid client configuration: {}", inner.message),
            ErrorKind::InvalidInput => write!(f, "invalid request: {}; {nothing_sent}", inner.message),
            ErrorKind::Connect => write!(f, "could not connect to the server; {nothing_sent}"),
            ErrorKind::Credentials => match inner.status {
                Some(status) => write!(f, "no token: {} (HTTP {status}); {nothing_sent}", inner.message),
                None => write!(f, "no token: {}; {nothing_sent}", inner.message),
            },
            ErrorKind::Timeout if inner.may_have_been_delivered => {
                write!(f, "request {}; it may have been delivered", inner.message)
            }
            ErrorKind::Timeout => write!(f, "connect {}; {nothing_sent}", inner.message),
            ErrorKind::Transport if inner.may_have_been_delivered => {
                write!(f, "{}; the request may have been delivered", inner.message)
            }
            ErrorKind::Transport => write!(f, "{}; {not_processed}", inner.message),
            ErrorKind::Api => match inner.status {
                Some(status) => write!(f, "HTTP {status} ({})", inner.message),
                None => f.write_str(&inner.message),
            },
            _ => match inner.status {
                Some(status) => write!(f, "HTTP {status}: {}", inner.message),
                None => f.write_str(&inner.message),
            },
        }
    }
}

impl<B> fmt::Debug for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &inner.kind).field("message", &inner.message);
        d.field("may_have_been_delivered", &self.may_have_been_delivered());
        if inner.earlier_attempt_delivered {
            d.field("earlier_attempt_delivered", &true);
        }
        if let Some(status) = inner.status {
            d.field("status", &status.as_u16());
        }
        if let Some(body) = &inner.body {
            // Raw server output may echo anything back, secrets included: show only its size.
            d.field("body_bytes", &body.len());
        }
        if let Some(retry_after) = inner.retry_after {
            d.field("retry_after", &retry_after);
        }
        if let Some(source) = &inner.source {
            d.field("source", &source.to_string());
        }
        d.finish()
    }
}

impl<B> StdError for Error<B> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source.as_ref().map(|s| &**s as &(dyn StdError + 'static))
    }
}

/// Whether `error` or any error in its `source()` chain passes `test`.
pub(crate) fn chain_has(
    error: &(dyn StdError + 'static),
    test: impl Fn(&(dyn StdError + 'static)) -> bool,
) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if test(error) {
            return true;
        }
        next = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Problem {
        code: String,
    }

    #[test]
    fn the_body_is_decoded_on_demand_and_never_printed() {
        let error: Error<Problem> =
            Error::from_status(StatusCode::FORBIDDEN, HeaderMap::new(), r#"{"code":"SENTINEL"}"#);
        let shown = format!("{error} {error:?} {error:#?}");
        assert!(!shown.contains("SENTINEL"), "{shown}");
        assert_eq!(error.body().map(|p| p.code.as_str()), Some("SENTINEL"));
        assert_eq!(error.body_excerpt().as_deref(), Some(r#"{"code":"SENTINEL"}"#));
        let html: Error<Problem> = Error::from_status(StatusCode::BAD_GATEWAY, HeaderMap::new(), "<html>");
        assert_eq!(html.body(), None);
        assert_eq!(html.untyped().raw_body(), Some(&b"<html>"[..]));
    }

    #[test]
    fn mock_constructors_say_what_was_sent() {
        assert!(Error::<Untyped>::timed_out(Duration::from_secs(1), true).may_have_been_delivered());
        assert!(!Error::<Untyped>::timed_out(Duration::from_secs(1), false).may_have_been_delivered());
        assert!(Error::<Untyped>::lost_after_sending().may_have_been_delivered());
        assert!(!Error::<Untyped>::connect_failed().may_have_been_delivered());
        assert!(Error::<Untyped>::invalid_input("x").is_invalid_input());
    }
}
