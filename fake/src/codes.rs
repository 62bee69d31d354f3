//! Every `error.code` the fake answers with, and its HTTP status. Dintero documents the
//! statuses (400, 401, 403, 404, 429, 500) and the `mfa_required` code; the other codes are
//! this fake's choice, made so a test can tell each failure apart.

/// 400: the body is not JSON, not UTF-8, or breaks the schema; `errors` lists every problem.
pub const INVALID_REQUEST: &str = "invalid_request";
/// 401: `Authorization: Bearer <token>` missing, malformed or not accepted (MFA endpoints;
/// with [`BearerPolicy::Issued`](crate::BearerPolicy::Issued) also unknown or expired).
pub const UNAUTHORIZED: &str = "unauthorized";
/// 401: password grant with an unknown username or a wrong password (not told apart).
pub const INVALID_GRANT: &str = "invalid_grant";
/// 401: `client_credentials` grant without HTTP Basic client authentication, with a
/// malformed one, an unknown client id or a wrong secret (not told apart).
pub const INVALID_CLIENT: &str = "invalid_client";
/// 403: `client_credentials` grant for an audience the client is not allowed.
pub const INVALID_AUDIENCE: &str = "invalid_audience";
/// 403: the first factor passed, a second is needed; the body carries `error.mfa_token`.
pub const MFA_REQUIRED: &str = "mfa_required";
/// 403: the `mfa_token` is unknown, already used, from another account, or not one this
/// endpoint takes (a recovery's first token at the challenge endpoint).
pub const INVALID_MFA_TOKEN: &str = "invalid_mfa_token";
/// 403: the `mfa_token` outlived its TTL.
pub const EXPIRED_MFA_TOKEN: &str = "expired_mfa_token";
/// 403: the `oob_code` is unknown, already used, burnt by wrong binding codes, or belongs to
/// another `mfa_token`.
pub const INVALID_OOB_CODE: &str = "invalid_oob_code";
/// 403: the `oob_code` outlived its TTL.
pub const EXPIRED_OOB_CODE: &str = "expired_oob_code";
/// 403: the binding code does not match the one delivered for the `oob_code`.
pub const INVALID_BINDING_CODE: &str = "invalid_binding_code";
/// 400: the user has no MFA on the requested `oob_channel`.
pub const CHANNEL_NOT_ENABLED: &str = "channel_not_enabled";
/// 400: recovery asked for a user who has no MFA at all.
pub const MFA_NOT_ENABLED: &str = "mfa_not_enabled";
/// 400: a recovery's second challenge asked for the channel its first one used; Dintero's
/// recovery needs two different channels. Nothing is delivered.
pub const RECOVERY_CHANNEL_REUSED: &str = "recovery_channel_reused";
/// 404: recovery asked for a username the account does not have.
pub const USER_NOT_FOUND: &str = "user_not_found";
/// 404: the account (`{aid}`) or the path does not exist.
pub const NOT_FOUND: &str = "not_found";
/// 405: a known path with another method than POST; the `Allow` header says `POST`.
pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
/// 408: the body did not arrive in time.
pub const REQUEST_TIMEOUT: &str = "request_timeout";
/// 413: the body is larger than the configured limit (64 KiB by default).
pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
/// 415: a `Content-Type` other than JSON (a missing one is accepted).
pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
/// 429: too many challenges for this user in the window; `Retry-After` says when to retry.
/// Nothing is delivered.
pub const TOO_MANY_REQUESTS: &str = "too_many_requests";
