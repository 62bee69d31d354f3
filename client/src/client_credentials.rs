//! [`ClientCredentials`]: a [`TokenProvider`] that gets the bearer JWT of an API client from
//! Dintero's token endpoint (`grant_type=client_credentials`), caches it until shortly before
//! it expires, and refreshes it once for all callers.
//!
//! ```no_run
//! use dintero_auth::prelude::*;
//! use dintero_auth::models::AuthChallenge;
//! use dintero_auth::ClientCredentials;
//!
//! # async fn run(client_id: String, client_secret: String, mfa_token: String) -> Result<(), dintero_auth::Error> {
//! let credentials = ClientCredentials::builder("P00000000", client_id, client_secret).build()?;
//! let client = dintero_auth::builder().token_provider(credentials).build()?;
//! // The first call gets a token; later calls reuse it until shortly before it expires.
//! client.challenge_api().aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms(mfa_token)).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Serialize;

use crate::middleware::BoxFuture;
use crate::models::{AccessToken, ErrorBody};
use crate::{api, http::StatusCode, Error, ErrorKind, Secret, TokenProvider, DEFAULT_BASE_URL};

/// The runtime's error, which a [`TokenProvider`] returns.
type RuntimeError = http_api_client::Error;

/// The longest time before expiry at which a cached token is replaced.
pub const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The body of a `client_credentials` token request.
#[derive(Serialize)]
struct ClientCredentialsGrant<'a> {
    grant_type: &'static str,
    audience: &'a str,
}

/// The token endpoint as this provider calls it: HTTP Basic with the client's id and secret.
/// The declared `Authorization` header wins over any bearer token of the client it runs on.
#[api(error_body = ErrorBody)]
trait ClientCredentialsApi {
    #[post("/accounts/{aid}/auth/token")]
    async fn client_credentials_token(
        &self,
        aid: &str,
        #[header("Authorization")] authorization: &Secret,
        #[body] data: &ClientCredentialsGrant<'_>,
    ) -> Result<AccessToken, Error>;
}

/// Where the provider reads the time; replaceable for tests with
/// [`ClientCredentialsBuilder::clock`].
type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// An access token got from the token endpoint, and when to stop handing it out.
struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// Why the last token request failed, kept so that callers who waited on it get the same
/// answer instead of sending a request each.
#[derive(Clone)]
struct Failure {
    /// The number of the attempt that failed (see `ClientCredentials::attempts`).
    attempt: u64,
    message: String,
    status: Option<StatusCode>,
}

impl Failure {
    fn to_error(&self) -> RuntimeError {
        RuntimeError::credentials_failed(self.message.clone(), self.status)
    }
}

/// A [`TokenProvider`] for Dintero API clients: `POST /accounts/{aid}/auth/token` with
/// `grant_type=client_credentials`, authenticated with HTTP Basic `client_id:client_secret`.
///
/// - The access token is cached until shortly before its `expires_in` runs out: the margin is
///   the smaller of [`MAX_REFRESH_MARGIN`] (60 s) and 10 % of the lifetime, counted from when
///   the request was sent.
/// - Single-flight: while a token request is on its way, every other caller waits for it
///   instead of sending its own, and a failure is handed to those who waited (the next caller
///   after it tries again).
/// - After a `401` the client calls [`TokenProvider::refresh`]: a new token is requested only
///   if the rejected one is still the cached one (another caller may have replaced it).
/// - A failure is an error of kind [`ErrorKind::Credentials`]
///   whose [`status`](http_api_client::Error::status) is the token endpoint's, and whose
///   message names its error code (e.g. `invalid_client`). The client secret never appears in
///   `Debug`, an error or a log line.
///
/// The token requests go through a runtime client of their own, with no token provider, so
/// the `Authorization: Basic` header is the only credential they carry.
pub struct ClientCredentials {
    api: ClientCredentialsApiClient,
    aid: String,
    client_id: String,
    client_secret: Secret,
    /// `Basic base64(client_id:client_secret)`.
    basic: Secret,
    audience: String,
    clock: Clock,
    cache: Mutex<Option<Cached>>,
    /// Held across a token request: the single flight. Holds the last request's failure.
    flight: tokio::sync::Mutex<Option<Failure>>,
    /// Token requests completed (successful or not).
    attempts: AtomicU64,
}

impl ClientCredentials {
    /// A provider for API client `client_id` of account `aid` (e.g. `P00000000`), against
    /// Dintero's production API ([`DEFAULT_BASE_URL`]); see [`ClientCredentials::builder`] for
    /// the other settings.
    pub fn builder(
        aid: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> ClientCredentialsBuilder {
        ClientCredentialsBuilder {
            http: crate::builder(),
            aid: aid.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            audience: None,
            clock: None,
        }
    }

    /// A provider with the base URL `base_url` and every other setting at its default.
    ///
    /// # Errors
    /// As [`ClientCredentialsBuilder::build`].
    pub fn new(
        base_url: impl Into<String>,
        aid: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Result<Self, Error> {
        Self::builder(aid, client_id, client_secret).base_url(base_url).build()
    }

    /// The account the tokens are for.
    pub fn aid(&self) -> &str {
        &self.aid
    }

    /// The API client's id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The `audience` asked for.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The token, if one is cached and not yet due for refresh.
    fn fresh(&self) -> Option<Secret> {
        let now = (self.clock)();
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.as_ref().filter(|cached| now < cached.refresh_at).map(|cached| cached.token.clone())
    }

    /// The cached token, fresh or not.
    fn cached(&self) -> Option<Secret> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.as_ref().map(|cached| cached.token.clone())
    }

    fn store(&self, cached: Option<Cached>) {
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = cached;
    }

    /// The cached token or a new one. `rejected`: the token a server refused, which is not to
    /// be handed out again.
    async fn get(&self, rejected: Option<&Secret>) -> Result<Secret, RuntimeError> {
        if rejected.is_none() {
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
        }
        let seen = self.attempts.load(Ordering::Acquire);
        let mut flight = self.flight.lock().await;
        // Whoever held the flight before may have done the work.
        if let Some(token) = self.fresh() {
            if rejected != Some(&token) {
                return Ok(token);
            }
            // Still the rejected one: it is of no use to anyone.
            self.store(None);
        }
        if let Some(failure) = flight.as_ref().filter(|failure| failure.attempt > seen) {
            // A request made while this caller waited has just failed: its answer is this one's.
            return Err(failure.to_error());
        }
        let outcome = self.request().await;
        let attempt = self.attempts.fetch_add(1, Ordering::AcqRel) + 1;
        match outcome {
            Ok(cached) => {
                let token = cached.token.clone();
                self.store(Some(cached));
                *flight = None;
                Ok(token)
            }
            Err((message, status)) => {
                let failure = Failure { attempt, message, status };
                let error = failure.to_error();
                *flight = Some(failure);
                Err(error)
            }
        }
    }

    /// One token request. On failure: the message and the token endpoint's status.
    async fn request(&self) -> Result<Cached, (String, Option<StatusCode>)> {
        let sent_at = (self.clock)();
        let grant = ClientCredentialsGrant { grant_type: "client_credentials", audience: &self.audience };
        let answer = self.api.client_credentials_token(&self.aid, &self.basic, &grant).await;
        let answer = answer.map_err(|error| (self.describe(&error), error.status()))?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            return Err(("the token endpoint issued a token that is not a Bearer token".into(), None));
        }
        let token = answer.access_token;
        if token.expose().is_empty() || token.expose().chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err((
                "the token endpoint issued an empty access token or one with whitespace or control characters"
                    .into(),
                None,
            ));
        }
        let lifetime = Duration::from_secs(answer.expires_in);
        let margin = MAX_REFRESH_MARGIN.min(lifetime / 10);
        // `expires_in` is at most ten years (`MAX_SECONDS`), so this cannot overflow in practice;
        // should it, the token is used for this call only.
        let refresh_at = sent_at.checked_add(lifetime - margin).unwrap_or(sent_at);
        Ok(Cached { token, refresh_at })
    }

    /// What went wrong, in words that name the token endpoint's status and error code but
    /// never a credential.
    fn describe(&self, error: &Error) -> String {
        match error.kind() {
            ErrorKind::Api => {
                let code = error.code().filter(|code| self.printable_code(code));
                let what = match error.status() {
                    Some(StatusCode::UNAUTHORIZED) | Some(StatusCode::FORBIDDEN) => {
                        "the token endpoint refused the client credentials"
                    }
                    _ => "the token endpoint answered with an error",
                };
                match code {
                    Some(code) => format!("{what}: {code}"),
                    None => what.to_owned(),
                }
            }
            ErrorKind::Connect => "could not connect to the token endpoint".to_owned(),
            ErrorKind::Timeout => "the token endpoint did not answer in time".to_owned(),
            ErrorKind::Transport => "the connection to the token endpoint failed".to_owned(),
            ErrorKind::Redirect => "the token endpoint answered with a redirect (not followed)".to_owned(),
            ErrorKind::TooLarge => "the token endpoint's answer is too large".to_owned(),
            // The runtime's text for these names a category and a field, never a value.
            ErrorKind::Decode => format!("the token endpoint's answer is not an access token ({error})"),
            _ => format!("the token request could not be made ({error})"),
        }
    }

    /// Whether a server's error code may be shown: a short identifier of lowercase words
    /// (`invalid_client`, `mfa_required`), as error codes are, and not the secret echoed back.
    /// Capitals and digits are refused, as an encoded echo of the credentials (the `Basic`
    /// value's base64, say) is made of them; the secret is looked for whatever its case.
    fn printable_code(&self, code: &str) -> bool {
        !code.is_empty()
            && code.len() <= 64
            && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.' || b == b'-')
            && !code.contains(&self.client_secret.expose().to_ascii_lowercase())
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<Secret, RuntimeError>> {
        Box::pin(self.get(None))
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<Secret, RuntimeError>> {
        Box::pin(self.get(Some(rejected)))
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("base_url", &self.api.client().base_url().as_str())
            .field("aid", &self.aid)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("audience", &self.audience)
            .field("token_cached", &self.cached().is_some())
            .finish_non_exhaustive()
    }
}

/// Settings for a [`ClientCredentials`] provider; start with [`ClientCredentials::builder`].
/// Mistakes are reported by [`build`](Self::build).
#[must_use]
pub struct ClientCredentialsBuilder {
    http: crate::ClientBuilder,
    aid: String,
    client_id: String,
    client_secret: Secret,
    audience: Option<String>,
    clock: Option<Clock>,
}

impl ClientCredentialsBuilder {
    /// The API's base URL. Default: [`DEFAULT_BASE_URL`]. Plain `http://` is refused unless the
    /// host is loopback or [`allow_insecure_http`](Self::allow_insecure_http) is set: the client
    /// secret would travel unencrypted.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.http = self.http.base_url(url);
        self
    }

    /// Overall timeout of one token request. Default: the runtime's
    /// [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.timeout(timeout);
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback. Default: `false`.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.http = self.http.allow_insecure_http(allow);
        self
    }

    /// The `audience` to ask for. Default: `https://api.dintero.com/v1/accounts/{aid}`, the
    /// account's API (whatever the base URL: the audience names an API, it is not called).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Where the provider reads the time when it caches a token and checks its age. Default:
    /// [`tokio::time::Instant::now`], so a test with tokio's paused clock moves it too; tests
    /// against a real server can pass a clock of their own and move it by hand.
    pub fn clock(mut self, clock: impl Fn() -> Instant + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the settings and builds the provider. Nothing is sent until a token is asked for.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] for an empty or unusable
    /// account id, an empty client id or one holding `:` or control characters (HTTP Basic
    /// cannot carry them), or an empty secret; the runtime's
    /// [`ErrorKind::Config`] for an unusable base URL or timeout.
    pub fn build(self) -> Result<ClientCredentials, Error> {
        let invalid = |reason: &'static str| Error::from(RuntimeError::invalid_input(reason));
        if self.aid.is_empty() || self.aid == "." || self.aid == ".." {
            return Err(invalid("the account id must not be empty, `.` or `..`"));
        }
        if self.client_id.is_empty() {
            return Err(invalid("the client id is empty"));
        }
        if self.client_id.contains(':') || self.client_id.chars().any(char::is_control) {
            return Err(invalid("the client id must not contain `:` or control characters (HTTP Basic)"));
        }
        if self.client_secret.expose().is_empty() {
            return Err(invalid("the client secret is empty"));
        }
        let client = self.http.build()?;
        let credentials = format!("{}:{}", self.client_id, self.client_secret.expose());
        let basic =
            Secret::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials)));
        let audience = self.audience.unwrap_or_else(|| format!("{DEFAULT_BASE_URL}/accounts/{}", self.aid));
        let clock = self.clock.unwrap_or_else(|| Arc::new(|| tokio::time::Instant::now().into_std()));
        Ok(ClientCredentials {
            api: ClientCredentialsApiClient::new(client),
            aid: self.aid,
            client_id: self.client_id,
            client_secret: self.client_secret,
            basic,
            audience,
            clock,
            cache: Mutex::new(None),
            flight: tokio::sync::Mutex::new(None),
            attempts: AtomicU64::new(0),
        })
    }
}

impl fmt::Debug for ClientCredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsBuilder")
            .field("http", &self.http)
            .field("aid", &self.aid)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> ClientCredentialsBuilder {
        ClientCredentials::builder("T00000000", "client", "SENTINEL-SECRET").base_url("http://127.0.0.1:9/v1")
    }

    #[test]
    fn basic_credentials_and_default_audience() {
        let credentials = provider().build().unwrap();
        // base64("client:SENTINEL-SECRET")
        assert_eq!(credentials.basic.expose(), "Basic Y2xpZW50OlNFTlRJTkVMLVNFQ1JFVA==");
        assert_eq!(credentials.audience(), "https://api.dintero.com/v1/accounts/T00000000");
        let printed = format!("{credentials:?} {:?}", provider());
        assert!(!printed.contains("SENTINEL") && !printed.contains("Y2xpZW50"), "{printed}");
    }

    #[test]
    fn unusable_settings_are_refused_without_the_secret() {
        let cases = [
            ClientCredentials::builder("", "c", "SENTINEL-SECRET"),
            ClientCredentials::builder("..", "c", "SENTINEL-SECRET"),
            ClientCredentials::builder("T1", "", "SENTINEL-SECRET"),
            ClientCredentials::builder("T1", "a:b", "SENTINEL-SECRET"),
            ClientCredentials::builder("T1", "a\nb", "SENTINEL-SECRET"),
            ClientCredentials::builder("T1", "c", ""),
        ];
        for builder in cases {
            let error = builder.build().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
            assert!(!format!("{error} {error:?}").contains("SENTINEL"));
        }
        let error = provider().base_url("http://example.com/v1").build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
    }

    #[test]
    fn error_codes_are_shown_only_when_harmless() {
        let credentials = provider().build().unwrap();
        assert!(credentials.printable_code("invalid_client"));
        assert!(credentials.printable_code("mfa_required"));
        assert!(!credentials.printable_code("bad\u{1b}[2J"));
        assert!(!credentials.printable_code("echo-SENTINEL-SECRET"));
        assert!(!credentials.printable_code("echo-sentinel-secret"));
        assert!(!credentials.printable_code(&"x".repeat(65)));
        // The `Basic` value's base64 (of `client:SENTINEL-SECRET`) echoed back, unpadded.
        assert!(!credentials.printable_code("Y2xpZW50OlNFTlRJTkVMLVNFQ1JFVA"));
    }
}
