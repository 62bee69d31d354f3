//! A user's crate outside this workspace declares its own API with nothing but the neutral
//! runtime and serde: it builds, a client without a base URL is a `build()` error, and its errors
//! carry its own error body type. A second crate reaches the runtime under a renamed dependency.
//! Both are real cargo builds (offline, against this workspace's lock file).

use std::path::{Path, PathBuf};
use std::process::Command;

const USER_MAIN: &str = r##"
use http_api_client::{api, http::StatusCode, Client, Error, ErrorKind};

#[derive(Debug, serde::Deserialize)]
pub struct Problem {
    pub title: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct Invoice {
    pub id: String,
}

#[api(error_body = Problem)]
pub trait Billing {
    #[get("/accounts/{aid}/invoices/{id}")]
    async fn invoice(&self, aid: &str, id: u64) -> Result<Invoice, Error<Problem>>;
}

/// The generated method's error is the API's own: its body is a `Problem`.
fn title(error: &Error<Problem>) -> Option<&str> {
    error.body().map(|problem| problem.title.as_str())
}

fn main() {
    let missing = Client::builder().bearer_token("t").build().unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Config);
    println!("without a base URL: {missing}");

    let client = Client::builder().base_url("https://billing.example.com/v1").build().unwrap();
    let _billing = BillingClient::new(client);

    let error: Error<Problem> =
        Error::from_status(StatusCode::NOT_FOUND, Default::default(), r#"{"title":"no such invoice"}"#);
    assert_eq!(title(&error), Some("no such invoice"));
    println!("typed error body: {}", title(&error).unwrap());
}
"##;

const RENAMED_MAIN: &str = r#"
#[rt::api]
pub trait Health {
    #[get("/health")]
    async fn health(&self) -> Result<(), rt::Error>;
}

fn main() {
    let client = rt::Client::builder().base_url("https://health.example.com").build().unwrap();
    let _health = HealthClient::new(client);
    println!("renamed dependency: ok");
}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Writes a crate under `target/user-crates/<name>` and runs it; returns what it printed.
fn run_user_crate(name: &str, dependency: &str, main: &str) -> String {
    let workspace = workspace();
    let root = workspace.join("target/user-crates");
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).expect("crate dir");
    let runtime = workspace.join("runtime");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{dependency} = {{ package = \"http-api-client\", path = {runtime:?} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(dir.join("src/main.rs"), main).expect("main.rs");
    // The workspace's lock file pins the same versions, which are already downloaded.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "--offline"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{name} failed:\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn a_user_crate_declares_its_api_on_the_neutral_runtime_alone() {
    let printed = run_user_crate("billing-user", "http-api-client", USER_MAIN);
    assert!(printed.contains("without a base URL: invalid client configuration: no base URL"), "{printed}");
    assert!(printed.contains("typed error body: no such invoice"), "{printed}");

    let printed = run_user_crate("renamed-user", "rt", RENAMED_MAIN);
    assert!(printed.contains("renamed dependency: ok"), "{printed}");
}

#[test]
fn the_neutral_runtime_knows_no_vendor() {
    let sources = workspace().join("runtime");
    let mut stack = vec![sources];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).expect("dir").map(|entry| entry.expect("entry").path()));
        } else {
            let text = std::fs::read_to_string(&path).expect("text file");
            assert!(!text.to_ascii_lowercase().contains("dintero"), "{} names a vendor", path.display());
        }
    }
    let tree = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["tree", "--offline", "-p", "http-api-client", "-e", "normal,build", "--prefix", "none"])
        .current_dir(workspace())
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&tree.stdout);
    assert!(tree.contains("http-api-client"), "{tree}");
    assert!(!tree.contains("dintero"), "{tree}");
}
