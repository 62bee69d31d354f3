//! Which proxy, if any, a request goes through.
//!
//! The policy: a loopback target never goes through a proxy. Proxies from the environment
//! (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, either case) are used only for `https://` targets,
//! where the proxy sees a `CONNECT host:port` and nothing of the request; `HTTP_PROXY` is never
//! read, because a plain-http target's proxy would see the token and the body in clear text. A
//! proxy set with [`ClientBuilder::proxy`](crate::ClientBuilder::proxy) is the user's explicit
//! choice and takes every non-loopback target, `http://` included.

use std::net::IpAddr;

use url::Url;

use crate::error::Error;
use crate::secret::Secret;

/// The proxy setting of a [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug, Default)]
pub(crate) enum ProxyChoice {
    /// `HTTPS_PROXY`/`ALL_PROXY` for `https://` targets, honouring `NO_PROXY`.
    #[default]
    Environment,
    /// Always connect directly.
    Direct,
    /// This proxy for every non-loopback target. A `Secret`: the URL may hold a password.
    Explicit(Secret),
}

impl ProxyChoice {
    /// The transport's rule for this choice, read from the environment now (as `build()` runs).
    pub(crate) fn to_reqwest(&self) -> Result<Option<reqwest::Proxy>, Error> {
        match self {
            Self::Direct => Ok(None),
            Self::Explicit(url) => {
                let proxy = parse_proxy_url(url.expose())
                    .ok_or_else(|| Error::config("proxy URL must be an absolute http:// or https:// URL"))?;
                Ok(Some(reqwest::Proxy::custom(move |target| (!is_loopback(target)).then(|| proxy.clone()))))
            }
            Self::Environment => {
                let Some(proxy) = https_proxy_from(|name| std::env::var(name).ok()) else { return Ok(None) };
                let rule = reqwest::Proxy::custom(move |target| environment_proxy_for(target, &proxy));
                Ok(Some(rule.no_proxy(reqwest::NoProxy::from_env())))
            }
        }
    }
}

impl ProxyChoice {
    /// Whether a request to `target` would go through a proxy (`NO_PROXY` aside, so when in doubt
    /// this says yes).
    #[cfg(feature = "hyper-transport")]
    pub(crate) fn applies_to(&self, target: &Url) -> bool {
        match self {
            Self::Direct => false,
            Self::Explicit(_) => !is_loopback(target),
            Self::Environment => https_proxy_from(|name| std::env::var(name).ok())
                .is_some_and(|proxy| environment_proxy_for(target, &proxy).is_some()),
        }
    }
}

/// The first usable proxy URL of `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, `all_proxy`. A value
/// that is not an http(s) URL (a SOCKS proxy, a typo) is skipped, as if unset.
fn https_proxy_from(lookup: impl Fn(&str) -> Option<String>) -> Option<Url> {
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .filter_map(lookup)
        .find_map(|value| parse_proxy_url(value.trim()))
}

fn parse_proxy_url(text: &str) -> Option<Url> {
    let url = Url::parse(text).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then_some(url)
}

/// The environment's proxy applies to `https://` targets that are not loopback.
fn environment_proxy_for(target: &Url, proxy: &Url) -> Option<Url> {
    (target.scheme() == "https" && !is_loopback(target)).then(|| proxy.clone())
}

/// `localhost`, `127.0.0.0/8` or `[::1]`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn environment_proxies_take_only_https_targets_off_loopback() {
        let proxy = url("http://proxy.example:3128");
        assert_eq!(environment_proxy_for(&url("https://api.example/v1"), &proxy), Some(proxy.clone()));
        for direct in
            ["http://api.example/v1", "https://127.0.0.1/v1", "https://localhost:8443", "http://[::1]/"]
        {
            assert_eq!(environment_proxy_for(&url(direct), &proxy), None, "{direct}");
        }
    }

    #[test]
    fn http_proxy_is_never_read_and_bad_values_are_skipped() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
        };
        assert_eq!(
            https_proxy_from(env(&[("HTTP_PROXY", "http://p:1"), ("http_proxy", "http://p:1")])),
            None
        );
        assert_eq!(https_proxy_from(env(&[("ALL_PROXY", "socks5://p:1")])), None);
        assert_eq!(
            https_proxy_from(env(&[("HTTPS_PROXY", "not a url"), ("all_proxy", "http://q:2")])),
            Some(url("http://q:2"))
        );
        assert_eq!(https_proxy_from(env(&[("https_proxy", "http://p:1")])), Some(url("http://p:1")));
    }

    #[test]
    fn loopback_names() {
        for yes in ["http://localhost", "http://LOCALHOST.:1", "http://127.9.9.9", "http://[::1]"] {
            assert!(is_loopback(&url(yes)), "{yes}");
        }
        for no in ["http://localhost.example", "http://a.localhost", "http://10.0.0.1", "http://example.com"]
        {
            assert!(!is_loopback(&url(no)), "{no}");
        }
    }
}
