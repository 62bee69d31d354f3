//! What errors print of server-controlled text: one bounded line, control characters escaped,
//! and nothing of a body that failed to decode.

use dintero_auth::models::AuthChallenge;
use dintero_auth::DinteroApis;
use dintero_auth::{ChallengeApi, Client};
use dintero_auth_tests::{Reply, TestServer};
use serde_json::json;

const HOSTILE: &str = "a\u{1b}[2J\u{7}b\rc\nd\u{2028}e\u{85}f\u{202e}g";

async fn error_for(reply: Reply) -> dintero_auth::Error {
    let server = TestServer::always(reply).await;
    let client = Client::builder().base_url(server.base_url()).build().unwrap();
    let result = client.challenge_api().aid_auth_mfa_challenge_post("P1", &AuthChallenge::oob_sms("m")).await;
    result.map(drop).unwrap_err()
}

fn assert_printable(text: &str) {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}');
    assert!(!text.chars().any(unsafe_char), "{text:?}");
}

#[tokio::test]
async fn server_codes_and_messages_are_bounded_and_escaped() {
    let huge = "C".repeat(200_000);
    for (code, message) in [(huge.as_str(), "m"), ("c", huge.as_str()), (HOSTILE, HOSTILE)] {
        let err = error_for(Reply::json(400, json!({"error": {"code": code, "message": message}}))).await;
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(shown.len() < 2_000, "{} chars", shown.len());
            assert_printable(&shown);
        }
    }
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
pub struct Strict {
    kind: Kind,
    count: u32,
    tags: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
pub enum Kind {
    Sms,
}

#[dintero_auth::api]
pub trait StrictApi {
    #[get("/strict")]
    async fn strict(&self) -> Result<Strict, dintero_auth::Error>;
}

#[tokio::test]
async fn decode_errors_never_show_body_values() {
    let bodies = [
        json!({"kind": "SENTINEL", "count": 1, "tags": []}),
        json!({"kind": "Sms", "count": "x\"SENTINEL\"y", "tags": []}),
        json!({"kind": "Sms", "count": -1_234_567_891_i64, "tags": []}),
        json!({"kind": "Sms", "count": 1, "tags": [{"SENTINEL": "`SENTINEL`"}]}),
        json!({"kind": {"SENTINEL": 1}, "count": 1, "tags": []}),
        json!(["SENTINEL"]),
    ];
    for body in bodies {
        let server = TestServer::always(Reply::json(200, body.clone())).await;
        let api = StrictApiClient::new(Client::builder().base_url(server.base_url()).build().unwrap());
        let err = api.strict().await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SENTINEL") && !shown.contains("1234567891"), "{body}: {shown}");
        assert_printable(&shown);
    }
}
