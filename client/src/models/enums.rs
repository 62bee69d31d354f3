//! The `challenge_type` and `oob_channel` enums.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `challenge_type`: how the user gets the challenge and proves possession.
///
/// Requests can only be built with [`ChallengeType::Oob`] (the one type Dintero supports);
/// a response carrying a type this version does not know decodes as `Other` instead of failing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChallengeType {
    /// `oob`: a binding code sent out of band, by SMS or e-mail.
    Oob,
    /// A value this version does not know, kept as received.
    Other(String),
}

impl ChallengeType {
    /// The JSON value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Oob => "oob",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for ChallengeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ChallengeType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ChallengeType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match text.as_str() {
            "oob" => Self::Oob,
            _ => Self::Other(text),
        })
    }
}

/// `oob_channel`: where the binding code goes. Dintero's default is `sms`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OobChannel {
    /// `sms`: a text message to the user's phone (the default).
    #[default]
    Sms,
    /// `email`: an e-mail to the user.
    Email,
}

impl OobChannel {
    /// The JSON value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
        }
    }

    /// The other channel: recovery needs two different ones.
    pub fn other(self) -> Self {
        match self {
            Self::Sms => Self::Email,
            Self::Email => Self::Sms,
        }
    }
}

impl fmt::Display for OobChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names() {
        assert_eq!(serde_json::to_string(&ChallengeType::Oob).unwrap(), "\"oob\"");
        assert_eq!(serde_json::to_string(&OobChannel::Email).unwrap(), "\"email\"");
        assert_eq!(
            serde_json::from_str::<ChallengeType>("\"otp\"").unwrap(),
            ChallengeType::Other("otp".into())
        );
        assert!(serde_json::from_str::<OobChannel>("\"pigeon\"").is_err());
        assert_eq!(OobChannel::default(), OobChannel::Sms);
    }
}
