//! A cleartext HTTP/2 server (h2c, prior knowledge) on 127.0.0.1 that resets the first streams
//! it is sent (`REFUSED_STREAM`, or another reason) and answers the rest, recording every request
//! body it reads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::net::TcpListener;

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
        Self::serve(resets, reason, Some(answer)).await
    }

    /// Resets the first `resets` streams with `reason`, then answers each with a 200 head and a
    /// body that never comes (the stream is held open).
    pub async fn start_stalling_body(resets: usize, reason: h2::Reason) -> Self {
        Self::serve(resets, reason, None).await
    }

    async fn serve(resets: usize, reason: h2::Reason, answer: Option<&'static [u8]>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let streams = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (counted, kept) = (Arc::clone(&streams), Arc::clone(&bodies));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (counted, kept) = (Arc::clone(&counted), Arc::clone(&kept));
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
