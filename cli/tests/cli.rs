//! The CLI as a user runs it: exit codes and what it prints.

mod canned_server;

use std::process::{Command, Output};

use dintero_auth::models::TokenRequest;
use dintero_auth::{DinteroApis, TokenApi};
use dintero_auth_fake::{
    ApiClient, Channel, Config, Endpoint, FakeDintero, MFA_PASSWORD, MFA_USERNAME, TEST_ACCOUNT,
};
use serde_json::{json, Value};

use crate::canned_server::CannedServer;

fn cli(args: &[&str]) -> Output {
    cli_with_env(args, &[])
}

/// The CLI with only these of its environment variables set.
fn cli_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dintero-mfa"));
    command.args(args);
    for name in ["DINTERO_JWT", "DINTERO_BASE_URL", "DINTERO_CLIENT_ID", "DINTERO_CLIENT_SECRET"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).output().expect("the binary runs")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn demo_walks_both_flows_and_masks_secrets() {
    let output = cli(&[]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "exit {:?}\n{stdout}\n{stderr}", output.status);
    let expected_steps = [
        ("client", "auth/token (client_credentials)", "200", "access token issued"),
        ("login", "auth/token (password grant)", "403", "mfa_required"),
        ("login", "auth/mfa/challenge (sms)", "200", "binding code sent by sms"),
        ("login", "auth/token (mfa_oob)", "200", "access token issued"),
        ("recovery", "auth/mfa/recovery (email)", "200", "binding code sent by email"),
        ("recovery", "auth/token (mfa_oob)", "403", "mfa_required"),
        ("recovery", "auth/mfa/challenge (sms)", "200", "binding code sent by sms"),
        ("recovery", "auth/token (mfa_oob)", "200", "access token issued"),
    ];
    let step_lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(step_lines.len(), expected_steps.len(), "{stdout}");
    for (line, (flow, call, status, outcome)) in step_lines.iter().zip(expected_steps) {
        for part in [flow, call, status, outcome, " ms"] {
            assert!(line.contains(part), "`{part}` missing from `{line}`");
        }
    }
    assert!(
        stdout.contains("both flows completed") && stdout.contains("requests               8"),
        "one client-credentials token serves every call:\n{stdout}"
    );
    assert!(stdout.contains("[redacted, 6 chars]"), "binding codes are masked:\n{stdout}");
    assert!(
        stdout.contains("client_secret: [redacted, 18 chars]")
            && !stdout.contains(dintero_auth_fake::DEFAULT_CLIENT_SECRET),
        "the client secret is masked:\n{stdout}"
    );
}

#[test]
fn demo_json_is_one_object_per_line() {
    let output = cli(&["demo", "--json"]);
    assert!(output.status.success());
    let (stdout, _) = text(&output);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let steps: Vec<&Value> = lines.iter().filter(|v| v.get("step").is_some()).collect();
    assert_eq!(steps.len(), 8);
    assert_eq!(steps[0]["call"], "POST /accounts/T00000000/auth/token (client_credentials)");
    assert_eq!(steps[0]["status"], 200);
    assert_eq!(steps[1]["status"], 403);
    assert_eq!(steps[7]["outcome"], "access token issued");
    assert!(steps.iter().all(|s| s["elapsed_ms"].as_f64().is_some()));
    let summary = lines.iter().find_map(|v| v.get("summary")).expect("summary line");
    assert_eq!(summary["sms sent"], 2);
    assert_eq!(summary["e-mails sent"], 1);
}

#[test]
fn remote_call_failures_exit_non_zero_with_a_clear_message() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(FakeDintero::start(Config::default())).unwrap();
    let base = server.base_url();

    // No JWT: the fake answers 401, the CLI says so and exits 1.
    let output = cli(&["challenge", "--base-url", &base, "--aid", "T00000000", "--mfa-token", "x"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 401"), "{stderr}");

    // Unknown account: 404 with the Dintero error code.
    let output = cli(&[
        "challenge",
        "--base-url",
        &base,
        "--jwt",
        "SECRET-JWT",
        "--aid",
        "X1",
        "--mfa-token",
        "SECRET-MFA",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(!format!("{stdout}{stderr}").contains("SECRET"), "secrets echoed:\n{stdout}{stderr}");

    // Nothing listening: a connect error, nothing sent.
    let output = cli(&[
        "recovery",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--aid",
        "T1",
        "--username",
        "u",
        "--audience",
        "a",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("could not connect") && stderr.contains("nothing was sent"), "{stderr}");

    // A password grant for an MFA user: mfa_required is the expected answer, exit 0.
    let output = cli(&[
        "token",
        "--base-url",
        &base,
        "--aid",
        "T00000000",
        "password",
        "--username",
        dintero_auth_fake::MFA_USERNAME,
        "--password",
        dintero_auth_fake::MFA_PASSWORD,
        "--audience",
        "aud",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("403") && stdout.contains("mfa_required") && stdout.contains("[redacted"),
        "{stdout}"
    );
}

const CLIENT_SECRET: &str = "SECRET-CLIENT-SECRET";

#[test]
fn client_credentials_from_the_environment_replace_the_jwt() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = Config::builder()
        .accept_issued_tokens_only()
        .client(ApiClient::new("cli-client", CLIENT_SECRET).account(TEST_ACCOUNT))
        .build()
        .unwrap();
    let server = runtime.block_on(FakeDintero::start(config)).unwrap();
    let base = server.base_url();
    // A real mfa_token, from a password grant sent by the library itself.
    let mfa_token = runtime.block_on(async {
        let client = dintero_auth::Client::builder().base_url(&base).build().unwrap();
        let grant = TokenRequest::password(MFA_USERNAME, MFA_PASSWORD, "aud");
        let error = client.token_api().aid_auth_token_post(TEST_ACCOUNT, &grant).await.unwrap_err();
        error.mfa_token().unwrap().expose().to_owned()
    });
    let args = ["challenge", "--base-url", &base, "--aid", TEST_ACCOUNT, "--mfa-token", &mfa_token];
    let env = [("DINTERO_CLIENT_ID", "cli-client"), ("DINTERO_CLIENT_SECRET", CLIENT_SECRET)];

    // The fake accepts only tokens it issued: the SMS goes out only with the provider's token.
    let output = cli_with_env(&args, &env);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("200") && stdout.contains("binding code sent by sms"), "{stdout}");
    assert_eq!(
        server.endpoint_count(Endpoint::Token),
        2,
        "the password grant and one client-credentials grant"
    );
    assert_eq!(server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len(), 1);
    assert!(!format!("{stdout}{stderr}").contains("SECRET-"), "the secret echoed:\n{stdout}{stderr}");

    // A wrong secret: the token endpoint's 401 and code, nothing sent to the MFA endpoint.
    let wrong = [("DINTERO_CLIENT_ID", "cli-client"), ("DINTERO_CLIENT_SECRET", "SECRET-WRONG")];
    let output = cli_with_env(&args, &wrong);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("invalid_client") && stderr.contains("HTTP 401"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(!format!("{stdout}{stderr}").contains("SECRET-"), "the secret echoed:\n{stdout}{stderr}");
    assert_eq!(server.endpoint_count(Endpoint::Token), 3);
    assert_eq!(server.endpoint_count(Endpoint::Challenge), 1, "the refused command sent no challenge");

    // The flags work as the variables do.
    let flags = [&args[..], &["--client-id", "cli-client", "--client-secret", CLIENT_SECRET]].concat();
    let output = cli(&flags);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success() && stdout.contains("binding code sent by sms"), "{stdout}{stderr}");
    assert_eq!(server.endpoint_count(Endpoint::Token), 4);
    assert_eq!(server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len(), 2);
}

#[test]
fn credentials_that_do_not_make_a_pair_are_usage_errors() {
    let server = accepting_server();
    let base = server.base_url();
    let args = ["challenge", "--base-url", &base, "--aid", "T1", "--mfa-token", "m"];
    let cases: [(&str, &[(&str, &str)]); 3] = [
        (
            "a JWT and client credentials",
            &[
                ("DINTERO_JWT", "SECRET-JWT"),
                ("DINTERO_CLIENT_ID", "c"),
                ("DINTERO_CLIENT_SECRET", CLIENT_SECRET),
            ],
        ),
        ("an id without a secret", &[("DINTERO_CLIENT_ID", "c")]),
        ("a secret without an id", &[("DINTERO_CLIENT_SECRET", CLIENT_SECRET)]),
    ];
    for (case, env) in cases {
        let output = cli_with_env(&args, env);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{case}:\n{stdout}{stderr}");
        assert!(stderr.contains("--client-"), "{case}: {stderr}");
        assert!(!format!("{stdout}{stderr}").contains("SECRET-"), "{case}: a secret echoed");
    }
    // A client id HTTP Basic cannot carry: refused before anything is sent.
    let output =
        cli_with_env(&args, &[("DINTERO_CLIENT_ID", "a:b"), ("DINTERO_CLIENT_SECRET", CLIENT_SECRET)]);
    assert_eq!(output.status.code(), Some(2), "{:?}", text(&output));
    assert_eq!(server.connections(), 0, "a refused command reached the server");
}

#[test]
fn usage_errors_exit_2_and_help_explains_options() {
    let output = cli(&["challenge", "--aid"]);
    assert_eq!(output.status.code(), Some(2));
    let output = cli(&["challenge", "--help"]);
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    for option in [
        "--base-url",
        "--jwt",
        "--aid",
        "--channel",
        "--mfa-token",
        "--timeout-secs",
        "--allow-insecure-http",
        "DINTERO_JWT",
        "--client-id",
        "--client-secret",
        "DINTERO_CLIENT_ID",
        "DINTERO_CLIENT_SECRET",
    ] {
        assert!(stdout.contains(option), "help lacks {option}:\n{stdout}");
    }
    // Values from the environment are not shown in the help.
    let env = [
        ("DINTERO_JWT", "SECRET-JWT"),
        ("DINTERO_CLIENT_ID", "SECRET-ID"),
        ("DINTERO_CLIENT_SECRET", CLIENT_SECRET),
    ];
    let output = cli_with_env(&["challenge", "--help"], &env);
    let (stdout, _) = text(&output);
    assert!(output.status.success() && stdout.contains("DINTERO_CLIENT_SECRET"), "{stdout}");
    assert!(!stdout.contains("SECRET-"), "an environment value shown in --help:\n{stdout}");
}

/// Server text that would drive a terminal: clear screen, set the window title, ring the bell,
/// start a fake line, and reorder the rest with C1, line-separator and bidi characters.
const HOSTILE: &str =
    "bad\u{1b}[2J\u{1b}]0;owned\u{7}\r\nerror: fake line\u{85}next\u{2028}sep\u{202e}desrever";

/// The raw characters of [`HOSTILE`] that must never reach the terminal (besides the one
/// line feed that ends each line the CLI prints).
const RAW_CONTROLS: [char; 6] = ['\u{1b}', '\u{7}', '\r', '\u{85}', '\u{2028}', '\u{202e}'];

/// Asserts that `printed` is exactly one line holding none of [`RAW_CONTROLS`].
fn assert_one_clean_line(printed: &str, what: &str) {
    for raw in RAW_CONTROLS {
        assert!(!printed.contains(raw), "{what}: raw {raw:?} printed: {printed:?}");
    }
    let line = printed.strip_suffix('\n').unwrap_or_else(|| panic!("{what}: no line: {printed:?}"));
    assert!(!line.contains('\n'), "{what}: server text started a new line: {printed:?}");
}

#[test]
fn server_text_is_escaped_never_sent_raw_to_the_terminal() {
    let error_body = json!({ "error": { "code": HOSTILE, "message": HOSTILE } }).to_string();
    let server = CannedServer::start("400 Bad Request", &error_body);
    let base = server.base_url();
    let args = ["challenge", "--base-url", &base, "--aid", "T1", "--mfa-token", "m"];

    let output = cli(&args);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert_one_clean_line(&stderr, "error text");
    assert!(stderr.contains("HTTP 400") && stderr.contains("bad\\u{1b}[2J"), "{stderr}");

    let output = cli(&[&args[..], &["--json"]].concat());
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stderr, "");
    assert_one_clean_line(&stdout, "error JSON");
    let error: Value = serde_json::from_str(&stdout).expect("one JSON object");
    // The server's text is in the message (the Dintero code and message) and escaped there.
    let shown = error.to_string();
    assert!(shown.contains("bad\\\\u{1b}[2J"), "{shown}");

    let answer = json!({ "binding_method": HOSTILE, "oob_code": HOSTILE }).to_string();
    let server = CannedServer::start("200 OK", &answer);
    let base = server.base_url();
    let args = ["challenge", "--base-url", &base, "--aid", "T1", "--mfa-token", "m", "--show-secrets"];
    for json_mode in [false, true] {
        let args = if json_mode { [&args[..], &["--json"]].concat() } else { args.to_vec() };
        let output = cli(&args);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stdout}{stderr}");
        for (number, line) in stdout.split_inclusive('\n').enumerate() {
            assert_one_clean_line(line, &format!("answer line {number}, --json {json_mode}"));
        }
        let shown = if json_mode {
            let step: Value = serde_json::from_str(&stdout).expect("one JSON object");
            step["fields"]["binding_method"].as_str().expect("binding_method").to_owned()
        } else {
            stdout
        };
        assert!(shown.contains("bad\\u{1b}[2J"), "{shown}");
    }
}

/// A server that would accept any call, to prove that refused commands send nothing.
fn accepting_server() -> CannedServer {
    CannedServer::start("200 OK", r#"{"binding_method":"prompt","oob_code":"c"}"#)
}

#[test]
fn input_the_library_refuses_is_a_usage_error_and_sends_nothing() {
    let server = accepting_server();
    let base = server.base_url();
    let port = server.port();
    let ftp = format!("ftp://127.0.0.1:{port}/v1");
    let no_scheme = format!("127.0.0.1:{port}/v1");
    let refused: [(&str, &str, &str, &str); 5] = [
        ("--base-url ftp://", &ftp, "T1", "m"),
        ("--base-url without a scheme", &no_scheme, "T1", "m"),
        ("--aid ..", &base, "..", "m"),
        ("CR LF in --mfa-token", &base, "T1", "m\r\nX-Injected: 1"),
        ("CR LF in --jwt", &base, "T1", "m"),
    ];
    for (case, base_url, aid, mfa_token) in refused {
        let mut args = vec!["challenge", "--base-url", base_url, "--aid", aid, "--mfa-token", mfa_token];
        if case.contains("--jwt") {
            args.extend(["--jwt", "jwt\r\nX-Injected: 1"]);
        }
        let output = cli(&args);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{case}:\n{stdout}{stderr}");
        assert!(stderr.starts_with("error: "), "{case}: {stderr}");
    }
    assert_eq!(server.connections(), 0, "a refused command reached the server");
}

#[test]
fn plain_http_to_a_remote_host_names_the_flag_and_sends_nothing() {
    let server = accepting_server();
    // 0.0.0.0 is not a loopback address, yet connecting to it reaches this machine: were the
    // call not refused, the canned server would count it (the last step shows it does).
    let remote = format!("http://0.0.0.0:{}/v1", server.port());
    let args = ["challenge", "--base-url", &remote, "--aid", "T1", "--mfa-token", "m"];

    let output = cli(&args);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("--allow-insecure-http"), "{stderr}");
    assert!(!stderr.contains("allow_insecure_http("), "a library method named to a CLI user: {stderr}");
    assert_eq!(server.connections(), 0, "the refused call reached the server");

    let output = cli(&[&args[..], &["--allow-insecure-http"]].concat());
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "the flag is not honoured: {stdout}{stderr}");
    assert_eq!(server.connections(), 1, "the allowed call went elsewhere");
}

#[test]
fn user_input_echoed_in_usage_errors_is_escaped() {
    let output = cli(&["challenge", "--aid", "T1", "--mfa-token", "m", "--timeout-secs", HOSTILE]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    for raw in RAW_CONTROLS {
        assert!(!stderr.contains(raw), "raw {raw:?} echoed: {stderr:?}");
    }
    assert!(stderr.contains("bad\\u{1b}[2J") && stderr.contains("--timeout-secs"), "{stderr}");
}

#[test]
fn a_reader_that_goes_away_early_is_no_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    // `dintero-mfa | head -1`: the demo keeps printing after its reader has closed the pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dintero-mfa"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .spawn()
        .expect("the CLI starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("one line");
    let output = child.wait_with_output().expect("the CLI ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(output.status.code(), Some(101), "{stderr}");
}
