use dintero_auth::Error;
use serde::Serialize;

#[derive(Serialize)]
pub struct Thing;

#[dintero_auth::api]
pub trait Uploads {
    #[post("/a")]
    async fn part_without_multipart(&self, #[part("a")] a: &str) -> Result<(), Error>;

    #[post("/b")]
    #[multipart]
    async fn with_body(&self, #[part("a")] a: &str, #[body] thing: &Thing) -> Result<(), Error>;

    #[post("/c")]
    #[multipart]
    async fn with_form(&self, #[form] thing: &Thing, #[part("a")] a: &str) -> Result<(), Error>;

    #[put("/d")]
    #[multipart]
    async fn without_parts(&self, #[query] q: &str) -> Result<(), Error>;

    #[get("/e")]
    #[multipart]
    async fn on_get(&self, #[part("a")] a: &str) -> Result<(), Error>;

    #[multipart]
    #[delete("/f")]
    async fn on_delete(&self, #[part("a")] a: &str) -> Result<(), Error>;

    #[post("/g")]
    #[multipart]
    #[multipart]
    async fn twice(&self, #[part("a")] a: &str) -> Result<(), Error>;

    #[post("/h")]
    #[multipart(strict)]
    async fn with_arguments(&self, #[part("a")] a: &str) -> Result<(), Error>;

    // Repeated names are fine: a form may repeat a field.
    #[post("/i")]
    #[multipart]
    async fn repeated(&self, #[part("a")] a: &str, #[part("a", json)] b: &Thing) -> Result<(), Error>;
}

fn main() {}
