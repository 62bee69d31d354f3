//! [`CallOptions`]: settings for the calls made through one API client handle.

use std::fmt;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};

use crate::config::MAX_TIMEOUT;
use crate::header_value::{authorization_value, is_framing_header, named_header_value};
use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// Per-call settings, applied with the generated `with_options` on any API client:
/// `client.challenge_api().with_options(CallOptions::new().timeout(d))`.
///
/// Invalid values (a header with a newline, a token with a control character) do not fail
/// here: every call made with these options then fails with an `InvalidInput` error before
/// anything is sent.
///
/// ```
/// use std::time::Duration;
/// use http_api_client::{api, CallOptions, Client, Error};
///
/// #[api]
/// pub trait Reports {
///     #[get("/reports/{id}")]
///     async fn report(&self, id: u64) -> Result<(), Error>;
/// }
///
/// let client = Client::builder().base_url("https://reports.example.com").build()?;
/// // A handle whose calls wait longer, carry a trace header and another user's token:
/// let slow = ReportsClient::new(client).with_options(
///     CallOptions::new().timeout(Duration::from_secs(120)).header("X-Trace", "1").bearer_token("other-jwt"),
/// );
/// # let _ = slow;
/// # Ok::<(), Error>(())
/// ```
#[must_use]
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) bearer_token: Option<Secret>,
    pub(crate) invalid: Option<&'static str>,
    pub(crate) retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed for the whole call, replacing the client's `timeout`. Must be > 0 and at
    /// most [`MAX_TIMEOUT`](crate::MAX_TIMEOUT).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if timeout.is_zero() || timeout > MAX_TIMEOUT {
            self.invalid = Some("the per-call timeout must be greater than zero and at most 24 h");
        }
        self.timeout = Some(timeout);
        self
    }

    /// An extra header on each call, replacing a default header and an earlier extra header of
    /// the same name. A header declared on the method itself (`#[header("...")]`) wins over it.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.invalid = Some("an extra header name is not a valid HTTP header name");
            return self;
        };
        if is_framing_header(&name) {
            self.invalid = Some("an extra header may not frame the message or manage the connection (Content-Length, Transfer-Encoding, Host, Connection, ...): the transport sets those");
            return self;
        }
        match named_header_value(&name, value) {
            Ok(value) => {
                self.headers.retain(|(existing, _)| *existing != name);
                self.headers.push((name, value));
            }
            Err(_) => {
                self.invalid = Some("an extra header value contains control characters or surrounding spaces")
            }
        }
        self
    }

    /// A retry policy for these calls, replacing the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// A different bearer token for these calls, sent with the client's prefix.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        let token = token.into();
        if let Err(reason) = authorization_value("Bearer", &token) {
            self.invalid = Some(reason);
        }
        self.bearer_token = Some(token);
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("bearer_token", &self.bearer_token)
            .field("invalid", &self.invalid)
            .field("retry", &self.retry)
            .finish()
    }
}
