//! Compile-time cost of `#[api]`: expansion time and generated size for traits of N endpoints.
//!
//! ```text
//! expand [N ...]      JSON: per N, the median expansion time and the size after rustfmt
//! expand --bench      the default sizes, human-readable (what `cargo bench` runs)
//! expand once N       a single expansion, to count its instructions under callgrind
//! ```
//!
//! The macro is a thin wrapper of the `http-api-client-codegen` library, whose entry point is
//! timed directly (without reading a manifest). Outside rustc, proc-macro2 uses its own token implementation instead of the
//! compiler's bridge; the times are the macro's own work, not rustc's cost of running it.

use std::hint::black_box;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Value};

const DEFAULT_SIZES: [usize; 4] = [1, 10, 100, 500];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let [once, n] = args.as_slice() {
        // One expansion and nothing else, for callgrind (`--toggle-collect=*expand_api_without_manifest*`).
        if let (true, Ok(n)) = (once == "once", n.parse()) {
            black_box(http_api_client_codegen::expand_api_without_manifest(TokenStream::new(), api_trait(n)));
            return ExitCode::SUCCESS;
        }
    }
    let sizes: Option<Vec<usize>> = args.iter().map(|a| a.parse().ok().filter(|&n| n > 0)).collect();
    let Some(mut sizes) = sizes else {
        eprintln!("usage: expand [N ...]   (endpoint counts, default 1 10 100 500)");
        return ExitCode::from(2);
    };
    let human = sizes.is_empty();
    if human {
        sizes = DEFAULT_SIZES.to_vec();
    }
    let results: Vec<Value> = sizes.iter().map(|&n| measure(n)).collect();
    if human {
        println!(
            "{:>5} {:>12} {:>14} {:>10} {:>14}",
            "N", "median ms", "ms/endpoint", "lines", "lines/endpoint"
        );
        for r in &results {
            let n = r["n"].as_f64().unwrap_or(f64::NAN);
            let ms = r["median_ms"].as_f64().unwrap_or(f64::NAN);
            let lines = r["rustfmt_lines"].as_f64().unwrap_or(f64::NAN);
            println!("{n:>5} {ms:>12.3} {:>14.4} {lines:>10} {:>14.1}", ms / n, lines / n);
        }
    } else {
        println!("{:#}", Value::Array(results));
    }
    ExitCode::SUCCESS
}

/// Times the expansion of a trait of `n` endpoints and measures what it generates.
fn measure(n: usize) -> Value {
    let item = api_trait(n);
    // Enough runs for a stable median, fewer for the big traits: about 2 s per size.
    let budget = Duration::from_secs(2);
    let mut times = Vec::new();
    let mut output = TokenStream::new();
    let started = Instant::now();
    while times.len() < 5 || (started.elapsed() < budget && times.len() < 201) {
        let input = item.clone();
        let t = Instant::now();
        let expanded = http_api_client_codegen::expand_api_without_manifest(
            black_box(TokenStream::new()),
            black_box(input),
        );
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        // Dropped outside the timed region: freeing the last run's tokens is not expansion.
        output = expanded;
    }
    let text = output.to_string();
    assert!(!text.contains("compile_error"), "the benchmark trait must expand without errors");
    let (rustfmt_lines, input_lines) = (rustfmt_lines(&text), rustfmt_lines(&item.to_string()));
    times.sort_by(f64::total_cmp);
    json!({
        "n": n,
        "runs": times.len(),
        "median_ms": times[times.len() / 2],
        "min_ms": times[0],
        "max_ms": times[times.len() - 1],
        "output_tokens": count_tokens(output),
        "output_bytes": text.len(),
        "rustfmt_lines": rustfmt_lines,
        "input_rustfmt_lines": input_lines,
    })
}

fn count_tokens(stream: TokenStream) -> usize {
    stream
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => 2 + count_tokens(group.stream()),
            _ => 1,
        })
        .sum()
}

/// Non-blank lines of `code` after `rustfmt` (default settings, edition 2021).
fn rustfmt_lines(code: &str) -> usize {
    let path = std::env::temp_dir().join(format!("dintero-auth-bench-expand-{}.rs", std::process::id()));
    std::fs::write(&path, code).expect("write the expansion to a temporary file");
    let status = Command::new("rustfmt").args(["--edition", "2021"]).arg(&path).status();
    assert!(matches!(status, Ok(s) if s.success()), "rustfmt failed on the expansion ({status:?})");
    let formatted = std::fs::read_to_string(&path).expect("read back the formatted file");
    let _ = std::fs::remove_file(&path);
    formatted.lines().filter(|line| !line.trim().is_empty()).count()
}

/// A trait of `n` endpoints cycling through ten shapes that cover every verb, parameter kind and
/// return mode, each with a one-line doc comment as real APIs have.
fn api_trait(n: usize) -> TokenStream {
    let methods = (0..n).map(|i| {
        let name = format_ident!("endpoint_{}", i);
        let doc = format!(" Endpoint number {i}.");
        let path = format!("/accounts/{{aid}}/things{i}");
        let signature = match i % 10 {
            0 => quote! {
                #[get(#path)]
                async fn #name(&self, aid: &str, #[query] limit: Option<u32>,
                    #[header("X-Request-Id")] rid: Option<&str>) -> Result<Vec<Thing>, Error>;
            },
            1 => quote! {
                #[post(#path)]
                async fn #name(&self, aid: &str, #[body] thing: &Thing) -> Result<ApiResponse<Thing>, Error>;
            },
            2 => quote! {
                #[post(#path)]
                async fn #name(&self, #[path("aid")] account: &str, #[form] form: &TokenForm)
                    -> Result<Token, Error>;
            },
            3 => {
                let path = format!("/accounts/{{aid}}/things{i}/{{id}}");
                quote! {
                    #[put(#path)]
                    async fn #name(&self, aid: &str, id: u64, #[body] thing: &Thing) -> Result<(), Error>;
                }
            }
            4 => {
                let path = format!("/accounts/{{aid}}/things{i}/{{id}}/{{part}}");
                quote! {
                    #[patch(#path)]
                    async fn #name(&self, aid: &str, id: u64, part: &str, #[body] thing: &Thing)
                        -> Result<ApiResponse<()>, Error>;
                }
            }
            5 => {
                let path = format!("/accounts/{{aid}}/things{i}/{{id}}");
                quote! {
                    #[delete(#path)]
                    async fn #name(&self, aid: &str, id: u64) -> Result<(), Error>;
                }
            }
            6 => quote! {
                #[get(#path)]
                async fn #name(&self, aid: &str, #[query] q: &str, #[query] page: u32,
                    #[query("per-page")] per_page: u32) -> Result<Vec<Thing>, Error>;
            },
            7 => quote! {
                #[get(#path)]
                async fn #name(&self, aid: &str) -> Result<Thing, Error>;
            },
            8 => quote! {
                #[post(#path)]
                async fn #name(&self, aid: &str, #[body] items: &[Thing],
                    #[header("Idempotency-Key")] key: &str) -> Result<Vec<Thing>, Error>;
            },
            _ => quote! {
                #[get(#path)]
                async fn #name(&self, aid: &str, #[query] filter: &Filter) -> Result<ApiResponse<Vec<Thing>>, Error>;
            },
        };
        quote! {
            #[doc = #doc]
            #signature
        }
    });
    quote! {
        /// A generated benchmark API.
        pub trait Bench {
            #(#methods)*
        }
    }
}
