//! `POST /accounts/{aid}/auth/mfa/challenge`: the `AuthChallenge` body and its answer.

use serde::{Deserialize, Serialize};

use super::{ChallengeType, OobChannel};
use crate::Secret;

/// The challenge request body: `{challenge_type, oob_channel?, mfa_token}`.
///
/// Built only through constructors, so `challenge_type` is always `oob` and `oob_channel`
/// is only ever sent with it. `Debug` never shows the `mfa_token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuthChallenge {
    challenge_type: ChallengeType,
    #[serde(skip_serializing_if = "Option::is_none")]
    oob_channel: Option<OobChannel>,
    #[serde(serialize_with = "crate::models::opaque::serialize_token")]
    mfa_token: Secret,
}

impl AuthChallenge {
    /// An out-of-band challenge over `channel`, for the `mfa_token` of an `mfa_required` error.
    pub fn oob(channel: OobChannel, mfa_token: impl Into<Secret>) -> Self {
        Self { challenge_type: ChallengeType::Oob, oob_channel: Some(channel), mfa_token: mfa_token.into() }
    }

    /// An out-of-band challenge by SMS.
    pub fn oob_sms(mfa_token: impl Into<Secret>) -> Self {
        Self::oob(OobChannel::Sms, mfa_token)
    }

    /// An out-of-band challenge by e-mail.
    pub fn oob_email(mfa_token: impl Into<Secret>) -> Self {
        Self::oob(OobChannel::Email, mfa_token)
    }

    /// An out-of-band challenge without `oob_channel`: the server picks its default (`sms`).
    pub fn oob_default_channel(mfa_token: impl Into<Secret>) -> Self {
        Self { challenge_type: ChallengeType::Oob, oob_channel: None, mfa_token: mfa_token.into() }
    }

    /// `challenge_type` (always `oob`).
    pub fn challenge_type(&self) -> &ChallengeType {
        &self.challenge_type
    }

    /// `oob_channel`, when set.
    pub fn oob_channel(&self) -> Option<OobChannel> {
        self.oob_channel
    }

    /// `mfa_token`.
    pub fn mfa_token(&self) -> &Secret {
        &self.mfa_token
    }
}

/// The 200 answer to a challenge (`InlineResponse200` in the C# client). Every field is
/// optional; unknown fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChallengeResponse {
    /// `challenge_type` of the challenge sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_type: Option<ChallengeType>,
    /// `binding_method`, e.g. `prompt`: ask the user for the code they received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding_method: Option<String>,
    /// `oob_code`, for the `mfa_oob` token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oob_code: Option<Secret>,
}

/// The C# client's name for [`ChallengeResponse`].
pub type InlineResponse200 = ChallengeResponse;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wire_format() {
        let body = serde_json::to_value(AuthChallenge::oob_sms("tok")).unwrap();
        assert_eq!(body, json!({"challenge_type": "oob", "oob_channel": "sms", "mfa_token": "tok"}));
        let body = serde_json::to_value(AuthChallenge::oob_default_channel("tok")).unwrap();
        assert_eq!(body, json!({"challenge_type": "oob", "mfa_token": "tok"}));
        assert!(!format!("{:?}", AuthChallenge::oob_email("SENTINEL")).contains("SENTINEL"));
    }

    #[test]
    fn lenient_response() {
        let r: ChallengeResponse = serde_json::from_value(json!({
            "challenge_type": "push", "binding_method": null, "oob_code": "c", "extra": [1]
        }))
        .unwrap();
        assert_eq!(r.challenge_type, Some(ChallengeType::Other("push".into())));
        assert_eq!(r.binding_method, None);
        assert_eq!(r.oob_code.as_ref().map(Secret::expose), Some("c"));
        assert_eq!(serde_json::from_str::<ChallengeResponse>("{}").unwrap(), ChallengeResponse::default());
    }
}
