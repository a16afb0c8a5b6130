//! Human output: short, Russian by default, one idea per line. JSON output bypasses this.

use std::path::Path;

use mb_uploader::{IssuePlace, Report, Severity};

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

/// A field as the user's file names it: its source header where the field is mapped.
fn user_column<'a>(r: &'a Report, field: &'a str) -> &'a str {
    r.mapping.get(field).map_or(field, String::as_str)
}

/// One line of counts: how many, how serious, in which column (the user's own name for it).
fn count_line(r: &Report, c: &mb_uploader::IssueCount, lang: Lang) {
    let what = text::issue_text(c.code, lang);
    let col = c
        .column
        .as_deref()
        .map(|c| format!(" [{}]", user_column(r, c)))
        .unwrap_or_default();
    println!(
        "  {:>8} × {}{col}: {what}",
        text::group(c.count),
        text::severity(sev(c.severity), lang)
    );
}

/// `upload`'s warnings about the file's rows (a goal the counter lacks, an event too old to
/// link): said with the result, as the app's Check step says them, never kept quiet. They are
/// the check's, of every valid row: «которые ушли» only when every valid row went (`all_went`;
/// only new rows may have left some of the warned rows out).
pub fn warnings(r: &Report, all_went: bool, lang: Lang) {
    let warned: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity == Severity::Warning)
        .collect();
    if warned.is_empty() {
        return;
    }
    println!(
        "{}:",
        if all_went {
            t(
                lang,
                "Предупреждения о строках, которые ушли",
                "Warnings about the rows that went",
            )
        } else {
            t(
                lang,
                "Предупреждения о строках файла (и тех, что ушли, и тех, что уже были в Метрике)",
                "Warnings about the file's rows (those that went and those Metrica had already)",
            )
        }
    );
    for c in warned {
        count_line(r, c, lang);
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
    let header = format!(
        "{} {}",
        t(lang, "заголовок в строке", "header on line"),
        r.header_line
    );
    match &r.sheet {
        // A workbook has a sheet, not an encoding or a delimiter.
        Some(sheet) => println!("{name}: {} «{sheet}», {header}", t(lang, "лист", "sheet")),
        None => println!(
            "{name}: {} {}, {} {delim}, {header}",
            t(lang, "кодировка", "encoding"),
            r.encoding,
            t(lang, "разделитель", "delimiter"),
        ),
    }
    // The kind in words, with the --kind word beside it for the next command.
    let kind = r.kind.as_str();
    let words = mb_text::text(text::msg_lang(lang), &format!("kinds.{kind}")).unwrap_or(kind);
    println!(
        "{}: {words} ({kind}) — {} {}",
        t(lang, "Тип загрузки", "Upload kind"),
        t(lang, "строк данных", "data rows"),
        text::group(r.rows)
    );
    for (field, source) in &r.mapping {
        println!("  {field:<18} ← {source}");
    }
    if !r.unmapped_columns.is_empty() {
        // The first ones: an export of thousands of columns is not a screen of names
        // (`--json` lists them all).
        const SHOWN: usize = 20;
        let more = r.unmapped_columns.len().saturating_sub(SHOWN);
        println!(
            "  {}: {}{}",
            t(lang, "не используются", "not used"),
            r.unmapped_columns[..r.unmapped_columns.len().min(SHOWN)].join(", "),
            if more > 0 {
                format!(" {} {}", t(lang, "и ещё", "and"), text::group(more as u64))
            } else {
                String::new()
            }
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
            count_line(r, c, lang);
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
                .map(|c| user_column(r, c))
                .unwrap_or("—");
            let fix = i
                .fix
                .as_deref()
                .map(|f| format!(" → {} «{f}»", t(lang, "предлагается", "suggested")))
                .unwrap_or_default();
            let place = match r.place_of(i) {
                IssuePlace::Header => t(lang, "заголовок", "header").to_string(),
                IssuePlace::File => t(lang, "весь файл", "whole file").to_string(),
                IssuePlace::Line => format!("{} {}", t(lang, "строка", "line"), i.line),
            };
            println!(
                "  {place}, {} {col}: «{}» — {what}{fix}",
                t(lang, "столбец", "column"),
                mb_uploader::said(i)
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
    currency_offer(r, lang);
    status_offer(r, lang);
}

/// CRM statuses the counter does not know: the suggested mapping as the options that give it,
/// ready to check and add to the command (as the app's «Статусы» step prefills it), and the
/// values with no suggestion, to be given by hand.
fn status_offer(r: &Report, lang: Lang) {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut unsure: Vec<&str> = Vec::new();
    for i in r
        .issues
        .iter()
        .filter(|i| i.code == mb_uploader::IssueCode::UnmappedStatus)
    {
        if pairs.iter().any(|(v, _)| *v == i.value) || unsure.contains(&i.value.as_str()) {
            continue;
        }
        match i.fix.as_deref() {
            Some(fix) => pairs.push((&i.value, fix)),
            None => unsure.push(&i.value),
        }
    }
    if !pairs.is_empty() {
        let flags = pairs
            .iter()
            .map(|(v, f)| format!("--status {}", shell_quoted(&format!("{v}={f}"))))
            .collect::<Vec<_>>()
            .join(" ");
        println!(
            "{} {flags}",
            t(
                lang,
                "Статусы CRM не сопоставлены со статусами Метрики. Предлагаемое сопоставление (проверьте и добавьте к команде):",
                "The CRM statuses are not mapped to Metrica's. The suggested mapping (check it and add it to the command):"
            )
        );
    }
    if !unsure.is_empty() {
        let values = unsure
            .iter()
            .map(|v| format!("«{v}»"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "{} {values} ({})",
            t(
                lang,
                "Без предложения, укажите статус Метрики сами:",
                "No suggestion, give Metrica's status yourself:"
            ),
            t(
                lang,
                "--status 'ЗНАЧЕНИЕ=PAID', CANCELLED, IN_PROGRESS или SPAM",
                "--status 'VALUE=PAID', CANCELLED, IN_PROGRESS or SPAM"
            )
        );
    }
}

/// One argument as this system's shell reads it: in `'…'` for a POSIX shell (a `'` inside is
/// closed, escaped and reopened), in `"…"` on Windows (a `"` inside escaped as `\"`).
fn shell_quoted(arg: &str) -> String {
    if cfg!(windows) {
        format!("\"{}\"", arg.replace('"', "\\\""))
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// Every row that names a currency means one Metrica knows by another code (`руб.`, `RUR` for
/// `RUB`): the way to read those words as that code without editing the file (any other
/// currency a later file has is still checked).
fn currency_offer(r: &Report, lang: Lang) {
    let Some(o) = &r.currency_offer else { return };
    let column = r
        .mapping
        .get(&o.field)
        .map_or(o.field.as_str(), String::as_str);
    let values = o
        .values
        .iter()
        .map(|v| format!("«{v}»"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = text::rows(o.rows, lang);
    let code = &o.code;
    let flags = o
        .values
        .iter()
        .map(|v| format!("--currency '{v}={code}'"))
        .collect::<Vec<_>>()
        .join(" ");
    match lang {
        Lang::Ru => println!(
            "Валюта в столбце «{column}» записана как {values} ({rows}), других валют в файле \
             нет. Если это {code}, отправить их так, не меняя файл: {flags}"
        ),
        Lang::En => println!(
            "The «{column}» column names the currency {values} ({rows}), and no other currency \
             appears. If that is {code}, send them so without editing the file: {flags}"
        ),
    }
}

/// Notices that change nothing (rows without a sum, several currencies): one line each with
/// its count and what it means, apart from the changes.
fn remark_summary(r: &Report, lang: Lang) {
    let remarks: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity == Severity::Notice && !c.code.is_change())
        .collect();
    if remarks.is_empty() {
        return;
    }
    println!("{}:", t(lang, "К сведению", "For your information"));
    for c in remarks {
        let col = c
            .column
            .as_deref()
            .map(|c| format!(" [{}]", user_column(r, c)))
            .unwrap_or_default();
        // Said of the file itself (no currency column at all), not of some rows.
        let how_many = match c.in_file {
            true => t(lang, "весь файл", "whole file").to_string(),
            false => text::rows(c.count, lang),
        };
        println!("  {how_many:>11} × {}{col}", text::issue_text(c.code, lang));
    }
}

/// Changes we made ourselves: one line per kind of change and column, with a count and the
/// first two before → after examples (never one line per cell).
fn notice_summary(r: &Report, lang: Lang) {
    let notices: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity == Severity::Notice && c.code.is_change())
        .collect();
    remark_summary(r, lang);
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
            .map(|c| format!(" [{}]", user_column(r, c)))
            .unwrap_or_default();
        println!("  {:>11} × {what}{col}", text::rows(c.count, lang));
        let examples: Vec<String> = c
            .examples
            .iter()
            .map(|e| {
                let after = e.shown.as_deref().or(e.fix.as_deref());
                match after {
                    Some(a) if a != e.value => format!("{} → {a}", e.value),
                    // A date that reads the same after the change: with its month in words, so
                    // the reader sees which of day and month was taken (as the app shows it).
                    _ => match date_in_words(&e.value, lang) {
                        Some(words) => format!("{} ({words})", e.value),
                        None => e.value.clone(),
                    },
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

/// `02.10.2026 10:15` as «2 октября 2026 г. в 10:15» (`2 October 2026 at 10:15`); None for
/// anything else.
fn date_in_words(shown: &str, lang: Lang) -> Option<String> {
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let shown = shown.trim();
    let (day, time) = match shown.split_once(' ') {
        Some((d, t)) => (d, Some(t)),
        None => (shown, None),
    };
    let date = jiff::civil::Date::strptime("%d.%m.%Y", day).ok()?;
    if day.len() != 10 {
        return None;
    }
    let time = match time {
        Some(t) => Some(jiff::civil::Time::strptime("%H:%M", t).ok()?),
        None => None,
    };
    let month = usize::try_from(date.month() - 1).ok()?;
    Some(match lang {
        Lang::Ru => {
            let at = time.map(|t| format!(" в {}", t.strftime("%H:%M")));
            format!(
                "{} {} {} г.{}",
                date.day(),
                RU[month],
                date.year(),
                at.unwrap_or_default()
            )
        }
        Lang::En => {
            let at = time.map(|t| format!(" at {}", t.strftime("%H:%M")));
            format!(
                "{} {} {}{}",
                date.day(),
                EN[month],
                date.year(),
                at.unwrap_or_default()
            )
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_said_with_its_month_in_words() {
        assert_eq!(
            date_in_words("02.10.2026 10:15", Lang::Ru).as_deref(),
            Some("2 октября 2026 г. в 10:15")
        );
        assert_eq!(
            date_in_words("01.12.2026", Lang::En).as_deref(),
            Some("1 December 2026")
        );
        for other in [
            "2990.50",
            "2026-10-02",
            "32.10.2026",
            "02.10.2026 25:00",
            "1.2.2026",
        ] {
            assert_eq!(date_in_words(other, Lang::Ru), None, "{other}");
        }
    }
}
