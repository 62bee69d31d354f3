//! Lenient decoding of a number of seconds in an answer (`expires_in`).
//!
//! The spec declares these fields as plain integers, with no bounds. A server that sends a
//! negative or absurdly large value has still answered, and has often already issued a token:
//! failing the whole decode would throw that token away. So any JSON number is accepted and
//! brought into [`0, MAX_SECONDS`](MAX_SECONDS); only a value that is not a number fails.

use serde::{Deserialize, Deserializer};

/// The largest number of seconds an answer model reports: ten years (of 365 days).
///
/// A larger value is reported as this one, a negative value as 0 (already expired). The bound
/// keeps the value usable as-is: `Instant::now() + Duration::from_secs(expires_in)` cannot
/// overflow, and a lifetime of ten years is already longer than any token should live.
pub const MAX_SECONDS: u64 = 10 * 365 * 24 * 60 * 60;

/// `deserialize_with` helper for a number of seconds: any JSON number, clamped to
/// `0..=MAX_SECONDS`.
///
/// Integers of any size and sign are accepted (beyond 64 bits `serde_json` reads them as
/// floats). Floats are accepted too and rounded down: `3600.0` is what some JSON encoders write
/// for 3600, and rounding down never reports a token as living longer than the server said.
/// Strings, `null`, booleans and the like still fail to decode.
pub(crate) fn clamped_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    // Through `serde_json::Number`, so this works whether or not another crate in the build
    // turns on `serde_json`'s `arbitrary_precision` (which changes how numbers reach a visitor).
    let number = serde_json::Number::deserialize(deserializer)?;
    Ok(clamp(&number))
}

fn clamp(number: &serde_json::Number) -> u64 {
    if let Some(unsigned) = number.as_u64() {
        return unsigned.min(MAX_SECONDS);
    }
    if number.as_i64().is_some() {
        // Not a u64 but an i64: negative.
        return 0;
    }
    // A float, or an integer too large for 64 bits. Under `arbitrary_precision` a number
    // beyond f64's range has no f64 at all: only its sign matters then.
    let float = match number.as_f64() {
        Some(float) => float.floor(),
        None if number.to_string().starts_with('-') => f64::NEG_INFINITY,
        None => f64::INFINITY,
    };
    if float.is_nan() || float <= 0.0 {
        0
    } else if float >= MAX_SECONDS as f64 {
        MAX_SECONDS
    } else {
        // In range and integral: the cast is exact.
        float as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Answer {
        #[serde(deserialize_with = "clamped_seconds")]
        seconds: u64,
    }

    fn decode(json: &str) -> Result<u64, serde_json::Error> {
        serde_json::from_str::<Answer>(&format!(r#"{{"seconds": {json}}}"#)).map(|a| a.seconds)
    }

    #[test]
    fn integers_of_any_size_and_sign_are_clamped() {
        assert_eq!(decode("3600").unwrap(), 3600);
        assert_eq!(decode("0").unwrap(), 0);
        assert_eq!(decode("-1").unwrap(), 0);
        assert_eq!(decode(&i64::MIN.to_string()).unwrap(), 0);
        assert_eq!(decode(&MAX_SECONDS.to_string()).unwrap(), MAX_SECONDS);
        assert_eq!(decode(&(MAX_SECONDS + 1).to_string()).unwrap(), MAX_SECONDS);
        assert_eq!(decode(&u64::MAX.to_string()).unwrap(), MAX_SECONDS);
        assert_eq!(decode("340282366920938463463374607431768211456").unwrap(), MAX_SECONDS);
        assert_eq!(decode("-340282366920938463463374607431768211456").unwrap(), 0);
    }

    #[test]
    fn floats_are_rounded_down_then_clamped() {
        assert_eq!(decode("3600.0").unwrap(), 3600);
        assert_eq!(decode("3599.9").unwrap(), 3599);
        assert_eq!(decode("3.6e3").unwrap(), 3600);
        assert_eq!(decode("-0.5").unwrap(), 0);
        assert_eq!(decode("1e300").unwrap(), MAX_SECONDS);
        assert_eq!(decode("-1e300").unwrap(), 0);
    }

    #[test]
    fn non_numbers_still_fail() {
        for json in [r#""3600""#, "null", "true", "[3600]", "{}"] {
            assert!(decode(json).is_err(), "{json} must not decode");
        }
    }
}
