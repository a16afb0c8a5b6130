//! Hostile surroundings from the command line: the sign-in port held by another program, a
//! FIFO given as the data file, a data folder that cannot be used.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::Env;

/// Another program holds the registered loopback port: `mbridge login` says so in words and
/// signs in with the paste-the-code flow instead of failing with exit 4.
#[test]
fn a_busy_loopback_port_falls_back_to_the_paste_code_in_words() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(mb_fake::FakeServer::start(mb_fake::FakeConfig::default()))
        .unwrap();
    let env = Env::new(&fake);
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let mut child = env
        .cmd()
        .args(["login", "--no-browser", "--login-hint", "demo-agency"])
        .env(
            "MBRIDGE_CLIENT_ID",
            mb_fake::FakeConfig::default().client_id,
        )
        .env("MBRIDGE_LOOPBACK_PORT", port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let mut url = None;
    for _ in 0..10 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(i) = line.find("http") {
            url = Some(line[i..].trim().to_string());
            break;
        }
        said.push_str(&line);
    }
    assert!(said.contains("занят"), "{said}");
    let url = url.expect("login printed an address");
    let location = rt.block_on(async {
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let resp = browser.get(&url).send().await.unwrap();
        resp.headers()["location"].to_str().unwrap().to_string()
    });
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .expect("the paste page gets a code")
        .to_string();
    writeln!(child.stdin.take().unwrap(), "{code}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("demo-agency"));
    drop(busy);
}

/// Ctrl-C while `mbridge login` waits for a pasted code stops the wait («отменено», exit 6):
/// the Ctrl-C handler is installed, so the key did nothing until Enter was pressed. An input
/// that ends with no code says so instead of sending an empty code to Yandex.
#[cfg(unix)]
#[test]
fn ctrl_c_or_no_code_ends_a_waiting_paste() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(mb_fake::FakeServer::start(mb_fake::FakeConfig::default()))
        .unwrap();
    let env = Env::new(&fake);
    let paste = |stdin: Stdio| {
        let mut child = env
            .cmd()
            .args(["login", "--no-browser", "--paste-code"])
            .env(
                "MBRIDGE_CLIENT_ID",
                mb_fake::FakeConfig::default().client_id,
            )
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("http") {
            line.clear();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "login printed no address"
            );
        }
        (child, stderr)
    };
    let (child, stderr) = paste(Stdio::piped());
    // The prompt is printed with no line end: give it a moment to be waiting on the input.
    std::thread::sleep(Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, said) = login_ends(child, stderr);
    assert_eq!(code, Some(6), "{said}");
    assert!(said.contains("отменено"), "{said}");

    let (child, stderr) = paste(Stdio::null());
    let (code, said) = login_ends(child, stderr);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("код не вставлен"), "{said}");
}

/// A FIFO as the data file: refused at once with a plain reason (it used to hang forever).
#[cfg(unix)]
#[test]
fn a_fifo_as_the_data_file_is_refused_at_once() {
    let env = Env::unreachable("http://127.0.0.1:9");
    let fifo = env.dir.path().join("sales.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let out = env.run(&[
        "validate",
        fifo.to_str().unwrap(),
        "--kind",
        "simple-orders",
    ]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("не обычный файл"), "{err}");
}

/// `mbridge history | head`: the reader goes away before mbridge has printed; it ends quietly
/// (141, as a program killed by SIGPIPE), with no panic and no backtrace on the terminal.
#[test]
fn a_closed_pipe_ends_quietly() {
    let env = Env::unreachable("http://127.0.0.1:9");
    let mut child = env
        .cmd()
        .args(["history"])
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(141), "{err}");
}

/// Ctrl-C while `mbridge login` waits for the browser stops the wait cleanly ("отменено",
/// exit 4) instead of killing the process with the port held.
#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_waiting_login() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(mb_fake::FakeServer::start(mb_fake::FakeConfig::default()))
        .unwrap();
    let env = Env::new(&fake);
    let mut child = env
        .cmd()
        .args(["login", "--no-browser"])
        // Held open: should the test's port be taken meanwhile, the paste-the-code wait that
        // follows is stopped by Ctrl-C too.
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    // The address line itself (a log line with a URL in it can come first, before Ctrl-C is
    // listened for).
    while !(line.contains("http") && (line.contains("Откройте") || line.contains("Open in")))
    {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "login printed no address"
        );
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, rest) = login_ends(child, stderr);
    // Stopped, as every Ctrl-C: not «network or server trouble» (4).
    assert_eq!(code, Some(6), "{rest}");
    assert!(rest.contains("отменено"), "{rest}");
}

/// A data folder that cannot be used (here a file where the folder should be; a read-only or
/// full disk ends the same way) is named, with what to check, and ends with its own exit code
/// (8), not the network's 4, which scripts would retry.
#[test]
fn a_data_folder_that_cannot_be_used_is_named_with_its_own_exit_code() {
    let env = Env::unreachable("http://127.0.0.1:9");
    let folder = env.dir.path().join("data");
    std::fs::write(&folder, "not a folder").unwrap();
    let out = env
        .cmd()
        .env("MBRIDGE_DATA_DIR", &folder)
        .args(["history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(8));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("ошибка локального хранилища"), "{said}");
    assert!(
        said.contains(&format!("Папка данных: {}", folder.display())),
        "{said}"
    );
}

/// A stopped `mbridge login` ends within 10 s: its exit code and what it said after.
fn login_ends(
    mut child: std::process::Child,
    mut stderr: BufReader<std::process::ChildStderr>,
) -> (Option<i32>, String) {
    let started = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "login kept waiting"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    (code, rest)
}
