//! The MFA flows end to end over HTTP: login, recovery, and every way they can fail.

mod support;

use std::time::Duration;

use dintero_auth_fake::{
    Account, Channel, Config, User, MFA_PASSWORD, MFA_USERNAME, PLAIN_PASSWORD, PLAIN_USERNAME,
    PRODUCTION_ACCOUNT, TEST_ACCOUNT,
};
use serde_json::{json, Value};
use support::{assert_access_token, wrong, Fake, AUDIENCE, JWT};

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> =
        value.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn login_with_mfa_over_sms() {
    let fake = Fake::start().await;
    let login = fake.password(TEST_ACCOUNT, MFA_USERNAME, MFA_PASSWORD).await;
    login.expect_error(403, "mfa_required");
    assert_eq!(keys(&login.json["error"]), ["code", "message", "mfa_token"]);
    assert_eq!(login.headers["content-type"], "application/json");
    let mfa_token = login.field("mfa_token");

    let challenge = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await;
    assert_eq!(challenge.status, 200, "{challenge:#?}");
    assert_eq!(keys(&challenge.json), ["binding_method", "challenge_type", "oob_code"]);
    assert_eq!(challenge.json["challenge_type"], "oob");
    assert_eq!(challenge.json["binding_method"], "prompt");
    let oob_code = challenge.field("oob_code");

    let sms = fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms);
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].oob_code, oob_code);
    assert!(sms[0].binding_code.len() == 6 && sms[0].binding_code.bytes().all(|b| b.is_ascii_digit()));
    assert!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Email).is_empty());

    let token = fake.mfa_oob(TEST_ACCOUNT, &oob_code, &sms[0].binding_code, &mfa_token).await;
    assert_access_token(&token);
    // `refresh_token` is optional and off by default.
    assert_eq!(keys(&token.json), ["access_token", "expires_in", "token_type"]);
    assert_eq!(token.json["expires_in"], 3600);
}

#[tokio::test]
async fn challenge_channel_defaults_to_sms_and_email_works() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    let body = json!({"challenge_type": "oob", "mfa_token": mfa_token});
    let first = fake.post("/accounts/T00000000/auth/mfa/challenge", Some(JWT), body).await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len(), 1);

    // A second challenge on the same token (a "resend", over e-mail this time) is allowed.
    let second = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Email).await;
    assert_eq!(second.status, 200, "{second:#?}");
    let token =
        fake.mfa_oob(TEST_ACCOUNT, &second.field("oob_code"), &fake.code(Channel::Email), &mfa_token).await;
    assert_access_token(&token);
}

#[tokio::test]
async fn password_grant_without_mfa_and_with_bad_credentials() {
    let fake = Fake::with(Config::builder().refresh_tokens(true).build().expect("config")).await;
    let token = fake.password(PRODUCTION_ACCOUNT, PLAIN_USERNAME, PLAIN_PASSWORD).await;
    assert_access_token(&token);
    assert!(token.json["refresh_token"].as_str().is_some_and(|t| !t.is_empty()), "{token:#?}");

    fake.password(TEST_ACCOUNT, MFA_USERNAME, "wrong").await.expect_error(401, "invalid_grant");
    fake.password(TEST_ACCOUNT, "nobody@example.com", MFA_PASSWORD).await.expect_error(401, "invalid_grant");
    // Nothing is delivered for a failed first factor.
    assert!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).is_empty());
}

#[tokio::test]
async fn recovery_email_then_sms() {
    let fake = Fake::start().await;
    let recovery = fake.recovery(TEST_ACCOUNT, MFA_USERNAME, Channel::Email).await;
    assert_eq!(recovery.status, 200, "{recovery:#?}");
    assert_eq!(keys(&recovery.json), ["binding_method", "challenge_type", "mfa_token", "oob_code"]);
    assert_eq!(recovery.json["challenge_type"], "oob");
    assert_eq!(recovery.json["binding_method"], "prompt");
    assert!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).is_empty());
    let first_token = recovery.field("mfa_token");

    let step = fake
        .mfa_oob(TEST_ACCOUNT, &recovery.field("oob_code"), &fake.code(Channel::Email), &first_token)
        .await;
    step.expect_error(403, "mfa_required");
    let second_token = step.field("mfa_token");
    assert_ne!(second_token, first_token);

    let challenge = fake.challenge(TEST_ACCOUNT, &second_token, Channel::Sms).await;
    assert_eq!(challenge.status, 200, "{challenge:#?}");
    let token = fake
        .mfa_oob(TEST_ACCOUNT, &challenge.field("oob_code"), &fake.code(Channel::Sms), &second_token)
        .await;
    assert_access_token(&token);

    // Both tokens are spent.
    fake.challenge(TEST_ACCOUNT, &second_token, Channel::Email).await.expect_error(403, "invalid_mfa_token");
    fake.challenge(TEST_ACCOUNT, &first_token, Channel::Sms).await.expect_error(403, "invalid_mfa_token");
}

#[tokio::test]
async fn recovery_refuses_the_same_channel_twice() {
    let fake = Fake::start().await;
    let recovery = fake.recovery(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).await;
    let step = fake
        .mfa_oob(
            TEST_ACCOUNT,
            &recovery.field("oob_code"),
            &fake.code(Channel::Sms),
            &recovery.field("mfa_token"),
        )
        .await;
    step.expect_error(403, "mfa_required");
    let second_token = step.field("mfa_token");

    let again = fake.challenge(TEST_ACCOUNT, &second_token, Channel::Sms).await;
    again.expect_error(400, "recovery_channel_reused");
    // Omitting oob_channel means sms, so that is refused too.
    let body = json!({"challenge_type": "oob", "mfa_token": second_token});
    fake.post("/accounts/T00000000/auth/mfa/challenge", Some(JWT), body)
        .await
        .expect_error(400, "recovery_channel_reused");
    assert_eq!(
        fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len(),
        1,
        "nothing more was sent"
    );

    // The token is still good for the other channel.
    let email = fake.challenge(TEST_ACCOUNT, &second_token, Channel::Email).await;
    assert_eq!(email.status, 200, "{email:#?}");
}

#[tokio::test]
async fn recovery_first_token_only_answers_its_own_code() {
    let fake = Fake::start().await;
    let recovery = fake.recovery(TEST_ACCOUNT, MFA_USERNAME, Channel::Email).await;
    let token = recovery.field("mfa_token");
    fake.challenge(TEST_ACCOUNT, &token, Channel::Sms).await.expect_error(403, "invalid_mfa_token");
    assert!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).is_empty());
}

#[tokio::test]
async fn recovery_refusals() {
    let config = Config::builder()
        .account(Account::new("T11111111").user(User::new("sms-only@example.com", "pw").mfa([Channel::Sms])))
        .build()
        .expect("config");
    let fake = Fake::with(config).await;
    fake.recovery(TEST_ACCOUNT, "nobody@example.com", Channel::Sms).await.expect_error(404, "user_not_found");
    fake.recovery(TEST_ACCOUNT, PLAIN_USERNAME, Channel::Sms).await.expect_error(400, "mfa_not_enabled");
    fake.recovery("T11111111", "sms-only@example.com", Channel::Email)
        .await
        .expect_error(400, "channel_not_enabled");

    // With one channel the first factor passes, but there is no other channel for the second.
    let recovery = fake.recovery("T11111111", "sms-only@example.com", Channel::Sms).await;
    let code =
        fake.server.last_binding_code("T11111111", "sms-only@example.com", Channel::Sms).expect("a code");
    let step =
        fake.mfa_oob("T11111111", &recovery.field("oob_code"), &code, &recovery.field("mfa_token")).await;
    step.expect_error(403, "mfa_required");
    fake.challenge("T11111111", &step.field("mfa_token"), Channel::Email)
        .await
        .expect_error(400, "channel_not_enabled");
}

#[tokio::test]
async fn wrong_binding_code_then_right_one() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    let code = fake.code(Channel::Sms);

    let bad = fake.mfa_oob(TEST_ACCOUNT, &oob_code, &wrong(&code), &mfa_token).await;
    bad.expect_error(403, "invalid_binding_code");
    assert!(!bad.text.contains(&code), "the right code must not leak: {}", bad.text);
    assert_access_token(&fake.mfa_oob(TEST_ACCOUNT, &oob_code, &code, &mfa_token).await);
}

#[tokio::test]
async fn too_many_wrong_binding_codes_burn_the_oob_code() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    let code = fake.code(Channel::Sms);
    for _ in 0..3 {
        fake.mfa_oob(TEST_ACCOUNT, &oob_code, &wrong(&code), &mfa_token)
            .await
            .expect_error(403, "invalid_binding_code");
    }
    fake.mfa_oob(TEST_ACCOUNT, &oob_code, &code, &mfa_token).await.expect_error(403, "invalid_oob_code");

    // The mfa_token survives: a new challenge completes the login.
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    assert_access_token(&fake.mfa_oob(TEST_ACCOUNT, &oob_code, &fake.code(Channel::Sms), &mfa_token).await);
}

#[tokio::test]
async fn mfa_token_and_oob_code_are_single_use() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    let code = fake.code(Channel::Sms);
    assert_access_token(&fake.mfa_oob(TEST_ACCOUNT, &oob_code, &code, &mfa_token).await);

    let reused = fake.mfa_oob(TEST_ACCOUNT, &oob_code, &code, &mfa_token).await;
    reused.expect_error(403, "invalid_mfa_token");
    fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.expect_error(403, "invalid_mfa_token");

    // The old oob_code does not complete a new login either.
    let next_token = fake.mfa_token().await;
    fake.mfa_oob(TEST_ACCOUNT, &oob_code, &code, &next_token).await.expect_error(403, "invalid_oob_code");
    fake.mfa_oob(TEST_ACCOUNT, "oob_made_up", &code, &next_token).await.expect_error(403, "invalid_oob_code");
    fake.challenge(TEST_ACCOUNT, "mfa_made_up", Channel::Sms).await.expect_error(403, "invalid_mfa_token");
}

#[tokio::test]
async fn tokens_do_not_cross_accounts() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    fake.challenge(PRODUCTION_ACCOUNT, &mfa_token, Channel::Sms).await.expect_error(403, "invalid_mfa_token");
    assert!(fake.server.outbox(PRODUCTION_ACCOUNT, MFA_USERNAME, Channel::Sms).is_empty());
}

#[tokio::test]
async fn mfa_token_expires() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    fake.server.advance_time(Duration::from_secs(4 * 60 + 50));
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    fake.server.advance_time(Duration::from_secs(11));
    let late = fake.mfa_oob(TEST_ACCOUNT, &oob_code, &fake.code(Channel::Sms), &mfa_token).await;
    late.expect_error(403, "expired_mfa_token");
    fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Email).await.expect_error(403, "expired_mfa_token");
}

#[tokio::test]
async fn oob_code_expires_on_its_own_ttl() {
    let config = Config::builder().oob_code_ttl(Duration::from_secs(60)).build().expect("config");
    let fake = Fake::with(config).await;
    let mfa_token = fake.mfa_token().await;
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    let before = fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms)[0].at;
    fake.server.advance_time(Duration::from_secs(61));
    let code = fake.code(Channel::Sms);
    fake.mfa_oob(TEST_ACCOUNT, &oob_code, &code, &mfa_token).await.expect_error(403, "expired_oob_code");

    // The token (5 minutes) is still alive: a fresh challenge works, sent on the fake clock.
    let oob_code = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.field("oob_code");
    let after = fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms)[1].at;
    assert!(after.duration_since(before).is_ok_and(|d| d >= Duration::from_secs(61)));
    assert_access_token(&fake.mfa_oob(TEST_ACCOUNT, &oob_code, &fake.code(Channel::Sms), &mfa_token).await);
}

#[tokio::test]
async fn challenges_are_rate_limited_per_user() {
    let fake = Fake::start().await;
    let mfa_token = fake.mfa_token().await;
    for _ in 0..5 {
        let ok = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await;
        assert_eq!(ok.status, 200, "{ok:#?}");
    }
    let limited = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Email).await;
    limited.expect_error(429, "too_many_requests");
    let retry_after: u64 = limited.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Email).is_empty(), "nothing delivered");
    assert_eq!(fake.server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len(), 5);
    // Recovery counts against the same limit.
    fake.recovery(TEST_ACCOUNT, MFA_USERNAME, Channel::Email).await.expect_error(429, "too_many_requests");

    // Another user is not affected.
    let other_user = fake.recovery(PRODUCTION_ACCOUNT, MFA_USERNAME, Channel::Email).await;
    assert_eq!(other_user.status, 200, "{other_user:#?}");

    fake.server.advance_time(Duration::from_secs(retry_after));
    let again = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Email).await;
    assert_eq!(again.status, 200, "{again:#?}");
}

#[tokio::test]
async fn rate_limit_is_configurable() {
    let config = Config::builder().rate_limit(1, Duration::from_secs(600)).build().expect("config");
    let fake = Fake::with(config).await;
    let mfa_token = fake.mfa_token().await;
    assert_eq!(fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.status, 200);
    let limited = fake.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await;
    limited.expect_error(429, "too_many_requests");
    let retry_after: u64 = limited.headers["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((590..=600).contains(&retry_after), "Retry-After {retry_after}");

    let unlimited = Fake::with(Config::builder().no_rate_limit().build().expect("config")).await;
    let mfa_token = unlimited.mfa_token().await;
    for _ in 0..8 {
        assert_eq!(unlimited.challenge(TEST_ACCOUNT, &mfa_token, Channel::Sms).await.status, 200);
    }
}

#[tokio::test]
async fn audience_is_required_but_not_checked() {
    let fake = Fake::start().await;
    let body = json!({"grant_type": "password", "username": PLAIN_USERNAME, "password": PLAIN_PASSWORD, "audience": "x"});
    assert_access_token(&fake.post("/accounts/T00000000/auth/token", None, body).await);
    let body = json!({"challenge_type": "oob", "username": MFA_USERNAME, "audience": AUDIENCE});
    assert_eq!(fake.post("/accounts/T00000000/auth/mfa/recovery", Some(JWT), body).await.status, 200);
}
