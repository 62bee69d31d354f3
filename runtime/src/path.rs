//! Building a request path from the base URL and an endpoint's segments.
//!
//! Each value is percent-encoded here, by us, as exactly one segment holding exactly its bytes.
//! The URL library is then handed a path with nothing left to normalise; if it still changes a
//! single byte (it drops tab, CR and LF, and resolves `.`/`..`), the call is refused, so a value
//! can never silently name another resource.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::Url;

use crate::error::Error;

/// One piece of an endpoint path, as parsed from the template at compile time.
#[doc(hidden)]
pub enum Segment<'a> {
    /// A literal segment from the template, checked by the macro.
    Literal(&'static str),
    /// Consecutive literal segments of the template, joined by `/`, each made of characters a
    /// path segment may hold as they are (checked by the macro): appended as written, unscanned.
    Raw(&'static str),
    /// A `{name}` placeholder and the argument bound to it.
    Param(&'static str, &'a dyn fmt::Display),
    /// A `{name}` placeholder bound to a string argument: encoded without formatting machinery,
    /// to the same text as [`Segment::Param`] would give.
    Str(&'static str, &'a str),
}

/// Everything but RFC 3986's unreserved characters is encoded: a server then reads back the
/// exact value whatever its own path rules (`;` matrix parameters, `+`, `%`), and no byte can
/// end the segment early.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

thread_local! {
    /// The path being encoded, reused call after call: the URL copies it, so a buffer of its own
    /// per call would be one more allocation.
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
}

/// `base` with `path` appended. A value that is empty, `.` or `..` is refused: no encoding
/// keeps it one segment.
pub(crate) fn join_path(base: &Url, path: &[Segment<'_>]) -> Result<Url, Error> {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut encoded) => {
            encoded.clear();
            join_into(&mut encoded, base, path)
        }
        // A `Display` that itself builds a call while being formatted: a buffer of its own.
        Err(_) => join_into(&mut String::new(), base, path),
    })
}

/// The request target of a call: a whole URL, or (for a transport that only needs the
/// origin-form, the hyper transport) the encoded path and query alone, the origin being the
/// client's. The second skips building a `Url`, which re-parses the path the encoder just wrote.
#[derive(Clone)]
pub(crate) enum Target {
    Url(Url),
    /// `/path?query`, encoded.
    Origin(String),
}

impl Target {
    /// Appends `pairs` as the query, encoded as `Url::query_pairs_mut` would.
    pub(crate) fn append_query(&mut self, pairs: &[(String, String)]) {
        match self {
            Self::Url(url) => {
                url.query_pairs_mut().extend_pairs(pairs);
            }
            Self::Origin(target) => {
                let start = target.len() + 1;
                target.push('?');
                let mut query = form_urlencoded::Serializer::for_suffix(std::mem::take(target), start);
                *target = query.extend_pairs(pairs).finish();
            }
        }
    }

    /// The whole URL: what reqwest, middleware and spans take.
    pub(crate) fn into_url(self, base: &Url) -> Result<Url, Error> {
        match self {
            Self::Url(url) => Ok(url),
            Self::Origin(target) => {
                let (path, query) = target.split_once('?').map_or((&target[..], None), |(p, q)| (p, Some(q)));
                let mut url = to_url(base, path)?;
                url.set_query(query);
                Ok(url)
            }
        }
    }
}

/// `base`'s path with `path` appended, encoded, alone: for [`Target::Origin`].
pub(crate) fn encode_path(base: &Url, path: &[Segment<'_>]) -> Result<String, Error> {
    let mut encoded = String::with_capacity(base.path().len() + 64);
    encode_into(&mut encoded, base, path)?;
    Ok(encoded)
}

fn join_into(encoded: &mut String, base: &Url, path: &[Segment<'_>]) -> Result<Url, Error> {
    encode_into(encoded, base, path)?;
    to_url(base, encoded)
}

/// `base` with the path `encoded`, refused if the URL library would change one byte of it.
fn to_url(base: &Url, encoded: &str) -> Result<Url, Error> {
    let mut url = base.clone();
    url.set_path(encoded);
    if url.path() != encoded {
        return Err(Error::invalid_input("the path would be changed by URL normalisation"));
    }
    Ok(url)
}

fn encode_into(encoded: &mut String, base: &Url, path: &[Segment<'_>]) -> Result<(), Error> {
    encoded.push_str(base.path().trim_end_matches('/'));
    for segment in path {
        encoded.push('/');
        let start = encoded.len();
        let name = match segment {
            Segment::Literal(literal) => {
                push_encoded(encoded, literal);
                continue;
            }
            Segment::Raw(raw) => {
                debug_assert!(raw.split('/').all(|s| !s.is_empty() && s.bytes().all(is_path_char)));
                encoded.push_str(raw);
                continue;
            }
            Segment::Str(name, text) => {
                push_encoded(encoded, text);
                name
            }
            Segment::Param(name, display) => {
                // Encoded as it is formatted: no copy of the value is kept.
                if write!(SegmentWriter(encoded), "{display}").is_err() {
                    return Err(Error::invalid_input(format!(
                        "path parameter `{name}` could not be formatted"
                    )));
                }
                name
            }
        };
        // `.` is kept and `%` encoded, so only these values encode to these texts.
        if matches!(&encoded[start..], "" | "." | "..") {
            return Err(Error::invalid_input(format!(
                "path parameter `{name}` must not be empty, `.` or `..`"
            )));
        }
    }
    Ok(())
}

/// Appends `text` to `out`, percent-encoded as one segment. Text that needs no encoding, as
/// most does, is copied in one piece.
fn push_encoded(out: &mut String, text: &str) {
    if text.bytes().all(|byte| UNRESERVED[usize::from(byte)]) {
        out.push_str(text);
    } else {
        out.extend(utf8_percent_encode(text, SEGMENT));
    }
}

/// RFC 3986's `pchar` but `%`: unreserved characters, sub-delims, `:` and `@`, which a path
/// segment holds as they are. Literal segments of the template made of them are sent as written.
fn is_path_char(byte: u8) -> bool {
    is_unreserved(byte) || b"!$&'()*+,;=:@".contains(&byte)
}

/// The bytes [`SEGMENT`] leaves as they are.
const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// [`is_unreserved`] as a table: one load per byte.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_unreserved(byte as u8);
        byte += 1;
    }
    table
};

/// Percent-encodes everything written to it into the string, as one segment.
struct SegmentWriter<'a>(&'a mut String);

impl fmt::Write for SegmentWriter<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        push_encoded(self.0, text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(values: &[&str]) -> Result<String, Error> {
        let base = Url::parse("https://h/v1").unwrap();
        let mut path = vec![Segment::Literal("accounts")];
        let displays: Vec<&dyn fmt::Display> = values.iter().map(|v| v as &dyn fmt::Display).collect();
        path.extend(displays.iter().map(|d| Segment::Param("aid", *d)));
        path.push(Segment::Literal("auth"));
        join_path(&base, &path).map(|u| u.path().to_owned())
    }

    #[test]
    fn every_value_is_exactly_one_segment() {
        assert_eq!(join(&["P00000000"]).unwrap(), "/v1/accounts/P00000000/auth");
        assert_eq!(join(&["a b"]).unwrap(), "/v1/accounts/a%20b/auth");
        assert_eq!(join(&["a/b"]).unwrap(), "/v1/accounts/a%2Fb/auth");
        assert_eq!(join(&["%2e%2e"]).unwrap(), "/v1/accounts/%252e%252e/auth");
        assert_eq!(join(&["æøå"]).unwrap(), "/v1/accounts/%C3%A6%C3%B8%C3%A5/auth");
        assert_eq!(join(&["a?b#c"]).unwrap(), "/v1/accounts/a%3Fb%23c/auth");
        assert_eq!(join(&["..."]).unwrap(), "/v1/accounts/.../auth");
        assert_eq!(join(&["a\\b"]).unwrap(), "/v1/accounts/a%5Cb/auth");
        assert_eq!(join(&[".\t."]).unwrap(), "/v1/accounts/.%09./auth");
        assert_eq!(join(&["a;b+c"]).unwrap(), "/v1/accounts/a%3Bb%2Bc/auth");
    }

    #[test]
    fn the_fast_path_keeps_exactly_the_bytes_the_encode_set_keeps() {
        for byte in 0..=u8::MAX {
            let kept = percent_encoding::percent_encode(&[byte], SEGMENT).to_string().as_bytes() == [byte];
            assert_eq!(is_unreserved(byte), kept, "{byte:#04x}");
            assert_eq!(UNRESERVED[usize::from(byte)], kept, "{byte:#04x}");
        }
    }

    #[test]
    fn values_formatted_in_pieces_are_encoded_whole() {
        struct Pieces(&'static [&'static str]);
        impl fmt::Display for Pieces {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.iter().try_for_each(|piece| f.write_str(piece))
            }
        }
        let base = Url::parse("https://h/v1").unwrap();
        let join = |pieces| join_path(&base, &[Segment::Param("aid", &Pieces(pieces))]);
        assert_eq!(join(&["a", "/", "b"]).unwrap().path(), "/v1/a%2Fb");
        assert_eq!(join(&["\u{e6}", "%"]).unwrap().path(), "/v1/%C3%A6%25");
        for dots in [&[][..], &["."], &[".", "."], &["", "..", ""]] {
            assert!(join(dots).unwrap_err().is_invalid_input(), "{dots:?}");
        }
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for bad in ["", ".", ".."] {
            let err = join(&[bad]).unwrap_err();
            assert!(err.is_invalid_input(), "{bad:?}");
            assert!(!err.may_have_been_delivered());
        }
    }

    #[test]
    fn string_values_and_raw_literals_give_the_same_path() {
        let base = Url::parse("https://h/v1").unwrap();
        for value in ["P00000000", "a b", "a/b", "æøå", "..."] {
            let general = [
                Segment::Literal("accounts"),
                Segment::Param("aid", &value),
                Segment::Literal("auth"),
                Segment::Literal("mfa"),
            ];
            let fast = [Segment::Raw("accounts"), Segment::Str("aid", value), Segment::Raw("auth/mfa")];
            assert_eq!(join_path(&base, &general).unwrap(), join_path(&base, &fast).unwrap());
        }
        for bad in ["", ".", ".."] {
            assert!(join_path(&base, &[Segment::Str("aid", bad)]).unwrap_err().is_invalid_input());
        }
    }

    #[test]
    fn a_base_with_trailing_slashes_gives_no_empty_segment() {
        let base = Url::parse("https://h/v1//").unwrap();
        let url = join_path(&base, &[Segment::Literal("a")]).unwrap();
        assert_eq!(url.path(), "/v1/a");
    }
}
