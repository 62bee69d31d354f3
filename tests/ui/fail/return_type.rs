use dintero_auth::Error;

pub type Res<T> = Result<T, Error>;

#[dintero_auth::api]
pub trait Things {
    #[get("/a")]
    async fn option(&self) -> Option<u32>;

    #[get("/b")]
    async fn nothing(&self);

    #[get("/c")]
    async fn one_argument_alias(&self) -> Res<u32>;

    #[get("/d")]
    async fn tuple(&self) -> (u32, Error);
}

fn main() {}
