use dintero_auth::Error;

#[dintero_auth::api]
pub trait Templates {
    #[get("things")]
    async fn no_slash(&self) -> Result<(), Error>;

    #[get("/things/{id")]
    async fn unclosed(&self, id: u64) -> Result<(), Error>;

    #[get("/things/{}")]
    async fn empty(&self) -> Result<(), Error>;

    #[get("/things/{1d}")]
    async fn not_ident(&self) -> Result<(), Error>;

    #[get("/things/{id}.json")]
    async fn partial(&self, id: u64) -> Result<(), Error>;

    #[get("/things//x/")]
    async fn empty_segments(&self) -> Result<(), Error>;

    #[get("/things/../x?y=1")]
    async fn bad_literals(&self) -> Result<(), Error>;

    #[get(things)]
    async fn not_a_string(&self) -> Result<(), Error>;
}

fn main() {}
