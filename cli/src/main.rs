//! `dintero-mfa`: the MFA demo against a built-in fake Dintero server (no arguments), a small
//! client for real deployments (`challenge`, `recovery`, `token`), and the fake server on its
//! own (`serve`).

mod demo;
mod output;
mod remote;

use std::fmt;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::output::Reporter;

/// Why the CLI failed; printed with its cause chain.
#[derive(Debug)]
pub enum CliError {
    /// The fake server or the runtime could not start.
    Setup(String),
    /// A flow ended somewhere the demo does not expect.
    Flow(String),
    /// Bad command-line input.
    Usage(String),
    /// The library refused the command-line input before sending anything (an unusable base
    /// URL, `..` as account id, a line break in a token): a usage error like [`CliError::Usage`].
    Refused(dintero_auth::Error),
    /// A call failed.
    Call(dintero_auth::Error),
    /// A flow step failed.
    Step(dintero_auth::flows::FlowError),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Setup(text) => write!(f, "could not start: {text}"),
            Self::Flow(text) => write!(f, "unexpected flow outcome: {text}"),
            Self::Usage(text) => f.write_str(text),
            Self::Refused(_) => f.write_str("bad arguments"),
            // The server's own code and message say most; `output` escapes and bounds them.
            Self::Call(error) => match error.api_error() {
                Some(detail) => {
                    write!(
                        f,
                        "the call failed: {}: {}",
                        detail.code.as_deref().unwrap_or("-"),
                        detail.message
                    )
                }
                None => f.write_str("the call failed"),
            },
            Self::Step(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Call(error) | Self::Refused(error) => Some(error),
            Self::Step(error) => error.error().map(|e| e as _),
            _ => None,
        }
    }
}

impl CliError {
    /// The process exit code: 2 for bad usage, as clap uses for its own usage errors, so a
    /// script can tell a mistake in its command line from a call that failed (1).
    fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) | Self::Refused(_) => 2,
            _ => 1,
        }
    }
}

impl From<dintero_auth::Error> for CliError {
    fn from(error: dintero_auth::Error) -> Self {
        Self::Call(error)
    }
}

impl From<dintero_auth::flows::FlowError> for CliError {
    fn from(error: dintero_auth::flows::FlowError) -> Self {
        Self::Step(error)
    }
}

fn command() -> Command {
    let remote = |name: &'static str, about: &'static str| {
        Command::new(name)
            .about(about)
            .arg(
                Arg::new("base-url")
                    .long("base-url")
                    .env("DINTERO_BASE_URL")
                    .default_value(dintero_auth::DEFAULT_BASE_URL)
                    .help("Base URL of the Dintero API"),
            )
            .arg(
                Arg::new("jwt")
                    .long("jwt")
                    .env("DINTERO_JWT")
                    .hide_env_values(true)
                    .help("Bearer JWT (prefer the DINTERO_JWT environment variable: flags show up in `ps`). Never echoed"),
            )
            .arg(
                Arg::new("client-id")
                    .long("client-id")
                    .env("DINTERO_CLIENT_ID")
                    .hide_env_values(true)
                    .help(
                        "API client id: instead of --jwt, get the JWT with the client_credentials grant \
                         (with --client-secret); it is cached and refreshed before it expires",
                    ),
            )
            .arg(
                Arg::new("client-secret")
                    .long("client-secret")
                    .env("DINTERO_CLIENT_SECRET")
                    .hide_env_values(true)
                    .help(
                        "API client secret for --client-id (prefer the DINTERO_CLIENT_SECRET environment \
                         variable: flags show up in `ps`). Never echoed",
                    ),
            )
            .arg(Arg::new("aid").long("aid").required(true).help("Account id, e.g. P00000000 or T00000000"))
            .arg(
                Arg::new("timeout-secs")
                    .long("timeout-secs")
                    .value_parser(clap::value_parser!(u64).range(1..=600))
                    .default_value("30")
                    .help("Overall timeout of the call, in seconds"),
            )
            .arg(
                Arg::new("allow-insecure-http")
                    .long("allow-insecure-http")
                    .action(ArgAction::SetTrue)
                    .help(
                        "Allow a plain http:// --base-url to a host that is not loopback \
                         (the JWT or client secret and every request then travel unencrypted)",
                    ),
            )
    };
    let channel = || {
        Arg::new("channel")
            .long("channel")
            .value_parser(["sms", "email"])
            .default_value("sms")
            .help("Where the binding code goes")
    };
    let secret = |name: &'static str, env: &'static str, help: &'static str| {
        Arg::new(name).long(name).env(env).hide_env_values(true).required(true).help(help)
    };
    Command::new("dintero-mfa")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Dintero Auth MFA: a demo against a built-in fake server, and a client for real deployments")
        .long_about(
            "With no subcommand (or `demo`), starts a fake Dintero Auth server on 127.0.0.1 and walks \
             through login with MFA and recovery, printing each call, its HTTP status, what came back \
             (secrets masked) and how long it took. The MFA calls carry a JWT got with the \
             client_credentials grant, as a back end gets it.",
        )
        .arg(
            Arg::new("json")
                .long("json")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print one JSON object per line"),
        )
        .arg(
            Arg::new("show-secrets")
                .long("show-secrets")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print tokens and codes instead of masking them (needed to chain real calls)"),
        )
        .subcommand(
            Command::new("demo").about("Run both MFA flows against the built-in fake server (the default)"),
        )
        .subcommand(
            Command::new("serve").about("Run the fake Dintero Auth server until interrupted").arg(
                Arg::new("addr").long("addr").default_value("127.0.0.1:8080").help("Address to listen on"),
            ),
        )
        .subcommand(
            remote("challenge", "POST /accounts/{aid}/auth/mfa/challenge: send a binding code")
                .arg(channel())
                .arg(secret("mfa-token", "DINTERO_MFA_TOKEN", "The mfa_token of an mfa_required answer")),
        )
        .subcommand(
            remote("recovery", "POST /accounts/{aid}/auth/mfa/recovery: first factor of a recovery")
                .arg(channel())
                .arg(Arg::new("username").long("username").required(true).help("The end user's identifier"))
                .arg(
                    Arg::new("audience")
                        .long("audience")
                        .required(true)
                        .help("The target API, a grant of the client"),
                ),
        )
        .subcommand(
            remote("token", "POST /accounts/{aid}/auth/token: password or mfa_oob grant")
                .subcommand_required(true)
                .subcommand(
                    Command::new("password")
                        .about("Password grant (answers 403 mfa_required for users with MFA)")
                        .arg(
                            Arg::new("username")
                                .long("username")
                                .required(true)
                                .help("The end user's identifier"),
                        )
                        .arg(Arg::new("audience").long("audience").required(true).help("The target API"))
                        .arg(secret("password", "DINTERO_PASSWORD", "The end user's password")),
                )
                .subcommand(
                    Command::new("mfa-oob")
                        .about("mfa_oob grant: answer a challenge with the binding code")
                        .arg(secret("oob-code", "DINTERO_OOB_CODE", "oob_code of the challenge answer"))
                        .arg(secret("binding-code", "DINTERO_BINDING_CODE", "The code the user received"))
                        .arg(secret("mfa-token", "DINTERO_MFA_TOKEN", "The mfa_token the challenge was for")),
                ),
        )
}

async fn run(matches: &ArgMatches, out: &mut Reporter) -> Result<(), CliError> {
    match matches.subcommand() {
        None | Some(("demo", _)) => demo::run(out).await,
        Some(("serve", sub)) => remote::serve(sub, out).await,
        Some((name, sub)) => remote::run(name, sub, out).await,
    }
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // Printed by the CLI rather than clap: a usage error echoes what was typed.
            output::command_line_message(&error);
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let mut out = Reporter::new(matches.get_flag("json"), matches.get_flag("show-secrets"));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            out.failure(&error);
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&matches, &mut out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            out.failure(&error);
            ExitCode::from(error.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_definition_is_consistent() {
        super::command().debug_assert();
    }
}
