//! A loopback server for streamed bodies: it sends and receives any number of bytes of a known
//! pattern a chunk at a time, holding at most one chunk in memory, so a test can move 100 MiB
//! and check every byte without either side buffering it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Size of the chunks the server sends.
pub const CHUNK: usize = 64 * 1024;

/// The byte at `offset` of every pattern body.
pub fn pattern_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// The pattern from offset 0, one period longer than a chunk, so that any chunk-sized run of
/// it is a slice of this (copied and compared at memory speed even in debug builds).
fn table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| (0..(CHUNK + 251) as u64).map(pattern_byte).collect())
}

/// `len` (at most [`CHUNK`]) pattern bytes starting at `offset`.
fn pattern_slice(offset: u64, len: usize) -> &'static [u8] {
    let start = (offset % 251) as usize;
    &table()[start..start + len]
}

/// `len` pattern bytes starting at `offset`.
pub fn pattern(offset: u64, len: usize) -> Bytes {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let take = (len - out.len()).min(CHUNK);
        out.extend_from_slice(pattern_slice(offset + out.len() as u64, take));
    }
    out.into()
}

/// Whether `data` is the pattern starting at `offset`.
pub fn is_pattern(offset: u64, data: &[u8]) -> bool {
    data.chunks(CHUNK)
        .enumerate()
        .all(|(i, piece)| piece == pattern_slice(offset + (i * CHUNK) as u64, piece.len()))
}

/// A response body of `remaining` pattern bytes, made one chunk per poll.
struct PatternBody {
    sent: u64,
    remaining: u64,
}

impl Body for PatternBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let len = self.remaining.min(CHUNK as u64) as usize;
        let chunk = pattern(self.sent, len);
        self.sent += len as u64;
        self.remaining -= len as u64;
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }
}

type Boxed = http_body_util::combinators::UnsyncBoxBody<Bytes, Infallible>;

/// `GET /v1/pattern/{n}` answers `n` pattern bytes (chunked). Any other request is read a chunk
/// at a time and answered with JSON: `{"bytes": n, "pattern": ok, "chunked": …, "content_type": …}`.
pub struct StreamServer {
    addr: SocketAddr,
}

impl StreamServer {
    /// Starts the server on 127.0.0.1; it lives until the runtime ends.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let service = service_fn(handle);
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Self { addr }
    }

    /// The base URL to build a client with.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }
}

async fn handle(request: Request<Incoming>) -> Result<Response<Boxed>, Infallible> {
    let path = request.uri().path().to_owned();
    if let Some(size) = path.strip_prefix("/v1/pattern/") {
        let remaining = size.parse().unwrap_or(0);
        return Ok(Response::new(PatternBody { sent: 0, remaining }.boxed_unsync()));
    }
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let content_type = header("content-type");
    let mut body = request.into_body();
    let (mut bytes, mut matches) = (0u64, true);
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            matches = false;
            break;
        };
        if let Some(data) = frame.data_ref() {
            matches &= is_pattern(bytes, data);
            bytes += data.len() as u64;
        }
    }
    let answer = serde_json::json!({
        "bytes": bytes, "pattern": matches, "chunked": chunked, "content_type": content_type,
    });
    let body = http_body_util::Full::new(Bytes::from(answer.to_string())).boxed_unsync();
    Ok(Response::builder().header("content-type", "application/json").body(body).expect("response"))
}

/// An `AsyncRead` of `remaining` pattern bytes, for uploads.
pub struct PatternReader {
    offset: u64,
    remaining: u64,
}

impl PatternReader {
    /// `len` pattern bytes.
    pub fn new(len: u64) -> Self {
        Self { offset: 0, remaining: len }
    }
}

impl tokio::io::AsyncRead for PatternReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let len = (buf.remaining() as u64).min(self.remaining).min(CHUNK as u64) as usize;
        buf.put_slice(pattern_slice(self.offset, len));
        self.offset += len as u64;
        self.remaining -= len as u64;
        Poll::Ready(Ok(()))
    }
}
