//! `POST /accounts/{aid}/auth/mfa/recovery`: the recovery body (the `allOf` the C# generator
//! could not model) and its answer.

use serde::{Deserialize, Serialize};

use super::{ChallengeType, OobChannel};
use crate::Secret;

/// The recovery request body: `{challenge_type, oob_channel?, username, audience}`.
///
/// Recovery takes two out-of-band challenges over different channels: this one, then a
/// challenge over [`OobChannel::other`] with the `mfa_token` of the `mfa_required` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuthRecovery {
    challenge_type: ChallengeType,
    #[serde(skip_serializing_if = "Option::is_none")]
    oob_channel: Option<OobChannel>,
    username: String,
    audience: String,
}

impl AuthRecovery {
    /// Recovery for `username`, first challenge over `channel`. `audience` identifies the target
    /// API and must be a grant of the client, e.g. `https://api.dintero.com/v1/accounts/P00000000`.
    pub fn oob(channel: OobChannel, username: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            challenge_type: ChallengeType::Oob,
            oob_channel: Some(channel),
            username: username.into(),
            audience: audience.into(),
        }
    }

    /// `challenge_type` (always `oob`).
    pub fn challenge_type(&self) -> &ChallengeType {
        &self.challenge_type
    }

    /// `oob_channel`.
    pub fn oob_channel(&self) -> Option<OobChannel> {
        self.oob_channel
    }

    /// `username`.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// `audience`.
    pub fn audience(&self) -> &str {
        &self.audience
    }
}

/// The 200 answer to a recovery request (`InlineResponse2001` in the C# client). Every field
/// is optional; unknown fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecoveryResponse {
    /// `challenge_type` of the challenge sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_type: Option<ChallengeType>,
    /// `binding_method`, e.g. `prompt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_method: Option<String>,
    /// `oob_code`, for the `mfa_oob` token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oob_code: Option<Secret>,
    /// `mfa_token`, for the `mfa_oob` token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_token: Option<Secret>,
}

/// The C# client's name for [`RecoveryResponse`].
pub type InlineResponse2001 = RecoveryResponse;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_format() {
        let body = AuthRecovery::oob(
            OobChannel::Email,
            "u@example.com",
            "https://api.dintero.com/v1/accounts/P00000000",
        );
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"challenge_type": "oob", "oob_channel": "email", "username": "u@example.com",
                   "audience": "https://api.dintero.com/v1/accounts/P00000000"})
        );
        let r: RecoveryResponse =
            serde_json::from_value(json!({"mfa_token": "SENTINEL", "oob_code": "x"})).unwrap();
        assert!(!format!("{r:?}").contains("SENTINEL"));
    }
}
