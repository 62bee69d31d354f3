//! Arbitrary path templates (and parameter names) through the whole `#[api]` expansion: it
//! must never panic, and its output must always be valid Rust (the trait, the client and
//! `compile_error!`s).
#![no_main]
use libfuzzer_sys::fuzz_target;
use proc_macro2::{Span, TokenStream};
use quote::quote;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Everything up to the first newline is the template; the rest names parameters.
    let (template, names) = text.split_once('\n').unwrap_or((text, "aid"));
    let template = syn::LitStr::new(template, Span::call_site());
    let params: Vec<TokenStream> = names
        .split(',')
        .filter_map(|name| syn::parse_str::<syn::Ident>(name.trim()).ok())
        .map(|ident| quote!(#ident: &str))
        .collect();
    let item = quote! {
        pub trait Fuzzed {
            #[post(#template)]
            async fn call(&self, #(#params,)* #[body] body: &Body) -> Result<Out, Error>;
        }
    };
    let output = http_api_client_codegen::expand_api_without_manifest(TokenStream::new(), item);
    if let Err(error) = syn::parse2::<syn::File>(output.clone()) {
        panic!("expansion is not valid Rust: {error}\n{output}");
    }
});
