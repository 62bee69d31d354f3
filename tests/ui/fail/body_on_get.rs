use dintero_auth::Error;
use serde::Serialize;

#[derive(Serialize)]
pub struct Filter;

#[dintero_auth::api]
pub trait Things {
    #[get("/things")]
    async fn json(&self, #[body] filter: &Filter) -> Result<(), Error>;

    #[get("/things")]
    async fn form(&self, #[form] filter: &Filter) -> Result<(), Error>;

    // DELETE may carry a body: no error here.
    #[delete("/things")]
    async fn delete(&self, #[body] filter: &Filter) -> Result<(), Error>;
}

fn main() {}
