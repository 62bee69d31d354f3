use dintero_auth::Error;

#[dintero_auth::api]
pub trait Things {
    // The generated client's own methods.
    #[get("/new")]
    async fn new(&self) -> Result<(), Error>;

    #[get("/client")]
    async fn client(&self) -> Result<(), Error>;

    #[get("/options")]
    async fn with_options(&self) -> Result<(), Error>;

    // One header, two values on the wire.
    #[get("/things")]
    async fn list(&self, #[header("X-Tag")] a: &str, #[header("x-tag")] b: &str) -> Result<(), Error>;

    // A multipart body's content type carries the boundary drawn for each call.
    #[post("/upload")]
    #[multipart]
    async fn upload(
        &self,
        #[part("title")] title: &str,
        #[header("Content-Type")] content_type: &str,
    ) -> Result<(), Error>;

    #[post("/upload")]
    #[multipart]
    #[headers("Content-Type: multipart/form-data")]
    async fn upload_again(&self, #[part("title")] title: &str) -> Result<(), Error>;
}

fn main() {}
