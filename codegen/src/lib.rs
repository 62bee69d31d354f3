//! The code generator behind `#[api]`: an ordinary library, so that the proc-macro crate
//! (`http-api-client-macros`) is a thin wrapper and benchmarks, fuzz targets and tests can call
//! the whole expansion directly.
//!
//! The pipeline is one module per step: `attr` and `template` parse the macro's own syntax, `ast`
//! builds the typed model of the trait, `valid` runs the checks that relate several parts of an
//! endpoint, `expand` emits the code (and `blocking` the blocking client), and `errors` collects every problem so they are reported
//! together. Before all that, `manifest` reads the caller's `Cargo.toml` to learn what the runtime
//! crate is called there.

mod ast;
mod attr;
mod blocking;
mod errors;
mod expand;
mod manifest;
mod settings;
mod template;
mod valid;

use proc_macro2::TokenStream;

/// Expands `#[api(attr)] item` as the proc macro does, with the runtime found through the
/// caller's `Cargo.toml` (read from `CARGO_MANIFEST_DIR`) unless `crate = "..."` is given. The
/// blocking client is emitted only with `blocking` (the macro crate's `blocking` feature, which
/// the runtime's `blocking` feature turns on): without it, its tokens would only be made, handed
/// over and dropped, which costs about a tenth of the macro's time.
pub fn expand_api(attr: TokenStream, item: TokenStream, blocking: bool) -> TokenStream {
    expand::api_with_lookup(attr, item, manifest::find_runtime, blocking)
}

/// Expands `#[api(attr)] item` without reading any manifest: the runtime is
/// `::http_api_client` unless `crate = "..."` says otherwise. For benchmarks and fuzzing.
pub fn expand_api_without_manifest(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::api(attr, item)
}
