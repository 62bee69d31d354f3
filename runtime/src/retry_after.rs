//! Reading `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date.

use std::time::{Duration, SystemTime};

use http::header::RETRY_AFTER;
use http::HeaderMap;

use crate::error::MAX_RETRY_AFTER;

/// The wait a server asked for, clamped to [`MAX_RETRY_AFTER`]; a date in the past means no
/// wait; a value that is neither form gives `None` (a garbage header is no instruction).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
        // Saturate rather than fail on absurd digit strings: they still mean "a long time".
        Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str, now: SystemTime) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value.parse().unwrap());
        parse_retry_after(&headers, now)
    }

    #[test]
    fn seconds_dates_garbage_and_clamping() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse("86400", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse("99999999999999999999999", now), Some(MAX_RETRY_AFTER));
        let in_30s = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse(&in_30s, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse(&past, now), Some(Duration::ZERO));
        assert_eq!(parse("soon", now), None);
        assert_eq!(parse("-5", now), None);
        assert_eq!(parse("", now), None);
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }
}
