//! A cleartext HTTP/2 server (h2c, prior knowledge) on 127.0.0.1 that turns the first requests
//! away (a stream reset with `REFUSED_STREAM` or another reason, or a `GOAWAY` on the first
//! connections) and answers the rest, recording every request body it reads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The server; it runs until the test's runtime ends.
pub struct H2cServer {
    addr: std::net::SocketAddr,
    streams: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl H2cServer {
    /// Resets the first `resets` streams with `reason`, then answers each with 200 and `answer`
    /// as JSON.
    pub async fn start(resets: usize, reason: h2::Reason, answer: &'static [u8]) -> Self {
        Self::serve(resets, reason, Some(answer), None).await
    }

    /// On each of the first `connections` connections, reads a request's head (its stream is 1)
    /// and answers it with a `GOAWAY` of `reason` naming `last_stream_id` as the last stream
    /// processed. With `last_stream_id` 0 the request was not processed and the client closes
    /// the connection; otherwise it is left unanswered and the server closes it. Requests on
    /// later connections get 200 and `answer` as JSON.
    pub async fn start_going_away(
        connections: usize,
        last_stream_id: u32,
        reason: h2::Reason,
        answer: &'static [u8],
    ) -> Self {
        let go_away = GoAway { connections, last_stream_id, reason };
        Self::serve(0, h2::Reason::NO_ERROR, Some(answer), Some(go_away)).await
    }

    /// Resets the first `resets` streams with `reason`, then answers each with a 200 head and a
    /// body that never comes (the stream is held open).
    pub async fn start_stalling_body(resets: usize, reason: h2::Reason) -> Self {
        Self::serve(resets, reason, None, None).await
    }

    async fn serve(
        resets: usize,
        reason: h2::Reason,
        answer: Option<&'static [u8]>,
        go_away: Option<GoAway>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let streams = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (counted, kept) = (Arc::clone(&streams), Arc::clone(&bodies));
        tokio::spawn(async move {
            let mut accepted = 0;
            while let Ok((socket, _)) = listener.accept().await {
                accepted += 1;
                let (counted, kept) = (Arc::clone(&counted), Arc::clone(&kept));
                if let Some(go_away) = go_away.filter(|go_away| accepted <= go_away.connections) {
                    tokio::spawn(async move { go_away.send_after_a_request(socket, &counted).await });
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut connection) = h2::server::handshake(socket).await else { return };
                    // Accepting drives the connection: each stream is served by a task of its own.
                    while let Some(Ok((request, mut respond))) = connection.accept().await {
                        if counted.fetch_add(1, Ordering::SeqCst) < resets {
                            respond.send_reset(reason);
                            continue;
                        }
                        let kept = Arc::clone(&kept);
                        tokio::spawn(async move {
                            let mut body = request.into_body();
                            let mut read = Vec::new();
                            while let Some(Ok(chunk)) = body.data().await {
                                let _ = body.flow_control().release_capacity(chunk.len());
                                read.extend_from_slice(&chunk);
                            }
                            kept.lock().expect("bodies").push(read);
                            let head = http::Response::builder()
                                .status(200)
                                .header("content-type", "application/json")
                                .body(())
                                .expect("a valid response head");
                            let Ok(mut send) = respond.send_response(head, false) else { return };
                            match answer {
                                Some(answer) => drop(send.send_data(Bytes::from_static(answer), true)),
                                // Held until the client gives up: the body never ends.
                                None => std::future::pending::<()>().await,
                            }
                        });
                    }
                });
            }
        });
        Self { addr, streams, bodies }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many streams (requests) were opened, reset ones included.
    pub fn streams(&self) -> usize {
        self.streams.load(Ordering::SeqCst)
    }

    /// The bodies of the requests answered, in the order they were read.
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().expect("bodies").clone()
    }
}

/// A `GOAWAY` for the first connections. Written as raw frames: h2's server counts every stream
/// it has read as processed, so it cannot name a last stream below the request it turns away.
#[derive(Clone, Copy)]
struct GoAway {
    connections: usize,
    last_stream_id: u32,
    reason: h2::Reason,
}

const SETTINGS: u8 = 0x4;
const HEADERS: u8 = 0x1;
const GOAWAY: u8 = 0x7;
/// What an HTTP/2 client sends first (RFC 9113 §3.4), before its `SETTINGS`.
const CLIENT_PREFACE: usize = 24;

impl GoAway {
    /// Sends the server's (empty) `SETTINGS`, reads frames until a request's `HEADERS`, counts
    /// it in `streams`, and sends the `GOAWAY`. Any I/O error ends the connection.
    async fn send_after_a_request(self, mut socket: TcpStream, streams: &AtomicUsize) -> Option<()> {
        socket.write_all(&frame_head(0, SETTINGS)).await.ok()?;
        socket.read_exact(&mut [0; CLIENT_PREFACE]).await.ok()?;
        loop {
            let mut head = [0; 9];
            socket.read_exact(&mut head).await.ok()?;
            let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            socket.read_exact(&mut vec![0; length]).await.ok()?;
            if head[3] == HEADERS {
                break;
            }
        }
        streams.fetch_add(1, Ordering::SeqCst);
        let mut go_away = frame_head(8, GOAWAY).to_vec();
        go_away.extend_from_slice(&self.last_stream_id.to_be_bytes());
        go_away.extend_from_slice(&u32::from(self.reason).to_be_bytes());
        socket.write_all(&go_away).await.ok()?;
        // The request (stream 1) is above the last stream processed: the client has nothing
        // left on the connection and closes it. Otherwise it is closed here, unanswered.
        let mut sink = [0; 1024];
        if self.last_stream_id == 0 {
            while socket.read(&mut sink).await.ok()? > 0 {}
        }
        Some(())
    }
}

/// The 9-byte head (RFC 9113 §4.1) of a frame without flags on stream 0, the connection's own.
fn frame_head(length: u32, kind: u8) -> [u8; 9] {
    let [_, a, b, c] = length.to_be_bytes();
    [a, b, c, kind, 0, 0, 0, 0, 0]
}
