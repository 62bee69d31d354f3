//! What tests read back from the fake: delivered binding codes and the request log.

use std::time::SystemTime;

use crate::route::Endpoint;

/// A binding code the fake "sent" by SMS or e-mail.
///
/// The codes are fake, so `Debug` shows them: that helps when a test fails.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivered {
    /// The six-digit code a person would read from the message.
    pub binding_code: String,
    /// The `oob_code` of the challenge the code answers (a real message would not show it;
    /// it is here so a test can match deliveries to challenges).
    pub oob_code: String,
    /// When it was sent, on the fake's clock (which [`advance_time`] moves).
    ///
    /// [`advance_time`]: crate::FakeServer::advance_time
    pub at: SystemTime,
}

/// One request as the fake answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// The HTTP method, e.g. `"POST"`.
    pub method: String,
    /// The path as sent (still percent-encoded), without the query.
    pub path: String,
    /// The endpoint the path names, `None` for unknown paths.
    pub endpoint: Option<Endpoint>,
    /// The status answered; `None` when a fault dropped the connection instead.
    pub status: Option<u16>,
}
