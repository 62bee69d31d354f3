use dintero_auth::Error;

#[dintero_auth::api(krate = "dintero_auth", client = "not an ident", crate = 5)]
pub trait Things {
    #[get("/things")]
    async fn list(&self) -> Result<(), Error>;
}

fn main() {
    // Bad arguments fall back to the defaults, so this still resolves.
    let _ = ThingsClient::new;
}
