// Docs, `#[deprecated]`, `#[cfg]` and lint attributes are forwarded; lifetimes, raw identifiers,
// full `Result` paths and custom error types work.
#![deny(warnings)]

use serde::Deserialize;

#[derive(Debug)]
pub enum MyError {
    Http(dintero_auth::Error),
}

impl From<dintero_auth::Error> for MyError {
    fn from(error: dintero_auth::Error) -> Self {
        MyError::Http(error)
    }
}

#[derive(Deserialize)]
pub struct Page {
    pub next: Option<String>,
}

/// Documented trait.
#[dintero_auth::api]
pub trait Catalog {
    /// Documented method.
    #[deprecated(note = "use `items_v2`")]
    #[get("/v1/items")]
    async fn items(&self) -> std::result::Result<(), MyError>;

    #[cfg(any())]
    #[get("/never")]
    async fn compiled_out(&self) -> Result<(), MyError>;

    #[allow(clippy::too_many_arguments)]
    #[get("/v2/items/{type}/{ref}")]
    async fn items_v2<'a>(
        &'a self,
        r#type: &'a str,
        #[path("ref")] reference: &str,
        #[allow(unused)]
        #[query]
        r#as: Option<&'a str>,
    ) -> core::result::Result<Page, MyError>;

    #[get("/v2/items/{id}")]
    async fn item(&self, id: u64) -> Result<(), MyError>;
}

#[cfg(any())]
#[dintero_auth::api]
pub trait CompiledOut {
    #[get("/x")]
    async fn x(&self) -> Result<(), UnknownType>;
}

fn main() {
    let _ = CatalogClient::item;
    let _ = CatalogClient::items_v2;
}
