//! Parsing of the macro's own attributes: the `#[api(...)]` arguments, the verb attribute on each
//! method and the role attribute on each parameter.
//!
//! Every other attribute is either passed through (docs, `#[cfg]`, lints, tool attributes) or
//! reported as unknown. Unknown ones are dropped from the output so rustc does not add a second,
//! less helpful "cannot find attribute" error.

use crate::errors::Errors;
use crate::template::{self, Template};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::{Attribute, Expr, ExprLit, Ident, Lit, LitStr, Meta, Path, Type};

pub(crate) const VERB_LIST: &str = "`get`, `post`, `put`, `patch`, `delete`";
/// Every attribute of ours a method may carry besides the settings.
const METHOD_ATTR_LIST: &str = "`get`, `post`, `put`, `patch`, `delete`, `multipart`";
/// The HTTP method of an endpoint, from its verb attribute (`#[get]`, `#[post]`, ...).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    pub(crate) const ALL: [Verb; 5] = [Verb::Get, Verb::Post, Verb::Put, Verb::Patch, Verb::Delete];

    /// The attribute name, e.g. `get`.
    pub(crate) fn attr_name(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Put => "put",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }

    /// Whether sending the request twice has the effect of sending it once (RFC 9110 §9.2.2).
    pub(crate) fn is_idempotent(self) -> bool {
        matches!(self, Verb::Get | Verb::Put | Verb::Delete)
    }

    /// The `http::Method` associated constant, e.g. `GET`.
    pub(crate) fn constant(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }
}

const ROLE_LIST: &str = "`path`, `query`, `header`, `body`, `form`, `part`, `idempotency_key`";

/// Built-in attributes that make sense on a trait method and are kept on it.
const METHOD_PASSTHROUGH: &[&str] =
    &["doc", "cfg", "cfg_attr", "deprecated", "must_use", "allow", "warn", "deny", "forbid", "expect"];

/// Lint attributes are the only built-in attributes rustc accepts on a parameter that do not
/// change which parameters exist (a `#[cfg]` on one would leave the generated body dangling).
const PARAM_PASSTHROUGH: &[&str] = &["allow", "warn", "deny", "forbid", "expect"];

pub(crate) struct ApiArgs {
    pub krate: Path,
    pub client: Option<Ident>,
    /// `error_body = Type`: what the API's error bodies decode into.
    pub error_body: Option<Type>,
}

/// What the caller's `Cargo.toml` says about the runtime crate, consulted only when `crate = "..."`
/// is absent. Produced by `manifest.rs`, which the harnesses compiling these modules leave out.
pub(crate) enum RuntimeLookup {
    /// A dependency (or the crate itself), reachable at this path: `::http_api_client`, `::renamed`.
    Found(Path),
    /// None of these packages is among the caller's dependencies.
    Missing(&'static [&'static str]),
    /// The manifest could not be read (not built by cargo, or no macro invocation at all).
    Unknown,
}

/// Parses `crate = "path"`, `client = "Name"` and `error_body = Type`. Every bad argument is reported; parsing goes on
/// past unknown keys so a second mistake is not hidden behind the first. `find_runtime` is called
/// only when no `crate = "..."` was given.
pub(crate) fn api_args(
    tokens: TokenStream,
    find_runtime: impl FnOnce() -> RuntimeLookup,
    errors: &mut Errors,
) -> ApiArgs {
    let mut krate: Option<Path> = None;
    let mut client: Option<Ident> = None;
    let mut error_body: Option<Type> = None;
    let parser = syn::meta::parser(|meta| {
        let key = path_to_string(&meta.path);
        let is_known = key == "crate" || key == "client" || key == "error_body";
        if !is_known {
            errors.spanned(
                &meta.path,
                format_args!("unknown argument `{key}`, expected one of: `crate`, `client`, `error_body`"),
            );
            // Skip the value, whatever it is, and carry on with the next argument.
            if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<Expr>()?;
            } else if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                meta.input.parse::<proc_macro2::Group>()?;
            }
            return Ok(());
        }
        if key == "error_body" {
            let ty = meta.value()?.parse::<Type>()?;
            if error_body.replace(ty).is_some() {
                errors.spanned(&meta.path, "duplicate argument `error_body`");
            }
            return Ok(());
        }
        let value = meta.value()?.parse::<Expr>()?;
        let lit = match value {
            Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => lit,
            other => {
                let example =
                    if key == "crate" { "crate = \"::http_api_client\"" } else { "client = \"MyClient\"" };
                errors.spanned(other, format_args!("`{key}` expects a string literal, e.g. `{example}`"));
                return Ok(());
            }
        };
        let duplicate = if key == "crate" { krate.is_some() } else { client.is_some() };
        if duplicate {
            errors.spanned(&meta.path, format_args!("duplicate argument `{key}`"));
            return Ok(());
        }
        if key == "crate" {
            match lit.parse_with(Path::parse_mod_style) {
                Ok(path) => krate = Some(path),
                Err(_) => errors.spanned(&lit, format_args!("invalid crate path `{}`", lit.value())),
            }
        } else {
            match lit.parse::<Ident>() {
                Ok(ident) => client = Some(ident),
                Err(_) => errors.spanned(
                    &lit,
                    format_args!("invalid client name `{}`, expected an identifier", lit.value()),
                ),
            }
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    let krate = krate.unwrap_or_else(|| default_crate(find_runtime(), errors));
    ApiArgs { krate, client, error_body }
}

/// The runtime path when `crate = "..."` is absent. A missing runtime still yields
/// `::http_api_client`, so the output keeps its shape, but rustc's bare "cannot find `http_api_client`"
/// would not tell a user with a renamed or re-exported runtime what to do, hence the error.
fn default_crate(lookup: RuntimeLookup, errors: &mut Errors) -> Path {
    let default = || syn::parse_quote!(::http_api_client);
    match lookup {
        RuntimeLookup::Found(path) => path,
        RuntimeLookup::Unknown => default(),
        RuntimeLookup::Missing(packages) => {
            let names = packages.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" or ");
            // The call site of an attribute macro is the `#[api]` attribute itself.
            errors.at(
                Span::call_site(),
                format_args!(
                    "runtime crate {names} not found among this package's dependencies; \
                     add it, or give its path with `#[api(crate = \"path\")]`"
                ),
            );
            default()
        }
    }
}

pub(crate) struct VerbAttr {
    pub verb: Verb,
    /// The whole attribute, for "which one is extra" errors. Tokens rather than a `Span`:
    /// stable Rust cannot join spans, and `Errors::spanned` covers first to last token.
    pub tokens: TokenStream,
    /// `None` when the template was missing or malformed (already reported).
    pub template: Option<Template>,
    /// `#[post("/x", idempotent)]`: safe to send twice although the verb is not.
    pub idempotent: bool,
}

/// A method's own attributes, sorted.
pub(crate) struct MethodAttrs {
    /// Every verb attribute; the caller reports extras.
    pub verbs: Vec<VerbAttr>,
    /// `#[multipart]`'s tokens, for errors about it.
    pub multipart: Option<TokenStream>,
    /// The attributes to keep on the trait method.
    pub kept: Vec<Attribute>,
}

/// Splits a method's attributes into verb attributes, `#[multipart]` and the attributes to keep
/// on the trait method.
pub(crate) fn method_attrs(attrs: Vec<Attribute>, errors: &mut Errors) -> MethodAttrs {
    let mut sorted = MethodAttrs { verbs: Vec::new(), multipart: None, kept: Vec::new() };
    for attr in attrs {
        let verb =
            attr.path().get_ident().and_then(|ident| Verb::ALL.into_iter().find(|v| ident == v.attr_name()));
        if let Some(verb) = verb {
            sorted.verbs.push(verb_attr(verb, &attr, errors));
        } else if attr.path().is_ident("multipart") {
            if sorted.multipart.is_some() {
                errors.spanned(&attr, "duplicate `#[multipart]`");
            } else {
                // Still a multipart method after the error: its parts need no second one.
                no_args(&attr, "multipart", errors);
                sorted.multipart = Some(attr.to_token_stream());
            }
        } else if is_passthrough(&attr, METHOD_PASSTHROUGH) {
            sorted.kept.push(attr);
        } else {
            unknown(&attr, METHOD_ATTR_LIST, errors);
        }
    }
    sorted
}

fn verb_attr(verb: Verb, attr: &Attribute, errors: &mut Errors) -> VerbAttr {
    let name = verb.attr_name();
    let mut idempotent = false;
    let template = match &attr.meta {
        Meta::List(list) => match list.parse_args_with(template_and_options) {
            Ok((lit, options)) => {
                for option in options {
                    if option == "idempotent" {
                        idempotent = true;
                    } else {
                        errors.spanned(
                            &option,
                            format_args!("unknown option `{option}`, expected `idempotent`"),
                        );
                    }
                }
                template::parse(&lit, errors)
            }
            Err(_) => {
                // `#[get()]` has no tokens to point at; the attribute is the next best place.
                let at = if list.tokens.is_empty() { attr.to_token_stream() } else { list.tokens.clone() };
                errors.spanned(
                    at,
                    format_args!("expected a path template string, e.g. `#[{name}(\"/things\")]`"),
                );
                None
            }
        },
        _ => {
            errors.spanned(
                attr,
                format_args!("`#[{name}]` requires a path template, e.g. `#[{name}(\"/things\")]`"),
            );
            None
        }
    };
    VerbAttr { verb, tokens: attr.to_token_stream(), template, idempotent }
}

/// `"/path"` followed by `, option` words.
fn template_and_options(input: syn::parse::ParseStream<'_>) -> syn::Result<(LitStr, Vec<Ident>)> {
    let lit: LitStr = input.parse()?;
    let mut options = Vec::new();
    while !input.is_empty() {
        input.parse::<syn::Token![,]>()?;
        if input.is_empty() {
            break;
        }
        options.push(input.parse::<Ident>()?);
    }
    Ok((lit, options))
}

/// How a parameter is sent, as written in its attribute.
pub(crate) enum RoleKind {
    Path(Option<LitStr>),
    Query(Option<LitStr>),
    Header(String),
    Body(BodyKind),
    Form,
    Part(String, PartKind),
    IdempotencyKey,
}

pub(crate) struct RoleAttr {
    /// `None` when the parameter had no (valid) role attribute: it is then a path parameter.
    pub kind: Option<RoleKind>,
    /// The role attribute's tokens, for errors about the role.
    pub tokens: Option<TokenStream>,
    /// The role attribute's name (`part`, ...), even when it was malformed.
    pub name: Option<String>,
    /// Attributes to keep on the trait method's parameter.
    pub attrs: Vec<Attribute>,
}

pub(crate) fn param_attrs(attrs: Vec<Attribute>, errors: &mut Errors) -> RoleAttr {
    let mut role = RoleAttr { kind: None, tokens: None, name: None, attrs: Vec::new() };
    for attr in attrs {
        let name = attr.path().get_ident().map(Ident::to_string);
        let is_role = matches!(
            name.as_deref(),
            Some("path" | "query" | "header" | "body" | "form" | "part" | "idempotency_key")
        );
        if !is_role {
            if is_passthrough(&attr, PARAM_PASSTHROUGH) {
                role.attrs.push(attr);
            } else {
                unknown(&attr, ROLE_LIST, errors);
            }
            continue;
        }
        if role.tokens.is_some() {
            errors.spanned(&attr, format_args!("a parameter takes at most one of: {ROLE_LIST}"));
            continue;
        }
        role.tokens = Some(attr.to_token_stream());
        role.name.clone_from(&name);
        role.kind = match name.as_deref() {
            Some("path") => optional_name(&attr, "path", errors).map(RoleKind::Path),
            Some("query") => optional_name(&attr, "query", errors).map(RoleKind::Query),
            Some("header") => header_name(&attr, errors).map(RoleKind::Header),
            Some("body") => body_kind(&attr, errors).map(RoleKind::Body),
            Some("part") => part(&attr, errors).map(|(name, kind)| RoleKind::Part(name, kind)),
            Some("idempotency_key") => {
                no_args(&attr, "idempotency_key", errors).map(|()| RoleKind::IdempotencyKey)
            }
            _ => no_args(&attr, "form", errors).map(|()| RoleKind::Form),
        };
    }
    role
}

/// `#[path]` / `#[path("name")]`, `#[query]` / `#[query("name")]`. `None` means malformed.
fn optional_name(attr: &Attribute, name: &str, errors: &mut Errors) -> Option<Option<LitStr>> {
    match &attr.meta {
        Meta::Path(_) => Some(None),
        Meta::List(list) => match list.parse_args::<LitStr>() {
            Ok(lit) if lit.value().is_empty() => {
                errors.spanned(&lit, format_args!("`#[{name}]` name must not be empty"));
                None
            }
            Ok(lit) => Some(Some(lit)),
            Err(_) => {
                errors.spanned(
                    &list.tokens,
                    format_args!("expected a string literal, e.g. `#[{name}(\"name\")]`"),
                );
                None
            }
        },
        Meta::NameValue(_) => {
            errors.spanned(attr, format_args!("expected `#[{name}]` or `#[{name}(\"name\")]`"));
            None
        }
    }
}

fn header_name(attr: &Attribute, errors: &mut Errors) -> Option<String> {
    let lit = match &attr.meta {
        Meta::List(list) => list.parse_args::<LitStr>().ok(),
        _ => None,
    };
    let Some(lit) = lit else {
        errors.spanned(attr, "`#[header]` requires a header name, e.g. `#[header(\"X-Request-Id\")]`");
        return None;
    };
    let name = lit.value();
    let Some(problem) = header_name_problem(&name) else { return Some(name) };
    errors.spanned(&lit, format_args!("invalid header name `{}`: {problem}", name.escape_debug()));
    None
}

/// Why `name` cannot be a declared header (`#[header]`, `#[headers]`), if it cannot.
pub(crate) fn header_name_problem(name: &str) -> Option<String> {
    // RFC 9110 `token`: the runtime can then build the header name without failing.
    let bad = name.chars().find(|&c| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)));
    let lower = name.to_ascii_lowercase();
    Some(match bad {
        _ if name.is_empty() => "must not be empty".to_owned(),
        Some(c) => format!("character `{}` is not allowed", c.escape_debug()),
        // A declared value would contradict the message's own framing or connection (a
        // `Content-Length` that cuts the body short, another `Host`): the transport sets them.
        None if FRAMING_HEADERS.contains(&lower.as_str()) => {
            "the transport sets it from the request itself".to_owned()
        }
        // One fixed or second key would make re-sends unsafe: it has a parameter role of its own.
        None if lower == "idempotency-key" => "declare it with `#[idempotency_key]`".to_owned(),
        None => return None,
    })
}

/// Headers that frame the message or manage the connection (RFC 9110 §7.6.1, RFC 9112). The
/// same list as the runtime's `header_value::is_framing_header`, which refuses them at run time
/// (`CallOptions`, default headers): this crate does not depend on the runtime.
const FRAMING_HEADERS: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// How a `#[body]` parameter is encoded, as declared.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BodyKind {
    /// `#[body]` / `#[body(json)]`: any `Serialize` value as `application/json`.
    Json,
    /// `#[body(bytes)]`: `AsRef<[u8]>` sent as is, with this content type.
    Bytes(String),
    /// `#[body(text)]`: `AsRef<str>` sent as UTF-8, with this content type.
    Text(String),
    /// `#[body(stream)]`: an `Into<ByteStream>` sent as it is read, with this content type.
    Stream(String),
}

const BODY_USAGE: &str = concat!(
    "expected `#[body]` (JSON), `#[body(bytes)]`, `#[body(text)]` or `#[body(stream)]`, optionally with ",
    "`content_type = \"...\"`, e.g. `#[body(bytes, content_type = \"image/png\")]`"
);

/// `#[body]`, `#[body(json)]`, `#[body(bytes)]`, `#[body(text)]`, `#[body(stream)]`, the last three with an optional
/// `content_type = "..."`. `None` means malformed (reported at the offending token).
fn body_kind(attr: &Attribute, errors: &mut Errors) -> Option<BodyKind> {
    let list = match &attr.meta {
        Meta::Path(_) => return Some(BodyKind::Json),
        Meta::List(list) => list,
        Meta::NameValue(_) => {
            errors.spanned(attr, format_args!("unsupported `#[body]` form, {BODY_USAGE}"));
            return None;
        }
    };
    let mut kind: Option<Ident> = None;
    let mut content_type: Option<LitStr> = None;
    let before = errors.len();
    let parsed = list.parse_nested_meta(|meta| {
        let Some(ident) = meta.path.get_ident() else {
            errors.spanned(&meta.path, format_args!("unsupported `#[body]` argument, {BODY_USAGE}"));
            return Ok(());
        };
        if ident == "content_type" {
            let lit: LitStr = meta.value()?.parse()?;
            if content_type.replace(lit).is_some() {
                errors.spanned(ident, "duplicate argument `content_type`");
            }
        } else if ["json", "bytes", "text", "stream"].iter().any(|kind| ident == kind) {
            if let Some(first) = &kind {
                errors
                    .spanned(ident, format_args!("`#[body]` takes one kind, `{first}` is already declared"));
            } else {
                kind = Some(ident.clone());
            }
        } else {
            errors.spanned(ident, format_args!("unknown body kind `{ident}`, {BODY_USAGE}"));
        }
        Ok(())
    });
    if let Err(error) = parsed {
        errors.at(error.span(), format_args!("unsupported `#[body]` argument, {BODY_USAGE}"));
        return None;
    }
    if errors.len() != before {
        return None;
    }
    let kind = kind.map(|ident| ident.to_string());
    match (kind.as_deref(), content_type) {
        (None | Some("json"), None) => Some(BodyKind::Json),
        (None | Some("json"), Some(lit)) => {
            errors.spanned(
                &lit,
                "`content_type` needs `bytes`, `text` or `stream`; a JSON body is always `application/json`",
            );
            None
        }
        (Some(kind), lit) => {
            let value = match &lit {
                Some(lit) => lit.value(),
                None if kind == "bytes" || kind == "stream" => "application/octet-stream".to_owned(),
                None => "text/plain; charset=utf-8".to_owned(),
            };
            if let (Some(lit), Some(problem)) = (&lit, content_type_problem(&value)) {
                errors
                    .spanned(lit, format_args!("invalid content type `{}`: {problem}", value.escape_debug()));
                return None;
            }
            Some(match kind {
                "bytes" => BodyKind::Bytes(value),
                "stream" => BodyKind::Stream(value),
                _ => BodyKind::Text(value),
            })
        }
    }
}

/// How a `#[part]` of a `#[multipart]` body is encoded, as declared.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PartKind {
    /// `#[part("name")]`: a scalar as text, without a `Content-Type`; `None` leaves it out.
    Text,
    /// `#[part("name", json)]`: any `Serialize` value as `application/json`.
    Json,
    /// `#[part("name", bytes)]`: `AsRef<[u8]>` as is, with this content type and file name.
    Bytes { content_type: String, file_name: Option<String> },
    /// `#[part("name", file)]`: a `FilePart`, which carries its own file name and content type.
    File,
}

const PART_USAGE: &str = concat!(
    "expected `#[part(\"name\")]` (text), `#[part(\"name\", json)]`, `#[part(\"name\", bytes)]` ",
    "or `#[part(\"name\", file)]`; `bytes` takes `content_type = \"...\"` and `file_name = \"...\"`, ",
    "e.g. `#[part(\"avatar\", bytes, content_type = \"image/png\", file_name = \"a.png\")]`"
);

/// `#[part("name")]`, optionally followed by a kind (`json`, `bytes`, `file`) and, for `bytes`,
/// `content_type = "..."` and `file_name = "..."`. `None` means malformed (reported).
fn part(attr: &Attribute, errors: &mut Errors) -> Option<(String, PartKind)> {
    let parsed = match &attr.meta {
        Meta::List(list) => list
            .parse_args_with(|input: syn::parse::ParseStream<'_>| {
                let lit: LitStr = input.parse()?;
                if !input.is_empty() {
                    input.parse::<syn::Token![,]>()?;
                }
                Ok((lit, input.parse::<TokenStream>()?))
            })
            .ok(),
        _ => None,
    };
    let Some((lit, rest)) = parsed else {
        errors.spanned(attr, "`#[part]` requires a part name, e.g. `#[part(\"file\")]`");
        return None;
    };
    let name = lit.value();
    if name.is_empty() {
        errors.spanned(&lit, "`#[part]` name must not be empty");
        return None;
    }
    let mut kind: Option<Ident> = None;
    let mut content_type: Option<LitStr> = None;
    let mut file_name: Option<LitStr> = None;
    let before = errors.len();
    let parsed = syn::meta::parser(|meta| {
        let Some(ident) = meta.path.get_ident() else {
            errors.spanned(&meta.path, format_args!("unsupported `#[part]` argument, {PART_USAGE}"));
            return Ok(());
        };
        if ident == "content_type" || ident == "file_name" {
            let lit: LitStr = meta.value()?.parse()?;
            let slot = if ident == "content_type" { &mut content_type } else { &mut file_name };
            if slot.replace(lit).is_some() {
                errors.spanned(ident, format_args!("duplicate argument `{ident}`"));
            }
        } else if ident == "json" || ident == "bytes" || ident == "file" {
            if let Some(first) = &kind {
                errors
                    .spanned(ident, format_args!("`#[part]` takes one kind, `{first}` is already declared"));
            } else {
                kind = Some(ident.clone());
            }
        } else if meta.input.peek(syn::Token![=]) {
            errors.spanned(ident, format_args!("unknown part option `{ident}`, {PART_USAGE}"));
            meta.value()?.parse::<Expr>()?;
        } else {
            errors.spanned(ident, format_args!("unknown part kind `{ident}`, {PART_USAGE}"));
        }
        Ok(())
    })
    .parse2(rest);
    if let Err(error) = parsed {
        errors.at(error.span(), format_args!("unsupported `#[part]` argument, {PART_USAGE}"));
        return None;
    }
    if errors.len() != before {
        return None;
    }
    let kind = kind.map(|ident| ident.to_string());
    if kind.as_deref() != Some("bytes") {
        if let Some(option) = content_type.as_ref().or(file_name.as_ref()) {
            errors.spanned(
                option,
                "`content_type` and `file_name` need `bytes`: a text part has no content type, \
                 a JSON part is always `application/json`, and a `file` part carries its own",
            );
            return None;
        }
    }
    let kind = match kind.as_deref() {
        None => PartKind::Text,
        Some("json") => PartKind::Json,
        Some("file") => PartKind::File,
        _ => {
            let value =
                content_type.as_ref().map_or_else(|| "application/octet-stream".to_owned(), LitStr::value);
            if let (Some(lit), Some(problem)) = (&content_type, content_type_problem(&value)) {
                errors
                    .spanned(lit, format_args!("invalid content type `{}`: {problem}", value.escape_debug()));
                return None;
            }
            if let Some(lit) = file_name.as_ref().filter(|lit| lit.value().is_empty()) {
                errors.spanned(lit, "`file_name` must not be empty; leave it out to send no file name");
                return None;
            }
            PartKind::Bytes { content_type: value, file_name: file_name.map(|lit| lit.value()) }
        }
    };
    Some((name, kind))
}

/// A media type the runtime can send as a header value: `type/subtype`, visible ASCII, spaces
/// and tabs only inside.
fn content_type_problem(value: &str) -> Option<String> {
    if let Some(c) = value.chars().find(|&c| !(c == ' ' || c == '\t' || c.is_ascii_graphic())) {
        return Some(format!("character `{}` is not allowed in a header value", c.escape_debug()));
    }
    if value.trim() != value || value.is_empty() {
        return Some(
            "expected `type/subtype`, e.g. `application/pdf`, without surrounding spaces".to_owned(),
        );
    }
    let essence = value.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, sub)) if !kind.is_empty() && !sub.is_empty() && !sub.contains('/') => None,
        _ => Some("expected `type/subtype`, e.g. `application/pdf`".to_owned()),
    }
}

fn no_args(attr: &Attribute, name: &str, errors: &mut Errors) -> Option<()> {
    if matches!(attr.meta, Meta::Path(_)) {
        Some(())
    } else {
        errors.spanned(attr, format_args!("`#[{name}]` takes no arguments"));
        None
    }
}

fn unknown(attr: &Attribute, expected: &str, errors: &mut Errors) {
    errors.spanned(
        attr.path(),
        format_args!("unknown attribute `{}`, expected one of: {expected}", path_to_string(attr.path())),
    );
}

/// Multi-segment paths are tool attributes (`clippy::`, `rustfmt::`, `diagnostic::`), which are
/// never ours and always safe to keep.
fn is_passthrough(attr: &Attribute, builtin: &[&str]) -> bool {
    let path = attr.path();
    match path.get_ident() {
        Some(ident) => builtin.iter().any(|name| ident == name),
        None => path.segments.len() > 1,
    }
}

fn path_to_string(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    fn args(tokens: TokenStream) -> (Option<String>, Option<String>, Vec<String>) {
        let mut errors = Errors::default();
        let args = api_args(tokens, || RuntimeLookup::Unknown, &mut errors);
        (Some(path_to_string(&args.krate)), args.client.map(|c| c.to_string()), errors.messages())
    }

    /// The runtime path and errors for an empty argument list when the manifest says `lookup`.
    fn default_with(lookup: RuntimeLookup) -> (String, Vec<String>) {
        let mut errors = Errors::default();
        let args = api_args(quote!(), || lookup, &mut errors);
        (path_to_string(&args.krate), errors.messages())
    }

    #[test]
    fn runtime_found_in_the_manifest_is_the_default() {
        assert_eq!(default_with(RuntimeLookup::Found(parse_quote!(::renamed))), ("::renamed".into(), vec![]));
        assert_eq!(default_with(RuntimeLookup::Unknown), ("::http_api_client".into(), vec![]));
    }

    #[test]
    fn missing_runtime_names_the_crate_argument() {
        assert_eq!(
            default_with(RuntimeLookup::Missing(&["neutral-rt", "dintero-auth"])),
            (
                "::http_api_client".into(),
                vec!["runtime crate `neutral-rt` or `dintero-auth` not found among this package's \
                      dependencies; add it, or give its path with `#[api(crate = \"path\")]`"
                    .into()]
            )
        );
    }

    #[test]
    fn explicit_crate_skips_the_lookup() {
        let mut errors = Errors::default();
        let args = api_args(quote!(crate = "rt"), || unreachable!("manifest read"), &mut errors);
        assert_eq!((path_to_string(&args.krate), errors.messages()), ("rt".into(), vec![]));
    }

    #[test]
    fn api_args_defaults_and_overrides() {
        assert_eq!(args(quote!()), (Some("::http_api_client".into()), None, vec![]));
        assert_eq!(
            args(quote!(crate = "rt", client = "Billing2")),
            (Some("rt".into()), Some("Billing2".into()), vec![])
        );
        assert_eq!(args(quote!(crate = "crate::rt::inner")), (Some("crate::rt::inner".into()), None, vec![]));
    }

    #[test]
    fn api_args_errors_are_all_reported() {
        let (_, _, errors) = args(quote!(
            krate = "x",
            crate = 1,
            client = "not an ident",
            timeout(5),
            crate = "::ok",
            crate = "::dup"
        ));
        assert_eq!(
            errors,
            vec![
                "unknown argument `krate`, expected one of: `crate`, `client`, `error_body`",
                "`crate` expects a string literal, e.g. `crate = \"::http_api_client\"`",
                "invalid client name `not an ident`, expected an identifier",
                "unknown argument `timeout`, expected one of: `crate`, `client`, `error_body`",
                "duplicate argument `crate`",
            ]
        );
    }

    fn role_of(attrs: Vec<Attribute>) -> (Option<String>, usize, Vec<String>) {
        let mut errors = Errors::default();
        let role = param_attrs(attrs, &mut errors);
        let kind = role.kind.map(|k| match k {
            RoleKind::Path(n) => format!("path {:?}", n.map(|l| l.value())),
            RoleKind::Query(n) => format!("query {:?}", n.map(|l| l.value())),
            RoleKind::Header(n) => format!("header {n}"),
            RoleKind::Body(_) => "body".into(),
            RoleKind::Form => "form".into(),
            RoleKind::Part(name, kind) => format!("part {name} {kind:?}"),
            RoleKind::IdempotencyKey => "idempotency_key".into(),
        });
        (kind, role.attrs.len(), errors.messages())
    }

    #[test]
    fn param_roles() {
        assert_eq!(role_of(vec![]), (None, 0, vec![]));
        assert_eq!(
            role_of(vec![parse_quote!(#[query("page-size")])]),
            (Some("query Some(\"page-size\")".into()), 0, vec![])
        );
        assert_eq!(
            role_of(vec![parse_quote!(#[allow(unused)]), parse_quote!(#[body])]),
            (Some("body".into()), 1, vec![])
        );
        assert_eq!(
            role_of(vec![parse_quote!(#[header("X-Request-Id")])]),
            (Some("header X-Request-Id".into()), 0, vec![])
        );
    }

    #[test]
    fn param_role_errors() {
        let (_, _, errors) =
            role_of(vec![parse_quote!(#[quary]), parse_quote!(#[body(x)]), parse_quote!(#[form])]);
        assert_eq!(
            errors,
            vec![
                "unknown attribute `quary`, expected one of: `path`, `query`, `header`, `body`, `form`, `part`, `idempotency_key`",
                "unknown body kind `x`, expected `#[body]` (JSON), `#[body(bytes)]`, `#[body(text)]` or `#[body(stream)]`, \
                 optionally with `content_type = \"...\"`, e.g. `#[body(bytes, content_type = \"image/png\")]`",
                "a parameter takes at most one of: `path`, `query`, `header`, `body`, `form`, `part`, `idempotency_key`",
            ]
        );
        assert_eq!(
            role_of(vec![parse_quote!(#[header("X Request")])]).2,
            vec!["invalid header name `X Request`: character ` ` is not allowed"]
        );
        assert_eq!(
            role_of(vec![parse_quote!(#[header("")])]).2,
            vec!["invalid header name ``: must not be empty"]
        );
        assert_eq!(
            role_of(vec![parse_quote!(#[header])]).2,
            vec!["`#[header]` requires a header name, e.g. `#[header(\"X-Request-Id\")]`"]
        );
        assert_eq!(role_of(vec![parse_quote!(#[query("")])]).2, vec!["`#[query]` name must not be empty"]);
    }

    #[test]
    fn method_attr_classification() {
        let mut errors = Errors::default();
        let MethodAttrs { verbs, multipart, kept } = method_attrs(
            vec![
                parse_quote!(#[doc = "x"]),
                parse_quote!(#[post("/a")]),
                parse_quote!(#[clippy::allow_attributes]),
                parse_quote!(#[gett("/a")]),
                parse_quote!(#[put]),
                parse_quote!(#[multipart]),
                parse_quote!(#[multipart]),
                parse_quote!(#[multipart(x)]),
            ],
            &mut errors,
        );
        assert_eq!(verbs.len(), 2);
        assert!(verbs[0].template.is_some() && verbs[1].template.is_none());
        assert_eq!(kept.len(), 2);
        assert!(multipart.is_some());
        assert_eq!(
            errors.messages(),
            vec![
                "unknown attribute `gett`, expected one of: `get`, `post`, `put`, `patch`, `delete`, `multipart`",
                "`#[put]` requires a path template, e.g. `#[put(\"/things\")]`",
                "duplicate `#[multipart]`",
                "duplicate `#[multipart]`",
            ]
        );
        let mut errors = Errors::default();
        assert!(method_attrs(vec![parse_quote!(#[multipart = 1])], &mut errors).multipart.is_some());
        assert_eq!(errors.messages(), vec!["`#[multipart]` takes no arguments"]);
    }

    #[test]
    fn part_kinds() {
        let kind = |attr: Attribute| role_of(vec![attr]);
        assert_eq!(kind(parse_quote!(#[part("a")])), (Some("part a Text".into()), 0, vec![]));
        assert_eq!(kind(parse_quote!(#[part("a\"b", json)])), (Some("part a\"b Json".into()), 0, vec![]));
        assert_eq!(kind(parse_quote!(#[part("f", file)])), (Some("part f File".into()), 0, vec![]));
        assert_eq!(
            kind(parse_quote!(#[part("b", bytes)])).0.unwrap(),
            "part b Bytes { content_type: \"application/octet-stream\", file_name: None }"
        );
        assert_eq!(
            kind(parse_quote!(#[part("b", bytes, file_name = "a.png", content_type = "image/png")]))
                .0
                .unwrap(),
            "part b Bytes { content_type: \"image/png\", file_name: Some(\"a.png\") }"
        );
    }

    #[test]
    fn part_errors() {
        let usage = "expected `#[part(\"name\")]` (text), `#[part(\"name\", json)]`, `#[part(\"name\", bytes)]` \
                     or `#[part(\"name\", file)]`; `bytes` takes `content_type = \"...\"` and `file_name = \"...\"`, \
                     e.g. `#[part(\"avatar\", bytes, content_type = \"image/png\", file_name = \"a.png\")]`";
        let errors_of = |attr: Attribute| role_of(vec![attr]).2;
        let no_name = "`#[part]` requires a part name, e.g. `#[part(\"file\")]`";
        assert_eq!(errors_of(parse_quote!(#[part])), vec![no_name]);
        assert_eq!(errors_of(parse_quote!(#[part()])), vec![no_name]);
        assert_eq!(errors_of(parse_quote!(#[part(json)])), vec![no_name]);
        assert_eq!(errors_of(parse_quote!(#[part = "a"])), vec![no_name]);
        assert_eq!(errors_of(parse_quote!(#[part("")])), vec!["`#[part]` name must not be empty"]);
        assert_eq!(
            errors_of(parse_quote!(#[part("a", blob)])),
            vec![format!("unknown part kind `blob`, {usage}")]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", bytes, filename = "x")])),
            vec![format!("unknown part option `filename`, {usage}")]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", bytes, file)])),
            vec!["`#[part]` takes one kind, `bytes` is already declared"]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", bytes, file_name = "x", file_name = "y")])),
            vec!["duplicate argument `file_name`"]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", json, content_type = "a/b")])),
            vec![
                "`content_type` and `file_name` need `bytes`: a text part has no content type, \
                  a JSON part is always `application/json`, and a `file` part carries its own"
            ]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", bytes, content_type = "png")])),
            vec!["invalid content type `png`: expected `type/subtype`, e.g. `application/pdf`"]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", bytes, file_name = "")])),
            vec!["`file_name` must not be empty; leave it out to send no file name"]
        );
        assert_eq!(
            errors_of(parse_quote!(#[part("a", bytes(x))])),
            vec![format!("unsupported `#[part]` argument, {usage}")]
        );
    }
}
