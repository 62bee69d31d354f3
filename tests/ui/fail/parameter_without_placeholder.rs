use dintero_auth::Error;

#[dintero_auth::api]
pub trait Accounts {
    // Forgotten `#[query]`.
    #[get("/accounts/{aid}/users")]
    async fn users(&self, aid: &str, limit: u32) -> Result<(), Error>;

    // Explicit name that matches nothing.
    #[get("/accounts/{account_id}")]
    async fn account(&self, #[path("acount_id")] aid: &str) -> Result<(), Error>;

    // Two parameters for one placeholder.
    #[get("/things/{id}")]
    async fn thing(&self, id: u64, #[path("id")] again: u64) -> Result<(), Error>;
}

fn main() {}
