//! The hyper transport (feature `hyper-transport`): requests go straight to hyper's HTTP/1.1
//! connections, with no reqwest in between, for the calls where reqwest's own work per request
//! (URL re-parsing, its request and response wrappers, a pool keyed by origin) is a cost worth
//! saving.
//!
//! A client talks to one origin, its base URL's, so its pool is a plain list of idle connections:
//! no key to hash or compare. A connection goes back to the list when its answer has been read to
//! the end; one dropped midway is closed. A request that a kept connection turns down before
//! writing anything (the server closed it meanwhile) goes out on another connection.
//!
//! Everything above the transport is shared: request assembly, middleware, retries, reading and
//! decoding the answer. What this module keeps the same as the reqwest transport: rustls with the
//! same roots, one connection pool with the same idle timeout, the connect timeout and the call's
//! connect deadline, the call's timeout over the whole exchange (body included), no redirects,
//! the same default headers, and the same classification of failures by whether anything was
//! sent. What it does not do: HTTP/2 and proxies (`build()` refuses it when a proxy would apply).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::header::{HeaderMap, HeaderValue};
use http::{StatusCode, Uri};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::time::{Instant, Sleep};
use url::Url;

use crate::connect_deadline::{connecting_until, ConnectDeadline, ConnectDeadlineLayer};
use crate::error::Error;
use crate::path::Target;
use crate::stream::{is_upload_failure, ByteStream, UploadFailed};
use crate::transport::{finish_headers, Failure, RequestParts};
use crate::wire::{Chunks, Wire};
use tower_layer::Layer as _;
use tower_service::Service as _;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The client: a pool of connections to the base URL's origin, over rustls.
pub(crate) struct HyperTransport {
    /// rustls over TCP, each connect ended at the calling attempt's deadline, as reqwest's is.
    connector: ConnectDeadline<HttpsConnector<HttpConnector>>,
    /// `scheme://authority` of the base URL: what every connection is opened to.
    origin: Uri,
    pool: Arc<Pool>,
    /// `Host`, `User-Agent`, `Accept` and the client's default headers.
    default_headers: HeaderMap,
}

/// How many times a request turned down unsent by a kept connection is tried on another.
const UNSENT_TRIES: usize = 3;

impl HyperTransport {
    /// `default_headers` includes `User-Agent` and `Accept`.
    pub(crate) fn new(
        base: &Url,
        connect_timeout: Duration,
        pool_idle_timeout: Duration,
        mut default_headers: HeaderMap,
    ) -> Result<Self, Error> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(connect_timeout));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::config("TLS could not be set up").with_source(Box::new(e)))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let host = base.host_str().unwrap_or_default();
        let authority = match base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let origin = Uri::try_from(format!("{}://{authority}", base.scheme()))
            .map_err(|e| Error::config("the base URL has no usable origin").with_source(Box::new(e)))?;
        let host = HeaderValue::from_str(&authority).map_err(|e| {
            Error::config("the base URL's host is not a header value").with_source(Box::new(e))
        })?;
        default_headers.insert(http::header::HOST, host);
        let pool = Arc::new(Pool { idle: Mutex::new(Vec::new()), idle_timeout: pool_idle_timeout });
        let connector = ConnectDeadlineLayer.layer(https);
        Ok(Self { connector, origin, pool, default_headers })
    }

    /// One attempt, within the call's time; a connect still open at `connect_by` fails as a
    /// connect timeout (nothing sent).
    pub(crate) async fn send_once(
        &self,
        parts: RequestParts,
        connect_by: Instant,
        connect_timeout: Duration,
    ) -> Result<Wire, Failure> {
        let timeout = parts.timeout;
        let deadline = Instant::now() + timeout;
        let exchange = async {
            let connected = connecting_until(connect_by, self.connection()).await;
            let mut sender = match connected {
                Ok(sender) => sender,
                Err(error) => {
                    let error = connect_error(error, timeout, connect_timeout);
                    return Err(Failure { error, connect_url: Some(parts.target) });
                }
            };
            let mut request = self.request(parts)?;
            for _ in 0..UNSENT_TRIES {
                let mut refused = match sender.try_send_request(request).await {
                    Ok(response) => return Ok((response, sender)),
                    Err(refused) => refused,
                };
                let Some(unsent) = refused.take_message() else {
                    return Err(sent_failure(refused.into_error()));
                };
                request = unsent;
                sender = connecting_until(connect_by, self.connection()).await.map_err(|error| Failure {
                    error: connect_error(error, timeout, connect_timeout),
                    connect_url: None,
                })?;
            }
            Err(Failure {
                error: Error::connect("connections kept closing before the request was written".into()),
                connect_url: None,
            })
        };
        match tokio::time::timeout_at(deadline, exchange).await {
            Ok(Ok((response, sender))) => {
                let keep = Some((Arc::clone(&self.pool), sender));
                Ok(Wire::Hyper(Answer { response, deadline, timeout, keep, timer: None }))
            }
            Ok(Err(failure)) => Err(failure),
            Err(_) => Err(Failure { error: Error::timeout(timeout, true), connect_url: None }),
        }
    }

    /// A kept connection ready for a request, else a new one.
    async fn connection(&self) -> Result<SendRequest<RequestBody>, BoxError> {
        while let Some(mut sender) = self.pool.take() {
            if sender.ready().await.is_ok() {
                return Ok(sender);
            }
        }
        // Boxed: a connect's state (TCP, TLS, the handshake) is large and rarely needed; inline,
        // every call's future would carry it.
        Box::pin(self.connect()).await
    }

    /// A new connection to the origin, its task spawned.
    async fn connect(&self) -> Result<SendRequest<RequestBody>, BoxError> {
        let mut connector = self.connector.clone();
        std::future::poll_fn(|cx| connector.poll_ready(cx)).await?;
        let io = connector.call(self.origin.clone()).await?;
        let (sender, connection) = hyper::client::conn::http1::handshake(io).await?;
        tokio::spawn(async move {
            // Ends when the server closes the connection or the pool drops its sender.
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// The request: origin-form target, the caller's headers, then the client's.
    fn request(&self, parts: RequestParts) -> Result<hyper::Request<RequestBody>, Failure> {
        let RequestParts { method, target, mut headers, auth, body, .. } = parts;
        let target = match target {
            // The text becomes the URI's buffer: parsed, not copied.
            Target::Origin(target) => Uri::try_from(target),
            Target::Url(url) => Uri::try_from(&url[url::Position::BeforePath..]),
        };
        let target = target.map_err(|e| Failure {
            error: Error::invalid_input("the URL is not a valid request target").with_source(Box::new(e)),
            connect_url: None,
        })?;
        let (shape, body) = match body {
            None => (None, RequestBody::Empty),
            Some((content_type, stream)) => match stream.in_memory() {
                Some(bytes) => {
                    (Some((content_type, bytes.is_empty())), RequestBody::Bytes(Some(bytes.clone())))
                }
                None => (Some((content_type, false)), RequestBody::Stream(stream)),
            },
        };
        finish_headers(&mut headers, &method, auth, shape);
        for (name, value) in &self.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        let mut request = hyper::Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = target;
        *request.headers_mut() = headers;
        Ok(request)
    }
}

/// Idle connections to the one origin, most recently used last.
struct Pool {
    idle: Mutex<Vec<Idle>>,
    idle_timeout: Duration,
}

struct Idle {
    sender: SendRequest<RequestBody>,
    since: Instant,
}

impl Pool {
    /// The most recently used connection that is still open and not idle for too long.
    fn take(&self) -> Option<SendRequest<RequestBody>> {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Some(Idle { sender, since }) = idle.pop() {
            if !sender.is_closed() && since.elapsed() < self.idle_timeout {
                return Some(sender);
            }
        }
        None
    }

    /// Keeps a connection whose answer was read to the end.
    fn put(&self, sender: SendRequest<RequestBody>) {
        if !sender.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            idle.push(Idle { sender, since: Instant::now() });
        }
    }
}

/// A connect that failed (nothing sent): a timeout when the connect timeout or the call's
/// deadline ended it.
fn connect_error(error: BoxError, timeout: Duration, connect_timeout: Duration) -> Error {
    let timed_out = crate::error::chain_has(&*error, |e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
    });
    if timed_out {
        Error::timeout(connect_timeout.min(timeout), false).with_source(error)
    } else {
        Error::connect(error)
    }
}

/// A failure once the request may have been written.
fn sent_failure(error: hyper::Error) -> Failure {
    let message = if is_upload_failure(&error) {
        "the request body stream failed"
    } else {
        "the connection failed after the request was sent"
    };
    Failure { error: Error::transport(message, Box::new(error)), connect_url: None }
}

/// An answer whose body is read under the call's deadline.
pub(crate) struct Answer {
    response: hyper::Response<Incoming>,
    deadline: Instant,
    timeout: Duration,
    /// The connection, back to the pool once the body is read to the end.
    keep: Option<(Arc<Pool>, SendRequest<RequestBody>)>,
    /// The deadline's timer, once a read has had to wait.
    timer: Option<Pin<Box<Sleep>>>,
}

impl Answer {
    pub(crate) fn status(&self) -> StatusCode {
        self.response.status()
    }

    pub(crate) fn take_headers(&mut self) -> HeaderMap {
        std::mem::take(self.response.headers_mut())
    }

    pub(crate) fn content_length(&self) -> Option<u64> {
        self.response.body().size_hint().exact()
    }

    /// Whether all of the body's declared length is in.
    pub(crate) fn at_end(&self) -> bool {
        self.response.body().is_end_stream()
    }

    /// The next chunk of the body, `None` at its end; a timeout once the call's deadline passes.
    pub(crate) fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, Error>> {
        let status = self.response.status();
        if let Poll::Ready(item) = poll_data(Pin::new(self.response.body_mut()), cx, status) {
            let chunk = item.transpose()?;
            if chunk.is_none() || self.at_end() {
                release(&mut self.keep);
            }
            return Poll::Ready(Ok(chunk));
        }
        // Armed only when a read has to wait: a small body is usually in by the time it is read.
        let deadline = self.deadline;
        let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Error::timeout(self.timeout, true).at_status(status))),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The rest of the body as a stream. Its timer is armed now, within the call's poll: the
    /// stream may be read where no runtime is current, and only creating a timer needs one.
    pub(crate) fn into_chunks(mut self) -> Chunks {
        let deadline = self.deadline;
        self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        Box::pin(HyperChunks(self))
    }
}

/// A connection whose answer was read to the end goes back to its pool.
fn release(keep: &mut Option<(Arc<Pool>, SendRequest<RequestBody>)>) {
    if let Some((pool, sender)) = keep.take() {
        pool.put(sender);
    }
}

/// The next data frame of `body` (trailers skipped), its error classified.
fn poll_data(
    mut body: Pin<&mut Incoming>,
    cx: &mut Context<'_>,
    status: StatusCode,
) -> Poll<Option<Result<Bytes, Error>>> {
    loop {
        return match std::task::ready!(body.as_mut().poll_frame(cx)) {
            None => Poll::Ready(None),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => Poll::Ready(Some(Ok(data))),
                Err(_) => continue,
            },
            Some(Err(e)) => Poll::Ready(Some(Err(Error::transport(
                "the connection failed while reading the response",
                Box::new(e),
            )
            .at_status(status)))),
        };
    }
}

/// A body read as a stream, until the call's deadline.
struct HyperChunks(Answer);

impl Stream for HyperChunks {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_chunk(cx).map(Result::transpose)
    }
}

/// A request body: none, bytes in memory (with their length), or a stream sent as it is read.
pub(crate) enum RequestBody {
    Empty,
    Bytes(Option<Bytes>),
    Stream(ByteStream),
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut *self {
            Self::Empty => Poll::Ready(None),
            Self::Bytes(bytes) => {
                Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(|b| Ok(Frame::data(b))))
            }
            Self::Stream(stream) => Pin::new(stream).poll_next(cx).map(|item| {
                item.map(|chunk| chunk.map(Frame::data).map_err(|e| Box::new(UploadFailed(e)) as BoxError))
            }),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Empty | Self::Bytes(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Empty | Self::Bytes(None) => SizeHint::with_exact(0),
            Self::Bytes(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            Self::Stream(_) => SizeHint::default(),
        }
    }
}
