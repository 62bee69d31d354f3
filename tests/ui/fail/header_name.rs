use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things")]
    async fn list(
        &self,
        #[header("X Request Id")] a: &str,
        #[header("")] b: &str,
        #[header("X-Ünicode")] c: &str,
        #[header] d: &str,
    ) -> Result<(), Error>;
}

fn main() {}
