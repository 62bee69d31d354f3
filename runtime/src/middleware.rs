//! [`Middleware`]: code of yours that runs around every call, knowing which endpoint it is.
//!
//! Installed with [`ClientBuilder::middleware`](crate::ClientBuilder::middleware), in order: the
//! first one installed is the outermost. Each sees the call's [`Operation`] and the outgoing
//! [`Request`] (every header the transport will send, `Authorization` included), and either
//! passes it on with [`Next::run`] — once: a request cannot be sent twice through `Next` — and
//! observes the outcome, or answers itself (a cache, a test double). Whether a request may have
//! been delivered is the transport's verdict alone: the runtime sets it on every error that comes
//! out of the chain, whatever a middleware claims.
//!
//! ```
//! use http_api_client::middleware::{BoxFuture, Middleware, Next, Request, Response};
//! use http_api_client::{http::HeaderValue, Client, Error, Operation};
//!
//! /// Signs every request with the endpoint's name.
//! struct Sign;
//!
//! impl Middleware for Sign {
//!     fn handle<'a>(&'a self, operation: &'static Operation, mut request: Request, next: Next<'a>)
//!         -> BoxFuture<'a, Result<Response, Error>> {
//!         Box::pin(async move {
//!             request.headers_mut().insert("x-signature", HeaderValue::from_static(operation.method));
//!             next.run(request).await
//!         })
//!     }
//! }
//!
//! let client = Client::builder().base_url("https://api.example.com").middleware(Sign).build()?;
//! # let _ = client;
//! # Ok::<(), Error>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

/// The error type of the middleware chain: the runtime's, untyped (the generated method gives it
/// the API's error body type afterwards).
pub use crate::error::Error;
use crate::exchange::{begin, Plan};
use crate::operation::Operation;
use crate::shared::Shared;
use crate::stream::ByteStream;
use crate::transport::RequestParts;

/// The future a middleware returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Code that runs around every call. See the [module documentation](self).
pub trait Middleware: Send + Sync + 'static {
    /// Handles one call of `operation`: pass `request` on with `next.run(request)`, or answer it.
    fn handle<'a>(
        &'a self,
        operation: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>>;
}

/// An outgoing request, complete: what the transport will send.
#[derive(Debug)]
pub struct Request {
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<ByteStream>,
}

impl Request {
    pub(crate) fn new(method: Method, url: Url, headers: HeaderMap, body: Option<ByteStream>) -> Self {
        Self { method, url, headers, body }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL, path and query values included.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Every header to be sent. Secrets among them (`Authorization`) are marked sensitive.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to add or change one (a signature, a trace context).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body, if any and in memory; `None` too for a streamed body (see
    /// [`Request::has_streamed_body`]), which is read only as it is sent.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_ref().and_then(ByteStream::in_memory).map(|bytes| &bytes[..])
    }

    /// Whether the body is a stream (`#[body(stream)]`): the request is sent once at most.
    pub fn has_streamed_body(&self) -> bool {
        self.body.as_ref().is_some_and(|body| body.in_memory().is_none())
    }
}

/// An answer, before its status is turned into the call's result: a 4xx is still a `Response`
/// here, so a middleware can look at it.
#[derive(Debug)]
pub struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// A 2xx body left unread for an endpoint that returns a [`ByteStream`].
    pub(crate) stream: Option<ByteStream>,
    /// False when an error body was cut at the size cap.
    pub(crate) complete: bool,
}

impl Response {
    /// An answer made by a middleware itself (from a cache, in a test). An endpoint that returns
    /// a [`ByteStream`] gets `body` as its one chunk.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self { status, headers, body: body.into(), stream: None, complete: true }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as read (at most `max_response_bytes`; a redirect's is never read). Empty when
    /// the body is handed to the caller unread (see [`Response::has_streamed_body`]).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether the body is left unread for the caller, who asked for a [`ByteStream`].
    pub fn has_streamed_body(&self) -> bool {
        self.stream.is_some()
    }
}

/// The rest of the chain: the next middleware, or the transport.
pub struct Next<'a> {
    rest: &'a [Arc<dyn Middleware>],
    operation: &'static Operation,
    shared: &'a Shared,
    timeout: Duration,
    /// The transport's verdict: the one authority on "may have been delivered" (false until the
    /// transport is reached).
    sent: &'a AtomicBool,
    plan: Plan<'a>,
}

impl Next<'_> {
    /// Passes `request` on and returns what came back.
    pub async fn run(self, request: Request) -> Result<Response, Error> {
        match self.rest.split_first() {
            Some((first, rest)) => {
                let next = Next { rest, ..self };
                first.handle(self.operation, request, next).await
            }
            None => {
                let parts = RequestParts {
                    method: request.method,
                    target: crate::path::Target::Url(request.url),
                    headers: request.headers,
                    auth: None,
                    body: request.body.map(|body| (None, body)),
                    timeout: self.timeout,
                    stream_response: self.plan.stream_response,
                };
                let result = begin(self.shared, self.operation, parts, self.plan).await;
                let delivered = result.as_ref().map_or_else(Error::may_have_been_delivered, |_| true);
                self.sent.store(delivered, Ordering::Relaxed);
                result
            }
        }
    }
}

/// Runs `request` through `chain` (non-empty), then the transport.
pub(crate) async fn run_chain(
    chain: &[Arc<dyn Middleware>],
    operation: &'static Operation,
    shared: &Shared,
    timeout: Duration,
    request: Request,
    plan: Plan<'_>,
) -> Result<Response, Error> {
    let sent = AtomicBool::new(false);
    let next = Next { rest: chain, operation, shared, timeout, sent: &sent, plan };
    next.run(request).await.map_err(|error| error.delivered(sent.load(Ordering::Relaxed)))
}
