//! Runs the fake Dintero Auth server until Ctrl-C.
//!
//! `cargo run -p dintero-auth-fake --example serve -- [ADDR]` (default `127.0.0.1:8080`).

use std::net::SocketAddr;

use dintero_auth_fake::{Config, MFA_PASSWORD, MFA_USERNAME, PLAIN_PASSWORD, PLAIN_USERNAME};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let addr: SocketAddr = match arg.parse() {
        Ok(addr) => addr,
        Err(error) => {
            eprintln!("`{arg}` is not an address like 127.0.0.1:8080: {error}");
            std::process::exit(2);
        }
    };
    println!("fake Dintero Auth on http://{addr}/v1 (accounts T00000000, P00000000)");
    println!("  user with MFA:    {MFA_USERNAME} / {MFA_PASSWORD}");
    println!("  user without MFA: {PLAIN_USERNAME} / {PLAIN_PASSWORD}");
    if let Err(error) = dintero_auth_fake::serve(addr, Config::default()).await {
        eprintln!("cannot serve on {addr}: {error}");
        std::process::exit(1);
    }
}
