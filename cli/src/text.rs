//! The words of the human report, Russian first, English second. Issue texts come from the
//! one catalogue in mb-import ([`mb_uploader::messages`]); here are the words of mb-history
//! explanations and the boundary error kinds. An unknown code still prints its line, column
//! and value with the code itself, so nothing is hidden.

use crate::args::Lang;

pub fn issue_text(code: mb_uploader::IssueCode, lang: Lang) -> Option<&'static str> {
    mb_uploader::messages::issue_text(code, msg_lang(lang))
}

/// The catalogue language of a CLI language.
pub fn msg_lang(lang: Lang) -> mb_uploader::messages::Lang {
    match lang {
        Lang::Ru => mb_uploader::messages::Lang::Ru,
        Lang::En => mb_uploader::messages::Lang::En,
    }
}

pub fn t(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Ru { ru } else { en }
}

/// Russian plural form: 1 строка, 2 строки, 5 строк.
pub fn plural_ru(n: u64, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        one
    } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
        few
    } else {
        many
    }
}

pub fn rows(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{} {}", group(n), plural_ru(n, "строка", "строки", "строк")),
        Lang::En => format!("{} {}", n, if n == 1 { "row" } else { "rows" }),
    }
}

/// The send review, said before anything leaves: «Отправим 30 новых строк из 130».
pub fn review(r: &mb_uploader::SendReview, lang: Lang) -> String {
    let (n, m) = (r.new_rows, r.valid_rows);
    match (lang, r.only_new) {
        (Lang::Ru, true) => format!(
            "Отправим {} {} из {}",
            group(n),
            plural_ru(n, "новую строку", "новые строки", "новых строк"),
            group(m)
        ),
        (Lang::Ru, false) => format!("Отправим {}", rows(m, lang)),
        (Lang::En, true) => format!(
            "Sending {n} new {} of {m}",
            if n == 1 { "row" } else { "rows" }
        ),
        (Lang::En, false) => format!("Sending {}", rows(m, lang)),
    }
}

/// 1204 → «1 204» (a thin no-break space, as ru-RU writes numbers).
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

pub fn severity(s: &str, lang: Lang) -> &'static str {
    match (s, lang) {
        ("error", Lang::Ru) => "ошибка",
        ("warning", Lang::Ru) => "предупреждение",
        ("notice", Lang::Ru) => "к сведению",
        ("error", Lang::En) => "error",
        ("warning", Lang::En) => "warning",
        _ => "notice",
    }
}

pub fn state(s: &str, lang: Lang) -> &'static str {
    let ru = match s {
        "prepared" => "подготовлена",
        "sending" => "отправляется",
        "sent" => "отправлена",
        "processing" => "обрабатывается",
        "processed" => "обработана",
        "linkage_failure" => "не связана",
        "rejected" => "отклонена",
        "failed" => "не отправлена",
        "interrupted" => "прервана",
        "superseded" => "заменена",
        _ => "?",
    };
    if lang == Lang::Ru { ru } else { s_static(s) }
}

fn s_static(s: &str) -> &'static str {
    [
        "prepared",
        "sending",
        "sent",
        "processing",
        "processed",
        "linkage_failure",
        "rejected",
        "failed",
        "interrupted",
        "superseded",
    ]
    .into_iter()
    .find(|x| *x == s)
    .unwrap_or("?")
}

/// The counter's linking window in words (docs/metrika-api.md §4.7).
pub fn linking_window(w: &mb_uploader::dto::LinkingWindow, lang: Lang) -> String {
    let mut s = match &w.opens_on {
        Some(d) => format!(
            "{} {d}",
            t(
                lang,
                "Метрика начнёт принимать офлайн-данные в этот счётчик с",
                "Metrica starts taking offline data for this counter on"
            )
        ),
        None => t(
            lang,
            "Счётчик принимает офлайн-данные",
            "The counter takes offline data",
        )
        .to_string(),
    };
    let ext = match w.extended {
        Some(true) => t(
            lang,
            "; окно привязки 21 день включено",
            "; the 21-day window is on",
        ),
        Some(false) => t(
            lang,
            "; окно привязки 21 день выключено",
            "; the 21-day window is off",
        ),
        None => "",
    };
    s.push_str(ext);
    if w.can_enable_extended {
        s.push_str(t(
            lang,
            " — включить: mbridge window --counter ID --enable-extended",
            " — switch it on: mbridge window --counter ID --enable-extended",
        ));
    }
    s
}

pub fn explanation(code: &str, lang: Lang) -> String {
    let (ru, en) = match code {
        "not_sent" => ("ещё не отправлена", "not sent yet"),
        "sending" => ("отправляется", "being sent"),
        "processing" => (
            "Метрика обрабатывает файл (обычно до 2 часов)",
            "Metrica is processing the file (usually up to 2 hours)",
        ),
        "linked" => ("связано с визитами", "linked to visits"),
        "crm_accepted" => (
            "Метрика приняла данные CRM; в отчётах они появятся в течение 2 часов",
            "Metrica accepted the CRM data; it shows in reports within 2 hours",
        ),
        "rows_rejected_locally" => (
            "строк не отправлено из-за ошибок в файле",
            "rows left out because of errors in the file",
        ),
        "rows_kept_by_server" => (
            "строк Метрика приняла из полученных",
            "rows Metrica kept of those it received",
        ),
        "rows_dropped_by_server" => (
            "строк Метрика отбросила: у строки без обязательного значения (идентификатор, цель, дата) или с неверным по её правилам (например, дата в будущем по её часам) Метрика молча убирает строку, остальные принимает — повторно отправлять их не нужно",
            "rows Metrica dropped: a row whose required value (identifier, goal, date) is missing or invalid by its rules (e.g. a date still in the future by its clock) is silently left out and the rest kept — no need to resend those",
        ),
        "users_not_found" => (
            "посетители не найдены — проверьте, что идентификаторы с этого счётчика и не старше 21 дня",
            "visitors not found — check the identifiers come from this counter and are within 21 days",
        ),
        "goals_not_found" => (
            "цели не найдены — проверьте идентификаторы целей",
            "goals not found — check the goal identifiers",
        ),
        "static_calls" => (
            "статические звонки (с визитами не связываются)",
            "static calls (never linked to visits)",
        ),
        "linkage_failure" => (
            "ни одна строка не связалась с визитами",
            "no row linked to a visit",
        ),
        "rejected" => ("Метрика отклонила файл", "Metrica rejected the file"),
        "failed" => (
            "файл не дошёл до Метрики — можно отправить заново",
            "the file did not reach Metrica — it can be sent again",
        ),
        "interrupted" => (
            "отправка прервалась, исход неизвестен — сверьте с Метрикой (mbridge status), затем отправьте заново",
            "the send was interrupted, outcome unknown — reconcile (mbridge status), then resend",
        ),
        "stopped_by_user" => (
            "вы остановили отправку, исход неизвестен — сверьте с Метрикой (mbridge status), затем отправьте заново",
            "you stopped the send, outcome unknown — reconcile (mbridge status), then resend",
        ),
        "superseded" => ("заменена повторной отправкой", "replaced by a later resend"),
        other => return other.to_string(),
    };
    t(lang, ru, en).to_string()
}

/// Words for a boundary error kind, with its data where it helps.
pub fn error(e: &mb_uploader::dto::AppError, lang: Lang) -> String {
    use mb_uploader::dto::AppError as E;
    match e {
        E::NotSignedIn => t(
            lang,
            "вы не вошли в Яндекс: выполните `mbridge login` или задайте MBRIDGE_TOKEN",
            "not signed in: run `mbridge login` or set MBRIDGE_TOKEN",
        )
        .into(),
        E::TokenExpired { login } => format!(
            "{} {login}: {}",
            t(lang, "вход устарел для", "sign-in expired for"),
            t(
                lang,
                "выполните `mbridge login` снова",
                "run `mbridge login` again"
            )
        ),
        E::NoAccess { counter_id } => format!(
            "{} {counter_id}",
            t(
                lang,
                "нет прав на загрузку в счётчик (нужен владелец или гостевой доступ с правом редактирования):",
                "no upload rights on counter (owner or guest edit access needed):"
            )
        ),
        E::QuotaExceeded { quota, retry_at } => format!(
            "{} ({quota}){}",
            t(
                lang,
                "исчерпана квота запросов Метрики",
                "Metrica request quota exhausted"
            ),
            retry_at
                .as_ref()
                .map(|r| format!(", {} {r}", t(lang, "повторите после", "retry after")))
                .unwrap_or_default()
        ),
        E::RejectedData { message, line, .. } => format!(
            "{}: {message}{}",
            t(
                lang,
                "Метрика отклонила данные",
                "Metrica rejected the data"
            ),
            line.map(|l| format!(" ({} {l})", t(lang, "строка", "line")))
                .unwrap_or_default()
        ),
        E::LinkingWindowNotOpen { date } => format!(
            "{} {date}",
            t(
                lang,
                "Метрика начнёт принимать офлайн-данные в этот счётчик (первые сутки после включения учёта офлайн-конверсий) с",
                "Metrica starts taking offline data for this counter (the first day after offline tracking is switched on) on"
            )
        ),
        E::Network { detail } => format!(
            "{} ({detail})",
            t(
                lang,
                "нет связи с Метрикой — проверьте интернет и повторите",
                "cannot reach Metrica — check the connection and retry"
            )
        ),
        E::Server { status } => format!(
            "{} {status} — {}",
            t(lang, "ошибка сервера Метрики", "Metrica server error"),
            t(lang, "повторите позже", "retry later")
        ),
        E::FileUnreadable { file_name, reason } => format!(
            "{} {file_name}: {}",
            t(lang, "не удалось прочитать файл", "cannot read file"),
            file_reason(reason, lang)
        ),
        E::DataHasErrors { errors } => format!(
            "{} ({errors}); {}",
            t(lang, "в файле есть ошибки", "the file has errors"),
            t(
                lang,
                "исправьте их или добавьте --skip-invalid, чтобы отправить только верные строки",
                "fix them or add --skip-invalid to send the valid rows only"
            )
        ),
        E::Duplicate { upload_id, sent_at } => format!(
            "{} #{upload_id} ({sent_at}); {}",
            t(
                lang,
                "этот файл уже отправлялся в этот счётчик: загрузка",
                "this file was already sent to this counter: upload"
            ),
            t(
                lang,
                "добавьте --force, чтобы отправить ещё раз",
                "add --force to send it again"
            )
        ),
        E::Cancelled => t(lang, "отменено", "cancelled").into(),
        E::NotFound { what } => format!("{}: {what}", t(lang, "не найдено", "not found")),
        E::SignInFailed { reason } => {
            format!("{}: {reason}", t(lang, "вход не удался", "sign-in failed"))
        }
        E::InvalidInput { field, reason } => format!(
            "{} {field}: {reason}",
            t(lang, "неверное значение", "invalid value for")
        ),
        E::Storage { detail } => format!(
            "{}: {detail}",
            t(lang, "ошибка локального хранилища", "local storage error")
        ),
        E::Internal { detail } => format!(
            "{}: {detail}",
            t(lang, "внутренняя ошибка", "internal error")
        ),
    }
}

fn file_reason(reason: &str, lang: Lang) -> String {
    if let Some(line) = reason.strip_prefix("line_too_long:") {
        return format!(
            "{} {line} {}",
            t(lang, "строка", "line"),
            t(
                lang,
                "слишком длинная (больше 64 МБ) — это не таблица или файл повреждён",
                "is too long (over 64 MB): not a table, or the file is damaged"
            )
        );
    }
    file_reason_text(reason, lang).to_owned()
}

fn file_reason_text(reason: &str, lang: Lang) -> &'static str {
    match reason {
        "not_found" => t(lang, "файл не найден", "file not found"),
        "permission_denied" => t(lang, "нет прав на чтение", "no permission to read"),
        "empty" => t(lang, "файл пуст", "the file is empty"),
        "no_header" => t(lang, "не найдена строка заголовков", "no header row found"),
        "unknown_encoding" => t(lang, "неизвестная кодировка", "unknown encoding"),
        "damaged_workbook" => t(lang, "книга Excel повреждена", "the workbook is damaged"),
        "sheet_not_found" => t(lang, "нет такого листа", "no such sheet"),
        "not_regular_file" => t(
            lang,
            "это не обычный файл (папка, канал, сокет или устройство) — выберите файл с данными",
            "not a regular file (a folder, pipe, socket or device): choose a data file",
        ),
        "workbook_too_large" => t(
            lang,
            "книга Excel слишком велика для безопасного чтения (больше 1,5 млн ячеек, 48 МБ \
             текста или файл больше 64 МБ, для .xls — 32 МБ) — сохраните лист как CSV",
            "the workbook is too large to read safely (over 1.5 million cells, 48 MB of text \
             or a file over 64 MB, 32 MB for .xls): save the sheet as CSV",
        ),
        "not_text" => t(
            lang,
            "это не таблица (CSV или Excel)",
            "not a table (CSV or Excel)",
        ),
        _ => t(lang, "ошибка чтения", "read error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plurals_follow_the_rules() {
        assert_eq!(rows(1, Lang::Ru), "1 строка");
        assert_eq!(rows(2, Lang::Ru), "2 строки");
        assert_eq!(rows(5, Lang::Ru), "5 строк");
        assert_eq!(rows(11, Lang::Ru), "11 строк");
        assert_eq!(rows(21, Lang::Ru), "21 строка");
        assert_eq!(rows(1204, Lang::Ru), "1\u{202F}204 строки");
    }

    #[test]
    fn issue_texts_come_from_the_import_catalogue() {
        assert_eq!(
            issue_text(mb_uploader::IssueCode::FutureDatetime, Lang::Ru),
            mb_uploader::messages::issue_text(
                mb_uploader::IssueCode::FutureDatetime,
                mb_uploader::messages::Lang::Ru
            )
        );
        assert!(
            issue_text(mb_uploader::IssueCode::FutureDatetime, Lang::En)
                .unwrap()
                .contains("future")
        );
    }

    #[test]
    fn file_reasons_name_the_line_and_the_kind_of_file() {
        let r = file_reason("line_too_long:3", Lang::Ru);
        assert!(r.contains("строка 3") && r.contains("длинная"), "{r}");
        assert!(file_reason("line_too_long:3", Lang::En).contains("line 3 is too long"));
        assert!(file_reason("not_regular_file", Lang::Ru).contains("не обычный файл"));
        assert!(file_reason("workbook_too_large", Lang::En).contains("CSV"));
    }
}
