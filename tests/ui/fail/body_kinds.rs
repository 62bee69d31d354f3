use dintero_auth::{ByteStream, Bytes, Error};
use serde::Serialize;

#[derive(Serialize)]
pub struct Thing;

#[dintero_auth::api]
pub trait Uploads {
    #[post("/a")]
    async fn literal(&self, #[body("application/pdf")] data: &[u8]) -> Result<(), Error>;

    #[post("/b")]
    async fn unknown_kind(&self, #[body(binary)] data: &[u8]) -> Result<(), Error>;

    #[post("/c")]
    async fn two_kinds(&self, #[body(bytes, text)] data: &[u8]) -> Result<(), Error>;

    #[post("/d")]
    async fn not_a_media_type(&self, #[body(text, content_type = "text")] text: &str) -> Result<(), Error>;

    #[post("/e")]
    async fn not_a_header_value(
        &self,
        #[body(bytes, content_type = "image/png\r\nX-Injected: 1")] data: Bytes,
    ) -> Result<(), Error>;

    #[post("/f")]
    async fn content_type_on_json(&self, #[body(content_type = "application/merge-patch+json")] thing: &Thing) -> Result<(), Error>;

    #[post("/g")]
    async fn bytes_and_text(&self, #[body(bytes)] data: &[u8], #[body(text)] text: &str) -> Result<(), Error>;

    #[post("/h")]
    async fn json_and_bytes(&self, #[body] thing: &Thing, #[body(bytes)] data: Vec<u8>) -> Result<(), Error>;

    #[get("/i")]
    async fn bytes_on_get(&self, #[body(bytes)] data: &[u8]) -> Result<(), Error>;

    #[get("/j")]
    async fn stream_on_get(&self, #[body(stream)] data: ByteStream) -> Result<(), Error>;

    #[put("/k")]
    async fn stream_and_json(&self, #[body(stream)] data: ByteStream, #[body] thing: &Thing) -> Result<(), Error>;

    #[put("/l")]
    async fn stream_twice(&self, #[body(stream, bytes)] data: ByteStream) -> Result<(), Error>;
}

fn main() {}
