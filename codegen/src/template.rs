//! Path template parser: `"/accounts/{aid}/invoices"` → literal and placeholder segments.
//!
//! The template is checked entirely at compile time so the runtime only has to encode each value
//! as exactly one path segment. A placeholder must fill a whole segment: partial placeholders
//! (`/{id}.json`) would need the runtime to split encoding inside a segment, which it does not do.

use crate::errors::Errors;
use syn::LitStr;

/// A parsed path template: what `parse` returns.
pub(crate) struct Template {
    /// The literal as written, for spans.
    pub lit: LitStr,
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Segment {
    Literal(String),
    Placeholder(String),
}

/// Parses the template in `lit`. Problems are reported at the literal (stable Rust cannot point
/// inside a string literal) and name the offending piece; `None` means at least one was found.
pub(crate) fn parse(lit: &LitStr, errors: &mut Errors) -> Option<Template> {
    let before = errors.len();
    let text = lit.value();
    let mut segments = Vec::new();

    match text.strip_prefix('/') {
        None => errors.spanned(lit, "path template must start with `/`"),
        // "/" alone is the root: no segments at all.
        Some("") => {}
        Some(rest) => {
            for piece in rest.split('/') {
                match segment(piece) {
                    Ok(segment) => segments.push(segment),
                    Err(message) => errors.spanned(lit, message),
                }
            }
        }
    }

    let mut seen = Vec::new();
    for segment in &segments {
        if let Segment::Placeholder(name) = segment {
            if seen.contains(&name) {
                errors.spanned(lit, format_args!("duplicate placeholder `{{{name}}}` in path template"));
            }
            seen.push(name);
        }
    }

    (errors.len() == before).then(|| Template { lit: lit.clone(), segments })
}

fn segment(piece: &str) -> Result<Segment, String> {
    if piece.is_empty() {
        return Err("empty segment in path template (`//` or a trailing `/`)".to_owned());
    }
    if !piece.contains(['{', '}']) {
        return literal(piece).map(|()| Segment::Literal(piece.to_owned()));
    }
    let inner = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
    match inner {
        Some(name) if !name.contains(['{', '}']) => placeholder(name),
        _ => Err(brace_problem(piece)),
    }
}

/// Explains why a segment containing braces is not a single whole-segment placeholder.
fn brace_problem(piece: &str) -> String {
    let mut depth = 0usize;
    for c in piece.chars() {
        match c {
            '{' if depth > 0 => return "nested `{` in path template".to_owned(),
            '{' => depth += 1,
            '}' if depth == 0 => return "unmatched `}` in path template".to_owned(),
            '}' => depth -= 1,
            _ => {}
        }
    }
    if depth > 0 {
        return "unclosed `{` in path template".to_owned();
    }
    format!("a placeholder must fill a whole path segment, found `{piece}`")
}

fn placeholder(name: &str) -> Result<Segment, String> {
    if name.is_empty() {
        return Err("empty placeholder `{}` in path template".to_owned());
    }
    if !is_identifier(name) {
        return Err(format!("invalid placeholder name `{{{name}}}`, expected an identifier"));
    }
    Ok(Segment::Placeholder(name.to_owned()))
}

/// Placeholders are matched against parameter names, so they follow identifier rules.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic());
    first_ok && name != "_" && chars.all(|c| c == '_' || c.is_alphanumeric())
}

fn literal(piece: &str) -> Result<(), String> {
    if piece == "." || piece == ".." {
        return Err(format!("path segment `{piece}` is not allowed"));
    }
    // `?` and `#` would end the path and `%` start an escape: a literal made of characters a path
    // holds as they are is sent as written, so none of them may appear.
    let bad = piece.chars().find(|&c| matches!(c, '?' | '#' | '%') || c.is_whitespace() || c.is_control());
    match bad {
        Some(c) => Err(format!(
            "invalid character `{}` in path segment `{}`",
            c.escape_debug(),
            piece.escape_debug()
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn run(template: &str) -> Result<Vec<Segment>, Vec<String>> {
        let lit: LitStr = parse_quote!(#template);
        let mut errors = Errors::default();
        match parse(&lit, &mut errors) {
            Some(t) => Ok(t.segments),
            None => Err(errors.messages()),
        }
    }

    fn lit(s: &str) -> Segment {
        Segment::Literal(s.to_owned())
    }

    fn ph(s: &str) -> Segment {
        Segment::Placeholder(s.to_owned())
    }

    #[test]
    fn valid_templates() {
        assert_eq!(run("/"), Ok(vec![]));
        assert_eq!(run("/oauth/token"), Ok(vec![lit("oauth"), lit("token")]));
        assert_eq!(run("/accounts/{aid}/invoices"), Ok(vec![lit("accounts"), ph("aid"), lit("invoices")]));
        assert_eq!(run("/{_x1}"), Ok(vec![ph("_x1")]));
        assert_eq!(run("/v1:batch/a-b.c"), Ok(vec![lit("v1:batch"), lit("a-b.c")]));
    }

    #[track_caller]
    fn fails(template: &str, expected: &[&str]) {
        assert_eq!(run(template), Err(expected.iter().map(|s| s.to_string()).collect()));
    }

    #[test]
    fn structure_errors() {
        fails("", &["path template must start with `/`"]);
        fails("things", &["path template must start with `/`"]);
        fails("/a//b", &["empty segment in path template (`//` or a trailing `/`)"]);
        fails("/a/", &["empty segment in path template (`//` or a trailing `/`)"]);
    }

    #[test]
    fn placeholder_errors() {
        fails("/a/{id", &["unclosed `{` in path template"]);
        fails("/a/id}", &["unmatched `}` in path template"]);
        fails("/a/{{id}}", &["nested `{` in path template"]);
        fails("/a/{}", &["empty placeholder `{}` in path template"]);
        fails("/a/{1x}", &["invalid placeholder name `{1x}`, expected an identifier"]);
        fails("/a/{_}", &["invalid placeholder name `{_}`, expected an identifier"]);
        fails("/a/{id}.json", &["a placeholder must fill a whole path segment, found `{id}.json`"]);
        fails("/a/{id}/b/{id}", &["duplicate placeholder `{id}` in path template"]);
    }

    #[test]
    fn literal_errors() {
        fails("/a/..", &["path segment `..` is not allowed"]);
        fails("/./a", &["path segment `.` is not allowed"]);
        fails("/a?x=1", &["invalid character `?` in path segment `a?x=1`"]);
        fails("/a b", &["invalid character ` ` in path segment `a b`"]);
        fails("/a%20", &["invalid character `%` in path segment `a%20`"]);
        fails("/a\tb", &["invalid character `\\t` in path segment `a\\tb`"]);
    }

    #[test]
    fn reports_every_bad_segment() {
        fails(
            "/a#/{}/..",
            &[
                "invalid character `#` in path segment `a#`",
                "empty placeholder `{}` in path template",
                "path segment `..` is not allowed",
            ],
        );
    }
}
