//! Test support for the end-to-end tests: a real HTTP server on 127.0.0.1 that records every
//! request it receives and answers with scripted replies.

pub mod h2c;
pub mod logs;
pub mod raw;
pub mod server;
pub mod streaming;

pub use server::{Recorded, Reply, TestServer};

/// Secrets planted by tests; none of them may ever appear in `Debug` or `Display` output: a
/// JWT, an `mfa_token`, an `oob_code`, a binding code, an API client's secret and an access
/// token issued to it (the last two for `ClientCredentials`).
pub const SENTINELS: [&str; 6] = [
    "SENTINEL-JWT-7f3a",
    "SENTINEL-MFA-TOKEN-91c2",
    "SENTINEL-OOB-CODE-55e0",
    "SENTINEL-BINDING-04d8",
    "SENTINEL-CLIENT-SECRET-3e9b",
    "SENTINEL-ACCESS-TOKEN-c71d",
];

/// Panics naming the sentinel if `text` contains any of [`SENTINELS`].
pub fn assert_no_secrets(what: &str, text: &str) {
    for sentinel in SENTINELS {
        assert!(!text.contains(sentinel), "{what} leaks {sentinel}: {text}");
    }
}

/// `Display`, `Debug` and alternate `Debug` of an error and of every error in its `source()`
/// chain: everything a log line could ever show of it.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{err} | {err:?} | {err:#?}");
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(&format!(" | {s} | {s:?}"));
        source = s.source();
    }
    text
}

/// A client builder on the transport the run asks for: `TEST_TRANSPORT=hyper` runs a suite on the
/// hyper transport (`.ci/run` runs the fault, hostile-response and stream suites both ways);
/// anything else, or nothing, is the default (reqwest).
pub fn client_builder() -> dintero_auth::ClientBuilder {
    dintero_auth::Client::builder().transport(test_transport())
}

/// The transport [`client_builder`] uses.
pub fn test_transport() -> dintero_auth::Transport {
    match std::env::var("TEST_TRANSPORT").as_deref() {
        Ok("hyper") => dintero_auth::Transport::Hyper,
        _ => dintero_auth::Transport::Reqwest,
    }
}
