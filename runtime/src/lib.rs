//! A runtime for HTTP API clients declared as Rust traits: annotate a trait with
//! [`#[api]`](macro@api) and get a concrete async client on reqwest, serde and tokio, for any
//! JSON HTTP API.
//!
//! ```no_run
//! use http_api_client::{api, ApiResponse, Client, Error};
//! # #[derive(serde::Deserialize)] pub struct Invoice;
//! # #[derive(serde::Deserialize)] pub struct Problem { pub title: String }
//!
//! #[api(error_body = Problem)]
//! pub trait Billing {
//!     #[get("/accounts/{aid}/invoices")]
//!     async fn invoices(&self, aid: &str, #[query] limit: Option<u32>) -> Result<Vec<Invoice>, Error<Problem>>;
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder().base_url("https://billing.example.com/v1").bearer_token("jwt").build()?;
//! let billing = BillingClient::new(client);
//! match billing.invoices("P00000000", Some(10)).await {
//!     Ok(invoices) => {}
//!     Err(e) if e.may_have_been_delivered() => {} // do not blindly resend a non-idempotent call
//!     Err(e) => eprintln!("{e}: {:?}", e.body().map(|p| &p.title)),
//! }
//! # Ok(()) }
//! ```
//!
//! The crate knows nothing of any one vendor: there is no default base URL (`build()` refuses
//! a client without one), the user agent is `http-api-client/<version>` unless set, and error
//! bodies are whatever type the API declares.

// Lets this crate's own doc examples and tests name it as its users do.
extern crate self as http_api_client;

#[cfg(feature = "blocking")]
pub mod blocking;
mod call;
mod client;
mod config;
mod connect_deadline;
mod credentials;
mod error;
mod exchange;
mod header_value;
#[cfg(feature = "hyper-transport")]
mod hyper_transport;
pub mod middleware;
mod multipart;
mod operation;
mod options;
mod params;
mod path;
mod proxy;
mod response;
pub mod retry;
mod retry_after;
mod returns;
mod secret;
mod shared;
mod stream;
mod transport;
mod wire;

/// The raw body type of `-> Result<Bytes, E>` endpoints (and of `#[body(bytes)]` parameters).
pub use bytes::Bytes;
pub use client::Client;
pub use config::{
    ClientBuilder, Transport, DEFAULT_CHUNK_TIMEOUT, DEFAULT_CONNECT_BACKOFF, DEFAULT_CONNECT_RETRIES,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, MAX_CONNECT_BACKOFF, MAX_CONNECT_RETRIES, MAX_TIMEOUT,
};
pub use credentials::TokenProvider;
pub use error::{Error, ErrorKind, Untyped, MAX_RETRY_AFTER};
/// The `http` crate's types used in this API (`StatusCode`, `HeaderMap`, `Method`).
pub use http;
/// Declares an HTTP API as a trait and generates its client; see the crate documentation for a
/// whole example and the README for every attribute.
///
/// ```
/// use http_api_client::{api, ApiResponse, Client, Error};
///
/// #[derive(serde::Serialize)]
/// pub struct Note { pub text: String }
///
/// #[api]
/// pub trait Notes {
///     /// Replaces an invoice's note.
///     #[put("/invoices/{invoice_id}/note")]
///     async fn put_note(&self, #[path("invoice_id")] id: u64, #[body] note: &Note,
///                       #[header("X-Request-Id")] request_id: Option<&str>) -> Result<ApiResponse<()>, Error>;
/// }
///
/// let notes = NotesClient::new(Client::builder().base_url("https://billing.example.com").build()?);
/// # let _ = notes;
/// # Ok::<(), Error>(())
/// ```
pub use http_api_client_macros::api;
pub use multipart::FilePart;
pub use operation::Operation;
pub use options::CallOptions;
pub use response::ApiResponse;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use stream::ByteStream;

/// Expands to the items it is given when the `blocking` feature is on, to nothing otherwise: how
/// `#[api]` output carries the blocking client without knowing the runtime's features.
#[cfg(feature = "blocking")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_blocking {
    ($($item:tt)*) => { $($item)* };
}

/// Without the `blocking` feature, the blocking client's items are left out.
#[cfg(not(feature = "blocking"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_blocking {
    ($($item:tt)*) => {};
}

/// Items generated code refers to. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::Call;
    pub use crate::error::Untyped;
    pub use crate::multipart::Multipart;
    pub use crate::operation::Operation;
    pub use crate::path::Segment;
    pub use crate::response::fuzz_response;
    pub use crate::returns::{
        Decode, Ignore, Info, Json, JsonBody, JsonWithInfo, Raw, RawVec, Returns, Streamed, Text,
    };
    pub use http::Method;
    pub use serde;

    pub use crate::__if_blocking as if_blocking;
    #[cfg(feature = "blocking")]
    pub use crate::blocking::Client as BlockingClient;
    pub use serde_json;

    /// Converts a call's error into the method's declared error type, reading its body as `B`.
    pub fn error_into<B, E: From<crate::Error<B>>>(error: crate::Error) -> E {
        E::from(error.with_body_type())
    }
}
