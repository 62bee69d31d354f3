//! Header values that reach the server exactly as given.

use http::header::HeaderValue;

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
}
