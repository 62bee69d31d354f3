//! Dintero's defaults for the runtime client.

use crate::ClientBuilder;

/// Dintero's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.dintero.com/v1";
/// Sent as `User-Agent` by a client made with [`builder`].
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A [`ClientBuilder`] for Dintero: base URL [`DEFAULT_BASE_URL`] and user agent
/// [`DEFAULT_USER_AGENT`]; every other setting is the runtime's default and can be changed.
///
/// ```
/// let client = dintero_auth::builder().bearer_token("jwt").build()?;
/// assert_eq!(client.base_url().as_str(), "https://api.dintero.com/v1");
/// # Ok::<(), dintero_auth::Error>(())
/// ```
pub fn builder() -> ClientBuilder {
    crate::Client::builder().base_url(DEFAULT_BASE_URL).user_agent(DEFAULT_USER_AGENT)
}
