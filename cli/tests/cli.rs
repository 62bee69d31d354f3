//! The CLI as a user runs it: exit codes and what it prints.

use std::process::{Command, Output};

use dintero_auth_fake::{Config, FakeDintero};
use serde_json::Value;

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dintero-mfa"))
        .args(args)
        .env_remove("DINTERO_JWT")
        .env_remove("DINTERO_BASE_URL")
        .output()
        .expect("the binary runs")
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
        stdout.contains("both flows completed") && stdout.contains("requests               7"),
        "{stdout}"
    );
    assert!(stdout.contains("[redacted, 6 chars]"), "binding codes are masked:\n{stdout}");
    assert!(!stdout.contains("demo-jwt"));
}

#[test]
fn demo_json_is_one_object_per_line() {
    let output = cli(&["demo", "--json"]);
    assert!(output.status.success());
    let (stdout, _) = text(&output);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let steps: Vec<&Value> = lines.iter().filter(|v| v.get("step").is_some()).collect();
    assert_eq!(steps.len(), 7);
    assert_eq!(steps[0]["status"], 403);
    assert_eq!(steps[6]["outcome"], "access token issued");
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

#[test]
fn usage_errors_exit_2_and_help_explains_options() {
    let output = cli(&["challenge", "--aid"]);
    assert_eq!(output.status.code(), Some(2));
    let output = cli(&["challenge", "--help"]);
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    for option in
        ["--base-url", "--jwt", "--aid", "--channel", "--mfa-token", "--timeout-secs", "DINTERO_JWT"]
    {
        assert!(stdout.contains(option), "help lacks {option}:\n{stdout}");
    }
}
