//! The typed model of an `#[api]` trait: [`Api`] → [`Endpoint`] → [`Param`], built once from the
//! syn tree. Expansion reads only this model.
//!
//! Building the model also performs the checks that concern a single item (method shape, parameter
//! pattern, return type). Problems are recorded and the item is still modelled as well as possible,
//! so the trait and client can be emitted next to the errors and the rest of the user's crate keeps
//! type-checking. Checks that relate several items live in `valid.rs`.

use crate::attr::{self, ApiArgs, BodyKind, MethodAttrs, PartKind, RoleAttr, RoleKind, VerbAttr};
use crate::errors::Errors;
use crate::settings::{self, Settings};
use crate::template::Template;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, ToTokens};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, FnArg, GenericArgument, GenericParam, Generics, Ident, ItemTrait, Pat, PatType,
    Path, PathArguments, Receiver, ReceiverKind, ReturnType, Safety, Token, TraitItem, TraitItemFn, Type,
    TypeParamBound, Visibility,
};

pub(crate) struct Api {
    /// Runtime crate path, `::http_api_client` unless renamed with `crate = "..."`.
    pub krate: Path,
    /// `error_body = Type`; `None` gives the runtime's untyped error.
    pub error_body: Option<Type>,
    pub client: Ident,
    /// The trait's own attributes, emitted unchanged on the trait.
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub unsafety: Option<Token![unsafe]>,
    pub ident: Ident,
    pub generics: Generics,
    pub supertraits: Option<(Token![:], Punctuated<TypeParamBound, Token![+]>)>,
    pub endpoints: Vec<Endpoint>,
    /// False for a generic or `unsafe` trait (both reported): the client type is then emitted
    /// without implementing the trait.
    pub implementable: bool,
}

pub(crate) struct Endpoint {
    /// Non-helper attributes (docs, `#[cfg]`, `#[deprecated]`, lints), kept on the trait method.
    pub attrs: Vec<Attribute>,
    pub fn_token: Token![fn],
    pub ident: Ident,
    /// Lifetime parameters only survive validation; anything else is reported but still emitted
    /// so that user code mentioning it keeps resolving.
    pub generics: Generics,
    /// The user's `&self`, or `None` when it had to be replaced.
    pub receiver: Option<Receiver>,
    pub params: Vec<Param>,
    /// The declared return type, `None` when the method had none.
    pub output: Option<Type>,
    pub verb: Option<VerbAttr>,
    /// `#[multipart]`'s tokens: the `#[part]` parameters make a `multipart/form-data` body.
    pub multipart: Option<TokenStream>,
    pub response: Option<Response>,
    /// `#[timeout]` and `#[headers]`, the trait's merged with the method's own.
    pub settings: Settings,
    /// No error was reported for this endpoint, so a real body can be generated.
    pub complete: bool,
}

pub(crate) struct Param {
    /// Lint attributes kept on the trait method's parameter.
    pub attrs: Vec<Attribute>,
    /// `None` when the pattern was not a plain identifier.
    pub ident: Option<Ident>,
    pub ty: Type,
    /// `None` when the role could not be worked out (already reported).
    pub role: Option<Role>,
    /// Where to point role-related errors: the role attribute, or the parameter itself.
    pub role_tokens: TokenStream,
    /// A `#[part]` attribute too malformed to give a role (already reported): still a part.
    pub malformed_part: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Role {
    Path {
        name: String,
        name_span: Span,
        explicit: bool,
    },
    Query {
        name: String,
    },
    Header {
        name: String,
    },
    Body(BodyKind),
    Form,
    /// One part of a `#[multipart]` body.
    Part {
        name: String,
        kind: PartKind,
    },
    /// Sent as `Idempotency-Key`; makes the call safe to retry.
    IdempotencyKey,
}

/// What the endpoint returns, read from `Result<X, E>`.
pub(crate) struct Response {
    /// `X`. How its body is read (ignored for `()`, raw for `Bytes`/`Vec<u8>`/`String`, JSON
    /// otherwise, with status and headers for `ApiResponse<_>`) is decided by the runtime's types,
    /// not by the name written here, so renamed imports and aliases work.
    pub ok: Type,
    /// `E`; converted from the runtime error with `From`.
    pub error: Type,
}

impl Api {
    pub(crate) fn from_syn(item: ItemTrait, args: ApiArgs, errors: &mut Errors) -> Api {
        if let Err(error) = item.modifiers.require_empty() {
            errors.push(error);
        }
        let mut implementable = true;
        if let Some(unsafety) = &item.unsafety {
            errors.spanned(unsafety, "`#[api]` traits cannot be `unsafe`");
            implementable = false;
        }
        // A `where` clause is fine (the client simply has to satisfy it, like supertraits); type
        // parameters are not, as the client would need one implementation per instantiation.
        if !item.generics.params.is_empty() {
            errors.spanned(&item.generics, "generic `#[api]` traits are not supported");
            implementable = false;
        }

        let (setting_attrs, attrs): (Vec<_>, Vec<_>) =
            outer(item.attrs).into_iter().partition(settings::is_setting);
        let api_settings = settings::parse(&setting_attrs, errors);
        let mut endpoints = Vec::new();
        for trait_item in item.items {
            match trait_item {
                TraitItem::Fn(method) => endpoints.push(Endpoint::from_syn(method, &api_settings, errors)),
                // Dropped from the output: an associated type or const would have to be defined
                // by the generated client, which has nothing to define it with.
                other => {
                    errors.spanned(other, "only `async fn` endpoint methods are allowed in an `#[api]` trait")
                }
            }
        }

        let client = args.client.unwrap_or_else(|| format_ident!("{}Client", item.ident));
        Api {
            krate: args.krate,
            error_body: args.error_body,
            client,
            attrs,
            vis: item.vis,
            unsafety: item.unsafety,
            ident: item.ident,
            generics: item.generics,
            supertraits: item.colon_token.map(|colon| (colon, item.supertraits)),
            endpoints,
            implementable,
        }
    }
}

impl Endpoint {
    fn from_syn(method: TraitItemFn, api_settings: &Settings, errors: &mut Errors) -> Endpoint {
        let before = errors.len();
        let (setting_attrs, attrs): (Vec<_>, Vec<_>) =
            outer(method.attrs).into_iter().partition(settings::is_setting);
        let settings = api_settings.merged_with(&settings::parse(&setting_attrs, errors));
        let MethodAttrs { verbs, multipart, kept: attrs } = attr::method_attrs(attrs, errors);
        let sig = method.sig;

        let verb = match verbs.len() {
            0 => {
                errors.spanned(
                    &sig.ident,
                    format_args!("missing http method attribute, expected one of: {}", attr::VERB_LIST),
                );
                None
            }
            _ => {
                for extra in &verbs[1..] {
                    errors.spanned(&extra.tokens, "multiple http method attributes, expected exactly one");
                }
                verbs.into_iter().next()
            }
        };

        if let Err(error) = method.modifiers.require_empty() {
            errors.push(error);
        }
        if let Some(constness) = &sig.constness {
            errors.spanned(constness, "endpoint methods cannot be `const`");
        }
        match &sig.safety {
            Safety::Unsafe(token) => errors.spanned(token, "endpoint methods cannot be `unsafe`"),
            Safety::Safe(token) => errors.spanned(token, "endpoint methods cannot be `safe`"),
            _ => {}
        }
        if let Some(abi) = &sig.abi {
            errors.spanned(abi, "endpoint methods cannot be `extern`");
        }
        if sig.asyncness.is_none() {
            errors.spanned(sig.fn_token, "endpoint methods must be `async fn`");
        }
        check_generics(&sig.generics, errors);
        if let Some(variadic) = &sig.variadic {
            errors.spanned(variadic, "variadic parameters are not supported");
        }
        if let Some(body) = &method.default {
            errors.spanned(body, "endpoint methods must not have a body");
        }

        let mut inputs = sig.inputs.into_iter().peekable();
        let receiver = match inputs.peek() {
            Some(FnArg::Receiver(receiver)) => {
                let receiver = receiver.clone();
                inputs.next();
                let shared_ref = matches!(receiver.kind, ReceiverKind::Reference(_, _, None))
                    && receiver.mutability.is_none()
                    && receiver.attrs.is_empty();
                if shared_ref {
                    Some(receiver)
                } else {
                    errors.spanned(&receiver, "endpoint methods must take `&self`");
                    None
                }
            }
            _ => {
                errors.spanned(&sig.ident, "endpoint methods must take `&self`");
                None
            }
        };
        let params = inputs
            .filter_map(|input| match input {
                FnArg::Typed(typed) => Some(Param::from_syn(typed, errors)),
                // syn only accepts a receiver in first position.
                FnArg::Receiver(_) => None,
            })
            .collect();

        let (output, response) = match sig.output {
            ReturnType::Default => {
                errors.spanned(&sig.ident, "missing return type, expected `-> Result<T, E>`");
                (None, None)
            }
            ReturnType::Type(_, ty) => {
                let response = Response::from_type(&ty);
                if response.is_none() {
                    errors.spanned(&ty, "unsupported return type, expected `Result<T, E>`");
                }
                (Some(*ty), response)
            }
        };

        Endpoint {
            attrs,
            fn_token: sig.fn_token,
            ident: sig.ident,
            generics: sig.generics,
            receiver,
            params,
            output,
            verb,
            multipart,
            response,
            settings,
            complete: errors.len() == before,
        }
    }

    /// The template, when the verb attribute and its template were both valid.
    pub(crate) fn template(&self) -> Option<&Template> {
        self.verb.as_ref().and_then(|verb| verb.template.as_ref())
    }
}

/// syn files the inner attributes of a trait body (`trait T { #![allow(x)] }`) or of a method's
/// default body with the item's own. The output re-emits them all in front of the item, where an
/// inner attribute is a syntax error; as outer attributes they mean the same (they apply to the
/// item either way) and `#[cfg]` forwarding to the client sees them too. Found by the property
/// tests.
fn outer(mut attrs: Vec<Attribute>) -> Vec<Attribute> {
    for attr in &mut attrs {
        attr.style = AttrStyle::Outer;
    }
    attrs
}

/// Lifetime parameters are harmless: they are copied to the impl as written. Type and const
/// parameters (and `where` clauses, which only make sense with them) are rejected: an endpoint is
/// one concrete HTTP contract, and its shim should not be instantiated per caller type.
fn check_generics(generics: &Generics, errors: &mut Errors) {
    for param in &generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            errors.spanned(param, "generic parameters are not supported on endpoint methods");
        }
    }
    if let Some(where_clause) = &generics.where_clause {
        errors.spanned(where_clause, "`where` clauses are not supported on endpoint methods");
    }
}

impl Param {
    fn from_syn(typed: PatType, errors: &mut Errors) -> Param {
        let before = errors.len();
        let role_attr = attr::param_attrs(typed.attrs, errors);
        // After a bad role attribute the intended role is unknown; guessing "path" would add a
        // misleading binding error.
        let role_known = errors.len() == before;
        let ident = match *typed.pat {
            // `mut x` / `ref x` are rejected, but the name is still known: keeping it avoids a
            // spurious "placeholder has no matching parameter" on top.
            Pat::Ident(pat) if pat.subpat.is_none() => {
                if pat.by_ref.is_some() || pat.mutability.is_some() || !pat.attrs.is_empty() {
                    errors.spanned(&pat, "unsupported parameter pattern, expected an identifier");
                }
                Some(pat.ident)
            }
            pat => {
                errors.spanned(pat, "unsupported parameter pattern, expected an identifier");
                None
            }
        };
        if let Some(impl_trait) = find_impl_trait(&typed.ty) {
            errors.spanned(impl_trait, "`impl Trait` parameters are not supported, use a concrete type");
        }

        let RoleAttr { kind, tokens, name: role_name, attrs } = role_attr;
        let malformed_part = kind.is_none() && role_name.as_deref() == Some("part");
        let role_tokens = tokens.unwrap_or_else(|| match &ident {
            Some(ident) => ident.to_token_stream(),
            None => typed.ty.to_token_stream(),
        });
        let ident_name = ident.as_ref().map(|i| (i.unraw().to_string(), i.span()));
        let role = match kind {
            None if !role_known => None,
            None => ident_name.map(|(name, name_span)| Role::Path { name, name_span, explicit: false }),
            Some(RoleKind::Path(Some(lit))) => {
                Some(Role::Path { name: lit.value(), name_span: lit.span(), explicit: true })
            }
            Some(RoleKind::Path(None)) => {
                ident_name.map(|(name, name_span)| Role::Path { name, name_span, explicit: false })
            }
            Some(RoleKind::Query(Some(lit))) => Some(Role::Query { name: lit.value() }),
            Some(RoleKind::Query(None)) => ident_name.map(|(name, _)| Role::Query { name }),
            Some(RoleKind::Header(name)) => Some(Role::Header { name }),
            Some(RoleKind::Body(kind)) => Some(Role::Body(kind)),
            Some(RoleKind::Form) => Some(Role::Form),
            Some(RoleKind::Part(name, kind)) => Some(Role::Part { name, kind }),
            Some(RoleKind::IdempotencyKey) => Some(Role::IdempotencyKey),
        };

        Param { attrs, ident, ty: *typed.ty, role, role_tokens, malformed_part }
    }
}

/// An `impl Trait` at the top of a parameter type or behind references/parentheses (`&impl Trait`)
/// would make the method generic, which the trait cannot allow.
fn find_impl_trait(ty: &Type) -> Option<&Type> {
    match ty {
        Type::ImplTrait(_) => Some(ty),
        Type::Reference(reference) => find_impl_trait(&reference.elem),
        Type::Paren(paren) => find_impl_trait(&paren.elem),
        Type::Group(group) => find_impl_trait(&group.elem),
        _ => None,
    }
}

impl Response {
    /// Reads `Result<X, E>` (by last path segment, so aliases and full paths both work).
    fn from_type(ty: &Type) -> Option<Response> {
        let [ok, error] = generic_types(ty, "Result")?;
        Some(Response { ok: ok.clone(), error: error.clone() })
    }
}

/// The `N` type arguments of `ty` when its last path segment is `name<T1, .., TN>`.
fn generic_types<'a, const N: usize>(ty: &'a Type, name: &str) -> Option<[&'a Type; N]> {
    let Type::Path(path) = peel(ty) else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let types: Vec<&Type> = args
        .args
        .iter()
        .map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect::<Option<_>>()?;
    types.try_into().ok()
}

/// The type inside any parentheses and invisible groups. A `macro_rules!` fragment (`$t:ty`)
/// reaches the macro wrapped in an invisible group, which syn keeps as `Type::Group`; without
/// this, `-> $ret` with `$ret = Result<T, E>` was rejected as an unsupported return type and
/// `Result<$t, E>` with `$t = ()` decoded the body as JSON instead of ignoring it. Found by the
/// property tests.
pub(crate) fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => peel(&group.elem),
        Type::Paren(paren) => peel(&paren.elem),
        _ => ty,
    }
}
