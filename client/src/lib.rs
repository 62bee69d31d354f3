//! Dintero's Auth API (MFA part) as a typed async client, declared with the `#[api]` macro of
//! the vendor-neutral [`http_api_client`] runtime, which this crate re-exports so a Dintero user
//! depends on this crate alone.
//!
//! ```no_run
//! use dintero_auth::prelude::*;
//! use dintero_auth::models::AuthChallenge;
//!
//! # async fn run(jwt: String, mfa_token: String) -> Result<(), dintero_auth::Error> {
//! let client = dintero_auth::builder().bearer_token(jwt).build()?;
//! let answer = client
//!     .challenge_api()
//!     .aid_auth_mfa_challenge_post("P00000000", &AuthChallenge::oob_sms(mfa_token))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! See the README for the operation mapping, the flows and the error model.

mod defaults;
mod error;

pub mod apis;
pub mod client_credentials;
pub mod flows;
pub mod models;

#[cfg(feature = "blocking")]
pub use apis::{BlockingChallengeApiClient, BlockingDinteroApis, BlockingTokenApiClient};
pub use apis::{ChallengeApi, ChallengeApiClient, DinteroApis, TokenApi, TokenApiClient};
pub use client_credentials::ClientCredentials;
pub use defaults::{builder, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use error::Error;
/// The blocking client (the `blocking` feature): build one with
/// `dintero_auth::builder().build_blocking()`.
#[cfg(feature = "blocking")]
pub use http_api_client::blocking;
pub use http_api_client::{
    api, http, middleware, retry, ApiResponse, ByteStream, Bytes, CallOptions, Client, ClientBuilder,
    ErrorKind, FilePart, Operation, RetryPolicy, Secret, TokenProvider, Transport, DEFAULT_CHUNK_TIMEOUT,
    DEFAULT_CONNECT_BACKOFF, DEFAULT_CONNECT_RETRIES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT, MAX_CONNECT_BACKOFF, MAX_CONNECT_RETRIES, MAX_RETRY_AFTER,
    MAX_TIMEOUT,
};

/// The traits a Dintero user calls methods through: `use dintero_auth::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "blocking")]
    pub use crate::apis::BlockingDinteroApis;
    pub use crate::apis::{ChallengeApi, DinteroApis, TokenApi};
}

/// Items generated code refers to. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use http_api_client::__private::*;

    /// Converts a call's error into the method's declared error type. Shadows the runtime's
    /// version for APIs declared through this crate, so their error types keep the contract
    /// `E: From<dintero_auth::Error>` (the body is read as Dintero's, whatever `error_body` says).
    pub fn error_into<B, E: From<crate::Error>>(error: http_api_client::Error) -> E {
        E::from(crate::Error::from(error))
    }

    /// Runs every response-handling path on arbitrary input for each answer model, for the
    /// fuzz targets. Must never panic.
    pub fn fuzz_dintero_response(status: u16, retry_after: &[u8], body: &[u8]) -> usize {
        use crate::models::{AccessToken, ChallengeResponse, ErrorBody, RecoveryResponse};
        fuzz_response::<ChallengeResponse, ErrorBody>(status, retry_after, body)
            + fuzz_response::<RecoveryResponse, ErrorBody>(status, retry_after, body)
            + fuzz_response::<AccessToken, ErrorBody>(status, retry_after, body)
    }
}

// Compiles the README's examples as doctests, so the documentation cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
