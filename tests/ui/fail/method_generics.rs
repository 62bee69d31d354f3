use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    #[get("/things")]
    async fn typed<T: serde::Serialize>(&self, #[query] filter: T) -> Result<(), Error>;

    #[get("/things")]
    async fn constant<const N: usize>(&self) -> Result<(), Error>;

    #[get("/things")]
    async fn bounded<'a>(&self, #[query] q: &'a str) -> Result<(), Error>
    where
        'a: 'static;
}

fn main() {}
