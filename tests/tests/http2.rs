//! HTTP/2 (h2c, prior knowledge) against a real HTTP/2 server on 127.0.0.1: a request the server
//! refuses unprocessed (`REFUSED_STREAM`, or a `GOAWAY` with `NO_ERROR` naming an earlier stream
//! as the last processed) is sent again, whatever the method, as after a failed connect, and never
//! more often than `connect_retries` allows.

use std::time::Duration;

use dintero_auth::models::AuthChallenge;
use dintero_auth::{ChallengeApi, DinteroApis, ErrorKind, Transport};
use dintero_auth_tests::h2c::H2cServer;
use h2::Reason;

const OK: &[u8] = br#"{"challenge_type":"oob"}"#;

fn client(server: &H2cServer, retries: u32) -> dintero_auth::Client {
    dintero_auth::Client::builder()
        .transport(Transport::Reqwest)
        .base_url(server.base_url())
        .http2_prior_knowledge(true)
        .connect_retries(retries, Duration::from_millis(10))
        .build()
        .unwrap()
}

/// The first request was turned away unprocessed: it is sent again, and the server reads its
/// body once, from the second stream.
async fn assert_sent_again(server: &H2cServer) {
    let challenge = AuthChallenge::oob_sms("m");
    let answer = client(server, 2).challenge_api().aid_auth_mfa_challenge_post("P1", &challenge).await;
    answer.unwrap();
    assert_eq!(server.streams(), 2);
    assert_eq!(server.bodies(), [serde_json::to_vec(&challenge).unwrap()]);
}

/// Every request is turned away unprocessed: the call fails as not processed after exactly the
/// attempts allowed (no layer below re-sends on its own).
async fn assert_fails_as_not_processed(server: &H2cServer, retries: u32) {
    let api = client(server, retries).challenge_api();
    let err = api.aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(!err.may_have_been_delivered(), "{err}");
    assert_eq!(err.to_string(), "the server refused the request (HTTP/2); it was not processed");
    assert_eq!(server.streams(), 1 + retries as usize, "with {retries} retries");
}

/// The server may have acted on the request: one stream, and an error that says so.
async fn assert_not_sent_again(server: &H2cServer, case: &str) {
    let api = client(server, 2).challenge_api();
    let err = api.aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{case}: {err}");
    assert!(err.may_have_been_delivered(), "{case}: {err}");
    assert_eq!(server.streams(), 1, "{case}");
}

#[tokio::test]
async fn a_post_the_server_refused_unprocessed_is_sent_again() {
    assert_sent_again(&H2cServer::start(1, Reason::REFUSED_STREAM, OK).await).await;
}

#[tokio::test]
async fn a_request_refused_on_every_attempt_fails_as_not_processed() {
    for retries in [0, 1, 2] {
        let server = H2cServer::start(usize::MAX, Reason::REFUSED_STREAM, OK).await;
        assert_fails_as_not_processed(&server, retries).await;
    }
}

#[tokio::test]
async fn a_stream_reset_for_another_reason_is_not_sent_again() {
    // Only a refusal says the server did not process the request: any other reset may come after
    // it did.
    for reason in [Reason::INTERNAL_ERROR, Reason::CANCEL] {
        assert_not_sent_again(&H2cServer::start(1, reason, OK).await, &format!("{reason:?}")).await;
    }
}

#[tokio::test]
async fn a_post_above_the_last_stream_of_a_graceful_goaway_is_sent_again() {
    assert_sent_again(&H2cServer::start_going_away(1, 0, Reason::NO_ERROR, OK).await).await;
}

#[tokio::test]
async fn a_graceful_goaway_on_every_connection_fails_as_not_processed() {
    for retries in [0, 1] {
        let server = H2cServer::start_going_away(usize::MAX, 0, Reason::NO_ERROR, OK).await;
        assert_fails_as_not_processed(&server, retries).await;
    }
}

#[tokio::test]
async fn a_goaway_that_may_cover_the_request_is_not_sent_again() {
    // The request's stream is named as processed, or the shutdown carries an error code, which h2
    // reports alike for streams above and below the last one processed: the server may have
    // acted on it.
    for (last_stream_id, reason) in [(1, Reason::NO_ERROR), (0, Reason::INTERNAL_ERROR)] {
        let server = H2cServer::start_going_away(1, last_stream_id, reason, OK).await;
        assert_not_sent_again(&server, &format!("{last_stream_id} {reason:?}")).await;
    }
}

#[test]
fn the_hyper_transport_refuses_http2_prior_knowledge() {
    let err = dintero_auth::Client::builder()
        .transport(Transport::Hyper)
        .base_url("http://127.0.0.1:1")
        .http2_prior_knowledge(true)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("HTTP/1.1 only"), "{err}");
}

#[tokio::test]
async fn a_timeout_while_reading_the_answer_to_a_resent_request_has_its_status() {
    // The first stream is refused, so the request goes again through the connect retries; the
    // answer to it stalls in its body until the call's time is up.
    let server = H2cServer::start_stalling_body(1, Reason::REFUSED_STREAM).await;
    let client = dintero_auth::Client::builder()
        .transport(Transport::Reqwest)
        .base_url(server.base_url())
        .http2_prior_knowledge(true)
        .timeout(Duration::from_millis(400))
        .connect_retries(2, Duration::from_millis(10))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let api = client.challenge_api();
    let err = api.aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await.unwrap_err();
    assert!(err.is_timeout() && err.may_have_been_delivered(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(600), "{:?}", started.elapsed());
    assert_eq!(server.streams(), 2);
}
