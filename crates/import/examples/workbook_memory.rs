//! Peak memory of reading hostile workbooks: each file is read (all rows, as `mbridge validate`
//! reads them) in a child process of its own, whose peak resident set (`VmHWM`, Linux) is the
//! figure. The bound the reader promises is 256 MB for any file.
//!
//! `cargo run --release -p mb-import --example workbook_memory -- [--out FILE] FILE...`
//! (`scripts/bench-workbook-memory.sh` generates the bombs and runs this over them and the
//! fuzzer's workbook seeds, writing `bench-out/workbook-memory.txt`.)

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use mb_import::read::{ReadEvent, ReadOptions, Row, open};

/// The bound the reader promises (MiB).
const BOUND_MIB: u64 = 256;

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Child: read one file whole, print `peak_kib millis outcome`.
fn one(path: &Path) {
    let started = Instant::now();
    let outcome = match open(path, &ReadOptions::default()) {
        Ok(mut source) => {
            let mut row = Row::new();
            let (mut rows, mut malformed) = (0u64, 0u64);
            loop {
                match source.next_event(&mut row) {
                    Ok(Some(ReadEvent::Row)) => rows += 1,
                    Ok(Some(ReadEvent::Malformed(_))) => malformed += 1,
                    Ok(None) => break format!("read {rows} rows, {malformed} malformed"),
                    Err(e) => break format!("error after {rows} rows: {e}"),
                }
            }
        }
        Err(e) => format!("refused: {e}"),
    };
    let ms = started.elapsed().as_millis();
    println!("{} {ms} {outcome}", peak_kib().unwrap_or(0));
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        one(Path::new(&args[1]));
        return;
    }
    let mut out_path = None;
    if args.first().map(String::as_str) == Some("--out") {
        out_path = Some(args[1].clone());
        args.drain(..2);
    }
    let exe = std::env::current_exe().expect("own path");
    let mut report = format!(
        "# Peak memory reading hostile workbooks (VmHWM of a child process per file; bound {BOUND_MIB} MiB)\n\
         # file\tsize_kib\tpeak_mib\tms\toutcome\n"
    );
    let mut worst = 0u64;
    for file in &args {
        let size = std::fs::metadata(file).map(|m| m.len() / 1024).unwrap_or(0);
        let out = Command::new(&exe)
            .args(["--one", file])
            .output()
            .expect("run child");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or("");
        let mut parts = line.splitn(3, ' ');
        let peak: u64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let ms = parts.next().unwrap_or("?");
        let outcome = if out.status.success() {
            parts.next().unwrap_or("").to_owned()
        } else {
            format!("child died: {}", out.status)
        };
        worst = worst.max(peak);
        let name = Path::new(file)
            .file_name()
            .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
        let row = format!("{name}\t{size}\t{}\t{ms}\t{outcome}\n", peak / 1024);
        print!("{row}");
        report.push_str(&row);
    }
    let verdict = format!(
        "# worst peak {} MiB: {}\n",
        worst / 1024,
        if worst / 1024 <= BOUND_MIB {
            "within the bound"
        } else {
            "OVER THE BOUND"
        }
    );
    print!("{verdict}");
    report.push_str(&verdict);
    if let Some(p) = out_path {
        let mut f = std::fs::File::create(&p).expect("create report");
        f.write_all(report.as_bytes()).expect("write report");
    }
}
