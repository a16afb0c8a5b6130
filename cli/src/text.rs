//! The words of the human report, Russian first, English second. Codes come from mb-import
//! (issues), mb-history (explanations) and the boundary error kinds; an unknown code still
//! prints its line, column and value with the code itself, so nothing is hidden.

use crate::args::Lang;

/// (code, Russian, English): what happened and, where it helps, what to do.
static ISSUES: &[(&str, &str, &str)] = &[
    (
        "future_datetime",
        "дата в будущем — Метрика не принимает конверсии, которые ещё не произошли; исправьте дату или уберите строку",
        "date is in the future — Metrica refuses conversions that have not happened yet; fix the date or drop the row",
    ),
    (
        "milliseconds_timestamp",
        "похоже на время в миллисекундах (13 цифр) — разделите на 1000",
        "looks like milliseconds (13 digits) — divide by 1000",
    ),
    (
        "excel_scientific_id",
        "идентификатор испорчен Excel (экспоненциальная запись) — цифры потеряны; выгрузите заново, задав столбцу формат «Текстовый»",
        "identifier damaged by Excel (scientific notation) — digits are lost; export again with the column formatted as Text",
    ),
    (
        "excel_rounded_id",
        "идентификатор округлён Excel (после 15-й цифры нули) — выгрузите заново со столбцом в формате «Текстовый»",
        "identifier rounded by Excel (zeros after the 15th digit) — export again with the column formatted as Text",
    ),
    (
        "excel_number_id",
        "идентификатор записан как число Excel — проверьте, что цифры не потеряны",
        "identifier stored as an Excel number — check no digits were lost",
    ),
    (
        "unknown_currency",
        "неизвестный код валюты — Метрика молча потеряет сумму; укажите код ISO 4217 (RUB, USD, EUR…)",
        "unknown currency code — Metrica would silently drop the amount; use an ISO 4217 code (RUB, USD, EUR…)",
    ),
    (
        "currency_lowercase",
        "код валюты исправлен на заглавные буквы",
        "currency code upper-cased",
    ),
    (
        "currency_trimmed",
        "у кода валюты убраны пробелы",
        "spaces trimmed from the currency code",
    ),
    (
        "mixed_currencies",
        "в файле несколько валют — это допустимо",
        "several currencies in one file — allowed",
    ),
    (
        "missing_required_column",
        "нет обязательного столбца — добавьте его в файл или задайте одно значение для всех строк",
        "a required column is missing — add it to the file or set one value for all rows",
    ),
    (
        "mapped_column_not_found",
        "столбца из сохранённого сопоставления нет в файле",
        "a column of the saved mapping is not in the file",
    ),
    (
        "unclosed_quote",
        "кавычка открыта и не закрыта — строки не склеены, исправьте кавычки в файле",
        "a quote is opened and never closed — rows were not merged; fix the quotes in the file",
    ),
    (
        "stray_quote",
        "лишняя кавычка внутри значения — уберите её или возьмите всё значение в кавычки",
        "a stray quote inside a value — remove it or quote the whole value",
    ),
    (
        "too_many_fields",
        "в строке больше значений, чем столбцов в заголовке — проверьте разделитель",
        "more values than header columns — check the delimiter",
    ),
    (
        "bad_encoding",
        "байты не читаются в выбранной кодировке — выберите другую кодировку",
        "bytes do not decode in the chosen encoding — pick another encoding",
    ),
    (
        "nul_byte",
        "в строке нулевые байты (двоичные данные) — файл повреждён или это не таблица",
        "NUL bytes (binary data) in the line — the file is damaged or not a table",
    ),
    ("empty_file", "в файле нет данных", "the file has no data"),
    (
        "no_identifier",
        "в строке нет ни одного идентификатора посетителя (ClientID, UserID, yclid, телефон, e-mail…)",
        "the row has no visitor identifier (ClientID, UserID, yclid, phone, e-mail…)",
    ),
    (
        "missing_value",
        "пустое обязательное значение",
        "a required value is empty",
    ),
    (
        "invalid_digits_id",
        "идентификатор должен состоять только из цифр",
        "the identifier must be digits only",
    ),
    (
        "id_trimmed",
        "у идентификатора убраны пробелы",
        "spaces trimmed from the identifier",
    ),
    (
        "invalid_datetime",
        "дата не распознана — используйте формат ДД.ММ.ГГГГ ЧЧ:ММ",
        "the date is not recognised — use DD.MM.YYYY HH:MM",
    ),
    (
        "datetime_before_1970",
        "дата раньше 1970 года — Метрика такие не принимает",
        "date before 1970 — Metrica does not accept it",
    ),
    (
        "datetime_converted",
        "дата переведена во время Unix по часовому поясу счётчика",
        "date converted to Unix time in the counter's time zone",
    ),
    (
        "datetime_normalized",
        "дата приведена к принятому формату",
        "date normalised to an accepted format",
    ),
    (
        "datetime_offset_converted",
        "дата с часовым поясом переведена в пояс счётчика",
        "date with an offset converted to the counter's time zone",
    ),
    (
        "datetime_reformatted",
        "дата приведена к формату, который принимает Метрика",
        "date reformatted to a format Metrica accepts",
    ),
    (
        "date_only",
        "дата без времени — Метрика ищет визиты до 23:59 этого дня",
        "date without time — Metrica looks for visits up to 23:59 that day",
    ),
    (
        "outside_linking_window",
        "конверсия старше окна привязки (21 день) — скорее всего, не свяжется с визитом",
        "older than the linking window (21 days) — it will most likely not link to a visit",
    ),
    (
        "invalid_email",
        "e-mail записан неверно",
        "the e-mail is malformed",
    ),
    (
        "email_normalized",
        "e-mail приведён к нижнему регистру без пробелов",
        "e-mail lower-cased and trimmed",
    ),
    (
        "invalid_phone",
        "телефон не распознан — нужен номер с кодом страны, например 79161234567",
        "the phone is not recognised — give it with the country code, e.g. 79161234567",
    ),
    (
        "phone_normalized",
        "телефон приведён к виду 7XXXXXXXXXX",
        "phone normalised to 7XXXXXXXXXX",
    ),
    (
        "invalid_md5",
        "хеш MD5 должен быть из 32 шестнадцатеричных символов",
        "an MD5 hash must be 32 hexadecimal characters",
    ),
    (
        "list_normalized",
        "список значений приведён к виду через запятую без пробелов",
        "list normalised to comma-separated without spaces",
    ),
    (
        "invalid_money",
        "сумма не распознана",
        "the amount is not recognised",
    ),
    ("negative_money", "отрицательная сумма", "negative amount"),
    (
        "money_normalized",
        "сумма приведена к виду с точкой (12500.50)",
        "amount normalised with a dot (12500.50)",
    ),
    (
        "no_revenue",
        "строки без суммы — это допустимо",
        "rows without revenue — allowed",
    ),
    (
        "unknown_status",
        "статус не из списка Метрики — сопоставьте статусы CRM со статусами Метрики",
        "status not known to Metrica — map your CRM statuses to Metrica's",
    ),
    (
        "unmapped_status",
        "статус CRM не сопоставлен — укажите, какому статусу Метрики он соответствует",
        "CRM status not mapped — say which Metrica status it means",
    ),
    (
        "status_mapped",
        "статус CRM заменён по сопоставлению",
        "CRM status replaced by the mapping",
    ),
    (
        "status_case",
        "статус приведён к заглавным буквам",
        "status upper-cased",
    ),
    (
        "status_goal_unverified",
        "статус — идентификатор цели; проверьте, что такая цель-JavaScript-событие есть на счётчике",
        "status is a goal identifier; make sure the counter has such a JavaScript-event goal",
    ),
    (
        "status_mapping_unverified",
        "статус должен быть сопоставлен на счётчике до загрузки заказов",
        "the status must be mapped on the counter before orders are uploaded",
    ),
    (
        "goal_name_not_identifier",
        "указано название цели, а нужен её идентификатор",
        "a goal name was given where its identifier is needed",
    ),
    (
        "target_not_identifier",
        "в Target указано не то, что ожидает Метрика — нужен идентификатор цели-JavaScript-события",
        "Target is not a goal identifier — Metrica needs a JavaScript-event goal identifier",
    ),
    (
        "unknown_goal",
        "такой цели нет на счётчике — конверсия не засчитается",
        "the counter has no such goal — the conversion will not count",
    ),
    (
        "invalid_goal_list",
        "список целей записан неверно (цель[:сумма] через запятую)",
        "goal list malformed (goal[:revenue] comma-separated)",
    ),
    (
        "invalid_product_list",
        "список товаров записан неверно (товар:количество через запятую)",
        "product list malformed (product:quantity comma-separated)",
    ),
    (
        "invalid_client_type",
        "client_type может быть только CONTACT",
        "client_type can only be CONTACT",
    ),
    (
        "client_type_case",
        "client_type приведён к CONTACT",
        "client_type normalised to CONTACT",
    ),
    (
        "duplicate_conversion",
        "повтор: та же конверсия уже есть в файле",
        "duplicate of a conversion earlier in the file",
    ),
    (
        "duplicate_call",
        "повтор звонка в файле",
        "duplicate call in the file",
    ),
    (
        "duplicate_order_id",
        "повтор номера заказа в файле — Метрика применит строки в случайном порядке",
        "duplicate order id — Metrica applies such rows in random order",
    ),
    (
        "duplicate_contact_id",
        "повтор идентификатора клиента в файле",
        "duplicate contact id in the file",
    ),
    (
        "duplicate_check_limited",
        "файл очень большой: повторы проверены не во всех строках",
        "very large file: duplicates were not checked in every row",
    ),
    (
        "invalid_duration",
        "длительность должна быть целым числом секунд",
        "duration must be whole seconds",
    ),
    (
        "duration_normalized",
        "длительность приведена к секундам",
        "duration normalised to seconds",
    ),
    (
        "invalid_flag",
        "допустимы только 0 и 1",
        "only 0 and 1 are allowed",
    ),
    (
        "flag_normalized",
        "флаг приведён к 0/1",
        "flag normalised to 0/1",
    ),
    (
        "static_call",
        "статический звонок — в отчётах будет, но с визитом не свяжется",
        "static call — it shows in reports but never links to a visit",
    ),
    (
        "all_static_calls",
        "все звонки статические — загрузка закончится статусом LINKAGE_FAILURE",
        "all calls are static — the upload will end as LINKAGE_FAILURE",
    ),
    (
        "only_hashed_identifiers",
        "у строки только хешированные идентификаторы",
        "the row has hashed identifiers only",
    ),
    (
        "user_id_needs_set_user_id",
        "UserID свяжется, только если сайт передавал его через setUserID",
        "UserID links only if the site sent it with setUserID",
    ),
];

pub fn issue_text(code: &str, lang: Lang) -> Option<&'static str> {
    ISSUES
        .iter()
        .chain(API_FIDELITY_ISSUES)
        .find(|(c, _, _)| *c == code)
        .map(|(_, ru, en)| if lang == Lang::Ru { *ru } else { *en })
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

/// Issue codes that follow Metrica's own rules (docs/metrika-api.md), kept apart from ISSUES.
static API_FIDELITY_ISSUES: &[(&str, &str, &str)] = &[(
    "fractional_seconds_truncated",
    "доли секунды отброшены — Метрика считает время с точностью до секунды",
    "fraction of a second dropped — Metrica counts time in whole seconds",
)];

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
    fn file_reasons_name_the_line_and_the_kind_of_file() {
        let r = file_reason("line_too_long:3", Lang::Ru);
        assert!(r.contains("строка 3") && r.contains("длинная"), "{r}");
        assert!(file_reason("line_too_long:3", Lang::En).contains("line 3 is too long"));
        assert!(file_reason("not_regular_file", Lang::Ru).contains("не обычный файл"));
        assert!(file_reason("workbook_too_large", Lang::En).contains("CSV"));
    }

    #[test]
    fn every_issue_code_has_both_languages() {
        for (code, ru, en) in ISSUES {
            assert!(!ru.is_empty() && !en.is_empty(), "{code}");
        }
    }
}
