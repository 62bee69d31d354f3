//! The blocking client against the fake Dintero server: both MFA flows step by step through the
//! blocking endpoint methods, called from outside any tokio runtime and from inside both kinds;
//! errors and middleware are the async path's; dropping the client inside a runtime is harmless.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use dintero_auth::flows::{MfaFlow, Step};
use dintero_auth::middleware::{BoxFuture, Middleware, Next, Request, Response};
use dintero_auth::models::{AccessToken, AuthChallenge, AuthRecovery, OobChannel, TokenRequest};
use dintero_auth::prelude::*;
use dintero_auth::{blocking, Error, ErrorKind, Operation, Secret};
use dintero_auth_fake::{Channel, Config, FakeDintero, FakeServer, MFA_PASSWORD, MFA_USERNAME, TEST_ACCOUNT};

const AUDIENCE: &str = "https://api.dintero.com/v1/accounts/T00000000";

/// The fake server, on a runtime of its own that the test thread never enters.
struct Fake {
    server: FakeServer,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Fake {
    fn start() -> Self {
        // Started from a thread of its own: the test may be inside a runtime already.
        std::thread::spawn(|| {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
            let server = runtime.block_on(FakeDintero::start(Config::default())).expect("fake server starts");
            Self { server, runtime: Some(runtime) }
        })
        .join()
        .unwrap()
    }

    fn client(&self) -> blocking::Client {
        self.builder().build_blocking().unwrap()
    }

    fn builder(&self) -> dintero_auth::ClientBuilder {
        dintero_auth::builder().base_url(self.server.base_url()).bearer_token("jwt")
    }

    fn code(&self, channel: Channel) -> Secret {
        let code = self.server.last_binding_code(TEST_ACCOUNT, MFA_USERNAME, channel);
        code.expect("a binding code was delivered").into()
    }

    fn outbox(&self, channel: Channel) -> usize {
        self.server.outbox(TEST_ACCOUNT, MFA_USERNAME, channel).len()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The password grant: a user with MFA gets `mfa_required` and its token.
fn mfa_token(client: &blocking::Client) -> Secret {
    let request = TokenRequest::password(MFA_USERNAME, MFA_PASSWORD, AUDIENCE);
    let error = client.token_api().aid_auth_token_post(TEST_ACCOUNT, &request).unwrap_err();
    assert!(error.is_mfa_required(), "{error}");
    error.mfa_token().expect("mfa_required carries a token").clone()
}

/// Login: password, SMS challenge, `mfa_oob` grant with the code.
fn login(fake: &Fake, client: &blocking::Client) -> AccessToken {
    let mfa_token = mfa_token(client);
    let challenge = AuthChallenge::oob_sms(mfa_token.clone());
    let sent = client.challenge_api().aid_auth_mfa_challenge_post(TEST_ACCOUNT, &challenge).unwrap();
    let oob_code = sent.oob_code.expect("an oob_code");
    let grant = TokenRequest::mfa_oob(oob_code, fake.code(Channel::Sms), mfa_token);
    client.token_api().aid_auth_token_post(TEST_ACCOUNT, &grant).unwrap()
}

#[test]
fn login_with_mfa_outside_any_runtime() {
    let fake = Fake::start();
    let client = fake.client();
    let token = login(&fake, &client);
    assert_eq!(token.token_type, "Bearer");
    assert!(!token.access_token.expose().is_empty());
    assert_eq!((fake.server.request_count(), fake.outbox(Channel::Sms)), (3, 1));
}

#[test]
fn recovery_over_two_channels_outside_any_runtime() {
    let fake = Fake::start();
    let client = fake.client();
    let challenge = client.challenge_api();
    let recovery = AuthRecovery::oob(OobChannel::Email, MFA_USERNAME, AUDIENCE);
    let first = challenge.aid_auth_mfa_recovery_post_with_http_info(TEST_ACCOUNT, &recovery).unwrap();
    assert_eq!(first.status, 200);
    let (oob_code, mfa_token) = (first.data.oob_code.unwrap(), first.data.mfa_token.unwrap());
    let grant = TokenRequest::mfa_oob(oob_code, fake.code(Channel::Email), mfa_token);
    // The first factor is not enough: Dintero asks for the other channel.
    let error = client.token_api().aid_auth_token_post(TEST_ACCOUNT, &grant).unwrap_err();
    let second_token = error.mfa_token().expect("mfa_required after the first factor").clone();
    let sent =
        challenge.aid_auth_mfa_challenge_post(TEST_ACCOUNT, &AuthChallenge::oob_sms(second_token.clone()));
    let grant = TokenRequest::mfa_oob(sent.unwrap().oob_code.unwrap(), fake.code(Channel::Sms), second_token);
    let token = client.token_api().aid_auth_token_post(TEST_ACCOUNT, &grant).unwrap();
    assert!(!token.access_token.expose().is_empty());
    assert_eq!((fake.outbox(Channel::Email), fake.outbox(Channel::Sms)), (1, 1));
}

#[test]
fn the_async_flows_run_through_block_on() {
    let fake = Fake::start();
    let client = fake.client();
    let flow = MfaFlow::new(client.client(), TEST_ACCOUNT);
    let token = client.block_on(async {
        let Step::MfaRequired(mfa) = flow.login(MFA_USERNAME, MFA_PASSWORD, AUDIENCE).await.unwrap() else {
            panic!("the MFA user must need a second factor");
        };
        let sent = mfa.challenge(OobChannel::Email).await.unwrap();
        sent.verify(fake.code(Channel::Email)).await.unwrap().into_token().unwrap()
    });
    assert!(!token.access_token.expose().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_current_thread_runtime() {
    let fake = Fake::start();
    let client = fake.client();
    assert!(!login(&fake, &client).access_token.expose().is_empty());
    drop(client); // inside the runtime: must not panic
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_runtime_and_spawn_blocking() {
    let fake = Arc::new(Fake::start());
    let client = fake.client();
    assert!(!login(&fake, &client).access_token.expose().is_empty());
    let (fake2, client2) = (Arc::clone(&fake), client.clone());
    let token = tokio::task::spawn_blocking(move || login(&fake2, &client2)).await.unwrap();
    assert!(!token.access_token.expose().is_empty());
    drop(client);
}

#[test]
fn errors_are_the_async_clients() {
    let fake = Fake::start();
    let client = fake.client();
    // Refused before sending, as in async.
    let error =
        client.challenge_api().aid_auth_mfa_challenge_post("..", &AuthChallenge::oob_sms("t")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    // A 4xx with Dintero's body, typed.
    let bad = AuthChallenge::oob_sms("not-a-real-token");
    let error: Error = client.challenge_api().aid_auth_mfa_challenge_post(TEST_ACCOUNT, &bad).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert!(error.code().is_some(), "{error}");
    // Nothing listening: a connect error, nothing sent.
    let dead = dintero_auth::builder().base_url("http://127.0.0.1:9").build_blocking().unwrap();
    let error = dead.challenge_api().aid_auth_mfa_challenge_post(TEST_ACCOUNT, &bad).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert!(!error.may_have_been_delivered());
}

/// Counts the calls it sees.
struct Count(Arc<AtomicUsize>);

impl Middleware for Count {
    fn handle<'a>(
        &'a self,
        _: &'static Operation,
        request: Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Response, dintero_auth::middleware::Error>> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Box::pin(next.run(request))
    }
}

#[test]
fn middleware_and_options_apply_to_blocking_calls() {
    let fake = Fake::start();
    let seen = Arc::new(AtomicUsize::new(0));
    let client = fake.builder().middleware(Count(Arc::clone(&seen))).build_blocking().unwrap();
    mfa_token(&client);
    assert_eq!(seen.load(Ordering::Relaxed), 1);
    // Per-call options: a bearer token with a newline is refused before anything is sent.
    let options = dintero_auth::CallOptions::new().bearer_token("a\nb");
    let request = TokenRequest::password(MFA_USERNAME, MFA_PASSWORD, AUDIENCE);
    let error =
        client.with_options(options).token_api().aid_auth_token_post(TEST_ACCOUNT, &request).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(fake.server.request_count(), 1);
}

#[dintero_auth::api]
pub trait Downloads {
    #[get("/pattern/{size}")]
    async fn download(&self, size: u64) -> Result<dintero_auth::ByteStream, Error>;
}

#[test]
fn a_streamed_answer_of_a_blocking_call_is_read_with_block_on() {
    let (base_url, runtime) = std::thread::spawn(|| {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(dintero_auth_tests::streaming::StreamServer::start());
        (server.base_url(), runtime)
    })
    .join()
    .unwrap();
    let client = dintero_auth::Client::builder().base_url(base_url).build_blocking().unwrap();
    let mut stream = BlockingDownloadsClient::new(client.clone()).download(300_000).unwrap();
    let mut bytes = 0;
    while let Some(chunk) = client.block_on(stream.next_chunk()) {
        bytes += chunk.unwrap().len();
    }
    assert_eq!(bytes, 300_000);
    runtime.shutdown_background();
}
