//! Reading a response: the size cap, JSON decoding, and [`ApiResponse`].

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::call::classify;
use crate::error::Error;

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
    /// The decoded body, dropping status and headers.
    pub fn into_data(self) -> T {
        self.data
    }
}

/// Reads the whole body, failing as soon as it is known to exceed `limit` bytes: from
/// `Content-Length` before reading anything, else while reading. The common one-chunk body is
/// returned without a copy.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Error> {
    let status = response.status();
    if response.content_length().is_some_and(|len| len > limit as u64) {
        return Err(Error::too_large(status, limit));
    }
    let read_error = |e: reqwest::Error| classify(e, timeout, timeout).at_status(status);
    let Some(first) = response.chunk().await.map_err(read_error)? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(Error::too_large(status, limit));
    }
    let Some(second) = response.chunk().await.map_err(read_error)? else {
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
        next = response.chunk().await.map_err(read_error)?;
    }
    Ok(body.freeze())
}

/// Decodes a 2xx body. The reason names the problem and where, never the body's text.
pub(crate) fn decode_json<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::decode(status, decode_reason(&e, body), body))
}

fn decode_reason(error: &serde_json::Error, body: &[u8]) -> String {
    use serde_json::error::Category;
    let at = format!("line {} column {}", error.line(), error.column());
    match error.classify() {
        Category::Eof if body.iter().all(u8::is_ascii_whitespace) => "response body is empty".to_owned(),
        Category::Eof => format!("response body ends early (truncated JSON at {at})"),
        Category::Syntax => format!("response body is not JSON (syntax error at {at})"),
        Category::Data => format!("response body has an unexpected shape: {} at {at}", redact_quoted(error)),
        Category::Io => format!("response body could not be read at {at}"),
    }
}

/// serde's data errors quote the offending value (`invalid type: string "…"`), which may be a
/// token: keep the explanation, drop the quoted text.
fn redact_quoted(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = text.split(" at line ").next().unwrap_or("");
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for ch in text.chars() {
        if ch == '"' {
            if !quoted {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(ch);
        }
    }
    out
}

/// See `__private::fuzz_response`. Returns the length of everything rendered, so the work
/// cannot be optimised away.
pub(crate) fn fuzz_response(status: u16, retry_after: &[u8], body: &[u8]) -> usize {
    use crate::models::{AccessToken, ChallengeResponse, RecoveryResponse};
    let Ok(status) = StatusCode::from_u16(status) else { return 0 };
    let mut headers = HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_bytes(retry_after) {
        headers.insert(http::header::RETRY_AFTER, value);
    }
    let api = Error::api(status, headers, body);
    let mut rendered = format!("{api} {api:?} {:?} {:?}", api.retry_after(), api.body_excerpt()).len();
    let decoded = [
        decode_json::<ChallengeResponse>(status, body).map(|r| format!("{r:?}")),
        decode_json::<RecoveryResponse>(status, body).map(|r| format!("{r:?}")),
        decode_json::<AccessToken>(status, body).map(|r| format!("{r:?}")),
    ];
    for result in decoded {
        rendered += match result {
            Ok(text) => text.len(),
            Err(error) => format!("{error} {error:?}").len(),
        };
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Shape {
        n: u32,
    }

    fn reason(body: &str) -> String {
        decode_json::<Shape>(StatusCode::OK, body.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn decode_errors_say_what_without_quoting_values() {
        assert!(reason("").contains("empty"), "{}", reason(""));
        assert!(reason("{\"n\": 1").contains("truncated"));
        assert!(reason("<html>").contains("not JSON"));
        let shaped = reason("{\"n\": \"SENTINEL-SECRET\"}");
        assert!(shaped.contains("unexpected shape") && shaped.contains("200"), "{shaped}");
        assert!(!shaped.contains("SENTINEL"), "{shaped}");
    }
}
