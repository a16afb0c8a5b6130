//! The streaming pipeline end to end through the real reader: bounded issues with a spill
//! file, split output parts, hashing that keeps raw contacts out of the output, skip-invalid.

use mb_import::IssueCode;
use mb_import::mapping::auto_map;
use mb_import::pipeline::{no_progress, prepare};
use mb_import::read::{ReadOptions, open_bytes};
use mb_import::report::{Issue, Severity};
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::UploadKind;

fn opts() -> ValidateOptions {
    let mut o = ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().unwrap());
    // Tests that want a spill file name one in their temp dir.
    o.issue_spill_path = None;
    o
}

fn source(text: String) -> Box<dyn mb_import::read::RowSource> {
    open_bytes(text.into_bytes(), "x.csv", &ReadOptions::default()).unwrap()
}

#[test]
fn a_million_style_bad_file_keeps_a_short_summary_and_spills_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ClientId,Target,DateTime\n");
    for i in 0..5000 {
        text.push_str(&format!("1.76235E+18,offline_paid,{}\n", 1_794_228_120 + i));
    }
    let mut src = source(text);
    let m = auto_map(UploadKind::Conversions, &src.info().headers).mapping;
    let mut o = opts();
    o.max_issues = 100;
    o.max_errors = 100;
    o.issue_spill_path = Some(dir.path().join("issues.jsonl"));
    let r = prepare(src.as_mut(), &m, &o, None, &mut no_progress()).unwrap();
    assert_eq!(r.issues.len(), 100);
    assert!(r.truncated_issues);
    assert_eq!(r.count_of(IssueCode::ExcelScientificId), 5000);
    let c = r
        .counts
        .iter()
        .find(|c| c.code == "excel_scientific_id")
        .unwrap();
    assert_eq!(
        (c.column.as_deref(), c.severity),
        (Some("ClientId"), Severity::Error)
    );
    let spilled = std::fs::read_to_string(r.issue_spill_path.as_ref().unwrap()).unwrap();
    let codes: std::collections::BTreeMap<String, usize> =
        spilled.lines().fold(Default::default(), |mut m, l| {
            let i: Issue = serde_json::from_str(l).unwrap();
            *m.entry(i.code.to_string()).or_default() += 1;
            m
        });
    assert_eq!(spilled.lines().count(), 4900, "{codes:?}");
    let last: Issue = serde_json::from_str(spilled.lines().last().unwrap()).unwrap();
    assert_eq!(last.line, 5001);
}

#[test]
fn output_is_split_into_parts_under_the_limit_each_with_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,create_date_time,phones\n");
    for i in 0..300 {
        text.push_str(&format!(
            "A-{i},2026-11-10 10:00:00,+7 916 123-{:02}-{:02}\n",
            i / 100,
            i % 100
        ));
    }
    let mut src = source(text);
    let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
    let mut spec = OutputSpec::new(dir.path().join("out.csv"));
    spec.max_bytes = 2000;
    let r = prepare(src.as_mut(), &m, &opts(), Some(&spec), &mut no_progress()).unwrap();
    assert!(r.outputs.len() >= 5, "{:?}", r.outputs);
    let mut rows = 0;
    for p in &r.outputs {
        let t = std::fs::read_to_string(p).unwrap();
        assert!(t.len() <= 2000);
        assert!(t.starts_with("id,create_date_time,phones\n"));
        rows += t.lines().count() - 1;
    }
    assert_eq!(rows, 300);
    assert!(r.outputs[1].ends_with("out.part2.csv"));
}

/// A line the reader could not split (a stray quote) goes to the rejected-rows file whole,
/// for the user to fix and send: it was cut to the 200 characters a report shows.
#[test]
fn a_malformed_line_goes_whole_to_the_rejected_rows_file() {
    let dir = tempfile::tempdir().unwrap();
    let comment = "очень длинный комментарий ".repeat(20);
    let text = format!(
        "id,create_date_time,phones,comment\nA-1,2026-11-10 10:00:00,79161234567,ok\n\
         A-2,2026-11-10 11:00:00,79161234568,x\"{comment}\n"
    );
    let mut src = source(text);
    let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
    let mut spec = OutputSpec::new(dir.path().join("out.csv"));
    spec.rejected_path = Some(dir.path().join("rejected.csv"));
    let r = prepare(src.as_mut(), &m, &opts(), Some(&spec), &mut no_progress()).unwrap();
    assert_eq!(r.invalid_rows, 1);
    let rejected = std::fs::read_to_string(dir.path().join("rejected.csv")).unwrap();
    assert!(rejected.contains(comment.trim_end()), "{rejected}");
}

#[test]
fn hashing_keeps_raw_contacts_out_of_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "id;create_date_time;emails;phones\nA-1;2026-11-10 10:00;Mail@Yandex.ru;8 999 555-11-11\n";
    let mut src = source(text.to_string());
    let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
    let mut o = opts();
    o.hash_contacts = true;
    let spec = OutputSpec::new(dir.path().join("out.csv"));
    let r = prepare(src.as_mut(), &m, &o, Some(&spec), &mut no_progress()).unwrap();
    let out = std::fs::read_to_string(&r.outputs[0]).unwrap();
    assert_eq!(
        out,
        "id,create_date_time,emails_md5,phones_md5\n\
         A-1,2026-11-10 10:00:00,3c56ff8fef0f6c65b36b2d25720fe276,f09f2c3d48f31e2a802944ade2e5aec5\n"
    );
    assert!(!out.contains("yandex") && !out.contains("7999"));
}

#[test]
fn skip_invalid_makes_a_file_with_bad_rows_uploadable() {
    let text = "ClientId,Target,DateTime\n\
                1762345098123456789,offline_paid,1794228120\n\
                1762345098123456789,offline_paid,4102444800\n";
    let mut src = source(text.to_string());
    let m = auto_map(UploadKind::Conversions, &src.info().headers).mapping;
    let r = prepare(src.as_mut(), &m, &opts(), None, &mut no_progress()).unwrap();
    assert!(r.has_errors() && !r.is_uploadable());
    let mut src = source(text.to_string());
    let mut o = opts();
    o.skip_invalid = true;
    let r = prepare(src.as_mut(), &m, &o, None, &mut no_progress()).unwrap();
    assert!(r.has_errors() && r.is_uploadable());
    assert_eq!((r.valid_rows, r.invalid_rows), (1, 1));
}

#[test]
fn constants_fill_missing_columns_for_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = "ClientId,DateTime,Price\n1762345098123456789,1794228120,\"1 500,00\"\n";
    let mut src = source(text.to_string());
    let mut m = auto_map(UploadKind::Conversions, &src.info().headers).mapping;
    m.set_constant("Target", "offline_paid");
    m.set_constant("Currency", "RUB");
    let spec = OutputSpec::new(dir.path().join("out.csv"));
    let r = prepare(src.as_mut(), &m, &opts(), Some(&spec), &mut no_progress()).unwrap();
    assert!(!r.has_errors(), "{:?}", r.issues);
    assert_eq!(
        r.mapping.get("Target").map(String::as_str),
        Some("=offline_paid")
    );
    let out = std::fs::read_to_string(&r.outputs[0]).unwrap();
    assert_eq!(
        out,
        "ClientId,Target,DateTime,Price,Currency\n1762345098123456789,offline_paid,1794228120,1500.00,RUB\n"
    );
}

/// Reference §5.3: a contacts file carries documented columns and attributes declared on the
/// counter. A declared attribute is checked in its type's format and sent under its name; an
/// undeclared one stops the file before any row is read.
#[test]
fn contact_attribute_columns_are_sent_only_when_the_counter_declares_them() {
    use mb_import::attributes::{CounterAttribute, map_attributes};
    let dir = tempfile::tempdir().unwrap();
    let text = "ID,Имя,Уровень лояльности,Дата рождения\n\
                C-1,Анна,\"1 250,5\",01.05.1990\n\
                C-2,Борис,много,\n"
        .to_string();
    let declared = vec![
        CounterAttribute {
            name: "loyalty".into(),
            type_name: "numeric".into(),
            multivalued: false,
            humanized: "Уровень лояльности".into(),
        },
        CounterAttribute {
            name: "birthday".into(),
            type_name: "date".into(),
            multivalued: false,
            humanized: "Дата рождения".into(),
        },
    ];
    let mut src = source(text.clone());
    let headers = src.info().headers.clone();
    let mut m = auto_map(UploadKind::Contacts, &headers).mapping;
    assert_eq!(
        map_attributes(&mut m, &headers, &declared),
        vec!["loyalty", "birthday"]
    );
    let mut o = opts();
    o.attributes = Some(declared.clone());
    o.skip_invalid = true;
    let spec = OutputSpec::new(dir.path().join("out.csv"));
    let r = prepare(src.as_mut(), &m, &o, Some(&spec), &mut no_progress()).unwrap();
    let out = std::fs::read_to_string(&r.outputs[0]).unwrap();
    let mut lines = out.lines();
    let head = lines.next().unwrap();
    assert!(
        head.contains("loyalty") && head.contains("birthday"),
        "{head}"
    );
    let first = lines.next().unwrap();
    assert!(
        first.contains("1250.5") && first.contains("1990-05-01"),
        "{out}"
    );
    let bad = r
        .issues
        .iter()
        .find(|i| i.line == 3)
        .expect("«много» is not a number");
    assert_eq!(bad.column.as_deref(), Some("loyalty"));
    assert_eq!(bad.severity, Severity::Error);
    // Said as a number, not as a sum of money.
    assert_eq!(bad.code, "invalid_number", "{bad:?}");
    assert!(
        r.issues
            .iter()
            .any(|i| i.line == 2 && i.code == "number_normalized"),
        "{:?}",
        r.issues
    );

    // The same mapping for a counter that declares only `birthday`: the file is blocked.
    let mut src = source(text);
    let mut o = opts();
    o.attributes = Some(declared[1..].to_vec());
    let r = prepare(src.as_mut(), &m, &o, None, &mut no_progress()).unwrap();
    let issue = r
        .issues
        .iter()
        .find(|i| i.code == "attribute_not_on_counter")
        .expect("undeclared attribute reported");
    assert_eq!(
        (issue.column.as_deref(), issue.value.as_str(), issue.line),
        (Some("Уровень лояльности"), "loyalty", 1)
    );
    assert_eq!(r.valid_rows, 0, "nothing is prepared from a blocked file");
}

/// A repeated order number is said at its column («Номер заказа»), not at the whole row.
#[test]
fn a_repeated_order_number_is_said_at_its_column() {
    let text = "Номер заказа;Дата создания;Телефон;Статус;Сумма\n\
                Z-1;02.10.2026 10:15;8 (916) 123-45-67;Оплачен;2990\n\
                Z-1;02.10.2026 12:40;+7 903 111-22-33;В работе;4200\n"
        .to_string();
    let mut src = source(text);
    let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
    let r = prepare(src.as_mut(), &m, &opts(), None, &mut no_progress()).unwrap();
    let repeat = r
        .issues
        .iter()
        .find(|i| i.code == IssueCode::DuplicateOrderId)
        .expect("the second Z-1 is a repeat");
    assert_eq!(
        (repeat.line, repeat.column.as_deref()),
        (3, Some("id")),
        "{repeat:?}"
    );
}
