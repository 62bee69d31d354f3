//! Sentinel secrets (JWT, mfa_token, oob_code, binding code, an API client's secret and the
//! access token issued to it) planted in every request while the server misbehaves in every way
//! of the fault table: none may appear in any error's `Display`/`Debug` (whole `source()`
//! chain), in config, clients, token providers, models, or in log output captured at TRACE level.

use std::time::Duration;

use dintero_auth::models::{AuthChallenge, TokenRequest};
use dintero_auth::DinteroApis;
use dintero_auth::{CallOptions, ChallengeApi, Client, ClientCredentials, TokenApi};
use dintero_auth_tests::raw::{response, Action, RawServer};
use dintero_auth_tests::{assert_no_secrets, error_chain, logs, Reply, TestServer, SENTINELS};
use serde_json::json;

const JWT: &str = SENTINELS[0];
const MFA_TOKEN: &str = SENTINELS[1];
const OOB_CODE: &str = SENTINELS[2];
const BINDING: &str = SENTINELS[3];
const CLIENT_SECRET: &str = SENTINELS[4];
const ACCESS_TOKEN: &str = SENTINELS[5];

fn faults() -> Vec<Action> {
    let echo = format!(r#"{{"error":{{"code":"mfa_required","message":"m","mfa_token":"{MFA_TOKEN}"}}}}"#);
    let html = format!("<html>{JWT} {MFA_TOKEN} {OOB_CODE} {BINDING} {CLIENT_SECRET} {ACCESS_TOKEN}</html>");
    // A token endpoint that echoes the client secret as its error code and message.
    let refused = format!(r#"{{"error":{{"code":"{CLIENT_SECRET}","message":"{CLIENT_SECRET}"}}}}"#);
    let mistyped = format!(r#"{{"oob_code": ["{OOB_CODE}"], "access_token": {{"{JWT}": 1}}}}"#);
    let mut short = b"HTTP/1.1 200 OK\r\ncontent-length: 111\r\n\r\n".to_vec();
    short.extend_from_slice(format!("{{\"oob_code\":\"{OOB_CODE}\"").as_bytes());
    vec![
        Action::Reset,
        Action::Stall,
        Action::Trickle {
            head: b"HTTP/1.1 200 OK\r\ncontent-length: 40\r\n\r\n".to_vec(),
            body: OOB_CODE.as_bytes().to_vec(),
            every: Duration::from_millis(200),
        },
        Action::ReplyThenClose(short),
        Action::Reply(response(502, &[], html.as_bytes())),
        Action::Reply(response(403, &[("content-type", "application/json")], echo.as_bytes())),
        Action::Reply(response(401, &[("content-type", "application/json")], refused.as_bytes())),
        Action::Reply(response(429, &[("retry-after", JWT)], html.as_bytes())),
        Action::Reply(response(307, &[("location", &format!("http://localhost:9/{JWT}"))], b"")),
        Action::Reply(response(200, &[], mistyped.as_bytes())),
        Action::Reply(response(200, &[], html.as_bytes())),
        Action::Stream { head: b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec(), body_len: 4 << 20 },
    ]
}

#[tokio::test]
async fn no_sentinel_in_errors_config_clients_models_or_logs() {
    logs::capture();
    for fault in faults() {
        let server = RawServer::always(fault).await;
        let builder = Client::builder()
            .base_url(server.base_url())
            .bearer_token(JWT)
            .timeout(Duration::from_millis(300))
            .max_response_bytes(64 * 1024);
        assert_no_secrets("builder", &format!("{builder:?}"));
        let client = builder.build().unwrap();
        let options = CallOptions::new().bearer_token(JWT).header("X-Binding", BINDING);
        assert_no_secrets("options", &format!("{options:?}"));
        let challenge_api = client.challenge_api();
        let token_api = client.token_api().with_options(options);
        assert_no_secrets("clients", &format!("{client:?} {challenge_api:?} {token_api:?}"));

        let challenge = AuthChallenge::oob_sms(MFA_TOKEN);
        let grant = TokenRequest::mfa_oob(OOB_CODE, BINDING, MFA_TOKEN);
        assert_no_secrets("models", &format!("{challenge:?} {grant:?}"));

        let err = challenge_api.aid_auth_mfa_challenge_post("P00000000", &challenge).await.unwrap_err();
        assert_no_secrets("challenge error", &error_chain(&err));
        let err = token_api.aid_auth_token_post("P00000000", &grant).await.unwrap_err();
        assert_no_secrets("token error", &error_chain(&err));
        if let Some(token) = err.mfa_token() {
            assert_no_secrets("mfa_token accessor's Debug", &format!("{token:?} {token}"));
        }
    }
    // Invalid input made of secrets.
    let err = Client::builder().bearer_token(format!("{JWT}\r\n")).build().unwrap_err();
    assert_no_secrets("config error", &error_chain(&err));

    let logs = logs::captured();
    assert!(
        logs.contains("http_api_client::transport message=request"),
        "the capture saw the client's own events:\n{logs}"
    );
    assert_no_secrets("log output", &logs);
}

/// `ClientCredentials` with a sentinel secret: while its token endpoint misbehaves in every way
/// of the fault table, and while it hands out a sentinel access token that the API refuses.
#[tokio::test]
async fn no_client_secret_or_issued_token_in_errors_providers_or_logs() {
    logs::capture();
    let challenge = AuthChallenge::oob_sms(MFA_TOKEN);
    for fault in faults() {
        let server = RawServer::always(fault).await;
        let provider = ClientCredentials::builder("P00000000", "client-id", CLIENT_SECRET)
            .base_url(server.base_url())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        assert_no_secrets("provider", &format!("{provider:?}"));
        let client = Client::builder()
            .base_url(server.base_url())
            .token_provider(provider)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let err =
            client.challenge_api().aid_auth_mfa_challenge_post("P00000000", &challenge).await.unwrap_err();
        assert_eq!(err.kind(), dintero_auth::ErrorKind::Credentials, "{err}");
        assert_no_secrets("token endpoint error", &error_chain(&err));
        assert_eq!(server.count(), 1, "only the token request was sent");
    }

    // A token endpoint that issues the sentinel token, and an API that refuses it every time.
    let server = TestServer::start(|request| {
        if request.target.ends_with("/auth/token") {
            Reply::json(
                200,
                json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600}),
            )
        } else {
            let echo =
                format!("<html>{} {ACCESS_TOKEN}</html>", request.header("authorization").unwrap_or(""));
            Reply::new(401, echo).header("www-authenticate", &format!("Bearer realm=\"{ACCESS_TOKEN}\""))
        }
    })
    .await;
    let provider = std::sync::Arc::new(
        ClientCredentials::builder("P00000000", "client-id", CLIENT_SECRET)
            .base_url(server.base_url())
            .build()
            .unwrap(),
    );
    let client =
        Client::builder().base_url(server.base_url()).token_provider(provider.clone()).build().unwrap();
    let err = client.challenge_api().aid_auth_mfa_challenge_post("P00000000", &challenge).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_no_secrets("refused token error", &error_chain(&err));
    assert_no_secrets("provider holding a token", &format!("{provider:?} {client:?}"));

    // The sentinels were in play: the Basic credentials went to the token endpoint, the
    // sentinel token to the API (once, and once more after the refresh).
    let requests = server.requests();
    let sent: Vec<&str> = requests.iter().map(|r| r.header("authorization").unwrap_or("")).collect();
    let bearer = format!("Bearer {ACCESS_TOKEN}");
    assert_eq!(sent.len(), 4, "token, call, refreshed token, re-sent call: {sent:?}");
    assert!(sent[0].starts_with("Basic ") && sent[2] == sent[0], "{sent:?}");
    assert_eq!((sent[1], sent[3]), (bearer.as_str(), bearer.as_str()));

    let logs = logs::captured();
    assert_no_secrets("log output", &logs);
    // The secret travels base64-encoded: that form must not be logged either.
    assert!(!logs.contains(sent[0].trim_start_matches("Basic ")), "the Basic credentials are logged");
    assert!(!format!("{err:?}").contains(sent[0].trim_start_matches("Basic ")));
}
