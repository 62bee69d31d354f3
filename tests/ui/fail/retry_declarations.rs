#[dintero_auth::api]
pub trait Payments {
    #[post("/payments", idempotnet)]
    async fn create(&self) -> Result<(), dintero_auth::Error>;

    #[post("/payments/{id}/capture")]
    async fn capture(
        &self,
        id: u64,
        #[idempotency_key] key: &str,
        #[idempotency_key] again: &str,
    ) -> Result<(), dintero_auth::Error>;

    #[post("/payments/{id}/refund")]
    async fn refund(&self, id: u64, #[idempotency_key("Key")] key: &str) -> Result<(), dintero_auth::Error>;
}

fn main() {}
