//! [`Shared`]: what `build()` validated once, shared by a client and its clones.

use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use url::Url;

use crate::credentials::TokenProvider;
use crate::middleware::Middleware;
use crate::retry::RetryPolicy;

/// What `build()` validated once, so calls do no re-parsing.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    /// The same transport with the connect-deadline layer, for attempts with less time left than
    /// a connect may take.
    pub(crate) http_connect_deadline: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) auth: Option<HeaderValue>,
    pub(crate) auth_prefix: String,
    pub(crate) timeout: Duration,
    pub(crate) chunk_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) connect_retries: u32,
    pub(crate) connect_backoff: Duration,
    /// Installed middleware, outermost first; empty costs nothing per call.
    pub(crate) middleware: Vec<Arc<dyn Middleware>>,
    /// Whether spans carry `url.full` (path and query values).
    pub(crate) record_url: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) token_provider: Option<Arc<dyn TokenProvider>>,
    /// The hyper transport, when chosen: it then carries every request instead of reqwest.
    #[cfg(feature = "hyper-transport")]
    pub(crate) hyper: Option<crate::hyper_transport::HyperTransport>,
}

impl Shared {
    /// Whether calls need only the origin-form target (path and query), not a whole `Url`: on the
    /// hyper transport, with no middleware (which is shown a `Url`) and no `url.full` in spans.
    #[inline]
    pub(crate) fn origin_form_targets(&self) -> bool {
        #[cfg(feature = "hyper-transport")]
        {
            self.hyper.is_some() && self.middleware.is_empty() && !self.record_url
        }
        #[cfg(not(feature = "hyper-transport"))]
        {
            false
        }
    }
}
