//! Logging for both front ends: `tracing` into a daily-rotating file in the data folder, every
//! line passed through [`redact`] so e-mails, phones and OAuth tokens never reach the disk.
//!
//! Owns the subscriber set-up and the redaction rules. Does not decide what is logged.

use std::io::{self, Write};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{EnvFilter, prelude::*};

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    // Yandex tokens (`y0_…`, `y1_…`), refresh tokens (`1:abc:def`), and whatever follows an
    // `OAuth`/`Bearer` scheme or a `*token=` parameter.
    Regex::new(
        r#"(?i)\by[0-9]_[A-Za-z0-9_\-]{8,}|\b(OAuth|Bearer)\s+[A-Za-z0-9_\-.:]{8,}|\b((?:access|refresh)_token|code_verifier|client_secret)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+"#,
    )
    .expect("token regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b([A-Z0-9._%+\-])[A-Z0-9._%+\-]*@([A-Z0-9\-]+(?:\.[A-Z0-9\-]+)*\.[A-Z]{2,})\b",
    )
    .expect("email regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // 10–12 digits, optionally written with +, spaces, brackets and dashes; not part of a longer
    // digit run (19-digit ClientIDs and Unix times stay readable).
    Regex::new(r"(^|[^\d])(\+?\d[\d\s()\-]{8,16}\d)($|[^\d])").expect("phone regex")
});

/// Masks secrets and personal data in one log line.
pub fn redact(line: &str) -> String {
    let s = TOKEN.replace_all(line, |c: &regex::Captures<'_>| {
        if let Some(name) = c.get(3) {
            format!(
                "{}{}***",
                name.as_str(),
                c.get(4).map_or("", |m| m.as_str())
            )
        } else if let Some(scheme) = c.get(2) {
            format!("{} ***", scheme.as_str())
        } else {
            "y*_***".to_string()
        }
    });
    let s = EMAIL.replace_all(&s, "$1***@$2");
    PHONE
        .replace_all(&s, |c: &regex::Captures<'_>| {
            let raw = &c[2];
            let digits = raw.chars().filter(char::is_ascii_digit).count();
            let plain = raw.chars().all(|ch| ch.is_ascii_digit());
            // A bare run of digits is a phone only as a Russian 11-digit 7…/8… number; a bare
            // 10-digit run is far more often a Unix time.
            let phone = if plain {
                digits == 11 && (raw.starts_with('7') || raw.starts_with('8'))
            } else {
                (10..=12).contains(&digits)
            };
            if phone {
                let tail: String = raw
                    .chars()
                    .rev()
                    .filter(char::is_ascii_digit)
                    .take(2)
                    .collect();
                let tail: String = tail.chars().rev().collect();
                format!("{}***{}{}", &c[1], tail, &c[3])
            } else {
                c[0].to_string()
            }
        })
        .into_owned()
}

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
            .with_target(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::from_level(level))
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    LogGuard { _file: guard }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_yandex_tokens_and_auth_headers() {
        let line = "sent Authorization: OAuth y0_AgAAAAB1234567890abcdefXYZ to api";
        let out = redact(line);
        assert!(!out.contains("AgAAAAB1234567890"), "{out}");
        let out =
            redact(r#"{"access_token":"y0_secretsecretsecret","refresh_token":"1:ab:cdefgh"}"#);
        assert!(
            !out.contains("secretsecret") && !out.contains("cdefgh"),
            "{out}"
        );
    }

    #[test]
    fn masks_emails_keeping_first_letter_and_domain() {
        assert_eq!(
            redact("user Sergey.Ivanov@Example.RU failed"),
            "user S***@Example.RU failed"
        );
    }

    #[test]
    fn masks_phones_in_russian_notations() {
        for p in [
            "+7 (916) 123-45-67",
            "89031112233",
            "79995551111",
            "8 903 111-22-33",
        ] {
            let out = redact(&format!("phone {p} bad"));
            assert!(!out.contains("111") || !out.contains("903"), "{p} -> {out}");
            assert!(out.starts_with("phone ") && out.ends_with(" bad"), "{out}");
        }
    }

    #[test]
    fn keeps_client_ids_and_unix_times_readable() {
        let line = "row 3 ClientId 1762345098123456789 DateTime 1794228120 counter 44000001";
        assert_eq!(redact(line), line);
    }
}
