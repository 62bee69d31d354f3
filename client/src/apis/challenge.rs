//! `ChallengeApi`: `POST /accounts/{aid}/auth/mfa/challenge` and `.../mfa/recovery`.

use crate::models::ErrorBody;
use crate::models::{AuthChallenge, AuthRecovery, ChallengeResponse, RecoveryResponse};
use crate::{api, ApiResponse, Error};

/// The MFA endpoints of Dintero's Auth API. Method names map one-to-one to the operations of
/// the C# client's `ChallengeApi` (`AidAuthMfaChallengePost` → `aid_auth_mfa_challenge_post`).
///
/// Scopes: `admin:accounts`, `write:accounts` or `write:accounts:/auth/mfa`.
#[api(error_body = ErrorBody)]
pub trait ChallengeApi {
    /// Challenge request: sends the user a binding code out of band (SMS or e-mail) for the
    /// `mfa_token` of an `mfa_required` error. Use the answer's `oob_code` in a token request
    /// with `grant_type=mfa_oob`.
    ///
    /// Not idempotent: every successful call sends a message to a real person, so it is never
    /// retried once it may have reached the server.
    #[post("/accounts/{aid}/auth/mfa/challenge")]
    async fn aid_auth_mfa_challenge_post(
        &self,
        aid: &str,
        #[body] data: &AuthChallenge,
    ) -> Result<ChallengeResponse, Error>;

    /// [`aid_auth_mfa_challenge_post`](Self::aid_auth_mfa_challenge_post), also returning
    /// status and headers (`AidAuthMfaChallengePostWithHttpInfo`).
    #[post("/accounts/{aid}/auth/mfa/challenge")]
    async fn aid_auth_mfa_challenge_post_with_http_info(
        &self,
        aid: &str,
        #[body] data: &AuthChallenge,
    ) -> Result<ApiResponse<ChallengeResponse>, Error>;

    /// Recovery for a user with MFA enabled who lost one factor: the first of two out-of-band
    /// challenges over different channels. A token request with this binding code answers
    /// `403 mfa_required` with a new `mfa_token`; challenge the other channel with it.
    ///
    /// Not idempotent: sends a message to a real person.
    #[post("/accounts/{aid}/auth/mfa/recovery")]
    async fn aid_auth_mfa_recovery_post(
        &self,
        aid: &str,
        #[body] data: &AuthRecovery,
    ) -> Result<RecoveryResponse, Error>;

    /// [`aid_auth_mfa_recovery_post`](Self::aid_auth_mfa_recovery_post), also returning status
    /// and headers (`AidAuthMfaRecoveryPostWithHttpInfo`).
    #[post("/accounts/{aid}/auth/mfa/recovery")]
    async fn aid_auth_mfa_recovery_post_with_http_info(
        &self,
        aid: &str,
        #[body] data: &AuthRecovery,
    ) -> Result<ApiResponse<RecoveryResponse>, Error>;
}
