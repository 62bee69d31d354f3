//! A blocking client, for command-line tools, scripts and other synchronous code (the
//! `blocking` feature).
//!
//! With the feature on, `#[api]` also generates `Blocking<Name>Client` for each trait: the same
//! methods with the same parameter and return types, minus `async`. Each method runs the async
//! method's future to completion, so a blocking call goes through exactly the same request
//! assembly, middleware, retries and error handling as an async one.
//!
//! ```no_run
//! use http_api_client::{api, Error};
//! # #[derive(serde::Deserialize)] pub struct Invoice;
//!
//! #[api]
//! pub trait Billing {
//!     #[get("/invoices/{id}")]
//!     async fn invoice(&self, id: u64) -> Result<Invoice, Error>;
//! }
//!
//! let client = http_api_client::Client::builder().base_url("https://billing.example.com").build_blocking()?;
//! let billing = BlockingBillingClient::new(client);
//! let invoice = billing.invoice(42)?;
//! # Ok::<(), Error>(())
//! ```
//!
//! # Where it may be called
//! - **Outside any tokio runtime** (the usual case): the calling thread runs the call while the
//!   client's own runtime (one worker thread, started by `build_blocking`) drives its sockets.
//! - **Inside a tokio runtime** (from async code, or from `spawn_blocking`): calling
//!   `Runtime::block_on` there would panic, so the call runs on a short-lived thread of its own
//!   and the caller's thread waits for it. This works, but blocks one of that runtime's threads
//!   for the whole call: in async code, use the async client instead.
//!
//! Dropping the client never blocks and never panics, wherever it happens: its runtime is shut
//! down in the background.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::config::ClientBuilder;
use crate::error::Error;
use crate::options::CallOptions;

/// A runtime client whose calls block; see the [module documentation](self).
#[derive(Clone)]
pub struct Client {
    client: crate::Client,
    runtime: Arc<Runtime>,
}

impl Client {
    /// The async client the calls go through: for [`Client::block_on`], or to build a generated
    /// async client on the same connections.
    pub fn client(&self) -> &crate::Client {
        &self.client
    }

    /// The same client with `options` applied to every call made through it.
    #[must_use]
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self { client: self.client.with_options(options), runtime: Arc::clone(&self.runtime) }
    }

    /// Runs `future` to completion on this client's runtime and returns its output, from inside
    /// or outside a tokio runtime (see the [module documentation](self)). Generated blocking
    /// methods call this; it also runs any async code of a library built on the async client,
    /// such as a multi-step flow. A panic in `future` is resumed in the caller.
    ///
    /// # Panics
    /// Inside a tokio runtime, if the operating system refuses to start the call's thread.
    pub fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let runtime = self.runtime.get();
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(future);
        }
        std::thread::scope(|scope| {
            let call = std::thread::Builder::new()
                .name("http-api-client-blocking-call".into())
                .spawn_scoped(scope, || runtime.block_on(future));
            match call {
                Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // As `std::thread::spawn` does: there is no output to return without the thread.
                Err(e) => panic!("could not start a thread for a blocking call inside a tokio runtime: {e}"),
            }
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client").field("client", &self.client).finish_non_exhaustive()
    }
}

/// The client's runtime: one worker thread that drives connections, timers and DNS, so pooled
/// connections stay healthy between calls.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Runtime {
    fn get(&self) -> &tokio::runtime::Runtime {
        self.0.as_ref().expect("the runtime is only taken by Drop")
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // A plain drop waits for the runtime's tasks, which panics inside another runtime.
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl ClientBuilder {
    /// Builds a [blocking client](crate::blocking::Client) with these settings, and the runtime
    /// its calls run on. Fails like [`ClientBuilder::build`], or when the runtime's thread cannot
    /// be started.
    pub fn build_blocking(self) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("http-api-client-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::config("the blocking client's runtime could not be started").with_source(Box::new(e))
            })?;
        let client = self.build()?;
        Ok(Client { client, runtime: Arc::new(Runtime(Some(runtime))) })
    }
}
