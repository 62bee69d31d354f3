//! `multipart/form-data` request bodies (RFC 7578) for `#[multipart]` methods: generated code
//! fills a [`Multipart`] with one call per `#[part]` parameter and hands it to
//! [`Call::multipart`], which encodes the whole form into one buffer.
//!
//! Why not reqwest's `multipart::Form`: it streams the body, so the request could not be re-sent
//! on a retry and middleware would not see its bytes; and its escaping of names and file names is
//! not ours to choose. Here the body is one `Vec<u8>` like every other body, and names and file
//! names are escaped as the HTML standard does (RFC 7578 §4.2 practice): `"` → `%22`,
//! CR → `%0D`, LF → `%0A`, everything else (non-ASCII UTF-8 included) as is.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http::HeaderValue;
use serde::Serialize;

use crate::call::Call;
use crate::error::Error;
use crate::params::to_scalar;

const OCTET_STREAM: &str = "application/octet-stream";

/// A file sent as one part of a `multipart/form-data` body (`#[part("name", file)]`), with a file
/// name and content type decided at run time.
///
/// ```
/// use http_api_client::FilePart;
///
/// let part = FilePart::new(b"\x89PNG\r\n".to_vec()).file_name("a.png").content_type("image/png");
/// # let _ = part;
/// ```
///
/// Without [`file_name`](Self::file_name) the part carries no `filename` parameter (many servers
/// only treat a part as an uploaded file when it has one); without
/// [`content_type`](Self::content_type) it is sent as `application/octet-stream`. A content type
/// that is not `type/subtype` in visible ASCII fails the call with
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is sent. `Debug`
/// shows the file name, the content type and the size, never the bytes.
#[derive(Clone)]
pub struct FilePart {
    bytes: Bytes,
    file_name: String,
    content_type: Cow<'static, str>,
}

impl FilePart {
    /// A part holding `bytes`, with no file name, as `application/octet-stream`.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self { bytes: bytes.into(), file_name: String::new(), content_type: Cow::Borrowed(OCTET_STREAM) }
    }

    /// Sets the file name sent in the part's `Content-Disposition` (`"`, CR and LF escaped as
    /// `%22`, `%0D`, `%0A`; anything else, `/` and non-ASCII included, sent as is). An empty name
    /// sends none.
    #[must_use]
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Sets the part's `Content-Type`, e.g. `image/png`; checked when the call is made.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<Cow<'static, str>>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The part's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name, empty when none was set.
    pub fn get_file_name(&self) -> &str {
        &self.file_name
    }

    /// The content type, as given.
    pub fn get_content_type(&self) -> &str {
        &self.content_type
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// One part, ready to be written.
struct Part {
    name: &'static str,
    file_name: Option<Cow<'static, str>>,
    content_type: Option<Cow<'static, str>>,
    body: Bytes,
}

/// A `multipart/form-data` form being filled by generated code, one method per part kind. The
/// first part that cannot be encoded is kept as the form's error; the call then fails with it
/// before any I/O.
#[doc(hidden)]
#[derive(Default)]
pub struct Multipart {
    parts: Vec<Part>,
    error: Option<Error>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    fn push(
        &mut self,
        name: &'static str,
        file_name: Option<Cow<'static, str>>,
        content_type: Option<Cow<'static, str>>,
        body: Bytes,
    ) {
        if self.error.is_none() {
            self.parts.push(Part { name, file_name, content_type, body });
        }
    }

    /// A text field (`#[part("name")]`): a scalar as text, no `Content-Type`; `None` leaves the
    /// part out.
    pub fn text<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match to_scalar(value) {
            Ok(Some(text)) => self.push(name, None, None, Bytes::from(text)),
            Ok(None) => {}
            Err(e) => self.fail(Error::invalid_input(format!("multipart part `{name}`: {e}"))),
        }
    }

    /// A JSON part (`#[part("name", json)]`), sent as `application/json`.
    pub fn json<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match serde_json::to_vec(value) {
            Ok(json) => self.push(name, None, Some(Cow::Borrowed("application/json")), Bytes::from(json)),
            // serde's message may quote the value; the part's name is enough to find it.
            Err(_) => self.fail(Error::invalid_input(format!(
                "multipart part `{name}` could not be serialized as JSON"
            ))),
        }
    }

    /// A raw part (`#[part("name", bytes)]`) with the declared content type (checked by the
    /// macro) and file name.
    pub fn bytes<T: AsRef<[u8]> + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        content_type: &'static str,
        file_name: Option<&'static str>,
    ) {
        let body = Bytes::copy_from_slice(value.as_ref());
        self.push(name, file_name.map(Cow::Borrowed), Some(Cow::Borrowed(content_type)), body);
    }

    /// A file part (`#[part("name", file)]`): its content type is checked here.
    pub fn file(&mut self, name: &'static str, part: &FilePart) {
        if content_type_problem(&part.content_type) {
            return self.fail(Error::invalid_input(format!(
                "multipart part `{name}`: the content type is not a valid `type/subtype`"
            )));
        }
        let file_name = (!part.file_name.is_empty()).then(|| Cow::Owned(part.file_name.clone()));
        self.push(name, file_name, Some(part.content_type.clone()), part.bytes.clone());
    }

    /// The encoded body and its boundary, or the first part's error.
    fn encode(self) -> Result<(String, Vec<u8>), Error> {
        self.encode_with(std::iter::repeat_with(random_boundary))
    }

    /// As [`encode`](Self::encode), taking the first boundary that occurs in no part's bytes.
    fn encode_with(self, boundaries: impl Iterator<Item = String>) -> Result<(String, Vec<u8>), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut boundaries = boundaries.take(100);
        let boundary = loop {
            let Some(candidate) = boundaries.next() else {
                return Err(Error::invalid_input("no multipart boundary found that occurs in no part"));
            };
            if !self.parts.iter().any(|part| contains(&part.body, candidate.as_bytes())) {
                break candidate;
            }
        };
        let size: usize = self.parts.iter().map(|part| part.body.len() + 128).sum();
        let mut out = Vec::with_capacity(size + boundary.len() + 8);
        for part in &self.parts {
            out.extend_from_slice(b"--");
            out.extend_from_slice(boundary.as_bytes());
            out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            escape_into(part.name, &mut out);
            out.push(b'"');
            if let Some(file_name) = &part.file_name {
                out.extend_from_slice(b"; filename=\"");
                escape_into(file_name, &mut out);
                out.push(b'"');
            }
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(b"\r\nContent-Type: ");
                out.extend_from_slice(content_type.as_bytes());
            }
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(&part.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"--\r\n");
        Ok((boundary, out))
    }
}

impl Call<'_> {
    /// Sets a `multipart/form-data` body from `form` (a `#[multipart]` method), or fails the call
    /// with the form's first error.
    pub fn multipart(&mut self, form: Multipart) {
        match form.encode() {
            Ok((boundary, body)) => {
                let content_type = format!("multipart/form-data; boundary={boundary}");
                match HeaderValue::from_str(&content_type) {
                    Ok(value) => self.set_body(value, body),
                    Err(_) => {
                        self.fail(Error::invalid_input("the multipart boundary is not a valid header value"))
                    }
                }
            }
            Err(error) => self.fail(error),
        }
    }
}

/// `"` → `%22`, CR → `%0D`, LF → `%0A`, as browsers write names in `Content-Disposition`.
fn escape_into(text: &str, out: &mut Vec<u8>) {
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            _ => out.push(byte),
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, _)) = needle.split_first() else { return true };
    haystack.len() >= needle.len()
        && haystack
            .iter()
            .enumerate()
            .take(haystack.len() - needle.len() + 1)
            .any(|(i, &byte)| byte == first && &haystack[i..i + needle.len()] == needle)
}

/// 128 random bits as hex, from two randomly keyed SipHash states and a process-wide counter:
/// unpredictable to a server or a part's author, without another dependency.
fn random_boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let half = |salt: u64| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.write_u64(salt);
        hasher.finish()
    };
    format!("http-api-client-{:016x}{:016x}", half(1), half(2))
}

/// True when `value` cannot be a part's `Content-Type`: not `type/subtype`, or characters other
/// than visible ASCII, spaces and tabs, or surrounding spaces.
fn content_type_problem(value: &str) -> bool {
    let bad_char = value.chars().any(|c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()));
    let essence = value.split(';').next().unwrap_or_default().trim();
    let shape = matches!(essence.split_once('/'),
        Some((kind, sub)) if !kind.is_empty() && !sub.is_empty() && !sub.contains('/'));
    bad_char || value.trim() != value || !shape
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn encoded(form: Multipart, boundary: &str) -> String {
        let (used, body) = form.encode_with(std::iter::once(boundary.to_owned())).unwrap();
        assert_eq!(used, boundary);
        String::from_utf8(body).unwrap()
    }

    #[test]
    fn every_part_kind_on_the_wire() {
        let mut form = Multipart::new();
        form.text("count", &3u8);
        form.text("missing", &None::<&str>);
        form.text("flag", &Some(true));
        form.json("meta", &serde_json::json!({"a": [1]}));
        form.bytes("raw", b"\x00\r\n--x".as_slice(), "application/octet-stream", None);
        form.bytes("pic", "img", "image/png", Some("p.png"));
        form.file("doc", &FilePart::new(&b"%PDF"[..]).file_name("d.pdf").content_type("application/pdf"));
        form.file("anon", &FilePart::new(Vec::<u8>::new()));
        assert_eq!(
            encoded(form, "B"),
            "--B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n\
             --B\r\nContent-Disposition: form-data; name=\"flag\"\r\n\r\ntrue\r\n\
             --B\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":[1]}\r\n\
             --B\r\nContent-Disposition: form-data; name=\"raw\"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\r\n--x\r\n\
             --B\r\nContent-Disposition: form-data; name=\"pic\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\nimg\r\n\
             --B\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"d.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n\
             --B\r\nContent-Disposition: form-data; name=\"anon\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n\
             --B--\r\n"
        );
    }

    #[test]
    fn names_and_file_names_are_escaped_as_browsers_do() {
        let mut form = Multipart::new();
        form.bytes("a\"b", "", "text/plain", Some("x\r\ny\"%22.txt"));
        form.file("naïve", &FilePart::new("").file_name("../../naïve.txt"));
        let body = encoded(form, "B");
        assert!(body.contains("name=\"a%22b\"; filename=\"x%0D%0Ay%22%22.txt\"\r\n"), "{body}");
        assert!(body.contains("name=\"naïve\"; filename=\"../../naïve.txt\"\r\n"), "{body}");
    }

    #[test]
    fn an_empty_form_is_only_the_close_delimiter() {
        let mut form = Multipart::new();
        form.text("gone", &None::<u8>);
        assert_eq!(encoded(form, "B"), "--B--\r\n");
    }

    #[test]
    fn a_boundary_found_in_a_part_is_not_used() {
        let mut form = Multipart::new();
        form.bytes("a", "xx--first--yy", "text/plain", None);
        let candidates = ["first", "second"].map(str::to_owned).into_iter();
        let (boundary, body) = form.encode_with(candidates).unwrap();
        assert_eq!(boundary, "second");
        assert!(body.starts_with(b"--second\r\n"));
    }

    #[test]
    fn random_boundaries_differ_and_fit_rfc_2046() {
        let a = random_boundary();
        let b = random_boundary();
        assert_ne!(a, b);
        assert!(a.len() <= 70 && a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'), "{a}");
    }

    #[test]
    fn the_first_bad_part_fails_without_its_value() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("secret-value"))
            }
        }
        let mut form = Multipart::new();
        form.text("ok", "fine");
        form.json("meta", &Fails);
        form.file("f", &FilePart::new("").content_type("text/plain\r\nX: 1"));
        let error = form.encode().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        let text = format!("{error} {error:?}");
        assert!(text.contains("multipart part `meta` could not be serialized as JSON"), "{text}");
        assert!(!text.contains("secret-value"), "{text}");

        let mut form = Multipart::new();
        form.file("f", &FilePart::new("").content_type("text/plain\r\nX: 1"));
        let error = form.encode().unwrap_err();
        assert!(error.to_string().contains("multipart part `f`: the content type"), "{error}");
        for bad in ["", "text", "text/", "/plain", " text/plain", "a/b/c", "text/plain\n", "tëxt/plain"] {
            assert!(content_type_problem(bad), "{bad:?}");
        }
        for good in ["text/plain", "image/png", "text/plain; charset=utf-8", "application/vnd.a+json"] {
            assert!(!content_type_problem(good), "{good:?}");
        }
    }

    #[test]
    fn file_part_debug_hides_the_bytes() {
        let part = FilePart::new(&b"secret"[..]).file_name("a.txt");
        assert_eq!(
            format!("{part:?}"),
            "FilePart { file_name: \"a.txt\", content_type: \"application/octet-stream\", len: 6 }"
        );
        assert_eq!(
            (part.get_file_name(), part.get_content_type(), &part.bytes()[..]),
            ("a.txt", OCTET_STREAM, &b"secret"[..])
        );
    }
}
