//! The one error type every call returns.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::display_text::one_line;
use crate::models::ApiErrorDetail;
use crate::retry_after::parse_retry_after;
use crate::secret::Secret;

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
    /// The connection failed after the request started going out: it may have been delivered.
    Transport,
    /// The server answered with a 4xx or 5xx status.
    Api,
    /// The server answered with a redirect; redirects are never followed.
    Redirect,
    /// A success status, but the body is not what the endpoint returns.
    Decode,
    /// The response body is larger than the configured cap.
    TooLarge,
}

/// The error of every call: see [`ErrorKind`] and the predicates for what happened.
///
/// `Display` is one short line and never repeats the source; secrets (tokens, codes) and raw
/// response bodies never appear in `Display` or `Debug`. The raw body of an unexpected response
/// is available through [`Error::body_excerpt`].
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    may_have_been_delivered: bool,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    api: Option<ApiErrorDetail>,
    excerpt: Option<String>,
    retry_after: Option<Duration>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

/// The longest `Retry-After` this client reports; a server asking for more is clamped to it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// How much of a server's error `code` and `message` `Display` and `Debug` show.
const MAX_CODE_CHARS: usize = 64;
const MAX_MESSAGE_CHARS: usize = 200;

/// How many characters of an unexpected body [`Error::body_excerpt`] keeps.
const EXCERPT_CHARS: usize = 256;

impl Error {
    fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>, delivered: bool) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                may_have_been_delivered: delivered,
                status: None,
                headers: None,
                api: None,
                excerpt: None,
                retry_after: None,
                source: None,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Config, message, false)
    }

    pub(crate) fn invalid_input(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::InvalidInput, message, false)
    }

    pub(crate) fn connect(source: Box<dyn StdError + Send + Sync>) -> Self {
        Self::new(ErrorKind::Connect, "could not connect", false).with_source(source)
    }

    pub(crate) fn timeout(after: Duration, delivered: bool) -> Self {
        let message = format!("timed out after {} ms", after.as_millis());
        Self::new(ErrorKind::Timeout, message, delivered)
    }

    pub(crate) fn transport(message: &'static str, source: Box<dyn StdError + Send + Sync>) -> Self {
        Self::new(ErrorKind::Transport, message, true).with_source(source)
    }

    pub(crate) fn too_large(status: StatusCode, limit: usize) -> Self {
        let message = format!("response body exceeds the {limit}-byte limit");
        Self::new(ErrorKind::TooLarge, message, true).with_status(status, None)
    }

    pub(crate) fn redirect(status: StatusCode, headers: HeaderMap) -> Self {
        Self::new(ErrorKind::Redirect, "redirect refused (redirects are never followed)", true)
            .with_status(status, Some(headers))
    }

    pub(crate) fn decode(status: StatusCode, reason: String, body: &[u8]) -> Self {
        let mut error = Self::new(ErrorKind::Decode, reason, true).with_status(status, None);
        error.inner.excerpt = Some(excerpt(body));
        error
    }

    /// A 4xx/5xx answer. The body is kept parsed when it is a Dintero error body, else as a
    /// short excerpt. `complete` is false when the body was cut at the size cap: it is then not
    /// parsed, but status, headers and `Retry-After` are kept.
    pub(crate) fn api(status: StatusCode, headers: HeaderMap, body: &[u8], complete: bool) -> Self {
        let api = if complete { crate::models::ErrorBody::parse(body) } else { None };
        let message = match &api {
            Some(detail) => match &detail.code {
                Some(code) => format!(
                    "{}: {}",
                    one_line(code, MAX_CODE_CHARS),
                    one_line(&detail.message, MAX_MESSAGE_CHARS)
                ),
                None => one_line(&detail.message, MAX_MESSAGE_CHARS),
            },
            None if !complete => "body exceeds the size limit; not read past it".to_owned(),
            None if body.is_empty() => "empty body".to_owned(),
            None => format!("body is not a Dintero error ({} bytes)", body.len()),
        };
        let retry_after = parse_retry_after(&headers, std::time::SystemTime::now());
        let mut error = Self::new(ErrorKind::Api, message, true).with_status(status, Some(headers));
        if api.is_none() && !body.is_empty() {
            error.inner.excerpt = Some(excerpt(body));
        }
        error.inner.api = api;
        error.inner.retry_after = retry_after;
        error
    }

    fn with_status(mut self, status: StatusCode, headers: Option<HeaderMap>) -> Self {
        self.inner.status = Some(status);
        self.inner.headers = headers;
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

    /// The parsed Dintero error body (`{"error": {code, message, errors}}`), when it had that shape.
    pub fn api_error(&self) -> Option<&ApiErrorDetail> {
        self.inner.api.as_ref()
    }

    /// The Dintero error code, e.g. `mfa_required`.
    pub fn code(&self) -> Option<&str> {
        self.inner.api.as_ref()?.code.as_deref()
    }

    /// The first characters of a body that could not be decoded or was not a Dintero error body.
    /// It is raw server output: it is never part of `Display` or `Debug`.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.inner.excerpt.as_deref()
    }

    /// True when the request might have reached the server, so re-sending it might repeat its
    /// effect (an SMS, an e-mail). False only when nothing was sent: invalid input, invalid
    /// configuration, a failed connect.
    pub fn may_have_been_delivered(&self) -> bool {
        self.inner.may_have_been_delivered
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

    /// True for an API error whose code is `mfa_required`; [`Error::mfa_token`] then holds the
    /// token for the next challenge.
    pub fn is_mfa_required(&self) -> bool {
        self.code() == Some("mfa_required")
    }

    /// The `mfa_token` of an `mfa_required` error.
    pub fn mfa_token(&self) -> Option<&Secret> {
        self.inner.api.as_ref()?.mfa_token.as_ref()
    }

    /// How long the server asked to wait (a 429 or 503 `Retry-After`, in seconds or as an HTTP
    /// date), clamped to [`MAX_RETRY_AFTER`]. The client never retries by itself.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        match inner.kind {
            ErrorKind::Config => write!(f, "invalid client configuration: {}", inner.message),
            ErrorKind::InvalidInput => write!(f, "invalid request: {}; nothing was sent", inner.message),
            ErrorKind::Connect => f.write_str("could not connect to the server; nothing was sent"),
            ErrorKind::Timeout if inner.may_have_been_delivered => {
                write!(f, "request {}; it may have been delivered", inner.message)
            }
            ErrorKind::Timeout => write!(f, "connect {}; nothing was sent", inner.message),
            ErrorKind::Transport => write!(f, "{}; the request may have been delivered", inner.message),
            _ => match inner.status {
                Some(status) => write!(f, "HTTP {status}: {}", inner.message),
                None => f.write_str(&inner.message),
            },
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &inner.kind).field("message", &inner.message);
        d.field("may_have_been_delivered", &inner.may_have_been_delivered);
        if let Some(status) = inner.status {
            d.field("status", &status.as_u16());
        }
        if let Some(api) = &inner.api {
            // Only what `Display` shows, bounded and escaped; the nested `errors` by count.
            d.field("api_code", &api.code.as_deref().map(|code| one_line(code, MAX_CODE_CHARS)));
            d.field("api_message", &one_line(&api.message, MAX_MESSAGE_CHARS));
            d.field("api_errors", &api.errors.len());
        }
        if let Some(excerpt) = &inner.excerpt {
            // Raw server output may echo anything back, secrets included: show only its size.
            d.field("body_excerpt_chars", &excerpt.chars().count());
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

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source.as_ref().map(|s| &**s as &(dyn StdError + 'static))
    }
}

fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    String::from_utf8_lossy(head).chars().take(EXCERPT_CHARS).collect()
}
