#[dintero_auth::api]
#[timeout = "5 sec"]
pub trait Settings {
    #[timeout = "0s"]
    #[get("/a")]
    async fn zero(&self) -> Result<(), dintero_auth::Error>;

    #[timeout(5)]
    #[get("/b")]
    async fn not_a_string(&self) -> Result<(), dintero_auth::Error>;

    #[headers("X-Version 2", "Bad Name: x", "X-Ok: caf\u{e9}")]
    #[get("/c")]
    async fn bad_headers(&self) -> Result<(), dintero_auth::Error>;

    #[headers]
    #[get("/d")]
    async fn empty_headers(&self) -> Result<(), dintero_auth::Error>;
}

fn main() {}
