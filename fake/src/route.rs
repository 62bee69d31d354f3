//! Which endpoint a path names. `{aid}` is one percent-decoded segment, so an account id
//! can never change the path's shape.

use percent_encoding::percent_decode_str;

/// One of the fake's endpoints; used to aim faults and to count requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v1/accounts/{aid}/auth/token`
    Token,
    /// `POST /v1/accounts/{aid}/auth/mfa/challenge`
    Challenge,
    /// `POST /v1/accounts/{aid}/auth/mfa/recovery`
    Recovery,
}

/// The endpoint and decoded account id of a path, or `None` for any other path (including
/// one whose `{aid}` is empty or not UTF-8 once decoded).
pub(crate) fn route(path: &str) -> Option<(Endpoint, String)> {
    let rest = path.strip_prefix("/v1/accounts/")?;
    let (aid, rest) = rest.split_once('/')?;
    let endpoint = match rest {
        "auth/token" => Endpoint::Token,
        "auth/mfa/challenge" => Endpoint::Challenge,
        "auth/mfa/recovery" => Endpoint::Recovery,
        _ => return None,
    };
    let aid = percent_decode_str(aid).decode_utf8().ok()?;
    if aid.is_empty() {
        return None;
    }
    Some((endpoint, aid.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths() {
        assert_eq!(route("/v1/accounts/T00000000/auth/token"), Some((Endpoint::Token, "T00000000".into())));
        assert_eq!(route("/v1/accounts/P1/auth/mfa/challenge"), Some((Endpoint::Challenge, "P1".into())));
        assert_eq!(route("/v1/accounts/P1/auth/mfa/recovery"), Some((Endpoint::Recovery, "P1".into())));
    }

    #[test]
    fn aid_is_one_decoded_segment() {
        assert_eq!(route("/v1/accounts/a%2Fb/auth/token"), Some((Endpoint::Token, "a/b".into())));
        assert_eq!(route("/v1/accounts/a/b/auth/token"), None);
        assert_eq!(route("/v1/accounts//auth/token"), None);
        assert_eq!(route("/v1/accounts/%FF/auth/token"), None);
    }

    #[test]
    fn other_paths() {
        for path in [
            "/",
            "/v1",
            "/v1/accounts/T1/auth/token/",
            "/v2/accounts/T1/auth/token",
            "/v1/accounts/T1/auth/mfa",
        ] {
            assert_eq!(route(path), None, "{path}");
        }
    }
}
