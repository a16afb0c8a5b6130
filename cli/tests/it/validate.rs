//! `mbridge validate --json` / `prepare` contract over the sample files (no network).

use crate::{bin, fixture};
use std::process::Command;

const NOW: &str = "2026-11-22T07:00:00Z";
const GOALS: &str = "offline_paid,dogovor_signed,visit_showroom,lead_qualified,good_lead,oplata_karta,dostavka_kurier";

fn validate(file: &str, kind: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::new(bin())
        .args(["validate"])
        .arg(fixture(file))
        .args([
            "--kind",
            kind,
            "--now",
            NOW,
            "--tz",
            "Europe/Moscow",
            "--goals",
            GOALS,
            "--json",
        ])
        .args(extra)
        .env("MBRIDGE_DATA_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap(), v)
}

fn codes(v: &serde_json::Value, severity: &str) -> Vec<(u64, String)> {
    v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == severity)
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn json_contract_has_the_documented_fields() {
    let (code, v) = validate("offline_clientid.csv", "conversions", &[]);
    assert_eq!(code, 0, "{v}");
    for k in [
        "encoding",
        "delimiter",
        "rows",
        "valid_rows",
        "mapping",
        "issues",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["rows"], 5);
    assert_eq!(v["valid_rows"], 5);
    assert_eq!(v["encoding"], "UTF-8");
    assert_eq!(v["delimiter"], ",");
    assert_eq!(v["mapping"]["ClientId"], "ClientId");
}

#[test]
fn future_datetimes_exit_1_with_lines_and_the_milliseconds_hint() {
    let (code, v) = validate("bad_future_datetime.csv", "conversions", &[]);
    assert_eq!(code, 1);
    let errors = codes(&v, "error");
    assert!(
        errors.contains(&(3, "future_datetime".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&(4, "future_datetime".into())),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(l, c)| *l == 5 && c == "milliseconds_timestamp"),
        "{errors:?}"
    );
    assert!(
        !errors.iter().any(|(l, _)| *l == 2),
        "row 2 is fine: {errors:?}"
    );
}

#[test]
fn missing_target_is_a_file_level_error_on_line_1() {
    let (code, v) = validate("bad_missing_target_column.csv", "conversions", &[]);
    assert_eq!(code, 1);
    let issue = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "missing_required_column");
    let issue = issue.expect("missing_required_column reported");
    assert_eq!(issue["line"], 1);
    assert_eq!(issue["column"], "Target");
}

#[test]
fn broken_quoting_is_reported_at_its_physical_lines() {
    let (code, v) = validate("bad_broken_quoting.csv", "simple-orders", &[]);
    assert_eq!(code, 1);
    let errors = codes(&v, "error");
    assert!(errors.contains(&(2, "unclosed_quote".into())), "{errors:?}");
    assert!(errors.contains(&(4, "stray_quote".into())), "{errors:?}");
}

#[test]
fn cyrillic_statuses_need_a_mapping_and_pass_with_one() {
    let (code, _) = validate("simple_orders_cp1251_ru_statuses.csv", "simple-orders", &[]);
    assert_eq!(code, 1, "unmapped Cyrillic statuses are errors");
    let (code, v) = validate(
        "simple_orders_cp1251_ru_statuses.csv",
        "simple-orders",
        &[
            "--status",
            "Оплачен=PAID",
            "--status",
            "В работе=IN_PROGRESS",
            "--status",
            "Отменён=CANCELLED",
            "--status",
            "Новый=IN_PROGRESS",
            "--status",
            "Спам=SPAM",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["encoding"], "windows-1251");
    assert_eq!(v["valid_rows"], 5);
}

#[test]
fn auto_kind_detects_simple_orders() {
    let (_, v) = validate("simple_orders_comma.csv", "auto", &[]);
    assert_eq!(v["kind"], "simple-orders");
}

#[test]
fn an_unreadable_file_exits_2() {
    let out = Command::new(bin())
        .args([
            "validate",
            "/nonexistent/file.csv",
            "--kind",
            "conversions",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "file_unreadable");
}

#[test]
fn human_report_is_russian_by_default_and_english_on_request() {
    let run = |lang: &str| {
        let out = Command::new(bin())
            .arg("validate")
            .arg(fixture("bad_unknown_currency.csv"))
            .args(["--kind", "conversions", "--now", NOW, "--lang", lang])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let ru = run("ru");
    assert!(ru.contains("строка 2, столбец Currency: «RUR»"), "{ru}");
    assert!(ru.contains("предлагается «RUB»"), "{ru}");
    let en = run("en");
    assert!(en.contains("line 2, column Currency: «RUR»"), "{en}");
}

#[test]
fn human_report_summarises_changes_instead_of_listing_every_cell() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .arg("validate")
        .arg(fixture("crm-ru-statuses-totals.csv"))
        .args([
            "--kind",
            "simple-orders",
            "--now",
            NOW,
            "--tz",
            "Europe/Moscow",
        ])
        .args([
            "--status",
            "Оплачен=PAID",
            "--status",
            "В работе=IN_PROGRESS",
        ])
        .args([
            "--status",
            "Новый=IN_PROGRESS",
            "--status",
            "Отменён=CANCELLED",
        ])
        .env("MBRIDGE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Поправлено автоматически:"), "{text}");
    // One line per kind of change with its count and the first two examples, in the user's
    // column names; never a line per cell.
    assert!(
        text.contains("28 строк × телефон приведён к виду 7XXXXXXXXXX [Телефон]"),
        "{text}"
    );
    assert!(
        text.contains("например 8 (912) 345-67-89 → 79123456789; +7 912 346-47-08 → 79123464708"),
        "{text}"
    );
    assert!(text.contains("строка итогов"), "{text}");
    assert!(!text.contains("Первые проблемы"), "{text}");
    assert!(text.lines().count() < 30, "{text}");
}

#[test]
fn prepare_writes_metrica_csv_and_excel_friendly_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ready.csv");
    let status = Command::new(bin())
        .arg("prepare")
        .arg(fixture("bad_unknown_currency.csv"))
        .args(["--kind", "conversions", "--now", NOW, "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    let ready = std::fs::read_to_string(&out).unwrap();
    let mut lines = ready.lines();
    assert_eq!(
        lines.next(),
        Some("ClientId,Target,DateTime,Price,Currency")
    );
    assert_eq!(ready.lines().count(), 3, "header + 2 valid rows:\n{ready}");
    assert!(ready.contains(",USD"), "lower-case usd fixed:\n{ready}");
    let rejected = std::fs::read(dir.path().join("ready.rejected.csv")).unwrap();
    assert!(rejected.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8_lossy(&rejected);
    assert!(text.contains(';') && text.contains("\r\n"), "{text}");
}

/// A wide export's unused columns are named up to twenty, then counted (`--json` has them all).
#[test]
fn a_wide_exports_unused_columns_are_counted_past_twenty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.csv");
    let extra: Vec<String> = (1..=30).map(|i| format!("extra{i}")).collect();
    std::fs::write(
        &file,
        format!(
            "ClientId,Target,DateTime,{}\n1762345098123456789,offline_paid,1794228120,{}\n",
            extra.join(","),
            vec!["x"; 30].join(",")
        ),
    )
    .unwrap();
    let out = Command::new(bin())
        .arg("validate")
        .arg(&file)
        .args(["--kind", "conversions", "--now", NOW])
        .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("extra20 и ещё 10\n") && !said.contains("extra21"),
        "{said}"
    );
}

/// `--out` names a file: a folder given instead, or one that is not there, is said with the
/// path and why (exit 2), not blamed on the data folder.
#[test]
fn prepare_says_what_is_wrong_with_its_out_path() {
    let dir = tempfile::tempdir().unwrap();
    for (out, why) in [
        (dir.path().to_path_buf(), "это папка, а нужен путь к файлу"),
        (dir.path().join("нет/ready.csv"), "такой папки нет"),
    ] {
        let run = Command::new(bin())
            .arg("prepare")
            .arg(fixture("offline_clientid.csv"))
            .args(["--kind", "conversions", "--now", NOW, "--out"])
            .arg(&out)
            .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{said}");
        assert!(
            said.contains(&format!(
                "не удалось записать файл {}: {why}",
                out.display()
            )),
            "{said}"
        );
        assert!(!said.contains("Папка данных"), "{said}");
    }
    // A run that fails after the file was made (an unknown zone) leaves no empty file behind.
    let out = dir.path().join("ready.csv");
    let run = Command::new(bin())
        .arg("prepare")
        .arg(fixture("offline_clientid.csv"))
        .args(["--kind", "conversions", "--tz", "Nowhere/Zone", "--out"])
        .arg(&out)
        .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    assert_ne!(run.status.code(), Some(0));
    assert!(!out.exists(), "{}", String::from_utf8_lossy(&run.stderr));
}

/// The issue's repro: every row gets a notice, a few rows have errors. The JSON lists the
/// errors first, names the spill file, and the human report's «Первые проблемы» are errors.
#[test]
fn errors_lead_the_issue_list_however_many_notices_come_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crm.csv");
    let mut text = String::from("id;create_date_time;phones\n");
    for i in 0..3000 {
        // `dd.mm.yyyy hh:mm` is reformatted (a notice) on every row; 31 February is an error.
        let date = if i % 1000 == 999 {
            "31.02.2026 10:00".to_string()
        } else {
            format!("{:02}.11.2026 10:{:02}", 1 + i % 20, i % 60)
        };
        text.push_str(&format!("Z-{i};{date};7916{i:07}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let data = tempfile::tempdir().unwrap();
    let run = |json: bool| {
        let mut c = Command::new(bin());
        c.arg("validate")
            .arg(&file)
            .args([
                "--kind",
                "simple-orders",
                "--now",
                NOW,
                "--tz",
                "Europe/Moscow",
            ])
            .env("MBRIDGE_DATA_DIR", data.path());
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let out = run(true);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = codes(&v, "error");
    assert_eq!(
        errors,
        vec![
            (1001, "invalid_datetime".to_string()),
            (2001, "invalid_datetime".to_string()),
            (3001, "invalid_datetime".to_string()),
        ]
    );
    assert_eq!(v["issues"][0]["severity"], "error");
    assert_eq!(v["truncated_issues"], true);
    let spill = v["issue_spill_path"].as_str().expect("spill path");
    let spilled = std::fs::read_to_string(spill).unwrap();
    assert!(spilled.lines().count() >= 1000, "the notices past the cap");
    let _ = std::fs::remove_file(spill);
    let human = run(false);
    let text = String::from_utf8_lossy(&human.stdout);
    let first = text
        .split("Первые проблемы:")
        .nth(1)
        .expect("first problems")
        .lines()
        .nth(1)
        .unwrap_or_default();
    assert!(first.contains("строка 1001"), "{text}");
    for line in text.lines().filter(|l| l.contains("Полный список")) {
        if let Some(p) = line.split_whitespace().last() {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[test]
fn rejected_rows_say_why_in_words_with_the_users_column_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crm.csv");
    std::fs::write(
        &file,
        "Номер заказа;Дата создания;Телефон\nZ-1;01.11.2026 10:00;79161234567\nZ-2;31.02.2026 10:00;79161234568\n",
    )
    .unwrap();
    let out = dir.path().join("ready.csv");
    for (lang, want) in [
        (
            "ru",
            "Столбец «Дата создания»: дата «31.02.2026 10:00» не распознана или не существует",
        ),
        (
            "en",
            "Column «Дата создания»: date «31.02.2026 10:00» is not recognised or does not exist",
        ),
    ] {
        let status = Command::new(bin())
            .arg("prepare")
            .arg(&file)
            .args([
                "--kind",
                "simple-orders",
                "--now",
                NOW,
                "--json",
                "--lang",
                lang,
                "--out",
            ])
            .arg(&out)
            .env("MBRIDGE_DATA_DIR", dir.path())
            .output()
            .unwrap();
        assert_eq!(status.status.code(), Some(1));
        let rejected = std::fs::read_to_string(dir.path().join("ready.rejected.csv")).unwrap();
        assert!(rejected.contains(want), "{rejected}");
        assert!(!rejected.contains("invalid_datetime"), "{rejected}");
    }
}

/// A header that says nothing the app knows: the message says what to do, in words (it was
/// «неверное значение kind: undetected»).
#[test]
fn an_unknown_kind_of_file_says_to_give_kind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unknown.csv");
    std::fs::write(&file, "a;b\n1;2\n").unwrap();
    let out = Command::new(bin())
        .env("MBRIDGE_DATA_DIR", dir.path())
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("укажите --kind"), "{err}");
    assert!(!err.contains("undetected"), "{err}");
}

/// `--tz` and `--goals` check a file offline; an upload takes both from the counter, so it
/// refuses them (exit 2) instead of ignoring them and deciding otherwise than `validate` did.
#[test]
fn upload_refuses_the_offline_only_options() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, value) in [("--tz", "Asia/Tokyo"), ("--goals", "offline_paid")] {
        let out = Command::new(bin())
            .env("MBRIDGE_DATA_DIR", dir.path())
            .args(["upload"])
            .arg(fixture("offline_clientid.csv"))
            .args(["--counter", "51234501", flag, value, "--json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["kind"], "invalid_input", "{flag}");
        assert_eq!(v["error"]["data"]["field"], flag.trim_start_matches("--"));
    }
}

/// Notices that change nothing (rows without a sum, several currencies) are not called fixes:
/// they come under «К сведению», by the core's own split (`IssueCode::is_change`).
#[test]
fn remarks_are_told_apart_from_the_changes_we_made() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args(["--lang", "ru", "validate"])
        .arg(fixture("offline_userid.csv"))
        .args([
            "--kind",
            "conversions",
            "--now",
            NOW,
            "--tz",
            "Europe/Moscow",
        ])
        .env("MBRIDGE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let remarks = text.split("К сведению:").nth(1).expect("a remarks part");
    let remarks = remarks.split("Поправлено автоматически:").next().unwrap();
    assert!(remarks.contains("без суммы"), "{text}");
    assert!(remarks.contains("несколько валют"), "{text}");
    if let Some(fixed) = text.split("Поправлено автоматически:").nth(1) {
        assert!(
            !fixed.contains("без суммы") && !fixed.contains("несколько валют"),
            "{text}"
        );
    }
}

/// A 1C export that writes rubles as «руб.» and «RUR» in every row: each row is an error
/// (Metrica would drop the sums), and the CLI says how to read those words as RUB without
/// editing the file; doing what it says passes the check, and only those words are read so.
#[test]
fn rubles_in_words_are_offered_as_rub_for_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &std::path::Path, extra: &[&str]| {
        let out = Command::new(bin())
            .args(["--lang", "ru", "validate"])
            .arg(file)
            .args([
                "--kind",
                "conversions",
                "--now",
                NOW,
                "--tz",
                "Europe/Moscow",
            ])
            .args(extra)
            .env("MBRIDGE_DATA_DIR", dir.path())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let file = fixture("rubles-in-words.csv");
    let (code, text) = run(&file, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("Валюта в столбце «Currency» записана как «руб.», «RUR» (4 строки)"),
        "{text}"
    );
    let flags: Vec<&str> = text
        .split("не меняя файл: ")
        .nth(1)
        .expect("the way to fix it")
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .map(|w| w.trim_matches('\''))
        .collect();
    assert_eq!(
        flags,
        ["--currency", "руб.=RUB", "--currency", "RUR=RUB"],
        "{text}"
    );
    let (code, text) = run(&file, &flags);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("4 строки без ошибок"), "{text}");
    assert!(!text.contains("--currency"), "{text}");
    // Next month's export with dollars and an unknown word: only the words named are RUB.
    let next = dir.path().join("декабрь.csv");
    std::fs::write(
        &next,
        "ClientId;Target;DateTime;Price;Currency\r\n\
         1762345098123456789;offline_paid;1794228120;100;руб.\r\n\
         1762101987654321098;offline_paid;1794297900;20;USD\r\n\
         1761998877123400001;offline_paid;1794493800;5;тугрик\r\n",
    )
    .unwrap();
    let (code, text) = run(&next, &flags);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("2 строки без ошибок"), "{text}");
}

/// A header under a title (line 3) without the goal column: the problem is said at the header,
/// not at «строка 3» as if a data row were wrong.
#[test]
fn a_missing_column_is_said_at_the_header_under_a_title() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("выгрузка.csv");
    std::fs::write(
        &file,
        "Отчёт;;;\n;;;\nClientId;Когда;Price;Currency\n1762345098123456789;1794228120;10;RUB\n",
    )
    .unwrap();
    let out = Command::new(bin())
        .args(["--lang", "ru", "validate"])
        .arg(&file)
        .args(["--kind", "conversions", "--now", NOW])
        .env("MBRIDGE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("  заголовок, столбец Target: «»"), "{text}");
    assert!(!text.contains("строка 3"), "{text}");
}

/// Issues beyond the listed ones are written to a file only for `--json`, which names it; the
/// human report names none, so it leaves none (with the file's values) in the temp folder.
#[test]
fn only_json_leaves_the_issues_beyond_the_list_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let file = dir.path().join("many.csv");
    let mut text = String::from("ClientId,Target,DateTime,Price,Currency\n");
    for i in 0..1500 {
        text.push_str(&format!(
            "17623450981234{i:05},offline_paid,1794228120,100,usd\n"
        ));
    }
    std::fs::write(&file, text).unwrap();
    let run = |json: bool| {
        let mut c = Command::new(bin());
        c.arg("validate")
            .arg(&file)
            .args(["--kind", "conversions", "--now", NOW]);
        if json {
            c.arg("--json");
        }
        c.env("TMPDIR", &tmp)
            .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
            .output()
            .unwrap()
    };
    let listed = || std::fs::read_dir(&tmp).unwrap().count();
    // 1 500 notices (a currency in small letters): 1 000 are listed.
    let out = run(false);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(listed(), 0, "a human report left a file in the temp folder");
    let out = run(true);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let spill = v["issue_spill_path"].as_str().expect("named in --json");
    assert!(std::path::Path::new(spill).starts_with(&tmp), "{spill}");
    assert_eq!(listed(), 1);
}

/// A --mapping file that is not a template is named, with where in it JSON stopped reading.
#[test]
fn a_mapping_file_that_is_no_template_is_said_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\"kind\":\"conversions\",\n\"fields\":{\"ClientId\":\"nope\"}}",
    )
    .unwrap();
    let out = Command::new(bin())
        .arg("validate")
        .arg(fixture("offline_clientid.csv"))
        .arg("--mapping")
        .arg(&bad)
        .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains(&format!(
            "файл --mapping {} не читается как шаблон столбцов: строка 2, позиция",
            bad.display()
        )),
        "{said}"
    );
}

/// A workbook's report names the sheet it read, not an encoding or a delimiter it has none of.
#[test]
fn a_workbook_report_names_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .arg("validate")
        .arg(fixture("far-cell-xfd1048576.xlsx"))
        .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    let first = said.lines().next().unwrap_or("");
    assert_eq!(
        first,
        "far-cell-xfd1048576.xlsx: лист «Заказы», заголовок в строке 3"
    );
    let (_, v) = {
        let out = Command::new(bin())
            .args(["validate", "--json"])
            .arg(fixture("far-cell-xfd1048576.xlsx"))
            .env("MBRIDGE_DATA_DIR", dir.path().join("data"))
            .output()
            .unwrap();
        (
            0,
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        )
    };
    assert_eq!(v["sheet"], "Заказы", "{v}");
}
