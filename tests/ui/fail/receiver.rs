use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/a")]
    async fn none() -> Result<(), Error>;

    #[get("/b")]
    async fn by_mut(&mut self) -> Result<(), Error>;

    #[get("/c")]
    async fn by_value(self) -> Result<(), Error>;

    #[get("/d")]
    async fn boxed(self: Box<Self>) -> Result<(), Error>;
}

fn main() {}
