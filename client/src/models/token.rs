//! `POST /accounts/{aid}/auth/token`: the password and `mfa_oob` grants and the access token.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Secret;

/// A token request body. Build it with [`TokenRequest::password`] or [`TokenRequest::mfa_oob`];
/// `Debug` never shows the password, codes or tokens.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TokenRequest {
    /// `grant_type=password`: an end user's credentials. With MFA enabled the answer is
    /// `403 mfa_required` carrying an `mfa_token` (see [`Error::mfa_token`](crate::Error::mfa_token)).
    Password {
        /// The end user's identifier.
        username: String,
        /// The end user's password.
        password: Secret,
        /// The target API, e.g. `https://api.dintero.com/v1/accounts/P00000000`.
        audience: String,
    },
    /// `grant_type=mfa_oob`: proves possession with the binding code the user received.
    MfaOob {
        /// `oob_code` from the challenge (or recovery) answer.
        #[serde(serialize_with = "crate::models::opaque::serialize_token")]
        oob_code: Secret,
        /// The code the user received by SMS or e-mail.
        #[serde(serialize_with = "crate::models::opaque::serialize_token")]
        binding_code: Secret,
        /// The `mfa_token` the challenge was made for.
        #[serde(serialize_with = "crate::models::opaque::serialize_token")]
        mfa_token: Secret,
    },
}

impl TokenRequest {
    /// A password grant.
    pub fn password(
        username: impl Into<String>,
        password: impl Into<Secret>,
        audience: impl Into<String>,
    ) -> Self {
        Self::Password { username: username.into(), password: password.into(), audience: audience.into() }
    }

    /// An `mfa_oob` grant.
    pub fn mfa_oob(
        oob_code: impl Into<Secret>,
        binding_code: impl Into<Secret>,
        mfa_token: impl Into<Secret>,
    ) -> Self {
        Self::MfaOob {
            oob_code: oob_code.into(),
            binding_code: binding_code.into(),
            mfa_token: mfa_token.into(),
        }
    }

    /// The JSON `grant_type`.
    pub fn grant_type(&self) -> &'static str {
        match self {
            Self::Password { .. } => "password",
            Self::MfaOob { .. } => "mfa_oob",
        }
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Password { username, audience, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"[redacted]")
                .field("audience", audience)
                .finish(),
            Self::MfaOob { .. } => f.debug_struct("MfaOob").finish_non_exhaustive(),
        }
    }
}

/// The access token answer. `Debug` shows neither token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessToken {
    /// The JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: Secret,
    /// Usually `Bearer`.
    pub token_type: String,
    /// Lifetime in seconds, clamped to `0..=`[`MAX_SECONDS`](super::MAX_SECONDS): a negative
    /// value decodes as 0 (already expired), a larger one as the maximum, and a float is
    /// rounded down, so an odd number never throws away a token the server has issued.
    #[serde(deserialize_with = "super::seconds::clamped_seconds")]
    pub expires_in: u64,
    /// A refresh token, when the grant gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_format_and_redaction() {
        let password = TokenRequest::password("ola", "SENTINEL-PW", "aud");
        assert_eq!(
            serde_json::to_value(&password).unwrap(),
            json!({"grant_type": "password", "username": "ola", "password": "SENTINEL-PW", "audience": "aud"})
        );
        let oob = TokenRequest::mfa_oob("SENTINEL-OOB", "SENTINEL-BIND", "SENTINEL-MFA");
        assert_eq!(
            serde_json::to_value(&oob).unwrap(),
            json!({"grant_type": "mfa_oob", "oob_code": "SENTINEL-OOB", "binding_code": "SENTINEL-BIND",
                   "mfa_token": "SENTINEL-MFA"})
        );
        let token: AccessToken = serde_json::from_value(json!({
            "access_token": "SENTINEL-AT", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "SENTINEL-RT"
        }))
        .unwrap();
        let printed = format!("{password:?} {oob:?} {token:?}");
        assert!(!printed.contains("SENTINEL"), "{printed}");
    }

    fn expires_in(value: serde_json::Value) -> Result<u64, serde_json::Error> {
        let answer = json!({"access_token": "SENTINEL-AT", "token_type": "Bearer", "expires_in": value});
        serde_json::from_value::<AccessToken>(answer).map(|token| token.expires_in)
    }

    #[test]
    fn expires_in_accepts_any_number_and_clamps() {
        use crate::models::MAX_SECONDS;
        assert_eq!(expires_in(json!(86400)).unwrap(), 86400);
        assert_eq!(expires_in(json!(-5)).unwrap(), 0);
        assert_eq!(expires_in(json!(u64::MAX)).unwrap(), MAX_SECONDS);
        assert_eq!(expires_in(json!(1e30)).unwrap(), MAX_SECONDS);
        assert_eq!(expires_in(json!(3600.0)).unwrap(), 3600);
        assert!(expires_in(json!("3600")).is_err());
        assert!(expires_in(serde_json::Value::Null).is_err());
    }
}
