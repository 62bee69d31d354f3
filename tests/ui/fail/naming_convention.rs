use dintero_auth::Error;

#[dintero_auth::api]
pub trait Pets {
    // The server spells it `petId`, Rust `pet_id`: the fix is `#[path("petId")]`, not a new URL.
    #[get("/pets/{petId}")]
    async fn pet(&self, pet_id: u64) -> Result<(), Error>;
}

fn main() {}
