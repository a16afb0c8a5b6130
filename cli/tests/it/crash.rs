//! Crash tests: a real `mbridge upload` process is SIGKILLed in the middle of a large upload
//! to the fake; a new process then tells the truth from the history, reconciles with what the
//! server has, and never sends the same data twice.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use mb_fake::StallPoint;

use crate::Env;

const COUNTER: &str = "51234501";

/// ~12 MB of offline conversions, all in the past, all valid.
fn big_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("big-conversions.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "ClientId,Target,DateTime,Price,Currency").unwrap();
    for i in 0..200_000u64 {
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
    let mut child = env
        .cmd()
        .args([
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "conversions",
            "--counter",
            COUNTER,
            "--json",
        ])
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

fn history(env: &Env) -> Vec<serde_json::Value> {
    let (code, v) = env.json(&["history", "--json"]);
    assert_eq!(code, 0, "{v}");
    v.as_array().unwrap().clone()
}

#[test]
fn killed_after_the_server_stored_it_is_reconciled_and_never_sent_again() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake.api_base);
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

    // Nothing to resend, and the same file again is a duplicate: still one upload on the server.
    let id = h[0]["id"].as_u64().unwrap().to_string();
    assert_ne!(env.run(&["resend", &id]).status.code(), Some(0));
    let again = env.run(&[
        "upload",
        file.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
    ]);
    assert_eq!(again.status.code(), Some(5));
    assert_eq!(fake.state().uploads(51234501).len(), 1);
}

#[test]
fn killed_before_the_server_stored_it_is_interrupted_and_resent_exactly_once() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake.api_base);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = big_file(env.dir.path());
    kill_mid_upload(&env, &rt, &fake, &file, StallPoint::BeforeStore);
    assert_eq!(fake.state().uploads(51234501).len(), 0, "nothing stored");
    assert_eq!(history(&env)[0]["state"], "sending");

    let (code, v) = env.json(&["status", "--json"]);
    assert_eq!(code, 0, "{v}");
    let h = history(&env);
    assert_eq!(h[0]["state"], "interrupted", "{h:?}");

    let id = h[0]["id"].as_u64().unwrap().to_string();
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
