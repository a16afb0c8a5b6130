//! Opening a database safely: a file from a newer build is refused byte for byte untouched
//! (no WAL switch before the version check), and a copy is kept before a migration.

use mb_history::{Error, LATEST_VERSION, MIGRATIONS, Store, migrate_backup_path};
use rusqlite::Connection;

fn sha(path: &std::path::Path) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// Before: the file was switched to WAL (its header rewritten, `-wal`/`-shm` created) and only
/// then refused.
#[test]
fn a_newer_database_is_refused_without_a_byte_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); INSERT INTO future VALUES (1);")
            .unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
    }
    let before = sha(&path);
    assert!(matches!(Store::open(&path), Err(Error::NewerSchema { .. })));
    assert_eq!(sha(&path), before, "the file is unchanged");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["history.sqlite"], "no WAL, no session file");
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

/// An older database is copied beside itself before it is migrated; the copy still has the
/// old version and the data.
#[test]
fn a_copy_is_kept_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch("INSERT INTO settings VALUES ('ui.language', 'ru');")
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    drop(store);
    let copy = migrate_backup_path(&path);
    assert_eq!(
        copy.file_name().unwrap().to_string_lossy(),
        format!("history.before-v{LATEST_VERSION}.sqlite")
    );
    let old = Connection::open(&copy).unwrap();
    let v: u32 = old
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
    let lang: String = old
        .query_row(
            "SELECT value FROM settings WHERE key = 'ui.language'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lang, "ru");
    // A fresh database needs no copy, and an up-to-date one is not copied again.
    let fresh = dir.path().join("fresh.sqlite");
    drop(Store::open(&fresh).unwrap());
    assert!(!migrate_backup_path(&fresh).exists());
}

/// A FIFO named as the source file is refused at once instead of blocking the hash forever.
#[cfg(unix)]
#[test]
fn a_fifo_source_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("sales.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    match mb_history::SourceFile::from_path(&fifo) {
        Err(Error::Io(e)) => assert!(mb_schema::fs::is_not_regular(&e), "{e}"),
        other => panic!("{other:?}"),
    }
}
