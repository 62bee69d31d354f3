use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things")]
    fn list(&self) -> Result<(), Error>;

    #[get("/things")]
    const unsafe fn odd(&self) -> Result<(), Error>;
}

fn main() {}
