//! `dintero-mfa demo`: starts the fake Dintero server in-process, gets the back end's JWT with
//! the client credentials grant, and walks through login with MFA and recovery with the
//! library's flow API, printing every step.

use std::sync::Arc;
use std::time::Instant;

use dintero_auth::flows::{CodeSent, FlowError, MfaFlow, MfaRequired, Step as FlowOutcome};
use dintero_auth::models::{AccessToken, OobChannel};
use dintero_auth::{ClientCredentials, Secret, TokenProvider};
use dintero_auth_fake::{
    Channel, Config, FakeDintero, FakeServer, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MFA_PASSWORD,
    MFA_USERNAME, TEST_ACCOUNT,
};
use serde_json::json;

use crate::output::{Reporter, Step};
use crate::CliError;

pub async fn run(out: &mut Reporter) -> Result<(), CliError> {
    let started = Instant::now();
    // Only tokens the fake issued pass its MFA endpoints: the demo shows the provider's work.
    let config =
        Config::builder().accept_issued_tokens_only().build().map_err(|e| CliError::Setup(e.to_string()))?;
    let server = FakeDintero::start(config).await.map_err(|e| CliError::Setup(e.to_string()))?;
    out.note(&format!("fake Dintero Auth server listening on {}", server.base_url()));
    let credentials = client_credentials(out, &server).await?;
    let client = dintero_auth::builder()
        .base_url(server.base_url())
        .token_provider(credentials)
        .build()
        .map_err(dintero_auth::Error::from)?;
    let audience = format!("https://api.dintero.com/v1/accounts/{TEST_ACCOUNT}");
    let demo = Demo { server: &server, flow: MfaFlow::new(&client, TEST_ACCOUNT), audience };

    let login_token = demo.login(out).await?;
    let recovery_token = demo.recovery(out).await?;

    let sms = server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Sms).len();
    let email = server.outbox(TEST_ACCOUNT, MFA_USERNAME, Channel::Email).len();
    out.summary(vec![
        ("result", json!("both flows completed")),
        ("requests", json!(server.request_count())),
        ("sms sent", json!(sms)),
        ("e-mails sent", json!(email)),
        ("login access token", out.secret(&login_token.access_token)),
        ("recovery access token", out.secret(&recovery_token.access_token)),
        ("total ms", json!(started.elapsed().as_millis() as u64)),
    ]);
    server.shutdown().await;
    Ok(())
}

/// The back end's JWT: the client credentials grant, through the provider every later call
/// asks (it answers from its cache until shortly before the token expires).
async fn client_credentials(
    out: &mut Reporter,
    server: &FakeServer,
) -> Result<Arc<ClientCredentials>, CliError> {
    let started = Instant::now();
    let credentials =
        ClientCredentials::new(server.base_url(), TEST_ACCOUNT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)?;
    let credentials = Arc::new(credentials);
    let token = credentials.token().await.map_err(dintero_auth::Error::from)?;
    out.step(Step {
        flow: "client",
        call: format!("POST /accounts/{TEST_ACCOUNT}/auth/token (client_credentials)"),
        status: server.requests().last().and_then(|record| record.status),
        outcome: "access token issued; cached for the calls below".into(),
        fields: vec![
            ("client_id", json!(DEFAULT_CLIENT_ID)),
            ("client_secret", out.secret(&Secret::new(DEFAULT_CLIENT_SECRET))),
            ("access_token", out.secret(&token)),
        ],
        elapsed: started.elapsed(),
    });
    Ok(credentials)
}

struct Demo<'a> {
    server: &'a FakeServer,
    flow: MfaFlow,
    audience: String,
}

impl Demo<'_> {
    /// Login: password → 403 mfa_required → SMS challenge → binding code → access token.
    async fn login(&self, out: &mut Reporter) -> Result<AccessToken, CliError> {
        let flow = "login";
        let started = Instant::now();
        let outcome = self.flow.login(MFA_USERNAME, MFA_PASSWORD, &self.audience).await;
        let mfa = self.expect_mfa(out, flow, "password grant", started, outcome)?;
        let sent = self.challenge(out, flow, mfa, OobChannel::Sms).await?;
        let token = self.verify(out, flow, sent).await?;
        self.expect_token(token)
    }

    /// Recovery: e-mail recovery → binding code → 403 mfa_required → SMS challenge → token.
    async fn recovery(&self, out: &mut Reporter) -> Result<AccessToken, CliError> {
        let flow = "recovery";
        let started = Instant::now();
        let sent = self.flow.start_recovery(MFA_USERNAME, &self.audience, OobChannel::Email).await?;
        out.step(Step {
            flow,
            call: format!("POST /accounts/{TEST_ACCOUNT}/auth/mfa/recovery (email)"),
            status: self.last_status(),
            outcome: "binding code sent by email".into(),
            fields: vec![("username", json!(MFA_USERNAME))],
            elapsed: started.elapsed(),
        });
        let second_factor = match self.verify(out, flow, sent).await? {
            FlowOutcome::MfaRequired(mfa) => mfa,
            FlowOutcome::Done(_) => return Err(CliError::Flow("recovery finished after one factor".into())),
        };
        let sent = self.challenge(out, flow, second_factor, OobChannel::Sms).await?;
        let token = self.verify(out, flow, sent).await?;
        self.expect_token(token)
    }

    fn expect_mfa(
        &self,
        out: &mut Reporter,
        flow: &str,
        grant: &str,
        started: Instant,
        outcome: Result<FlowOutcome, FlowError>,
    ) -> Result<MfaRequired, CliError> {
        match outcome? {
            FlowOutcome::MfaRequired(mfa) => {
                out.step(Step {
                    flow,
                    call: format!("POST /accounts/{TEST_ACCOUNT}/auth/token ({grant})"),
                    status: self.last_status(),
                    outcome: "mfa_required".into(),
                    fields: vec![("mfa_token", out.secret(mfa.mfa_token()))],
                    elapsed: started.elapsed(),
                });
                Ok(mfa)
            }
            FlowOutcome::Done(_) => Err(CliError::Flow("the demo user logged in without MFA".into())),
        }
    }

    async fn challenge(
        &self,
        out: &mut Reporter,
        flow: &str,
        mfa: MfaRequired,
        channel: OobChannel,
    ) -> Result<CodeSent, CliError> {
        let started = Instant::now();
        let sent = mfa.challenge(channel).await?;
        out.step(Step {
            flow,
            call: format!("POST /accounts/{TEST_ACCOUNT}/auth/mfa/challenge ({channel})"),
            status: self.last_status(),
            outcome: format!("binding code sent by {channel}"),
            fields: vec![],
            elapsed: started.elapsed(),
        });
        Ok(sent)
    }

    /// Reads the code from the fake's outbox, as the user would read their phone, and answers.
    async fn verify(&self, out: &mut Reporter, flow: &str, sent: CodeSent) -> Result<FlowOutcome, CliError> {
        let channel = match sent.channel() {
            OobChannel::Sms => Channel::Sms,
            OobChannel::Email => Channel::Email,
        };
        let code = self
            .server
            .last_binding_code(TEST_ACCOUNT, MFA_USERNAME, channel)
            .ok_or_else(|| CliError::Flow(format!("no binding code arrived by {}", sent.channel())))?;
        let code = dintero_auth::Secret::new(code);
        out.note(&format!(
            "      user reads the {} and types the binding code: {}",
            sent.channel(),
            out.secret_text(&code)
        ));
        let started = Instant::now();
        let outcome = sent.verify(code).await?;
        let (text, fields) = match &outcome {
            FlowOutcome::Done(token) => (
                "access token issued".to_owned(),
                vec![
                    ("access_token", out.secret(&token.access_token)),
                    ("token_type", json!(token.token_type)),
                    ("expires_in", json!(token.expires_in)),
                ],
            ),
            FlowOutcome::MfaRequired(mfa) => (
                "mfa_required: first factor passed, challenge the other channel".to_owned(),
                vec![("mfa_token", out.secret(mfa.mfa_token()))],
            ),
        };
        out.step(Step {
            flow,
            call: format!("POST /accounts/{TEST_ACCOUNT}/auth/token (mfa_oob)"),
            status: self.last_status(),
            outcome: text,
            fields,
            elapsed: started.elapsed(),
        });
        Ok(outcome)
    }

    fn expect_token(&self, outcome: FlowOutcome) -> Result<AccessToken, CliError> {
        outcome.into_token().map_err(CliError::from)
    }

    fn last_status(&self) -> Option<u16> {
        self.server.requests().last().and_then(|record| record.status)
    }
}
