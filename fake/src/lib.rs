//! A stateful fake of Dintero's Auth MFA endpoints, for testing applications offline — what
//! stripe-mock is for Stripe. It is a real HTTP/1.1 server on loopback that logs users in,
//! sends (to an inspectable outbox) binding codes by "SMS" and "e-mail", checks them, and
//! fails the way the real service does: expired and reused tokens, wrong codes, rate limits,
//! invalid bodies. Faults (a proxy's 502, a stall, a dropped connection) can be scripted.
//!
//! # Endpoints
//! All under `/v1`, JSON in and out, `{aid}` one percent-decoded path segment:
//! - `POST /v1/accounts/{aid}/auth/token`, grants `password` (`username`, `password`,
//!   `audience`), `mfa_oob` (`oob_code`, `binding_code`, `mfa_token`) and
//!   `client_credentials` (`audience`). A user with MFA gets 403 `mfa_required` with
//!   `error.mfa_token`; one without gets
//!   `{access_token, token_type: "Bearer", expires_in, refresh_token?}`. The
//!   `client_credentials` grant needs `Authorization: Basic base64(client_id:client_secret)`
//!   of a configured [`ApiClient`] (default: [`DEFAULT_CLIENT_ID`] / [`DEFAULT_CLIENT_SECRET`])
//!   — else 401 `invalid_client` — and an `audience` that client is allowed (else 403
//!   `invalid_audience`); it answers `{access_token, token_type: "Bearer", expires_in}`.
//!   The other grants check no `Authorization`. `expires_in` is
//!   [`ConfigBuilder::access_token_ttl`]; every request here counts in
//!   [`FakeServer::endpoint_count`]`(Endpoint::Token)`.
//! - `POST /v1/accounts/{aid}/auth/mfa/challenge` (`challenge_type: "oob"`,
//!   `oob_channel: "sms" | "email"` defaulting to `sms`, `mfa_token`) →
//!   `{challenge_type, binding_method: "prompt", oob_code}`; a six-digit binding code goes to
//!   the user's [`outbox`](FakeServer::outbox).
//! - `POST /v1/accounts/{aid}/auth/mfa/recovery` (`challenge_type`, `oob_channel`,
//!   `username`, `audience`) → `{challenge_type, binding_method, oob_code, mfa_token}`, and
//!   a binding code over that channel. Answering it with `mfa_oob` gives 403 `mfa_required`
//!   with a new `mfa_token` that only allows a challenge over the *other* channel; answering
//!   that one gives the access token.
//!
//! The two MFA endpoints need `Authorization: Bearer <token>`: by default any non-empty
//! token; see [`ConfigBuilder::accept_bearer_tokens`], and
//! [`ConfigBuilder::accept_issued_tokens_only`] for only the access tokens this fake issued
//! (until they expire on its clock).
//!
//! # Errors
//! Bodies are Dintero's: `{"error":{"code","message","errors"?,"mfa_token"?}}`. Every code
//! and its status is in [`codes`]. Validation failures are 400 `invalid_request` whose
//! `errors` lists every problem as `{"field","message"}` (no `field` for problems with the
//! body as a whole). `mfa_token`s and `oob_code`s are single-use and expire (5 minutes by
//! default; see [`ConfigBuilder`]); time can be moved with [`FakeServer::advance_time`].
//! More than 5 challenges per user per minute (configurable) get 429 with `Retry-After`.
//!
//! # Limits
//! A standalone fake may run for days against anything, so what it reads and keeps is
//! capped (figures for a 64-bit target):
//! - A request head (request line and headers) over [`MAX_REQUEST_HEAD_BYTES`] (16 KiB)
//!   gets 431 and the connection is closed; a body over
//!   [`ConfigBuilder::max_body_bytes`] (64 KiB by default) gets 413.
//! - The request log keeps the last [`MAX_LOGGED_REQUESTS`] (10,000) records, each with at
//!   most [`MAX_LOGGED_METHOD_BYTES`] (32) bytes of method and [`MAX_LOGGED_PATH_BYTES`]
//!   (256) of path, longer ones cut and marked [`RequestRecord::truncated`]: at most 344
//!   bytes a record and under 4 MB for the whole log, whatever clients send.
//! - Each outbox keeps the last [`MAX_OUTBOX_LEN`] (1,000) deliveries per user and channel.
//! - An `mfa_token`, `oob_code` or access token is forgotten an hour after it expires (until
//!   then, using it answers as expired). At most [`MAX_REMEMBERED_CODES`] (50,000) of each are kept;
//!   issuing one more forgets the one expiring soonest, which then answers as unknown.
//!   Issuing one costs O(log n), whatever the number kept.
//! - A user's rate-limit history holds at most the configured number of challenges.
//!
//! # Default data
//! Accounts [`TEST_ACCOUNT`] (`T00000000`) and [`PRODUCTION_ACCOUNT`] (`P00000000`), each
//! with [`MFA_USERNAME`] / [`MFA_PASSWORD`] (MFA over SMS and e-mail) and
//! [`PLAIN_USERNAME`] / [`PLAIN_PASSWORD`] (no MFA); and one API client,
//! [`DEFAULT_CLIENT_ID`] / [`DEFAULT_CLIENT_SECRET`], allowed both accounts' audiences
//! ([`account_audience`]).
//!
//! # Example
//! ```
//! use dintero_auth_fake::{Channel, Config, FakeDintero, MFA_PASSWORD, MFA_USERNAME};
//! use serde_json::{json, Value};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = FakeDintero::start(Config::default()).await?;
//! let base = server.base_url(); // http://127.0.0.1:PORT/v1
//! // No proxy: the fake is on loopback, where a proxy from the environment has no business.
//! let http = reqwest::Client::builder().no_proxy().build()?;
//!
//! // 1. The password is right, but the user has MFA: 403 mfa_required.
//! let login = http
//!     .post(format!("{base}/accounts/T00000000/auth/token"))
//!     .json(&json!({"grant_type": "password", "username": MFA_USERNAME,
//!                   "password": MFA_PASSWORD, "audience": "https://api.dintero.com/v1/accounts/T00000000"}))
//!     .send().await?;
//! assert_eq!(login.status(), 403);
//! let login: Value = login.json().await?;
//! let mfa_token = login["error"]["mfa_token"].as_str().unwrap_or_default().to_owned();
//!
//! // 2. Ask for an SMS challenge.
//! let challenge: Value = http
//!     .post(format!("{base}/accounts/T00000000/auth/mfa/challenge"))
//!     .bearer_auth("any-jwt")
//!     .json(&json!({"challenge_type": "oob", "oob_channel": "sms", "mfa_token": mfa_token}))
//!     .send().await?.json().await?;
//!
//! // 3. Read the "SMS" and answer it.
//! let code = server.last_binding_code("T00000000", MFA_USERNAME, Channel::Sms).unwrap_or_default();
//! let token: Value = http
//!     .post(format!("{base}/accounts/T00000000/auth/token"))
//!     .json(&json!({"grant_type": "mfa_oob", "oob_code": challenge["oob_code"],
//!                   "binding_code": code, "mfa_token": mfa_token}))
//!     .send().await?.json().await?;
//! assert_eq!(token["token_type"], "Bearer");
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Standalone
//! [`serve`] runs a fake until the process ends; the `serve` example wraps it:
//! `cargo run -p dintero-auth-fake --example serve -- 127.0.0.1:8080`.

mod clock;
pub mod codes;
mod config;
mod errors;
mod expiring;
mod faults;
mod handlers;
mod http;
mod ids;
mod inspect;
mod limits;
mod route;
mod server;
mod state;
mod validate;

pub use config::{
    account_audience, Account, ApiClient, BearerPolicy, Channel, Config, ConfigBuilder, ConfigError, User,
    DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_MAX_BINDING_ATTEMPTS,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MFA_TOKEN_TTL, DEFAULT_OOB_CODE_TTL, DEFAULT_RATE_LIMIT_MAX,
    DEFAULT_RATE_LIMIT_WINDOW, MFA_PASSWORD, MFA_USERNAME, PLAIN_PASSWORD, PLAIN_USERNAME,
    PRODUCTION_ACCOUNT, TEST_ACCOUNT,
};
pub use faults::{EndpointFaults, FaultResponse, Faults};
pub use inspect::{Delivered, RequestRecord};
pub use limits::{
    MAX_LOGGED_METHOD_BYTES, MAX_LOGGED_PATH_BYTES, MAX_LOGGED_REQUESTS, MAX_OUTBOX_LEN,
    MAX_REMEMBERED_CODES, MAX_REQUEST_HEAD_BYTES,
};
pub use route::Endpoint;
pub use server::{serve, FakeDintero, FakeServer};
