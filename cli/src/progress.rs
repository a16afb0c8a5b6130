//! The one-line progress meter of long commands (stderr, terminals only).

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use mb_uploader::dto;
use mb_uploader::upload::ProgressSink;

use crate::args::Lang;

/// A one-line progress meter on stderr when it is a terminal (never in JSON mode), in the
/// catalogue's words for each stage (the app's progress says the same).
pub fn progress_sink(json: bool, lang: Lang) -> ProgressSink {
    if json || !std::io::stderr().is_terminal() {
        return mb_uploader::no_progress_sink();
    }
    let lang = crate::text::msg_lang(lang);
    Arc::new(move |p: dto::Progress| {
        let pct = p.total.filter(|t| *t > 0).map(|t| p.done * 100 / t);
        let name = serde_json::to_value(p.stage)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let stage = mb_text::format(lang, &format!("stages.{name}"), &[]);
        let mut e = std::io::stderr().lock();
        let _ = write!(
            e,
            "\r{stage}: {}      ",
            pct.map(|p| format!("{p} %")).unwrap_or_default()
        );
        let _ = e.flush();
    })
}

pub fn clear_progress(json: bool) {
    if !json && std::io::stderr().is_terminal() {
        eprint!("\r{:60}\r", "");
    }
}
