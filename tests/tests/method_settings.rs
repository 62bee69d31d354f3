//! `#[timeout]` and `#[headers]` on a method or on the whole trait, as they reach the wire.

use std::time::{Duration, Instant};

use dintero_auth::{CallOptions, Client, Error};
use dintero_auth_tests::{Reply, TestServer};

#[dintero_auth::api]
#[headers("X-Api-Version: 2", "X-Client: tests")]
#[timeout = "10s"]
pub trait Versioned {
    #[get("/plain")]
    async fn plain(&self) -> Result<(), Error>;

    #[headers("X-Api-Version: 3")]
    #[get("/newer")]
    async fn newer(&self) -> Result<(), Error>;

    #[get("/tagged")]
    async fn tagged(&self, #[header("X-Client")] client: &str) -> Result<(), Error>;

    #[timeout = "300ms"]
    #[get("/slow")]
    async fn slow(&self) -> Result<(), Error>;
}

fn api(server: &TestServer) -> VersionedClient {
    VersionedClient::new(Client::builder().base_url(server.base_url()).build().unwrap())
}

#[tokio::test]
async fn static_headers_from_the_trait_and_the_method_reach_the_wire() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let api = api(&server);
    api.plain().await.unwrap();
    api.newer().await.unwrap();
    api.tagged("caller").await.unwrap();
    api.with_options(CallOptions::new().header("X-Api-Version", "9")).plain().await.unwrap();
    let seen: Vec<(String, String, String)> = server
        .requests()
        .iter()
        .map(|r| {
            let all = |name| {
                r.headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect::<Vec<_>>().join(",")
            };
            (r.target.clone(), all("x-api-version"), all("x-client"))
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("/v1/plain".into(), "2".into(), "tests".into()),
            ("/v1/newer".into(), "3".into(), "tests".into()),
            ("/v1/tagged".into(), "2".into(), "caller".into()),
            // Declared on the method or trait: wins over a `CallOptions` header, like a parameter.
            ("/v1/plain".into(), "2".into(), "tests".into()),
        ]
    );
}

#[tokio::test]
async fn a_method_timeout_applies_and_call_options_override_it() {
    let server = TestServer::always(Reply::new(204, "").delay(Duration::from_secs(3))).await;
    let api = api(&server);
    let started = Instant::now();
    let err = api.slow().await.unwrap_err();
    assert!(err.is_timeout() && err.to_string().contains("300 ms"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let err =
        api.with_options(CallOptions::new().timeout(Duration::from_millis(100))).slow().await.unwrap_err();
    assert!(err.to_string().contains("100 ms"), "{err}");
}
