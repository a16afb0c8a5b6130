//! The duplicate check at Metrica's 1 GB limit: a generated simple-orders file of short rows
//! (about 30 million) where every 1000th row repeats an earlier order id; `validate` runs in a
//! child process (this binary re-executed with `--child`) so that its peak RSS (VmHWM) is its
//! own. Checks that exactly the planted repeats are reported (the check is exact), and writes
//! wall time, CPU time and peak RSS to `bench-out/dups.json`. The input lives in a temp dir
//! and is removed afterwards; it is never committed.
//!
//! Run: `cargo bench -p mb-import --bench dups`. Size: `MB_BENCH_DUPS_SIZE=1G` (default).

use mb_import::mapping::auto_map;
use mb_import::read::{self, ReadOptions};
use mb_import::validate::ValidateOptions;
use mb_schema::UploadKind;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Writes the file; returns (rows, planted repeats).
fn generate(path: &Path, size: u64) -> std::io::Result<(u64, u64)> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let header = "id,create_date_time,phones\n";
    w.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let (mut rows, mut repeats) = (0u64, 0u64);
    let mut line = String::with_capacity(64);
    use std::fmt::Write as _;
    while written < size {
        rows += 1;
        line.clear();
        // Every 1000th row repeats the id of the row 997 rows before it.
        let id = if rows % 1000 == 0 {
            repeats += 1;
            rows - 997
        } else {
            rows
        };
        let _ = writeln!(
            line,
            "A{id},2026-11-{:02} 10:{:02}:00,7916{:07}",
            1 + rows % 20,
            rows % 60,
            rows % 10_000_000
        );
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    w.flush()?;
    Ok((rows, repeats))
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

fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn child(path: &Path) {
    let started = Instant::now();
    let mut o = ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().expect("ts"));
    o.issue_spill_path = None;
    let mut src = read::open(path, &ReadOptions::default()).expect("open");
    let m = auto_map(UploadKind::SimpleOrders, &src.info().headers).mapping;
    let r = mb_import::pipeline::validate(src.as_mut(), &m, &o, &mut |_| ControlFlow::Continue(()))
        .expect("validate");
    println!(
        "{{\"secs\":{},\"cpu_secs\":{},\"rows\":{},\"repeats\":{},\"peak_kb\":{}}}",
        started.elapsed().as_secs_f64(),
        cpu_secs(),
        r.rows,
        r.count_of(mb_import::IssueCode::DuplicateOrderId),
        peak_rss_kb()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[i + 1]));
        return;
    }
    let label = std::env::var("MB_BENCH_DUPS_SIZE").unwrap_or_else(|_| "1G".into());
    let size = match label.trim_end_matches(['G', 'M']).parse::<u64>() {
        Ok(n) if label.ends_with('G') => n << 30,
        Ok(n) if label.ends_with('M') => n << 20,
        _ => panic!("MB_BENCH_DUPS_SIZE: 1G or 100M"),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path: PathBuf = dir.path().join("dups.csv");
    let (rows, planted) = generate(&path, size).expect("generate");
    let bytes = std::fs::metadata(&path).expect("meta").len();
    eprintln!("generated {rows} rows, {planted} repeats, {bytes} bytes");
    let out = Command::new(std::env::current_exe().expect("exe"))
        .arg("--child")
        .arg(&path)
        .output()
        .expect("spawn");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(line).expect("json");
    assert_eq!(v["rows"].as_u64(), Some(rows));
    assert_eq!(
        v["repeats"].as_u64(),
        Some(planted),
        "the check must be exact"
    );
    let result = serde_json::json!({
        "bench": "mb-import duplicate check: validate a simple-orders file with planted repeated ids",
        "size": label,
        "bytes": bytes,
        "rows": rows,
        "planted_repeats": planted,
        "reported_repeats": v["repeats"],
        "validate_secs": v["secs"],
        "validate_cpu_secs": v["cpu_secs"],
        "peak_mb": v["peak_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        "memory_budget_of_keys_mb": 16,
        "load_average_at_end": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        "note": "child process; peak = VmHWM; keys past the budget go to 128 partition files in the temp dir",
    });
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench-out");
    std::fs::create_dir_all(&out_dir).expect("bench-out");
    let p = out_dir.join("dups.json");
    std::fs::write(&p, serde_json::to_string_pretty(&result).expect("json")).expect("write");
    println!("{}", serde_json::to_string_pretty(&result).expect("json"));
}
