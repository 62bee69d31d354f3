//! What the fake knows before the first request: accounts, users, lifetimes, limits.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

/// The test account every default configuration has.
pub const TEST_ACCOUNT: &str = "T00000000";
/// The production-style account every default configuration has.
pub const PRODUCTION_ACCOUNT: &str = "P00000000";
/// Username of the default user with MFA over SMS and e-mail (in both default accounts).
pub const MFA_USERNAME: &str = "ola@example.com";
/// Password of [`MFA_USERNAME`].
pub const MFA_PASSWORD: &str = "correct horse";
/// Username of the default user without MFA (in both default accounts).
pub const PLAIN_USERNAME: &str = "kari@example.com";
/// Password of [`PLAIN_USERNAME`].
pub const PLAIN_PASSWORD: &str = "battery staple";

/// Id of the API client every default configuration has (see [`ApiClient`]).
pub const DEFAULT_CLIENT_ID: &str = "fake-client-id";
/// Secret of [`DEFAULT_CLIENT_ID`].
pub const DEFAULT_CLIENT_SECRET: &str = "fake-client-secret";

/// The `audience` of account `aid`'s API, as Dintero names it:
/// `https://api.dintero.com/v1/accounts/{aid}`. The default client may ask for it for both
/// default accounts.
pub fn account_audience(aid: &str) -> String {
    format!("https://api.dintero.com/v1/accounts/{aid}")
}

/// Default lifetime of an `mfa_token`.
pub const DEFAULT_MFA_TOKEN_TTL: Duration = Duration::from_secs(5 * 60);
/// Default lifetime of an `oob_code` and its binding code.
pub const DEFAULT_OOB_CODE_TTL: Duration = Duration::from_secs(5 * 60);
/// Default lifetime of an access token (the `expires_in` the fake reports).
pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(60 * 60);
/// Default number of challenges (MFA challenge or recovery) a user may get per window.
pub const DEFAULT_RATE_LIMIT_MAX: u32 = 5;
/// Default rate-limit window.
pub const DEFAULT_RATE_LIMIT_WINDOW: Duration = Duration::from_secs(60);
/// Default number of wrong binding codes after which an `oob_code` is burnt.
pub const DEFAULT_MAX_BINDING_ATTEMPTS: u32 = 3;
/// Default limit on a request body; larger bodies get 413.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// An out-of-band channel a binding code can be delivered over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// `"sms"`, the API's default channel.
    Sms,
    /// `"email"`.
    Email,
}

impl Channel {
    /// The channel's name on the wire (`"sms"` or `"email"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    /// Parses a wire name; `None` for anything but `"sms"` and `"email"`.
    pub fn from_wire(name: &str) -> Option<Channel> {
        match name {
            "sms" => Some(Channel::Sms),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An end user who can log in to an account.
///
/// Passwords here are fake test data, so `Debug` shows them: that helps when a test fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) mfa: BTreeSet<Channel>,
}

impl User {
    /// A user without MFA: a password grant gives an access token straight away.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self { username: username.into(), password: password.into(), mfa: BTreeSet::new() }
    }

    /// Enables MFA over these channels (adding to those already enabled). A user with any
    /// channel gets `403 mfa_required` from the password grant; recovery needs two channels.
    #[must_use]
    pub fn mfa(mut self, channels: impl IntoIterator<Item = Channel>) -> Self {
        self.mfa.extend(channels);
        self
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The channels MFA is enabled on (empty: no MFA).
    pub fn mfa_channels(&self) -> impl Iterator<Item = Channel> + '_ {
        self.mfa.iter().copied()
    }
}

/// A Dintero account (`aid`) and its users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub(crate) id: String,
    pub(crate) users: Vec<User>,
}

impl Account {
    /// An account with no users. The id is matched against the decoded `{aid}` path segment,
    /// so it may hold any character (a `/` in it must be sent as `%2F`).
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), users: Vec::new() }
    }

    /// Adds a user; a second user with the same username makes [`ConfigBuilder::build`] fail.
    #[must_use]
    pub fn user(mut self, user: User) -> Self {
        self.users.push(user);
        self
    }

    /// The account id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The users.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// An account holding the two default users ([`MFA_USERNAME`], [`PLAIN_USERNAME`]).
    pub fn with_default_users(id: impl Into<String>) -> Self {
        Account::new(id)
            .user(User::new(MFA_USERNAME, MFA_PASSWORD).mfa([Channel::Sms, Channel::Email]))
            .user(User::new(PLAIN_USERNAME, PLAIN_PASSWORD))
    }
}

/// An API client that gets access tokens with the `client_credentials` grant: HTTP Basic
/// `client_id:client_secret` at the token endpoint, for one of its allowed audiences.
///
/// `Debug` shows the id and audiences, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub(crate) id: String,
    pub(crate) secret: String,
    pub(crate) audiences: BTreeSet<String>,
}

impl ApiClient {
    /// A client with no audience yet: add at least one with [`audience`](Self::audience) or
    /// [`account`](Self::account) ([`ConfigBuilder::build`] refuses a client without).
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self { id: id.into(), secret: secret.into(), audiences: BTreeSet::new() }
    }

    /// Allows this `audience` (the `audience` field of the token request, matched exactly).
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.insert(audience.into());
        self
    }

    /// Allows the audience of account `aid`'s API ([`account_audience`]).
    #[must_use]
    pub fn account(self, aid: &str) -> Self {
        self.audience(account_audience(aid))
    }

    /// The client id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The allowed audiences.
    pub fn audiences(&self) -> impl Iterator<Item = &str> + '_ {
        self.audiences.iter().map(String::as_str)
    }

    /// The default client: [`DEFAULT_CLIENT_ID`] / [`DEFAULT_CLIENT_SECRET`], allowed the
    /// audiences of [`TEST_ACCOUNT`] and [`PRODUCTION_ACCOUNT`].
    pub fn default_client() -> Self {
        ApiClient::new(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
            .account(TEST_ACCOUNT)
            .account(PRODUCTION_ACCOUNT)
    }
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .field("audiences", &self.audiences)
            .finish()
    }
}

/// Which `Authorization: Bearer <token>` values the MFA endpoints accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BearerPolicy {
    /// Any non-empty token (the fake does not check JWT signatures). The default.
    AnyNonEmpty,
    /// Only these tokens; any other gets 401 `unauthorized`.
    Only(BTreeSet<String>),
    /// Only access tokens this fake issued (any grant) for the account in the path, until
    /// they expire; any other gets 401 `unauthorized`. Tokens expire on the fake's clock, so
    /// [`FakeServer::advance_time`](crate::FakeServer::advance_time) past `expires_in` makes
    /// the server refuse a token its client still holds.
    Issued,
}

/// A problem with a configuration, reported by [`ConfigBuilder::build`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// An account id is empty.
    EmptyAccountId,
    /// Two accounts have this id.
    DuplicateAccount(String),
    /// A username is empty in this account.
    EmptyUsername {
        /// The account.
        account: String,
    },
    /// Two users of one account share a username.
    DuplicateUser {
        /// The account.
        account: String,
        /// The username.
        username: String,
    },
    /// `rate_limit` was given a maximum of 0 or an empty window.
    InvalidRateLimit,
    /// `max_binding_attempts` was 0.
    InvalidBindingAttempts,
    /// `accept_bearer_tokens` was given no token or an empty one.
    InvalidBearerTokens,
    /// An API client's id is empty, or holds `:` or a control character (HTTP Basic cannot
    /// carry them).
    InvalidClientId(String),
    /// This API client's secret is empty.
    EmptyClientSecret(String),
    /// This API client has no allowed audience.
    NoAudience(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::EmptyAccountId => f.write_str("an account id is empty"),
            ConfigError::DuplicateAccount(id) => write!(f, "account `{id}` is configured twice"),
            ConfigError::EmptyUsername { account } => write!(f, "account `{account}` has an empty username"),
            ConfigError::DuplicateUser { account, username } => {
                write!(f, "account `{account}` has user `{username}` twice")
            }
            ConfigError::InvalidRateLimit => {
                f.write_str("rate limit needs a maximum above 0 and a non-empty window")
            }
            ConfigError::InvalidBindingAttempts => f.write_str("max_binding_attempts must be at least 1"),
            ConfigError::InvalidBearerTokens => {
                f.write_str("accepted bearer tokens must be a non-empty list of non-empty tokens")
            }
            ConfigError::InvalidClientId(id) => {
                write!(f, "API client id `{}` is empty or holds `:` or control characters", id.escape_debug())
            }
            ConfigError::EmptyClientSecret(id) => write!(f, "API client `{id}` has an empty secret"),
            ConfigError::NoAudience(id) => write!(f, "API client `{id}` has no allowed audience"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The fake's configuration. `Config::default()` is what most tests want; see
/// [`Config::builder`] for the rest.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) accounts: Vec<Account>,
    pub(crate) clients: Vec<ApiClient>,
    pub(crate) mfa_token_ttl: Duration,
    pub(crate) oob_code_ttl: Duration,
    pub(crate) access_token_ttl: Duration,
    pub(crate) rate_limit: Option<(u32, Duration)>,
    pub(crate) max_binding_attempts: u32,
    pub(crate) bearer: BearerPolicy,
    pub(crate) refresh_tokens: bool,
    pub(crate) max_body_bytes: usize,
}

impl Default for Config {
    /// Accounts [`TEST_ACCOUNT`] and [`PRODUCTION_ACCOUNT`] with the default users, the
    /// default API client ([`ApiClient::default_client`]), and every other setting at the
    /// default its [`ConfigBuilder`] setter states.
    fn default() -> Self {
        Config {
            accounts: vec![
                Account::with_default_users(TEST_ACCOUNT),
                Account::with_default_users(PRODUCTION_ACCOUNT),
            ],
            clients: vec![ApiClient::default_client()],
            mfa_token_ttl: DEFAULT_MFA_TOKEN_TTL,
            oob_code_ttl: DEFAULT_OOB_CODE_TTL,
            access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
            rate_limit: Some((DEFAULT_RATE_LIMIT_MAX, DEFAULT_RATE_LIMIT_WINDOW)),
            max_binding_attempts: DEFAULT_MAX_BINDING_ATTEMPTS,
            bearer: BearerPolicy::AnyNonEmpty,
            refresh_tokens: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl Config {
    /// A builder that starts from [`Config::default`].
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder { config: Config::default() }
    }

    /// The configured accounts.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The configured API clients (for the `client_credentials` grant).
    pub fn clients(&self) -> &[ApiClient] {
        &self.clients
    }
}

/// Builds a [`Config`]; mistakes are reported by [`build`](ConfigBuilder::build).
#[derive(Clone, Debug)]
#[must_use]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// Removes every account, the two default ones included.
    pub fn without_default_accounts(mut self) -> Self {
        self.config.accounts.clear();
        self
    }

    /// Adds an account, replacing any account with the same id (such as a default one).
    pub fn account(mut self, account: Account) -> Self {
        self.config.accounts.retain(|a| a.id != account.id);
        self.config.accounts.push(account);
        self
    }

    /// Adds a user to the account `aid`, creating the account if it does not exist.
    pub fn user(mut self, aid: &str, user: User) -> Self {
        match self.config.accounts.iter_mut().find(|a| a.id == aid) {
            Some(account) => account.users.push(user),
            None => self.config.accounts.push(Account::new(aid).user(user)),
        }
        self
    }

    /// Removes every API client, the default one included.
    pub fn without_default_clients(mut self) -> Self {
        self.config.clients.clear();
        self
    }

    /// Adds an API client for the `client_credentials` grant, replacing any client with the
    /// same id (such as the default one).
    pub fn client(mut self, client: ApiClient) -> Self {
        self.config.clients.retain(|c| c.id != client.id);
        self.config.clients.push(client);
        self
    }

    /// How long an `mfa_token` stays valid. Default: [`DEFAULT_MFA_TOKEN_TTL`] (5 minutes).
    pub fn mfa_token_ttl(mut self, ttl: Duration) -> Self {
        self.config.mfa_token_ttl = ttl;
        self
    }

    /// How long an `oob_code` and its binding code stay valid. Default:
    /// [`DEFAULT_OOB_CODE_TTL`] (5 minutes).
    pub fn oob_code_ttl(mut self, ttl: Duration) -> Self {
        self.config.oob_code_ttl = ttl;
        self
    }

    /// The `expires_in` of issued access tokens, whatever the grant, in whole seconds (a
    /// fraction is dropped). Default: [`DEFAULT_ACCESS_TOKEN_TTL`] (1 hour).
    pub fn access_token_ttl(mut self, ttl: Duration) -> Self {
        self.config.access_token_ttl = ttl;
        self
    }

    /// At most `max` challenges (MFA challenges and recoveries together) per user in any
    /// `window`; more get 429 with `Retry-After`. Default: [`DEFAULT_RATE_LIMIT_MAX`] (5) per
    /// [`DEFAULT_RATE_LIMIT_WINDOW`] (1 minute).
    pub fn rate_limit(mut self, max: u32, window: Duration) -> Self {
        self.config.rate_limit = Some((max, window));
        self
    }

    /// Turns the challenge rate limit off. Default: on (see [`rate_limit`](Self::rate_limit)).
    pub fn no_rate_limit(mut self) -> Self {
        self.config.rate_limit = None;
        self
    }

    /// Wrong binding codes allowed per `oob_code`; the last allowed wrong guess burns the
    /// code, so the user must ask for a new challenge. Default:
    /// [`DEFAULT_MAX_BINDING_ATTEMPTS`] (3).
    pub fn max_binding_attempts(mut self, attempts: u32) -> Self {
        self.config.max_binding_attempts = attempts;
        self
    }

    /// Accepts only these bearer tokens on the MFA endpoints. Default: any non-empty token
    /// ([`BearerPolicy::AnyNonEmpty`]).
    pub fn accept_bearer_tokens<I, S>(mut self, tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.bearer = BearerPolicy::Only(tokens.into_iter().map(Into::into).collect());
        self
    }

    /// Accepts on the MFA endpoints only access tokens this fake issued, until they expire
    /// ([`BearerPolicy::Issued`]). Default: any non-empty token ([`BearerPolicy::AnyNonEmpty`]).
    pub fn accept_issued_tokens_only(mut self) -> Self {
        self.config.bearer = BearerPolicy::Issued;
        self
    }

    /// Whether token responses carry a `refresh_token`. Default: `false` (the field is left
    /// out, as the API allows).
    pub fn refresh_tokens(mut self, issue: bool) -> Self {
        self.config.refresh_tokens = issue;
        self
    }

    /// The largest request body accepted; larger ones get 413. Default:
    /// [`DEFAULT_MAX_BODY_BYTES`] (64 KiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.config.max_body_bytes = limit;
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let config = self.config;
        let mut ids = BTreeSet::new();
        for account in &config.accounts {
            if account.id.is_empty() {
                return Err(ConfigError::EmptyAccountId);
            }
            if !ids.insert(account.id.as_str()) {
                return Err(ConfigError::DuplicateAccount(account.id.clone()));
            }
            let mut names = BTreeSet::new();
            for user in &account.users {
                if user.username.is_empty() {
                    return Err(ConfigError::EmptyUsername { account: account.id.clone() });
                }
                if !names.insert(user.username.as_str()) {
                    return Err(ConfigError::DuplicateUser {
                        account: account.id.clone(),
                        username: user.username.clone(),
                    });
                }
            }
        }
        // `ConfigBuilder::client` replaces a client with the same id: ids are unique.
        for client in &config.clients {
            if client.id.is_empty() || client.id.contains(':') || client.id.chars().any(char::is_control) {
                return Err(ConfigError::InvalidClientId(client.id.clone()));
            }
            if client.secret.is_empty() {
                return Err(ConfigError::EmptyClientSecret(client.id.clone()));
            }
            if client.audiences.is_empty() {
                return Err(ConfigError::NoAudience(client.id.clone()));
            }
        }
        if matches!(config.rate_limit, Some((max, window)) if max == 0 || window.is_zero()) {
            return Err(ConfigError::InvalidRateLimit);
        }
        if config.max_binding_attempts == 0 {
            return Err(ConfigError::InvalidBindingAttempts);
        }
        if let BearerPolicy::Only(tokens) = &config.bearer {
            if tokens.is_empty() || tokens.iter().any(String::is_empty) {
                return Err(ConfigError::InvalidBearerTokens);
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_has_both_accounts_with_both_users() {
        let config = Config::default();
        let ids: Vec<_> = config.accounts().iter().map(Account::id).collect();
        assert_eq!(ids, [TEST_ACCOUNT, PRODUCTION_ACCOUNT]);
        for account in config.accounts() {
            let mfa = account.users().iter().find(|u| u.username() == MFA_USERNAME).map(|u| u.mfa.len());
            assert_eq!(mfa, Some(2));
            let plain = account.users().iter().find(|u| u.username() == PLAIN_USERNAME).map(|u| u.mfa.len());
            assert_eq!(plain, Some(0));
        }
    }

    #[test]
    fn build_reports_duplicates_and_bad_limits() {
        let dup = Config::builder().user(TEST_ACCOUNT, User::new(MFA_USERNAME, "x")).build();
        assert_eq!(
            dup.err(),
            Some(ConfigError::DuplicateUser { account: TEST_ACCOUNT.into(), username: MFA_USERNAME.into() })
        );
        assert_eq!(
            Config::builder().rate_limit(0, Duration::from_secs(1)).build().err(),
            Some(ConfigError::InvalidRateLimit)
        );
        assert_eq!(
            Config::builder().account(Account::new("")).build().err(),
            Some(ConfigError::EmptyAccountId)
        );
        assert_eq!(
            Config::builder().accept_bearer_tokens(Vec::<String>::new()).build().err(),
            Some(ConfigError::InvalidBearerTokens)
        );
        assert_eq!(
            Config::builder().max_binding_attempts(0).build().err(),
            Some(ConfigError::InvalidBindingAttempts)
        );
    }

    #[test]
    fn api_clients_are_checked_and_never_show_their_secret() {
        let config = Config::default();
        assert_eq!(config.clients().len(), 1);
        let client = &config.clients()[0];
        assert_eq!(client.id(), DEFAULT_CLIENT_ID);
        let audiences: Vec<_> = client.audiences().collect();
        assert_eq!(audiences, [account_audience(PRODUCTION_ACCOUNT), account_audience(TEST_ACCOUNT)]);
        assert!(!format!("{config:?}").contains(DEFAULT_CLIENT_SECRET));

        let build = |client: ApiClient| Config::builder().client(client).build().err();
        assert_eq!(
            build(ApiClient::new("a:b", "s").account(TEST_ACCOUNT)),
            Some(ConfigError::InvalidClientId("a:b".into()))
        );
        assert_eq!(
            build(ApiClient::new("", "s").account(TEST_ACCOUNT)),
            Some(ConfigError::InvalidClientId(String::new()))
        );
        assert_eq!(
            build(ApiClient::new("c", "").account(TEST_ACCOUNT)),
            Some(ConfigError::EmptyClientSecret("c".into()))
        );
        assert_eq!(build(ApiClient::new("c", "s")), Some(ConfigError::NoAudience("c".into())));
        let replaced =
            Config::builder().client(ApiClient::new(DEFAULT_CLIENT_ID, "other").audience("a")).build();
        assert_eq!(replaced.map(|c| c.clients().len()), Ok(1));
        let without = Config::builder().without_default_clients().build();
        assert_eq!(without.map(|c| c.clients().len()), Ok(0));
    }

    #[test]
    fn account_replaces_and_user_creates() {
        let config = Config::builder()
            .account(Account::new(TEST_ACCOUNT))
            .user("T12345678", User::new("a@example.com", "pw").mfa([Channel::Email]))
            .build()
            .expect("valid config");
        let test = config.accounts().iter().find(|a| a.id() == TEST_ACCOUNT).map(|a| a.users().len());
        assert_eq!(test, Some(0));
        assert!(config.accounts().iter().any(|a| a.id() == "T12345678" && a.users().len() == 1));
    }
}
