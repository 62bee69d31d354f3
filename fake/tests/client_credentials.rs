//! The `client_credentials` grant: HTTP Basic client authentication, allowed audiences,
//! `expires_in`, and the issued tokens as bearer tokens on the MFA endpoints.

mod support;

use std::time::Duration;

use base64::Engine as _;
use dintero_auth_fake::{
    account_audience, ApiClient, Channel, Config, Endpoint, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    PRODUCTION_ACCOUNT, TEST_ACCOUNT,
};
use serde_json::{json, Value};
use support::{answer, Answer, Fake};

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

fn grant(aid: &str) -> Value {
    json!({"grant_type": "client_credentials", "audience": account_audience(aid)})
}

/// A token request to account `aid` with this `Authorization` (if any) and body.
async fn token(fake: &Fake, aid: &str, authorization: Option<&str>, body: Value) -> Answer {
    let mut request = fake
        .http
        .post(fake.url(&format!("/accounts/{aid}/auth/token")))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    answer(request.send().await.expect("the fake answers")).await
}

/// The default client's token for account `aid`.
async fn issued(fake: &Fake, aid: &str) -> String {
    let answer = token(fake, aid, Some(&basic(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)), grant(aid)).await;
    assert_eq!(answer.status, 200, "{answer:#?}");
    answer.field("access_token")
}

/// A challenge with an `mfa_token` the fake never issued, sent with `bearer`: 401 when the
/// bearer is refused, 403 `invalid_mfa_token` once it was accepted.
async fn challenge_status(fake: &Fake, aid: &str, bearer: &str) -> (u16, String) {
    let body = json!({"challenge_type": "oob", "oob_channel": "sms", "mfa_token": "unknown"});
    let answer = fake.post(&format!("/accounts/{aid}/auth/mfa/challenge"), Some(bearer), body).await;
    (answer.status, answer.code().to_owned())
}

#[tokio::test]
async fn the_default_client_gets_a_bearer_token_with_the_configured_lifetime() {
    let config = Config::builder().access_token_ttl(Duration::from_secs(120)).refresh_tokens(true).build();
    let fake = Fake::with(config.expect("config")).await;
    let answer = token(
        &fake,
        TEST_ACCOUNT,
        Some(&basic(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)),
        grant(TEST_ACCOUNT),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:#?}");
    assert!(answer.field("access_token").starts_with("fake_at_"));
    assert_eq!(answer.json["token_type"], "Bearer");
    assert_eq!(answer.json["expires_in"], 120);
    assert!(answer.json.get("refresh_token").is_none(), "no refresh token for this grant: {answer:#?}");
    assert_eq!(fake.server.endpoint_count(Endpoint::Token), 1);
}

#[tokio::test]
async fn bad_or_missing_client_credentials_get_401_invalid_client() {
    let fake = Fake::start().await;
    let body = grant(TEST_ACCOUNT);
    let cases: [(&str, Option<String>); 7] = [
        ("wrong secret", Some(basic(DEFAULT_CLIENT_ID, "wrong"))),
        ("unknown client", Some(basic("someone-else", DEFAULT_CLIENT_SECRET))),
        ("no Authorization", None),
        ("a bearer token instead", Some(format!("Bearer {DEFAULT_CLIENT_SECRET}"))),
        ("not base64", Some("Basic !!!".to_owned())),
        ("no colon", Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("x")))),
        ("the secret in clear", Some(format!("Basic {DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET}"))),
    ];
    for (case, authorization) in &cases {
        let answer = token(&fake, TEST_ACCOUNT, authorization.as_deref(), body.clone()).await;
        assert_eq!((answer.status, answer.code()), (401, "invalid_client"), "{case}: {answer:#?}");
        assert!(!answer.text.contains(DEFAULT_CLIENT_SECRET), "{case}: the secret echoed: {}", answer.text);
    }
    assert_eq!(fake.server.endpoint_count(Endpoint::Token), cases.len(), "every request counted");
}

#[tokio::test]
async fn the_audience_must_be_one_the_client_is_allowed() {
    let config = Config::builder()
        .client(ApiClient::new("test-only", "s3cret").account(TEST_ACCOUNT))
        .build()
        .expect("config");
    let fake = Fake::with(config).await;
    let auth = basic("test-only", "s3cret");
    let answer = token(&fake, PRODUCTION_ACCOUNT, Some(&auth), grant(PRODUCTION_ACCOUNT)).await;
    answer.expect_error(403, "invalid_audience");
    let answer = token(&fake, TEST_ACCOUNT, Some(&auth), json!({"grant_type": "client_credentials"})).await;
    answer.expect_error(400, "invalid_request");
    assert_eq!(answer.json["error"]["errors"], json!([{"field": "audience", "message": "is required"}]));
    assert_eq!(token(&fake, TEST_ACCOUNT, Some(&auth), grant(TEST_ACCOUNT)).await.status, 200);
    // The default client is still there beside it.
    issued(&fake, PRODUCTION_ACCOUNT).await;
}

#[tokio::test]
async fn issued_tokens_are_the_only_bearer_tokens_accepted_until_they_expire() {
    let config = Config::builder().accept_issued_tokens_only().access_token_ttl(Duration::from_secs(600));
    let fake = Fake::with(config.build().expect("config")).await;
    let token = issued(&fake, TEST_ACCOUNT).await;

    assert_eq!(challenge_status(&fake, TEST_ACCOUNT, &token).await, (403, "invalid_mfa_token".into()));
    assert_eq!(challenge_status(&fake, TEST_ACCOUNT, "made-up").await, (401, "unauthorized".into()));
    // Issued for the test account only.
    assert_eq!(challenge_status(&fake, PRODUCTION_ACCOUNT, &token).await, (401, "unauthorized".into()));

    // A password grant's token counts as issued too: a whole login with it.
    let mfa_token = fake.mfa_token().await;
    let plain =
        fake.password(TEST_ACCOUNT, dintero_auth_fake::PLAIN_USERNAME, dintero_auth_fake::PLAIN_PASSWORD);
    let user_token = plain.await.field("access_token");
    let body = json!({"challenge_type": "oob", "oob_channel": "sms", "mfa_token": mfa_token});
    let sent =
        fake.post(&format!("/accounts/{TEST_ACCOUNT}/auth/mfa/challenge"), Some(&user_token), body).await;
    assert_eq!(sent.status, 200, "{sent:#?}");
    assert_eq!(fake.server.outbox(TEST_ACCOUNT, dintero_auth_fake::MFA_USERNAME, Channel::Sms).len(), 1);

    // It expires exactly `expires_in` seconds after it was issued, on the fake's clock.
    fake.server.advance_time(Duration::from_secs(599));
    assert_eq!(challenge_status(&fake, TEST_ACCOUNT, &token).await.0, 403);
    fake.server.advance_time(Duration::from_secs(1));
    let expired = challenge_status(&fake, TEST_ACCOUNT, &token).await;
    assert_eq!(expired, (401, "unauthorized".into()));
    let fresh = issued(&fake, TEST_ACCOUNT).await;
    assert_ne!(fresh, token);
    assert_eq!(challenge_status(&fake, TEST_ACCOUNT, &fresh).await.0, 403);
    // 2 client-credentials token requests, 2 password grants.
    assert_eq!(fake.server.endpoint_count(Endpoint::Token), 4);
}

#[tokio::test]
async fn any_bearer_token_still_passes_by_default() {
    let fake = Fake::start().await;
    assert_eq!(challenge_status(&fake, TEST_ACCOUNT, "any-jwt").await.0, 403);
    let token = issued(&fake, TEST_ACCOUNT).await;
    assert_eq!(challenge_status(&fake, TEST_ACCOUNT, &token).await.0, 403);
}
