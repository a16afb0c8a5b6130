//! Throughput of the reading layer against the raw `csv` crate on the same bytes, plus the
//! preview latency on a large file. Numbers go to bench-out/read.txt; nothing is asserted.
//!
//! Run: `cargo bench -p mb-import --bench read`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use mb_import::read::{self, ReadEvent, ReadOptions, Row};

fn table(rows: usize) -> String {
    let mut s = String::from("id,create_date_time,client_ids,emails,order_status,revenue,goals\n");
    for i in 0..rows {
        let goals = if i % 10 == 0 {
            "\"oplata_karta:18450,dostavka_kurier\""
        } else {
            ""
        };
        writeln!(
            s,
            "A-{i},2026-11-05 14:22:10,17623450981234{i:05},anna.{i}@example.ru,Оплачен,{}.50,{goals}",
            i % 100_000
        )
        .unwrap();
    }
    s
}

fn best_of<F: FnMut() -> usize>(runs: usize, mut f: F) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        best = best.min(t.elapsed());
    }
    (best, n)
}

fn ours(path: &Path, opts: &ReadOptions) -> usize {
    let mut source = read::open(path, opts).unwrap();
    let mut row = Row::new();
    let mut n = 0;
    while let Some(ev) = source.next_event(&mut row).unwrap() {
        if let ReadEvent::Row = ev {
            n += row.len();
        }
    }
    n
}

fn raw_csv(path: &Path) -> usize {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut rec = csv::StringRecord::new();
    let mut n = 0;
    while r.read_record(&mut rec).unwrap() {
        n += rec.len();
    }
    n
}

fn main() {
    let text = table(500_000);
    let utf8 = text.as_bytes().to_vec();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let cp1251 = cp1251.into_owned();
    let mb = utf8.len() as f64 / 1e6;
    let opts = ReadOptions::default();

    let dir = std::env::temp_dir().join(format!("mb-read-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("utf8.csv");
    let path_1251 = dir.join("cp1251.csv");
    std::fs::write(&path, &utf8).unwrap();
    std::fs::write(&path_1251, &cp1251).unwrap();

    let (t_raw, n_raw) = best_of(3, || raw_csv(&path));
    let (t_ours, n_ours) = best_of(3, || ours(&path, &opts));
    let (t_1251, n_1251) = best_of(3, || ours(&path_1251, &opts));
    assert_eq!(n_raw, n_ours);
    assert_eq!(n_raw, n_1251);
    let (t_preview, _) = best_of(5, || read::preview(&path, &opts, 200).unwrap().rows.len());
    let preview_bytes = {
        let mut source = read::open(&path, &opts).unwrap();
        read::preview_source(source.as_mut(), 200).unwrap();
        source.bytes_read()
    };
    std::fs::remove_dir_all(&dir).ok();

    let rate = |t: Duration| mb / t.as_secs_f64();
    let mut out = String::new();
    writeln!(
        out,
        "mb-import read benchmark ({mb:.1} MB, 500000 rows, best of 3)"
    )
    .unwrap();
    writeln!(
        out,
        "raw csv::Reader (utf-8 file) {:>8.1} ms  {:>7.1} MB/s",
        ms(t_raw),
        rate(t_raw)
    )
    .unwrap();
    writeln!(
        out,
        "read::open (utf-8 file)      {:>8.1} ms  {:>7.1} MB/s",
        ms(t_ours),
        rate(t_ours)
    )
    .unwrap();
    writeln!(
        out,
        "read::open (cp1251 file)     {:>8.1} ms  {:>7.1} MB/s",
        ms(t_1251),
        rate(t_1251)
    )
    .unwrap();
    writeln!(
        out,
        "read::preview 200 rows       {:>8.2} ms  ({preview_bytes} bytes of the file consumed)",
        ms(t_preview)
    )
    .unwrap();
    print!("{out}");
    let bench_out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench-out");
    std::fs::create_dir_all(&bench_out).unwrap();
    std::fs::File::create(bench_out.join("read.txt"))
        .unwrap()
        .write_all(out.as_bytes())
        .unwrap();
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
