// Futures are `Send`: from the generated client, and from any implementation when used through
// the trait, so they can be spawned on a multi-threaded runtime. A parameter that cannot cross
// threads is fine too: the generated method uses its arguments before its future exists, so the
// future holds none of them.
#![deny(warnings)]

use std::rc::Rc;

use dintero_auth::{ApiResponse, Error};
use serde::Serialize;

#[derive(Serialize)]
pub struct Thing {
    pub name: String,
}

#[dintero_auth::api]
pub trait Things {
    #[post("/things/{id}")]
    async fn create(
        &self,
        id: &str,
        #[body] thing: &Thing,
        #[query] dry_run: Option<bool>,
        #[header("X-Request-Id")] rid: Option<&str>,
    ) -> Result<ApiResponse<()>, Error>;

    #[get("/things/{id}")]
    async fn shared(&self, id: Rc<str>) -> Result<(), Error>;
}

fn assert_send<T: Send>(_: T) {}

fn generated(client: &ThingsClient, thing: &Thing) {
    assert_send(client.create("a", thing, None, Some("r")));
    assert_send(client.shared(Rc::from("a")));
}

fn through_trait<T: Things + Sync>(api: &T, thing: &Thing) {
    assert_send(api.create("a", thing, Some(true), None));
}

fn spawnable(client: ThingsClient) -> tokio::task::JoinHandle<Result<ApiResponse<()>, Error>> {
    tokio::spawn(async move {
        let thing = Thing { name: "x".into() };
        client.create("a", &thing, None, None).await
    })
}

fn main() {
    let _ = generated;
    let _ = through_trait::<ThingsClient>;
    let _ = spawnable;
}
