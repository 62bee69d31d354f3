//! Dintero's Auth API endpoints, each group declared with `#[api]` like any user's API.

mod challenge;
mod token;

pub use challenge::{ChallengeApi, ChallengeApiClient};
pub use token::{TokenApi, TokenApiClient};
#[cfg(feature = "blocking")]
pub use {challenge::BlockingChallengeApiClient, token::BlockingTokenApiClient};

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

/// Dintero's API groups on a [blocking client](crate::blocking::Client): the C# client's
/// synchronous methods (`AidAuthMfaChallengePost`), with the async ones' Rust names.
#[cfg(feature = "blocking")]
pub trait BlockingDinteroApis {
    /// The MFA challenge and recovery endpoints, blocking.
    fn challenge_api(&self) -> BlockingChallengeApiClient;
    /// The token endpoint, blocking.
    fn token_api(&self) -> BlockingTokenApiClient;
}

#[cfg(feature = "blocking")]
impl BlockingDinteroApis for crate::blocking::Client {
    fn challenge_api(&self) -> BlockingChallengeApiClient {
        BlockingChallengeApiClient::new(self.clone())
    }

    fn token_api(&self) -> BlockingTokenApiClient {
        BlockingTokenApiClient::new(self.clone())
    }
}
