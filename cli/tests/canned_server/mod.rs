//! A tiny HTTP server on 127.0.0.1 that gives every connection the same canned answer and
//! counts the connections it accepted, so a test can both feed the CLI hostile server output
//! and prove that a refused command sent nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// The request line the test itself sends to ask for the count; never counted.
const COUNT_REQUEST: &str = "GET /__connections HTTP/1.1";

/// Caps what the server reads of one request, so a misbehaving client cannot stall it.
const MAX_REQUEST_BYTES: u64 = 64 * 1024;

/// A running canned server; its thread lives until the test process ends.
pub struct CannedServer {
    addr: SocketAddr,
}

impl CannedServer {
    /// Answers every request with `status` (e.g. `400 Bad Request`) and `body` as JSON.
    pub fn start(status: &str, body: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        thread::spawn(move || serve(&listener, &response));
        Self { addr }
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many connections the server accepted before this question. Connections are
    /// accepted one at a time in the order they were made, so once the CLI has exited every
    /// connection it made is counted: no waiting is needed.
    pub fn connections(&self) -> usize {
        let mut stream = TcpStream::connect(self.addr).expect("connect to the canned server");
        stream.write_all(format!("{COUNT_REQUEST}\r\n\r\n").as_bytes()).expect("ask for the count");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read the count");
        answer.trim().parse().unwrap_or_else(|_| panic!("count answer: {answer:?}"))
    }
}

fn serve(listener: &TcpListener, response: &str) {
    let mut accepted = 0_usize;
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        // A client that connects and then sends nothing must not stop the server for good.
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request_line = read_request(&stream);
        if request_line == COUNT_REQUEST {
            let _ = write!(stream, "{accepted}");
            continue;
        }
        accepted += 1;
        let _ = stream.write_all(response.as_bytes());
    }
}

/// Reads one request (head and `Content-Length` body) and returns its request line.
fn read_request(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream.take(MAX_REQUEST_BYTES));
    let mut request_line = String::new();
    let mut content_length = 0_u64;
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return request_line,
            Ok(_) => {}
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if request_line.is_empty() {
            request_line = trimmed.to_owned();
        } else if let Some((name, value)) = trimmed.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let _ = std::io::copy(&mut reader.take(content_length), &mut std::io::sink());
    request_line
}
