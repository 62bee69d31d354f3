//! Expansion snapshots and error lists, driven through the same entry point as the macro.

use super::*;

fn run(attr: TokenStream, item: TokenStream) -> (String, Vec<String>) {
    run_with(attr, item, RuntimeLookup::Unknown)
}

/// As [`run`], with the caller's manifest saying `lookup` about the runtime crate.
fn run_with(attr: TokenStream, item: TokenStream, lookup: RuntimeLookup) -> (String, Vec<String>) {
    let mut errors = Errors::default();
    let output = generate(attr, item, || lookup, true, &mut errors);
    (output.to_string(), errors.messages())
}

#[test]
fn blocking_client_only_when_asked_for() {
    let item = quote! {
        trait T {
            #[get("/a")]
            async fn a(&self) -> Result<(), E>;
        }
    };
    let with = api_with_lookup(quote!(), item.clone(), || RuntimeLookup::Unknown, true).to_string();
    let without = api_with_lookup(quote!(), item, || RuntimeLookup::Unknown, false).to_string();
    assert!(with.contains("struct BlockingTClient"), "{with}");
    assert!(!without.contains("Blocking"), "{without}");
    assert!(without.contains("impl T for TClient"), "{without}");
}

/// Expands an item that must be error-free.
#[track_caller]
fn expand_ok(attr: TokenStream, item: TokenStream) -> String {
    let (output, errors) = run(attr, item);
    assert_eq!(errors, Vec::<String>::new());
    output
}

/// Errors of `item`, in report order.
#[track_caller]
fn errors_of(item: TokenStream) -> Vec<String> {
    run(TokenStream::new(), item).1
}

/// Compares `output`, formatted by rustfmt, with `snapshots/<name>.rs`: a file a reviewer reads
/// as ordinary Rust. `UPDATE_SNAPSHOTS=1` rewrites the file instead.
#[track_caller]
fn assert_snapshot(name: &str, output: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/expand/snapshots")
        .join(format!("{name}.rs"));
    let formatted = rustfmt(&blocking_as_module(output));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &formatted).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        expected == formatted,
        "expansion differs from {} (UPDATE_SNAPSHOTS=1 rewrites it):\n{formatted}",
        path.display()
    );
}

/// rustfmt leaves macro invocations on one line: the `if_blocking! { .. }` items are shown as a
/// module of that name instead, so the blocking client reads as formatted Rust too.
fn blocking_as_module(output: &str) -> String {
    let file: syn::File = syn::parse_str(output).expect("the expansion parses as items");
    let items = file.items.into_iter().map(|item| match item {
        syn::Item::Macro(item) if item.mac.path.segments.last().is_some_and(|s| s.ident == "if_blocking") => {
            let (attrs, tokens) = (item.attrs, item.mac.tokens);
            quote!(#(#attrs)* mod if_blocking { #tokens })
        }
        item => item.to_token_stream(),
    });
    quote!(#(#items)*).to_string()
}

fn rustfmt(code: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt is part of the toolchain");
    child.stdin.take().expect("stdin").write_all(code.as_bytes()).expect("write to rustfmt");
    let out = child.wait_with_output().expect("rustfmt ran");
    assert!(out.status.success(), "rustfmt failed on:\n{code}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn expands_every_param_kind_and_return_mode() {
    let output = expand_ok(
        quote!(),
        quote! {
            /// Billing.
            pub trait Billing {
                /// Lists invoices.
                #[deprecated]
                #[get("/accounts/{aid}/invoices")]
                async fn invoices(
                    &self,
                    aid: &str,
                    #[query] limit: Option<u32>,
                    #[query("page-size")] size: u32,
                    #[header("X-Request-Id")] rid: Option<&str>,
                ) -> Result<Vec<Invoice>, Error>;

                #[post("/accounts/{account_id}/things")]
                async fn create(
                    &self,
                    #[path("account_id")] aid: &str,
                    #[body] thing: &Thing,
                ) -> Result<ApiResponse<Thing>, Error>;

                #[post("/oauth/token")]
                async fn token(&self, #[form] req: TokenForm) -> Result<ApiResponse<()>, Error>;

                #[delete("/")]
                async fn root(&self) -> Result<(), Error>;

                #[put("/files/{name}")]
                async fn upload(
                    &self,
                    name: &str,
                    #[body(bytes, content_type = "image/png")] data: &[u8],
                ) -> Result<Bytes, Error>;

                #[post("/notes")]
                async fn note(&self, #[body(text)] text: String) -> Result<ApiResponse<String>, Error>;
            }
        },
    );
    assert_snapshot("every_param_kind_and_return_mode", &output);
}

#[test]
fn a_declared_error_body_types_the_error() {
    let output = expand_ok(
        quote!(error_body = Problem),
        quote! {
            pub trait Store {
                #[put("/items/{id}")]
                async fn put(&self, id: u64, #[body] item: &Item) -> Result<(), Error<Problem>>;
            }
        },
    );
    assert_snapshot("declared_error_body", &output);
}

#[test]
fn renames_crate_and_client_and_keeps_visibility() {
    let output = expand_ok(
        quote!(crate = "rt", client = "Api2"),
        quote! {
            pub(crate) trait Small {
                #[put("/things/{id}")]
                async fn replace(&self, id: u64, #[body] t: &Thing) -> Result<(), E>;
            }
        },
    );
    assert!(output.contains("pub (crate) struct Api2 { __client : rt :: Client , }"));
    assert!(output.contains("impl Small for Api2"));
    assert!(output.contains("rt :: __private :: Method :: PUT"));
    assert!(output.contains("rt :: __private :: Segment :: Param (\"id\" , & id)"));
    assert!(!output.contains("dintero_auth"));
}

#[test]
fn cfg_on_trait_is_forwarded_and_helpers_are_stripped() {
    let output = expand_ok(
        quote!(),
        quote! {
            #[cfg(feature = "billing")]
            trait Billing {
                #[cfg(feature = "x")]
                #[allow(clippy::too_many_arguments)]
                #[patch("/a/{id}")]
                async fn update<'a>(&'a self, #[path] id: &'a str) -> Result<(), E>;
            }
        },
    );
    assert_eq!(output.matches("# [cfg (feature = \"billing\")]").count(), 6);
    assert_eq!(output.matches("# [cfg (feature = \"x\")]").count(), 3);
    assert!(output.contains("fn update < 'a > (& 'a self , id : & 'a str)"));
    assert!(!output.contains("# [path]") && !output.contains("# [patch"));
}

#[test]
fn statements_only_make_the_call_mutable_when_needed() {
    let output = expand_ok(
        quote!(),
        quote! {
            trait T {
                #[get("/a/{id}")]
                async fn a(&self, id: u64) -> Result<X, E>;
            }
        },
    );
    assert!(output.contains("let __call = self . __client . call"));
}

#[test]
fn errors_still_emit_trait_client_and_stub() {
    let (output, errors) = run(
        quote!(),
        quote! {
            pub trait Billing {
                #[get("/a/{id}")]
                fn broken(self, (a, b): (u8, u8), #[bogus] c: u8) -> Option<u8> { None }

                #[get("/ok")]
                async fn fine(&self) -> Result<(), E>;

                type Assoc;
            }
        },
    );
    assert_eq!(
        errors,
        vec![
            "endpoint methods must be `async fn`",
            "endpoint methods must not have a body",
            "endpoint methods must take `&self`",
            "unsupported parameter pattern, expected an identifier",
            "unknown attribute `bogus`, expected one of: `path`, `query`, `header`, `body`, `form`, `part`, `idempotency_key`",
            "unsupported return type, expected `Result<T, E>`",
            "only `async fn` endpoint methods are allowed in an `#[api]` trait",
            "placeholder `{id}` has no matching parameter",
        ]
    );
    let expected_trait = quote! {
        pub trait Billing {
            fn broken(&self, _: (u8, u8), c: u8)
                -> impl ::core::future::Future<Output = Option<u8> > + ::core::marker::Send;
            fn fine(&self)
                -> impl ::core::future::Future<Output = Result<(), E> > + ::core::marker::Send;
        }
    };
    assert!(output.starts_with(&expected_trait.to_string()));
    assert!(output.contains("pub struct BillingClient"));
    let stub = quote! {
        fn broken(&self, _: (u8, u8), _: u8)
            -> impl ::core::future::Future<Output = Option<u8> > + ::core::marker::Send {
            ::core::future::pending()
        }
    };
    assert!(output.contains(&stub.to_string()));
    assert!(output.contains("fn fine (& self) -> impl :: core :: future :: Future < Output = Result < () , E > > + :: core :: marker :: Send {"));
}

#[test]
fn not_a_trait() {
    let (output, errors) = run(
        quote!(),
        quote!(
            struct S;
        ),
    );
    assert_eq!(errors, vec!["`#[api]` can only be applied to a trait"]);
    assert_eq!(
        output,
        quote!(
            struct S;
        )
        .to_string()
    );
}

#[test]
fn trait_level_errors() {
    assert_eq!(
        errors_of(quote! {
            unsafe trait G<T> {}
        }),
        vec!["`#[api]` traits cannot be `unsafe`", "generic `#[api]` traits are not supported",]
    );
    let (output, _) = run(
        quote!(),
        quote!(
            trait G<T> {}
        ),
    );
    assert!(!output.contains("impl G for"));
}

#[test]
fn method_shape_errors() {
    assert_eq!(
        errors_of(quote! {
            trait T {
                async fn none(&self) -> Result<(), E>;
                #[get("/a")] #[post("/b")]
                async fn two(&self) -> Result<(), E>;
                #[get("/a")]
                async fn generic<T: Clone>(&mut self) -> Result<(), E> where T: Copy;
                #[get("/a")]
                async fn no_self() -> Result<(), E>;
                #[get("/a")]
                async fn by_value(self);
                #[get("/a")]
                const unsafe extern "C" fn modifiers(&self) -> Result<(), E>;
                #[get("/a")]
                async fn impl_arg(&self, #[query] q: &impl Serialize) -> Result<(), E>;
                #[got("/a")]
                async fn typo(&self, mut x: u8) -> Result<(), E>;
            }
        }),
        vec![
            "missing http method attribute, expected one of: `get`, `post`, `put`, `patch`, `delete`",
            "multiple http method attributes, expected exactly one",
            "generic parameters are not supported on endpoint methods",
            "`where` clauses are not supported on endpoint methods",
            "endpoint methods must take `&self`",
            "endpoint methods must take `&self`",
            "endpoint methods must take `&self`",
            "missing return type, expected `-> Result<T, E>`",
            "endpoint methods cannot be `const`",
            "endpoint methods cannot be `unsafe`",
            "endpoint methods cannot be `extern`",
            "endpoint methods must be `async fn`",
            "`impl Trait` parameters are not supported, use a concrete type",
            "unknown attribute `got`, expected one of: `get`, `post`, `put`, `patch`, `delete`, `multipart`",
            "missing http method attribute, expected one of: `get`, `post`, `put`, `patch`, `delete`",
            "unsupported parameter pattern, expected an identifier",
        ]
    );
}

#[test]
fn binding_errors_with_suggestions() {
    assert_eq!(
        errors_of(quote! {
            trait T {
                #[get("/accounts/{account_id}/x/{other}")]
                async fn typo(&self, acount_id: &str, #[path("othr")] o: u8, limit: u32) -> Result<(), E>;
                #[get("/a/{id}")]
                async fn twice(&self, id: u8, #[path("id")] again: u8) -> Result<(), E>;
            }
        }),
        vec![
            "parameter `acount_id` has no matching `{acount_id}` placeholder in the path template; did you mean `{account_id}`?",
            "no `{othr}` placeholder in the path template; did you mean `{other}`?",
            "parameter `limit` has no matching `{limit}` placeholder in the path template; mark it `#[query]` to send it as a query parameter",
            "placeholder `{account_id}` has no matching parameter; did you mean `acount_id`?",
            "placeholder `{other}` has no matching parameter; did you mean `othr`?",
            "placeholder `{id}` is bound by more than one parameter",
        ]
    );
}

// The placeholder is the server's spelling and the parameter the Rust one: suggest the attribute
// that maps them, never a respelled URL.
#[test]
fn naming_convention_mismatch_suggests_the_path_attribute() {
    assert_eq!(
        errors_of(quote! {
            trait T {
                #[get("/pets/{petId}/owners/{OwnerID}")]
                async fn pet(&self, pet_id: u64, #[path("owner_id")] owner: u64) -> Result<(), E>;
            }
        }),
        vec![
            "parameter `pet_id` has no matching `{pet_id}` placeholder in the path template; did you mean `#[path(\"petId\")] pet_id`?",
            "no `{owner_id}` placeholder in the path template; did you mean `{OwnerID}`?",
            "placeholder `{petId}` has no matching parameter; bind it with `#[path(\"petId\")]` on parameter `pet_id`",
            "placeholder `{OwnerID}` has no matching parameter; bind it with `#[path(\"OwnerID\")]` on parameter `owner`",
        ]
    );
}

#[test]
fn raw_identifiers_bind_without_prefix() {
    let output = expand_ok(
        quote!(),
        quote! {
            trait T {
                #[get("/a/{type}")]
                async fn a(&self, r#type: &str, #[query] r#ref: u8) -> Result<(), E>;
            }
        },
    );
    assert!(output.contains("Segment :: Str (\"type\" , r#type)"));
    assert!(output.contains("__call . query (\"ref\" , & r#ref)"));
}

#[test]
fn body_errors() {
    assert_eq!(
        errors_of(quote! {
            trait T {
                #[get("/a")]
                async fn get_body(&self, #[body] b: &B) -> Result<(), E>;
                #[post("/a")]
                async fn two(&self, #[body] a: &B, #[form] b: &B, #[body] c: &B) -> Result<(), E>;
                #[delete("/a")]
                async fn delete_body(&self, #[body] b: &B) -> Result<(), E>;
            }
        }),
        vec![
            "`#[body]` is not allowed on a GET endpoint",
            "at most one `#[body]` or `#[form]` parameter is allowed per endpoint",
            "at most one `#[body]` or `#[form]` parameter is allowed per endpoint",
        ]
    );
}

#[test]
fn body_kind_errors() {
    let usage =
        "expected `#[body]` (JSON), `#[body(bytes)]`, `#[body(text)]` or `#[body(stream)]`, optionally with \
                 `content_type = \"...\"`, e.g. `#[body(bytes, content_type = \"image/png\")]`";
    assert_eq!(
        errors_of(quote! {
            trait T {
                #[post("/a")]
                async fn literal(&self, #[body("application/pdf")] b: &[u8]) -> Result<(), E>;
                #[post("/a")]
                async fn unknown(&self, #[body(binary)] b: &[u8]) -> Result<(), E>;
                #[post("/a")]
                async fn two_kinds(&self, #[body(bytes, text)] b: &[u8]) -> Result<(), E>;
                #[post("/a")]
                async fn bad_type(&self, #[body(text, content_type = "text")] b: &str) -> Result<(), E>;
                #[post("/a")]
                async fn control(&self, #[body(bytes, content_type = "a/b\n")] b: &[u8]) -> Result<(), E>;
                #[post("/a")]
                async fn json_type(&self, #[body(content_type = "a/b")] b: &B) -> Result<(), E>;
                #[post("/a")]
                async fn mixed(&self, #[body(bytes)] a: &[u8], #[body(text)] b: &str) -> Result<(), E>;
            }
        }),
        vec![
            format!("unsupported `#[body]` argument, {usage}"),
            format!("unknown body kind `binary`, {usage}"),
            "`#[body]` takes one kind, `bytes` is already declared".to_owned(),
            "invalid content type `text`: expected `type/subtype`, e.g. `application/pdf`".to_owned(),
            "invalid content type `a/b\\n`: character `\\n` is not allowed in a header value".to_owned(),
            "`content_type` needs `bytes`, `text` or `stream`; a JSON body is always `application/json`"
                .to_owned(),
            "at most one `#[body]` or `#[form]` parameter is allowed per endpoint".to_owned(),
        ]
    );
}

#[test]
fn template_errors_suppress_binding_errors() {
    assert_eq!(
        errors_of(quote! {
            trait T {
                #[get("/a/{id}.json")]
                async fn a(&self, id: u8) -> Result<(), E>;
            }
        }),
        vec!["a placeholder must fill a whole path segment, found `{id}.json`"]
    );
}

#[test]
fn api_args_errors_keep_defaults() {
    let (output, errors) = run(
        quote!(krate = "x"),
        quote! {
            trait T {}
        },
    );
    assert_eq!(errors, vec!["unknown argument `krate`, expected one of: `crate`, `client`, `error_body`"]);
    assert!(output.contains("struct TClient { __client : :: http_api_client :: Client , }"));
}

#[test]
fn runtime_path_comes_from_the_manifest() {
    let item = quote! {
        trait T {}
    };
    let (output, errors) =
        run_with(quote!(), item.clone(), RuntimeLookup::Found(syn::parse_quote!(::renamed)));
    assert_eq!(errors, Vec::<String>::new());
    assert!(output.contains("struct TClient { __client : :: renamed :: Client , }"));

    // The trait and client are still emitted, with the default path, next to the explanation.
    let (output, errors) = run_with(quote!(), item, RuntimeLookup::Missing(&["http-api-client"]));
    assert_eq!(
        errors,
        vec![
            "runtime crate `http-api-client` not found among this package's dependencies; \
              add it, or give its path with `#[api(crate = \"path\")]`"
        ]
    );
    assert!(output.contains("struct TClient { __client : :: http_api_client :: Client , }"));
}

// Found by the property tests: syn files inner attributes of the trait body (and of a method's
// default body) with the item's own, and they used to be re-emitted in front of the item, where
// an inner attribute is a syntax error.
#[test]
fn inner_attributes_become_outer() {
    let output = api(
        quote!(),
        quote! {
            pub trait T {
                #![cfg(feature = "x")]
                #![allow(dead_code)]
                #[get("/a")]
                async fn a(&self) -> Result<(), E> {
                    #![allow(unused)]
                }
            }
        },
    );
    let file = syn::parse2::<syn::File>(output.clone()).expect("valid items");
    assert!(file.attrs.is_empty(), "no inner attribute in front of the output: {output}");
    let text = output.to_string();
    assert!(text.starts_with("# [cfg (feature = \"x\")] # [allow (dead_code)] pub trait T"));
    // The trait's `#[cfg]` still reaches every generated item, as an outer attribute.
    assert!(text.contains("# [cfg (feature = \"x\")] # [doc = \" Client for"));
    assert!(text.contains("# [allow (unused)] fn a (& self)"));
    assert!(!text.contains("# !"));
    assert_eq!(
        errors_of(quote!(
            trait T {}
        )),
        Vec::<String>::new()
    );
}

// Found by the property tests: `macro_rules!` fragments (`$t:ty`) arrive in invisible groups,
// which hid `Result` and `()` from the return-type analysis.
#[test]
fn invisible_groups_around_types_are_transparent() {
    let invisible = |tokens: TokenStream| proc_macro2::Group::new(proc_macro2::Delimiter::None, tokens);
    let ret = invisible(quote!(Result<ApiResponse<Thing>, E>));
    let unit = invisible(quote!(()));
    let thing = invisible(quote!(&Thing));
    let output = expand_ok(
        quote!(),
        quote! {
            trait T {
                #[get("/a")]
                async fn a(&self) -> #ret;
                #[post("/b")]
                async fn b(&self, #[body] thing: #thing) -> Result<#unit, E>;
            }
        },
    );
    assert!(output.contains("Returns :: < ApiResponse < Thing > > :: new ()"), "{output}");
    assert!(output.contains("__call . json (thing) ;"));
    assert!(output.contains("Returns :: < () > :: new ()"), "{output}");
}

#[test]
fn expands_a_multipart_method() {
    let output = expand_ok(
        quote!(),
        quote! {
            pub trait Uploads {
                /// Uploads an avatar with its metadata.
                #[post("/users/{id}/avatar")]
                #[multipart]
                async fn avatar(
                    &self,
                    id: u64,
                    #[part("title")] title: Option<&str>,
                    #[part("meta", json)] meta: &Meta,
                    #[part("thumb", bytes, content_type = "image/png", file_name = "t.png")] thumb: Vec<u8>,
                    #[part("raw", bytes)] raw: &[u8],
                    #[part("file", file)] file: FilePart,
                    #[part("file", file)] again: &FilePart,
                    #[header("X-Request-Id")] rid: &str,
                ) -> Result<(), Error>;
            }
        },
    );
    assert_snapshot("multipart", &output);
}

#[test]
fn multipart_errors() {
    assert_eq!(
        errors_of(quote! {
            trait T {
                #[post("/a")]
                async fn no_multipart(&self, #[part("a")] a: u8) -> Result<(), E>;
                #[post("/a")]
                #[multipart]
                async fn with_body(&self, #[part("a")] a: u8, #[body] b: &B) -> Result<(), E>;
                #[post("/a")]
                #[multipart]
                async fn with_form(&self, #[form] f: &B, #[part("a")] a: u8) -> Result<(), E>;
                #[put("/a")]
                #[multipart]
                async fn no_part(&self, #[query] q: u8) -> Result<(), E>;
                #[multipart]
                #[get("/a")]
                async fn on_get(&self, #[part("a")] a: u8) -> Result<(), E>;
                #[delete("/a")]
                #[multipart]
                async fn on_delete(&self, #[part("a")] a: u8) -> Result<(), E>;
                #[patch("/a")]
                #[multipart]
                async fn repeated(&self, #[part("a")] a: u8, #[part("a", json)] b: &B) -> Result<(), E>;
                #[post("/a")]
                #[multipart]
                async fn malformed_only(&self, #[part("")] a: u8) -> Result<(), E>;
            }
        }),
        vec![
            // Parsing errors come first, then the checks across parameters.
            "`#[part]` name must not be empty",
            "`#[part]` needs `#[multipart]` on the method",
            "`#[body]` cannot be combined with `#[multipart]`; send it as a `#[part(\"name\")]`",
            "`#[form]` cannot be combined with `#[multipart]`; send it as a `#[part(\"name\")]`",
            "`#[multipart]` needs at least one `#[part(\"name\")]` parameter",
            "`#[multipart]` is not allowed on a GET endpoint",
            "`#[multipart]` is not allowed on a DELETE endpoint",
        ]
    );
}
