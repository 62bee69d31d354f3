//! `multipart/form-data` bodies (`#[multipart]` with `#[part]` parameters) on the wire: the
//! server records the request and the test parses it back with `multer`, an independent parser,
//! checking each part's name, file name, content type and exact bytes.

use std::sync::atomic::{AtomicUsize, Ordering};

use dintero_auth::{Bytes, Client, Error, ErrorKind, FilePart};
use dintero_auth_tests::{Recorded, Reply, TestServer};
use serde::{Serialize, Serializer};

#[derive(Serialize)]
pub struct Meta {
    pub title: String,
    pub tags: Vec<&'static str>,
}

/// A value whose serialization fails, with a message that must not reach the error text.
pub struct Unserializable;

impl Serialize for Unserializable {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("sentinel-part-value"))
    }
}

#[dintero_auth::api]
pub trait Uploads {
    #[post("/uploads/{id}")]
    #[multipart]
    #[allow(clippy::too_many_arguments)]
    async fn every_kind(
        &self,
        id: u64,
        #[part("title")] title: &str,
        #[part("count")] count: u32,
        #[part("missing")] missing: Option<&str>,
        #[part("meta", json)] meta: &Meta,
        #[part("blob", bytes)] blob: &[u8],
        #[part("thumb", bytes, content_type = "image/png", file_name = "t.png")] thumb: Vec<u8>,
        #[part("doc", file)] doc: FilePart,
        #[part("empty", bytes)] empty: Bytes,
    ) -> Result<(), Error>;

    #[put("/uploads/{id}")]
    #[multipart]
    async fn hostile(
        &self,
        id: &str,
        #[part("a\"b")] quoted: &str,
        #[part("x\r\ny", bytes, file_name = "x\r\ny")] crlf: &[u8],
        #[part("naïve")] naive: &str,
        #[part("file", file)] first: &FilePart,
        #[part("file", file)] second: &FilePart,
    ) -> Result<(), Error>;

    #[patch("/uploads")]
    #[multipart]
    async fn with_json(
        &self,
        #[part("meta", json)] meta: &Unserializable,
        #[part("file", file)] file: FilePart,
    ) -> Result<(), Error>;

    #[post("/uploads")]
    #[multipart]
    async fn file_only(&self, #[part("file", file)] file: FilePart) -> Result<(), Error>;
}

fn uploads(server: &TestServer) -> UploadsClient {
    UploadsClient::new(Client::builder().base_url(server.base_url()).build().unwrap())
}

/// One part as `multer` parsed it.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

fn part(name: &str, file_name: Option<&str>, content_type: Option<&str>, bytes: &[u8]) -> Part {
    Part {
        name: name.to_owned(),
        file_name: file_name.map(str::to_owned),
        content_type: content_type.map(str::to_owned),
        bytes: bytes.to_vec(),
    }
}

/// The request's boundary (from its `Content-Type`) and its parts, in order.
async fn parse(request: &Recorded) -> (String, Vec<Part>) {
    let content_type = request.header("content-type").expect("a content type");
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let boundary = multer::parse_boundary(content_type).expect("a boundary");
    let body = request.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary.clone());
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("a well-formed multipart body") {
        let name = field.name().expect("every part has a name").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type =
            field.headers().get("content-type").map(|v| v.to_str().expect("ASCII content type").to_owned());
        let bytes = field.bytes().await.expect("the part's bytes").to_vec();
        parts.push(Part { name, file_name, content_type, bytes });
    }
    (boundary, parts)
}

/// CRLF, a delimiter-looking `--`, NUL, bytes that are not UTF-8, and our boundaries' prefix.
const BINARY: &[u8] = b"\x00\xff\r\n--\r\n--http-api-client-\r\n\xfe--";

#[tokio::test]
async fn every_part_kind_arrives_with_its_name_type_and_exact_bytes() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let meta = Meta { title: "Q3".into(), tags: vec!["a", "b"] };
    let doc = FilePart::new(Bytes::from_static(b"%PDF-1.7\r\n%%EOF"))
        .file_name("report.pdf")
        .content_type("application/pdf");
    uploads(&server)
        .every_kind(
            7,
            "caf\u{e9} \"x\"",
            42,
            None,
            &meta,
            BINARY,
            vec![0x89, b'P', b'N', b'G'],
            doc,
            Bytes::new(),
        )
        .await
        .unwrap();

    let request = server.single();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/v1/uploads/7"));
    assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
    let (boundary, parts) = parse(&request).await;
    assert_eq!(
        parts,
        vec![
            part("title", None, None, "caf\u{e9} \"x\"".as_bytes()),
            part("count", None, None, b"42"),
            part("meta", None, Some("application/json"), br#"{"title":"Q3","tags":["a","b"]}"#),
            part("blob", None, Some("application/octet-stream"), BINARY),
            part("thumb", Some("t.png"), Some("image/png"), b"\x89PNG"),
            part("doc", Some("report.pdf"), Some("application/pdf"), b"%PDF-1.7\r\n%%EOF"),
            part("empty", None, Some("application/octet-stream"), b""),
        ]
    );
    // RFC 2046: 1 to 70 characters; never inside a part.
    assert!((1..=70).contains(&boundary.len()), "{boundary}");
    for part in &parts {
        assert!(!part.bytes.windows(boundary.len()).any(|w| w == boundary.as_bytes()), "{part:?}");
    }
    let occurrences = request.body.windows(boundary.len()).filter(|w| *w == boundary.as_bytes()).count();
    assert_eq!(occurrences, parts.len() + 1, "one delimiter per part and the closing one");
}

#[tokio::test]
async fn hostile_names_and_file_names_are_escaped_and_paths_sent_verbatim() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let client = uploads(&server);
    let traversal = FilePart::new(Bytes::from_static(b"root:x:0:0")).file_name("../../etc/passwd");
    let quoted = FilePart::new(Bytes::from_static(b"q"))
        .file_name("na\u{ef}ve \"1\".txt")
        .content_type("text/plain; charset=utf-8");
    client.hostile("h", "v", b"\r\n", "\u{fc}", &traversal, &quoted).await.unwrap();

    let request = server.single();
    let (_, parts) = parse(&request).await;
    assert_eq!(
        parts,
        vec![
            // multer reports the names as written on the wire, escapes and all.
            part("a%22b", None, None, b"v"),
            part("x%0D%0Ay", Some("x%0D%0Ay"), Some("application/octet-stream"), b"\r\n"),
            part("na\u{ef}ve", None, None, "\u{fc}".as_bytes()),
            part("file", Some("../../etc/passwd"), Some("application/octet-stream"), b"root:x:0:0"),
            part("file", Some("na\u{ef}ve %221%22.txt"), Some("text/plain; charset=utf-8"), b"q"),
        ]
    );
    // Non-ASCII is sent as UTF-8, not percent-encoded or RFC 2231-encoded.
    let text = String::from_utf8_lossy(&request.body);
    assert!(text.contains("Content-Disposition: form-data; name=\"na\u{ef}ve\"\r\n"), "{text}");
    assert!(text.contains("name=\"file\"; filename=\"../../etc/passwd\"\r\n"), "{text}");
}

#[tokio::test]
async fn each_request_gets_its_own_boundary() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let client = uploads(&server);
    client.file_only(FilePart::new(Bytes::from_static(b"1"))).await.unwrap();
    client.file_only(FilePart::new(Bytes::from_static(b"1"))).await.unwrap();
    let requests = server.requests();
    let (first, second) = (parse(&requests[0]).await, parse(&requests[1]).await);
    assert_ne!(first.0, second.0);
    assert_eq!(first.1, vec![part("file", None, Some("application/octet-stream"), b"1")]);
    assert_eq!(first.1, second.1);
}

#[tokio::test]
async fn a_part_that_cannot_be_encoded_fails_before_any_request() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let client = uploads(&server);

    let error = client.with_json(&Unserializable, FilePart::new(Bytes::new())).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(!error.may_have_been_delivered());
    let text = format!("{error} {error:?}");
    assert!(text.contains("multipart part `meta` could not be serialized as JSON"), "{text}");
    assert!(!text.contains("sentinel-part-value"), "{text}");

    let bad_type =
        FilePart::new(Bytes::from_static(b"secret-bytes")).content_type("image/png\r\nX-Injected: 1");
    let error = client.file_only(bad_type).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    let text = format!("{error} {error:?}");
    assert!(text.contains("multipart part `file`"), "{text}");
    assert!(!text.contains("secret-bytes") && !text.contains("X-Injected"), "{text}");

    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_retried_multipart_request_is_sent_again_byte_for_byte() {
    let seen = AtomicUsize::new(0);
    let server = TestServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::new(503, "")
        } else {
            Reply::new(204, "")
        }
    })
    .await;
    let file = FilePart::new(Bytes::from_static(BINARY)).file_name("b.bin");
    // PUT is idempotent, so a 503 is retried.
    uploads(&server).hostile("r", "v", b"", "n", &file, &file).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[0].header("content-type"), requests[1].header("content-type"));
    assert_eq!(parse(&requests[1]).await.1.len(), 5);
}
