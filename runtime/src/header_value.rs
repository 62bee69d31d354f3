//! Header values that reach the server exactly as given.

use http::header::{
    HeaderName, HeaderValue, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, COOKIE, HOST, PROXY_AUTHORIZATION,
    TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
};

use crate::secret::Secret;

/// `text` as a header value, or why it cannot be one. Beyond what `HeaderValue` refuses (CR,
/// LF, NUL), tabs and other control characters are refused, and so is leading or trailing
/// whitespace: servers strip it, so the value they read would differ from the one passed.
pub(crate) fn exact_header_value(text: &str) -> Result<HeaderValue, &'static str> {
    if text.chars().any(char::is_control) {
        return Err("contains control characters (e.g. CR, LF, TAB, NUL)");
    }
    if text.starts_with(' ') || text.ends_with(' ') {
        return Err("starts or ends with a space, which servers strip");
    }
    HeaderValue::from_str(text).map_err(|_| "contains characters not allowed in a header")
}

/// `text` as the value of header `name` ([`exact_header_value`]), marked sensitive when the
/// header carries credentials (`Authorization`, `Proxy-Authorization`, `Cookie`): kept out of
/// HTTP/2 header compression tables and `Debug`, wherever the value came from.
pub(crate) fn named_header_value(name: &HeaderName, text: &str) -> Result<HeaderValue, &'static str> {
    let mut value = exact_header_value(text)?;
    if matches!(*name, AUTHORIZATION | PROXY_AUTHORIZATION | COOKIE) {
        value.set_sensitive(true);
    }
    Ok(value)
}

/// Whether `name` frames the message or manages the connection (RFC 9110 §7.6.1, RFC 9112): the
/// transport sets these from the request itself, and a value given for one would contradict it
/// (a `Content-Length` that cuts the body short, a second `Host`). The macro refuses the same
/// names at compile time (`FRAMING_HEADERS` in the codegen crate's `attr.rs`).
pub(crate) fn is_framing_header(name: &HeaderName) -> bool {
    matches!(*name, CONTENT_LENGTH | TRANSFER_ENCODING | HOST | CONNECTION | TE | TRAILER | UPGRADE)
        || name == "keep-alive"
        || name == "proxy-connection"
}

/// `<prefix> <token>` as a header value marked sensitive (kept out of HTTP/2 header
/// compression tables and `Debug`). Whitespace or control characters make it an error (never a
/// panic): servers would strip or reject them, so the token would not arrive as given.
pub(crate) fn authorization_value(prefix: &str, token: &Secret) -> Result<HeaderValue, &'static str> {
    let token = token.expose();
    if token.is_empty() {
        return Err("bearer token is empty");
    }
    if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("bearer token contains whitespace or control characters (e.g. CR, LF, TAB, NUL)");
    }
    if prefix.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("auth prefix contains whitespace or control characters");
    }
    let text = if prefix.is_empty() { token.to_owned() } else { format!("{prefix} {token}") };
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| "bearer token contains characters not allowed in a header")?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_that_arrive_intact_are_accepted() {
        for ok in ["", "v", "a b", "Bearer x.y.z", "æ"] {
            assert!(exact_header_value(ok).is_ok(), "{ok:?}");
        }
        for bad in ["a\tb", "\tv", "v\r\n", "nul\0", "esc\u{1b}", "del\u{7f}", " v", "v ", "c1\u{85}"] {
            assert!(exact_header_value(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn credential_headers_are_sensitive_whoever_sets_them() {
        for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
            let value = named_header_value(&name, "Bearer secret").unwrap();
            assert!(value.is_sensitive(), "{name}");
            assert_eq!(format!("{value:?}"), "Sensitive", "{name}");
        }
        assert!(!named_header_value(&HeaderName::from_static("x-request-id"), "r1").unwrap().is_sensitive());
        assert!(named_header_value(&AUTHORIZATION, "Bearer x\r\n").is_err());
    }

    #[test]
    fn framing_headers_are_known_in_any_case() {
        for name in
            ["Content-Length", "transfer-encoding", "HOST", "Connection", "Keep-Alive", "te", "Upgrade"]
        {
            assert!(is_framing_header(&HeaderName::from_bytes(name.as_bytes()).unwrap()), "{name}");
        }
        for name in ["Content-Type", "Authorization", "X-Host", "Idempotency-Key"] {
            assert!(!is_framing_header(&HeaderName::from_bytes(name.as_bytes()).unwrap()), "{name}");
        }
    }
}
