use dintero_auth::Error;
use serde::Serialize;

#[derive(Serialize)]
pub struct Thing;

#[dintero_auth::api]
pub trait Things {
    #[post("/a")]
    async fn body_body(&self, #[body] a: &Thing, #[body] b: &Thing) -> Result<(), Error>;

    #[put("/b")]
    async fn body_form(&self, #[body] a: &Thing, #[form] b: &Thing) -> Result<(), Error>;

    #[patch("/c")]
    async fn form_form(&self, #[form] a: &Thing, #[form] b: &Thing) -> Result<(), Error>;
}

fn main() {}
