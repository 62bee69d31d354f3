//! Reading a response: the size cap, JSON decoding, and [`ApiResponse`].

use std::future::Future;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::middleware::Response;
use crate::stream::ByteStream;
use crate::wire::Wire;

/// Status, headers and decoded body of a successful call: what the C# client calls
/// `WithHttpInfo`. Declare an endpoint as returning `Result<ApiResponse<T>, Error>` to get it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The 2xx status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub data: T,
}

impl<T> ApiResponse<T> {
    /// A response as a call would return it: for tests and mocks of generated traits.
    ///
    /// ```
    /// use http_api_client::{http::StatusCode, ApiResponse};
    ///
    /// let response = ApiResponse::new(StatusCode::CREATED, Default::default(), "invoice-1");
    /// assert_eq!(response.status, StatusCode::CREATED);
    /// assert_eq!(response.into_data(), "invoice-1");
    /// ```
    pub fn new(status: StatusCode, headers: HeaderMap, data: T) -> Self {
        Self { status, headers, data }
    }

    /// The decoded body, dropping status and headers.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// Reads an answer as its status calls for: a 2xx body whole, under `limit` (else `TooLarge`); a
/// redirect's not at all; an error body up to `limit`, since status, headers and `Retry-After`
/// matter more than the body, so an oversized one is cut rather than turned into `TooLarge`.
/// With `stream`, a 2xx body is left unread for the caller, as a [`ByteStream`].
///
/// Not an `async fn`, and the body is read through a borrow: either way the answer would sit twice
/// in the call's state, which is copied whenever the future moves.
#[allow(clippy::manual_async_fn)] // See above: an `async fn` stores its arguments twice.
pub(crate) fn read_response(
    mut response: Wire,
    limit: usize,
    stream: Option<Duration>,
) -> impl Future<Output = Result<Response, Error>> {
    async move {
        let status = response.status();
        if let Some(chunk_timeout) = stream.filter(|_| status.is_success()) {
            let headers = response.take_headers();
            let stream = ByteStream::download(status, response.into_chunks(), chunk_timeout);
            return Ok(Response {
                status,
                headers,
                body: Bytes::new(),
                stream: Some(stream),
                complete: true,
            });
        }
        let (body, complete) = if status.is_success() {
            (read_body(&mut response, limit).await?, true)
        } else if status.is_redirection() {
            (Bytes::new(), true)
        } else {
            read_body_prefix(&mut response, limit).await?
        };
        // Taken once the body is read, so they are not kept beside the reads in this state.
        let headers = response.take_headers();
        Ok(Response { status, headers, body, stream: None, complete })
    }
}

/// Reads at most `limit` bytes of an error answer's body, and says whether that was all of it.
/// Nothing is read when `Content-Length` already says the body is larger.
async fn read_body_prefix(response: &mut Wire, limit: usize) -> Result<(Bytes, bool), Error> {
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Ok((Bytes::new(), false));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body.freeze(), false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.freeze(), true))
}

/// Reads the whole body, failing as soon as it is known to exceed `limit` bytes: from
/// `Content-Length` before reading anything, else while reading. The common one-chunk body is
/// returned without a copy.
async fn read_body(response: &mut Wire, limit: usize) -> Result<Bytes, Error> {
    let status = response.status();
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(Error::too_large(status, limit));
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(Error::too_large(status, limit));
    }
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut body = BytesMut::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > limit {
            return Err(Error::too_large(status, limit));
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok(body.freeze())
}

/// Decodes a 2xx body. The reason names the problem and where, never the body's text.
pub(crate) fn decode_json<T: DeserializeOwned>(status: StatusCode, body: Bytes) -> Result<T, Error> {
    // The common case pays nothing for error paths; a failure decodes again to find where.
    serde_json::from_slice(&body).map_err(|e| {
        let reason = decode_reason::<T>(&e, &body);
        Error::decode(status, reason, body)
    })
}

fn decode_reason<T: DeserializeOwned>(error: &serde_json::Error, body: &[u8]) -> String {
    use serde_json::error::Category;
    let at = format!("line {} column {}", error.line(), error.column());
    match error.classify() {
        Category::Eof if body.iter().all(u8::is_ascii_whitespace) => "response body is empty".to_owned(),
        Category::Eof => format!("response body ends early (truncated JSON at {at})"),
        Category::Syntax => format!("response body is not JSON (syntax error at {at})"),
        Category::Data => {
            let path = match serde_path_to_error::deserialize::<_, T>(
                &mut serde_json::Deserializer::from_slice(body),
            ) {
                Err(located) => safe_path(located.path()),
                Ok(_) => String::new(),
            };
            let path = if path.is_empty() { at } else { path };
            format!("response body has an unexpected shape: {} at {path}", data_category(error))
        }
        Category::Io => format!("response body could not be read at {at}"),
    }
}

/// serde's data errors quote the offending value in many ways (`"…"`, escaped quotes, backticks,
/// bare numbers). Rather than cut quotes out of that text, map its fixed opening words to a
/// category of our own, so nothing of the message itself is ever shown.
fn data_category(error: &serde_json::Error) -> &'static str {
    let text = error.to_string();
    const CATEGORIES: [(&str, &str); 7] = [
        ("invalid type", "wrong type"),
        ("invalid value", "invalid value"),
        ("invalid length", "wrong number of elements"),
        ("unknown variant", "unknown enum variant"),
        ("unknown field", "unknown field"),
        ("missing field", "missing field"),
        ("duplicate field", "duplicate field"),
    ];
    CATEGORIES
        .iter()
        .find(|(prefix, _)| text.starts_with(prefix))
        .map_or("invalid data", |(_, category)| category)
}

/// The path to the failing value, e.g. `items[1].n`. Keys come from the body: one that does not
/// look like a field name (it could be a value used as a key) is shown as `[…]`.
fn safe_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } if looks_like_field_name(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Map { .. } | Segment::Enum { .. } => out.push_str("[…]"),
            Segment::Unknown => out.push_str("[?]"),
        }
    }
    out
}

fn looks_like_field_name(key: &str) -> bool {
    (1..=40).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Runs every response-handling path on arbitrary input, for fuzz targets: `Retry-After`, an
/// error body decoded as `B`, a 2xx body decoded as `T`, and every rendering of the results.
/// Must never panic. Returns the length of everything rendered, so no work is optimised away.
pub fn fuzz_response<T, B>(status: u16, retry_after: &[u8], body: &[u8]) -> usize
where
    T: DeserializeOwned + std::fmt::Debug,
    B: DeserializeOwned + std::fmt::Debug + Send + Sync + 'static,
{
    let Ok(status) = StatusCode::from_u16(status) else { return 0 };
    let mut headers = HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_bytes(retry_after) {
        headers.insert(http::header::RETRY_AFTER, value);
    }
    let body = Bytes::copy_from_slice(body);
    let api: Error<B> = Error::from_status(status, headers, body.clone());
    let mut rendered =
        format!("{api} {api:?} {:?} {:?} {:?}", api.retry_after(), api.body_excerpt(), api.body()).len();
    rendered += match decode_json::<T>(status, body) {
        Ok(value) => format!("{value:?}").len(),
        Err(error) => format!("{error} {error:?}").len(),
    };
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Shape {
        #[serde(default)]
        n: u32,
        #[serde(default)]
        e: Option<Kind>,
        #[serde(default)]
        items: Vec<Shape>,
    }

    #[derive(serde::Deserialize, Debug)]
    enum Kind {
        A,
    }

    #[test]
    fn the_reason_names_the_path_and_the_category() {
        assert_eq!(
            reason(r#"{"items": [{"n": 1}, {"n": "x"}]}"#),
            "HTTP 200 OK: response body has an unexpected shape: wrong type at items[1].n"
        );
        let variant = reason(r#"{"e": "B"}"#);
        assert!(variant.ends_with("unknown enum variant at e"), "{variant}");
        let key = reason(r#"{"items": [{"SENTINEL-KEY.x": 1, "n": true}]}"#);
        assert!(key.ends_with("wrong type at items[0].n"), "{key}");
    }

    fn reason(body: &str) -> String {
        decode_json::<Shape>(StatusCode::OK, Bytes::copy_from_slice(body.as_bytes())).unwrap_err().to_string()
    }

    #[test]
    fn decode_errors_say_what_without_quoting_values() {
        // serde's own messages quote values with `"`, escaped quotes and backticks: none of it may
        // reach the reason, whatever the quoting.
        for hostile in [
            r#"{"n": "SENTINEL-A"}"#,
            r#"{"n": "x\"SENTINEL-B\"y"}"#,
            r#"{"n": -1}"#,
            r#"{"n": 99999999999}"#,
            r#"{"n": 1.5}"#,
            r#"[ "SENTINEL-C" ]"#,
        ] {
            let reason = reason(hostile);
            assert!(
                !reason.contains("SENTINEL") && !reason.contains("-1") && !reason.contains("99999"),
                "{reason}"
            );
        }
        let wrong_kind = reason(r#"{"e": "SENTINEL-VARIANT"}"#);
        assert!(!wrong_kind.contains("SENTINEL"), "{wrong_kind}");
        assert!(reason("").contains("empty"), "{}", reason(""));
        assert!(reason("{\"n\": 1").contains("truncated"));
        assert!(reason("<html>").contains("not JSON"));
        let shaped = reason("{\"n\": \"SENTINEL-SECRET\"}");
        assert!(shaped.contains("unexpected shape") && shaped.contains("200"), "{shaped}");
        assert!(!shaped.contains("SENTINEL"), "{shaped}");
    }
}
