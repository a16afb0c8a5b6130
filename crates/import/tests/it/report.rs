//! The check report a person reads (issue 10): notices summarised per (code, column) with two
//! before → after examples, machine values with a human form, totals rows and notes skipped
//! with one notice. Fixtures from fixtures/make_report_fixtures.py.

use crate::fixtures::{fixture, opts};
use mb_import::mapping::{auto_map, detect_kind};
use mb_import::pipeline::{no_progress, validate};
use mb_import::read::{ReadOptions, open};
use mb_import::report::{Report, Severity};
use mb_schema::UploadKind;

fn check(name: &str) -> Report {
    let mut src = open(&fixture(name), &ReadOptions::default()).unwrap();
    let headers = src.info().headers.clone();
    let (kind, _) = detect_kind(&headers).unwrap_or_else(|| panic!("{name}: no kind"));
    assert_eq!(kind, UploadKind::SimpleOrders, "{name}: {headers:?}");
    let m = auto_map(kind, &headers).mapping;
    let mut o = opts();
    o.status_map = [
        ("Оплачен", "PAID"),
        ("В работе", "IN_PROGRESS"),
        ("Новый", "IN_PROGRESS"),
        ("Отменён", "CANCELLED"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    validate(src.as_mut(), &m, &o, &mut no_progress()).unwrap()
}

fn count(r: &Report, code: &str) -> u64 {
    r.count_of(mb_import::codes::IssueCode::parse(code).expect("a known code"))
}

#[test]
fn a_clean_crm_export_is_summarised_not_listed() {
    let r = check("crm-ru-statuses-totals.csv");
    let problems: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity != Severity::Notice)
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    // 42 orders; the totals row and the trailing note are not data.
    assert_eq!((r.rows, r.valid_rows), (42, 42));
    assert_eq!(count(&r, "summary_row_skipped"), 1);
    assert_eq!(count(&r, "note_row_skipped"), 1);
    // Every kind of change is one line with a count and its first two examples.
    let notices: Vec<_> = r
        .counts
        .iter()
        .filter(|c| c.severity == Severity::Notice)
        .collect();
    assert!(notices.len() <= 8, "{notices:#?}");
    for c in &notices {
        assert_eq!(c.examples.len() as u64, c.count.min(2), "{c:#?}");
    }
    let phones = notices
        .iter()
        .find(|c| c.column.as_deref() == Some("phones"))
        .unwrap();
    let ex = &phones.examples[0];
    assert_eq!(
        (ex.line, ex.value.as_str(), ex.fix.as_deref()),
        (2, "8 (912) 345-67-89", Some("79123456789"))
    );
    // Dates come back as a person wrote them, not in Metrica's form.
    let dates = notices
        .iter()
        .find(|c| c.column.as_deref() == Some("create_date_time"))
        .unwrap();
    let ex = &dates.examples[0];
    assert_eq!(ex.fix.as_deref(), Some("2026-11-14 09:00:00"));
    assert_eq!(ex.shown.as_deref(), Some("14.11.2026 09:00"));
}

#[test]
fn a_workbook_with_a_title_row_and_a_totals_row_checks_clean() {
    let r = check("orders-title-totals.xlsx");
    assert_eq!(r.header_line, 2);
    assert!(!r.has_errors(), "{:#?}", r.issues);
    assert_eq!((r.rows, r.valid_rows), (5, 5));
    assert_eq!(count(&r, "summary_row_skipped"), 1);
    let skipped = r
        .issues
        .iter()
        .find(|i| i.code == "summary_row_skipped")
        .unwrap();
    assert_eq!((skipped.line, skipped.value.as_str()), (8, "Итого:"));
}

#[test]
fn a_file_with_errors_names_each_with_its_line() {
    let r = check("orders-with-errors.csv");
    let at = |code: &str| -> Vec<u64> {
        r.issues
            .iter()
            .filter(|i| i.code == code)
            .map(|i| i.line)
            .collect()
    };
    assert_eq!(at("invalid_datetime"), vec![3]);
    assert_eq!(at("empty_order_id"), vec![4]);
    assert_eq!(at("future_datetime"), vec![5]);
    assert_eq!(at("invalid_phone"), vec![6]);
    assert_eq!(at("invalid_money"), vec![7]);
    assert_eq!(r.valid_rows, 3);
    // Errors lead the list, then warnings, then notices.
    let sev: Vec<Severity> = r.issues.iter().map(|i| i.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
}
