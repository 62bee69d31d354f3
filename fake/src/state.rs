//! Everything the fake remembers: accounts and users, live `mfa_token`s and challenges,
//! each user's outbox and recent challenges, and the request log.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::clock::{Clock, Tick};
use crate::config::{Channel, Config};
use crate::expiring::ExpiringMap;
use crate::faults::Faults;
use crate::ids::Ids;
use crate::inspect::{Delivered, RequestRecord};
use crate::limits::{MAX_LOGGED_REQUESTS, MAX_OUTBOX_LEN, MAX_REMEMBERED_CODES};
use crate::route::Endpoint;

/// Expired tokens and codes are kept this long (fake time) so that using one answers
/// `expired_…` rather than `invalid_…`.
const KEEP_EXPIRED: Duration = Duration::from_secs(60 * 60);

/// Where an `mfa_token` stands in its flow; decides what it may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// From a password grant: challenge over any enabled channel, then `mfa_oob`.
    Login,
    /// From a recovery request: only `mfa_oob` with that request's `oob_code`.
    RecoveryFirst { channel: Channel },
    /// After a recovery's first factor: challenge over a channel other than `first`.
    RecoverySecond { first: Channel },
}

#[derive(Debug)]
pub(crate) struct MfaToken {
    pub(crate) aid: String,
    pub(crate) username: String,
    pub(crate) stage: Stage,
    pub(crate) expires: Tick,
    pub(crate) used: bool,
}

/// An access token this fake issued (any grant): what [`BearerPolicy::Issued`] accepts.
///
/// [`BearerPolicy::Issued`]: crate::BearerPolicy::Issued
#[derive(Debug)]
pub(crate) struct IssuedToken {
    pub(crate) aid: String,
    pub(crate) expires: Tick,
}

#[derive(Debug)]
pub(crate) struct Challenge {
    pub(crate) mfa_token: String,
    pub(crate) binding_code: String,
    pub(crate) channel: Channel,
    pub(crate) expires: Tick,
    /// Spent by a successful `mfa_oob`, or burnt by too many wrong binding codes.
    pub(crate) used: bool,
    pub(crate) wrong_attempts: u32,
}

#[derive(Debug)]
pub(crate) struct UserState {
    pub(crate) password: String,
    pub(crate) mfa: BTreeSet<Channel>,
    /// When this user's recent challenges were sent, oldest first (for the rate limit).
    recent: VecDeque<Tick>,
    outbox: BTreeMap<Channel, VecDeque<Delivered>>,
}

#[derive(Debug)]
pub(crate) struct Store {
    /// aid → username → user.
    accounts: HashMap<String, HashMap<String, UserState>>,
    pub(crate) mfa_tokens: ExpiringMap<MfaToken>,
    /// By `oob_code`.
    pub(crate) challenges: ExpiringMap<Challenge>,
    /// By access token.
    pub(crate) access_tokens: ExpiringMap<IssuedToken>,
    log: VecDeque<RequestRecord>,
    total: usize,
    per_endpoint: HashMap<Endpoint, usize>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            accounts: HashMap::new(),
            mfa_tokens: ExpiringMap::new(MAX_REMEMBERED_CODES),
            challenges: ExpiringMap::new(MAX_REMEMBERED_CODES),
            access_tokens: ExpiringMap::new(MAX_REMEMBERED_CODES),
            log: VecDeque::new(),
            total: 0,
            per_endpoint: HashMap::new(),
        }
    }
}

impl Store {
    pub(crate) fn has_account(&self, aid: &str) -> bool {
        self.accounts.contains_key(aid)
    }

    pub(crate) fn user(&self, aid: &str, username: &str) -> Option<&UserState> {
        self.accounts.get(aid)?.get(username)
    }

    fn user_mut(&mut self, aid: &str, username: &str) -> Option<&mut UserState> {
        self.accounts.get_mut(aid)?.get_mut(username)
    }

    /// Counts a challenge against the user's rate limit, or says how many seconds to wait.
    pub(crate) fn admit_challenge(
        &mut self,
        aid: &str,
        username: &str,
        limit: Option<(u32, Duration)>,
        now: Tick,
    ) -> Result<(), u64> {
        let Some(user) = self.user_mut(aid, username) else { return Ok(()) };
        let Some((max, window)) = limit else { return Ok(()) };
        while user.recent.front().is_some_and(|&at| now.saturating_sub(at) >= window) {
            user.recent.pop_front();
        }
        if user.recent.len() >= max as usize {
            let oldest = user.recent.front().copied().unwrap_or(now);
            let wait = oldest.saturating_add(window).saturating_sub(now);
            // Round up: retrying after a rounded-down wait would hit the limit again.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(secs.max(1));
        }
        user.recent.push_back(now);
        Ok(())
    }

    pub(crate) fn deliver(&mut self, aid: &str, username: &str, channel: Channel, delivered: Delivered) {
        if let Some(user) = self.user_mut(aid, username) {
            let outbox = user.outbox.entry(channel).or_default();
            if outbox.len() >= MAX_OUTBOX_LEN {
                outbox.pop_front();
            }
            outbox.push_back(delivered);
        }
    }

    pub(crate) fn insert_token(&mut self, token: String, value: MfaToken, now: Tick) {
        let forget_at = value.expires.saturating_add(KEEP_EXPIRED);
        self.mfa_tokens.insert(token, value, forget_at, now);
    }

    pub(crate) fn insert_challenge(&mut self, oob_code: String, value: Challenge, now: Tick) {
        let forget_at = value.expires.saturating_add(KEEP_EXPIRED);
        self.challenges.insert(oob_code, value, forget_at, now);
    }

    pub(crate) fn insert_access_token(&mut self, token: String, value: IssuedToken, now: Tick) {
        let forget_at = value.expires.saturating_add(KEEP_EXPIRED);
        self.access_tokens.insert(token, value, forget_at, now);
    }
}

/// The fake's shared state: configuration, clock, id source, fault queue and store.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) clock: Clock,
    pub(crate) ids: Ids,
    pub(crate) faults: Faults,
    store: Mutex<Store>,
}

impl State {
    pub(crate) fn new(config: Config) -> Self {
        let mut store = Store::default();
        for account in &config.accounts {
            let users = account
                .users
                .iter()
                .map(|u| {
                    let user = UserState {
                        password: u.password.clone(),
                        mfa: u.mfa.clone(),
                        recent: VecDeque::new(),
                        outbox: BTreeMap::new(),
                    };
                    (u.username.clone(), user)
                })
                .collect();
            store.accounts.insert(account.id.clone(), users);
        }
        State {
            config,
            clock: Clock::new(),
            ids: Ids::new(),
            faults: Faults::default(),
            store: Mutex::new(store),
        }
    }

    /// The store, locked. Never held across an `.await`.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // Handlers do not panic while holding the lock; should one ever, every change it
        // makes is a whole insert or flag, so the data is still coherent.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, record: RequestRecord) {
        let mut store = self.store();
        store.total += 1;
        if let Some(endpoint) = record.endpoint {
            *store.per_endpoint.entry(endpoint).or_default() += 1;
        }
        if store.log.len() >= MAX_LOGGED_REQUESTS {
            store.log.pop_front();
        }
        store.log.push_back(record);
    }

    pub(crate) fn outbox(&self, aid: &str, username: &str, channel: Channel) -> Vec<Delivered> {
        let store = self.store();
        let outbox = store.user(aid, username).and_then(|u| u.outbox.get(&channel));
        outbox.map(|o| o.iter().cloned().collect()).unwrap_or_default()
    }

    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.store().log.iter().cloned().collect()
    }

    pub(crate) fn request_count(&self) -> usize {
        self.store().total
    }

    pub(crate) fn endpoint_count(&self, endpoint: Endpoint) -> usize {
        self.store().per_endpoint.get(&endpoint).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{MFA_USERNAME, TEST_ACCOUNT};

    const TTL: Duration = Duration::from_secs(300);

    fn login_token(now: Tick) -> MfaToken {
        MfaToken {
            aid: TEST_ACCOUNT.into(),
            username: MFA_USERNAME.into(),
            stage: Stage::Login,
            expires: now + TTL,
            used: false,
        }
    }

    fn challenge(now: Tick) -> Challenge {
        Challenge {
            mfa_token: "mfa_x".into(),
            binding_code: "123456".into(),
            channel: Channel::Sms,
            expires: now + TTL,
            used: false,
            wrong_attempts: 0,
        }
    }

    #[test]
    fn expired_codes_are_forgotten_by_the_next_insert_however_few() {
        let state = State::new(Config::default());
        let now = state.clock.now();
        let mut store = state.store();
        for i in 0..5_000 {
            store.insert_token(format!("mfa_{i}"), login_token(now), now);
            store.insert_challenge(format!("oob_{i}"), challenge(now), now);
        }
        // Until an hour after expiry they are kept, to answer `expired_…`.
        let later = now + TTL + KEEP_EXPIRED - Duration::from_secs(1);
        store.insert_token("mfa_kept".into(), login_token(later), later);
        assert_eq!(store.mfa_tokens.len(), 5_001);

        state.clock.advance(TTL + KEEP_EXPIRED);
        let now = state.clock.now();
        store.insert_token("mfa_new".into(), login_token(now), now);
        store.insert_challenge("oob_new".into(), challenge(now), now);
        assert_eq!(store.mfa_tokens.len(), 2, "only mfa_kept and mfa_new remain");
        assert!(store.mfa_tokens.get("mfa_0").is_none());
        assert!(store.mfa_tokens.get("mfa_new").is_some());
        assert_eq!(store.challenges.len(), 1);
    }

    #[test]
    fn issuing_among_30_000_live_tokens_looks_at_one_entry() {
        let mut store = Store::default();
        let now = Duration::from_secs(1);
        for i in 0..30_000 {
            store.insert_token(format!("mfa_{i}"), login_token(now), now);
            store.insert_challenge(format!("oob_{i}"), challenge(now), now);
        }
        store.mfa_tokens.take_visited();
        store.challenges.take_visited();
        store.insert_token("mfa_one_more".into(), login_token(now), now);
        store.insert_challenge("oob_one_more".into(), challenge(now), now);
        assert_eq!(store.mfa_tokens.take_visited(), 1);
        assert_eq!(store.challenges.take_visited(), 1);
        assert_eq!((store.mfa_tokens.len(), store.challenges.len()), (30_001, 30_001));
    }

    #[test]
    fn a_flood_of_live_tokens_is_capped_forgetting_the_oldest() {
        let mut store = Store::default();
        let start = Duration::from_secs(1);
        let extra = 10;
        for i in 0..MAX_REMEMBERED_CODES + extra {
            let now = start + Duration::from_millis(i as u64);
            store.insert_token(format!("mfa_{i}"), login_token(now), now);
        }
        assert_eq!(store.mfa_tokens.len(), MAX_REMEMBERED_CODES);
        assert!(store.mfa_tokens.get(&format!("mfa_{}", extra - 1)).is_none());
        assert!(store.mfa_tokens.get(&format!("mfa_{extra}")).is_some());
        assert!(store.mfa_tokens.get(&format!("mfa_{}", MAX_REMEMBERED_CODES + extra - 1)).is_some());
    }

    #[test]
    fn rate_limit_counts_a_sliding_window_and_rounds_up() {
        let state = State::new(Config::default());
        let mut store = state.store();
        let limit = Some((2, Duration::from_secs(60)));
        let t0 = Duration::from_millis(500);
        assert_eq!(store.admit_challenge(TEST_ACCOUNT, MFA_USERNAME, limit, t0), Ok(()));
        assert_eq!(
            store.admit_challenge(TEST_ACCOUNT, MFA_USERNAME, limit, t0 + Duration::from_secs(10)),
            Ok(())
        );
        // 20.5 s after the first: 39.5 s left, reported as 40.
        let t = t0 + Duration::from_millis(20_500);
        assert_eq!(store.admit_challenge(TEST_ACCOUNT, MFA_USERNAME, limit, t), Err(40));
        // Once the first has left the window, one more is admitted.
        assert_eq!(
            store.admit_challenge(TEST_ACCOUNT, MFA_USERNAME, limit, t0 + Duration::from_secs(60)),
            Ok(())
        );
        assert_eq!(store.admit_challenge(TEST_ACCOUNT, MFA_USERNAME, None, t0), Ok(()));
    }
}
