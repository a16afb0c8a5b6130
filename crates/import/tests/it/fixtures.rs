//! Every sample and quirk fixture through reader → auto-mapping → validator, checked against
//! what fixtures/SAMPLES.md says (now = 2026-11-22T07:00:00Z, Europe/Moscow, the
//! seven goals listed there).

use mb_import::IssueCode;
use mb_import::mapping::{Mapping, auto_map, detect_kind};
use mb_import::pipeline::{no_progress, prepare, validate};
use mb_import::read::{ReadOptions, open};
use mb_import::report::{Report, Severity};
use mb_import::status::distinct_statuses;
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::{OrderStatusType, UploadKind};
use std::path::PathBuf;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

pub fn opts() -> ValidateOptions {
    let mut o = ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().unwrap());
    o.issue_spill_path = None;
    o.goals = Some(
        [
            "offline_paid",
            "dogovor_signed",
            "visit_showroom",
            "lead_qualified",
            "good_lead",
            "oplata_karta",
            "dostavka_kurier",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    o
}

/// Detect the kind (asserting it), auto-map, validate.
fn check(name: &str, kind: UploadKind, o: &ValidateOptions) -> (Report, Mapping) {
    let mut src = open(&fixture(name), &ReadOptions::default()).unwrap();
    let headers = src.info().headers.clone();
    let (k, _) = detect_kind(&headers).unwrap_or_else(|| panic!("{name}: no kind"));
    assert_eq!(k, kind, "{name}: detected kind");
    let m = auto_map(kind, &headers).mapping;
    let r = validate(src.as_mut(), &m, o, &mut no_progress()).unwrap();
    (r, m)
}

fn lines(r: &Report, code: &str) -> Vec<u64> {
    r.issues
        .iter()
        .filter(|i| i.code == code)
        .map(|i| i.line)
        .collect()
}

fn codes(r: &Report, sev: Severity) -> Vec<String> {
    let mut v: Vec<String> = r
        .counts
        .iter()
        .filter(|c| c.severity == sev)
        .map(|c| c.code.to_string())
        .collect();
    v.sort();
    v
}

fn assert_clean(r: &Report, rows: u64) {
    assert_eq!(
        codes(r, Severity::Error),
        Vec::<String>::new(),
        "{:#?}",
        r.issues
    );
    assert_eq!((r.rows, r.valid_rows), (rows, rows));
    assert!(r.is_uploadable());
}

/// Validate and write; returns the report and the text of the first output part.
fn write(name: &str, kind: UploadKind, o: &ValidateOptions) -> (Report, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut src = open(&fixture(name), &ReadOptions::default()).unwrap();
    let m = auto_map(kind, &src.info().headers).mapping;
    let mut spec = OutputSpec::new(dir.path().join("out.csv"));
    spec.rejected_path = Some(dir.path().join("rejected.csv"));
    let r = prepare(src.as_mut(), &m, o, Some(&spec), &mut no_progress()).unwrap();
    let text = std::fs::read_to_string(&r.outputs[0]).unwrap();
    (r, text)
}

#[test]
fn offline_clientid_is_ok_with_five_rows_in_the_window() {
    let (r, _) = check("offline_clientid.csv", UploadKind::Conversions, &opts());
    assert_clean(&r, 5);
    assert!(codes(&r, Severity::Warning).is_empty(), "{:?}", r.counts);
    assert_eq!(r.identifier_summary.get("ClientId"), Some(&5));
    let range = r.datetime_range.unwrap();
    assert!(range.first.starts_with("2026-11-09 15:42"), "{range:?}");
    assert!(range.last.starts_with("2026-11-18 19:21"), "{range:?}");
}

#[test]
fn offline_userid_notes_missing_revenue_mixed_currencies_and_set_user_id() {
    let (r, _) = check("offline_userid.csv", UploadKind::Conversions, &opts());
    assert_clean(&r, 4);
    assert_eq!(r.count_of(IssueCode::NoRevenue), 2);
    assert_eq!(r.count_of(IssueCode::MixedCurrencies), 1);
    assert_eq!(r.count_of(IssueCode::UserIdNeedsSetUserId), 1);
}

#[test]
fn offline_yclid_keeps_click_ids_as_text() {
    let (r, text) = write("offline_yclid.csv", UploadKind::Conversions, &opts());
    assert_clean(&r, 3);
    assert!(
        text.starts_with("Yclid,Target,DateTime,Price,Currency\n7321456098712345601,"),
        "{text}"
    );
}

#[test]
fn offline_mixed_ids_counts_each_identifier() {
    let (r, _) = check("offline_mixed_ids.csv", UploadKind::Conversions, &opts());
    assert_clean(&r, 5);
    let s = &r.identifier_summary;
    assert_eq!(
        (
            s.get("ClientId"),
            s.get("UserId"),
            s.get("Yclid"),
            s.get("PurchaseId")
        ),
        (Some(&2), Some(&2), Some(&1), Some(&2))
    );
}

#[test]
fn calls_clientid_flags_the_static_call_on_line_five() {
    let (r, text) = write("calls_clientid.csv", UploadKind::Calls, &opts());
    assert_clean(&r, 4);
    assert_eq!(lines(&r, "static_call"), vec![5]);
    assert!(text.contains("+74951234567"));
    assert_eq!(r.count_of(IssueCode::PhoneNormalized), 0);
}

#[test]
fn simple_orders_comma_is_ok_with_date_and_hash_notices() {
    let (r, text) = write("simple_orders_comma.csv", UploadKind::SimpleOrders, &opts());
    assert_clean(&r, 5);
    assert_eq!(lines(&r, "only_hashed_identifiers"), vec![5]);
    assert_eq!(lines(&r, "date_only"), vec![5]);
    assert!(text.contains("A-10234,2026-11-08,"), "{text}");
    assert!(
        text.contains("\"oplata_karta:18450,dostavka_kurier\""),
        "{text}"
    );
    assert!(text.contains("7488a2c7e823e66408b30cdb5e723e09"));
}

#[test]
fn simple_orders_goal_status_without_goal_list_is_a_warning() {
    let mut o = opts();
    o.goals = None;
    let (r, _) = check("simple_orders_comma.csv", UploadKind::SimpleOrders, &o);
    assert_eq!(lines(&r, "status_goal_unverified"), vec![6]);
    assert!(!r.has_errors());
}

#[test]
fn cp1251_russian_statuses_need_a_mapping_and_pass_after_it() {
    let (r, m) = check(
        "simple_orders_cp1251_ru_statuses.csv",
        UploadKind::SimpleOrders,
        &opts(),
    );
    assert_eq!(r.encoding, "windows-1251");
    assert_eq!(r.delimiter, Some(';'));
    assert_eq!(r.count_of(IssueCode::UnmappedStatus), 5);
    assert_eq!(r.valid_rows, 0);

    let mut src = open(
        &fixture("simple_orders_cp1251_ru_statuses.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    let statuses = distinct_statuses(src.as_mut(), &m).unwrap();
    let got: Vec<(&str, OrderStatusType)> = statuses
        .iter()
        .map(|s| (s.value.as_str(), s.suggested))
        .collect();
    for want in [
        ("Оплачен", OrderStatusType::Paid),
        ("В работе", OrderStatusType::InProgress),
        ("Новый", OrderStatusType::InProgress),
        ("Отменён", OrderStatusType::Cancelled),
        ("Спам", OrderStatusType::Spam),
    ] {
        assert!(got.contains(&want), "{want:?} in {got:?}");
    }
    let mut o = opts();
    for s in &statuses {
        o.status_map
            .insert(s.value.clone(), s.suggested.as_str().to_string());
    }
    let (r, text) = write(
        "simple_orders_cp1251_ru_statuses.csv",
        UploadKind::SimpleOrders,
        &o,
    );
    assert_clean(&r, 5);
    assert!(
        text.contains("Z-7781,2026-11-10 10:15:00,K-901,1762345098123456789,,,PAID,15990,9100,RUB"),
        "{text}"
    );
}

#[test]
fn excel_semicolon_export_is_normalised() {
    let (r, text) = write(
        "simple_orders_excel_semicolon.csv",
        UploadKind::SimpleOrders,
        &opts(),
    );
    assert_clean(&r, 5);
    assert_eq!(r.mapping.get("id").map(String::as_str), Some("id"));
    for want in [
        "B-501,2026-11-05 14:07:00,,,sergey.ivanov@example.ru,,PAID,12500.50,8000.00,RUB",
        "B-502,2026-11-06 09:05:00,,,,79161234567,PAID,2990.00,,RUB",
        "B-503,2026-11-07,,,,79031112233,IN_PROGRESS,1490,,RUB",
        "B-504,2026-11-08 21:30:00,,1762101987654321098,,,PAID,349.9,,RUB",
        "B-505,2026-11-09 13:00:00,,,mail@yandex.ru,,PAID,100,,RUB",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    assert!(r.count_of(IssueCode::MoneyNormalized) >= 4);
    assert!(r.count_of(IssueCode::PhoneNormalized) == 2);
}

#[test]
fn contacts_are_ok() {
    let (r, text) = write("contacts.csv", UploadKind::Contacts, &opts());
    assert_clean(&r, 4);
    assert!(text.contains("ООО \"\"Ромашка-Опт\"\""), "{text}");
}

#[test]
fn orders_warn_until_status_mapping_is_known() {
    let (r, _) = check("orders.csv", UploadKind::Orders, &opts());
    assert_clean(&r, 4);
    assert_eq!(r.count_of(IssueCode::StatusMappingUnverified), 4);
    let mut o = opts();
    o.order_status_ids = Some(
        ["success", "new", "cancelled_by_client", "delivery"]
            .map(String::from)
            .to_vec(),
    );
    let (r, text) = write("orders.csv", UploadKind::Orders, &o);
    assert_clean(&r, 4);
    assert_eq!(r.count_of(IssueCode::StatusMappingUnverified), 0);
    assert_eq!(r.delimiter_type, mb_schema::DelimiterType::Semicolon);
    assert!(text.contains(";SOFA-ROMA-3:1,PILLOW-02:2;"), "{text}");
}

#[test]
fn bad_future_datetime_errors_on_lines_three_four_five() {
    let (r, _) = check("bad_future_datetime.csv", UploadKind::Conversions, &opts());
    assert_eq!(lines(&r, "future_datetime"), vec![3, 4]);
    assert_eq!(lines(&r, "milliseconds_timestamp"), vec![5]);
    assert_eq!((r.rows, r.valid_rows), (4, 1));
    assert!(r.has_errors() && !r.is_uploadable());
}

#[test]
fn bad_missing_target_column_is_a_file_level_error_on_line_one() {
    let (r, _) = {
        let mut src = open(
            &fixture("bad_missing_target_column.csv"),
            &ReadOptions::default(),
        )
        .unwrap();
        // Detected as conversions (not as calls, which need no Target): the missing column
        // is said, as SAMPLES.md asks.
        let headers = src.info().headers.clone();
        let (kind, _) = detect_kind(&headers).unwrap();
        assert_eq!(kind, UploadKind::Conversions);
        let m = auto_map(kind, &headers).mapping;
        (
            validate(src.as_mut(), &m, &opts(), &mut no_progress()).unwrap(),
            (),
        )
    };
    let i = r
        .issues
        .iter()
        .find(|i| i.code == "missing_required_column")
        .unwrap();
    assert_eq!((i.line, i.column.as_deref()), (1, Some("Target")));
    assert!(r.has_file_errors());
    assert_eq!(r.valid_rows, 0);
}

#[test]
fn bad_broken_quoting_reports_physical_lines_and_refuses() {
    let mut src = open(&fixture("bad_broken_quoting.csv"), &ReadOptions::default()).unwrap();
    let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
    let r = validate(src.as_mut(), &m, &opts(), &mut no_progress()).unwrap();
    let unclosed = r
        .issues
        .iter()
        .find(|i| i.code == "unclosed_quote")
        .expect("unclosed");
    assert_eq!(unclosed.line, 2);
    assert_eq!(unclosed.column.as_deref(), Some("emails"));
    assert!(lines(&r, "stray_quote").contains(&4), "{:#?}", r.issues);
    assert!(r.has_file_errors() && !r.is_uploadable());
}

#[test]
fn bad_unknown_currency_errors_with_rub_suggestions_and_fixes_lower_case() {
    let (r, _) = check("bad_unknown_currency.csv", UploadKind::Conversions, &opts());
    let mut cur: Vec<(u64, Severity, Option<&str>)> = r
        .issues
        .iter()
        .filter(|i| i.column.as_deref() == Some("Currency") && i.record > 0)
        .map(|i| (i.line, i.severity, i.fix.as_deref()))
        .collect();
    // The report lists errors first; here the order of the file matters.
    cur.sort_by_key(|c| c.0);
    assert_eq!(
        cur,
        vec![
            (2, Severity::Error, Some("RUB")),
            (3, Severity::Error, Some("RUB")),
            (4, Severity::Notice, Some("USD")),
            (5, Severity::Error, None),
        ]
    );
    assert_eq!(r.valid_rows, 2);
}

#[test]
fn excel_damaged_ids_are_refused() {
    let (r, _) = check("excel-damaged-ids.csv", UploadKind::Conversions, &opts());
    assert_eq!(lines(&r, "excel_scientific_id"), vec![2, 3]);
    // Two IDs in scientific notation already show Excel touched the column: the rounded
    // one after them is an error too.
    assert_eq!(lines(&r, "excel_rounded_id"), vec![4]);
    assert_eq!(r.valid_rows, 1);
}

#[test]
fn ms_timestamps_are_flagged_with_seconds_as_fix() {
    let (r, _) = check("ms-timestamps.csv", UploadKind::Conversions, &opts());
    let fixes: Vec<Option<&str>> = r
        .issues
        .iter()
        .filter(|i| i.code == "milliseconds_timestamp")
        .map(|i| i.fix.as_deref())
        .collect();
    assert_eq!(fixes, vec![Some("1794228120"), Some("1794297900")]);
    assert_eq!(r.valid_rows, 1);
}

#[test]
fn iso_offset_dates_are_converted_to_the_counter_zone() {
    let (r, text) = write("iso-offset-dates.csv", UploadKind::SimpleOrders, &opts());
    assert_clean(&r, 3);
    assert_eq!(text.matches("2026-11-06 09:05:00").count(), 3, "{text}");
    assert_eq!(r.count_of(IssueCode::DatetimeOffsetConverted), 3);
}

#[test]
fn bitrix24_deals_map_themselves_and_suggest_statuses() {
    let (r, m) = check("bitrix24-deals.csv", UploadKind::SimpleOrders, &opts());
    assert_eq!(r.unmapped_columns, vec!["Название сделки".to_string()]);
    assert_eq!(r.count_of(IssueCode::UnmappedStatus), 6);
    let mut src = open(&fixture("bitrix24-deals.csv"), &ReadOptions::default()).unwrap();
    let statuses = distinct_statuses(src.as_mut(), &m).unwrap();
    let mut o = opts();
    for s in &statuses {
        o.status_map
            .insert(s.value.clone(), s.suggested.as_str().to_string());
    }
    let get = |v: &str| statuses.iter().find(|s| s.value == v).unwrap().suggested;
    assert_eq!(get("Сделка успешна"), OrderStatusType::Paid);
    assert_eq!(get("Сделка провалена"), OrderStatusType::Cancelled);
    assert_eq!(get("Счёт на предоплату"), OrderStatusType::InProgress);
    let (r, text) = write("bitrix24-deals.csv", UploadKind::SimpleOrders, &o);
    assert_clean(&r, 6);
    assert!(text.contains("\"79031234567,74957654321\""), "{text}");
    assert!(text.contains("45990.00"), "{text}");
    assert!(text.contains("ivan.petrov@example.ru"), "{text}");
}

#[test]
fn amocrm_export_maps_itself_and_suggests_statuses() {
    let (r, m) = check("amocrm-export.csv", UploadKind::SimpleOrders, &opts());
    assert_eq!(r.count_of(IssueCode::UnmappedStatus), 5);
    // «Контакт» holds the contact's name: never sent as the client's number.
    assert!(!m.fields.contains_key("client_uniq_id"), "{m:?}");
    let mut src = open(&fixture("amocrm-export.csv"), &ReadOptions::default()).unwrap();
    let statuses = distinct_statuses(src.as_mut(), &m).unwrap();
    let mut o = opts();
    for s in &statuses {
        o.status_map
            .insert(s.value.clone(), s.suggested.as_str().to_string());
    }
    let (r, text) = write("amocrm-export.csv", UploadKind::SimpleOrders, &o);
    assert_clean(&r, 5);
    assert!(
        text.contains("30412,2026-11-10 14:05:00,79161234567,ivan@example.ru,PAID,12500,RUB")
            || text.contains("12500"),
        "{text}"
    );
    assert!(text.contains("CANCELLED"));
}

#[test]
fn mapping_template_maps_the_same_export_next_time() {
    let src = open(&fixture("bitrix24-deals.csv"), &ReadOptions::default()).unwrap();
    let headers = src.info().headers.clone();
    let mut m = auto_map(UploadKind::SimpleOrders, &headers).mapping;
    m.set_constant("currency", "RUB");
    let saved = m.to_json();
    let back = Mapping::from_json(&saved).unwrap();
    assert!(back.fits(&headers));
    assert_eq!(back, m);
}

/// docs/metrika-api.md §4.2: Yandex accepts `DateTime` with a fraction of a second; we send the
/// whole second and say so.
#[test]
fn fractional_unix_seconds_are_truncated_with_a_notice() {
    let (r, text) = write("fractional-seconds.csv", UploadKind::Conversions, &opts());
    assert_clean(&r, 2);
    assert_eq!(lines(&r, "fractional_seconds_truncated"), vec![2]);
    assert!(text.contains(",1794228120,"), "{text}");
    assert!(!text.contains("1794228120.12345"), "{text}");
}

/// Validates `text` as `kind` with the sample goals plus `form.submit` and `оплата_в_офисе`.
fn check_text(text: &str, kind: UploadKind, order_status_ids: Option<Vec<String>>) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, text).unwrap();
    let mut o = opts();
    if let Some(g) = o.goals.as_mut() {
        g.push("form.submit".into());
        g.push("оплата_в_офисе".into());
    }
    o.order_status_ids = order_status_ids;
    let mut src = open(&path, &ReadOptions::default()).unwrap();
    let m = auto_map(kind, &src.info().headers).mapping;
    validate(src.as_mut(), &m, &o, &mut no_progress()).unwrap()
}

/// docs/metrika-api.md §3.3: identifiers that exist among the counter's goals pass for
/// `Target`, whatever their characters (only `/ \ & # ? = "` are forbidden by Yandex).
#[test]
fn goal_identifiers_with_dots_and_cyrillic_pass_as_target() {
    let r = check_text(
        "ClientId,Target,DateTime\n1762345098123456789,form.submit,1794228120\n\
         1762345098123456789,оплата_в_офисе,1794228121\n",
        UploadKind::Conversions,
        None,
    );
    assert_clean(&r, 2);
    // Not among the goals but a possible identifier: a warning, not "a goal name".
    let r = check_text(
        "ClientId,Target,DateTime
1762345098123456789,lead.qualified,1794228120
",
        UploadKind::Conversions,
        None,
    );
    assert_clean(&r, 1);
    assert_eq!(lines(&r, "unknown_goal"), vec![2]);
}

/// Seed 004 (docs/metrika-api.md §5.2): without a mapping the counter's JS-goal identifiers
/// are valid `order_status` values — in simple and in detailed orders.
#[test]
fn js_goal_identifiers_are_valid_order_statuses() {
    let r = check_text(
        "id,create_date_time,client_ids,order_status,goals\n\
         A-1,2026-11-05 14:22:10,1762345098123456789,form.submit,\"form.submit:100,оплата_в_офисе\"\n",
        UploadKind::SimpleOrders,
        None,
    );
    assert_clean(&r, 1);
    let r = check_text(
        "id,client_uniq_id,client_type,create_date_time,order_status\n\
         A-2,C-1,CONTACT,2026-11-05 14:22:10,оплата_в_офисе\n",
        UploadKind::Orders,
        Some(vec!["success".into()]),
    );
    assert_clean(&r, 1);
}

/// A quote opened in a comment and closed on the next row is not one merged row (one row lost,
/// the other with the wrong price, no error): each line is reported with its column.
#[test]
fn a_quote_that_runs_into_the_next_row_is_an_error_on_both_lines() {
    let r = check_text(
        "ClientId,Target,DateTime,Comment,Price\n\
         1762345098123456789,offline_paid,1794228120,\"VIP клиент,5000\n\
         1762101987654321098,offline_paid,1794228121,обычный\",7000\n",
        UploadKind::Conversions,
        None,
    );
    let got: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.code.to_string(), i.line, i.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("unclosed_quote".to_string(), 2, Some("Comment")),
            ("stray_quote".to_string(), 3, Some("Comment")),
        ]
    );
    assert_eq!(r.valid_rows, 0);
    assert!(!r.is_uploadable());
}
