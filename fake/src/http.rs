//! Hyper plumbing: the accept loop, and one request's way from the wire to a handler and
//! back, with the checks every endpoint shares (faults, path, method, auth, account, body).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{
    HeaderName, HeaderValue, ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, DATE, RETRY_AFTER,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::codes;
use crate::config::BearerPolicy;
use crate::errors::{ApiError, FieldError};
use crate::faults::{FaultAction, FaultResponse};
use crate::handlers;
use crate::inspect::RequestRecord;
use crate::limits::MAX_REQUEST_HEAD_BYTES;
use crate::route::{self, Endpoint};
use crate::state::State;
use crate::validate;

/// A client that sends headers or a body slower than this is cut off, so a stalled client
/// cannot hold a connection task forever.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

// hyper panics on a read buffer under 8 KiB.
const _: () = assert!(MAX_REQUEST_HEAD_BYTES >= 8 * 1024);

/// Serves connections from `listener` until `shutdown` completes; then every open
/// connection is dropped with the loop (the `JoinSet` aborts its tasks).
pub(crate) async fn run(listener: TcpListener, state: Arc<State>, shutdown: impl Future<Output = ()>) {
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&state)));
                }
                // Usually out of file descriptors: back off instead of spinning or giving up.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let service = service_fn(move |request| handle(request, Arc::clone(&state)));
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(READ_TIMEOUT)
        .max_header_size(MAX_REQUEST_HEAD_BYTES)
        // A head must fit in the read buffer, so a bigger one would only let a client that
        // pipelines requests park more bytes per connection (hyper's default is ~400 KB).
        .max_buf_size(MAX_REQUEST_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
struct DroppedByFault;

impl fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by a scripted fault")
    }
}

impl std::error::Error for DroppedByFault {}

/// What goes back on the wire.
struct Reply {
    status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(value: &Value) -> Reply {
        let body = serde_json::to_vec(value).unwrap_or_default();
        Reply {
            status: 200,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        }
    }

    fn error(error: &ApiError) -> Reply {
        let mut headers = vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
        if let Some(secs) = error.retry_after {
            headers.push((RETRY_AFTER, HeaderValue::from(secs)));
        }
        if error.status == 405 {
            headers.push((ALLOW, HeaderValue::from_static("POST")));
        }
        Reply { status: error.status, headers, body: error.body_json() }
    }

    fn fault(fault: FaultResponse) -> Reply {
        let mut headers: Vec<(HeaderName, HeaderValue)> = fault
            .headers
            .iter()
            .filter_map(|(name, value)| {
                Some((HeaderName::from_bytes(name.as_bytes()).ok()?, HeaderValue::from_str(value).ok()?))
            })
            .collect();
        if !fault.body.is_empty() && !headers.iter().any(|(name, _)| name == CONTENT_TYPE) {
            let is_json = serde_json::from_slice::<Value>(&fault.body).is_ok();
            let content_type = if is_json { "application/json" } else { "text/plain; charset=utf-8" };
            headers.push((CONTENT_TYPE, HeaderValue::from_static(content_type)));
        }
        Reply { status: fault.status, headers, body: fault.body }
    }

    fn into_response(self, state: &State) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(Bytes::from(self.body)));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        // The fake clock's date, so a test that advances time sees it here too.
        let date = httpdate::fmt_http_date(state.clock.wall(state.clock.now()));
        if let Ok(date) = HeaderValue::from_str(&date) {
            headers.insert(DATE, date);
        }
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, DroppedByFault> {
    let route = route::route(request.uri().path());
    let endpoint = route.as_ref().map(|(endpoint, _)| *endpoint);
    let mut record = RequestRecord::new(request.method().as_str(), request.uri().path(), endpoint);

    let reply = match state.faults.take(endpoint) {
        Some(FaultAction::Drop) => {
            state.record(record);
            return Err(DroppedByFault);
        }
        Some(FaultAction::Fail(fault)) => Reply::fault(fault),
        Some(FaultAction::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(request, route, &state).await
        }
        None => answer(request, route, &state).await,
    };
    record.status = Some(reply.status);
    state.record(record);
    Ok(reply.into_response(&state))
}

/// The checks run in this order, so each test can provoke exactly one: path (404), method
/// (405), bearer on the MFA endpoints (401), account (404), content type (415), body size
/// (413), body (400), then the endpoint's own rules (the `client_credentials` grant's HTTP
/// Basic client authentication, 401 `invalid_client`, is one of the token endpoint's).
async fn answer(request: Request<Incoming>, route: Option<(Endpoint, String)>, state: &State) -> Reply {
    match checked(request, route, state).await {
        Ok(value) => Reply::json(&value),
        Err(error) => Reply::error(&error),
    }
}

async fn checked(
    request: Request<Incoming>,
    route: Option<(Endpoint, String)>,
    state: &State,
) -> Result<Value, ApiError> {
    let Some((endpoint, aid)) = route else {
        return Err(ApiError::not_found("no such endpoint"));
    };
    if request.method() != Method::POST {
        return Err(ApiError::new(405, codes::METHOD_NOT_ALLOWED, "only POST is allowed here"));
    }
    if endpoint != Endpoint::Token {
        check_bearer(request.headers(), state, &aid)?;
    }
    let client_auth =
        validate::client_auth(request.headers().get_all(AUTHORIZATION).iter().map(|v| v.as_bytes()));
    if !state.store().has_account(&aid) {
        return Err(ApiError::not_found("no such account"));
    }
    check_content_type(request.headers())?;
    let body = read_body(request, state.config.max_body_bytes).await?;
    let body = validate::json_object(&body)?;
    match endpoint {
        Endpoint::Token => handlers::token(state, &aid, validate::token(&body)?, &client_auth),
        Endpoint::Challenge => handlers::challenge(state, &aid, validate::challenge(&body)?),
        Endpoint::Recovery => handlers::recovery(state, &aid, validate::recovery(&body)?),
    }
}

/// The MFA endpoints' bearer token. The token endpoint is not checked here: its
/// `client_credentials` grant reads HTTP Basic client credentials (see `handlers::token`),
/// and its other grants accept any `Authorization` (or none).
fn check_bearer(headers: &HeaderMap, state: &State, aid: &str) -> Result<(), ApiError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = match (values.next(), values.next()) {
        (None, _) => {
            return Err(ApiError::unauthorized("missing Authorization header; expected `Bearer <token>`"))
        }
        (Some(_), Some(_)) => return Err(ApiError::unauthorized("more than one Authorization header")),
        (Some(value), None) => value,
    };
    let value =
        value.to_str().map_err(|_| ApiError::unauthorized("Authorization header is not visible ASCII"))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized("Authorization scheme must be `Bearer`"));
    }
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(ApiError::unauthorized("malformed bearer token; expected `Bearer <token>`"));
    }
    match &state.config.bearer {
        BearerPolicy::AnyNonEmpty => Ok(()),
        BearerPolicy::Only(accepted) if accepted.contains(token) => Ok(()),
        BearerPolicy::Only(_) => Err(ApiError::unauthorized("bearer token is not accepted")),
        BearerPolicy::Issued => handlers::check_issued(state, aid, token),
    }
}

/// A missing `Content-Type` is accepted (curl users forget it); a non-JSON one is not.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(CONTENT_TYPE) else { return Ok(()) };
    let media = value.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media == "application/json" || media.ends_with("+json") {
        return Ok(());
    }
    Err(ApiError::new(415, codes::UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"))
}

async fn read_body(request: Request<Incoming>, limit: usize) -> Result<Bytes, ApiError> {
    let too_large =
        || ApiError::new(413, codes::PAYLOAD_TOO_LARGE, format!("body is larger than {limit} bytes"));
    let declared = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    // Refuse a declared oversize body before reading any of it.
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let body = Limited::new(request.into_body(), limit).collect();
    match tokio::time::timeout(READ_TIMEOUT, body).await {
        Err(_) => Err(ApiError::new(408, codes::REQUEST_TIMEOUT, "the body did not arrive in time")),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Ok(Err(_)) => Err(ApiError::invalid(vec![FieldError::body("the body could not be read")])),
    }
}
