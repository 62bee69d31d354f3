//! Planted sentinel secrets never show up in `Debug` or `Display` of config, clients, models,
//! or errors (with their whole `source()` chain).

use std::time::Duration;

use dintero_auth::models::{AuthChallenge, AuthRecovery, ChallengeResponse, OobChannel, RecoveryResponse};
use dintero_auth::DinteroApis;
use dintero_auth::{CallOptions, ChallengeApi, Client};
use dintero_auth_tests::{assert_no_secrets, error_chain, Reply, TestServer, SENTINELS};
use serde_json::json;

const JWT: &str = SENTINELS[0];
const MFA_TOKEN: &str = SENTINELS[1];
const OOB_CODE: &str = SENTINELS[2];
const BINDING: &str = SENTINELS[3];

#[tokio::test]
async fn sentinels_never_appear_in_debug_or_display() {
    let echo = json!({"error": {"code": "mfa_required", "message": "mfa", "mfa_token": MFA_TOKEN}});
    let replies = vec![
        Reply::json(403, echo),
        Reply::json(200, json!({"oob_code": 12, "mfa_token": MFA_TOKEN})),
        Reply::json(200, json!({"challenge_type": OOB_CODE, "oob_code": [BINDING]})),
        Reply::new(502, format!("<html>{JWT} {MFA_TOKEN} {OOB_CODE} {BINDING}</html>")),
        Reply::new(200, format!("{{\"oob_code\": \"{OOB_CODE}\"")),
        Reply::json(200, json!({})).delay(Duration::from_secs(5)),
    ];
    for reply in replies {
        let server = TestServer::always(reply).await;
        let builder = Client::builder()
            .base_url(server.base_url())
            .bearer_token(JWT)
            .timeout(Duration::from_millis(200));
        assert_no_secrets("builder", &format!("{builder:?}"));
        let client = builder.build().unwrap();
        let api = client
            .challenge_api()
            .with_options(CallOptions::new().bearer_token(JWT).header("X-Code", BINDING));
        assert_no_secrets("client", &format!("{client:?} {api:?}"));
        let body = AuthChallenge::oob(OobChannel::Sms, MFA_TOKEN);
        assert_no_secrets("request model", &format!("{body:?}"));
        let err = api.aid_auth_mfa_challenge_post("P1", &body).await.unwrap_err();
        assert_no_secrets("error", &error_chain(&err));
    }

    // Invalid inputs built from secrets must not echo them either.
    let err = Client::builder().bearer_token(format!("{JWT}\n")).build().unwrap_err();
    assert_no_secrets("config error", &error_chain(&err));

    let response: ChallengeResponse = serde_json::from_value(json!({"oob_code": OOB_CODE})).unwrap();
    let recovery: RecoveryResponse =
        serde_json::from_value(json!({"oob_code": OOB_CODE, "mfa_token": MFA_TOKEN})).unwrap();
    let request = AuthRecovery::oob(OobChannel::Email, "user", "aud");
    assert_no_secrets("models", &format!("{response:?} {recovery:?} {request:?} {response:#?}"));
}
