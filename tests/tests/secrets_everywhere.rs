//! Sentinel secrets (JWT, mfa_token, oob_code, binding code) planted in every request while the
//! server misbehaves in every way of the fault table: none may appear in any error's
//! `Display`/`Debug` (whole `source()` chain), in config, clients, models, or in log output
//! captured at TRACE level.

use std::time::Duration;

use dintero_auth::models::{AuthChallenge, TokenRequest};
use dintero_auth::DinteroApis;
use dintero_auth::{CallOptions, ChallengeApi, Client, TokenApi};
use dintero_auth_tests::raw::{response, Action, RawServer};
use dintero_auth_tests::{assert_no_secrets, error_chain, logs, SENTINELS};

const JWT: &str = SENTINELS[0];
const MFA_TOKEN: &str = SENTINELS[1];
const OOB_CODE: &str = SENTINELS[2];
const BINDING: &str = SENTINELS[3];

fn faults() -> Vec<Action> {
    let echo = format!(r#"{{"error":{{"code":"mfa_required","message":"m","mfa_token":"{MFA_TOKEN}"}}}}"#);
    let html = format!("<html>{JWT} {MFA_TOKEN} {OOB_CODE} {BINDING}</html>");
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
