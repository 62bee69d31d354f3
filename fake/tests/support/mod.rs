//! A raw HTTP client for the fake: tests speak the wire format themselves, so they check the
//! fake, not a client library's idea of it.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use dintero_auth_fake::{Channel, Config, FakeDintero, FakeServer, MFA_PASSWORD, MFA_USERNAME, TEST_ACCOUNT};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

pub const AUDIENCE: &str = "https://api.dintero.com/v1/accounts/T00000000";
pub const JWT: &str = "test-jwt";

/// A started fake and a client for it.
pub struct Fake {
    pub server: FakeServer,
    pub http: reqwest::Client,
}

/// One answer: status, headers, and the body as JSON (`Value::Null` if it was not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    /// `error.code`, or "" when there is none.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }

    /// A string field of a success body, or of `error` (for `mfa_token`).
    pub fn field(&self, name: &str) -> String {
        let value = self.json.get(name).or_else(|| self.json["error"].get(name));
        value
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no string `{name}` in {:#}", self.json))
            .to_owned()
    }

    /// Asserts the status and `error.code`.
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.code()), (status, code), "unexpected answer: {self:#?}");
        assert!(self.json["error"]["message"].is_string(), "an error has a message: {self:#?}");
    }
}

impl Fake {
    pub async fn start() -> Fake {
        Fake::with(Config::default()).await
    }

    pub async fn with(config: Config) -> Fake {
        let server = FakeDintero::start(config).await.expect("the fake starts");
        assert!(server.base_url().starts_with("http://127.0.0.1:"), "{}", server.base_url());
        // No proxy: every test talks only to 127.0.0.1.
        let http = reqwest::Client::builder().no_proxy().build().expect("a client");
        Fake { server, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// POSTs raw bytes with optional bearer and content type.
    pub async fn post_raw(&self, path: &str, bearer: Option<&str>, body: impl Into<reqwest::Body>) -> Answer {
        let mut request =
            self.http.post(self.url(path)).header("content-type", "application/json").body(body);
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        answer(request.send().await.expect("the fake answers")).await
    }

    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> Answer {
        self.post_raw(path, bearer, body.to_string()).await
    }

    pub async fn password(&self, aid: &str, username: &str, password: &str) -> Answer {
        let body = json!({"grant_type": "password", "username": username, "password": password, "audience": AUDIENCE});
        self.post(&format!("/accounts/{aid}/auth/token"), None, body).await
    }

    pub async fn mfa_oob(&self, aid: &str, oob_code: &str, binding_code: &str, mfa_token: &str) -> Answer {
        let body = json!({"grant_type": "mfa_oob", "oob_code": oob_code, "binding_code": binding_code, "mfa_token": mfa_token});
        self.post(&format!("/accounts/{aid}/auth/token"), None, body).await
    }

    pub async fn challenge(&self, aid: &str, mfa_token: &str, channel: Channel) -> Answer {
        let body = json!({"challenge_type": "oob", "oob_channel": channel.as_str(), "mfa_token": mfa_token});
        self.post(&format!("/accounts/{aid}/auth/mfa/challenge"), Some(JWT), body).await
    }

    pub async fn recovery(&self, aid: &str, username: &str, channel: Channel) -> Answer {
        let body = json!({"challenge_type": "oob", "oob_channel": channel.as_str(), "username": username, "audience": AUDIENCE});
        self.post(&format!("/accounts/{aid}/auth/mfa/recovery"), Some(JWT), body).await
    }

    /// Password grant for the default MFA user: asserts 403 `mfa_required`, returns the token.
    pub async fn mfa_token(&self) -> String {
        let login = self.password(TEST_ACCOUNT, MFA_USERNAME, MFA_PASSWORD).await;
        login.expect_error(403, "mfa_required");
        login.field("mfa_token")
    }

    /// The binding code last sent to the default MFA user over `channel`.
    pub fn code(&self, channel: Channel) -> String {
        self.server
            .last_binding_code(TEST_ACCOUNT, MFA_USERNAME, channel)
            .expect("a binding code was delivered")
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a readable body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, headers, text, json }
}

/// A binding code that is surely not `code`.
pub fn wrong(code: &str) -> String {
    code.chars().map(|c| if c == '9' { '0' } else { char::from(c as u8 + 1) }).collect()
}

/// Asserts a successful token answer with exactly the spec's fields.
pub fn assert_access_token(answer: &Answer) {
    assert_eq!(answer.status, 200, "expected an access token: {answer:#?}");
    assert!(answer.json["access_token"].as_str().is_some_and(|t| !t.is_empty()), "{answer:#?}");
    assert_eq!(answer.json["token_type"], "Bearer");
    assert!(answer.json["expires_in"].as_u64().is_some_and(|s| s > 0), "{answer:#?}");
}
