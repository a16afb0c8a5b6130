//! Where things are and which Metrica we talk to: the data folder, the API bases, the Yandex
//! app's credentials, and whether the built-in demo runs.
//!
//! Resolution order for every setting: explicit value (CLI flag) → environment
//! (`MBRIDGE_DATA_DIR`, `MBRIDGE_API_BASE`, `MBRIDGE_OAUTH_BASE`, `MBRIDGE_LOGIN_BASE`,
//! `MBRIDGE_TOKEN`, `MBRIDGE_CLIENT_ID`, `MBRIDGE_CLIENT_SECRET`) → `yandex-app.json` in the data
//! folder → defaults (the real Yandex hosts). The fake is never chosen implicitly for a user who
//! configured a Yandex app: demo mode is on only when no app is configured and no API base is
//! given.

use std::path::{Path, PathBuf};

/// Everything a front end decides before starting the core.
#[derive(Debug, Clone, Default)]
pub struct CoreOptions {
    pub data_dir: Option<PathBuf>,
    pub api_base: Option<String>,
    pub oauth_base: Option<String>,
    pub login_base: Option<String>,
    /// Force the demo on (true) or off (false); None = decide from the configuration.
    pub demo: Option<bool>,
    /// Keep tokens in memory only (tests, demo).
    pub memory_tokens: bool,
}

impl CoreOptions {
    /// Fills unset fields from the environment.
    pub fn with_env(mut self) -> Self {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if self.data_dir.is_none() {
            self.data_dir = env("MBRIDGE_DATA_DIR").map(PathBuf::from);
        }
        if self.api_base.is_none() {
            self.api_base = env("MBRIDGE_API_BASE");
        }
        if self.oauth_base.is_none() {
            self.oauth_base = env("MBRIDGE_OAUTH_BASE");
        }
        if self.login_base.is_none() {
            self.login_base = env("MBRIDGE_LOGIN_BASE");
        }
        self
    }
}

/// The default data folder: `~/.local/share/metrika-bridge` on Linux, the platform's
/// equivalent elsewhere.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("ru", "metrikabridge", "metrika-bridge")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("metrika-bridge"))
}

/// Paths inside the data folder.
#[derive(Debug, Clone)]
pub struct DataPaths {
    pub root: PathBuf,
}

impl DataPaths {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn database(&self) -> PathBuf {
        self.root.join("history.sqlite")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    /// Prepared files waiting to be sent or kept for resending, one folder per upload tag.
    pub fn outgoing(&self) -> PathBuf {
        self.root.join("outgoing")
    }
    pub fn tokens_file(&self) -> PathBuf {
        self.root.join("tokens.json")
    }
    pub fn app_config(&self) -> PathBuf {
        self.root.join("yandex-app.json")
    }
    pub fn ensure(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.root)?;
        std::fs::create_dir_all(self.outgoing())
    }
}

/// Derives the login/oauth bases from an API base pointing at the fake, whose OAuth lives
/// under `/oauth` and user info under `/login` on the same port.
pub fn fake_bases(api_base: &str) -> (String, String) {
    let b = api_base.trim_end_matches('/');
    (format!("{b}/oauth"), format!("{b}/login"))
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
