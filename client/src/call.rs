//! [`Call`]: one request being assembled by generated code, then sent exactly once.
//!
//! Generated methods only do the type-specific work (serialize this argument, decode into that
//! type); everything else lives here, written once and not generic.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::client::Client;
use crate::config::authorization_value;
use crate::connect_deadline::{connect_deadline, connecting_until};
use crate::error::Error;
use crate::header_value::exact_header_value;
use crate::params::{push_pairs, to_scalar};
use crate::response::{decode_json, read_body, read_body_prefix, ApiResponse};

/// A request being assembled. The first invalid argument is kept and returned by `send_*`
/// before any I/O, so a bad value never sends a partial request.
#[doc(hidden)]
pub struct Call<'c> {
    client: &'c Client,
    method: Method,
    url: Result<Url, Error>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<(HeaderValue, Vec<u8>)>,
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

impl<'c> Call<'c> {
    pub(crate) fn new(client: &'c Client, method: Method, url: Result<Url, Error>) -> Self {
        Self { client, method, url, query: Vec::new(), headers: HeaderMap::new(), body: None }
    }

    fn fail(&mut self, error: Error) {
        if self.url.is_ok() {
            self.url = Err(error);
        }
    }

    /// Adds `value` as query parameters named `name` (see the `params` module for the shapes).
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Err(e) = push_pairs(name, value, &mut self.query) {
            self.fail(Error::invalid_input(format!("query parameter `{name}`: {e}")));
        }
    }

    /// Adds header `name` unless `value` is `None`.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match to_scalar(value) {
            Ok(Some(text)) => self.header_text(name, &text),
            Ok(None) => {}
            Err(e) => self.fail(Error::invalid_input(format!("header `{name}`: {e}"))),
        }
    }

    fn header_text(&mut self, name: &'static str, text: &str) {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.fail(Error::invalid_input(format!("`{name}` is not a valid header name")));
        };
        match exact_header_value(text) {
            Ok(value) => {
                self.headers.append(header, value);
            }
            Err(reason) => self.fail(Error::invalid_input(format!("header `{name}` {reason}"))),
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((JSON, bytes)),
            Err(e) => self.fail(Error::invalid_input(format!("body could not be serialized as JSON: {e}"))),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body; the value is flattened like a query.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        let mut pairs = Vec::new();
        match push_pairs("value", body, &mut pairs) {
            Ok(()) => {
                let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
                self.body = Some((FORM, encoded.into_bytes()));
            }
            Err(e) => self.fail(Error::invalid_input(format!("form body: {e}"))),
        }
    }

    /// Sends and decodes a 2xx JSON body into `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (status, _, body) = self.send().await?;
        decode_json(status, &body)
    }

    /// Sends and ignores the body of a 2xx answer.
    pub async fn send_unit(self) -> Result<(), Error> {
        self.send().await.map(drop)
    }

    /// Sends and returns status, headers and the decoded body.
    pub async fn send_with_info<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let (status, headers, body) = self.send().await?;
        let data = decode_json(status, &body)?;
        Ok(ApiResponse { status, headers, data })
    }

    /// Sends and returns status and headers of a 2xx answer, ignoring its body.
    pub async fn send_with_info_unit(self) -> Result<ApiResponse<()>, Error> {
        let (status, headers, _) = self.send().await?;
        Ok(ApiResponse { status, headers, data: () })
    }

    /// The one place a request goes out. Returns the body of a 2xx answer; every other outcome
    /// is an [`Error`].
    async fn send(self) -> Result<(StatusCode, HeaderMap, Bytes), Error> {
        let shared = &*self.client.shared;
        let options = self.client.options.as_deref();
        let mut url = self.url?;
        let mut headers = self.headers;
        let mut timeout = shared.timeout;
        let mut auth = shared.auth.clone();
        if let Some(options) = options {
            if let Some(reason) = options.invalid {
                return Err(Error::invalid_input(reason));
            }
            if let Some(t) = options.timeout {
                timeout = t;
            }
            if let Some(token) = &options.bearer_token {
                auth = Some(authorization_value(&shared.auth_prefix, token).map_err(Error::invalid_input)?);
            }
            // A header declared on the method is the most specific choice: it wins.
            for (name, value) in &options.headers {
                if !headers.contains_key(name) {
                    headers.insert(name.clone(), value.clone());
                }
            }
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let body = self.body.map(|(content_type, bytes)| (content_type, Bytes::from(bytes)));

        let started = Instant::now();
        let parts = RequestParts { method: self.method, url, headers, auth, body, timeout };
        let mut response = send_with_connect_retries(self.client, parts).await?;
        let status = response.status();
        // Taken, not cloned: nothing reads the response's header map after this point (the size
        // cap uses the body's length hint).
        let headers = std::mem::take(response.headers_mut());
        let limit = shared.max_response_bytes;
        let outcome = if status.is_success() {
            read_body(response, limit, timeout).await.map(|body| (status, headers, body))
        } else if status.is_redirection() {
            // A redirect's body is never used: leave it unread.
            Err(Error::redirect(status, headers))
        } else {
            // Status, headers and `Retry-After` matter more than the body: an oversized body is
            // cut at the cap rather than turning the answer into `TooLarge`.
            let (body, complete) = read_body_prefix(response, limit, timeout).await?;
            Err(Error::api(status, headers, &body, complete))
        };
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "dintero-auth response"
        );
        outcome
    }
}

/// What one attempt needs; kept so a failed connect can be tried again.
///
/// `Authorization` and `Content-Type` are kept apart from `headers` (the per-call and
/// `CallOptions` headers, usually none) and added to each attempt's request. So an attempt that
/// may be followed by another copies only the URL and those usually empty extra headers, and the
/// last attempt copies nothing. The request gets the same header map as merging everything at
/// once would give: extra headers, then `Authorization`, then `Content-Type`, each replacing an
/// earlier header of its name.
struct RequestParts {
    method: Method,
    url: Url,
    headers: HeaderMap,
    auth: Option<HeaderValue>,
    /// The content type and the bytes, which attempts share rather than copy.
    body: Option<(HeaderValue, Bytes)>,
    timeout: Duration,
}

impl RequestParts {
    /// The request for an attempt that may be followed by another.
    fn request(&self, client_timeout: Duration) -> reqwest::Request {
        let (method, url, headers) = (self.method.clone(), self.url.clone(), self.headers.clone());
        assemble(method, url, headers, &self.auth, &self.body, self.timeout, client_timeout)
    }

    /// The request for the last attempt, using up the parts.
    fn into_request(self, client_timeout: Duration) -> reqwest::Request {
        assemble(self.method, self.url, self.headers, &self.auth, &self.body, self.timeout, client_timeout)
    }
}

fn assemble(
    method: Method,
    url: Url,
    mut headers: HeaderMap,
    auth: &Option<HeaderValue>,
    body: &Option<(HeaderValue, Bytes)>,
    timeout: Duration,
    client_timeout: Duration,
) -> reqwest::Request {
    // A header declared on the method (`#[header("Authorization")]`, a `CallOptions` header)
    // wins over the client's token and the body's content type.
    if let Some(auth) = auth {
        if !headers.contains_key(AUTHORIZATION) {
            headers.insert(AUTHORIZATION, auth.clone());
        }
    }
    let mut request = reqwest::Request::new(method, url);
    match body {
        Some((content_type, bytes)) => {
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, content_type.clone());
            }
            *request.body_mut() = Some(bytes.clone().into());
        }
        // RFC 9110 §8.6: a request whose method defines a body says it has none, else some
        // servers and proxies answer 411 Length Required.
        None if expects_body(request.method()) => {
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        None => {}
    }
    *request.headers_mut() = headers;
    // The reqwest client applies `client_timeout` to every request already; setting the same
    // value on the request too would only cost an extensions map per call.
    if timeout != client_timeout {
        *request.timeout_mut() = Some(timeout);
    }
    request
}

/// Sends once; only a failed connect (nothing written) is tried again, after a jittered,
/// doubling pause, while the call's time lasts. Anything after the connect is never repeated:
/// the server may have acted.
async fn send_with_connect_retries(
    client: &Client,
    mut parts: RequestParts,
) -> Result<reqwest::Response, Error> {
    let shared = &*client.shared;
    tracing::debug!(method = %parts.method, path = parts.url.path(), "dintero-auth request");
    let started = tokio::time::Instant::now();
    let deadline = started + parts.timeout;
    let connect_by = connect_deadline(started, parts.timeout);
    for attempt in 0..shared.connect_retries {
        match connecting_until(connect_by, shared.http.execute(parts.request(shared.timeout))).await {
            Ok(response) => return Ok(response),
            Err(e) if e.is_connect() => {
                let pause = backoff(shared.connect_backoff, attempt);
                if tokio::time::Instant::now() + pause >= connect_by {
                    return Err(classify(e, parts.timeout, shared.connect_timeout));
                }
                tracing::debug!(attempt, "connect failed; nothing was sent, retrying");
                tokio::time::sleep(pause).await;
                // The call's timeout covers every attempt: the next one gets what is left.
                parts.timeout = deadline.saturating_duration_since(tokio::time::Instant::now());
            }
            Err(e) => return Err(classify(e, parts.timeout, shared.connect_timeout)),
        }
    }
    let timeout = parts.timeout;
    let result = connecting_until(connect_by, shared.http.execute(parts.into_request(shared.timeout))).await;
    result.map_err(|e| classify(e, timeout, shared.connect_timeout))
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
        _ if is_body => Error::transport("the connection failed while reading the response", source),
        _ => Error::transport("the connection failed after the request was sent", source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(timeout: Duration) -> RequestParts {
        let mut headers = HeaderMap::new();
        // As a declared `#[header("Authorization")]` would put it: it wins over the client's token.
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic other"));
        headers.insert("x-extra", HeaderValue::from_static("1"));
        RequestParts {
            method: Method::POST,
            url: Url::parse("http://127.0.0.1:1/v1/a").unwrap(),
            headers,
            auth: Some(HeaderValue::from_static("Bearer t")),
            body: Some((JSON, Bytes::from_static(b"{}"))),
            timeout,
        }
    }

    #[test]
    fn every_attempt_sends_the_same_request() {
        let client_timeout = Duration::from_secs(30);
        for timeout in [client_timeout, Duration::from_secs(5)] {
            let parts = parts(timeout);
            let retry = parts.request(client_timeout);
            let last = parts.into_request(client_timeout);
            for request in [&retry, &last] {
                assert_eq!(request.method(), Method::POST);
                assert_eq!(request.url().as_str(), "http://127.0.0.1:1/v1/a");
                let headers = request.headers();
                assert_eq!(headers.len(), 3);
                assert_eq!(headers[AUTHORIZATION], "Basic other");
                assert_eq!(headers[CONTENT_TYPE], "application/json");
                assert_eq!(headers["x-extra"], "1");
                assert_eq!(request.body().and_then(reqwest::Body::as_bytes), Some(&b"{}"[..]));
                // The client-wide timeout is reqwest's own; only an override is set per request.
                let expected = (timeout != client_timeout).then_some(timeout);
                assert_eq!(request.timeout().copied(), expected);
            }
        }
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
