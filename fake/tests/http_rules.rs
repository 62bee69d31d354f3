//! The rules every endpoint shares: routing, accounts, authorization, body validation,
//! hostile input, faults, the request log, shutdown.

mod support;

use std::time::{Duration, Instant};

use dintero_auth_fake::{
    Account, Channel, Config, Endpoint, FaultResponse, User, MAX_LOGGED_PATH_BYTES, MAX_REQUEST_HEAD_BYTES,
    MFA_PASSWORD, MFA_USERNAME, TEST_ACCOUNT,
};
use serde_json::json;
use support::{answer, Fake, AUDIENCE, JWT};

const CHALLENGE: &str = "/accounts/T00000000/auth/mfa/challenge";
const RECOVERY: &str = "/accounts/T00000000/auth/mfa/recovery";
const TOKEN: &str = "/accounts/T00000000/auth/token";

fn recovery_body() -> serde_json::Value {
    json!({"challenge_type": "oob", "oob_channel": "sms", "username": MFA_USERNAME, "audience": AUDIENCE})
}

#[tokio::test]
async fn unknown_account_and_unknown_path_are_404() {
    let fake = Fake::start().await;
    let body = json!({"grant_type": "password", "username": "u", "password": "p", "audience": "a"});
    let token = fake.post("/accounts/T99999999/auth/token", None, body).await;
    token.expect_error(404, "not_found");
    assert_eq!(token.json, json!({"error": {"code": "not_found", "message": "no such account"}}));
    fake.post("/accounts/T99999999/auth/mfa/challenge", Some(JWT), json!({}))
        .await
        .expect_error(404, "not_found");
    fake.post("/accounts/T99999999/auth/mfa/recovery", Some(JWT), recovery_body())
        .await
        .expect_error(404, "not_found");
    for path in [
        "/accounts/T00000000/auth/mfa",
        "/accounts/T00000000/auth/token/extra",
        "/nothing",
        "/accounts//auth/token",
    ] {
        fake.post(path, Some(JWT), json!({})).await.expect_error(404, "not_found");
    }
    let outside =
        answer(fake.http.post(format!("http://{}/v2/x", fake.server.addr())).send().await.expect("answer"))
            .await;
    outside.expect_error(404, "not_found");
}

#[tokio::test]
async fn aid_is_matched_as_one_decoded_segment() {
    let config =
        Config::builder().account(Account::new("T0/../x").user(User::new("u", "p"))).build().expect("config");
    let fake = Fake::with(config).await;
    let body = json!({"grant_type": "password", "username": "u", "password": "p", "audience": "a"});
    let ok = fake.post("/accounts/T0%2F..%2Fx/auth/token", None, body.clone()).await;
    assert_eq!(ok.status, 200, "{ok:#?}");
    fake.post("/accounts/T0/../x/auth/token", None, body).await.expect_error(404, "not_found");
}

#[tokio::test]
async fn other_methods_are_405() {
    let fake = Fake::start().await;
    let got = answer(fake.http.get(fake.url(TOKEN)).send().await.expect("answer")).await;
    got.expect_error(405, "method_not_allowed");
    assert_eq!(got.headers["allow"], "POST");
}

#[tokio::test]
async fn mfa_endpoints_need_a_bearer_token() {
    let fake = Fake::start().await;
    for path in [CHALLENGE, RECOVERY] {
        fake.post(path, None, recovery_body()).await.expect_error(401, "unauthorized");
        for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "token"] {
            let request =
                fake.http.post(fake.url(path)).header("authorization", header).json(&recovery_body());
            let answer = answer(request.send().await.expect("answer")).await;
            answer.expect_error(401, "unauthorized");
        }
    }
    // The scheme is case-insensitive; the token endpoint takes no bearer at all.
    let request = fake
        .http
        .post(fake.url(RECOVERY))
        .header("authorization", format!("bearer {JWT}"))
        .json(&recovery_body());
    assert_eq!(answer(request.send().await.expect("answer")).await.status, 200);
    assert!(
        fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len() == 1,
        "only the authorized one sent"
    );
}

#[tokio::test]
async fn configured_bearer_tokens_only() {
    let fake =
        Fake::with(Config::builder().accept_bearer_tokens(["good-jwt"]).build().expect("config")).await;
    fake.post(RECOVERY, Some("other-jwt"), recovery_body()).await.expect_error(401, "unauthorized");
    assert_eq!(fake.post(RECOVERY, Some("good-jwt"), recovery_body()).await.status, 200);
}

#[tokio::test]
async fn validation_lists_every_problem() {
    let fake = Fake::start().await;
    let body = json!({"challenge_type": "totp", "oob_channel": "pigeon", "mfa_token": ""});
    let bad = fake.post(CHALLENGE, Some(JWT), body).await;
    bad.expect_error(400, "invalid_request");
    assert_eq!(
        bad.json["error"]["errors"],
        json!([
            {"field": "challenge_type", "message": "unsupported challenge type `totp`; expected one of: oob"},
            {"field": "oob_channel", "message": "is only allowed when challenge_type is `oob`"},
            {"field": "oob_channel", "message": "unknown channel `pigeon`; expected one of: sms, email"},
            {"field": "mfa_token", "message": "must not be empty"},
        ])
    );

    let bad = fake.post(RECOVERY, Some(JWT), json!({"oob_channel": 3, "username": ["x"]})).await;
    bad.expect_error(400, "invalid_request");
    let fields: Vec<_> = bad.json["error"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(fields, ["challenge_type", "oob_channel", "username", "audience"]);

    let bad = fake.post(TOKEN, None, json!({"grant_type": "mfa_oob", "binding_code": 123456})).await;
    bad.expect_error(400, "invalid_request");
    assert_eq!(
        bad.json["error"]["errors"],
        json!([
            {"field": "oob_code", "message": "is required"},
            {"field": "binding_code", "message": "must be a string, got a number"},
            {"field": "mfa_token", "message": "is required"},
        ])
    );
    assert!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).is_empty());
}

#[tokio::test]
async fn bodies_that_are_not_json_objects() {
    let fake = Fake::start().await;
    for body in [&b"not json"[..], b"", b"[1,2]", b"\"text\"", b"{\"a\":"] {
        let bad = fake.post_raw(CHALLENGE, Some(JWT), body.to_vec()).await;
        bad.expect_error(400, "invalid_request");
        assert!(
            bad.json["error"]["errors"][0]["message"].as_str().is_some_and(|m| m.starts_with("body ")),
            "{bad:#?}"
        );
    }
    let bad = fake.post_raw(CHALLENGE, Some(JWT), b"{\"mfa_token\": \"\xff\xfe\"}".to_vec()).await;
    bad.expect_error(400, "invalid_request");
    assert_eq!(bad.json["error"]["errors"][0]["message"], "body is not valid UTF-8");

    let request = fake.http.post(fake.url(TOKEN)).header("content-type", "text/plain").body("{}");
    answer(request.send().await.expect("answer")).await.expect_error(415, "unsupported_media_type");
}

#[tokio::test]
async fn huge_bodies_are_413_and_the_server_lives_on() {
    let fake = Fake::start().await;
    let huge = format!("{{\"mfa_token\": \"{}\"}}", "a".repeat(70 * 1024));
    fake.post_raw(CHALLENGE, Some(JWT), huge.clone()).await.expect_error(413, "payload_too_large");

    // Without a Content-Length (chunked), the limit still holds while reading.
    let mut request = format!(
        "POST /v1{CHALLENGE} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer {JWT}\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    for _ in 0..70 {
        request.push_str(&format!("400\r\n{}\r\n", "x".repeat(1024)));
    }
    request.push_str("0\r\n\r\n");
    let response = raw(&fake, request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("payload_too_large"), "{response}");

    // Just under the limit is read and validated.
    let fits = format!("{{\"challenge_type\": \"oob\", \"mfa_token\": \"{}\"}}", "a".repeat(60 * 1024));
    fake.post_raw(CHALLENGE, Some(JWT), fits).await.expect_error(403, "invalid_mfa_token");
}

/// Sends raw bytes and reads the whole answer (the request must ask to close).
async fn raw(fake: &Fake, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(fake.server.addr()).await.expect("connect");
    // The server may answer and close before reading everything: a failed write is fine.
    let _ = stream.write_all(request).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn hostile_requests_get_answers_not_panics() {
    let fake = Fake::start().await;
    let garbage = raw(&fake, b"\x00\x01 NOT HTTP\r\n\r\n").await;
    assert!(garbage.is_empty() || garbage.starts_with("HTTP/1.1 400"), "{garbage}");
    let long_aid = format!("/v1/accounts/{}/auth/token", "%FF".repeat(1000));
    let request =
        format!("POST {long_aid} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}");
    assert!(raw(&fake, request.as_bytes()).await.starts_with("HTTP/1.1 404"));
    let mut request =
        format!("POST /v1{CHALLENGE} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ").into_bytes();
    request.extend_from_slice(b"\xff\xfe\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
    let answer = raw(&fake, &request).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // Still serving.
    fake.mfa_token().await;
}

#[tokio::test]
async fn heads_over_the_limit_are_431_and_the_server_lives_on() {
    let fake = Fake::start().await;
    let big = "x".repeat(MAX_REQUEST_HEAD_BYTES);
    for request in [
        format!("GET /v1/{big} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
        format!("{big} /v1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
        format!("GET /v1 HTTP/1.1\r\nhost: x\r\nx-big: {big}\r\nconnection: close\r\n\r\n"),
    ] {
        let answer = raw(&fake, request.as_bytes()).await;
        let start = answer.get(..answer.len().min(200)).unwrap_or_default();
        assert!(answer.starts_with("HTTP/1.1 431"), "{start}");
    }
    assert_eq!(fake.server.request_count(), 0, "a head too large to read is not logged");

    // Just under the limit is read and answered, and logged cut short.
    let path = format!("/v1/{}", "p".repeat(MAX_REQUEST_HEAD_BYTES - 200));
    let request =
        format!("POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    assert!(raw(&fake, request.as_bytes()).await.starts_with("HTTP/1.1 404"));
    let log = fake.server.requests();
    assert_eq!(log.len(), 1);
    assert!(log[0].truncated);
    assert_eq!(log[0].path.len(), MAX_LOGGED_PATH_BYTES);
    assert!(path.starts_with(&log[0].path));
    fake.mfa_token().await;
}

#[tokio::test]
async fn faults_fire_once() {
    let fake = Fake::start().await;
    fake.server.faults().fail_next(502, "<html>Bad Gateway</html>");
    let failed = fake.password(TEST_ACCOUNT, MFA_USERNAME, MFA_PASSWORD).await;
    assert_eq!(failed.status, 502);
    assert_eq!(failed.text, "<html>Bad Gateway</html>");
    assert_eq!(failed.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(fake.server.faults().pending(), 0);
    fake.mfa_token().await; // the next request is served normally

    // Aimed at one endpoint: a token request passes by it.
    fake.server.faults().on(Endpoint::Challenge).fail_next_with(
        FaultResponse::new(503).header("retry-after", "7").body(r#"{"error":{"message":"down"}}"#),
    );
    let mfa_token = fake.mfa_token().await;
    let failed = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await;
    assert_eq!((failed.status, failed.json["error"]["message"].as_str()), (503, Some("down")));
    assert_eq!(failed.headers["retry-after"], "7");
    assert_eq!(failed.headers["content-type"], "application/json");
    assert!(
        fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).is_empty(),
        "a failed request sends nothing"
    );
    assert_eq!(fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.status, 200);

    // A delay, then normal handling.
    fake.server.faults().delay_next(Duration::from_millis(300));
    let started = Instant::now();
    fake.mfa_token().await;
    assert!(started.elapsed() >= Duration::from_millis(300));

    // A dropped connection: the client sees a transport error, the next request is fine.
    fake.server.faults().drop_next_connection();
    let dropped = fake.http.post(fake.url(TOKEN)).json(&json!({})).send().await;
    assert!(dropped.is_err(), "{dropped:?}");
    fake.mfa_token().await;

    let statuses: Vec<_> = fake.server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(502), Some(403), Some(403), Some(503), Some(200), Some(403), None, Some(403)],);
}

#[tokio::test]
async fn request_log_and_counts() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Email).await;
    fake.post("/elsewhere", None, json!({})).await;
    assert_eq!(fake.server.request_count(), 3);
    assert_eq!(fake.server.endpoint_count(Endpoint::Token), 1);
    assert_eq!(fake.server.endpoint_count(Endpoint::Challenge), 1);
    assert_eq!(fake.server.endpoint_count(Endpoint::Recovery), 0);
    let log = fake.server.requests();
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].path, "/v1/accounts/T00000000/auth/mfa/challenge");
    assert!(!log[1].truncated);
    assert_eq!(log[1].endpoint, Some(Endpoint::Challenge));
    assert_eq!(log[1].status, Some(200));
    assert_eq!((log[2].endpoint, log[2].status), (None, Some(404)));
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let fake = Fake::start().await;
    let url = fake.url(TOKEN);
    fake.server.shutdown().await;
    let after = fake.http.post(url).json(&json!({})).send().await;
    assert!(after.is_err(), "{after:?}");
}
