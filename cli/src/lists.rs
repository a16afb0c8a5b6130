//! Human listings: accounts, counters, goals, history and one upload. JSON output bypasses this.

use mb_uploader::dto::{self, Account, Counter, Goal, UploadDetail, UploadSummary};

use crate::args::Lang;
use crate::text::{self, t};

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
        // The time in this computer's zone; the counter with its name (an agency tells its
        // clients by name), the kind and the rows in words (`--json` has the codes).
        let kind = mb_text::text(text::msg_lang(lang), &format!("kinds.{}", u.kind.as_str()))
            .unwrap_or(u.kind.as_str());
        println!(
            "#{:<5} {}  {}{} · {kind} · {} · {} · {}",
            u.id,
            text::when_text(&u.created_at),
            u.counter_id,
            counter_name(u.counter_name.as_deref()),
            text::state(&state, lang),
            text::rows(u64::from(u.valid_rows), lang),
            u.file_name
        );
    }
    // The list is the history as kept here: what Metrica is still processing is asked about by
    // `status` (and by the app while it is open), not by this listing.
    if list.iter().any(|u| u.state.is_pollable()) {
        println!(
            "{}",
            t(
                lang,
                "Состояния загрузок, которые Метрика ещё обрабатывает, обновит mbridge status (или приложение, пока оно открыто)",
                "The states of uploads Metrica is still processing are updated by mbridge status (or by the app while it is open)"
            )
        );
    }
}

/// « «Мебель „Рома“ — интернет-магазин»» after a counter's number, when the history knows its
/// name (its own quotes become inner ones, as the app writes them).
fn counter_name(name: Option<&str>) -> String {
    name.map(|n| format!(" «{}»", n.replace('«', "„").replace('»', "“")))
        .unwrap_or_default()
}

pub fn detail(d: &UploadDetail, lang: Lang) {
    let u = &d.summary;
    let state = serde_json::to_value(u.state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    println!(
        "{} #{} → {} {}{}: {}{}",
        t(lang, "Загрузка", "Upload"),
        u.id,
        t(lang, "счётчик", "counter"),
        u.counter_id,
        counter_name(u.counter_name.as_deref()),
        text::state(&state, lang),
        u.server_id
            .as_deref()
            .map(|s| format!(" ({} {s})", t(lang, "id в Метрике", "Metrica id")))
            .unwrap_or_default()
    );
    if let Some(share) = d.linked_share {
        println!(
            "  {}: {} %",
            t(lang, "связано с визитами", "linked to visits"),
            // Halves up, as the app's History says it (`{:.0}` gave 12 % for 1/8, the app 13 %).
            (share * 100.0).round() as i64
        );
    }
    for e in &d.explanation {
        println!("  {}", text::explanation(e, lang));
    }
    // Rows left out for their errors: where they are, with the reasons (the app's «Открыть»).
    if let Some(p) = &d.rejected_path {
        println!(
            "  {}: {p}",
            t(
                lang,
                "строки с ошибками и причины",
                "rows with errors and the reasons"
            )
        );
    }
    if let Some(f) = &u.failure {
        println!(
            "  {}: {}",
            t(lang, "причина", "reason"),
            text::failure(f, lang)
        );
    }
}
