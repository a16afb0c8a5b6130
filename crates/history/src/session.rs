//! Which live process is sending an upload. Each open file-backed store creates
//! `<db>.sessions/<id>.lock` and holds an exclusive OS lock on it for its lifetime; the OS
//! drops that lock when the process dies, however it dies. Does not own the upload states.

use crate::Result;
use std::fs::{File, TryLockError};
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

pub(crate) struct Session {
    id: String,
    dir: Option<PathBuf>,
    // Held for the lock; dropped (unlocking) with the store.
    _file: Option<File>,
}

/// A random 64-bit value from std's per-process random hash keys (no extra dependency).
pub(crate) fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(u64::from(std::process::id()));
    h.finish()
}

impl Session {
    pub(crate) fn start(db: Option<&Path>) -> Result<Session> {
        let id = format!("{}-{:016x}", std::process::id(), random_u64());
        let Some(db) = db else {
            return Ok(Session {
                id,
                dir: None,
                _file: None,
            });
        };
        let mut dir = db.as_os_str().to_owned();
        dir.push(".sessions");
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir)?;
        let file = File::create(dir.join(format!("{id}.lock")))?;
        file.lock()?;
        Ok(Session {
            id,
            dir: Some(dir),
            _file: Some(file),
        })
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Whether the session `owner` belongs to a process that is still alive. In-memory
    /// stores have one process only, so every other owner there is gone.
    pub(crate) fn is_alive(&self, owner: &str) -> bool {
        if owner == self.id {
            return true;
        }
        let Some(dir) = &self.dir else { return false };
        if owner.contains(['/', '\\', '.']) {
            return false;
        }
        let path = dir.join(format!("{owner}.lock"));
        let Ok(file) = File::options().write(true).open(&path) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                // Its process died without cleaning up; tidy the stale file.
                drop(file);
                let _ = std::fs::remove_file(&path);
                false
            }
            Err(TryLockError::WouldBlock) => true,
            // Cannot tell: treat as alive, so we never declare a live send interrupted.
            Err(TryLockError::Error(_)) => true,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_file(dir.join(format!("{}.lock", self.id)));
        }
    }
}
