//! The same requests sent by the `curl` binary: an HTTP stack independent of reqwest and of
//! our client, asserting status codes and JSON.

use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// Runs curl and returns (status, parsed body).
fn curl(args: &[&str]) -> (u16, Value) {
    let out = Command::new("curl")
        .args(["-s", "-S", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (
        code.trim().parse().unwrap(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

async fn curl_async(args: Vec<String>) -> (u16, Value) {
    tokio::task::spawn_blocking(move || curl(&args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap()
}

#[tokio::test]
async fn curl_multipart_upload_matches_the_contract() {
    let env = env().await;
    let auth = format!("Authorization: OAuth {}", env.token);
    let url = env.url(&format!(
        "/management/v1/counter/{MEBEL}/offline_conversions/upload?comment=CRMexport22nov"
    ));
    let file = format!(
        "file=@{};type=text/csv;filename=data.csv",
        fixture_path("offline_clientid.csv")
    );
    let (s, v) = curl_async(vec!["-H".into(), auth.clone(), "-F".into(), file, url]).await;
    assert_eq!(s, 200, "{v}");
    let u = &v["uploading"];
    assert_eq!(
        (
            u["source_quantity"].as_u64(),
            u["status"].as_str(),
            u["comment"].as_str()
        ),
        (Some(5), Some("UPLOADED"), Some("CRMexport22nov"))
    );
    let id = u["id"].as_i64().unwrap();
    let (s, v) = curl_async(vec![
        "-H".into(),
        auth.clone(),
        env.url(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/uploading/{id}"
        )),
    ])
    .await;
    assert_eq!((s, v["uploading"]["id"].as_i64()), (200, Some(id)));
}

#[tokio::test]
async fn curl_sees_the_same_errors() {
    let env = env().await;
    let auth = format!("Authorization: OAuth {}", env.token);
    let up = env.url(&format!(
        "/management/v1/counter/{MEBEL}/offline_conversions/upload"
    ));
    let bad = format!(
        "file=@{};type=text/csv",
        fixture_path("bad_missing_target_column.csv")
    );
    let (s, v) = curl_async(vec![
        "-H".into(),
        auth.clone(),
        "-F".into(),
        bad,
        up.clone(),
    ])
    .await;
    assert_eq!((s, error_type(&v)), (400, "invalid_uploading"));
    let future = format!(
        "file=@{};type=text/csv",
        fixture_path("bad_future_datetime.csv")
    );
    let (s, v) = curl_async(vec![
        "-H".into(),
        auth.clone(),
        "-F".into(),
        future,
        up.clone(),
    ])
    .await;
    // docs/metrika-api.md §4.2: future rows are dropped, the file is accepted.
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["uploading"]["line_quantity"], 1);
    let (s, v) = curl_async(vec![
        "-H".into(),
        auth.clone(),
        "-F".into(),
        "other=1".into(),
        up.clone(),
    ])
    .await;
    assert_eq!((s, error_type(&v)), (400, "missing_parameter"));
    let (s, v) = curl_async(vec![up]).await;
    assert_eq!((s, error_type(&v)), (401, "unauthorized"));
    let (s, v) = curl_async(vec![
        "-H".into(),
        auth,
        env.url("/management/v1/counters?per_page=2&offset=35"),
    ])
    .await;
    assert_eq!(
        (
            s,
            v["rows"].as_u64(),
            v["counters"].as_array().map(Vec::len)
        ),
        (200, Some(36), Some(2))
    );
}

#[tokio::test]
async fn curl_cdp_upload_and_oauth_token_errors() {
    let env = env().await;
    let auth = format!("Authorization: OAuth {}", env.token);
    let url = env.url(&format!(
        "/cdp/api/v1/counter/{MEBEL}/data/simple_orders?merge_mode=SAVE&delimiter_type=COMMA"
    ));
    let file = format!(
        "file=@{};type=text/csv",
        fixture_path("simple_orders_comma.csv")
    );
    let (s, v) = curl_async(vec!["-H".into(), auth, "-F".into(), file, url]).await;
    assert_eq!(
        (
            s,
            v["uploading"]["api_validation_status"].as_str(),
            v["uploading"]["elements_count"].as_u64()
        ),
        (200, Some("PASSED"), Some(5))
    );
    let tok = format!("{}/token", env.server.oauth_base);
    let (s, v) = curl_async(vec![
        "-d".into(),
        "grant_type=authorization_code&code=nope&client_id=mbridge-demo&code_verifier=x".into(),
        tok.clone(),
    ])
    .await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    let (s, v) = curl_async(vec![
        "-d".into(),
        "grant_type=password&client_id=mbridge-demo".into(),
        tok,
    ])
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
}
