use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things/{a}")]
    async fn tuple(&self, a: u32, #[query] (b, c): (u32, u32)) -> Result<(), Error>;

    #[get("/things")]
    async fn wildcard(&self, #[query] _: u32) -> Result<(), Error>;

    #[get("/things/{id}")]
    async fn mutable(&self, mut id: u32) -> Result<(), Error>;

    #[get("/things")]
    async fn impl_trait(&self, #[query] q: &impl serde::Serialize) -> Result<(), Error>;
}

fn main() {}
