use dintero_auth::Error;

#[dintero_auth::api]
pub trait Accounts {
    #[get("/accounts/{account_id}/users/{user}")]
    async fn user(&self, acount_id: &str) -> Result<(), Error>;
}

fn main() {}
