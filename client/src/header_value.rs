//! Header values that reach the server exactly as given.

use http::header::HeaderValue;

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
