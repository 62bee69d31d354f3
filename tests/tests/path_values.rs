//! Path values reach the wire as exactly one segment holding exactly their bytes, or are
//! refused before anything is sent. The URL library drops tab, CR and LF and resolves `.` and
//! `..`; these tests read what the server received, not what the client was given.

use dintero_auth::models::AuthChallenge;
use dintero_auth::DinteroApis;
use dintero_auth::{ChallengeApi, Client, Error};
use dintero_auth_tests::{Reply, TestServer};
use percent_encoding::percent_decode_str;

/// A user's API with a placeholder in the middle of the path, where a lost segment would
/// silently name another resource.
#[dintero_auth::api]
pub trait Sessions {
    #[delete("/accounts/{aid}/users/{user_id}/sessions")]
    async fn end_sessions(&self, aid: &str, user_id: &str) -> Result<(), Error>;
}

/// Literal segments with characters a path may hold as they are (`@`, `:`, sub-delims), and one
/// that needs encoding.
#[dintero_auth::api]
pub trait Literals {
    #[get("/users/@me")]
    async fn me(&self) -> Result<(), Error>;

    #[post("/v1:batch/a;b=c/$x,y")]
    async fn batch(&self) -> Result<(), Error>;

    #[get("/straße/{id}")]
    async fn street(&self, id: &str) -> Result<(), Error>;
}

fn client(server: &TestServer) -> Client {
    Client::builder().base_url(server.base_url()).bearer_token("SENTINEL-JWT-7f3a").build().unwrap()
}

/// Every C0 control and DEL, alone and inside each spelling of `.` and `..` and a word.
fn hostile_values() -> Vec<String> {
    let mut values = Vec::new();
    for byte in (0u8..0x20).chain([0x7f]) {
        let c = char::from(byte);
        for shape in ["{c}", ".{c}.", "..{c}", "{c}..", ".{c}", "{c}.", "a{c}b", "{c}{c}"] {
            values.push(shape.replace("{c}", &c.to_string()));
        }
    }
    values.extend(
        ["...", "%2e", "%2E%2e", ".%2e", "%2e.", "a/../b", "./x", "\u{85}", "\u{2028}", " ", "+", ";x"]
            .map(String::from),
    );
    values
}

/// The decoded segments of a received target, after `/v1`.
fn segments(target: &str) -> Vec<String> {
    let path = target.split('?').next().unwrap();
    path.split('/')
        .skip(2)
        .map(|s| percent_decode_str(s).decode_utf8().expect("utf-8 segment").into_owned())
        .collect()
}

#[tokio::test]
async fn every_control_character_and_dot_spelling_is_one_exact_segment() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = SessionsClient::new(client(&server));
    let values = hostile_values();
    for value in &values {
        api.end_sessions("P1", value).await.unwrap_or_else(|e| panic!("{value:?}: {e}"));
        let sent = server.requests().pop().unwrap();
        assert_eq!(sent.method, "DELETE");
        assert_eq!(
            segments(&sent.target),
            ["accounts", "P1", "users", value, "sessions"],
            "{value:?} -> {}",
            sent.target
        );
        assert!(sent.target.bytes().all(|b| b.is_ascii_graphic()), "raw byte on the wire: {:?}", sent.target);
    }
    assert_eq!(server.count(), values.len());
}

#[tokio::test]
async fn the_challenge_aid_keeps_its_bytes_too() {
    let server = TestServer::always(Reply::json(200, serde_json::json!({"challenge_type": "oob"}))).await;
    let api = client(&server).challenge_api();
    for aid in [".\t.", "a\tb", "\r\n", "..\u{0}"] {
        api.aid_auth_mfa_challenge_post(aid, &AuthChallenge::oob_sms("m")).await.unwrap();
        let sent = server.requests().pop().unwrap();
        assert_eq!(segments(&sent.target), ["accounts", aid, "auth", "mfa", "challenge"], "{aid:?}");
    }
}

#[tokio::test]
async fn empty_dot_and_dot_dot_are_refused_with_nothing_sent() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = SessionsClient::new(client(&server));
    for value in ["", ".", ".."] {
        let err = api.end_sessions("P1", value).await.unwrap_err();
        assert!(err.is_invalid_input() && !err.may_have_been_delivered(), "{value:?}: {err}");
        let err = api.end_sessions(value, "u1").await.unwrap_err();
        assert!(err.is_invalid_input(), "{value:?}: {err}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_base_url_with_trailing_slashes_adds_no_empty_segment() {
    let server = TestServer::always(Reply::new(204, "")).await;
    for base in [
        format!("{}/", server.base_url()),
        format!("{}//", server.base_url()),
        format!("{}///", server.base_url()),
    ] {
        let client = Client::builder().base_url(&base).build().unwrap();
        SessionsClient::new(client).end_sessions("P1", "u1").await.unwrap();
        assert_eq!(server.requests().pop().unwrap().target, "/v1/accounts/P1/users/u1/sessions", "{base}");
    }
}

#[test]
fn a_base_url_the_parser_would_alter_is_refused() {
    for base in [
        "http://127.0.0.1:1/v\t1",
        "http://127.0.0.1:1/v1\n",
        " http://127.0.0.1:1/v1",
        "http://127.0.0.1:1/a b",
    ] {
        let err = Client::builder().base_url(base).build().unwrap_err();
        assert_eq!(err.kind(), dintero_auth::ErrorKind::Config, "{base:?}");
    }
}

#[tokio::test]
async fn literal_segments_are_sent_as_written_where_a_path_allows() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = LiteralsClient::new(client(&server));
    api.me().await.unwrap();
    api.batch().await.unwrap();
    api.street("@1").await.unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|sent| sent.target).collect();
    // A path value is still one opaque segment: its `@` is encoded.
    assert_eq!(targets, ["/v1/users/@me", "/v1/v1:batch/a;b=c/$x,y", "/v1/stra%C3%9Fe/%401"]);
}
