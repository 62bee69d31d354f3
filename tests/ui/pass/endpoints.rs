// Every verb, every parameter kind and every return mode, through the default crate path.
// `deny(warnings)` makes any warning in the generated code a failure.
#![deny(warnings)]

use dintero_auth::{ApiResponse, Error};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct Invoice {
    pub id: String,
}

#[derive(Serialize, Deserialize)]
pub struct Thing {
    pub name: String,
}

#[derive(Serialize)]
pub struct TokenForm {
    pub grant_type: String,
}

#[derive(Deserialize)]
pub struct Token {
    pub access_token: String,
}

#[dintero_auth::api]
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

    /// JSON body by reference, response with status and headers.
    #[post("/accounts/{account_id}/things")]
    async fn create(
        &self,
        #[path("account_id")] aid: &str,
        #[body] thing: &Thing,
    ) -> Result<ApiResponse<Thing>, Error>;

    /// Form body.
    #[post("/oauth/token")]
    async fn token(&self, #[form] req: &TokenForm) -> Result<Token, Error>;

    /// Unit response.
    #[put("/things/{id}")]
    async fn replace(&self, id: u64, #[body] t: &Thing) -> Result<(), Error>;

    /// Bodies taken by value, explicit `#[path]`, status and headers without a body.
    #[patch("/things/{id}/{kind}")]
    async fn patch(
        &self,
        #[path] id: u64,
        kind: String,
        #[body] t: Thing,
        #[header("If-Match")] etag: &str,
    ) -> Result<ApiResponse<()>, Error>;

    /// DELETE may carry a body.
    #[delete("/things/{id}")]
    async fn delete(&self, id: u64, #[form] form: TokenForm) -> Result<(), Error>;

    /// A multipart form: every part kind, owned and borrowed, and a repeated name.
    #[post("/things/{id}/files")]
    #[multipart]
    async fn upload(
        &self,
        id: u64,
        #[part("title")] title: Option<&str>,
        #[part("count")] count: u32,
        #[part("thing", json)] thing: &Thing,
        #[part("raw", bytes, content_type = "image/png", file_name = "a.png")] raw: Vec<u8>,
        #[part("raw", bytes)] more: &[u8],
        #[part("file", file)] file: dintero_auth::FilePart,
        #[part("file", file)] again: &dintero_auth::FilePart,
    ) -> Result<(), Error>;

    /// A path value borrowed as `&String`.
    #[get("/labels/{label}")]
    async fn label(&self, label: &String) -> Result<(), Error>;

    /// The root path, arbitrary JSON.
    #[get("/")]
    async fn root(&self) -> Result<serde_json::Value, Error>;
}

fn main() {
    let _: fn(dintero_auth::Client) -> BillingClient = BillingClient::new;
    let _: fn(dintero_auth::Client) -> BillingClient = BillingClient::from;
    let _: fn(&BillingClient, dintero_auth::CallOptions) -> BillingClient = BillingClient::with_options;
    let _: fn(&BillingClient) -> &dintero_auth::Client = BillingClient::client;
}
