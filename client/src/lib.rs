//! Dintero's Auth API (MFA part) as a typed async client, and the `#[api]` macro it is
//! declared with, so you can declare clients for your own HTTP APIs the same way.
//!
//! See the README for examples, the defaults, and the error model.

// Lets this crate use its own `#[api]` macro, whose output names `::dintero_auth`.
extern crate self as dintero_auth;

mod call;
mod client;
mod config;
mod connect_deadline;
mod display_text;
mod error;
mod header_value;
mod options;
mod params;
mod path;
mod proxy;
mod response;
mod retry_after;
mod secret;

pub mod apis;
pub mod flows;
pub mod models;

pub use apis::{ChallengeApi, ChallengeApiClient, TokenApi, TokenApiClient};
pub use client::Client;
pub use config::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_BACKOFF, DEFAULT_CONNECT_RETRIES,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, MAX_CONNECT_BACKOFF, MAX_CONNECT_RETRIES, MAX_TIMEOUT,
};
pub use dintero_auth_macros::api;
pub use error::{Error, ErrorKind, MAX_RETRY_AFTER};
/// The `http` crate's types used in this API (`StatusCode`, `HeaderMap`).
pub use http;
pub use options::CallOptions;
pub use response::ApiResponse;
pub use secret::Secret;

/// Items generated code refers to. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::Call;
    pub use crate::path::Segment;
    pub use http::Method;
    pub use serde;
    pub use serde_json;

    /// Runs every response-handling path on arbitrary input, for the fuzz targets: the error
    /// body parser, `Retry-After`, and decoding into each answer model. Must never panic.
    pub fn fuzz_response(status: u16, retry_after: &[u8], body: &[u8]) -> usize {
        crate::response::fuzz_response(status, retry_after, body)
    }
}

// Compiles the README's examples as doctests, so the documentation cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
