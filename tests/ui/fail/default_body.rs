use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things")]
    async fn list(&self) -> Result<(), Error> {
        Ok(())
    }
}

fn main() {}
