//! A stable, dependency-free mutation fuzzer for reader + mapper + validator (libFuzzer needs
//! nightly). Seeds are the files in `fixtures/`; each iteration mutates one (bit flips, byte
//! insertions and deletions, interesting tokens, splices with another seed) with a seeded
//! PRNG and runs `read::open_bytes` → `detect_kind`/`auto_map` → `pipeline::prepare` under
//! `catch_unwind`.
//!
//! `cargo run -p mb-import --example fuzz --release -- --seconds 20 [--seed N] [--trace] [--text-only]`
//! (`--text-only` leaves workbook seeds out.)
//! (`--trace` prints each input's seed and size). Each input is written to
//! `target/fuzz-current.bin` before it runs (kept if the process dies: OOM abort or a hang).
//! Exit code 0 = no panic; 1 = a panic, the input saved as `target/fuzz-crash-<seed>-<n>.bin`,
//! or a peak resident set over the readers' 256 MiB bound (Linux `VmHWM`).
//! The workbook bombs in `fixtures/bombs/` are seeds too. `--out FILE` appends the run's
//! figures (iterations, slowest input, peak memory) to FILE (`scripts/fuzz-long.sh`).

use mb_import::mapping::{auto_map, detect_kind};
use mb_import::pipeline::prepare;
use mb_import::read::{ReadOptions, open_bytes};
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::UploadKind;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b",",
    b";",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"\xEF\xBB\xBF",
    b"\xD0",
    b"\xFF\xFE",
    b"1.76235E+18",
    b"1,63251E+18",
    b"1762345098123450000",
    b"1794663000000",
    b"99999999999999999999",
    b"31.02.2026",
    b"06.11.2026 9:05",
    b"2026-11-06T09:05:00+03:00",
    b"-0",
    b"\xC2\xA0",
    b"12\xC2\xA0500,50 \xD1\x80\xD1\x83\xD0\xB1.",
    b"+7 (916) 123-45-67",
    b"Mail@Example.RU",
    b"RUR",
    b"usd",
    b"\xD0\x9E\xD0\xBF\xD0\xBB\xD0\xB0\xD1\x87\xD0\xB5\xD0\xBD",
    b"=cmd|' /C calc'!A0",
    b",,,,,,,,,,,,,,,,,,,,",
    b"\"\"\"",
    b"\x00",
    b"1e308",
    b"::::",
    b"good_lead",
];

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below((len - i).min(64)) + 1;
                input.drain(i..i + n);
            }
            3 | 4 => {
                let i = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                input.splice(i..i, t.iter().copied());
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below((len - i).min(256)) + 1;
                let chunk = input[i..i + n].to_vec();
                let j = rng.below(len + 1);
                input.splice(j..j, chunk);
            }
            _ => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = a + rng.below((other.len() - a).min(512)) + 1;
                    let i = rng.below(len + 1);
                    input.splice(i..i, other[a..b].iter().copied());
                }
            }
        }
    }
    input.truncate(1 << 20);
}

fn run_one(bytes: Vec<u8>, name: &str, kind_pick: usize, out_dir: &std::path::Path) {
    let Ok(mut src) = open_bytes(bytes, name, &ReadOptions::default()) else {
        return;
    };
    let headers = src.info().headers.clone();
    let kind = detect_kind(&headers)
        .map(|(k, _)| k)
        .unwrap_or(UploadKind::ALL[kind_pick % UploadKind::ALL.len()]);
    let mapping = auto_map(kind, &headers).mapping;
    let mut opts =
        ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().expect("ts"));
    opts.goals = Some(vec!["offline_paid".into(), "good_lead".into()]);
    opts.hash_contacts = kind_pick.is_multiple_of(2);
    opts.max_issues = 50;
    opts.max_errors = 50;
    // Spill into the run's own folder (removed with it), exercising the spill path too.
    opts.issue_spill_path = Some(out_dir.join("issues.jsonl"));
    let mut spec = OutputSpec::new(out_dir.join("out.csv"));
    spec.max_bytes = 512;
    spec.rejected_path = Some(out_dir.join("rejected.csv"));
    let mut rows = 0u64;
    let _ = prepare(src.as_mut(), &mapping, &opts, Some(&spec), &mut |p| {
        rows = p.rows;
        if rows > 100_000 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let seconds: u64 = arg("--seconds").and_then(|s| s.parse().ok()).unwrap_or(20);
    let seed: u64 = arg("--seed")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026);
    let text_only = args.iter().any(|a| a == "--text-only");
    let trace = args.iter().any(|a| a == "--trace");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let listing = |dir: &str| {
        std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
    };
    let mut seeds: Vec<(String, Vec<u8>)> = listing("fixtures")
        .chain(listing("fixtures/bombs"))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            !(text_only && matches!(ext, "xls" | "xlsx" | "ods"))
        })
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect();
    seeds.sort();
    let seed_bytes: Vec<Vec<u8>> = seeds.iter().map(|(_, b)| b.clone()).collect();
    let current = root.join("target").join("fuzz-current.bin");
    let out_dir = std::env::temp_dir().join(format!("mb-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    std::panic::set_hook(Box::new(|_| {}));

    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut iterations, mut slowest) = (0u64, Duration::ZERO);
    while Instant::now() < deadline {
        let (name, base) = &seeds[rng.below(seeds.len())];
        let mut input = base.clone();
        mutate(&mut rng, &seed_bytes, &mut input);
        let pick = rng.below(10);
        // An allocation failure or a hang kills the process before catch_unwind can save
        // the input, so the current one is always on disk.
        let _ = std::fs::write(&current, &input);
        if trace {
            eprintln!("{iterations} {name} {}", input.len());
        }
        let started = Instant::now();
        let copy = input.clone();
        let result = catch_unwind(AssertUnwindSafe(|| run_one(copy, name, pick, &out_dir)));
        slowest = slowest.max(started.elapsed());
        iterations += 1;
        if let Err(panic) = result {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let crash = root
                .join("target")
                .join(format!("fuzz-crash-{seed}-{iterations}.bin"));
            let _ = std::fs::write(&crash, &input);
            eprintln!("PANIC after {iterations} iterations (seed file {name}): {msg}");
            eprintln!("input saved to {}", crash.display());
            let _ = std::fs::remove_dir_all(&out_dir);
            std::process::exit(1);
        }
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    let _ = std::fs::remove_file(&current);
    let peak = peak_mib();
    let line = format!(
        "fuzz: {iterations} iterations in {seconds} s over {} seeds (seed {seed}), no panic \
         (slowest {} ms, peak memory {} MiB)",
        seeds.len(),
        slowest.as_millis(),
        peak.map_or("n/a".to_owned(), |p| p.to_string()),
    );
    println!("{line}");
    if let Some(out) = arg("--out") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(out)
            .expect("--out file");
        let _ = writeln!(f, "{line}");
    }
    if peak.is_some_and(|p| p > PEAK_BOUND_MIB) {
        eprintln!("peak memory over the {PEAK_BOUND_MIB} MiB bound");
        std::process::exit(1);
    }
}

/// The memory every reader promises to stay under, whatever the input.
const PEAK_BOUND_MIB: u64 = 256;

/// Peak resident set of this process (Linux), MiB.
fn peak_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024)
}
