//! Per-method settings written as attributes, on a method or on the whole trait:
//! `#[timeout = "5s"]` and `#[headers("X-Api-Version: 2", ...)]`. Checked here, at compile time,
//! so the runtime only applies values that are known to be valid.

use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::attr::header_name_problem;
use crate::errors::Errors;

/// The longest timeout accepted, as the runtime's `MAX_TIMEOUT`: 24 h.
const MAX_TIMEOUT_MS: u64 = 24 * 3600 * 1000;

/// Settings from `#[timeout]` and `#[headers]`.
#[derive(Clone, Default)]
pub(crate) struct Settings {
    /// The whole-call timeout in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Static headers, in order; names are valid tokens, values visible text.
    pub headers: Vec<(String, String)>,
}

impl Settings {
    /// `self` (the trait's) overridden by `method`: the method's timeout wins, and its headers
    /// replace the trait's of the same name.
    pub(crate) fn merged_with(&self, method: &Settings) -> Settings {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(name, _)| !method.headers.iter().any(|(own, _)| own.eq_ignore_ascii_case(name)))
            .cloned()
            .collect();
        headers.extend(method.headers.iter().cloned());
        Settings { timeout_ms: method.timeout_ms.or(self.timeout_ms), headers }
    }
}

/// Whether `attr` is one of ours.
pub(crate) fn is_setting(attr: &Attribute) -> bool {
    attr.path().is_ident("timeout") || attr.path().is_ident("headers")
}

/// Reads the settings among `attrs` (all of them are settings: see [`is_setting`]).
pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Settings {
    let mut settings = Settings::default();
    for attr in attrs {
        if attr.path().is_ident("timeout") {
            if settings.timeout_ms.is_some() {
                errors.spanned(attr, "duplicate `#[timeout]`");
            }
            settings.timeout_ms = timeout(attr, errors).or(settings.timeout_ms);
        } else {
            for header in headers(attr, errors) {
                if settings.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(&header.0)) {
                    errors.spanned(attr, format_args!("header `{}` is set twice", header.0));
                }
                settings.headers.push(header);
            }
        }
    }
    settings
}

fn timeout(attr: &Attribute, errors: &mut Errors) -> Option<u64> {
    let lit = match &attr.meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Some(lit.clone()),
            _ => None,
        },
        _ => None,
    };
    let Some(lit) = lit else {
        errors.spanned(attr, "expected `#[timeout = \"5s\"]` (units: `ms`, `s`, `m`, `h`)");
        return None;
    };
    match parse_duration_ms(&lit.value()) {
        Ok(ms) => Some(ms),
        Err(problem) => {
            errors.spanned(&lit, format_args!("invalid timeout `{}`: {problem}", lit.value().escape_debug()));
            None
        }
    }
}

/// `"250ms"`, `"5s"`, `"2m"`, `"1h"`: a whole number and a unit, more than zero, at most 24 h.
fn parse_duration_ms(text: &str) -> Result<u64, &'static str> {
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or("add a unit: `ms`, `s`, `m` or `h`")?;
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits.parse().map_err(|_| "expected a whole number followed by a unit, e.g. `5s`")?;
    let scale = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60 * 1000,
        "h" => 3600 * 1000,
        _ => return Err("unknown unit; expected `ms`, `s`, `m` or `h`"),
    };
    match number.checked_mul(scale) {
        Some(0) => Err("must be greater than zero"),
        Some(ms) if ms <= MAX_TIMEOUT_MS => Ok(ms),
        _ => Err("must be at most 24 h"),
    }
}

fn headers(attr: &Attribute, errors: &mut Errors) -> Vec<(String, String)> {
    let list = match &attr.meta {
        Meta::List(list) => {
            Punctuated::<LitStr, Token![,]>::parse_terminated.parse2(list.tokens.clone()).ok()
        }
        _ => None,
    };
    let Some(list) = list.filter(|list| !list.is_empty()) else {
        errors.spanned(attr, "expected `#[headers(\"Name: value\", ...)]`");
        return Vec::new();
    };
    list.iter().filter_map(|lit| header_line(lit, errors)).collect()
}

fn header_line(lit: &LitStr, errors: &mut Errors) -> Option<(String, String)> {
    let text = lit.value();
    let problem = match text.split_once(':') {
        None => "expected `Name: value`".to_owned(),
        Some((name, value)) => {
            let value = value.trim_matches(' ');
            let bad_value = value.chars().find(|&c| c.is_control() || !c.is_ascii());
            match (header_name_problem(name), bad_value) {
                (Some(problem), _) => format!("header name `{name}`: {problem}"),
                (None, Some(c)) => {
                    format!("character `{}` is not allowed in a header value", c.escape_debug())
                }
                (None, None) => return Some((name.to_owned(), value.to_owned())),
            }
        }
    };
    errors.spanned(lit, format_args!("invalid header `{}`: {problem}", text.escape_debug()));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("5s"), Ok(5000));
        assert_eq!(parse_duration_ms("2m"), Ok(120_000));
        assert_eq!(parse_duration_ms("24h"), Ok(MAX_TIMEOUT_MS));
        for bad in ["", "5", "s", "0s", "5 s", "5sec", "25h", "-1s", "1.5s", "99999999999999999999s"] {
            assert!(parse_duration_ms(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn method_settings_win_over_the_traits() {
        let api = Settings {
            timeout_ms: Some(1000),
            headers: vec![("X-A".into(), "1".into()), ("X-B".into(), "1".into())],
        };
        let method = Settings { timeout_ms: None, headers: vec![("x-b".into(), "2".into())] };
        let merged = api.merged_with(&method);
        assert_eq!(merged.timeout_ms, Some(1000));
        assert_eq!(merged.headers, [("X-A".to_owned(), "1".to_owned()), ("x-b".to_owned(), "2".to_owned())]);
    }
}
