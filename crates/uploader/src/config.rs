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
    /// Where jobs' OS scheduler files go; None = the system's place (`schedule::system_dir`).
    /// Tests point it at a temporary folder.
    pub scheduler_dir: Option<PathBuf>,
    /// The largest prepared part in bytes; None = Metrica's limit per file, or
    /// `MBRIDGE_PART_BYTES`. Tests make a small file go in parts with it.
    pub part_bytes: Option<u64>,
    /// How long a job's file must have been still before a run reads it (a CRM may still be
    /// writing it); None = 5 s, or `MBRIDGE_FILE_SETTLE_MS`.
    pub file_settle: Option<std::time::Duration>,
    /// Where tokens are kept: `file` (in the data folder), `memory`, or None = the system's
    /// keychain (or `MBRIDGE_TOKEN_STORE`).
    pub token_store: Option<String>,
    /// The language of the files the core writes for a person (the rejected rows with their
    /// reasons): `mbridge --lang`; None = the app's language setting.
    pub lang: Option<mb_text::Lang>,
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
        if self.file_settle.is_none() {
            self.file_settle = file_settle_from_env();
        }
        if self.token_store.is_none() {
            self.token_store = env("MBRIDGE_TOKEN_STORE");
        }
        if self.part_bytes.is_none() {
            // The CLI's journeys send a small file in parts; a value that is no number is
            // ignored.
            self.part_bytes = env("MBRIDGE_PART_BYTES").and_then(|v| v.trim().parse().ok());
        }
        self
    }
}

/// `MBRIDGE_FILE_SETTLE_MS`: how long a job's file must have been still before a run reads
/// it (tests shorten it).
pub fn file_settle_from_env() -> Option<std::time::Duration> {
    std::env::var("MBRIDGE_FILE_SETTLE_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map(std::time::Duration::from_millis)
}

/// The default data folder: `~/.local/share/metrika-bridge` on Linux, the platform's
/// equivalent elsewhere.
/// The time zone dates are read in when no counter gives one: a counter Metrica reports
/// without a zone, and `mbridge validate`/`prepare` without `--tz` (most counters are Moscow's).
pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

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
    /// The send locks (one file per counter and kind: [`crate::send_lock`]).
    pub fn locks(&self) -> PathBuf {
        self.root.join("locks")
    }

    pub fn outgoing(&self) -> PathBuf {
        self.root.join("outgoing")
    }
    pub fn tokens_file(&self) -> PathBuf {
        self.root.join("tokens.json")
    }
    pub fn app_config(&self) -> PathBuf {
        self.root.join("yandex-app.json")
    }
    /// Creates the data folder, `outgoing/` and `logs/`, readable by the user only (Unix:
    /// folders 0700, files 0600): prepared files may hold raw e-mails and phones.
    pub fn ensure(&self) -> std::io::Result<()> {
        private_dir(&self.root)?;
        private_dir(&self.outgoing())?;
        private_dir(&self.logs())?;
        self.tighten()
    }

    /// Makes everything under the data folder private again (Unix: folders 0700, files 0600;
    /// symlinks left alone): files written since (the database, logs, prepared files) were
    /// created with the process umask. A no-op elsewhere.
    pub fn tighten(&self) -> std::io::Result<()> {
        tighten_tree(&self.root)
    }
}

/// Creates `path` (and its parents) and makes it readable by the user only on Unix.
pub fn private_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(path)
    }
}

#[cfg(unix)]
fn tighten_tree(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let mode = if kind.is_dir() {
            tighten_tree(&entry.path())?;
            0o700
        } else if kind.is_file() {
            0o600
        } else {
            continue;
        };
        let path = entry.path();
        if entry.metadata()?.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten_tree(_dir: &Path) -> std::io::Result<()> {
    Ok(())
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// Before: the data folder was 0755 and prepared files 0644, readable by every local user.
    #[test]
    fn the_data_folder_and_its_files_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("metrika-bridge");
        std::fs::create_dir_all(root.join("outgoing/20261122-ab")).unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let prepared = root.join("outgoing/20261122-ab/metrica.csv");
        std::fs::write(&prepared, "Email\nanna@example.ru\n").unwrap();
        std::fs::set_permissions(&prepared, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(root.join("history.sqlite"), "").unwrap();
        let paths = DataPaths::new(&root);
        paths.ensure().unwrap();
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&paths.outgoing()), 0o700);
        assert_eq!(mode(&paths.logs()), 0o700);
        assert_eq!(mode(&root.join("outgoing/20261122-ab")), 0o700);
        assert_eq!(mode(&prepared), 0o600);
        assert_eq!(mode(&root.join("history.sqlite")), 0o600);
    }
}
