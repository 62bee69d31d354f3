//! A user's own API declared with `#[dintero_auth::api]` in this crate: GET with query and
//! header, a form POST, a PUT returning `()`, end to end against a real server.

use std::time::Duration;

use dintero_auth::{ApiResponse, CallOptions, Client, Error};
use dintero_auth_tests::{Reply, TestServer};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq)]
pub struct Invoice {
    pub id: String,
    pub amount: u64,
}

#[derive(Serialize)]
pub struct Filter {
    pub status: &'static str,
    pub tag: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct TokenForm {
    pub grant_type: &'static str,
    pub username: String,
    pub scope: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Token {
    pub access_token: String,
}

#[derive(Serialize)]
pub struct Note {
    pub text: String,
}

/// A billing API nobody at Dintero wrote: proof the macro serves any JSON API.
#[dintero_auth::api]
pub trait Billing {
    /// Lists invoices.
    #[get("/accounts/{aid}/invoices")]
    async fn invoices(
        &self,
        aid: &str,
        #[query] limit: Option<u32>,
        #[query] filter: &Filter,
        #[header("X-Request-Id")] request_id: Option<&str>,
    ) -> Result<Vec<Invoice>, Error>;

    /// OAuth-style token endpoint.
    #[post("/oauth/token")]
    async fn token(&self, #[form] form: &TokenForm) -> Result<Token, Error>;

    /// Replaces a note; the server answers 204.
    #[put("/invoices/{invoice_id}/note")]
    async fn put_note(&self, #[path("invoice_id")] id: u64, #[body] note: &Note) -> Result<(), Error>;

    /// Deletes an invoice and reports the status.
    #[delete("/invoices/{id}")]
    async fn delete(&self, id: u64) -> Result<ApiResponse<()>, Error>;
}

fn billing(server: &TestServer) -> BillingClient {
    let client = Client::builder().base_url(server.base_url()).bearer_token("jwt").build().unwrap();
    BillingClient::new(client)
}

#[tokio::test]
async fn get_with_query_and_header() {
    let server = TestServer::always(Reply::json(200, json!([{"id": "i1", "amount": 100}]))).await;
    let filter = Filter { status: "paid", tag: vec!["a b", "c&d"] };
    let invoices = billing(&server).invoices("P1", Some(10), &filter, Some("req-1")).await.unwrap();
    assert_eq!(invoices, vec![Invoice { id: "i1".into(), amount: 100 }]);
    let request = server.single();
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/v1/accounts/P1/invoices?limit=10&status=paid&tag=a+b&tag=c%26d");
    assert_eq!(request.header("x-request-id"), Some("req-1"));
    assert_eq!(request.header("content-type"), None);
    assert!(request.body.is_empty());

    billing(&server).invoices("P1", None, &Filter { status: "due", tag: vec![] }, None).await.unwrap();
    let second = server.requests().pop().unwrap();
    assert_eq!(second.target, "/v1/accounts/P1/invoices?status=due", "None is omitted");
    assert_eq!(second.header("x-request-id"), None);
}

#[tokio::test]
async fn form_post() {
    let server = TestServer::always(Reply::json(200, json!({"access_token": "at"}))).await;
    let form = TokenForm { grant_type: "password", username: "ola nordmann".into(), scope: None };
    let token = billing(&server).token(&form).await.unwrap();
    assert_eq!(token.access_token, "at");
    let request = server.single();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/oauth/token");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(&request.body[..], b"grant_type=password&username=ola+nordmann");
}

#[tokio::test]
async fn put_returning_unit_and_delete_with_info() {
    let server = TestServer::always(Reply::new(204, "")).await;
    billing(&server).put_note(42, &Note { text: "hi".into() }).await.unwrap();
    let info = billing(&server).delete(7).await.unwrap();
    assert_eq!(info.status.as_u16(), 204);
    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("PUT", "/v1/invoices/42/note"));
    assert_eq!(requests[0].json(), json!({"text": "hi"}));
    assert_eq!((requests[1].method.as_str(), requests[1].target.as_str()), ("DELETE", "/v1/invoices/7"));
}

#[tokio::test]
async fn the_trait_stays_implementable_by_hand() {
    struct Mock;
    impl Billing for Mock {
        async fn invoices(
            &self,
            _: &str,
            _: Option<u32>,
            _: &Filter,
            _: Option<&str>,
        ) -> Result<Vec<Invoice>, Error> {
            Ok(vec![Invoice { id: "mock".into(), amount: 1 }])
        }
        async fn token(&self, _: &TokenForm) -> Result<Token, Error> {
            Ok(Token { access_token: "mock".into() })
        }
        async fn put_note(&self, _: u64, _: &Note) -> Result<(), Error> {
            Ok(())
        }
        async fn delete(&self, _: u64) -> Result<ApiResponse<()>, Error> {
            unimplemented!("not used")
        }
    }
    async fn first_invoice(api: &impl Billing) -> String {
        let filter = Filter { status: "any", tag: vec![] };
        api.invoices("P1", None, &filter, None).await.unwrap().remove(0).id
    }
    assert_eq!(first_invoice(&Mock).await, "mock");
}

/// A method's future is inert until polled: made on a thread with no runtime (where handing the
/// request to reqwest would panic, arming its timer) and polled only after longer than its
/// timeout, it still sends its request and gets the answer, because the call, and its time,
/// start at the first poll. A POST, so that the call is a single attempt handed to the transport
/// at once if it is handed over early (retries start lazily anyway).
#[tokio::test]
async fn a_call_starts_when_its_future_is_first_polled() {
    let server = TestServer::always(Reply::json(200, json!({"access_token": "t"}))).await;
    let client = billing(&server).with_options(CallOptions::new().timeout(Duration::from_millis(200)));
    let form = TokenForm { grant_type: "password", username: "u".into(), scope: None };
    let unpolled = std::thread::scope(|scope| {
        scope.spawn(|| client.token(&form)).join().expect("no panic off the runtime")
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(server.count(), 0, "nothing is sent before the first poll");
    assert_eq!(unpolled.await.unwrap().access_token, "t");
    assert_eq!(server.single().target, "/v1/oauth/token");
}
