//! How the CLI prints: one line per step for people, or one JSON object per line with `--json`.
//! Secrets are masked unless the user asked for them with `--show-secrets`.

use std::time::Duration;

use dintero_auth::Secret;
use serde_json::{json, Map, Value};

/// One reported step.
pub struct Step<'a> {
    pub flow: &'a str,
    pub call: String,
    pub status: Option<u16>,
    pub outcome: String,
    pub fields: Vec<(&'static str, Value)>,
    pub elapsed: Duration,
}

pub struct Reporter {
    json: bool,
    show_secrets: bool,
    count: usize,
}

impl Reporter {
    pub fn new(json: bool, show_secrets: bool) -> Self {
        Self { json, show_secrets, count: 0 }
    }

    /// A secret as it may be shown: masked unless `--show-secrets` was given.
    pub fn secret(&self, secret: &Secret) -> Value {
        Value::from(self.secret_text(secret))
    }

    pub fn secret_text(&self, secret: &Secret) -> String {
        if self.show_secrets {
            secret.expose().to_owned()
        } else {
            format!("[redacted, {} chars]", secret.expose().chars().count())
        }
    }

    pub fn step(&mut self, step: Step<'_>) {
        self.count += 1;
        let ms = step.elapsed.as_secs_f64() * 1000.0;
        if self.json {
            let mut object = Map::new();
            object.insert("step".into(), json!(self.count));
            object.insert("flow".into(), json!(step.flow));
            object.insert("call".into(), json!(step.call));
            object.insert("status".into(), json!(step.status));
            object.insert("outcome".into(), json!(step.outcome));
            object.insert("elapsed_ms".into(), json!((ms * 10.0).round() / 10.0));
            let fields: Map<String, Value> =
                step.fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            object.insert("fields".into(), Value::Object(fields));
            println!("{}", Value::Object(object));
        } else {
            let status = step.status.map_or_else(|| "---".to_owned(), |s| s.to_string());
            println!(
                "[{}] {:<8} {:<58} {status}  {ms:>7.1} ms  {}",
                self.count, step.flow, step.call, step.outcome
            );
            for (name, value) in step.fields {
                let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                println!("      {name}: {value}");
            }
        }
    }

    pub fn note(&self, text: &str) {
        if self.json {
            println!("{}", json!({ "note": text }));
        } else {
            println!("{text}");
        }
    }

    pub fn summary(&self, fields: Vec<(&'static str, Value)>) {
        if self.json {
            let object: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            println!("{}", json!({ "summary": object }));
        } else {
            println!("\nSummary");
            for (name, value) in fields {
                let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                println!("  {name:<22} {value}");
            }
        }
    }

    /// An error with its whole cause chain, on stderr (or stdout as JSON with `--json`).
    pub fn failure(&self, error: &(dyn std::error::Error + 'static)) {
        let mut chain = vec![error.to_string()];
        let mut source = error.source();
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        if self.json {
            println!("{}", json!({ "error": chain[0], "causes": &chain[1..] }));
        } else {
            eprintln!("error: {}", chain.join(": "));
        }
    }
}
