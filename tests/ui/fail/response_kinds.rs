// Return kinds are told apart by type, not by name: an aliased or renamed `ApiResponse` whose
// data cannot be decoded gets one error, at the data type.
use dintero_auth::ApiResponse as Answer;
use dintero_auth::Error;

pub type Meta<T> = dintero_auth::ApiResponse<T>;

pub struct NotJson;

#[dintero_auth::api]
pub trait Pets {
    #[get("/a")]
    async fn renamed(&self) -> Result<Answer<NotJson>, Error>;

    #[get("/b")]
    async fn aliased(&self) -> Result<Meta<NotJson>, Error>;

    #[get("/c")]
    async fn plain(&self) -> Result<NotJson, Error>;
}

fn main() {}
