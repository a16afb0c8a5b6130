//! One send at a time per counter and kind, across the app, `mbridge` and scheduled jobs.
//!
//! «Only new rows» is decided by the ledger, which learns a send's rows when Metrica accepts
//! it. Two sends of one export to one counter at once (a job's run while the user sends the
//! same file from the window) would each find the rows new and send them twice. So the part
//! of an upload that decides what goes and sends it (the duplicate check, the ledger's filter,
//! every part) holds this lock; a second one waits for it ([`crate::dto::Stage::Queued`]),
//! then sees what the first one sent.
//!
//! The lock is an OS file lock (`flock` on Unix, `LockFileEx` on Windows) on a file in the
//! data folder: it ends with the process that holds it, so a crash never leaves it taken.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::Duration;

use mb_api::CancellationToken;
use mb_schema::UploadKind;

use crate::dto::AppError;

/// Held while an upload decides what to send and sends it; dropped, it lets the next go.
#[derive(Debug)]
pub struct SendLock(#[allow(dead_code)] File);

/// How often a waiting send looks whether the lock is free.
const POLL: Duration = Duration::from_millis(200);

impl SendLock {
    /// Takes the lock of `counter` and `kind` under `dir`, waiting while another send holds
    /// it; `on_wait` is called once, when it has to wait. A cancel while waiting is
    /// `Cancelled` (nothing was sent).
    pub async fn take(
        dir: &Path,
        counter: u32,
        kind: UploadKind,
        cancel: &CancellationToken,
        on_wait: impl FnOnce(),
    ) -> Result<SendLock, AppError> {
        let path = dir.join(format!("send-{counter}-{}.lock", kind.as_str()));
        let mut on_wait = Some(on_wait);
        loop {
            if let Some(lock) = Self::try_take(dir, &path)? {
                return Ok(lock);
            }
            if let Some(f) = on_wait.take() {
                f();
            }
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                () = cancel.cancelled() => return Err(AppError::Cancelled),
            }
        }
    }

    fn try_take(dir: &Path, path: &Path) -> Result<Option<SendLock>, AppError> {
        let storage = |e: std::io::Error| AppError::Storage {
            detail: format!("{}: {e}", path.display()),
        };
        std::fs::create_dir_all(dir).map_err(storage)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(storage)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SendLock(file))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(storage(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_send_waits_for_the_first_and_another_counter_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let first = SendLock::take(dir.path(), 1, UploadKind::Conversions, &cancel, || {
            panic!("free")
        })
        .await
        .unwrap();
        // Another counter, another kind: free.
        let _other = SendLock::take(dir.path(), 2, UploadKind::Conversions, &cancel, || {
            panic!("another counter is free")
        })
        .await
        .unwrap();
        let _calls = SendLock::take(dir.path(), 1, UploadKind::Calls, &cancel, || {
            panic!("another kind is free")
        })
        .await
        .unwrap();
        // The same counter and kind waits (in this process too: one lock per open file).
        let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let w = waited.clone();
        let d = dir.path().to_path_buf();
        let c = cancel.clone();
        let second = tokio::spawn(async move {
            SendLock::take(&d, 1, UploadKind::Conversions, &c, move || {
                w.store(true, std::sync::atomic::Ordering::SeqCst);
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(waited.load(std::sync::atomic::Ordering::SeqCst));
        assert!(!second.is_finished(), "waits while the first holds it");
        drop(first);
        second.await.unwrap().expect("taken once the first let go");
    }

    #[tokio::test]
    async fn a_cancel_while_waiting_is_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let _first = SendLock::take(dir.path(), 1, UploadKind::Orders, &cancel, || {})
            .await
            .unwrap();
        let c2 = CancellationToken::new();
        c2.cancel();
        let r = SendLock::take(dir.path(), 1, UploadKind::Orders, &c2, || {}).await;
        assert!(matches!(r, Err(AppError::Cancelled)), "{r:?}");
    }
}
