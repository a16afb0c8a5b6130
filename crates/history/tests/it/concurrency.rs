//! Two real processes share one database file: this test binary re-executes itself as the
//! second process (`MB_HISTORY_HAMMER_DB` set), both write and read many transactions at the
//! same time, and neither may see "database is locked".

use crate::common::{new_upload, report};
use mb_history::{ServerReport, Store, UploadFilter, UploadState, row_hash};
use mb_schema::UploadKind;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const ENV_DB: &str = "MB_HISTORY_HAMMER_DB";
/// Iterations each process does at least (each = 4 write transactions + reads).
const ROUNDS: usize = 400;
/// Hard stop, so a process that never sees the other fails instead of spinning.
const MAX_ROUNDS: usize = 20_000;

fn hammer(s: &Store, me: &str, other: &str, counter: i64) -> usize {
    let mut seen_other = 0;
    for i in 0..MAX_ROUNDS {
        let mut n = new_upload(counter, UploadKind::Conversions, &format!("{me}-{i}"));
        n.account_login = me.into();
        let u = s.record_prepared(&n).unwrap();
        s.mark_sending(u.id).unwrap();
        s.mark_sent(u.id, &format!("{counter}{i}"), &report("UPLOADED"))
            .unwrap();
        let r = ServerReport {
            linked_quantity: Some(7),
            line_quantity: Some(9),
            ..report("PROCESSED")
        };
        assert_eq!(
            s.record_server_report(u.id, &r).unwrap().state,
            UploadState::Processed
        );
        if i % 10 == 0 {
            let rows = (0..200u32).map(|k| {
                (
                    row_hash(&[me.as_bytes(), &k.to_le_bytes()]),
                    row_hash(&[&i.to_le_bytes()]),
                )
            });
            s.ledger_commit(u.id, rows).unwrap();
        }
        if i % 25 == 0 {
            assert!(!s.agency_overview().unwrap().is_empty());
            s.pending_polls(s.now()).unwrap();
        }
        let f = UploadFilter {
            account: Some(other.into()),
            ..Default::default()
        };
        seen_other = s.count_uploads(&f).unwrap();
        s.uploads(&UploadFilter {
            limit: Some(5),
            ..Default::default()
        })
        .unwrap();
        if i + 1 >= ROUNDS && seen_other > 0 {
            return i + 1;
        }
    }
    panic!("{me} never saw a row of {other} (saw {seen_other})");
}

/// Writes a line straight to the process's stdout: `println!` inside a test is captured by
/// the test harness and would never reach the parent.
fn signal(line: &str) {
    let mut out = std::io::stdout().lock();
    // Leading newline: the harness has already written "test … ... " on this line.
    writeln!(out, "\n{line}").unwrap();
    out.flush().unwrap();
}

/// The second process's body; a no-op in a normal test run.
#[test]
fn hammer_child() {
    let Ok(db) = std::env::var(ENV_DB) else {
        return;
    };
    let s = Store::open(&db).unwrap();
    signal("HAMMER_READY");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    assert_eq!(go.trim(), "go");
    let n = hammer(&s, "child", "parent", 2);
    signal(&format!("HAMMER_DONE {n}"));
}

fn spawn_child(db: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["concurrency::hammer_child", "--exact", "--test-threads=1"])
        .env(ENV_DB, db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_processes_write_and_read_the_same_file_without_lock_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.sqlite");
    let mut child = spawn_child(&db);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "child ended before it was ready"
        );
        if line.trim() == "HAMMER_READY" {
            break;
        }
    }
    let s = Store::open(&db).unwrap();
    child.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    let mine = hammer(&s, "parent", "child", 1);

    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "child failed: {rest}\n{err}");
    let theirs: usize = rest
        .lines()
        .find_map(|l| l.trim().strip_prefix("HAMMER_DONE "))
        .unwrap_or_else(|| panic!("child did not finish: {rest}"))
        .trim()
        .parse()
        .unwrap();

    let all = s.uploads(&UploadFilter::default()).unwrap();
    assert_eq!(all.len(), mine + theirs);
    assert!(all.iter().all(|u| u.state == UploadState::Processed));
    // Ids in commit order: how often the writer changed shows the two really interleaved.
    let mut by_id = all.clone();
    by_id.sort_by_key(|u| u.id);
    let switches = by_id
        .windows(2)
        .filter(|w| w[0].account_login != w[1].account_login)
        .count();
    assert!(switches >= 1);
    println!("hammer: parent {mine} rounds, child {theirs} rounds, writer switches {switches}");
    assert!(s.recover_on_start().unwrap().is_empty());
}

const ENV_CRASH_DB: &str = "MB_HISTORY_CRASH_DB";

/// Second-process body for the crash test: starts a send, then dies without any cleanup
/// (as a killed process does); a no-op in a normal test run.
#[test]
fn crash_child() {
    let Ok(db) = std::env::var(ENV_CRASH_DB) else {
        return;
    };
    let s = Store::open(&db).unwrap();
    let u = s
        .record_prepared(&new_upload(9, UploadKind::Calls, "crash"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    signal(&format!("CRASH_READY {}", u.id));
    let mut die = String::new();
    std::io::stdin().read_line(&mut die).unwrap();
    std::process::exit(0); // no destructors: the session file stays, only the OS lock goes
}

#[test]
fn a_send_left_by_a_dead_process_is_recovered_but_not_one_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.sqlite");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["concurrency::crash_child", "--exact", "--test-threads=1"])
        .env(ENV_CRASH_DB, &db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let id: i64 = loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "child ended before it was ready"
        );
        if let Some(id) = line.trim().strip_prefix("CRASH_READY ") {
            break id.parse().unwrap();
        }
    };
    let s = Store::open(&db).unwrap();
    assert!(
        s.recover_on_start().unwrap().is_empty(),
        "the child is alive and sending"
    );

    child.stdin.as_mut().unwrap().write_all(b"die\n").unwrap();
    assert!(child.wait().unwrap().success());
    let sessions = dir.path().join("shared.sqlite.sessions");
    assert_eq!(
        std::fs::read_dir(&sessions).unwrap().count(),
        2,
        "dead child's file is left"
    );

    let left = s.recover_on_start().unwrap();
    assert_eq!(left.iter().map(|u| u.id).collect::<Vec<_>>(), [id]);
    assert_eq!(left[0].state, UploadState::Sending);
    assert_eq!(
        std::fs::read_dir(&sessions).unwrap().count(),
        1,
        "stale file tidied"
    );
}
