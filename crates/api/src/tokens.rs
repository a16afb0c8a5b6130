//! Where OAuth tokens live: several accounts side by side (an agency signs in to many logins),
//! keyed by Yandex login. The OS keychain (service `metrika-bridge`, user = login) when it
//! answers; else a JSON file readable only by the user, said once in the log; an in-memory
//! store for tests.
//!
//! Does not decide which account is active (mb-history stores that) and never logs a token.
//! The trait is synchronous (keychains are); call it from `spawn_blocking` in async code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::secret::Token;

/// Keychain service name.
pub const KEYRING_SERVICE: &str = "metrika-bridge";
/// Keychain user of the entry listing which logins have tokens (keychains cannot enumerate).
const INDEX_USER: &str = ":logins";
/// File name of the fallback store inside the data dir.
pub const TOKEN_FILE: &str = "tokens.json";

/// What is stored per login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub access: Token,
    pub refresh: Option<Token>,
    /// `now + expires_in` at issue time (§2.5).
    pub expires_at: Option<Timestamp>,
    pub scope: Option<String>,
}

impl StoredToken {
    /// Whether the access token is past its lifetime at `now`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

/// The serialised form; only the stores below see raw values.
#[derive(Serialize, Deserialize)]
struct Raw {
    access: String,
    #[serde(default)]
    refresh: Option<String>,
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

impl Raw {
    fn from(t: &StoredToken) -> Self {
        Raw {
            access: t.access.expose().to_string(),
            refresh: t.refresh.as_ref().map(|r| r.expose().to_string()),
            expires_at: t.expires_at.map(|x| x.to_string()),
            scope: t.scope.clone(),
        }
    }
    fn into_token(self) -> StoredToken {
        StoredToken {
            access: Token::new(self.access),
            refresh: self.refresh.map(Token::new),
            expires_at: self.expires_at.and_then(|s| s.parse().ok()),
            scope: self.scope,
        }
    }
}

/// Which backend a store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Keychain,
    File,
    Memory,
}

/// Token storage for many logins.
pub trait TokenStore: Send + Sync {
    fn get(&self, login: &str) -> Result<Option<StoredToken>>;
    fn put(&self, login: &str, token: &StoredToken) -> Result<()>;
    fn delete(&self, login: &str) -> Result<()>;
    fn list_logins(&self) -> Result<Vec<String>>;
    fn kind(&self) -> StoreKind;
}

/// The keychain if it answers a probe, else the file in `data_dir` (warned once in the log).
pub fn open_token_store(data_dir: &Path) -> Arc<dyn TokenStore> {
    match KeyringStore::probe() {
        Ok(store) => Arc::new(store),
        Err(reason) => {
            tracing::debug!(%reason, "keychain unavailable");
            Arc::new(FileStore::fallback(data_dir.join(TOKEN_FILE)))
        }
    }
}

/// Tests and demo mode.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: Mutex<BTreeMap<String, StoredToken>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn get(&self, login: &str) -> Result<Option<StoredToken>> {
        Ok(self
            .map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(login)
            .cloned())
    }
    fn put(&self, login: &str, token: &StoredToken) -> Result<()> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(login.into(), token.clone());
        Ok(())
    }
    fn delete(&self, login: &str) -> Result<()> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(login);
        Ok(())
    }
    fn list_logins(&self) -> Result<Vec<String>> {
        Ok(self
            .map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .cloned()
            .collect())
    }
    fn kind(&self) -> StoreKind {
        StoreKind::Memory
    }
}

/// OS keychain via `keyring` (Secret Service on Linux, Keychain on macOS, Credential Manager on
/// Windows). One entry per login holding the JSON of [`StoredToken`], plus an index entry.
#[derive(Debug)]
pub struct KeyringStore {
    service: String,
    lock: Mutex<()>,
}

fn kr_err(e: keyring::Error) -> ApiError {
    ApiError::TokenStore(e.to_string())
}

impl KeyringStore {
    pub fn new(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
            lock: Mutex::new(()),
        }
    }

    /// Write, read back and delete a probe entry; `Err` with the reason when the keychain does
    /// not answer (no D-Bus session, locked, no backend).
    pub fn probe() -> std::result::Result<Self, String> {
        let store = KeyringStore::new(KEYRING_SERVICE);
        let entry = store.entry(":probe").map_err(|e| e.to_string())?;
        entry.set_password("probe").map_err(|e| e.to_string())?;
        let back = entry.get_password().map_err(|e| e.to_string())?;
        let _ = entry.delete_credential();
        if back != "probe" {
            return Err("keychain returned a different value".into());
        }
        Ok(store)
    }

    fn entry(&self, user: &str) -> std::result::Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(&self.service, user)
    }

    fn read_index(&self) -> Result<Vec<String>> {
        match self.entry(INDEX_USER).and_then(|e| e.get_password()) {
            Ok(s) => Ok(serde_json::from_str(&s).unwrap_or_default()),
            Err(keyring::Error::NoEntry) => Ok(Vec::new()),
            Err(e) => Err(kr_err(e)),
        }
    }

    fn write_index(&self, logins: &[String]) -> Result<()> {
        let json =
            serde_json::to_string(logins).map_err(|e| ApiError::TokenStore(e.to_string()))?;
        self.entry(INDEX_USER)
            .and_then(|e| e.set_password(&json))
            .map_err(kr_err)
    }
}

impl TokenStore for KeyringStore {
    fn get(&self, login: &str) -> Result<Option<StoredToken>> {
        match self.entry(login).and_then(|e| e.get_password()) {
            Ok(s) => serde_json::from_str::<Raw>(&s)
                .map(|r| Some(r.into_token()))
                .map_err(|e| ApiError::TokenStore(format!("unreadable entry: {e}"))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(kr_err(e)),
        }
    }

    fn put(&self, login: &str, token: &StoredToken) -> Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let json = serde_json::to_string(&Raw::from(token))
            .map_err(|e| ApiError::TokenStore(e.to_string()))?;
        self.entry(login)
            .and_then(|e| e.set_password(&json))
            .map_err(kr_err)?;
        let mut idx = self.read_index()?;
        if !idx.iter().any(|l| l == login) {
            idx.push(login.to_string());
            idx.sort();
            self.write_index(&idx)?;
        }
        Ok(())
    }

    fn delete(&self, login: &str) -> Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        match self.entry(login).and_then(|e| e.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(e) => return Err(kr_err(e)),
        }
        let mut idx = self.read_index()?;
        idx.retain(|l| l != login);
        self.write_index(&idx)
    }

    fn list_logins(&self) -> Result<Vec<String>> {
        self.read_index()
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Keychain
    }
}

static FILE_WARNED: AtomicBool = AtomicBool::new(false);

/// The fallback: `{login: token}` JSON, created with mode 0600 on unix, replaced atomically.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileStore {
    /// The file store chosen on purpose (`--token-store file`): nothing to warn about.
    pub fn new(path: PathBuf) -> Self {
        FileStore {
            path,
            lock: Mutex::new(()),
        }
    }

    /// The file store because no keychain answered: warned once in the log.
    pub fn fallback(path: PathBuf) -> Self {
        if !FILE_WARNED.swap(true, Ordering::SeqCst) {
            tracing::warn!(
                path = %path.display(),
                "no OS keychain; tokens stored in a file readable only by you at {}",
                path.display()
            );
        }
        FileStore {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<BTreeMap<String, Raw>> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| ApiError::TokenStore(format!("{}: {e}", self.path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(ApiError::Io(e)),
        }
    }

    fn save(&self, map: &BTreeMap<String, Raw>) -> Result<()> {
        use std::io::Write;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        let json =
            serde_json::to_vec_pretty(map).map_err(|e| ApiError::TokenStore(e.to_string()))?;
        f.write_all(&json)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

impl TokenStore for FileStore {
    fn get(&self, login: &str) -> Result<Option<StoredToken>> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.load()?.remove(login).map(Raw::into_token))
    }
    fn put(&self, login: &str, token: &StoredToken) -> Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut map = self.load()?;
        map.insert(login.to_string(), Raw::from(token));
        self.save(&map)
    }
    fn delete(&self, login: &str) -> Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut map = self.load()?;
        if map.remove(login).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }
    fn list_logins(&self) -> Result<Vec<String>> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.load()?.into_keys().collect())
    }
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(a: &str) -> StoredToken {
        StoredToken {
            access: Token::new(a),
            refresh: Some(Token::new(format!("r-{a}"))),
            expires_at: Some("2027-11-22T07:00:00Z".parse().unwrap()),
            scope: Some("metrika:read".into()),
        }
    }

    fn exercise(store: &dyn TokenStore) {
        assert_eq!(store.list_logins().unwrap(), Vec::<String>::new());
        store.put("shop-owner", &tok("y0_a")).unwrap();
        store.put("demo-agency", &tok("y0_b")).unwrap();
        assert_eq!(store.get("shop-owner").unwrap(), Some(tok("y0_a")));
        assert_eq!(
            store.list_logins().unwrap(),
            vec!["demo-agency", "shop-owner"]
        );
        store.put("shop-owner", &tok("y0_c")).unwrap();
        assert_eq!(store.get("shop-owner").unwrap(), Some(tok("y0_c")));
        store.delete("shop-owner").unwrap();
        assert_eq!(store.get("shop-owner").unwrap(), None);
        assert_eq!(store.list_logins().unwrap(), vec!["demo-agency"]);
        store.delete("nobody").unwrap();
    }

    #[test]
    fn memory_store_keeps_several_accounts() {
        exercise(&MemoryStore::new());
    }

    #[test]
    fn file_store_keeps_several_accounts_in_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("sub").join(TOKEN_FILE));
        exercise(&store);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn expiry_is_judged_against_the_given_now() {
        let t = tok("y0_a");
        assert!(!t.is_expired("2027-11-22T06:59:59Z".parse().unwrap()));
        assert!(t.is_expired("2027-11-22T07:00:00Z".parse().unwrap()));
    }
}
