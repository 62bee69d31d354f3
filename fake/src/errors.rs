//! Dintero error bodies: `{"error":{"code","message","errors"?,"mfa_token"?}}`.

use serde::Serialize;

use crate::codes;

/// One validation problem; `field` is left out for problems with the body as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct FieldError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<String>,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn field(name: &str, message: impl Into<String>) -> Self {
        FieldError { field: Some(name.to_owned()), message: message.into() }
    }

    pub(crate) fn body(message: impl Into<String>) -> Self {
        FieldError { field: None, message: message.into() }
    }
}

/// An error answer: its status, body and the headers that go with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) mfa_token: Option<String>,
    /// Seconds for a `Retry-After` header.
    pub(crate) retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
    #[serde(skip_serializing_if = "Option::is_none")]
    mfa_token: Option<&'a str>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            mfa_token: None,
            retry_after: None,
        }
    }

    /// 400 `invalid_request` listing every problem found.
    pub(crate) fn invalid(errors: Vec<FieldError>) -> Self {
        let message = match errors.len() {
            1 => "the request body is invalid: 1 problem".to_owned(),
            n => format!("the request body is invalid: {n} problems"),
        };
        ApiError { errors, ..ApiError::new(400, codes::INVALID_REQUEST, message) }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(404, codes::NOT_FOUND, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(401, codes::UNAUTHORIZED, message)
    }

    pub(crate) fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(403, code, message)
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(400, code, message)
    }

    /// 403 `mfa_required` carrying the token for the next challenge.
    pub(crate) fn mfa_required(mfa_token: String, message: impl Into<String>) -> Self {
        ApiError { mfa_token: Some(mfa_token), ..ApiError::forbidden(codes::MFA_REQUIRED, message) }
    }

    pub(crate) fn too_many_requests(retry_after_secs: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after_secs),
            ..ApiError::new(
                429,
                codes::TOO_MANY_REQUESTS,
                format!("too many challenges for this user; retry after {retry_after_secs} s"),
            )
        }
    }

    pub(crate) fn body_json(&self) -> Vec<u8> {
        let envelope = Envelope {
            error: Body {
                code: self.code,
                message: &self.message,
                errors: &self.errors,
                mfa_token: self.mfa_token.as_deref(),
            },
        };
        // Serialising these plain structs cannot fail; the fallback only keeps this panic-free.
        serde_json::to_vec(&envelope)
            .unwrap_or_else(|_| br#"{"error":{"message":"internal error"}}"#.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(error: &ApiError) -> serde_json::Value {
        serde_json::from_slice(&error.body_json()).expect("json")
    }

    #[test]
    fn plain_error_has_code_and_message_only() {
        let error = ApiError::not_found("account `X` does not exist");
        assert_eq!(
            parsed(&error),
            json!({"error": {"code": "not_found", "message": "account `X` does not exist"}})
        );
    }

    #[test]
    fn validation_error_lists_fields_and_body_problems() {
        let error =
            ApiError::invalid(vec![FieldError::field("mfa_token", "is required"), FieldError::body("x")]);
        assert_eq!(
            parsed(&error)["error"]["errors"],
            json!([{"field": "mfa_token", "message": "is required"}, {"message": "x"}])
        );
        assert_eq!(error.status, 400);
    }

    #[test]
    fn mfa_required_carries_token() {
        let error = ApiError::mfa_required("tok".into(), "second factor needed");
        assert_eq!(parsed(&error)["error"]["mfa_token"], "tok");
        assert_eq!(parsed(&error)["error"]["code"], "mfa_required");
        assert_eq!(error.status, 403);
    }
}
