use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[gett("/things")]
    async fn list(&self) -> Result<(), Error>;

    #[get("/things/{id}")]
    #[query]
    async fn one(&self, id: u64) -> Result<(), Error>;
}

fn main() {}
