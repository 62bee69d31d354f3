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

// A whole return type, or `()` inside it, from a fragment (both arrive in invisible groups).
macro_rules! declare_returning {
    ($name:ident, $ret:ty, $unit:ty) => {
        #[dintero_auth::api]
        pub trait $name {
            #[get("/status")]
            async fn status(&self) -> $ret;

            #[delete("/things/{id}")]
            async fn remove(&self, id: u64) -> Result<$unit, dintero_auth::Error>;
        }
    };
}

declare_returning!(Status, Result<dintero_auth::ApiResponse<()>, dintero_auth::Error>, ());

fn main() {
    let _ = ThingsClient::get;
    let _ = ThingsClient::create;
    let _ = StatusClient::status;
    let _ = StatusClient::remove;
}
