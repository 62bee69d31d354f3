//! Transport edge cases, with exact server-side request counts: the keep-alive race, a call
//! that times out while still connecting, error answers with oversized bodies, and settings
//! whose arithmetic could overflow.

use std::time::Duration;

use dintero_auth::models::AuthChallenge;
use dintero_auth::DinteroApis;
use dintero_auth::{CallOptions, ChallengeApi, ErrorKind};
use dintero_auth_tests::raw::{response, Action, RawServer};

const OK: &[u8] = br#"{"challenge_type":"oob"}"#;

fn challenge() -> AuthChallenge {
    AuthChallenge::oob_sms("m")
}

#[tokio::test]
async fn with_the_pool_idle_timeout_below_the_servers_every_call_is_read_once() {
    // The server drops connections idle for 80 ms; the client stops reusing them after 15 ms.
    // Pauses straddle both, so a client that reused a connection the server is closing would
    // fail some calls with "may have been delivered".
    let server = RawServer::start_with_keep_alive(Some(Duration::from_millis(80)), |_, _| {
        Action::Reply(response(200, &[], OK))
    })
    .await;
    let client = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .pool_idle_timeout(Duration::from_millis(15))
        .build()
        .unwrap();
    let api = client.challenge_api();
    let pauses = [0, 10, 30, 60, 75, 85, 100];
    for call in 0..300 {
        api.aid_auth_mfa_challenge_post("P1", &challenge())
            .await
            .unwrap_or_else(|e| panic!("call {call}: {e}"));
        tokio::time::sleep(Duration::from_millis(pauses[call % pauses.len()])).await;
    }
    assert_eq!(server.count(), 300);
}

#[tokio::test]
async fn a_timeout_while_still_connecting_says_nothing_was_sent() {
    // A TLS handshake that never completes keeps the connect open until the call's timeout.
    let server = RawServer::always(Action::Stall).await;
    let base = server.base_url().replace("http://", "https://");
    for retries in [0, 2] {
        let client = dintero_auth_tests::client_builder()
            .base_url(&base)
            .timeout(Duration::from_millis(300))
            .connect_retries(retries, Duration::from_millis(10))
            .build()
            .unwrap();
        let err = client.challenge_api().aid_auth_mfa_challenge_post("P1", &challenge()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(!err.may_have_been_delivered(), "{err}");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
    // With more time than the connect timeout, the connect timeout ends the stalled handshake.
    let client = dintero_auth_tests::client_builder()
        .base_url(&base)
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(5))
        .connect_retries(0, Duration::ZERO)
        .build()
        .unwrap();
    let err = client.challenge_api().aid_auth_mfa_challenge_post("P1", &challenge()).await.unwrap_err();
    assert!(err.is_timeout() && !err.may_have_been_delivered(), "{err}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn status_headers_and_retry_after_survive_an_oversized_error_body() {
    let big = vec![b'x'; 64 * 1024];
    let with_length = response(429, &[("retry-after", "7")], &big);
    let mut without_length = b"HTTP/1.1 503 X\r\nretry-after: 9\r\nconnection: close\r\n\r\n".to_vec();
    without_length.extend_from_slice(&big);
    for (reply, status, wait) in
        [(Action::Reply(with_length), 429, 7), (Action::ReplyThenClose(without_length), 503, 9)]
    {
        let server = RawServer::always(reply).await;
        let client = dintero_auth_tests::client_builder()
            .base_url(server.base_url())
            .max_response_bytes(1024)
            .build()
            .unwrap();
        let err = client.challenge_api().aid_auth_mfa_challenge_post("P1", &challenge()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.retry_after(), Some(Duration::from_secs(wait)));
        assert!(err.headers().is_some_and(|h| h.contains_key("retry-after")));
        assert!(err.body_excerpt().is_none_or(|excerpt| excerpt.len() <= 1024));
        assert_eq!(server.count(), 1);
    }
}

#[tokio::test]
async fn absurd_settings_are_refused_not_panicked_on() {
    let server = RawServer::always(Action::Reply(response(200, &[], OK))).await;
    let base = server.base_url();
    let refused = [
        dintero_auth_tests::client_builder().base_url(&base).connect_retries(3, Duration::MAX),
        dintero_auth_tests::client_builder()
            .base_url(&base)
            .connect_retries(u32::MAX, Duration::from_millis(1)),
        dintero_auth_tests::client_builder().base_url(&base).timeout(Duration::MAX),
        dintero_auth_tests::client_builder().base_url(&base).connect_timeout(Duration::MAX),
        dintero_auth_tests::client_builder().base_url(&base).pool_idle_timeout(Duration::ZERO),
    ];
    for builder in refused {
        let shown = format!("{builder:?}");
        assert_eq!(builder.build().unwrap_err().kind(), ErrorKind::Config, "{shown}");
    }
    let api = dintero_auth_tests::client_builder().base_url(&base).build().unwrap().challenge_api();
    for timeout in [Duration::MAX, Duration::ZERO] {
        let err = api
            .with_options(CallOptions::new().timeout(timeout))
            .aid_auth_mfa_challenge_post("P1", &challenge())
            .await;
        assert!(err.unwrap_err().is_invalid_input());
    }
    assert_eq!(server.count(), 0);
}
