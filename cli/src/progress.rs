//! The one-line progress meter of long commands (stderr, terminals only).

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use mb_uploader::dto;
use mb_uploader::upload::ProgressSink;

/// A one-line progress meter on stderr when it is a terminal (never in JSON mode).
pub fn progress_sink(json: bool) -> ProgressSink {
    if json || !std::io::stderr().is_terminal() {
        return mb_uploader::no_progress_sink();
    }
    Arc::new(|p: dto::Progress| {
        let pct = p.total.filter(|t| *t > 0).map(|t| p.done * 100 / t);
        let stage = match p.stage {
            dto::Stage::Reading => "чтение",
            dto::Stage::Validating => "проверка",
            dto::Stage::Writing => "подготовка",
            dto::Stage::Uploading => "отправка",
            dto::Stage::Waiting => "ожидание",
            dto::Stage::Downloading => "загрузка обновления",
            dto::Stage::Installing => "установка обновления",
            dto::Stage::Done => "готово",
        };
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
