//! `TokenApi`: `POST /accounts/{aid}/auth/token`, added by annotation the way a user would add
//! an endpoint Dintero's generated C# `ChallengeApi` does not cover.

use crate::models::ErrorBody;
use crate::models::{AccessToken, TokenRequest};
use crate::{api, ApiResponse, Error};

/// The token endpoint of Dintero's Auth API, as far as the MFA flows need it.
#[api(error_body = ErrorBody)]
pub trait TokenApi {
    /// Token request (`aid_auths_oauth_token_post`). With MFA enabled a password grant fails
    /// with `403 mfa_required`: [`Error::mfa_token`] then holds the token for the challenge.
    #[post("/accounts/{aid}/auth/token")]
    async fn aid_auth_token_post(&self, aid: &str, #[body] data: &TokenRequest)
        -> Result<AccessToken, Error>;

    /// [`aid_auth_token_post`](Self::aid_auth_token_post), also returning status and headers.
    #[post("/accounts/{aid}/auth/token")]
    async fn aid_auth_token_post_with_http_info(
        &self,
        aid: &str,
        #[body] data: &TokenRequest,
    ) -> Result<ApiResponse<AccessToken>, Error>;
}
