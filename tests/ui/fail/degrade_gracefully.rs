// One broken endpoint: its error is the only one. The trait, the client type and the other
// endpoints are still generated, so code using them reports nothing more.
use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things/{id}")]
    async fn broken(&self, idd: u64) -> Result<u64, Error>;

    #[get("/things")]
    async fn list(&self) -> Result<Vec<u64>, Error>;
}

async fn use_it(client: &ThingsClient) -> Result<u64, Error> {
    let all = client.list().await?;
    let one = client.broken(all[0]).await?;
    Ok(one)
}

fn main() {
    let _ = use_it;
}
