//! Checks that relate several parts of an endpoint: placeholders against parameters, the number of
//! bodies, bodies against the HTTP method, and `#[part]` parameters against `#[multipart]`.
//!
//! Binding placeholders here rather than leaving mismatches to rustc is what lets the user see
//! "placeholder `{aid}` has no matching parameter; did you mean `aid2`?" instead of an error deep in
//! generated code.

use crate::ast::{Api, Endpoint, Role};
use crate::attr::Verb;
use crate::errors::Errors;
use crate::template::Segment;
use proc_macro2::Span;

pub(crate) fn check(api: &mut Api, errors: &mut Errors) {
    for endpoint in &mut api.endpoints {
        let before = errors.len();
        check_name(endpoint, errors);
        bind_placeholders(endpoint, errors);
        check_bodies(endpoint, errors);
        check_headers(endpoint, errors);
        check_multipart(endpoint, errors);
        if errors.len() != before {
            endpoint.complete = false;
        }
    }
}

/// The generated client's own methods: an endpoint of the same name would clash with one (or,
/// without the `blocking` feature, be shadowed by it where called).
const CLIENT_METHODS: &[&str] = &["new", "client", "with_options"];

fn check_name(endpoint: &Endpoint, errors: &mut Errors) {
    let name = endpoint.ident.to_string();
    if CLIENT_METHODS.contains(&name.as_str()) {
        errors.spanned(
            &endpoint.ident,
            format_args!(
                "`{name}` is a method of the generated client (`{}`): give the endpoint another name",
                CLIENT_METHODS.join("`, `")
            ),
        );
    }
}

/// A header is declared once: two `#[header]` parameters of one name would send it twice.
fn check_headers(endpoint: &Endpoint, errors: &mut Errors) {
    let mut seen: Vec<&str> = Vec::new();
    for param in &endpoint.params {
        let Some(Role::Header { name }) = &param.role else { continue };
        if seen.iter().any(|earlier| earlier.eq_ignore_ascii_case(name)) {
            errors.spanned(&param.role_tokens, format_args!("header `{name}` is declared twice"));
        }
        seen.push(name);
    }
}

fn bind_placeholders(endpoint: &Endpoint, errors: &mut Errors) {
    // Without a valid template every parameter would look unbound; the template error suffices.
    let Some(template) = endpoint.template() else {
        return;
    };
    let placeholders: Vec<&str> = template
        .segments
        .iter()
        .filter_map(|segment| match segment {
            Segment::Placeholder(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
        .collect();

    let mut bound: Vec<&str> = Vec::new();
    let mut unbound_params = Vec::new();
    for param in &endpoint.params {
        let Some(Role::Path { name, name_span, explicit }) = &param.role else {
            continue;
        };
        if placeholders.contains(&name.as_str()) {
            if bound.contains(&name.as_str()) {
                errors.at(
                    *name_span,
                    format_args!("placeholder `{{{name}}}` is bound by more than one parameter"),
                );
            }
            bound.push(name);
        } else {
            let ident = param.ident.as_ref().map(ToString::to_string);
            unbound_params.push(UnboundParam {
                name: name.as_str(),
                span: *name_span,
                explicit: *explicit,
                ident,
            });
        }
    }

    let unbound_placeholders: Vec<&str> =
        placeholders.iter().copied().filter(|p| !bound.contains(p)).collect();
    for param in &unbound_params {
        let UnboundParam { name, explicit, .. } = param;
        let same = unbound_placeholders.iter().copied().find(|p| same_words(name, p));
        let hint = match (same, param.ident.as_deref()) {
            // `pet_id` for `{petId}`: the placeholder is the server's spelling and the parameter
            // the Rust one, so the fix is the attribute that maps one to the other.
            (Some(placeholder), Some(ident)) if !explicit => {
                format!("; did you mean `#[path(\"{placeholder}\")] {ident}`?")
            }
            (Some(placeholder), _) => format!("; did you mean `{{{placeholder}}}`?"),
            (None, _) => match closest(name, unbound_placeholders.iter().copied()) {
                Some(near) => format!("; did you mean `{{{near}}}`?"),
                // An unannotated parameter is a path parameter by default; the likely slip is a
                // forgotten `#[query]`.
                None if !explicit => "; mark it `#[query]` to send it as a query parameter".to_owned(),
                None => String::new(),
            },
        };
        let message = if *explicit {
            format!("no `{{{name}}}` placeholder in the path template{hint}")
        } else {
            format!("parameter `{name}` has no matching `{{{name}}}` placeholder in the path template{hint}")
        };
        errors.at(param.span, message);
    }
    for placeholder in unbound_placeholders {
        let same = unbound_params.iter().find(|param| same_words(param.name, placeholder));
        let hint = match same.and_then(|param| param.ident.as_deref()) {
            // Never suggest respelling the URL to suit Rust naming.
            Some(ident) => format!("; bind it with `#[path(\"{placeholder}\")]` on parameter `{ident}`"),
            None => match closest(placeholder, unbound_params.iter().map(|param| param.name)) {
                Some(near) => format!("; did you mean `{near}`?"),
                None => String::new(),
            },
        };
        errors.spanned(
            &template.lit,
            format_args!("placeholder `{{{placeholder}}}` has no matching parameter{hint}"),
        );
    }
}

/// A path parameter whose name matches no placeholder.
struct UnboundParam<'a> {
    /// The placeholder it asks for: its attribute's string, or else its own name.
    name: &'a str,
    span: Span,
    /// The name came from `#[path("...")]`.
    explicit: bool,
    /// As written, for suggesting an attribute in front of it; `None` for other patterns.
    ident: Option<String>,
}

/// Names that differ only in ASCII case and underscores (`pet_id`, `petId`, `PetID`): the same
/// words in another naming convention, not a typo.
fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| s.chars().filter(|&c| c != '_').map(|c| c.to_ascii_lowercase()).collect::<String>();
    words(a) == words(b)
}

fn check_bodies(endpoint: &Endpoint, errors: &mut Errors) {
    let verb = endpoint.verb.as_ref().map(|v| v.verb);
    let mut seen_body = false;
    for param in &endpoint.params {
        let name = match param.role {
            Some(Role::Body(_)) => "body",
            Some(Role::Form) => "form",
            _ => continue,
        };
        if verb == Some(Verb::Get) {
            errors.spanned(&param.role_tokens, format_args!("`#[{name}]` is not allowed on a GET endpoint"));
        } else if seen_body {
            errors.spanned(
                &param.role_tokens,
                "at most one `#[body]` or `#[form]` parameter is allowed per endpoint",
            );
        }
        seen_body = true;
    }
    let keys = endpoint.params.iter().filter(|param| matches!(param.role, Some(Role::IdempotencyKey)));
    for extra in keys.skip(1) {
        errors.spanned(
            &extra.role_tokens,
            "at most one `#[idempotency_key]` parameter is allowed per endpoint",
        );
    }
}

/// `#[part]` needs `#[multipart]`; `#[multipart]` needs a part, excludes `#[body]` and `#[form]`
/// (the parts are the body), and is refused where a body is (GET) or usually ignored (DELETE).
/// Two parts of the same name are fine: a form may repeat a field.
fn check_multipart(endpoint: &Endpoint, errors: &mut Errors) {
    let is_part = |param: &&crate::ast::Param| matches!(param.role, Some(Role::Part { .. }));
    let Some(multipart) = &endpoint.multipart else {
        for part in endpoint.params.iter().filter(is_part) {
            errors.spanned(&part.role_tokens, "`#[part]` needs `#[multipart]` on the method");
        }
        return;
    };
    if let Some(verb @ (Verb::Get | Verb::Delete)) = endpoint.verb.as_ref().map(|v| v.verb) {
        errors.spanned(
            multipart,
            format_args!("`#[multipart]` is not allowed on a {} endpoint", verb.constant()),
        );
    }
    for param in &endpoint.params {
        let name = match param.role {
            Some(Role::Body(_)) => "body",
            Some(Role::Form) => "form",
            _ => continue,
        };
        errors.spanned(
            &param.role_tokens,
            format_args!(
                "`#[{name}]` cannot be combined with `#[multipart]`; send it as a `#[part(\"name\")]`"
            ),
        );
    }
    // The body's content type carries the boundary the runtime draws for each call: a declared
    // one could not.
    let content_type_param = endpoint.params.iter().find(
        |param| matches!(&param.role, Some(Role::Header { name }) if name.eq_ignore_ascii_case("content-type")),
    );
    if let Some(param) = content_type_param {
        errors.spanned(
            &param.role_tokens,
            "a `#[multipart]` body sets its own `Content-Type` (with its boundary)",
        );
    }
    if endpoint.settings.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        errors.spanned(multipart, "a `#[multipart]` body sets its own `Content-Type` (with its boundary): remove it from `#[headers]`");
    }
    // A part whose attribute was malformed has no role, but was meant as one: no second error.
    if !endpoint.params.iter().any(|param| is_part(&param) || param.malformed_part) {
        errors.spanned(multipart, "`#[multipart]` needs at least one `#[part(\"name\")]` parameter");
    }
}

/// The candidate within a small edit distance of `target`, for "did you mean" hints.
fn closest<'a>(target: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (target.chars().count() / 3).max(1);
    candidates
        .map(|candidate| (edit_distance(target, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over chars, two rows at a time.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("aid", ""), 3);
        assert_eq!(edit_distance("acount_id", "account_id"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("id", "aid"), 1);
    }

    #[test]
    fn same_words_ignores_case_and_underscores_only() {
        assert!(same_words("pet_id", "petId"));
        assert!(same_words("pet_id", "PetID"));
        assert!(same_words("PET_ID", "petId"));
        assert!(!same_words("pet_id", "pet_ids"));
        assert!(!same_words("pet_id", "petld"));
    }

    #[test]
    fn closest_respects_limit() {
        let names = ["account_id", "limit"];
        assert_eq!(closest("acount_id", names.into_iter()), Some("account_id"));
        assert_eq!(closest("page", names.into_iter()), None);
        assert_eq!(closest("limt", names.into_iter()), Some("limit"));
    }
}
