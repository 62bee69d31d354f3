// Traits declared through `macro_rules!`: parameter names and types carry the declaring macro's
// hygiene, which the generated body must agree with.
#![deny(warnings)]

macro_rules! declare {
    ($name:ident, $id:ty, $error:ty) => {
        #[dintero_auth::api]
        pub trait $name
        where
            Self: Sync,
        {
            #[get("/things/{id}")]
            async fn get(&self, id: $id, #[query] q: Option<u32>) -> Result<(), $error>;

            #[post("/things")]
            async fn create(&self, #[body] body: &$id) -> Result<dintero_auth::ApiResponse<$id>, $error>;
        }
    };
}

declare!(Things, u64, dintero_auth::Error);

fn main() {
    let _ = ThingsClient::get;
    let _ = ThingsClient::create;
}
