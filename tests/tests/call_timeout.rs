//! The call's timeout on every way a call can take: with middleware, with a token provider (the
//! path that can re-send), and from the blocking client. Each answer arrives with its status and
//! then trickles its body slower than the timeout allows; the call must end at its timeout as a
//! `Timeout` that may have been delivered and that carries the status. (The plain path and the
//! connects after a refused HTTP/2 stream are in `faults.rs` and `http2.rs`.)

use std::time::{Duration, Instant};

use dintero_auth::middleware::{BoxFuture, Middleware, Next, Request, Response};
use dintero_auth::models::AuthChallenge;
use dintero_auth::prelude::*;
use dintero_auth::{ClientBuilder, Error, ErrorKind, Operation, Secret, TokenProvider};
use dintero_auth_tests::raw::{Action, RawServer};

const BODY: &[u8] = br#"{"challenge_type":"oob","binding_method":"prompt","oob_code":"c"}"#;
const TIMEOUT: Duration = Duration::from_millis(300);
/// How long after the timeout a call may still take to end.
const SLACK: Duration = Duration::from_millis(150);

fn trickle() -> Action {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", BODY.len()).into_bytes();
    Action::Trickle { head, body: BODY.to_vec(), every: Duration::from_secs(1) }
}

fn builder(server: &RawServer) -> ClientBuilder {
    dintero_auth_tests::client_builder().base_url(server.base_url()).timeout(TIMEOUT)
}

fn assert_timed_out(err: &Error, took: Duration) {
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.may_have_been_delivered(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "the status had arrived: {err:?}");
    assert!(took >= TIMEOUT && took <= TIMEOUT + SLACK, "{took:?}");
}

/// Passes every request on.
struct PassOn;

impl Middleware for PassOn {
    fn handle<'a>(
        &'a self,
        _: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, dintero_auth::middleware::Error>> {
        Box::pin(next.run(request))
    }
}

/// Always the same token.
struct FixedToken;

impl TokenProvider for FixedToken {
    fn token(&self) -> BoxFuture<'_, Result<Secret, dintero_auth::middleware::Error>> {
        Box::pin(async { Ok(Secret::from("jwt")) })
    }

    fn refresh<'a>(
        &'a self,
        _: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret, dintero_auth::middleware::Error>> {
        Box::pin(async { Ok(Secret::from("jwt")) })
    }
}

#[tokio::test]
async fn middleware_and_token_provider_calls_end_at_their_timeout() {
    let server = RawServer::always(trickle()).await;
    let clients = [
        ("middleware", builder(&server).bearer_token("jwt").middleware(PassOn)),
        ("token provider", builder(&server).token_provider(FixedToken)),
    ];
    for (name, builder) in clients {
        let client = builder.build().unwrap();
        let started = Instant::now();
        let err = client
            .challenge_api()
            .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m"))
            .await
            .expect_err(name);
        assert_timed_out(&err, started.elapsed());
    }
    assert_eq!(server.count(), 2, "one request per call");
}

#[test]
fn a_blocking_call_ends_at_its_timeout() {
    // The server runs on a runtime of its own; the blocking client is called from outside any.
    let (sent, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let server = RawServer::always(trickle()).await;
            sent.send(server.base_url()).unwrap();
            std::future::pending::<()>().await
        })
    });
    let base_url = received.recv().unwrap();
    let client = dintero_auth_tests::client_builder()
        .base_url(base_url)
        .timeout(TIMEOUT)
        .bearer_token("jwt")
        .build_blocking()
        .unwrap();
    let started = Instant::now();
    let err =
        client.challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).unwrap_err();
    assert_timed_out(&err, started.elapsed());
}
