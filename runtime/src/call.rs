//! [`Call`]: one request being assembled by generated code, then sent exactly once.
//!
//! Generated methods only do the type-specific work (serialize this argument, decode into that
//! type); everything else lives here, written once and not generic.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde::Serialize;
use url::Url;

use crate::error::Error;
use crate::exchange::{begin, BoxedResponse, Exchange, Plan, State, Timed};
use crate::header_value::{authorization_value, named_header_value};
use crate::middleware::{run_chain, Request, Response};
use crate::operation::Operation;
use crate::options::CallOptions;
use crate::params::{push_pairs, to_scalar};
use crate::path::Target;
use crate::returns::Decode;
use crate::shared::Shared;
use crate::stream::ByteStream;
use crate::transport::RequestParts;

/// A request being assembled. The first invalid argument is kept and returned by `send_*`
/// before any I/O, so a bad value never sends a partial request.
#[doc(hidden)]
pub struct Call<'c> {
    shared: &'c Shared,
    options: Option<&'c CallOptions>,
    operation: &'static Operation,
    /// The first invalid argument's error: the call is refused with it.
    failure: Option<Error>,
    /// The request as the transport takes it, assembled in place: its token, timeout and answer
    /// mode are set as it is sent. Kept whole, so sending moves it once.
    parts: RequestParts,
    query: Vec<(String, String)>,
    /// An `Idempotency-Key` was set: re-sending is as safe as for an idempotent operation.
    keyed: bool,
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

impl<'c> Call<'c> {
    pub(crate) fn new(
        shared: &'c Shared,
        options: Option<&'c CallOptions>,
        operation: &'static Operation,
        target: Result<Target, Error>,
    ) -> Self {
        // A call refused for its target is never sent: an empty target stands in for it.
        let (target, failure) = match target {
            Ok(target) => (target, None),
            Err(error) => (Target::Origin(String::new()), Some(error)),
        };
        let parts = RequestParts {
            method: operation.http_method.clone(),
            target,
            headers: HeaderMap::new(),
            auth: None,
            body: None,
            // The client's, unless the method or `CallOptions` set one.
            timeout: shared.timeout,
            stream_response: false,
        };
        Self { shared, options, operation, failure, parts, query: Vec::new(), keyed: false }
    }

    /// Keeps `error` as the call's outcome unless an earlier argument failed already.
    pub(crate) fn fail(&mut self, error: Error) {
        if self.failure.is_none() {
            self.failure = Some(error);
        }
    }

    /// Adds `value` as query parameters named `name` (see the `params` module for the shapes).
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Err(e) = push_pairs(name, value, &mut self.query) {
            self.fail(Error::invalid_input(format!("query parameter `{name}`: {e}")));
        }
    }

    /// Adds header `name` unless `value` is `None`.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match to_scalar(value) {
            Ok(Some(text)) => self.header_text(name, &text),
            Ok(None) => {}
            Err(e) => self.fail(Error::invalid_input(format!("header `{name}`: {e}"))),
        }
    }

    fn header_text(&mut self, name: &'static str, text: &str) {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.fail(Error::invalid_input(format!("`{name}` is not a valid header name")));
        };
        match named_header_value(&header, text) {
            Ok(value) => {
                self.parts.headers.append(header, value);
            }
            Err(reason) => self.fail(Error::invalid_input(format!("header `{name}` {reason}"))),
        }
    }

    /// The method's own timeout (`#[timeout = "5s"]`), checked by the macro. A `CallOptions`
    /// timeout still overrides it.
    pub fn method_timeout(&mut self, timeout: Duration) {
        self.parts.timeout = timeout;
    }

    /// A header from `#[headers("Name: value")]`, checked by the macro. A header parameter of the
    /// same name wins over it.
    pub fn static_header(&mut self, name: &'static str, value: &'static str) {
        if !self.parts.headers.contains_key(name) {
            self.header_text(name, value);
        }
    }

    /// Sends `value` as the `Idempotency-Key` header (an `#[idempotency_key]` parameter), which
    /// lets the call be re-sent with the same key; `None` sends no key.
    pub fn idempotency_key<T: Serialize + ?Sized>(&mut self, value: &T) {
        match to_scalar(value) {
            // An empty key identifies no call: it would let a call be re-sent with no protection.
            Ok(Some(key)) if key.is_empty() => {
                self.fail(Error::invalid_input("the idempotency key is empty"))
            }
            Ok(Some(key)) => {
                self.header_text("Idempotency-Key", &key);
                self.keyed = self.parts.headers.contains_key("idempotency-key");
            }
            Ok(None) => {}
            Err(e) => self.fail(Error::invalid_input(format!("header `Idempotency-Key`: {e}"))),
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_body(JSON, bytes),
            Err(e) => self.fail(Error::invalid_input(format!("body could not be serialized as JSON: {e}"))),
        }
    }

    /// Sets a raw body (`#[body(bytes)]`) with the declared content type, checked by the macro.
    pub fn bytes<T: AsRef<[u8]> + ?Sized>(&mut self, body: &T, content_type: &'static str) {
        self.raw_body(body.as_ref(), content_type);
    }

    /// Sets a text body (`#[body(text)]`) with the declared content type, checked by the macro.
    pub fn text<T: AsRef<str> + ?Sized>(&mut self, body: &T, content_type: &'static str) {
        self.raw_body(body.as_ref().as_bytes(), content_type);
    }

    /// Sets a body already encoded (a multipart form, say) with its content type.
    pub(crate) fn set_body(&mut self, content_type: HeaderValue, bytes: Vec<u8>) {
        self.parts.body = Some((Some(content_type), bytes.into()));
    }

    /// Sets a streamed body (`#[body(stream)]`) with the declared content type, checked by the
    /// macro. Such a call is sent once: a stream cannot be read twice.
    pub fn stream(&mut self, body: impl Into<ByteStream>, content_type: &'static str) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.parts.body = Some((Some(value), body.into())),
            Err(_) => self.fail(Error::invalid_input("the body's content type is not a valid header value")),
        }
    }

    fn raw_body(&mut self, body: &[u8], content_type: &'static str) {
        // Bytes in memory: a `ByteStream` of them is sent with its length and can be re-sent.
        self.stream(body.to_vec(), content_type);
    }

    /// Sets an `application/x-www-form-urlencoded` body; the value is flattened like a query.
    pub fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        let mut pairs = Vec::new();
        match push_pairs("value", body, &mut pairs) {
            Ok(()) => {
                let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
                self.set_body(FORM, encoded.into_bytes());
            }
            Err(e) => self.fail(Error::invalid_input(format!("form body: {e}"))),
        }
    }

    /// Sends and decodes a 2xx answer with `decoder` (chosen by the type system from the
    /// endpoint's declared ok type, see the `returns` module); any error goes through
    /// `into_error`, the method's conversion to its declared error type. Taking it here, as a
    /// function pointer, keeps each generated method to one call, which the compiler checks
    /// faster than a `map_err` over the awaited result.
    ///
    /// Nothing happens until the returned future is first polled: then the request is handed to
    /// the transport (on a tokio runtime: the call's timer is the runtime's) and the call's time
    /// starts. Generated methods return this future as theirs, with no `async` body:
    /// an `async fn` per method costs the compiler far more than the rest of the method (about
    /// 13 M instructions per endpoint to check). Once sent, the future holds the exchange in the
    /// room the `Call` took: a single attempt on the reqwest transport needs no box (retries, a
    /// token provider, middleware and the hyper transport box their state).
    ///
    /// `decoder` stays a type: a function pointer to its `decode` would spare the bound here, but
    /// would compile each endpoint's decoding into the crate that declares it, called or not.
    pub fn send_decoded<D, E>(
        self,
        decoder: D,
        into_error: fn(Error) -> E,
    ) -> impl Future<Output = Result<D::Output, E>> + Send + 'c
    where
        D: Decode + Send + 'c,
        E: 'c,
    {
        Decoded {
            stage: Stage::Unsent { call: Some(self), send: Call::send },
            decoder: Some(decoder),
            into_error,
        }
    }

    /// The one place a request goes out. Returns a 2xx answer (its body unread with
    /// `stream_response`); every other outcome is an [`Error`].
    ///
    /// The request is assembled and handed to the transport now (so this is called from within a
    /// future being polled), and the returned future holds only what the rest of the exchange
    /// needs: an `async` block would also keep the `Call` for the whole exchange.
    fn send(mut self, stream_response: bool) -> impl Future<Output = Result<Response, Error>> + Send + 'c {
        // Returns the future itself rather than a `Result` of it: a value this size is copied
        // whenever it is moved, so it is built where it is returned. A call that fails here has
        // no span: nothing was sent.
        let operation = self.operation;
        let failed = |error| Exchange {
            timed: Timed::untimed(State::Failed { error: Some(error) }),
            span: tracing::Span::none(),
            started: None,
            operation,
        };
        if let Some(error) = self.failure {
            return failed(error);
        }
        let shared = self.shared;
        let parts = &mut self.parts;
        parts.stream_response = stream_response;
        parts.auth = shared.auth.clone();
        if let Some(options) = self.options {
            if let Some(reason) = options.invalid {
                return failed(Error::invalid_input(reason));
            }
            if let Some(timeout) = options.timeout {
                parts.timeout = timeout;
            }
            if let Some(token) = &options.bearer_token {
                match authorization_value(&shared.auth_prefix, token) {
                    Ok(value) => parts.auth = Some(value),
                    Err(reason) => return failed(Error::invalid_input(reason)),
                }
            }
            // A header declared on the method is the most specific choice: it wins.
            for (name, value) in &options.headers {
                if !parts.headers.contains_key(name) {
                    parts.headers.insert(name.clone(), value.clone());
                }
            }
        }
        if !self.query.is_empty() {
            parts.target.append_query(&self.query);
        }

        // Read only by the debug event at the end: no clock read when nothing listens for it,
        // and no event.
        let started = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
        let span = call_span(operation, &shared.base, &parts.target, shared.record_url);
        let policy = self.options.and_then(|options| options.retry.as_ref()).unwrap_or(&shared.retry);
        let plan = Plan { keyed: self.keyed, policy, stream_response };
        let timed = if shared.middleware.is_empty() {
            // The request goes to the transport now: its events belong to the call's span.
            let _entered = (!span.is_none()).then(|| span.enter());
            begin(shared, operation, self.parts, plan)
        } else {
            let RequestParts { target, headers, auth, body, timeout, .. } = self.parts;
            let url = match target.into_url(&shared.base) {
                Ok(url) => url,
                Err(error) => return failed(error),
            };
            let request = middleware_request(operation, url, headers, auth, body);
            Timed::untimed(State::Boxed {
                future: through_middleware(shared, operation, timeout, request, plan),
            })
        };
        Exchange { timed, span, started, operation }
    }
}

pin_project_lite::pin_project! {
    /// A call, sent when first polled; its answer, decoded once in with `D`, or its error in
    /// the method's error type.
    struct Decoded<'c, F, D, E> {
        #[pin]
        stage: Stage<'c, F>,
        decoder: Option<D>,
        into_error: fn(Error) -> E,
    }
}

pin_project_lite::pin_project! {
    /// Where a [`Decoded`] call is: the exchange takes the `Call`'s room once it is sent.
    #[project = StageProjection]
    enum Stage<'c, F> {
        // Not polled yet. `send` is `Call::send`, which names the exchange's type before there
        // is one.
        Unsent { call: Option<Call<'c>>, send: fn(Call<'c>, bool) -> F },
        Sent { #[pin] exchange: F },
    }
}

impl<'c, F, D, E> Future for Decoded<'c, F, D, E>
where
    F: Future<Output = Result<Response, Error>>,
    D: Decode,
{
    type Output = Result<D::Output, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let StageProjection::Unsent { call, send } = this.stage.as_mut().project() {
            let call = call.take().expect("an unsent call is sent once");
            let exchange = send(call, D::STREAMED);
            this.stage.set(Stage::Sent { exchange });
        }
        let StageProjection::Sent { exchange } = this.stage.project() else {
            unreachable!("the call was sent above")
        };
        let decoded = std::task::ready!(exchange.poll(cx)).and_then(|response| {
            let decoder = this.decoder.take().expect("a `Decoded` future is not polled after it is done");
            decoder.decode(response)
        });
        Poll::Ready(decoded.map_err(*this.into_error))
    }
}

/// The exchange through the middleware chain. Boxed, so that calls without middleware do not
/// carry the chain's state; out of line, because the chain's future is built on the stack before
/// it is boxed, and inlined it would take room in `send`'s frame on every call.
#[inline(never)]
fn through_middleware<'a>(
    shared: &'a Shared,
    operation: &'static Operation,
    timeout: Duration,
    request: Request,
    plan: Plan<'a>,
) -> BoxedResponse<'a> {
    Box::pin(run_chain(&shared.middleware, operation, shared, timeout, request, plan))
}

/// The request as middleware sees it: every header the transport will send.
fn middleware_request(
    operation: &Operation,
    url: Url,
    mut headers: HeaderMap,
    auth: Option<HeaderValue>,
    body: Option<(Option<HeaderValue>, ByteStream)>,
) -> Request {
    if let Some(auth) = auth {
        headers.entry(AUTHORIZATION).or_insert(auth);
    }
    let body = body.map(|(content_type, body)| {
        if let Some(content_type) = content_type {
            headers.entry(CONTENT_TYPE).or_insert(content_type);
        }
        body
    });
    Request::new(operation.http_method.clone(), url, headers, body)
}

/// One span per call, with OpenTelemetry's HTTP client fields. `otel.name` carries the route
/// (`POST /accounts/{aid}/auth/mfa/challenge`), since a `tracing` span's own name is static. Path
/// and query values appear only in `url.full`, and only when the client opted in. Out of line:
/// the span's fields would take room in `send`'s frame, which every call's stack goes through.
#[inline(never)]
fn call_span(operation: &'static Operation, base: &Url, target: &Target, record_url: bool) -> tracing::Span {
    let span = tracing::info_span!(
        "http_client_call",
        otel.name = %operation,
        otel.kind = "client",
        http.request.method = %operation.http_method,
        url.template = operation.path_template,
        server.address = base.host_str().unwrap_or(""),
        server.port = base.port_or_known_default().unwrap_or(0),
        api.name = operation.api,
        api.method = operation.method,
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
        http.request.resend_count = tracing::field::Empty,
        url.full = tracing::field::Empty,
    );
    // Spans record URLs only for clients whose targets are whole URLs (`origin_form_targets`).
    if let (true, false, Target::Url(url)) = (record_url, span.is_disabled(), target) {
        span.record("url.full", url.as_str());
    }
    span
}
