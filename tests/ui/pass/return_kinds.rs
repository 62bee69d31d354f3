// Every return kind, with `ApiResponse` reached through a renamed import and an alias, next to
// the API's own schema type called `ApiResponse` (decoded as JSON like any other type).
#![deny(warnings)]

use dintero_auth::ApiResponse as Answer;
use dintero_auth::{Bytes, Error};
use serde::{Deserialize, Serialize};

pub type Meta<T> = dintero_auth::ApiResponse<T>;
pub type Plain = String;

/// The API's own schema that happens to share the name.
#[derive(Deserialize)]
pub struct ApiResponse {
    pub code: u32,
    pub message: String,
}

#[derive(Deserialize)]
pub struct Pet {
    pub name: String,
}

#[derive(Serialize)]
pub struct NewPet {
    pub name: String,
}

#[dintero_auth::api]
pub trait Pets {
    #[post("/pets")]
    async fn add(&self, #[body] pet: &NewPet) -> Result<ApiResponse, Error>;

    #[get("/pets/{id}")]
    async fn get(&self, id: u64) -> Result<Answer<Pet>, Error>;

    #[get("/pets/{id}")]
    async fn get_meta(&self, id: u64) -> Result<Meta<Pet>, Error>;

    #[get("/pets/{id}/photo")]
    async fn photo(&self, id: u64) -> Result<Bytes, Error>;

    #[get("/pets/{id}/photo")]
    async fn photo_vec(&self, id: u64) -> Result<Answer<Vec<u8>>, Error>;

    #[get("/pets/{id}/notes")]
    async fn notes(&self, id: u64) -> Result<Plain, Error>;

    #[get("/pets/{id}/notes")]
    async fn notes_meta(&self, id: u64) -> Result<Meta<String>, Error>;

    #[delete("/pets/{id}")]
    async fn delete(&self, id: u64) -> Result<Meta<()>, Error>;

    #[put("/pets/{id}/photo")]
    async fn upload(
        &self,
        id: u64,
        #[body(bytes, content_type = "image/jpeg")] photo: Bytes,
    ) -> Result<Answer<()>, Error>;

    #[put("/pets/{id}/notes")]
    async fn write_notes(&self, id: u64, #[body(text)] notes: &str) -> Result<(), Error>;

    #[put("/pets/{id}/raw")]
    async fn raw(&self, id: u64, #[body(bytes)] data: &[u8]) -> Result<(), Error>;
}

fn main() {}
