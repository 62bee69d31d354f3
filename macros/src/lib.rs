//! The `#[api]` attribute macro behind `dintero-auth`. Use it through the `dintero-auth` crate,
//! which re-exports it and provides the runtime the generated code calls into.
//!
//! The pipeline is one module per step: `attr` and `template` parse the macro's own syntax, `ast`
//! builds the typed model of the trait, `valid` runs the checks that relate several parts of an
//! endpoint, `expand` emits the code, and `errors` collects every problem so they are reported
//! together. Before all that, `manifest` reads the caller's `Cargo.toml` to learn what the runtime
//! crate is called there.
//!
//! A proc-macro crate cannot export anything but macros, so `expand::api` (the `proc_macro2`
//! entry point) is reachable from outside only by compiling these modules into another target
//! with `#[path]` includes, as the workspace's expansion benchmark does. The modules refer to each
//! other only through `crate::` paths so that this works. Such a target is built with `cfg(test)`
//! but no test harness, so it should allow `dead_code` and `unused_imports` from the unit tests.
//! It can leave out `manifest`, which only this entry point uses.

mod ast;
mod attr;
mod errors;
mod expand;
mod manifest;
mod template;
mod valid;

use proc_macro::TokenStream;

/// Turns a trait describing HTTP endpoints into an async client.
///
/// ```text
/// #[dintero_auth::api]                          // or #[api(crate = "path", client = "Name")]
/// pub trait Billing {
///     /// Docs, `#[deprecated]` and `#[cfg]` are kept.
///     #[get("/accounts/{aid}/invoices")]
///     async fn invoices(&self, aid: &str, #[query] limit: Option<u32>,
///                       #[header("X-Request-Id")] rid: Option<&str>) -> Result<Vec<Invoice>, Error>;
///     #[post("/accounts/{account_id}/things")]
///     async fn create(&self, #[path("account_id")] aid: &str, #[body] thing: &Thing)
///         -> Result<ApiResponse<Thing>, Error>;
/// }
/// ```
///
/// - One of `#[get]`, `#[post]`, `#[put]`, `#[patch]`, `#[delete]` per method, with a path
///   template starting with `/`; each `{name}` fills a whole segment.
/// - Parameters: unannotated or `#[path]`/`#[path("name")]` fill the placeholder of that name
///   (any `Display` value); `#[query]`/`#[query("name")]`; `#[header("Name")]`; at most one
///   `#[body]` (JSON) or `#[form]` (urlencoded), never on GET. Values other than path ones must be
///   `Serialize`.
/// - The runtime is found under the name the crate's `Cargo.toml` gives it (`#[renamed::api]`
///   after `renamed = { package = "dintero-auth", .. }` just works); `crate = "path"` is needed
///   only when it is reached through another crate's re-export.
/// - Return `Result<T, E>` with `E: From<dintero_auth::Error>`: `T = ()` ignores the body,
///   `T = ApiResponse<U>` adds status and headers, anything else is decoded from JSON.
///
/// Generated: the trait with each method returning `impl Future<Output = ..> + Send` (implement
/// it by hand for mocks, with `async fn`), and `<Trait>Client` with the trait's visibility:
/// `new(Client)`, `From<Client>`, `with_options(CallOptions)`, `client()`, and the trait impl.
///
/// Every mistake (unbound placeholder, unknown attribute, bad header name, ...) is reported at
/// once at its token; the trait and client are still generated so the rest of the crate
/// type-checks.
#[proc_macro_attribute]
pub fn api(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::api_with_lookup(attr.into(), item.into(), manifest::find_runtime).into()
}
