//! The `#[api]` attribute macro of `http-api-client`. Use it through that crate (or a crate
//! that re-exports it), which provides the runtime the generated code calls into. The work is
//! done by the ordinary library `http-api-client-codegen`; this crate only hands it the tokens.

use proc_macro::TokenStream;

/// Turns a trait describing HTTP endpoints into an async client.
///
/// ```text
/// #[http_api_client::api]        // or #[api(crate = "path", client = "Name", error_body = Problem)]
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
///   after `renamed = { package = "http-api-client", .. }` just works); `crate = "path"` is
///   needed only when it is reached through another crate's re-export.
/// - `error_body = Type` declares the shape of the API's error bodies once: the runtime error
///   `Error<Type>` then decodes them on demand with `error.body()`.
/// - Return `Result<T, E>` with `E: From<http_api_client::Error<B>>` (`B` the declared error
///   body, else `Untyped`): `T = ()` ignores the body, `T = ApiResponse<U>` adds status and
///   headers, anything else is decoded from JSON.
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
    http_api_client_codegen::expand_api(attr.into(), item.into(), cfg!(feature = "blocking")).into()
}
