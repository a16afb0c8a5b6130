//! A business owner's whole journey from the command line: sign in (real PKCE loopback flow,
//! the test playing the browser), list counters and goals, upload, be stopped on a duplicate,
//! follow the status, read the history — against the fake and a real SQLite file.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::{Env, fixture};

const COUNTER: &str = "51234501";

fn fake() -> (tokio::runtime::Runtime, mb_fake::FakeServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cfg = mb_fake::FakeConfig {
        time_scale: 600.0,
        ..mb_fake::FakeConfig::default()
    };
    let fake = rt.block_on(mb_fake::FakeServer::start(cfg)).unwrap();
    (rt, fake)
}

/// Runs `mbridge login --no-browser`, follows the printed address like a browser would, and
/// returns the CLI's exit code and stdout.
pub fn login(env: &Env, rt: &tokio::runtime::Runtime, login_hint: &str) -> (i32, String) {
    let mut child = env
        .cmd()
        .args(["login", "--no-browser", "--login-hint", login_hint])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut url = None;
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(i) = line.find("http") {
            url = Some(line[i..].trim().to_string());
            break;
        }
    }
    let url = url.expect("login printed an address");
    let status = rt
        .block_on(async { reqwest::get(&url).await.map(|r| r.status()) })
        .unwrap();
    assert!(
        status.is_success(),
        "the loopback callback answered {status}"
    );
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn owner_signs_in_uploads_is_stopped_on_a_duplicate_and_reads_history() {
    let (rt, fake) = fake();
    let env = Env::new(&fake);

    let (code, out) = login(&env, &rt, "demo-agency");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("demo-agency"), "{out}");

    let (code, accounts) = env.json(&["accounts", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(accounts[0]["login"], "demo-agency");
    assert_eq!(accounts[0]["active"], true);

    let (_, counters) = env.json(&["counters", "--json"]);
    let counters = counters.as_array().unwrap();
    assert!(
        counters.len() >= 30,
        "an agency sees its client counters: {}",
        counters.len()
    );
    assert!(
        counters
            .iter()
            .any(|c| c["id"] == 51234501 && c["time_zone"] == "Europe/Moscow")
    );

    let (_, goals) = env.json(&["goals", "--counter", COUNTER, "--json"]);
    assert!(
        goals
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["identifier"] == "offline_paid"),
        "{goals}"
    );

    let file = fixture("offline_clientid.csv");
    let file = file.to_str().unwrap();
    let (code, sent) = env.json(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--json",
    ]);
    assert_eq!(code, 0, "{sent}");
    assert_eq!(sent["sent"], true);
    let first = &sent["uploads"][0]["summary"];
    assert!(first["server_id"].is_string(), "{sent}");
    assert_eq!(first["valid_rows"], 5);

    // The same file again: by default only new rows go, so nothing does, said calmly (exit 0).
    let before = fake.state().uploads(51234501).len();
    let (code, again) = env.json(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--json",
    ]);
    assert_eq!(code, 0, "{again}");
    assert_eq!(again["reason"], "nothing_new", "{again}");
    assert_eq!(fake.state().uploads(51234501).len(), before);
    // Every row asked for: refused with a clear message and exit 5, nothing sent.
    let out = env.run(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--all-rows",
    ]);
    assert_eq!(out.status.code(), Some(5));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(
        msg.contains("уже отправлялся") && msg.contains("--force"),
        "{msg}"
    );
    assert_eq!(
        fake.state().uploads(51234501).len(),
        before,
        "nothing sent on a duplicate"
    );

    let (code, forced) = env.json(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--all-rows",
        "--force",
        "--json",
    ]);
    assert_eq!(code, 0, "{forced}");
    assert_eq!(fake.state().uploads(51234501).len(), before + 1);
    // Every row went again: none of them is new to Metrica, and the JSON says so.
    let valid = forced["valid_rows"].as_u64().unwrap();
    assert!(valid > 0, "{forced}");
    assert_eq!(
        (forced["new_rows"].as_u64(), forced["again_rows"].as_u64()),
        (Some(0), Some(valid)),
        "{forced}"
    );

    let (_, history) = env.json(&["history", "--json"]);
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    // A full page says that more may be there; an export with --json says where it went.
    let page = env.run(&["history", "--limit", "1"]);
    let said = String::from_utf8_lossy(&page.stdout).to_string();
    assert!(
        said.contains("Показаны последние 1; больше — --limit"),
        "{said}"
    );
    let csv = env.dir.path().join("history.csv");
    let (code, v) = env.json(&["history", "--export", csv.to_str().unwrap(), "--json"]);
    assert_eq!((code, v["exported"].as_str()), (0, csv.to_str()), "{v}");
    assert!(csv.is_file());
    assert!(
        history
            .iter()
            .all(|u| u["file_name"] == "offline_clientid.csv" && u["counter_id"] == 51234501)
    );

    // The fake runs 600× faster than life: a few polls reach a final state.
    let id = history[0]["id"].as_u64().unwrap().to_string();
    let mut state = String::new();
    for _ in 0..20 {
        let (_, d) = env.json(&["status", &id, "--json"]);
        state = d["summary"]["state"].as_str().unwrap().to_string();
        if state == "processed" || state == "linkage_failure" {
            assert!(
                d["explanation"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["code"] == "linked" || e["code"] == "users_not_found"),
                "{d}"
            );
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    assert!(
        state == "processed" || state == "linkage_failure",
        "final state reached: {state}"
    );

    // The server's own list carries our tag in `comment`.
    let (_, server) = env.json(&["uploads", "--counter", COUNTER, "--json"]);
    let tag = history[0]["tag"].as_str().unwrap();
    assert!(
        server
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["comment"] == tag),
        "{server}"
    );

    // Sent once more by a person: conversions sent again replace themselves in Metrica, so
    // the review warns of nothing counted twice (it once said they would be).
    let again = env.run(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--all-rows",
        "--force",
    ]);
    let said = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(0), "{said}");
    assert!(!said.contains("дважды"), "{said}");

    // The token never lands in the history database.
    let db = std::fs::read(env.db()).unwrap();
    let tokens = std::fs::read_to_string(env.dir.path().join("tokens.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&tokens).unwrap();
    let access = v.to_string();
    let needle = access
        .split("y0_")
        .nth(1)
        .map(|s| &s[..20])
        .expect("a y0_ token stored");
    assert!(
        !db.windows(needle.len()).any(|w| w == needle.as_bytes()),
        "token found in history.sqlite"
    );
    rt.block_on(fake.shutdown());
}

#[test]
fn a_file_with_errors_is_refused_unless_skip_invalid() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = fixture("bad_unknown_currency.csv");
    let file = file.to_str().unwrap();
    let out = env.run(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        fake.state()
            .uploads(51234501)
            .iter()
            .all(|u| u.source_quantity != 5)
    );
    // `--json` is one object on stdout, the error inside it (not a second object after it).
    let (code, v) = env.json(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--json",
    ]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["reason"], "data_has_errors");
    assert_eq!(v["error"]["kind"], "data_has_errors");
    assert_eq!(v["error"]["data"]["in_file"], false, "{v}");
    let (code, v) = env.json(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--skip-invalid",
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["uploads"][0]["summary"]["valid_rows"], 2);
    // Said in words too: where the rows left out are, with their reasons.
    let out = env.run(&[
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--skip-invalid",
        "--all-rows",
        "--force",
    ]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{said}");
    let path = said
        .lines()
        .find_map(|l| l.trim().strip_prefix("строки с ошибками и причины: "))
        .unwrap_or_else(|| panic!("no rejected-rows path in {said}"));
    assert!(std::path::Path::new(path).is_file(), "{path}");
    rt.block_on(fake.shutdown());
}

/// A row with more cells than the header (a delimiter inside a value) is an error in the file
/// itself: its rows cannot be trusted, so `--skip-invalid` does not send the others, and the
/// CLI says so instead of advising `--skip-invalid` (which was given).
#[test]
fn an_error_in_the_file_itself_is_not_skipped_and_the_cli_says_so() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sales.csv");
    std::fs::write(
        &file,
        "ClientId,Target,DateTime,Price,Currency\n\
         1762345098123456789,offline_paid,1794228120,18450.00,RUB\n\
         1762101987654321098,offline_paid,1794297900,7200,50,RUB\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let before = fake.state().uploads(51234501).len();
    let upload = [
        "--lang",
        "ru",
        "upload",
        file,
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--skip-invalid",
    ];
    let (code, v) = env.json(&[&upload[..], &["--json"]].concat());
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["error"]["kind"], "data_has_errors");
    assert_eq!(v["error"]["data"]["in_file"], true, "{v}");
    let out = env.run(&upload);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("в самом файле есть ошибки (1)"), "{said}");
    assert!(said.contains("--skip-invalid их не обходит"), "{said}");
    assert!(!said.contains("добавьте --skip-invalid"), "{said}");
    // Nothing good to send: skipping the rows with errors leaves nothing, and it is said so.
    let bad = fixture("all-rows-bad.csv");
    let upload = [
        "--lang",
        "ru",
        "upload",
        bad.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--skip-invalid",
    ];
    let (code, v) = env.json(&[&upload[..], &["--json"]].concat());
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["error"]["data"]["no_valid_rows"], true, "{v}");
    let said = String::from_utf8_lossy(&env.run(&upload).stderr).into_owned();
    assert!(said.contains("нет ни одной строки без ошибок"), "{said}");
    assert!(!said.contains("--skip-invalid"), "{said}");
    assert_eq!(fake.state().uploads(51234501).len(), before);
    rt.block_on(fake.shutdown());
}

/// A CRM export whose statuses the counter does not know: the report offers the suggested
/// mapping as the options that give it, and pasting them in sends the file.
#[test]
fn unmapped_crm_statuses_are_offered_as_ready_options() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = fixture("crm-orders-october.csv");
    let upload = |extra: &[String]| {
        let mut args = vec![
            "upload".to_string(),
            file.display().to_string(),
            "--kind".into(),
            "simple-orders".into(),
            "--counter".into(),
            COUNTER.into(),
        ];
        args.extend(extra.iter().cloned());
        env.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = upload(&[]);
    let said = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}{err}");
    let offer = said
        .lines()
        .find(|l| l.starts_with("Статусы CRM не сопоставлены со статусами Метрики"))
        .unwrap_or_else(|| panic!("no offer:\n{said}"));
    assert!(offer.contains("--status 'Оплачен=PAID'"), "{offer}");
    assert!(
        err.contains("(ошибок: ") && err.contains("добавьте их к команде"),
        "{err}"
    );
    // The offered options, as a person pastes them, send the file's good rows.
    let flags: Vec<String> = offer
        .split("--status '")
        .skip(1)
        .map(|f| format!("--status={}", f.trim().trim_end_matches('\'')))
        .collect();
    assert!(flags.len() >= 3, "{offer}");
    let mut extra = flags;
    extra.push("--skip-invalid".into());
    let out = upload(&extra);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    rt.block_on(fake.shutdown());
}

#[test]
fn only_new_rows_sends_what_is_new_in_a_growing_export() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let dir = tempfile::tempdir().unwrap();
    let week1 = dir.path().join("orders.csv");
    std::fs::write(
        &week1,
        "id,create_date_time,client_ids,order_status,revenue\n\
         A-1,2026-11-10 10:00:00,1762345098123456789,PAID,100\n\
         A-2,2026-11-11 11:00:00,1762101987654321098,IN_PROGRESS,200\n",
    )
    .unwrap();
    let args = |p: &std::path::Path| {
        vec![
            "upload".to_string(),
            p.display().to_string(),
            "--kind".into(),
            "simple-orders".into(),
            "--counter".into(),
            COUNTER.into(),
            "--only-new".into(),
            "--json".into(),
        ]
    };
    let base = fake.state().cdp_uploads(51234501).len();
    let a: Vec<String> = args(&week1);
    let (code, v) = env.json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["unchanged_rows"], 0);
    // A week later: A-2 changed status, A-3 is new, A-1 unchanged.
    let week2 = dir.path().join("orders-week2.csv");
    std::fs::write(
        &week2,
        "id,create_date_time,client_ids,order_status,revenue\n\
         A-1,2026-11-10 10:00:00,1762345098123456789,PAID,100\n\
         A-2,2026-11-11 11:00:00,1762101987654321098,PAID,200\n\
         A-3,2026-11-12 12:00:00,1761998877123400001,PAID,300\n",
    )
    .unwrap();
    let a: Vec<String> = args(&week2);
    let (code, v) = env.json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["unchanged_rows"], 1, "{v}");
    let mut cdp = fake.state().cdp_uploads(51234501);
    assert_eq!(cdp.len(), base + 2, "two uploads reached the server");
    cdp.sort_by_key(|u| std::cmp::Reverse(u.datetime));
    assert_eq!(
        cdp[0].elements_count, 2,
        "only A-2 (changed) and A-3 (new) were sent the second time"
    );
    assert_eq!(cdp[1].elements_count, 2, "both rows the first time");
    // The same file a third time, only new rows: not a duplicate to force but nothing new,
    // exit 0 (as the README says), and nothing reaches the server.
    let (code, v) = env.json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["reason"], "nothing_new", "{v}");
    assert_eq!(fake.state().cdp_uploads(51234501).len(), base + 2);
    // Every row asked for, the same file is still a duplicate that asks for --force.
    let all: Vec<&str> = a
        .iter()
        .map(String::as_str)
        .filter(|x| *x != "--only-new")
        .chain(["--all-rows"])
        .collect();
    assert_eq!(env.run(&all).status.code(), Some(5));
    rt.block_on(fake.shutdown());
}

#[test]
fn a_plain_upload_teaches_the_ledger_and_only_new_then_sends_exactly_the_new_rows() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let upload = |file: &std::path::Path, only_new: bool| {
        let mut args = vec![
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "conversions",
            "--counter",
            COUNTER,
            "--json",
        ];
        if only_new {
            args.push("--only-new");
        }
        env.json(&args)
    };
    let week1 = env.dir.path().join("export.csv");
    crate::crash::write_conversions(&week1, 0..100);
    let (code, v) = upload(&week1, false);
    assert_eq!(code, 0, "{v}");
    let grown = env.dir.path().join("export-grown.csv");
    crate::crash::write_conversions(&grown, 0..130);
    let (code, v) = upload(&grown, true);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["unchanged_rows"], 100, "{v}");
    assert_eq!(v["new_rows"], 30, "{v}");
    let mut ups = fake.state().uploads(51234501);
    ups.sort_by_key(|u| u.id);
    assert_eq!(ups.len(), 2, "two uploads reached the server");
    assert_eq!(ups[0].source_quantity, 100);
    assert_eq!(ups[1].source_quantity, 30);
    let rows = fake.state().upload_rows(ups[1].id).unwrap();
    let sent: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let want: Vec<String> = (100..130).map(crate::crash::client_id).collect();
    assert_eq!(sent, want, "exactly the 30 new rows");

    // Nothing new: said plainly, exit 0, nothing leaves (the same bytes as the file sent
    // before: a scheduled `upload --only-new` of an unchanged export is no error, no --force).
    let again = env.dir.path().join("export-again.csv");
    std::fs::copy(&grown, &again).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&again)
        .unwrap();
    let (code, v) = env.json(&[
        "upload",
        again.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--json",
        "--only-new",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["reason"], "nothing_new", "{v}");
    assert_eq!(v["new_rows"], 0, "{v}");
    assert_eq!(fake.state().uploads(51234501).len(), 2);

    // The CRM rewrote an amount of an already-sent conversion: Metrica rewrites the amount of
    // the same row sent again (its API FAQ), so only that row goes, and replaces the old one.
    let stored = fake.state().conversions(51234501).len();
    let repriced = env.dir.path().join("export-repriced.csv");
    let text = std::fs::read_to_string(&grown).unwrap();
    let changed = text.replacen(",100.50,RUB", ",999.50,RUB", 1);
    assert_ne!(changed, text);
    std::fs::write(&repriced, changed).unwrap();
    let (code, v) = env.json(&[
        "upload",
        repriced.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--json",
        "--only-new",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sent"], true, "{v}");
    assert_eq!(v["new_rows"], 1, "{v}");
    assert_eq!(fake.state().uploads(51234501).len(), 3);
    assert_eq!(
        fake.state().conversions(51234501).len(),
        stored,
        "replaced, not counted twice"
    );
    rt.block_on(fake.shutdown());
}

/// A sign-in that runs out between the parts of a big file (here a small one in parts of
/// 120 bytes): `mbridge upload` prints every part — the one Metrica accepted, the one that
/// failed, the one not sent — and the error, and exits with the error's code (3: sign in), not
/// with the error alone as if nothing had gone.
#[test]
fn an_error_between_parts_prints_the_parts_that_went_and_exits_with_its_code() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    // Two files of three rows each (not the same content: the second is no repeat).
    let file = |name: &str, rows: &[usize]| {
        let p = env.dir.path().join(name);
        let body: Vec<&str> = std::iter::once(lines[0])
            .chain(rows.iter().map(|&i| lines[i]))
            .collect();
        std::fs::write(&p, body.join("\n") + "\n").unwrap();
        p.display().to_string()
    };
    let upload = |env: &Env, path: &str, json: bool| {
        let mut c = env.cmd();
        c.env("MBRIDGE_PART_BYTES", "120").args([
            "upload",
            path,
            "--kind",
            "conversions",
            "--counter",
            COUNTER,
        ]);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };

    fake.faults().expire_token_at_upload(2);
    let a = file("a.csv", &[1, 2, 3]);
    let b = file("b.csv", &[3, 4, 5]);
    let out = upload(&env, &a, true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {stderr}"));
    assert_eq!(out.status.code(), Some(3), "{v}\n{stderr}");
    assert_eq!(v["sent"], false, "{v}");
    assert_eq!(v["outcome"], "failed", "{v}");
    assert_eq!(v["error"]["kind"], "token_expired", "{v}");
    let states: Vec<_> = v["uploads"]
        .as_array()
        .unwrap_or_else(|| panic!("the parts are printed: {v}"))
        .iter()
        .map(|u| u["summary"]["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states.len(), 3, "{v}");
    assert!(matches!(states[0].as_str(), "sent" | "processing"), "{v}");
    assert_eq!(&states[1..], ["failed", "failed"], "{v}");
    assert_eq!(
        v["resend_upload_id"], v["uploads"][1]["summary"]["id"],
        "{v}"
    );

    // In words: every part on stdout, what happened and why on stderr (signed in again: the
    // fake's expired token stays expired).
    env.token = Some(fake.issue_token("demo-agency"));
    fake.faults().expire_token_at_upload(2);
    let out = upload(&env, &b, false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.matches("Загрузка #").count(),
        3,
        "{stdout}\n{stderr}"
    );
    assert!(
        // The token came in MBRIDGE_TOKEN: replacing it is the fix, not a login.
        stderr.contains("Отправлена 1 часть из 3; часть 2 не ушла: Метрика не приняла токен входа"),
        "{stderr}"
    );
    assert!(stderr.contains("mbridge resend"), "{stderr}");
    // A part that never went is sent again without a look-up: the advice does not promise one.
    assert!(!stderr.contains("сначала проверим"), "{stderr}");
    rt.block_on(fake.shutdown());
}

/// No page says whether posting the counter's status mapping replaces its list or updates the
/// statuses named: with a Metrica that replaces it, a second export's statuses must not wipe
/// those the first one mapped.
#[test]
fn a_second_export_keeps_the_statuses_the_first_one_mapped() {
    let (rt, fake) = fake();
    fake.faults().status_post_replaces(true);
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let dir = tempfile::tempdir().unwrap();
    let head = "id,client_uniq_id,client_type,create_date_time,order_status,revenue,currency\n";
    let send = |name: &str, row: &str, status: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, format!("{head}{row}\n")).unwrap();
        let (code, v) = env.json(&[
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "orders",
            "--counter",
            COUNTER,
            "--status",
            status,
            "--json",
        ]);
        assert_eq!(code, 0, "{v}");
    };
    send(
        "october.csv",
        "A-1,C-1,CONTACT,2026-11-10 10:00:00,Оплачен,100,RUB",
        "Оплачен=PAID",
    );
    send(
        "november.csv",
        "A-2,C-2,CONTACT,2026-11-11 11:00:00,В работе,200,RUB",
        "В работе=IN_PROGRESS",
    );
    let kept: Vec<String> = fake
        .state()
        .order_statuses(51234501)
        .into_iter()
        .map(|s| s.humanized)
        .collect();
    assert!(kept.contains(&"Оплачен".to_string()), "{kept:?}");
    assert!(kept.contains(&"В работе".to_string()), "{kept:?}");
    rt.block_on(fake.shutdown());
}

/// `validate` reads a file's columns as `upload` does: a mapping saved for this header by an
/// earlier upload (here given with --mapping; in the app, the Columns step) wins over the
/// automatic one. It read them anew, and a file `upload` takes was «missing ClientId» there.
#[test]
fn validate_reads_the_columns_as_the_upload_before_it_saved_them() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let when = jiff::Timestamp::now().as_second() - 3600;
    let file = env.dir.path().join("own-names.csv");
    std::fs::write(
        &file,
        format!("kto,chto,kogda\n1762345098123456789,offline_paid,{when}\n"),
    )
    .unwrap();
    let validate = |env: &Env| {
        env.json(&[
            "validate",
            file.to_str().unwrap(),
            "--kind",
            "conversions",
            "--json",
        ])
    };
    let (code, v) = validate(&env);
    assert_eq!(code, 1, "no columns known yet: {v}");
    let mapping = env.dir.path().join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"kind":"conversions","signature":"","fields":{
            "ClientId":{"type":"column","index":0,"header":"kto","confidence":1.0},
            "Target":{"type":"column","index":1,"header":"chto","confidence":1.0},
            "DateTime":{"type":"column","index":2,"header":"kogda","confidence":1.0}}}"#,
    )
    .unwrap();
    let (code, v) = env.json(&[
        "upload",
        file.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--mapping",
        mapping.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = validate(&env);
    assert_eq!(code, 0, "the saved columns: {v}");
    assert_eq!(v["valid_rows"], 1, "{v}");
    let out = env.run(&["validate", file.to_str().unwrap(), "--kind", "conversions"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("шаблоны"),
        "nothing to say at this build's schema"
    );

    // A history another build wrote (the app not yet started after an upgrade) is not read,
    // and validate says so instead of quietly reading the columns anew.
    let db = env.dir.path().join("history.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 9999).unwrap();
    drop(conn);
    let out = env.run(&["validate", file.to_str().unwrap(), "--kind", "conversions"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Сохранённые шаблоны столбцов не прочитаны"),
        "{err}"
    );
    rt.block_on(fake.shutdown());
}

/// The app's setting «Шифровать телефоны и почту по умолчанию» is the default of `mbridge
/// upload` too (one rule in the core): contacts leave hashed without --hash-contacts, and
/// --no-hash-contacts sends them as they are.
#[test]
fn the_apps_hashing_setting_is_the_uploads_default() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    rt.block_on(async {
        let core = mb_uploader::Core::start(mb_uploader::CoreOptions {
            data_dir: Some(env.dir.path().to_path_buf()),
            demo: Some(false),
            memory_tokens: true,
            ..mb_uploader::CoreOptions::default()
        })
        .await
        .unwrap();
        let s = core.settings().unwrap();
        core.save_settings(&mb_uploader::dto::Settings {
            hash_contacts_by_default: true,
            ..s
        })
        .unwrap();
    });
    let file = fixture("contacts.csv");
    let upload = |extra: &[&str]| {
        let mut a = vec![
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "contacts",
            "--counter",
            COUNTER,
            "--all-rows",
            "--force",
            "--json",
        ];
        a.extend_from_slice(extra);
        env.json(&a)
    };
    let anna = |fake: &mb_fake::FakeServer| {
        fake.state()
            .contacts(51234501)
            .get("C-5531")
            .cloned()
            .unwrap_or_default()
    };
    let (code, v) = upload(&[]);
    assert_eq!(code, 0, "{v}");
    let hashed = anna(&fake);
    assert!(
        !hashed.values().any(|x| x.contains("anna.k@example.ru")),
        "{hashed:?}"
    );
    let (code, v) = upload(&["--no-hash-contacts"]);
    assert_eq!(code, 0, "{v}");
    let plain = anna(&fake);
    assert!(
        plain.values().any(|x| x.contains("anna.k@example.ru")),
        "{plain:?}"
    );
    rt.block_on(fake.shutdown());
}

/// Warnings about rows that go anyway (here a goal the counter does not have: the conversions
/// will not count) are said with `upload`'s result, human and `--json`, as the app's Check
/// step says them; they used to be shown only beside errors.
#[test]
fn an_upload_says_its_warnings_with_the_result() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = env.dir.path().join("no-such-goal.csv");
    crate::crash::write_conversions(&file, 0..3);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace(",offline_paid,", ",no_such_goal,");
    std::fs::write(&file, text).unwrap();
    let args = |json: bool| {
        let mut a = vec![
            "upload",
            file.to_str().unwrap(),
            "--kind",
            "conversions",
            "--counter",
            COUNTER,
            "--all-rows",
        ];
        if json {
            a.push("--json");
        }
        a
    };
    let (code, v) = env.json(&args(true));
    assert_eq!(code, 0, "{v}");
    let warnings = v["warnings"].as_array().expect("warnings in --json");
    assert!(
        warnings
            .iter()
            .any(|w| w["column"] == "Target" && w["count"] == 3),
        "{v}"
    );
    assert_eq!(v["rejected_rows"], 0, "{v}");
    let out = env.run(&[&args(false)[..], &["--force"]].concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Предупреждения о строках, которые ушли") && stdout.contains("[Target]"),
        "{stdout}"
    );
    drop(rt);
}

/// A sign-in that did not ask for `metrika:write` (the default) asked to switch the extended
/// linking window on: told to sign in again with it, not «no upload rights» on a counter the
/// account owns (Metrica's answer, access denied, says no more).
#[test]
fn enabling_the_extended_window_without_the_write_permission_says_how_to_get_it() {
    let (rt, fake) = fake();
    let env = Env::new(&fake);
    let (code, out) = login(&env, &rt, "demo-agency");
    assert_eq!(code, 0, "{out}");
    let counter = mb_fake::WINDOW_OPENS_TOMORROW.to_string();
    let out = env.run(&["window", "--counter", &counter, "--enable-extended"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("metrika:write") && stderr.contains("MBRIDGE_SCOPE_WRITE=1 mbridge login"),
        "{stderr}"
    );
    assert!(!stderr.contains("нет прав"), "{stderr}");
}

/// A token given in MBRIDGE_TOKEN that Metrica refuses (a cron job's stale token): said as
/// such, with the fix that fits (replace it), not «вход устарел для : …» with no login.
#[test]
fn a_refused_env_token_is_said_as_such() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some("y0_not_a_token_metrica_knows".into());
    let out = env.run(&["counters"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("MBRIDGE_TOKEN"), "{stderr}");
    assert!(!stderr.contains("для :"), "{stderr}");
    assert!(
        !stderr.contains("y0_not_a_token"),
        "the token is never printed: {stderr}"
    );
    drop(rt);
}

/// `upload --lang en` writes the rejected-rows file's reasons in English, as `prepare --lang en`
/// does (the upload's file was always Russian).
#[test]
fn an_uploads_rejected_rows_are_explained_in_the_language_asked_for() {
    let (rt, fake) = fake();
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = env.dir.path().join("one-bad.csv");
    crate::crash::write_conversions(&file, 0..3);
    let text = std::fs::read_to_string(&file).unwrap();
    let bad = text.replacen("1770000000000000001,", "abc,", 1);
    assert_ne!(bad, text);
    std::fs::write(&file, bad).unwrap();
    let (code, v) = env.json(&[
        "upload",
        file.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        COUNTER,
        "--skip-invalid",
        "--lang",
        "en",
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["rejected_rows"], 1, "{v}");
    let outgoing = env.dir.path().join("outgoing");
    let rejected: Vec<_> = walk(&outgoing)
        .into_iter()
        .filter(|p| p.ends_with("rejected-rows.csv"))
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    let said = std::fs::read_to_string(&rejected[0]).unwrap();
    assert!(
        said.trim_start_matches('\u{feff}')
            .starts_with("Line;Reason"),
        "{said}"
    );
    drop(rt);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
