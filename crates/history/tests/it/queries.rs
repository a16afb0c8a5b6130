//! History list filters, the agency overview and the CSV export.

use crate::common::{new_upload, report, store, t0};
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use mb_history::{ClientProfile, EXPORT_COLUMNS, ServerReport, Store, UploadFilter, UploadState};
use mb_schema::{MergeMode, UploadKind};

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// Five uploads a minute apart: ids 1..=5.
fn seeded() -> Store {
    let (s, clock) = store();
    let plan = [
        ("alpha", 100, UploadKind::Conversions, "январь.csv"),
        ("alpha", 100, UploadKind::Calls, "calls_50%.csv"),
        ("beta", 200, UploadKind::SimpleOrders, "orders.xlsx"),
        ("beta", 200, UploadKind::SimpleOrders, "=HYPERLINK(1).csv"),
        ("alpha", 300, UploadKind::Conversions, "feb.csv"),
    ];
    for (i, (login, counter, kind, name)) in plan.into_iter().enumerate() {
        let mut n = new_upload(counter, kind, &i.to_string());
        n.account_login = login.into();
        n.source.name = name.into();
        if counter == 100 {
            n.options = Some(serde_json::json!({ "counter_name": "Мебель «Рома»" }));
        }
        let u = s.record_prepared(&n).unwrap();
        if i != 4 {
            s.mark_sending(u.id).unwrap();
        }
        match i {
            0 => {
                let r = ServerReport {
                    linked_quantity: Some(3),
                    line_quantity: Some(4),
                    source_quantity: Some(4),
                    ..report("PROCESSED")
                };
                s.mark_sent(u.id, "48213377", &r).unwrap();
            }
            1 => {
                s.mark_failed(u.id, Some("network: connection reset"))
                    .unwrap();
            }
            2 | 3 => {
                let r = ServerReport {
                    elements_count: Some(5),
                    ..report("PASSED")
                };
                s.mark_sent(u.id, &format!("uuid-{i}"), &r).unwrap();
            }
            _ => {}
        }
        clock.advance(mins(1));
    }
    s
}

fn ids(s: &Store, f: UploadFilter) -> Vec<i64> {
    s.uploads(&f).unwrap().iter().map(|u| u.id).collect()
}

#[test]
fn lists_newest_first_and_every_filter_narrows() {
    let s = seeded();
    assert_eq!(ids(&s, UploadFilter::default()), [5, 4, 3, 2, 1]);
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                account: Some("beta".into()),
                ..Default::default()
            }
        ),
        [4, 3]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                counter: Some(100),
                ..Default::default()
            }
        ),
        [2, 1]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                kind: Some(UploadKind::Conversions),
                ..Default::default()
            }
        ),
        [5, 1]
    );
    let st = vec![UploadState::Failed, UploadState::Prepared];
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                states: st,
                ..Default::default()
            }
        ),
        [5, 2]
    );
    let (from, to) = (Some(t0() + mins(1)), Some(t0() + mins(3)));
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                from,
                to,
                ..Default::default()
            }
        ),
        [3, 2]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                text: Some("ЯНВАРЬ".into()),
                ..Default::default()
            }
        ),
        [1],
        "Cyrillic in any case"
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                text: Some("январь".into()),
                ..Default::default()
            }
        ),
        [1]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                // With the dot: a random hex upload tag can contain "feb" (flaky before).
                text: Some("FEB.CSV".into()),
                ..Default::default()
            }
        ),
        [5]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                text: Some("50%".into()),
                ..Default::default()
            }
        ),
        [2]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                text: Some("%".into()),
                ..Default::default()
            }
        ),
        [2],
        "% is literal"
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                text: Some("reset".into()),
                ..Default::default()
            }
        ),
        [2]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                text: Some("48213377".into()),
                ..Default::default()
            }
        ),
        [1]
    );
    assert_eq!(
        ids(
            &s,
            UploadFilter {
                limit: Some(2),
                offset: 1,
                ..Default::default()
            }
        ),
        [4, 3]
    );
    let f = UploadFilter {
        account: Some("alpha".into()),
        limit: Some(1),
        ..Default::default()
    };
    assert_eq!(s.count_uploads(&f).unwrap(), 3);
}

#[test]
fn filter_deserialises_from_partial_json_for_the_cli_and_app() {
    let f: UploadFilter =
        serde_json::from_str(r#"{"counter": 100, "states": ["failed"]}"#).unwrap();
    assert_eq!(f.counter, Some(100));
    assert_eq!(f.states, [UploadState::Failed]);
    assert_eq!(f.limit, None);
}

#[test]
fn agency_overview_shows_every_counter_with_its_last_upload() {
    let s = seeded();
    s.save_profile(&ClientProfile {
        counter_id: 999,
        account_login: "gamma".into(),
        counter_name: Some("Новый клиент".into()),
        default_goal: None,
        currency: None,
        time_zone: None,
        merge_mode: MergeMode::Save,
        hash_contacts: false,
        ledger_opt_in: false,
    })
    .unwrap();
    let o = s.agency_overview().unwrap();
    let rows: Vec<_> = o
        .iter()
        .map(|c| {
            (
                c.counter_id,
                c.last_upload.as_ref().map(|u| (u.id, u.state)),
                c.uploads_total,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (300, Some((5, UploadState::Prepared)), 1),
            (200, Some((4, UploadState::Processed)), 2),
            (100, Some((2, UploadState::Failed)), 2),
            (999, None, 0),
        ]
    );
    assert_eq!(o[3].counter_name.as_deref(), Some("Новый клиент"));
    assert_eq!(o[3].account_login.as_deref(), Some("gamma"));
    assert_eq!(o[0].account_login.as_deref(), Some("alpha"));
    assert_eq!(o[2].linked_share, None, "last upload failed: no share");
}

#[test]
fn linked_share_comes_from_the_last_upload() {
    let s = seeded();
    let o = s.agency_overview().unwrap();
    let c100 = o.iter().find(|c| c.counter_id == 100).unwrap();
    assert_eq!(c100.last_upload.as_ref().unwrap().id, 2);
    let u1 = s.upload(1).unwrap();
    assert_eq!(u1.linked_share(), Some(0.75));
}

#[test]
fn csv_export_is_ready_for_russian_excel() {
    let s = seeded();
    let mut out = Vec::new();
    let tz = TimeZone::get("Europe/Moscow").unwrap();
    let n = s
        .export_csv(&UploadFilter::default(), &tz, &mut out)
        .unwrap();
    assert_eq!(n, 5);
    assert!(out.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = std::str::from_utf8(&out[3..]).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    // The time columns name the zone their times are in.
    let named: Vec<String> = EXPORT_COLUMNS
        .iter()
        .map(|c| match *c {
            "Создано" | "Отправлено" | "Завершено" => {
                format!("{c} (Europe/Moscow)")
            }
            c => c.to_string(),
        })
        .collect();
    assert_eq!(header, named);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let col = |name: &str| EXPORT_COLUMNS.iter().position(|c| *c == name).unwrap();
    let first = &rows[4]; // oldest last
    assert_eq!(&first[col("№")], "1");
    assert_eq!(&first[col("Создано")], "2026-11-22 10:15:00", "Moscow time");
    assert_eq!(&rows[1][col("Тип")], "Заказы из CRM");
    // The app's words for states and kinds (the catalogue the window and the CLI use).
    assert_eq!(&first[col("Состояние")], "Готово");
    assert_eq!(&first[col("Тип")], "Офлайн-конверсии");
    assert_eq!(&first[col("Доля связанных, %")], "75,0");
    assert_eq!(&first[col("Файл")], "январь.csv");
    // The counter by its number and its name at the send (none kept: empty).
    assert_eq!(&first[col("Счётчик")], "100");
    assert_eq!(&first[col("Название счётчика")], "Мебель «Рома»");
    assert_eq!(&rows[1][col("Название счётчика")], "");
    assert_eq!(
        &rows[1][col("Файл")],
        "'=HYPERLINK(1).csv",
        "formula neutralised"
    );
    assert_eq!(
        &rows[1][col("Строк прошло проверку")],
        "5",
        "CRM elements_count"
    );
    assert_eq!(
        &rows[3][col("Сообщение сервера")],
        "network: connection reset"
    );
}
