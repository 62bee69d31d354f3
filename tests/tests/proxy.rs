//! The proxy policy, with the proxy environment variables set for this whole test binary: a
//! loopback target never goes through a proxy, a plain-http target never through one from the
//! environment (it would see the token), an `https://` target does (the proxy sees only a
//! `CONNECT`), and a proxy set on the builder is used as configured.

use std::time::Duration;

use dintero_auth::models::AuthChallenge;
use dintero_auth::DinteroApis;
use dintero_auth::{ChallengeApi, Client};
use dintero_auth_tests::raw::{response, Action, RawServer};
use dintero_auth_tests::{Reply, TestServer};

const JWT: &str = "SENTINEL-JWT-7f3a";

fn set_proxy_environment(proxy: &str) {
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(name, proxy);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }
}

async fn challenge(client: Client) -> Result<(), dintero_auth::Error> {
    client.challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await.map(drop)
}

// One test, so the process-wide environment is set once and read by nothing else.
#[tokio::test]
async fn proxies_see_only_what_the_policy_allows() {
    let proxy = RawServer::always(Action::ReplyThenClose(response(403, &[], b"no"))).await;
    let proxy_url = proxy.base_url().trim_end_matches("/v1").to_owned();
    set_proxy_environment(&proxy_url);
    let target = TestServer::always(Reply::json(200, serde_json::json!({"challenge_type": "oob"}))).await;

    // Loopback: direct, whatever the environment says.
    challenge(Client::builder().base_url(target.base_url()).bearer_token(JWT).build().unwrap())
        .await
        .unwrap();
    assert_eq!((target.count(), proxy.count()), (1, 0));

    // Plain http to a host that is not loopback (0.0.0.0 reaches this machine's listeners):
    // still direct, so no environment proxy reads the token in clear text.
    let any_address = target.base_url().replace("127.0.0.1", "0.0.0.0");
    let insecure = Client::builder().base_url(any_address).allow_insecure_http(true).bearer_token(JWT);
    challenge(insecure.build().unwrap()).await.unwrap();
    assert_eq!((target.count(), proxy.count()), (2, 0));

    // https off loopback: tunnelled through the environment's proxy, which sees no credentials.
    let remote = Client::builder()
        .base_url("https://api.example.invalid/v1")
        .bearer_token(JWT)
        .connect_retries(0, Duration::ZERO);
    assert!(challenge(remote.build().unwrap()).await.is_err());
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with("CONNECT api.example.invalid:443 "), "{}", heads[0]);
    assert!(
        !heads[0].contains(JWT) && !heads[0].to_ascii_lowercase().contains("authorization"),
        "{}",
        heads[0]
    );

    // A proxy set on the builder is the user's explicit choice, plain http included.
    let explicit = Client::builder()
        .base_url("http://api.example.invalid/v1")
        .allow_insecure_http(true)
        .proxy(proxy_url.as_str())
        .bearer_token(JWT);
    assert!(challenge(explicit.build().unwrap()).await.is_err());
    let heads = proxy.heads();
    assert_eq!(heads.len(), 2);
    assert!(
        heads[1].starts_with("POST http://api.example.invalid/v1/accounts/P1/auth/mfa/challenge "),
        "{}",
        heads[1]
    );

    // ... but never for loopback targets.
    let explicit_loopback =
        Client::builder().base_url(target.base_url()).proxy(proxy_url.as_str()).build().unwrap();
    challenge(explicit_loopback).await.unwrap();
    assert_eq!((target.count(), proxy.count()), (3, 2));
}
