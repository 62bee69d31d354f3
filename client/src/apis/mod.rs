//! Dintero's Auth API endpoints, each group declared with `#[api]` like any user's API.

mod challenge;
mod token;

pub use challenge::{ChallengeApi, ChallengeApiClient};
pub use token::{TokenApi, TokenApiClient};

use crate::Client;

/// Dintero's API groups on a runtime [`Client`]: `client.challenge_api()`, `client.token_api()`.
pub trait DinteroApis {
    /// The MFA challenge and recovery endpoints (the C# client's `ChallengeApi`).
    fn challenge_api(&self) -> ChallengeApiClient;
    /// The token endpoint (password and `mfa_oob` grants).
    fn token_api(&self) -> TokenApiClient;
}

impl DinteroApis for Client {
    fn challenge_api(&self) -> ChallengeApiClient {
        ChallengeApiClient::new(self.clone())
    }

    fn token_api(&self) -> TokenApiClient {
        TokenApiClient::new(self.clone())
    }
}
