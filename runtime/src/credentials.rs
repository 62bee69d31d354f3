//! [`TokenProvider`]: credentials that the client asks for on every call, and that refresh
//! themselves.

use crate::error::Error;
use crate::middleware::BoxFuture;
use crate::secret::Secret;

/// Where a client gets its bearer token when it is not a fixed one: asked before every attempt
/// (so a retry gets a fresh token), it caches and refreshes by itself. After a `401` on a call made
/// with its token, the client calls [`TokenProvider::refresh`] once and re-sends once: the server
/// rejected the request unprocessed, so that is safe for any method. Never more than once per call.
///
/// Install with [`ClientBuilder::token_provider`](crate::ClientBuilder::token_provider). A failure
/// to get a token is an error of kind [`Credentials`](crate::ErrorKind::Credentials): nothing was
/// sent. Implementations must never put the secret in their errors or logs.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token for the next request: the cached one while it is valid.
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>>;

    /// `rejected` was refused with a 401: a token other than it (refreshing if `rejected` is still
    /// the cached one; another caller may have refreshed already).
    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<Secret, Error>>;
}

/// A shared provider: keep an `Arc` to inspect it while a client uses it.
impl<P: TokenProvider> TokenProvider for std::sync::Arc<P> {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        (**self).token()
    }

    fn refresh<'a>(&'a self, rejected: &'a Secret) -> BoxFuture<'a, Result<Secret, Error>> {
        (**self).refresh(rejected)
    }
}
