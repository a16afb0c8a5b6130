//! The reading layer over every fixture in /work/main/fixtures, overrides, format detection,
//! bounded previews, and property tests (round trips through csv::Writer; no panics on junk).

use std::path::{Path, PathBuf};

use mb_import::read::{
    self, Malformed, MalformedKind, ReadError, ReadEvent, ReadOptions, Row, RowSource, SourceFormat,
};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// Every event of a source: rows as (line, record, cells), malformed records aside.
type Rows = Vec<(u64, u64, Vec<String>)>;

fn drain(source: &mut dyn RowSource) -> (Rows, Vec<Malformed>) {
    let mut row = Row::new();
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    while let Some(event) = source.next_event(&mut row).expect("read") {
        match event {
            ReadEvent::Row => {
                rows.push((row.line, row.record, row.iter().map(String::from).collect()))
            }
            ReadEvent::Malformed(m) => bad.push(m),
        }
    }
    (rows, bad)
}

fn read_fixture(name: &str, opts: &ReadOptions) -> (Box<dyn RowSource>, Rows, Vec<Malformed>) {
    let mut source = read::open(&fixture(name), opts).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let (rows, bad) = drain(source.as_mut());
    (source, rows, bad)
}

fn cells(row: &(u64, u64, Vec<String>)) -> Vec<&str> {
    row.2.iter().map(String::as_str).collect()
}

#[test]
fn good_samples_parse_as_the_samples_readme_says() {
    // (file, data rows, delimiter, encoding, BOM, first header)
    let table = [
        ("offline_clientid.csv", 5, ',', "UTF-8", false, "ClientId"),
        ("offline_userid.csv", 4, ',', "UTF-8", false, "UserId"),
        ("offline_yclid.csv", 3, ',', "UTF-8", false, "Yclid"),
        ("offline_mixed_ids.csv", 5, ',', "UTF-8", false, "ClientId"),
        ("calls_clientid.csv", 4, ',', "UTF-8", false, "ClientId"),
        ("simple_orders_comma.csv", 5, ',', "UTF-8", false, "id"),
        (
            "simple_orders_cp1251_ru_statuses.csv",
            5,
            ';',
            "windows-1251",
            false,
            "id",
        ),
        (
            "simple_orders_excel_semicolon.csv",
            5,
            ';',
            "UTF-8",
            true,
            "id",
        ),
        ("contacts.csv", 4, ',', "UTF-8", false, "uniq_id"),
        ("orders.csv", 4, ';', "UTF-8", false, "id"),
        (
            "bad_future_datetime.csv",
            4,
            ',',
            "UTF-8",
            false,
            "ClientId",
        ),
        (
            "bad_missing_target_column.csv",
            2,
            ',',
            "UTF-8",
            false,
            "ClientId",
        ),
        (
            "bad_unknown_currency.csv",
            5,
            ',',
            "UTF-8",
            false,
            "ClientId",
        ),
    ];
    for (name, count, delim, enc, bom, first) in table {
        let (source, rows, bad) = read_fixture(name, &ReadOptions::default());
        let info = source.info();
        assert_eq!(rows.len(), count, "{name}");
        assert!(bad.is_empty(), "{name}: {bad:?}");
        assert_eq!(info.format, SourceFormat::Csv, "{name}");
        assert_eq!(info.delimiter, Some(delim), "{name}");
        assert_eq!(info.encoding, enc, "{name}");
        assert!(info.encoding_detected, "{name}");
        assert_eq!(info.bom, bom, "{name}");
        assert_eq!(info.header_line, 1, "{name}");
        assert_eq!(info.headers[0], first, "{name}");
        assert!(info.preamble.is_empty(), "{name}");
        // One record per physical line, header on line 1.
        let lines: Vec<u64> = rows.iter().map(|r| r.0).collect();
        let records: Vec<u64> = rows.iter().map(|r| r.1).collect();
        assert_eq!(lines, (2..2 + count as u64).collect::<Vec<_>>(), "{name}");
        assert_eq!(records, (1..=count as u64).collect::<Vec<_>>(), "{name}");
        for row in &rows {
            assert_eq!(row.2.len(), info.headers.len(), "{name} line {}", row.0);
        }
    }
}

#[test]
fn cp1251_sample_is_transcoded_and_keeps_crlf_out_of_cells() {
    let (source, rows, _) = read_fixture(
        "simple_orders_cp1251_ru_statuses.csv",
        &ReadOptions::default(),
    );
    let status = source
        .info()
        .headers
        .iter()
        .position(|h| h == "order_status")
        .unwrap();
    let statuses: Vec<&str> = rows.iter().map(|r| r.2[status].as_str()).collect();
    assert_eq!(
        statuses,
        ["Оплачен", "В работе", "Отменён", "Новый", "Спам"]
    );
    assert_eq!(rows[0].2.last().unwrap(), "RUB");
}

#[test]
fn excel_bom_is_stripped_from_the_first_header() {
    let (source, rows, _) =
        read_fixture("simple_orders_excel_semicolon.csv", &ReadOptions::default());
    assert_eq!(source.info().headers[0], "id");
    assert_eq!(rows[0].2[7], "12\u{a0}500,50");
    assert_eq!(rows[4].2[4], " mail@yandex.ru ");
}

#[test]
fn quoted_cells_with_delimiters_and_doubled_quotes_are_single_cells() {
    let (_, rows, _) = read_fixture("contacts.csv", &ReadOptions::default());
    assert_eq!(rows[1].2[5], "ivan@example.com,i.petrov@example.org");
    assert_eq!(rows[2].2[1], "ООО \"Ромашка-Опт\"");
    let (_, rows, _) = read_fixture("calls_clientid.csv", &ReadOptions::default());
    assert_eq!(rows[2].2[7], "консультация, перезвонить");
}

#[test]
fn broken_quoting_is_reported_where_it_starts_and_the_next_line_survives() {
    let (_, rows, bad) = read_fixture("bad_broken_quoting.csv", &ReadOptions::default());
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(bad[0].kind, MalformedKind::UnclosedQuote);
    assert_eq!((bad[0].line, bad[0].record), (2, 1));
    assert_eq!(bad[0].column.as_deref(), Some("emails"));
    assert!(bad[0].text.starts_with("D-1,"));
    assert_eq!(bad[1].kind, MalformedKind::StrayQuote);
    assert_eq!((bad[1].line, bad[1].record), (4, 3));
    assert_eq!(bad[1].column.as_deref(), Some("phones"));
    // A stray quote is shown in its cell as written, not as the whole line; an unclosed one,
    // which may run to the line's end, with the line.
    assert_eq!(bad[1].cell.as_deref(), Some("79160001122\""));
    assert_eq!(bad[1].shown(), "79160001122\"");
    assert_eq!(bad[0].cell, None);
    assert!(bad[1].text.starts_with("D-3,"));
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0, rows[0].1), (3, 2));
    assert_eq!(rows[0].2[0], "D-2");
}

#[test]
fn windows_1251_is_detected_and_reported() {
    let (source, rows, bad) = read_fixture("windows-1251-semicolon.csv", &ReadOptions::default());
    let info = source.info();
    assert_eq!(
        (info.encoding.as_str(), info.delimiter, info.bom),
        ("windows-1251", Some(';'), false)
    );
    assert!(bad.is_empty());
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1].2[5], "В работе");
}

#[test]
fn koi8r_is_told_apart_from_windows_1251() {
    let (source, rows, _) = read_fixture("koi8r.csv", &ReadOptions::default());
    assert_eq!(source.info().encoding, "KOI8-R");
    assert_eq!(
        source.info().headers,
        ["id", "name", "comment", "order_status"]
    );
    assert_eq!(rows[0].2[1], "Иван Петров");
    assert_eq!(rows[0].2[2], "Доставка курьером до двери, звонить заранее");
}

#[test]
fn encoding_override_wins_and_is_not_reported_as_detected() {
    let opts = ReadOptions {
        encoding: Some("windows-1251".into()),
        ..ReadOptions::default()
    };
    let (source, rows, _) = read_fixture("koi8r.csv", &opts);
    assert_eq!(source.info().encoding, "windows-1251");
    assert!(!source.info().encoding_detected);
    assert_ne!(rows[0].2[1], "Иван Петров");
}

#[test]
fn unknown_encoding_label_is_an_error_with_the_label() {
    let opts = ReadOptions {
        encoding: Some("klingon".into()),
        ..ReadOptions::default()
    };
    match read::open(&fixture("orders.csv"), &opts) {
        Err(ReadError::UnknownEncoding(label)) => assert_eq!(label, "klingon"),
        other => panic!("{:?}", other.map(|s| s.info().clone())),
    }
}

#[test]
fn forced_utf8_on_windows_1251_reports_bad_encoding_per_line() {
    let opts = ReadOptions {
        encoding: Some("utf-8".into()),
        ..ReadOptions::default()
    };
    let (_, rows, bad) = read_fixture("windows-1251-semicolon.csv", &opts);
    // Every data line carries a Cyrillic status; none is yielded as a silently mangled row.
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(bad.iter().map(|m| m.line).collect::<Vec<_>>(), [2, 3, 4, 5]);
    assert!(bad.iter().all(|m| m.kind == MalformedKind::BadEncoding));
}

#[test]
fn utf16_with_bom_in_both_byte_orders() {
    for (name, enc, delim) in [
        ("utf16le-bom-tab.csv", "UTF-16LE", '\t'),
        ("utf16be-bom-comma.csv", "UTF-16BE", ','),
    ] {
        let (source, rows, bad) = read_fixture(name, &ReadOptions::default());
        let info = source.info();
        assert_eq!(
            (info.encoding.as_str(), info.bom, info.delimiter),
            (enc, true, Some(delim))
        );
        assert_eq!(info.headers[0], "id", "{name}");
        assert!(bad.is_empty(), "{name}: {bad:?}");
        assert_eq!(rows.len(), 4, "{name}");
        assert_eq!(rows[2].2[5], "Отменён", "{name}");
    }
}

#[test]
fn pipe_delimiter_is_sniffed() {
    let (source, rows, _) = read_fixture("pipe-delimited.csv", &ReadOptions::default());
    assert_eq!(source.info().delimiter, Some('|'));
    assert_eq!(rows.len(), 4);
}

#[test]
fn delimiter_override_wins() {
    let opts = ReadOptions {
        delimiter: Some(b','),
        ..ReadOptions::default()
    };
    let (source, rows, _) = read_fixture("orders.csv", &opts);
    assert_eq!(source.info().delimiter, Some(','));
    assert_eq!(source.info().headers.len(), 1);
    assert!(rows.len() <= 4);
}

#[test]
fn header_is_found_under_a_preamble() {
    let (source, rows, bad) = read_fixture("preamble-lines.csv", &ReadOptions::default());
    let info = source.info();
    assert_eq!(info.header_line, 4);
    assert_eq!(info.headers[0], "id");
    assert_eq!(
        info.preamble,
        ["Отчёт по продажам за ноябрь", "Выгружено: 22.11.2026"]
    );
    assert!(bad.is_empty());
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(5, 1), (6, 2), (7, 3), (8, 4)]
    );
}

#[test]
fn header_line_override_wins() {
    let opts = ReadOptions {
        header_line: Some(2),
        ..ReadOptions::default()
    };
    let (source, rows, _) = read_fixture("offline_yclid.csv", &opts);
    assert_eq!(source.info().header_line, 2);
    assert_eq!(source.info().headers[0], "7321456098712345601");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].0, 3);
}

#[test]
fn mixed_line_endings_count_as_editor_lines() {
    let (_, rows, bad) = read_fixture("mixed-line-endings.csv", &ReadOptions::default());
    assert!(bad.is_empty());
    let got: Vec<(u64, Vec<&str>)> = rows.iter().map(|r| (r.0, cells(r))).collect();
    assert_eq!(
        got,
        [
            (2, vec!["1", "a", "10"]),
            (3, vec!["2", "b", "20"]),
            (4, vec!["3", "c", "30"]),
            (5, vec!["4", "d", "40"])
        ]
    );
}

#[test]
fn embedded_newlines_keep_physical_line_numbers_right() {
    let (_, rows, bad) = read_fixture("embedded-newline-quoted.csv", &ReadOptions::default());
    assert!(bad.is_empty(), "{bad:?}");
    let got: Vec<(u64, u64, Vec<&str>)> = rows.iter().map(|r| (r.0, r.1, cells(r))).collect();
    assert_eq!(
        got,
        [
            (2, 1, vec!["1", "first line\nsecond line", "10"]),
            (4, 2, vec!["2", "ООО \"Ромашка\"", "20"]),
            (5, 3, vec!["3", "a\r\nb\r\nc", "30"]),
            (8, 4, vec!["4", "plain", "40"]),
        ]
    );
}

#[test]
fn trailing_delimiters_and_empty_header_tail_are_dropped() {
    let (source, rows, bad) = read_fixture("trailing-delimiters.csv", &ReadOptions::default());
    assert_eq!(source.info().headers, ["id", "name", "sum"]);
    assert!(bad.is_empty());
    assert_eq!(
        rows.iter().map(cells).collect::<Vec<_>>(),
        [
            vec!["1", "a", "10"],
            vec!["2", "b", "20"],
            vec!["3", "c", ""]
        ]
    );
}

#[test]
fn blank_lines_anywhere_are_skipped_without_using_record_numbers() {
    let (_, rows, _) = read_fixture("blank-lines.csv", &ReadOptions::default());
    let got: Vec<(u64, u64, Vec<&str>)> = rows.iter().map(|r| (r.0, r.1, cells(r))).collect();
    assert_eq!(got, [(3, 1, vec!["1", "a"]), (6, 2, vec!["2", "b"])]);
}

#[test]
fn extra_non_empty_fields_are_too_many_fields() {
    let (_, rows, bad) = read_fixture("too-many-fields.csv", &ReadOptions::default());
    assert_eq!(bad.len(), 1);
    assert_eq!(
        (bad[0].kind, bad[0].line, bad[0].record),
        (MalformedKind::TooManyFields, 3, 2)
    );
    assert_eq!(bad[0].text, "2,b,surprise");
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(2, 1), (4, 3)]
    );
    assert_eq!(rows[1].2, ["3", "c"]);
}

#[test]
fn xlsx_picks_first_sheet_with_data_and_shows_cells_as_the_user_sees_them() {
    let (source, rows, bad) = read_fixture("leading-zeros.xlsx", &ReadOptions::default());
    let info = source.info();
    assert_eq!(info.format, SourceFormat::Xlsx);
    assert_eq!(info.sheets, ["Пусто", "Заказы", "Второй"]);
    assert_eq!(info.sheet.as_deref(), Some("Заказы"));
    assert_eq!((info.delimiter, info.encoding.as_str()), (None, "UTF-8"));
    assert_eq!(info.header_line, 3);
    assert_eq!(info.preamble, ["Отчёт по заказам"]);
    assert_eq!(info.headers[0], "id");
    assert!(bad.is_empty());
    let got: Vec<(u64, u64, Vec<&str>)> = rows.iter().map(|r| (r.0, r.1, cells(r))).collect();
    assert_eq!(
        got,
        [
            (
                4,
                1,
                vec![
                    "007123",
                    "1762345098123456789",
                    "89161234567",
                    "2026-11-10 10:15:00",
                    "2026-11-10",
                    "18450.5",
                    // openpyxl stored the float as 1.762345098123457e+18; Excel shows 15
                    // significant digits, and the zeros after them mark the id as rounded.
                    "1762345098123460000"
                ]
            ),
            (
                5,
                2,
                vec![
                    "000001",
                    "1762101987654321098",
                    "79031112233",
                    "2026-11-11 09:05:30",
                    "2026-11-11",
                    "7200",
                    "125000"
                ]
            ),
        ]
    );
}

#[test]
fn xlsx_sheet_can_be_chosen_by_name() {
    let opts = ReadOptions {
        sheet: Some("Второй".into()),
        ..ReadOptions::default()
    };
    let (source, rows, _) = read_fixture("leading-zeros.xlsx", &opts);
    assert_eq!(source.info().headers, ["x", "y"]);
    assert!(rows.is_empty());
    let opts = ReadOptions {
        sheet: Some("Нет такого".into()),
        ..ReadOptions::default()
    };
    assert!(matches!(
        read::open(&fixture("leading-zeros.xlsx"), &opts).err(),
        Some(ReadError::SheetNotFound(_))
    ));
}

#[test]
fn xls_dates_become_iso_text() {
    let (source, rows, bad) = read_fixture("dates.xls", &ReadOptions::default());
    assert_eq!(source.info().format, SourceFormat::Xls);
    assert!(bad.is_empty());
    let got: Vec<Vec<&str>> = rows.iter().map(cells).collect();
    assert_eq!(
        got,
        [
            vec![
                "007",
                "2026-11-10 10:15:00",
                "2026-11-10",
                "18450",
                "Оплачен"
            ],
            vec!["008", "2026-11-12 23:59:59", "2026-11-12", "349.9", "Новый"],
        ]
    );
}

#[test]
fn ods_is_read_through_calamine() {
    let (source, rows, _) = read_fixture("simple.ods", &ReadOptions::default());
    assert_eq!(source.info().format, SourceFormat::Ods);
    assert_eq!(source.info().sheets, ["Лист1"]);
    let got: Vec<Vec<&str>> = rows.iter().map(cells).collect();
    assert_eq!(
        got,
        [
            vec!["0042", "+7 (916) 123-45-67", "2026-11-10 10:15:00", "18450"],
            vec!["0043", "8 903 111-22-33", "2026-11-11", "349.9"],
        ]
    );
}

#[test]
fn format_comes_from_magic_bytes_not_the_extension() {
    let bytes = std::fs::read(fixture("leading-zeros.xlsx")).unwrap();
    let source = read::open_bytes(bytes, "export.csv", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().format, SourceFormat::Xlsx);
    let bytes = std::fs::read(fixture("dates.xls")).unwrap();
    let source = read::open_bytes(bytes, "export.txt", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().format, SourceFormat::Xls);
    let bytes = std::fs::read(fixture("orders.csv")).unwrap();
    let source = read::open_bytes(bytes, "orders.xlsx", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().format, SourceFormat::Csv);
}

#[test]
fn empty_and_binary_sources_are_errors() {
    let opts = ReadOptions::default();
    assert!(matches!(
        read::open_bytes(Vec::new(), "a.csv", &opts).err(),
        Some(ReadError::Empty)
    ));
    assert!(matches!(
        read::open_bytes(b"\xEF\xBB\xBF\r\n\n".to_vec(), "a.csv", &opts).err(),
        Some(ReadError::Empty)
    ));
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(matches!(
        read::open_bytes(junk, "a.csv", &opts).err(),
        Some(ReadError::NotText)
    ));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10".to_vec();
    assert!(matches!(
        read::open_bytes(png, "a.csv", &opts).err(),
        Some(ReadError::NotText)
    ));
    // Documents whose start is text: no table, said so rather than read as one column.
    for doc in [
        &b"%PDF-1.4\n%hello\n1 0 obj\n"[..],
        b"{\\rtf1\\ansi hello}\n",
    ] {
        assert!(matches!(
            read::open_bytes(doc.to_vec(), "счёт.csv", &opts).err(),
            Some(ReadError::NotText)
        ));
    }
}

#[test]
fn preview_of_a_50_mb_file_reads_only_a_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(w, "ClientId,Target,DateTime,Price,Currency").unwrap();
        let mut i = 0u64;
        while i < 900_000 {
            writeln!(
                w,
                "17623450981234{i:05},offline_paid,{},{}.50,RUB",
                1_794_228_120 + i,
                i
            )
            .unwrap();
            i += 1;
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 50_000_000, "{size}");
    let mut source = read::open(&path, &ReadOptions::default()).unwrap();
    let p = read::preview_source(source.as_mut(), 200).unwrap();
    assert_eq!(p.rows.len(), 200);
    assert!(p.truncated);
    assert_eq!(p.rows[199].0, 201);
    assert!(source.bytes_read() <= 256 * 1024, "{}", source.bytes_read());
    let p = read::preview(&path, &ReadOptions::default(), 200).unwrap();
    assert_eq!(p.info.file_size, size);
}

#[test]
fn bytes_read_reaches_the_file_size_at_the_end() {
    let (source, _, _) = read_fixture("orders.csv", &ReadOptions::default());
    assert_eq!(source.bytes_read(), source.info().file_size);
}

// ---------- property tests ----------

const CYRILLIC: &str = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";

/// Cell text from letters (Latin and Cyrillic), digits, spaces, quotes, line breaks and the
/// given extra characters (delimiters).
fn cell(extra: &'static str) -> impl Strategy<Value = String> {
    let mut alphabet: Vec<char> = "abcXYZ019 ".chars().collect();
    alphabet.extend(CYRILLIC.chars().step_by(7));
    alphabet.extend(['"', '\n']);
    alphabet.extend(extra.chars());
    let alphabet = std::sync::Arc::new(alphabet);
    let pieces = prop_oneof![
        8 => proptest::sample::select((*alphabet).clone()).prop_map(String::from),
        1 => Just("\r\n".to_owned()),
        1 => Just("\"\"".to_owned()),
    ];
    proptest::collection::vec(pieces, 0..8).prop_map(|v| v.concat())
}

fn table(extra: &'static str) -> impl Strategy<Value = (usize, Vec<Vec<String>>)> {
    (2usize..5).prop_flat_map(move |ncols| {
        let row = proptest::collection::vec(cell(extra), ncols)
            .prop_filter("blank rows are skipped by design", |r| {
                r.iter().any(|c| !c.trim().is_empty())
            });
        (Just(ncols), proptest::collection::vec(row, 0..12))
    })
}

/// Writes header + rows with csv::Writer and returns UTF-8 bytes plus each record's line.
fn write_csv(ncols: usize, rows: &[Vec<String>], delim: u8, crlf: bool) -> (Vec<u8>, Vec<u64>) {
    let term = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delim)
        .terminator(term)
        .from_writer(Vec::new());
    w.write_record((1..=ncols).map(|i| format!("col{i}")))
        .unwrap();
    let mut lines = Vec::new();
    let mut line = 2u64;
    for r in rows {
        w.write_record(r).unwrap();
        lines.push(line);
        let breaks: u64 = r
            .iter()
            .map(|c| c.replace("\r\n", "\n").matches('\n').count() as u64)
            .sum();
        line += 1 + breaks;
    }
    (w.into_inner().unwrap(), lines)
}

/// Tables the reader refuses by design: a cell on several lines whose later lines hold a row's
/// worth of delimiters (a middle line: one per column but the last; the last line, when the
/// record's first line held a row's worth itself: at least as many as the cells before this
/// one, and one), with three columns or more. A quote that swallows the next row looks
/// exactly like that, and is reported, not merged.
fn swallows_a_row(ncols: usize, rows: &[Vec<String>], delim: u8) -> bool {
    let n = |p: &str| p.bytes().filter(|&b| b == delim).count();
    ncols >= 3
        && rows.iter().any(|r| {
            // The delimiters of the record's first line as written (those inside quoted cells
            // too): the cells before its first cell on several lines, and that cell's first
            // line.
            let first = r.iter().position(|c| c.contains('\n')).map(|j| {
                j + r[..j].iter().map(|c| n(c)).sum::<usize>()
                    + n(r[j].replace("\r\n", "\n").split('\n').next().unwrap_or(""))
            });
            let opening_whole = first.is_some_and(|d| d + 1 >= ncols);
            r.iter().enumerate().any(|(k, c)| {
                let c = c.replace("\r\n", "\n");
                let parts: Vec<&str> = c.split('\n').collect();
                match parts.as_slice() {
                    [_, middle @ .., last] => {
                        middle.iter().any(|p| n(p) >= ncols - 1)
                            || (opening_whole && n(last) >= k.max(1))
                    }
                    _ => false,
                }
            })
        })
}

fn encode(text: &[u8], encoding: &str) -> Vec<u8> {
    let s = std::str::from_utf8(text).unwrap();
    match encoding {
        "utf-8" => text.to_vec(),
        "utf-8-bom" => [b"\xEF\xBB\xBF".as_slice(), text].concat(),
        "utf-16le" => [0xFF, 0xFE]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        "utf-16be" => [0xFE, 0xFF]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        label => {
            let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
            let (bytes, _, unmappable) = enc.encode(s);
            assert!(!unmappable);
            bytes.into_owned()
        }
    }
}

fn check_round_trip(
    ncols: usize,
    rows: &[Vec<String>],
    delim: u8,
    encoding: &str,
    crlf: bool,
    opts: &ReadOptions,
) -> Result<(), TestCaseError> {
    prop_assume!(!swallows_a_row(ncols, rows, delim));
    let (utf8, lines) = write_csv(ncols, rows, delim, crlf);
    let bytes = encode(&utf8, encoding);
    let mut source = read::open_bytes(bytes, "t.csv", opts)
        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    prop_assert_eq!(source.info().delimiter, Some(char::from(delim)));
    prop_assert_eq!(source.info().header_line, 1);
    prop_assert_eq!(source.info().headers.len(), ncols);
    let (got, bad) = drain(source.as_mut());
    prop_assert!(bad.is_empty(), "{:?}", bad);
    let got_cells: Vec<Vec<String>> = got.iter().map(|r| r.2.clone()).collect();
    let got_lines: Vec<u64> = got.iter().map(|r| r.0).collect();
    let want: Vec<Vec<String>> = rows.to_vec();
    prop_assert_eq!(got_cells, want);
    prop_assert_eq!(got_lines, lines);
    Ok(())
}

const ENCODINGS: [&str; 6] = [
    "utf-8",
    "utf-8-bom",
    "utf-16le",
    "utf-16be",
    "windows-1251",
    "koi8-r",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn round_trips_any_table_with_forced_encoding_and_delimiter(
        (ncols, rows) in table(",;\t|"),
        delim in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
        encoding in proptest::sample::select(ENCODINGS.to_vec()),
        crlf in any::<bool>(),
    ) {
        let label = encoding.trim_end_matches("-bom");
        let opts = ReadOptions {
            encoding: Some(label.to_owned()),
            delimiter: Some(delim),
            ..ReadOptions::default()
        };
        check_round_trip(ncols, &rows, delim, encoding, crlf, &opts)?;
    }

    #[test]
    fn round_trips_any_table_with_sniffed_delimiter_and_bom_or_utf8_encoding(
        (ncols, rows) in table(""),
        delim in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
        encoding in proptest::sample::select(vec!["utf-8", "utf-8-bom", "utf-16le", "utf-16be"]),
        crlf in any::<bool>(),
    ) {
        check_round_trip(ncols, &rows, delim, encoding, crlf, &ReadOptions::default())?;
    }

    #[test]
    fn reading_arbitrary_bytes_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        name in proptest::sample::select(vec!["a.csv", "a.xlsx", "a.ods", "a.xls"]),
        delim in proptest::option::of(any::<u8>()),
    ) {
        let opts = ReadOptions { delimiter: delim, ..ReadOptions::default() };
        if let Ok(mut source) = read::open_bytes(bytes, name, &opts) {
            let mut row = Row::new();
            let mut n = 0;
            while let Ok(Some(_)) = source.next_event(&mut row) {
                n += 1;
                prop_assert!(n < 10_000);
            }
        }
    }

    #[test]
    fn csv_like_bytes_never_panic(
        text in proptest::collection::vec(
            proptest::sample::select(vec!["a", "1", ",", ";", "\"", "\n", "\r", "\r\n", " ", "ж", "\t"]),
            0..300),
    ) {
        let bytes = text.concat().into_bytes();
        if let Ok(mut source) = read::open_bytes(bytes, "a.csv", &ReadOptions::default()) {
            let mut row = Row::new();
            while let Ok(Some(_)) = source.next_event(&mut row) {}
        }
    }
}

#[test]
fn a_header_cell_spanning_lines_is_one_header() {
    let bytes = "id,\"full\nname\"\n1,a\n2,b\n".as_bytes().to_vec();
    let mut source = read::open_bytes(bytes, "h.csv", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().headers, ["id", "full\nname"]);
    let (rows, bad) = drain(source.as_mut());
    assert!(bad.is_empty());
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(3, 1), (4, 2)]
    );
}

#[test]
fn a_quoted_field_spanning_lines_with_the_wrong_width_is_unclosed() {
    // Line 2 opens a quote closed on line 3, but the record then has 3 fields, not 2.
    let bytes = "a,b\n1,\"x\n\",y,z\n2,ok\n".as_bytes().to_vec();
    let mut source = read::open_bytes(bytes, "q.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(
        (bad[0].kind, bad[0].line, bad[0].column.as_deref()),
        (MalformedKind::UnclosedQuote, 2, Some("b"))
    );
    // Re-synchronised at line 3, whose leading quote is itself unclosed (no closing quote).
    assert_eq!(
        (bad[1].kind, bad[1].line),
        (MalformedKind::UnclosedQuote, 3)
    );
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(4, 3)]
    );
}

#[test]
fn a_quote_that_swallows_a_whole_row_is_unclosed_not_merged() {
    // The merged record would have the header's five fields: one row lost, the other with
    // the wrong price. Each line is reported instead, with its column.
    let text = "ClientId,Target,DateTime,Comment,Price\n\
                1762345098123456789,paid,1794481200,\"VIP клиент,5000\n\
                1762101987654321098,paid,1794555000,обычный\",7000\n\
                1762101987654321099,paid,1794555000,ok,100\n";
    let mut source = read::open_bytes(text.into(), "q.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    let got: Vec<_> = bad
        .iter()
        .map(|m| (m.kind, m.line, m.record, m.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (MalformedKind::UnclosedQuote, 2, 1, Some("Comment")),
            (MalformedKind::StrayQuote, 3, 2, Some("Comment")),
        ]
    );
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(4, 3)]
    );
    // A comment on several lines, one of them with commas, is still one cell.
    let text = "ClientId,Target,DateTime,Comment,Price\n\
                1,paid,1794481200,\"Позвонить завтра,\nпосле обеда, уточнить адрес\",5000\n\
                2,paid,1794555000,ok,7000\n";
    let mut source = read::open_bytes(text.into(), "q.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(
        rows[0].2[3],
        "Позвонить завтра,\nпосле обеда, уточнить адрес"
    );
    assert_eq!((rows[1].0, rows[1].1), (4, 2));
    // A cell Excel wrote on two lines (Alt+Enter) early in a row, its second line with a
    // comma: the first line is no whole row, so the cell is one cell, not a swallowed row.
    let text = "uniq_id,name,emails,phones\n\
                C-1,\"ООО Ромашка\nфилиал, Москва\",a@example.ru,79161234567\n\
                C-2,Петров,b@example.ru,79161234568\n";
    let mut source = read::open_bytes(text.into(), "q.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(rows[0].2[1], "ООО Ромашка\nфилиал, Москва");
    assert_eq!(rows[0].2[2], "a@example.ru");
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(2, 1), (4, 2)]
    );
}

#[test]
fn a_quote_never_closed_before_the_end_is_unclosed_and_later_lines_survive() {
    let bytes = "a,b\n1,\"x\n2,y\n3,z\n".as_bytes().to_vec();
    let mut source = read::open_bytes(bytes, "q.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert_eq!(bad.len(), 1);
    assert_eq!(
        (bad[0].kind, bad[0].line, bad[0].record),
        (MalformedKind::UnclosedQuote, 2, 1)
    );
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        [(3, 2), (4, 3)]
    );
}

#[test]
fn text_after_a_closing_quote_is_a_stray_quote() {
    let bytes = "a,b\n1,\"x\"y\n2,ok\n".as_bytes().to_vec();
    let mut source = read::open_bytes(bytes, "q.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert_eq!(
        (bad[0].kind, bad[0].line, bad[0].column.as_deref()),
        (MalformedKind::StrayQuote, 2, Some("b"))
    );
    assert_eq!(rows.len(), 1);
}

#[test]
fn a_malformed_line_is_kept_whole_and_shown_cut_to_200_characters() {
    let long = "ж".repeat(500);
    let bytes = format!("a,b\n1,x\"{long}\n").into_bytes();
    let mut source = read::open_bytes(bytes, "q.csv", &ReadOptions::default()).unwrap();
    let (_, bad) = drain(source.as_mut());
    assert_eq!(bad[0].text, format!("1,x\"{long}"));
    assert_eq!(bad[0].shown().chars().count(), 200);
}

#[test]
fn every_fixture_opens_and_reads_to_the_end() {
    let dir = fixture("");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !matches!(ext, "csv" | "tsv" | "txt" | "xlsx" | "xls" | "ods")
            || name.starts_with("damaged-")
        {
            continue;
        }
        let mut source = read::open(&path, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let (rows, bad) = drain(source.as_mut());
        assert!(
            !rows.is_empty() || !bad.is_empty() || source.info().sheet.is_some(),
            "{path:?}"
        );
        assert!(!source.info().headers.is_empty(), "{path:?}");
        seen += 1;
    }
    assert!(seen >= 25, "{seen}");
}

/// Regression (fuzz): a FAT cycle on the directory chain made calamine allocate ~4 GB and the
/// allocator abort the process; it must be refused as a damaged workbook instead.
#[test]
fn xls_with_a_looping_directory_chain_is_damaged_not_an_abort() {
    let path = fixture("damaged-cfb-huge-chain.xls");
    assert!(matches!(
        read::open(&path, &ReadOptions::default()).err(),
        Some(ReadError::DamagedWorkbook)
    ));
    let bytes = std::fs::read(&path).unwrap();
    assert!(matches!(
        read::open_bytes(bytes, "upload.xls", &ReadOptions::default()).err(),
        Some(ReadError::DamagedWorkbook)
    ));
}

/// One stray cell at XFD1048576 made calamine's `worksheet_range` allocate the whole bounding
/// rectangle (512 GiB, an abort); the sheet is read sparsely and the stray row is reported.
#[test]
fn xlsx_with_a_cell_at_the_last_row_and_column_reads_without_a_dense_sheet() {
    let (source, rows, bad) = read_fixture("far-cell-xfd1048576.xlsx", &ReadOptions::default());
    assert_eq!(source.info().header_line, 3);
    assert_eq!(source.info().headers.len(), 7);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(rows[0].2[0], "007123");
    assert_eq!(bad.len(), 1);
    assert_eq!(
        (bad[0].line, bad[0].record, bad[0].kind),
        (1_048_576, 3, MalformedKind::CellsPastHeader)
    );
    // Said with the value that stands there (a sheet has no delimiter to blame).
    assert_eq!(bad[0].shown(), bad[0].cell.clone().unwrap());
    assert!(!bad[0].shown().is_empty());
}

/// A zip entry that claims gigabytes from a few kilobytes is a bomb, refused before reading.
#[test]
fn xlsx_entry_claiming_gigabytes_is_damaged() {
    let mut bytes = std::fs::read(fixture("leading-zeros.xlsx")).unwrap();
    let eocd = bytes.len() - 22;
    assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
    let cd = u32::from_le_bytes(bytes[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    assert_eq!(&bytes[cd..cd + 4], b"PK\x01\x02");
    bytes[cd + 24..cd + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
    assert!(matches!(
        read::open_bytes(bytes, "bomb.xlsx", &ReadOptions::default()).err(),
        Some(ReadError::DamagedWorkbook)
    ));
}

/// NUL bytes past the sniffed start of the file used to go straight into metrica.csv; each
/// line holding one is reported with its line number.
#[test]
fn nul_bytes_after_the_sniffed_prefix_are_reported_with_their_line() {
    let mut text = String::from("id,name\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},name{i}\n"));
    }
    text.push_str("5000,na\0me\n5001,ok\n");
    assert!(text.len() > 64 * 1024, "past the sniffed prefix");
    let mut source =
        read::open_bytes(text.into_bytes(), "nul.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert_eq!(rows.len(), 5001);
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].kind, bad[0].line), (MalformedKind::NulByte, 5002));
}

/// A UTF-8 file with a few broken bytes used to be guessed as a single-byte code page and read
/// as clean mojibake; it stays UTF-8 and the broken line is reported.
#[test]
fn mostly_utf8_with_a_broken_line_reports_that_line() {
    let mut bytes = "Имя,Телефон\n".as_bytes().to_vec();
    for i in 0..20 {
        bytes.extend_from_slice(format!("Анна Петрова {i},7916123456{}\n", i % 10).as_bytes());
    }
    bytes.extend_from_slice(b"\xc8\xe2\xe0\xed,79160000000\n");
    let mut source = read::open_bytes(bytes, "mixed.csv", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().encoding, "UTF-8");
    let (rows, bad) = drain(source.as_mut());
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[0].2[0], "Анна Петрова 0");
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].kind, bad[0].line), (MalformedKind::BadEncoding, 22));
}

/// A line longer than 64 MiB is refused by name with its line number (the CLI used to say
/// only "read error").
#[test]
fn a_too_long_line_is_named_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    use std::io::Write;
    f.write_all(b"id,name\n1,a\n").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..65 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\n").unwrap();
    drop(f);
    let mut source = read::open(&path, &ReadOptions::default()).unwrap();
    let mut row = Row::new();
    let err = loop {
        match source.next_event(&mut row) {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the long line was read"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, ReadError::LineTooLong { line: 3 }), "{err:?}");
    assert_eq!(err.to_string(), "line 3 is too long");
}

/// The bombs of `fixtures/bombs/` (fixtures/make_bombs.py): each is refused before calamine
/// allocates from it; before the guards, the shared-strings lie aborted the process (calamine
/// reserved 400 million strings), the ratio bomb inflated 40 MB and the .ods expanded to 99
/// million cells (3 GB).
#[test]
fn workbook_bombs_are_refused_before_they_inflate() {
    let refused = |name: &str| {
        let bytes = std::fs::read(fixture(&format!("bombs/{name}"))).unwrap();
        read::open_bytes(bytes, name, &ReadOptions::default()).err()
    };
    assert!(matches!(
        refused("sst-unique-count-lie.xlsx"),
        Some(ReadError::WorkbookTooLarge)
    ));
    assert!(matches!(
        refused("ods-repeated-rows.ods"),
        Some(ReadError::WorkbookTooLarge)
    ));
    assert!(matches!(
        refused("ratio-1000.xlsx"),
        Some(ReadError::DamagedWorkbook)
    ));
    assert!(matches!(
        refused("one-3mb-cell.xlsx"),
        Some(ReadError::WorkbookTooLarge)
    ));
    let (_, rows, bad) = read_fixture("bombs/honest-small.xlsx", &ReadOptions::default());
    assert_eq!((rows.len(), bad.len()), (2000, 0));
}

/// A workbook over the budget says so in plain words, naming CSV as the way out.
#[test]
fn a_workbook_too_large_has_a_plain_message() {
    let text = ReadError::WorkbookTooLarge.to_string();
    assert!(text.contains("too large") && text.contains("CSV"), "{text}");
}

/// A file larger than a workbook may be is refused before it is read into memory.
#[test]
fn a_huge_workbook_file_is_refused_before_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xlsx");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(65 << 20).unwrap();
    drop(f);
    let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    std::io::Write::write_all(&mut f, b"PK\x03\x04").unwrap();
    assert!(matches!(
        read::open(&path, &ReadOptions::default()).err(),
        Some(ReadError::WorkbookTooLarge)
    ));
}

#[test]
fn a_single_column_file_has_a_header_and_rows() {
    let bytes = b"email\nanna@example.ru\nboris@example.ru\n".to_vec();
    let mut source = read::open_bytes(bytes, "one.csv", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().headers, ["email"]);
    let (rows, _) = drain(source.as_mut());
    assert_eq!(rows.len(), 2);
}

#[test]
fn bomless_utf16_is_read() {
    let text = "id\tname\n1\tАнна\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut source = read::open_bytes(bytes, "u.txt", &ReadOptions::default()).unwrap();
    assert_eq!(
        (source.info().encoding.as_str(), source.info().bom),
        ("UTF-16LE", false)
    );
    let (rows, _) = drain(source.as_mut());
    assert_eq!(rows[0].2, ["1", "Анна"]);
}

#[test]
fn non_ascii_delimiter_override_is_refused() {
    let opts = ReadOptions {
        delimiter: Some(0xD0),
        ..ReadOptions::default()
    };
    assert!(matches!(
        read::open(&fixture("orders.csv"), &opts).err(),
        Some(ReadError::BadDelimiter(0xD0))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_workbooks_never_panic(
        name in proptest::sample::select(vec!["leading-zeros.xlsx", "dates.xls", "simple.ods"]),
        damage in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<proptest::sample::Index>(),
    ) {
        let mut bytes = std::fs::read(fixture(name)).unwrap();
        for (at, b) in damage {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if cut.index(4) == 0 {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(mut source) = read::open_bytes(bytes, name, &ReadOptions::default()) {
            let mut row = Row::new();
            while let Ok(Some(_)) = source.next_event(&mut row) {}
        }
    }
}

/// Structure-aware smoke fuzz of the workbook seeds (header fields, sector indices, record
/// lengths and cell positions overwritten with boundary values). Ignored by default; run
/// `MB_FUZZ_ITERS=200000 cargo test --release -p mb-import --test it -- --ignored workbook_fuzz`.
/// Each input is written to `target/fuzz-workbook-current.bin` first, so an allocation abort
/// leaves it on disk.
#[test]
#[ignore]
fn workbook_fuzz_never_aborts_or_panics() {
    const VALUES: [u32; 14] = [
        0,
        1,
        0x7F,
        0x80,
        0xFF,
        0x100,
        0x7FFF,
        0x8000,
        0xFFFF,
        0x7FFF_FFFF,
        0xFFFF_FFFA,
        0xFFFF_FFFC,
        0xFFFF_FFFE,
        0xFFFF_FFFF,
    ];
    let iterations: u64 = std::env::var("MB_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seeds: Vec<(&str, Vec<u8>)> = [
        "dates.xls",
        "leading-zeros.xlsx",
        "simple.ods",
        "far-cell-xfd1048576.xlsx",
    ]
    .into_iter()
    .map(|n| (n, std::fs::read(fixture(n)).unwrap()))
    .collect();
    let current =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-workbook-current.bin");
    let mut state = 0x5eed_2026_u64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut opened = 0u64;
    for _ in 0..iterations {
        let (name, seed) = &seeds[(next() % seeds.len() as u64) as usize];
        let mut bytes = seed.clone();
        for _ in 0..=next() % 4 {
            let at = (next() % bytes.len() as u64) as usize;
            let value = if next() % 4 == 0 {
                next() as u32
            } else {
                VALUES[(next() % VALUES.len() as u64) as usize]
            };
            let width = [1usize, 2, 4][(next() % 3) as usize].min(bytes.len() - at);
            bytes[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
        }
        if next() % 16 == 0 {
            let keep = (next() % bytes.len() as u64) as usize;
            bytes.truncate(keep.max(1));
        }
        std::fs::write(&current, &bytes).unwrap();
        if let Ok(mut source) = read::open_bytes(bytes, name, &ReadOptions::default()) {
            opened += 1;
            let mut row = Row::new();
            while let Ok(Some(_)) = source.next_event(&mut row) {}
        }
    }
    let _ = std::fs::remove_file(&current);
    eprintln!("workbook fuzz: {iterations} inputs, {opened} opened");
}

#[test]
fn a_utf8_line_in_a_code_page_file_is_read_as_utf8_and_marked() {
    // Two exports pasted into one file: a windows-1251 file with a UTF-8 header and one UTF-8
    // row. Each line is read in its own encoding, not turned into «РРІР°РЅРѕРІ».
    let mut bytes = "uniq_id,name,Комментарий\n".as_bytes().to_vec();
    let (cp, _, _) = encoding_rs::WINDOWS_1251
        .encode("C-2,Петров Пётр,позвонить после обеда\nC-3,Сидорова Анна,постоянная клиентка\n");
    bytes.extend_from_slice("C-1,Иванов Иван,ок\n".as_bytes());
    bytes.extend_from_slice(&cp);
    let mut source = read::open_bytes(bytes, "mixed.csv", &ReadOptions::default()).unwrap();
    assert_eq!(source.info().encoding, "windows-1251");
    assert_eq!(source.info().headers, ["uniq_id", "name", "Комментарий"]);
    let mut row = Row::new();
    let mut got = Vec::new();
    while let Some(event) = source.next_event(&mut row).unwrap() {
        assert!(matches!(event, ReadEvent::Row), "{event:?}");
        got.push((row.line, row.get(1).to_owned(), row.is_recoded()));
    }
    assert_eq!(
        got,
        [
            (2, "Иванов Иван".to_owned(), true),
            (3, "Петров Пётр".to_owned(), false),
            (4, "Сидорова Анна".to_owned(), false),
        ]
    );
}

#[test]
fn excel_text_cells_written_as_a_formula_read_as_their_text() {
    // `="…"` keeps Excel from turning a long id into 1.76E+18: the value is the quoted text.
    let text = "ClientId;Target;Price\n=\"1762345098123456789\";paid;=\"0012\"\n=SUM(A1);x;1\n";
    let mut source = read::open_bytes(text.into(), "t.csv", &ReadOptions::default()).unwrap();
    let (rows, bad) = drain(source.as_mut());
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(rows[0].2, ["1762345098123456789", "paid", "0012"]);
    // A formula that is not the idiom stays as written.
    assert_eq!(rows[1].2, ["=SUM(A1)", "x", "1"]);
}

#[test]
fn an_ibm866_word_that_happens_to_be_utf8_stays_itself() {
    // «сад» in IBM866 is the bytes of a valid UTF-8 letter of another script: not Cyrillic,
    // so not a pasted UTF-8 line.
    let (bytes, _, _) = encoding_rs::IBM866.encode("id,слово,n\n1,сад,2\n2,дом,3\n");
    let opts = ReadOptions {
        encoding: Some("IBM866".into()),
        ..ReadOptions::default()
    };
    let mut source = read::open_bytes(bytes.into_owned(), "d.csv", &opts).unwrap();
    let mut row = Row::new();
    let mut got = Vec::new();
    while let Some(ReadEvent::Row) = source.next_event(&mut row).unwrap() {
        got.push((row.get(1).to_owned(), row.is_recoded()));
    }
    assert_eq!(got, [("сад".to_owned(), false), ("дом".to_owned(), false)]);
}

#[test]
fn a_workbook_preview_says_what_each_cell_held() {
    use mb_import::read::CellKind as K;
    let path = fixture("leading-zeros.xlsx");
    let p = read::preview(&path, &ReadOptions::default(), 10).unwrap();
    // id and phone typed as text keep their zeros as text; the dates are dates; the amounts
    // and the id Excel stored as a number are numbers.
    assert_eq!(
        p.kinds[0],
        [
            K::Text,
            K::Text,
            K::Text,
            K::DateTime,
            K::Date,
            K::Number,
            K::Number
        ]
    );
    // A text file's cells are all text, whatever they look like.
    let p = read::preview(&fixture("orders.csv"), &ReadOptions::default(), 10).unwrap();
    assert!(p.kinds.iter().flatten().all(|k| *k == K::Text));
    assert_eq!(p.kinds.len(), p.rows.len());
}
