//! Property test over hostile responses: every status 100–599 with every kind of body, the
//! valid answers truncated at every byte, and random bytes, for both endpoints. Each must give a
//! typed result, never a panic, and never put the raw body into `Display`.
//!
//! The deterministic matrix (about 9,300 responses) always runs; `HOSTILE_RANDOM_CASES` adds
//! seeded random responses on top (default 1,000; e.g. `HOSTILE_RANDOM_CASES=100000`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dintero_auth::models::{AuthChallenge, AuthRecovery, OobChannel};
use dintero_auth::DinteroApis;
use dintero_auth::{ChallengeApi, ErrorKind};
use dintero_auth_tests::raw::{response, Action, RawServer};

const CHALLENGE_OK: &[u8] = br#"{"challenge_type":"oob","binding_method":"prompt","oob_code":"c0de"}"#;
const RECOVERY_OK: &[u8] =
    br#"{"challenge_type":"oob","binding_method":"prompt","oob_code":"c0de","mfa_token":"t0k"}"#;
const DINTERO_ERROR: &[u8] = br#"{"error":{"code":"bad","message":"no","errors":[{"field":"x"}]}}"#;
const MARKER: &str = "RAWBODYMARKER";

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Challenge,
    Recovery,
}

struct Case {
    status: u16,
    body: Vec<u8>,
}

fn bodies(valid: &[u8]) -> Vec<Vec<u8>> {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes();
    vec![
        Vec::new(),
        format!("<html><body>{MARKER}</body></html>").into_bytes(),
        valid.to_vec(),
        br#"{"oob_code": 5, "challenge_type": ["oob"]}"#.to_vec(),
        format!(r#"{{"oob_code":"c","unexpected":{{"{MARKER}":[1,2,3]}}}}"#).into_bytes(),
        b"null".to_vec(),
        deep,
        vec![b'"', 0xff, 0xfe, 0xfd, b'"'],
        DINTERO_ERROR.to_vec(),
    ]
}

fn cases(endpoint: Endpoint, random: usize) -> Vec<Case> {
    let valid = if endpoint == Endpoint::Challenge { CHALLENGE_OK } else { RECOVERY_OK };
    let mut cases = Vec::new();
    for status in 100..=599 {
        for body in bodies(valid) {
            cases.push(Case { status, body });
        }
    }
    for cut in 0..valid.len() {
        cases.push(Case { status: 200, body: valid[..cut].to_vec() });
    }
    for cut in 0..DINTERO_ERROR.len() {
        cases.push(Case { status: 400, body: DINTERO_ERROR[..cut].to_vec() });
    }
    // Seeded xorshift: reproducible, no dependency.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ random as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..random {
        let status = 100 + (next() % 500) as u16;
        let len = (next() % 96) as usize;
        let mut body: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if next() % 2 == 0 && !body.is_empty() {
            // Splice random bytes into a valid answer: near-misses find more bugs than noise.
            let at = (next() as usize) % valid.len();
            body = [&valid[..at], &body[..], &valid[at..]].concat();
        }
        cases.push(Case { status, body });
    }
    cases
}

/// Statuses after which a body must not be read, or that change the connection: answer them on
/// a connection of their own so leftover bytes cannot bleed into the next case.
fn needs_own_connection(status: u16) -> bool {
    status < 200 || status == 204 || status == 304
}

fn wire(case: &Case) -> Action {
    if (100..200).contains(&case.status) && case.status != 101 {
        // An interim answer, then a final one carrying the body.
        let mut bytes = format!("HTTP/1.1 {} Interim\r\n\r\n", case.status).into_bytes();
        bytes.extend(response(200, &[], &case.body));
        return Action::ReplyThenClose(bytes);
    }
    let bytes = response(case.status, &[], &case.body);
    if needs_own_connection(case.status) {
        Action::ReplyThenClose(bytes)
    } else {
        Action::Reply(bytes)
    }
}

async fn run(endpoint: Endpoint) -> usize {
    let random = std::env::var("HOSTILE_RANDOM_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let cases = Arc::new(cases(endpoint, random));
    let actions: Arc<Mutex<Vec<Action>>> = Arc::new(Mutex::new(cases.iter().map(wire).collect()));
    let script_actions = Arc::clone(&actions);
    let server = RawServer::start(move |n, _| script_actions.lock().unwrap()[n].clone()).await;
    let client = dintero_auth_tests::client_builder()
        .base_url(server.base_url())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let api = client.challenge_api();
    let challenge = AuthChallenge::oob_sms("t");
    let recovery = AuthRecovery::oob(OobChannel::Email, "u", "a");

    for (index, case) in cases.iter().enumerate() {
        let result = match endpoint {
            Endpoint::Challenge => {
                api.aid_auth_mfa_challenge_post("P1", &challenge).await.map(|r| r.oob_code.is_some())
            }
            Endpoint::Recovery => {
                api.aid_auth_mfa_recovery_post("P1", &recovery).await.map(|r| r.mfa_token.is_some())
            }
        };
        let status = case.status;
        match result {
            Ok(_) => assert!(
                (200..300).contains(&status) || (100..200).contains(&status) && status != 101,
                "case {index}: status {status} accepted"
            ),
            Err(err) => {
                let shown = format!("{err} {err:?}");
                assert!(
                    !shown.contains(MARKER) && !shown.contains("<html"),
                    "case {index}: raw body shown: {shown}"
                );
                assert!(
                    !matches!(err.kind(), ErrorKind::InvalidInput | ErrorKind::Config),
                    "case {index}: {err:?}"
                );
                if status >= 200 && status != 204 && status != 304 {
                    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "case {index}: {err:?}");
                }
                if (200..300).contains(&status) {
                    assert_eq!(err.kind(), ErrorKind::Decode, "case {index}: {err:?}");
                }
                if status >= 400 && case.body == DINTERO_ERROR {
                    assert_eq!(err.code(), Some("bad"), "case {index}");
                }
            }
        }
    }
    assert_eq!(server.count(), cases.len(), "one request per case, none retried");
    cases.len()
}

#[tokio::test]
async fn challenge_answers_never_panic() {
    let count = run(Endpoint::Challenge).await;
    assert!(count >= 5000, "{count}");
}

#[tokio::test]
async fn recovery_answers_never_panic() {
    let count = run(Endpoint::Recovery).await;
    assert!(count >= 5000, "{count}");
}
