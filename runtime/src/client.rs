//! [`Client`]: the shared connection pool and settings behind every API client.

use std::fmt;
use std::sync::Arc;

use url::Url;

use crate::call::Call;
use crate::operation::Operation;
use crate::options::CallOptions;
use crate::path::{encode_path, join_path, Segment, Target};
use crate::shared::Shared;

/// The runtime client: one connection pool, the base URL (parsed once) and the credentials.
///
/// Cheap to clone (two reference counts); clones share the pool. Every API client, generated
/// by `#[api]` or provided here, wraps one.
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) options: Option<Arc<CallOptions>>,
}

impl Client {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared, options: None }
    }

    /// The base URL every endpoint path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.shared.base
    }

    /// The HTTP implementation underneath ([`ClientBuilder::transport`](crate::ClientBuilder::transport)).
    pub fn transport(&self) -> crate::Transport {
        #[cfg(feature = "hyper-transport")]
        if self.shared.hyper.is_some() {
            return crate::Transport::Hyper;
        }
        crate::Transport::Reqwest
    }

    /// A handle whose calls use `options` (timeout, extra headers, another bearer token). It
    /// shares this client's pool; the options replace any set before.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self { shared: Arc::clone(&self.shared), options: Some(Arc::new(options)) }
    }

    /// Starts a call of `operation`: the URL is the base URL plus `path`, each parameter value
    /// percent-encoded as exactly one segment. Used by generated code.
    #[doc(hidden)]
    pub fn call(&self, operation: &'static Operation, path: &[Segment<'_>]) -> Call<'_> {
        let shared = &*self.shared;
        let target = if shared.origin_form_targets() {
            encode_path(&shared.base, path).map(Target::Origin)
        } else {
            join_path(&shared.base, path).map(Target::Url)
        };
        Call::new(shared, self.options.as_deref(), operation, target)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base.as_str())
            .field("bearer_token", &self.shared.auth.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.shared.timeout)
            .field("connect_timeout", &self.shared.connect_timeout)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .field("options", &self.options)
            .finish()
    }
}
