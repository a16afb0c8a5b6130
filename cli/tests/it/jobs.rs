//! An agency's repeating job from the command line, against the fake and a real SQLite file:
//! a job is saved, an export dropped into its folder is sent, a grown export sends only the
//! new rows, nothing new sends nothing, a bad file under the stop policy sends nothing and
//! keeps the report, two runs of one job never overlap, and a killed run is reconciled by
//! the next one without sending twice.

use std::process::Stdio;
use std::time::Duration;

use mb_fake::StallPoint;

use crate::Env;
use crate::crash::write_conversions;

const COUNTER: u64 = 51234501;

fn fake(time_scale: f64) -> (tokio::runtime::Runtime, mb_fake::FakeServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cfg = mb_fake::FakeConfig {
        time_scale,
        ..mb_fake::FakeConfig::default()
    };
    let fake = rt.block_on(mb_fake::FakeServer::start(cfg)).unwrap();
    (rt, fake)
}

/// A data folder signed in to the fake, with an exports folder and a saved job `shop`.
fn env_with_job(
    fake: &mb_fake::FakeServer,
    policy: &str,
    first_rows: u64,
) -> (Env, std::path::PathBuf) {
    let mut env = Env::new(fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let drop = env.dir.path().join("exports");
    std::fs::create_dir(&drop).unwrap();
    write_conversions(&drop.join("sales-01.csv"), 0..first_rows);
    let (code, v) = env.json(&[
        "jobs",
        "add",
        "shop",
        "--kind",
        "conversions",
        "--counter",
        &COUNTER.to_string(),
        "--folder",
        drop.to_str().unwrap(),
        "--pattern",
        "sales-*.csv",
        "--every",
        "daily@09:30",
        "--on-bad-rows",
        policy,
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["name"], "shop");
    assert_eq!(v["account_login"], "demo-agency");
    assert_eq!(v["every"], "daily@09:30");
    (env, drop)
}

fn run(env: &Env, wait: &str) -> (i32, serde_json::Value) {
    env.json(&["jobs", "run", "shop", "--wait", wait, "--json"])
}

#[test]
fn a_dropped_export_is_sent_then_only_new_rows_then_nothing() {
    let (_rt, fake) = fake(600.0);
    let (env, drop) = env_with_job(&fake, "skip", 100);

    // First run: the whole file, followed until Metrica processed it.
    let (code, v) = run(&env, "60");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["outcome"], "ran");
    assert_eq!(v["run"]["result"], "sent", "{v}");
    assert_eq!(v["run"]["rows_new"], 100);
    assert_eq!(v["run"]["files"][0], "sales-01.csv");
    let ups = fake.state().uploads(COUNTER);
    assert_eq!(ups.len(), 1);
    assert_eq!(ups[0].source_quantity, 100);
    let id = v["run"]["upload_ids"][0].as_u64().unwrap().to_string();
    // Said with the client's name and the kind in words, as an agency tells its uploads apart.
    let out = env.run(&["history"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("51234501 «Мебель „Рома“ — интернет-магазин» · Офлайн-конверсии · ")
            && said.contains(" · 100 строк · sales-01.csv"),
        "{said}"
    );
    let out = env.run(&["status", &id]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "Загрузка #{id} → счётчик 51234501 «Мебель „Рома“ — интернет-магазин»: "
        )),
        "{said}"
    );
    let (_, d) = env.json(&["status", &id, "--json"]);
    // Followed to the end: Metrica finished it (these test ids link to no visitor).
    assert!(
        ["processed", "linkage_failure"].contains(&d["summary"]["state"].as_str().unwrap()),
        "{d}"
    );

    // The same file untouched: nothing new, nothing sent, exit 0.
    let (code, v) = run(&env, "0");
    assert_eq!(
        (code, &v["run"]["result"]),
        (0, &"nothing_new".into()),
        "{v}"
    );
    assert_eq!(fake.state().uploads(COUNTER).len(), 1);

    // Tomorrow's export holds yesterday's rows and 30 more: only the 30 go out.
    std::thread::sleep(Duration::from_millis(20));
    write_conversions(&drop.join("sales-02.csv"), 0..130);
    let (code, v) = run(&env, "0");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["run"]["result"], "sent", "{v}");
    assert_eq!(
        (
            v["run"]["rows_new"].as_u64(),
            v["run"]["rows_unchanged"].as_u64()
        ),
        (Some(30), Some(100))
    );
    let ups = fake.state().uploads(COUNTER);
    assert_eq!(ups.len(), 2);
    assert_eq!(ups.iter().map(|u| u.source_quantity).max(), Some(100));
    assert!(ups.iter().any(|u| u.source_quantity == 30));

    // The same rows rewritten in a new file: nothing new, exit 0.
    std::thread::sleep(Duration::from_millis(20));
    write_conversions(&drop.join("sales-03.csv"), 0..130);
    let (code, v) = run(&env, "0");
    assert_eq!(
        (code, &v["run"]["result"]),
        (0, &"nothing_new".into()),
        "{v}"
    );
    assert_eq!(fake.state().uploads(COUNTER).len(), 2);

    // The CRM's export gains a column the job was not made with: the run reads it as before
    // and says so, with how to have it read (the file is the same rows: nothing new).
    std::thread::sleep(Duration::from_millis(20));
    let gained: String = std::fs::read_to_string(drop.join("sales-03.csv"))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{l},{}\n",
                if i == 0 {
                    "Менеджер"
                } else {
                    "Ирина"
                }
            )
        })
        .collect();
    std::fs::write(drop.join("sales-04.csv"), gained).unwrap();
    let out = env.run(&["jobs", "run", "shop", "--wait", "0"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("в файле новый столбец «Менеджер»: задание его не читает")
            && said.ends_with("mbridge jobs learn-columns shop\n"),
        "{said}"
    );
    assert_eq!(fake.state().uploads(COUNTER).len(), 2);

    // The list shows the last run; a next run only once the schedule is in the system's
    // scheduler (this job has a schedule that was never switched on); runs keep their history.
    let (code, list) = env.json(&["jobs", "list", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(list[0]["last_run"]["result"], "nothing_new");
    assert!(list[0]["next_run"].is_null(), "{list}");
    assert_eq!(list[0]["scheduled"], false, "{list}");
    assert_eq!(list[0]["warning"], serde_json::Value::Null);
    let (_, runs) = env.json(&["jobs", "runs", "shop", "--json"]);
    assert_eq!(runs.as_array().unwrap().len(), 5);
    assert_eq!(
        runs[0]["new_columns"],
        serde_json::json!(["Менеджер"]),
        "{runs}"
    );
    // Learnt: Metrica has no field for it, so it is known from now on, and said so.
    let out = env.run(&["jobs", "learn-columns", "shop"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("Задание shop: не читает") && said.contains("«Менеджер»"),
        "{said}"
    );

    // Paused: the scheduler's run does nothing; resumed it runs again; removed it is gone.
    let out = env.run(&["jobs", "pause", "shop"]);
    assert_eq!(out.status.code(), Some(0));
    // Said in words, what became of it.
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Задание shop на паузе: "), "{said}");
    let (code, v) = run(&env, "0");
    assert_eq!((code, &v["outcome"]), (0, &"paused".into()));
    assert_eq!(env.run(&["jobs", "resume", "shop"]).status.code(), Some(0));
    assert_eq!(run(&env, "0").1["outcome"], "ran");
    let out = env.run(&["jobs", "remove", "shop"]);
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Задание shop удалено"), "{said}");
    assert_eq!(env.run(&["jobs", "run", "shop"]).status.code(), Some(2));
}

#[test]
fn a_bad_file_under_the_stop_policy_sends_nothing_and_keeps_the_report() {
    let (_rt, fake) = fake(600.0);
    let (env, drop) = env_with_job(&fake, "stop", 10);
    std::thread::sleep(Duration::from_millis(20));
    let mut text = std::fs::read_to_string(drop.join("sales-01.csv")).unwrap();
    text.push_str("177000000000000000099,offline_paid,not-a-date,100.50,RUB\n");
    std::fs::write(drop.join("sales-02.csv"), text).unwrap();

    let (code, v) = run(&env, "0");
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["run"]["result"], "blocked");
    // A blocked run is a result, not an error; a failed one names its error here.
    assert!(v.get("error").is_some_and(|e| e.is_null()), "{v}");
    assert_eq!(v["run"]["rows_rejected"], 1);
    let report = &v["run"]["report"];
    assert_eq!(report["errors"], 1, "{report}");
    let bad = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["severity"] == "error");
    assert_eq!(bad.unwrap()["line"], 12, "{report}");
    assert_eq!(bad.unwrap()["value"], "not-a-date", "{report}");
    assert!(fake.state().uploads(COUNTER).is_empty(), "nothing sent");
    let (_, list) = env.json(&["jobs", "list", "--json"]);
    assert_eq!(list[0]["warning"], "blocked");
    // The human list says it in words, not the code.
    let out = env.run(&["jobs", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("⚠ остановлено: ошибки в файле"), "{text}");
    // The runs say where: the line, the column and the value, and no «новых 0» of a file the
    // run stopped before counting.
    let out = env.run(&["jobs", "runs", "shop"]);
    let text = String::from_utf8_lossy(&out.stdout);
    // …and why, in the report's words.
    assert!(
        text.contains("например, строка 12, «DateTime»: «not-a-date» — дата"),
        "{text}"
    );
    assert!(!text.contains("новых: 0"), "{text}");

    // The file was not taken: fixed, the next run sends it.
    std::thread::sleep(Duration::from_millis(20));
    write_conversions(&drop.join("sales-02.csv"), 0..11);
    let (code, v) = run(&env, "0");
    assert_eq!((code, &v["run"]["result"]), (0, &"sent".into()), "{v}");
    assert_eq!(fake.state().uploads(COUNTER)[0].source_quantity, 11);
}

#[test]
fn two_runs_never_overlap_and_a_killed_run_is_reconciled_by_the_next() {
    let (rt, fake) = fake(600.0);
    let (env, _drop) = env_with_job(&fake, "skip", 50);
    fake.faults().stall_next_upload(StallPoint::AfterStore);
    let mut first = env
        .cmd()
        .args(["jobs", "run", "shop", "--wait", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(60), fake.faults().wait_stalled())
            .await
            .expect("the run reached the server")
    });

    // A second run of the same job while the first is sending: it does nothing.
    let (code, v) = run(&env, "0");
    assert_eq!(code, 7, "{v}");
    assert_eq!(v["outcome"], "already_running");
    assert_eq!(fake.state().uploads(COUNTER).len(), 1);

    // The first dies mid-send; the server kept its upload.
    first.kill().unwrap();
    assert!(!first.wait().unwrap().success());
    // Its lock went with it: the list says interrupted (not «running» until the next run).
    let (_, list) = env.json(&["jobs", "list", "--json"]);
    assert_eq!(list[0]["last_run"]["result"], "interrupted");

    // The next run closes the dead one, finds the upload on the server by its tag, and so
    // has nothing new to send.
    let (code, v) = run(&env, "0");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["reconciled_runs"], 1);
    assert_eq!(v["run"]["result"], "nothing_new", "{v}");
    assert_eq!(fake.state().uploads(COUNTER).len(), 1, "never sent twice");
    let (_, runs) = env.json(&["jobs", "runs", "shop", "--json"]);
    assert_eq!(runs[1]["result"], "interrupted");
    let (_, h) = env.json(&["history", "--json"]);
    let state = h[0]["state"].as_str().unwrap();
    assert!(
        ["sent", "processing", "processed", "linkage_failure"].contains(&state),
        "{h}"
    );
}

#[test]
fn run_all_runs_every_job_that_is_not_paused_and_prints_its_schedule() {
    let (_rt, fake) = fake(600.0);
    let (env, drop) = env_with_job(&fake, "skip", 20);
    let other = env.dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    write_conversions(&other.join("more.csv"), 1000..1010);
    for (name, folder) in [("second", &other), ("third", &drop)] {
        let (code, v) = env.json(&[
            "jobs",
            "add",
            name,
            "--kind",
            "conversions",
            "--counter",
            &COUNTER.to_string(),
            "--folder",
            folder.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(code, 0, "{v}");
    }
    assert_eq!(env.run(&["jobs", "pause", "third"]).status.code(), Some(0));
    let (code, v) = env.json(&[
        "jobs",
        "run",
        "--all",
        "--parallel",
        "2",
        "--wait",
        "0",
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["job"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["second", "shop"]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["run"]["result"] == "sent"),
        "{v}"
    );
    assert_eq!(fake.state().uploads(COUNTER).len(), 2);

    // A job made from an earlier upload repeats its counter, kind, mapping and options.
    let (_, h) = env.json(&["history", "--json"]);
    let id = h[0]["id"].as_u64().unwrap().to_string();
    // Options it would drop (contacts hashed, a constant, a merge mode) are refused, not
    // ignored; so are the offline-only --tz and --goals.
    for extra in [
        &["--hash-contacts"][..],
        &["--set", "Currency=USD"],
        &["--merge-mode", "APPEND"],
        &["--tz", "Asia/Vladivostok"],
    ] {
        let mut args = vec!["jobs", "add", "refused", "--from-upload", &id];
        args.extend(["--folder", other.to_str().unwrap(), "--json"]);
        args.extend(extra);
        let (code, v) = env.json(&args);
        assert_eq!(code, 2, "{extra:?}: {v}");
        assert_eq!(v["error"]["kind"], "invalid_input", "{v}");
        assert_eq!(
            v["error"]["data"]["field"],
            extra[0].trim_start_matches("--")
        );
    }
    let (_, jobs) = env.json(&["jobs", "list", "--json"]);
    assert!(!jobs.to_string().contains("\"refused\""), "{jobs}");
    let (code, v) = env.json(&[
        "jobs",
        "add",
        "repeat",
        "--from-upload",
        &id,
        "--folder",
        other.to_str().unwrap(),
        "--on-bad-rows",
        "stop",
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["counter_id"].as_u64(), v["kind"].as_str()),
        (Some(COUNTER), Some("conversions"))
    );
    assert_eq!(v["spec"]["on_bad_rows"], "stop");
    assert_eq!(
        v["spec"]["mapping"]["fields"]["ClientId"]["header"], "ClientId",
        "{v}"
    );
    let (code, v) = env.json(&["jobs", "run", "repeat", "--wait", "0", "--json"]);
    assert_eq!(
        (code, &v["run"]["result"]),
        (0, &"nothing_new".into()),
        "{v}"
    );
    // A second job taking the same files for the same counter is refused, naming the first:
    // it would only read what that one sends.
    let out = env.run(&[
        "jobs",
        "add",
        "Рома черновик",
        "--from-upload",
        &id,
        "--folder",
        other.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("задание repeat уже берёт эти файлы для этого счётчика"),
        "{said}"
    );
    // Without --pattern and --on-bad-rows it starts where the window's dialog does (the
    // core's draft): files like that upload's, rows with errors left out and reported.
    // A name in Russian, as the window takes it: the scheduler's name in Latin letters, the
    // typed one kept as the title.
    let drafts = env.dir.path().join("drafts");
    std::fs::create_dir(&drafts).unwrap();
    let (code, v) = env.json(&[
        "jobs",
        "add",
        "Рома черновик",
        "--from-upload",
        &id,
        "--folder",
        drafts.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (&v["source"]["pattern"], &v["spec"]["on_bad_rows"]),
        (&"*.csv".into(), &"skip".into()),
        "{v}"
    );
    assert_eq!(
        (&v["name"], &v["spec"]["title"]),
        (&"roma-chernovik".into(), &"Рома черновик".into()),
        "{v}"
    );
    // `jobs list` says the schedule in words, as the window does.
    let out = env.run(&["jobs", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("shop: счётчик 51234501 · каждый день в 09:30 ·"),
        "{text}"
    );
    // …and that the schedule runs nothing until the system's scheduler has it, with how.
    assert!(
        text.contains("следующий: — (расписание не включено: mbridge jobs schedule shop)"),
        "{text}"
    );
    assert!(
        text.contains("roma-chernovik «Рома черновик»: счётчик 51234501 · вручную ·"),
        "{text}"
    );
    assert!(
        !text.contains("mbridge jobs schedule roma-chernovik"),
        "run by hand: nothing to switch on\n{text}"
    );
    // The other commands answer to the name as typed, and a name that is taken once written
    // in Latin letters says which job has it.
    let (code, v) = env.json(&["jobs", "runs", "Рома черновик", "--json"]);
    assert_eq!(code, 0, "{v}");
    let out = env.run(&["jobs", "pause", "Рома черновик"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = env.run(&[
        "jobs",
        "add",
        "рома Черновик",
        "--from-upload",
        &id,
        "--folder",
        other.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("это имя уже у задания roma-chernovik"),
        "{said}"
    );
    // …and `--replace` changes that job, never adds a second one beside it.
    let out = env.run(&[
        "jobs",
        "add",
        "ROMA-CHERNOVIK",
        "--from-upload",
        &id,
        "--folder",
        drafts.to_str().unwrap(),
        "--replace",
        "--every",
        "hourly",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // Saved is not scheduled: said, with the command that switches it on.
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Задание сохранено: roma-chernovik")
            && said.contains(
                "Расписание ещё не включено: чтобы задание запускалось само, выполните mbridge jobs schedule roma-chernovik"
            ),
        "{said}"
    );
    let (_, jobs) = env.json(&["jobs", "list", "--json"]);
    let named: Vec<_> = jobs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|j| j["job"]["name"].as_str().or(j["name"].as_str()))
        .filter(|n| n.eq_ignore_ascii_case("roma-chernovik"))
        .collect();
    assert_eq!(named, ["roma-chernovik"], "{jobs}");

    // --print shows the systemd units that would be installed, pinned to this data folder.
    let out = env.run(&["jobs", "schedule", "shop", "--print"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("OnCalendar=*-*-* 09:30:00"), "{text}");
    assert!(text.contains(env.dir.path().to_str().unwrap()), "{text}");
    // A scheduled run has none of this shell's environment: the Metrica it talks to and the
    // token store it was signed in with are in the entry itself (never a token).
    assert!(
        text.contains(&format!("\"--api-base\" \"{}\"", env.api_base)),
        "{text}"
    );
    assert!(text.contains("\"--token-store\" \"file\""), "{text}");
    assert!(!text.contains("MBRIDGE_TOKEN"), "{text}");
    let out = env.run(&["jobs", "schedule", "second", "--print"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a job without a schedule cannot be scheduled"
    );
}

/// An agency signed in with two Yandex logins: each job runs with its own account's token,
/// whichever account is active (shop-owner has no access to the agency's client counter).
#[test]
fn each_job_runs_with_its_own_accounts_token() {
    let (rt, fake) = fake(600.0);
    let env = Env::new(&fake);
    assert_eq!(crate::journey::login(&env, &rt, "demo-agency").0, 0);
    assert_eq!(crate::journey::login(&env, &rt, "shop-owner").0, 0);
    let (_, accounts) = env.json(&["accounts", "--switch", "shop-owner", "--json"]);
    assert!(accounts.to_string().contains("shop-owner"), "{accounts}");

    let agency = env.dir.path().join("agency");
    let shop = env.dir.path().join("shop");
    std::fs::create_dir(&agency).unwrap();
    std::fs::create_dir(&shop).unwrap();
    write_conversions(&agency.join("a.csv"), 0..12);
    write_conversions(&shop.join("s.csv"), 500..507);
    for (name, counter, folder, account) in [
        ("agency-client", "51234501", &agency, Some("demo-agency")),
        ("own-shop", "62345601", &shop, None),
    ] {
        let mut args = vec![
            "jobs",
            "add",
            name,
            "--kind",
            "conversions",
            "--counter",
            counter,
            "--folder",
            folder.to_str().unwrap(),
            "--json",
        ];
        if let Some(a) = account {
            args.extend(["--account", a]);
        }
        let (code, v) = env.json(&args);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["account_login"], account.unwrap_or("shop-owner"), "{v}");
    }
    let (code, v) = env.json(&["jobs", "run", "--all", "--wait", "0", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["run"]["result"] == "sent"),
        "{v}"
    );
    assert_eq!(fake.state().uploads(51234501)[0].source_quantity, 12);
    assert_eq!(fake.state().uploads(62345601)[0].source_quantity, 7);
    let (_, h) = env.json(&["history", "--json"]);
    let by = |c: u64| {
        h.as_array()
            .unwrap()
            .iter()
            .find(|u| u["counter_id"] == c)
            .unwrap()["account"]
            .clone()
    };
    assert_eq!(by(51234501), "demo-agency");
    assert_eq!(by(62345601), "shop-owner");
    // The active account stayed as the user left it.
    let (_, accounts) = env.json(&["accounts", "--json"]);
    let active: Vec<_> = accounts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["active"] == true)
        .collect();
    assert_eq!(active[0]["login"], "shop-owner");
}

/// `jobs add` under a name a job already has is refused (exit 2, in words): it replaced the
/// other job, its account, counter and files, without a word.
#[test]
fn adding_a_job_under_a_taken_name_is_refused_and_the_job_stays() {
    let (_rt, fake) = fake(600.0);
    let (env, drop) = env_with_job(&fake, "skip", 3);
    let out = env.run(&[
        "--lang",
        "ru",
        "jobs",
        "add",
        "shop",
        "--kind",
        "conversions",
        "--counter",
        &COUNTER.to_string(),
        "--folder",
        drop.to_str().unwrap(),
        "--pattern",
        "sales-*.csv",
        "--every",
        "hourly",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("это имя уже у задания shop"), "{err}");
    let (code, v) = env.json(&["jobs", "list", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v[0]["every"], "daily@09:30", "{v}");
    // `--replace` changes it: the way to edit a job from the command line.
    let (code, v) = env.json(&[
        "jobs",
        "add",
        "SHOP",
        "--kind",
        "conversions",
        "--counter",
        &COUNTER.to_string(),
        "--folder",
        drop.to_str().unwrap(),
        "--pattern",
        "sales-*.csv",
        "--json",
    ]);
    assert_eq!(code, 2, "a name differing only in case is taken too: {v}");
    let (code, v) = env.json(&[
        "jobs",
        "add",
        "shop",
        "--kind",
        "conversions",
        "--counter",
        &COUNTER.to_string(),
        "--folder",
        drop.to_str().unwrap(),
        "--pattern",
        "sales-*.csv",
        "--every",
        "hourly",
        "--replace",
        "--json",
    ]);
    assert_eq!(
        (code, &v["every"]),
        (0, &serde_json::json!("hourly")),
        "{v}"
    );
}

/// A run that fails on this side (its folder was deleted) exits 2, as the same mistake does
/// for `upload`: not 4, «network, quota or server trouble», which a wrapper would retry.
#[test]
fn a_run_whose_folder_is_gone_exits_2_not_4() {
    let (_rt, fake) = fake(600.0);
    let (env, drop) = env_with_job(&fake, "skip", 3);
    std::fs::remove_dir_all(&drop).unwrap();
    let (code, v) = run(&env, "0");
    assert_eq!(code, 2, "{v}");
    // `jobs runs` says why, and its JSON holds the error as an object, not JSON in a string.
    let (_, runs) = env.json(&["jobs", "runs", "shop", "--json"]);
    assert!(runs[0]["error"]["kind"].is_string(), "{runs}");
    let out = env.run(&["jobs", "runs", "shop"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.contains("не удалось") && first.contains(" — "),
        "{text}"
    );
    // …and so does `jobs list`, after its warning.
    let out = env.run(&["jobs", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let why = first.split_once(" — ").map_or("", |(_, w)| w);
    assert!(
        text.contains(&format!("⚠ не удалось: {why}")),
        "{text}\n{first}"
    );
}

/// `mbridge status` asks Metrica now about every open upload and says what finished since,
/// instead of a stale «Отправлена» and then «Загрузок нет» once it is done.
#[test]
fn status_says_what_finished_since() {
    let (_rt, fake) = fake(600.0);
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let file = env.dir.path().join("sales.csv");
    write_conversions(&file, 0..3);
    let (code, v) = env.json(&[
        "upload",
        file.to_str().unwrap(),
        "--kind",
        "conversions",
        "--counter",
        &COUNTER.to_string(),
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    // Metrica (600 times faster) is done within a second.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = env.run(&["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("Изменилось:"), "{text}");
    assert!(text.contains("Незавершённых загрузок нет"), "{text}");
    let (_, v) = env.json(&["status", "--json"]);
    assert_eq!(
        v["changed"].as_array().map(Vec::len),
        Some(0),
        "asked again: nothing new {v}"
    );
}

/// `jobs add` with a counter Metrica does not know, or one the account may only view, is
/// refused when it is added (as `upload` refuses it), not at the first scheduled run.
#[test]
fn adding_a_job_for_a_counter_it_cannot_upload_to_is_refused() {
    let (_rt, fake) = fake(600.0);
    let mut env = Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let drop = env.dir.path().join("exports");
    std::fs::create_dir(&drop).unwrap();
    write_conversions(&drop.join("sales-01.csv"), 0..3);
    let add = |counter: &str| {
        env.run(&[
            "jobs",
            "add",
            "shop",
            "--kind",
            "conversions",
            "--counter",
            counter,
            "--folder",
            drop.to_str().unwrap(),
        ])
    };
    let out = add("99999999");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("счётчика 99999999 нет"), "{stderr}");
    let out = add("51234510"); // view-only (the fake's seed)
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, list) = env.json(&["jobs", "list", "--json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
    // An upload to it, its goals and its window say the same: which counter, and how to see
    // the account's (not «Метрика не нашла то, о чём спросили»).
    let file = drop.join("sales-01.csv");
    for args in [
        vec!["upload", "--counter", "99999999", file.to_str().unwrap()],
        vec!["goals", "--counter", "99999999"],
        vec!["window", "--counter", "99999999"],
    ] {
        let out = env.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "счётчика 99999999 нет среди счётчиков аккаунта (mbridge counters покажет их)"
            ),
            "{args:?}: {stderr}"
        );
    }
}

/// A job name no job has (a typo, a job removed) is said, with exit 2, by `jobs runs` as by
/// `jobs run`: a script must not read «no runs yet» into it.
#[test]
fn the_runs_of_a_job_that_does_not_exist_are_an_error() {
    let env = Env::unreachable("http://127.0.0.1:9");
    let out = env.run(&["jobs", "runs", "nosuchjob"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("nosuchjob"), "{said}");
}
