//! Upload throughput and memory: our client vs `curl -F file=@…` against mb-fake, for a 200 MB
//! and a 1 GB offline-conversions CSV generated into a temp dir. Our upload runs in a child
//! process (this binary re-executed) so that its peak RSS (VmHWM) belongs to one measurement.
//! Writes /work/main/bench-out/upload.json (or `$MB_BENCH_OUT`).
//!
//! Run: `cargo bench -p mb-api --bench upload` (release). `MB_BENCH_SIZES_MB=200,1000` and
//! `MB_BENCH_RUNS=2` change the plan.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mb_api::{ApiConfig, CancellationToken, Client, Token, UploadOptions, UploadTag, no_progress};

const CHILD_ENV: &str = "MB_BENCH_CHILD";
const COUNTER: u64 = 51234502; // demo-agency's own counter in the fake's demo seed

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    // `cargo bench` passes `--bench`; ignore arguments.
    parent();
}

/// Child: upload argv-given file with our client, print `{"upload_ms":…,"vmhwm_kb":…}`.
fn child() {
    let api_base = std::env::var("MB_BENCH_API").expect("api base");
    let token = std::env::var("MB_BENCH_TOKEN").expect("token");
    let file = PathBuf::from(std::env::var("MB_BENCH_FILE").expect("file"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let result = rt.block_on(async {
        let cfg = ApiConfig::with_bases(&api_base, format!("{api_base}/oauth"), &api_base);
        let client = Client::new(cfg, Token::new(token)).unwrap();
        let opts = UploadOptions::new(UploadTag::new());
        client
            .upload_conversions(
                COUNTER,
                &file,
                &opts,
                no_progress(),
                &CancellationToken::new(),
            )
            .await
    });
    let upload_ms = started.elapsed().as_secs_f64() * 1000.0;
    let ok = match &result {
        Ok(u) => u.status.as_str().to_string(),
        Err(e) => format!("error: {e}"),
    };
    println!(
        "{}",
        serde_json::json!({"upload_ms": upload_ms, "vmhwm_kb": vmhwm_kb(), "status": ok})
    );
}

fn vmhwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn generate(path: &Path, bytes: u64, now_secs: i64) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    writeln!(w, "ClientId,Target,DateTime,Price,Currency").unwrap();
    let mut written = 40u64;
    let mut i = 0u64;
    // A few thousand distinct rows repeated: the fake dedupes on (id, Target, DateTime).
    while written < bytes {
        let line = format!(
            "17623450981234{:05},offline_paid,{},{}.50,RUB\n",
            i % 4096,
            now_secs - 86_400 - (i % 7) as i64,
            1000 + i % 9000
        );
        w.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        i += 1;
    }
    w.flush().unwrap();
}

fn ours(api: &str, token: &str, file: &Path) -> serde_json::Value {
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let out = Command::new(exe)
        .env(CHILD_ENV, "1")
        .env("MB_BENCH_API", api)
        .env("MB_BENCH_TOKEN", token)
        .env("MB_BENCH_FILE", file)
        .output()
        .unwrap();
    let process_ms = started.elapsed().as_secs_f64() * 1000.0;
    let line = String::from_utf8_lossy(&out.stdout);
    let mut v: serde_json::Value = serde_json::from_str(line.trim()).unwrap_or_else(|_| {
        panic!(
            "child said {line} / {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v["process_ms"] = process_ms.into();
    v
}

fn curl(api: &str, token: &str, file: &Path) -> serde_json::Value {
    let url = format!(
        "{api}/management/v1/counter/{COUNTER}/offline_conversions/upload?comment={}",
        UploadTag::new()
    );
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H"])
        .arg(format!("Authorization: OAuth {token}"))
        .arg("-F")
        .arg(format!("file=@{};type=text/csv", file.display()))
        .arg(url)
        .output()
        .expect("curl");
    let process_ms = started.elapsed().as_secs_f64() * 1000.0;
    serde_json::json!({"process_ms": process_ms,
        "http_code": String::from_utf8_lossy(&out.stdout).trim()})
}

fn parent() {
    let sizes: Vec<u64> = std::env::var("MB_BENCH_SIZES_MB")
        .unwrap_or_else(|_| "200,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("MB_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let out_path =
        std::env::var("MB_BENCH_OUT").unwrap_or_else(|_| "/work/main/bench-out/upload.json".into());
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(mb_fake::FakeServer::start(mb_fake::FakeConfig::default()))
        .unwrap();
    let token = server.issue_token(mb_fake::DEMO_AGENCY);
    let api = server.api_base.clone();
    let now = jiff::Timestamp::now().as_second();

    let mut results = Vec::new();
    for mb in sizes {
        let bytes = mb * 1_000_000;
        let file = dir.path().join(format!("offline_{mb}mb.csv"));
        generate(&file, bytes, now);
        let size = std::fs::metadata(&file).unwrap().len();
        let mut our_runs = Vec::new();
        let mut curl_runs = Vec::new();
        for _ in 0..runs {
            curl_runs.push(curl(&api, &token, &file));
            our_runs.push(ours(&api, &token, &file));
        }
        let best = |v: &[serde_json::Value]| {
            v.iter()
                .filter_map(|r| r["process_ms"].as_f64())
                .fold(f64::INFINITY, f64::min)
        };
        let ours_best = best(&our_runs);
        let curl_best = best(&curl_runs);
        let peak = our_runs.iter().filter_map(|r| r["vmhwm_kb"].as_u64()).max();
        eprintln!(
            "{mb} MB: ours {ours_best:.0} ms, curl {curl_best:.0} ms, ratio {:.2}, peak RSS {:?} kB",
            ours_best / curl_best,
            peak
        );
        results.push(serde_json::json!({
            "file_bytes": size,
            "ours_runs": our_runs,
            "curl_runs": curl_runs,
            "ours_best_ms": ours_best,
            "curl_best_ms": curl_best,
            "ratio_vs_curl": ours_best / curl_best,
            "ours_peak_rss_kb": peak,
        }));
        std::fs::remove_file(&file).ok();
    }
    let report = serde_json::json!({
        "bench": "mb-api upload (offline conversions) vs curl, against mb-fake on 127.0.0.1",
        "measured_at": jiff::Timestamp::now().to_string(),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "targets": {"ratio_vs_curl_max": 1.25, "peak_rss_mb_max": 32},
        "notes": "times are whole-process wall times (spawn to exit) for both; ours also \
                  reports upload_ms inside the child; peak RSS is the child's VmHWM",
        "sizes": results,
    });
    if let Some(dir) = Path::new(&out_path).parent() {
        std::fs::create_dir_all(dir).ok();
    }
    std::fs::write(&out_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    eprintln!("wrote {out_path}");
    rt.block_on(server.shutdown());
}
