use dintero_auth::Error;

#[derive(serde::Serialize)]
pub struct Payment {
    pub amount: u64,
}

#[dintero_auth::api]
pub trait Payments {
    // Framing and connection headers are the transport's: a declared one would contradict the
    // message (a `Content-Length` that cuts the body short, another `Host`).
    #[post("/payments")]
    #[headers("Content-Length: 12", "Transfer-Encoding: chunked")]
    async fn pay(&self, #[body] payment: &Payment, #[header("Host")] host: &str) -> Result<(), Error>;

    // One fixed key, or a second one, would make re-sends unsafe.
    #[post("/payments")]
    #[headers("Idempotency-Key: fixed")]
    async fn pay_keyed(
        &self,
        #[body] payment: &Payment,
        #[idempotency_key] key: &str,
        #[header("idempotency-key")] again: &str,
    ) -> Result<(), Error>;

    #[get("/payments")]
    async fn list(&self, #[header("Connection")] connection: &str, #[header("TE")] te: &str) -> Result<(), Error>;
}

fn main() {}
