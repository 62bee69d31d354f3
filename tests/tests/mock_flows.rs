//! `MfaFlow` over hand-written implementations of `ChallengeApi` and `TokenApi`: what a user's
//! own tests do, with answers built from the public constructors (`ApiResponse::new`,
//! `Error::from_status`, `Error::lost_after_sending`) and no server at all.

use std::sync::{Arc, Mutex};

use dintero_auth::flows::{FlowStep, MfaFlow, Step};
use dintero_auth::http::StatusCode;
use dintero_auth::models::{
    AccessToken, AuthChallenge, AuthRecovery, ChallengeResponse, OobChannel, RecoveryResponse, TokenRequest,
};
use dintero_auth::{ApiResponse, ChallengeApi, Error, TokenApi};
use serde_json::{json, Value};

/// A scripted Dintero: which binding code is right, and whether the challenge call fails after
/// sending. Records every call, so a test can count them.
#[derive(Clone, Default)]
struct MockDintero {
    calls: Arc<Mutex<Vec<String>>>,
    challenge_lost_after_sending: bool,
}

const MFA_TOKEN: &str = "mock-mfa-token";
const SECOND_MFA_TOKEN: &str = "mock-mfa-token-2";
const RIGHT_CODE: &str = "123456";

impl MockDintero {
    fn record(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

fn mfa_required(mfa_token: &str) -> Error {
    let body = json!({"error": {"code": "mfa_required", "message": "MFA required", "mfa_token": mfa_token}});
    Error::from_status(StatusCode::FORBIDDEN, Default::default(), body.to_string())
}

fn answer<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid answer")
}

impl ChallengeApi for MockDintero {
    async fn aid_auth_mfa_challenge_post(
        &self,
        aid: &str,
        data: &AuthChallenge,
    ) -> Result<ChallengeResponse, Error> {
        self.record(format!("challenge {aid} {:?}", data.oob_channel()));
        if self.challenge_lost_after_sending {
            return Err(Error::lost_after_sending());
        }
        Ok(answer(json!({"challenge_type": "oob", "binding_method": "prompt", "oob_code": "oob-1"})))
    }

    async fn aid_auth_mfa_challenge_post_with_http_info(
        &self,
        aid: &str,
        data: &AuthChallenge,
    ) -> Result<ApiResponse<ChallengeResponse>, Error> {
        let data = self.aid_auth_mfa_challenge_post(aid, data).await?;
        Ok(ApiResponse::new(StatusCode::OK, Default::default(), data))
    }

    async fn aid_auth_mfa_recovery_post(
        &self,
        aid: &str,
        data: &AuthRecovery,
    ) -> Result<RecoveryResponse, Error> {
        self.record(format!("recovery {aid} {:?}", data.oob_channel()));
        Ok(answer(json!({"challenge_type": "oob", "oob_code": "oob-r", "mfa_token": MFA_TOKEN})))
    }

    async fn aid_auth_mfa_recovery_post_with_http_info(
        &self,
        aid: &str,
        data: &AuthRecovery,
    ) -> Result<ApiResponse<RecoveryResponse>, Error> {
        let data = self.aid_auth_mfa_recovery_post(aid, data).await?;
        Ok(ApiResponse::new(StatusCode::OK, Default::default(), data))
    }
}

impl TokenApi for MockDintero {
    async fn aid_auth_token_post(&self, aid: &str, data: &TokenRequest) -> Result<AccessToken, Error> {
        let request = serde_json::to_value(data).expect("serializable");
        self.record(format!("token {aid} {}", request["grant_type"].as_str().unwrap_or("?")));
        let token = || answer(json!({"access_token": "jwt", "token_type": "Bearer", "expires_in": 3600}));
        match request["grant_type"].as_str() {
            Some("password") => Err(mfa_required(MFA_TOKEN)),
            Some("mfa_oob") if request["binding_code"] != RIGHT_CODE => {
                let body = json!({"error": {"code": "invalid_binding_code", "message": "wrong code"}});
                Err(Error::from_status(StatusCode::FORBIDDEN, Default::default(), body.to_string()))
            }
            // The first factor of a recovery asks for the second.
            Some("mfa_oob") if request["oob_code"] == "oob-r" => Err(mfa_required(SECOND_MFA_TOKEN)),
            Some("mfa_oob") => Ok(token()),
            _ => panic!("unexpected request {request}"),
        }
    }

    async fn aid_auth_token_post_with_http_info(
        &self,
        aid: &str,
        data: &TokenRequest,
    ) -> Result<ApiResponse<AccessToken>, Error> {
        let data = self.aid_auth_token_post(aid, data).await?;
        Ok(ApiResponse::new(StatusCode::OK, Default::default(), data))
    }
}

fn flow(mock: &MockDintero) -> MfaFlow<MockDintero, MockDintero> {
    MfaFlow::with_apis(mock.clone(), mock.clone(), "P1")
}

#[tokio::test]
async fn login_with_mfa_over_a_mock() {
    let mock = MockDintero::default();
    let Step::MfaRequired(mfa) = flow(&mock).login("ola", "pw", "aud").await.unwrap() else {
        panic!("a user with MFA");
    };
    assert_eq!(mfa.mfa_token().expose(), MFA_TOKEN);
    let sent = mfa.challenge(OobChannel::Sms).await.unwrap();
    let typo = sent.verify("654321").await.unwrap_err();
    assert_eq!(typo.error().and_then(|e| e.code()), Some("invalid_binding_code"));
    let token = sent.verify(RIGHT_CODE).await.unwrap().into_token().unwrap();
    assert_eq!(token.access_token.expose(), "jwt");
    assert_eq!(
        mock.calls(),
        ["token P1 password", "challenge P1 Some(Sms)", "token P1 mfa_oob", "token P1 mfa_oob"]
    );
}

#[tokio::test]
async fn recovery_over_a_mock_uses_both_channels() {
    let mock = MockDintero::default();
    let first = flow(&mock).start_recovery("ola", "aud", OobChannel::Email).await.unwrap();
    let Step::MfaRequired(second) = first.verify(RIGHT_CODE).await.unwrap() else {
        panic!("recovery needs a second factor");
    };
    assert_eq!(second.used_channel(), Some(OobChannel::Email));
    let refused = second.challenge(OobChannel::Email).await;
    assert!(!refused.unwrap_err().may_have_been_delivered(), "refused before sending");
    let Step::MfaRequired(second) = first.verify(RIGHT_CODE).await.unwrap() else { unreachable!() };
    let sent = second.challenge(OobChannel::Sms).await.unwrap();
    assert!(matches!(sent.verify(RIGHT_CODE).await.unwrap(), Step::Done(_)));
    assert_eq!(mock.calls().iter().filter(|c| c.starts_with("challenge")).count(), 1);
}

#[tokio::test]
async fn a_challenge_that_may_have_been_delivered_is_reported_so() {
    let mock = MockDintero { challenge_lost_after_sending: true, ..MockDintero::default() };
    let Step::MfaRequired(mfa) = flow(&mock).login("ola", "pw", "aud").await.unwrap() else {
        panic!("a user with MFA");
    };
    let failed = mfa.challenge(OobChannel::Sms).await.unwrap_err();
    assert_eq!(failed.step(), FlowStep::Challenge);
    assert!(failed.may_have_been_delivered(), "an SMS may be on its way: do not send another");
    assert_eq!(mock.calls().iter().filter(|c| c.starts_with("challenge")).count(), 1);
}
