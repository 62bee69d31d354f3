use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things")]
    async fn list(
        &self,
        #[qurey] limit: u32,
        #[query]
        #[header("X-Limit")]
        other: u32,
        #[body(xml)] body: &str,
    ) -> Result<(), Error>;
}

fn main() {}
