//! Request bodies: bytes → JSON → typed request, collecting every problem before answering,
//! so a client sees all its mistakes in one 400 instead of one per round trip.

use serde_json::{Map, Value};

use crate::config::Channel;
use crate::errors::{ApiError, FieldError};

/// `POST /accounts/{aid}/auth/mfa/challenge`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ChallengeRequest {
    pub(crate) channel: Channel,
    pub(crate) mfa_token: String,
}

/// `POST /accounts/{aid}/auth/mfa/recovery`. The required `audience` is checked for presence
/// only: the fake has no client grants to check it against, so it is not kept.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RecoveryRequest {
    pub(crate) channel: Channel,
    pub(crate) username: String,
}

/// `POST /accounts/{aid}/auth/token` (`audience` of the password grant: as for recovery; that
/// of the client credentials grant is checked against the client's allowed audiences).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenRequest {
    Password { username: String, password: String },
    MfaOob { oob_code: String, binding_code: String, mfa_token: String },
    ClientCredentials { audience: String },
}

/// The client authentication of a token request, from its `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ClientAuth {
    /// No `Authorization` header, or one with another scheme (a bearer token).
    Missing,
    /// `Basic` with credentials that cannot be read; why.
    Malformed(&'static str),
    /// `Basic base64(id:secret)`.
    Basic { id: String, secret: String },
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientAuth::Missing => f.write_str("Missing"),
            ClientAuth::Malformed(reason) => f.debug_tuple("Malformed").field(reason).finish(),
            ClientAuth::Basic { id, .. } => f.debug_struct("Basic").field("id", id).finish_non_exhaustive(),
        }
    }
}

/// Reads HTTP Basic client credentials (RFC 7617) from a request's `Authorization` values.
pub(crate) fn client_auth<'a>(mut values: impl Iterator<Item = &'a [u8]>) -> ClientAuth {
    use base64::Engine as _;

    let Some(value) = values.next() else { return ClientAuth::Missing };
    if values.next().is_some() {
        return ClientAuth::Malformed("more than one Authorization header");
    }
    let Ok(value) = std::str::from_utf8(value) else {
        return ClientAuth::Malformed("Authorization header is not UTF-8");
    };
    let (scheme, encoded) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return ClientAuth::Missing;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return ClientAuth::Malformed("HTTP Basic credentials are not valid base64");
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return ClientAuth::Malformed("HTTP Basic credentials are not UTF-8");
    };
    match decoded.split_once(':') {
        Some((id, secret)) if !id.is_empty() => {
            ClientAuth::Basic { id: id.to_owned(), secret: secret.to_owned() }
        }
        _ => ClientAuth::Malformed("HTTP Basic credentials must be `client_id:client_secret`"),
    }
}

/// Parses a body as a JSON object.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::invalid(vec![FieldError::body("body is not valid UTF-8")]))?;
    if text.trim().is_empty() {
        return Err(ApiError::invalid(vec![FieldError::body("body is empty; expected a JSON object")]));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(ApiError::invalid(vec![FieldError::body(format!(
            "body must be a JSON object, got {}",
            type_name(&other)
        ))])),
        Err(error) => {
            Err(ApiError::invalid(vec![FieldError::body(format!("body is not valid JSON: {error}"))]))
        }
    }
}

pub(crate) fn challenge(body: &Map<String, Value>) -> Result<ChallengeRequest, ApiError> {
    let mut fields = Fields::new(body);
    let channel = fields.challenge();
    let mfa_token = fields.required("mfa_token");
    match (channel, mfa_token) {
        (Some(channel), Some(mfa_token)) if fields.errors.is_empty() => {
            Ok(ChallengeRequest { channel, mfa_token: mfa_token.to_owned() })
        }
        _ => Err(ApiError::invalid(fields.errors)),
    }
}

pub(crate) fn recovery(body: &Map<String, Value>) -> Result<RecoveryRequest, ApiError> {
    let mut fields = Fields::new(body);
    let channel = fields.challenge();
    let username = fields.required("username");
    let audience = fields.required("audience");
    match (channel, username, audience) {
        (Some(channel), Some(username), Some(_audience)) if fields.errors.is_empty() => {
            Ok(RecoveryRequest { channel, username: username.to_owned() })
        }
        _ => Err(ApiError::invalid(fields.errors)),
    }
}

pub(crate) fn token(body: &Map<String, Value>) -> Result<TokenRequest, ApiError> {
    let mut fields = Fields::new(body);
    let request = match fields.required("grant_type") {
        Some("password") => {
            let username = fields.required("username");
            let password = fields.required("password");
            let audience = fields.required("audience");
            match (username, password, audience) {
                (Some(u), Some(p), Some(_audience)) => {
                    Some(TokenRequest::Password { username: u.to_owned(), password: p.to_owned() })
                }
                _ => None,
            }
        }
        Some("mfa_oob") => {
            let oob_code = fields.required("oob_code");
            let binding_code = fields.required("binding_code");
            let mfa_token = fields.required("mfa_token");
            match (oob_code, binding_code, mfa_token) {
                (Some(o), Some(b), Some(m)) => Some(TokenRequest::MfaOob {
                    oob_code: o.to_owned(),
                    binding_code: b.to_owned(),
                    mfa_token: m.to_owned(),
                }),
                _ => None,
            }
        }
        Some("client_credentials") => {
            fields.required("audience").map(|a| TokenRequest::ClientCredentials { audience: a.to_owned() })
        }
        Some(other) => {
            fields.error(
                "grant_type",
                format!(
                    "unsupported grant type `{}`; expected one of: password, mfa_oob, client_credentials",
                    shorten(other)
                ),
            );
            None
        }
        None => None,
    };
    match request {
        Some(request) if fields.errors.is_empty() => Ok(request),
        _ => Err(ApiError::invalid(fields.errors)),
    }
}

/// Reads fields of one object, remembering each problem. Unknown fields are ignored, as
/// JSON APIs commonly do, so a client sending extra fields is not failed by the fake alone.
struct Fields<'a> {
    body: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    fn new(body: &'a Map<String, Value>) -> Self {
        Fields { body, errors: Vec::new() }
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::field(field, message));
    }

    /// A required non-blank string; `null` counts as missing.
    fn required(&mut self, name: &str) -> Option<&'a str> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                self.error(name, "is required");
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.error(name, "must not be empty");
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.error(name, format!("must be a string, got {}", type_name(other)));
                None
            }
        }
    }

    /// An optional string; `null` counts as absent, as the API's optional fields do.
    fn optional(&mut self, name: &str) -> Option<&'a str> {
        match self.body.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.error(name, format!("must be a string, got {}", type_name(other)));
                None
            }
        }
    }

    /// The shared `Challenge` part: `challenge_type` and `oob_channel` (default `sms`).
    fn challenge(&mut self) -> Option<Channel> {
        let challenge_type = self.required("challenge_type");
        let type_ok = match challenge_type {
            Some("oob") => true,
            Some(other) => {
                let message =
                    format!("unsupported challenge type `{}`; expected one of: oob", shorten(other));
                self.error("challenge_type", message);
                false
            }
            None => false,
        };
        let present = self.body.get("oob_channel").is_some_and(|v| !v.is_null());
        let channel = match self.optional("oob_channel") {
            // Present but not a string: `optional` has reported it.
            None if present => None,
            None => Some(Channel::Sms),
            Some(name) => {
                if challenge_type.is_some() && !type_ok {
                    self.error("oob_channel", "is only allowed when challenge_type is `oob`");
                }
                let channel = Channel::from_wire(name);
                if channel.is_none() {
                    let message = format!("unknown channel `{}`; expected one of: sms, email", shorten(name));
                    self.error("oob_channel", message);
                }
                channel
            }
        };
        channel.filter(|_| type_ok)
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Echoes user input in messages without echoing a 64 KiB string back.
fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("tests pass objects"),
        }
    }

    fn problems(error: ApiError) -> Vec<(Option<String>, String)> {
        assert_eq!(error.status, 400);
        assert_eq!(error.code, "invalid_request");
        error.errors.into_iter().map(|e| (e.field, e.message)).collect()
    }

    fn field(name: &str, message: &str) -> (Option<String>, String) {
        (Some(name.to_owned()), message.to_owned())
    }

    #[test]
    fn challenge_defaults_to_sms() {
        let request = challenge(&object(json!({"challenge_type": "oob", "mfa_token": "t"})));
        assert_eq!(request, Ok(ChallengeRequest { channel: Channel::Sms, mfa_token: "t".into() }));
        let request =
            challenge(&object(json!({"challenge_type": "oob", "oob_channel": null, "mfa_token": "t"})));
        assert_eq!(request.map(|r| r.channel), Ok(Channel::Sms));
        let request =
            challenge(&object(json!({"challenge_type": "oob", "oob_channel": "email", "mfa_token": "t"})));
        assert_eq!(request.map(|r| r.channel), Ok(Channel::Email));
    }

    #[test]
    fn challenge_reports_every_problem() {
        let error =
            challenge(&object(json!({"challenge_type": "otp", "oob_channel": "fax", "mfa_token": 7})));
        assert_eq!(
            problems(error.expect_err("invalid")),
            [
                field("challenge_type", "unsupported challenge type `otp`; expected one of: oob"),
                field("oob_channel", "is only allowed when challenge_type is `oob`"),
                field("oob_channel", "unknown channel `fax`; expected one of: sms, email"),
                field("mfa_token", "must be a string, got a number"),
            ]
        );
    }

    #[test]
    fn challenge_missing_everything() {
        let error = challenge(&object(json!({"oob_channel": 1})));
        assert_eq!(
            problems(error.expect_err("invalid")),
            [
                field("challenge_type", "is required"),
                field("oob_channel", "must be a string, got a number"),
                field("mfa_token", "is required"),
            ]
        );
    }

    #[test]
    fn recovery_requires_username_and_audience() {
        let error = recovery(&object(json!({"challenge_type": "oob", "username": "", "audience": null})));
        assert_eq!(
            problems(error.expect_err("invalid")),
            [field("username", "must not be empty"), field("audience", "is required")]
        );
        let ok = recovery(&object(
            json!({"challenge_type": "oob", "oob_channel": "email", "username": "u", "audience": "a"}),
        ));
        assert_eq!(ok.map(|r| (r.channel, r.username)), Ok((Channel::Email, "u".to_owned())));
    }

    #[test]
    fn token_grants() {
        let ok = token(&object(
            json!({"grant_type": "password", "username": "u", "password": "p", "audience": "a"}),
        ));
        assert!(matches!(ok, Ok(TokenRequest::Password { .. })));
        let error = token(&object(json!({"grant_type": "mfa_oob", "oob_code": "o"})));
        assert_eq!(
            problems(error.expect_err("invalid")),
            [field("binding_code", "is required"), field("mfa_token", "is required")]
        );
        let error = token(&object(json!({"grant_type": "authorization_code"})));
        assert_eq!(
            problems(error.expect_err("invalid")),
            [field(
                "grant_type",
                "unsupported grant type `authorization_code`; expected one of: password, mfa_oob, \
                 client_credentials"
            )]
        );
        let error = token(&object(json!({"grant_type": "client_credentials"})));
        assert_eq!(problems(error.expect_err("invalid")), [field("audience", "is required")]);
        let ok = token(&object(json!({"grant_type": "client_credentials", "audience": "a"})));
        assert_eq!(ok, Ok(TokenRequest::ClientCredentials { audience: "a".into() }));
    }

    #[test]
    fn basic_client_credentials() {
        let auth = |values: &[&str]| client_auth(values.iter().map(|v| v.as_bytes()));
        // base64("id:se:cret"): the secret may hold a colon, the id may not.
        assert_eq!(
            auth(&["Basic aWQ6c2U6Y3JldA=="]),
            ClientAuth::Basic { id: "id".into(), secret: "se:cret".into() }
        );
        assert_eq!(
            auth(&["basic aWQ6c2U6Y3JldA=="]),
            ClientAuth::Basic { id: "id".into(), secret: "se:cret".into() }
        );
        assert_eq!(auth(&[]), ClientAuth::Missing);
        assert_eq!(auth(&["Bearer aWQ6c2U6Y3JldA=="]), ClientAuth::Missing);
        assert!(matches!(auth(&["Basic !!!"]), ClientAuth::Malformed(_)));
        // base64("nocolon") and base64(":secret")
        assert!(matches!(auth(&["Basic bm9jb2xvbg=="]), ClientAuth::Malformed(_)));
        assert!(matches!(auth(&["Basic OnNlY3JldA=="]), ClientAuth::Malformed(_)));
        assert!(matches!(
            auth(&["Basic aWQ6c2U6Y3JldA==", "Basic aWQ6c2U6Y3JldA=="]),
            ClientAuth::Malformed(_)
        ));
        let shown = format!("{:?}", auth(&["Basic aWQ6c2U6Y3JldA=="]));
        assert!(!shown.contains("cret"), "{shown}");
    }

    #[test]
    fn bodies_that_are_not_objects() {
        let message = |body: &[u8]| problems(json_object(body).expect_err("invalid"))[0].1.clone();
        assert_eq!(message(b"\xff\xfe"), "body is not valid UTF-8");
        assert_eq!(message(b"  "), "body is empty; expected a JSON object");
        assert_eq!(message(b"[1]"), "body must be a JSON object, got an array");
        assert!(message(b"{\"a\":").starts_with("body is not valid JSON"));
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(10_000);
        let error = challenge(&object(json!({"challenge_type": long, "mfa_token": "t"})));
        let problems = problems(error.expect_err("invalid"));
        assert!(problems[0].1.len() < 120, "{}", problems[0].1);
    }
}
