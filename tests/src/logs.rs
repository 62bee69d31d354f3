//! Captures everything logged through `tracing` (this project) and `log` (reqwest, rustls) at
//! the most verbose level, so tests can check what would reach a log file.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

static CAPTURED: Mutex<String> = Mutex::new(String::new());
static INSTALLED: OnceLock<()> = OnceLock::new();

/// Installs the process-wide capture (once) at TRACE level for both `tracing` and `log`.
pub fn capture() {
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(Capture::default()).expect("no other tracing subscriber");
        log::set_logger(&LogCapture).expect("no other logger");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// Everything captured so far.
pub fn captured() -> String {
    CAPTURED.lock().expect("log capture").clone()
}

fn append(text: &str) {
    let mut log = CAPTURED.lock().expect("log capture");
    log.push_str(text);
    log.push('\n');
}

#[derive(Default)]
struct Capture {
    next_id: AtomicU64,
}

/// Writes every field as `name=value`, the way a formatting subscriber would.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = Line(format!("span {}", span.metadata().name()));
        span.record(&mut line);
        append(&line.0);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line("record".to_owned());
        values.record(&mut line);
        append(&line.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("{} {}", event.metadata().level(), event.metadata().target()));
        event.record(&mut line);
        append(&line.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

struct LogCapture;

impl log::Log for LogCapture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        append(&format!("{} {} {}", record.level(), record.target(), record.args()));
    }

    fn flush(&self) {}
}
