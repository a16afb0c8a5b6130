//! `mbridge demo-server`: the ready line names the time scale, which defaults to the app's
//! demo speed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn ready_line(extra: &[&str]) -> serde_json::Value {
    let mut child = Command::new(crate::bin())
        .arg("demo-server")
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn demo_server_runs_at_the_demo_speed_unless_told_otherwise() {
    let v = ready_line(&[]);
    assert_eq!(v["time_scale"], mb_fake::DEMO_TIME_SCALE, "{v}");
    assert!(
        v["api_base"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let v = ready_line(&["--time-scale", "7"]);
    assert_eq!(v["time_scale"], 7.0, "{v}");
}
