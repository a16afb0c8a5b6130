//! Crash tests: a real `mbridge upload` process is SIGKILLed in the middle of a large upload
//! to the fake; a new process then tells the truth from the history, reconciles with what the
//! server has, and never sends the same data twice.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use mb_fake::StallPoint;

use crate::Env;

const COUNTER: &str = "51234501";

/// Offline conversions numbered `rows`, all in the past, all valid: row `i` is the same line
/// in every file, so a grown export is the old one plus new lines.
pub fn write_conversions(path: &std::path::Path, rows: std::ops::Range<u64>) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "ClientId,Target,DateTime,Price,Currency").unwrap();
    for i in rows {
        // 19 digits, never ending in zeros (those look Excel-rounded to the validator).
        let client_id = format!("1770{i:014}{}", 1 + i % 9);
        writeln!(
            f,
            "{client_id},offline_paid,{},{}.50,RUB",
            1_794_000_000 + i,
            100 + i % 900
        )
        .unwrap();
    }
    f.flush().unwrap();
}

/// The ClientId `write_conversions` gives row `i`.
pub fn client_id(i: u64) -> String {
    format!("1770{i:014}{}", 1 + i % 9)
}

/// ~12 MB of offline conversions, all in the past, all valid.
fn big_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("big-conversions.csv");
    write_conversions(&path, 0..200_000);
    path
}

fn fake() -> (tokio::runtime::Runtime, mb_fake::FakeServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(mb_fake::FakeServer::start(mb_fake::FakeConfig::default()))
        .unwrap();
    (rt, fake)
}

/// Starts the upload, waits until the fake says it stalled at `at`, and SIGKILLs the client.
fn kill_mid_upload(
    env: &Env,
    rt: &tokio::runtime::Runtime,
    fake: &mb_fake::FakeServer,
    file: &std::path::Path,
    at: StallPoint,
) {
    fake.faults().stall_next_upload(at);
    let mut child = upload_cmd(env, file, false)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), fake.faults().wait_stalled())
            .await
            .expect("the upload reached the server")
    });
    child.kill().unwrap(); // SIGKILL: no destructor, no clean-up runs in the client
    let status = child.wait().unwrap();
    assert!(!status.success());
}

fn upload_cmd(env: &Env, file: &std::path::Path, only_new: bool) -> std::process::Command {
    let mut c = env.cmd();
    c.args([
        "upload",
        file.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--json",
    ]);
    if only_new {
        c.arg("--only-new");
    }
    c
}

fn history(env: &Env) -> Vec<serde_json::Value> {
    let (code, v) = env.json(&["history", "--json"]);
    assert_eq!(code, 0, "{v}");
    v.as_array().unwrap().clone()
}

#[test]
fn killed_after_the_server_stored_it_is_reconciled_and_never_sent_again() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = big_file(env.dir.path());
    kill_mid_upload(&env, &rt, &fake, &file, StallPoint::AfterStore);

    // The history tells the truth: it was being sent when the process died.
    let h = history(&env);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["state"], "sending", "{h:?}");
    assert_eq!(
        fake.state().uploads(51234501).len(),
        1,
        "the server kept it"
    );

    // A new process reconciles by the tag and finds it on the server.
    let (code, v) = env.json(&["status", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["reconciled"], 1);
    let h = history(&env);
    let state = h[0]["state"].as_str().unwrap();
    assert!(
        ["sent", "processing", "processed", "linkage_failure"].contains(&state),
        "{h:?}"
    );
    assert_eq!(
        h[0]["server_id"],
        fake.state().uploads(51234501)[0].id.to_string()
    );

    // Nothing to resend; the same file again has nothing new (the reconciled upload taught
    // the ledger), and asked for every row it is a duplicate: still one upload on the server.
    let id = h[0]["id"].as_u64().unwrap().to_string();
    assert_ne!(env.run(&["resend", &id]).status.code(), Some(0));
    let upload = |extra: &[&str]| {
        let mut a = vec![
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "conversions",
            "--counter",
            COUNTER,
        ];
        a.extend_from_slice(extra);
        env.run(&a)
    };
    let again = upload(&[]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Новых строк нет"),
        "{again:?}"
    );
    assert_eq!(upload(&["--all-rows"]).status.code(), Some(5));
    assert_eq!(fake.state().uploads(51234501).len(), 1);
}

#[test]
fn killed_before_the_server_stored_it_is_interrupted_and_resent_exactly_once() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = big_file(env.dir.path());
    kill_mid_upload(&env, &rt, &fake, &file, StallPoint::BeforeStore);
    assert_eq!(fake.state().uploads(51234501).len(), 0, "nothing stored");
    assert_eq!(history(&env)[0]["state"], "sending");

    // The same file again before anything else looked (its «sending» is a dead process's):
    // the upload looks it up first and finds it absent; the way on is `resend` (which looks on
    // the server again), never --force, for only the new rows (the default) or all of them.
    let id = history(&env)[0]["id"].as_u64().unwrap().to_string();
    for extra in [&[][..], &["--all-rows"][..]] {
        let mut a = vec![
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "conversions",
            "--counter",
            COUNTER,
        ];
        a.extend_from_slice(extra);
        let again = env.run(&a);
        let said = String::from_utf8_lossy(&again.stderr).to_string();
        assert_eq!(again.status.code(), Some(5), "{said}");
        assert!(said.contains(&format!("`mbridge resend {id}`")), "{said}");
        assert!(!said.contains("--force"), "{said}");
    }
    assert_eq!(
        fake.state().uploads(51234501).len(),
        0,
        "still nothing stored"
    );

    let (code, v) = env.json(&["status", "--json"]);
    assert_eq!(code, 0, "{v}");
    let h = history(&env);
    assert_eq!(h[0]["state"], "interrupted", "{h:?}");

    let (code, v) = env.json(&["resend", &id, "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(fake.state().uploads(51234501).len(), 1);
    assert_eq!(fake.state().uploads(51234501)[0].source_quantity, 200_000);

    // The old entry is superseded: resending it again is refused, nothing more is sent.
    assert_ne!(env.run(&["resend", &id]).status.code(), Some(0));
    assert_eq!(fake.state().uploads(51234501).len(), 1);
    let h = history(&env);
    assert_eq!(h.len(), 2);
    assert!(h.iter().any(|u| u["state"] == "superseded"), "{h:?}");
}

/// Killed after Metrica stored the upload; the next only-new run of the grown export sends
/// exactly the new rows, whether `mbridge status` reconciled first or the upload itself did.
fn crash_then_only_new(rows: u64, explicit_status: bool) {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = env.dir.path().join("export.csv");
    write_conversions(&file, 0..rows);
    kill_mid_upload(&env, &rt, &fake, &file, StallPoint::AfterStore);
    if explicit_status {
        let (code, v) = env.json(&["status", "--json"]);
        assert_eq!((code, &v["reconciled"]), (0, &serde_json::json!(1)), "{v}");
    }

    // The export grew by 30 rows: only those 30 go out.
    let grown = env.dir.path().join("grown.csv");
    write_conversions(&grown, 0..rows + 30);
    let out = upload_cmd(&env, &grown, true).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["unchanged_rows"], rows, "{v}");
    let mut ups = fake.state().uploads(51234501);
    ups.sort_by_key(|u| u.id);
    assert_eq!(ups.len(), 2);
    assert_eq!(ups[1].source_quantity, 30);
    let sent_rows = fake.state().upload_rows(ups[1].id).unwrap();
    let sent: Vec<&str> = sent_rows[1..].iter().map(|r| r[0].as_str()).collect();
    let want: Vec<String> = (rows..rows + 30).map(client_id).collect();
    assert_eq!(sent, want);
}

#[test]
fn after_a_crash_reconciled_upload_only_new_sends_exactly_the_new_rows() {
    crash_then_only_new(200_000, true);
}

#[test]
fn only_new_first_reconciles_a_crashed_upload_by_itself() {
    crash_then_only_new(20_000, false);
}

/// A tiny deterministic generator: the seed is printed so a failure can be replayed with
/// `MB_CRASH_SEED`.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn a_kill_at_any_instant_never_leaves_a_partly_taught_ledger() {
    const ROWS: u64 = 60_000;
    let mut seed = std::env::var("MB_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("MB_CRASH_SEED={seed}");
    // How long a whole upload takes here, so the kill instants cover all of it.
    let whole = {
        let (_rt, fake) = fake();
        let mut env = Env::new(&fake);
        env.token = Some(fake.issue_token("demo-agency"));
        let file = env.dir.path().join("export.csv");
        write_conversions(&file, 0..ROWS);
        let t = std::time::Instant::now();
        let out = upload_cmd(&env, &file, false).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        t.elapsed()
    };
    const ROUNDS: u64 = 6;
    for round in 0..ROUNDS {
        let (rt, fake) = fake();
        let mut env = Env::new(&fake);
        env.token = Some(fake.issue_token("demo-agency"));
        let file = env.dir.path().join("export.csv");
        write_conversions(&file, 0..ROWS);
        // Half the rounds are plain uploads, half only-new ones: both must teach the ledger.
        let only_new = round % 2 == 1;
        // Random instants spread over the whole send (validate, stage, send, record).
        let slice = whole.as_millis() as u64 / ROUNDS + 1;
        let delay = Duration::from_millis(round * slice + next(&mut seed) % slice);
        let mut child = upload_cmd(&env, &file, only_new)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL, or nothing if it already finished
        child.wait().unwrap();
        // A body that fully arrived is stored before the reconcile looks for it.
        rt.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(60),
                fake.wait_in_flight("demo-agency", 0),
            )
            .await
            .expect("the server finished the request the dead client left")
        });
        let (code, v) = env.json(&["status", "--json"]);
        assert_eq!(code, 0, "{v}");
        let first = history(&env)
            .first()
            .map(|u| u["state"].as_str().unwrap_or("").to_string());
        eprintln!("round {round}: killed after {delay:?}, first upload {first:?}");

        // The same export plus one row, only new: every row reaches the server exactly once
        // over both runs, whatever instant the first one died at.
        let grown = env.dir.path().join("grown.csv");
        write_conversions(&grown, 0..ROWS + 1);
        let out = upload_cmd(&env, &grown, true).output().unwrap();
        let ctx = format!("round {round}, only_new {only_new}, killed after {delay:?}");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{ctx}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let total: u64 = fake
            .state()
            .uploads(51234501)
            .iter()
            .map(|u| u.source_quantity)
            .sum();
        assert_eq!(total, ROWS + 1, "{ctx}: rows on the server");
    }
}

#[test]
fn ctrl_c_during_the_send_is_interrupted_exit_6_never_sent_and_resent_in_one_action() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = env.dir.path().join("export.csv");
    write_conversions(&file, 0..2_000);
    fake.faults().stall_next_upload(StallPoint::BeforeStore);
    let child = upload_cmd(&env, &file, false)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), fake.faults().wait_stalled())
            .await
            .expect("the upload reached the server")
    });
    let int = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(int.success());
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(6), "{v}");
    assert_eq!(v["sent"], false, "{v}");
    assert_eq!(v["outcome"], "interrupted", "{v}");
    assert_eq!(v["uploads"][0]["summary"]["state"], "interrupted", "{v}");
    assert!(fake.state().uploads(51234501).is_empty());
    assert_eq!(history(&env)[0]["state"], "interrupted");

    // One action: looks on the server first (absent), then sends it once.
    let id = v["resend_upload_id"]
        .as_u64()
        .expect("resend id")
        .to_string();
    let (code, v) = env.json(&["resend", &id, "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(fake.state().uploads(51234501).len(), 1);
    assert_eq!(fake.state().uploads(51234501)[0].source_quantity, 2_000);
}
