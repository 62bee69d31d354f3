//! Headers as they reach the wire: a header declared on a method wins over the client's token
//! and the body's content type; a body-less POST/PUT/PATCH says `Content-Length: 0`; header
//! values that a server would read differently are refused before anything is sent.

use dintero_auth::{CallOptions, Client, Error};
use dintero_auth_tests::raw::{response, Action, RawServer};
use dintero_auth_tests::{Reply, TestServer};

/// An OAuth-style token endpoint that takes client credentials as HTTP Basic, beside calls
/// that use the client's bearer token.
#[dintero_auth::api]
pub trait Auth {
    #[post("/token")]
    async fn token(
        &self,
        #[header("Authorization")] credentials: Option<&str>,
        #[header("Content-Type")] content_type: Option<&str>,
        #[body] body: &serde_json::Value,
    ) -> Result<(), Error>;

    #[post("/logout")]
    async fn logout(&self) -> Result<(), Error>;

    #[put("/flag")]
    async fn set_flag(&self) -> Result<(), Error>;

    #[patch("/flag")]
    async fn touch_flag(&self) -> Result<(), Error>;

    #[delete("/flag")]
    async fn clear_flag(&self) -> Result<(), Error>;

    #[get("/flag")]
    async fn flag(&self, #[header("X-Tag")] tag: &str) -> Result<(), Error>;
}

fn client(base_url: String) -> AuthClient {
    AuthClient::new(Client::builder().base_url(base_url).bearer_token("SENTINEL-JWT-7f3a").build().unwrap())
}

#[tokio::test]
async fn a_declared_header_wins_over_the_token_and_the_content_type() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = client(server.base_url());
    let body = serde_json::json!({"grant_type": "client_credentials"});
    api.token(Some("Basic Y2xpZW50OnNlY3JldA=="), Some("application/vnd.token+json"), &body).await.unwrap();
    api.token(None, None, &body).await.unwrap();
    let options = CallOptions::new().header("Authorization", "Basic b3B0aW9uczp4");
    api.with_options(options.clone()).token(Some("Basic ZGVjbGFyZWQ6eA=="), None, &body).await.unwrap();
    api.with_options(options).token(None, None, &body).await.unwrap();

    let seen: Vec<_> = server
        .requests()
        .iter()
        .map(|r| {
            (r.header("authorization").unwrap().to_owned(), r.header("content-type").unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Basic Y2xpZW50OnNlY3JldA==".into(), "application/vnd.token+json".into()),
            ("Bearer SENTINEL-JWT-7f3a".into(), "application/json".into()),
            ("Basic ZGVjbGFyZWQ6eA==".into(), "application/json".into()),
            ("Basic b3B0aW9uczp4".into(), "application/json".into()),
        ]
    );
    for request in server.requests() {
        assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
    }
}

#[tokio::test]
async fn body_less_requests_that_define_a_body_send_content_length_zero() {
    let server = RawServer::always(Action::Reply(response(204, &[], b""))).await;
    let api = client(server.base_url());
    api.logout().await.unwrap();
    api.set_flag().await.unwrap();
    api.touch_flag().await.unwrap();
    api.clear_flag().await.unwrap();
    api.flag("t").await.unwrap();
    let heads: Vec<String> = server.heads().iter().map(|h| h.to_ascii_lowercase()).collect();
    assert_eq!(heads.len(), 5);
    for head in &heads[..3] {
        assert!(head.contains("\r\ncontent-length: 0\r\n"), "{head}");
    }
    for head in &heads[3..] {
        assert!(!head.contains("content-length"), "{head}");
    }
}

#[tokio::test]
async fn header_values_a_server_would_read_differently_are_refused() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = client(server.base_url());
    for bad in ["a\tb", "\tt", "t ", " t", "t\r\nX-Evil: 1", "t\u{7f}"] {
        let err = api.flag(bad).await.unwrap_err();
        assert!(err.is_invalid_input() && !err.may_have_been_delivered(), "{bad:?}: {err}");
        let err = api.with_options(CallOptions::new().header("X-Other", bad)).flag("ok").await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    for bad in ["tok\ten", "token ", "to ken", "tok\u{85}"] {
        assert!(Client::builder().bearer_token(bad).build().is_err(), "{bad:?}");
        let err = api.with_options(CallOptions::new().bearer_token(bad)).flag("ok").await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn framing_headers_from_options_or_defaults_are_refused() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = client(server.base_url());
    for name in ["Content-Length", "transfer-encoding", "Host", "Connection", "Keep-Alive", "TE", "Upgrade"] {
        let err = api.with_options(CallOptions::new().header(name, "1")).logout().await.unwrap_err();
        assert!(err.is_invalid_input() && !err.may_have_been_delivered(), "{name}: {err}");
        assert!(err.to_string().contains("the transport sets those"), "{name}: {err}");
        let err =
            Client::builder().base_url(server.base_url()).default_header(name, "1").build().unwrap_err();
        assert_eq!(err.kind(), dintero_auth::ErrorKind::Config, "{name}: {err}");
    }
    assert_eq!(server.count(), 0);
}
