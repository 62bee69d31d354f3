//! Reading a response: the size cap, JSON decoding, and [`ApiResponse`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
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
pub(crate) fn read_response(answer: Wire, limit: usize, stream: Option<Duration>) -> ReadResponse {
    ReadResponse { answer: Some(answer), limit, stream, read: Reading::Start }
}

/// The future of [`read_response`]. Written out rather than as an `async` block: its state is the
/// answer and the bytes read so far, with no awaited futures or copies of its arguments beside
/// them, and it is moved into the call's state as soon as the answer's head is in.
pub(crate) struct ReadResponse {
    /// Taken when the response is complete or streamed; left in place when the read fails.
    answer: Option<Wire>,
    limit: usize,
    stream: Option<Duration>,
    read: Reading,
}

enum Reading {
    /// Nothing read yet.
    Start,
    /// A 2xx body, read whole. The common one-chunk body is kept as it came, without a copy.
    Whole { first: Option<Bytes>, rest: BytesMut },
    /// An error body, read up to the limit.
    Prefix(BytesMut),
}

impl ReadResponse {
    /// The answer's status, until the response is complete.
    pub(crate) fn status(&self) -> Option<StatusCode> {
        self.answer.as_ref().map(Wire::status)
    }
}

impl Future for ReadResponse {
    type Output = Result<Response, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let limit = this.limit;
        let answer = this.answer.as_mut().expect("a `ReadResponse` is not polled after it is done");
        let status = answer.status();
        loop {
            let (body, complete) = match &mut this.read {
                Reading::Start => {
                    if let Some(chunk_timeout) = this.stream.filter(|_| status.is_success()) {
                        let mut answer = this.answer.take().expect("checked above");
                        let headers = answer.take_headers();
                        let stream = ByteStream::download(status, answer.into_chunks(), chunk_timeout);
                        let body = Bytes::new();
                        let response =
                            Response { status, headers, body, stream: Some(stream), complete: true };
                        return Poll::Ready(Ok(response));
                    }
                    // Nothing is read when `Content-Length` already says the body is too large.
                    let too_large = answer.content_length().is_some_and(|len| len > limit as u64);
                    if status.is_success() && too_large {
                        return Poll::Ready(Err(Error::too_large(status, limit)));
                    } else if status.is_success() {
                        this.read = Reading::Whole { first: None, rest: BytesMut::new() };
                        continue;
                    } else if status.is_redirection() {
                        (Bytes::new(), true)
                    } else if too_large {
                        (Bytes::new(), false)
                    } else {
                        this.read = Reading::Prefix(BytesMut::new());
                        continue;
                    }
                }
                Reading::Whole { first, rest } => {
                    if let Some(chunk) = std::task::ready!(answer.poll_chunk(cx))? {
                        let read = first.as_ref().map_or(0, Bytes::len) + rest.len();
                        if read + chunk.len() > limit {
                            return Poll::Ready(Err(Error::too_large(status, limit)));
                        }
                        match first.take() {
                            None if rest.is_empty() => *first = Some(chunk),
                            earlier => {
                                let earlier = earlier.unwrap_or_default();
                                rest.reserve(earlier.len() + chunk.len());
                                rest.extend_from_slice(&earlier);
                                rest.extend_from_slice(&chunk);
                            }
                        }
                        // A body whose declared length is all in needs no read to see its end.
                        if !answer.at_end() {
                            continue;
                        }
                    }
                    (first.take().unwrap_or_else(|| rest.split().freeze()), true)
                }
                Reading::Prefix(body) => match std::task::ready!(answer.poll_chunk(cx))? {
                    Some(chunk) => {
                        let room = limit - body.len();
                        if chunk.len() > room {
                            body.extend_from_slice(&chunk[..room]);
                            (body.split().freeze(), false)
                        } else {
                            body.extend_from_slice(&chunk);
                            continue;
                        }
                    }
                    None => (body.split().freeze(), true),
                },
            };
            let headers = answer.take_headers();
            this.answer = None;
            return Poll::Ready(Ok(Response { status, headers, body, stream: None, complete }));
        }
    }
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
