//! Dintero's ChallengeApi against a real HTTP server on 127.0.0.1: the exact request on the
//! wire, typed answers, and typed errors for every documented status.

use std::time::{Duration, Instant};

use dintero_auth::models::{AuthChallenge, AuthRecovery, ChallengeType, OobChannel};
use dintero_auth::DinteroApis;
use dintero_auth::{ChallengeApi, Client, ErrorKind};
use dintero_auth_tests::{Reply, TestServer};
use serde_json::json;

const JWT: &str = "SENTINEL-JWT-7f3a";
const MFA_TOKEN: &str = "SENTINEL-MFA-TOKEN-91c2";

fn client(server: &TestServer) -> Client {
    dintero_auth::builder().base_url(server.base_url()).bearer_token(JWT).build().expect("valid config")
}

fn dintero_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, json!({"error": {"code": code, "message": message, "errors": [{"field": "aid"}]}}))
}

#[tokio::test]
async fn challenge_sends_the_exact_request_and_decodes_the_answer() {
    let server = TestServer::always(Reply::json(
        200,
        json!({"challenge_type": "oob", "binding_method": "prompt", "oob_code": "SENTINEL-OOB-CODE-55e0"}),
    ))
    .await;
    let answer = client(&server)
        .challenge_api()
        .aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms(MFA_TOKEN))
        .await
        .expect("200 answer");

    assert_eq!(answer.challenge_type, Some(ChallengeType::Oob));
    assert_eq!(answer.binding_method.as_deref(), Some("prompt"));
    assert_eq!(answer.oob_code.as_ref().map(|c| c.expose()), Some("SENTINEL-OOB-CODE-55e0"));

    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/accounts/P00000000/auth/mfa/challenge");
    assert_eq!(request.header("authorization"), Some("Bearer SENTINEL-JWT-7f3a"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("user-agent"), Some(concat!("dintero-auth/", env!("CARGO_PKG_VERSION"))));
    assert_eq!(
        request.json(),
        json!({"challenge_type": "oob", "oob_channel": "sms", "mfa_token": MFA_TOKEN})
    );
}

#[tokio::test]
async fn recovery_sends_username_and_audience_and_decodes_the_answer() {
    let server = TestServer::always(Reply::json(
        200,
        json!({"challenge_type": "oob", "binding_method": "prompt", "oob_code": "c1", "mfa_token": "m1", "new": 1}),
    ))
    .await;
    let body = AuthRecovery::oob(
        OobChannel::Email,
        "ola@example.com",
        "https://api.dintero.com/v1/accounts/P00000000",
    );
    let answer =
        client(&server).challenge_api().aid_auth_mfa_recovery_post("P00000000", &body).await.unwrap();
    assert_eq!(answer.oob_code.unwrap().expose(), "c1");
    assert_eq!(answer.mfa_token.unwrap().expose(), "m1");

    let request = server.single();
    assert_eq!(request.target, "/v1/accounts/P00000000/auth/mfa/recovery");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({"challenge_type": "oob", "oob_channel": "email", "username": "ola@example.com",
               "audience": "https://api.dintero.com/v1/accounts/P00000000"})
    );
}

#[tokio::test]
async fn with_http_info_returns_status_and_headers() {
    let server =
        TestServer::always(Reply::json(200, json!({"oob_code": "c"})).header("x-correlation-id", "abc"))
            .await;
    let info = client(&server)
        .challenge_api()
        .aid_auth_mfa_challenge_post_with_http_info("T00000000", &AuthChallenge::oob_email(MFA_TOKEN))
        .await
        .unwrap();
    assert_eq!(info.status.as_u16(), 200);
    assert_eq!(info.headers["x-correlation-id"], "abc");
    assert_eq!(info.data.oob_code.unwrap().expose(), "c");
    assert_eq!(server.single().json()["oob_channel"], "email");
}

#[tokio::test]
async fn every_documented_status_is_a_typed_error_with_the_body_fields() {
    for (status, code) in [
        (400, "bad_request"),
        (401, "unauthorized"),
        (403, "forbidden"),
        (404, "not_found"),
        (500, "internal"),
    ] {
        let server = TestServer::always(dintero_error(status, code, "it went wrong")).await;
        let err = client(&server)
            .challenge_api()
            .aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms(MFA_TOKEN))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.code(), Some(code));
        let detail = err.api_error().expect("parsed Dintero error body");
        assert_eq!(detail.message, "it went wrong");
        assert_eq!(detail.errors, vec![json!({"field": "aid"})]);
        assert!(err.may_have_been_delivered());
        assert!(!err.is_mfa_required());
        // The body's text is read through `code()`/`api_error()`, never printed by the error.
        assert_eq!(
            err.to_string(),
            format!("HTTP {} ({}-byte body)", err.status().unwrap(), 74 + code.len())
        );
        assert_eq!(server.count(), 1, "no retry on {status}");
    }
}

#[tokio::test]
async fn mfa_required_hands_over_the_mfa_token() {
    let body = json!({"error": {"code": "mfa_required", "message": "MFA required", "mfa_token": MFA_TOKEN}});
    let server = TestServer::always(Reply::json(403, body)).await;
    let err = client(&server)
        .challenge_api()
        .aid_auth_mfa_recovery_post("P00000000", &AuthRecovery::oob(OobChannel::Sms, "u", "aud"))
        .await
        .unwrap_err();
    assert!(err.is_mfa_required());
    assert_eq!(err.mfa_token().map(|t| t.expose()), Some(MFA_TOKEN));
    assert!(!format!("{err} {err:?}").contains(MFA_TOKEN));
}

#[tokio::test]
async fn bodies_that_are_not_dintero_errors_are_reported_clearly_with_the_status() {
    let html = "<html><body><h1>502 Bad Gateway</h1>SENTINEL-JWT-7f3a</body></html>";
    let cases = [
        (Reply::new(502, html).header("content-type", "text/html"), 502, ErrorKind::Api, "67-byte body"),
        (Reply::new(500, ""), 500, ErrorKind::Api, "empty body"),
        (Reply::new(200, r#"{"oob_code": "abc", "binding_me"#), 200, ErrorKind::Decode, "truncated"),
        (Reply::new(200, ""), 200, ErrorKind::Decode, "empty"),
        (Reply::new(200, html), 200, ErrorKind::Decode, "not JSON"),
        (Reply::json(200, json!({"oob_code": 5})), 200, ErrorKind::Decode, "unexpected shape"),
    ];
    for (reply, status, kind, phrase) in cases {
        let server = TestServer::always(reply).await;
        let err = client(&server)
            .challenge_api()
            .aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms(MFA_TOKEN))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.kind(), kind, "{text}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{text}");
        assert!(text.contains(phrase) && text.contains(&status.to_string()), "{text}");
        assert!(!text.contains("<html>") && !format!("{err:?}").contains("<html>"), "raw body in {text}");
        assert_eq!(server.count(), 1);
    }
    // The raw body stays reachable for whoever needs to see it.
    let server = TestServer::always(Reply::new(502, html)).await;
    let err =
        client(&server).challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t")).await;
    assert!(err.unwrap_err().body_excerpt().unwrap().starts_with("<html>"));
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let server =
        TestServer::always(dintero_error(429, "too_many_requests", "slow down").header("retry-after", "7"))
            .await;
    let err = client(&server)
        .challenge_api()
        .aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms(MFA_TOKEN))
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 429);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(server.count(), 1, "never retried automatically");
}

#[tokio::test]
async fn aid_values_are_one_segment_or_refused_before_any_request() {
    let server = TestServer::always(Reply::json(200, json!({}))).await;
    let api = client(&server).challenge_api();
    let encoded = [
        ("P00000000", "P00000000"),
        ("a b", "a%20b"),
        ("a/b", "a%2Fb"),
        ("%2e%2e", "%252e%252e"),
        ("æøå", "%C3%A6%C3%B8%C3%A5"),
        ("a?x=1#f", "a%3Fx%3D1%23f"),
    ];
    for (aid, wire) in encoded {
        api.aid_auth_mfa_challenge_post(aid, &AuthChallenge::oob_sms("t")).await.expect(aid);
        let last = server.requests().pop().unwrap();
        assert_eq!(last.target, format!("/v1/accounts/{wire}/auth/mfa/challenge"), "{aid}");
    }
    let before = server.count();
    for aid in ["..", ".", ""] {
        let err = api.aid_auth_mfa_challenge_post(aid, &AuthChallenge::oob_sms("t")).await.unwrap_err();
        assert!(err.is_invalid_input(), "{aid:?}: {err}");
        assert!(!err.may_have_been_delivered());
        assert!(err.to_string().contains("`aid`"), "{err}");
    }
    assert_eq!(server.count(), before, "refused values must send nothing");
}

#[tokio::test]
async fn tokens_with_line_breaks_are_refused_and_nothing_is_sent() {
    let server = TestServer::always(Reply::json(200, json!({}))).await;
    for bad in ["abc\r\nX-Injected: 1", "abc\n", "nul\0byte"] {
        let err = Client::builder().base_url(server.base_url()).bearer_token(bad).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(!err.to_string().contains("abc"), "token echoed: {err}");

        let per_call =
            client(&server).challenge_api().with_options(dintero_auth::CallOptions::new().bearer_token(bad));
        let err = per_call.aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t")).await.unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_stalled_server_gives_a_timeout_within_the_bound() {
    let server = TestServer::always(Reply::json(200, json!({})).delay(Duration::from_secs(30))).await;
    let client =
        Client::builder().base_url(server.base_url()).timeout(Duration::from_millis(300)).build().unwrap();
    let started = Instant::now();
    let err = client
        .challenge_api()
        .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t"))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.may_have_been_delivered());
    assert!(took >= Duration::from_millis(300) && took < Duration::from_millis(1500), "{took:?}");
    assert_eq!(server.count(), 1, "a timed-out call is not re-sent");
}

#[tokio::test]
async fn per_call_options_override_timeout_headers_and_token() {
    let server = TestServer::always(Reply::json(200, json!({})).delay(Duration::from_millis(200))).await;
    let api = client(&server).challenge_api();
    let options = dintero_auth::CallOptions::new()
        .header("X-Request-Id", "r-1")
        .bearer_token("other-token")
        .timeout(Duration::from_secs(5));
    api.with_options(options).aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t")).await.unwrap();
    let request = server.single();
    assert_eq!(request.header("x-request-id"), Some("r-1"));
    assert_eq!(request.header("authorization"), Some("Bearer other-token"));

    let short = dintero_auth::CallOptions::new().timeout(Duration::from_millis(50));
    let err = api.with_options(short).aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t")).await;
    assert!(err.unwrap_err().is_timeout());
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let big = format!("{{\"oob_code\": \"{}\"}}", "x".repeat(4096));
    let server = TestServer::always(Reply::new(200, big)).await;
    let client = Client::builder().base_url(server.base_url()).max_response_bytes(1024).build().unwrap();
    let err = client
        .challenge_api()
        .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(err.to_string().contains("1024"), "{err}");
}

#[tokio::test]
async fn redirects_are_refused_and_the_other_host_sees_nothing() {
    let elsewhere = TestServer::always(Reply::json(200, json!({}))).await;
    let location =
        format!("{}/accounts/P1/auth/mfa/challenge", elsewhere.base_url().replace("127.0.0.1", "localhost"));
    for status in [302, 307] {
        let server = TestServer::always(Reply::new(status, "").header("location", &location)).await;
        let err = client(&server)
            .challenge_api()
            .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Redirect);
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert_eq!(server.count(), 1);
    }
    assert_eq!(elsewhere.count(), 0);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_and_nothing_was_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{addr}/v1"))
        .connect_retries(2, Duration::from_millis(10))
        .build()
        .unwrap();
    let err = client
        .challenge_api()
        .aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("t"))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert!(!err.may_have_been_delivered());
    assert!(std::error::Error::source(&err).is_some(), "keeps the cause");
}
