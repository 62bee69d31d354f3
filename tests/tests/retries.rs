//! Retries that know what is safe, and tokens that refresh once, with exact server-side counts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dintero_auth::middleware::{BoxFuture, Error as RuntimeError};
use dintero_auth::models::AuthChallenge;
use dintero_auth::{ChallengeApi, Client, DinteroApis, Error, ErrorKind, RetryPolicy, Secret, TokenProvider};
use dintero_auth_tests::raw::{Action, RawServer};
use dintero_auth_tests::{Recorded, Reply, TestServer};
use serde_json::json;

#[dintero_auth::api]
pub trait Orders {
    #[get("/orders/{id}")]
    async fn get(&self, id: u32) -> Result<(), Error>;

    #[post("/orders", idempotent)]
    async fn replace_all(&self) -> Result<(), Error>;

    #[post("/orders/{id}/pay")]
    async fn pay(&self, id: u32, #[idempotency_key] key: &str) -> Result<(), Error>;

    #[post("/orders/{id}/ship")]
    async fn ship(&self, id: u32) -> Result<(), Error>;
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().attempts(3).backoff(Duration::from_millis(5), Duration::from_millis(20))
}

fn orders(server: &TestServer, policy: RetryPolicy) -> OrdersClient {
    OrdersClient::new(Client::builder().base_url(server.base_url()).retry(policy).build().unwrap())
}

/// Answers 503 (`Retry-After: 0`) to the first `failures` requests, then 204.
async fn flaky(failures: usize) -> TestServer {
    let seen = AtomicUsize::new(0);
    TestServer::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < failures {
            Reply::new(503, "busy").header("retry-after", "0")
        } else {
            Reply::new(204, "")
        }
    })
    .await
}

#[tokio::test]
async fn a_get_is_retried_after_503_with_retry_after() {
    let server = flaky(2).await;
    orders(&server, fast_retries()).get(7).await.unwrap();
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_plain_post_is_never_re_sent() {
    let server = flaky(5).await;
    let err = orders(&server, fast_retries()).ship(7).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1);

    let reset = RawServer::always(Action::Reset).await;
    let api = OrdersClient::new(
        Client::builder().base_url(reset.base_url()).retry(fast_retries()).build().unwrap(),
    );
    let err = api.ship(7).await.unwrap_err();
    assert!(err.kind() == ErrorKind::Transport && err.may_have_been_delivered(), "{err}");
    assert_eq!(reset.count(), 1, "a reset after writing: the POST may have been processed");
}

#[tokio::test]
async fn the_mfa_challenge_is_never_re_sent_once_it_may_have_been_delivered() {
    let server = flaky(5).await;
    let client = Client::builder().base_url(server.base_url()).retry(fast_retries()).build().unwrap();
    let err = client.challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await;
    assert_eq!(err.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn idempotent_and_keyed_posts_are_retried_with_the_same_key() {
    let server = flaky(1).await;
    orders(&server, fast_retries()).replace_all().await.unwrap();
    assert_eq!(server.count(), 2);

    let server = flaky(2).await;
    orders(&server, fast_retries()).pay(7, "key-123").await.unwrap();
    let keys: Vec<Option<String>> =
        server.requests().iter().map(|r: &Recorded| r.header("idempotency-key").map(str::to_owned)).collect();
    assert_eq!(keys, vec![Some("key-123".to_owned()); 3]);
}

#[tokio::test]
async fn an_empty_idempotency_key_is_refused_before_sending() {
    let server = flaky(1).await;
    let err = orders(&server, fast_retries()).pay(7, "").await.unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert_eq!(err.to_string(), "invalid request: the idempotency key is empty; nothing was sent");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_is_returned_not_waited_for() {
    let server = TestServer::always(Reply::new(503, "").header("retry-after", "120")).await;
    let policy = fast_retries().budget(Duration::from_secs(1));
    let started = std::time::Instant::now();
    let err = orders(&server, policy).get(1).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(server.count(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn concurrent_calls_each_stay_within_the_policy() {
    let server = TestServer::always(Reply::new(503, "").header("retry-after", "0")).await;
    let api = orders(&server, fast_retries());
    let calls = (0..100).map(|id| {
        let api = api.clone();
        tokio::spawn(async move { api.get(id).await })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap_err().status().map(|s| s.as_u16()), Some(503));
    }
    assert_eq!(server.count(), 300, "3 attempts per call, never more");
}

/// Hands out `old` until asked to refresh, then `new`; counts both.
#[derive(Default)]
struct Rotating {
    refreshed: Mutex<bool>,
    asked: AtomicUsize,
    refreshes: AtomicUsize,
}

impl TokenProvider for Rotating {
    fn token(&self) -> BoxFuture<'_, Result<Secret, RuntimeError>> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let token = if *self.refreshed.lock().unwrap() { "new" } else { "old" };
        Box::pin(async move { Ok(Secret::new(token)) })
    }

    fn refresh<'a>(&'a self, _: &'a Secret) -> BoxFuture<'a, Result<Secret, RuntimeError>> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        *self.refreshed.lock().unwrap() = true;
        Box::pin(async { Ok(Secret::new("new")) })
    }
}

#[tokio::test]
async fn a_401_refreshes_once_and_re_sends_once() {
    let server = TestServer::start(|request| match request.header("authorization") {
        Some("Bearer new") => Reply::json(200, json!({"challenge_type": "oob"})),
        _ => Reply::new(401, ""),
    })
    .await;
    let provider = Arc::new(Rotating::default());
    let client =
        Client::builder().base_url(server.base_url()).token_provider(provider.clone()).build().unwrap();
    // Not idempotent, yet re-sent once: the 401 says the server did not process it.
    client.challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await.unwrap();
    assert_eq!(server.count(), 2);
    assert_eq!(provider.refreshes.load(Ordering::SeqCst), 1);

    let always = TestServer::always(Reply::new(401, "")).await;
    let client =
        Client::builder().base_url(always.base_url()).token_provider(Rotating::default()).build().unwrap();
    let err = client.challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await;
    assert_eq!(err.unwrap_err().status().map(|s| s.as_u16()), Some(401));
    assert_eq!(always.count(), 2, "one refresh, one re-send, never more");
}

#[tokio::test]
async fn an_error_after_an_attempt_that_may_have_been_delivered_says_so() {
    // The first attempt is written and then reset; the port is closed by then, so the re-sent
    // request's connect fails. The call may still have had its effect.
    let server = RawServer::start_closing_after(1, |_, _| Action::Reset).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .retry(fast_retries())
        .connect_retries(0, Duration::ZERO)
        .build()
        .unwrap();
    let err = OrdersClient::new(client).pay(7, "key-1").await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(err.kind(), ErrorKind::Connect, "{err}");
    assert!(err.may_have_been_delivered(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not connect to the server; nothing was sent this time, but an earlier attempt may have \
         been delivered"
    );
}

/// Hands out one token, then fails.
#[derive(Default)]
struct OneToken(AtomicUsize);

impl TokenProvider for OneToken {
    fn token(&self) -> BoxFuture<'_, Result<Secret, RuntimeError>> {
        let first = self.0.fetch_add(1, Ordering::SeqCst) == 0;
        Box::pin(async move {
            match first {
                true => Ok(Secret::new("t1")),
                false => Err(RuntimeError::credentials_failed("the token service is down", None)),
            }
        })
    }

    fn refresh<'a>(&'a self, _: &'a Secret) -> BoxFuture<'a, Result<Secret, RuntimeError>> {
        self.token()
    }
}

#[tokio::test]
async fn no_token_for_a_re_send_keeps_the_first_attempts_verdict() {
    let server = flaky(1).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .retry(fast_retries())
        .token_provider(OneToken::default())
        .build()
        .unwrap();
    let err = OrdersClient::new(client).get(7).await.unwrap_err();
    assert_eq!(server.count(), 1, "the 503 was answered: the request reached the server");
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
    assert!(err.may_have_been_delivered(), "{err:?}");
    assert!(err.to_string().ends_with("but an earlier attempt may have been delivered"), "{err}");
}
