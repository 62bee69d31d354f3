//! Dintero's Auth API endpoints, each group declared with `#[api]` like any user's API.

mod challenge;

pub use challenge::{ChallengeApi, ChallengeApiClient};

use crate::Client;

impl Client {
    /// The MFA challenge and recovery endpoints (the C# client's `ChallengeApi`).
    pub fn challenge_api(&self) -> ChallengeApiClient {
        ChallengeApiClient::new(self.clone())
    }
}
