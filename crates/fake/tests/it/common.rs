//! Shared helpers: a fake on a manual clock at the samples' reference time, an HTTP client,
//! fixture access and upload helpers.

use std::sync::Arc;

use mb_fake::{Clock, FakeConfig, FakeServer, ManualClock, Quotas};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// The reference clock of fixtures/SAMPLES.md.
pub const REFERENCE_NOW: &str = "2026-11-22T07:00:00Z";
/// Demo counters used below.
pub const MEBEL: u64 = 51234501; // edit, Europe/Moscow, all seven sample goals
pub const AGENCY_OWN: u64 = 51234502; // own
pub const URAL: u64 = 51234504; // edit, Asia/Yekaterinburg, no good_lead goal
pub const VIEW_ONLY: u64 = 51234510; // view
pub const SHOP: u64 = 62345601; // shop-owner's

pub struct Env {
    pub server: FakeServer,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    pub token: String,
}

pub fn config() -> (FakeConfig, Arc<ManualClock>) {
    let (clock, handle) = Clock::manual(REFERENCE_NOW.parse().unwrap());
    let cfg = FakeConfig {
        clock,
        quotas: Quotas {
            per_ip_per_second: 10_000,
            ..Quotas::default()
        },
        ..FakeConfig::default()
    };
    (cfg, handle)
}

pub async fn env_with(cfg: FakeConfig, clock: Arc<ManualClock>) -> Env {
    let server = FakeServer::start(cfg).await.unwrap();
    let token = server.issue_token(mb_fake::DEMO_AGENCY);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Env {
        server,
        clock,
        http,
        token,
    }
}

pub async fn env() -> Env {
    let (cfg, clock) = config();
    env_with(cfg, clock).await
}

pub fn fixture(name: &str) -> Vec<u8> {
    let p = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

pub fn fixture_path(name: &str) -> String {
    format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.api_base)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.get_as(path, &self.token.clone()).await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .header("Authorization", format!("OAuth {token}"))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> (u16, Value) {
        let r = self
            .http
            .request(method, self.url(path))
            .header("Authorization", format!("OAuth {}", self.token))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn upload(&self, path: &str, data: Vec<u8>) -> (u16, Value) {
        let form = Form::new().part(
            "file",
            Part::bytes(data)
                .file_name("data.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
        let r = self
            .http
            .post(self.url(path))
            .header("Authorization", format!("OAuth {}", self.token))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub fn advance_secs(&self, s: u64) {
        self.clock.advance(std::time::Duration::from_secs(s));
    }
}

pub fn error_type(v: &Value) -> &str {
    v["errors"][0]["error_type"].as_str().unwrap_or("")
}

pub fn messages(v: &Value) -> String {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["message"].as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}
