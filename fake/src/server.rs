//! Starting the fake (in-process or standalone) and the handle tests drive it through.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{Channel, Config};
use crate::faults::Faults;
use crate::http;
use crate::inspect::{Delivered, RequestRecord};
use crate::route::Endpoint;
use crate::state::State;

/// Starts fakes; see the [crate docs](crate) for an example.
#[derive(Debug, Clone, Copy)]
pub struct FakeDintero;

impl FakeDintero {
    /// Starts a fake on `127.0.0.1` at a free port, as a task on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(config: Config) -> io::Result<FakeServer> {
        FakeDintero::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a fake on `addr` (port 0: any free port), as a task on the current runtime.
    ///
    /// # Errors
    /// When `addr` cannot be bound.
    pub async fn start_on(addr: SocketAddr, config: Config) -> io::Result<FakeServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(config));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(http::run(listener, Arc::clone(&state), async move {
            // Either a send or the sender's drop means stop.
            let _ = stopped.await;
        }));
        Ok(FakeServer { addr, state, stop: Some(stop), task: Some(task) })
    }
}

/// Runs a fake on `addr` until the process ends: the entry point for a command-line fake.
///
/// ```no_run
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let addr = "127.0.0.1:8080".parse().expect("an address");
///     dintero_auth_fake::serve(addr, dintero_auth_fake::Config::default()).await
/// }
/// ```
///
/// # Errors
/// When `addr` cannot be bound; once serving, it does not return.
pub async fn serve(addr: SocketAddr, config: Config) -> io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    http::run(listener, Arc::new(State::new(config)), std::future::pending()).await;
    Ok(())
}

/// A running fake. Dropping it stops the server and closes its connections;
/// [`shutdown`](FakeServer::shutdown) does the same and waits until it is done.
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl FakeServer {
    /// `http://127.0.0.1:<port>/v1`: the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The fault queue: script failures, delays and dropped connections.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Moves the fake's clock forward: tokens and codes expire, rate-limit windows pass and
    /// the `Date` header moves, without sleeping. Delays from faults are real time.
    pub fn advance_time(&self, by: Duration) {
        self.state.clock.advance(by);
    }

    /// Every binding code sent to this user over this channel, oldest first (the last
    /// [`MAX_OUTBOX_LEN`](crate::MAX_OUTBOX_LEN), 1,000, are kept). Empty for an unknown
    /// account or user.
    pub fn outbox(&self, aid: &str, username: &str, channel: Channel) -> Vec<Delivered> {
        self.state.outbox(aid, username, channel)
    }

    /// The binding code most recently sent to this user over this channel.
    pub fn last_binding_code(&self, aid: &str, username: &str, channel: Channel) -> Option<String> {
        self.outbox(aid, username, channel).pop().map(|d| d.binding_code)
    }

    /// The requests answered so far, oldest first (the last
    /// [`MAX_LOGGED_REQUESTS`](crate::MAX_LOGGED_REQUESTS), 10,000, are kept; see the
    /// [crate docs](crate#limits) for what each keeps). A request whose head was too large
    /// to read is not among them.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.requests()
    }

    /// How many requests were answered (or dropped by a fault), unknown paths included.
    pub fn request_count(&self) -> usize {
        self.state.request_count()
    }

    /// How many requests reached `endpoint`'s path, whatever their outcome.
    pub fn endpoint_count(&self, endpoint: Endpoint) -> usize {
        self.state.endpoint_count(endpoint)
    }

    /// Stops the server, closes its connections, and waits until it has.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
