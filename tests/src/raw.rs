//! A scripted raw-TCP HTTP server on 127.0.0.1 for fault injection: it can misbehave in ways a
//! real HTTP library will not (reset after reading, stall, trickle, lie about the length), and
//! it counts every request head it reads.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Action {
    /// Write these bytes and keep the connection open for the next request.
    Reply(Vec<u8>),
    /// Write these bytes, then close the connection (without saying so in a header).
    ReplyThenClose(Vec<u8>),
    /// Reset the connection (RST) without answering.
    Reset,
    /// Never answer; hold the connection open.
    Stall,
    /// Write `head`, then `body` one byte per `every`.
    Trickle { head: Vec<u8>, body: Vec<u8>, every: Duration },
    /// Write `head` then `body` in 64 KiB pieces, stopping quietly when the peer goes away;
    /// records how many body bytes were accepted by the socket.
    Stream { head: Vec<u8>, body_len: usize },
}

/// A complete response: status line, headers (with `Content-Length`) and body.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len()).into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

type Script = dyn Fn(usize, &[u8]) -> Action + Send + Sync;

/// The server handle; the server lives until the tokio runtime ends.
pub struct RawServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    streamed: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    /// Starts a server that answers request number `n` (from 0) with `script(n, head)`.
    pub async fn start(script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static) -> Self {
        Self::start_with_keep_alive(None, script).await
    }

    /// Like [`RawServer::start`], closing a connection that stays idle for `keep_alive`
    /// between requests, as servers' keep-alive timeouts do.
    pub async fn start_with_keep_alive(
        keep_alive: Option<Duration>,
        script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static,
    ) -> Self {
        Self::serve(keep_alive, usize::MAX, script).await
    }

    /// Like [`RawServer::start`], but closes its port once it has accepted `connections`
    /// connections: every later connect is refused.
    pub async fn start_closing_after(
        connections: usize,
        script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static,
    ) -> Self {
        Self::serve(None, connections, script).await
    }

    async fn serve(
        keep_alive: Option<Duration>,
        accepts: usize,
        script: impl Fn(usize, &[u8]) -> Action + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let server = Self {
            addr,
            requests: Arc::default(),
            heads: Arc::default(),
            streamed: Arc::default(),
            connections: Arc::default(),
        };
        let connections = Arc::clone(&server.connections);
        let script: Arc<Script> = Arc::new(script);
        let (requests, heads, streamed) =
            (Arc::clone(&server.requests), Arc::clone(&server.heads), Arc::clone(&server.streamed));
        tokio::spawn(async move {
            for _ in 0..accepts {
                let Ok((stream, _)) = listener.accept().await else { break };
                connections.fetch_add(1, Ordering::SeqCst);
                let connection = Connection {
                    script: Arc::clone(&script),
                    requests: Arc::clone(&requests),
                    heads: Arc::clone(&heads),
                    streamed: Arc::clone(&streamed),
                    keep_alive,
                };
                tokio::spawn(connection.serve(stream));
            }
        });
        server
    }

    /// Starts a server giving every request the same action.
    pub async fn always(action: Action) -> Self {
        Self::start(move |_, _| action.clone()).await
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Request heads read so far.
    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The request heads, as text.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("heads").clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Body bytes a `Stream` action got into the socket.
    pub fn streamed(&self) -> usize {
        self.streamed.load(Ordering::SeqCst)
    }
}

struct Connection {
    script: Arc<Script>,
    requests: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    streamed: Arc<AtomicUsize>,
    keep_alive: Option<Duration>,
}

impl Connection {
    async fn serve(self, mut stream: TcpStream) {
        let mut buffer = Vec::new();
        loop {
            let head = match self.keep_alive {
                Some(idle) if buffer.is_empty() => {
                    match tokio::time::timeout(idle, read_request(&mut stream, &mut buffer)).await {
                        Ok(head) => head,
                        // Idle too long: close, as a server's keep-alive timeout does.
                        Err(_) => return,
                    }
                }
                _ => read_request(&mut stream, &mut buffer).await,
            };
            let Some(head) = head else { return };
            let n = self.requests.fetch_add(1, Ordering::SeqCst);
            self.heads.lock().expect("heads").push(String::from_utf8_lossy(&head).into_owned());
            match (self.script)(n, &head) {
                Action::Reply(bytes) => {
                    if stream.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                Action::ReplyThenClose(bytes) => {
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.shutdown().await;
                    return;
                }
                Action::Reset => {
                    // Linger 0 makes close() send RST instead of FIN.
                    let _ = stream.set_zero_linger();
                    return;
                }
                Action::Stall => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                Action::Trickle { head, body, every } => {
                    if stream.write_all(&head).await.is_err() {
                        return;
                    }
                    for byte in body {
                        tokio::time::sleep(every).await;
                        if stream.write_all(&[byte]).await.is_err() {
                            return;
                        }
                    }
                }
                Action::Stream { head, body_len } => {
                    if stream.write_all(&head).await.is_err() {
                        return;
                    }
                    let piece = vec![b'x'; 64 * 1024];
                    let mut left = body_len;
                    while left > 0 {
                        let n = left.min(piece.len());
                        if stream.write_all(&piece[..n]).await.is_err() {
                            return;
                        }
                        self.streamed.fetch_add(n, Ordering::SeqCst);
                        left -= n;
                    }
                    return;
                }
            }
        }
    }
}

/// Reads one request head and its `Content-Length` body; `None` at EOF or on garbage.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buffer.len() > 1 << 20 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head: Vec<u8> = buffer.drain(..head_end).collect();
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    buffer.drain(..length);
    Some(head)
}
