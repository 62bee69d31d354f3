//! The hyper transport's own checks; the shared suites (faults, hostile responses, streams,
//! transport edges) run on it too with `TEST_TRANSPORT=hyper` (see `.ci/run`).

use dintero_auth::models::AuthChallenge;
use dintero_auth::{ChallengeApi, DinteroApis, ErrorKind, Transport};
use dintero_auth_tests::{Reply, TestServer};

fn answer() -> Reply {
    Reply::json(200, serde_json::json!({"challenge_type": "oob", "oob_code": "c"}))
}

fn builder(base_url: &str, transport: Transport) -> dintero_auth::ClientBuilder {
    dintero_auth::builder().base_url(base_url).bearer_token("jwt").transport(transport)
}

#[tokio::test]
async fn both_transports_put_the_same_request_on_the_wire() {
    let server = TestServer::always(answer()).await;
    let mut seen = Vec::new();
    for transport in [Transport::Reqwest, Transport::Hyper] {
        let client = builder(&server.base_url(), transport).build().unwrap();
        assert_eq!(client.transport(), transport);
        let body = AuthChallenge::oob_sms("mfa");
        client.challenge_api().aid_auth_mfa_challenge_post("P0 1", &body).await.unwrap();
        let request = server.requests().pop().unwrap();
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        seen.push((request.method, request.target, headers, request.body));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].1, "/v1/accounts/P0%201/auth/mfa/challenge");
    let names: Vec<&str> = seen[0].2.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["accept", "authorization", "content-length", "content-type", "host", "user-agent"]);
}

#[tokio::test]
async fn connections_are_kept_and_reused() {
    let server = dintero_auth_tests::raw::RawServer::always(dintero_auth_tests::raw::Action::Reply(
        dintero_auth_tests::raw::response(
            200,
            &[("content-type", "application/json")],
            br#"{"oob_code":"c"}"#,
        ),
    ))
    .await;
    // An answer read to its declared length frees its connection without a read of its end.
    for (calls, transport) in [(3, Transport::Hyper), (6, Transport::Reqwest)] {
        let client = builder(&server.base_url(), transport).build().unwrap();
        let (api, body) = (client.challenge_api(), AuthChallenge::oob_sms("m"));
        for _ in 0..3 {
            api.aid_auth_mfa_challenge_post("P1", &body).await.unwrap();
        }
        assert_eq!(server.count(), calls);
        assert_eq!(server.connections(), calls / 3, "one kept connection for three calls on {transport:?}");
    }
}

#[test]
fn a_proxy_that_would_apply_is_refused_not_bypassed() {
    let remote = |transport| builder("https://api.example.invalid/v1", transport);
    let error = remote(Transport::Hyper).proxy("http://proxy.example.invalid:3128").build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("does not use proxies"), "{error}");
    // Direct on purpose, or a loopback target, is fine; reqwest takes proxies.
    remote(Transport::Hyper).no_proxy().build().unwrap();
    builder("http://127.0.0.1:9/v1", Transport::Hyper)
        .proxy("http://proxy.example.invalid:3128")
        .build()
        .unwrap();
    remote(Transport::Reqwest).proxy("http://proxy.example.invalid:3128").build().unwrap();
}

#[dintero_auth::api]
pub trait Things {
    #[get("/things/{id}/parts")]
    async fn parts(
        &self,
        id: &str,
        #[query] q: &str,
        #[query] n: Option<u32>,
        #[query] tags: &[&str],
    ) -> Result<(), dintero_auth::Error>;
}

#[tokio::test]
async fn path_and_query_values_reach_the_wire_alike_on_both_transports() {
    let server = TestServer::always(Reply::new(200, "")).await;
    let mut targets = Vec::new();
    for transport in [Transport::Reqwest, Transport::Hyper] {
        let api = ThingsClient::new(builder(&server.base_url(), transport).build().unwrap());
        api.parts("a b/ä%;", "x y&z=1+ü#", Some(7), &["t 1", "t/2"]).await.unwrap();
        targets.push(server.requests().pop().unwrap().target);
    }
    assert_eq!(targets[0], targets[1]);
    assert_eq!(
        targets[0],
        "/v1/things/a%20b%2F%C3%A4%25%3B/parts?q=x+y%26z%3D1%2B%C3%BC%23&n=7&tags=t+1&tags=t%2F2"
    );
}
