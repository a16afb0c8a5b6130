//! Shared set-up for tests against mb-fake.

use std::path::PathBuf;

use mb_api::{ApiConfig, Client, RetryPolicy, Token};
use mb_fake::{FakeConfig, FakeServer};

/// demo-agency's own counter, a guest-edit one and a view-only one (fake demo seed).
pub const OWN: u64 = 51234502;
pub const EDIT: u64 = 51234501;
pub const VIEW: u64 = 51234510;

pub struct Fake {
    pub server: FakeServer,
    pub token: String,
    pub client: Client,
}

pub fn config(server: &FakeServer) -> ApiConfig {
    ApiConfig::with_bases(&server.api_base, &server.oauth_base, &server.login_base)
        .with_retry(RetryPolicy::fast())
}

pub async fn start() -> Fake {
    start_with(FakeConfig::default()).await
}

pub async fn start_with(cfg: FakeConfig) -> Fake {
    let server = FakeServer::start(cfg).await.unwrap();
    let token = server.issue_token(mb_fake::DEMO_AGENCY);
    let client = Client::new(config(&server), Token::new(token.clone())).unwrap();
    Fake {
        server,
        token,
        client,
    }
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// An offline-conversions CSV of about `bytes` bytes with valid past rows.
pub fn big_offline_csv(dir: &std::path::Path, bytes: usize) -> PathBuf {
    use std::io::Write;
    let path = dir.join("big_offline.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(w, "ClientId,Target,DateTime,Price,Currency").unwrap();
    let mut n = 0;
    let mut i = 0u64;
    while n < bytes {
        let line = format!(
            "17623450981234{:05},offline_paid,1794228120,100.50,RUB\n",
            i % 50_000
        );
        w.write_all(line.as_bytes()).unwrap();
        n += line.len();
        i += 1;
    }
    w.flush().unwrap();
    path
}
