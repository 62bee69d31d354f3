//! The MFA flows end to end through the public library API against the stateful fake Dintero
//! server: the happy paths, and each mistake a user can make, with the outbox proving that no
//! extra message was sent.

use std::time::Duration;

use dintero_auth::flows::{FlowStep, MfaFlow, MfaRequired, Step};
use dintero_auth::models::{AuthChallenge, OobChannel};
use dintero_auth::DinteroApis;
use dintero_auth::{ChallengeApi, Client, ErrorKind};
use dintero_auth_fake::{
    Channel, Config, Endpoint, FakeDintero, FakeServer, FaultResponse, MFA_PASSWORD, MFA_USERNAME,
    TEST_ACCOUNT,
};

const AUDIENCE: &str = "https://api.dintero.com/v1/accounts/T00000000";

async fn setup(config: Config) -> (FakeServer, MfaFlow, Client) {
    let server = FakeDintero::start(config).await.expect("fake server starts");
    let client = Client::builder().base_url(server.base_url()).bearer_token("jwt").build().unwrap();
    let flow = MfaFlow::new(&client, TEST_ACCOUNT);
    (server, flow, client)
}

fn code(server: &FakeServer, channel: Channel) -> String {
    server.last_binding_code(TEST_ACCOUNT, MFA_USERNAME, channel).expect("a binding code was delivered")
}

fn outbox(server: &FakeServer, channel: Channel) -> usize {
    server.outbox(TEST_ACCOUNT, MFA_USERNAME, channel).len()
}

async fn mfa_required(flow: &MfaFlow) -> MfaRequired {
    match flow.login(MFA_USERNAME, MFA_PASSWORD, AUDIENCE).await.expect("password grant") {
        Step::MfaRequired(mfa) => mfa,
        Step::Done(_) => panic!("the MFA user must need a second factor"),
    }
}

#[tokio::test]
async fn login_with_mfa() {
    let (server, flow, _) = setup(Config::default()).await;
    let mfa = mfa_required(&flow).await;
    let sent = mfa.challenge(OobChannel::Sms).await.expect("challenge");
    assert_eq!(outbox(&server, Channel::Sms), 1);
    let token = sent.verify(code(&server, Channel::Sms)).await.unwrap().into_token().unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert!(!token.access_token.expose().is_empty());
    assert_eq!(server.request_count(), 3);
    assert_eq!(outbox(&server, Channel::Email), 0);
}

#[tokio::test]
async fn recovery_over_two_channels() {
    let (server, flow, _) = setup(Config::default()).await;
    let first = flow.start_recovery(MFA_USERNAME, AUDIENCE, OobChannel::Email).await.expect("recovery");
    assert_eq!(outbox(&server, Channel::Email), 1);
    let second = match first.verify(code(&server, Channel::Email)).await.expect("first factor") {
        Step::MfaRequired(mfa) => mfa,
        Step::Done(_) => panic!("recovery needs a second factor"),
    };
    assert_eq!(second.used_channel(), Some(OobChannel::Email));
    let sent = second.challenge(OobChannel::Sms).await.expect("second challenge");
    let token = sent.verify(code(&server, Channel::Sms)).await.unwrap().into_token().unwrap();
    assert!(!token.access_token.expose().is_empty());
    assert_eq!((outbox(&server, Channel::Email), outbox(&server, Channel::Sms)), (1, 1));
}

#[tokio::test]
async fn wrong_binding_code_is_a_typed_error_at_the_token_step() {
    let (server, flow, _) = setup(Config::default()).await;
    let sent = mfa_required(&flow).await.challenge(OobChannel::Sms).await.unwrap();
    let right = code(&server, Channel::Sms);
    let wrong = wrong_code(&right);
    let err = sent.verify(wrong).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::MfaOobToken);
    let cause = err.error().expect("the call failed");
    assert_eq!(cause.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(cause.code(), Some("invalid_binding_code"));
    assert_eq!(outbox(&server, Channel::Sms), 1, "no extra SMS");
}

#[tokio::test]
async fn reused_and_expired_mfa_tokens_are_refused_without_sending_anything() {
    let (server, flow, client) = setup(Config::default()).await;
    let mfa = mfa_required(&flow).await;
    let token = mfa.mfa_token().clone();
    let sent = mfa.challenge(OobChannel::Sms).await.unwrap();
    sent.verify(code(&server, Channel::Sms)).await.unwrap().into_token().unwrap();

    // The token has been used up by the successful login.
    let api = client.challenge_api();
    let err =
        api.aid_auth_mfa_challenge_post(TEST_ACCOUNT, &AuthChallenge::oob_sms(token)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.code(), Some("invalid_mfa_token"), "{err}");
    assert_eq!(outbox(&server, Channel::Sms), 1);

    // A fresh token left to expire.
    let mfa = mfa_required(&flow).await;
    server.advance_time(Duration::from_secs(3600));
    let err = mfa.challenge(OobChannel::Sms).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::Challenge);
    assert_eq!(err.error().and_then(|e| e.code()), Some("expired_mfa_token"));
    assert_eq!(outbox(&server, Channel::Sms), 1, "no SMS for an expired token");
}

#[tokio::test]
async fn recovery_over_the_same_channel_twice_is_refused() {
    let (server, flow, client) = setup(Config::default()).await;
    let first = flow.start_recovery(MFA_USERNAME, AUDIENCE, OobChannel::Sms).await.unwrap();
    let Step::MfaRequired(second) = first.verify(code(&server, Channel::Sms)).await.unwrap() else {
        panic!("second factor expected");
    };
    let token = second.mfa_token().clone();
    let requests_before = server.request_count();

    // The flow API refuses before sending anything.
    let err = second.challenge(OobChannel::Sms).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::Challenge);
    assert!(!err.may_have_been_delivered());
    assert!(err.to_string().contains("two different channels"), "{err}");
    assert_eq!(server.request_count(), requests_before);

    // The server refuses too, for clients that do not use the flow API.
    let api = client.challenge_api();
    let err =
        api.aid_auth_mfa_challenge_post(TEST_ACCOUNT, &AuthChallenge::oob_sms(token)).await.unwrap_err();
    assert_eq!(err.code(), Some("recovery_channel_reused"), "{err}");
    assert_eq!(outbox(&server, Channel::Sms), 1, "no second SMS");
}

#[tokio::test]
async fn too_many_challenges_give_429_with_retry_after_and_no_message() {
    let config = Config::builder().rate_limit(2, Duration::from_secs(60)).build().unwrap();
    let (server, flow, _) = setup(config).await;
    for _ in 0..2 {
        mfa_required(&flow).await.challenge(OobChannel::Sms).await.expect("within the limit");
    }
    let err = mfa_required(&flow).await.challenge(OobChannel::Sms).await.unwrap_err();
    let cause = err.error().unwrap();
    assert_eq!(cause.status().map(|s| s.as_u16()), Some(429));
    let wait = cause.retry_after().expect("Retry-After parsed");
    assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60), "{wait:?}");
    assert_eq!(outbox(&server, Channel::Sms), 2, "the refused challenge sent nothing");
}

#[tokio::test]
async fn unknown_account_is_not_found() {
    let (server, _, client) = setup(Config::default()).await;
    let flow = MfaFlow::new(&client, "X99999999");
    let err = flow.login(MFA_USERNAME, MFA_PASSWORD, AUDIENCE).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::PasswordToken);
    let cause = err.error().unwrap();
    assert_eq!(cause.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(cause.code(), Some("not_found"));
    let err = flow.start_recovery(MFA_USERNAME, AUDIENCE, OobChannel::Sms).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::Recovery);
    assert_eq!(err.error().and_then(|e| e.status()).map(|s| s.as_u16()), Some(404));
    assert_eq!(outbox(&server, Channel::Sms), 0);
}

#[tokio::test]
async fn a_failed_challenge_is_never_retried() {
    let (server, flow, _) = setup(Config::default()).await;
    let mfa = mfa_required(&flow).await;
    server.faults().on(dintero_auth_fake::Endpoint::Challenge).fail_next(503, "<html>busy</html>");
    let before = server.request_count();
    let err = mfa.challenge(OobChannel::Sms).await.unwrap_err();
    assert_eq!(err.error().unwrap().status().map(|s| s.as_u16()), Some(503));
    assert!(err.may_have_been_delivered());
    assert_eq!(server.request_count(), before + 1, "exactly one attempt");
}

/// A wrong code different from the one the fake delivered.
fn wrong_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

#[tokio::test]
async fn a_success_answer_without_oob_code_may_have_sent_a_message() {
    let (server, flow, _) = setup(Config::default()).await;
    let answered_without_codes = || FaultResponse::new(200).body(r#"{"binding_method":"prompt"}"#);

    let mfa = mfa_required(&flow).await;
    server.faults().on(Endpoint::Challenge).fail_next_with(answered_without_codes());
    let err = mfa.challenge(OobChannel::Sms).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::Challenge);
    assert!(err.error().is_none(), "the call itself succeeded: {err:?}");
    assert!(err.may_have_been_delivered(), "a 200 means the SMS may be on its way: {err}");

    server.faults().on(Endpoint::Recovery).fail_next_with(answered_without_codes());
    let err = flow.start_recovery(MFA_USERNAME, AUDIENCE, OobChannel::Email).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::Recovery);
    assert!(err.may_have_been_delivered(), "{err}");
}

#[tokio::test]
async fn a_wrong_code_can_be_corrected_on_the_same_step() {
    let (server, flow, _) = setup(Config::default()).await;
    let sent = mfa_required(&flow).await.challenge(OobChannel::Sms).await.unwrap();
    let right = code(&server, Channel::Sms);

    let err = sent.verify(wrong_code(&right)).await.unwrap_err();
    assert_eq!(err.error().and_then(|e| e.code()), Some("invalid_binding_code"));
    let token = sent.verify(right).await.expect("the right code on the same oob_code").into_token().unwrap();
    assert!(!token.access_token.expose().is_empty());
    assert_eq!(outbox(&server, Channel::Sms), 1, "the typo cost no new SMS");
}

#[tokio::test]
async fn a_malformed_code_is_refused_before_sending_and_the_step_survives() {
    let (server, flow, _) = setup(Config::default()).await;
    let sent = mfa_required(&flow).await.challenge(OobChannel::Sms).await.unwrap();
    let right = code(&server, Channel::Sms);
    let requests_before = server.requests().len();

    let err = sent.verify(format!("{right}\n")).await.unwrap_err();
    assert_eq!(err.step(), FlowStep::MfaOobToken);
    assert_eq!(err.error().map(|e| e.kind()), Some(ErrorKind::InvalidInput), "{err:?}");
    assert!(!err.may_have_been_delivered());
    assert_eq!(server.requests().len(), requests_before, "nothing was sent");

    sent.verify(right).await.expect("the right code still works").into_token().unwrap();
    assert_eq!(outbox(&server, Channel::Sms), 1);
}

#[tokio::test]
async fn the_step_stays_redacted_after_a_failed_verify() {
    let (server, flow, _) = setup(Config::default()).await;
    let mfa = mfa_required(&flow).await;
    let mfa_token = mfa.mfa_token().expose().to_owned();
    let sent = mfa.challenge(OobChannel::Sms).await.unwrap();
    let oob_code = server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms)[0].oob_code.clone();
    let err = sent.verify(wrong_code(&code(&server, Channel::Sms))).await.unwrap_err();
    let printed = format!("{sent:?} {err:?} {err}");
    assert!(!printed.contains(&mfa_token) && !printed.contains(&oob_code), "{printed}");
}

#[tokio::test]
async fn a_token_with_a_negative_lifetime_is_kept_as_already_expired() {
    let (server, flow, _) = setup(Config::default()).await;
    let sent = mfa_required(&flow).await.challenge(OobChannel::Sms).await.unwrap();
    let issued = r#"{"access_token":"jwt-issued","token_type":"Bearer","expires_in":-30}"#;
    server.faults().on(Endpoint::Token).fail_next_with(FaultResponse::new(200).body(issued));
    let token =
        sent.verify(code(&server, Channel::Sms)).await.expect("the token decodes").into_token().unwrap();
    assert_eq!(token.expires_in, 0);
    assert_eq!(token.access_token.expose(), "jwt-issued");
}
