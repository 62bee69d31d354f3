//! Dintero Auth MFA models, with the exact JSON names of the API.

mod challenge;
mod enums;
mod error_body;
mod opaque;
mod recovery;
mod seconds;
mod token;

pub use challenge::{AuthChallenge, ChallengeResponse, InlineResponse200};
pub use enums::{ChallengeType, OobChannel};
pub use error_body::{ApiErrorDetail, ErrorBody};
pub use recovery::{AuthRecovery, InlineResponse2001, RecoveryResponse};
pub use seconds::MAX_SECONDS;
pub use token::{AccessToken, TokenRequest};
