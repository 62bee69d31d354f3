//! How the CLI prints: one line per step for people, or one JSON object per line with `--json`.
//! Secrets are masked unless the user asked for them with `--show-secrets`.
//!
//! Everything printed passes through [`sanitize`] on its way out, here and nowhere else: error
//! messages, codes and answers come from a server, and account ids and echoed flags from the
//! user, and either may hold characters that drive the terminal (colours, titles, clearing the
//! screen) or make a line read as something it is not (a new line, right-to-left text).

use std::fmt::Write as _;
use std::time::Duration;

use dintero_auth::Secret;
use serde_json::{json, Map, Value};

/// The most characters printed for one line of text or one JSON string; more is cut off and
/// the cut is marked. Long enough for an access token shown with `--show-secrets` (servers
/// refuse headers much over 8 KiB, so a longer token could not be sent back anyway), short
/// enough that a server cannot flood the terminal.
const MAX_PRINTED_CHARS: usize = 8 * 1024;

/// Makes `text` safe to print: every character that would act on the terminal or reorder what
/// it shows is replaced by its visible escape (`\u{1b}`), and the result is cut to about
/// `max_chars` characters. The escaped characters are the C0 controls (ESC, BEL, CR, LF, tab,
/// ...), DEL, the C1 controls (U+0080 to U+009F, e.g. U+0085 NEXT LINE), the Unicode line and
/// paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
fn sanitize(text: &str, max_chars: usize) -> String {
    let mut clean = String::with_capacity(text.len().min(max_chars));
    let mut printed = 0;
    for (index, c) in text.char_indices() {
        let escaped = acts_on_terminal(c);
        let width = if escaped { c.escape_unicode().len() } else { 1 };
        if printed + width > max_chars {
            let left = text[index..].chars().count();
            let _ = write!(clean, "…[{left} more characters]");
            break;
        }
        if escaped {
            let _ = write!(clean, "{}", c.escape_unicode());
        } else {
            clean.push(c);
        }
        printed += width;
    }
    clean
}

/// True for the characters [`sanitize`] escapes.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
                | '\u{061c}' | '\u{200e}' | '\u{200f}' // bidi marks
                | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
                | '\u{2066}'..='\u{2069}' // bidi isolates
        )
}

/// [`sanitize`] for every string of a JSON value, keys included. serde_json escapes C0
/// controls itself but writes C1, separator and bidi characters raw, so it is not enough.
fn sanitize_json(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(sanitize(&text, MAX_PRINTED_CHARS)),
        Value::Array(items) => Value::Array(items.into_iter().map(sanitize_json).collect()),
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| (sanitize(&key, MAX_PRINTED_CHARS), sanitize_json(value)))
                .collect(),
        ),
        other => other,
    }
}

/// Prints one JSON object as one line on stdout.
fn print_json(value: Value) {
    out(&sanitize_json(value).to_string());
}

/// Prints one line of text on stdout.
fn print_line(line: &str) {
    out(&sanitize(line, MAX_PRINTED_CHARS));
}

/// Prints one line of text on stderr.
fn print_error_line(line: &str) {
    err(&sanitize(line, MAX_PRINTED_CHARS));
}

/// Writes a line to stdout. A reader that went away (`dintero-mfa | head`) is not an error worth
/// a panic: the line is dropped, as `println!` would not do.
fn out(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes a line to stderr, ignoring a closed stream like [`out`].
fn err(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A field value as people read it: strings without their JSON quotes.
fn value_text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// What clap has to say: help, the version, or a usage error, which may echo what the user
/// typed. Line breaks are clap's own layout, so each line is sanitized on its own.
pub fn command_line_message(error: &clap::Error) {
    let rendered = error.render().to_string();
    for line in rendered.trim_end_matches('\n').split('\n') {
        if error.use_stderr() {
            print_error_line(line);
        } else {
            print_line(line);
        }
    }
}

/// One reported step.
pub struct Step<'a> {
    /// The flow the step belongs to (`login`, `recovery`, or the subcommand).
    pub flow: &'a str,
    /// The HTTP call, e.g. `POST /accounts/T1/auth/token (password)`.
    pub call: String,
    /// The HTTP status of the answer, when there was one.
    pub status: Option<u16>,
    /// What the answer means, in a few words.
    pub outcome: String,
    /// What came back, secrets already masked.
    pub fields: Vec<(&'static str, Value)>,
    /// How long the step took.
    pub elapsed: Duration,
}

/// Prints steps, notes, the summary and failures, as text or JSON lines.
pub struct Reporter {
    json: bool,
    show_secrets: bool,
    count: usize,
}

impl Reporter {
    /// A reporter printing JSON lines when `json`, showing secrets when `show_secrets`.
    pub fn new(json: bool, show_secrets: bool) -> Self {
        Self { json, show_secrets, count: 0 }
    }

    /// A secret as it may be shown: masked unless `--show-secrets` was given.
    pub fn secret(&self, secret: &Secret) -> Value {
        Value::from(self.secret_text(secret))
    }

    /// [`Reporter::secret`] as text.
    pub fn secret_text(&self, secret: &Secret) -> String {
        if self.show_secrets {
            secret.expose().to_owned()
        } else {
            format!("[redacted, {} chars]", secret.expose().chars().count())
        }
    }

    /// Prints one step: a line (and one line per field), or one JSON object.
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
            print_json(Value::Object(object));
        } else {
            let status = step.status.map_or_else(|| "---".to_owned(), |s| s.to_string());
            print_line(&format!(
                "[{}] {:<8} {:<58} {status}  {ms:>7.1} ms  {}",
                self.count, step.flow, step.call, step.outcome
            ));
            for (name, value) in step.fields {
                print_line(&format!("      {name}: {}", value_text(&value)));
            }
        }
    }

    /// Prints a remark between steps.
    pub fn note(&self, text: &str) {
        if self.json {
            print_json(json!({ "note": text }));
        } else {
            print_line(text);
        }
    }

    /// Prints the closing summary.
    pub fn summary(&self, fields: Vec<(&'static str, Value)>) {
        if self.json {
            let object: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            print_json(json!({ "summary": object }));
        } else {
            print_line("");
            print_line("Summary");
            for (name, value) in fields {
                print_line(&format!("  {name:<22} {}", value_text(&value)));
            }
        }
    }

    /// An error with its whole cause chain, on stderr (or stdout as JSON with `--json`).
    pub fn failure(&self, error: &(dyn std::error::Error + 'static)) {
        let line = failure_line(error, self.json);
        if self.json {
            out(&line);
        } else {
            err(&line);
        }
    }
}

/// The line [`Reporter::failure`] prints, already sanitized: any message in the chain may
/// quote a server (an API error, a TLS or DNS failure).
fn failure_line(error: &(dyn std::error::Error + 'static), json: bool) -> String {
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    if json {
        sanitize_json(json!({ "error": chain[0], "causes": &chain[1..] })).to_string()
    } else {
        sanitize(&format!("error: {}", chain.join(": ")), MAX_PRINTED_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped_visibly() {
        let hostile = "a\u{1b}[31m\u{7}\r\n\t\u{7f}\u{85}\u{9b}\u{2028}\u{2029}\u{202e}\u{2066}\u{200f}z";
        assert_eq!(
            sanitize(hostile, 1000),
            r"a\u{1b}[31m\u{7}\u{d}\u{a}\u{9}\u{7f}\u{85}\u{9b}\u{2028}\u{2029}\u{202e}\u{2066}\u{200f}z"
        );
    }

    #[test]
    fn ordinary_text_is_kept() {
        let text = "HTTP 404 Not Found: not_found: kontoen «T1» finnes ikke — 账户 🙂";
        assert_eq!(sanitize(text, 1000), text);
    }

    #[test]
    fn long_text_is_cut_and_the_cut_marked() {
        assert_eq!(sanitize("abcdef", 4), "abcd…[2 more characters]");
        assert_eq!(sanitize("abcd", 4), "abcd");
        // An escape is counted at its printed width, and never split.
        assert_eq!(sanitize("ab\u{1b}c", 7), "ab…[2 more characters]");
    }

    #[test]
    fn json_strings_and_keys_are_sanitized_and_stay_valid_json() {
        let value = json!({ "k\u{85}": ["\u{1b}]0;t\u{7}", 1, null, { "n": "\u{2028}\u{202e}" }] });
        let line = sanitize_json(value).to_string();
        assert!(!line.chars().any(acts_on_terminal), "{line:?}");
        let back: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, json!({ r"k\u{85}": [r"\u{1b}]0;t\u{7}", 1, null, { "n": r"\u{2028}\u{202e}" }] }));
    }

    /// An error whose message and cause quote a hostile server.
    #[derive(Debug)]
    struct Quoting(&'static str, Option<Box<Quoting>>);

    impl std::fmt::Display for Quoting {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Quoting {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|cause| cause as _)
        }
    }

    #[test]
    fn failures_escape_every_message_of_the_chain() {
        let cause = Quoting("tls: \u{1b}]0;t\u{7}\r\nerror: fake", None);
        let error = Quoting("the call failed \u{85}\u{202e}", Some(Box::new(cause)));
        let text = failure_line(&error, false);
        assert_eq!(text, r"error: the call failed \u{85}\u{202e}: tls: \u{1b}]0;t\u{7}\u{d}\u{a}error: fake");
        let line = failure_line(&error, true);
        assert!(!line.chars().any(acts_on_terminal), "{line:?}");
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["causes"][0], r"tls: \u{1b}]0;t\u{7}\u{d}\u{a}error: fake");
    }
}
