//! The adapter over loopback HTTP, as the browser UI uses it: a real demo core (fake Metrica,
//! real SQLite file in a throwaway folder) behind `mb_http::serve`.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
        .display()
        .to_string()
}

async fn start(static_dir: Option<PathBuf>) -> mb_http::Server {
    mb_http::serve(mb_http::Options {
        static_dir,
        pick_file: Some(fixture("offline_clientid.csv")),
        follow_up: Some(Duration::from_secs(1)),
        ..mb_http::Options::default()
    })
    .await
    .expect("adapter starts")
}

async fn call(s: &mb_http::Server, name: &str, args: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/call/{name}", s.url()))
        .json(&args)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// A streaming command's server-sent events, as (event, data) pairs.
async fn call_stream(s: &mb_http::Server, name: &str, args: Value) -> Vec<(String, Value)> {
    let r = reqwest::Client::new()
        .post(format!("{}/api/call/{name}", s.url()))
        .json(&args)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let text = r.text().await.unwrap();
    text.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|b| {
            let ev = b.lines().find_map(|l| l.strip_prefix("event: ")).unwrap();
            let data = b.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
            (ev.to_string(), serde_json::from_str(data).unwrap())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_round_trip_and_errors_say_what_and_where() {
    let s = start(None).await;
    let (st, info) = call(&s, "app_info", json!({})).await;
    assert_eq!(st, 200);
    assert_eq!(info["demo"], json!(true), "{info}");
    assert_eq!(info["version"], json!(env!("CARGO_PKG_VERSION")), "{info}");

    let (st, accounts) = call(&s, "accounts", json!({})).await;
    assert_eq!(st, 200);
    assert_eq!(accounts[0]["login"], json!(mb_uploader::DEMO_LOGIN));

    let (st, e) = call(&s, "no_such_command", json!({})).await;
    assert_eq!(st, 404);
    assert_eq!(
        e["data"]["reason"],
        json!("unknown command no_such_command"),
        "{e}"
    );

    let (st, e) = call(&s, "goals", json!({"counterId": "not a number"})).await;
    assert_eq!(st, 422);
    assert_eq!(e["kind"], json!("invalid_input"), "{e}");
    assert_eq!(e["data"]["field"], json!("goals.counterId"), "{e}");

    // The same list the desktop shell dispatches.
    let names: Vec<String> = reqwest::get(format!("{}/api/commands", s.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(names, mb_uploader::commands::NAMES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_only_requests_addressed_to_loopback() {
    let s = start(None).await;
    assert!(s.addr.ip().is_loopback());
    let r = reqwest::Client::new()
        .post(format!("{}/api/call/ping", s.url()))
        .header("host", format!("evil.example:{}", s.addr.port()))
        .json(&json!({"message": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_goes_from_pick_to_metrica_with_progress_and_a_history_event() {
    let s = start(None).await;
    let mut events = reqwest::get(format!("{}/api/events", s.url()))
        .await
        .unwrap()
        .bytes_stream();

    let (_, path) = call(&s, "pick_file", json!({})).await;
    assert_eq!(path, json!(fixture("offline_clientid.csv")));
    let read = json!({});
    let (st, mapping) = call(
        &s,
        "suggest_mapping",
        json!({"path": path, "read": read, "kind": "conversions", "counterId": 51234501}),
    )
    .await;
    assert_eq!(st, 200, "{mapping}");
    let validate = json!({
        "path": path, "read": read, "kind": "conversions", "mapping": mapping,
        "counter_id": 51234501, "status_map": [], "hash_contacts": false, "only_new_rows": false,
    });
    let out = call_stream(&s, "validate", json!({ "request": validate })).await;
    let (first, p) = &out[0];
    assert_eq!(first, "progress");
    assert!(!p["job_id"].as_str().unwrap().is_empty(), "{p}");
    let (last, summary) = out.last().unwrap();
    assert_eq!(last, "result", "{out:?}");
    assert!(summary["rows"].as_u64().unwrap() > 0, "{summary}");

    let upload = json!({"validate": validate, "merge_mode": null, "comment": null,
        "confirm_duplicate": false, "skip_invalid": false});
    let out = call_stream(&s, "upload", json!({ "request": upload })).await;
    let (last, sent) = out.last().unwrap();
    assert_eq!(last, "result", "{out:?}");
    let id = sent["upload"]["id"].as_u64().unwrap();

    // The window is told, like the desktop's app-event channel.
    let seen = tokio::time::timeout(Duration::from_secs(20), async {
        let mut text = String::new();
        while let Some(chunk) = events.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if text.contains(&format!("\"upload_id\":{id}")) {
                return text;
            }
        }
        text
    })
    .await
    .expect("a history event arrives");
    assert!(seen.contains("event: app-event"), "{seen}");

    // Sending it again is refused as a duplicate: an error event, not a broken stream.
    let out = call_stream(&s, "upload", json!({ "request": upload })).await;
    let (last, e) = out.last().unwrap();
    assert_eq!(last, "error", "{out:?}");
    assert_eq!(e["kind"], json!("duplicate"), "{e}");

    let (_, history) = call(&s, "history", json!({"filter": {"states": []}})).await;
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_built_ui_with_index_for_unknown_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<html>ui</html>").unwrap();
    std::fs::write(dir.path().join("app.js"), "let x = 1;").unwrap();
    let s = start(Some(dir.path().to_path_buf())).await;
    let r = reqwest::get(format!("{}/app.js", s.url())).await.unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(r.text().await.unwrap(), "let x = 1;");
    let r = reqwest::get(format!("{}/history/../../etc/passwd", s.url()))
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "<html>ui</html>");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_the_app_was_opened_with_is_handed_over_once() {
    let file = fixture("offline_clientid.csv");
    let s = mb_http::serve(mb_http::Options {
        opened_file: Some(file.clone()),
        ..mb_http::Options::default()
    })
    .await
    .expect("adapter starts");
    assert_eq!(call(&s, "opened_file", json!({})).await, (200, json!(file)));
    assert_eq!(call(&s, "opened_file", json!({})).await, (200, json!(null)));
    // Without the option nothing was opened.
    let plain = start(None).await;
    assert_eq!(call(&plain, "opened_file", json!({})).await.1, json!(null));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_first_upload_ends_interrupted_and_resends_in_its_place() {
    let s = mb_http::serve(mb_http::Options {
        cut_first_upload: true,
        ..mb_http::Options::default()
    })
    .await
    .expect("adapter starts");
    let path = fixture("offline_clientid.csv");
    let read = json!({});
    let (_, mapping) = call(
        &s,
        "suggest_mapping",
        json!({"path": path, "read": read, "kind": "conversions", "counterId": 51234501}),
    )
    .await;
    let validate = json!({
        "path": path, "read": read, "kind": "conversions", "mapping": mapping,
        "counter_id": 51234501, "status_map": [], "hash_contacts": false, "only_new_rows": false,
    });
    let upload = json!({"validate": validate, "merge_mode": null, "comment": null,
        "confirm_duplicate": false, "skip_invalid": false});
    let out = call_stream(&s, "upload", json!({ "request": upload })).await;
    let (last, sent) = out.last().unwrap();
    assert_eq!(last, "result", "{out:?}");
    assert_eq!(sent["outcome"], json!("interrupted"), "{sent}");
    assert_eq!(sent["upload"]["state"], json!("interrupted"), "{sent}");
    let id = sent["upload"]["id"].as_u64().unwrap();

    // Only the first: the resend (which looks for it on the server first) goes through.
    let out = call_stream(&s, "resend", json!({ "id": id })).await;
    let (last, again) = out.last().unwrap();
    assert_eq!(last, "result", "{out:?}");
    assert_ne!(again["id"].as_u64().unwrap(), id, "{again}");
    assert!(
        matches!(again["state"].as_str(), Some("sent" | "processing")),
        "{again}"
    );
    let (_, old) = call(&s, "upload_detail", json!({ "id": id })).await;
    assert_eq!(old["summary"]["state"], json!("superseded"), "{old}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_waiting_for_the_browser_ends_on_cancel_and_frees_the_port() {
    let s = mb_http::serve(mb_http::Options {
        sign_in_waits: true,
        ..mb_http::Options::default()
    })
    .await
    .expect("adapter starts");
    let (st, started) = call(&s, "begin_sign_in", json!({"method": "loopback"})).await;
    assert_eq!(st, 200, "{started}");
    assert_eq!(started["method"], json!("loopback"), "{started}");
    let flow = started["flow_id"].as_str().unwrap().to_string();
    let waiting = {
        let url = s.url();
        let flow = flow.clone();
        tokio::spawn(async move {
            let r = reqwest::Client::new()
                .post(format!("{url}/api/call/complete_sign_in"))
                .json(&json!({"flowId": flow, "code": null}))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        })
    };
    // Nobody approves: still waiting after a while.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "the sign-in did not wait");
    assert_eq!(
        call(&s, "cancel", json!({"jobId": flow})).await,
        (200, json!(null))
    );
    let (st, e) = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the wait ends on cancel")
        .unwrap();
    assert_eq!((st, e["kind"].clone()), (422, json!("cancelled")), "{e}");
    // The port is free again: a new attempt is a loopback one, not the paste-code fallback.
    let (_, again) = call(&s, "begin_sign_in", json!({"method": "loopback"})).await;
    assert_eq!(again["method"], json!("loopback"), "{again}");
}
