use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things/{id}/parts/{id}")]
    async fn part(&self, id: u64) -> Result<(), Error>;
}

fn main() {}
