//! Code generation from the model: the rewritten trait, the client struct and its impl of the
//! trait.
//!
//! Each endpoint becomes a thin shim: build a `Call` from the method and path segments, hand it the
//! query, header and body values (a `#[multipart]` method's parts through a `Multipart` form),
//! then return the runtime's `send_decoded` future, which sends the call when first polled (no
//! `async` body). Everything that does not depend on the user's types
//! lives in the runtime crate.

use crate::ast::{self, Api, Endpoint, Role};
use crate::attr::{self, RuntimeLookup, Verb};
use crate::attr::{BodyKind, PartKind};
use crate::errors::Errors;
use crate::template::{Segment, Template};
use crate::valid;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Item, LitStr, Type};

/// Entry point for tests and for the harnesses that compile these modules in: `attr` is the
/// `#[api(...)]` argument list, `item` the annotated trait. Without a manifest to read, the runtime
/// is `::http_api_client` unless `crate = "..."` says otherwise.
// The macro itself calls `api_with_lookup`, so in its own non-test build this one is unused.
#[allow(dead_code)]
pub fn api(attr: TokenStream, item: TokenStream) -> TokenStream {
    api_with_lookup(attr, item, || RuntimeLookup::Unknown, true)
}

/// Entry point of the proc macro: as [`api`], with `find_runtime` asked where the caller's
/// `Cargo.toml` puts the runtime crate when `crate = "..."` is absent. Never fails: problems come
/// back as `compile_error!`s next to the best-effort trait and client. The blocking client is
/// left out unless `blocking`.
pub fn api_with_lookup(
    attr: TokenStream,
    item: TokenStream,
    find_runtime: impl FnOnce() -> RuntimeLookup,
    blocking: bool,
) -> TokenStream {
    let mut errors = Errors::default();
    let mut output = generate(attr, item, find_runtime, blocking, &mut errors);
    output.extend(errors.into_compile_errors());
    output
}

/// The generated items without the errors, which stay in `errors` (tests inspect both).
fn generate(
    attr: TokenStream,
    item: TokenStream,
    find_runtime: impl FnOnce() -> RuntimeLookup,
    blocking: bool,
    errors: &mut Errors,
) -> TokenStream {
    let args = attr::api_args(attr, find_runtime, errors);
    let item = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Trait(item)) => item,
        // Pointing at the `#[api]` attribute (the call site) is clearer than at the whole item.
        Ok(_) => {
            errors.at(Span::call_site(), "`#[api]` can only be applied to a trait");
            return item;
        }
        Err(error) => {
            errors.push(error);
            return item;
        }
    };
    let mut api = Api::from_syn(item, args, errors);
    valid::check(&mut api, errors);

    let mut output = trait_definition(&api);
    output.extend(client(&api));
    if blocking {
        output.extend(crate::blocking::blocking_client(&api));
    }
    output
}

fn trait_definition(api: &Api) -> TokenStream {
    let Api { attrs, vis, unsafety, ident, generics, .. } = api;
    let supertraits = api.supertraits.as_ref().map(|(colon, bounds)| quote!(#colon #bounds));
    let where_clause = &generics.where_clause;
    let methods = api.endpoints.iter().map(trait_method);
    quote! {
        #(#attrs)*
        #vis #unsafety trait #ident #generics #supertraits #where_clause {
            #(#methods)*
        }
    }
}

/// `async fn f(&self, ..) -> R;` becomes `fn f(&self, ..) -> impl Future<Output = R> + Send;` so
/// that callers of generic code get `Send` futures (plain `async fn` in traits cannot promise it).
fn trait_method(endpoint: &Endpoint) -> TokenStream {
    let Endpoint { attrs, fn_token, ident, generics, .. } = endpoint;
    let receiver = match &endpoint.receiver {
        Some(receiver) => receiver.to_token_stream(),
        None => quote!(&self),
    };
    let params = endpoint.params.iter().map(|param| {
        let attrs = &param.attrs;
        let ty = &param.ty;
        let pat = match &param.ident {
            Some(ident) => ident.to_token_stream(),
            None => quote!(_),
        };
        quote!(#(#attrs)* #pat: #ty)
    });
    let future = future_type(endpoint, None);
    let where_clause = &generics.where_clause;
    quote! {
        #(#attrs)*
        #fn_token #ident #generics(#receiver #(, #params)*) -> #future #where_clause;
    }
}

/// The method's future type, spanned at the declared return type, so "future is not `Send`" lands
/// on the method it concerns; in a shim at `ok` instead, since its future is a future only when
/// the ok type decodes, and a missing `Deserialize` belongs there.
fn future_type(endpoint: &Endpoint, ok: Option<&Type>) -> TokenStream {
    let (output, span) = match &endpoint.output {
        Some(ty) => (ty.to_token_stream(), at(ok.unwrap_or(ty))),
        None => (quote!(()), at(&endpoint.ident)),
    };
    quote_spanned! {span=>
        impl ::core::future::Future<Output = #output> + ::core::marker::Send
    }
}

fn client(api: &Api) -> TokenStream {
    let Api { krate, client, vis, ident, .. } = api;
    // A `#[cfg]` on the trait must also remove everything generated from it.
    let cfgs: Vec<&Attribute> = api.attrs.iter().filter(|attr| attr.path().is_ident("cfg")).collect();
    let doc = format!(
        " Client for [`{ident}`], generated by `#[api]`.\n\n \
         Each method sends one request through the wrapped runtime client. \
         Cheap to clone: clones share the runtime client."
    );
    let implementation =
        api.implementable.then(|| {
            let methods = api.endpoints.iter().map(|endpoint| {
                if endpoint.complete {
                    shim(api, endpoint)
                } else {
                    stub(endpoint)
                }
            });
            quote! {
                #(#cfgs)*
                // In a block of its own, so that the traits that pick each method's decoder are
                // in scope for the methods and nowhere else.
                const _: () = {
                    use #krate::__private::{JsonBody as _, JsonWithInfo as _};
                    impl #ident for #client {
                        #(#methods)*
                    }
                };
            }
        });
    quote! {
        #(#cfgs)*
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        #[allow(dead_code)]
        #vis struct #client {
            __client: #krate::Client,
        }

        #(#cfgs)*
        #[allow(dead_code)]
        impl #client {
            /// Wraps a configured runtime client.
            pub fn new(client: #krate::Client) -> Self {
                Self { __client: client }
            }

            /// Same endpoints with per-call options (timeout, extra headers, bearer override)
            /// applied to every call made through the returned client.
            #[must_use]
            pub fn with_options(&self, options: #krate::CallOptions) -> Self {
                Self { __client: self.__client.with_options(options) }
            }

            /// The wrapped runtime client.
            pub fn client(&self) -> &#krate::Client {
                &self.__client
            }
        }

        #(#cfgs)*
        impl ::core::convert::From<#krate::Client> for #client {
            fn from(client: #krate::Client) -> Self {
                Self::new(client)
            }
        }

        #implementation
    }
}

/// Attributes that still mean something on the impl's method. `#[deprecated]` would be rejected
/// there and `#[expect]` could go unfulfilled, so they stay on the trait only.
pub(crate) fn impl_attrs(endpoint: &Endpoint) -> impl Iterator<Item = &Attribute> {
    const FORWARDED: &[&str] = &["doc", "cfg", "allow", "warn", "deny", "forbid"];
    endpoint.attrs.iter().filter(|attr| FORWARDED.iter().any(|name| attr.path().is_ident(name)))
}

/// `self` is emitted by the macro in both the signature and the body, so the two always resolve
/// to each other whatever hygiene the user's tokens carry.
pub(crate) fn impl_receiver(endpoint: &Endpoint) -> TokenStream {
    let lifetime = endpoint.receiver.as_ref().and_then(|receiver| match &receiver.kind {
        syn::ReceiverKind::Reference(_, lifetime, _) => lifetime.as_ref(),
        _ => None,
    });
    quote!(&#lifetime self)
}

/// The body of a valid endpoint.
fn shim(api: &Api, endpoint: &Endpoint) -> TokenStream {
    let (Some(verb), Some(template), Some(response), Some(_)) =
        (&endpoint.verb, endpoint.template(), &endpoint.response, &endpoint.output)
    else {
        // Unreachable for a complete endpoint; a stub keeps the output well-formed regardless.
        return stub(endpoint);
    };
    let krate = &api.krate;

    let mut segments = Vec::new();
    // Literal segments that need no encoding, joined by `/` and sent as one piece.
    let mut raw = String::new();
    for segment in &template.segments {
        if let Segment::Literal(text) = segment {
            if text.bytes().all(is_path_char) {
                if !raw.is_empty() {
                    raw.push('/');
                }
                raw.push_str(text);
                continue;
            }
        }
        if !raw.is_empty() {
            let text = LitStr::new(&std::mem::take(&mut raw), template.lit.span());
            segments.push(quote!(#krate::__private::Segment::Raw(#text)));
        }
        match segment {
            Segment::Literal(text) => {
                let text = LitStr::new(text, template.lit.span());
                segments.push(quote!(#krate::__private::Segment::Literal(#text)));
            }
            Segment::Placeholder(name) => {
                let Some((ident, ty)) = path_param(endpoint, name) else {
                    return stub(endpoint);
                };
                if let Some(borrowed) = string_value(ident, ty) {
                    segments.push(quote_spanned!(at(ty)=> #krate::__private::Segment::Str(#name, #borrowed)));
                    continue;
                }
                // At the parameter's type: "`T` doesn't implement `Display`" lands on `T`.
                segments.push(quote_spanned! {at(ty)=>
                    #krate::__private::Segment::Param(#name, &#ident)
                });
            }
        }
    }
    if !raw.is_empty() {
        let text = LitStr::new(&raw, template.lit.span());
        segments.push(quote!(#krate::__private::Segment::Raw(#text)));
    }

    // Each statement is located at the parameter's type so a missing `Serialize` is reported
    // there. `__call` is located there too: a method call's span starts at its receiver.
    let mut statements = Vec::new();
    // `#[part]` parameters, in order, each a statement on `__form`.
    let mut parts = Vec::new();
    for param in &endpoint.params {
        let (Some(role), Some(ident)) = (&param.role, &param.ident) else {
            return stub(endpoint);
        };
        let span = at(&param.ty);
        let call = Ident::new("__call", span);
        let body = by_reference(ident, &param.ty);
        if let Role::Part { name, kind } = role {
            let form = Ident::new("__form", span);
            parts.push(match kind {
                PartKind::Text => quote_spanned!(span=> #form.text(#name, &#ident);),
                PartKind::Json => quote_spanned!(span=> #form.json(#name, #body);),
                PartKind::Bytes { content_type, file_name } => {
                    let file_name = match file_name {
                        Some(file_name) => quote!(::core::option::Option::Some(#file_name)),
                        None => quote!(::core::option::Option::None),
                    };
                    quote_spanned!(span=> #form.bytes(#name, #body, #content_type, #file_name);)
                }
                PartKind::File => quote_spanned!(span=> #form.file(#name, #body);),
            });
            continue;
        }
        statements.push(match role {
            Role::Path { .. } => continue,
            Role::Query { name } => quote_spanned!(span=> #call.query(#name, &#ident);),
            Role::Header { name } => quote_spanned!(span=> #call.header(#name, &#ident);),
            Role::Body(BodyKind::Json) => quote_spanned!(span=> #call.json(#body);),
            Role::Body(BodyKind::Bytes(content_type)) => {
                quote_spanned!(span=> #call.bytes(#body, #content_type);)
            }
            Role::Body(BodyKind::Text(content_type)) => {
                quote_spanned!(span=> #call.text(#body, #content_type);)
            }
            Role::Body(BodyKind::Stream(content_type)) => {
                quote_spanned!(span=> #call.stream(#ident, #content_type);)
            }
            Role::Form => quote_spanned!(span=> #call.form(#body);),
            Role::IdempotencyKey => quote_spanned!(span=> #call.idempotency_key(&#ident);),
            Role::Part { .. } => continue,
        });
    }
    if endpoint.multipart.is_some() {
        statements.push(quote! {
            let mut __form = #krate::__private::Multipart::new();
            #(#parts)*
            __call.multipart(__form);
        });
    }
    if let Some(ms) = endpoint.settings.timeout_ms {
        statements.push(quote!(__call.method_timeout(::core::time::Duration::from_millis(#ms));));
    }
    for (name, value) in &endpoint.settings.headers {
        statements.push(quote!(__call.static_header(#name, #value);));
    }
    let mutability = (!statements.is_empty()).then(|| quote!(mut));

    // The conversion of the runtime error into the method's, located at the error type, so a
    // missing `From<runtime::Error<B>>` is reported once, on `E`. The body type `B` is the API's
    // `error_body`, or the runtime's `Untyped`. The error type is named rather than inferred: an
    // unknown `?E: From<..>` has the compiler weigh every `From` impl.
    let error_body = match &api.error_body {
        Some(ty) => quote!(#ty),
        None => quote!(#krate::__private::Untyped),
    };
    let error_type = &response.error;
    let into_error = quote_spanned! {at(error_type)=>
        #krate::__private::error_into::<#error_body, #error_type>
    };
    // The ok type picks its decoder through the runtime's types (`__private::Returns`), in one
    // method call: inherent methods for `()`, `Bytes`, `Vec<u8>`, `String`, `ByteStream`, bare or
    // in an `ApiResponse`, then trait methods for JSON (the traits are imported once, next to
    // the impl), so an alias or a renamed import of `ApiResponse` means the same as the name.
    // Located at the ok type, like the method's future type: `send_decoded`'s bound on the decoder
    // is checked by the call and again with the future it returns, and both report a missing
    // `Deserialize` at the same place with the same words, which the compiler shows once. The
    // decoder is bound first: passed inline, the call's report would cover the whole method.
    let ok = &response.ok;
    let span = at(ok);
    let located_call = Ident::new("__call", span);
    let sending = quote_spanned! {span=>
        {
            let __decoder = #krate::__private::Returns::<#ok>::new().decoder();
            #located_call.send_decoded(__decoder, #into_error)
        }
    };

    let operation = operation(api, endpoint, verb.verb, template);
    let attrs = impl_attrs(endpoint);
    let Endpoint { fn_token, ident, generics, .. } = endpoint;
    let receiver = impl_receiver(endpoint);
    let params = endpoint.params.iter().map(|param| {
        let ident = &param.ident;
        let ty = &param.ty;
        quote!(#ident: #ty)
    });
    let future = future_type(endpoint, Some(ok));
    let where_clause = &generics.where_clause;
    let call = Ident::new("__call", Span::call_site());
    // Not an `async fn`: the method returns the runtime's future, which sends the call when first
    // polled. An `async` body per method would cost the compiler far more than the rest of the
    // method (about 13 M instructions per endpoint to check, against about 6 M for all else).
    quote! {
        #(#attrs)*
        #fn_token #ident #generics(#receiver #(, #params)*) -> #future #where_clause {
            let #mutability #call = self.__client.call(#operation, &[#(#segments),*]);
            #(#statements)*
            #sending
        }
    }
}

/// The `'static` description of the endpoint that the runtime gets with every call.
fn operation(api: &Api, endpoint: &Endpoint, verb: Verb, template: &Template) -> TokenStream {
    let krate = &api.krate;
    let api_name = api.ident.to_string();
    let method_name = endpoint.ident.to_string();
    let http_method = Ident::new(verb.constant(), Span::call_site());
    let path = template.lit.value();
    let idempotent = verb.is_idempotent() || endpoint.verb.as_ref().is_some_and(|attr| attr.idempotent);
    // A struct of constants behind `&`: promoted to a `'static` by the compiler, which costs
    // less to compile than a `static` item per method.
    quote! {
        &#krate::__private::Operation {
            api: #api_name,
            method: #method_name,
            http_method: #krate::__private::Method::#http_method,
            path_template: #path,
            idempotent: #idempotent,
        }
    }
}

/// RFC 3986's `pchar` but `%` (which the template refuses): unreserved characters, sub-delims, `:`
/// and `@`. A literal made of them alone is sent as written (`/users/@me`, `/v1:batch`); others
/// (non-ASCII letters, say) are percent-encoded by the runtime.
fn is_path_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte)
}

/// A path value of type `&str`, `String` or `&String` as written, as a `&str` (a reference is
/// passed as it is and coerces, a `String` is borrowed): the runtime encodes it without
/// formatting it (to the same text). `None` for other types, aliases included: they go through
/// `Display`.
fn string_value(ident: &Ident, ty: &Type) -> Option<TokenStream> {
    let (ty, referenced) = match ungrouped(ty) {
        Type::Reference(reference) if reference.mutability.is_none() => (ungrouped(&reference.elem), true),
        ty => (ty, false),
    };
    is_string(ty, referenced).then(|| if referenced { quote!(#ident) } else { quote!(&#ident) })
}

/// `str` behind a reference, or `String`, as written.
fn is_string(ty: &Type, referenced: bool) -> bool {
    let Type::Path(path) = ty else { return false };
    if path.qself.is_some() || path.path.segments.iter().any(|segment| !segment.arguments.is_empty()) {
        return false;
    }
    let names: Vec<String> = path.path.segments.iter().map(|segment| segment.ident.to_string()).collect();
    match names.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["str"] => referenced,
        ["String"] | ["std" | "alloc", "string", "String"] => true,
        _ => false,
    }
}

/// `ty` without the invisible groups a `macro_rules!` expansion wraps around it.
fn ungrouped(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungrouped(&group.elem),
        ty => ty,
    }
}

/// A span at `tokens` for error locations, but with call-site hygiene, so generated paths and
/// locals resolve the same as in the rest of the output even when the user's tokens come from
/// a `macro_rules!` expansion.
fn at(tokens: &impl Spanned) -> Span {
    Span::call_site().located_at(tokens.span())
}

fn path_param<'a>(endpoint: &'a Endpoint, placeholder: &str) -> Option<(&'a Ident, &'a Type)> {
    endpoint.params.iter().find_map(|param| match &param.role {
        Some(Role::Path { name, .. }) if name == placeholder => Some((param.ident.as_ref()?, &param.ty)),
        _ => None,
    })
}

/// Body methods take `&T`: a shared reference parameter is passed as is, anything else borrowed.
/// Seen through invisible groups, so a `macro_rules!` `$t:ty` expands like the type written out.
fn by_reference(ident: &Ident, ty: &Type) -> TokenStream {
    match ast::peel(ty) {
        Type::Reference(reference) if reference.mutability.is_none() => quote!(#ident),
        _ => quote!(&#ident),
    }
}

/// Stand-in for an endpoint with errors: same signature as the trait method, a future that never
/// completes. It keeps the impl (and the user's calls through it) type-checking without adding
/// errors of its own; the crate does not build anyway.
fn stub(endpoint: &Endpoint) -> TokenStream {
    let attrs = impl_attrs(endpoint);
    let Endpoint { fn_token, ident, generics, .. } = endpoint;
    let receiver = impl_receiver(endpoint);
    let types = endpoint.params.iter().map(|param| &param.ty);
    let future = future_type(endpoint, None);
    let where_clause = &generics.where_clause;
    quote! {
        #(#attrs)*
        #fn_token #ident #generics(#receiver #(, _: #types)*) -> #future #where_clause {
            ::core::future::pending()
        }
    }
}

#[cfg(test)]
// Explicit path: the expansion benchmark includes this file with `#[path]`, which changes where
// a plain `mod tests;` would be looked up.
#[path = "expand/tests.rs"]
mod tests;

// Random and mutated declarations through `api`: it never panics and always emits valid items.
#[cfg(test)]
#[path = "expand/property_tests.rs"]
mod property_tests;
