//! Streamed bodies against loopback servers: downloads read a chunk at a time past the size cap,
//! uploads sent with chunked encoding from a reader or a stream, what a cut, a stall or a slow
//! server does to a stream, and that a streamed request is never sent twice.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use dintero_auth::middleware::{BoxFuture, Middleware, Next, Request, Response};
use dintero_auth::{ApiResponse, ByteStream, Bytes, Error, ErrorKind, Operation, RetryPolicy};
use dintero_auth_tests::raw::{response, Action, RawServer};
use dintero_auth_tests::streaming::{is_pattern, PatternReader, StreamServer};
use dintero_auth_tests::{error_chain, Reply, TestServer};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

/// What the stream server saw of an upload.
#[derive(Debug, Deserialize)]
pub struct Receipt {
    bytes: u64,
    pattern: bool,
    chunked: bool,
    content_type: Option<String>,
}

#[dintero_auth::api]
pub trait Transfers {
    #[get("/pattern/{size}")]
    async fn download(&self, size: u64) -> Result<ByteStream, Error>;

    #[get("/pattern/{size}")]
    async fn download_info(&self, size: u64) -> Result<ApiResponse<ByteStream>, Error>;

    #[put("/files/{name}")]
    async fn upload(&self, name: &str, #[body(stream)] data: ByteStream) -> Result<Receipt, Error>;

    #[post("/files/{name}")]
    async fn upload_csv(
        &self,
        name: &str,
        #[body(stream, content_type = "text/csv")] data: ByteStream,
    ) -> Result<Receipt, Error>;

    #[put("/files/{name}")]
    async fn upload_bytes(&self, name: &str, #[body(bytes)] data: Bytes) -> Result<(), Error>;
}

fn client(base_url: &str) -> TransfersClient {
    TransfersClient::new(dintero_auth_tests::client_builder().base_url(base_url).build().unwrap())
}

/// Reads the whole stream, checking it is the pattern; returns (bytes, chunks).
async fn drain(mut stream: ByteStream) -> Result<(u64, usize), dintero_auth::middleware::Error> {
    let (mut bytes, mut chunks) = (0u64, 0usize);
    while let Some(chunk) = stream.next_chunk().await {
        let chunk = chunk?;
        assert!(is_pattern(bytes, &chunk), "chunk {chunks} differs from the pattern");
        bytes += chunk.len() as u64;
        chunks += 1;
    }
    Ok((bytes, chunks))
}

#[tokio::test]
async fn a_download_is_read_a_chunk_at_a_time_past_the_size_cap() {
    let server = StreamServer::start().await;
    let client = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let api = TransfersClient::new(client);
    let (bytes, chunks) = drain(api.download(3_000_000).await.unwrap()).await.unwrap();
    assert_eq!(bytes, 3_000_000);
    assert!(chunks > 10, "{chunks} chunks");

    let answer = api.download_info(10).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["transfer-encoding"], "chunked");
    assert_eq!(drain(answer.data).await.unwrap().0, 10);

    // The buffered kinds keep the cap.
    let capped = api.download_info(0).await.unwrap();
    assert_eq!(drain(capped.data).await.unwrap(), (0, 0));
}

#[tokio::test]
async fn a_download_reads_as_async_read() {
    let server = StreamServer::start().await;
    let stream = client(&server.base_url()).download(200_000).await.unwrap();
    let mut all = Vec::new();
    stream.into_reader().read_to_end(&mut all).await.unwrap();
    assert_eq!(all.len(), 200_000);
    assert!(is_pattern(0, &all));
}

#[tokio::test]
async fn an_upload_is_sent_chunked_as_it_is_read() {
    let server = StreamServer::start().await;
    let api = client(&server.base_url());
    let receipt = api.upload("a", ByteStream::from_reader(PatternReader::new(5_000_000))).await.unwrap();
    assert_eq!(receipt.bytes, 5_000_000);
    assert!(receipt.pattern && receipt.chunked, "{receipt:?}");
    assert_eq!(receipt.content_type.as_deref(), Some("application/octet-stream"));

    let receipt = api.upload_csv("b", ByteStream::from_stream(Chunks::new(3, None))).await.unwrap();
    assert_eq!((receipt.bytes, receipt.pattern), (3 * 1000, true));
    assert_eq!(receipt.content_type.as_deref(), Some("text/csv"));

    // Bytes in memory have a length: no chunked encoding.
    let receipt = api.upload("c", ByteStream::from(Bytes::from_static(&[0, 1, 2]))).await.unwrap();
    assert_eq!((receipt.bytes, receipt.pattern, receipt.chunked), (3, true, false));
}

#[tokio::test]
async fn a_failing_upload_stream_fails_the_call_and_says_so() {
    let server = StreamServer::start().await;
    let error = client(&server.base_url())
        .upload("a", ByteStream::from_stream(Chunks::new(2, Some("disk unplugged"))))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.may_have_been_delivered());
    let chain = error_chain(&error);
    assert!(chain.starts_with("the request body stream failed"), "{chain}");
    assert!(chain.contains("disk unplugged"), "{chain}");
}

#[tokio::test]
async fn a_download_cut_in_the_middle_ends_with_a_transport_error() {
    let mut reply = response(200, &[], &[0u8; 0]);
    // Announce a megabyte, send 100 KB, close.
    let head =
        String::from_utf8(reply.clone()).unwrap().replace("content-length: 0", "content-length: 1000000");
    reply = head.into_bytes();
    reply.extend_from_slice(&dintero_auth_tests::streaming::pattern(0, 100_000));
    let server = RawServer::always(Action::ReplyThenClose(reply)).await;
    let stream = client(&server.base_url()).download(1).await.unwrap();
    let error = drain(stream).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.may_have_been_delivered());
    assert!(error.to_string().contains("may have been delivered"), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_stalled_download_ends_after_the_chunk_timeout() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n".to_vec();
    let server =
        RawServer::always(Action::Trickle { head, body: vec![0; 10], every: Duration::from_secs(5) }).await;
    let client = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .chunk_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let stream = TransfersClient::new(client).download(1).await.unwrap();
    let error = drain(stream).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.may_have_been_delivered());
    assert!(error.to_string().contains("without a chunk"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_call_timeout_still_bounds_a_slow_download() {
    // A byte every 20 ms: never idle for the chunk timeout, but 2 s in all.
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n".to_vec();
    let trickle = Action::Trickle { head, body: vec![0; 100], every: Duration::from_millis(20) };
    let server = RawServer::always(trickle).await;
    let client = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .timeout(Duration::from_millis(400))
        .chunk_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let stream = TransfersClient::new(client).download(1).await.unwrap();
    let error = drain_any(stream).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.may_have_been_delivered());
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}

/// A download whose reads have to wait, read on a thread where no tokio runtime is current (the
/// runtime that made the call keeps driving the socket): a `ByteStream` needs no runtime of the
/// reader's, on either transport.
#[test]
fn a_download_is_read_where_no_runtime_is_current() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n".to_vec();
    let trickle = Action::Trickle { head, body: vec![7; 10], every: Duration::from_millis(10) };
    let server = runtime.block_on(RawServer::always(trickle));
    let mut stream = runtime.block_on(client(&server.base_url()).download(1)).unwrap();
    let read = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        while let Some(chunk) = park_on(stream.next_chunk()) {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        bytes
    });
    assert_eq!(read.join().unwrap(), vec![7; 10]);
}

/// Runs `future` on this thread, parking it until woken: an executor with no runtime.
fn park_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[tokio::test]
async fn an_error_answer_to_a_streaming_endpoint_is_read_as_the_error() {
    let server =
        TestServer::always(Reply::json(404, serde_json::json!({"error": {"code": "not_found"}}))).await;
    let error = client(&server.base_url()).download(5).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(error.raw_body().is_some_and(|body| body.starts_with(b"{\"error\"")));
}

#[tokio::test]
async fn a_streamed_request_is_sent_once_while_bytes_are_retried() {
    let server = TestServer::always(Reply::new(503, "busy")).await;
    let retrying = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::default().attempts(3).backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap();
    let api = TransfersClient::new(retrying);
    let error = api.upload("a", ByteStream::from_reader(PatternReader::new(10))).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1, "a streamed body cannot be sent twice");
    // The same endpoint with the body in memory is retried: the count above is the stream's doing.
    api.upload_bytes("a", Bytes::from_static(b"abc")).await.unwrap_err();
    assert_eq!(server.count(), 4);
}

/// Records what middleware sees of streamed bodies, and answers `download(0)` itself.
struct Observe(std::sync::Mutex<Vec<String>>);

impl Middleware for Observe {
    fn handle<'a>(
        &'a self,
        _: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, dintero_auth::middleware::Error>> {
        Box::pin(async move {
            if request.url().path().ends_with("/pattern/0") {
                let headers = Default::default();
                return Ok(Response::new(dintero_auth::http::StatusCode::OK, headers, "cached"));
            }
            let streamed_request = request.has_streamed_body();
            let response = next.run(request).await?;
            let seen = format!(
                "{streamed_request} {} {}",
                response.has_streamed_body(),
                !response.body().is_empty()
            );
            self.0.lock().unwrap().push(seen);
            Ok(response)
        })
    }
}

#[tokio::test]
async fn middleware_sees_streamed_bodies_as_such_and_can_answer_a_streaming_endpoint() {
    let server = StreamServer::start().await;
    let observe = std::sync::Arc::new(Observe(Default::default()));
    let client = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .middleware(SharedObserve(observe.clone()))
        .build()
        .unwrap();
    let api = TransfersClient::new(client);
    assert_eq!(drain_any(api.download(70_000).await.unwrap()).await.unwrap(), 70_000);
    api.upload("a", ByteStream::from_reader(PatternReader::new(10))).await.unwrap();
    assert_eq!(*observe.0.lock().unwrap(), ["false true false", "true false true"]);

    let mut cached = api.download(0).await.unwrap();
    assert_eq!(cached.next_chunk().await.unwrap().unwrap(), "cached");
    assert!(cached.next_chunk().await.is_none());
}

struct SharedObserve(std::sync::Arc<Observe>);

impl Middleware for SharedObserve {
    fn handle<'a>(
        &'a self,
        operation: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, dintero_auth::middleware::Error>> {
        self.0.handle(operation, request, next)
    }
}

/// Reads the whole stream without checking its bytes; returns the byte count.
async fn drain_any(mut stream: ByteStream) -> Result<u64, dintero_auth::middleware::Error> {
    let mut bytes = 0;
    while let Some(chunk) = stream.next_chunk().await {
        bytes += chunk?.len() as u64;
    }
    Ok(bytes)
}

/// `count` chunks of 1,000 pattern bytes, then the error `fail` if any.
struct Chunks {
    sent: u64,
    count: u64,
    fail: Option<&'static str>,
}

impl Chunks {
    fn new(count: u64, fail: Option<&'static str>) -> Self {
        Self { sent: 0, count, fail }
    }
}

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.sent == self.count {
            return Poll::Ready(self.fail.take().map(|reason| Err(std::io::Error::other(reason))));
        }
        let chunk = dintero_auth_tests::streaming::pattern(self.sent * 1000, 1000);
        self.sent += 1;
        Poll::Ready(Some(Ok(chunk)))
    }
}
