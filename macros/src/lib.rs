//! The `#[api]` attribute macro behind `dintero-auth`. Use it through the `dintero-auth` crate,
//! which re-exports it and provides the runtime the generated code calls into.
//!
//! The pipeline is one module per step: `attr` and `template` parse the macro's own syntax, `ast`
//! builds the typed model of the trait, `valid` runs the checks that relate several parts of an
//! endpoint, `expand` emits the code, and `errors` collects every problem so they are reported
//! together.
//!
//! A proc-macro crate cannot export anything but macros, so [`expand::api`] is reachable from
//! outside only by compiling these modules into another target, as `benches/expand.rs` does with
//! `#[path]` includes.

mod ast;
mod attr;
mod errors;
mod expand;
mod template;
mod valid;

use proc_macro::TokenStream;

/// Turns a trait describing HTTP endpoints into an async client. See the `dintero-auth` crate
/// documentation for the syntax.
#[proc_macro_attribute]
pub fn api(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::api(attr.into(), item.into()).into()
}
