//! The subcommands that call a real deployment (`challenge`, `recovery`, `token`) and `serve`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use dintero_auth::models::{AuthChallenge, AuthRecovery, OobChannel, TokenRequest};
use dintero_auth::{
    ApiResponse, ChallengeApi, Client, ClientBuilder, ClientCredentials, DinteroApis, Error, ErrorKind,
    TokenApi,
};
use serde_json::{json, Value};

use crate::output::{Reporter, Step};
use crate::CliError;

fn arg<'a>(matches: &'a ArgMatches, name: &str) -> Result<&'a str, CliError> {
    matches
        .get_one::<String>(name)
        .map(String::as_str)
        .ok_or_else(|| CliError::Usage(format!("--{name} is required")))
}

fn channel(matches: &ArgMatches) -> OobChannel {
    match matches.get_one::<String>("channel").map(String::as_str) {
        Some("email") => OobChannel::Email,
        _ => OobChannel::Sms,
    }
}

/// The usage error for plain http to a remote host: it names the flag, where the library
/// names its builder method.
const PLAIN_HTTP_REFUSED: &str = "--base-url is plain http:// to a host that is not loopback, so the \
     credentials and every request would travel unencrypted: use https://, or pass --allow-insecure-http";

/// How the calls authenticate: a fixed JWT, client credentials, or nothing.
enum Credentials<'a> {
    None,
    Jwt(&'a str),
    Client { id: &'a str, secret: &'a str },
}

/// The credentials given: `--jwt`, or `--client-id` with `--client-secret` (each also from the
/// environment). Both kinds at once, or half a pair, is a usage error: which one to send would
/// be a guess.
fn credentials(matches: &ArgMatches) -> Result<Credentials<'_>, CliError> {
    let get = |name: &str| matches.get_one::<String>(name).map(String::as_str);
    match (get("jwt"), get("client-id"), get("client-secret")) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(CliError::Usage(
            "give either --jwt (DINTERO_JWT) or --client-id and --client-secret (DINTERO_CLIENT_ID, \
             DINTERO_CLIENT_SECRET), not both"
                .into(),
        )),
        (Some(jwt), None, None) => Ok(Credentials::Jwt(jwt)),
        (None, Some(id), Some(secret)) => Ok(Credentials::Client { id, secret }),
        (None, Some(_), None) => {
            Err(CliError::Usage("--client-id needs --client-secret (or DINTERO_CLIENT_SECRET)".into()))
        }
        (None, None, Some(_)) => {
            Err(CliError::Usage("--client-secret needs --client-id (or DINTERO_CLIENT_ID)".into()))
        }
        (None, None, None) => Ok(Credentials::None),
    }
}

/// A failed call as the CLI reports it: input the library refused before sending anything is
/// a usage error; anything that failed once attempted is a failed call.
fn call_error(error: Error) -> CliError {
    match error.kind() {
        ErrorKind::Config | ErrorKind::InvalidInput => CliError::Refused(error),
        _ => CliError::Call(error),
    }
}

fn timeout(matches: &ArgMatches) -> Duration {
    Duration::from_secs(matches.get_one::<u64>("timeout-secs").copied().unwrap_or(30))
}

/// The client's settings, with a fixed JWT if one was given (a token provider is added by
/// [`client`] once these settings are known to be good).
fn builder(matches: &ArgMatches, allow_insecure_http: bool) -> Result<ClientBuilder, CliError> {
    let mut builder = dintero_auth::builder()
        .base_url(arg(matches, "base-url")?)
        .timeout(timeout(matches))
        .allow_insecure_http(allow_insecure_http);
    if let Credentials::Jwt(jwt) = credentials(matches)? {
        builder = builder.bearer_token(jwt);
    }
    Ok(builder)
}

fn client(matches: &ArgMatches) -> Result<Client, CliError> {
    let allowed = matches.get_flag("allow-insecure-http");
    let checked = checked_client(matches, allowed)?;
    let Credentials::Client { id, secret } = credentials(matches)? else { return Ok(checked) };
    // The same base URL, timeout and plain-http policy for the token requests.
    let provider = ClientCredentials::builder(arg(matches, "aid")?, id, secret)
        .base_url(arg(matches, "base-url")?)
        .timeout(timeout(matches))
        .allow_insecure_http(allowed)
        .build()
        .map_err(call_error)?;
    builder(matches, allowed)?.token_provider(provider).build().map_err(|e| call_error(e.into()))
}

/// The client for the command-line settings, or the usage error that explains why not.
fn checked_client(matches: &ArgMatches, allowed: bool) -> Result<Client, CliError> {
    match builder(matches, allowed)?.build() {
        Ok(client) => Ok(client),
        Err(error) if !allowed && error.kind() == ErrorKind::Config => {
            // The library's reason for refusing plain http names its builder method, not the
            // flag. Ask it whether the same settings pass with plain http allowed, rather than
            // copying its rules (or reading its message) here: if they do, plain http was the
            // only problem. If not, the other problem is real too (allowing more never adds a
            // problem), and it is reported.
            match builder(matches, true)?.build() {
                Ok(_) => Err(CliError::Usage(PLAIN_HTTP_REFUSED.into())),
                Err(other) => Err(call_error(other.into())),
            }
        }
        Err(error) => Err(call_error(error.into())),
    }
}

pub async fn run(name: &str, matches: &ArgMatches, out: &mut Reporter) -> Result<(), CliError> {
    let client = client(matches)?;
    let aid = arg(matches, "aid")?;
    let started = Instant::now();
    let (call, result) = match name {
        "challenge" => {
            let channel = channel(matches);
            let body = AuthChallenge::oob(channel, arg(matches, "mfa-token")?);
            let answer = client.challenge_api().aid_auth_mfa_challenge_post_with_http_info(aid, &body).await;
            let answer = answer.map(|r| {
                let fields = vec![
                    ("binding_method", json!(r.data.binding_method)),
                    ("oob_code", r.data.oob_code.as_ref().map_or(Value::Null, |c| out.secret(c))),
                ];
                (r.status.as_u16(), format!("binding code sent by {channel}"), fields)
            });
            (format!("POST /accounts/{aid}/auth/mfa/challenge ({channel})"), answer)
        }
        "recovery" => {
            let channel = channel(matches);
            let body = AuthRecovery::oob(channel, arg(matches, "username")?, arg(matches, "audience")?);
            let answer = client.challenge_api().aid_auth_mfa_recovery_post_with_http_info(aid, &body).await;
            let answer = answer.map(|r| {
                let fields = vec![
                    ("binding_method", json!(r.data.binding_method)),
                    ("oob_code", r.data.oob_code.as_ref().map_or(Value::Null, |c| out.secret(c))),
                    ("mfa_token", r.data.mfa_token.as_ref().map_or(Value::Null, |c| out.secret(c))),
                ];
                (r.status.as_u16(), format!("binding code sent by {channel}"), fields)
            });
            (format!("POST /accounts/{aid}/auth/mfa/recovery ({channel})"), answer)
        }
        "token" => token(&client, aid, matches, out).await?,
        other => return Err(CliError::Usage(format!("unknown subcommand `{other}`"))),
    };
    match result {
        Ok((status, outcome, fields)) => {
            out.step(Step {
                flow: name,
                call,
                status: Some(status),
                outcome,
                fields,
                elapsed: started.elapsed(),
            });
            Ok(())
        }
        Err(error) if error.is_mfa_required() => {
            // Not a failure of the CLI: the answer the caller needs for the next step.
            let fields = vec![("mfa_token", error.mfa_token().map_or(Value::Null, |t| out.secret(t)))];
            let status = error.status().map(|s| s.as_u16());
            let outcome = "mfa_required: challenge the user next".to_owned();
            out.step(Step { flow: name, call, status, outcome, fields, elapsed: started.elapsed() });
            Ok(())
        }
        Err(error) => Err(call_error(error)),
    }
}

type Answer = Result<(u16, String, Vec<(&'static str, Value)>), Error>;

async fn token(
    client: &Client,
    aid: &str,
    matches: &ArgMatches,
    out: &Reporter,
) -> Result<(String, Answer), CliError> {
    let (grant, request) = match matches.subcommand() {
        Some(("password", sub)) => (
            "password",
            TokenRequest::password(arg(sub, "username")?, arg(sub, "password")?, arg(sub, "audience")?),
        ),
        Some(("mfa-oob", sub)) => (
            "mfa_oob",
            TokenRequest::mfa_oob(arg(sub, "oob-code")?, arg(sub, "binding-code")?, arg(sub, "mfa-token")?),
        ),
        _ => return Err(CliError::Usage("token needs `password` or `mfa-oob`".into())),
    };
    let answer = client.token_api().aid_auth_token_post_with_http_info(aid, &request).await;
    let answer = answer.map(|r: ApiResponse<_>| {
        let fields = vec![
            ("access_token", out.secret(&r.data.access_token)),
            ("token_type", json!(r.data.token_type)),
            ("expires_in", json!(r.data.expires_in)),
        ];
        (r.status.as_u16(), "access token issued".to_owned(), fields)
    });
    Ok((format!("POST /accounts/{aid}/auth/token ({grant})"), answer))
}

pub async fn serve(matches: &ArgMatches, out: &mut Reporter) -> Result<(), CliError> {
    let addr: SocketAddr = arg(matches, "addr")?
        .parse()
        .map_err(|_| CliError::Usage("--addr must be an IP:port such as 127.0.0.1:8080".into()))?;
    out.note(&format!("fake Dintero Auth server on http://{addr}/v1 (Ctrl-C stops it)"));
    let config = dintero_auth_fake::Config::default();
    tokio::select! {
        result = dintero_auth_fake::serve(addr, config) => result.map_err(|e| CliError::Setup(e.to_string())),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
