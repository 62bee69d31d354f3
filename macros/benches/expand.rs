//! Times `expand::api` on a representative trait, without rustc in the loop.
//!
//! A proc-macro crate may export nothing but macros, so the pipeline modules are compiled into
//! this binary directly; they only use `crate::` paths between themselves, which resolve here.
//! Run with `cargo bench -p dintero-auth-macros`.

// Bench targets are built with `cfg(test)` but without the test harness: the unit-test modules
// come along with their `#[test]` functions stripped, leaving their helpers and imports unused.
#![allow(dead_code, unused_imports)]

#[path = "../src/ast.rs"]
mod ast;
#[path = "../src/attr.rs"]
mod attr;
#[path = "../src/errors.rs"]
mod errors;
#[path = "../src/expand.rs"]
mod expand;
#[path = "../src/template.rs"]
mod template;
#[path = "../src/valid.rs"]
mod valid;

use proc_macro2::TokenStream;
use quote::quote;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Ten endpoints covering every parameter kind and return mode.
fn input() -> TokenStream {
    quote! {
        /// A billing API.
        pub trait Billing {
            /// Lists invoices.
            #[get("/accounts/{aid}/invoices")]
            async fn invoices(
                &self,
                aid: &str,
                #[query] limit: Option<u32>,
                #[query("page-size")] size: u32,
                #[header("X-Request-Id")] rid: Option<&str>,
            ) -> Result<Vec<Invoice>, Error>;
            #[post("/accounts/{account_id}/things")]
            async fn create(&self, #[path("account_id")] aid: &str, #[body] thing: &Thing)
                -> Result<ApiResponse<Thing>, Error>;
            #[post("/oauth/token")]
            async fn token(&self, #[form] req: &TokenForm) -> Result<Token, Error>;
            #[put("/things/{id}")]
            async fn replace(&self, id: u64, #[body] t: &Thing) -> Result<(), Error>;
            #[patch("/things/{id}/{part}")]
            async fn patch(&self, id: u64, part: &str, #[body] t: &Thing) -> Result<ApiResponse<()>, Error>;
            #[delete("/things/{id}")]
            async fn delete(&self, id: u64) -> Result<(), Error>;
            #[get("/a/{b}/c/{d}/e/{f}")]
            async fn deep(&self, b: &str, d: &str, f: &str) -> Result<Value, Error>;
            #[get("/search")]
            async fn search(&self, #[query] q: &str, #[query] page: u32, #[query] per_page: u32)
                -> Result<Vec<Thing>, Error>;
            #[get("/")]
            async fn root(&self) -> Result<Value, Error>;
            #[post("/batch")]
            async fn batch(&self, #[body] items: &[Thing], #[header("Idempotency-Key")] key: &str)
                -> Result<Vec<Thing>, Error>;
        }
    }
}

fn main() {
    let item = input();
    let budget = Duration::from_secs(2);
    let start = Instant::now();
    let mut runs = 0u32;
    let mut output_len = 0;
    while start.elapsed() < budget {
        let output = expand::api(black_box(TokenStream::new()), black_box(item.clone()));
        output_len = output.into_iter().count();
        runs += 1;
    }
    let per_run = start.elapsed() / runs;
    println!("expand::api: {per_run:?} per expansion ({runs} runs, {output_len} top-level tokens)");
}
