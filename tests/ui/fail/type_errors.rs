// Errors about the user's types point at those types, not into generated code.
pub struct NotDisplay;
pub struct NotSerialize;
pub struct NotDeserialize;
#[derive(Debug)]
pub struct NoFrom;

#[dintero_auth::api]
pub trait Things {
    #[get("/things/{id}")]
    async fn path(&self, id: NotDisplay) -> Result<(), dintero_auth::Error>;

    #[post("/things")]
    async fn body(&self, #[body] thing: &NotSerialize) -> Result<(), dintero_auth::Error>;

    #[get("/things")]
    async fn query(&self, #[query] q: NotSerialize) -> Result<(), dintero_auth::Error>;

    #[get("/things")]
    async fn response(&self) -> Result<NotDeserialize, dintero_auth::Error>;

    #[get("/things")]
    async fn error(&self) -> Result<(), NoFrom>;
}

fn main() {}
