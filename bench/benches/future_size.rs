//! The size of each endpoint's future: `std::mem::size_of_val` of the future one call returns,
//! before it is first polled, for every method of the generated `ChallengeApiClient` and
//! `TokenApiClient`, next to careful and naive hand-written reqwest and raw hyper (JSON out).
//!
//! A future is moved into its caller's state before it runs, so a larger one costs copying and
//! cache room on every call. Nothing is sent: the futures are dropped unpolled.
//!
//! ```text
//! future_size [--bench]
//! ```

use std::mem::size_of_val;

use dintero_auth::models::TokenRequest;
use dintero_auth::{ChallengeApi, DinteroApis, TokenApi};
use dintero_auth_bench::clients::{body, recovery_body, Careful, Naive, RawHyper, AID, JWT};
use dintero_auth_bench::server::Server;
use serde_json::json;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let sizes = runtime.block_on(async {
        let server = Server::start().await;
        let base = server.base_url();
        let client = dintero_auth::builder().base_url(&base).bearer_token(JWT).build().expect("valid settings");
        let (challenge, tokens) = (client.challenge_api(), client.token_api());
        let careful = Careful::new(&base);
        let naive = Naive::new(&base);
        let mut hyper = RawHyper::connect(&server).await;
        let (body, recovery) = (body(), recovery_body());
        let token = TokenRequest::password("user@example.com", "not-a-password", "P00000000");
        json!({
            "generated": {
                "aid_auth_mfa_challenge_post": size_of_val(&challenge.aid_auth_mfa_challenge_post(AID, &body)),
                "aid_auth_mfa_challenge_post_with_http_info":
                    size_of_val(&challenge.aid_auth_mfa_challenge_post_with_http_info(AID, &body)),
                "aid_auth_mfa_recovery_post": size_of_val(&challenge.aid_auth_mfa_recovery_post(AID, &recovery)),
                "aid_auth_mfa_recovery_post_with_http_info":
                    size_of_val(&challenge.aid_auth_mfa_recovery_post_with_http_info(AID, &recovery)),
                "aid_auth_token_post": size_of_val(&tokens.aid_auth_token_post(AID, &token)),
                "aid_auth_token_post_with_http_info":
                    size_of_val(&tokens.aid_auth_token_post_with_http_info(AID, &token)),
            },
            "careful": {
                "aid_auth_mfa_challenge_post": size_of_val(&careful.call(AID, &body)),
                "aid_auth_mfa_recovery_post": size_of_val(&careful.recovery(AID, &recovery)),
            },
            "naive": { "aid_auth_mfa_challenge_post": size_of_val(&naive.call(AID, &body)) },
            "hyper": { "aid_auth_mfa_challenge_post": size_of_val(&hyper.call(AID, &body)) },
        })
    });
    println!("{sizes:#}");
}
