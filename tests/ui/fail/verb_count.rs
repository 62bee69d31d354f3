use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    async fn missing(&self) -> Result<(), Error>;

    #[get("/things")]
    #[post("/things")]
    async fn two(&self) -> Result<(), Error>;

    #[put]
    async fn no_template(&self) -> Result<(), Error>;
}

fn main() {}
