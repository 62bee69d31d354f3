// `client = "..."` names the generated type; it gets the trait's visibility, so a private
// trait's client is private too (and unused generated items do not warn).
#![deny(warnings)]

use dintero_auth::{CallOptions, Client, Error};

mod api {
    use dintero_auth::Error;

    #[dintero_auth::api(client = "HttpAccounts")]
    pub(crate) trait Accounts {
        #[get("/accounts/{aid}")]
        async fn account(&self, aid: &str) -> Result<serde_json::Value, Error>;
    }

    #[dintero_auth::api]
    trait Private {
        #[get("/private")]
        async fn private(&self) -> Result<(), Error>;
    }
}

use api::{Accounts, HttpAccounts};

async fn first(accounts: &HttpAccounts) -> Result<serde_json::Value, Error> {
    let quick = accounts.with_options(CallOptions::new().timeout(std::time::Duration::from_secs(1)));
    quick.account("A").await
}

fn main() {
    let _: fn(Client) -> HttpAccounts = HttpAccounts::from;
    let _: fn(&HttpAccounts) -> &Client = HttpAccounts::client;
    let _ = first;
}
