//! Dintero's Auth API endpoints, each group declared with `#[api]` like any user's API.

mod challenge;
mod token;

pub use challenge::{ChallengeApi, ChallengeApiClient};
pub use token::{TokenApi, TokenApiClient};

use crate::Client;

impl Client {
    /// The MFA challenge and recovery endpoints (the C# client's `ChallengeApi`).
    pub fn challenge_api(&self) -> ChallengeApiClient {
        ChallengeApiClient::new(self.clone())
    }
}

impl Client {
    /// The token endpoint (password and `mfa_oob` grants).
    pub fn token_api(&self) -> TokenApiClient {
        TokenApiClient::new(self.clone())
    }
}
