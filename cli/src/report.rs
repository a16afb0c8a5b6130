//! Human output: short, Russian by default, one idea per line. JSON output bypasses this.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use mb_uploader::dto::{self, Account, Counter, Goal, UploadDetail, UploadSummary};
use mb_uploader::upload::ProgressSink;
use mb_uploader::{Report, Severity};

use crate::args::Lang;
use crate::text::{self, t};

const SHOWN_ISSUES: usize = 30;

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "notice",
    }
}

pub fn validation(file: &Path, r: &Report, lang: Lang) {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let delim = match r.delimiter {
        Some('\t') => "tab".to_string(),
        Some(c) => format!("«{c}»"),
        None => "—".into(),
    };
    println!(
        "{name}: {} {}, {} {delim}, {} {}",
        t(lang, "кодировка", "encoding"),
        r.encoding,
        t(lang, "разделитель", "delimiter"),
        t(lang, "заголовок в строке", "header on line"),
        r.header_line
    );
    println!(
        "{}: {} — {} {}",
        t(lang, "Тип загрузки", "Upload kind"),
        r.kind.as_str(),
        t(lang, "строк данных", "data rows"),
        text::group(r.rows)
    );
    for (field, source) in &r.mapping {
        println!("  {field:<18} ← {source}");
    }
    if !r.unmapped_columns.is_empty() {
        println!(
            "  {}: {}",
            t(lang, "не используются", "not used"),
            r.unmapped_columns.join(", ")
        );
    }
    let (e, w, n) = (
        r.total(Severity::Error),
        r.total(Severity::Warning),
        r.total(Severity::Notice),
    );
    println!(
        "{}: {} {}; {}: {e}, {}: {w}, {}: {n}",
        t(lang, "Итог", "Result"),
        text::rows(r.valid_rows, lang),
        t(lang, "без ошибок", "without errors"),
        t(lang, "ошибок", "errors"),
        t(lang, "предупреждений", "warnings"),
        t(lang, "заметок", "notices")
    );
    let problems: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity != Severity::Notice)
        .collect();
    if !problems.is_empty() {
        println!("{}:", t(lang, "По видам", "By kind"));
        for c in problems {
            let what = text::issue_text(c.code, lang);
            let col = c
                .column
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            println!(
                "  {:>8} × {}{col}: {what}",
                text::group(c.count),
                text::severity(sev(c.severity), lang)
            );
        }
    }
    notice_summary(r, lang);
    // The report lists errors first, then warnings (each in file order): errors lead.
    let shown: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.severity != Severity::Notice)
        .take(SHOWN_ISSUES)
        .collect();
    if !shown.is_empty() {
        println!("{}:", t(lang, "Первые проблемы", "First problems"));
        for i in shown {
            let what = text::issue_text(i.code, lang);
            // The user's own column name (the source header) where the field is mapped.
            let col = i
                .column
                .as_deref()
                .map(|c| r.mapping.get(c).map_or(c, String::as_str))
                .unwrap_or("—");
            let fix = i
                .fix
                .as_deref()
                .map(|f| format!(" → {} «{f}»", t(lang, "предлагается", "suggested")))
                .unwrap_or_default();
            println!(
                "  {} {}, {} {col}: «{}» — {what}{fix}",
                t(lang, "строка", "line"),
                i.line,
                t(lang, "столбец", "column"),
                i.value
            );
        }
    }
    if r.truncated_issues {
        println!(
            "  … {}",
            t(
                lang,
                "остальные проблемы посчитаны выше",
                "the rest are counted above"
            )
        );
        if let Some(p) = &r.issue_spill_path {
            println!(
                "  {} {}",
                t(lang, "Полный список (JSONL):", "Full list (JSONL):"),
                p.display()
            );
        }
    }
}

/// Changes we made ourselves: one line per kind of change and column, with a count and the
/// first two before → after examples (never one line per cell).
fn notice_summary(r: &Report, lang: Lang) {
    let notices: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity == Severity::Notice)
        .collect();
    if notices.is_empty() {
        return;
    }
    println!(
        "{}:",
        t(lang, "Поправлено автоматически", "Fixed automatically")
    );
    for c in notices {
        let what = text::issue_text(c.code, lang);
        let col = c
            .column
            .as_deref()
            .map(|c| format!(" [{}]", r.mapping.get(c).map_or(c, String::as_str)))
            .unwrap_or_default();
        println!("  {:>11} × {what}{col}", text::rows(c.count, lang));
        let examples: Vec<String> = c
            .examples
            .iter()
            .map(|e| {
                let after = e.shown.as_deref().or(e.fix.as_deref());
                match after {
                    Some(a) if a != e.value => format!("{} → {a}", e.value),
                    _ => e.value.clone(),
                }
            })
            .filter(|e| !e.is_empty())
            .collect();
        if !examples.is_empty() {
            println!(
                "                {} {}",
                t(lang, "например", "e.g."),
                examples.join("; ")
            );
        }
    }
}

pub fn outputs(r: &Report, lang: Lang) {
    for p in &r.outputs {
        println!(
            "{} {}",
            t(lang, "Готово для Метрики:", "Ready for Metrica:"),
            p.display()
        );
    }
    if let Some(p) = &r.rejected_path {
        println!(
            "{} {}",
            t(
                lang,
                "Отклонённые строки (откроется в Excel):",
                "Rejected rows (opens in Excel):"
            ),
            p.display()
        );
    }
}

pub fn accounts(list: &[Account], lang: Lang) {
    if list.is_empty() {
        println!(
            "{}",
            t(
                lang,
                "Нет аккаунтов: выполните `mbridge login`",
                "No accounts: run `mbridge login`"
            )
        );
    }
    for a in list {
        let mark = if a.active { "*" } else { " " };
        println!(
            "{mark} {}{}",
            a.login,
            a.display_name
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        );
    }
}

pub fn counters(list: &[Counter], lang: Lang) {
    for c in list {
        let access = match c.permission {
            dto::Permission::Own => t(lang, "владелец", "owner"),
            dto::Permission::Edit => t(lang, "редактирование", "edit"),
            dto::Permission::View => t(lang, "только просмотр", "view only"),
            dto::Permission::Other => "—",
        };
        println!(
            "{:>10}  {:<36} {:<24} {:<18} {access}",
            c.id,
            c.name,
            c.site.as_deref().unwrap_or(""),
            c.time_zone
        );
    }
    println!("{}: {}", t(lang, "Всего счётчиков", "Counters"), list.len());
}

pub fn goals(list: &[Goal], lang: Lang) {
    for g in list {
        let ident = g
            .identifier
            .as_deref()
            .unwrap_or_else(|| t(lang, "(нельзя использовать)", "(not usable)"));
        println!("{:>12}  {:<36} {ident}", g.id, g.name);
    }
}

pub fn history(list: &[UploadSummary], lang: Lang) {
    if list.is_empty() {
        println!("{}", t(lang, "Загрузок нет", "No uploads"));
    }
    for u in list {
        let state = serde_json::to_value(u.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let kind = serde_json::to_value(u.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!(
            "#{:<5} {}  {:>10}  {:<14} {:<16} {:>8}  {}",
            u.id,
            &u.created_at[..u.created_at.len().min(16)].replace('T', " "),
            u.counter_id,
            kind,
            text::state(&state, lang),
            u.valid_rows,
            u.file_name
        );
    }
}

pub fn detail(d: &UploadDetail, lang: Lang) {
    let u = &d.summary;
    let state = serde_json::to_value(u.state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    println!(
        "{} #{} → {} {}: {}{}",
        t(lang, "Загрузка", "Upload"),
        u.id,
        t(lang, "счётчик", "counter"),
        u.counter_id,
        text::state(&state, lang),
        u.server_id
            .as_deref()
            .map(|s| format!(" ({} {s})", t(lang, "id в Метрике", "Metrica id")))
            .unwrap_or_default()
    );
    if let Some(share) = d.linked_share {
        println!(
            "  {}: {:.0} %",
            t(lang, "связано с визитами", "linked to visits"),
            share * 100.0
        );
    }
    for e in &d.explanation {
        println!("  {}", text::explanation(e, lang));
    }
    if let Some(f) = &u.failure {
        println!(
            "  {}: {}",
            t(lang, "причина", "reason"),
            text::failure(f, lang)
        );
    }
}

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
