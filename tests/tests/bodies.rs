//! Request and response bodies other than JSON: raw bytes and text with their declared content
//! types, exact bytes on the wire; raw responses, `ApiResponse` of each kind (also through a
//! renamed import and an alias), the size cap and the UTF-8 check.

use dintero_auth::ApiResponse as Answer;
use dintero_auth::{Bytes, Client, Error, ErrorKind};
use dintero_auth_tests::{Reply, TestServer};
use serde::Serialize;

/// An alias of the runtime's `ApiResponse`: recognised by its type, not its name.
type WithMeta<T> = dintero_auth::ApiResponse<T>;

#[derive(Serialize)]
pub struct Note {
    pub text: String,
}

/// Every body kind and every return kind.
#[dintero_auth::api]
pub trait Files {
    #[put("/files/{name}")]
    async fn put_bytes(&self, name: &str, #[body(bytes)] data: &[u8]) -> Result<(), Error>;

    #[put("/files/{name}")]
    async fn put_png(
        &self,
        name: &str,
        #[body(bytes, content_type = "image/png")] data: Bytes,
    ) -> Result<(), Error>;

    #[put("/files/{name}")]
    async fn put_vec(&self, name: &str, #[body(bytes)] data: Vec<u8>) -> Result<(), Error>;

    #[post("/notes")]
    async fn put_text(&self, #[body(text)] text: &str) -> Result<(), Error>;

    #[post("/notes")]
    async fn put_csv(&self, #[body(text, content_type = "text/csv")] text: String) -> Result<(), Error>;

    #[post("/notes")]
    async fn put_json(&self, #[body] note: &Note) -> Result<(), Error>;

    #[post("/notes")]
    async fn put_declared_type(
        &self,
        #[header("Content-Type")] content_type: &str,
        #[body(bytes)] data: &[u8],
    ) -> Result<(), Error>;

    #[get("/files/{name}")]
    async fn get_bytes(&self, name: &str) -> Result<Bytes, Error>;

    #[get("/files/{name}")]
    async fn get_vec(&self, name: &str) -> Result<Vec<u8>, Error>;

    #[get("/files/{name}")]
    async fn get_text(&self, name: &str) -> Result<String, Error>;

    #[get("/files/{name}")]
    async fn get_bytes_info(&self, name: &str) -> Result<Answer<Bytes>, Error>;

    #[get("/files/{name}")]
    async fn get_text_info(&self, name: &str) -> Result<WithMeta<String>, Error>;

    #[get("/files/{name}")]
    async fn get_json_info(&self, name: &str) -> Result<WithMeta<serde_json::Value>, Error>;

    #[get("/files/{name}")]
    async fn get_unit_info(&self, name: &str) -> Result<Answer<()>, Error>;
}

fn files(server: &TestServer) -> FilesClient {
    FilesClient::new(Client::builder().base_url(server.base_url()).build().unwrap())
}

const NOT_UTF8: &[u8] = &[0x00, 0xff, 0xfe, b'a', 0x80, b'\n'];

#[tokio::test]
async fn raw_bodies_are_sent_byte_for_byte_with_their_content_type() {
    let server = TestServer::always(Reply::new(204, "")).await;
    let client = files(&server);
    client.put_bytes("a", NOT_UTF8).await.unwrap();
    client.put_png("b", Bytes::from_static(b"\x89PNG\r\n")).await.unwrap();
    client.put_vec("c", vec![1, 2, 3]).await.unwrap();
    client.put_text("caf\u{e9} \"x\"\n").await.unwrap();
    client.put_csv("a,b\n1,2\n".to_owned()).await.unwrap();
    client.put_json(&Note { text: "hi".into() }).await.unwrap();
    client.put_bytes("empty", &[]).await.unwrap();

    let requests = server.requests();
    let seen: Vec<(&str, Option<&str>, &[u8])> =
        requests.iter().map(|r| (r.target.as_str(), r.header("content-type"), &r.body[..])).collect();
    assert_eq!(
        seen,
        vec![
            ("/v1/files/a", Some("application/octet-stream"), NOT_UTF8),
            ("/v1/files/b", Some("image/png"), &b"\x89PNG\r\n"[..]),
            ("/v1/files/c", Some("application/octet-stream"), &[1, 2, 3][..]),
            ("/v1/notes", Some("text/plain; charset=utf-8"), "caf\u{e9} \"x\"\n".as_bytes()),
            ("/v1/notes", Some("text/csv"), &b"a,b\n1,2\n"[..]),
            ("/v1/notes", Some("application/json"), &br#"{"text":"hi"}"#[..]),
            ("/v1/files/empty", Some("application/octet-stream"), &[][..]),
        ]
    );
    for request in &requests {
        assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
    }
}

#[tokio::test]
async fn a_content_type_header_parameter_wins_over_the_declared_one() {
    let server = TestServer::always(Reply::new(204, "")).await;
    files(&server).put_declared_type("application/pdf", b"%PDF").await.unwrap();
    let request = server.single();
    assert_eq!(request.header("content-type"), Some("application/pdf"));
    assert_eq!(request.headers.get_all("content-type").iter().count(), 1);
    assert_eq!(&request.body[..], b"%PDF");
}

#[tokio::test]
async fn raw_responses_are_the_exact_body() {
    let server =
        TestServer::always(Reply::new(200, NOT_UTF8).header("content-type", "application/json")).await;
    let client = files(&server);
    assert_eq!(&client.get_bytes("x").await.unwrap()[..], NOT_UTF8);
    assert_eq!(client.get_vec("x").await.unwrap(), NOT_UTF8);

    let info = client.get_bytes_info("x").await.unwrap();
    assert_eq!(info.status, 200);
    assert_eq!(info.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(&info.data[..], NOT_UTF8);
}

#[tokio::test]
async fn text_responses_are_the_body_as_written_not_json() {
    let server = TestServer::always(Reply::new(201, "\"quoted\" caf\u{e9}\n").header("x-id", "7")).await;
    let client = files(&server);
    assert_eq!(client.get_text("x").await.unwrap(), "\"quoted\" caf\u{e9}\n");
    let info = client.get_text_info("x").await.unwrap();
    assert_eq!((info.status.as_u16(), info.data.as_str()), (201, "\"quoted\" caf\u{e9}\n"));
    assert_eq!(info.headers.get("x-id").unwrap(), "7");
    let unit = client.get_unit_info("x").await.unwrap();
    assert_eq!((unit.status.as_u16(), unit.data), (201, ()));
}

#[tokio::test]
async fn text_that_is_not_utf8_is_a_decode_error() {
    let server = TestServer::always(Reply::new(200, NOT_UTF8)).await;
    let error = files(&server).get_text("x").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let text = error.to_string();
    assert!(text.contains("not UTF-8 text (invalid byte at offset 1)"), "{text}");
}

#[tokio::test]
async fn aliased_api_response_still_decodes_json() {
    let server = TestServer::always(Reply::json(200, serde_json::json!({"a": [1, 2]}))).await;
    let info = files(&server).get_json_info("x").await.unwrap();
    assert_eq!(info.data, serde_json::json!({"a": [1, 2]}));
    assert_eq!(info.status, 200);
}

#[tokio::test]
async fn raw_responses_stay_under_the_size_cap() {
    let server = TestServer::always(Reply::new(200, vec![7u8; 65])).await;
    let capped = |limit| {
        FilesClient::new(
            Client::builder().base_url(server.base_url()).max_response_bytes(limit).build().unwrap(),
        )
    };
    for error in [
        capped(64).get_bytes("x").await.unwrap_err(),
        capped(64).get_vec("x").await.unwrap_err(),
        capped(64).get_text("x").await.unwrap_err(),
        capped(64).get_bytes_info("x").await.map(drop).unwrap_err(),
    ] {
        assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
    }
    assert_eq!(capped(65).get_bytes("x").await.unwrap().len(), 65);
}
