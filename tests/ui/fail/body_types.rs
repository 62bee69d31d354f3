// A body kind's value must have the matching shape: bytes for `bytes`, text for `text`, and
// something that converts into a `ByteStream` for `stream`.
use dintero_auth::Error;

#[dintero_auth::api]
pub trait Uploads {
    #[post("/a")]
    async fn number_as_bytes(&self, #[body(bytes)] data: u32) -> Result<(), Error>;

    #[post("/b")]
    async fn bytes_as_text(&self, #[body(text)] data: &[u8]) -> Result<(), Error>;

    #[post("/c")]
    async fn numbers_as_stream(&self, #[body(stream)] data: Vec<u32>) -> Result<(), Error>;
}

fn main() {}
