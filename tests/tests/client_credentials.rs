//! `ClientCredentials` against the fake Dintero server on loopback: one token request for many
//! calls, a new one shortly before expiry, one for many concurrent callers, failures that name
//! the token endpoint's status and never the secret, and one refresh after a 401. Every count is
//! the fake's own.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dintero_auth::client_credentials::MAX_REFRESH_MARGIN;
use dintero_auth::flows::{MfaFlow, Step};
use dintero_auth::models::{AuthChallenge, OobChannel};
use dintero_auth::{ChallengeApi, Client, ClientCredentials, DinteroApis, ErrorKind, TokenProvider};
use dintero_auth_fake::{
    Channel, Config, ConfigBuilder, Endpoint, FakeDintero, FakeServer, DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET, MFA_PASSWORD, MFA_USERNAME, TEST_ACCOUNT,
};
use dintero_auth_tests::error_chain;

/// A clock that moves only when the test says so.
#[derive(Clone)]
struct ManualClock(Arc<Mutex<Instant>>);

impl ManualClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(Instant::now())))
    }

    fn now(&self) -> Instant {
        *self.0.lock().unwrap()
    }

    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

struct Setup {
    fake: FakeServer,
    clock: ManualClock,
    provider: Arc<ClientCredentials>,
    client: Client,
}

impl Setup {
    async fn start(config: ConfigBuilder) -> Self {
        Self::with_secret(config, DEFAULT_CLIENT_SECRET).await
    }

    async fn with_secret(config: ConfigBuilder, secret: &str) -> Self {
        let fake = FakeDintero::start(config.build().expect("config")).await.expect("the fake starts");
        let clock = ManualClock::new();
        let provider = ClientCredentials::builder(TEST_ACCOUNT, DEFAULT_CLIENT_ID, secret)
            .base_url(fake.base_url())
            .clock({
                let clock = clock.clone();
                move || clock.now()
            })
            .build()
            .expect("a provider");
        let provider = Arc::new(provider);
        let client =
            Client::builder().base_url(fake.base_url()).token_provider(provider.clone()).build().unwrap();
        Self { fake, clock, provider, client }
    }

    /// An MFA call that gets past authentication only with a token the server accepts: it then
    /// answers 403 `invalid_mfa_token` (the `mfa_token` is made up), and 401 otherwise.
    async fn call(&self) -> Result<u16, dintero_auth::Error> {
        let body = AuthChallenge::oob_sms("made-up");
        let error =
            self.client.challenge_api().aid_auth_mfa_challenge_post(TEST_ACCOUNT, &body).await.unwrap_err();
        if error.code() == Some("invalid_mfa_token") {
            Ok(403)
        } else {
            Err(error)
        }
    }

    fn token_requests(&self) -> usize {
        self.fake.endpoint_count(Endpoint::Token)
    }

    fn mfa_requests(&self) -> usize {
        self.fake.endpoint_count(Endpoint::Challenge)
    }
}

/// Only tokens the fake issued pass its MFA endpoints, so a passing call proves the provider's
/// token was sent.
fn issued_only(ttl_secs: u64) -> ConfigBuilder {
    Config::builder().accept_issued_tokens_only().access_token_ttl(Duration::from_secs(ttl_secs))
}

#[tokio::test]
async fn one_token_request_serves_many_calls() {
    let setup = Setup::start(issued_only(3600)).await;
    for _ in 0..10 {
        assert_eq!(setup.call().await.unwrap(), 403);
    }
    assert_eq!(setup.token_requests(), 1);
    assert_eq!(setup.mfa_requests(), 10);
}

#[tokio::test]
async fn a_token_is_replaced_shortly_before_it_expires() {
    // expires_in 3600 s: the margin is 60 s (less than 10 %), so the token serves 3540 s.
    let setup = Setup::start(issued_only(3600)).await;
    setup.call().await.unwrap();
    setup.clock.advance(Duration::from_secs(3539));
    setup.call().await.unwrap();
    assert_eq!(setup.token_requests(), 1, "still fresh 1 s before the margin");
    setup.clock.advance(Duration::from_secs(1));
    setup.call().await.unwrap();
    assert_eq!(setup.token_requests(), 2, "replaced at expires_in - 60 s");
    assert_eq!(MAX_REFRESH_MARGIN, Duration::from_secs(60));

    // expires_in 100 s: the margin is 10 s (10 %, less than 60 s), so the token serves 90 s.
    let setup = Setup::start(issued_only(100)).await;
    setup.call().await.unwrap();
    setup.clock.advance(Duration::from_secs(89));
    setup.call().await.unwrap();
    assert_eq!(setup.token_requests(), 1);
    setup.clock.advance(Duration::from_secs(1));
    setup.call().await.unwrap();
    assert_eq!(setup.token_requests(), 2);
    assert_eq!(setup.mfa_requests(), 3);
}

async fn hundred_concurrent_calls(setup: &Arc<Setup>) {
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let setup = Arc::clone(setup);
            tokio::spawn(async move { setup.call().await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 403);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_wait_for_one_token_request() {
    let setup = Arc::new(Setup::start(issued_only(3600)).await);
    // A slow token endpoint, so the callers pile up behind the first request.
    setup.fake.faults().on(Endpoint::Token).delay_next(Duration::from_millis(100));
    hundred_concurrent_calls(&setup).await;
    assert_eq!(setup.token_requests(), 1, "no token yet: one request for 100 callers");
    assert_eq!(setup.mfa_requests(), 100);

    setup.clock.advance(Duration::from_secs(3600));
    setup.fake.faults().on(Endpoint::Token).delay_next(Duration::from_millis(100));
    hundred_concurrent_calls(&setup).await;
    assert_eq!(setup.token_requests(), 2, "an expired token: one request for 100 callers");
    assert_eq!(setup.mfa_requests(), 200);
}

const SECRET: &str = "SENTINEL-CLIENT-SECRET-3e9b";

#[tokio::test]
async fn a_bad_secret_is_a_credentials_error_naming_the_status_never_the_secret() {
    let setup = Setup::with_secret(issued_only(3600), SECRET).await;
    let error = setup.call().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Credentials, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(!error.may_have_been_delivered());
    let shown = error.to_string();
    assert!(shown.contains("invalid_client") && shown.contains("401"), "{shown}");
    let everything = format!("{} {:?} {:?}", error_chain(&error), setup.provider, setup.client);
    assert!(!everything.contains(SECRET), "the secret leaks: {everything}");
    assert_eq!(setup.token_requests(), 1, "a 401 from the token endpoint is not retried");
    assert_eq!(setup.mfa_requests(), 0, "nothing was sent to the MFA endpoint");

    // The next call tries again, and fails the same way.
    let again = setup.call().await.unwrap_err();
    assert_eq!((again.kind(), again.status()), (error.kind(), error.status()));
    assert_eq!(setup.token_requests(), 2);
    assert_eq!(setup.mfa_requests(), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn callers_waiting_on_a_failed_request_share_its_failure() {
    // One thread: all 100 callers are polled (and queue for the token request) before any
    // answer can come back, whatever the machine's load.
    let setup = Arc::new(Setup::with_secret(issued_only(3600), SECRET).await);
    setup.fake.faults().on(Endpoint::Token).delay_next(Duration::from_millis(50));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let setup = Arc::clone(&setup);
            tokio::spawn(async move { setup.call().await })
        })
        .collect();
    for call in calls {
        let error = call.await.unwrap().unwrap_err();
        assert_eq!((error.kind(), error.status().map(|s| s.as_u16())), (ErrorKind::Credentials, Some(401)));
    }
    assert_eq!(setup.token_requests(), 1);
    assert_eq!(setup.mfa_requests(), 0);
}

#[tokio::test]
async fn a_401_from_the_mfa_endpoint_refreshes_once_and_re_sends_once() {
    let setup = Setup::start(issued_only(600)).await;
    setup.call().await.unwrap();
    assert_eq!((setup.token_requests(), setup.mfa_requests()), (1, 1));

    // The server's clock runs ahead: it refuses the token its client still holds as fresh.
    setup.fake.advance_time(Duration::from_secs(600));
    assert_eq!(setup.call().await.unwrap(), 403, "the re-sent call passed with the new token");
    assert_eq!(setup.token_requests(), 2, "one refresh");
    assert_eq!(setup.mfa_requests(), 3, "the refused call and one re-send");

    // A server that refuses every token: still one refresh and one re-send, then the 401.
    let refusing = Setup::start(Config::builder().accept_bearer_tokens(["not-any-issued-token"])).await;
    let error = refusing.call().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!((refusing.token_requests(), refusing.mfa_requests()), (2, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_for_the_same_token_refresh_it_once() {
    let setup = Arc::new(Setup::start(issued_only(600)).await);
    setup.call().await.unwrap();
    setup.fake.advance_time(Duration::from_secs(600));
    hundred_concurrent_calls(&setup).await;
    assert_eq!(setup.token_requests(), 2, "whoever refreshes second finds the rejected token replaced");
}

#[tokio::test]
async fn a_whole_login_with_the_provider() {
    let setup = Setup::start(issued_only(3600)).await;
    let flow = MfaFlow::new(&setup.client, TEST_ACCOUNT);
    let audience = format!("https://api.dintero.com/v1/accounts/{TEST_ACCOUNT}");
    let mfa = match flow.login(MFA_USERNAME, MFA_PASSWORD, &audience).await.unwrap() {
        Step::MfaRequired(mfa) => mfa,
        Step::Done(_) => panic!("the MFA user needs a second factor"),
    };
    let sent = mfa.challenge(OobChannel::Sms).await.unwrap();
    let code = setup.fake.last_binding_code(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).unwrap();
    let token = sent.verify(code).await.unwrap().into_token().unwrap();
    assert_eq!(token.token_type, "Bearer");
    // The client-credentials token, the password grant and the mfa_oob grant.
    assert_eq!(setup.token_requests(), 3);
    assert_eq!(setup.mfa_requests(), 1);
    // The provider is a TokenProvider like any other: its token is the one cached.
    let cached = setup.provider.token().await.unwrap();
    assert_ne!(cached, token.access_token);
    assert_eq!(setup.token_requests(), 3);
}
