//! Schema migrations: the committed v1 database (made by migration 0001 only) opens and
//! upgrades with its data intact; a newer database is refused untouched.
//!
//! Regenerate the fixture (only if migration 0001 itself had to change, which it must not):
//! `cargo test -p mb-history --test it -- --ignored regenerate_v1_fixture`

use crate::common::report;
use mb_history::{Error, LATEST_VERSION, LedgerVerdict, MIGRATIONS, Store, UploadState, row_hash};
use mb_schema::UploadKind;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.sqlite")
}

/// Writes a version-1 database with one row in each table, as release 1 would have left it.
fn write_v1_database(path: &Path) {
    let _ = std::fs::remove_file(path);
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "page_size", 1024).unwrap(); // keeps the committed file small
    conn.execute_batch(MIGRATIONS[0].sql).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute_batch(
        "INSERT INTO accounts VALUES ('agency', 'Агентство', 1795000000000, 1);
         INSERT INTO settings VALUES ('ui.language', 'ru');
         INSERT INTO profiles (counter_id, account_login, counter_name, merge_mode, updated_at)
             VALUES (2215573, 'agency', 'Цветы', 'SAVE', 1795000000000);
         INSERT INTO mapping_templates (kind, header_signature, name, body_json, created_at,
             last_used_at) VALUES ('conversions', 'sig', 'Шаблон', '{\"a\":\"ClientId\"}',
             1795000000000, 1795000000000);
         INSERT INTO uploads (tag, account_login, counter_id, kind, state, source_name,
             source_size, source_sha256, mapping_template_id, rows_total, rows_valid,
             server_upload_id, server_status, created_at, sending_started_at, sent_at,
             next_poll_at, poll_attempts)
             VALUES ('MB20261122T071500Z0000ABCD', 'agency', 2215573, 'conversions', 'sent',
             'sales.csv', 1234, 'ab', 1, 5, 5, '48213377', 'UPLOADED', 1795000000000,
             1795000001000, 1795000002000, 1795000032000, 0);
         VACUUM;",
    )
    .unwrap();
}

#[test]
#[ignore = "writes the committed fixture; run by hand only"]
fn regenerate_v1_fixture() {
    write_v1_database(&fixture());
}

fn schema_of(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn committed_v1_fixture_was_made_by_migration_0001_only() {
    let conn =
        Connection::open_with_flags(fixture(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let v: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1);
    let fresh = Connection::open_in_memory().unwrap();
    fresh.execute_batch(MIGRATIONS[0].sql).unwrap();
    assert_eq!(schema_of(&conn), schema_of(&fresh));
}

#[test]
fn v1_database_opens_upgrades_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::copy(fixture(), &path).unwrap();
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);

    let u = s.upload(1).unwrap();
    assert_eq!(
        (u.state, u.server_upload_id.as_deref()),
        (UploadState::Sent, Some("48213377"))
    );
    assert_eq!(u.source.name, "sales.csv");
    assert_eq!(u.mapping_template_id, Some(1));
    assert_eq!(s.active_account().unwrap().unwrap().login, "agency");
    assert_eq!(s.setting("ui.language").unwrap().as_deref(), Some("ru"));
    assert_eq!(
        s.profile(2215573).unwrap().unwrap().counter_name.as_deref(),
        Some("Цветы")
    );
    assert_eq!(s.templates(None).unwrap()[0].body["a"], "ClientId");

    // What migration 0002 added works on the old rows.
    assert_eq!(s.pending_polls(u.next_poll_at.unwrap()).unwrap().len(), 1);
    let done = s.record_server_report(1, &report("PROCESSED")).unwrap();
    assert_eq!(done.state, UploadState::Processed);
    let rows = [(row_hash(&["k"]), row_hash(&["v"]))];
    s.ledger_commit(1, rows).unwrap();
    assert_eq!(
        s.ledger_filter(2215573, UploadKind::Conversions, rows)
            .unwrap(),
        [LedgerVerdict::Unchanged]
    );
    assert!(s.recover_on_start().unwrap().is_empty());
    drop(s);
    // Reopening an up-to-date file changes nothing.
    assert_eq!(
        Store::open(&path).unwrap().schema_version().unwrap(),
        LATEST_VERSION
    );
}

#[test]
fn a_database_from_a_newer_build_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); ").unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 7)
            .unwrap();
    }
    match Store::open(&path) {
        Err(Error::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (LATEST_VERSION + 7, LATEST_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let conn = Connection::open(&path).unwrap();
    let v: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, LATEST_VERSION + 7);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn four_connections_opening_a_fresh_file_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.sqlite");
    let barrier = std::sync::Barrier::new(4);
    std::thread::scope(|sc| {
        for _ in 0..4 {
            sc.spawn(|| {
                barrier.wait();
                let s = Store::open(&path).unwrap();
                assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
            });
        }
    });
}

#[test]
fn the_one_row_per_key_ledger_of_version_2_is_carried_into_segments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let k = row_hash(&["order-1"]);
    let c = row_hash(&["order-1", "PAID"]);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(MIGRATIONS[1].sql).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO uploads (tag, account_login, counter_id, kind, state, source_name,
                 source_size, source_sha256, created_at)
                 VALUES ('MB20261122T071500Z0000ABCD', 'agency', 2215573, 'simple-orders',
                 'processed', 'o.csv', 1, 'ab', 1795000000000);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO ledger VALUES (2215573, 2, ?1, ?2, 1)",
            rusqlite::params![&k[..16], &c[..16]],
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    let other = row_hash(&["order-1", "CANCELLED"]);
    assert_eq!(
        s.ledger_filter(
            2215573,
            UploadKind::SimpleOrders,
            [(k, c), (k, other), (row_hash(&["order-2"]), c)]
        )
        .unwrap(),
        [
            LedgerVerdict::Unchanged,
            LedgerVerdict::Changed,
            LedgerVerdict::New
        ]
    );
    assert_eq!(s.ledger_len(2215573, UploadKind::SimpleOrders).unwrap(), 1);
}
