//! Peak memory of reading a hostile answer: a local server streams a body of `--mb` megabytes
//! (default 300) with no length; the client's capped read stops at 8 MiB. For comparison the
//! same body is then read whole with reqwest's `bytes()` (what the client did before the cap).
//! Linux `VmHWM`; figures go to `--out FILE` (bench-out/body-memory.txt).
//!
//! `cargo run --release -p mb-api --example body_memory -- --mb 300 --out bench-out/body-memory.txt`

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use mb_api::{ApiConfig, Client, CounterQuery, Token};

fn peak_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |k| k / 1024)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |n: &str| {
        args.iter()
            .position(|a| a == n)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let mb: usize = arg("--mb").and_then(|s| s.parse().ok()).unwrap_or(300);
    let body = move || async move {
        let chunk = bytes::Bytes::from(vec![b' '; 1 << 20]);
        let stream = futures_util::stream::iter(
            (0..mb).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
        );
        Body::from_stream(stream)
    };
    let app = Router::new().route("/management/v1/counters", get(body));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let start = peak_mib();
    let client = Client::new(ApiConfig::with_bases(&base, &base, &base), Token::new("t")).unwrap();
    let t = Instant::now();
    let capped = client.counters(&CounterQuery::default()).await;
    let capped_ms = t.elapsed().as_millis();
    let capped_peak = peak_mib();
    let outcome = match capped {
        Ok(_) => "read whole (no cap?)".to_owned(),
        Err(e) => format!("refused: {e}"),
    };
    let t = Instant::now();
    let whole = reqwest::get(format!("{base}/management/v1/counters"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let whole_ms = t.elapsed().as_millis();
    let whole_len = whole.len() >> 20;
    drop(whole);
    let whole_peak = peak_mib();
    let report = format!(
        "# Peak memory (VmHWM, MiB) reading a {mb} MB answer with no length\n\
         baseline\t{start} MiB\n\
         client (capped at 8 MiB)\t{capped_peak} MiB\t{capped_ms} ms\t{outcome}\n\
         reqwest bytes() (uncapped, as before)\t{whole_peak} MiB\t{whole_ms} ms\tread {whole_len} MiB\n"
    );
    print!("{report}");
    if let Some(out) = arg("--out") {
        std::fs::write(out, report).unwrap();
    }
}
