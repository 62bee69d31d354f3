//! [`Error`]: the runtime's error with Dintero's error body.

use std::fmt;
use std::ops::Deref;

use crate::models::{ApiErrorDetail, ErrorBody};
use crate::Secret;

/// The error of every Dintero call: the runtime's [`http_api_client::Error`] (every predicate
/// of which is reachable through `Deref`: `status()`, `may_have_been_delivered()`,
/// `retry_after()`, ...), with Dintero's error body read on demand.
///
/// Like the runtime's error, `Display` and `Debug` show nothing of the body (a server's text
/// could carry anything); read it through [`Error::api_error`] and [`Error::code`].
///
/// ```
/// use dintero_auth::{http::StatusCode, Error};
///
/// // What a mock of `TokenApi` returns for a user with MFA:
/// let body = r#"{"error":{"code":"mfa_required","message":"MFA required","mfa_token":"t"}}"#;
/// let error = Error::from_status(StatusCode::FORBIDDEN, Default::default(), body);
/// assert!(error.is_mfa_required());
/// assert_eq!(error.mfa_token().map(|t| t.expose()), Some("t"));
/// assert_eq!(error.to_string(), "HTTP 403 Forbidden (74-byte body)");
/// ```
pub struct Error(http_api_client::Error<ErrorBody>);

impl Error {
    /// A 4xx/5xx answer with `body`, as a call would report it (for tests and mocks).
    pub fn from_status(
        status: http::StatusCode,
        headers: http::HeaderMap,
        body: impl Into<bytes::Bytes>,
    ) -> Self {
        Self(http_api_client::Error::from_status(status, headers, body))
    }

    /// The call's time ran out (for tests and mocks); `may_have_been_delivered` says whether
    /// the request had started going out.
    pub fn timed_out(after: std::time::Duration, may_have_been_delivered: bool) -> Self {
        Self(http_api_client::Error::timed_out(after, may_have_been_delivered))
    }

    /// The connection failed after the request was written (for tests and mocks): the server
    /// may have acted on it.
    pub fn lost_after_sending() -> Self {
        Self(http_api_client::Error::lost_after_sending())
    }

    /// No connection could be made (for tests and mocks): nothing was sent.
    pub fn connect_failed() -> Self {
        Self(http_api_client::Error::connect_failed())
    }

    /// The parsed Dintero error body (`{"error": {code, message, errors}}`), when the answer had
    /// that shape.
    pub fn api_error(&self) -> Option<&ApiErrorDetail> {
        self.0.body().map(|body| &body.error)
    }

    /// The Dintero error code, e.g. `mfa_required`.
    pub fn code(&self) -> Option<&str> {
        self.api_error()?.code.as_deref()
    }

    /// True for an API error whose code is `mfa_required`; [`Error::mfa_token`] then holds the
    /// token for the next challenge.
    pub fn is_mfa_required(&self) -> bool {
        self.code() == Some("mfa_required")
    }

    /// The `mfa_token` of an `mfa_required` error.
    pub fn mfa_token(&self) -> Option<&Secret> {
        self.api_error()?.mfa_token.as_ref()
    }

    /// The runtime's error.
    pub fn into_inner(self) -> http_api_client::Error<ErrorBody> {
        self.0
    }
}

impl Deref for Error {
    type Target = http_api_client::Error<ErrorBody>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// Any runtime error, whatever body type it was declared with, reads its body as Dintero's.
impl<B> From<http_api_client::Error<B>> for Error {
    fn from(error: http_api_client::Error<B>) -> Self {
        Self(error.with_body_type())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
