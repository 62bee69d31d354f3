//! [`ClientBuilder`]: every setting, its default, and the checks `build()` makes.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT};
use url::Url;

use crate::client::Client;
use crate::connect_deadline::ConnectDeadlineLayer;
use crate::credentials::TokenProvider;
use crate::error::Error;
use crate::header_value::{authorization_value, exact_header_value, is_framing_header, named_header_value};
use crate::middleware::Middleware;
use crate::proxy::{is_loopback, ProxyChoice};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::shared::Shared;

/// Sent as `User-Agent` unless replaced.
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
/// Time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole call: connect, send, and read the full response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response body read; larger bodies give [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// Extra connection attempts after a failed connect (nothing was sent, so this is safe).
pub const DEFAULT_CONNECT_RETRIES: u32 = 2;
/// Base delay between connect attempts; each retry doubles it and adds up to 50% jitter.
pub const DEFAULT_CONNECT_BACKOFF: Duration = Duration::from_millis(50);
/// How long an idle pooled connection is kept. Below the shortest common server keep-alive
/// timeout (Node.js 5 s; nginx 75 s, AWS ALB 60 s), so the client drops an idle connection before
/// the server does, instead of racing the server's close with a new request.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);
/// Longest wait for the next chunk of a streamed response body ([`ByteStream`](crate::ByteStream)).
pub const DEFAULT_CHUNK_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest `timeout`, `connect_timeout`, `chunk_timeout` or `pool_idle_timeout` `build()` accepts.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// The most connect retries `build()` accepts.
pub const MAX_CONNECT_RETRIES: u32 = 10;
/// The longest connect backoff `build()` accepts.
pub const MAX_CONNECT_BACKOFF: Duration = Duration::from_secs(60);

/// Which HTTP implementation carries the requests; everything above it is the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport {
    /// reqwest (the default): HTTP/1.1 and HTTP/2, proxies.
    #[default]
    Reqwest,
    /// hyper's HTTP/1.1 connections driven directly, with a pool for the base URL's origin
    /// (feature `hyper-transport`): fewer instructions per call; HTTP/1.1 only and no proxies (`build()` refuses it when a proxy would apply to
    /// the base URL).
    #[cfg(feature = "hyper-transport")]
    Hyper,
}

impl Client {
    /// Settings with the documented defaults; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// Settings for a [`Client`]. Start with [`Client::builder`]; invalid values are reported by
/// [`ClientBuilder::build`], never by the setters.
///
/// ```
/// use std::time::Duration;
/// use http_api_client::{Client, ErrorKind};
///
/// let client = Client::builder()
///     .base_url("https://billing.example.com/v1")
///     .bearer_token("jwt")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://billing.example.com/v1");
///
/// // Mistakes surface in `build()`, before anything is sent:
/// let refused = Client::builder().base_url("http://billing.example.com").build().unwrap_err();
/// assert_eq!(refused.kind(), ErrorKind::Config); // plain http only to loopback, unless allowed
/// # Ok::<(), http_api_client::Error>(())
/// ```
#[must_use]
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: Option<String>,
    bearer_token: Option<Secret>,
    auth_prefix: String,
    user_agent: String,
    default_headers: Vec<(String, String)>,
    connect_timeout: Duration,
    timeout: Duration,
    chunk_timeout: Duration,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    connect_retries: u32,
    connect_backoff: Duration,
    pool_idle_timeout: Duration,
    proxy: ProxyChoice,
    middleware: Vec<Arc<dyn Middleware>>,
    record_url: bool,
    retry: RetryPolicy,
    token_provider: Option<Arc<dyn TokenProvider>>,
    transport: Transport,
    http2_prior_knowledge: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            bearer_token: None,
            auth_prefix: "Bearer".to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            default_headers: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            chunk_timeout: DEFAULT_CHUNK_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            connect_retries: DEFAULT_CONNECT_RETRIES,
            connect_backoff: DEFAULT_CONNECT_BACKOFF,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            proxy: ProxyChoice::default(),
            middleware: Vec::new(),
            record_url: false,
            retry: RetryPolicy::default(),
            token_provider: None,
            transport: Transport::default(),
            http2_prior_knowledge: false,
        }
    }
}

impl ClientBuilder {
    /// The URL every endpoint path is appended to. Required: there is no default, so a token
    /// can never go to a host nobody chose. Must be `https`, or `http` to a loopback host
    /// (see [`allow_insecure_http`](Self::allow_insecure_http)); no query or fragment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The JWT sent as `Authorization: <prefix> <token>` on every call. Default: none (no
    /// `Authorization` header). Must not contain CR, LF or other control characters.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// The scheme word before the token (the C# client's `AddApiKeyPrefix`). Default: `Bearer`.
    /// An empty prefix sends the token alone.
    pub fn auth_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.auth_prefix = prefix.into();
        self
    }

    /// The `User-Agent` header. Default: [`DEFAULT_USER_AGENT`] (`http-api-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent on every call (a later call with the same name replaces it).
    /// Default: only `Accept: application/json`.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.default_headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.default_headers.push((name, value.into()));
        self
    }

    /// Time allowed to open a connection. Default: [`DEFAULT_CONNECT_TIMEOUT`] (10 s). Must be > 0.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call, body included. Default: [`DEFAULT_TIMEOUT`] (30 s).
    /// Must be > 0. [`CallOptions::timeout`](crate::CallOptions::timeout) overrides it per call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Longest wait for each next chunk of a streamed response body (an endpoint returning a
    /// [`ByteStream`](crate::ByteStream)); the call's timeout still bounds the whole exchange.
    /// Default: [`DEFAULT_CHUNK_TIMEOUT`] (30 s). Must be > 0.
    pub fn chunk_timeout(mut self, timeout: Duration) -> Self {
        self.chunk_timeout = timeout;
        self
    }

    /// Largest response body read before the call fails with `TooLarge`.
    /// Default: [`DEFAULT_MAX_RESPONSE_BYTES`] (1 MiB). Must be > 0.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allow a plain `http://` base URL to a host that is not loopback. Default: `false`
    /// (`http://` only to `localhost`, `127.0.0.0/8` and `[::1]`), since the token would
    /// cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// How many times a failed connect is retried, with jittered exponential backoff starting
    /// at `backoff`. A request an HTTP/2 server refused unprocessed (`REFUSED_STREAM`, or `GOAWAY`
    /// with `NO_ERROR`) is re-sent the same way and counts against the same number. A request
    /// with a streamed body is sent once. Default: [`DEFAULT_CONNECT_RETRIES`] (2) and
    /// [`DEFAULT_CONNECT_BACKOFF`] (50 ms). `0` turns both off; the [`retry`](Self::retry)
    /// policy does not re-send either (it re-sends what may have been delivered, when the
    /// operation allows).
    pub fn connect_retries(mut self, retries: u32, backoff: Duration) -> Self {
        self.connect_retries = retries;
        self.connect_backoff = backoff;
        self
    }

    /// How long an idle pooled connection is kept for reuse. Default:
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`] (4 s). Keep it below the server's keep-alive timeout: a
    /// request written just as the server closes an idle connection fails with `Transport`
    /// ("may have been delivered"), as the client cannot know whether the server read it.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Sends every request to a non-loopback host through this proxy (`http://` or `https://`
    /// proxy URL), plain-http targets included: an explicit choice. Default: the environment's
    /// `HTTPS_PROXY`/`ALL_PROXY` for `https://` targets only (see the README's proxy policy);
    /// loopback targets never use a proxy.
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.proxy = ProxyChoice::Explicit(url.into());
        self
    }

    /// Connects directly, ignoring proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Direct;
        self
    }

    /// Adds `middleware` around every call; the first added is the outermost. See
    /// [`middleware`](crate::middleware). Default: none, which costs nothing per call.
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Records the full URL (`url.full`: path and query values, which can hold identifiers or
    /// personal data) on each call's span. Default: `false`, spans carry only the route template.
    pub fn record_url_in_spans(mut self, record: bool) -> Self {
        self.record_url = record;
        self
    }

    /// When retryable calls are sent again (see [`retry`](crate::retry) for what is retryable).
    /// Default: [`RetryPolicy::default`] (3 attempts, 100 ms–2 s jittered backoff, 30 s budget).
    /// A non-idempotent call without an idempotency key is never re-sent once it may have been
    /// delivered, whatever the policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Gets the bearer token from `provider` before every attempt, instead of a fixed
    /// [`bearer_token`](Self::bearer_token) (the provider wins if both are set).
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.token_provider = Some(Arc::new(provider));
        self
    }

    /// The HTTP implementation underneath. Default: [`Transport::Reqwest`].
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// Speaks only HTTP/2, from the first byte, without negotiating it: for `http://` servers
    /// that speak HTTP/2 alone (h2c), such as gRPC-style gateways and sidecars. Over TLS it offers
    /// only HTTP/2 too, so a server that speaks HTTP/1.1 alone can no longer be reached; left off,
    /// HTTP/2 is used over TLS whenever the server offers it. Reqwest transport only: the hyper
    /// transport speaks HTTP/1.1, and `build()` refuses the two together. Default: `false`.
    pub fn http2_prior_knowledge(mut self, on: bool) -> Self {
        self.http2_prior_knowledge = on;
        self
    }

    /// Checks every setting and builds the client (one connection pool, shared by every API
    /// client made from it and by its clones).
    pub fn build(self) -> Result<Client, Error> {
        let Some(base_url) = &self.base_url else {
            return Err(Error::config("no base URL: set one with ClientBuilder::base_url"));
        };
        let base = parse_base_url(base_url, self.allow_insecure_http)?;
        let auth = match &self.bearer_token {
            Some(token) => Some(authorization_value(&self.auth_prefix, token).map_err(Error::config)?),
            None => None,
        };
        self.check_limits()?;
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes must be greater than zero"));
        }
        let headers = self.default_header_map()?;
        #[cfg(feature = "hyper-transport")]
        if self.http2_prior_knowledge && self.transport == Transport::Hyper {
            return Err(Error::config(
                "the hyper transport speaks HTTP/1.1 only: http2_prior_knowledge needs the reqwest transport",
            ));
        }
        #[cfg(feature = "hyper-transport")]
        let hyper = match self.transport {
            Transport::Hyper => Some(self.hyper_transport(&base, headers.clone())?),
            Transport::Reqwest => None,
        };
        let built =
            |e: reqwest::Error| Error::config("the HTTP client could not be built").with_source(Box::new(e));
        let http = self.reqwest_builder(headers.clone())?.build().map_err(built)?;
        // A layer around the connector costs allocations on every request, so it sits only on the
        // transport for attempts whose time runs out before a connect could (see `transport.rs`).
        let http_connect_deadline =
            self.reqwest_builder(headers)?.connector_layer(ConnectDeadlineLayer).build().map_err(built)?;
        Ok(Client::from_shared(Arc::new(Shared {
            http,
            http_connect_deadline,
            base,
            auth,
            auth_prefix: self.auth_prefix,
            timeout: self.timeout,
            chunk_timeout: self.chunk_timeout,
            connect_timeout: self.connect_timeout,
            max_response_bytes: self.max_response_bytes,
            connect_retries: self.connect_retries,
            connect_backoff: self.connect_backoff,
            middleware: self.middleware,
            record_url: self.record_url,
            retry: self.retry,
            token_provider: self.token_provider,
            #[cfg(feature = "hyper-transport")]
            hyper,
        })))
    }

    /// The hyper transport, refused when a proxy would apply to `base`: it connects directly.
    #[cfg(feature = "hyper-transport")]
    fn hyper_transport(
        &self,
        base: &Url,
        mut headers: HeaderMap,
    ) -> Result<crate::hyper_transport::HyperTransport, Error> {
        if self.proxy.applies_to(base) {
            return Err(Error::config(
                "the hyper transport does not use proxies, and one applies to the base URL: \
                 use the reqwest transport, or `no_proxy()` to connect directly",
            ));
        }
        let user_agent = exact_header_value(&self.user_agent)
            .map_err(|reason| Error::config(format!("user agent {reason}")))?;
        headers.insert(http::header::USER_AGENT, user_agent);
        crate::hyper_transport::HyperTransport::new(
            base,
            self.connect_timeout,
            self.pool_idle_timeout,
            headers,
        )
    }

    /// The reqwest settings both transports share.
    fn reqwest_builder(&self, headers: HeaderMap) -> Result<reqwest::ClientBuilder, Error> {
        let mut http = reqwest::Client::builder().no_proxy();
        if let Some(proxy) = self.proxy.to_reqwest()? {
            http = http.proxy(proxy);
        }
        if self.http2_prior_knowledge {
            http = http.http2_prior_knowledge();
        }
        let user_agent = exact_header_value(&self.user_agent)
            .map_err(|reason| Error::config(format!("user agent {reason}")))?;
        Ok(http
            .use_rustls_tls()
            .user_agent(user_agent)
            .default_headers(headers)
            // A redirect would re-send the body (an SMS) and could carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            // No client-wide timeout: the call's time is kept above the transport, by a timer in
            // the call's own future (`transport::timed_above_transport`); reqwest's would be a
            // boxed timer per request, polled again with every chunk of the body.
            .pool_idle_timeout(self.pool_idle_timeout)
            // What may be re-sent is decided above the transport (`transport.rs` re-sends a
            // request the server refused unprocessed, as for a failed connect). reqwest's own
            // policy would also copy every request up front in case it re-sends it.
            .retry(reqwest::retry::never().max_retries_per_request(0)))
    }

    /// Refuses values that would make a call wait forever or overflow time arithmetic.
    fn check_limits(&self) -> Result<(), Error> {
        let timeouts = [
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
            ("chunk_timeout", self.chunk_timeout),
            ("pool_idle_timeout", self.pool_idle_timeout),
        ];
        for (name, value) in timeouts {
            if value.is_zero() || value > MAX_TIMEOUT {
                return Err(Error::config(format!("{name} must be greater than zero and at most 24 h")));
            }
        }
        if self.connect_retries > MAX_CONNECT_RETRIES || self.connect_backoff > MAX_CONNECT_BACKOFF {
            return Err(Error::config("connect_retries allows at most 10 retries and a 60 s backoff"));
        }
        Ok(())
    }

    fn default_header_map(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.default_headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::config(format!("default header name `{}` is not valid", name.escape_debug()))
            })?;
            if is_framing_header(&name) {
                return Err(Error::config(format!(
                    "default header `{name}` frames the message or manages the connection: the transport sets it"
                )));
            }
            let value = named_header_value(&name, value)
                .map_err(|reason| Error::config(format!("default header `{name}` {reason}")))?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(base_url_for_debug))
            .field("bearer_token", &self.bearer_token)
            .field("auth_prefix", &self.auth_prefix)
            .field("user_agent", &self.user_agent)
            .field("default_headers", &self.default_headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("chunk_timeout", &self.chunk_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("connect_retries", &self.connect_retries)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("http2_prior_knowledge", &self.http2_prior_knowledge)
            .field("proxy", &self.proxy)
            .field("middleware", &self.middleware.len())
            .field("record_url_in_spans", &self.record_url)
            .field("retry", &self.retry)
            .field("token_provider", &self.token_provider.is_some())
            .finish()
    }
}

/// The base URL as `Debug` shows it: without a user name or password, which `build` refuses but
/// the builder holds until then, and not at all when it is not a URL (it could be anything).
fn base_url_for_debug(text: &str) -> Cow<'_, str> {
    match Url::parse(text) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            // Both succeed on a URL that has them.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Cow::Owned(format!("{url} (credentials removed)"))
        }
        Ok(_) => Cow::Borrowed(text),
        Err(_) => Cow::Borrowed("(not a URL)"),
    }
}

fn parse_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    // The URL parser silently drops tabs and newlines and trims spaces: refuse them instead, so
    // the URL used is the one written.
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::config("base URL contains whitespace or control characters"));
    }
    let mut url = Url::parse(text).map_err(|e| Error::config(format!("base URL is not a valid URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => return Err(Error::config(
            "plain http:// is only allowed to loopback hosts; use https:// or allow insecure http explicitly",
        )),
        other => {
            return Err(Error::config(format!("base URL scheme `{}` is not http or https", shorten(other))))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config("base URL must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("base URL must not carry credentials; use bearer_token"));
    }
    // `https://host/v1/`, `https://host/v1//` and `https://host/v1` mean the same base: drop the
    // empty last segments so appending segments never yields `//`.
    while url.path().len() > 1 && url.path().ends_with('/') {
        url.path_segments_mut().map_err(|_| Error::config("base URL cannot have a path appended"))?.pop();
    }
    if url.cannot_be_a_base() {
        return Err(Error::config("base URL cannot have a path appended"));
    }
    Ok(url)
}

fn shorten(text: &str) -> String {
    text.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn build_err(builder: ClientBuilder) -> Error {
        builder.build().expect_err("should be refused")
    }

    #[test]
    fn insecure_http_only_to_loopback_unless_allowed() {
        for ok in
            ["http://127.0.0.1:1/v1", "http://localhost:9", "http://[::1]:8080/", "https://example.com/v1/"]
        {
            Client::builder().base_url(ok).build().unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        let err = build_err(Client::builder().base_url("http://example.com/v1"));
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("loopback"), "{err}");
        Client::builder().base_url("http://example.com").allow_insecure_http(true).build().unwrap();
    }

    #[test]
    fn a_builder_shows_no_credentials_of_its_base_url() {
        let shown = format!("{:?}", Client::builder().base_url("https://app:hunter2@example.com/v1"));
        assert!(shown.contains("\"https://example.com/v1 (credentials removed)\""), "{shown}");
        assert!(!shown.contains("hunter2") && !shown.contains("app:"), "{shown}");
        let shown = format!("{:?}", Client::builder().base_url("//app:hunter2@example.com"));
        assert!(shown.contains("(not a URL)") && !shown.contains("hunter2"), "{shown}");
        let shown = format!("{:?}", Client::builder().base_url("https://example.com/v1"));
        assert!(shown.contains("\"https://example.com/v1\""), "{shown}");
    }

    #[test]
    fn invalid_settings_are_reported_by_build() {
        let cases = [
            Client::builder().base_url("not a url"),
            Client::builder().base_url("ftp://example.com"),
            Client::builder().base_url("https://example.com/v1?x=1"),
            Client::builder().base_url("https://user:pw@example.com"),
            Client::builder().base_url("https://h").bearer_token("abc\r\nX-Evil: 1"),
            Client::builder().base_url("https://h").bearer_token("nul\0"),
            Client::builder().base_url("https://h").user_agent("ua\n"),
            Client::builder().base_url("https://h").default_header("bad name", "v"),
            Client::builder().base_url("https://h").default_header("X-Ok", "v\r\n"),
            Client::builder().base_url("https://h").timeout(Duration::ZERO),
            Client::builder().base_url("https://h").max_response_bytes(0),
        ];
        for builder in cases {
            let debug = format!("{builder:?}");
            let err = build_err(builder);
            assert!(matches!(err.kind(), ErrorKind::Config | ErrorKind::InvalidInput), "{debug}: {err:?}");
        }
    }

    #[test]
    fn a_client_without_a_base_url_is_refused() {
        let err = build_err(Client::builder().bearer_token("t"));
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("no base URL"), "{err}");
    }

    #[test]
    fn trailing_slash_in_base_is_ignored() {
        let a = parse_base_url("https://h/v1/", false).unwrap();
        let b = parse_base_url("https://h/v1", false).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn debug_hides_the_token() {
        let builder = Client::builder().base_url("https://h").bearer_token("SENTINEL-JWT");
        assert!(!format!("{builder:?}").contains("SENTINEL"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("SENTINEL"));
    }
}
