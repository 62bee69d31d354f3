//! Answer models decode what a real server may send: every numeric field takes any JSON
//! number and clamps it to a documented range instead of failing the whole answer.

use dintero_auth::models::{AccessToken, MAX_SECONDS};
use serde_json::{json, Value};

fn token_with_expires_in(expires_in: Value) -> Result<AccessToken, serde_json::Error> {
    serde_json::from_value(json!({
        "access_token": "SENTINEL-AT", "token_type": "Bearer", "expires_in": expires_in,
        "refresh_token": "SENTINEL-RT"
    }))
}

fn expires_in(json_number: &str) -> u64 {
    let value: Value = serde_json::from_str(json_number).expect("test input is JSON");
    match token_with_expires_in(value) {
        Ok(token) => token.expires_in,
        Err(e) => panic!("expires_in {json_number} must decode: {e}"),
    }
}

#[test]
fn access_token_expires_in_normal_values_are_kept() {
    assert_eq!(expires_in("86400"), 86400);
    assert_eq!(expires_in("0"), 0);
    assert_eq!(expires_in(&MAX_SECONDS.to_string()), MAX_SECONDS);
}

#[test]
fn access_token_expires_in_negative_means_already_expired() {
    assert_eq!(expires_in("-1"), 0);
    assert_eq!(expires_in(&i64::MIN.to_string()), 0);
}

#[test]
fn access_token_expires_in_huge_is_clamped() {
    assert_eq!(expires_in(&(MAX_SECONDS + 1).to_string()), MAX_SECONDS);
    assert_eq!(expires_in(&u64::MAX.to_string()), MAX_SECONDS);
    assert_eq!(expires_in("123456789012345678901234567890"), MAX_SECONDS);
}

#[test]
fn access_token_expires_in_floats_are_rounded_down() {
    assert_eq!(expires_in("3600.0"), 3600);
    assert_eq!(expires_in("3599.999"), 3599);
}

#[test]
fn access_token_expires_in_must_still_be_a_number() {
    for not_a_number in [json!("3600"), Value::Null, json!(true), json!([3600])] {
        assert!(token_with_expires_in(not_a_number.clone()).is_err(), "{not_a_number} must not decode");
    }
}

#[test]
fn access_token_debug_stays_redacted() {
    let token = token_with_expires_in(json!(-1)).unwrap();
    let printed = format!("{token:?}");
    assert!(!printed.contains("SENTINEL"), "{printed}");
}
