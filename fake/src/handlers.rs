//! The rules of each endpoint, on validated requests. Each takes the store's lock once, so a
//! request sees and leaves a consistent state.

use serde::Serialize;
use serde_json::Value;

use crate::clock::Tick;
use crate::codes;
use crate::config::Channel;
use crate::errors::ApiError;
use crate::inspect::Delivered;
use crate::state::{Challenge, IssuedToken, MfaToken, Stage, State, Store};
use crate::validate::{ChallengeRequest, ClientAuth, RecoveryRequest, TokenRequest};

#[derive(Serialize)]
struct ChallengeResponse {
    challenge_type: &'static str,
    binding_method: &'static str,
    oob_code: String,
}

#[derive(Serialize)]
struct RecoveryResponse {
    challenge_type: &'static str,
    binding_method: &'static str,
    oob_code: String,
    mfa_token: String,
}

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

/// A successful answer: always 200 with a JSON body.
pub(crate) type Answer = Result<Value, ApiError>;

fn to_json(value: impl Serialize) -> Answer {
    serde_json::to_value(value)
        .map_err(|_| ApiError::new(500, "internal_error", "could not encode the response"))
}

/// `auth`: the request's client authentication, which only the `client_credentials` grant
/// reads (the other grants take no client credentials in this fake).
pub(crate) fn token(state: &State, aid: &str, request: TokenRequest, auth: &ClientAuth) -> Answer {
    match request {
        TokenRequest::Password { username, password } => password_grant(state, aid, &username, &password),
        TokenRequest::MfaOob { oob_code, binding_code, mfa_token } => {
            mfa_oob_grant(state, aid, &oob_code, &binding_code, &mfa_token)
        }
        TokenRequest::ClientCredentials { audience } => client_credentials_grant(state, aid, &audience, auth),
    }
}

fn client_credentials_grant(state: &State, aid: &str, audience: &str, auth: &ClientAuth) -> Answer {
    let invalid_client = |message: &str| ApiError::new(401, codes::INVALID_CLIENT, message);
    let (id, secret) = match auth {
        ClientAuth::Basic { id, secret } => (id, secret),
        ClientAuth::Missing => {
            return Err(invalid_client(
                "the client_credentials grant needs HTTP Basic client authentication \
                 (`Authorization: Basic base64(client_id:client_secret)`)",
            ))
        }
        ClientAuth::Malformed(reason) => return Err(invalid_client(reason)),
    };
    let client = match state.config.clients.iter().find(|c| c.id == *id) {
        Some(client) if client.secret == *secret => client,
        // Unknown client and wrong secret answer alike, as a real server must.
        _ => return Err(invalid_client("unknown client id or wrong client secret")),
    };
    if !client.audiences.contains(audience) {
        return Err(ApiError::forbidden(codes::INVALID_AUDIENCE, "the client is not allowed this audience"));
    }
    let now = state.clock.now();
    let mut store = state.store();
    // No refresh token for this grant: the client asks again before expiry.
    access_token(state, &mut store, aid, now, false)
}

fn password_grant(state: &State, aid: &str, username: &str, password: &str) -> Answer {
    let now = state.clock.now();
    let mut store = state.store();
    let mfa = match store.user(aid, username) {
        Some(user) if user.password == password => !user.mfa.is_empty(),
        // Unknown user and wrong password answer alike, as a real server must.
        _ => return Err(ApiError::new(401, codes::INVALID_GRANT, "invalid username or password")),
    };
    if !mfa {
        return access_token(state, &mut store, aid, now, state.config.refresh_tokens);
    }
    let token = issue_token(state, &mut store, aid, username, Stage::Login, now);
    Err(ApiError::mfa_required(
        token,
        "multi-factor authentication required; request a challenge with the mfa_token",
    ))
}

fn mfa_oob_grant(state: &State, aid: &str, oob_code: &str, binding_code: &str, mfa_token: &str) -> Answer {
    let now = state.clock.now();
    let mut store = state.store();
    let (username, stage) = live_token(&store, aid, mfa_token, now)?;

    let max_attempts = state.config.max_binding_attempts;
    let challenge = match store.challenges.get_mut(oob_code) {
        Some(c) if c.mfa_token == mfa_token => c,
        _ => {
            return Err(ApiError::forbidden(
                codes::INVALID_OOB_CODE,
                "oob_code is unknown or belongs to another mfa_token",
            ))
        }
    };
    if challenge.used {
        return Err(ApiError::forbidden(
            codes::INVALID_OOB_CODE,
            "oob_code has already been used; request a new challenge",
        ));
    }
    if now >= challenge.expires {
        return Err(ApiError::forbidden(
            codes::EXPIRED_OOB_CODE,
            "oob_code has expired; request a new challenge",
        ));
    }
    if challenge.binding_code != binding_code {
        challenge.wrong_attempts += 1;
        if challenge.wrong_attempts >= max_attempts {
            challenge.used = true;
            return Err(ApiError::forbidden(
                codes::INVALID_BINDING_CODE,
                "binding_code does not match; too many attempts, the oob_code is no longer valid",
            ));
        }
        return Err(ApiError::forbidden(codes::INVALID_BINDING_CODE, "binding_code does not match"));
    }
    challenge.used = true;
    let channel = challenge.channel;
    if let Some(token) = store.mfa_tokens.get_mut(mfa_token) {
        token.used = true;
    }

    match stage {
        Stage::Login | Stage::RecoverySecond { .. } => {
            access_token(state, &mut store, aid, now, state.config.refresh_tokens)
        }
        Stage::RecoveryFirst { .. } => {
            let stage = Stage::RecoverySecond { first: channel };
            let token = issue_token(state, &mut store, aid, &username, stage, now);
            let other = match channel {
                Channel::Sms => Channel::Email,
                Channel::Email => Channel::Sms,
            };
            Err(ApiError::mfa_required(
                token,
                format!(
                    "first recovery factor passed; request a challenge over `{other}` with the new mfa_token"
                ),
            ))
        }
    }
}

pub(crate) fn challenge(state: &State, aid: &str, request: ChallengeRequest) -> Answer {
    let now = state.clock.now();
    let mut store = state.store();
    let (username, stage) = live_token(&store, aid, &request.mfa_token, now)?;
    match stage {
        Stage::Login => {}
        Stage::RecoveryFirst { .. } => {
            return Err(ApiError::forbidden(
                codes::INVALID_MFA_TOKEN,
                "this mfa_token came from a recovery request; answer its oob_code with grant_type mfa_oob",
            ))
        }
        Stage::RecoverySecond { first } if first == request.channel => {
            return Err(ApiError::bad_request(
                codes::RECOVERY_CHANNEL_REUSED,
                format!("recovery needs two different channels; the first challenge already used `{first}`"),
            ))
        }
        Stage::RecoverySecond { .. } => {}
    }
    let enabled = store.user(aid, &username).is_some_and(|u| u.mfa.contains(&request.channel));
    if !enabled {
        return Err(channel_not_enabled(request.channel));
    }
    let oob_code =
        send_challenge(state, &mut store, aid, &username, request.channel, &request.mfa_token, now)?;
    to_json(ChallengeResponse { challenge_type: "oob", binding_method: "prompt", oob_code })
}

pub(crate) fn recovery(state: &State, aid: &str, request: RecoveryRequest) -> Answer {
    let now = state.clock.now();
    let mut store = state.store();
    let Some(user) = store.user(aid, &request.username) else {
        return Err(ApiError::new(404, codes::USER_NOT_FOUND, "no user with this username in the account"));
    };
    if user.mfa.is_empty() {
        return Err(ApiError::bad_request(codes::MFA_NOT_ENABLED, "the user has no MFA to recover"));
    }
    if !user.mfa.contains(&request.channel) {
        return Err(channel_not_enabled(request.channel));
    }
    // Checked before the token is made, so a refused recovery leaves nothing behind.
    admit(state, &mut store, aid, &request.username, now)?;
    let stage = Stage::RecoveryFirst { channel: request.channel };
    let mfa_token = issue_token(state, &mut store, aid, &request.username, stage, now);
    let oob_code =
        create_challenge(state, &mut store, aid, &request.username, request.channel, &mfa_token, now);
    to_json(RecoveryResponse { challenge_type: "oob", binding_method: "prompt", oob_code, mfa_token })
}

/// The token's user and stage if it may be used now in account `aid`.
fn live_token(store: &Store, aid: &str, mfa_token: &str, now: Tick) -> Result<(String, Stage), ApiError> {
    let token = match store.mfa_tokens.get(mfa_token) {
        // A token from another account is treated as unknown: accounts do not share tokens.
        Some(t) if t.aid == aid => t,
        _ => return Err(ApiError::forbidden(codes::INVALID_MFA_TOKEN, "mfa_token is unknown")),
    };
    if token.used {
        return Err(ApiError::forbidden(codes::INVALID_MFA_TOKEN, "mfa_token has already been used"));
    }
    if now >= token.expires {
        return Err(ApiError::forbidden(codes::EXPIRED_MFA_TOKEN, "mfa_token has expired; log in again"));
    }
    Ok((token.username.clone(), token.stage))
}

fn channel_not_enabled(channel: Channel) -> ApiError {
    ApiError::bad_request(codes::CHANNEL_NOT_ENABLED, format!("the user has no MFA over `{channel}`"))
}

fn admit(state: &State, store: &mut Store, aid: &str, username: &str, now: Tick) -> Result<(), ApiError> {
    store.admit_challenge(aid, username, state.config.rate_limit, now).map_err(ApiError::too_many_requests)
}

fn send_challenge(
    state: &State,
    store: &mut Store,
    aid: &str,
    username: &str,
    channel: Channel,
    mfa_token: &str,
    now: Tick,
) -> Result<String, ApiError> {
    admit(state, store, aid, username, now)?;
    Ok(create_challenge(state, store, aid, username, channel, mfa_token, now))
}

/// Makes a challenge and "sends" its binding code to the user's outbox.
fn create_challenge(
    state: &State,
    store: &mut Store,
    aid: &str,
    username: &str,
    channel: Channel,
    mfa_token: &str,
    now: Tick,
) -> String {
    let oob_code = state.ids.token("oob_");
    let binding_code = state.ids.binding_code();
    let delivered = Delivered {
        binding_code: binding_code.clone(),
        oob_code: oob_code.clone(),
        at: state.clock.wall(now),
    };
    store.deliver(aid, username, channel, delivered);
    let challenge = Challenge {
        mfa_token: mfa_token.to_owned(),
        binding_code,
        channel,
        expires: now.saturating_add(state.config.oob_code_ttl),
        used: false,
        wrong_attempts: 0,
    };
    store.insert_challenge(oob_code.clone(), challenge, now);
    oob_code
}

fn issue_token(
    state: &State,
    store: &mut Store,
    aid: &str,
    username: &str,
    stage: Stage,
    now: Tick,
) -> String {
    let token = state.ids.token("mfa_");
    let value = MfaToken {
        aid: aid.to_owned(),
        username: username.to_owned(),
        stage,
        expires: now.saturating_add(state.config.mfa_token_ttl),
        used: false,
    };
    store.insert_token(token.clone(), value, now);
    token
}

/// Issues an access token for account `aid`, remembered until it expires (for
/// [`BearerPolicy::Issued`](crate::BearerPolicy::Issued)).
fn access_token(state: &State, store: &mut Store, aid: &str, now: Tick, refresh_token: bool) -> Answer {
    let token = state.ids.token("fake_at_");
    // Whole seconds, as `expires_in` says: the token lives exactly as long as reported.
    let ttl = std::time::Duration::from_secs(state.config.access_token_ttl.as_secs());
    let issued = IssuedToken { aid: aid.to_owned(), expires: now.saturating_add(ttl) };
    store.insert_access_token(token.clone(), issued, now);
    to_json(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: ttl.as_secs(),
        refresh_token: refresh_token.then(|| state.ids.token("fake_rt_")),
    })
}

/// Whether an access token may be used now on account `aid`'s MFA endpoints under
/// [`BearerPolicy::Issued`](crate::BearerPolicy::Issued); why not otherwise.
pub(crate) fn check_issued(state: &State, aid: &str, token: &str) -> Result<(), ApiError> {
    let now = state.clock.now();
    let store = state.store();
    match store.access_tokens.get(token) {
        None => Err(ApiError::unauthorized("bearer token is not one this server issued")),
        Some(issued) if issued.aid != aid => {
            Err(ApiError::unauthorized("bearer token was issued for another account"))
        }
        Some(issued) if now >= issued.expires => Err(ApiError::unauthorized("bearer token has expired")),
        Some(_) => Ok(()),
    }
}
