//! Dintero's MFA flows as a step-by-step API: login with MFA, and recovery of a lost factor.
//!
//! Each step is one method that sends one request, so an app can ask its user for the binding
//! code between steps (in a prompt, or in a later web request). Nothing is ever retried: a
//! challenge sends an SMS or e-mail to a real person.
//!
//! ```no_run
//! # async fn run(client: dintero_auth::Client, ask_user: impl Fn() -> String) -> Result<(), dintero_auth::flows::FlowError> {
//! use dintero_auth::flows::{MfaFlow, Step};
//! use dintero_auth::models::OobChannel;
//!
//! let flow = MfaFlow::new(&client, "P00000000");
//! let token = match flow.login("ola@example.com", "secret", "https://api.dintero.com/v1/accounts/P00000000").await? {
//!     Step::Done(token) => token, // no MFA on this user
//!     Step::MfaRequired(mfa) => {
//!         let sent = mfa.challenge(OobChannel::Sms).await?;
//!         sent.verify(ask_user()).await?.into_token()?
//!     }
//! };
//! # let _ = token; Ok(()) }
//! ```

use std::fmt;

use crate::models::{AccessToken, AuthChallenge, AuthRecovery, OobChannel, TokenRequest};
use crate::{ChallengeApi, ChallengeApiClient, Client, DinteroApis, Error, Secret, TokenApi, TokenApiClient};

/// Which request of a flow failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FlowStep {
    /// The password token request that starts a login.
    PasswordToken,
    /// A challenge request (sends the binding code).
    Challenge,
    /// The recovery request (sends the first binding code of a recovery).
    Recovery,
    /// A token request with `grant_type=mfa_oob`.
    MfaOobToken,
}

impl fmt::Display for FlowStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PasswordToken => "password token request",
            Self::Challenge => "MFA challenge",
            Self::Recovery => "MFA recovery request",
            Self::MfaOobToken => "mfa_oob token request",
        })
    }
}

/// A failed flow step: which step, and the call's [`Error`] (its `source()`), or why the answer
/// did not fit the flow.
pub struct FlowError {
    step: FlowStep,
    cause: Cause,
}

enum Cause {
    Call(Error),
    /// The flow stopped for `reason`. `delivered` is whether the request may have reached the
    /// server: known where the failure happens, never guessed later from the step.
    Unexpected {
        reason: &'static str,
        delivered: bool,
    },
}

impl FlowError {
    fn call(step: FlowStep, error: Error) -> Self {
        Self { step, cause: Cause::Call(error) }
    }

    /// The server answered (so the request was delivered, and a challenge's message may be on
    /// its way), but the answer does not fit the flow.
    fn unfit_answer(step: FlowStep, reason: &'static str) -> Self {
        Self { step, cause: Cause::Unexpected { reason, delivered: true } }
    }

    /// The flow refused the step before sending anything.
    fn refused(step: FlowStep, reason: &'static str) -> Self {
        Self { step, cause: Cause::Unexpected { reason, delivered: false } }
    }

    /// The step that failed.
    pub fn step(&self) -> FlowStep {
        self.step
    }

    /// The call's error, when the request itself failed.
    pub fn error(&self) -> Option<&Error> {
        match &self.cause {
            Cause::Call(error) => Some(error),
            Cause::Unexpected { .. } => None,
        }
    }

    /// Whether the failed request may have reached the server (and so sent a message): true
    /// for every failure after the request may have gone out, including a success answer that
    /// does not fit the flow (a challenge answered 200 without an `oob_code` has still sent its
    /// SMS). False only when nothing was sent. When true, do not resend a challenge.
    pub fn may_have_been_delivered(&self) -> bool {
        match &self.cause {
            Cause::Call(error) => error.may_have_been_delivered(),
            Cause::Unexpected { delivered, .. } => *delivered,
        }
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Call(_) => write!(f, "{} failed", self.step),
            Cause::Unexpected { reason, .. } => write!(f, "{} failed: {reason}", self.step),
        }
    }
}

impl fmt::Debug for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("FlowError");
        d.field("step", &self.step);
        match &self.cause {
            Cause::Call(error) => d.field("error", error),
            Cause::Unexpected { reason, delivered } => {
                d.field("reason", reason).field("may_have_been_delivered", delivered)
            }
        };
        d.finish()
    }
}

impl std::error::Error for FlowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Where a token request left the flow.
pub enum Step<C = ChallengeApiClient, T = TokenApiClient> {
    /// Authenticated.
    Done(AccessToken),
    /// Another factor is needed: challenge it.
    MfaRequired(MfaRequired<C, T>),
}

// By hand: the API implementations need not be `Debug`, and are not shown.
impl<C, T> fmt::Debug for Step<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Done(token) => f.debug_tuple("Done").field(token).finish(),
            Self::MfaRequired(next) => f.debug_tuple("MfaRequired").field(next).finish(),
        }
    }
}

impl<C, T> Step<C, T> {
    /// The token, or an error when another factor is still required.
    pub fn into_token(self) -> Result<AccessToken, FlowError> {
        match self {
            Self::Done(token) => Ok(token),
            Self::MfaRequired(_) => {
                // The token request was answered, with `mfa_required`.
                Err(FlowError::unfit_answer(FlowStep::MfaOobToken, "another factor is required"))
            }
        }
    }
}

/// The flows for one account, over any implementation of [`ChallengeApi`] and [`TokenApi`]:
/// the generated clients ([`MfaFlow::new`]), or your own mocks ([`MfaFlow::with_apis`]).
#[derive(Clone, Debug)]
pub struct MfaFlow<C = ChallengeApiClient, T = TokenApiClient> {
    challenge_api: C,
    token_api: T,
    aid: String,
}

impl MfaFlow {
    /// Flows against account `aid` through `client`.
    pub fn new(client: &Client, aid: impl Into<String>) -> Self {
        Self::with_apis(client.challenge_api(), client.token_api(), aid)
    }
}

impl<C: ChallengeApi + Clone, T: TokenApi + Clone> MfaFlow<C, T> {
    /// Flows against account `aid` through these implementations of the two APIs, e.g. a
    /// hand-written mock for tests.
    pub fn with_apis(challenge_api: C, token_api: T, aid: impl Into<String>) -> Self {
        Self { challenge_api, token_api, aid: aid.into() }
    }

    /// Login, step 1: the password grant. A user with MFA gets [`Step::MfaRequired`].
    pub async fn login(
        &self,
        username: &str,
        password: impl Into<Secret>,
        audience: &str,
    ) -> Result<Step<C, T>, FlowError> {
        let request = TokenRequest::password(username, password, audience);
        self.token(FlowStep::PasswordToken, &request, None).await
    }

    /// Recovery, step 1: the first challenge of a recovery, over `channel`. Verify the code the
    /// user receives with [`CodeSent::verify`]; the second factor must use the other channel.
    pub async fn start_recovery(
        &self,
        username: &str,
        audience: &str,
        channel: OobChannel,
    ) -> Result<CodeSent<C, T>, FlowError> {
        let step = FlowStep::Recovery;
        let body = AuthRecovery::oob(channel, username, audience);
        let answer = self.challenge_api.aid_auth_mfa_recovery_post(&self.aid, &body).await;
        let answer = answer.map_err(|e| FlowError::call(step, e))?;
        let (Some(oob_code), Some(mfa_token)) = (answer.oob_code, answer.mfa_token) else {
            return Err(FlowError::unfit_answer(
                step,
                "the answer has no oob_code or mfa_token; a message may have been sent",
            ));
        };
        Ok(CodeSent { flow: self.clone(), channel, oob_code, mfa_token, recovery: true })
    }

    /// A token request; `mfa_required` (with its token) is a step of the flow, not a failure.
    async fn token(
        &self,
        step: FlowStep,
        request: &TokenRequest,
        used_channel: Option<OobChannel>,
    ) -> Result<Step<C, T>, FlowError> {
        match self.token_api.aid_auth_token_post(&self.aid, request).await {
            Ok(token) => Ok(Step::Done(token)),
            Err(error) if error.is_mfa_required() => match error.mfa_token() {
                Some(token) => Ok(Step::MfaRequired(MfaRequired {
                    flow: self.clone(),
                    mfa_token: token.clone(),
                    used_channel,
                })),
                None => Err(FlowError::unfit_answer(step, "mfa_required without an mfa_token")),
            },
            Err(error) => Err(FlowError::call(step, error)),
        }
    }
}

/// A token request answered `403 mfa_required`: challenge the user with [`MfaRequired::challenge`].
pub struct MfaRequired<C = ChallengeApiClient, T = TokenApiClient> {
    flow: MfaFlow<C, T>,
    mfa_token: Secret,
    /// During recovery, the channel of the first factor: the second must differ.
    used_channel: Option<OobChannel>,
}

impl<C: ChallengeApi + Clone, T: TokenApi + Clone> MfaRequired<C, T> {
    /// The `mfa_token` of the `mfa_required` answer.
    pub fn mfa_token(&self) -> &Secret {
        &self.mfa_token
    }

    /// The channel the next challenge must avoid: set during a recovery.
    pub fn used_channel(&self) -> Option<OobChannel> {
        self.used_channel
    }

    /// Sends a binding code over `channel`. During a recovery the channel must differ from the
    /// first one; the same channel is refused here, before anything is sent.
    pub async fn challenge(self, channel: OobChannel) -> Result<CodeSent<C, T>, FlowError> {
        let step = FlowStep::Challenge;
        if self.used_channel == Some(channel) {
            return Err(FlowError::refused(step, "recovery needs two different channels; nothing was sent"));
        }
        let body = AuthChallenge::oob(channel, self.mfa_token.clone());
        let answer = self.flow.challenge_api.aid_auth_mfa_challenge_post(&self.flow.aid, &body).await;
        let answer = answer.map_err(|e| FlowError::call(step, e))?;
        let Some(oob_code) = answer.oob_code else {
            return Err(FlowError::unfit_answer(
                step,
                "the answer has no oob_code; a message may have been sent",
            ));
        };
        Ok(CodeSent { flow: self.flow, channel, oob_code, mfa_token: self.mfa_token, recovery: false })
    }
}

impl<C, T> fmt::Debug for MfaRequired<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaRequired")
            .field("aid", &self.flow.aid)
            .field("used_channel", &self.used_channel)
            .finish()
    }
}

/// A binding code is on its way to the user; [`CodeSent::verify`] it.
///
/// `verify` borrows the step, so a mistyped code costs nothing but an attempt: call `verify`
/// again on the same step with the corrected code, and no new message is sent. A code the
/// client refuses before sending (one with a control character, such as a trailing newline from
/// a prompt) does not even cost an attempt: nothing reaches the server.
///
/// How many wrong codes an `oob_code` survives is the server's rule: Dintero's published spec
/// does not state a number, and the fake server allows 3 (its default). After the last allowed
/// wrong code, and after a successful `verify`, the server treats the `oob_code` as used: every
/// further `verify` on this step fails with a 403 (`invalid_binding_code` or
/// `invalid_oob_code`), and the only way on is a new flow ([`MfaFlow::login`] or
/// [`MfaFlow::start_recovery`]), which sends a new message. `Debug` never shows the `oob_code`
/// or the `mfa_token`.
pub struct CodeSent<C = ChallengeApiClient, T = TokenApiClient> {
    flow: MfaFlow<C, T>,
    channel: OobChannel,
    oob_code: Secret,
    mfa_token: Secret,
    recovery: bool,
}

impl<C: ChallengeApi + Clone, T: TokenApi + Clone> CodeSent<C, T> {
    /// Where the binding code went.
    pub fn channel(&self) -> OobChannel {
        self.channel
    }

    /// The `mfa_oob` token request with the binding code the user typed. After a login
    /// challenge this gives [`Step::Done`]; after the first factor of a recovery, Dintero answers
    /// `mfa_required` and this gives [`Step::MfaRequired`] for the other channel.
    ///
    /// On a wrong code (a 403 `invalid_binding_code`) or a code refused before sending
    /// ([`is_invalid_input`](http_api_client::Error::is_invalid_input)), the step is still yours: ask the user again and call
    /// `verify` again, within the server's attempt limit (see [`CodeSent`]).
    pub async fn verify(&self, binding_code: impl Into<Secret>) -> Result<Step<C, T>, FlowError> {
        let request = TokenRequest::mfa_oob(self.oob_code.clone(), binding_code, self.mfa_token.clone());
        let used = self.recovery.then_some(self.channel);
        self.flow.token(FlowStep::MfaOobToken, &request, used).await
    }
}

impl<C, T> fmt::Debug for CodeSent<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeSent")
            .field("aid", &self.flow.aid)
            .field("channel", &self.channel)
            .field("recovery", &self.recovery)
            .finish_non_exhaustive()
    }
}
