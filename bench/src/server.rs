//! The loopback server every client talks to: HTTP/1.1 on 127.0.0.1, spawned as tasks on the
//! caller's (current-thread) runtime, answering each request with the same challenge response.
//!
//! Every server task is wrapped in `ServerTask`, whose poll goes through the never-inlined
//! `bench_server_poll`: callgrind reports that function's inclusive cost, and the counting
//! allocator books what it allocates to the server, so both can be taken out of the clients'
//! figures.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::counting::as_server;

/// The body of every answer: a challenge response as Dintero sends it.
pub const ANSWER: &[u8] =
    br#"{"challenge_type":"oob","binding_method":"prompt","oob_code":"oob-7f3a9c2e51d04b8a"}"#;

/// A request as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// Path and query as sent on the wire.
    pub target: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    /// The header `name` as text, or `-` when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("-")
    }

    /// Header names, lower-case and sorted, so order does not matter when comparing.
    pub fn header_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.headers.keys().map(|n| n.as_str()).collect();
        names.sort_unstable();
        names
    }
}

/// The running server: its address and the requests recorded while recording was on.
pub struct Server {
    pub addr: SocketAddr,
    recording: Arc<AtomicBool>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and spawns the accept loop on the current runtime.
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let recording = Arc::new(AtomicBool::new(false));
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let (rec_flag, rec_list) = (Arc::clone(&recording), Arc::clone(&recorded));
        tokio::spawn(ServerTask::new(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                let (flag, list) = (Arc::clone(&rec_flag), Arc::clone(&rec_list));
                let service =
                    service_fn(move |request| answer(request, Arc::clone(&flag), Arc::clone(&list)));
                tokio::spawn(ServerTask::new(async move {
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                }));
            }
        }));
        Server { addr, recording, recorded }
    }

    /// The base URL the clients are given.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Records every request from now until [`Server::take_recorded`].
    pub fn record(&self) {
        self.recording.store(true, Relaxed);
    }

    /// Stops recording and returns what was recorded.
    pub fn take_recorded(&self) -> Vec<Recorded> {
        self.recording.store(false, Relaxed);
        std::mem::take(&mut *self.recorded.lock().expect("not poisoned"))
    }
}

async fn answer(
    request: Request<Incoming>,
    recording: Arc<AtomicBool>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    if recording.load(Relaxed) {
        let target = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let request = Recorded { method: parts.method.to_string(), target, headers: parts.headers, body };
        recorded.lock().expect("not poisoned").push(request);
    }
    let mut response = Response::new(Full::new(Bytes::from_static(ANSWER)));
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    Ok(response)
}

/// A server task; see the module documentation.
struct ServerTask<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> ServerTask<F> {
    fn new(inner: F) -> Self {
        ServerTask { inner: Box::pin(inner) }
    }
}

impl<F: Future> Future for ServerTask<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        bench_server_poll(self.inner.as_mut(), cx)
    }
}

/// Every poll of a server task goes through here; the name is what `run.sh` looks for in
/// callgrind's output.
#[inline(never)]
fn bench_server_poll<F: Future>(inner: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
    as_server(|| inner.poll(cx))
}
