//! What tests read back from the fake: delivered binding codes and the request log.

use std::time::SystemTime;

use crate::limits::{MAX_LOGGED_METHOD_BYTES, MAX_LOGGED_PATH_BYTES};
use crate::route::Endpoint;

/// A binding code the fake "sent" by SMS or e-mail.
///
/// The codes are fake, so `Debug` shows them: that helps when a test fails.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivered {
    /// The six-digit code a person would read from the message.
    pub binding_code: String,
    /// The `oob_code` of the challenge the code answers (a real message would not show it;
    /// it is here so a test can match deliveries to challenges).
    pub oob_code: String,
    /// When it was sent, on the fake's clock (which [`advance_time`] moves).
    ///
    /// [`advance_time`]: crate::FakeServer::advance_time
    pub at: SystemTime,
}

/// One request as the fake answered it.
///
/// Its method and path are cut to [`MAX_LOGGED_METHOD_BYTES`] and [`MAX_LOGGED_PATH_BYTES`],
/// so a record holds at most that much text whatever the client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// The HTTP method, e.g. `"POST"` (at most [`MAX_LOGGED_METHOD_BYTES`]).
    pub method: String,
    /// The path as sent (still percent-encoded), without the query (at most
    /// [`MAX_LOGGED_PATH_BYTES`]).
    pub path: String,
    /// Whether `method` or `path` was longer than its limit and is only its beginning.
    pub truncated: bool,
    /// The endpoint the path names, `None` for unknown paths (decided on the whole path).
    pub endpoint: Option<Endpoint>,
    /// The status answered; `None` when a fault dropped the connection instead.
    pub status: Option<u16>,
}

impl RequestRecord {
    /// A record of a request not yet answered, keeping at most the logged length of each.
    pub(crate) fn new(method: &str, path: &str, endpoint: Option<Endpoint>) -> Self {
        let (method, method_cut) = beginning(method, MAX_LOGGED_METHOD_BYTES);
        let (path, path_cut) = beginning(path, MAX_LOGGED_PATH_BYTES);
        RequestRecord { method, path, truncated: method_cut || path_cut, endpoint, status: None }
    }
}

/// At most `max` bytes from the start of `text`, cut on a character boundary, in a string
/// allocated to fit (so a long input leaves no spare capacity behind); and whether it was cut.
fn beginning(text: &str, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text.to_owned(), false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].to_owned(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_methods_and_paths_are_cut_and_flagged() {
        let path = format!("/v1/{}", "a".repeat(10_000));
        let record = RequestRecord::new(&"X".repeat(10_000), &path, None);
        assert_eq!(record.method.len(), MAX_LOGGED_METHOD_BYTES);
        assert_eq!(record.path.len(), MAX_LOGGED_PATH_BYTES);
        assert!(record.method.capacity() <= MAX_LOGGED_METHOD_BYTES);
        assert!(record.path.capacity() <= MAX_LOGGED_PATH_BYTES);
        assert!(record.truncated);
        assert!(path.starts_with(&record.path));
    }

    #[test]
    fn short_ones_are_kept_whole() {
        let record = RequestRecord::new("POST", "/v1/accounts/T1/auth/token", Some(Endpoint::Token));
        assert_eq!((record.method.as_str(), record.path.as_str()), ("POST", "/v1/accounts/T1/auth/token"));
        assert!(!record.truncated);
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        let path = "é".repeat(MAX_LOGGED_PATH_BYTES);
        let record = RequestRecord::new("GET", &path, None);
        assert_eq!(record.path.len(), MAX_LOGGED_PATH_BYTES);
        let odd = format!("x{path}");
        let record = RequestRecord::new("GET", &odd, None);
        assert_eq!(record.path.len(), MAX_LOGGED_PATH_BYTES - 1);
        assert!(record.truncated);
    }
}
