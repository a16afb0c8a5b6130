//! The one catalogue of issue texts (Russian and English), keyed by the stable issue code of
//! [`crate::report::Issue`]: the CLI's report, the rejected-rows file and anything else in
//! Rust that explains an issue to a person read it here. (The app's screens translate the
//! same codes in `ui/src/i18n`.)
//!
//! Two shapes: [`issue_text`] says what the code means (for a list grouped by code), and
//! [`reason`] makes the one sentence of one row's problem with the user's column name and the
//! value interpolated («Дата «31.02.2026» в столбце «Дата заказа» не распознана…»).

/// Language of the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// `ru`/`en` (anything else: Russian, the product's language).
    pub fn parse(s: &str) -> Lang {
        if s.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Ru
        }
    }
}

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
        "идентификатор округлён Excel: в этом столбце слишком много номеров оканчиваются нулями (после 15-й цифры), так Excel портит длинные числа — выгрузите заново со столбцом в формате «Текстовый»",
        "identifier rounded by Excel: too many IDs in this column end in zeros after the 15th digit, which is what Excel does to long numbers — export again with the column formatted as Text",
    ),
    (
        "id_trailing_zeros",
        "идентификатор оканчивается нулями — так бывает и у настоящих ClientID (примерно 1 из 10 000), столбец в целом не испорчен; отправим как есть, но проверьте его",
        "identifier ends in zeros — genuine ClientIDs do this about once in 10,000 and the column as a whole is not damaged; it is sent as is, but check it",
    ),
    (
        "excel_damaged_column",
        "столбец испорчен Excel (длинные номера округлены), а первые такие строки уже признаны годными — выгрузите файл заново со столбцом в формате «Текстовый»",
        "the column was damaged by Excel (long numbers rounded) and its first such rows were already taken as valid — export the file again with the column formatted as Text",
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
        "no_visitor_id",
        "в строке нет ни ClientID, ни UserID, ни yclid — офлайн-конверсию и звонок Метрика связывает только с ними",
        "the row has no ClientID, UserID or yclid — Metrica links offline conversions and calls by these only",
    ),
    (
        "empty_order_id",
        "пустой номер заказа — Метрика свяжет заказ с визитами только по дате, а новая загрузка не обновит его, а добавит ещё раз",
        "the order number is empty — Metrica links the order by date only, and a later upload adds it again instead of updating it",
    ),
    (
        "summary_row_skipped",
        "строка итогов («Итого», «Всего», «Total») — не заказ, пропускаем",
        "a totals row («Итого», «Всего», «Total») — not data, skipped",
    ),
    (
        "note_row_skipped",
        "строка с примечанием, а не данными — пропускаем",
        "a note line, not data — skipped",
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
        "fractional_seconds_truncated",
        "доли секунды отброшены — Метрика считает время с точностью до секунды",
        "fraction of a second dropped — Metrica counts time in whole seconds",
    ),
    (
        "duplicate_check_limited",
        "файл очень большой: повторы проверены не во всех строках",
        "very large file: duplicates were not checked in every row",
    ),
    (
        "duplicate_check_failed",
        "повторы строк не проверены: не удалось записать временный файл проверки",
        "duplicates were not checked: the check's temporary file could not be written",
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

/// What `code` means, in `lang`; `None` for a code the catalogue does not know.
pub fn issue_text(code: &str, lang: Lang) -> Option<&'static str> {
    ISSUES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, ru, en)| if lang == Lang::Ru { *ru } else { *en })
}

/// Sentences with the value in them, for the most frequent row errors: `{v}` is the value.
static REASONS: &[(&str, &str, &str)] = &[
    (
        "invalid_datetime",
        "дата «{v}» не распознана или не существует",
        "date «{v}» is not recognised or does not exist",
    ),
    (
        "future_datetime",
        "дата «{v}» ещё не наступила",
        "date «{v}» is in the future",
    ),
    (
        "datetime_before_1970",
        "дата «{v}» раньше 1970 года",
        "date «{v}» is before 1970",
    ),
    (
        "missing_value",
        "значение не заполнено",
        "the value is empty",
    ),
    (
        "invalid_money",
        "«{v}» не похоже на сумму",
        "«{v}» does not look like an amount",
    ),
    (
        "invalid_digits_id",
        "«{v}» — не номер из цифр",
        "«{v}» is not a number made of digits",
    ),
    (
        "excel_scientific_id",
        "номер «{v}» испорчен Excel (записан как 1,23E+18)",
        "number «{v}» was damaged by Excel (written as 1.23E+18)",
    ),
    (
        "excel_rounded_id",
        "номер «{v}» округлён Excel (в столбце слишком много номеров с нулями на конце)",
        "number «{v}» was rounded by Excel (too many numbers in the column end in zeros)",
    ),
    (
        "invalid_email",
        "«{v}» не похоже на e-mail",
        "«{v}» does not look like an e-mail",
    ),
    (
        "invalid_phone",
        "«{v}» не похоже на телефон",
        "«{v}» does not look like a phone number",
    ),
    (
        "unknown_currency",
        "валюта «{v}» неизвестна",
        "currency «{v}» is unknown",
    ),
    (
        "unknown_status",
        "статус «{v}» неизвестен Метрике",
        "status «{v}» is unknown to Metrica",
    ),
    (
        "unmapped_status",
        "статусу «{v}» не сопоставлен статус Метрики",
        "status «{v}» is not matched to a Metrica status",
    ),
    (
        "goal_name_not_identifier",
        "«{v}» — название цели, а нужен её идентификатор",
        "«{v}» is a goal name; its identifier is needed",
    ),
    (
        "milliseconds_timestamp",
        "«{v}» — время в миллисекундах, нужно в секундах",
        "«{v}» is a time in milliseconds; seconds are needed",
    ),
];

/// One row problem as a sentence in `lang`: the user's column name (`column`, the source
/// header), the value, what is wrong. `fix`, when known, is offered at the end.
pub fn reason(
    lang: Lang,
    code: &str,
    column: Option<&str>,
    value: &str,
    fix: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(c) = column.filter(|c| !c.is_empty()) {
        match lang {
            Lang::Ru => out.push_str(&format!("Столбец «{c}»: ")),
            Lang::En => out.push_str(&format!("Column «{c}»: ")),
        }
    }
    let specific = REASONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, ru, en)| if lang == Lang::Ru { *ru } else { *en });
    match (specific, issue_text(code, lang)) {
        (Some(t), _) => out.push_str(&t.replace("{v}", value)),
        (None, Some(t)) if value.is_empty() => out.push_str(t),
        (None, Some(t)) => out.push_str(&format!("«{value}» — {t}")),
        (None, None) if value.is_empty() => out.push_str(code),
        (None, None) => out.push_str(&format!("{code}: «{value}»")),
    }
    if let Some(f) = fix.filter(|f| !f.is_empty()) {
        match lang {
            Lang::Ru => out.push_str(&format!(" (предлагаем «{f}»)")),
            Lang::En => out.push_str(&format!(" (suggested: «{f}»)")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issue_code_has_both_languages_once() {
        for (code, ru, en) in ISSUES {
            assert!(!ru.is_empty() && !en.is_empty(), "{code}");
            assert_eq!(
                ISSUES.iter().filter(|(c, _, _)| c == code).count(),
                1,
                "{code}"
            );
        }
        for (code, ru, en) in REASONS {
            assert!(
                issue_text(code, Lang::Ru).is_some(),
                "{code} has no meaning text"
            );
            assert!(ru.contains("{v}") == en.contains("{v}"), "{code}");
        }
    }

    #[test]
    fn a_reason_names_the_users_column_and_value_in_words() {
        let r = reason(
            Lang::Ru,
            "invalid_datetime",
            Some("Дата заказа"),
            "31.02.2026 10:00",
            None,
        );
        assert_eq!(
            r,
            "Столбец «Дата заказа»: дата «31.02.2026 10:00» не распознана или не существует"
        );
        let r = reason(Lang::En, "invalid_money", Some("Sum"), "abc", Some("0"));
        assert_eq!(
            r,
            "Column «Sum»: «abc» does not look like an amount (suggested: «0»)"
        );
    }

    #[test]
    fn a_reason_without_a_template_uses_the_meaning_and_an_unknown_code_stays_visible() {
        let r = reason(Lang::Ru, "no_identifier", None, "", None);
        assert!(
            r.starts_with("в строке нет ни одного идентификатора"),
            "{r}"
        );
        assert_eq!(
            reason(Lang::En, "weird_code", None, "x", None),
            "weird_code: «x»"
        );
    }
}
