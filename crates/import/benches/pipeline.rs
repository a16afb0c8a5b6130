//! The 1 GB benchmark: validate + normalise + write a generated simple-orders export, against a
//! plain `csv::ByteRecord` read loop over the same file, and the preview time of its first 200
//! rows. Each measurement runs in a child process (this binary re-executed with `--child`) so
//! its peak RSS (VmHWM) is its own. Figures go to `bench-out/import.json` at the workspace
//! root; nothing is asserted.
//!
//! Run: `cargo bench -p mb-import --bench pipeline`. Sizes: `MB_BENCH_SIZES=100M,1G` (default).
//! Generated files live in a temp dir and are removed afterwards.

use mb_import::mapping::auto_map;
use mb_import::pipeline::prepare;
use mb_import::read::{self, ReadOptions};
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::UploadKind;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const STATUSES: [&str; 5] = ["Оплачен", "В работе", "Отменён", "Новый", "Оплачен"];
const NAMES: [&str; 6] = [
    "Ivan.Petrov",
    "anna.k",
    "Sergey.Ivanov",
    "olga.s",
    "MAIL",
    "petrova.m",
];
const DOMAINS: [&str; 4] = ["Example.RU", "yandex.ru", "Mail.ru", "example.org"];

/// Write a realistic Russian-Excel simple-orders export of about `size` bytes.
fn generate(path: &Path, size: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let header = "id;create_date_time;client_uniq_id;client_ids;emails;phones;order_status;revenue;cost;currency\r\n";
    w.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let mut rng = Rng(0x5eed_1234_5678_9abc);
    let mut line = String::with_capacity(256);
    let mut rows = 0u64;
    use std::fmt::Write as _;
    while written < size {
        line.clear();
        rows += 1;
        let day = 2 + rng.below(19);
        let (h, m, s) = (rng.below(24), rng.below(60), rng.below(60));
        let _ = write!(line, "Z-{rows};");
        let _ = match rng.below(4) {
            0 => write!(line, "{day:02}.11.2026 {h:02}:{m:02};"),
            1 => write!(line, "2026-11-{day:02} {h:02}:{m:02}:{s:02};"),
            2 => write!(line, "{day:02}.11.2026 {h}:{m:02};"),
            _ => write!(line, "{day:02}.11.2026;"),
        };
        let _ = write!(line, "K-{};", rng.below(1_000_000));
        let has_client_id = rng.below(2) == 0;
        if has_client_id {
            let _ = write!(
                line,
                "17{:016}{};",
                rng.below(10_000_000_000_000_000),
                1 + rng.below(9)
            );
        } else {
            line.push(';');
        }
        let has_email = rng.below(3) > 0;
        if has_email {
            let n = NAMES[rng.below(6) as usize];
            let d = DOMAINS[rng.below(4) as usize];
            let _ = write!(line, "{n}{}@{d};", rng.below(10_000));
        } else {
            line.push(';');
        }
        let p = 9_000_000_000 + rng.below(999_999_999);
        let p = p.to_string();
        let phone_style = if has_client_id || has_email {
            rng.below(4)
        } else {
            rng.below(3)
        };
        let _ = match phone_style {
            0 => write!(
                line,
                "+7 ({}) {}-{}-{};",
                &p[..3],
                &p[3..6],
                &p[6..8],
                &p[8..]
            ),
            1 => write!(line, "8 {} {}-{}-{};", &p[..3], &p[3..6], &p[6..8], &p[8..]),
            2 => write!(line, "7{p};"),
            _ => write!(line, ";"),
        };
        let _ = write!(line, "{};", STATUSES[rng.below(5) as usize]);
        let rub = rng.below(200_000);
        let _ = match rng.below(3) {
            0 => write!(
                line,
                "{} {:03},{:02};",
                rub / 1000,
                rub % 1000,
                rng.below(100)
            ),
            1 => write!(line, "{rub}\u{a0}руб.;"),
            _ => write!(line, "{rub}.{:02};", rng.below(100)),
        };
        let _ = if rng.below(4) == 0 {
            write!(line, "{};", rub / 2)
        } else {
            write!(line, ";")
        };
        line.push_str("RUB\r\n");
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    w.flush()?;
    Ok(rows)
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// User + system CPU seconds of this process, all threads (`/proc/self/stat`, 100 ticks/s).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn opts() -> ValidateOptions {
    let mut o = ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().expect("ts"));
    for (k, v) in [
        ("Оплачен", "PAID"),
        ("В работе", "IN_PROGRESS"),
        ("Отменён", "CANCELLED"),
        ("Новый", "IN_PROGRESS"),
    ] {
        o.status_map.insert(k.into(), v.into());
    }
    o.max_issues = 1000;
    // No spill file: the figures measure checking, as before the spill file became the
    // default (a spill costs at most 100 000 JSON lines per severity).
    o.issue_spill_path = None;
    o
}

/// One measurement, in this (child) process; prints one JSON line.
fn child(mode: &str, path: &Path) {
    let started = Instant::now();
    let rows: u64 = match mode {
        "plain" => {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(b';')
                .from_path(path)
                .expect("open");
            let mut rec = csv::ByteRecord::new();
            let mut n = 0u64;
            let mut fields = 0u64;
            while r.read_byte_record(&mut rec).expect("read") {
                n += 1;
                fields += rec.len() as u64;
            }
            assert!(fields > 0);
            n
        }
        "pipeline" => {
            let mut src = read::open(path, &ReadOptions::default()).expect("open");
            let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
            // `MB_BENCH_KEEP=DIR` keeps the outputs and the report there (to compare builds).
            let keep = std::env::var_os("MB_BENCH_KEEP").map(PathBuf::from);
            let out_dir = keep
                .clone()
                .unwrap_or_else(|| path.parent().expect("dir").join("out"));
            std::fs::create_dir_all(&out_dir).expect("out dir");
            let mut spec = OutputSpec::new(out_dir.join("out.csv"));
            spec.rejected_path = Some(out_dir.join("rejected.csv"));
            let report = prepare(src.as_mut(), &m, &opts(), Some(&spec), &mut |_| {
                ControlFlow::Continue(())
            })
            .expect("prepare");
            if keep.is_none() {
                assert_eq!(report.rows, report.valid_rows, "{:?}", report.counts);
            }
            if keep.is_some() {
                let json = serde_json::to_string_pretty(&report).expect("report json");
                std::fs::write(out_dir.join("report.json"), json).expect("report");
            } else {
                let _ = std::fs::remove_dir_all(&out_dir);
            }
            report.rows
        }
        "read" => {
            let mut src = read::open(path, &ReadOptions::default()).expect("open");
            let mut row = read::Row::new();
            let mut n = 0u64;
            while let Some(ev) = src.next_event(&mut row).expect("read") {
                if let read::ReadEvent::Row = ev {
                    n += 1;
                }
            }
            n
        }
        "validate" => {
            let mut src = read::open(path, &ReadOptions::default()).expect("open");
            let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
            let report = mb_import::pipeline::validate(src.as_mut(), &m, &opts(), &mut |_| {
                ControlFlow::Continue(())
            })
            .expect("validate");
            report.rows
        }
        "preview" => {
            let p = read::preview(path, &ReadOptions::default(), 200).expect("preview");
            p.rows.len() as u64
        }
        other => panic!("unknown mode {other}"),
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"mode\":\"{mode}\",\"secs\":{secs},\"cpu_secs\":{},\"rows\":{rows},\"peak_kb\":{}}}",
        cpu_secs(),
        peak_rss_kb()
    );
}

fn measure(mode: &str, path: &Path) -> serde_json::Value {
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .arg("--child")
        .arg(mode)
        .arg(path)
        .output()
        .expect("spawn");
    assert!(
        out.status.success(),
        "{mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .expect("json line");
    serde_json::from_str(line).expect("json")
}

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mul) = match s.chars().last()? {
        'G' | 'g' => (&s[..s.len() - 1], 1u64 << 30),
        'M' | 'm' => (&s[..s.len() - 1], 1u64 << 20),
        'K' | 'k' => (&s[..s.len() - 1], 1u64 << 10),
        _ => (s, 1),
    };
    num.parse::<u64>().ok().map(|n| n * mul)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        // For profiling by hand: `pipeline --generate FILE 100M`.
        let size = parse_size(&args[i + 2]).expect("size");
        generate(Path::new(&args[i + 1]), size).expect("generate");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], Path::new(&args[i + 2]));
        return;
    }
    let sizes: Vec<(String, u64)> = std::env::var("MB_BENCH_SIZES")
        .unwrap_or_else(|_| "100M,1G".into())
        .split(',')
        .filter_map(|s| parse_size(s).map(|n| (s.trim().to_string(), n)))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut results = Vec::new();
    for (label, size) in &sizes {
        let path: PathBuf = dir.path().join(format!("simple-orders-{label}.csv"));
        let t = Instant::now();
        let rows = generate(&path, *size).expect("generate");
        let bytes = std::fs::metadata(&path).expect("meta").len();
        eprintln!(
            "{label}: generated {rows} rows, {bytes} bytes in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let plain = measure("plain", &path);
        eprintln!("{label}: plain {plain}");
        let reader = measure("read", &path);
        eprintln!("{label}: reader only {reader}");
        let validate_only = measure("validate", &path);
        eprintln!("{label}: validate only {validate_only}");
        let pipeline = measure("pipeline", &path);
        eprintln!("{label}: pipeline {pipeline}");
        let preview = measure("preview", &path);
        eprintln!("{label}: preview {preview}");
        let mbps = |v: &serde_json::Value| {
            bytes as f64 / (1 << 20) as f64 / v["secs"].as_f64().unwrap_or(f64::NAN)
        };
        let peak_mb = |v: &serde_json::Value| v["peak_kb"].as_f64().unwrap_or(0.0) / 1024.0;
        let cpu = |v: &serde_json::Value| v["cpu_secs"].as_f64().unwrap_or(0.0);
        let cpu_ratio = cpu(&pipeline) / cpu(&plain).max(0.01);
        let ratio =
            pipeline["secs"].as_f64().unwrap_or(0.0) / plain["secs"].as_f64().unwrap_or(1.0);
        results.push(serde_json::json!({
            "size": label,
            "bytes": bytes,
            "rows": rows,
            "plain_byte_record": {
                "secs": plain["secs"], "cpu_secs": plain["cpu_secs"],
                "mb_per_s": mbps(&plain), "peak_mb": peak_mb(&plain)
            },
            "pipeline": {
                "secs": pipeline["secs"], "cpu_secs": pipeline["cpu_secs"],
                "mb_per_s": mbps(&pipeline), "peak_mb": peak_mb(&pipeline)
            },
            "ratio_pipeline_to_plain": ratio,
            "cpu_ratio_pipeline_to_plain": cpu_ratio,
            "load_average_at_end": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
            "reader_only": {
                "secs": reader["secs"], "cpu_secs": reader["cpu_secs"],
                "mb_per_s": mbps(&reader), "peak_mb": peak_mb(&reader)
            },
            "validate_without_output": {
                "secs": validate_only["secs"], "cpu_secs": validate_only["cpu_secs"],
                "mb_per_s": mbps(&validate_only),
                "peak_mb": peak_mb(&validate_only)
            },
            "preview_200_rows": {
                "secs": preview["secs"], "ms": preview["secs"].as_f64().unwrap_or(0.0) * 1000.0,
                "peak_mb": peak_mb(&preview)
            },
        }));
        let _ = std::fs::remove_file(&path);
    }
    let out = serde_json::json!({
        "bench": "mb-import pipeline: validate + normalise + write simple orders",
        "machine_cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "note": "each measurement in its own child process; peak = VmHWM",
        "results": results,
    });
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench-out");
    std::fs::create_dir_all(&out_dir).expect("bench-out");
    let path = out_dir.join("import.json");
    std::fs::write(&path, serde_json::to_string_pretty(&out).expect("json")).expect("write");
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    eprintln!("written to {}", path.display());
}
