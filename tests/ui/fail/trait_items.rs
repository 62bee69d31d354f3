use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    type Item;

    const LIMIT: u32;

    #[get("/things")]
    async fn list(&self) -> Result<(), Error>;
}

fn main() {}
