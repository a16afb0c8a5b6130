//! Logging for both front ends: `tracing` into a daily-rotating file in the data folder, every
//! line passed through [`redact`] so e-mails, phones and OAuth tokens never reach the disk.
//!
//! Owns the subscriber set-up. The redaction rules are the product's one policy,
//! `mb_history::redact`, shared with the history's stored server messages.

use std::io::{self, Write};
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{EnvFilter, prelude::*};

pub use mb_history::redact;

/// A writer that redacts whatever passes through it.
pub struct Redacting<W>(pub W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[derive(Clone)]
struct RedactingMake<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMake<M> {
    type Writer = Redacting<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        Redacting(self.0.make_writer())
    }
}

/// Keeps the background log writer alive; drop it at exit to flush.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// Sets up logging into `<log_dir>/metrika-bridge.<date>.log` (7 files kept), plus stderr when
/// `stderr_level` is given (the CLI's `-v`). `RUST_LOG` overrides the file filter.
pub fn init(log_dir: &Path, stderr_level: Option<tracing::Level>) -> LogGuard {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,hyper=warn,reqwest=warn,tao=warn,wry=warn"));
    let appender = std::fs::create_dir_all(log_dir).ok().and_then(|_| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("metrika-bridge")
            .filename_suffix("log")
            .max_log_files(7)
            .build(log_dir)
            .ok()
    });
    let (file_layer, guard) = match appender {
        Some(a) => {
            let (nb, guard) = tracing_appender::non_blocking(a);
            let layer = tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(RedactingMake(nb))
                .with_filter(filter);
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let stderr_layer = stderr_level.map(|level| {
        tracing_subscriber::fmt::layer()
            .with_writer(RedactingMake(io::stderr))
            // Colours only for a terminal: a cron mail or a log file gets plain text.
            .with_ansi(std::io::IsTerminal::is_terminal(&io::stderr()))
            .with_target(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::from_level(level))
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    LogGuard { _file: guard }
}
