//! End-to-end journeys of the real `mbridge` binary against the fake Metrica (started in this
//! test process) and a real SQLite file in a temporary data folder.

mod crash;
mod demo_server;
mod hostile;
mod jobs;
mod journey;
mod same_outcome;
mod validate;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_mbridge")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name)
}

/// A data folder plus the fake's address: every command runs against both. Each Env signs in
/// on its own loopback port, registered on the fake (which matches redirect ports exactly),
/// so journeys running at the same time never fight over the app's real port 53682.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub api_base: String,
    pub token: Option<String>,
    pub loopback_port: u16,
}

impl Env {
    pub fn new(fake: &mb_fake::FakeServer) -> Env {
        let loopback_port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        fake.register_redirect_uri(&format!("http://127.0.0.1:{loopback_port}/callback"));
        Env {
            dir: tempfile::tempdir().unwrap(),
            api_base: fake.api_base.clone(),
            token: None,
            loopback_port,
        }
    }

    /// An Env for a server that does not exist (no sign-in happens).
    pub fn unreachable(api_base: &str) -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            api_base: api_base.to_string(),
            token: None,
            loopback_port: 9,
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.env("MBRIDGE_DATA_DIR", self.dir.path())
            .env("MBRIDGE_API_BASE", &self.api_base)
            .env("MBRIDGE_TOKEN_STORE", "file")
            .env("MBRIDGE_LOOPBACK_PORT", self.loopback_port.to_string())
            // Job runs read files the tests have just written: no 5 s wait for them to be
            // still (the core's own test covers the wait).
            .env("MBRIDGE_FILE_SETTLE_MS", "0")
            // The user's scheduler folder is somewhere else: tests never touch real timers.
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("HOME", self.dir.path())
            .env_remove("MBRIDGE_CLIENT_ID")
            .env_remove("MBRIDGE_OAUTH_BASE");
        match &self.token {
            Some(t) => c.env("MBRIDGE_TOKEN", t),
            None => c.env_remove("MBRIDGE_TOKEN"),
        };
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self.run(args);
        let code = out.status.code().unwrap_or(-1);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}); exit {code}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (code, v)
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("history.sqlite")
    }
}
