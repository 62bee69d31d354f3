//! [`Client`]: the shared connection pool and settings behind every API client.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use http::Method;
use url::Url;

use crate::call::{Call, Segment};
use crate::config::ClientBuilder;
use crate::error::Error;
use crate::options::CallOptions;

/// The runtime client: one connection pool, the base URL (parsed once) and the credentials.
///
/// Cheap to clone (two reference counts); clones share the pool. Every API client, generated
/// by `#[api]` or provided here, wraps one.
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) options: Option<Arc<CallOptions>>,
}

/// What `build()` validated once, so calls do no re-parsing.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) auth: Option<HeaderValue>,
    pub(crate) auth_prefix: String,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) connect_retries: u32,
    pub(crate) connect_backoff: Duration,
}

impl Client {
    /// Settings with the documented defaults; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared, options: None }
    }

    /// The base URL every endpoint path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.shared.base
    }

    /// A handle whose calls use `options` (timeout, extra headers, another bearer token). It
    /// shares this client's pool; the options replace any set before.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self { shared: Arc::clone(&self.shared), options: Some(Arc::new(options)) }
    }

    /// Starts a call: the URL is the base URL plus `path`, each parameter value percent-encoded
    /// as exactly one segment. Used by generated code.
    #[doc(hidden)]
    pub fn call(&self, method: Method, path: &[Segment<'_>]) -> Call<'_> {
        Call::new(self, method, join_path(&self.shared.base, path))
    }
}

/// Appends `path` to `base`. A parameter that is empty, `.` or `..` is refused: pushed as a
/// segment it would vanish or climb a level and so change which endpoint is called.
fn join_path(base: &Url, path: &[Segment<'_>]) -> Result<Url, Error> {
    let mut url = base.clone();
    let mut value = String::new();
    {
        // Cannot fail: `build()` refused base URLs that cannot take a path.
        let Ok(mut segments) = url.path_segments_mut() else {
            return Err(Error::invalid_input("base URL cannot take a path"));
        };
        for segment in path {
            match segment {
                Segment::Literal(literal) => {
                    segments.push(literal);
                }
                Segment::Param(name, display) => {
                    value.clear();
                    if write!(value, "{display}").is_err() {
                        return Err(Error::invalid_input(format!(
                            "path parameter `{name}` could not be formatted"
                        )));
                    }
                    if matches!(value.as_str(), "" | "." | "..") {
                        return Err(Error::invalid_input(format!(
                            "path parameter `{name}` must not be empty, `.` or `..`"
                        )));
                    }
                    segments.push(&value);
                }
            }
        }
    }
    Ok(url)
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base.as_str())
            .field("bearer_token", &self.shared.auth.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.shared.timeout)
            .field("connect_timeout", &self.shared.connect_timeout)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .field("options", &self.options)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(values: &[&str]) -> Result<String, Error> {
        let base = Url::parse("https://h/v1").unwrap();
        let mut path = vec![Segment::Literal("accounts")];
        let displays: Vec<&dyn fmt::Display> = values.iter().map(|v| v as &dyn fmt::Display).collect();
        path.extend(displays.iter().map(|d| Segment::Param("aid", *d)));
        path.push(Segment::Literal("auth"));
        join_path(&base, &path).map(|u| u.path().to_owned())
    }

    #[test]
    fn every_value_is_exactly_one_segment() {
        assert_eq!(join(&["P00000000"]).unwrap(), "/v1/accounts/P00000000/auth");
        assert_eq!(join(&["a b"]).unwrap(), "/v1/accounts/a%20b/auth");
        assert_eq!(join(&["a/b"]).unwrap(), "/v1/accounts/a%2Fb/auth");
        assert_eq!(join(&["%2e%2e"]).unwrap(), "/v1/accounts/%252e%252e/auth");
        assert_eq!(join(&["æøå"]).unwrap(), "/v1/accounts/%C3%A6%C3%B8%C3%A5/auth");
        assert_eq!(join(&["a?b#c"]).unwrap(), "/v1/accounts/a%3Fb%23c/auth");
        assert_eq!(join(&["..."]).unwrap(), "/v1/accounts/.../auth");
        assert_eq!(join(&["a\\b"]).unwrap(), "/v1/accounts/a%5Cb/auth");
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for bad in ["", ".", ".."] {
            let err = join(&[bad]).unwrap_err();
            assert!(err.is_invalid_input(), "{bad:?}");
            assert!(!err.may_have_been_delivered());
        }
    }
}
