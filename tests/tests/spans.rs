//! One `tracing` span per call, with OpenTelemetry's HTTP client fields, captured at TRACE.
//! Secrets never appear; path and query values only when the client opts in.

use dintero_auth::models::AuthChallenge;
use dintero_auth::{ChallengeApi, Client, DinteroApis};
use dintero_auth_tests::{assert_no_secrets, logs, Reply, TestServer, SENTINELS};
use serde_json::json;

// One test: the capture is process-wide.
#[tokio::test]
async fn each_call_has_one_span_with_the_route_and_the_outcome() {
    logs::capture();
    let server = TestServer::start(|request| {
        if request.target.contains("fail") {
            Reply::json(503, json!({"error": {"message": "down"}}))
        } else {
            Reply::json(200, json!({"challenge_type": "oob"}))
        }
    })
    .await;
    let port = server.base_url().rsplit(':').next().unwrap().trim_end_matches("/v1").to_owned();
    let client = Client::builder().base_url(server.base_url()).bearer_token(SENTINELS[0]).build().unwrap();
    let body = AuthChallenge::oob_sms(SENTINELS[1]);
    client.challenge_api().aid_auth_mfa_challenge_post("P-PATH-VALUE", &body).await.unwrap();
    client.challenge_api().aid_auth_mfa_challenge_post("fail", &body).await.unwrap_err();
    let opted_in = Client::builder().base_url(server.base_url()).record_url_in_spans(true).build().unwrap();
    opted_in.challenge_api().aid_auth_mfa_challenge_post("P-OPTED-IN", &body).await.unwrap();
    // Refused before anything is sent: no span, no events.
    let refused = client.challenge_api().aid_auth_mfa_challenge_post("..", &body).await.unwrap_err();
    assert_eq!(refused.kind(), dintero_auth::ErrorKind::InvalidInput);

    let logs = logs::captured();
    let spans: Vec<&str> = logs.lines().filter(|line| line.starts_with("span http_client_call")).collect();
    assert_eq!(spans.len(), 3, "{logs}");
    for field in [
        "otel.name=POST /accounts/{aid}/auth/mfa/challenge",
        "otel.kind=\"client\"",
        "http.request.method=POST",
        "url.template=\"/accounts/{aid}/auth/mfa/challenge\"",
        "server.address=\"127.0.0.1\"",
        &format!("server.port={port}"),
        "api.name=\"ChallengeApi\"",
        "api.method=\"aid_auth_mfa_challenge_post\"",
    ] {
        assert!(spans[0].contains(field), "{field} missing in {}", spans[0]);
    }
    // Each call sent has one debug event as it goes out and one when its outcome is in.
    let events = |message: &str| {
        let marker = format!("message={message}");
        logs.lines()
            .filter(|line| line.starts_with("DEBUG http_api_client") && line.contains(&marker))
            .count()
    };
    assert_eq!((events("request"), events("response")), (3, 3), "{logs}");
    assert!(logs.contains(" elapsed_ms="), "{logs}");
    assert!(logs.contains("record http.response.status_code=200"), "{logs}");
    assert!(logs.contains("record http.response.status_code=503"), "{logs}");
    assert!(logs.contains("record error.type=\"503\""), "{logs}");
    assert!(!logs.contains("P-PATH-VALUE"), "a path value was logged without opting in:\n{logs}");
    assert!(logs.contains("record url.full=\"http://127.0.0.1:") && logs.contains("P-OPTED-IN"), "{logs}");
    assert_no_secrets("spans", &logs);
}
