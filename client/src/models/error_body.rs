//! The Dintero error body: `{"error": {"code", "message", "errors"}}`.

use serde::{Deserialize, Serialize};

use crate::Secret;

/// The whole error body, as the server sends it. An `mfa_token` is read from inside `error` or,
/// failing that, from beside it (both placements are seen in Dintero's answers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Wire")]
#[non_exhaustive]
pub struct ErrorBody {
    /// The error.
    pub error: ApiErrorDetail,
}

/// What a Dintero error says. `message` is always there; `mfa_required` errors carry the
/// `mfa_token` for the next challenge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiErrorDetail {
    /// A machine-readable code, e.g. `mfa_required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable text.
    pub message: String,
    /// Nested validation errors (objects), when the server lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<serde_json::Value>,
    /// The token for the next challenge of an `mfa_required` error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_token: Option<Secret>,
}

impl ApiErrorDetail {
    /// An error with this message and code (for servers and tests).
    pub fn new(code: Option<&str>, message: impl Into<String>) -> Self {
        Self { code: code.map(str::to_owned), message: message.into(), errors: Vec::new(), mfa_token: None }
    }
}

impl ErrorBody {
    /// Wraps an error detail.
    pub fn new(error: ApiErrorDetail) -> Self {
        Self { error }
    }
}

#[derive(Deserialize)]
struct Wire {
    error: ApiErrorDetail,
    #[serde(default)]
    mfa_token: Option<Secret>,
}

impl From<Wire> for ErrorBody {
    fn from(wire: Wire) -> Self {
        let mut error = wire.error;
        if error.mfa_token.is_none() {
            error.mfa_token = wire.mfa_token;
        }
        Self { error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> Option<ApiErrorDetail> {
        serde_json::from_slice::<ErrorBody>(body).ok().map(|b| b.error)
    }

    #[test]
    fn parses_both_token_placements_and_rejects_other_shapes() {
        let inside = br#"{"error":{"code":"mfa_required","message":"m","mfa_token":"t1"}}"#;
        assert_eq!(parse(inside).unwrap().mfa_token.unwrap().expose(), "t1");
        let beside = br#"{"error":{"code":"mfa_required","message":"m"},"mfa_token":"t2"}"#;
        assert_eq!(parse(beside).unwrap().mfa_token.unwrap().expose(), "t2");
        let errors = br#"{"error":{"message":"bad","errors":[{"field":"x"}]}}"#;
        assert_eq!(parse(errors).unwrap().errors.len(), 1);
        assert!(parse(b"<html>502</html>").is_none());
        assert!(parse(b"").is_none());
        assert!(parse(br#"{"error":{"code":"x"}}"#).is_none());
    }
}
