//! Middleware around every call: order, a signature header seen on the wire, short-circuits,
//! observing outcomes, and the rule that only the transport says what may have been delivered.

use std::sync::{Arc, Mutex};

use dintero_auth::http::{HeaderValue, StatusCode};
use dintero_auth::middleware::{BoxFuture, Error, Middleware, Next, Request, Response};
use dintero_auth::models::AuthChallenge;
use dintero_auth::{
    CallOptions, ChallengeApi, ChallengeApiClient, Client, DinteroApis, ErrorKind, Operation,
};
use dintero_auth_tests::raw::{Action, RawServer};
use dintero_auth_tests::{Reply, TestServer};
use serde_json::json;

type Log = Arc<Mutex<Vec<String>>>;

/// Records when the request passes in and the outcome passes out.
struct Trace {
    name: &'static str,
    log: Log,
}

impl Middleware for Trace {
    fn handle<'a>(
        &'a self,
        op: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            self.log.lock().unwrap().push(format!("{} in {}", self.name, op.method));
            let outcome = next.run(request).await;
            let seen = match &outcome {
                Ok(response) => response.status().as_u16().to_string(),
                Err(error) => format!("{:?}", error.kind()),
            };
            self.log.lock().unwrap().push(format!("{} out {seen}", self.name));
            outcome
        })
    }
}

/// Signs each request with the endpoint it calls, which only the operation descriptor knows.
struct Sign;

impl Middleware for Sign {
    fn handle<'a>(
        &'a self,
        op: &'static Operation,
        mut request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            let signature = format!("{}.{} {}", op.api, op.method, request.url().path());
            request.headers_mut().insert("x-signature", HeaderValue::from_str(&signature).unwrap());
            next.run(request).await
        })
    }
}

/// Answers from a "cache", never calling the server.
struct Cached;

impl Middleware for Cached {
    fn handle<'a>(
        &'a self,
        _: &'static Operation,
        _: Request,
        _: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async {
            Ok(Response::new(StatusCode::OK, Default::default(), r#"{"binding_method":"cached"}"#))
        })
    }
}

/// Claims the opposite of what happened, to show the claim is overruled.
struct Liar {
    reach_transport: bool,
}

impl Middleware for Liar {
    fn handle<'a>(
        &'a self,
        _: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        Box::pin(async move {
            if !self.reach_transport {
                return Err(Error::lost_after_sending());
            }
            let _ = next.run(request).await;
            Err(Error::connect_failed())
        })
    }
}

/// Keeps each request's `Debug` text, as a logging middleware prints it.
struct DebugLog(Log);

impl Middleware for DebugLog {
    fn handle<'a>(
        &'a self,
        _: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, Error>> {
        self.0.lock().unwrap().push(format!("{request:?}"));
        Box::pin(next.run(request))
    }
}

fn api(
    base: String,
    build: impl FnOnce(dintero_auth::ClientBuilder) -> dintero_auth::ClientBuilder,
) -> ChallengeApiClient {
    build(Client::builder().base_url(base).bearer_token("jwt")).build().unwrap().challenge_api()
}

async fn challenge(
    api: &ChallengeApiClient,
) -> Result<dintero_auth::models::ChallengeResponse, dintero_auth::Error> {
    api.aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await
}

#[tokio::test]
async fn middleware_runs_in_order_and_sees_the_outcome() {
    let server = TestServer::always(Reply::json(503, json!({"error": {"message": "down"}}))).await;
    let log = Log::default();
    let api = api(server.base_url(), |b| {
        b.middleware(Trace { name: "outer", log: log.clone() })
            .middleware(Trace { name: "inner", log: log.clone() })
    });
    let err = challenge(&api).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        *log.lock().unwrap(),
        [
            "outer in aid_auth_mfa_challenge_post",
            "inner in aid_auth_mfa_challenge_post",
            "inner out 503",
            "outer out 503"
        ]
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_signature_added_by_middleware_reaches_the_wire() {
    let server = TestServer::always(Reply::json(200, json!({"challenge_type": "oob"}))).await;
    challenge(&api(server.base_url(), |b| b.middleware(Sign))).await.unwrap();
    let sent = server.single();
    assert_eq!(
        sent.header("x-signature"),
        Some("ChallengeApi.aid_auth_mfa_challenge_post /v1/accounts/P1/auth/mfa/challenge")
    );
    // Everything else is as without middleware.
    assert_eq!(sent.header("authorization"), Some("Bearer jwt"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), json!({"challenge_type": "oob", "oob_channel": "sms", "mfa_token": "m"}));
}

#[tokio::test]
async fn a_short_circuit_answers_without_a_request() {
    let server = TestServer::always(Reply::new(500, "")).await;
    let answer = challenge(&api(server.base_url(), |b| b.middleware(Cached))).await.unwrap();
    assert_eq!(answer.binding_method.as_deref(), Some("cached"));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn only_the_transport_says_what_may_have_been_delivered() {
    // Never reached the transport: nothing was sent, whatever the middleware's error says.
    let server = TestServer::always(Reply::new(204, "")).await;
    let err = challenge(&api(server.base_url(), |b| b.middleware(Liar { reach_transport: false }))).await;
    assert!(!err.unwrap_err().may_have_been_delivered());
    assert_eq!(server.count(), 0);

    // The transport sent it and the connection was reset: "may have been delivered" stands, though
    // the middleware reports a connect failure.
    let reset = RawServer::always(Action::Reset).await;
    let err = challenge(&api(reset.base_url(), |b| b.middleware(Liar { reach_transport: true })))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert!(err.may_have_been_delivered());
    // And its text does not say "nothing was sent" beside that verdict.
    assert_eq!(
        err.to_string(),
        "could not connect to the server; nothing was sent this time, but an earlier attempt may have \
         been delivered"
    );
    assert_eq!(reset.count(), 1);
}

#[tokio::test]
async fn credential_headers_from_call_options_stay_out_of_a_logged_request() {
    let server = TestServer::always(Reply::json(200, json!({"challenge_type": "oob"}))).await;
    let log = Log::default();
    let options = CallOptions::new()
        .header("Authorization", "Bearer options-secret")
        .header("Cookie", "session=cookie-secret");
    let api = api(server.base_url(), |b| b.middleware(DebugLog(log.clone()))).with_options(options);
    challenge(&api).await.unwrap();
    let logged = log.lock().unwrap().join("\n");
    assert!(logged.contains("\"authorization\": Sensitive"), "{logged}");
    assert!(!logged.contains("options-secret") && !logged.contains("cookie-secret"), "{logged}");
    // Sent as given all the same.
    let sent = server.single();
    assert_eq!(sent.header("authorization"), Some("Bearer options-secret"));
    assert_eq!(sent.header("cookie"), Some("session=cookie-secret"));
}
