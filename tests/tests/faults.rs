//! Fault injection against a scripted raw-TCP server: each case checks the error the caller
//! gets AND how many requests the server saw (issue 5's table, rows 1–14).

use std::time::{Duration, Instant, SystemTime};

use dintero_auth::models::{AuthChallenge, ChallengeResponse, OobChannel, TokenRequest};
use dintero_auth::DinteroApis;
use dintero_auth::{CallOptions, ChallengeApi, Client, Error, ErrorKind, TokenApi, MAX_RETRY_AFTER};
use dintero_auth_tests::raw::{response, Action, RawServer};

const OK_BODY: &[u8] = br#"{"challenge_type":"oob","binding_method":"prompt","oob_code":"c"}"#;

fn ok() -> Vec<u8> {
    response(200, &[("content-type", "application/json")], OK_BODY)
}

fn client_for(base: &str, timeout: Duration) -> Client {
    dintero_auth_tests::client_builder().base_url(base).bearer_token("jwt").timeout(timeout).build().unwrap()
}

async fn challenge(client: &Client) -> Result<ChallengeResponse, Error> {
    client.challenge_api().aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms("mfa")).await
}

// Row 1.
#[tokio::test]
async fn connection_refused_retries_with_backoff_then_fails_and_sends_nothing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let with_retries = dintero_auth_tests::client_builder()
        .base_url(&base)
        .connect_retries(3, Duration::from_millis(40))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = challenge(&with_retries).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_connect() && !err.may_have_been_delivered(), "{err:?}");
    assert!(err.to_string().contains("could not connect"), "{err}");
    // 40 + 80 + 160 ms of backoff at least, at most +50 % jitter each: bounded.
    assert!(took >= Duration::from_millis(280) && took < Duration::from_secs(2), "{took:?}");

    let without = dintero_auth_tests::client_builder()
        .base_url(&base)
        .connect_retries(0, Duration::from_millis(40))
        .build()
        .unwrap();
    let started = Instant::now();
    assert!(challenge(&without).await.unwrap_err().is_connect());
    assert!(started.elapsed() < Duration::from_millis(200), "no retry means no backoff");
}

// Row 1, the retry that works: the request a connect retry sends is the one the first attempt
// would have sent, URL, headers and body.
#[tokio::test]
async fn a_connect_retry_sends_the_whole_request_once_the_server_is_up() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.expect("the port is still free");
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.ends_with(b"\"}") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the request ended early");
            seen.extend_from_slice(&buf[..n]);
        }
        stream.write_all(&ok()).await.unwrap();
        String::from_utf8(seen).unwrap()
    });
    let client = dintero_auth_tests::client_builder()
        .base_url(format!("http://{addr}/v1"))
        .bearer_token("jwt")
        .connect_retries(6, Duration::from_millis(15))
        .build()
        .unwrap();
    // A per-call header too: the copy kept for another connect holds it apart from the rest.
    let client = client.with_options(CallOptions::new().header("x-request-id", "r-1"));
    challenge(&client).await.expect("a later connect attempt reaches the server");
    let request = server.await.unwrap();
    assert!(request.starts_with("POST /v1/accounts/P00000000/auth/mfa/challenge HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("authorization: Bearer jwt\r\n"), "{request}");
    assert!(request.contains("x-request-id: r-1\r\n"), "{request}");
    assert!(request.contains("content-type: application/json\r\n"), "{request}");
    assert!(
        request.ends_with(r#"{"challenge_type":"oob","oob_channel":"sms","mfa_token":"mfa"}"#),
        "{request}"
    );
}

// Row 2.
#[tokio::test]
async fn a_pooled_connection_closed_by_the_server_is_replaced_transparently() {
    let server = RawServer::always(Action::ReplyThenClose(ok())).await;
    let client = client_for(&server.base_url(), Duration::from_secs(5));
    challenge(&client).await.expect("first call");
    tokio::time::sleep(Duration::from_millis(50)).await;
    challenge(&client).await.expect("second call on a fresh connection");
    assert_eq!(server.count(), 2, "one request per call");
}

// Row 3.
#[tokio::test]
async fn a_reset_after_reading_may_have_been_delivered_and_is_not_retried() {
    let server = RawServer::always(Action::Reset).await;
    let err = challenge(&client_for(&server.base_url(), Duration::from_secs(5))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(err.may_have_been_delivered());
    assert!(err.to_string().contains("may have been delivered"), "{err}");
    assert_eq!(server.count(), 1);
}

// Row 4.
#[tokio::test]
async fn headers_that_never_come_time_out_within_the_bound() {
    let server = RawServer::always(Action::Stall).await;
    let bound = Duration::from_millis(300);
    let started = Instant::now();
    let err = challenge(&client_for(&server.base_url(), bound)).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout() && err.may_have_been_delivered(), "{err:?}");
    assert!(took >= bound && took <= bound + Duration::from_millis(100), "{took:?}");
    assert_eq!(server.count(), 1);
}

// Row 5.
#[tokio::test]
async fn a_trickling_body_hits_the_overall_timeout() {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", OK_BODY.len()).into_bytes();
    let server =
        RawServer::always(Action::Trickle { head, body: OK_BODY.to_vec(), every: Duration::from_secs(1) })
            .await;
    let bound = Duration::from_millis(400);
    let started = Instant::now();
    let err = challenge(&client_for(&server.base_url(), bound)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "the status had arrived");
    assert!(started.elapsed() <= bound + Duration::from_millis(100), "{:?}", started.elapsed());
    assert_eq!(server.count(), 1);
}

// Row 5, the other way: a body that arrives a byte at a time but within the call's time is read
// whole, on the success path (kept in one buffer) and on the error path (kept up to the cap).
#[tokio::test]
async fn a_body_arriving_a_byte_at_a_time_is_read_whole() {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", OK_BODY.len()).into_bytes();
    let every = Duration::from_millis(2);
    let server = RawServer::always(Action::Trickle { head, body: OK_BODY.to_vec(), every }).await;
    let answer = challenge(&client_for(&server.base_url(), Duration::from_secs(10))).await.unwrap();
    assert_eq!(answer.oob_code.as_ref().map(|code| code.expose()), Some("c"), "{answer:?}");

    let problem = br#"{"error":{"code":"INVALID","message":"slowly"}}"#;
    let head = format!("HTTP/1.1 400 Bad Request\r\ncontent-length: {}\r\n\r\n", problem.len()).into_bytes();
    let server = RawServer::always(Action::Trickle { head, body: problem.to_vec(), every }).await;
    let err = challenge(&client_for(&server.base_url(), Duration::from_secs(10))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api, "{err:?}");
    assert_eq!(err.raw_body(), Some(&problem[..]), "{err:?}");
}

// Row 6.
#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_an_error() {
    let mut bytes = b"HTTP/1.1 200 OK\r\ncontent-length: 111\r\n\r\n".to_vec();
    bytes.extend_from_slice(&[b'{'; 50]);
    let server = RawServer::always(Action::ReplyThenClose(bytes)).await;
    let err = challenge(&client_for(&server.base_url(), Duration::from_secs(5))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert!(err.to_string().contains("reading the response"), "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(server.count(), 1);
}

// Row 7.
#[tokio::test]
async fn server_errors_are_typed_and_not_retried() {
    for status in [500, 502, 503, 504] {
        let server = RawServer::always(Action::Reply(response(status, &[], b"<html>oops</html>"))).await;
        let err = challenge(&client_for(&server.base_url(), Duration::from_secs(5))).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.count(), 1, "{status}");
    }
}

// Row 8.
#[tokio::test]
async fn rate_limits_parse_retry_after_and_are_not_retried() {
    let in_five = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(5));
    let cases: [(&str, Option<(u64, u64)>); 4] =
        [("2", Some((2, 2))), (&in_five, Some((3, 5))), ("soon-ish", None), ("86400", Some((3600, 3600)))];
    for (value, expected) in cases {
        let reply = response(429, &[("retry-after", value)], br#"{"error":{"message":"slow down"}}"#);
        let server = RawServer::always(Action::Reply(reply)).await;
        let err = challenge(&client_for(&server.base_url(), Duration::from_secs(5))).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
        match expected {
            Some((low, high)) => {
                let wait = err.retry_after().expect("parsed").as_secs();
                assert!((low..=high).contains(&wait), "{value}: {wait}");
            }
            None => assert_eq!(err.retry_after(), None, "garbage is no instruction"),
        }
        assert!(err.retry_after().unwrap_or_default() <= MAX_RETRY_AFTER);
        assert_eq!(server.count(), 1);
    }
}

// Row 9.
#[tokio::test]
async fn redirects_to_another_host_are_refused() {
    let other = RawServer::always(Action::Reply(ok())).await;
    let target =
        other.base_url().replace("127.0.0.1", "localhost") + "/accounts/P00000000/auth/mfa/challenge";
    for status in [302, 307] {
        let server = RawServer::always(Action::Reply(response(status, &[("location", &target)], b""))).await;
        let err = challenge(&client_for(&server.base_url(), Duration::from_secs(5))).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Redirect, "{err:?}");
        assert_eq!(server.count(), 1);
    }
    assert_eq!(other.count(), 0, "the other host never sees the request or the token");
}

// Row 10.
#[tokio::test]
async fn ten_mebibyte_bodies_stop_at_the_cap() {
    const TEN_MIB: usize = 10 * 1024 * 1024;
    let cap = 256 * 1024;
    let with_length = format!("HTTP/1.1 200 OK\r\ncontent-length: {TEN_MIB}\r\n\r\n").into_bytes();
    let chunked_free = b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec();
    for head in [with_length, chunked_free] {
        let server = RawServer::always(Action::Stream { head, body_len: TEN_MIB }).await;
        let client = dintero_auth_tests::client_builder()
            .base_url(server.base_url())
            .max_response_bytes(cap)
            .build()
            .unwrap();
        let err = challenge(&client).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge, "{err:?}");
        assert_eq!(server.count(), 1);
        // The client stopped reading: the server could not push the whole body into the socket.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(server.streamed() < TEN_MIB, "streamed {}", server.streamed());
    }
}

// Row 11.
#[tokio::test]
async fn an_html_200_is_a_decode_error_without_the_body_in_display() {
    let page = b"<!doctype html><html><body>Maintenance SECRET-PAGE</body></html>";
    let server =
        RawServer::always(Action::Reply(response(200, &[("content-type", "text/html")], page))).await;
    let err = challenge(&client_for(&server.base_url(), Duration::from_secs(5))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET-PAGE") && !shown.contains("<html"), "{shown}");
    assert_eq!(server.count(), 1);
}

// Row 12.
#[tokio::test]
async fn hostile_aids_are_refused_or_encoded_as_one_segment() {
    let server = RawServer::always(Action::Reply(ok())).await;
    let api = client_for(&server.base_url(), Duration::from_secs(5)).challenge_api();
    for aid in ["..", ".", ""] {
        let err = api.aid_auth_mfa_challenge_post(aid, &AuthChallenge::oob_sms("t")).await.unwrap_err();
        assert!(err.is_invalid_input(), "{aid:?}");
    }
    assert_eq!(server.count(), 0, "refused values send nothing");
    for (aid, wire) in [("a/b", "a%2Fb"), ("%2e%2e", "%252e%252e")] {
        api.aid_auth_mfa_challenge_post(aid, &AuthChallenge::oob_sms("t")).await.unwrap();
        let head = server.heads().pop().unwrap();
        assert!(head.starts_with(&format!("POST /v1/accounts/{wire}/auth/mfa/challenge HTTP/1.1")), "{head}");
    }
}

// Row 13.
#[tokio::test]
async fn tokens_with_control_characters_fail_before_sending() {
    let server = RawServer::always(Action::Reply(ok())).await;
    for bad in ["jwt\r\nX-Evil: 1", "jwt\0"] {
        assert_eq!(
            dintero_auth_tests::client_builder()
                .base_url(server.base_url())
                .bearer_token(bad)
                .build()
                .unwrap_err()
                .kind(),
            ErrorKind::Config
        );
    }
    let client = client_for(&server.base_url(), Duration::from_secs(5));
    for bad in ["mfa\r\n", "mfa\0", "m\nfa"] {
        let err = client
            .challenge_api()
            .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob(OobChannel::Email, bad))
            .await;
        assert!(err.unwrap_err().is_invalid_input());
        let err =
            client.token_api().aid_auth_token_post("P1", &TokenRequest::mfa_oob("oob", "123456", bad)).await;
        assert!(err.unwrap_err().is_invalid_input());
        let per_call = client.challenge_api().with_options(CallOptions::new().bearer_token(bad));
        assert!(per_call
            .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t"))
            .await
            .unwrap_err()
            .is_invalid_input());
    }
    assert_eq!(server.count(), 0);
}

// Row 14.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_challenges_on_one_client() {
    let server = RawServer::start(move |_, head| {
        // Echo the account id back as the oob_code so each caller can check it got its own answer.
        let path = String::from_utf8_lossy(head).split(' ').nth(1).unwrap_or_default().to_owned();
        let aid = path.split('/').nth(3).unwrap_or_default().to_owned();
        Action::Reply(response(200, &[], format!(r#"{{"oob_code":"{aid}"}}"#).as_bytes()))
    })
    .await;
    let client = client_for(&server.base_url(), Duration::from_secs(10));
    let calls = (0..100).map(|i| {
        let api = client.challenge_api();
        tokio::spawn(async move {
            let aid = format!("P{i:08}");
            let answer = api.aid_auth_mfa_challenge_post(&aid, &AuthChallenge::oob_sms("t")).await.unwrap();
            assert_eq!(answer.oob_code.unwrap().expose(), aid);
        })
    });
    let all = futures_join_all(calls.collect());
    tokio::time::timeout(Duration::from_secs(20), all).await.expect("no deadlock");
    assert_eq!(server.count(), 100);
}

async fn futures_join_all(handles: Vec<tokio::task::JoinHandle<()>>) {
    for handle in handles {
        handle.await.expect("call task");
    }
}
