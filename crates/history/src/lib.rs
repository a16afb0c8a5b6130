//! mb-history: the local SQLite store of everything the product did, shared by the desktop
//! app and the CLI (both may hold the same database file open at the same time).
//!
//! Owns: the schema and its numbered migrations, the upload state machine, the "send only
//! new rows" ledger, mapping templates, status maps, client profiles, accounts, settings and
//! the history queries (list, agency overview, CSV export, poll schedule, explanations).
//!
//! Deliberately does NOT own: any network call (the use-case crate calls the API and records
//! the outcome here), OAuth tokens (the token store in `mb-api`), raw contact data (only
//! counts, SHA-256 hashes and metadata are stored), user-facing sentences (explanations are
//! codes the front ends translate).
//!
//! Concurrency: WAL journal, a 5 s busy timeout, and every write runs in `BEGIN IMMEDIATE`
//! retried on `SQLITE_BUSY`, so two processes interleave transactions instead of failing with
//! "database is locked". Each open [`Store`] holds an OS lock on a small session file beside
//! the database; [`Store::recover_on_start`] uses it to tell an upload whose sender died from
//! one another live process is still sending.

mod catalog;
mod clock;
mod error;
mod explain;
mod failure;
mod jobs;
mod ledger;
mod migrate;
mod query;
mod redact;
mod session;
mod upload;

pub use catalog::{Account, ClientProfile, MappingTemplate, StatusMapEntry};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use explain::{AdviceCode, Explanation, ExplanationCode, ExplanationItem, explain};
pub use failure::FailureReason;
pub use jobs::{JobRecord, JobRun, PROCESS_DIED, RunEnd, RunResult, new_columns_of};
pub use ledger::{LedgerVerdict, RowHash, row_hash};
pub use migrate::{LATEST_VERSION, MIGRATIONS, Migration, backup_path as migrate_backup_path};
pub use query::{CounterOverview, EXPORT_COLUMNS, UploadFilter, poll_delay};
pub use redact::redact;
pub use upload::{
    ABSENCE_SETTLES_AFTER, CdpValidation, IssueCounts, NewUpload, RowCounts, STOPPED_BY_USER,
    ServerReport, ServerStatus, SourceFile, Upload, UploadState, can_transition,
};

use jiff::Timestamp;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long SQLite itself waits for a lock before returning `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a write transaction is retried after `SQLITE_BUSY` outlived the timeout.
const WRITE_ATTEMPTS: u32 = 6;

/// The history database. Cheap to share: methods take `&self` and serialise on one
/// connection inside; open one `Store` per process.
pub struct Store {
    conn: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    session: session::Session,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("session", &self.session.id())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` with the system clock, and brings its
    /// schema up to date. Fails with [`Error::NewerSchema`] on a file from a newer build.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with_clock(path, Arc::new(SystemClock))
    }

    /// Like [`Store::open`] with an injected clock.
    pub fn open_with_clock(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Before anything writes (the WAL switch rewrites the header, the session file sits
        // beside it): a file from a newer build is refused untouched.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        migrate::check_version(&conn)?;
        let session = session::Session::start(Some(path))?;
        Store::init(conn, clock, session, Some(path))
    }

    /// The schema version of the database file at `path`, read without writing anything (a
    /// reader that must not migrate a file another build uses checks this first).
    pub fn file_schema_version(path: impl AsRef<Path>) -> Result<u32> {
        let conn = Connection::open_with_flags(
            path.as_ref(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// A private in-memory database (tests, demo mode) with the system clock.
    pub fn open_in_memory() -> Result<Store> {
        Store::open_in_memory_with_clock(Arc::new(SystemClock))
    }

    /// A private in-memory database with an injected clock.
    pub fn open_in_memory_with_clock(clock: Arc<dyn Clock>) -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Store::init(conn, clock, session::Session::start(None)?, None)
    }

    /// `file`: the database file (None in memory); WAL and the copy before a migration apply
    /// to files only.
    fn init(
        mut conn: Connection,
        clock: Arc<dyn Clock>,
        session: session::Session,
        file: Option<&Path>,
    ) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if file.is_some() {
            retry_busy(|| {
                let mode: String =
                    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
                debug_assert!(mode.eq_ignore_ascii_case("wal"), "journal mode {mode}");
                Ok(())
            })?;
            // Safe with WAL: a power cut may lose the last commits, never corrupt the file.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 16 MiB page cache (default 2 MiB): ledger commits of millions of keys touch many
        // B-tree pages.
        conn.pragma_update(None, "cache_size", -16_384)?;
        // SQLite's lower() and LIKE fold ASCII only; history search must fold Cyrillic too.
        conn.create_scalar_function(
            "mb_lower",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|s| s.to_lowercase())),
        )?;
        migrate::migrate(&mut conn, file.map(migrate::backup_path).as_deref())?;
        Ok(Store {
            conn: Mutex::new(conn),
            clock,
            session,
        })
    }

    /// The current instant according to the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32> {
        self.read(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
    }

    /// Copies the write-ahead log into the database file and empties it (benchmarks measure
    /// the file; SQLite also does this by itself every 1000 pages).
    pub fn checkpoint(&self) -> Result<()> {
        self.read(|c| {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back
        // on drop), so a poisoned mutex is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the connection outside an explicit transaction (single-statement reads;
    /// WAL readers never wait for writers).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction with the clock's "now", retrying the whole
    /// transaction when another process kept the database busy past the timeout.
    pub(crate) fn write<T>(
        &self,
        mut f: impl FnMut(&Transaction<'_>, Timestamp) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        retry_busy(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx, self.clock.now())?;
            tx.commit()?;
            Ok(value)
        })
    }
}

fn retry_busy<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match f() {
            Err(e) if e.is_busy() && attempt < WRITE_ATTEMPTS => {
                // Back off a little before the next BEGIN IMMEDIATE (25, 50, 100 … ms).
                std::thread::sleep(Duration::from_millis(25 << attempt.min(5)));
            }
            Err(e) if e.is_busy() => return Err(Error::Busy { attempts: attempt }),
            other => return other,
        }
    }
}

pub(crate) fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub(crate) fn from_ms(v: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(v).map_err(|_| Error::BadValue {
        column: "timestamp",
        value: v.to_string(),
    })
}

pub(crate) fn opt_from_ms(v: Option<i64>) -> Result<Option<Timestamp>> {
    v.map(from_ms).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_schema_version_is_read_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite");
        drop(Store::open(&path).unwrap());
        let before = std::fs::read(&path).unwrap();
        assert_eq!(Store::file_schema_version(&path).unwrap(), LATEST_VERSION);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(Store::file_schema_version(dir.path().join("none.sqlite")).is_err());
    }

    #[test]
    fn store_is_send_and_sync_for_tauri_state() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Store>();
    }

    #[test]
    fn in_memory_store_is_at_latest_schema() {
        let s = Store::open_in_memory().unwrap();
        assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    }

    #[test]
    fn file_store_uses_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path().join("h.sqlite")).unwrap();
        let (mode, fk): (String, i64) = s
            .read(|c| {
                let mode = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
                let fk = c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
                Ok((mode, fk))
            })
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
    }
}
