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

/// docs/metrika-api.md §4.7 from the command line: the day a closed counter opens, and the
/// extended window switched on.
#[test]
fn window_command_names_the_opening_day_and_enables_the_extended_window() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(mb_fake::FakeServer::start(mb_fake::FakeConfig::default()))
        .unwrap();
    let mut env = crate::Env::new(&fake);
    env.token = Some(fake.issue_token("demo-agency"));
    let counter = mb_fake::WINDOW_OPENS_TOMORROW.to_string();
    let tz = jiff::tz::TimeZone::get("Europe/Samara").unwrap();
    let tomorrow = jiff::Timestamp::now()
        .to_zoned(tz)
        .date()
        .tomorrow()
        .unwrap()
        .to_string();
    let (code, v) = env.json(&["window", "--counter", &counter, "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["opens_on"], tomorrow.as_str(), "{v}");
    assert_eq!(v["extended"], false, "{v}");
    let out = env.run(&["window", "--counter", &counter]);
    let text = String::from_utf8_lossy(&out.stdout);
    // The day as people write it.
    let day: jiff::civil::Date = tomorrow.parse().unwrap();
    assert!(
        text.contains(&format!(
            "офлайн-данные в этот счётчик с {}",
            day.strftime("%d.%m.%Y")
        )),
        "{text}"
    );
    let (code, v) = env.json(&[
        "window",
        "--counter",
        &counter,
        "--enable-extended",
        "--json",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["extended"], true, "{v}");

    // A counter whose window was switched on five days ago links from that day: said, as the
    // check's «раньше дня, с которого счётчик связывает…» is about it.
    let counter = mb_fake::CVETY_INT_FLAGS.to_string();
    let (code, v) = env.json(&["window", "--counter", &counter, "--json"]);
    assert_eq!(code, 0, "{v}");
    let from: jiff::civil::Date = v["links_from"].as_str().expect("a day").parse().unwrap();
    let out = env.run(&["window", "--counter", &counter]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "окно привязки 21 день включено; связывает офлайн-данные с визитами с {}",
            from.strftime("%d.%m.%Y")
        )),
        "{text}"
    );
    // A counter that never switched the window on: Metrica names today, which is no window
    // growing from a day of its own.
    let (code, v) = env.json(&["window", "--counter", "51234507", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (&v["extended"], &v["links_from"]),
        (&serde_json::json!(false), &serde_json::Value::Null),
        "{v}"
    );
}
