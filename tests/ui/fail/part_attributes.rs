use dintero_auth::{Error, FilePart};
use serde::Serialize;

#[derive(Serialize)]
pub struct Thing;

#[dintero_auth::api]
pub trait Uploads {
    #[post("/a")]
    #[multipart]
    async fn no_name(&self, #[part] a: &str) -> Result<(), Error>;

    #[post("/b")]
    #[multipart]
    async fn kind_without_name(&self, #[part(json)] a: &Thing) -> Result<(), Error>;

    #[post("/c")]
    #[multipart]
    async fn empty_name(&self, #[part("")] a: &str) -> Result<(), Error>;

    #[post("/d")]
    #[multipart]
    async fn unknown_kind(&self, #[part("a", blob)] a: &[u8]) -> Result<(), Error>;

    #[post("/e")]
    #[multipart]
    async fn unknown_option(&self, #[part("a", bytes, filename = "a.png")] a: &[u8]) -> Result<(), Error>;

    #[post("/f")]
    #[multipart]
    async fn two_kinds(&self, #[part("a", bytes, file)] a: &[u8]) -> Result<(), Error>;

    #[post("/g")]
    #[multipart]
    async fn option_on_json(&self, #[part("a", json, content_type = "application/merge-patch+json")] a: &Thing) -> Result<(), Error>;

    #[post("/h")]
    #[multipart]
    async fn option_on_file(&self, #[part("a", file, file_name = "a.png")] a: FilePart) -> Result<(), Error>;

    #[post("/i")]
    #[multipart]
    async fn bad_content_type(&self, #[part("a", bytes, content_type = "image/png\r\nX: 1")] a: &[u8]) -> Result<(), Error>;

    #[post("/j")]
    #[multipart]
    async fn empty_file_name(&self, #[part("a", bytes, file_name = "")] a: &[u8]) -> Result<(), Error>;

    #[post("/k")]
    #[multipart]
    async fn duplicate_option(&self, #[part("a", bytes, file_name = "a", file_name = "b")] a: &[u8]) -> Result<(), Error>;
}

fn main() {}
